#include "tenor/compiler/parser.hpp"

#include <utility>

namespace tenor::compiler {
namespace {

using namespace ast;

bool is_item_keyword(TokenKind k) {
  switch (k) {
    case TokenKind::KwContract:
    case TokenKind::KwStruct:
    case TokenKind::KwEnum:
    case TokenKind::KwEvent:
    case TokenKind::KwStorage:
    case TokenKind::KwInit:
    case TokenKind::KwAction:
    case TokenKind::KwView:
    case TokenKind::KwFn:
    case TokenKind::KwInterface:
    case TokenKind::KwConst:
    case TokenKind::KwModule:
    case TokenKind::KwUse: return true;
    default: return false;
  }
}

bool is_statement_keyword(TokenKind k) {
  switch (k) {
    case TokenKind::KwLet:
    case TokenKind::KwVar:
    case TokenKind::KwIf:
    case TokenKind::KwWhile:
    case TokenKind::KwFor:
    case TokenKind::KwMatch:
    case TokenKind::KwRequire:
    case TokenKind::KwRevert:
    case TokenKind::KwEmit:
    case TokenKind::KwReturn: return true;
    default: return false;
  }
}

bool is_opener(TokenKind k, bool angle) {
  return k == TokenKind::LParen || k == TokenKind::LBracket || k == TokenKind::LBrace ||
         (angle && k == TokenKind::Less);
}
bool is_closer(TokenKind k, bool angle) {
  return k == TokenKind::RParen || k == TokenKind::RBracket || k == TokenKind::RBrace ||
         (angle && k == TokenKind::Greater);
}

bool is_currency_code(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

bool has_suffix(std::string_view int_text) {
  for (char c : int_text)
    if (c != '_' && (c < '0' || c > '9')) return true;
  return false;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, DiagnosticEngine& diags, const FrontEndLimits& limits)
      : tokens_(tokens), diags_(diags), limits_(limits) {}

  std::unique_ptr<File> parse_file() {
    auto file = std::make_unique<File>();
    const SourceRange start = peek().range;
    if (at(TokenKind::KwContract) || at(TokenKind::KwModule)) {
      file->is_module = at(TokenKind::KwModule);
      advance();
      file->contract = expect_ident(file->is_module ? "the module's name" : "the contract's name");
      file->header = since(start);
    } else {
      error(DiagnosticKind::MissingContractHeader, peek().range, {describe_token(peek())},
            "begin the file with `contract Name` (or `module name` for a module)");
      if (!is_item_keyword(peek().kind)) skip_to_item();
    }
    while (!at(TokenKind::EndOfFile)) {
      const std::size_t before = pos_;
      panic_ = false;
      if (at(TokenKind::KwUse)) {
        parse_use(*file);
      } else if (ItemPtr item = parse_item()) {
        file->items.push_back(std::move(item));
      }
      panic_ = false;
      if (!at(TokenKind::EndOfFile) && !is_item_keyword(peek().kind)) {
        error(DiagnosticKind::ExpectedItem, peek().range, {describe_token(peek())});
        skip_to_item();
      }
      if (pos_ == before) advance();
    }
    file->range = SourceRange::cover(start, peek().range);
    if (diags_.saturated() && pos_ + 1 < tokens_.size()) diags_.note_stopped_early();
    return file;
  }

 private:
  // --- token access ----------------------------------------------------------------------

  const Token& peek(std::size_t ahead = 0) const {
    // A saturated engine ends the parse: every later token reads as the end of the file.
    if (diags_.saturated()) return tokens_.back();
    const std::size_t i = pos_ + ahead;
    if (i == split_pos_) return split_rest_;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool at(TokenKind k) const { return peek().kind == k; }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool eat(TokenKind k) {
    if (!at(k)) return false;
    advance();
    return true;
  }
  SourceRange prev_range() const {
    if (pos_ == split_pos_) return split_head_;
    return pos_ > 0 ? tokens_[pos_ - 1].range : tokens_[0].range;
  }
  SourceRange since(SourceRange start) const {
    SourceRange end = pos_ == split_pos_ ? split_head_ : pos_ > 0 ? tokens_[pos_ - 1].range : start;
    if (end.end < start.begin) end = start;
    return {start.file, start.begin, end.end};
  }

  void error(DiagnosticKind k, SourceRange r, std::vector<std::string> args = {}, std::string help = {}) {
    ++error_seq_;
    // After an error, nothing more is reported until the parser reaches the next statement, item,
    // list element or match arm: later errors there are mostly consequences of the first.
    if (panic_ || pos_ == last_error_pos_) return;
    panic_ = true;
    last_error_pos_ = pos_;
    diags_.report(k, r, std::move(args), std::move(help));
  }

  // Reports `expected <what>, found <token>`. A missing `;` at the start of a new line is
  // reported right after the previous token, where it belongs.
  void expected(const std::string& what) {
    SourceRange r = peek().range;
    if (peek().line_before && pos_ > 0) r = {r.file, prev_range().end, prev_range().end};
    error(DiagnosticKind::ExpectedToken, r, {what, describe_token(peek())});
  }

  bool expect(TokenKind k) {
    if (eat(k)) return true;
    expected(token_kind_description(k));
    return false;
  }

  Ident expect_ident(const char* what) {
    if (at(TokenKind::Identifier)) {
      const Token& t = advance();
      return {std::string(t.text), t.range};
    }
    expected(std::string(what));
    return {std::string(), {peek().range.file, peek().range.begin, peek().range.begin}};
  }

  // --- recovery --------------------------------------------------------------------------

  void skip_to_item() {
    while (!at(TokenKind::EndOfFile) && !is_item_keyword(peek().kind)) advance();
  }

  // Skips to the end of a statement: past a `;`, or to a `}` closing the enclosing block, an
  // item keyword, or a statement keyword starting a line.
  void skip_statement() {
    int depth = 0;
    while (!at(TokenKind::EndOfFile)) {
      const TokenKind k = peek().kind;
      if (is_item_keyword(k)) return;
      if (depth == 0 && peek().line_before && is_statement_keyword(k)) return;
      if (k == TokenKind::LBrace) ++depth;
      if (k == TokenKind::RBrace) {
        if (depth == 0) return;
        --depth;
      }
      if (k == TokenKind::Semicolon && depth == 0) {
        advance();
        return;
      }
      advance();
    }
  }

  // Skips to the `,` or `close` that ends a list element (brackets balanced), or to a `;`, a `}`
  // not opened here, or an item keyword.
  void skip_list_element(TokenKind close) { skip_balanced(false, close); }

  // After NestingTooDeep: skips the rest of the nested construct, brackets balanced, stopping
  // before the closer of an enclosing level or a `;` or `,` at this level.
  void skip_nested(bool angle) { skip_balanced(angle, TokenKind::Comma); }

  // Skips tokens, brackets balanced (`<>` too when `angle`), stopping before an item keyword, a
  // closer not opened here, or a `;`, `,` or `stop` at this level.
  void skip_balanced(bool angle, TokenKind stop) {
    int depth = 0;
    while (!at(TokenKind::EndOfFile)) {
      const TokenKind k = peek().kind;
      if (is_item_keyword(k)) return;
      if (depth == 0 && (k == TokenKind::Comma || k == stop || k == TokenKind::Semicolon)) return;
      if (is_opener(k, angle)) ++depth;
      if (is_closer(k, angle)) {
        if (depth == 0) return;
        --depth;
      }
      advance();
    }
  }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) { ++p_.depth_; }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    // False when too deep: reported, and the nested input skipped.
    bool ok(bool angle = false) {
      if (p_.depth_ <= p_.limits_.max_nesting_depth) return true;
      p_.error(DiagnosticKind::NestingTooDeep, p_.peek().range, {std::to_string(p_.limits_.max_nesting_depth)},
               "split the expression or block into smaller pieces (let bindings, functions)");
      p_.skip_nested(angle);
      return false;
    }

   private:
    Parser& p_;
  };

