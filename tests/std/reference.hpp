// An independent reference for the financial standard library (stdlib/std/*.tnr), written from the
// published definitions on exact arithmetic (Boost.Multiprecision's cpp_int and cpp_rational) and
// C++20's <chrono> calendar, never from Tenor's code: the day count fractions of the 2006 ISDA
// Definitions, section 4.16, simple interest, level-payment (annuity), equal-principal and bullet
// schedules, largest-remainder allocation, payment waterfalls and business-day conventions.
//
// Amounts are integers of minor units, rates are Tenor's Rate representation (the rate x 10^9),
// dates are days since 1970-01-01. Every result is exact until the one rounding the definition
// names, done by rounded() with one of Tenor's rounding modes.
#pragma once

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace tenor::std_reference {

using Int = boost::multiprecision::cpp_int;
using Rational = boost::multiprecision::cpp_rational;

// Tenor's rounding modes, in the order of its `Rounding` enum (docs/language.md).
enum class Rounding { Down, Up, Floor, Ceiling, HalfUp, HalfDown, HalfEven };
inline constexpr Rounding kAllRoundings[] = {Rounding::Down,   Rounding::Up,       Rounding::Floor,   Rounding::Ceiling,
                                             Rounding::HalfUp, Rounding::HalfDown, Rounding::HalfEven};

// q rounded to an integer: Down toward zero, Up away from zero, Floor toward -inf, Ceiling toward
// +inf; the Half modes to the nearest integer, ties away from zero (HalfUp), toward zero
// (HalfDown) or to the even one (HalfEven).
inline Int rounded(const Rational& q, Rounding mode) {
  const Int n = boost::multiprecision::numerator(q), d = boost::multiprecision::denominator(q);  // d > 0
  const Int t = n / d;                                                                           // toward zero
  const Int rem = n - t * d;
  if (rem == 0) return t;
  const int sign = n < 0 ? -1 : 1;
  const Int away = t + sign;
  switch (mode) {
    case Rounding::Down: return t;
    case Rounding::Up: return away;
    case Rounding::Floor: return sign < 0 ? away : t;
    case Rounding::Ceiling: return sign > 0 ? away : t;
    default: break;
  }
  const Int twice = 2 * abs(rem);
  if (twice > d) return away;
  if (twice < d) return t;
  switch (mode) {
    case Rounding::HalfUp: return away;
    case Rounding::HalfDown: return t;
    default: return (t % 2 == 0) ? t : away;  // HalfEven
  }
}

// ---- calendar (C++20 <chrono>, independent of Tenor's civil-date code) -------------------------

namespace chr = std::chrono;

struct Ymd {
  int y;
  unsigned m, d;
};
inline Ymd ymd(int32_t days) {
  const chr::year_month_day v{chr::sys_days{chr::days{days}}};
  return {static_cast<int>(v.year()), static_cast<unsigned>(v.month()), static_cast<unsigned>(v.day())};
}
inline int32_t date(int y, unsigned m, unsigned d) {
  const chr::year_month_day v{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!v.ok()) throw std::invalid_argument("not a date");
  return static_cast<int32_t>(chr::sys_days{v}.time_since_epoch().count());
}
inline bool is_leap(int y) { return chr::year{y}.is_leap(); }
inline unsigned days_in_month(int y, unsigned m) {
  return static_cast<unsigned>((chr::year{y} / chr::month{m} / chr::last).day());
}
inline bool is_last_of_february(const Ymd& v) { return v.m == 2 && v.d == days_in_month(v.y, 2); }
// n calendar months after `d`, the day clamped to the last of the month.
inline int32_t add_months(int32_t d, int64_t n) {
  const Ymd v = ymd(d);
  const int64_t months = static_cast<int64_t>(v.y) * 12 + (v.m - 1) + n;
  const int y = static_cast<int>(months >= 0 ? months / 12 : -((-months + 11) / 12));
  const unsigned m = static_cast<unsigned>(months - static_cast<int64_t>(y) * 12) + 1;
  return date(y, m, std::min(v.d, days_in_month(y, m)));
}
// ISO 8601: 1 = Monday .. 7 = Sunday.
inline unsigned iso_weekday(int32_t d) { return chr::weekday{chr::sys_days{chr::days{d}}}.iso_encoding(); }

// ---- std::daycount: ISDA 2006 section 4.16 -----------------------------------------------------

enum class DayCount { Act360, Act365F, ActActIsda, Thirty360, Thirty360Us, ThirtyE360 };
inline constexpr DayCount kAllDayCounts[] = {DayCount::Act360,    DayCount::Act365F,     DayCount::ActActIsda,
                                             DayCount::Thirty360, DayCount::Thirty360Us, DayCount::ThirtyE360};

// The 30/360 numerator 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1) after the convention's changes.
inline int64_t thirty_360(Ymd a, Ymd b, DayCount dc) {
  switch (dc) {
    case DayCount::Thirty360:  // 4.16(f), Bond Basis
      if (a.d == 31) a.d = 30;
      if (b.d == 31 && a.d > 29) b.d = 30;
      break;
    case DayCount::ThirtyE360:  // 4.16(g), Eurobond Basis
      if (a.d == 31) a.d = 30;
      if (b.d == 31) b.d = 30;
      break;
    case DayCount::Thirty360Us: {  // Bond Basis with the end-of-February rules (SIA), in this order
      const bool a_feb = is_last_of_february(a), b_feb = is_last_of_february(b);
      if (a_feb && b_feb) b.d = 30;
      if (a_feb) a.d = 30;
      if (b.d == 31 && a.d >= 30) b.d = 30;
      if (a.d == 31) a.d = 30;
      break;
    }
    default: throw std::logic_error("not a 30/360 convention");
  }
  return 360 * (int64_t{b.y} - a.y) + 30 * (int64_t{b.m} - a.m) + (int64_t{b.d} - a.d);
}

// The day count fraction's numerator: actual days, or the 30/360 count.
inline int64_t days(DayCount dc, int32_t start, int32_t end) {
  switch (dc) {
    case DayCount::Act360:
    case DayCount::Act365F:
    case DayCount::ActActIsda: return int64_t{end} - start;
    default: return thirty_360(ymd(start), ymd(end), dc);
  }
}

// The day count fraction, exact. Actual/Actual (ISDA), 4.16(b): the days in a leap year over 366
// plus the days in other years over 365 (negative when end is before start).
inline Rational year_fraction(DayCount dc, int32_t start, int32_t end) {
  switch (dc) {
    case DayCount::Act360: return Rational(days(dc, start, end), 360);
    case DayCount::Act365F: return Rational(days(dc, start, end), 365);
    case DayCount::ActActIsda: {
      if (end < start) return -year_fraction(dc, end, start);
      Rational f = 0;
      for (int32_t from = start; from < end;) {
        const int y = ymd(from).y;
        const int32_t next_year = date(y + 1, 1, 1);
        const int32_t to = std::min(end, next_year);
        f += Rational(to - from, is_leap(y) ? 366 : 365);
        from = to;
      }
      return f;
    }
    default: return Rational(days(dc, start, end), 360);
  }
}

// Simple interest: principal x annual_rate x the day count fraction, rounded once.
inline Int accrue(const Int& principal, int64_t rate_e9, DayCount dc, int32_t start, int32_t end, Rounding r) {
  return rounded(Rational(principal * rate_e9, 1'000'000'000) * year_fraction(dc, start, end), r);
}

// ---- std::schedule -------------------------------------------------------------------------------

struct Installment {
  int32_t due;
  Int payment, interest, principal, balance;
  bool operator==(const Installment&) const = default;
};

// The periodic rate: annual_rate x months / 12.
inline Rational period_rate(int64_t rate_e9, uint32_t months_per_period) {
  return Rational(Int(rate_e9) * months_per_period, Int(12) * 1'000'000'000);
}

// The exact level payment P i / (1 - (1 + i)^-n) (P / n when i is 0).
inline Rational annuity_payment(const Int& principal, const Rational& i, uint32_t periods) {
  if (i == 0) return Rational(principal, periods);
  Rational growth = 1;  // (1 + i)^n, by squaring
  Rational base = 1 + i;
  for (uint32_t e = periods; e; e >>= 1) {
    if (e & 1) growth *= base;
    if (e > 1) base *= base;
  }
  return Rational(principal) * i * growth / (growth - 1);
}

// A schedule in which period k (1-based) is due `months_per_period` x (k - 1) months after
// first_due (each date from first_due, clamped to the month's end, so the 31st stays the 31st where
// a month has one), its interest is the outstanding balance x i rounded once, and its principal is
// `level(k)` except in the last period, which repays the whole balance left.
template <class Level>
std::vector<Installment> schedule(const Int& principal, const Rational& i, int32_t first_due, uint32_t periods,
                                  uint32_t months_per_period, Rounding r, Level level) {
  std::vector<Installment> out;
  Int balance = principal;
  for (uint32_t k = 1; k <= periods; ++k) {
    Installment p;
    p.due = add_months(first_due, int64_t{k - 1} * months_per_period);
    p.interest = rounded(Rational(balance) * i, r);
    p.principal = k == periods ? balance : level(p.interest);
    p.payment = p.principal + p.interest;
    balance -= p.principal;
    p.balance = balance;
    out.push_back(p);
  }
  return out;
}

// Level payments of `payment` (annuity_payment rounded by r, or the payment the implementation
// computed), the last one absorbing the rounding so that the principal repaid is exactly P.
inline std::vector<Installment> annuity_with_payment(const Int& principal, int64_t rate_e9, int32_t first_due,
                                                     uint32_t periods, uint32_t months_per_period, Rounding r,
                                                     const Int& payment) {
  return schedule(principal, period_rate(rate_e9, months_per_period), first_due, periods, months_per_period, r,
                  [&](const Int& interest) { return payment - interest; });
}
inline std::vector<Installment> annuity(const Int& principal, int64_t rate_e9, int32_t first_due, uint32_t periods,
                                        uint32_t months_per_period, Rounding r) {
  const Rational i = period_rate(rate_e9, months_per_period);
  return annuity_with_payment(principal, rate_e9, first_due, periods, months_per_period, r,
                              rounded(annuity_payment(principal, i, periods), r));
}
// The same principal P / n (rounded by r) each period, the last repaying the rest.
inline std::vector<Installment> equal_principal(const Int& principal, int64_t rate_e9, int32_t first_due,
                                                uint32_t periods, uint32_t months_per_period, Rounding r) {
  const Int part = rounded(Rational(principal, periods), r);
  return schedule(principal, period_rate(rate_e9, months_per_period), first_due, periods, months_per_period, r,
                  [&](const Int&) { return part; });
}
// Interest only, the whole principal in the last period.
inline std::vector<Installment> bullet(const Int& principal, int64_t rate_e9, int32_t first_due, uint32_t periods,
                                       uint32_t months_per_period, Rounding r) {
  return schedule(principal, period_rate(rate_e9, months_per_period), first_due, periods, months_per_period, r,
                  [](const Int&) { return Int(0); });
}

// ---- std::money and std::waterfall ---------------------------------------------------------------

// Largest remainder (Hamilton): each part is total x w / sum(w) rounded toward -inf, and the units
// left over go one each to the parts with the largest remainders, the earlier part first on a tie.
// The parts add up to the total exactly. sum(w) must be positive.
inline std::vector<Int> allocate(const Int& total, const std::vector<Int>& weights) {
  const Int sum = std::accumulate(weights.begin(), weights.end(), Int(0));
  if (sum <= 0) throw std::invalid_argument("the weights must add up to more than zero");
  std::vector<Int> parts, remainders;
  Int given = 0;
  for (const Int& w : weights) {
    Int q = (total * w) / sum, rem = (total * w) % sum;  // toward zero
    if (rem < 0) {
      q -= 1;
      rem += sum;
    }
    parts.push_back(q);
    remainders.push_back(rem);
    given += q;
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  size_t k = 0;
  for (Int left = total - given; left > 0; --left) parts[order[k++]] += 1;
  return parts;
}

struct Applied {
  std::vector<Int> paid;
  Int remaining;
  bool operator==(const Applied&) const = default;
};
// Each due in order, paid up to its amount from what is left of the payment.
inline Applied apply_waterfall(const Int& payment, const std::vector<Int>& dues) {
  Applied a{{}, payment};
  for (const Int& due : dues) {
    const Int paid = std::max(Int(0), std::min(a.remaining, due));
    a.paid.push_back(paid);
    a.remaining -= paid;
  }
  return a;
}

// ---- std::dates ----------------------------------------------------------------------------------

enum class BusinessDay { Following, ModifiedFollowing, Preceding };

// Monday to Friday and not in `holidays`.
inline bool is_business_day(int32_t d, const std::vector<int32_t>& holidays) {
  return iso_weekday(d) <= 5 && std::find(holidays.begin(), holidays.end(), d) == holidays.end();
}
// ISDA 2006 section 4.12: Following, Modified Following (Following unless that is in the next
// month, then Preceding) and Preceding.
inline int32_t adjust(int32_t d, BusinessDay c, const std::vector<int32_t>& holidays) {
  auto step = [&](int32_t from, int32_t by) {
    while (!is_business_day(from, holidays)) from += by;
    return from;
  };
  switch (c) {
    case BusinessDay::Following: return step(d, 1);
    case BusinessDay::Preceding: return step(d, -1);
    case BusinessDay::ModifiedFollowing: {
      const int32_t f = step(d, 1);
      return ymd(f).m == ymd(d).m ? f : step(d, -1);
    }
  }
  return d;
}

}  // namespace tenor::std_reference
