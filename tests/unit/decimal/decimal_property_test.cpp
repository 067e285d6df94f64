// Decimal and the fixed-point methods in compiled contracts, against an independent host
// reference on Boost.Multiprecision `cpp_int` (exact rational, then rounded per mode by
// exact_reference.hpp's round_div, which shares nothing with the runtime): Decimal mul, div, pow,
// to_int and to_rate, Money.apply(Decimal), Rate.mul and Rate.div, 10,000 seeded random cases per
// function spread over every rounding mode (boundary values, i128 limits, constructed exact halves
// and negative values among them), at -O2 and at -O0. Results outside their type must trap with
// "overflow" and the call's source location; division by zero must trap too.
//
// TENOR_DECIMAL_SEED=<n> in the environment replaces the default seed (printed by every test).
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "exact_reference.hpp"
#include "harness.hpp"

namespace tenor::test {
namespace {

const cpp_int kOne = cpp_int(1'000'000'000'000'000'000);  // Decimal: x 10^18
const cpp_int kRateOne = cpp_int(1'000'000'000);          // Rate: x 10^9
constexpr i128 kE18 = 1'000'000'000'000'000'000;
const cpp_int kMax64 = cpp_int(INT64_MAX);
const cpp_int kMin64 = cpp_int(INT64_MIN);

// --- the contract: one view per operation and rounding mode, generated ----------------------------

struct Op {
  std::string name, params, ret, call;  // call: with M for the mode
};

const std::vector<Op> kRoundingOps = {
    {"mul", "a: Decimal, b: Decimal", "Decimal", "a.mul(b, Rounding::M)"},
    {"div", "a: Decimal, b: Decimal", "Decimal", "a.div(b, Rounding::M)"},
    {"pow", "a: Decimal, n: u32", "Decimal", "a.pow(n, Rounding::M)"},
    {"apply", "a: Money, d: Decimal", "Money", "a.apply(d, Rounding::M)"},
    {"to_int", "a: Decimal", "i128", "a.to_int(Rounding::M)"},
    {"to_rate", "a: Decimal", "Rate", "a.to_rate(Rounding::M)"},
    {"rate_mul", "a: Rate, b: Rate", "Rate", "a.mul(b, Rounding::M)"},
    {"rate_div", "a: Rate, b: Rate", "Rate", "a.div(b, Rounding::M)"},
};

const std::vector<Op> kPlainOps = {
    {"add", "a: Decimal, b: Decimal", "Decimal", "a + b"},
    {"sub", "a: Decimal, b: Decimal", "Decimal", "a - b"},
    {"neg", "a: Decimal", "Decimal", "-a"},
    {"from_i128", "n: i128", "Decimal", "n.to_decimal()"},
    {"from_u128", "n: u128", "Decimal", "n.to_decimal()"},
    {"from_i8", "n: i8", "Decimal", "n.to_decimal()"},
    {"from_u64", "n: u64", "Decimal", "n.to_decimal()"},
    {"from_rate", "r: Rate", "Decimal", "r.to_decimal()"},
    {"tiny", "", "Decimal", "0.000000000000000001"},
    {"min", "", "Decimal", "-170141183460469231731.687303715884105728"},
    {"folded", "", "Decimal", "1.5 + 0.25 - 3.000000000000000001"},
    // Unsuffixed integer literals where a Decimal is expected are Decimals.
    {"whole", "a: Decimal", "Decimal", "a + 2 - 1000"},
    {"whole_folded", "", "Decimal", "-7 + 0.5"},
};

struct Source {
  std::string text;
  std::map<std::string, std::string> where;  // view name -> "decimal.tnr:L:C" of its expression
};

Source make_source() {
  Source s;
  s.text = "contract DecimalOps\n\n";
  int line = 3;
  auto add = [&](const std::string& view, const Op& op, const std::string& call) {
    s.text += "view " + view + "(" + op.params + ") -> " + op.ret + " {\n  return " + call + ";\n}\n\n";
    // Binary operators trap at the operator (`a + b`: column 12), methods at their receiver.
    const bool binary = call == "a + b" || call == "a - b";
    s.where[view] = "decimal.tnr:" + std::to_string(line + 1) + (binary ? ":12" : ":10");
    line += 4;
  };
  for (const Op& op : kRoundingOps)
    for (int m = 0; m < 7; ++m) {
      std::string call = op.call;
      call.replace(call.find("::M"), 3, std::string("::") + kModes[m]);
      add(op.name + "_" + kModes[m], op, call);
    }
  for (const Op& op : kPlainOps) add(op.name, op, op.call);
  s.text += compare_view("Decimal");
  return s;
}

const Source& source() {
  static const Source s = make_source();
  return s;
}

// --- expectations ------------------------------------------------------------------------------

struct Want {
  std::optional<Bytes> out;
  std::vector<std::string> trap;
  std::string text;
};

Bytes i128_bytes(const cpp_int& v) { return Args().i128(narrow(v)).bytes(); }

// A result of `type` ("Decimal", "i128", "Rate", "Money") or an overflow trap at `where`.
Want result(const cpp_int& v, const std::string& type, const std::string& where) {
  const bool rate = type == "Rate";
  if (rate ? (v < kMin64 || v > kMax64) : !fits(v)) return Want{{}, {"overflow", where}, "overflow at " + where};
  Bytes out = rate              ? Args().i64(static_cast<std::int64_t>(v)).bytes()
              : type == "Money" ? Args().money(narrow(v), "USD").bytes()
                                : i128_bytes(v);
  return Want{out, {}, v.str()};
}

Want trap(std::vector<std::string> pieces) {
  std::string t = "trap:";
  for (const auto& p : pieces) t += " " + p;
  return Want{{}, std::move(pieces), t};
}

std::string show(const ExecResult& r) {
  if (r.status == ExecStatus::Ok) {
    std::string s = "ok";
    for (auto b : r.output) s += " " + std::to_string(b);
    return s;
  }
  return std::string(vm::to_string(r.status)) + " \"" + r.message + "\"";
}

bool matches(const Want& w, const ExecResult& r) {
  if (!w.trap.empty()) {
    if (r.status != ExecStatus::Trap) return false;
    for (const auto& p : w.trap)
      if (r.message.find(p) == std::string::npos) return false;
    return true;
  }
  return r.status == ExecStatus::Ok && r.output == *w.out;
}

std::uint64_t base_seed() {
  if (const char* s = std::getenv("TENOR_DECIMAL_SEED")) return std::strtoull(s, nullptr, 0);
  return 0xdec1'2026'1207'0001ull;
}

// --- the host reference ------------------------------------------------------------------------

cpp_int ref_pow(const cpp_int& a, std::uint32_t n, Mode m, bool& overflow) {
  overflow = false;
  if (n == 0) return kOne;
  int top = 31;
  while (((n >> top) & 1) == 0) --top;
  cpp_int r = a;  // 1 * a at the highest bit: exact
  for (int bit = top - 1; bit >= 0; --bit) {
    r = round_div(r * r, kOne, m);
    if (!fits(r)) return overflow = true, r;
    if ((n >> bit) & 1) {
      r = round_div(r * a, kOne, m);
      if (!fits(r)) return overflow = true, r;
    }
  }
  return r;
}

// --- random values -----------------------------------------------------------------------------

i128 random_decimal(SplitMix64& g) {
  const i128 sign = g.coin() ? -1 : 1;
  switch (g.below(11)) {
    case 0: return 0;
    case 1: return g.range(-1000, 1000);                            // a few units of 10^-18
    case 2: return sign * kE18 * g.range(0, 1000);                  // whole numbers
    case 3: return sign * (kE18 + g.range(-kE18 / 10, kE18 / 10));  // discount factors, growth
    case 4: return static_cast<std::int64_t>(g.next());
    case 5: return g.coin() ? kI128Max - g.range(0, 1000) : kI128Min + g.range(0, 1000);
    case 6: return static_cast<i128>(g.bits128());
    case 7: return g.magnitude(static_cast<int>(g.below(128)));
    case 8: return sign * (kE18 * g.range(0, 1'000'000) + kE18 / 2);  // k.5
    case 9: {
      const i128 special[] = {kE18, -kE18, kE18 / 2, -kE18 / 2, 2 * kE18, 1, -1, kI128Max, kI128Min, 0};
      return special[g.below(std::size(special))];
    }
    default: return sign * static_cast<i128>(g.next() >> 4) * g.range(1, 1 << 20);
  }
}

std::int64_t random_rate(SplitMix64& g) {
  switch (g.below(6)) {
    case 0: return 0;
    case 1: return g.range(-2'000'000'000, 2'000'000'000);
    case 2: return g.coin() ? INT64_MAX - g.range(0, 10) : INT64_MIN + g.range(0, 10);
    case 3: {
      const std::int64_t special[] = {1, -1, 500'000'000, -500'000'000, 1'000'000'000, -1'000'000'000, 2'000'000'000};
      return special[g.below(std::size(special))];
    }
    case 4: return static_cast<std::int64_t>(g.next() >> g.below(64));
    default: return static_cast<std::int64_t>(g.next());
  }
}

// An odd multiple of half the unit `half2` (2 * half2 is the divisor): a tie after the division.
i128 odd(SplitMix64& g, int bits) {
  const i128 m = g.magnitude(1 + static_cast<int>(g.below(static_cast<std::uint64_t>(bits))));
  return 2 * (m / 2) + (m < 0 ? -1 : 1);
}

// --- the cases ---------------------------------------------------------------------------------

struct Case {
  std::string what;
  Bytes input;
  Want want;
};

using Gen = std::function<Case(SplitMix64&, Mode, const std::string& view, const std::string& where)>;

Case mul_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  i128 a = random_decimal(g), b = random_decimal(g);
  if (g.below(5) == 0) a = odd(g, 100), b = g.coin() ? kE18 / 2 : -3 * kE18 / 2;  // a * b / 10^18 = n.5
  return {v + "(" + str(a) + ", " + str(b) + ")", Args().str(v).i128(a).i128(b).bytes(),
          result(round_div(big(a) * big(b), kOne, m), "Decimal", w)};
}

Case div_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  i128 a = random_decimal(g), b = g.below(8) == 0 ? g.range(-3, 3) : random_decimal(g);
  if (g.below(5) == 0) a = odd(g, 100), b = g.coin() ? 2 * kE18 : -2 * kE18;  // a / 2: n.5 units
  Case c{v + "(" + str(a) + ", " + str(b) + ")", Args().str(v).i128(a).i128(b).bytes(), {}};
  c.want = b == 0 ? trap({"division by zero", w}) : result(round_div(big(a) * kOne, big(b), m), "Decimal", w);
  return c;
}

Case pow_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  i128 a;
  switch (g.below(4)) {
    case 0: a = kE18 + g.range(-kE18 / 20, kE18 / 20); break;
    case 1: a = kE18 * g.range(-3, 3) + (g.coin() ? kE18 / 2 : 0); break;
    case 2: a = g.range(-1'000'000, 1'000'000) * 1'000'000'000'000; break;
    default: a = random_decimal(g); break;
  }
  const std::uint32_t n =
      g.below(10) == 0 ? static_cast<std::uint32_t>(g.next()) : static_cast<std::uint32_t>(g.below(40));
  bool overflow = false;
  const cpp_int want = ref_pow(big(a), n, m, overflow);
  return {v + "(" + str(a) + ", " + std::to_string(n) + ")", Args().str(v).i128(a).u32(n).bytes(),
          overflow ? trap({"Decimal overflow", w}) : result(want, "Decimal", w)};
}

Case apply_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  i128 a = random_decimal(g), d = random_decimal(g);
  if (g.below(5) == 0) a = odd(g, 120), d = g.coin() ? kE18 / 2 : -kE18 / 2;  // odd minor units x 0.5
  return {v + "(" + str(a) + " USD, " + str(d) + ")", Args().str(v).money(a, "USD").i128(d).bytes(),
          result(round_div(big(a) * big(d), kOne, m), "Money", w)};
}