  // Left-nested chains (`a + b + c`, `a.b.c`, `x as T as U`) are built by loops, not recursion,
  // but still deepen the tree: each link counts against the nesting budget so that every later
  // walk of the tree (printing, checking, destruction) is depth-bounded too.
  bool take_link(std::uint32_t& links) {
    if (depth_ + 1 > limits_.max_nesting_depth) {
      error(DiagnosticKind::NestingTooDeep, peek().range, {std::to_string(limits_.max_nesting_depth)},
            "split the expression into smaller pieces (let bindings, functions)");
      skip_nested(false);
      return false;
    }
    ++depth_;
    ++links;
    return true;
  }

  // `parse_one` for each element of `( ... )`-like lists up to `close` (trailing comma allowed);
  // consumes the closer. `opened` is the opener's range, for the diagnostics.
  template <typename F>
  void parse_list(TokenKind close, F&& parse_one) {
    while (!at(close) && !at(TokenKind::EndOfFile) && !is_item_keyword(peek().kind)) {
      const std::size_t before = pos_;
      panic_ = false;
      const unsigned errs = error_seq_;
      parse_one();
      if (error_seq_ != errs || pos_ == before) skip_list_element(close);
      if (!eat(TokenKind::Comma)) {
        if (!at(close)) expected("`,` or " + token_kind_description(close));
        break;
      }
    }
    expect(close);
  }

  // --- items -----------------------------------------------------------------------------

