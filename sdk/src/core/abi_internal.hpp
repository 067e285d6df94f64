// What the ABI's source files share (internal to tenor_sdk_core; the API is abi.hpp):
//   abi_types.cpp   the type-text parser ("Vec<u64, 10>" -> Type) and the user types' checks
//   abi_json.cpp    the ABI JSON -> Abi, reading it out of a module, the accessors
//   abi_encode.cpp  JSON / name=value text -> Borsh (calls, inits, values)
//   abi_decode.cpp  Borsh -> JSON (calls, inits, events, values) and admission's checks
//   value_text.cpp  numbers, money, rates and durations as text, both ways
// The value kinds and type spellings come from common/include/tenor/common/value_types.def, the
// currencies from currencies.def.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenor/common/result.hpp"
#include "tenor/sdk/abi.hpp"
#include "tenor/sdk/keys.hpp"

namespace tenor::sdk {

namespace abi_detail {

// The kinds of value, in value_types.def's order.
enum class Kind : uint8_t {
#define TENOR_VALUE_KIND(K, doc) K,
#include "tenor/common/value_types.def"
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

struct Abi::Data {
  std::string contract;
  std::vector<AbiEntry> entries;
  std::vector<AbiEvent> events;
  std::vector<AbiStruct> structs;
  std::vector<AbiEnum> enums;
  // The same, with the types parsed.
  std::vector<std::vector<abi_detail::TypeP>> entry_params;
  std::vector<abi_detail::TypeP> entry_returns;  // nullptr: nothing
  std::vector<std::vector<abi_detail::TypeP>> event_fields;
  std::vector<std::vector<abi_detail::TypeP>> struct_fields;
  std::vector<std::vector<std::vector<abi_detail::TypeP>>> variant_fields;
  std::vector<bool> struct_empty;  // the struct always encodes to zero bytes
  std::map<std::string, std::pair<abi_detail::Kind, size_t>, std::less<>> user_types;
};

namespace abi_detail {

inline constexpr size_t kMaxTypeDepth = 64;

inline Error malformed(std::string m) { return Error{ErrorCode::Malformed, std::move(m)}; }
inline Error invalid(std::string m) { return Error{ErrorCode::InvalidArgument, std::move(m)}; }
inline Error bad_arguments(std::string m) { return Error{ErrorCode::BadArguments, std::move(m)}; }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(std::string_view s);

// For messages: a JSON value shortened, a text quoted (control characters escaped) and
// shortened, "a, b, c" (or "none"), "1 byte" / "3 bytes".
std::string dump(const Json& v);
std::string show(const Json& v);
std::string quote_text(std::string_view s);
std::string join_names(const std::vector<AbiField>& fields);
std::string plural(int n, const char* one, const char* many);
// "init" or the entry's name.
inline std::string entry_label(const AbiEntry& e) { return e.kind == EntryKind::Init ? "init" : e.name; }
// The entry's index in the ABI's entries (it points into them).
inline size_t index_of(const std::vector<AbiEntry>& entries, const AbiEntry* e) {
  return static_cast<size_t>(e - entries.data());
}

// ---- types (abi_types.cpp) ----

// A type as the ABI spells it, against the ABI's user types. Malformed on an unknown or badly
// written type.
Result<TypeP> parse_type(const Abi::Data& d, std::string_view text);
// Checks that user types do not contain themselves and nest at most kMaxTypeDepth deep, and
// fills d.struct_empty.
Status check_user_types(Abi::Data& d);
// Whether values of the type always encode to zero bytes.
bool always_empty(const Abi::Data& d, const Type& t);
// A name a user type may not take (the built-in type names).
bool is_builtin_type_name(std::string_view name);

// ---- numbers and value texts (value_text.cpp) ----

inline constexpr U128 kU128Max = ~U128{0};
inline constexpr U128 kI128Max = kU128Max >> 1;  // 2^127 - 1

std::string u128_text(U128 v);
std::string i128_text(I128 v);
U128 pow10(int n);

// Decimal digits with "_" allowed between digits, appended to `mag`; false on a bad character or
// an overflow of 128 bits (`overflow` says which).
bool accumulate_digits(std::string_view s, U128& mag, int& count, bool& overflow);

// A decimal number "[-]digits[.digits]": its sign, its digits as one integer, and how many of them
// follow the point. nullopt when it is not such a number.
struct Decimal {
  bool negative = false;
  U128 digits = 0;  // all digits, the point removed
  int fraction_digits = 0;
  bool has_point = false;
  bool overflow = false;
};
std::optional<Decimal> parse_decimal(std::string_view s);

// A value text read, or why not (a message without the value's path).
template <class T>
using TextResult = common::Result<T, std::string>;

struct MoneyText {
  U128 bits = 0;         // the minor units, two's complement
  std::string currency;  // three letters
};
// "125000.00 CNY": the amount must have exactly the currency's fractional digits.
TextResult<MoneyText> parse_money_text(const std::string& text);
// "0.035" -> the rate x 10^9, at most 9 fractional digits.
TextResult<int64_t> parse_rate_text(const std::string& text);
// "1.05", "-0.000000000000000001" -> the Decimal x 10^18, at most 18 fractional digits, exact.
TextResult<I128> parse_decimal_text(const std::string& text);
// "30d", "12h", "90m", "45s", "-2d" -> seconds.
TextResult<int64_t> parse_duration_text(std::string_view text);

// A key-store name a Party may be given as.
bool valid_party_name(std::string_view s);
// "0x" + 64 hex digits, or 64 hex digits.
std::optional<std::array<uint8_t, 32>> parse_hex32(std::string_view s);

}  // namespace abi_detail
}  // namespace tenor::sdk
