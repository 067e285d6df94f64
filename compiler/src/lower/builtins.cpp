// The built-in functions `min`, `max`, `abs` and `Date::ymd`, the methods of Date and Duration,
// `min`/`max`/`abs` on integers and Money, and Duration x n (lowerer.hpp). The calendar is the
// runtime's (__tnr_date_* in tenor_rt.c); a Date is an i32 of days since 1970-01-01.
#include "lowerer.hpp"

namespace tenor::compiler::lower {

V Lowerer::extremum(bool max, V a, V b, SourceRange r) {
  Value* less = compare(ast::BinaryOp::Lt, a, b, r);
  return V{max ? B.CreateSelect(less, b.v, a.v) : B.CreateSelect(less, a.v, b.v), a.t};
}

V Lowerer::absolute(V v, SourceRange r) {
  const bool money = kind(v.t) == TypeKind::Money;
  if (kind(v.t) == TypeKind::Int && !ty(v.t).is_signed) return v;
  Value* x = money ? B.CreateExtractValue(v.v, 0) : v.v;
  Value* zero = llvm::ConstantInt::get(x->getType(), 0);
  Value* neg = overflow_op(llvm::Intrinsic::ssub_with_overflow, zero, x,
                           std::string(money                        ? "Money"
                                       : kind(v.t) == TypeKind::Int ? "integer"
                                                                    : "abs") +
                               " overflow",
                           r);
  Value* a = B.CreateSelect(B.CreateICmpSLT(x, zero), neg, x);
  return V{money ? B.CreateInsertValue(v.v, a, 0) : a, v.t};
}

V Lowerer::duration_arith(ast::BinaryOp op, V duration, V n, SourceRange r) {
  Value* k = int_to_bits(n, 64, true, "Duration overflow", r);
  if (op == ast::BinaryOp::Mul)
    return V{overflow_op(llvm::Intrinsic::smul_with_overflow, duration.v, k, "Duration overflow", r), duration.t};
  check(B.CreateICmpNE(k, B.getInt64(0)), "division by zero", r);
  Value* min = B.getInt64(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()));
  check(B.CreateNot(B.CreateAnd(B.CreateICmpEQ(duration.v, min), B.CreateICmpEQ(k, B.getInt64(~0ull)))),
        "Duration overflow", r);
  return V{B.CreateSDiv(duration.v, k), duration.t};
}

std::optional<V> Lowerer::builtin_call(const ast::CallExpr& c, TypeId t) {
  if (p_.call_targets.count(&c) || kind(t) == TypeKind::Interface) return std::nullopt;
  const auto& segs = c.callee->as<ast::PathExpr>().path.segments;
  const std::string& n = segs.back().name;
  if (segs.size() == 1 && (n == "min" || n == "max")) {
    V a = expr(*c.args[0]);
    V b = expr(*c.args[1]);
    return extremum(n == "max", a, b, c.range);
  }
  if (segs.size() == 1 && n == "abs") return absolute(expr(*c.args[0]), c.range);
  if (segs.size() == 2 && segs[0].name == "Date" && n == "ymd") {
    Value* y = B.CreateSExt(expr(*c.args[0]).v, i64);
    Value* m = expr(*c.args[1]).v;
    Value* d = expr(*c.args[2]).v;
    const std::string msg = "invalid date at " + where(c.range);
    return V{B.CreateCall(rt_date_from_civil, {y, m, d, bytes_constant(msg), c32(msg.size())}), t};
  }
  return std::nullopt;
}

std::optional<V> Lowerer::time_method(const ast::MethodCallExpr& m, V recv, TypeId t) {
  const std::string& n = m.name.name;
  switch (kind(recv.t)) {
    case TypeKind::Date: {
      if (n == "year" || n == "month" || n == "day") {
        Value* packed = B.CreateCall(rt_date_civil, {recv.v});  // year x 512 + month x 32 + day
        if (n == "year") return V{B.CreateTrunc(B.CreateAShr(packed, 9), i32), t};
        Value* low = B.CreateTrunc(packed, i32);
        return V{n == "day" ? B.CreateAnd(low, c32(31)) : B.CreateAnd(B.CreateLShr(low, 5), c32(15)), t};
      }
      if (n == "weekday") return V{B.CreateCall(rt_date_weekday, {recv.v}), t};
      if (n == "days_in_month") return V{B.CreateCall(rt_date_days_in_month, {recv.v}), t};
      if (n == "is_leap_year") return V{B.CreateICmpNE(B.CreateCall(rt_date_is_leap_year, {recv.v}), c32(0)), t};
      if (n == "add_months") {
        const std::string msg = "date overflow at " + where(m.range);
        return V{B.CreateCall(rt_date_add_months, {recv.v, expr(*m.args[0]).v, bytes_constant(msg), c32(msg.size())}),
                 t};
      }
      break;
    }
    case TypeKind::Duration:
      if (n == "seconds") return V{recv.v, t};
      if (n == "days") return V{B.CreateSDiv(recv.v, B.getInt64(kDay)), t};  // whole days, toward zero
      break;
    case TypeKind::Int:
    case TypeKind::Money:
      if (n == "min" || n == "max")
        return extremum(n == "max", recv, coerce(expr(*m.args[0]), recv.t, m.range), m.range);
      if (n == "abs") return absolute(recv, m.range);
      break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace tenor::compiler::lower
