// Unary and binary operators: their operand types, results and constant folding.
#include "checker.hpp"

namespace tenor::compiler::check {

TypeId Checker::check_unary(const ast::UnaryExpr& u, TypeId hint) {
  // An unsuffixed integer literal in a Decimal context is a Decimal literal (`-1` as `-1.0`).
  const bool decimal_int =
      u.operand->kind == ExprKind::IntegerLiteral && decimal_context_int(u.operand->as<ast::LiteralExpr>(), hint);
  if (u.op == ast::UnaryOp::Negate && u.operand->kind == ExprKind::IntegerLiteral && !decimal_int) {
    const TypeId t = int_literal(u.operand->as<ast::LiteralExpr>(), hint, true, u.range);
    p_->expr_types[u.operand.get()] = t;
    if (auto it = consts_.find(u.operand.get()); it != consts_.end()) {
      consts_[&u] = it->second;
      it->second = -it->second;  // the operand itself is the magnitude
    }
    if (!ty(t).is_signed) {
      diags_.report(DiagnosticKind::InvalidOperands, u.range, {"-", name(t)}, "unsigned integers cannot be negative");
    }
    return t;
  }
  if (u.op == ast::UnaryOp::Negate && (u.operand->kind == ExprKind::DecimalLiteral || decimal_int)) {
    const TypeId t = decimal_literal(u.operand->as<ast::LiteralExpr>(), hint, true, u.range);
    p_->expr_types[u.operand.get()] = t;
    if (auto it = decimal_consts_.find(u.operand.get()); it != decimal_consts_.end()) {
      decimal_consts_[&u] = it->second;
      it->second = -it->second;  // the operand itself is the magnitude
    }
    return t;
  }
  const TypeId t = check_expr(*u.operand, hint);
  if (is_error(t)) return t;
  if (u.op == ast::UnaryOp::Not) {
    if (t != kBoolType) diags_.report(DiagnosticKind::InvalidOperands, u.range, {"!", name(t)});
    return kBoolType;
  }
  const TypeKind k = kind(t);
  if (!((k == TypeKind::Int && ty(t).is_signed) || k == TypeKind::Money || k == TypeKind::Rate ||
        k == TypeKind::Decimal || k == TypeKind::Duration)) {
    diags_.report(DiagnosticKind::InvalidOperands, u.range, {"-", name(t)});
    return t;
  }
  if (auto it = consts_.find(u.operand.get()); it != consts_.end()) fold(u.range, -it->second, t, &u);
  if (auto it = decimal_consts_.find(u.operand.get()); it != decimal_consts_.end())
    fold_decimal(u.range, -it->second, &u);
  return t;
}

void Checker::fold(SourceRange r, const cpp_int& v, TypeId t, const ast::Expr* e) {
  if (!fits(v, t)) {
    diags_.report(DiagnosticKind::ConstantOverflow, r,
                  {"overflows `" + p_->type_name(t) + "` (its value is " + v.str() + ")"});
    return;
  }
  consts_[e] = v;
}

TypeId Checker::check_binary(const ast::BinaryExpr& b, TypeId hint) {
  using ast::BinaryOp;
  const bool arith = b.op >= BinaryOp::Add;
  const bool logic = b.op == BinaryOp::And || b.op == BinaryOp::Or;
  TypeId l, r;
  if (logic) {
    l = check_expr(*b.lhs, kBoolType);
    r = check_expr(*b.rhs, kBoolType);
  } else if ((untyped_int(*b.lhs) && !untyped_int(*b.rhs)) || (untyped_decimal(*b.lhs) && !untyped_decimal(*b.rhs))) {
    r = check_expr(*b.rhs, arith ? hint : kErrorType);
    l = check_expr(*b.lhs, r);
  } else {
    l = check_expr(*b.lhs, arith ? hint : kErrorType);
    r = check_expr(*b.rhs, l);
  }
  const TypeId result = binary_result(b.op, l, r, b.op_range, b.rhs.get());
  fold_decimal_binary(b, result);
  // Constant folding over integers.
  auto lc = consts_.find(b.lhs.get());
  auto rc = consts_.find(b.rhs.get());
  if (lc != consts_.end() && rc != consts_.end() && is_int(result) && l == r) {
    const cpp_int& x = lc->second;
    const cpp_int& y = rc->second;
    switch (b.op) {
      case BinaryOp::Add: fold(b.range, x + y, result, &b); break;
      case BinaryOp::Sub: fold(b.range, x - y, result, &b); break;
      case BinaryOp::Mul: fold(b.range, x * y, result, &b); break;
      case BinaryOp::Div:
      case BinaryOp::Rem:
        if (y == 0)
          diags_.report(DiagnosticKind::ConstantOverflow, b.range, {"divides by zero"});
        else
          fold(b.range, b.op == BinaryOp::Div ? cpp_int(x / y) : cpp_int(x % y), result, &b);
        break;
      default: break;
    }
  }
  return result;
}

TypeId Checker::binary_result(ast::BinaryOp op, TypeId l, TypeId r, SourceRange where, const ast::Expr* rhs) {
  using ast::BinaryOp;
  (void)rhs;
  if (is_error(l) || is_error(r)) {
    if (op == BinaryOp::Or || op == BinaryOp::And || (op >= BinaryOp::Eq && op <= BinaryOp::Ge)) return kBoolType;
    return kErrorType;
  }
  const TypeKind lk = kind(l), rk = kind(r);
  auto bad = [&](std::string help = {}) {
    diags_.report(DiagnosticKind::InvalidOperands, where, {binary_op_spelling(op), name(l) + " and " + name(r)},
                  std::move(help));
    return op >= BinaryOp::Eq && op <= BinaryOp::Ge ? kBoolType : kErrorType;
  };
  const bool same = compatible(l, r);
  switch (op) {
    case BinaryOp::Or:
    case BinaryOp::And:
      if (l != kBoolType || r != kBoolType) return bad();
      return kBoolType;
    case BinaryOp::Eq:
    case BinaryOp::Ne:
      if (!same || lk == TypeKind::Map || lk == TypeKind::Unit || lk == TypeKind::Interface) return bad();
      return kBoolType;
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
      if (!same || !(lk == TypeKind::Int || lk == TypeKind::Money || lk == TypeKind::Rate || lk == TypeKind::Decimal ||
                     lk == TypeKind::Date || lk == TypeKind::Timestamp || lk == TypeKind::Duration))
        return bad();
      return kBoolType;
    case BinaryOp::Range:
      if (!same || lk != TypeKind::Int) return bad();
      return wrap(TypeKind::Range, l);
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      if (same && (lk == TypeKind::Int || lk == TypeKind::Money || lk == TypeKind::Rate || lk == TypeKind::Decimal ||
                   lk == TypeKind::Duration))
        return l;
      if ((lk == TypeKind::Decimal) != (rk == TypeKind::Decimal) &&
          (lk == TypeKind::Int || rk == TypeKind::Int || lk == TypeKind::Rate || rk == TypeKind::Rate))
        return bad("convert the other operand to a Decimal with `x.to_decimal()`");
      if ((lk == TypeKind::Date || lk == TypeKind::Timestamp) && rk == TypeKind::Duration) return l;
      if (op == BinaryOp::Add && lk == TypeKind::Duration && (rk == TypeKind::Date || rk == TypeKind::Timestamp))
        return r;
      if (op == BinaryOp::Sub && same && (lk == TypeKind::Date || lk == TypeKind::Timestamp))
        return simple(TypeKind::Duration);
      if (lk == TypeKind::Money && rk == TypeKind::Int)
        return bad("Money and integers do not mix: write the amount as Money (`125.00 USD`)");
      if (lk == TypeKind::Int && rk == TypeKind::Int)
        return bad("integers of different types do not mix: convert one with `as`");
      return bad();
    }
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Rem:
      if (same && lk == TypeKind::Int) return l;
      // Duration x n, n x Duration, Duration / n (toward zero): n of any integer type, within i64.
      if (lk == TypeKind::Duration && rk == TypeKind::Int && op != BinaryOp::Rem) return l;
      if (lk == TypeKind::Int && rk == TypeKind::Duration && op == BinaryOp::Mul) return r;
      if (lk == TypeKind::Money &&
          (rk == TypeKind::Int || rk == TypeKind::Rate || rk == TypeKind::Decimal || rk == TypeKind::Money)) {
        if (op == BinaryOp::Mul)
          return bad(
              "multiply Money with `amount.times(n)`, or by a Rate or a Decimal with `amount.apply(x, "
              "Rounding::Down)`");
        return bad("divide Money with `amount.divide(n, Rounding::HalfEven)`: the rounding mode is explicit");
      }
      if ((lk == TypeKind::Rate || lk == TypeKind::Decimal) && rk == lk && op != BinaryOp::Rem)
        return bad(std::string("`") + (lk == TypeKind::Rate ? "Rate" : "Decimal") +
                   (op == BinaryOp::Mul ? "` products need a rounding mode: write `a.mul(b, Rounding::HalfEven)`"
                                        : "` quotients need a rounding mode: write `a.div(b, Rounding::HalfEven)`"));
      if (lk == TypeKind::Int && rk == TypeKind::Int)
        return bad("integers of different types do not mix: convert one with `as`");
      return bad();
  }
  return kErrorType;
}

}  // namespace tenor::compiler::check
