// Types: their names, interning, compatibility, and resolving the types written in the source.
#include "checker.hpp"

namespace tenor::compiler::check {

TypeId Checker::intern(Type t) {
  const auto key = std::make_tuple(t.kind, t.bits, t.is_signed, t.element, t.key, t.bound, t.decl);
  auto [it, fresh] = intern_index_.emplace(key, static_cast<TypeId>(p_->types.size()));
  if (fresh) p_->types.push_back(t);
  return it->second;
}

TypeId Checker::int_type(std::uint16_t bits, bool is_signed) {
  Type t{TypeKind::Int};
  t.bits = bits;
  t.is_signed = is_signed;
  return intern(t);
}

TypeId Checker::wrap(TypeKind k, TypeId element, std::uint64_t bound, TypeId key) {
  Type t{k};
  t.element = element;
  t.bound = bound;
  t.key = key;
  return intern(t);
}

bool Checker::compatible(TypeId to, TypeId from) const {
  if (to == from || is_error(to) || is_error(from)) return true;
  const Type a = ty(to);
  const Type b = ty(from);
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::Bytes:
    case TypeKind::String: return true;
    case TypeKind::Option: return compatible(a.element, b.element);
    case TypeKind::Vec: return a.bound == b.bound && compatible(a.element, b.element);
    case TypeKind::Array: return a.bound == b.bound && compatible(a.element, b.element);
    default: return false;
  }
}

void Checker::expect_type(TypeId expected, TypeId found, SourceRange where) {
  if (!compatible(expected, found))
    diags_.report(DiagnosticKind::TypeMismatch, where, {p_->type_name(expected), p_->type_name(found)});
}

std::optional<std::uint64_t> Checker::parse_bound(const std::string& text) {
  cpp_int v;
  if (!parse_integer(text, v) || v < 0 || v > cpp_int(std::numeric_limits<std::uint32_t>::max())) return {};
  return static_cast<std::uint64_t>(v);
}

TypeId Checker::resolve_type(const ast::Type* t, bool storage_top) {
  if (t == nullptr) return kErrorType;
  if (!enter(t->range)) return kErrorType;
  const TypeId r = resolve_type_inner(*t, storage_top);
  --depth_;
  return r;
}

TypeId Checker::bad_args(const ast::Type& t, const char* shape) {
  diags_.report(DiagnosticKind::InvalidTypeArguments, t.range, {t.name.name, shape});
  return kErrorType;
}

TypeId Checker::resolve_type_inner(const ast::Type& t, bool storage_top) {
  if (t.kind == ast::Type::Kind::Error) return kErrorType;
  if (t.kind == ast::Type::Kind::Array) {
    const TypeId e = resolve_type(t.element.get());
    const auto n = parse_bound(t.length);
    if (!n) {
      diags_.report(DiagnosticKind::InvalidTypeArguments, t.range,
                    {"[T; N]", "a type and an integer length: `[T; N]`"});
      return kErrorType;
    }
    return is_error(e) ? kErrorType : wrap(TypeKind::Array, e, *n);
  }
  if (!t.module.name.empty()) return resolve_module_type(t);
  const std::string& n = t.name.name;
  auto type_arg = [&](std::size_t i) -> const ast::Type* { return t.args[i].type.get(); };
  auto int_arg = [&](std::size_t i) -> std::optional<std::uint64_t> {
    if (t.args[i].type) return {};
    return parse_bound(t.args[i].integer);
  };
  // The registry's scalars other than the integers, and Rounding: types named by a word alone.
  static const std::map<std::string, TypeKind> kSimple = [] {
    std::map<std::string, TypeKind> m = {{"Rounding", TypeKind::Rounding}};
    for (const ScalarType& s : kScalarTypes)
      if (s.kind != TypeKind::Int) m.emplace(s.spelling, s.kind);
    return m;
  }();
  if (auto it = kSimple.find(n); it != kSimple.end()) {
    if (!t.args.empty()) return bad_args(t, "no type arguments");
    return simple(it->second);
  }
  if (auto i = int_named(n)) {
    if (!t.args.empty()) return bad_args(t, "no type arguments");
    return *i;
  }
  if (n == "Bytes" || n == "String") {
    std::optional<std::uint64_t> b;
    if (t.args.size() != 1 || !(b = int_arg(0)))
      return bad_args(t, n == "Bytes" ? "one integer bound: `Bytes<N>`" : "one integer bound: `String<N>`");
    return wrap(n == "Bytes" ? TypeKind::Bytes : TypeKind::String, 0, *b);
  }
  if (n == "Vec") {
    std::optional<std::uint64_t> b;
    if (t.args.size() != 2 || !type_arg(0) || !(b = int_arg(1)))
      return bad_args(t, "a type and an integer bound: `Vec<T, N>`");
    const TypeId e = resolve_type(type_arg(0));
    return is_error(e) ? kErrorType : wrap(TypeKind::Vec, e, *b);
  }
  if (n == "Option") {
    if (t.args.size() != 1 || !type_arg(0)) return bad_args(t, "one type: `Option<T>`");
    const TypeId e = resolve_type(type_arg(0));
    return is_error(e) ? kErrorType : wrap(TypeKind::Option, e);
  }
  if (n == "Map") {
    if (t.args.size() != 2 || !type_arg(0) || !type_arg(1)) return bad_args(t, "two types: `Map<K, V>`");
    if (!storage_top) {
      diags_.report(DiagnosticKind::MapOutsideStorage, t.range, {},
                    "declare the map as a field of `storage { ... }` and read it by name");
      return kErrorType;
    }
    const TypeId k = resolve_type(type_arg(0));
    const TypeId v = resolve_type(type_arg(1));
    return is_error(k) || is_error(v) ? kErrorType : wrap(TypeKind::Map, v, 0, k);
  }
  if (auto it = type_names_.find(n); it != type_names_.end()) {
    if (!t.args.empty()) return bad_args(t, "no type arguments");
    return it->second;
  }
  if (n.empty()) return kErrorType;
  // "did you mean": bool and the integers, the generic types, Map, the other simple types, the
  // file's own types (the first of equally close candidates wins).
  std::vector<std::string> candidates;
  for (const ScalarType& s : kScalarTypes)
    if (s.kind == TypeKind::Bool || s.kind == TypeKind::Int) candidates.emplace_back(s.spelling);
  for (const GenericType& g : kGenericTypes)
    if (g.kind != TypeKind::Array) candidates.emplace_back(g.spelling);
  candidates.push_back("Map");
  for (const auto& [k, v] : kSimple) candidates.push_back(k);
  for (const auto& [k, v] : type_names_) candidates.push_back(k);
  diags_.report(DiagnosticKind::UnknownType, t.name.range, {n}, suggest(n, candidates));
  return kErrorType;
}

