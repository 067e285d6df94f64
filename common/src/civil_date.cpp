#include "tenor/common/civil_date.hpp"

#include <cstdio>
#include <limits>

namespace tenor::common {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool fixed_digits(std::string_view s, size_t pos, size_t len, unsigned& out) {
  if (pos + len > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_date_prefix(std::string_view s, std::string_view& rest) {
  size_t pos = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++pos;
  const size_t year_start = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  const size_t year_digits = pos - year_start;
  if (year_digits < 4 || year_digits > 12) return std::nullopt;
  int64_t y = 0;
  for (size_t i = year_start; i < pos; ++i) y = y * 10 + (s[i] - '0');
  if (negative) y = -y;
  unsigned m = 0, d = 0;
  if (s.size() < pos + 6 || s[pos] != '-' || s[pos + 3] != '-' || !fixed_digits(s, pos + 1, 2, m) ||
      !fixed_digits(s, pos + 4, 2, d))
    return std::nullopt;
  if (!is_valid_date(y, m, d)) return std::nullopt;
  rest = s.substr(pos + 6);
  return days_from_civil(y, m, d);
}

std::optional<int64_t> parse_date(std::string_view s) {
  std::string_view rest;
  auto days = parse_date_prefix(s, rest);
  if (!days || !rest.empty()) return std::nullopt;
  return days;
}

std::optional<int64_t> parse_timestamp(std::string_view s) {
  std::string_view rest;
  auto days = parse_date_prefix(s, rest);
  if (!days) return std::nullopt;
  unsigned h = 0, mi = 0, se = 0;
  if (!rest.empty() && (rest.size() != 10 || rest[0] != 'T' || rest[3] != ':' || rest[6] != ':' || rest[9] != 'Z' ||
                        !fixed_digits(rest, 1, 2, h) || !fixed_digits(rest, 4, 2, mi) ||
                        !fixed_digits(rest, 7, 2, se) || h > 23 || mi > 59 || se > 59))
    return std::nullopt;
  // |days| < 10^12 * 366, so days * 86400 fits in 128 bits; check the int64 range.
  const __int128 t = static_cast<__int128>(*days) * kSecondsPerDay + h * 3600 + mi * 60 + se;
  if (t > std::numeric_limits<int64_t>::max() || t < std::numeric_limits<int64_t>::min()) return std::nullopt;
  return static_cast<int64_t>(t);
}

std::string format_date(int64_t days) {
  const CivilDate c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%04llu-%02u-%02u", c.year < 0 ? "-" : "",
                static_cast<unsigned long long>(c.year < 0 ? -c.year : c.year), c.month, c.day);
  return buf;
}

std::string format_timestamp(int64_t seconds) {
  const int64_t days = day_of_timestamp(seconds);
  const int64_t rem = seconds - days * kSecondsPerDay;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return format_date(days) + buf;
}

}  // namespace tenor::common
