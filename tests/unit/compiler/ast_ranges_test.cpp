// Every AST node carries a source range: non-empty, inside its parent's, inside the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using namespace ast;

class RangeChecker {
 public:
  explicit RangeChecker(std::string_view text) : text_(text) {}
  int nodes = 0;

  void within(SourceRange r, SourceRange parent, const char* what) {
    ++nodes;
    EXPECT_LT(r.begin, r.end) << what << " at " << r.begin;
    EXPECT_LE(parent.begin, r.begin) << what << " `" << slice(r) << "` not in `" << slice(parent) << "`";
    EXPECT_LE(r.end, parent.end) << what << " `" << slice(r) << "` not in `" << slice(parent) << "`";
    EXPECT_LE(r.end, text_.size()) << what;
  }

  void type(const Type& t, SourceRange parent) {
    within(t.range, parent, "type");
    if (t.element) type(*t.element, t.range);
    for (const TypeArg& a : t.args) {
      within(a.range, t.range, "type argument");
      if (a.type) type(*a.type, t.range);
    }
  }

  void field(const Field& f, SourceRange parent) {
    within(f.range, parent, "field");
    within(f.name.range, f.range, "field name");
    if (f.type) type(*f.type, f.range);
  }

  void pattern(const Pattern& p, SourceRange parent) {
    within(p.range, parent, "pattern");
    for (const PatternPtr& c : p.children) pattern(*c, p.range);
    if (p.literal) expr(*p.literal, p.range);
    for (const Ident& b : p.bindings) within(b.range, p.range, "binding");
  }

  void expr(const Expr& e, SourceRange parent) {
    within(e.range, parent, "expression");
    switch (e.kind) {
      case ExprKind::Call: {
        const auto& c = e.as<CallExpr>();
        expr(*c.callee, e.range);
        for (const ExprPtr& a : c.args) expr(*a, e.range);
        break;
      }
      case ExprKind::MethodCall: {
        const auto& m = e.as<MethodCallExpr>();
        expr(*m.receiver, e.range);
        within(m.name.range, e.range, "method name");
        for (const ExprPtr& a : m.args) expr(*a, e.range);
        break;
      }
      case ExprKind::Field:
        expr(*e.as<FieldExpr>().base, e.range);
        within(e.as<FieldExpr>().name.range, e.range, "field name");
        break;
      case ExprKind::Index:
        expr(*e.as<IndexExpr>().base, e.range);
        expr(*e.as<IndexExpr>().index, e.range);
        break;
      case ExprKind::StructLiteral:
        for (const FieldInit& f : e.as<StructLiteralExpr>().fields) {
          within(f.range, e.range, "field init");
          if (f.value) expr(*f.value, f.range);
        }
        break;
      case ExprKind::Some: expr(*e.as<SomeExpr>().value, e.range); break;
      case ExprKind::Unary: expr(*e.as<UnaryExpr>().operand, e.range); break;
      case ExprKind::Binary:
        expr(*e.as<BinaryExpr>().lhs, e.range);
        expr(*e.as<BinaryExpr>().rhs, e.range);
        within(e.as<BinaryExpr>().op_range, e.range, "operator");
        break;
      case ExprKind::Cast:
        expr(*e.as<CastExpr>().operand, e.range);
        type(*e.as<CastExpr>().type, e.range);
        break;
      default: break;
    }
  }

  void block(const Block& b, SourceRange parent) {
    within(b.range, parent, "block");
    for (const StmtPtr& s : b.statements) stmt(*s, b.range);
  }

  void stmt(const Stmt& s, SourceRange parent) {
    within(s.range, parent, "statement");
    switch (s.kind) {
      case StmtKind::Let: {
        const auto& l = s.as<LetStmt>();
        if (l.type) type(*l.type, s.range);
        expr(*l.init, s.range);
        break;
      }
      case StmtKind::Assign:
        expr(*s.as<AssignStmt>().place, s.range);
        expr(*s.as<AssignStmt>().value, s.range);
        break;
      case StmtKind::If: {
        const auto& i = s.as<IfStmt>();
        expr(*i.condition, s.range);
        block(i.then_block, s.range);
        if (i.else_branch) stmt(*i.else_branch, s.range);
        break;
      }
      case StmtKind::While:
        expr(*s.as<WhileStmt>().condition, s.range);
        block(s.as<WhileStmt>().body, s.range);
        break;
      case StmtKind::For:
        pattern(*s.as<ForStmt>().pattern, s.range);
        expr(*s.as<ForStmt>().iterable, s.range);
        block(s.as<ForStmt>().body, s.range);
        break;
      case StmtKind::Match:
        expr(*s.as<MatchStmt>().scrutinee, s.range);
        for (const MatchArm& a : s.as<MatchStmt>().arms) {
          within(a.range, s.range, "arm");
          pattern(*a.pattern, a.range);
          stmt(*a.body, a.range);
        }
        break;
      case StmtKind::Require:
        expr(*s.as<RequireStmt>().condition, s.range);
        within(s.as<RequireStmt>().message_range, s.range, "message");
        break;
      case StmtKind::Revert: within(s.as<RevertStmt>().message_range, s.range, "message"); break;
      case StmtKind::Emit:
        for (const FieldInit& f : s.as<EmitStmt>().fields) {
          within(f.range, s.range, "field init");
          if (f.value) expr(*f.value, f.range);
        }
        break;
      case StmtKind::Return:
        if (s.as<ReturnStmt>().value) expr(*s.as<ReturnStmt>().value, s.range);
        break;
      case StmtKind::Expr: expr(*s.as<ExprStmt>().expr, s.range); break;
      case StmtKind::Block: block(s.as<BlockStmt>().block, s.range); break;
    }
  }