std::optional<TypeId> Checker::int_named(std::string_view n) {
  const ScalarType* s = scalar_type_named(n);
  if (s == nullptr || s->kind != TypeKind::Int) return {};
  return int_type(s->bits, s->is_signed);
}

bool Checker::enter(SourceRange r) {
  if (depth_ >= limits_.max_nesting_depth) {
    if (!depth_reported_) diags_.report(DiagnosticKind::NestingTooDeep, r, {std::to_string(limits_.max_nesting_depth)});
    depth_reported_ = true;
    return false;
  }
  ++depth_;
  return true;
}

std::string Program::type_name(TypeId id) const {
  const Type& t = type(id);
  switch (t.kind) {
    case TypeKind::Error: return "{error}";
    case TypeKind::Unit: return "()";
    case TypeKind::Rounding: return "Rounding";
    case TypeKind::Bytes: return "Bytes<" + std::to_string(t.bound) + ">";
    case TypeKind::String: return "String<" + std::to_string(t.bound) + ">";
    case TypeKind::Array: return "[" + type_name(t.element) + "; " + std::to_string(t.bound) + "]";
    case TypeKind::Vec: return "Vec<" + type_name(t.element) + ", " + std::to_string(t.bound) + ">";
    case TypeKind::Option: return "Option<" + type_name(t.element) + ">";
    case TypeKind::Map: return "Map<" + type_name(t.key) + ", " + type_name(t.element) + ">";
    case TypeKind::Range: return "Range<" + type_name(t.element) + ">";
    case TypeKind::Struct: return structs.at(t.decl).name;
    case TypeKind::Enum: return enums.at(t.decl).name;
    case TypeKind::Interface: return interfaces.at(t.decl).name;
    default: break;
  }
  // bool, the integers, Money, Rate, ...: spelled as in the registry.
  if (const ScalarType* s = scalar_type_of(t)) return std::string(s->spelling);
  return "?";
}

// Edit distance with adjacent transpositions (optimal string alignment): `Dtae` is 1 from `Date`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// "did you mean `X`?" when one candidate is within a third of the name's length (at least 1).
std::string suggest(std::string_view name, const std::vector<std::string>& candidates) {
  std::size_t best = std::max<std::size_t>(1, name.size() / 3) + 1;
  std::string found;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best) best = d, found = c;
  }
  return found.empty() ? std::string() : "did you mean `" + found + "`?";
}

}  // namespace tenor::compiler::check