Case to_int_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  const i128 a = random_decimal(g);
  return {v + "(" + str(a) + ")", Args().str(v).i128(a).bytes(), result(round_div(big(a), kOne, m), "i128", w)};
}

Case to_rate_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  i128 a = random_decimal(g);
  if (g.below(5) == 0) a = odd(g, 60) * 500'000'000;  // n.5 units of 10^-9
  return {v + "(" + str(a) + ")", Args().str(v).i128(a).bytes(),
          result(round_div(big(a), kOne / kRateOne, m), "Rate", w)};
}

Case rate_mul_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  std::int64_t a = random_rate(g), b = random_rate(g);
  if (g.below(5) == 0) a = static_cast<std::int64_t>(odd(g, 50)), b = g.coin() ? 500'000'000 : -1'500'000'000;
  return {v + "(" + std::to_string(a) + ", " + std::to_string(b) + ")", Args().str(v).i64(a).i64(b).bytes(),
          result(round_div(cpp_int(a) * b, kRateOne, m), "Rate", w)};
}

Case rate_div_case(SplitMix64& g, Mode m, const std::string& v, const std::string& w) {
  std::int64_t a = random_rate(g), b = g.below(8) == 0 ? g.range(-2, 2) : random_rate(g);
  if (g.below(5) == 0) a = static_cast<std::int64_t>(odd(g, 50)), b = g.coin() ? 2'000'000'000 : -2'000'000'000;
  Case c{v + "(" + std::to_string(a) + ", " + std::to_string(b) + ")", Args().str(v).i64(a).i64(b).bytes(), {}};
  c.want = b == 0 ? trap({"division by zero", w}) : result(round_div(cpp_int(a) * kRateOne, cpp_int(b), m), "Rate", w);
  return c;
}

