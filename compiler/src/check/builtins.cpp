// The built-in functions `min`, `max`, `abs` and `Date::ymd`, the methods of Date and Duration, and
// `min`/`max`/`abs` as methods of integers and Money (docs/language.md §4 and §7).
#include "checker.hpp"

namespace tenor::compiler::check {

namespace {

bool ordered(TypeKind k) {
  return k == TypeKind::Int || k == TypeKind::Money || k == TypeKind::Rate || k == TypeKind::Decimal ||
         k == TypeKind::Date || k == TypeKind::Timestamp || k == TypeKind::Duration;
}

bool has_sign(TypeKind k) {
  return k == TypeKind::Int || k == TypeKind::Money || k == TypeKind::Rate || k == TypeKind::Decimal ||
         k == TypeKind::Duration;
}

}  // namespace

TypeId Checker::check_extremum(const std::string& shown, const ast::Expr& first, const ast::Expr& second, TypeId hint,
                               SourceRange where) {
  // Like a binary operator: an untyped literal takes the other operand's type.
  TypeId a, b;
  if (untyped_int(first) && !untyped_int(second)) {
    b = check_expr(second, hint);
    a = check_expr(first, b);
  } else {
    a = check_expr(first, hint);
    b = check_expr(second, a);
  }
  if (is_error(a) || is_error(b)) return is_error(a) ? b : a;
  if (!compatible(a, b) || !ordered(kind(a))) {
    diags_.report(DiagnosticKind::InvalidOperands, where, {shown, name(a) + " and " + name(b)},
                  ordered(kind(a)) ? "both values have the same type: convert one with `as`"
                                   : "`min` and `max` take integers, Money, Rate, Decimal, Date, Timestamp or "
                                     "Duration");
    return kErrorType;
  }
  return a;
}

TypeId Checker::check_abs(const std::string& shown, TypeId t, SourceRange where) {
  if (!is_error(t) && !has_sign(kind(t))) {
    diags_.report(DiagnosticKind::InvalidOperands, where, {shown, name(t)},
                  "`abs` takes integers, Money, Rate, Decimal or Duration");
    return kErrorType;
  }
  return t;
}

std::optional<TypeId> Checker::check_builtin_call(const ast::CallExpr& c, TypeId hint) {
  const auto& segs = c.callee->as<ast::PathExpr>().path.segments;
  auto count = [&](std::size_t want) {
    if (c.args.size() == want) return true;
    for (const auto& a : c.args) check_expr(*a, kErrorType);
    diags_.report(DiagnosticKind::WrongArgumentCount, c.range,
                  {"`" + segs.back().name + "`", std::to_string(want) + (want == 1 ? " argument" : " arguments"),
                   std::to_string(c.args.size())});
    return false;
  };
  if (segs.size() == 1 && (segs[0].name == "min" || segs[0].name == "max") && !fn_index_.count(segs[0].name)) {
    if (!count(2)) return kErrorType;
    return check_extremum("`" + segs[0].name + "`", *c.args[0], *c.args[1], hint, c.range);
  }
  if (segs.size() == 1 && segs[0].name == "abs" && !fn_index_.count("abs")) {
    if (!count(1)) return kErrorType;
    return check_abs("`abs`", check_expr(*c.args[0], hint), c.range);
  }
  if (segs.size() == 2 && segs[0].name == "Date" && path_unit(segs).second == 0) {
    if (segs[1].name != "ymd") {
      for (const auto& a : c.args) check_expr(*a, kErrorType);
      diags_.report(DiagnosticKind::UnknownName, segs[1].range, {"function", "Date::" + segs[1].name},
                    "`Date::ymd(year, month, day)` is the one function of `Date`");
      return kErrorType;
    }
    const TypeId u32 = int_named("u32").value();
    check_args("`Date::ymd`", {{"year", int_named("i32").value(), {}}, {"month", u32, {}}, {"day", u32, {}}}, c.args,
               c.range);
    return simple(TypeKind::Date);
  }
  return std::nullopt;
}

std::optional<TypeId> Checker::check_time_method(const ast::MethodCallExpr& m, TypeId recv) {
  const std::string& n = m.name.name;
  const std::string rn = p_->type_name(recv);
  const TypeId u32 = int_named("u32").value();
  const TypeId i64 = int_named("i64").value();
  switch (kind(recv)) {
    case TypeKind::Date:
      if (n == "year") return method(m, rn, {}, int_named("i32").value());
      if (n == "month" || n == "day" || n == "weekday" || n == "days_in_month") return method(m, rn, {}, u32);
      if (n == "is_leap_year") return method(m, rn, {}, kBoolType);
      if (n == "add_months") return method(m, rn, {int_named("i32").value()}, recv);
      break;
    case TypeKind::Duration:
      if (n == "days" || n == "seconds") return method(m, rn, {}, i64);
      break;
    case TypeKind::Int:
    case TypeKind::Money:
      if (n == "min" || n == "max") {
        if (m.args.size() != 1) {
          for (const auto& a : m.args) check_expr(*a, kErrorType);
          diags_.report(DiagnosticKind::WrongArgumentCount, m.range,
                        {"`" + rn + "." + n + "`", "1 argument", std::to_string(m.args.size())});
          return recv;
        }
        expect_type(recv, check_expr(*m.args[0], recv), m.args[0]->range);
        return recv;
      }
      if (n == "abs") return check_abs("`abs`", method(m, rn, {}, recv), m.range);
      break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace tenor::compiler::check
