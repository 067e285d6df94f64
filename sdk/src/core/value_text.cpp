// Values as text, both ways: 128-bit integers, decimal numbers, amounts of money ("125000.00 CNY",
// the currencies from common/include/tenor/common/currencies.def), rates ("0.035"), durations
// ("30d"), Decimals ("1.05"), hex parties and hashes.
#include <algorithm>
#include <array>

#include "abi_internal.hpp"
#include "tenor/sdk/keys.hpp"

namespace tenor::sdk {

namespace {

struct Currency {
  std::string_view code;
  int exponent;
};
constexpr Currency kCurrencies[] = {
#define TENOR_CURRENCY(code, exponent) {code, exponent},
#include "tenor/common/currencies.def"
};

// "CNY, USD, EUR, ... and KWD"
std::string currency_list() {
  std::string out;
  const size_t n = std::size(kCurrencies);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " and " : ", ";
    out += kCurrencies[i].code;
  }
  return out;
}

}  // namespace

namespace abi_detail {

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

TextResult<MoneyText> parse_money_text(const std::string& text) {
  const char* example = " such as \"125000.00 CNY\"";
  const size_t space = text.find_last_of(' ');
  if (space == std::string::npos) {
    if (parse_decimal(text)) return text + " has no currency: write it as \"" + text + " CNY\" (or USD, EUR, ...)";
    return quote_text(text) + " is not an amount: expected a decimal number and a currency," + example;
  }
  std::string_view number = std::string_view(text).substr(0, space);
  while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
  MoneyText out;
  out.currency = text.substr(space + 1);
  auto dec = parse_decimal(number);
  if (!dec) return quote_text(text) + " is not an amount: expected a decimal number and a currency," + example;
  auto exponent = currency_exponent(out.currency);
  if (!exponent)
    return "unknown currency " + quote_text(out.currency) + " (the currencies are " + currency_list() + ")";
  if (dec->fraction_digits != *exponent) {
    const std::string has = dec->fraction_digits == 0
                                ? "no fractional digits"
                                : plural(dec->fraction_digits, "fractional digit", "fractional digits");
    const std::string want = *exponent == 0 ? "none" : std::to_string(*exponent);
    return text + " has " + has + ", " + out.currency + " amounts have " + want;
  }
  const U128 limit = dec->negative ? kI128Max + 1 : kI128Max;
  if (dec->overflow || dec->digits > limit) return text + " is too large for Money";
  out.bits = dec->negative ? U128{0} - dec->digits : dec->digits;
  return out;
}

TextResult<int64_t> parse_rate_text(const std::string& text) {
  auto dec = parse_decimal(text);
  if (!dec) return quote_text(text) + " is not a rate (expected a decimal number such as 0.035)";
  if (dec->fraction_digits > 9)
    return text + " has " + std::to_string(dec->fraction_digits) + " fractional digits, a Rate has at most 9";
  const U128 scale = pow10(9 - dec->fraction_digits);
  const U128 limit = dec->negative ? U128{1} << 63 : (U128{1} << 63) - 1;
  if (dec->overflow || dec->digits > limit / scale) return text + " is too large for a Rate";
  const U128 scaled = dec->digits * scale;
  if (scaled > limit) return text + " is too large for a Rate";
  return static_cast<int64_t>(static_cast<uint64_t>(dec->negative ? U128{0} - scaled : scaled));
}

TextResult<I128> parse_decimal_text(const std::string& text) {
  auto dec = parse_decimal(text);
  if (!dec) return quote_text(text) + " is not a Decimal (expected a decimal number such as 1.05)";
  if (dec->fraction_digits > 18)
    return text + " has " + std::to_string(dec->fraction_digits) + " fractional digits, a Decimal has at most 18";
  const U128 scale = pow10(18 - dec->fraction_digits);
  const U128 limit = dec->negative ? kI128Max + 1 : kI128Max;
  if (dec->overflow || dec->digits > limit / scale) return text + " is out of a Decimal's range";
  const U128 scaled = dec->digits * scale;
  if (scaled > limit) return text + " is out of a Decimal's range";
  return static_cast<I128>(dec->negative ? U128{0} - scaled : scaled);
}

TextResult<int64_t> parse_duration_text(std::string_view text) {
  const char* expected = "expected a duration such as 30d, 12h, 90m or 45s";
  std::string_view s = text;
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
  if (unit == 0) return quote_text(text) + ": " + expected;
  s.remove_suffix(1);
  U128 mag = 0;
  int count = 0;
  bool overflow = false;
  if (!accumulate_digits(s, mag, count, overflow)) return quote_text(text) + ": " + expected;
  const U128 limit = negative ? U128{1} << 63 : (U128{1} << 63) - 1;
  if (overflow || mag > limit / static_cast<U128>(unit)) return std::string(text) + " is too long for a Duration";
  const U128 secs = mag * static_cast<U128>(unit);
  return static_cast<int64_t>(static_cast<uint64_t>(negative ? U128{0} - secs : secs));
}

bool valid_party_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::optional<std::array<uint8_t, 32>> parse_hex32(std::string_view s) {
  if (s.size() == 66 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.size() != 64) return std::nullopt;
  auto b = from_hex(s);
  if (!b) return std::nullopt;
  std::array<uint8_t, 32> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

}  // namespace abi_detail

using abi_detail::pow10;
using abi_detail::u128_text;

std::optional<int> currency_exponent(std::string_view code) noexcept {
  for (const auto& c : kCurrencies)
    if (c.code == code) return c.exponent;
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

std::string format_decimal(I128 scaled) {
  const bool negative = scaled < 0;
  const U128 mag = negative ? U128{0} - static_cast<U128>(scaled) : static_cast<U128>(scaled);
  const U128 one = pow10(18);
  std::string frac = u128_text(mag % one);
  frac = std::string(18 - frac.size(), '0') + frac;
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + u128_text(mag / one) + "." + frac;
}

std::string format_duration_literal(int64_t seconds) {
  const bool negative = seconds < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(seconds) : static_cast<uint64_t>(seconds);
  const std::pair<uint64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [size, unit] : units) {
    if (mag % size == 0 && (mag != 0 || unit == 's')) return (negative ? "-" : "") + std::to_string(mag / size) + unit;
  }
  return "0s";
}

}  // namespace tenor::sdk
