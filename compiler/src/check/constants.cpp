// `const` items and array literals. A constant's value is checked once, against its declared type,
// in a context without locals, storage or a caller; integer and Decimal values are folded exactly
// here (so `N * 12` with a constant `N` is folded, and an overflow is a compile-time error), and
// the lowering emits the folded value where the constant is used.
#include "checker.hpp"

namespace tenor::compiler::check {

void Checker::check_consts() {
  const_state_.assign(p_->consts.size(), 0);
  for (std::size_t i = 0; i < p_->consts.size(); ++i) check_const(i);
  enter_unit(0);
}

void Checker::check_const(std::size_t index) {
  if (const_state_[index] == 2) return;
  ConstInfo& c = p_->consts[index];
  if (const_state_[index] == 1) {
    std::string chain;
    bool on = false;
    for (std::size_t k : const_stack_) {
      on = on || k == index;
      if (on) chain += "`" + p_->consts[k].name + "` -> ";
    }
    diags_.report(DiagnosticKind::RecursiveConstant, c.item->name.range, {c.name, chain + "`" + c.name + "`"},
                  "a constant's value may name other constants, but not in a circle");
    c.type = kErrorType;
    return;
  }
  const_state_[index] = 1;
  const_stack_.push_back(index);
  // A clean context: no function, no locals; the constant's own unit.
  const std::size_t unit = unit_;
  FnState* fn = fn_;
  std::vector<std::map<std::string, Local>> scopes;
  std::swap(scopes, scopes_);
  fn_ = nullptr;
  enter_unit(c.unit);
  if (c.item->value) {
    const ast::Expr& v = *c.item->value;
    const TypeId found = check_expr(v, c.type);
    expect_type(c.type, found, v.range);
    if (constant_expr(v, c.name) && !is_error(c.type)) {
      if (auto it = consts_.find(&v); it != consts_.end() && is_int(c.type)) {
        if (fits(it->second, c.type))
          c.folded = it->second.str();
        else
          diags_.report(DiagnosticKind::ConstantOverflow, v.range,
                        {"does not fit in `" + p_->type_name(c.type) + "` (it is " + it->second.str() + ")"});
      }
      if (auto it = decimal_consts_.find(&v); it != decimal_consts_.end() && kind(c.type) == TypeKind::Decimal)
        c.folded = it->second.str();
    }
  }
  enter_unit(unit);
  fn_ = fn;
  std::swap(scopes, scopes_);
  const_stack_.pop_back();
  const_state_[index] = 2;
}

TypeId Checker::const_ref(const ast::PathExpr& e, std::size_t index) {
  if (const_state_.size() == p_->consts.size()) check_const(index);
  const ConstInfo& c = p_->consts[index];
  p_->const_refs[&e] = index;
  if (!c.folded.empty()) {
    if (is_int(c.type)) consts_[&e] = cpp_int(c.folded);
    if (kind(c.type) == TypeKind::Decimal) decimal_consts_[&e] = cpp_int(c.folded);
  }
  return c.type;
}

bool Checker::constant_expr(const ast::Expr& e, const std::string& name) {
  auto all = [&](const std::vector<ast::ExprPtr>& es) {
    for (const auto& x : es)
      if (!constant_expr(*x, name)) return false;
    return true;
  };
  switch (e.kind) {
    case ExprKind::Error:
    case ExprKind::IntegerLiteral:
    case ExprKind::DecimalLiteral:
    case ExprKind::MoneyLiteral:
    case ExprKind::DateLiteral:
    case ExprKind::TimestampLiteral:
    case ExprKind::DurationLiteral:
    case ExprKind::HashLiteral:
    case ExprKind::StringLiteral:
    case ExprKind::BoolLiteral:
    case ExprKind::None: return true;
    case ExprKind::Path:
      // A constant, an enum variant or a rounding mode (a longer path that checked is one of those).
      if (p_->const_refs.count(&e) || e.as<ast::PathExpr>().path.segments.size() > 1) return true;
      break;
    case ExprKind::Some: return constant_expr(*e.as<ast::SomeExpr>().value, name);
    case ExprKind::Unary: return constant_expr(*e.as<ast::UnaryExpr>().operand, name);
    case ExprKind::Binary:
      return constant_expr(*e.as<ast::BinaryExpr>().lhs, name) && constant_expr(*e.as<ast::BinaryExpr>().rhs, name);
    case ExprKind::Cast: return constant_expr(*e.as<ast::CastExpr>().operand, name);
    case ExprKind::ArrayLiteral: return all(e.as<ast::ArrayLiteralExpr>().elements);
    case ExprKind::StructLiteral: {
      for (const ast::FieldInit& f : e.as<ast::StructLiteralExpr>().fields)
        if (!f.value || !constant_expr(*f.value, name)) {
          if (!f.value)
            diags_.report(DiagnosticKind::NotConstant, f.range, {name},
                          "write the field's value: `" + f.name.name + ": value`");
          return false;
        }
      return true;
    }
    default: break;
  }
  diags_.report(DiagnosticKind::NotConstant, e.range, {name},
                "a constant's value is made of literals, other constants, enum variants and operators; "
                "compute other values in a `fn`");
  return false;
}

TypeId Checker::check_array_literal(const ast::ArrayLiteralExpr& a, TypeId hint) {
  const Type h = ty(hint);
  const std::size_t n = a.elements.size();
  const std::string count = std::to_string(n) + (n == 1 ? " element" : " elements");
  if (h.kind == TypeKind::Array || h.kind == TypeKind::Vec) {
    for (const auto& x : a.elements) expect_type(h.element, check_expr(*x, h.element), x->range);
    if (h.kind == TypeKind::Array ? n != h.bound : n > h.bound)
      diags_.report(DiagnosticKind::ArrayLiteralLength, a.range, {count, p_->type_name(hint)},
                    h.kind == TypeKind::Array ? "an array `[T; N]` takes exactly N elements"
                                              : "a `Vec<T, N>` holds at most N elements");
    return hint;
  }
  if (n == 0) {
    diags_.report(DiagnosticKind::CannotInferType, a.range, {"[]"},
                  "give the variable a type: `let v: Vec<T, N> = [];`");
    return kErrorType;
  }
  const TypeId first = check_expr(*a.elements[0], kErrorType);
  for (std::size_t i = 1; i < n; ++i) expect_type(first, check_expr(*a.elements[i], first), a.elements[i]->range);
  if (is_error(first) || kind(first) == TypeKind::Unit) return kErrorType;
  return wrap(TypeKind::Array, first, n);
}

}  // namespace tenor::compiler::check
