// The ABI's type texts ("Vec<u64, 10>", "Option<Invoice>") parsed against value_types.def's
// spellings and the ABI's user types, and the checks of the user types (no type contains itself,
// nesting is bounded).
#include <algorithm>
#include <charconv>
#include <set>

#include "abi_internal.hpp"

namespace tenor::sdk::abi_detail {

namespace {

// A type written by name alone (value_types.def's TENOR_SCALAR_TYPE rows).
struct Scalar {
  Kind kind;
  uint8_t bits;
  bool is_signed;
};
const std::map<std::string, Scalar, std::less<>>& scalars() {
  static const std::map<std::string, Scalar, std::less<>> kScalars = {
#define TENOR_SCALAR_TYPE(spelling, kind, bits, is_signed, borsh_bytes, key) \
  {spelling, Scalar{Kind::kind, static_cast<uint8_t>(bits), is_signed}},
#include "tenor/common/value_types.def"
  };
  return kScalars;
}

// A type with parameters (the TENOR_GENERIC_TYPE rows): its kind and how it is written.
struct Generic {
  Kind kind;
  const char* form;  // "Vec<T, N>"
};
const std::map<std::string, Generic, std::less<>>& generics() {
  static const std::map<std::string, Generic, std::less<>> kGenerics = {
#define TENOR_GENERIC_TYPE(spelling, kind, form) {spelling, Generic{Kind::kind, form}},
#include "tenor/common/value_types.def"
  };
  return kGenerics;
}

// ---- the type parser -------------------------------------------------------------------------

class TypeParser {
 public:
  TypeParser(const Abi::Data& d, std::string_view text) : d_(d), s_(text) {}

  Result<TypeP> parse_all() {
    TypeP t = parse(0);
    if (t) {
      skip_ws();
      if (pos_ != s_.size()) t = fail("unexpected \"" + std::string(s_.substr(pos_)) + "\" after the type");
    }
    if (!t) return malformed(error_);
    return t;
  }

