// The standard library (stdlib/std/*.tnr), compiled through harness.tnr at -O0 and -O2, against the
// independent reference (reference.hpp: Boost.Multiprecision and <chrono>) on seeded random cases:
// dates across leap years and month ends (31st, end of February), rates 0-100 %, amounts up to
// 10^12 major units, every rounding mode, schedules of up to 480 periods.
//
// TENOR_STD_SEED=<n> replaces the default seed (printed by every test).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <iostream>
#include <memory>

#include "exact_reference.hpp"
#include "harness.hpp"
#include "reference.hpp"

namespace tenor::test {
namespace {

namespace ref = std_reference;
using ref::Int;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint64_t base_seed() {
  if (const char* s = std::getenv("TENOR_STD_SEED")) return std::strtoull(s, nullptr, 0);
  return 0x57d1'2026'1207'0001ull;
}

std::string show_date(int32_t d) {
  const ref::Ymd v = ref::ymd(d);
  return std::to_string(v.y) + "-" + std::to_string(v.m) + "-" + std::to_string(v.d);
}

i128 to_i128(const Int& v) { return narrow(cpp_int(v.str())); }
Int to_int(i128 v) { return Int(big(v).str()); }

// A little-endian Borsh reader of the harness's results.
struct Out {
  const Bytes& b;
  std::size_t at = 0;
  template <typename T>
  T fixed() {
    T v = 0;
    for (std::size_t k = 0; k < sizeof(T); ++k) v |= static_cast<T>(static_cast<T>(b.at(at + k)) << (8 * k));
    at += sizeof(T);
    return v;
  }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed<std::uint64_t>()); }
  i128 i128v() { return static_cast<i128>(fixed<u128>()); }
  Int money() {
    const i128 v = i128v();
    at += 3;  // the currency
    return to_int(v);
  }
  bool done() const { return at == b.size(); }
};

class StdLibrary : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  void SetUp() override {
    c = std::make_unique<Deployed>(read(TENOR_STD_HARNESS), GetParam(), "harness.tnr");
    ASSERT_TRUE(c->build.ok());
  }
  // Calls `entry`; the result's bytes, or nullopt with the failure in `why`.
  std::optional<Bytes> call(const std::string& entry, const Args& args, std::string& why) {
    Bytes in = Args().str(entry).bytes();
    Bytes a = args.bytes();
    in.insert(in.end(), a.begin(), a.end());
    ExecResult r = c->run("tenor_entry", in, 2'000'000'000);
    if (!r.ok()) {
      why = status_text(r);
      return std::nullopt;
    }
    return r.output;
  }
  // Runs `cases` seeded cases of `name`; each returns "" or what went wrong. Stops at 10 failures.
  void run(const std::string& name, int cases, const std::function<std::string(SplitMix64&)>& one) {
    const std::uint64_t seed = base_seed() ^ std::hash<std::string>{}(name);
    std::cout << "[ seed     ] " << name << ": 0x" << std::hex << seed << std::dec << " (TENOR_STD_SEED)\n";
    SplitMix64 g{seed};
    int failures = 0;
    for (int i = 0; i < cases && failures < 10; ++i) {
      const std::string bad = one(g);
      if (!bad.empty()) {
        ++failures;
        ADD_FAILURE() << name << " (seed 0x" << std::hex << seed << std::dec << ") case " << i << ": " << bad;
      }
    }
  }
  std::unique_ptr<Deployed> c;
};

// --- generators ---------------------------------------------------------------------------------

