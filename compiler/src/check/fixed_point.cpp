// Decimal (an i128 holding value x 10^18) and the fixed-point methods: Decimal literals and their
// exact constant folding, the methods of Decimal and Rate, `n.to_decimal()` on integers and
// `Money.apply(Decimal, Rounding)`; and the "no such method" help read from builtin_methods.def.
#include "checker.hpp"

namespace tenor::compiler::check {

namespace {

struct BuiltinMethod {
  TypeKind receiver;
  std::string_view name;
};

constexpr BuiltinMethod kBuiltinMethods[] = {
#define TENOR_BUILTIN_METHOD(Receiver, name, signature, doc) {TypeKind::Receiver, name},
#include "builtin_methods.def"
};

const cpp_int kDecimalScale = cpp_int(1000000000) * cpp_int(1000000000);  // 10^18
const cpp_int kDecimalMax = (cpp_int(1) << 127) - 1;
const cpp_int kDecimalMin = -(cpp_int(1) << 127);

}  // namespace

std::string decimal_text(const cpp_int& scaled) {
  const cpp_int mag = scaled < 0 ? cpp_int(-scaled) : scaled;
  std::string frac = cpp_int(mag % kDecimalScale).str();
  frac = std::string(18 - frac.size(), '0') + frac;
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (scaled < 0 ? "-" : "") + cpp_int(mag / kDecimalScale).str() + "." + frac;
}

std::string Checker::builtin_methods_help(TypeKind k) const {
  std::vector<std::string_view> names;
  for (const BuiltinMethod& m : kBuiltinMethods)
    if (m.receiver == k && std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
  if (names.empty()) return {};
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += std::string(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + "`" + std::string(names[i]) + "`";
  return "the methods of this type are " + s;
}

bool Checker::untyped_decimal(const ast::Expr& e) const {
  if (e.kind == ExprKind::DecimalLiteral) return true;
  return e.kind == ExprKind::Unary && e.as<ast::UnaryExpr>().op == ast::UnaryOp::Negate &&
         e.as<ast::UnaryExpr>().operand->kind == ExprKind::DecimalLiteral;
}

TypeId Checker::decimal_literal(const ast::LiteralExpr& l, TypeId hint, bool negated, SourceRange where) {
  const std::string& text = l.text;
  const std::size_t dot = text.find('.');
  const std::size_t frac = dot == std::string::npos ? 0 : text.size() - dot - 1;
  if (kind(hint) != TypeKind::Decimal) {
    if (frac > 9)
      diags_.report(DiagnosticKind::InvalidDecimalLiteral, l.range, {"a `Rate` has at most 9 fractional digits"},
                    "a `Decimal` takes up to 18: give the value the type `Decimal`");
    return simple(TypeKind::Rate);
  }
  const TypeId t = simple(TypeKind::Decimal);
  if (frac > 18) {
    diags_.report(DiagnosticKind::InvalidDecimalLiteral, l.range,
                  {"a `Decimal` has at most 18 fractional digits, found " + std::to_string(frac)});
    return t;
  }
  cpp_int v = 0;
  for (char c : text)
    if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
  for (std::size_t i = frac; i < 18; ++i) v *= 10;
  if (negated) v = -v;
  if (v > kDecimalMax || v < kDecimalMin) {
    diags_.report(DiagnosticKind::LiteralOutOfRange, negated ? where : l.range,
                  {(negated ? "-" : "") + text, "Decimal"},
                  "the range of `Decimal` is " + decimal_text(kDecimalMin) + " to " + decimal_text(kDecimalMax));
    return t;
  }
  decimal_consts_[&l] = v;
  return t;
}

void Checker::fold_decimal(SourceRange r, const cpp_int& v, const ast::Expr* e) {
  if (v > kDecimalMax || v < kDecimalMin) {
    diags_.report(DiagnosticKind::ConstantOverflow, r, {"overflows `Decimal` (its value is " + decimal_text(v) + ")"});
    return;
  }
  decimal_consts_[e] = v;
}

void Checker::fold_decimal_binary(const ast::BinaryExpr& b, TypeId result) {
  if (kind(result) != TypeKind::Decimal) return;
  auto lc = decimal_consts_.find(b.lhs.get());
  auto rc = decimal_consts_.find(b.rhs.get());
  if (lc == decimal_consts_.end() || rc == decimal_consts_.end()) return;
  if (b.op == ast::BinaryOp::Add) fold_decimal(b.range, lc->second + rc->second, &b);
  if (b.op == ast::BinaryOp::Sub) fold_decimal(b.range, lc->second - rc->second, &b);
}

std::optional<TypeId> Checker::check_fixed_point_method(const ast::MethodCallExpr& m, TypeId recv) {
  const std::string& n = m.name.name;
  const std::string rn = p_->type_name(recv);
  const TypeId rounding = simple(TypeKind::Rounding);
  const TypeId rate = simple(TypeKind::Rate);
  const TypeId decimal = simple(TypeKind::Decimal);
  switch (kind(recv)) {
    case TypeKind::Int:
      if (n == "to_decimal") return method(m, rn, {}, decimal);
      break;
    case TypeKind::Money:
      if (n == "apply") {
        // apply(Rate, Rounding) or apply(Decimal, Rounding): the first argument decides.
        if (m.args.size() != 2)
          diags_.report(DiagnosticKind::WrongArgumentCount, m.range,
                        {"`Money.apply`", "2 arguments", std::to_string(m.args.size())});
        for (std::size_t i = 0; i < m.args.size(); ++i) {
          if (i == 0) {
            const TypeId f = check_expr(*m.args[0], kErrorType);
            if (kind(f) != TypeKind::Decimal) expect_type(rate, f, m.args[0]->range);
          } else {
            const TypeId want = i == 1 ? rounding : kErrorType;
            expect_type(want, check_expr(*m.args[i], want), m.args[i]->range);
          }
        }
        return simple(TypeKind::Money);
      }
      break;
    case TypeKind::Rate:
      if (n == "mul" || n == "div") return method(m, rn, {rate, rounding}, rate);
      if (n == "to_decimal") return method(m, rn, {}, decimal);
      break;
    case TypeKind::Decimal:
      if (n == "mul" || n == "div") return method(m, rn, {decimal, rounding}, decimal);
      if (n == "pow") return method(m, rn, {int_named("u32").value(), rounding}, decimal);
      if (n == "to_int") return method(m, rn, {rounding}, int_named("i128").value());
      if (n == "to_rate") return method(m, rn, {rounding}, rate);
      break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace tenor::compiler::check
