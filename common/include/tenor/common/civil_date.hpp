// Dates of the proleptic Gregorian calendar as days since 1970-01-01, and times as seconds since
// 1970-01-01T00:00:00Z (no leap seconds): the representation of Tenor's Date and Timestamp.
// H. Hinnant's algorithms (chrono-Compatible Low-Level Date Algorithms), exact for every int64 year
// that fits; constexpr so that the compiler folds date literals with the same code the SDK decodes
// them with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenor::common {

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..days_in_month(year, month)
  friend constexpr bool operator==(const CivilDate&, const CivilDate&) = default;
};

inline constexpr int64_t kSecondsPerDay = 86'400;

constexpr bool is_leap_year(int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// m in 1..12.
constexpr unsigned days_in_month(int64_t y, unsigned m) noexcept {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

constexpr bool is_valid_date(int64_t y, unsigned m, unsigned d) noexcept {
  return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

// Days since 1970-01-01 of y-m-d (a valid date).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr CivilDate civil_from_days(int64_t z) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilDate c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  return c;
}

// ISO 8601 weekday of a day number: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday).
constexpr unsigned iso_weekday(int64_t days) noexcept {
  const int64_t w = (days % 7 + 7 + 3) % 7;  // 0 = Monday
  return static_cast<unsigned>(w) + 1;
}

// Days and seconds of a timestamp, the seconds in 0..86399 (floor division).
constexpr int64_t day_of_timestamp(int64_t seconds) noexcept {
  return seconds / kSecondsPerDay - (seconds % kSecondsPerDay < 0 ? 1 : 0);
}

// "YYYY-MM-DD" at the start of `s` -> days since 1970-01-01; `rest` gets what follows. The year has
// 4 to 12 digits and may be negative ("-0001-01-01"), as format_date prints years outside
// 0000..9999. nullopt for anything else, an impossible date (2027-02-30) included.
std::optional<int64_t> parse_date_prefix(std::string_view s, std::string_view& rest);
// Exactly a date, nothing after it.
std::optional<int64_t> parse_date(std::string_view s);
// "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM:SSZ" -> seconds since 1970; nullopt also beyond int64.
std::optional<int64_t> parse_timestamp(std::string_view s);

// "2027-03-31"; a negative year is written "-0001-..." (4 digits at least).
std::string format_date(int64_t days);
// "2027-03-31T08:30:00Z"
std::string format_timestamp(int64_t seconds);

}  // namespace tenor::common
