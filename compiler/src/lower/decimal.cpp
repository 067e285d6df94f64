// Decimal (i128, value x 10^18) and the fixed-point methods (lowerer.hpp): Decimal literals, the
// methods of Decimal and Rate, `n.to_decimal()` and `Money.apply(Decimal, mode)`. Products and
// quotients go through the runtime's __tnr_mul_div (tenor_rt.c): an exact 256-bit intermediate,
// one rounding by the runtime's rounding rule, a trap when the result does not fit.
#include "lowerer.hpp"

namespace tenor::compiler::lower {

namespace {

constexpr std::int64_t kRateOne = 1'000'000'000;                 // Rate: x 10^9
constexpr std::int64_t kDecimalOne = 1'000'000'000'000'000'000;  // Decimal: x 10^18

}  // namespace

Value* Lowerer::decimal_value(const std::string& text, bool negate) {
  cpp_int v = scaled(text, 18);
  if (negate) v = -v;
  if (v < 0) v += cpp_int(1) << 128;  // two's complement; the checker bounded it to i128
  return B.getInt(llvm::APInt(128, v.str(), 10));
}

Value* Lowerer::mul_div(Value* a, Value* b, Value* d, Value* mode, const std::string& what, SourceRange r) {
  const std::string msg = what + " overflow at " + where(r);
  return B.CreateCall(rt_mul_div, {a, b, d, B.CreateZExt(mode, i32), bytes_constant(msg), c32(msg.size())});
}

Value* Lowerer::to_rate_bits(Value* v, SourceRange r) {
  Value* narrow = B.CreateTrunc(v, i64);
  check(B.CreateICmpEQ(B.CreateSExt(narrow, i128), v), "Rate overflow", r);
  return narrow;
}

std::optional<V> Lowerer::fixed_point_method(const ast::MethodCallExpr& m, V recv, TypeId t) {
  const std::string& n = m.name.name;
  const TypeKind k = kind(recv.t);
  auto c128 = [&](std::int64_t v) { return llvm::ConstantInt::getSigned(i128, v); };
  auto nonzero = [&](Value* v) {
    check(B.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0)), "division by zero", m.range);
  };
  if (k == TypeKind::Int && n == "to_decimal") {
    const Type& x = ty(recv.t);
    Value* wide = x.is_signed ? B.CreateSExt(recv.v, i128) : B.CreateZExt(recv.v, i128);
    if (x.bits < 128) return V{B.CreateMul(wide, c128(kDecimalOne)), t};  // |n| < 2^64: fits
    auto* mul = llvm::Intrinsic::getDeclaration(M.get(), llvm::Intrinsic::smul_with_overflow, {i128});
    Value* res = B.CreateCall(mul, {wide, c128(kDecimalOne)});
    Value* ok = B.CreateNot(B.CreateExtractValue(res, 1));
    if (!x.is_signed) ok = B.CreateAnd(ok, B.CreateICmpSGE(wide, c128(0)));  // a u128 of 2^127 or more
    check(ok, "Decimal overflow", m.range);
    return V{B.CreateExtractValue(res, 0), t};
  }
  if (k == TypeKind::Money && n == "apply" && kind(type_of(*m.args[0])) == TypeKind::Decimal) {
    Value* amount = B.CreateExtractValue(recv.v, 0);
    Value* d = expr(*m.args[0]).v;
    Value* mode = expr(*m.args[1]).v;
    return V{B.CreateInsertValue(recv.v, mul_div(amount, d, c128(kDecimalOne), mode, "Money", m.range), 0), t};
  }
  if (k == TypeKind::Rate) {
    Value* a = B.CreateSExt(recv.v, i128);
    if (n == "to_decimal") return V{B.CreateMul(a, c128(kRateOne)), t};  // |rate| < 2^63: fits
    if (n == "mul" || n == "div") {
      Value* b = B.CreateSExt(expr(*m.args[0]).v, i128);
      Value* mode = expr(*m.args[1]).v;
      if (n == "div") nonzero(b);
      Value* r = n == "mul" ? mul_div(a, b, c128(kRateOne), mode, "Rate", m.range)
                            : mul_div(a, c128(kRateOne), b, mode, "Rate", m.range);
      return V{to_rate_bits(r, m.range), t};
    }
  }
  if (k == TypeKind::Decimal) {
    Value* a = recv.v;
    if (n == "mul" || n == "div") {
      Value* b = expr(*m.args[0]).v;
      Value* mode = expr(*m.args[1]).v;
      if (n == "div") nonzero(b);
      return V{n == "mul" ? mul_div(a, b, c128(kDecimalOne), mode, "Decimal", m.range)
                          : mul_div(a, c128(kDecimalOne), b, mode, "Decimal", m.range),
               t};
    }
    if (n == "pow") {
      Value* e = expr(*m.args[0]).v;
      Value* mode = B.CreateZExt(expr(*m.args[1]).v, i32);
      const std::string msg = "Decimal overflow at " + where(m.range);
      return V{B.CreateCall(rt_decimal_pow, {a, e, mode, bytes_constant(msg), c32(msg.size())}), t};
    }
    if (n == "to_int") return V{mul_div(a, c128(1), c128(kDecimalOne), expr(*m.args[0]).v, "integer", m.range), t};
    if (n == "to_rate")
      return V{
          to_rate_bits(mul_div(a, c128(1), c128(kDecimalOne / kRateOne), expr(*m.args[0]).v, "Rate", m.range), m.range),
          t};
  }
  return std::nullopt;
}

}  // namespace tenor::compiler::lower