class DecimalProperty : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    o2_ = std::make_unique<Deployed>(source().text, compiler::OptLevel::O2, "decimal.tnr");
    o0_ = std::make_unique<Deployed>(source().text, compiler::OptLevel::O0, "decimal.tnr");
  }
  static void TearDownTestSuite() {
    o2_.reset();
    o0_.reset();
  }

  // `cases` calls of the rounding op `name` (modes in turn), each at -O2 and at -O0.
  void run(const std::string& name, const Gen& gen, int cases = 10'000) {
    ASSERT_TRUE(o2_->build.ok() && o0_->build.ok()) << o2_->build.diagnostics_text();
    const std::uint64_t seed = base_seed() ^ std::hash<std::string>{}(name);
    std::cout << "[ seed     ] " << name << ": 0x" << std::hex << seed << std::dec << " (TENOR_DECIMAL_SEED)\n";
    SplitMix64 g{seed};
    int failures = 0, traps = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cases && failures < 10; ++i) {
      const Mode m = static_cast<Mode>(i % 7);
      const std::string view = name + "_" + kModes[m];
      const Case c = gen(g, m, view, source().where.at(view));
      if (!c.want.trap.empty()) ++traps;
      for (Deployed* d : {o2_.get(), o0_.get()}) {
        const ExecResult r = d->call(c.input);
        if (!matches(c.want, r) && ++failures <= 10)
          ADD_FAILURE() << name << " (seed 0x" << std::hex << seed << std::dec << ") case " << i << " at "
                        << (d == o2_.get() ? "-O2" : "-O0") << ": " << c.what << "\n  expected: " << c.want.text
                        << "\n  got:      " << show(r);
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ cases    ] " << name << ": " << cases << " cases x 2 builds (" << traps << " expected traps), "
              << ms << " ms\n";
  }

  static Want call_plain(const std::string& view, const Bytes& args, Deployed& d, const Want& w) {
    Bytes in = Args().str(view).bytes();
    in.insert(in.end(), args.begin(), args.end());
    const ExecResult r = d.call(in);
    EXPECT_TRUE(matches(w, r)) << view << ": expected " << w.text << ", got " << show(r);
    return w;
  }

  static inline std::unique_ptr<Deployed> o2_, o0_;
};

