// Expressions: literals (and constant folding's bounds), names, paths, struct literals.
#include "checker.hpp"

namespace tenor::compiler::check {

TypeId Checker::check_expr(const ast::Expr& e, TypeId hint) {
  if (!enter(e.range)) return kErrorType;
  const TypeId t = check_expr_inner(e, hint);
  --depth_;
  p_->expr_types[&e] = t;
  return t;
}

bool Checker::parse_integer(const std::string& text, cpp_int& out) {
  std::string digits;
  int base = 10;
  std::size_t i = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) base = 16, i = 2;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') continue;
    const bool hex = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if ((c >= '0' && c <= '9') || (base == 16 && hex))
      digits += c;
    else
      break;
  }
  if (digits.empty()) return false;
  out = 0;
  for (char c : digits) {
    const int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    out = out * base + d;
  }
  return true;
}

std::optional<TypeId> Checker::literal_suffix(const std::string& text) {
  for (const ScalarType& s : kScalarTypes) {
    if (s.kind != TypeKind::Int) continue;
    const std::string_view suf = s.spelling;  // no integer spelling is a suffix of another
    if (text.size() > suf.size() && std::string_view(text).substr(text.size() - suf.size()) == suf &&
        !(text.size() > 2 && (text[1] == 'x' || text[1] == 'X')))
      return int_named(suf);
  }
  return {};
}

cpp_int Checker::min_of(TypeId t) const {
  const Type x = ty(t);
  return x.is_signed ? -(cpp_int(1) << (x.bits - 1)) : cpp_int(0);
}

cpp_int Checker::max_of(TypeId t) const {
  const Type x = ty(t);
  return x.is_signed ? (cpp_int(1) << (x.bits - 1)) - 1 : (cpp_int(1) << x.bits) - 1;
}

bool Checker::decimal_context_int(const ast::LiteralExpr& l, TypeId hint) {
  const bool hex = l.text.size() > 2 && (l.text[1] == 'x' || l.text[1] == 'X');
  return kind(hint) == TypeKind::Decimal && !hex && !literal_suffix(l.text);
}

bool Checker::untyped_int(const ast::Expr& e) const {
  if (e.kind == ExprKind::IntegerLiteral) {
    const std::string& t = e.as<ast::LiteralExpr>().text;
    const bool hex = t.size() > 2 && (t[1] == 'x' || t[1] == 'X');
    return hex || !(t.find('u') != std::string::npos || t.find('i') != std::string::npos);
  }
  if (e.kind == ExprKind::Unary) return untyped_int(*e.as<ast::UnaryExpr>().operand);
  if (e.kind == ExprKind::Binary) {
    const auto& b = e.as<ast::BinaryExpr>();
    return b.op >= ast::BinaryOp::Add && untyped_int(*b.lhs) && untyped_int(*b.rhs);
  }
  return false;
}

TypeId Checker::int_literal(const ast::LiteralExpr& l, TypeId hint, bool negated, SourceRange where) {
  if (decimal_context_int(l, hint)) return decimal_literal(l, hint, negated, where);  // `let d: Decimal = 1;`
  cpp_int v;
  if (!parse_integer(l.text, v)) return kErrorType;
  TypeId t;
  if (auto s = literal_suffix(l.text))
    t = *s;
  else if (is_int(hint))
    t = hint;
  else
    t = int_named("u64").value();  // no context: u64 (see compiler/README.md)
  if (negated) v = -v;
  if (!fits(v, t)) {
    diags_.report(DiagnosticKind::LiteralOutOfRange, negated ? where : l.range,
                  {(negated ? "-" : "") + l.text, p_->type_name(t)},
                  "the range of `" + p_->type_name(t) + "` is " + min_of(t).str() + " to " + max_of(t).str());
    return t;
  }
  consts_[&l] = v;
  return t;
}

