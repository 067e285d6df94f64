#include "tenor/compiler/ast_printer.hpp"

namespace tenor::compiler {

namespace ast {

const char* unary_op_spelling(UnaryOp op) { return op == UnaryOp::Not ? "!" : "neg"; }

const char* binary_op_spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "||";
    case BinaryOp::And: return "&&";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::Range: return "..";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Rem: return "%";
  }
  return "?";
}

const char* item_kind_keyword(ItemKind kind) {
  switch (kind) {
    case ItemKind::Struct: return "struct";
    case ItemKind::Enum: return "enum";
    case ItemKind::Event: return "event";
    case ItemKind::Storage: return "storage";
    case ItemKind::Init: return "init";
    case ItemKind::Action: return "action";
    case ItemKind::View: return "view";
    case ItemKind::Function: return "fn";
    case ItemKind::Interface: return "interface";
    case ItemKind::Const: return "const";
  }
  return "?";
}

}  // namespace ast

namespace {

using namespace ast;

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string name_or_missing(const Ident& id) { return id.name.empty() ? "<missing>" : id.name; }

std::string path_text(const Path& p) {
  std::string out;
  for (std::size_t i = 0; i < p.segments.size(); ++i) {
    if (i) out += "::";
    out += name_or_missing(p.segments[i]);
  }
  return out;
}

std::string args_text(const std::vector<ExprPtr>& args) {
  std::string out;
  for (const ExprPtr& a : args) out += " " + print_expr(*a);
  return out;
}

std::string field_inits_text(const std::vector<FieldInit>& fields) {
  std::string out;
  for (const FieldInit& f : fields) {
    out += " (" + name_or_missing(f.name);
    if (f.value) out += " " + print_expr(*f.value);
    out += ")";
  }
  return out;
}

class Printer {
 public:
  std::string out;