TEST_F(DecimalProperty, MulRoundsOnceLikeBoost) { run("mul", mul_case); }
TEST_F(DecimalProperty, DivRoundsOnceLikeBoost) { run("div", div_case); }
TEST_F(DecimalProperty, PowRoundsEachStepLikeBoost) { run("pow", pow_case); }
TEST_F(DecimalProperty, MoneyApplyDecimalRoundsOnceLikeBoost) { run("apply", apply_case); }
TEST_F(DecimalProperty, ToIntRoundsLikeBoost) { run("to_int", to_int_case); }
TEST_F(DecimalProperty, ToRateRoundsLikeBoost) { run("to_rate", to_rate_case); }
TEST_F(DecimalProperty, RateMulRoundsOnceLikeBoost) { run("rate_mul", rate_mul_case); }
TEST_F(DecimalProperty, RateDivRoundsOnceLikeBoost) { run("rate_div", rate_div_case); }

TEST_F(DecimalProperty, ExactArithmeticConversionsAndLiterals) {
  ASSERT_TRUE(o2_->build.ok());
  SplitMix64 g{base_seed() ^ 0x5a};
  for (Deployed* d : {o2_.get(), o0_.get()}) {
    auto at = [](const std::string& v) { return source().where.at(v); };
    for (int i = 0; i < 2000; ++i) {
      const i128 a = random_decimal(g), b = random_decimal(g);
      call_plain("add", Args().i128(a).i128(b).bytes(), *d, result(big(a) + big(b), "Decimal", at("add")));
      call_plain("sub", Args().i128(a).i128(b).bytes(), *d, result(big(a) - big(b), "Decimal", at("sub")));
      call_plain("neg", Args().i128(a).bytes(), *d, result(-big(a), "Decimal", at("neg")));
      const int bits = compare_bits(a, b);
      call_plain("compare", Args().i128(a).i128(b).bytes(), *d,
                 Want{Bytes{static_cast<std::uint8_t>(bits)}, {}, std::to_string(bits)});
      const i128 n = random_decimal(g);
      call_plain("from_i128", Args().i128(n).bytes(), *d, result(big(n) * kOne, "Decimal", at("from_i128")));
      const u128 un = g.bits128() >> g.below(128);
      call_plain("from_u128", Args().raw(Args().i128(static_cast<i128>(un)).bytes()).bytes(), *d,
                 result(big_u(un) * kOne, "Decimal", at("from_u128")));
      const std::uint64_t u = g.next();
      call_plain("from_u64", Args().u64(u).bytes(), *d, result(cpp_int(u) * kOne, "Decimal", at("from_u64")));
      const auto s8 = static_cast<std::int8_t>(g.next());
      call_plain("from_i8", Args().raw(Bytes{static_cast<std::uint8_t>(s8)}).bytes(), *d,
                 result(cpp_int(s8) * kOne, "Decimal", at("from_i8")));
      const std::int64_t r = random_rate(g);
      call_plain("from_rate", Args().i64(r).bytes(), *d, result(cpp_int(r) * kRateOne, "Decimal", at("from_rate")));
    }
    call_plain("tiny", {}, *d, result(1, "Decimal", ""));
    call_plain("min", {}, *d, result(kMin128, "Decimal", ""));
    call_plain("folded", {}, *d, result(cpp_int(1'750'000'000'000'000'000) - 3 * kOne - 1, "Decimal", ""));
    call_plain("whole", Args().i128(kE18 / 4).bytes(), *d, result(cpp_int(kE18 / 4) - 998 * kOne, "Decimal", ""));
    call_plain("whole_folded", {}, *d, result(-7 * kOne + kOne / 2, "Decimal", ""));
  }
}