  ItemPtr parse_item() {
    auto item = std::make_unique<Item>();
    const SourceRange start = peek().range;
    switch (peek().kind) {
      case TokenKind::KwStruct:
      case TokenKind::KwEvent:
        item->kind = at(TokenKind::KwStruct) ? ItemKind::Struct : ItemKind::Event;
        advance();
        item->name = expect_ident("identifier");
        parse_field_block(item->fields);
        break;
      case TokenKind::KwStorage:
        item->kind = ItemKind::Storage;
        advance();
        parse_field_block(item->fields);
        break;
      case TokenKind::KwEnum:
        item->kind = ItemKind::Enum;
        advance();
        item->name = expect_ident("identifier");
        parse_enum_body(*item);
        break;
      case TokenKind::KwInit:
        item->kind = ItemKind::Init;
        advance();
        parse_params(item->params);
        parse_signed_by(*item);
        item->body = parse_block();
        break;
      case TokenKind::KwAction:
      case TokenKind::KwView:
      case TokenKind::KwFn:
        item->kind = at(TokenKind::KwAction) ? ItemKind::Action
                     : at(TokenKind::KwView) ? ItemKind::View
                                             : ItemKind::Function;
        advance();
        item->name = expect_ident("identifier");
        parse_params(item->params);
        if (eat(TokenKind::Arrow)) item->return_type = parse_type();
        if (item->kind != ItemKind::Function) parse_signed_by(*item);
        item->body = parse_block();
        break;
      case TokenKind::KwInterface:
        item->kind = ItemKind::Interface;
        advance();
        item->name = expect_ident("identifier");
        parse_interface_body(*item);
        break;
      case TokenKind::KwConst:
        // `const NAME: T = value;`
        item->kind = ItemKind::Const;
        advance();
        item->name = expect_ident("identifier");
        expect(TokenKind::Colon);
        item->return_type = parse_type();
        expect(TokenKind::Equal);
        item->value = parse_expr();
        expect(TokenKind::Semicolon);
        break;
      case TokenKind::KwContract:
      case TokenKind::KwModule:
        error(DiagnosticKind::ExpectedItem, peek().range, {describe_token(peek())},
              at(TokenKind::KwContract) ? "a file holds exactly one contract"
                                        : "`module NAME` is a file's first line: a module is a file of its own");
        advance();
        if (at(TokenKind::Identifier)) advance();
        return nullptr;
      default: return nullptr;
    }
    item->range = since(start);
    return item;
  }

  // `use a::b;`: every `use` comes before the first item (a later one is reported, and kept).
  void parse_use(File& file) {
    const SourceRange start = advance().range;
    Use u;
    u.path.range = peek().range;
    do {
      u.path.segments.push_back(expect_ident("a module name"));
    } while (!panic_ && eat(TokenKind::ColonColon));
    u.path.range = since(u.path.range);
    expect(TokenKind::Semicolon);
    u.range = since(start);
    if (!file.items.empty())
      error(DiagnosticKind::UseAfterItem, u.range, {},
            "move it up, before `" + std::string(item_kind_keyword(file.items.front()->kind)) + " " +
                file.items.front()->name.name + "`: a file's `use`s come first");
    if (!panic_) file.uses.push_back(std::move(u));
  }

  Field parse_field() {
    Field f;
    const SourceRange start = peek().range;
    f.name = expect_ident("identifier");
    if (expect(TokenKind::Colon)) f.type = parse_type();
    f.range = since(start);
    return f;
  }

  void parse_field_block(std::vector<Field>& fields) {
    if (!expect(TokenKind::LBrace)) return;
    parse_list(TokenKind::RBrace, [&] { fields.push_back(parse_field()); });
  }

  void parse_enum_body(Item& item) {
    if (!expect(TokenKind::LBrace)) return;
    if (at(TokenKind::RBrace)) expected("identifier");
    parse_list(TokenKind::RBrace, [&] {
      Variant v;
      const SourceRange start = peek().range;
      v.name = expect_ident("identifier");
      if (eat(TokenKind::LBrace)) {
        v.has_fields = true;
        parse_list(TokenKind::RBrace, [&] { v.fields.push_back(parse_field()); });
      }
      v.range = since(start);
      item.variants.push_back(std::move(v));
    });
  }

  void parse_params(std::vector<Param>& params) {
    if (!expect(TokenKind::LParen)) return;
    parse_list(TokenKind::RParen, [&] { params.push_back(parse_field()); });
  }

  void parse_signed_by(Item& item) {
    if (!eat(TokenKind::KwSignedBy)) return;
    item.has_signed_by = true;
    if (!expect(TokenKind::LParen)) return;
    if (at(TokenKind::RParen))
      error(DiagnosticKind::ExpectedExpression, peek().range, {describe_token(peek())},
            "name at least one party that must sign");
    parse_list(TokenKind::RParen, [&] { item.signed_by.push_back(parse_expr()); });
  }