  void line(int indent, const std::string& text) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * 2, ' ');
    out += text;
  }

  void fields(int indent, const std::vector<Field>& fs, const char* tag) {
    for (const Field& f : fs) line(indent, std::string("(") + tag + " " + field_text(f) + ")");
  }

  static std::string field_text(const Field& f) {
    return name_or_missing(f.name) + " " + (f.type ? print_type(*f.type) : std::string("<missing>"));
  }

  static std::string params_text(const std::vector<Param>& ps) {
    std::string out;
    for (const Param& p : ps) out += " (param " + field_text(p) + ")";
    return out;
  }

  void block(int indent, const Block& b) {
    for (const StmtPtr& s : b.statements) stmt(indent, *s);
  }

  void stmt(int indent, const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Let: {
        const auto& l = s.as<LetStmt>();
        std::string t = std::string("(") + (l.is_mutable ? "var " : "let ") + name_or_missing(l.name);
        if (l.type) t += " : " + print_type(*l.type);
        t += " " + (l.init ? print_expr(*l.init) : std::string("<missing>")) + ")";
        line(indent, t);
        return;
      }
      case StmtKind::Assign: {
        const auto& a = s.as<AssignStmt>();
        const char* op = a.op == AssignOp::Assign ? "=" : a.op == AssignOp::AddAssign ? "+=" : "-=";
        line(indent, std::string("(") + op + " " + print_expr(*a.place) + " " +
                         (a.value ? print_expr(*a.value) : std::string("<missing>")) + ")");
        return;
      }
      case StmtKind::If: {
        const auto& i = s.as<IfStmt>();
        line(indent, "(if " + (i.condition ? print_expr(*i.condition) : std::string("<missing>")));
        block(indent + 1, i.then_block);
        if (i.else_branch) {
          line(indent + 1, "(else");
          if (i.else_branch->kind == StmtKind::Block)
            block(indent + 2, i.else_branch->as<BlockStmt>().block);
          else
            stmt(indent + 2, *i.else_branch);
          out += ")";
        }
        out += ")";
        return;
      }
      case StmtKind::While: {
        const auto& w = s.as<WhileStmt>();
        line(indent, "(while " + (w.condition ? print_expr(*w.condition) : std::string("<missing>")));
        block(indent + 1, w.body);
        out += ")";
        return;
      }
      case StmtKind::For: {
        const auto& f = s.as<ForStmt>();
        line(indent, "(for " + print_pattern(*f.pattern) + " " +
                         (f.iterable ? print_expr(*f.iterable) : std::string("<missing>")));
        block(indent + 1, f.body);
        out += ")";
        return;
      }
      case StmtKind::Match: {
        const auto& m = s.as<MatchStmt>();
        line(indent, "(match " + (m.scrutinee ? print_expr(*m.scrutinee) : std::string("<missing>")));
        for (const MatchArm& a : m.arms) {
          line(indent + 1, "(arm " + print_pattern(*a.pattern));
          if (a.body) {
            if (a.body->kind == StmtKind::Block) {
              line(indent + 2, "(block");
              block(indent + 3, a.body->as<BlockStmt>().block);
              out += ")";
            } else {
              stmt(indent + 2, *a.body);
            }
          }
          out += ")";
        }
        out += ")";
        return;
      }
      case StmtKind::Require: {
        const auto& r = s.as<RequireStmt>();
        line(indent, "(require " + (r.condition ? print_expr(*r.condition) : std::string("<missing>")) + " " +
                         quote(r.message) + ")");
        return;
      }
      case StmtKind::Revert: line(indent, "(revert " + quote(s.as<RevertStmt>().message) + ")"); return;
      case StmtKind::Emit: {
        const auto& e = s.as<EmitStmt>();
        line(indent, "(emit " + name_or_missing(e.event) + field_inits_text(e.fields) + ")");
        return;
      }
      case StmtKind::Return: {
        const auto& r = s.as<ReturnStmt>();
        line(indent, r.value ? "(return " + print_expr(*r.value) + ")" : std::string("(return)"));
        return;
      }
      case StmtKind::Expr: line(indent, "(expr " + print_expr(*s.as<ExprStmt>().expr) + ")"); return;
      case StmtKind::Block:
        line(indent, "(block");
        block(indent + 1, s.as<BlockStmt>().block);
        out += ")";
        return;
    }
  }

  void item(int indent, const Item& it) {
    std::string head = std::string("(") + item_kind_keyword(it.kind);
    if (it.kind != ItemKind::Storage && it.kind != ItemKind::Init) head += " " + name_or_missing(it.name);
    switch (it.kind) {
      case ItemKind::Struct:
      case ItemKind::Event:
      case ItemKind::Storage:
        line(indent, head);
        fields(indent + 1, it.fields, "field");
        break;
      case ItemKind::Enum:
        line(indent, head);
        for (const Variant& v : it.variants) {
          line(indent + 1, "(variant " + name_or_missing(v.name));
          if (v.has_fields) {
            if (v.fields.empty()) out += " {}";
            fields(indent + 2, v.fields, "field");
          }
          out += ")";
        }
        break;
      case ItemKind::Init:
      case ItemKind::Action:
      case ItemKind::View:
      case ItemKind::Function:
        head += params_text(it.params);
        if (it.return_type) head += " (returns " + print_type(*it.return_type) + ")";
        if (it.has_signed_by) head += " (signed_by" + args_text(it.signed_by) + ")";
        line(indent, head);
        block(indent + 1, it.body);
        break;
      case ItemKind::Interface:
        line(indent, head);
        for (const InterfaceMethod& m : it.methods) {
          std::string t =
              std::string("(") + (m.is_view ? "view " : "action ") + name_or_missing(m.name) + params_text(m.params);
          if (m.return_type) t += " (returns " + print_type(*m.return_type) + ")";
          line(indent + 1, t + ")");
        }
        break;
      case ItemKind::Const:
        line(indent, head + " " + (it.return_type ? print_type(*it.return_type) : std::string("<error>")) + " " +
                         (it.value ? print_expr(*it.value) : std::string("<error>")));
        break;
    }
    out += ")";
  }
};

}  // namespace

std::string print_type(const Type& t) {
  switch (t.kind) {
    case Type::Kind::Error: return "<error>";
    case Type::Kind::Array:
      return "[" + (t.element ? print_type(*t.element) : std::string("<missing>")) + "; " +
             (t.length.empty() ? std::string("<missing>") : t.length) + "]";
    case Type::Kind::Named: {
      std::string out = (t.module.name.empty() ? std::string() : t.module.name + "::") + name_or_missing(t.name);
      if (!t.args.empty()) {
        out += "<";
        for (std::size_t i = 0; i < t.args.size(); ++i) {
          if (i) out += ", ";
          out += t.args[i].type ? print_type(*t.args[i].type) : t.args[i].integer;
        }
        out += ">";
      }
      return out;
    }
  }
  return "<error>";
}