TEST_F(DecimalProperty, BoundariesTrapWithTheSourceLocation) {
  ASSERT_TRUE(o2_->build.ok());
  const auto w = [](const std::string& v) { return source().where.at(v); };
  for (Deployed* d : {o2_.get(), o0_.get()}) {
    call_plain("mul_HalfEven", Args().i128(kI128Max).i128(kE18).bytes(), *d, result(big(kI128Max), "Decimal", ""));
    call_plain("mul_Down", Args().i128(kI128Min).i128(-kE18).bytes(), *d, trap({"Decimal overflow", w("mul_Down")}));
    call_plain("div_Up", Args().i128(kE18).i128(0).bytes(), *d, trap({"division by zero", w("div_Up")}));
    call_plain("div_Floor", Args().i128(kI128Min).i128(-kE18).bytes(), *d, trap({"Decimal overflow", w("div_Floor")}));
    call_plain("pow_HalfUp", Args().i128(0).u32(0).bytes(), *d, result(kOne, "Decimal", ""));
    call_plain("pow_HalfUp", Args().i128(2 * kE18).u32(127).bytes(), *d, trap({"Decimal overflow", w("pow_HalfUp")}));
    call_plain("rate_div_Ceiling", Args().i64(1).i64(0).bytes(), *d, trap({"division by zero", w("rate_div_Ceiling")}));
    call_plain("rate_mul_Down", Args().i64(INT64_MAX).i64(2'000'000'000).bytes(), *d,
               trap({"Rate overflow", w("rate_mul_Down")}));
    call_plain("to_rate_Down", Args().i128(kI128Max).bytes(), *d, trap({"Rate overflow", w("to_rate_Down")}));
    call_plain("apply_Down", Args().money(kI128Max, "USD").i128(2 * kE18).bytes(), *d,
               trap({"Money overflow", w("apply_Down")}));
    call_plain("add", Args().i128(kI128Max).i128(1).bytes(), *d, trap({"Decimal overflow", w("add")}));
    call_plain("neg", Args().i128(kI128Min).bytes(), *d, trap({"Decimal overflow", w("neg")}));
    call_plain("from_i128", Args().i128(kI128Max / kE18 + 1).bytes(), *d, trap({"Decimal overflow", w("from_i128")}));
    call_plain("from_u128", Args().raw(Args().i128(kI128Min).bytes()).bytes(), *d,
               trap({"Decimal overflow", w("from_u128")}));
  }
}

// docs/language.md's Decimal example, built and run against the reference.
TEST(DecimalDocs, LanguageExampleDiscountsLikeBoost) {
  std::ifstream in(std::string(TENOR_DOCS_DIR) + "/language.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  const std::size_t at = md.find("```tenor\ncontract Discounting");
  ASSERT_NE(at, std::string::npos);
  const std::string src = md.substr(at + 9, md.find("```", at + 9) - at - 9);
  Deployed d(src, compiler::OptLevel::O2, "discounting.tnr");
  ASSERT_TRUE(d.build.ok());
  for (const auto& [rate, years] : {std::pair<std::int64_t, std::uint32_t>{35'000'000, 10}, {50'000'000, 30}, {0, 5}}) {
    bool overflow = false;
    const cpp_int growth = kOne + cpp_int(rate) * kRateOne;
    const cpp_int factor = round_div(kOne * kOne, ref_pow(growth, years, HalfEven, overflow), HalfEven);
    ASSERT_FALSE(overflow);
    const ExecResult r = d.call(Args().str("discount_factor").i64(rate).u32(years).bytes());
    EXPECT_EQ(r.output, i128_bytes(factor)) << show(r);
    const ExecResult pv = d.call(Args().str("present_value").money(100'000'000, "USD").i64(rate).u32(years).bytes());
    EXPECT_EQ(pv.output, Args().money(narrow(round_div(cpp_int(100'000'000) * factor, kOne, HalfEven)), "USD").bytes())
        << show(pv);
  }
}

}  // namespace
}  // namespace tenor::test
