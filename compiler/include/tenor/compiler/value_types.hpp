// The compiler's view of the value-type registry (common/include/tenor/common/value_types.def)
// and of the currency table (currencies.def): the checker's type names, integer widths and
// currencies, and the lowering's Borsh sizes and map-key encodings, are read from these tables
// instead of being listed again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "tenor/compiler/check.hpp"

namespace tenor::compiler::check {

// How a scalar orders as a Map key (docs/abi.md, Storage layout): the `key` column of the registry.
enum class KeyEncoding : std::uint8_t {
  Bool,      // 1 byte, 0 or 1
  Unsigned,  // big-endian, of the type's width
  Signed,    // big-endian with the sign bit flipped
  Fixed,     // the bytes themselves (Party, Address, Hash)
  NotAKey,   // refused as a key
};

// One TENOR_SCALAR_TYPE row: a type written by name alone.
struct ScalarType {
  std::string_view spelling;
  TypeKind kind;
  std::uint16_t bits;  // the width of an Int, Date, Timestamp or Duration (0 otherwise)
  bool is_signed;
  std::uint32_t borsh_bytes;
  KeyEncoding key;
};

inline constexpr ScalarType kScalarTypes[] = {
#define TENOR_SCALAR_TYPE(Spelling, Kind, bits, is_signed, borsh_bytes, key) \
  {Spelling, TypeKind::Kind, bits, is_signed, borsh_bytes, KeyEncoding::key},
#include "tenor/common/value_types.def"
};

// One TENOR_GENERIC_TYPE row: a type with parameters.
struct GenericType {
  std::string_view spelling;  // "Bytes", "Vec", ... ("[]" for arrays)
  TypeKind kind;
  std::string_view form;  // "Vec<T, N>"
};

inline constexpr GenericType kGenericTypes[] = {
#define TENOR_GENERIC_TYPE(Spelling, Kind, form) {Spelling, TypeKind::Kind, form},
#include "tenor/common/value_types.def"
};

struct Currency {
  std::string_view code;
  int exponent;  // minor-unit digits
};

inline constexpr Currency kCurrencies[] = {
#define TENOR_CURRENCY(code, exponent) {code, exponent},
#include "tenor/common/currencies.def"
};

// The row of a scalar type: for Int by width and signedness, otherwise by kind (the first row of
// that kind). nullptr for a type that is not a registry scalar.
constexpr const ScalarType* scalar_type_of(const Type& t) {
  for (const ScalarType& s : kScalarTypes) {
    if (s.kind != t.kind) continue;
    if (t.kind != TypeKind::Int || (s.bits == t.bits && s.is_signed == t.is_signed)) return &s;
  }
  return nullptr;
}

// The row spelled `name`, or nullptr.
constexpr const ScalarType* scalar_type_named(std::string_view name) {
  for (const ScalarType& s : kScalarTypes)
    if (s.spelling == name) return &s;
  return nullptr;
}

// The minor-unit exponent of a currency, or -1 when Money does not know it.
constexpr int currency_exponent(std::string_view code) {
  for (const Currency& c : kCurrencies)
    if (c.code == code) return c.exponent;
  return -1;
}

// "CNY, USD, ... and KWD": the currencies in the table's order.
inline std::string currency_list() {
  std::string out;
  const std::size_t n = std::size(kCurrencies);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " and " : ", ";
    out += kCurrencies[i].code;
  }
  return out;
}

}  // namespace tenor::compiler::check
