#include "tenor/sdk/wasm_values.hpp"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>
#include <system_error>

namespace tenor::sdk {
namespace {

using vm::ValType;
using vm::Value;

constexpr uint32_t kF32SignBit = 0x8000'0000u;
constexpr uint32_t kF32ExpMask = 0x7f80'0000u;
constexpr uint32_t kF32QuietBit = 0x0040'0000u;
constexpr uint32_t kF32PayloadMask = 0x007f'ffffu;
constexpr uint64_t kF64SignBit = 0x8000'0000'0000'0000ull;
constexpr uint64_t kF64ExpMask = 0x7ff0'0000'0000'0000ull;
constexpr uint64_t kF64QuietBit = 0x0008'0000'0000'0000ull;
constexpr uint64_t kF64PayloadMask = 0x000f'ffff'ffff'ffffull;

bool is_float(ValType t) noexcept { return t == ValType::F32 || t == ValType::F64; }

// Bits that are significant for a value of this type.
uint64_t width_mask(ValType t) noexcept { return (t == ValType::I32 || t == ValType::F32) ? 0xffff'ffffull : ~0ull; }

bool is_nan_bits(ValType t, uint64_t bits) noexcept {
  if (t == ValType::F32) {
    auto b = static_cast<uint32_t>(bits);
    return (b & kF32ExpMask) == kF32ExpMask && (b & kF32PayloadMask) != 0;
  }
  return (bits & kF64ExpMask) == kF64ExpMask && (bits & kF64PayloadMask) != 0;
}

// Parses all of `text` as an unsigned integer in `base`; nullopt on any junk or overflow.
std::optional<uint64_t> parse_u64(std::string_view text, int base) {
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool starts_with_hex_prefix(std::string_view s) noexcept {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

std::string hex_bits(ValType t, uint64_t bits) {
  char buf[32];
  if (t == ValType::I32 || t == ValType::F32) {
    std::snprintf(buf, sizeof buf, "0x%08" PRIx32, static_cast<uint32_t>(bits));
  } else {
    std::snprintf(buf, sizeof buf, "0x%016" PRIx64, bits);
  }
  return buf;
}

ParseResult<Value> parse_cli_integer(ValType type, std::string_view text) {
  const bool is32 = type == ValType::I32;
  const uint64_t mask = width_mask(type);
  const char* name = vm::to_string(type);
  if (starts_with_hex_prefix(text)) {
    auto v = parse_u64(text.substr(2), 16);
    if (!v || (*v & ~mask) != 0) {
      return ParseResult<Value>::failure("'" + std::string(text) + "' is not a valid " + name + " hex value");
    }
    return Value{type, *v};
  }
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  auto v = parse_u64(digits, 10);
  if (!v) {
    return ParseResult<Value>::failure("'" + std::string(text) + "' is not a valid " + std::string(name) +
                                       " (decimal or 0x hex integer)");
  }
  // Signed range reaches -2^(n-1); unsigned range reaches 2^n - 1.
  const uint64_t max_negative = is32 ? (1ull << 31) : (1ull << 63);
  if (negative ? *v > max_negative : (*v & ~mask) != 0) {
    return ParseResult<Value>::failure("'" + std::string(text) + "' is out of range for " + name);
  }
  uint64_t bits = negative ? (0 - *v) & mask : *v;
  return Value{type, bits};
}

ParseResult<Value> parse_cli_float(ValType type, std::string_view text) {
  const bool is32 = type == ValType::F32;
  const char* name = vm::to_string(type);
  auto bad = [&](const char* why) {
    return ParseResult<Value>::failure("'" + std::string(text) + "' is not a valid " + name + ": " + why);
  };
  std::string_view raw = text;
  const bool nan_form = raw.substr(0, 4) == "nan:";
  if (nan_form) raw.remove_prefix(4);
  if (starts_with_hex_prefix(raw)) {
    std::string_view hex = raw.substr(2);
    const size_t max_digits = is32 ? 8 : 16;
    auto v = parse_u64(hex, 16);
    if (!v || hex.size() > max_digits) return bad("expected 0x and at most the type's hex digits");
    if (nan_form && !is_nan_bits(type, *v)) return bad("the bit pattern is not a NaN");
    return Value{type, *v};
  }
  if (nan_form) return bad("expected nan:0x<bits>");
  std::string_view dec = text;
  if (!dec.empty() && dec[0] == '+') dec.remove_prefix(1);
  if (dec.empty() || dec[0] == '+') return bad("expected a number");
  const char* first = dec.data();
  const char* last = dec.data() + dec.size();
  if (is32) {
    float f = 0;
    auto [ptr, ec] = std::from_chars(first, last, f, std::chars_format::general);
    if (ptr != last) return bad("expected a decimal number, inf, nan or 0x<bits>");
    if (ec == std::errc::result_out_of_range) return bad("out of range");
    if (ec != std::errc()) return bad("expected a decimal number, inf, nan or 0x<bits>");
    return Value::f32(f);
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(first, last, d, std::chars_format::general);
  if (ptr != last) return bad("expected a decimal number, inf, nan or 0x<bits>");
  if (ec == std::errc::result_out_of_range) return bad("out of range");
  if (ec != std::errc()) return bad("expected a decimal number, inf, nan or 0x<bits>");
  return Value::f64(d);
}

}  // namespace

ParseResult<ValType> parse_value_type(std::string_view name) {
  if (name == "i32") return ValType::I32;
  if (name == "i64") return ValType::I64;
  if (name == "f32") return ValType::F32;
  if (name == "f64") return ValType::F64;
  return ParseResult<ValType>::failure("unsupported value type '" + std::string(name) + "'");
}

ParseResult<Value> parse_spec_value(std::string_view type, std::string_view value) {
  auto t = parse_value_type(type);
  if (!t) return ParseResult<Value>::failure(t.error());
  auto bits = parse_u64(value, 10);
  if (!bits || (*bits & ~width_mask(*t)) != 0) {
    return ParseResult<Value>::failure("invalid " + std::string(type) + " value '" + std::string(value) + "'");
  }
  return Value{*t, *bits};
}

ParseResult<ExpectedValue> parse_spec_expected(std::string_view type, std::string_view value) {
  auto t = parse_value_type(type);
  if (!t) return ParseResult<ExpectedValue>::failure(t.error());
  if (value == "nan:canonical" || value == "nan:arithmetic") {
    if (!is_float(*t)) {
      return ParseResult<ExpectedValue>::failure(std::string(value) + " given for type " + std::string(type));
    }
    return ExpectedValue{*t, value == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic, 0};
  }
  auto v = parse_spec_value(type, value);
  if (!v) return ParseResult<ExpectedValue>::failure(v.error());
  return ExpectedValue{v->type, NanPattern::None, v->bits};
}

bool value_matches(const ExpectedValue& expected, const Value& actual) noexcept {
  if (expected.type != actual.type) return false;
  const uint64_t bits = actual.bits & width_mask(actual.type);
  if (actual.type == ValType::F32) {
    auto b = static_cast<uint32_t>(bits);
    switch (expected.nan) {
      case NanPattern::None: return bits == expected.bits;
      case NanPattern::Canonical: return (b & ~kF32SignBit) == (kF32ExpMask | kF32QuietBit);
      case NanPattern::Arithmetic: return (b & kF32ExpMask) == kF32ExpMask && (b & kF32QuietBit) != 0;
    }
    return false;
  }
  if (actual.type == ValType::F64) {
    switch (expected.nan) {
      case NanPattern::None: return bits == expected.bits;
      case NanPattern::Canonical: return (bits & ~kF64SignBit) == (kF64ExpMask | kF64QuietBit);
      case NanPattern::Arithmetic: return (bits & kF64ExpMask) == kF64ExpMask && (bits & kF64QuietBit) != 0;
    }
    return false;
  }
  return expected.nan == NanPattern::None && bits == expected.bits;
}

bool trap_text_matches(std::string_view trap_text, std::string_view expected) noexcept {
  if (trap_text.substr(0, expected.size()) == expected) return true;
  std::string_view base = trap_text.substr(0, trap_text.find(": "));
  if (base.empty() || expected.size() <= base.size() + 1) return false;
  if (expected.substr(0, base.size()) != base || expected[base.size()] != ' ') return false;
  for (char c : expected.substr(base.size() + 1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string describe_value(const Value& v) {
  std::string out = vm::to_string(v.type);
  out += ':';
  if (is_float(v.type)) {
    out += format_cli_value(v);
    out += " (" + hex_bits(v.type, v.bits) + ")";
  } else {
    out += format_cli_value(v);
  }
  return out;
}

std::string describe_expected(const ExpectedValue& e) {
  switch (e.nan) {
    case NanPattern::Canonical: return std::string(vm::to_string(e.type)) + ":nan:canonical";
    case NanPattern::Arithmetic: return std::string(vm::to_string(e.type)) + ":nan:arithmetic";
    case NanPattern::None: break;
  }
  return describe_value(Value{e.type, e.bits});
}

std::string describe_values(std::span<const Value> values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += describe_value(values[i]);
  }
  return out + ")";
}

std::string describe_expected_values(std::span<const ExpectedValue> values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += describe_expected(values[i]);
  }
  return out + ")";
}

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

ParseResult<Value> parse_cli_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32:
    case ValType::I64: return parse_cli_integer(type, text);
    case ValType::F32:
    case ValType::F64: return parse_cli_float(type, text);
    case ValType::FuncRef: break;
  }
  return ParseResult<Value>::failure("values of type funcref cannot be given on the command line");
}

std::string format_cli_value(const Value& v) {
  char buf[64];
  switch (v.type) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "%" PRId32, v.as_i32()); return buf;
    case ValType::I64: std::snprintf(buf, sizeof buf, "%" PRId64, v.as_i64()); return buf;
    case ValType::F32:
      if (is_nan_bits(v.type, v.bits)) {
        auto b = static_cast<uint32_t>(v.bits);
        return b == (kF32ExpMask | kF32QuietBit) ? "nan" : "nan:" + hex_bits(v.type, b);
      }
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v.as_f32()));
      return buf;
    case ValType::F64:
      if (is_nan_bits(v.type, v.bits)) {
        return v.bits == (kF64ExpMask | kF64QuietBit) ? "nan" : "nan:" + hex_bits(v.type, v.bits);
      }
      std::snprintf(buf, sizeof buf, "%.17g", v.as_f64());
      return buf;
    case ValType::FuncRef: break;
  }
  return "funcref";
}

}  // namespace tenor::sdk