  void file(const File& f) {
    const SourceRange all{0, 0, static_cast<std::uint32_t>(text_.size())};
    within(f.contract.range, all, "contract name");
    for (const ItemPtr& it : f.items) {
      within(it->range, all, "item");
      for (const Field& x : it->fields) field(x, it->range);
      for (const Variant& v : it->variants) {
        within(v.range, it->range, "variant");
        for (const Field& x : v.fields) field(x, v.range);
      }
      for (const Param& p : it->params) field(p, it->range);
      if (it->return_type) type(*it->return_type, it->range);
      for (const ExprPtr& e : it->signed_by) expr(*e, it->range);
      if (it->kind == ItemKind::Init || it->kind == ItemKind::Action || it->kind == ItemKind::View ||
          it->kind == ItemKind::Function)
        block(it->body, it->range);
      for (const InterfaceMethod& m : it->methods) {
        within(m.range, it->range, "interface method");
        for (const Param& p : m.params) field(p, m.range);
      }
    }
  }

 private:
  std::string slice(SourceRange r) const {
    return r.end <= text_.size() && r.begin <= r.end ? std::string(text_.substr(r.begin, r.end - r.begin)) : "?";
  }
  std::string_view text_;
};

const char* kEveryConstruct = R"(contract All
struct S { a: u8, b: Map<Hash, [Option<S>; 4]>, c: Bytes<32> }
enum E { A, B { x: u64 }, C {} }
event Ev { id: Hash }
storage { m: Map<Hash, S>, n: u64 }
interface Reg { action put(id: Hash) -> bool; view get(id: Hash) -> u8; }
init(r: Rate) signed_by(sender) { n = 0; }
action a(x: u64, p: Party) -> u64 signed_by(p, m[h].owner) {
  let y: u64 = x as u64 + 1 * 2 - -3 % 4;
  var z = S { a: 1, b, c: "s\n" };
  m[h].a += 2; z.a -= 1;
  if y > 0 && !(y == 1) || y <= 2 { return 1; } else if y >= 3 { } else { revert("no"); }
  while y != 0 { y = y - 1; }
  for (k, v) in m { emit Ev { id: k }; }
  for i in 0..10 { }
  match e {
    E::A => { },
    E::B { x } => f(x),
    Some(q) => 125_000.00 CNY,
    None => revert("none"),
    -1 => 2027-03-31,
    _ => Reg(addr).put(0x0000000000000000000000000000000000000000000000000000000000000000),
  }
  require(today() < 2027-03-31T08:00:00Z + 30d, "late");
  return Some(y).unwrap()[0];
}
view v() -> Option<u8> { return None; }
fn f(x: u64) { }
)";

TEST(AstRanges, EveryNodeOfEveryConstructIsInsideItsParent) {
  const CheckResult r = parse_source("all.tnr", kEveryConstruct);
  ASSERT_TRUE(r.ok()) << r.diagnostics_text();
  RangeChecker c(kEveryConstruct);
  c.file(*r.ast);
  EXPECT_GT(c.nodes, 150);
}

TEST(AstRanges, DocsExample) {
  const std::string text = test::language_md_example();
  const CheckResult r = check_source("language.md", text);
  ASSERT_TRUE(r.ok());
  RangeChecker c(text);
  c.file(*r.ast);
  EXPECT_GT(c.nodes, 200);
}

TEST(AstRanges, ExactRanges) {
  const std::string text = "contract C fn f() { let total = amount + fee; }";
  const CheckResult r = parse_source("a.tnr", text);
  ASSERT_TRUE(r.ok());
  const Item& fn = *r.ast->items.at(0);
  EXPECT_EQ(text.substr(fn.range.begin, fn.range.size()), "fn f() { let total = amount + fee; }");
  const auto& let = fn.body.statements.at(0)->as<LetStmt>();
  EXPECT_EQ(text.substr(let.range.begin, let.range.size()), "let total = amount + fee;");
  EXPECT_EQ(text.substr(let.name.range.begin, let.name.range.size()), "total");
  const auto& add = let.init->as<BinaryExpr>();
  EXPECT_EQ(text.substr(add.range.begin, add.range.size()), "amount + fee");
  EXPECT_EQ(text.substr(add.op_range.begin, add.op_range.size()), "+");
}

}  // namespace
}  // namespace tenor::compiler
