// The reference (reference.hpp) against the examples the definitions publish, and against the
// definitions' own words worked by hand, so that a mistake in it is not carried into the tests of
// the standard library that trust it.
#include "reference.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tenor::std_reference {
namespace {

// A rational as a decimal with `digits` fractional digits (rounded half even), for comparing
// with published figures.
std::string decimal(const Rational& q, int digits) {
  Int scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const Int v = rounded(q * scale, Rounding::HalfEven);
  std::string s = Int(abs(v)).str();
  while (static_cast<int>(s.size()) <= digits) s.insert(s.begin(), '0');
  s.insert(s.end() - digits, '.');
  return (v < 0 ? "-" : "") + s;
}

TEST(Reference, RoundingModesOnTiesAndBothSigns) {
  struct Case {
    Rational q;
    Rounding mode;
    int want;
  };
  const Case cases[] = {
      {Rational(5, 2), Rounding::Down, 2},
      {Rational(5, 2), Rounding::Up, 3},
      {Rational(5, 2), Rounding::Floor, 2},
      {Rational(5, 2), Rounding::Ceiling, 3},
      {Rational(5, 2), Rounding::HalfUp, 3},
      {Rational(5, 2), Rounding::HalfDown, 2},
      {Rational(5, 2), Rounding::HalfEven, 2},
      {Rational(-5, 2), Rounding::Down, -2},
      {Rational(-5, 2), Rounding::Up, -3},
      {Rational(-5, 2), Rounding::Floor, -3},
      {Rational(-5, 2), Rounding::Ceiling, -2},
      {Rational(-5, 2), Rounding::HalfUp, -3},
      {Rational(-5, 2), Rounding::HalfDown, -2},
      {Rational(-5, 2), Rounding::HalfEven, -2},
      {Rational(7, 2), Rounding::HalfEven, 4},
      {Rational(-7, 2), Rounding::HalfEven, -4},
      {Rational(26, 10), Rounding::HalfDown, 3},
      {Rational(-24, 10), Rounding::HalfUp, -2},
      {Rational(6), Rounding::Up, 6},
  };
  for (const Case& c : cases) EXPECT_EQ(rounded(c.q, c.mode), c.want) << c.q << " mode " << static_cast<int>(c.mode);
}

// ISDA, "EMU and Market Conventions: Recent Developments" (1998), the Actual/Actual (ISDA) column
// of its examples.
TEST(Reference, ActualActualIsdaMatchesIsdasPublishedExamples) {
  struct Case {
    int32_t start, end;
    const char* want;
  };
  const Case cases[] = {
      {date(2003, 11, 1), date(2004, 5, 1), "0.49772438056"},  // short first period
      {date(1999, 2, 1), date(1999, 7, 1), "0.41095890411"},
      {date(1999, 7, 1), date(2000, 7, 1), "1.00137734860"},
      {date(2002, 8, 15), date(2003, 7, 15), "0.91506849315"},  // long first period
      {date(2003, 7, 15), date(2004, 1, 15), "0.50400479077"},
      {date(1999, 7, 30), date(2000, 1, 30), "0.50389250693"},  // short final period
      {date(2000, 1, 30), date(2000, 6, 30), "0.41530054645"},
  };
  // The memo prints 11 digits; the exact fraction is within one unit of the last.
  for (const Case& c : cases) {
    std::string digits = c.want;
    digits.erase(digits.find('.'), 1);
    digits.erase(0, digits.find_first_not_of('0'));  // a leading 0 would read as octal
    const Rational published(Int(digits), Int("100000000000"));
    EXPECT_LE(abs(year_fraction(DayCount::ActActIsda, c.start, c.end) - published), Rational(1, 100'000'000'000))
        << c.want << " vs " << decimal(year_fraction(DayCount::ActActIsda, c.start, c.end), 11);
  }
}

// 4.16(f) Bond Basis, 4.16(g) Eurobond Basis and the US rules, worked from the definitions' text.
TEST(Reference, ThirtyThreeSixtyConventionsFollowTheirDefinitions) {
  struct Case {
    int32_t start, end;
    int64_t bond, us, euro;
  };
  const Case cases[] = {
      {date(2007, 1, 15), date(2007, 7, 15), 180, 180, 180},
      {date(2007, 3, 31), date(2007, 4, 30), 30, 30, 30},     // D1 31 -> 30
      {date(2007, 1, 30), date(2007, 3, 31), 60, 60, 60},     // D2 31 -> 30 because D1 > 29
      {date(2007, 1, 15), date(2007, 3, 31), 76, 76, 75},     // D2 stays 31 but for Eurobond Basis
      {date(2007, 2, 28), date(2008, 2, 29), 361, 360, 361},  // both last of February: US D1, D2 -> 30
      {date(2008, 2, 29), date(2008, 3, 31), 32, 30, 31},     // US: D1 -> 30, then D2 31 -> 30
      {date(2008, 2, 29), date(2008, 3, 30), 31, 30, 31},
      {date(2007, 2, 28), date(2007, 3, 31), 33, 30, 32},
      {date(2006, 12, 31), date(2007, 2, 28), 58, 58, 58},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(days(DayCount::Thirty360, c.start, c.end), c.bond) << c.start;
    EXPECT_EQ(days(DayCount::Thirty360Us, c.start, c.end), c.us) << c.start;
    EXPECT_EQ(days(DayCount::ThirtyE360, c.start, c.end), c.euro) << c.start;
    EXPECT_EQ(year_fraction(DayCount::Thirty360, c.start, c.end), Rational(c.bond, 360));
  }
  EXPECT_EQ(days(DayCount::Act360, date(2024, 1, 31), date(2024, 3, 1)), 30);
  EXPECT_EQ(year_fraction(DayCount::Act365F, date(2024, 1, 1), date(2025, 1, 1)), Rational(366, 365));
  EXPECT_EQ(year_fraction(DayCount::ActActIsda, date(2024, 1, 1), date(2025, 1, 1)), 1);
}

TEST(Reference, SimpleInterestIsRoundedOnce) {
  // 1,000,000.00 at 5% for 90 days Actual/360: 12,500.00 exactly.
  EXPECT_EQ(accrue(100'000'000, 50'000'000, DayCount::Act360, date(2027, 1, 1), date(2027, 4, 1), Rounding::Down),
            1'250'000);
  // 100.00 at 3.3% for 1 day Actual/365F: 0.904.. cents -> 0 down, 1 up.
  EXPECT_EQ(accrue(10'000, 33'000'000, DayCount::Act365F, date(2027, 1, 1), date(2027, 1, 2), Rounding::Down), 0);
  EXPECT_EQ(accrue(10'000, 33'000'000, DayCount::Act365F, date(2027, 1, 1), date(2027, 1, 2), Rounding::Up), 1);
}

// The standard mortgage figures: 100,000.00 at 6% over 30 years pays 599.55 a month, 200,000.00 at
// 4.5% pays 1,013.37.
TEST(Reference, AnnuityPaysTheTextbookLevelPaymentAndRepaysThePrincipalExactly) {
  const int32_t first = date(2027, 1, 31);
  for (auto [principal, rate, want] :
       {std::tuple{10'000'000, 60'000'000, 59'955}, std::tuple{20'000'000, 45'000'000, 101'337}}) {
    const auto s = annuity(principal, rate, first, 360, 1, Rounding::HalfUp);
    ASSERT_EQ(s.size(), 360u);
    EXPECT_EQ(s[0].payment, want);
    Int repaid = 0;
    for (const Installment& p : s) repaid += p.principal;
    EXPECT_EQ(repaid, principal);
    EXPECT_EQ(s.back().balance, 0);
    EXPECT_EQ(s[0].interest, rounded(Rational(principal) * rate / (12 * Int(1'000'000'000)), Rounding::HalfUp));
  }
  // Due dates count from the first, clamped: Jan 31, Feb 28, Mar 31, Apr 30.
  const auto s = bullet(100, 0, date(2027, 1, 31), 4, 1, Rounding::Down);
  EXPECT_EQ(s[1].due, date(2027, 2, 28));
  EXPECT_EQ(s[2].due, date(2027, 3, 31));
  EXPECT_EQ(s[3].due, date(2027, 4, 30));
  EXPECT_EQ(s[3].principal, 100);
  const auto e = equal_principal(1000, 120'000'000, date(2027, 1, 1), 3, 1, Rounding::HalfEven);
  EXPECT_EQ(e[0].principal, 333);
  EXPECT_EQ(e[0].interest, 10);  // 1,000 x 1%
  EXPECT_EQ(e[1].interest, 7);   // 667 x 1% = 6.67
  EXPECT_EQ(e[2].principal, 334);
}

TEST(Reference, AllocationAddsUpAndWaterfallFillsInOrder) {
  EXPECT_EQ(allocate(100, {1, 1, 1}), (std::vector<Int>{34, 33, 33}));
  EXPECT_EQ(allocate(100, {0, 1, 2}), (std::vector<Int>{0, 33, 67}));
  EXPECT_EQ(allocate(-100, {1, 1, 1}), (std::vector<Int>{-33, -33, -34}));
  EXPECT_EQ(apply_waterfall(150, {100, 30, 50}), (Applied{{100, 30, 20}, 0}));
  EXPECT_EQ(apply_waterfall(200, {100, 30, 50}), (Applied{{100, 30, 50}, 20}));
}

TEST(Reference, BusinessDayConventions) {
  const int32_t sat = date(2027, 1, 30), fri = date(2027, 1, 29);
  EXPECT_EQ(iso_weekday(sat), 6u);
  EXPECT_EQ(adjust(sat, BusinessDay::Following, {}), date(2027, 2, 1));
  EXPECT_EQ(adjust(sat, BusinessDay::ModifiedFollowing, {}), fri);  // Following would leave January
  EXPECT_EQ(adjust(sat, BusinessDay::Preceding, {fri}), date(2027, 1, 28));
  EXPECT_EQ(adjust(date(2027, 1, 16), BusinessDay::ModifiedFollowing, {date(2027, 1, 18)}), date(2027, 1, 19));
  EXPECT_EQ(add_months(date(2024, 1, 31), 1), date(2024, 2, 29));
  EXPECT_EQ(add_months(date(2024, 3, 31), -13), date(2023, 2, 28));
}

}  // namespace
}  // namespace tenor::std_reference
