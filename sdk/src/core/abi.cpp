// Contract ABIs (abi.hpp): parsing the compiler's ABI JSON, reading it out of a module, and the
// typed Borsh encoding of arguments, return values and events it describes.
#include "tenor/sdk/abi.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "tenor/common/wasm_sections.hpp"
#include "tenor/sdk/keys.hpp"

namespace tenor::sdk {

// ---- types ---------------------------------------------------------------------------------------

namespace abi_detail {

enum class Kind : uint8_t {
  Bool, Int, Money, Rate, Date, Timestamp, Duration, Party, Address, Hash, Bytes, String,
  Array, Vec, Option, Struct, Enum,
};

struct Type;
using TypeP = std::shared_ptr<const Type>;

struct Type {
  Kind kind = Kind::Bool;
  uint8_t bits = 0;        // Int: 8 .. 128
  bool is_signed = false;  // Int
  uint32_t bound = 0;      // Bytes, String, Array, Vec
  TypeP element;           // Array, Vec, Option
  size_t decl = 0;         // Struct, Enum: index into the ABI's structs / enums
  std::string text;        // as the compiler spells it: "Vec<u64, 10>"
};

}  // namespace abi_detail

using abi_detail::Kind;
using abi_detail::Type;
using abi_detail::TypeP;

struct Abi::Data {
  std::string contract;
  std::vector<AbiEntry> entries;
  std::vector<AbiEvent> events;
  std::vector<AbiStruct> structs;
  std::vector<AbiEnum> enums;
  // The same, with the types parsed.
  std::vector<std::vector<TypeP>> entry_params;
  std::vector<TypeP> entry_returns;  // nullptr: nothing
  std::vector<std::vector<TypeP>> event_fields;
  std::vector<std::vector<TypeP>> struct_fields;
  std::vector<std::vector<std::vector<TypeP>>> variant_fields;
  std::vector<bool> struct_empty;  // the struct always encodes to zero bytes
  std::map<std::string, std::pair<Kind, size_t>, std::less<>> user_types;
};

namespace {

constexpr size_t kMaxTypeDepth = 64;

Error malformed(std::string m) { return Error{ErrorCode::Malformed, std::move(m)}; }
Error invalid(std::string m) { return Error{ErrorCode::InvalidArgument, std::move(m)}; }
Error bad_arguments(std::string m) { return Error{ErrorCode::BadArguments, std::move(m)}; }

bool is_ident(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A value shown in a message: JSON, shortened.
std::string dump(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }
std::string show(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : dump(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}
std::string quote_text(std::string_view s) {
  std::string q = dump(Json(std::string(s)));  // escapes control characters
  if (q.size() > 62) q = q.substr(0, 58) + "...\"";
  return q;
}

std::string join_names(const std::vector<AbiField>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
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
    if (name.empty()) return fail(pos_ < s_.size() ? "unexpected \"" + std::string(1, s_[pos_]) + "\"" : "missing type");
    static const std::map<std::string, Kind, std::less<>> kScalars = {
        {"bool", Kind::Bool},           {"Money", Kind::Money}, {"Rate", Kind::Rate},   {"Date", Kind::Date},
        {"Timestamp", Kind::Timestamp}, {"Duration", Kind::Duration}, {"Party", Kind::Party},
        {"Address", Kind::Address},     {"Hash", Kind::Hash}};
    t->text = name;
    if (auto it = kScalars.find(name); it != kScalars.end()) {
      t->kind = it->second;
      return t;
    }
    if ((name[0] == 'u' || name[0] == 'i') && name.size() >= 2) {
      const std::string_view bits = std::string_view(name).substr(1);
      if (bits == "8" || bits == "16" || bits == "32" || bits == "64" || bits == "128") {
        t->kind = Kind::Int;
        t->is_signed = name[0] == 'i';
        t->bits = static_cast<uint8_t>(std::stoi(std::string(bits)));
        return t;
      }
    }
    if (name == "Bytes" || name == "String") {
      t->kind = name == "Bytes" ? Kind::Bytes : Kind::String;
      if (!eat('<')) return fail("expected `<` after " + name + " (" + name + "<N>)");
      auto n = number();
      if (!n || !eat('>')) return fail("expected " + name + "<N> with a number N");
      t->bound = *n;
      t->text = name + "<" + std::to_string(*n) + ">";
      return t;
    }
    if (name == "Vec") {
      t->kind = Kind::Vec;
      if (!eat('<')) return fail("expected `<` after Vec (Vec<T, N>)");
      t->element = parse(depth + 1);
      if (!t->element) return nullptr;
      if (!eat(',')) return fail("expected Vec<T, N> with a bound N");
      auto n = number();
      if (!n || !eat('>')) return fail("expected Vec<T, N> with a number N");
      t->bound = *n;
      t->text = "Vec<" + t->element->text + ", " + std::to_string(*n) + ">";
      return t;
    }
    if (name == "Option") {
      t->kind = Kind::Option;
      if (!eat('<')) return fail("expected `<` after Option (Option<T>)");
      t->element = parse(depth + 1);
      if (!t->element) return nullptr;
      if (!eat('>')) return fail("expected `>` after Option<T>");
      t->text = "Option<" + t->element->text + ">";
      return t;
    }
    if (auto it = d_.user_types.find(name); it != d_.user_types.end()) {
      t->kind = it->second.first;
      t->decl = it->second.second;
      return t;
    }
    return fail("unknown type " + name);
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
      : d_(d), struct_state_(d.structs.size(), 0), enum_state_(d.enums.size(), 0),
        struct_depth_(d.structs.size(), 0), enum_depth_(d.enums.size(), 0) {}

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

// Whether values of the type always encode to zero bytes.
bool always_empty(const Abi::Data& d, const Type& t) {
  if (t.kind == Kind::Array) return t.bound == 0 || always_empty(d, *t.element);
  if (t.kind == Kind::Struct) return d.struct_empty[t.decl];
  return false;
}

// ---- numbers, amounts, dates ------------------------------------------------------------------

constexpr U128 kU128Max = ~U128{0};
constexpr U128 kI128Max = kU128Max >> 1;  // 2^127 - 1

std::string u128_text(U128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

std::string i128_text(I128 v) {
  if (v >= 0) return u128_text(static_cast<U128>(v));
  return "-" + u128_text(U128{0} - static_cast<U128>(v));
}

U128 pow10(int n) {
  U128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Decimal digits with "_" allowed between digits, appended to `mag`; false on a bad character or
// an overflow of 128 bits (`overflow` says which).
bool accumulate_digits(std::string_view s, U128& mag, int& count, bool& overflow) {
  count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      if (i == 0 || i + 1 == s.size() || !is_digit(s[i - 1]) || !is_digit(s[i + 1])) return false;
      continue;
    }
    if (!is_digit(c)) return false;
    const auto digit = static_cast<unsigned>(c - '0');
    if (mag > (kU128Max - digit) / 10) overflow = true;
    mag = mag * 10 + digit;
    ++count;
  }
  return count > 0;
}

// A decimal number "[-]digits[.digits]": its sign, its digits as one integer, and how many of them
// follow the point. nullopt when it is not such a number.
struct Decimal {
  bool negative = false;
  U128 digits = 0;  // all digits, the point removed
  int fraction_digits = 0;
  bool has_point = false;
  bool overflow = false;
};
std::optional<Decimal> parse_decimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && s[0] == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  const size_t point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  int n = 0;
  if (!accumulate_digits(whole, d.digits, n, d.overflow)) return std::nullopt;
  if (point != std::string_view::npos) {
    d.has_point = true;
    if (!accumulate_digits(s.substr(point + 1), d.digits, d.fraction_digits, d.overflow)) return std::nullopt;
  }
  return d;
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

constexpr std::array<std::pair<std::string_view, int>, 10> kCurrencies = {{
    {"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"SGD", 2}, {"JPY", 0}, {"KRW", 0}, {"BHD", 3}, {"KWD", 3}}};

bool valid_party_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// "0x" + 64 hex digits, or 64 hex digits.
std::optional<std::array<uint8_t, 32>> parse_hex32(std::string_view s) {
  if (s.size() == 66 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.size() != 64) return std::nullopt;
  auto b = from_hex(s);
  if (!b) return std::nullopt;
  std::array<uint8_t, 32> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// ---- encoding --------------------------------------------------------------------------------

class Encoder {
 public:
  Encoder(const Abi::Data& d, const PartyResolver& resolve) : d_(d), resolve_(resolve) {}

  bool value(const Type& t, const Json& v, const std::string& path) {
    switch (t.kind) {
      case Kind::Bool:
        if (v.is_boolean()) w_.boolean(v.get<bool>());
        else if (v.is_string() && (v == "true" || v == "false")) w_.boolean(v == "true");
        else return fail(path, "expected true or false, got " + show(v));
        return true;
      case Kind::Int: return integer(t, v, path);
      case Kind::Money: return money(v, path);
      case Kind::Rate: return rate(v, path);
      case Kind::Date: {
        if (!v.is_string()) return fail(path, "expected a date such as \"2027-03-31\", got " + show(v));
        auto days = common::parse_date(v.get<std::string>());
        if (!days) return fail(path, quote_text(v.get<std::string>()) + " is not a date (expected YYYY-MM-DD, such as 2027-03-31)");
        if (*days > std::numeric_limits<int32_t>::max() || *days < std::numeric_limits<int32_t>::min())
          return fail(path, v.get<std::string>() + " is out of a Date's range (days since 1970 as an i32)");
        w_.i32(static_cast<int32_t>(*days));
        return true;
      }
      case Kind::Timestamp: {
        if (!v.is_string()) return fail(path, "expected a time such as \"2027-03-31T08:00:00Z\", got " + show(v));
        auto ts = common::parse_timestamp(v.get<std::string>());
        if (!ts) return fail(path, quote_text(v.get<std::string>()) + " is not a time (expected YYYY-MM-DDTHH:MM:SSZ, such as 2027-03-31T08:00:00Z)");
        w_.i64(*ts);
        return true;
      }
      case Kind::Duration: return duration(v, path);
      case Kind::Party: return party(v, path);
      case Kind::Address:
      case Kind::Hash: {
        const char* what = t.kind == Kind::Hash ? "a Hash" : "an Address";
        if (!v.is_string()) return fail(path, std::string("expected ") + what + " (0x and 64 hex digits), got " + show(v));
        auto b = parse_hex32(v.get<std::string>());
        if (!b) return fail(path, quote_text(v.get<std::string>()) + " is not " + what + ": expected 0x and 64 hex digits");
        w_.fixed(*b);
        return true;
      }
      case Kind::Bytes: {
        if (!v.is_string()) return fail(path, "expected hex bytes such as \"0x0102\", got " + show(v));
        std::string_view s = v.get_ref<const std::string&>();
        if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
        auto b = from_hex(s);
        if (!b) return fail(path, quote_text(v.get<std::string>()) + " is not hex bytes (0x and two hex digits a byte)");
        if (b->size() > t.bound)
          return fail(path, plural(static_cast<int>(b->size()), "byte", "bytes") + ", " + t.text + " holds at most " +
                                std::to_string(t.bound));
        w_.bytes(*b);
        return true;
      }
      case Kind::String: {
        if (!v.is_string()) return fail(path, "expected a string, got " + show(v));
        const std::string& s = v.get_ref<const std::string&>();
        if (!is_valid_utf8(s)) return fail(path, "the string is not valid UTF-8");
        if (s.size() > t.bound)
          return fail(path, std::to_string(s.size()) + " bytes of UTF-8, " + t.text + " holds at most " +
                                std::to_string(t.bound));
        w_.string(s);
        return true;
      }
      case Kind::Array:
      case Kind::Vec: {
        if (!v.is_array()) return fail(path, "expected a JSON array for " + t.text + ", got " + show(v));
        if (t.kind == Kind::Array && v.size() != t.bound)
          return fail(path, t.text + " needs exactly " + plural(static_cast<int>(t.bound), "element", "elements") +
                                ", got " + std::to_string(v.size()));
        if (t.kind == Kind::Vec) {
          if (v.size() > t.bound)
            return fail(path, plural(static_cast<int>(v.size()), "element", "elements") + ", " + t.text +
                                  " holds at most " + std::to_string(t.bound));
          w_.length(v.size());
        }
        for (size_t i = 0; i < v.size(); ++i)
          if (!value(*t.element, v[i], path + "[" + std::to_string(i) + "]")) return false;
        return true;
      }
      case Kind::Option:
        if (v.is_null()) {
          w_.u8(0);
          return true;
        }
        w_.u8(1);
        return value(*t.element, v, path);
      case Kind::Struct: {
        const AbiStruct& s = d_.structs[t.decl];
        if (!v.is_object())
          return fail(path, "expected a JSON object with the fields of " + s.name + " (" + join_names(s.fields) +
                                "), got " + show(v));
        return fields(s.name, s.fields, d_.struct_fields[t.decl], v, path);
      }
      case Kind::Enum: return enumeration(t, v, path);
    }
    return fail(path, "cannot encode " + t.text);
  }

  bool fields(const std::string& owner, const std::vector<AbiField>& fs, const std::vector<TypeP>& types,
              const Json& v, const std::string& path) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (std::none_of(fs.begin(), fs.end(), [&](const AbiField& f) { return f.name == key; }))
        return fail(path, owner + " has no field " + quote_text(key) + " (fields: " + join_names(fs) + ")");
    }
    for (size_t i = 0; i < fs.size(); ++i) {
      auto it = v.find(fs[i].name);
      if (it == v.end()) return fail(path, "missing field " + fs[i].name + " (" + fs[i].type + ") of " + owner);
      if (!value(*types[i], *it, sub(path, fs[i].name))) return false;
    }
    return true;
  }

  bool fail(const std::string& path, std::string why) {
    if (error_.empty()) error_ = path.empty() ? std::move(why) : path + ": " + why;
    return false;
  }

  static std::string sub(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  BorshWriter& writer() { return w_; }
  const std::string& error() const { return error_; }

 private:
  bool integer(const Type& t, const Json& v, const std::string& path) {
    bool negative = false;
    U128 mag = 0;
    if (v.is_number_unsigned()) {
      mag = v.get<uint64_t>();
    } else if (v.is_number_integer()) {
      const int64_t i = v.get<int64_t>();
      negative = i < 0;
      mag = negative ? U128{0} - static_cast<U128>(static_cast<I128>(i)) : static_cast<U128>(i);
    } else if (v.is_number_float()) {
      return fail(path, show(v) + " is not an integer" +
                            (t.bits == 128 ? " (give 128-bit values as strings: \"340282366920938463463374607431768211455\")" : ""));
    } else if (v.is_string()) {
      std::string_view s = v.get_ref<const std::string&>();
      if (!s.empty() && s[0] == '-') {
        negative = true;
        s.remove_prefix(1);
      }
      int count = 0;
      bool overflow = false;
      if (!accumulate_digits(s, mag, count, overflow))
        return fail(path, quote_text(v.get<std::string>()) + " is not an integer (" + t.text + ")");
      if (overflow) return fail(path, v.get<std::string>() + " does not fit in " + t.text + range(t));
    } else {
      return fail(path, "expected an integer (" + t.text + "), got " + show(v));
    }
    if (negative && mag == 0) negative = false;
    const U128 max_pos = t.is_signed ? (t.bits == 128 ? kI128Max : (U128{1} << (t.bits - 1)) - 1)
                                     : (t.bits == 128 ? kU128Max : (U128{1} << t.bits) - 1);
    const U128 max_neg = t.is_signed ? max_pos + 1 : 0;
    if ((negative && mag > max_neg) || (!negative && mag > max_pos))
      return fail(path, show(v) + " does not fit in " + t.text + range(t));
    const U128 bits = negative ? U128{0} - mag : mag;  // two's complement
    for (int i = 0; i < t.bits / 8; ++i) w_.u8(static_cast<uint8_t>(bits >> (8 * i)));
    return true;
  }

  static std::string range(const Type& t) {
    if (!t.is_signed) return " (0 to " + u128_text(t.bits == 128 ? kU128Max : (U128{1} << t.bits) - 1) + ")";
    const U128 max = t.bits == 128 ? kI128Max : (U128{1} << (t.bits - 1)) - 1;
    return " (-" + u128_text(max + 1) + " to " + u128_text(max) + ")";
  }

  bool money(const Json& v, const std::string& path) {
    const char* example = " such as \"125000.00 CNY\"";
    if (!v.is_string()) return fail(path, std::string("expected an amount") + example + ", got " + show(v));
    const std::string& text = v.get_ref<const std::string&>();
    const size_t space = text.find_last_of(' ');
    if (space == std::string::npos) {
      if (parse_decimal(text)) return fail(path, text + " has no currency: write it as \"" + text + " CNY\" (or USD, EUR, ...)");
      return fail(path, quote_text(text) + " is not an amount: expected a decimal number and a currency," + example);
    }
    std::string_view number = std::string_view(text).substr(0, space);
    while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
    const std::string currency = text.substr(space + 1);
    auto dec = parse_decimal(number);
    if (!dec) return fail(path, quote_text(text) + " is not an amount: expected a decimal number and a currency," + example);
    auto exponent = currency_exponent(currency);
    if (!exponent)
      return fail(path, "unknown currency " + quote_text(currency) +
                            " (the currencies are CNY, USD, EUR, GBP, HKD, SGD, JPY, KRW, BHD and KWD)");
    if (dec->fraction_digits != *exponent) {
      const std::string has = dec->fraction_digits == 0 ? "no fractional digits"
                                                        : plural(dec->fraction_digits, "fractional digit", "fractional digits");
      const std::string want = *exponent == 0 ? "none" : std::to_string(*exponent);
      return fail(path, text + " has " + has + ", " + currency + " amounts have " + want);
    }
    const U128 limit = dec->negative ? kI128Max + 1 : kI128Max;
    if (dec->overflow || dec->digits > limit) return fail(path, text + " is too large for Money");
    const U128 bits = dec->negative ? U128{0} - dec->digits : dec->digits;
    w_.u128(bits);
    w_.fixed(std::span(reinterpret_cast<const uint8_t*>(currency.data()), 3));
    return true;
  }

  bool rate(const Json& v, const std::string& path) {
    std::string text;
    if (v.is_string()) text = v.get<std::string>();
    else if (v.is_number()) text = dump(v);  // the shortest text that reads back as the number
    else return fail(path, "expected a rate such as \"0.035\", got " + show(v));
    auto dec = parse_decimal(text);
    if (!dec) return fail(path, quote_text(text) + " is not a rate (expected a decimal number such as 0.035)");
    if (dec->fraction_digits > 9)
      return fail(path, text + " has " + std::to_string(dec->fraction_digits) + " fractional digits, a Rate has at most 9");
    const U128 scale = pow10(9 - dec->fraction_digits);
    const U128 limit = dec->negative ? U128{1} << 63 : (U128{1} << 63) - 1;
    if (dec->overflow || dec->digits > limit / scale) return fail(path, text + " is too large for a Rate");
    const U128 scaled = dec->digits * scale;
    if (scaled > limit) return fail(path, text + " is too large for a Rate");
    w_.u64(static_cast<uint64_t>(dec->negative ? U128{0} - scaled : scaled));
    return true;
  }

  bool duration(const Json& v, const std::string& path) {
    const char* expected = "expected a duration such as 30d, 12h, 90m or 45s";
    if (!v.is_string()) return fail(path, std::string(expected) + ", got " + show(v));
    std::string_view s = v.get_ref<const std::string&>();
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
      negative = true;
      s.remove_prefix(1);
    }
    int64_t unit = 0;
    if (!s.empty()) {
      switch (s.back()) {
        case 'd': unit = 86400; break;
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        case 's': unit = 1; break;
        default: break;
      }
    }
    if (unit == 0) return fail(path, quote_text(v.get<std::string>()) + ": " + expected);
    s.remove_suffix(1);
    U128 mag = 0;
    int count = 0;
    bool overflow = false;
    if (!accumulate_digits(s, mag, count, overflow)) return fail(path, quote_text(v.get<std::string>()) + ": " + expected);
    const U128 limit = negative ? U128{1} << 63 : (U128{1} << 63) - 1;
    if (overflow || mag > limit / static_cast<U128>(unit))
      return fail(path, v.get<std::string>() + " is too long for a Duration");
    const U128 secs = mag * static_cast<U128>(unit);
    w_.u64(static_cast<uint64_t>(negative ? U128{0} - secs : secs));
    return true;
  }

  bool party(const Json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, "expected a party (a key name, or 0x and 64 hex digits), got " + show(v));
    const std::string& s = v.get_ref<const std::string&>();
    if (auto b = parse_hex32(s)) {
      w_.fixed(*b);
      return true;
    }
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
      return fail(path, quote_text(s) + " is not a party: expected 0x and 64 hex digits");
    if (!valid_party_name(s))
      return fail(path, quote_text(s) + " is not a party: give a key name or 0x and 64 hex digits");
    if (!resolve_) return fail(path, quote_text(s) + " is not a party: give 0x and 64 hex digits (there is no key store to look names up in)");
    auto p = resolve_(s);
    if (!p) return fail(path, p.error().message);
    w_.fixed(*p);
    return true;
  }

  bool enumeration(const Type& t, const Json& v, const std::string& path) {
    const AbiEnum& e = d_.enums[t.decl];
    auto variant_names = [&] {
      std::string out;
      for (const auto& var : e.variants) out += (out.empty() ? "" : ", ") + var.name;
      return out;
    };
    std::string name;
    const Json* body = nullptr;
    if (v.is_string()) {
      name = v.get<std::string>();
    } else if (v.is_object() && v.size() == 1) {
      name = v.begin().key();
      body = &v.begin().value();
    } else {
      return fail(path, "expected a variant of " + e.name + ": \"Variant\" or {\"Variant\": {fields}} (variants: " +
                            variant_names() + "), got " + show(v));
    }
    size_t k = 0;
    while (k < e.variants.size() && e.variants[k].name != name) ++k;
    if (k == e.variants.size())
      return fail(path, e.name + " has no variant " + quote_text(name) + " (variants: " + variant_names() + ")");
    const AbiVariant& var = e.variants[k];
    w_.variant(static_cast<uint8_t>(k));
    if (!body || body->is_null() || (body->is_object() && body->empty() && var.fields.empty())) {
      if (!var.fields.empty()) {
        std::string example;
        for (const auto& x : var.fields) example += (example.empty() ? "\"" : ", \"") + x.name + "\": ...";
        return fail(path, e.name + "::" + var.name + " has fields: write {\"" + var.name + "\": {" + example + "}}");
      }
      return true;
    }
    if (!body->is_object())
      return fail(path, "expected the fields of " + e.name + "::" + var.name + " as a JSON object, got " + show(*body));
    return fields(e.name + "::" + var.name, var.fields, d_.variant_fields[t.decl][k], *body, sub(path, var.name));
  }

  const Abi::Data& d_;
  const PartyResolver& resolve_;
  BorshWriter w_;
  std::string error_;
};

// ---- decoding --------------------------------------------------------------------------------

class Decoder {
 public:
  // build: produce JSON (bounded by a budget of nodes); otherwise only check.
  Decoder(const Abi::Data& d, std::span<const uint8_t> input, bool build)
      : d_(d), r_(input), build_(build), budget_(65536 + 64 * input.size()) {}

  bool value(const Type& t, Json* out, const std::string& path) {
    if (build_ && ++nodes_ > budget_) return fail(t, path, "the value has too many parts to print");
    const size_t at = r_.pos();
    switch (t.kind) {
      case Kind::Bool: {
        bool b = false;
        if (!r_.boolean(b)) return fail(t, path);
        if (out) *out = b;
        return true;
      }
      case Kind::Int: {
        std::array<uint8_t, 16> buf{};
        if (!r_.fixed(std::span(buf.data(), t.bits / 8))) return fail(t, path);
        U128 v = 0;
        for (int i = t.bits / 8 - 1; i >= 0; --i) v = (v << 8) | buf[static_cast<size_t>(i)];
        if (t.is_signed && t.bits < 128 && ((v >> (t.bits - 1)) & 1)) v |= kU128Max << t.bits;  // sign-extend
        if (!out) return true;
        if (t.bits <= 64) {
          if (t.is_signed) *out = static_cast<int64_t>(static_cast<uint64_t>(v));
          else *out = static_cast<uint64_t>(v);
        } else {
          *out = t.is_signed ? i128_text(static_cast<I128>(v)) : u128_text(v);
        }
        return true;
      }
      case Kind::Money: {
        I128 minor = 0;
        std::array<uint8_t, 3> code{};
        if (!r_.i128(minor) || !r_.fixed(code)) return fail(t, path);
        for (uint8_t c : code)
          if (c < 'A' || c > 'Z') {
            r_.fail_at(at + 16, "a currency is three upper-case letters, got " + hex(code));
            return fail(t, path);
          }
        if (out) *out = format_money(minor, std::string(code.begin(), code.end()));
        return true;
      }
      case Kind::Rate: {
        int64_t v = 0;
        if (!r_.i64(v)) return fail(t, path);
        if (out) *out = format_rate(v);
        return true;
      }
      case Kind::Date: {
        int32_t v = 0;
        if (!r_.i32(v)) return fail(t, path);
        if (out) *out = format_date(v);
        return true;
      }
      case Kind::Timestamp:
      case Kind::Duration: {
        int64_t v = 0;
        if (!r_.i64(v)) return fail(t, path);
        if (out) *out = t.kind == Kind::Timestamp ? format_timestamp(v) : format_duration_literal(v);
        return true;
      }
      case Kind::Party:
      case Kind::Address:
      case Kind::Hash: {
        std::array<uint8_t, 32> b{};
        if (!r_.fixed(b)) return fail(t, path);
        if (out) *out = "0x" + hex(b);
        return true;
      }
      case Kind::Bytes: {
        Bytes b;
        if (!r_.bytes(b, t.bound)) return fail(t, path);
        if (out) *out = "0x" + hex(b);
        return true;
      }
      case Kind::String: {
        std::string s;
        if (!r_.string(s, t.bound)) return fail(t, path);
        if (out) *out = std::move(s);
        return true;
      }
      case Kind::Array:
      case Kind::Vec: {
        const bool empty_elements = always_empty(d_, *t.element);
        uint32_t n = t.bound;
        if (t.kind == Kind::Vec && !r_.length(n, empty_elements ? 0 : 1, t.bound)) return fail(t, path);
        if (out) *out = Json::array();
        if (!out && empty_elements) return true;  // nothing to read, nothing to check
        for (uint32_t i = 0; i < n; ++i) {
          Json element;
          if (!value(*t.element, out ? &element : nullptr, path + "[" + std::to_string(i) + "]")) return false;
          if (out) out->push_back(std::move(element));
        }
        return true;
      }
      case Kind::Option: {
        uint8_t tag = 0;
        if (!r_.u8(tag)) return fail(t, path);
        if (tag > 1) {
          r_.fail_at(at, "option tag must be 0 or 1, got " + std::to_string(tag));
          return fail(t, path);
        }
        if (tag == 0) {
          if (out) *out = nullptr;
          return true;
        }
        return value(*t.element, out, path);
      }
      case Kind::Struct: {
        const AbiStruct& s = d_.structs[t.decl];
        if (out) *out = Json::object();
        return fields(s.fields, d_.struct_fields[t.decl], out, path);
      }
      case Kind::Enum: {
        const AbiEnum& e = d_.enums[t.decl];
        uint8_t k = 0;
        if (!r_.variant(k, static_cast<uint8_t>(e.variants.size()), e.name)) return fail(t, path);
        const AbiVariant& var = e.variants[k];
        if (var.fields.empty()) {
          if (out) *out = var.name;
          return true;
        }
        Json body = Json::object();
        if (!fields(var.fields, d_.variant_fields[t.decl][k], out ? &body : nullptr,
                    path.empty() ? var.name : path + "." + var.name))
          return false;
        if (out) *out = Json{{var.name, std::move(body)}};
        return true;
      }
    }
    return false;
  }

  bool fields(const std::vector<AbiField>& fs, const std::vector<TypeP>& types, Json* out, const std::string& path) {
    for (size_t i = 0; i < fs.size(); ++i) {
      Json v;
      if (!value(*types[i], out ? &v : nullptr, path.empty() ? fs[i].name : path + "." + fs[i].name)) return false;
      if (out) (*out)[fs[i].name] = std::move(v);
    }
    return true;
  }

  // "amount (Money): offset 52: unexpected end of input ..."
  std::string error() const {
    if (!located_) return r_.error();
    if (where_.empty()) return where_type_ + ": " + r_.error();
    return where_ + " (" + where_type_ + "): " + r_.error();
  }

  BorshReader& reader() { return r_; }

 private:
  bool fail(const Type& t, const std::string& path, std::string_view why = {}) {
    if (!why.empty()) r_.fail(why);
    if (!located_) {
      located_ = true;
      where_ = path;
      where_type_ = t.text;
    }
    return false;
  }

  const Abi::Data& d_;
  BorshReader r_;
  bool build_;
  size_t budget_;
  size_t nodes_ = 0;
  bool located_ = false;
  std::string where_, where_type_;
};

// ---- parsing the ABI JSON --------------------------------------------------------------------

struct JsonReader {
  std::string error;

  bool fail(const std::string& where, const std::string& why) {
    if (error.empty()) error = "ABI: " + where + ": " + why;
    return false;
  }
  bool string(const Json& o, const char* key, const std::string& where, std::string& out) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return fail(where, std::string("expected a string \"") + key + "\"");
    out = it->get<std::string>();
    return true;
  }
  bool name(const Json& o, const std::string& where, std::string& out) {
    if (!string(o, "name", where, out)) return false;
    if (!is_ident(out)) return fail(where + ".name", quote_text(out) + " is not a name");
    return true;
  }
  bool array(const Json& o, const char* key, const std::string& where, const Json*& out, bool required) {
    auto it = o.find(key);
    if (it == o.end() && !required) {
      out = nullptr;
      return true;
    }
    if (it == o.end() || !it->is_array()) return fail(where, std::string("expected an array \"") + key + "\"");
    out = &*it;
    return true;
  }
  bool fields(const Json& o, const char* key, const std::string& where, std::vector<AbiField>& out) {
    const Json* a = nullptr;
    if (!array(o, key, where, a, true)) return false;
    std::set<std::string> seen;
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string w = where + "." + key + "[" + std::to_string(i) + "]";
      const Json& f = (*a)[i];
      if (!f.is_object()) return fail(w, "expected an object {\"name\", \"type\"}");
      AbiField field;
      if (!name(f, w, field.name) || !string(f, "type", w, field.type)) return false;
      if (!seen.insert(field.name).second) return fail(w, "the name " + field.name + " appears twice");
      out.push_back(std::move(field));
    }
    return true;
  }
};

Result<std::vector<TypeP>> parse_types(const Abi::Data& d, const std::vector<AbiField>& fs, const std::string& where) {
  std::vector<TypeP> out;
  for (size_t i = 0; i < fs.size(); ++i) {
    auto t = TypeParser(d, fs[i].type).parse_all();
    if (!t) return malformed("ABI: " + where + "[" + std::to_string(i) + "].type: " + t.error().message);
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace

// ---- Abi ---------------------------------------------------------------------------------------

const char* to_string(EntryKind kind) noexcept {
  switch (kind) {
    case EntryKind::Init: return "init";
    case EntryKind::Action: return "action";
    case EntryKind::View: return "view";
  }
  return "?";
}

Result<Abi> Abi::parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed("ABI: not valid JSON");
  if (!j.is_object()) return malformed("ABI: expected a JSON object");
  auto d = std::make_shared<Data>();
  JsonReader jr;
  if (auto it = j.find("contract"); it != j.end() && it->is_string()) d->contract = it->get<std::string>();

  // User types: their names first (fields may name types declared later).
  const Json* structs_json = nullptr;
  const Json* enums_json = nullptr;
  if (!jr.array(j, "structs", "the ABI", structs_json, false) || !jr.array(j, "enums", "the ABI", enums_json, false))
    return malformed(jr.error);
  static const std::set<std::string, std::less<>> kBuiltins = {
      "bool", "u8",   "u16",  "u32",      "u64",       "u128",     "i8",    "i16",     "i32",  "i64",   "i128",
      "Money", "Rate", "Date", "Timestamp", "Duration", "Party",    "Address", "Hash", "Bytes", "String",
      "Vec",  "Option", "Map"};
  auto declare = [&](const std::string& name, Kind kind, size_t index, const std::string& where) {
    if (kBuiltins.count(name)) return jr.fail(where, name + " is a built-in type");
    if (!d->user_types.emplace(name, std::make_pair(kind, index)).second) return jr.fail(where, "the type " + name + " is declared twice");
    return true;
  };
  if (structs_json) {
    for (size_t i = 0; i < structs_json->size(); ++i) {
      const std::string w = "structs[" + std::to_string(i) + "]";
      const Json& s = (*structs_json)[i];
      AbiStruct st;
      if (!s.is_object() || !jr.name(s, w, st.name) || !jr.fields(s, "fields", w, st.fields) ||
          !declare(st.name, Kind::Struct, i, w))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      d->structs.push_back(std::move(st));
    }
  }
  if (enums_json) {
    for (size_t i = 0; i < enums_json->size(); ++i) {
      const std::string w = "enums[" + std::to_string(i) + "]";
      const Json& e = (*enums_json)[i];
      AbiEnum en;
      const Json* variants = nullptr;
      if (!e.is_object() || !jr.name(e, w, en.name) || !jr.array(e, "variants", w, variants, true) ||
          !declare(en.name, Kind::Enum, i, w))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      if (variants->empty() || variants->size() > 255) return malformed("ABI: " + w + ": an enum has 1 to 255 variants");
      std::set<std::string> seen;
      for (size_t k = 0; k < variants->size(); ++k) {
        const std::string vw = w + ".variants[" + std::to_string(k) + "]";
        const Json& v = (*variants)[k];
        AbiVariant var;
        if (!v.is_object() || !jr.name(v, vw, var.name))
          return malformed(jr.error.empty() ? "ABI: " + vw + ": expected an object" : jr.error);
        if (v.contains("fields") && !jr.fields(v, "fields", vw, var.fields)) return malformed(jr.error);
        if (!seen.insert(var.name).second) return malformed("ABI: " + vw + ": the variant " + var.name + " appears twice");
        en.variants.push_back(std::move(var));
      }
      d->enums.push_back(std::move(en));
    }
  }
  for (size_t i = 0; i < d->structs.size(); ++i) {
    auto types = parse_types(*d, d->structs[i].fields, "structs[" + std::to_string(i) + "].fields");
    if (!types) return std::move(types).error();
    d->struct_fields.push_back(std::move(*types));
  }
  for (size_t i = 0; i < d->enums.size(); ++i) {
    d->variant_fields.emplace_back();
    for (size_t k = 0; k < d->enums[i].variants.size(); ++k) {
      auto types = parse_types(*d, d->enums[i].variants[k].fields,
                               "enums[" + std::to_string(i) + "].variants[" + std::to_string(k) + "].fields");
      if (!types) return std::move(types).error();
      d->variant_fields.back().push_back(std::move(*types));
    }
  }
  if (auto st = TypeChecker(*d).run(); !st) return std::move(st).error();

  // Entries.
  const Json* entries_json = nullptr;
  if (!jr.array(j, "entries", "the ABI", entries_json, true)) return malformed(jr.error);
  std::set<std::string> entry_names;
  bool has_init = false;
  for (size_t i = 0; i < entries_json->size(); ++i) {
    const std::string w = "entries[" + std::to_string(i) + "]";
    const Json& e = (*entries_json)[i];
    AbiEntry entry;
    std::string kind;
    if (!e.is_object() || !jr.name(e, w, entry.name) || !jr.string(e, "kind", w, kind) ||
        !jr.fields(e, "params", w, entry.params))
      return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
    if (kind == "init") entry.kind = EntryKind::Init;
    else if (kind == "action") entry.kind = EntryKind::Action;
    else if (kind == "view") entry.kind = EntryKind::View;
    else return malformed("ABI: " + w + ".kind: " + quote_text(kind) + " is not init, action or view");
    if (entry.kind == EntryKind::Init) {
      if (has_init) return malformed("ABI: " + w + ": a second init");
      has_init = true;
    } else if (!entry_names.insert(entry.name).second) {
      return malformed("ABI: " + w + ": the entry " + entry.name + " appears twice");
    }
    TypeP returns;
    if (auto r = e.find("returns"); r != e.end() && !r->is_null()) {
      if (!r->is_string()) return malformed("ABI: " + w + ".returns: expected a type or null");
      entry.returns = r->get<std::string>();
      auto t = TypeParser(*d, *entry.returns).parse_all();
      if (!t) return malformed("ABI: " + w + ".returns: " + t.error().message);
      returns = *t;
    }
    if (auto s = e.find("signed_by"); s != e.end() && s->is_array())
      for (const Json& x : *s)
        if (x.is_string()) entry.signed_by.push_back(x.get<std::string>());
    auto types = parse_types(*d, entry.params, w + ".params");
    if (!types) return std::move(types).error();
    d->entry_params.push_back(std::move(*types));
    d->entry_returns.push_back(std::move(returns));
    d->entries.push_back(std::move(entry));
  }

  // Events.
  const Json* events_json = nullptr;
  if (!jr.array(j, "events", "the ABI", events_json, false)) return malformed(jr.error);
  if (events_json) {
    std::set<std::string> topics;
    for (size_t i = 0; i < events_json->size(); ++i) {
      const std::string w = "events[" + std::to_string(i) + "]";
      const Json& e = (*events_json)[i];
      AbiEvent ev;
      if (!e.is_object() || !jr.name(e, w, ev.name) || !jr.fields(e, "fields", w, ev.fields))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      ev.topic = ev.name;
      if (auto t = e.find("topic"); t != e.end() && t->is_string()) ev.topic = t->get<std::string>();
      if (!topics.insert(ev.topic).second) return malformed("ABI: " + w + ": the topic " + quote_text(ev.topic) + " appears twice");
      auto types = parse_types(*d, ev.fields, w + ".fields");
      if (!types) return std::move(types).error();
      d->event_fields.push_back(std::move(*types));
      d->events.push_back(std::move(ev));
    }
  }
  return Abi(std::move(d));
}

Result<std::optional<std::string>> Abi::section(std::span<const uint8_t> code) {
  auto found = common::find_custom_section(code, kAbiSectionName);
  if (!found) return malformed(std::move(found).error());
  if (!*found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(reinterpret_cast<const char*>((*found)->data()), (*found)->size()));
}

Result<std::optional<Abi>> Abi::from_wasm(std::span<const uint8_t> code) {
  auto text = section(code);
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<Abi>();
  auto abi = parse(**text);
  if (!abi) return malformed("the " + std::string(kAbiSectionName) + " section: " + abi.error().message);
  return std::optional<Abi>(std::move(*abi));
}

const std::string& Abi::contract() const noexcept { return d_->contract; }
const std::vector<AbiEntry>& Abi::entries() const noexcept { return d_->entries; }
const std::vector<AbiEvent>& Abi::events() const noexcept { return d_->events; }
const std::vector<AbiStruct>& Abi::structs() const noexcept { return d_->structs; }
const std::vector<AbiEnum>& Abi::enums() const noexcept { return d_->enums; }

const AbiEntry* Abi::entry(std::string_view name) const noexcept {
  for (const auto& e : d_->entries)
    if (e.kind != EntryKind::Init && e.name == name) return &e;
  return nullptr;
}

const AbiEntry* Abi::init() const noexcept {
  for (const auto& e : d_->entries)
    if (e.kind == EntryKind::Init) return &e;
  return nullptr;
}

const AbiEvent* Abi::event(std::span<const uint8_t> topic) const noexcept {
  const std::string_view t(reinterpret_cast<const char*>(topic.data()), topic.size());
  for (const auto& e : d_->events)
    if (e.topic == t) return &e;
  return nullptr;
}

std::string Abi::entry_names() const {
  std::string out;
  for (const auto& e : d_->entries)
    if (e.kind != EntryKind::Init) out += (out.empty() ? "" : ", ") + e.name;
  return out.empty() ? "no actions or views" : out;
}

namespace {

size_t index_of(const std::vector<AbiEntry>& entries, const AbiEntry* e) { return static_cast<size_t>(e - entries.data()); }

// "register(id: Hash, debtor: Party, amount: Money, due: Date)"
std::string signature(const AbiEntry& e) {
  std::string s = e.name + "(";
  for (size_t i = 0; i < e.params.size(); ++i) s += (i ? ", " : "") + e.params[i].name + ": " + e.params[i].type;
  return s + ")";
}

bool encode_args(Encoder& enc, const AbiEntry& e, const std::vector<TypeP>& types, const Json& args) {
  const std::string who = e.kind == EntryKind::Init ? "init" : e.name;
  if (args.is_null() || (args.is_array() && args.empty() && e.params.empty()) ||
      (args.is_object() && args.empty() && e.params.empty())) {
    if (e.params.empty()) return true;
    return enc.fail("", signature(e) + " needs " + plural(static_cast<int>(e.params.size()), "argument", "arguments") +
                            ": " + join_names(e.params));
  }
  if (args.is_array()) {
    if (args.size() != e.params.size())
      return enc.fail("", signature(e) + " takes " + plural(static_cast<int>(e.params.size()), "argument", "arguments") +
                              ", got " + std::to_string(args.size()));
    for (size_t i = 0; i < types.size(); ++i)
      if (!enc.value(*types[i], args[i], e.params[i].name)) return false;
    return true;
  }
  if (args.is_object()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string& key = it.key();
      if (std::none_of(e.params.begin(), e.params.end(), [&](const AbiField& f) { return f.name == key; }))
        return enc.fail("", who + " has no parameter " + quote_text(key) + " (parameters: " + join_names(e.params) + ")");
    }
    for (size_t i = 0; i < types.size(); ++i) {
      auto it = args.find(e.params[i].name);
      if (it == args.end())
        return enc.fail("", who + ": missing argument " + e.params[i].name + " (" + e.params[i].type + "); " +
                                signature(e));
      if (!enc.value(*types[i], *it, e.params[i].name)) return false;
    }
    return true;
  }
  return enc.fail("", "the arguments of " + who + " must be a JSON array (by position) or object (by name), got " +
                          show(args));
}

// name=value text to JSON, typed by `t`.
Result<Json> text_value(const Type& t, const std::string& text, const std::string& path) {
  switch (t.kind) {
    case Kind::Option:
      if (text == "null") return Json(nullptr);
      return text_value(*t.element, text, path);
    case Kind::Array:
    case Kind::Vec:
    case Kind::Struct: {
      Json j = Json::parse(text, nullptr, false);
      if (j.is_discarded())
        return invalid(path + ": expected JSON for " + t.text + " (" +
                       (t.kind == Kind::Struct ? "an object {\"field\": value, ...}" : "an array [value, ...]") + "), got " +
                       quote_text(text));
      return j;
    }
    case Kind::Enum:
      if (!text.empty() && (text[0] == '{' || text[0] == '"')) {
        Json j = Json::parse(text, nullptr, false);
        if (j.is_discarded()) return invalid(path + ": " + quote_text(text) + " is not valid JSON");
        return j;
      }
      return Json(text);
    default: return Json(text);
  }
}

}  // namespace

Result<Json> Abi::assignments_to_json(const AbiEntry& e, const std::vector<std::string>& assignments) const {
  const size_t index = index_of(d_->entries, &e);
  if (index >= d_->entries.size()) return invalid("the entry is not one of this ABI's");
  const std::string who = e.kind == EntryKind::Init ? "init" : e.name;
  Json out = Json::object();
  for (const std::string& a : assignments) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid(quote_text(a) + ": expected name=value (" + who + " takes " + join_names(e.params) + ")");
    const std::string name = a.substr(0, eq);
    size_t k = 0;
    while (k < e.params.size() && e.params[k].name != name) ++k;
    if (k == e.params.size())
      return invalid(who + " has no parameter " + quote_text(name) + " (parameters: " + join_names(e.params) + ")");
    if (out.contains(name)) return invalid(name + ": given twice");
    auto v = text_value(*d_->entry_params[index][k], a.substr(eq + 1), name);
    if (!v) return std::move(v).error();
    out[name] = std::move(*v);
  }
  return out;
}

Result<Bytes> Abi::encode_call(std::string_view name, const Json& args, const PartyResolver& resolve) const {
  const AbiEntry* e = entry(name);
  if (!e) {
    std::string hint = init() && init()->name == name ? " (the init runs once, at deployment)" : "";
    return invalid("unknown entry " + quote_text(name) + hint + ": " + (d_->contract.empty() ? "the contract" : d_->contract) +
                   " has " + entry_names());
  }
  Encoder enc(*d_, resolve);
  enc.writer().string(e->name);
  if (!encode_args(enc, *e, d_->entry_params[index_of(d_->entries, e)], args)) return invalid(enc.error());
  return enc.writer().take();
}

Result<Bytes> Abi::encode_call_assignments(std::string_view name, const std::vector<std::string>& assignments,
                                           const PartyResolver& resolve) const {
  const AbiEntry* e = entry(name);
  if (!e) return encode_call(name, Json(), resolve);  // the unknown-entry error
  auto args = assignments_to_json(*e, assignments);
  if (!args) return std::move(args).error();
  return encode_call(name, *args, resolve);
}

Result<Bytes> Abi::encode_init(const Json& args, const PartyResolver& resolve) const {
  const AbiEntry* e = init();
  if (!e) {
    const bool none = args.is_null() || ((args.is_array() || args.is_object()) && args.empty());
    if (none) return Bytes{};
    return invalid((d_->contract.empty() ? std::string("the contract") : d_->contract) + " has no init: it takes no arguments");
  }
  Encoder enc(*d_, resolve);
  if (!encode_args(enc, *e, d_->entry_params[index_of(d_->entries, e)], args)) return invalid(enc.error());
  return enc.writer().take();
}

Result<Bytes> Abi::encode_init_assignments(const std::vector<std::string>& assignments, const PartyResolver& resolve) const {
  const AbiEntry* e = init();
  if (!e) return encode_init(assignments.empty() ? Json() : Json(assignments), resolve);
  auto args = assignments_to_json(*e, assignments);
  if (!args) return std::move(args).error();
  return encode_init(*args, resolve);
}

Result<Bytes> Abi::encode_value(std::string_view type, const Json& value, std::string_view what,
                                const PartyResolver& resolve) const {
  auto t = TypeParser(*d_, type).parse_all();
  if (!t) return invalid(std::string(type) + ": " + t.error().message);
  Encoder enc(*d_, resolve);
  if (!enc.value(**t, value, std::string(what))) return invalid(enc.error());
  return enc.writer().take();
}

Result<Json> Abi::decode_value(std::string_view type, std::span<const uint8_t> bytes) const {
  auto t = TypeParser(*d_, type).parse_all();
  if (!t) return malformed(std::string(type) + ": " + t.error().message);
  Decoder dec(*d_, bytes, true);
  Json out;
  if (!dec.value(**t, &out, "") || !dec.reader().finish()) return malformed(dec.error());
  return out;
}

namespace {

Result<Json> decode_args(const AbiEntry& e, const std::vector<TypeP>& types, Decoder& dec,
                         bool build) {
  const std::string who = e.kind == EntryKind::Init ? "init" : e.name;
  Json args = Json::object();
  for (size_t i = 0; i < types.size(); ++i) {
    Json v;
    if (!dec.value(*types[i], build ? &v : nullptr, e.params[i].name))
      return bad_arguments(who + ": argument " + dec.error());
    if (build) args[e.params[i].name] = std::move(v);
  }
  if (dec.reader().remaining() > 0) {
    const size_t n = dec.reader().remaining();
    return bad_arguments(who + ": " + plural(static_cast<int>(std::min<size_t>(n, 1u << 30)), "byte", "bytes") +
                         " after the last argument (offset " + std::to_string(dec.reader().pos()) + "; " + signature(e) + ")");
  }
  return args;
}

}  // namespace

namespace {

// The entry a call input names, its decoder positioned after the name.
Result<const AbiEntry*> call_entry(const Abi& abi, Decoder& dec, std::span<const uint8_t> input) {
  const std::string owner = abi.contract().empty() ? "the contract" : abi.contract();
  if (input.empty())
    return bad_arguments("the input is empty: it must start with the name of an action or view (" + owner + " has " +
                         abi.entry_names() + ")");
  std::string name;
  if (!dec.reader().string(name, 256))
    return bad_arguments("the input does not start with an entry name: " + dec.reader().error());
  const AbiEntry* e = abi.entry(name);
  if (!e) return bad_arguments("unknown entry " + quote_text(name) + " (" + owner + " has " + abi.entry_names() + ")");
  return e;
}

Error no_init(const Abi& abi, size_t input_size) {
  return bad_arguments((abi.contract().empty() ? std::string("the contract") : abi.contract()) +
                       " has no init, but the init input has " +
                       plural(static_cast<int>(std::min<size_t>(input_size, 1u << 30)), "byte", "bytes"));
}

}  // namespace

Result<DecodedCall> Abi::decode_call(std::span<const uint8_t> input) const {
  Decoder dec(*d_, input, true);
  auto e = call_entry(*this, dec, input);
  if (!e) return std::move(e).error();
  auto args = decode_args(**e, d_->entry_params[index_of(d_->entries, *e)], dec, true);
  if (!args) return std::move(args).error();
  return DecodedCall{*e, std::move(*args)};
}

Status Abi::check_call(std::span<const uint8_t> input) const {
  Decoder dec(*d_, input, false);
  auto e = call_entry(*this, dec, input);
  if (!e) return std::move(e).error();
  auto args = decode_args(**e, d_->entry_params[index_of(d_->entries, *e)], dec, false);
  if (!args) return std::move(args).error();
  return {};
}

Result<Json> Abi::decode_init(std::span<const uint8_t> input) const {
  const AbiEntry* e = init();
  if (!e) {
    if (input.empty()) return Json::object();
    return no_init(*this, input.size());
  }
  Decoder dec(*d_, input, true);
  return decode_args(*e, d_->entry_params[index_of(d_->entries, e)], dec, true);
}

Status Abi::check_init(std::span<const uint8_t> input) const {
  const AbiEntry* e = init();
  if (!e) {
    if (input.empty()) return {};
    return no_init(*this, input.size());
  }
  Decoder dec(*d_, input, false);
  auto args = decode_args(*e, d_->entry_params[index_of(d_->entries, e)], dec, false);
  if (!args) return std::move(args).error();
  return {};
}

Result<std::optional<Json>> Abi::decode_event(std::span<const uint8_t> topic, std::span<const uint8_t> data) const {
  const AbiEvent* e = event(topic);
  if (!e) return std::optional<Json>();
  const auto& types = d_->event_fields[static_cast<size_t>(e - d_->events.data())];
  Decoder dec(*d_, data, true);
  Json out = Json::object();
  if (!dec.fields(e->fields, types, &out, "") || !dec.reader().finish())
    return malformed("event " + e->name + ": " + dec.error());
  return std::optional<Json>(std::move(out));
}

// ---- formatting -------------------------------------------------------------------------------

std::optional<int> currency_exponent(std::string_view code) noexcept {
  for (const auto& [c, e] : kCurrencies)
    if (c == code) return e;
  return std::nullopt;
}

std::string format_money(I128 minor, std::string_view currency) {
  const auto exponent = currency_exponent(currency).value_or(0);
  const bool negative = minor < 0;
  const U128 mag = negative ? U128{0} - static_cast<U128>(minor) : static_cast<U128>(minor);
  const U128 scale = pow10(exponent);
  std::string s = (negative ? "-" : "") + u128_text(mag / scale);
  if (exponent > 0) {
    std::string frac = u128_text(mag % scale);
    s += "." + std::string(static_cast<size_t>(exponent) - frac.size(), '0') + frac;
  }
  return s + " " + std::string(currency);
}

std::string format_rate(int64_t scaled) {
  const bool negative = scaled < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  std::string frac = std::to_string(mag % 1'000'000'000);
  frac = std::string(9 - frac.size(), '0') + frac;
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + std::to_string(mag / 1'000'000'000) + "." + frac;
}

std::string format_duration_literal(int64_t seconds) {
  const bool negative = seconds < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  const std::pair<uint64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [size, unit] : units) {
    if (mag % size == 0 && (mag != 0 || unit == 's'))
      return (negative ? "-" : "") + std::to_string(mag / size) + unit;
  }
  return "0s";
}

}  // namespace tenor::sdk