std::string print_pattern(const Pattern& p) {
  switch (p.kind) {
    case PatternKind::Error: return "<error>";
    case PatternKind::Wildcard: return "_";
    case PatternKind::Binding: return name_or_missing(p.name);
    case PatternKind::Variant: {
      std::string out = "(variant " + path_text(p.path);
      if (p.has_braces) {
        out += " {";
        for (std::size_t i = 0; i < p.bindings.size(); ++i) out += (i ? " " : "") + name_or_missing(p.bindings[i]);
        out += "}";
      }
      return out + ")";
    }
    case PatternKind::Some: return "(Some " + print_pattern(*p.children.at(0)) + ")";
    case PatternKind::None: return "None";
    case PatternKind::Literal: return p.literal ? print_expr(*p.literal) : std::string("<error>");
    case PatternKind::Tuple: {
      std::string out = "(tuple";
      for (const PatternPtr& c : p.children) out += " " + print_pattern(*c);
      return out + ")";
    }
  }
  return "<error>";
}

std::string print_expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Error: return "<error>";
    case ExprKind::IntegerLiteral:
    case ExprKind::DecimalLiteral: return e.as<LiteralExpr>().text;
    case ExprKind::MoneyLiteral: {
      const auto& m = e.as<MoneyLiteralExpr>();
      return "(money " + m.amount + " " + m.currency.name + ")";
    }
    case ExprKind::DateLiteral: return "(date " + e.as<LiteralExpr>().text + ")";
    case ExprKind::TimestampLiteral: return "(timestamp " + e.as<LiteralExpr>().text + ")";
    case ExprKind::DurationLiteral: return "(duration " + e.as<LiteralExpr>().text + ")";
    case ExprKind::HashLiteral: return "(hash " + e.as<LiteralExpr>().text + ")";
    case ExprKind::StringLiteral: return quote(e.as<LiteralExpr>().text);
    case ExprKind::BoolLiteral: return e.as<BoolLiteralExpr>().value ? "true" : "false";
    case ExprKind::Path: return path_text(e.as<PathExpr>().path);
    case ExprKind::Call: {
      const auto& c = e.as<CallExpr>();
      return "(call " + print_expr(*c.callee) + args_text(c.args) + ")";
    }
    case ExprKind::MethodCall: {
      const auto& m = e.as<MethodCallExpr>();
      return "(method " + print_expr(*m.receiver) + " " + name_or_missing(m.name) + args_text(m.args) + ")";
    }
    case ExprKind::Field: {
      const auto& f = e.as<FieldExpr>();
      return "(. " + print_expr(*f.base) + " " + name_or_missing(f.name) + ")";
    }
    case ExprKind::Index: {
      const auto& i = e.as<IndexExpr>();
      return "(index " + print_expr(*i.base) + " " + print_expr(*i.index) + ")";
    }
    case ExprKind::StructLiteral: {
      const auto& s = e.as<StructLiteralExpr>();
      return "(struct " + path_text(s.path) + field_inits_text(s.fields) + ")";
    }
    case ExprKind::Some: return "(Some " + print_expr(*e.as<SomeExpr>().value) + ")";
    case ExprKind::None: return "None";
    case ExprKind::Unary: {
      const auto& u = e.as<UnaryExpr>();
      return std::string("(") + unary_op_spelling(u.op) + " " + print_expr(*u.operand) + ")";
    }
    case ExprKind::Binary: {
      const auto& b = e.as<BinaryExpr>();
      return std::string("(") + binary_op_spelling(b.op) + " " + print_expr(*b.lhs) + " " + print_expr(*b.rhs) + ")";
    }
    case ExprKind::Cast: {
      const auto& c = e.as<CastExpr>();
      return "(as " + print_expr(*c.operand) + " " + print_type(*c.type) + ")";
    }
    case ExprKind::ArrayLiteral: {
      std::string s = "(array";
      for (const ExprPtr& x : e.as<ArrayLiteralExpr>().elements) s += " " + print_expr(*x);
      return s + ")";
    }
  }
  return "<error>";
}

std::string print_ast(const File& file) {
  Printer p;
  p.out = (file.is_module ? "(module " : "(contract ") + name_or_missing(file.contract);
  for (const Use& u : file.uses) {
    std::string path;
    for (const Ident& seg : u.path.segments) path += (path.empty() ? "" : "::") + name_or_missing(seg);
    p.out += "\n  (use " + path + ")";
  }
  for (const ItemPtr& it : file.items) p.item(1, *it);
  p.out += ")\n";
  return p.out;
}

}  // namespace tenor::compiler
