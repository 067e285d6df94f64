// The language's constants, array and Vec literals, Duration arithmetic, `min`/`max`/`abs`, and
// the Date methods and `Date::ymd`, compiled at -O0 and -O2 and run. Calendar facts are checked
// against C++20 <chrono> (an independent calendar), not against the runtime's own algorithm;
// tests/std/dates_test.cpp runs the Date methods over 10,000 seeded dates.
#include <chrono>

#include "harness.hpp"

namespace tenor::test {
namespace {

namespace chr = std::chrono;

int32_t days_of(int y, unsigned m, unsigned d) {
  return static_cast<int32_t>(chr::sys_days{chr::year{y} / chr::month{m} / chr::day{d}}.time_since_epoch().count());
}

constexpr const char* kSource = R"(contract Lang

const DAYS_PER_YEAR: u32 = 365;
const WEEKS: u32 = DAYS_PER_YEAR / 7;
const LIMIT: Money = 1_000.00 USD;
const START: Date = 2027-01-31;
const HALF: Decimal = 0.5;
const TWICE_HALF: Decimal = HALF + HALF;
const GRACE: Duration = 3d;
const MODE: Rounding = Rounding::HalfEven;
const PRIMES: [u32; 4] = [2, 3, 5, 7];
const NEG: i64 = -(40 + 2);

struct Pair {
  a: u32,
  b: Money,
}

view constants() -> u64 {
  return (WEEKS as u64) * 1000 + (DAYS_PER_YEAR as u64);
}

view limit() -> Money {
  return LIMIT;
}

view start_plus_grace() -> Date {
  return START + GRACE;
}

view decimals() -> Decimal {
  return TWICE_HALF + HALF;
}

view rounded(m: Money) -> Money {
  return m.divide(3, MODE);
}

view prime(i: u32) -> u32 {
  return PRIMES[i];
}

view neg() -> i64 {
  return NEG;
}

view array_sum() -> u64 {
  let xs = [10u64, 20, 30];
  var s: u64 = 0;
  for i in 0..xs.len() {
    s += xs[i];
  }
  return s;
}

view vec_literal(extra: u32) -> Vec<u32, 5> {
  var v: Vec<u32, 5> = [1, 2];
  v.push(extra);
  return v;
}

view empty_vec() -> u32 {
  let v: Vec<Money, 3> = [];
  return v.len();
}

view structs() -> Vec<Pair, 4> {
  return [Pair { a: 1, b: 2.00 USD }, Pair { a: 3, b: LIMIT }];
}

view nested() -> [[u8; 2]; 2] {
  return [[1, 2], [3, 4]];
}

view dur_mul(d: Duration, n: i32) -> Duration {
  return d * n;
}

view dur_mul_left(d: Duration, n: u64) -> Duration {
  return n * d;
}

view dur_div(d: Duration, n: i64) -> Duration {
  return d / n;
}

view dur_days(d: Duration) -> i64 {
  return d.days();
}

view dur_seconds(d: Duration) -> i64 {
  return d.seconds();
}

view between(a: Date, b: Date) -> i64 {
  return (b - a).days();
}

view min_max(a: i64, b: i64) -> i64 {
  return min(a, b) * 1000 + max(a, b) + a.min(b) - a.max(b) + b.max(a) - b.min(a);
}

view min_money(a: Money, b: Money) -> Money {
  return min(a, b);
}

view max_money(a: Money, b: Money) -> Money {
  return a.max(b);
}

view abs_i8(x: i8) -> i8 {
  return abs(x);
}

view abs_money(m: Money) -> Money {
  return m.abs();
}

view abs_unsigned(x: u64) -> u64 {
  return x.abs();
}

view min_literal(a: u32) -> u32 {
  return min(5, a);
}

view min_dates(a: Date, b: Date) -> Date {
  return min(a, b);
}

view ymd(y: i32, m: u32, d: u32) -> Date {
  return Date::ymd(y, m, d);
}

view parts(d: Date) -> Vec<i64, 6> {
  var v: Vec<i64, 6> = [];
  v.push(d.year() as i64);
  v.push(d.month() as i64);
  v.push(d.day() as i64);
  v.push(d.weekday() as i64);
  v.push(d.days_in_month() as i64);
  if d.is_leap_year() {
    v.push(1);
  } else {
    v.push(0);
  }
  return v;
}

view add_months(d: Date, n: i32) -> Date {
  return d.add_months(n);
}
)";

class Language : public ContractAtLevel {
 protected:
  void SetUp() override {
    deploy(kSource, "lang.tnr");
    ASSERT_TRUE(c->build.ok());
  }
};

Bytes enc(const Args& a) { return a.bytes(); }
constexpr int64_t kDay = 86'400;

TEST_P(Language, ConstantsAreFoldedAndUsable) {
  EXPECT_EQ(ok("constants"), enc(Args().u64(52 * 1000 + 365)));
  EXPECT_EQ(ok("limit"), enc(Args().money(100'000, "USD")));
  EXPECT_EQ(ok("start_plus_grace"), enc(Args().i32(days_of(2027, 2, 3))));
  EXPECT_EQ(ok("decimals"), enc(Args().i128(static_cast<__int128>(1'500'000'000'000'000'000))));
  EXPECT_EQ(ok("rounded", Args().money(5, "USD")), enc(Args().money(2, "USD")));  // 1.666.. -> 2
  EXPECT_EQ(ok("prime", Args().u32(3)), enc(Args().u32(7)));
  traps("prime", Args().u32(4), "index");
  EXPECT_EQ(ok("neg"), enc(Args().i64(-42)));
}

TEST_P(Language, ArrayAndVecLiterals) {
  EXPECT_EQ(ok("array_sum"), enc(Args().u64(60)));
  EXPECT_EQ(ok("vec_literal", Args().u32(9)), enc(Args().u32(3).u32(1).u32(2).u32(9)));
  EXPECT_EQ(ok("empty_vec"), enc(Args().u32(0)));
  EXPECT_EQ(ok("structs"), enc(Args().u32(2).u32(1).money(200, "USD").u32(3).money(100'000, "USD")));
  EXPECT_EQ(ok("nested"), enc(Args().u8(1).u8(2).u8(3).u8(4)));
}

TEST_P(Language, DurationArithmeticIsCheckedAndWhole) {
  EXPECT_EQ(ok("dur_mul", Args().i64(kDay).i32(-3)), enc(Args().i64(-3 * kDay)));
  traps("dur_mul", Args().i64(INT64_MAX / 2 + 1).i32(2), "Duration overflow");
  EXPECT_EQ(ok("dur_mul_left", Args().i64(60).u64(90)), enc(Args().i64(5400)));
  traps("dur_mul_left", Args().i64(0).u64(UINT64_MAX), "Duration overflow");  // the factor is beyond i64
  EXPECT_EQ(ok("dur_div", Args().i64(7 * kDay).i64(2)), enc(Args().i64(7 * kDay / 2)));
  EXPECT_EQ(ok("dur_div", Args().i64(-7).i64(2)), enc(Args().i64(-3)));  // toward zero
  traps("dur_div", Args().i64(1).i64(0), "division by zero");
  traps("dur_div", Args().i64(INT64_MIN).i64(-1), "Duration overflow");
  EXPECT_EQ(ok("dur_days", Args().i64(36 * 3600)), enc(Args().i64(1)));
  EXPECT_EQ(ok("dur_days", Args().i64(-36 * 3600)), enc(Args().i64(-1)));
  EXPECT_EQ(ok("dur_days", Args().i64(kDay - 1)), enc(Args().i64(0)));
  EXPECT_EQ(ok("dur_seconds", Args().i64(-5)), enc(Args().i64(-5)));
  EXPECT_EQ(ok("between", Args().i32(days_of(2024, 1, 1)).i32(days_of(2025, 1, 1))), enc(Args().i64(366)));
  EXPECT_EQ(ok("between", Args().i32(days_of(2025, 3, 1)).i32(days_of(2025, 2, 1))), enc(Args().i64(-28)));
}

TEST_P(Language, MinMaxAbs) {
  // min*1000 + max + (a.min(b) - a.max(b)) + (b.max(a) - b.min(a)) = min*1000 + max.
  EXPECT_EQ(ok("min_max", Args().i64(-4).i64(9)), enc(Args().i64(-4 * 1000 + 9)));
  EXPECT_EQ(ok("min_max", Args().i64(9).i64(-4)), enc(Args().i64(-4 * 1000 + 9)));
  EXPECT_EQ(ok("min_money", Args().money(-5, "USD").money(3, "USD")), enc(Args().money(-5, "USD")));
  EXPECT_EQ(ok("max_money", Args().money(-5, "USD").money(3, "USD")), enc(Args().money(3, "USD")));
  traps("min_money", Args().money(1, "USD").money(1, "EUR"), "currency mismatch");
  EXPECT_EQ(ok("abs_i8", Args().u8(static_cast<uint8_t>(-127))), enc(Args().u8(127)));
  traps("abs_i8", Args().u8(0x80), "integer overflow");
  EXPECT_EQ(ok("abs_money", Args().money(-250, "JPY")), enc(Args().money(250, "JPY")));
  EXPECT_EQ(ok("abs_unsigned", Args().u64(UINT64_MAX)), enc(Args().u64(UINT64_MAX)));
  EXPECT_EQ(ok("min_literal", Args().u32(9)), enc(Args().u32(5)));
  EXPECT_EQ(ok("min_literal", Args().u32(2)), enc(Args().u32(2)));
  EXPECT_EQ(ok("min_dates", Args().i32(days_of(2027, 1, 2)).i32(days_of(2026, 12, 31))),
            enc(Args().i32(days_of(2026, 12, 31))));
}

TEST_P(Language, DateYmdBuildsValidDatesAndTrapsOnOthers) {
  EXPECT_EQ(ok("ymd", Args().i32(2024).u32(2).u32(29)), enc(Args().i32(days_of(2024, 2, 29))));
  EXPECT_EQ(ok("ymd", Args().i32(1969).u32(12).u32(31)), enc(Args().i32(-1)));
  EXPECT_EQ(ok("ymd", Args().i32(-1).u32(3).u32(1)), enc(Args().i32(days_of(-1, 3, 1))));
  traps("ymd", Args().i32(2023).u32(2).u32(29), "invalid date");
  traps("ymd", Args().i32(2027).u32(13).u32(1), "invalid date");
  traps("ymd", Args().i32(2027).u32(4).u32(31), "invalid date");
  traps("ymd", Args().i32(2027).u32(1).u32(0), "invalid date");
  traps("ymd", Args().i32(INT32_MAX).u32(1).u32(1), "invalid date");  // beyond Date's range
}

TEST_P(Language, DateParts) {
  auto parts = [](int64_t y, int64_t m, int64_t d, int64_t wd, int64_t dim, int64_t leap) {
    return enc(Args().u32(6).i64(y).i64(m).i64(d).i64(wd).i64(dim).i64(leap));
  };
  EXPECT_EQ(ok("parts", Args().i32(days_of(2024, 2, 29))), parts(2024, 2, 29, 4, 29, 1));  // a Thursday
  EXPECT_EQ(ok("parts", Args().i32(0)), parts(1970, 1, 1, 4, 31, 0));
  EXPECT_EQ(ok("parts", Args().i32(days_of(2000, 12, 31))), parts(2000, 12, 31, 7, 31, 1));
  EXPECT_EQ(ok("parts", Args().i32(days_of(1900, 2, 1))), parts(1900, 2, 1, 4, 28, 0));
  const chr::sys_days ides{chr::year{-44} / chr::March / chr::day{15}};
  EXPECT_EQ(ok("parts", Args().i32(days_of(-44, 3, 15))),
            parts(-44, 3, 15, chr::weekday{ides}.iso_encoding(), 31, chr::year{-44}.is_leap() ? 1 : 0));
}

TEST_P(Language, AddMonthsClampsToTheMonthsEnd) {
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2027, 1, 31)).i32(1)), enc(Args().i32(days_of(2027, 2, 28))));
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2028, 1, 31)).i32(1)), enc(Args().i32(days_of(2028, 2, 29))));
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2027, 3, 31)).i32(-1)), enc(Args().i32(days_of(2027, 2, 28))));
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2027, 5, 15)).i32(-17)), enc(Args().i32(days_of(2025, 12, 15))));
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2027, 8, 31)).i32(480)), enc(Args().i32(days_of(2067, 8, 31))));
  EXPECT_EQ(ok("add_months", Args().i32(days_of(2027, 8, 31)).i32(0)), enc(Args().i32(days_of(2027, 8, 31))));
  traps("add_months", Args().i32(INT32_MAX).i32(INT32_MAX), "date overflow");
}

INSTANTIATE_TEST_SUITE_P(Levels, Language, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

}  // namespace
}  // namespace tenor::test
