// The host side of the fixed-point property tests (money_property_test.cpp, tests/unit/decimal):
// exact arithmetic on Boost.Multiprecision `cpp_int`, rounding by the seven modes computed from
// the floor quotient (so that it shares nothing with the runtime's algorithm), i128 conversions,
// and a small reproducible pseudo-random generator.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <string>

namespace tenor::test {

using boost::multiprecision::cpp_int;
using i128 = __int128;
using u128 = unsigned __int128;

inline const char* const kModes[] = {"Down", "Up", "Floor", "Ceiling", "HalfUp", "HalfDown", "HalfEven"};
enum Mode { Down, Up, Floor, Ceiling, HalfUp, HalfDown, HalfEven };

// --- host arithmetic ------------------------------------------------------------------------------

inline cpp_int big(i128 v) {
  const bool neg = v < 0;
  u128 m = neg ? u128(0) - u128(v) : u128(v);
  cpp_int r = static_cast<std::uint64_t>(m >> 64);
  r <<= 64;
  r += static_cast<std::uint64_t>(m);
  return neg ? cpp_int(-r) : r;
}
inline cpp_int big_u(u128 v) {
  cpp_int r = static_cast<std::uint64_t>(v >> 64);
  r <<= 64;
  r += static_cast<std::uint64_t>(v);
  return r;
}

inline const cpp_int kMax128 = (cpp_int(1) << 127) - 1;
inline const cpp_int kMin128 = -(cpp_int(1) << 127);
constexpr i128 kI128Max = static_cast<i128>(~u128(0) >> 1);
constexpr i128 kI128Min = -kI128Max - 1;

inline bool fits(const cpp_int& v) { return v >= kMin128 && v <= kMax128; }

inline i128 narrow(const cpp_int& v) {
  cpp_int m = v < 0 ? cpp_int(v + (cpp_int(1) << 128)) : v;
  const cpp_int mask64 = (cpp_int(1) << 64) - 1;
  const auto lo = static_cast<std::uint64_t>(m & mask64);
  const auto hi = static_cast<std::uint64_t>(m >> 64);
  return static_cast<i128>((u128(hi) << 64) | lo);
}

inline std::string str(i128 v) { return big(v).str(); }

// n / d rounded by `mode` (java.math.RoundingMode semantics: Up and HalfUp go away from zero),
// computed from the floor quotient so that it shares nothing with the runtime's algorithm.
inline cpp_int round_div(cpp_int n, cpp_int d, Mode mode) {
  if (d < 0) n = -n, d = -d;
  cpp_int q = n / d, r = n % d;  // truncated
  if (r < 0) q -= 1, r += d;     // floored: n = q*d + r, 0 <= r < d
  if (r == 0) return q;
  const bool positive = q >= 0;  // the exact quotient lies strictly between q and q + 1
  const int half = cpp_int(2 * r).compare(d);
  switch (mode) {
    case Down: return positive ? q : q + 1;
    case Up: return positive ? q + 1 : q;
    case Floor: return q;
    case Ceiling: return q + 1;
    default: break;
  }
  if (half > 0) return q + 1;
  if (half < 0) return q;
  if (mode == HalfUp) return positive ? q + 1 : q;
  if (mode == HalfDown) return positive ? q : q + 1;
  return (q % 2 == 0) ? q : q + 1;
}

// --- comparisons ----------------------------------------------------------------------------------

// A view `compare(a: T, b: T) -> u8` with one bit for each of <, <=, >, >=, ==, != (in that order).
inline std::string compare_view(const std::string& type) {
  return "view compare(a: " + type + ", b: " + type + R"() -> u8 {
  var bits: u8 = 0u8;
  if a < b { bits = bits + 1u8; }
  if a <= b { bits = bits + 2u8; }
  if a > b { bits = bits + 4u8; }
  if a >= b { bits = bits + 8u8; }
  if a == b { bits = bits + 16u8; }
  if a != b { bits = bits + 32u8; }
  return bits;
}
)";
}
// The bits compare_view's view returns for a and b.
template <class T>
std::uint8_t compare_bits(const T& a, const T& b) {
  return static_cast<std::uint8_t>((a < b ? 1 : 0) | (a <= b ? 2 : 0) | (a > b ? 4 : 0) | (a >= b ? 8 : 0) |
                                   (a == b ? 16 : 0) | (a != b ? 32 : 0));
}

struct SplitMix64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  bool coin() { return next() & 1; }
  u128 bits128() {
    const u128 hi = next();
    return (hi << 64) | next();
  }
  // A value of `bits` random bits (the top one set), with a random sign.
  i128 magnitude(int bits) {
    if (bits <= 0) return 0;
    u128 m = bits128() & (bits >= 128 ? ~u128(0) : ((u128(1) << bits) - 1));
    m |= u128(1) << (bits - 1);
    if (bits >= 128) m &= ~u128(0) >> 1;
    const i128 v = static_cast<i128>(m);
    return coin() ? -v : v;
  }
};

}  // namespace tenor::test