  void parse_interface_body(Item& item) {
    if (!expect(TokenKind::LBrace)) return;
    while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile)) {
      const std::size_t before = pos_;
      const unsigned errs = error_seq_;
      InterfaceMethod m;
      panic_ = false;
      const SourceRange start = peek().range;
      if (at(TokenKind::KwFn)) {
        // A likely slip: report it and read the signature as an action's.
        expected("`action` or `view`");
      }
      if (at(TokenKind::KwAction) || at(TokenKind::KwView) || at(TokenKind::KwFn)) {
        m.is_view = at(TokenKind::KwView);
        advance();
        m.name = expect_ident("identifier");
        parse_params(m.params);
        if (eat(TokenKind::Arrow)) m.return_type = parse_type();
        expect(TokenKind::Semicolon);
        m.range = since(start);
        item.methods.push_back(std::move(m));
      } else {
        expected("`action` or `view`");
      }
      if (error_seq_ != errs) {
        // Stop at the next signature or the closing brace.
        while (!at(TokenKind::EndOfFile) && !at(TokenKind::RBrace) && !at(TokenKind::KwAction) &&
               !at(TokenKind::KwView) && !is_item_keyword(peek().kind)) {
          if (eat(TokenKind::Semicolon)) break;
          advance();
        }
        if (is_item_keyword(peek().kind) && !at(TokenKind::KwAction) && !at(TokenKind::KwView) && !at(TokenKind::KwFn))
          break;
      }
      if (pos_ == before) advance();
    }
    expect(TokenKind::RBrace);
  }

  // --- types -----------------------------------------------------------------------------

  void split_greater_equal() {
    const Token& t = peek();
    split_head_ = {t.range.file, t.range.begin, t.range.begin + 1};
    Token rest = t;
    rest.kind = TokenKind::Equal;
    rest.range.begin += 1;
    rest.text = t.text.substr(1);
    rest.space_before = false;
    rest.line_before = false;
    split_rest_ = std::move(rest);
    split_pos_ = pos_;
  }

  TypePtr parse_type() {
    DepthGuard guard(*this);
    auto t = std::make_unique<Type>();
    const SourceRange start = peek().range;
    t->range = start;
    if (!guard.ok(true)) return t;
    if (eat(TokenKind::LBracket)) {
      t->kind = Type::Kind::Array;
      t->element = parse_type();
      if (expect(TokenKind::Semicolon)) {
        if (at(TokenKind::IntegerLiteral)) {
          t->length = std::string(advance().text);
        } else {
          expected("the array length (an integer literal)");
        }
      }
      expect(TokenKind::RBracket);
    } else if (at(TokenKind::Identifier)) {
      t->kind = Type::Kind::Named;
      const Token& name = advance();
      t->name = {std::string(name.text), name.range};
      if (at(TokenKind::ColonColon) && peek(1).kind == TokenKind::Identifier) {  // `module::Type`
        advance();
        t->module = t->name;
        const Token& inner = advance();
        t->name = {std::string(inner.text), inner.range};
      }
      if (eat(TokenKind::Less)) {
        while (true) {
          TypeArg arg;
          arg.range = peek().range;
          if (at(TokenKind::IntegerLiteral)) {
            arg.integer = std::string(advance().text);
          } else {
            arg.type = parse_type();
            arg.range = arg.type->range;
          }
          t->args.push_back(std::move(arg));
          if (!eat(TokenKind::Comma) || at(TokenKind::Greater)) break;
        }
        if (at(TokenKind::GreaterEqual)) {
          split_greater_equal();  // `let x: Option<u8>= None`
        } else {
          expect(TokenKind::Greater);
        }
      }
    } else {
      error(DiagnosticKind::ExpectedType, peek().range, {describe_token(peek())});
      return t;
    }
    t->range = since(start);
    return t;
  }

  // --- statements ------------------------------------------------------------------------

  Block parse_block() {
    Block b;
    b.range = peek().range;
    DepthGuard guard(*this);
    if (!guard.ok()) return b;
    const SourceRange start = peek().range;
    if (!expect(TokenKind::LBrace)) return b;
    while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile)) {
      if (is_item_keyword(peek().kind)) break;  // the block was not closed
      const std::size_t before = pos_;
      panic_ = false;
      const unsigned errs = error_seq_;
      StmtPtr s = parse_statement();
      if (s) b.statements.push_back(std::move(s));
      // A statement that failed but still ended at its `;` (or `}`) needs no skipping.
      const bool ended = pos_ > before && (tokens_[pos_ - 1].kind == TokenKind::Semicolon ||
                                           tokens_[pos_ - 1].kind == TokenKind::RBrace);
      if (error_seq_ != errs && !ended) skip_statement();
      if (pos_ == before) advance();
    }
    expect(TokenKind::RBrace);
    b.range = since(start);
    return b;
  }

  StmtPtr parse_statement() {
    const SourceRange start = peek().range;
    switch (peek().kind) {
      case TokenKind::KwLet:
      case TokenKind::KwVar: {
        auto s = std::make_unique<LetStmt>(start);
        s->is_mutable = at(TokenKind::KwVar);
        advance();
        s->name = expect_ident("identifier");
        if (eat(TokenKind::Colon)) s->type = parse_type();
        if (expect(TokenKind::Equal)) {
          s->init = parse_expr();
          expect(TokenKind::Semicolon);
        }
        s->range = since(start);
        return s;
      }
      case TokenKind::KwIf: return parse_if();
      case TokenKind::KwWhile: {
        auto s = std::make_unique<WhileStmt>(start);
        advance();
        s->condition = parse_expr_no_struct();
        s->body = parse_block();
        s->range = since(start);
        return s;
      }
      case TokenKind::KwFor: {
        auto s = std::make_unique<ForStmt>(start);
        advance();
        s->pattern = parse_pattern();
        if (expect(TokenKind::KwIn)) {
          s->iterable = parse_expr_no_struct();
          s->body = parse_block();
        }
        s->range = since(start);
        return s;
      }
      case TokenKind::KwMatch: return parse_match();
      case TokenKind::KwRequire: {
        auto s = std::make_unique<RequireStmt>(start);
        advance();
        if (expect(TokenKind::LParen)) {
          s->condition = parse_expr();
          if (expect(TokenKind::Comma)) {
            parse_message(s->message, s->message_range);
            expect(TokenKind::RParen);
          }
        }
        expect(TokenKind::Semicolon);
        s->range = since(start);
        return s;
      }
      case TokenKind::KwRevert: {
        StmtPtr s = parse_revert();
        expect(TokenKind::Semicolon);
        s->range = since(start);
        return s;
      }
      case TokenKind::KwEmit: {
        auto s = std::make_unique<EmitStmt>(start);
        advance();
        s->event = expect_ident("the event's name");
        if (expect(TokenKind::LBrace)) {
          parse_list(TokenKind::RBrace, [&] { s->fields.push_back(parse_field_init()); });
        }
        expect(TokenKind::Semicolon);
        s->range = since(start);
        return s;
      }
      case TokenKind::KwReturn: {
        auto s = std::make_unique<ReturnStmt>(start);
        advance();
        if (!at(TokenKind::Semicolon)) s->value = parse_expr();
        expect(TokenKind::Semicolon);
        s->range = since(start);
        return s;
      }
      default: break;
    }
    if (!starts_expression(peek().kind)) {
      error(DiagnosticKind::ExpectedStatement, peek().range, {describe_token(peek())});
      return nullptr;
    }
    ExprPtr e = parse_expr();
    AssignOp op = AssignOp::Assign;
    bool assign = true;
    if (at(TokenKind::Equal))
      op = AssignOp::Assign;
    else if (at(TokenKind::PlusEqual))
      op = AssignOp::AddAssign;
    else if (at(TokenKind::MinusEqual))
      op = AssignOp::SubAssign;
    else
      assign = false;
    if (assign) {
      advance();
      if (!is_place(*e))
        error(DiagnosticKind::InvalidAssignmentTarget, e->range, {},
              "assign to a variable, a field or an indexed element (`x`, `s.f`, `m[k]`)");
      auto s = std::make_unique<AssignStmt>(start);
      s->op = op;
      s->place = std::move(e);
      s->value = parse_expr();
      expect(TokenKind::Semicolon);
      s->range = since(start);
      return s;
    }
    expect(TokenKind::Semicolon);
    return std::make_unique<ExprStmt>(since(start), std::move(e));
  }

  static bool is_place(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Path: return e.as<PathExpr>().path.segments.size() == 1;
      case ExprKind::Field: return is_place(*e.as<FieldExpr>().base);
      case ExprKind::Index: return is_place(*e.as<IndexExpr>().base);
      default: return false;
    }
  }

  // "revert" "(" STRING ")", without the `;`.
  StmtPtr parse_revert() {
    auto s = std::make_unique<RevertStmt>(peek().range);
    const SourceRange start = advance().range;
    if (expect(TokenKind::LParen)) {
      parse_message(s->message, s->message_range);
      expect(TokenKind::RParen);
    }
    s->range = since(start);
    return s;
  }

  void parse_message(std::string& out, SourceRange& range) {
    range = peek().range;
    if (at(TokenKind::StringLiteral)) {
      out = advance().value;
    } else {
      expected("a string literal (the message)");
    }
  }

  StmtPtr parse_if() {
    DepthGuard guard(*this);  // else-if chains recurse
    const SourceRange start = peek().range;
    auto s = std::make_unique<IfStmt>(start);
    advance();
    if (!guard.ok()) return s;
    s->condition = parse_expr_no_struct();
    s->then_block = parse_block();
    if (eat(TokenKind::KwElse)) {
      if (at(TokenKind::KwIf)) {
        s->else_branch = parse_if();
      } else {
        s->else_branch = std::make_unique<BlockStmt>(parse_block());
      }
    }
    s->range = since(start);
    return s;
  }

  StmtPtr parse_match() {
    const SourceRange start = peek().range;
    auto s = std::make_unique<MatchStmt>(start);
    advance();
    s->scrutinee = parse_expr_no_struct();
    if (!expect(TokenKind::LBrace)) {
      s->range = since(start);
      return s;
    }
    while (!at(TokenKind::RBrace) && !at(TokenKind::EndOfFile) && !is_item_keyword(peek().kind)) {
      const std::size_t before = pos_;
      const unsigned errs = error_seq_;
      MatchArm arm;
      panic_ = false;
      arm.range = peek().range;
      arm.pattern = parse_pattern();
      bool needs_comma = true;
      if (expect(TokenKind::FatArrow)) {
        if (at(TokenKind::LBrace)) {
          arm.body = std::make_unique<BlockStmt>(parse_block());
          needs_comma = false;
        } else if (at(TokenKind::KwRevert)) {
          arm.body = parse_revert();
        } else {
          const SourceRange es = peek().range;
          ExprPtr e = parse_expr();
          arm.body = std::make_unique<ExprStmt>(since(es), std::move(e));
        }
      }
      arm.range = since(arm.range);
      s->arms.push_back(std::move(arm));
      if (error_seq_ != errs) skip_list_element(TokenKind::RBrace);
      if (!eat(TokenKind::Comma) && needs_comma && !at(TokenKind::RBrace)) expected("`,` or `}`");
      if (pos_ == before) advance();
    }
    expect(TokenKind::RBrace);
    s->range = since(start);
    return s;
  }

  // --- patterns --------------------------------------------------------------------------

  PatternPtr parse_pattern() {
    DepthGuard guard(*this);
    auto p = std::make_unique<Pattern>();
    const SourceRange start = peek().range;
    p->range = start;
    if (!guard.ok()) return p;
    const Token& t = peek();
    if (t.kind == TokenKind::Identifier) {
      if (t.text == "_") {
        advance();
        p->kind = PatternKind::Wildcard;
      } else if (t.text == "None") {
        advance();
        p->kind = PatternKind::None;
      } else if (t.text == "Some" && peek(1).kind == TokenKind::LParen) {
        advance();
        advance();
        p->kind = PatternKind::Some;
        p->children.push_back(parse_pattern());
        expect(TokenKind::RParen);
      } else {
        Path path = parse_path();
        if (path.segments.size() == 1 && !at(TokenKind::LBrace)) {
          p->kind = PatternKind::Binding;
          p->name = std::move(path.segments[0]);
        } else {
          p->kind = PatternKind::Variant;
          p->path = std::move(path);
          if (eat(TokenKind::LBrace)) {
            p->has_braces = true;
            parse_list(TokenKind::RBrace, [&] { p->bindings.push_back(expect_ident("identifier")); });
          }
        }
      }
    } else if (t.kind == TokenKind::LParen) {
      advance();
      p->kind = PatternKind::Tuple;
      p->children.push_back(parse_pattern());
      if (expect(TokenKind::Comma)) p->children.push_back(parse_pattern());
      expect(TokenKind::RParen);
    } else if (is_literal(t.kind) || (t.kind == TokenKind::Minus && (peek(1).kind == TokenKind::IntegerLiteral ||
                                                                     peek(1).kind == TokenKind::DecimalLiteral))) {
      p->kind = PatternKind::Literal;
      if (t.kind == TokenKind::Minus) {
        const SourceRange ms = advance().range;
        ExprPtr lit = parse_primary();
        p->literal = std::make_unique<UnaryExpr>(since(ms), UnaryOp::Negate, std::move(lit));
      } else {
        p->literal = parse_primary();
      }
    } else {
      error(DiagnosticKind::ExpectedPattern, t.range, {describe_token(t)});
      return p;
    }
    p->range = since(start);
    return p;
  }

  static bool is_literal(TokenKind k) {
    switch (k) {
      case TokenKind::IntegerLiteral:
      case TokenKind::DecimalLiteral:
      case TokenKind::DateLiteral:
      case TokenKind::TimestampLiteral:
      case TokenKind::DurationLiteral:
      case TokenKind::HashLiteral:
      case TokenKind::StringLiteral:
      case TokenKind::KwTrue:
      case TokenKind::KwFalse: return true;
      default: return false;
    }
  }

  static bool starts_expression(TokenKind k) {
    return is_literal(k) || k == TokenKind::Identifier || k == TokenKind::LParen || k == TokenKind::LBracket ||
           k == TokenKind::Bang || k == TokenKind::Minus;
  }

  // --- expressions -----------------------------------------------------------------------

  ExprPtr parse_expr() {
    const bool saved = no_struct_;
    no_struct_ = false;
    ExprPtr e = parse_binary(0);
    no_struct_ = saved;
    return e;
  }
  ExprPtr parse_expr_no_struct() {
    const bool saved = no_struct_;
    no_struct_ = true;
    ExprPtr e = parse_binary(0);
    no_struct_ = saved;
    return e;
  }

  // Binary operator levels, loosest first (docs/language.md §4).
  static int level_of(TokenKind k, BinaryOp* op) {
    switch (k) {
      case TokenKind::PipePipe: *op = BinaryOp::Or; return 0;
      case TokenKind::AmpAmp: *op = BinaryOp::And; return 1;
      case TokenKind::EqualEqual: *op = BinaryOp::Eq; return 2;
      case TokenKind::NotEqual: *op = BinaryOp::Ne; return 2;
      case TokenKind::Less: *op = BinaryOp::Lt; return 3;
      case TokenKind::LessEqual: *op = BinaryOp::Le; return 3;
      case TokenKind::Greater: *op = BinaryOp::Gt; return 3;
      case TokenKind::GreaterEqual: *op = BinaryOp::Ge; return 3;
      case TokenKind::DotDot: *op = BinaryOp::Range; return 4;
      case TokenKind::Plus: *op = BinaryOp::Add; return 5;
      case TokenKind::Minus: *op = BinaryOp::Sub; return 5;
      case TokenKind::Star: *op = BinaryOp::Mul; return 6;
      case TokenKind::Slash: *op = BinaryOp::Div; return 6;
      case TokenKind::Percent: *op = BinaryOp::Rem; return 6;
      default: return -1;
    }
  }
  static constexpr int kLevels = 7;

  ExprPtr parse_binary(int level) {
    if (level == kLevels) return parse_unary();
    ExprPtr lhs = parse_binary(level + 1);
    bool chained = false;
    std::uint32_t links = 0;
    while (true) {
      BinaryOp op{};
      if (level_of(peek().kind, &op) != level) break;
      if (!take_link(links)) break;
      const SourceRange op_range = advance().range;
      ExprPtr rhs = parse_binary(level + 1);
      // Comparisons and ranges do not associate: `a < b < c` is an error.
      if (chained && level >= 2 && level <= 4)
        error(DiagnosticKind::ChainedComparison, op_range, {}, "combine the comparisons with `&&`, or parenthesise");
      chained = true;
      const SourceRange r = SourceRange::cover(lhs->range, rhs->range);
      auto b = std::make_unique<BinaryExpr>(r, op, std::move(lhs), std::move(rhs));
      b->op_range = op_range;
      lhs = std::move(b);
    }
    depth_ -= links;
    return lhs;
  }

  ExprPtr parse_unary() {
    DepthGuard guard(*this);
    if (!guard.ok()) return std::make_unique<ErrorExpr>(peek().range);
    if (at(TokenKind::Bang) || at(TokenKind::Minus)) {
      const Token& t = advance();
      const UnaryOp op = t.kind == TokenKind::Bang ? UnaryOp::Not : UnaryOp::Negate;
      ExprPtr operand = parse_unary();
      const SourceRange r = SourceRange::cover(t.range, operand->range);
      return std::make_unique<UnaryExpr>(r, op, std::move(operand));
    }
    ExprPtr e = parse_postfix();
    std::uint32_t links = 0;
    while (at(TokenKind::KwAs)) {
      if (!take_link(links)) break;
      advance();
      TypePtr type = parse_type();
      const SourceRange r = SourceRange::cover(e->range, type->range);
      e = std::make_unique<CastExpr>(r, std::move(e), std::move(type));
    }
    depth_ -= links;
    return e;
  }

  std::vector<ExprPtr> parse_args() {
    // At `(`.
    std::vector<ExprPtr> args;
    advance();
    parse_list(TokenKind::RParen, [&] { args.push_back(parse_expr()); });
    return args;
  }

  ExprPtr parse_postfix() {
    ExprPtr e = parse_primary();
    if (e->kind == ExprKind::Error) return e;
    std::uint32_t links = 0;
    while (true) {
      const TokenKind k = peek().kind;
      if (k != TokenKind::Dot && k != TokenKind::LParen && k != TokenKind::LBracket) break;
      if (!take_link(links)) break;
      if (at(TokenKind::Dot)) {
        advance();
        Ident name = expect_ident("a field or method name");
        if (at(TokenKind::LParen)) {
          std::vector<ExprPtr> args = parse_args();
          const SourceRange r = since(e->range);
          e = std::make_unique<MethodCallExpr>(r, std::move(e), std::move(name), std::move(args));
        } else {
          const SourceRange r = since(e->range);
          e = std::make_unique<FieldExpr>(r, std::move(e), std::move(name));
        }
        if (e->kind == ExprKind::Field && e->as<FieldExpr>().name.name.empty()) break;
      } else if (at(TokenKind::LParen)) {
        std::vector<ExprPtr> args = parse_args();
        const SourceRange r = since(e->range);
        e = std::make_unique<CallExpr>(r, std::move(e), std::move(args));
      } else if (at(TokenKind::LBracket)) {
        advance();
        ExprPtr index = parse_expr();
        expect(TokenKind::RBracket);
        const SourceRange r = since(e->range);
        e = std::make_unique<IndexExpr>(r, std::move(e), std::move(index));
      } else {
        break;
      }
    }
    depth_ -= links;
    return e;
  }

  Path parse_path() {
    Path p;
    const Token& first = advance();  // an identifier
    p.segments.push_back({std::string(first.text), first.range});
    while (at(TokenKind::ColonColon)) {
      advance();
      p.segments.push_back(expect_ident("identifier"));
      if (p.segments.back().name.empty()) break;
    }
    p.range = since(first.range);
    return p;
  }

  FieldInit parse_field_init() {
    FieldInit f;
    const SourceRange start = peek().range;
    f.name = expect_ident("a field name");
    if (!f.name.name.empty() && eat(TokenKind::Colon)) f.value = parse_expr();
    f.range = since(start);
    return f;
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::IntegerLiteral:
      case TokenKind::DecimalLiteral: {
        advance();
        // A money literal: a number and a currency code (`125_000.00 CNY`, `100 JPY`).
        const Token& next = peek();
        if (next.kind == TokenKind::Identifier && !next.line_before && is_currency_code(next.text) &&
            !(t.kind == TokenKind::IntegerLiteral && (has_suffix(t.text)))) {
          advance();
          return std::make_unique<MoneyLiteralExpr>(SourceRange::cover(t.range, next.range), std::string(t.text),
                                                    Ident{std::string(next.text), next.range});
        }
        return std::make_unique<LiteralExpr>(
            t.kind == TokenKind::IntegerLiteral ? ExprKind::IntegerLiteral : ExprKind::DecimalLiteral, t.range,
            std::string(t.text));
      }
      case TokenKind::DateLiteral:
        advance();
        return std::make_unique<LiteralExpr>(ExprKind::DateLiteral, t.range, std::string(t.text));
      case TokenKind::TimestampLiteral:
        advance();
        return std::make_unique<LiteralExpr>(ExprKind::TimestampLiteral, t.range, std::string(t.text));
      case TokenKind::DurationLiteral:
        advance();
        return std::make_unique<LiteralExpr>(ExprKind::DurationLiteral, t.range, std::string(t.text));
      case TokenKind::HashLiteral:
        advance();
        return std::make_unique<LiteralExpr>(ExprKind::HashLiteral, t.range, std::string(t.text));
      case TokenKind::StringLiteral:
        advance();
        return std::make_unique<LiteralExpr>(ExprKind::StringLiteral, t.range, t.value);
      case TokenKind::KwTrue:
      case TokenKind::KwFalse:
        advance();
        return std::make_unique<BoolLiteralExpr>(t.range, t.kind == TokenKind::KwTrue);
      case TokenKind::LParen: {
        advance();
        ExprPtr inner = parse_expr();
        expect(TokenKind::RParen);
        return inner;
      }
      case TokenKind::LBracket: {
        advance();
        std::vector<ExprPtr> elements;
        parse_list(TokenKind::RBracket, [&] { elements.push_back(parse_expr()); });
        return std::make_unique<ArrayLiteralExpr>(since(t.range), std::move(elements));
      }
      case TokenKind::Identifier: {
        if (t.text == "None") {
          advance();
          return std::make_unique<NoneExpr>(t.range);
        }
        if (t.text == "Some" && peek(1).kind == TokenKind::LParen) {
          advance();
          advance();
          ExprPtr v = parse_expr();
          expect(TokenKind::RParen);
          return std::make_unique<SomeExpr>(since(t.range), std::move(v));
        }
        Path path = parse_path();
        if (at(TokenKind::LBrace) && !no_struct_) {
          advance();
          std::vector<FieldInit> fields;
          parse_list(TokenKind::RBrace, [&] { fields.push_back(parse_field_init()); });
          return std::make_unique<StructLiteralExpr>(since(path.range), std::move(path), std::move(fields));
        }
        const SourceRange r = path.range;
        return std::make_unique<PathExpr>(r, std::move(path));
      }
      default:
        error(DiagnosticKind::ExpectedExpression, t.range, {describe_token(t)});
        return std::make_unique<ErrorExpr>(t.range);
    }
  }

  const std::vector<Token>& tokens_;
  DiagnosticEngine& diags_;
  const FrontEndLimits& limits_;
  std::size_t pos_ = 0;
  // A `>=` closing a type argument list is split: its `>` is consumed (split_head_) and the token
  // at split_pos_ reads as the remaining `=` (split_rest_).
  std::size_t split_pos_ = static_cast<std::size_t>(-1);
  SourceRange split_head_;
  Token split_rest_;
  std::size_t last_error_pos_ = static_cast<std::size_t>(-1);
  unsigned error_seq_ = 0;
  std::uint32_t depth_ = 0;
  bool no_struct_ = false;
  bool panic_ = false;
};

}  // namespace

std::unique_ptr<ast::File> parse(const std::vector<Token>& tokens, DiagnosticEngine& diags,
                                 const FrontEndLimits& limits) {
  return Parser(tokens, diags, limits).parse_file();
}

}  // namespace tenor::compiler