TypeId Checker::check_expr_inner(const ast::Expr& e, TypeId hint) {
  switch (e.kind) {
    case ExprKind::Error: return kErrorType;
    case ExprKind::IntegerLiteral: return int_literal(e.as<ast::LiteralExpr>(), hint, false);
    case ExprKind::DecimalLiteral: return decimal_literal(e.as<ast::LiteralExpr>(), hint, false);
    case ExprKind::MoneyLiteral: {
      const auto& m = e.as<ast::MoneyLiteralExpr>();
      const int exp = currency_exponent(m.currency.name);
      if (exp < 0) {
        diags_.report(DiagnosticKind::InvalidDecimalLiteral, m.currency.range,
                      {"unknown currency `" + m.currency.name + "`"}, "the currencies are " + currency_list());
      } else {
        const std::size_t dot = m.amount.find('.');
        const std::size_t frac = dot == std::string::npos ? 0 : m.amount.size() - dot - 1;
        if (frac != static_cast<std::size_t>(exp))
          diags_.report(DiagnosticKind::InvalidDecimalLiteral, e.range,
                        {"`" + m.currency.name + "` amounts have " + std::to_string(exp) +
                         " fractional digits, found " + std::to_string(frac)});
      }
      return simple(TypeKind::Money);
    }
    case ExprKind::DateLiteral: return simple(TypeKind::Date);
    case ExprKind::TimestampLiteral: return simple(TypeKind::Timestamp);
    case ExprKind::DurationLiteral: return simple(TypeKind::Duration);
    case ExprKind::HashLiteral: {
      const TypeKind k = kind(hint);
      return k == TypeKind::Party || k == TypeKind::Address ? hint : simple(TypeKind::Hash);
    }
    case ExprKind::StringLiteral: {
      const std::size_t n = e.as<ast::LiteralExpr>().text.size();
      if (kind(hint) == TypeKind::String && n > ty(hint).bound)
        diags_.report(DiagnosticKind::LiteralOutOfRange, e.range,
                      {"string of " + std::to_string(n) + " bytes", p_->type_name(hint)});
      return wrap(TypeKind::String, 0, n);
    }
    case ExprKind::BoolLiteral: return kBoolType;
    case ExprKind::Path: return check_path(e.as<ast::PathExpr>());
    case ExprKind::Call: return check_call(e.as<ast::CallExpr>(), hint);
    case ExprKind::MethodCall: return check_method(e.as<ast::MethodCallExpr>());
    case ExprKind::Field: {
      const auto& f = e.as<ast::FieldExpr>();
      const TypeId base = check_expr(*f.base, kErrorType);
      if (is_error(base)) return kErrorType;
      if (kind(base) == TypeKind::Struct) {
        const StructInfo& s = p_->structs[ty(base).decl];
        for (const FieldInfo& x : s.fields)
          if (x.name == f.name.name) return x.type;
        std::vector<std::string> names;
        for (const FieldInfo& x : s.fields) names.push_back(x.name);
        diags_.report(DiagnosticKind::UnknownField, f.name.range, {f.name.name, "struct `" + s.name + "`"},
                      suggest(f.name.name, names));
        return kErrorType;
      }
      diags_.report(DiagnosticKind::UnknownField, f.name.range, {f.name.name, "type `" + p_->type_name(base) + "`"});
      return kErrorType;
    }
    case ExprKind::Index: {
      const auto& ix = e.as<ast::IndexExpr>();
      const TypeId base = check_expr(*ix.base, kErrorType);
      const Type b = ty(base);
      if (b.kind == TypeKind::Map) {
        expect_type(b.key, check_expr(*ix.index, b.key), ix.index->range);
        return b.element;
      }
      const TypeId i = check_expr(*ix.index, int_named("u32").value());
      if (!is_int(i) && !is_error(i))
        diags_.report(DiagnosticKind::TypeMismatch, ix.index->range, {"an integer index", p_->type_name(i)});
      if (b.kind == TypeKind::Array || b.kind == TypeKind::Vec) return b.element;
      if (!is_error(base)) diags_.report(DiagnosticKind::InvalidOperands, e.range, {"[]", name(base)});
      return kErrorType;
    }
    case ExprKind::StructLiteral: return check_struct_literal(e.as<ast::StructLiteralExpr>());
    case ExprKind::Some: {
      const TypeId inner_hint = kind(hint) == TypeKind::Option ? ty(hint).element : kErrorType;
      const TypeId v = check_expr(*e.as<ast::SomeExpr>().value, inner_hint);
      if (kind(v) == TypeKind::Unit) return kErrorType;
      return is_error(v) ? (is_error(inner_hint) ? kErrorType : hint) : wrap(TypeKind::Option, v);
    }
    case ExprKind::None:
      if (kind(hint) == TypeKind::Option) return hint;
      diags_.report(DiagnosticKind::CannotInferType, e.range, {"None"},
                    "give the variable a type: `let x: Option<T> = None;`");
      return kErrorType;
    case ExprKind::Unary: return check_unary(e.as<ast::UnaryExpr>(), hint);
    case ExprKind::Binary: return check_binary(e.as<ast::BinaryExpr>(), hint);
    case ExprKind::ArrayLiteral: return check_array_literal(e.as<ast::ArrayLiteralExpr>(), hint);
    case ExprKind::Cast: {
      const auto& c = e.as<ast::CastExpr>();
      const TypeId to = resolve_type(c.type.get());
      const TypeId from = check_expr(*c.operand, kErrorType);
      if (!is_error(to) && !is_error(from) && !(is_int(to) && is_int(from)))
        diags_.report(DiagnosticKind::InvalidCast, e.range, {p_->type_name(from), p_->type_name(to)},
                      "`as` converts between integer types only");
      if (auto it = consts_.find(c.operand.get()); it != consts_.end() && is_int(to)) {
        if (!fits(it->second, to))
          diags_.report(DiagnosticKind::ConstantOverflow, e.range,
                        {"does not fit in `" + p_->type_name(to) + "` (it is " + it->second.str() + ")"});
        else
          consts_[&e] = it->second;
      }
      return to;
    }
  }
  return kErrorType;
}

