// Money and Rate arithmetic in a compiled contract, checked against the same computations done on
// the host with Boost.Multiprecision over thousands of random cases: `divide` and `apply` in every
// rounding mode, `times`, `+`, `-`, unary `-` and the comparisons. Amounts mix magnitudes (zero,
// small, around 1e18, around +-2^126, the i128 extremes, random bit lengths) and half-way ties are
// constructed on purpose. Results that do not fit in i128 must stop with a trap saying "overflow"
// and naming the operation's source location (money.tnr:L:C); so must a division by zero and a
// currency mismatch. Unsigned factors and divisors (u128 up to 2^128 - 1) are covered too. A
// smaller sample checks that -O0 and -O2 give identical results.
//
// The pseudo-random cases are reproducible: every test prints its seed, and each failure prints
// the case. TENOR_MONEY_SEED=<n> in the environment replaces the default seed.
#include <boost/multiprecision/cpp_int.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "exact_reference.hpp"
#include "harness.hpp"

namespace tenor::test {
namespace {

const std::string kSource = std::string(R"(contract MoneyOps

view times(a: Money, k: i128) -> Money {
  return a.times(k);
}

view times_u128(a: Money, k: u128) -> Money {
  return a.times(k);
}

view times_i8(a: Money, k: i8) -> Money {
  return a.times(k);
}

view divide(a: Money, k: i128, mode: u8) -> Money {
  match mode {
    0u8 => { return a.divide(k, Rounding::Down); }
    1u8 => { return a.divide(k, Rounding::Up); }
    2u8 => { return a.divide(k, Rounding::Floor); }
    3u8 => { return a.divide(k, Rounding::Ceiling); }
    4u8 => { return a.divide(k, Rounding::HalfUp); }
    5u8 => { return a.divide(k, Rounding::HalfDown); }
    6u8 => { return a.divide(k, Rounding::HalfEven); }
    _ => revert("bad mode"),
  }
}

view divide_u64(a: Money, k: u64) -> Money {
  return a.divide(k, Rounding::HalfEven);
}

view divide_u128(a: Money, k: u128) -> Money {
  return a.divide(k, Rounding::Floor);
}

view apply(a: Money, r: Rate, mode: u8) -> Money {
  match mode {
    0u8 => { return a.apply(r, Rounding::Down); }
    1u8 => { return a.apply(r, Rounding::Up); }
    2u8 => { return a.apply(r, Rounding::Floor); }
    3u8 => { return a.apply(r, Rounding::Ceiling); }
    4u8 => { return a.apply(r, Rounding::HalfUp); }
    5u8 => { return a.apply(r, Rounding::HalfDown); }
    6u8 => { return a.apply(r, Rounding::HalfEven); }
    _ => revert("bad mode"),
  }
}

view add(a: Money, b: Money) -> Money {
  return a + b;
}

view sub(a: Money, b: Money) -> Money {
  return a - b;
}

view neg(a: Money) -> Money {
  return -a;
}
)") + compare_view("Money");

// "money.tnr:L:C" of the first character of `needle` (unique in the source) plus `offset`.
std::string loc(std::string_view needle, std::size_t offset = 0) {
  const std::size_t at = kSource.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  EXPECT_EQ(kSource.find(needle, at + 1), std::string_view::npos) << "not unique: " << needle;
  const std::size_t pos = at + offset;
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < pos; ++i)
    if (kSource[i] == '\n') ++line, line_start = i + 1;
  return "money.tnr:" + std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

// --- pseudo-random cases ---------------------------------------------------------------------------

std::uint64_t base_seed() {
  if (const char* s = std::getenv("TENOR_MONEY_SEED")) return std::strtoull(s, nullptr, 0);
  return 0x7e40'2027'0115'0001ull;
}

constexpr i128 kE18 = 1'000'000'000'000'000'000;
constexpr i128 kP126 = i128(1) << 126;

i128 random_amount(SplitMix64& g) {
  const i128 sign = g.coin() ? -1 : 1;
  switch (g.below(10)) {
    case 0: return 0;
    case 1: return g.range(-1000, 1000);
    case 2: return static_cast<std::int64_t>(g.next());
    case 3: return sign * (kE18 + g.range(-1'000'000, 1'000'000));
    case 4: return sign * (kP126 + static_cast<std::int64_t>(g.next()));
    case 5: return g.coin() ? kI128Max - g.range(0, 1000) : kI128Min + g.range(0, 1000);
    case 6: return static_cast<i128>(g.bits128());
    case 7: return g.magnitude(static_cast<int>(g.below(128)));
    case 8: {  // around multiples of 10^9 (Rate's scale)
      const i128 m = g.magnitude(static_cast<int>(g.below(90)));
      const i128 off = g.range(-2, 2);
      return m * 1'000'000'000 + off + (g.coin() ? 500'000'000 : 0);
    }
    default: {
      const i128 m = g.range(1, 1'000'000'000);
      return sign * (kE18 * m + g.range(-1000, 1000));
    }
  }
}

i128 random_divisor(SplitMix64& g) {
  switch (g.below(9)) {
    case 0: return g.range(-10, 10);  // zero included
    case 1: return g.coin() ? 1 : -1;
    case 2: return static_cast<std::int64_t>(g.next());
    case 3: return g.magnitude(static_cast<int>(g.below(128)));
    case 4: return static_cast<i128>(g.bits128());
    case 5: {
      i128 p = 1;
      for (int e = static_cast<int>(g.below(38)); e > 0; --e) p *= 10;
      return g.coin() ? -p : p;
    }
    case 6: {
      const i128 special[] = {0, -1, kI128Min, kI128Max, kP126, -kP126, 2, -2, 3};
      return special[g.below(std::size(special))];
    }
    case 7: return g.range(-1'000'000, 1'000'000);
    default: return g.range(-100, 100);
  }
}

std::int64_t random_rate(SplitMix64& g) {
  switch (g.below(7)) {
    case 0: return 0;
    case 1:
    case 2: return g.range(0, 2'000'000'000);
    case 3: return g.range(-2'000'000'000, 0);
    case 4: {
      const std::int64_t special[] = {1,
                                      -1,
                                      500'000'000,
                                      250'000'000,
                                      1'000'000'000,
                                      2'000'000'000,
                                      1'500'000'000,
                                      -500'000'000,
                                      -1'000'000'000,
                                      999'999'999,
                                      1'000'000'001,
                                      35'000'000};
      return special[g.below(std::size(special))];
    }
    case 5: return static_cast<std::int64_t>(g.next());  // huge: overflows with large amounts
    default: return g.coin() ? INT64_MIN : INT64_MAX;
  }
}

// amount * rate / 10^9 lies exactly half-way between two integers.
std::pair<i128, std::int64_t> tie_for_rate(SplitMix64& g) {
  const i128 m = g.magnitude(static_cast<int>(g.below(90)));
  switch (g.below(5)) {
    case 0: return {m * 1'000'000'000 + (m < 0 ? -500'000'000 : 500'000'000), g.coin() ? 1 : -1};
    case 1: return {2 * m + 1, 500'000'000};  // odd * 0.5
    case 2: return {2 * m + 1, g.coin() ? 1'500'000'000 : -500'000'000};
    case 3: return {4 * m + 2, 250'000'000};   // (4m + 2) * 0.25
    default: return {4 * m + 2, 750'000'000};  // (4m + 2) * 0.75
  }
}

// n and d (d even) with n / d exactly half-way between two integers.
std::pair<i128, i128> tie_for_divisor(SplitMix64& g) {
  for (;;) {
    const i128 half = g.magnitude(1 + static_cast<int>(g.below(60)));
    const i128 q = g.magnitude(static_cast<int>(g.below(64)));
    const cpp_int n = big(q) * 2 * big(half) + big(half);
    if (fits(n)) return {narrow(n), 2 * half};
  }
}

// --- encoding ------------------------------------------------------------------------------------

Bytes le128(u128 v) {
  Bytes b(16);
  for (int i = 0; i < 16; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return b;
}

std::string hex_bytes(const Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto c : b) s += d[c >> 4], s += d[c & 15];
  return s;
}

std::string show(const ExecResult& r) {
  std::string s = std::string(vm::to_string(r.status));
  if (r.status == ExecStatus::Ok) {
    if (r.output.size() == 19) {
      u128 m = 0;
      for (int i = 15; i >= 0; --i) m = (m << 8) | r.output[i];
      s += " " + str(static_cast<i128>(m)) + " " + std::string(r.output.begin() + 16, r.output.end());
    } else {
      s += " output=" + hex_bytes(r.output);
    }
  } else {
    s += " \"" + r.message + "\" output=\"" + std::string(r.output.begin(), r.output.end()) + "\"";
  }
  return s;
}

// What a call must produce: a Money value, a u8, or a trap whose message contains every piece.
struct Want {
  std::optional<cpp_int> money;
  std::string currency = "USD";
  std::optional<std::uint8_t> byte;
  std::vector<std::string> trap;

  static Want value(cpp_int v, std::string cur = "USD") { return Want{std::move(v), std::move(cur), {}, {}}; }
  static Want trap_with(std::vector<std::string> pieces) { return Want{{}, "", {}, std::move(pieces)}; }
  // A Money result: the value when it fits in i128, otherwise an overflow trap at `where`.
  static Want money_or_overflow(const cpp_int& v, const std::string& where, std::string cur = "USD") {
    if (fits(v)) return value(v, std::move(cur));
    return trap_with({"overflow", where});
  }

  std::string text() const {
    if (money) return money->str() + " " + currency;
    if (byte) return "u8 " + std::to_string(*byte);
    std::string s = "trap containing";
    for (const auto& p : trap) s += " \"" + p + "\"";
    return s;
  }

  bool matches(const ExecResult& r) const {
    if (!trap.empty()) {
      if (r.status != ExecStatus::Trap) return false;
      for (const auto& p : trap)
        if (r.message.find(p) == std::string::npos) return false;
      return true;
    }
    if (r.status != ExecStatus::Ok) return false;
    if (byte) return r.output == Bytes{*byte};
    return r.output == Args().money(narrow(*money), currency).bytes();
  }
};

// Runs cases, reporting the first few mismatches with their seed and inputs.
class Checker {
 public:
  Checker(std::string name, std::uint64_t seed) : name_(std::move(name)), seed_(seed) {
    std::cout << "[ seed     ] " << name_ << ": seed 0x" << std::hex << seed_ << std::dec
              << " (TENOR_MONEY_SEED to change)\n";
  }
  ~Checker() {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    std::cout << "[ cases    ] " << name_ << ": " << cases_ << " calls (" << traps_ << " expected traps), " << failures_
              << " mismatches, " << ms << " ms\n";
  }
  void check(Deployed& c, const std::string& what, const Bytes& input, const Want& want) {
    ++cases_;
    if (!want.trap.empty()) ++traps_;
    const ExecResult r = c.call(input);
    if (want.matches(r)) return;
    if (++failures_ <= kMaxReported)
      ADD_FAILURE() << name_ << " (seed 0x" << std::hex << seed_ << std::dec << ") case " << cases_ << ": " << what
                    << "\n  expected: " << want.text() << "\n  got:      " << show(r);
  }
  bool stop() const { return failures_ >= kMaxReported; }
  int cases() const { return cases_; }

 private:
  static constexpr int kMaxReported = 10;
  std::string name_;
  std::uint64_t seed_;
  int cases_ = 0, traps_ = 0, failures_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// --- the operations: input encoding and host expectation ---------------------------------------

struct Case {
  std::string what;
  Bytes input;
  Want want;
};

// The match arm of `divide` for `mode`.
std::string divide_loc(Mode mode) { return loc(std::string("a.divide(k, Rounding::") + kModes[mode] + "); }"); }

Case divide_case(i128 a, i128 k, Mode mode) {
  const std::string where = divide_loc(mode);
  Case c{"divide(" + str(a) + " USD, " + str(k) + ", " + kModes[mode] + ")",
         Args().str("divide").money(a, "USD").i128(k).u8(static_cast<std::uint8_t>(mode)).bytes(),
         {}};
  c.want = k == 0 ? Want::trap_with({"division by zero", where})
                  : Want::money_or_overflow(round_div(big(a), big(k), mode), where);
  return c;
}

Case apply_case(i128 a, std::int64_t rate, Mode mode) {
  const std::string where = loc(std::string("a.apply(r, Rounding::") + kModes[mode] + ")");
  return Case{"apply(" + str(a) + " USD, rate " + std::to_string(rate) + "e-9, " + kModes[mode] + ")",
              Args().str("apply").money(a, "USD").i64(rate).u8(static_cast<std::uint8_t>(mode)).bytes(),
              Want::money_or_overflow(round_div(big(a) * rate, cpp_int(1'000'000'000), mode), where)};
}

Case times_case(i128 a, i128 k) {
  return Case{"times(" + str(a) + " USD, " + str(k) + "i128)", Args().str("times").money(a, "USD").i128(k).bytes(),
              Want::money_or_overflow(big(a) * big(k), loc("return a.times(k);\n}\n\nview times_u128", 7))};
}

Case times_u128_case(i128 a, u128 k) {
  return Case{"times_u128(" + str(a) + " USD, " + big_u(k).str() + "u128)",
              Args().str("times_u128").money(a, "USD").raw(le128(k)).bytes(),
              Want::money_or_overflow(big(a) * big_u(k), loc("return a.times(k);\n}\n\nview times_i8", 7))};
}

Case times_i8_case(i128 a, std::int8_t k) {
  return Case{"times_i8(" + str(a) + " USD, " + std::to_string(k) + "i8)",
              Args().str("times_i8").money(a, "USD").raw(Bytes{static_cast<std::uint8_t>(k)}).bytes(),
              Want::money_or_overflow(big(a) * k, loc("return a.times(k);\n}\n\nview divide", 7))};
}

Case divide_u64_case(i128 a, std::uint64_t k) {
  const std::string where = loc("a.divide(k, Rounding::HalfEven);\n}");
  return Case{"divide_u64(" + str(a) + " USD, " + std::to_string(k) + "u64, HalfEven)",
              Args().str("divide_u64").money(a, "USD").u64(k).bytes(),
              k == 0 ? Want::trap_with({"division by zero", where})
                     : Want::money_or_overflow(round_div(big(a), cpp_int(k), HalfEven), where)};
}

Case divide_u128_case(i128 a, u128 k) {
  const std::string where = loc("a.divide(k, Rounding::Floor);\n}");
  return Case{"divide_u128(" + str(a) + " USD, " + big_u(k).str() + "u128, Floor)",
              Args().str("divide_u128").money(a, "USD").raw(le128(k)).bytes(),
              k == 0 ? Want::trap_with({"division by zero", where})
                     : Want::money_or_overflow(round_div(big(a), big_u(k), Floor), where)};
}

std::string cur_of(SplitMix64& g) { return g.below(20) == 0 ? "EUR" : "USD"; }  // 5% mismatches

Case add_sub_case(bool add, i128 a, i128 b, const std::string& cb) {
  const std::string where = add ? loc("a + b", 2) : loc("a - b", 2);
  Case c{std::string(add ? "add(" : "sub(") + str(a) + " USD, " + str(b) + " " + cb + ")",
         Args().str(add ? "add" : "sub").money(a, "USD").money(b, cb).bytes(),
         {}};
  c.want = cb != "USD" ? Want::trap_with({"currency mismatch", where})
                       : Want::money_or_overflow(add ? big(a) + big(b) : big(a) - big(b), where);
  return c;
}

Case neg_case(i128 a) {
  return Case{"neg(" + str(a) + " USD)", Args().str("neg").money(a, "USD").bytes(),
              Want::money_or_overflow(-big(a), loc("-a;"))};
}

Case compare_case(i128 a, i128 b, const std::string& cb) {
  Case c{"compare(" + str(a) + " USD, " + str(b) + " " + cb + ")",
         Args().str("compare").money(a, "USD").money(b, cb).bytes(),
         {}};
  if (cb != "USD") {
    c.want = Want::trap_with({"currency mismatch", loc("a < b", 2)});  // the first comparison stops
  } else {
    c.want.byte = compare_bits(a, b);
  }
  return c;
}

// Pairs of amounts: independent, equal, neighbours, or chosen to overflow a sum or difference.
std::pair<i128, i128> random_pair(SplitMix64& g) {
  const i128 a = random_amount(g);
  switch (g.below(6)) {
    case 0: return {a, a};
    case 1: return {a, a == kI128Max ? a - 1 : a + 1};
    case 2: return {a, g.coin() ? kI128Max - g.range(0, 3) : kI128Min + g.range(0, 3)};
    default: return {a, random_amount(g)};
  }
}

// --- the fixture: one build per optimisation level for the whole suite ------------------------

class MoneyProperty : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    o2_ = std::make_unique<Deployed>(kSource, compiler::OptLevel::O2, "money.tnr");
    o0_ = std::make_unique<Deployed>(kSource, compiler::OptLevel::O0, "money.tnr");
  }
  static void TearDownTestSuite() {
    o2_.reset();
    o0_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(o2_->build.ok()) << o2_->build.diagnostics_text();
    ASSERT_TRUE(o0_->build.ok()) << o0_->build.diagnostics_text();
  }
  // A seed of its own for every test, so that each one can be rerun alone.
  static std::uint64_t seed_for(std::string_view test) {
    std::uint64_t h = base_seed();
    for (char c : test) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
    return h;
  }
  static void run(Checker& ck, const Case& c, Deployed& d) { ck.check(d, c.what, c.input, c.want); }

  static std::unique_ptr<Deployed> o2_, o0_;
};

std::unique_ptr<Deployed> MoneyProperty::o2_, MoneyProperty::o0_;

TEST_F(MoneyProperty, DivideRoundsLikeBoostInEveryMode) {
  const std::uint64_t seed = seed_for("divide");
  SplitMix64 g{seed};
  Checker ck("divide", seed);
  for (int i = 0; i < 700 && !ck.stop(); ++i) {
    for (int m = 0; m < 7; ++m) {
      auto [a, k] = g.below(4) == 0 ? tie_for_divisor(g) : std::pair{random_amount(g), random_divisor(g)};
      run(ck, divide_case(a, k, static_cast<Mode>(m)), *o2_);
    }
  }
  // Unsigned divisors: u64, and u128 including values of 2^127 and above.
  for (int i = 0; i < 600 && !ck.stop(); ++i) {
    const i128 a = random_amount(g);
    std::uint64_t k64 = g.below(3) == 0 ? g.below(20) : g.next();
    if (g.coin()) k64 >>= g.below(64);
    run(ck, divide_u64_case(a, k64), *o2_);
    u128 k = 0;
    switch (g.below(4)) {
      case 0: k = g.below(20); break;
      case 1: k = g.bits128(); break;  // half of them >= 2^127
      case 2: k = (u128(1) << 127) + g.below(4); break;
      default: k = static_cast<u128>(g.magnitude(static_cast<int>(g.below(127)))) & (~u128(0) >> 1); break;
    }
    run(ck, divide_u128_case(a, k), *o2_);
  }
}

TEST_F(MoneyProperty, ApplyRoundsLikeBoostInEveryMode) {
  const std::uint64_t seed = seed_for("apply");
  SplitMix64 g{seed};
  Checker ck("apply", seed);
  for (int i = 0; i < 700 && !ck.stop(); ++i) {
    for (int m = 0; m < 7; ++m) {
      auto [a, r] = g.below(4) == 0 ? tie_for_rate(g) : std::pair{random_amount(g), random_rate(g)};
      run(ck, apply_case(a, r, static_cast<Mode>(m)), *o2_);
    }
  }
}

TEST_F(MoneyProperty, TimesMultipliesLikeBoost) {
  const std::uint64_t seed = seed_for("times");
  SplitMix64 g{seed};
  Checker ck("times", seed);
  for (int i = 0; i < 2500 && !ck.stop(); ++i) {
    const i128 a = random_amount(g);
    // Large factors go with small amounts, so that not every case overflows.
    const i128 k = g.coin() ? random_divisor(g) : g.magnitude(static_cast<int>(127 - g.below(128) % 128));
    run(ck, times_case(g.below(3) == 0 ? i128(g.range(-1000, 1000)) : a, k), *o2_);
  }
  for (int i = 0; i < 500 && !ck.stop(); ++i) {
    const i128 a = g.below(3) == 0 ? i128(g.range(-3, 3)) : random_amount(g);
    const u128 k = g.coin() ? u128(g.below(1000)) : (g.coin() ? g.bits128() : (u128(1) << 127) + g.below(3));
    run(ck, times_u128_case(a, k), *o2_);
    const i128 b = random_amount(g);
    run(ck, times_i8_case(b, static_cast<std::int8_t>(g.next())), *o2_);
  }
}

TEST_F(MoneyProperty, AddSubtractAndNegateLikeBoost) {
  const std::uint64_t seed = seed_for("add_sub");
  SplitMix64 g{seed};
  Checker ck("add/sub/neg", seed);
  for (int i = 0; i < 3000 && !ck.stop(); ++i) {
    auto [a, b] = random_pair(g);
    const std::string c1 = cur_of(g), c2 = cur_of(g);
    run(ck, add_sub_case(true, a, b, c1), *o2_);
    run(ck, add_sub_case(false, a, b, c2), *o2_);
  }
  for (int i = 0; i < 1000 && !ck.stop(); ++i) run(ck, neg_case(g.below(10) == 0 ? kI128Min : random_amount(g)), *o2_);
}

TEST_F(MoneyProperty, ComparisonsAgreeWithBoost) {
  const std::uint64_t seed = seed_for("compare");
  SplitMix64 g{seed};
  Checker ck("compare", seed);
  for (int i = 0; i < 3000 && !ck.stop(); ++i) {
    auto [a, b] = random_pair(g);
    run(ck, compare_case(a, b, cur_of(g)), *o2_);
  }
}

// Hand-picked cases at the edges, with the exact trap messages.
TEST_F(MoneyProperty, EdgesTrapWithTheSourceLocation) {
  Checker ck("edges", 0);
  // Division by zero and the one overflowing quotient, in every mode.
  for (int m = 0; m < 7; ++m) {
    run(ck, divide_case(5, 0, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Min, -1, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Min, 1, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Max, -1, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Min, kI128Min, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Min, 2, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(kI128Max, 2, static_cast<Mode>(m)), *o2_);
    run(ck, divide_case(-kI128Max, -2, static_cast<Mode>(m)), *o2_);
    // Rates at the i64 extremes, and results right at the i128 limits.
    run(ck, apply_case(kI128Max, 1'000'000'000, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Min, 1'000'000'000, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Min, -1'000'000'000, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Max, 1'000'000'001, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Max, 999'999'999, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Min, 999'999'999, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(kI128Max, INT64_MIN, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(-1, INT64_MIN, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(1'000'000'000, INT64_MAX, static_cast<Mode>(m)), *o2_);
    // Ties whose whole part is odd and even: 1.5 -> HalfEven 2, 2.5 -> HalfEven 2.
    run(ck, apply_case(1'500'000'000, 1, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(2'500'000'000, 1, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(-1'500'000'000, 1, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(3, 500'000'000, static_cast<Mode>(m)), *o2_);
    run(ck, apply_case(-3, 500'000'000, static_cast<Mode>(m)), *o2_);
  }
  run(ck, times_case(kI128Min, -1), *o2_);
  run(ck, times_case(kI128Max, 2), *o2_);
  run(ck, times_case(kP126, 2), *o2_);
  run(ck, times_case(-kP126, 2), *o2_);
  run(ck, times_case(1, kI128Min), *o2_);
  run(ck, times_u128_case(1, u128(1) << 127), *o2_);
  run(ck, times_u128_case(-1, u128(1) << 127), *o2_);
  run(ck, times_u128_case(0, ~u128(0)), *o2_);
  run(ck, divide_u128_case(5, ~u128(0)), *o2_);
  run(ck, divide_u128_case(kI128Min, u128(1) << 127), *o2_);
  run(ck, divide_u64_case(7, 0), *o2_);
  run(ck, add_sub_case(true, kI128Max, 1, "USD"), *o2_);
  run(ck, add_sub_case(false, kI128Min, 1, "USD"), *o2_);
  run(ck, add_sub_case(true, 1, 2, "EUR"), *o2_);
  run(ck, add_sub_case(false, 1, 2, "JPY"), *o2_);
  run(ck, neg_case(kI128Min), *o2_);
  run(ck, compare_case(1, 1, "GBP"), *o2_);

  // The messages themselves, once.
  const ExecResult z = o2_->call(divide_case(5, 0, HalfEven).input);
  EXPECT_EQ(z.message, "aborted: division by zero or overflow at " + divide_loc(HalfEven)) << show(z);
  const ExecResult o = o2_->call(add_sub_case(true, kI128Max, 1, "USD").input);
  EXPECT_EQ(o.message, "aborted: Money overflow at " + loc("a + b", 2)) << show(o);
  const ExecResult x = o2_->call(add_sub_case(false, 1, 1, "EUR").input);
  EXPECT_EQ(x.message, "aborted: currency mismatch at " + loc("a - b", 2)) << show(x);
  const ExecResult bad = o2_->call(Args().str("divide").money(1, "USD").i128(1).u8(7).bytes());
  EXPECT_EQ(bad.status, ExecStatus::Revert);
}

// -O0 and -O2 give identical results, traps and messages (a smaller sample of every operation).
TEST_F(MoneyProperty, O0AndO2Agree) {
  const std::uint64_t seed = seed_for("o0_o2");
  SplitMix64 g{seed};
  Checker ck0("O0 vs Boost", seed);
  int compared = 0, differ = 0;
  for (int i = 0; i < 300; ++i) {
    std::vector<Case> cases;
    const auto mode = static_cast<Mode>(g.below(7));
    auto [a, b] = random_pair(g);
    const i128 k = random_divisor(g);
    cases.push_back(divide_case(a, k, mode));
    auto [ta, tk] = tie_for_divisor(g);
    cases.push_back(divide_case(ta, tk, mode));
    cases.push_back(apply_case(a, random_rate(g), mode));
    auto [ra, rr] = tie_for_rate(g);
    cases.push_back(apply_case(ra, rr, mode));
    const i128 small = g.coin() ? i128(g.range(-1000, 1000)) : a;
    cases.push_back(times_case(small, random_divisor(g)));
    const bool add = g.coin();
    cases.push_back(add_sub_case(add, a, b, cur_of(g)));
    cases.push_back(neg_case(a));
    cases.push_back(compare_case(a, b, cur_of(g)));
    for (const auto& c : cases) {
      run(ck0, c, *o0_);
      const ExecResult r0 = o0_->call(c.input);
      const ExecResult r2 = o2_->call(c.input);
      ++compared;
      if (r0.status != r2.status || r0.output != r2.output || r0.message != r2.message) {
        if (++differ <= 10)
          ADD_FAILURE() << "O0 and O2 differ on " << c.what << "\n  O0: " << show(r0) << "\n  O2: " << show(r2);
      }
    }
  }
  std::cout << "[ cases    ] O0 vs O2: " << compared << " inputs compared, " << differ << " differ\n";
}

}  // namespace
}  // namespace tenor::test