 private:
  TypeP fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return nullptr;
  }
  void skip_ws() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string ident() {
    skip_ws();
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  std::optional<uint32_t> number() {
    skip_ws();
    size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    uint32_t v = 0;
    auto r = std::from_chars(s_.data() + start, s_.data() + pos_, v);
    if (start == pos_ || r.ec != std::errc() || r.ptr != s_.data() + pos_) return std::nullopt;
    return v;
  }

  TypeP parse(size_t depth) {
    if (depth > kMaxTypeDepth) return fail("the type nests deeper than " + std::to_string(kMaxTypeDepth));
    auto t = std::make_shared<Type>();
    if (eat('[')) {
      t->kind = Kind::Array;
      t->element = parse(depth + 1);
      if (!t->element) return nullptr;
      if (!eat(';')) return fail("expected `;` in an array type [T; N]");
      auto n = number();
      if (!n) return fail("expected the length of an array type [T; N]");
      if (!eat(']')) return fail("expected `]` after an array type's length");
      t->bound = *n;
      t->text = "[" + t->element->text + "; " + std::to_string(*n) + "]";
      return t;
    }
    const std::string name = ident();
    if (name.empty())
      return fail(pos_ < s_.size() ? "unexpected \"" + std::string(1, s_[pos_]) + "\"" : "missing type");
    t->text = name;
    if (auto it = scalars().find(name); it != scalars().end()) {
      t->kind = it->second.kind;
      if (t->kind == Kind::Int) {  // Date, Timestamp and Duration have widths too, but are not Ints
        t->bits = it->second.bits;
        t->is_signed = it->second.is_signed;
      }
      return t;
    }
    if (auto it = generics().find(name); it != generics().end()) return generic(it->second, name, t, depth);
    if (auto it = d_.user_types.find(name); it != d_.user_types.end()) {
      t->kind = it->second.first;
      t->decl = it->second.second;
      return t;
    }
    return fail("unknown type " + name);
  }

  // The parameters of Bytes<N>, String<N>, Vec<T, N> and Option<T> ("[]" is read by parse).
  TypeP generic(const Generic& g, const std::string& name, std::shared_ptr<Type> t, size_t depth) {
    t->kind = g.kind;
    switch (g.kind) {
      case Kind::Bytes:
      case Kind::String: {
        if (!eat('<')) return fail("expected `<` after " + name + " (" + g.form + ")");
        auto n = number();
        if (!n || !eat('>')) return fail("expected " + name + "<N> with a number N");
        t->bound = *n;
        t->text = name + "<" + std::to_string(*n) + ">";
        return t;
      }
      case Kind::Vec: {
        if (!eat('<')) return fail("expected `<` after " + name + " (" + g.form + ")");
        t->element = parse(depth + 1);
        if (!t->element) return nullptr;
        if (!eat(',')) return fail("expected Vec<T, N> with a bound N");
        auto n = number();
        if (!n || !eat('>')) return fail("expected Vec<T, N> with a number N");
        t->bound = *n;
        t->text = "Vec<" + t->element->text + ", " + std::to_string(*n) + ">";
        return t;
      }
      case Kind::Option: {
        if (!eat('<')) return fail("expected `<` after " + name + " (" + g.form + ")");
        t->element = parse(depth + 1);
        if (!t->element) return nullptr;
        if (!eat('>')) return fail("expected `>` after Option<T>");
        t->text = "Option<" + t->element->text + ">";
        return t;
      }
      default: return fail("unknown type " + name);
    }
  }

  const Abi::Data& d_;
  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

// Checks that user types do not contain themselves and nest at most kMaxTypeDepth deep, and finds
// the structs that always encode to nothing. The recursion stops at kMaxTypeDepth.
class TypeChecker {
 public:
  explicit TypeChecker(Abi::Data& d)
      : d_(d),
        struct_state_(d.structs.size(), 0),
        enum_state_(d.enums.size(), 0),
        struct_depth_(d.structs.size(), 0),
        enum_depth_(d.enums.size(), 0) {}

  Status run() {
    for (size_t i = 0; i < d_.structs.size(); ++i)
      if (!decl_depth(false, i, 0)) return malformed("ABI: " + error_);
    for (size_t i = 0; i < d_.enums.size(); ++i)
      if (!decl_depth(true, i, 0)) return malformed("ABI: " + error_);
    d_.struct_empty.assign(d_.structs.size(), false);
    std::vector<int8_t> memo(d_.structs.size(), -1);
    for (size_t i = 0; i < d_.structs.size(); ++i) struct_empty(i, memo);
    for (size_t i = 0; i < d_.structs.size(); ++i) d_.struct_empty[i] = memo[i] == 1;
    return {};
  }

 private:
  std::optional<size_t> type_depth(const Type& t, size_t level) {
    switch (t.kind) {
      case Kind::Array:
      case Kind::Vec:
      case Kind::Option: {
        auto e = type_depth(*t.element, level + 1);
        if (!e) return std::nullopt;
        return *e + 1;
      }
      case Kind::Struct: return decl_depth(false, t.decl, level + 1);
      case Kind::Enum: return decl_depth(true, t.decl, level + 1);
      default: return 1;
    }
  }

  std::optional<size_t> decl_depth(bool is_enum, size_t i, size_t level) {
    const std::string& name = is_enum ? d_.enums[i].name : d_.structs[i].name;
    if (level > kMaxTypeDepth) {
      error_ = "the type " + name + " nests deeper than " + std::to_string(kMaxTypeDepth) + " levels";
      return std::nullopt;
    }
    int& state = is_enum ? enum_state_[i] : struct_state_[i];
    size_t& depth = is_enum ? enum_depth_[i] : struct_depth_[i];
    if (state == 2) return depth;
    if (state == 1) {
      error_ = std::string(is_enum ? "enum " : "struct ") + name + " contains itself";
      return std::nullopt;
    }
    state = 1;
    size_t deepest = 0;
    auto visit = [&](const std::vector<TypeP>& types) {
      for (const TypeP& t : types) {
        auto dt = type_depth(*t, level);
        if (!dt) return false;
        deepest = std::max(deepest, *dt);
      }
      return true;
    };
    if (is_enum) {
      for (const auto& v : d_.variant_fields[i])
        if (!visit(v)) return std::nullopt;
    } else if (!visit(d_.struct_fields[i])) {
      return std::nullopt;
    }
    state = 2;
    depth = deepest + 1;
    if (depth + level > kMaxTypeDepth + 1) {
      error_ = "the type " + name + " nests deeper than " + std::to_string(kMaxTypeDepth) + " levels";
      return std::nullopt;
    }
    return depth;
  }

  bool type_empty(const Type& t, std::vector<int8_t>& memo) {
    if (t.kind == Kind::Array) return t.bound == 0 || type_empty(*t.element, memo);
    if (t.kind == Kind::Struct) return struct_empty(t.decl, memo);
    return false;
  }
  bool struct_empty(size_t i, std::vector<int8_t>& memo) {
    if (memo[i] >= 0) return memo[i] == 1;
    bool empty = true;
    for (const TypeP& t : d_.struct_fields[i]) empty = empty && type_empty(*t, memo);
    memo[i] = empty ? 1 : 0;
    return empty;
  }

  Abi::Data& d_;
  std::vector<int> struct_state_, enum_state_;
  std::vector<size_t> struct_depth_, enum_depth_;
  std::string error_;
};

}  // namespace

// Whether values of the type always encode to zero bytes.
bool always_empty(const Abi::Data& d, const Type& t) {
  if (t.kind == Kind::Array) return t.bound == 0 || always_empty(d, *t.element);
  if (t.kind == Kind::Struct) return d.struct_empty[t.decl];
  return false;
}

Result<TypeP> parse_type(const Abi::Data& d, std::string_view text) { return TypeParser(d, text).parse_all(); }

Status check_user_types(Abi::Data& d) { return TypeChecker(d).run(); }

bool is_builtin_type_name(std::string_view name) {
  // Map is the language's, not the ABI's (storage only), but an ABI type may not take its name.
  return scalars().count(name) != 0 || generics().count(name) != 0 || name == "Map";
}

}  // namespace tenor::sdk::abi_detail