// A date from 1900 to 2199, one in three at a month's end or on the 28th to 31st.
int32_t random_date(SplitMix64& g) {
  const int y = static_cast<int>(g.range(1900, 2199));
  const unsigned m = static_cast<unsigned>(g.range(1, 12));
  const unsigned last = ref::days_in_month(y, m);
  unsigned d = static_cast<unsigned>(g.range(1, last));
  if (g.below(3) == 0) d = std::min<unsigned>(last, static_cast<unsigned>(g.range(28, 31)));
  return ref::date(y, m, d);
}
// An end date from the same day to ~30 years later (or, one in ten, before the start).
int32_t random_end(SplitMix64& g, int32_t start) {
  const std::int64_t span = g.below(4) == 0 ? g.range(0, 11'000) : g.range(0, 800);
  int32_t end = static_cast<int32_t>(start + (g.below(10) == 0 ? -span : span));
  if (g.below(3) == 0) {  // move to its month's end
    const ref::Ymd v = ref::ymd(end);
    end = ref::date(v.y, v.m, ref::days_in_month(v.y, v.m));
  }
  return end;
}
// Minor units up to 10^14 (10^12 major units), log-uniform.
Int random_amount(SplitMix64& g) { return Int(g.next() % (std::uint64_t{1} << g.range(1, 46))) + 1; }
// A Rate x 10^9 from 0 to 100 %, one in ten exactly 0.
std::int64_t random_rate(SplitMix64& g) {
  if (g.below(10) == 0) return 0;
  return g.below(2) == 0 ? g.range(0, 1'000'000'000) : g.range(0, 150'000'000);
}
ref::Rounding random_mode(SplitMix64& g) { return ref::kAllRoundings[g.below(7)]; }

Args& money_arg(Args& a, const Int& minor) { return a.money(to_i128(minor), "USD"); }

std::string show_schedule(const std::vector<ref::Installment>& s) {
  std::string out;
  for (const auto& i : s)
    out += "\n  " + show_date(i.due) + " pay " + i.payment.str() + " int " + i.interest.str() + " prin " +
           i.principal.str() + " bal " + i.balance.str();
  return out;
}

std::vector<ref::Installment> read_schedule(const Bytes& b) {
  Out o{b};
  std::vector<ref::Installment> s(o.u32());
  for (auto& i : s) {
    i.due = o.i32();
    i.payment = o.money();
    i.interest = o.money();
    i.principal = o.money();
    i.balance = o.money();
  }
  return s;
}

// --- std::daycount --------------------------------------------------------------------------------

TEST_P(StdLibrary, DayCountDaysYearFractionAndAccrueMatchTheReference) {
  run("daycount", 10'000, [&](SplitMix64& g) -> std::string {
    const auto dc = ref::kAllDayCounts[g.below(6)];
    const int32_t a = random_date(g), b = random_end(g, a);
    const Int p = random_amount(g);
    const std::int64_t rate = random_rate(g);
    const ref::Rounding r = random_mode(g);
    const auto dcb = static_cast<std::uint8_t>(dc);
    std::string why;
    const std::string at = "dc " + std::to_string(dcb) + " " + show_date(a) + ".." + show_date(b);
    auto days = call("days", Args().u8(dcb).i32(a).i32(b), why);
    if (!days) return at + " days: " + why;
    if (Out{*days}.i64() != ref::days(dc, a, b)) return at + " days " + std::to_string(Out{*days}.i64());
    auto yf = call("year_fraction", Args().u8(dcb).i32(a).i32(b), why);
    if (!yf) return at + " year_fraction: " + why;
    const Int want_yf =
        ref::rounded(ref::year_fraction(dc, a, b) * Int("1000000000000000000"), ref::Rounding::HalfEven);
    if (to_int(Out{*yf}.i128v()) != want_yf)
      return at + " year_fraction " + to_int(Out{*yf}.i128v()).str() + " want " + want_yf.str();
    Args args;
    money_arg(args, p).i64(rate).u8(dcb).i32(a).i32(b).u8(static_cast<std::uint8_t>(r));
    auto acc = call("accrue", args, why);
    if (!acc) return at + " accrue: " + why;
    const Int want = ref::accrue(p, rate, dc, a, b, r);
    const Int got = Out{*acc}.money();
    if (got != want)
      return at + " accrue " + p.str() + " @" + std::to_string(rate) + ": " + got.str() + " want " + want.str();
    return "";
  });
}

// The library itself (not only the reference) on the examples the definitions publish: ISDA,
// "EMU and Market Conventions: Recent Developments" (1998), the Actual/Actual (ISDA) column, printed
// to 11 digits; and 4.16(f)/(g) and the US end-of-February rules on the definitions' edge cases.
TEST_P(StdLibrary, DayCountOfIsdasPublishedExamples) {
  struct Published {
    int32_t start, end;
    std::int64_t e11;  // the memo's figure x 10^11
  };
  const Published memo[] = {
      {ref::date(2003, 11, 1), ref::date(2004, 5, 1), 49'772'438'056},  // short first period
      {ref::date(1999, 2, 1), ref::date(1999, 7, 1), 41'095'890'411},
      {ref::date(1999, 7, 1), ref::date(2000, 7, 1), 100'137'734'860},
      {ref::date(2002, 8, 15), ref::date(2003, 7, 15), 91'506'849'315},  // long first period
      {ref::date(2003, 7, 15), ref::date(2004, 1, 15), 50'400'479'077},
      {ref::date(1999, 7, 30), ref::date(2000, 1, 30), 50'389'250'693},  // short final period
      {ref::date(2000, 1, 30), ref::date(2000, 6, 30), 41'530'054'645},
  };
  const auto act_act = static_cast<std::uint8_t>(ref::DayCount::ActActIsda);
  std::string why;
  for (const Published& e : memo) {
    auto yf = call("year_fraction", Args().u8(act_act).i32(e.start).i32(e.end), why);
    ASSERT_TRUE(yf) << why;
    const Int got = to_int(Out{*yf}.i128v());  // x 10^18
    const Int published = Int(e.e11) * 10'000'000;
    EXPECT_LE(abs(got - published), Int(10'000'000)) << show_date(e.start) << ".." << show_date(e.end) << ": " << got;
  }
  // 2003-11-01 to 2004-05-01 exactly: 61/365 + 121/366, to 18 digits.
  auto yf = call("year_fraction", Args().u8(act_act).i32(ref::date(2003, 11, 1)).i32(ref::date(2004, 5, 1)), why);
  ASSERT_TRUE(yf) << why;
  EXPECT_EQ(to_int(Out{*yf}.i128v()),
            ref::rounded((ref::Rational(61, 365) + ref::Rational(121, 366)) * Int("1000000000000000000"),
                         ref::Rounding::HalfEven));

  struct Thirty {
    int32_t start, end;
    std::int64_t bond, us, euro;
  };
  const Thirty thirty[] = {
      {ref::date(2007, 1, 15), ref::date(2007, 7, 15), 180, 180, 180},
      {ref::date(2007, 3, 31), ref::date(2007, 4, 30), 30, 30, 30},     // D1 31 -> 30
      {ref::date(2007, 1, 30), ref::date(2007, 3, 31), 60, 60, 60},     // D2 31 -> 30 as D1 > 29
      {ref::date(2007, 1, 15), ref::date(2007, 3, 31), 76, 76, 75},     // D2 stays 31 but for Eurobond
      {ref::date(2007, 2, 28), ref::date(2008, 2, 29), 361, 360, 361},  // both last of February (US)
      {ref::date(2008, 2, 29), ref::date(2008, 3, 31), 32, 30, 31},     // US: D1 -> 30, then D2 -> 30
      {ref::date(2007, 2, 28), ref::date(2007, 3, 31), 33, 30, 32},
  };
  const auto days_of = [&](ref::DayCount dc, const Thirty& e) {
    auto d = call("days", Args().u8(static_cast<std::uint8_t>(dc)).i32(e.start).i32(e.end), why);
    return d ? Out{*d}.i64() : std::int64_t{-1};
  };
  for (const Thirty& e : thirty) {
    const std::string at = show_date(e.start) + ".." + show_date(e.end);
    EXPECT_EQ(days_of(ref::DayCount::Thirty360, e), e.bond) << at << " " << why;
    EXPECT_EQ(days_of(ref::DayCount::Thirty360Us, e), e.us) << at << " " << why;
    EXPECT_EQ(days_of(ref::DayCount::ThirtyE360, e), e.euro) << at << " " << why;
  }
  // 1,000,000.00 at 5 % for the 90 days from 1 January 2027, Actual/360: 12,500.00 exactly.
  Args a;
  money_arg(a, Int(100'000'000)).i64(50'000'000).u8(static_cast<std::uint8_t>(ref::DayCount::Act360));
  a.i32(ref::date(2027, 1, 1)).i32(ref::date(2027, 4, 1)).u8(static_cast<std::uint8_t>(ref::Rounding::Down));
  auto acc = call("accrue", a, why);
  ASSERT_TRUE(acc) << why;
  EXPECT_EQ(Out{*acc}.money(), Int(1'250'000));
}

// --- std::schedule --------------------------------------------------------------------------------

// Periods: one in four up to 480, the others up to 60.
std::uint32_t random_periods(SplitMix64& g) {
  return static_cast<std::uint32_t>(g.below(4) == 0 ? g.range(1, 480) : g.range(1, 60));
}

TEST_P(StdLibrary, ScheduleEqualPrincipalAndBulletMatchTheReferenceExactly) {
  run("schedule.equal_principal+bullet", 10'000, [&](SplitMix64& g) -> std::string {
    const Int p = random_amount(g);
    const std::int64_t rate = random_rate(g);
    const int32_t first = random_date(g);
    const std::uint32_t n = random_periods(g), months = static_cast<std::uint32_t>(g.range(1, 12));
    const ref::Rounding r = random_mode(g);
    const bool bullet = g.coin();
    Args args;
    money_arg(args, p).i64(rate).i32(first).u32(n).u32(months).u8(static_cast<std::uint8_t>(r));
    std::string why;
    auto out = call(bullet ? "bullet" : "equal_principal", args, why);
    if (!out) return why;
    const auto got = read_schedule(*out);
    const auto want =
        bullet ? ref::bullet(p, rate, first, n, months, r) : ref::equal_principal(p, rate, first, n, months, r);
    if (got != want)
      return std::string(bullet ? "bullet " : "equal_principal ") + p.str() + " @" + std::to_string(rate) + " n " +
             std::to_string(n) + "x" + std::to_string(months) + " mode " + std::to_string(static_cast<int>(r)) +
             "\ngot:" + show_schedule(got) + "\nwant:" + show_schedule(want);
    return "";
  });
}

// The annuity's level payment is computed in Decimal (schedule.tnr): it must be within one minor
// unit of the exactly rounded P i / (1 - (1 + i)^-n), equal to it in all but a few cases in ten
// thousand, and the schedule built on it must be exactly the reference's for that payment.
TEST_P(StdLibrary, AnnuityMatchesTheReference) {
  const int cases = 10'000;
  int off_by_one = 0;
  run("schedule.annuity", cases, [&](SplitMix64& g) -> std::string {
    const Int p = random_amount(g);
    const std::int64_t rate = random_rate(g);
    const int32_t first = random_date(g);
    const std::uint32_t n = random_periods(g), months = static_cast<std::uint32_t>(g.range(1, 12));
    const ref::Rounding r = random_mode(g);
    Args args;
    money_arg(args, p).i64(rate).i32(first).u32(n).u32(months).u8(static_cast<std::uint8_t>(r));
    std::string why;
    auto out = call("annuity", args, why);
    if (!out) return why;
    const auto got = read_schedule(*out);
    const auto exact = ref::annuity(p, rate, first, n, months, r);
    if (got == exact) return "";
    const std::string at = "annuity " + p.str() + " @" + std::to_string(rate) + " n " + std::to_string(n) + "x" +
                           std::to_string(months) + " mode " + std::to_string(static_cast<int>(r));
    if (n < 2 || got.size() != n) return at + "\ngot:" + show_schedule(got) + "\nwant:" + show_schedule(exact);
    const Int payment = got[0].payment;
    if (abs(payment - exact[0].payment) > 1)
      return at + ": level payment " + payment.str() + " want " + exact[0].payment.str();
    const auto on_payment = ref::annuity_with_payment(p, rate, first, n, months, r, payment);
    if (got != on_payment) return at + "\ngot:" + show_schedule(got) + "\nwant:" + show_schedule(on_payment);
    ++off_by_one;
    return "";
  });
  std::cout << "[ annuity  ] level payments one minor unit from the exact rounding: " << off_by_one << " of " << cases
            << "\n";
  EXPECT_LE(off_by_one, cases / 1000);
}

TEST_P(StdLibrary, AnnuityOfPublishedMortgageFigures) {
  // 100,000.00 at 6 % a year, 30 years monthly: 599.55 a month (the standard amortisation
  // figure); at 5 % over 10 years: 1,060.66.
  std::string why;
  Args a;
  auto out = call("annuity",
                  money_arg(a, Int(10'000'000)).i64(60'000'000).i32(ref::date(2027, 1, 31)).u32(360).u32(1).u8(6), why);
  ASSERT_TRUE(out) << why;
  const auto s = read_schedule(*out);
  ASSERT_EQ(s.size(), 360u);
  EXPECT_EQ(s[0].payment, 59'955);
  EXPECT_EQ(s[0].interest, 50'000);
  EXPECT_EQ(s[1].due, ref::date(2027, 2, 28));
  EXPECT_EQ(s[2].due, ref::date(2027, 3, 31));
  EXPECT_EQ(s.back().balance, 0);
  Args b;
  out = call("annuity", money_arg(b, Int(10'000'000)).i64(50'000'000).i32(ref::date(2027, 1, 15)).u32(120).u32(1).u8(6),
             why);
  ASSERT_TRUE(out) << why;
  EXPECT_EQ(read_schedule(*out)[0].payment, 106'066);
}

TEST_P(StdLibrary, ScheduleRejectsBadTerms) {
  std::string why;
  Args a;
  EXPECT_FALSE(call("annuity", money_arg(a, Int(100)).i64(0).i32(0).u32(0).u32(1).u8(6), why));
  EXPECT_NE(why.find("1 to 480 periods"), std::string::npos) << why;
  Args b;
  EXPECT_FALSE(call("bullet", money_arg(b, Int(100)).i64(0).i32(0).u32(481).u32(1).u8(6), why));
  EXPECT_NE(why.find("1 to 480 periods"), std::string::npos) << why;
}

// --- std::money and std::waterfall ----------------------------------------------------------------

TEST_P(StdLibrary, AllocateGivesLargestRemaindersAndAddsUp) {
  run("money.allocate", 10'000, [&](SplitMix64& g) -> std::string {
    Int total = random_amount(g);
    if (g.below(5) == 0) total = -total;
    const auto k = static_cast<std::size_t>(g.range(1, 64));
    std::vector<Int> w;
    Args args;
    money_arg(args, total).u32(static_cast<std::uint32_t>(k));
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint64_t x = g.below(6) == 0 ? 0 : g.below(3) == 0 ? g.range(1, 10) : g.range(1, 1'000'000'000);
      w.emplace_back(x);
      args.i128(static_cast<i128>(x));
    }
    if (std::all_of(w.begin(), w.end(), [](const Int& x) { return x == 0; })) {
      w[0] = 1;
      args = Args();
      money_arg(args, total).u32(static_cast<std::uint32_t>(k));
      for (const Int& x : w) args.i128(to_i128(x));
    }
    std::string why;
    auto out = call("allocate", args, why);
    if (!out) return why;
    Out o{*out};
    std::vector<Int> got(o.u32());
    for (auto& x : got) x = o.money();
    if (got != ref::allocate(total, w)) return "allocate " + total.str() + " over " + std::to_string(k) + " weights";
    return "";
  });
  std::string why;
  Args zero;
  money_arg(zero, Int(100)).u32(2).i128(0).i128(0);
  EXPECT_FALSE(call("allocate", zero, why));
  EXPECT_NE(why.find("more than zero"), std::string::npos) << why;
}

TEST_P(StdLibrary, PercentAndBpsRoundOnce) {
  run("money.percent+bps", 10'000, [&](SplitMix64& g) -> std::string {
    const Int m = random_amount(g) * (g.coin() ? 1 : -1);
    const auto x = static_cast<std::uint32_t>(g.range(0, 20'000));
    const ref::Rounding r = random_mode(g);
    const bool bps = g.coin();
    Args args;
    money_arg(args, m).u32(x).u8(static_cast<std::uint8_t>(r));
    std::string why;
    auto out = call(bps ? "bps" : "percent", args, why);
    if (!out) return why;
    const Int want = ref::rounded(ref::Rational(m * x, bps ? 10'000 : 100), r);
    if (Out{*out}.money() != want) return (bps ? "bps " : "percent ") + m.str() + " x " + std::to_string(x);
    return "";
  });
}

TEST_P(StdLibrary, WaterfallPaysEachBucketInOrder) {
  run("waterfall.apply", 10'000, [&](SplitMix64& g) -> std::string {
    const Int pay = g.below(10) == 0 ? Int(0) : random_amount(g);
    const auto k = static_cast<std::size_t>(g.range(0, 16));
    std::vector<Int> dues;
    Args args;
    money_arg(args, pay).u32(static_cast<std::uint32_t>(k));
    for (std::size_t i = 0; i < k; ++i) {
      dues.push_back(g.below(8) == 0 ? Int(0) : random_amount(g));
      money_arg(args, dues.back());
    }
    std::string why;
    auto out = call("apply_waterfall", args, why);
    if (!out) return why;
    Out o{*out};
    ref::Applied got;
    got.paid.resize(o.u32());
    for (auto& x : got.paid) x = o.money();
    got.remaining = o.money();
    if (!(got == ref::apply_waterfall(pay, dues))) return "waterfall of " + pay.str() + " over " + std::to_string(k);
    return "";
  });
}

// --- std::dates and the Date methods --------------------------------------------------------------

TEST_P(StdLibrary, BusinessDayConventionsMatchTheReference) {
  run("dates.adjust", 10'000, [&](SplitMix64& g) -> std::string {
    const int32_t d = random_date(g);
    std::vector<int32_t> holidays;
    const auto h = static_cast<std::size_t>(g.range(0, 30));
    for (std::size_t i = 0; i < h; ++i) holidays.push_back(static_cast<int32_t>(d + g.range(-10, 10)));
    const auto conv = static_cast<ref::BusinessDay>(g.below(3));
    const auto hol = [&](Args& a) -> Args& {
      a.u32(static_cast<std::uint32_t>(holidays.size()));
      for (int32_t x : holidays) a.i32(x);
      return a;
    };
    std::string why;
    Args a1;
    a1.i32(d).u8(static_cast<std::uint8_t>(conv));
    auto adj = call("adjust", hol(a1), why);
    if (!adj) return why;
    if (Out{*adj}.i32() != ref::adjust(d, conv, holidays))
      return "adjust " + show_date(d) + " convention " + std::to_string(static_cast<int>(conv));
    Args a2;
    a2.i32(d);
    auto bd = call("is_business_day", hol(a2), why);
    if (!bd) return why;
    if (((*bd).at(0) == 1) != ref::is_business_day(d, holidays)) return "is_business_day " + show_date(d);
    return "";
  });
}

TEST_P(StdLibrary, DateMethodsMatchChrono) {
  run("Date methods", 10'000, [&](SplitMix64& g) -> std::string {
    const int32_t d = g.below(8) == 0 ? static_cast<int32_t>(g.range(-800'000, 800'000)) : random_date(g);
    const auto n = static_cast<int32_t>(g.range(-600, 600));
    std::string why;
    auto out = call("parts", Args().i32(d).i32(n), why);
    if (!out) return why;
    Out o{*out};
    const ref::Ymd v = ref::ymd(d);
    const std::int64_t want[] = {v.y,
                                 v.m,
                                 v.d,
                                 ref::iso_weekday(d),
                                 ref::days_in_month(v.y, v.m),
                                 ref::is_leap(v.y) ? 1 : 0,
                                 ref::add_months(d, n),
                                 d};
    if (o.u32() != 8) return "parts: not 8 values";
    for (std::int64_t w : want)
      if (o.i64() != w) return "Date " + show_date(d) + " add_months " + std::to_string(n);
    return "";
  });
}

INSTANTIATE_TEST_SUITE_P(Levels, StdLibrary, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// docs/std.md's example, as the page shows it: built with its `use std::...` lines, and its two
// views against the reference.
class StdDocs : public testing::TestWithParam<compiler::OptLevel> {};

TEST_P(StdDocs, ThePagesExampleBuildsAndAgreesWithTheReference) {
  const std::string md = read(std::string(TENOR_DOCS_DIR) + "/std.md");
  const std::string open = "```tenor\n";
  const std::size_t at = md.find(open);
  ASSERT_NE(at, std::string::npos) << "docs/std.md has no ```tenor block";
  const std::size_t start = at + open.size();
  const std::string source = md.substr(start, md.find("```", start) - start);
  Deployed c(source, GetParam(), "example.tnr");
  ASSERT_TRUE(c.build.ok());
  const auto call = [&](const std::string& entry, const Args& args) {
    Bytes in = Args().str(entry).bytes();
    const Bytes a = args.bytes();
    in.insert(in.end(), a.begin(), a.end());
    return c.run("tenor_entry", in, 2'000'000'000);
  };
  // interest(1,234,567.89 USD, 4.75 %, 2027-01-31, 2027-08-31), Actual/360, HalfEven.
  const Int p = 123'456'789;
  const std::int64_t rate = 47'500'000;
  Args a;
  money_arg(a, p).i64(rate).i32(ref::date(2027, 1, 31)).i32(ref::date(2027, 8, 31));
  ExecResult r = call("interest", a);
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(Out{r.output}.money(), ref::accrue(p, rate, ref::DayCount::Act360, ref::date(2027, 1, 31),
                                               ref::date(2027, 8, 31), ref::Rounding::HalfEven));
  // plan(250,000.00 USD, 6.5 %, 2027-02-28): 360 monthly level payments.
  Args b;
  money_arg(b, Int(25'000'000)).i64(65'000'000).i32(ref::date(2027, 2, 28));
  r = call("plan", b);
  ASSERT_TRUE(r.ok()) << status_text(r);
  const auto got = read_schedule(r.output);
  const auto want = ref::annuity(Int(25'000'000), 65'000'000, ref::date(2027, 2, 28), 360, 1, ref::Rounding::HalfEven);
  ASSERT_EQ(got.size(), 360u);
  EXPECT_EQ(got, want) << "got:" << show_schedule(got) << "\nwant:" << show_schedule(want);
  EXPECT_EQ(got.back().balance, 0);
}

INSTANTIATE_TEST_SUITE_P(Levels, StdDocs, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

}  // namespace
}  // namespace tenor::test