TypeId Checker::check_name(const ast::Ident& id, TypeId hint) {
  (void)hint;
  const std::string& n = id.name;
  if (n.empty()) return kErrorType;
  if (Local* l = lookup(n)) return l->type;
  if (auto it = storage_index_.find(n); it != storage_index_.end()) return p_->storage[it->second].type;
  if (n == "sender") return simple(TypeKind::Party);
  if (n == "self") return simple(TypeKind::Address);
  // The calling contract, or None when a transaction called this contract (docs/authorization.md).
  if (n == "caller") return wrap(TypeKind::Option, simple(TypeKind::Address));
  std::vector<std::string> names = {"sender", "self", "caller"};
  for (const auto& sc : scopes_)
    for (const auto& [k, v] : sc) names.push_back(k);
  for (const auto& [k, v] : storage_index_) names.push_back(k);
  for (const auto& [k, v] : const_index_) names.push_back(k);
  diags_.report(DiagnosticKind::UnknownName, id.range, {"value", n}, suggest(n, names));
  return kErrorType;
}

TypeId Checker::check_path(const ast::PathExpr& e) {
  const auto& segs = e.path.segments;
  if (segs.size() == 1) {
    const std::string& n = segs[0].name;
    if (!lookup(n))
      if (auto it = const_index_.find(n); it != const_index_.end()) return const_ref(e, it->second);
    return check_name(segs[0], kErrorType);
  }
  if (segs.size() == 2 && segs[0].name == "Rounding" && !type_names_.count("Rounding")) {
    for (const char* m : kRoundingModes)
      if (segs[1].name == m) return simple(TypeKind::Rounding);
    diags_.report(
        DiagnosticKind::UnknownName, segs[1].range, {"rounding mode", "Rounding::" + segs[1].name},
        suggest(segs[1].name, std::vector<std::string>(std::begin(kRoundingModes), std::end(kRoundingModes))));
    return kErrorType;
  }
  // `Enum::Variant`, `module::Enum::Variant`, `module::CONSTANT`.
  const auto [unit, skip] = path_unit(segs);
  if (segs.size() != skip + 2) {
    if (skip == 1 && segs.size() == 2) {  // `module::x`: a module's values are its constants
      if (auto it = consts_of(unit).find(segs[1].name); it != consts_of(unit).end()) return const_ref(e, it->second);
      unknown_item(segs[0], "constant", segs[1], consts_of(unit));
    } else
      diags_.report(DiagnosticKind::UnknownName, e.range, {"path", segs.front().name + "::..."});
    return kErrorType;
  }
  const std::optional<TypeId> en_type = enum_named(segs, skip + 1);
  if (!en_type) return kErrorType;
  const EnumInfo& en = p_->enums[ty(*en_type).decl];
  const VariantInfo* v = find_variant(en, segs.back());
  if (!v) return kErrorType;
  if (v->has_fields && !v->fields.empty()) {
    diags_.report(DiagnosticKind::MissingFields, e.range,
                  {v->fields.size() == 1 ? "field" : "fields", fields_list(v->fields),
                   "variant `" + en.name + "::" + v->name + "`"},
                  "construct it with `" + en.name + "::" + v->name + " { ... }`");
  }
  return *en_type;
}

std::string Checker::fields_list(const std::vector<FieldInfo>& fs) {
  std::string s;
  for (const FieldInfo& f : fs) s += (s.empty() ? "`" : ", `") + f.name + "`";
  return s;
}

TypeId Checker::check_struct_literal(const ast::StructLiteralExpr& e) {
  const auto& segs = e.path.segments;
  const auto [unit, skip] = path_unit(segs);
  const auto& types = types_of(unit);
  if (segs.size() == skip + 1) {
    auto it = types.find(segs[skip].name);
    if (it == types.end() || kind(it->second) != TypeKind::Struct) {
      std::vector<std::string> names;
      for (const auto& [k, t] : types)
        if (kind(t) == TypeKind::Struct) names.push_back(k);
      if (skip)
        unknown_item(segs[0], "struct", segs[1], types);
      else
        diags_.report(DiagnosticKind::UnknownName, segs[0].range, {"struct", segs[0].name},
                      suggest(segs[0].name, names));
      for (const auto& f : e.fields)
        if (f.value) check_expr(*f.value, kErrorType);
      return kErrorType;
    }
    const StructInfo& s = p_->structs[ty(it->second).decl];
    check_field_inits(s.fields, e.fields, "struct `" + s.name + "`", e.path.range);
    return it->second;
  }
  if (segs.size() == skip + 2) {
    const std::optional<TypeId> en_type = enum_named(segs, skip + 1);
    if (!en_type) return kErrorType;
    const EnumInfo& en = p_->enums[ty(*en_type).decl];
    if (const VariantInfo* v = find_variant(en, segs.back())) {
      check_field_inits(v->fields, e.fields, "variant `" + en.name + "::" + v->name + "`", e.path.range);
      return *en_type;
    }
    return kErrorType;
  }
  diags_.report(DiagnosticKind::UnknownName, e.path.range, {"enum", segs.empty() ? "" : segs[0].name});
  return kErrorType;
}

}  // namespace tenor::compiler::check
