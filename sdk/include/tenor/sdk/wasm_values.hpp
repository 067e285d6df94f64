// Textual WebAssembly values: the spec-test JSON encoding (unsigned decimal of the bit pattern, plus
// the nan:canonical / nan:arithmetic patterns) and the `tenor wasm run` command-line syntax.
// Pure functions: nothing here calls into the VM, so they can be unit-tested without it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenor/vm/types.hpp"

namespace tenor::sdk {

// A parsed value or the reason it could not be parsed.
template <class T>
class [[nodiscard]] ParseResult {
 public:
  ParseResult(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  static ParseResult failure(std::string error) { return ParseResult(std::move(error), 0); }

  bool has_value() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  const T& value() const { return *value_; }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  const std::string& error() const noexcept { return error_; }

 private:
  ParseResult(std::string error, int) : error_(std::move(error)) {}
  std::optional<T> value_;
  std::string error_;
};

// What an assertion expects of one result. A NaN pattern matches a NaN of either sign.
enum class NanPattern : uint8_t {
  None,        // `bits` must match exactly
  Canonical,   // payload is exactly the quiet bit
  Arithmetic,  // quiet bit set, any other payload bits
};

struct ExpectedValue {
  vm::ValType type = vm::ValType::I32;
  NanPattern nan = NanPattern::None;
  uint64_t bits = 0;  // when nan == None
};

// "i32", "i64", "f32", "f64" (funcref is not a value type here).
ParseResult<vm::ValType> parse_value_type(std::string_view name);

// A spec-test argument {"type": T, "value": S}: S is the unsigned decimal of the bit pattern.
ParseResult<vm::Value> parse_spec_value(std::string_view type, std::string_view value);

// A spec-test expected result: like parse_spec_value, and floats may also be "nan:canonical" or
// "nan:arithmetic".
ParseResult<ExpectedValue> parse_spec_expected(std::string_view type, std::string_view value);

// Bit-for-bit comparison, except for the NaN patterns. The types must be equal.
bool value_matches(const ExpectedValue& expected, const vm::Value& actual) noexcept;

// The reference interpreter accepts a trap when its message starts with the expected text. It also
// appends details such as an element index ("uninitialized element 2"), which Tenor's fixed trap
// messages lack, so an expected text of the form "<message> <digits>" matches the message as well.
// `trap_text` is Trap::to_string() ("message" or "message: detail").
bool trap_text_matches(std::string_view trap_text, std::string_view expected) noexcept;

// For messages: "i32:-1", "i64:42", "f32:1.5 (0x3fc00000)", "f64:nan (0x7ff8000000000000)".
std::string describe_value(const vm::Value& v);
// "i32:7", "f32:nan:canonical", ...
std::string describe_expected(const ExpectedValue& e);
// "(i32:1, f64:2.5 (0x4004000000000000))"
std::string describe_values(std::span<const vm::Value> values);
std::string describe_expected_values(std::span<const ExpectedValue> values);
// Quotes an export name for messages, escaping control characters, '"', '\' and bytes >= 0x7f as
// \xNN so that names with embedded NULs stay readable.
std::string quote_name(std::string_view name);

// ---------------------------------------------------------------------------------------------
// Command-line syntax (`tenor wasm run`)
//
//   i32, i64  signed or unsigned decimal ("-1", "4294967295"), or 0x hex of the bit pattern
//             ("0xffffffff"); the value must fit in the type's width.
//   f32, f64  decimal or exponent notation ("1.5", "-0", "1e-3"), "inf", "-inf", "nan", "-nan",
//             or the raw IEEE-754 bit pattern as 0x hex ("0x7fc00001"; at most 8 / 16 hex digits)
//             or as nan:0x... (the form results print NaNs in). Decimals round to nearest.

ParseResult<vm::Value> parse_cli_value(vm::ValType type, std::string_view text);

// Integers as signed decimal; f32 with %.9g and f64 with %.17g (both round-trip); infinities as
// "inf" / "-inf"; the positive canonical NaN as "nan" and any other NaN as "nan:0x<bits>".
std::string format_cli_value(const vm::Value& v);

}  // namespace tenor::sdk
