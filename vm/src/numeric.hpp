// The numeric semantics of WebAssembly as small pure functions: integer arithmetic with its traps,
// float arithmetic with NaN canonicalisation, and the exact conversion rules. Everything the
// interpreter computes goes through here, so that results are bit-identical on every platform:
// arithmetic that produces a NaN yields the positive canonical NaN; operations that only move bits
// (abs, neg, copysign, reinterpret, loads, stores) keep NaN payloads.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "tenor/vm/trap.hpp"

namespace tenor::vm::num {

inline constexpr uint32_t kF32CanonicalNan = 0x7fc00000u;
inline constexpr uint64_t kF64CanonicalNan = 0x7ff8000000000000ull;

inline float f32_from_bits(uint32_t b) noexcept { return std::bit_cast<float>(b); }
inline double f64_from_bits(uint64_t b) noexcept { return std::bit_cast<double>(b); }
inline uint32_t f32_bits(float f) noexcept { return std::bit_cast<uint32_t>(f); }
inline uint64_t f64_bits(double d) noexcept { return std::bit_cast<uint64_t>(d); }

// Canonicalise the NaN results of arithmetic.
inline float canon(float f) noexcept { return f != f ? f32_from_bits(kF32CanonicalNan) : f; }
inline double canon(double d) noexcept { return d != d ? f64_from_bits(kF64CanonicalNan) : d; }

// --- integers --------------------------------------------------------------------------------

template <class U>
inline U shl(U a, U b) noexcept {
  return a << (b & (sizeof(U) * 8 - 1));
}
template <class U>
inline U shr_u(U a, U b) noexcept {
  return a >> (b & (sizeof(U) * 8 - 1));
}
template <class U>
inline U shr_s(U a, U b) noexcept {
  using S = std::make_signed_t<U>;
  return static_cast<U>(static_cast<S>(a) >> (b & (sizeof(U) * 8 - 1)));
}
template <class U>
inline U rotl(U a, U b) noexcept {
  return std::rotl(a, static_cast<int>(b & (sizeof(U) * 8 - 1)));
}
template <class U>
inline U rotr(U a, U b) noexcept {
  return std::rotr(a, static_cast<int>(b & (sizeof(U) * 8 - 1)));
}

// Division: returns false and sets *trap when the operation traps.
template <class U>
inline bool div_s(U a, U b, U& r, TrapCode& trap) noexcept {
  using S = std::make_signed_t<U>;
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return false;
  }
  if (static_cast<S>(a) == std::numeric_limits<S>::min() && static_cast<S>(b) == -1) {
    trap = TrapCode::IntegerOverflow;
    return false;
  }
  r = static_cast<U>(static_cast<S>(a) / static_cast<S>(b));
  return true;
}
template <class U>
inline bool div_u(U a, U b, U& r, TrapCode& trap) noexcept {
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return false;
  }
  r = a / b;
  return true;
}
template <class U>
inline bool rem_s(U a, U b, U& r, TrapCode& trap) noexcept {
  using S = std::make_signed_t<U>;
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return false;
  }
  if (static_cast<S>(b) == -1) {
    r = 0;
    return true;
  }
  r = static_cast<U>(static_cast<S>(a) % static_cast<S>(b));
  return true;
}
template <class U>
inline bool rem_u(U a, U b, U& r, TrapCode& trap) noexcept {
  if (b == 0) {
    trap = TrapCode::IntegerDivideByZero;
    return false;
  }
  r = a % b;
  return true;
}

template <class U>
inline U clz(U a) noexcept {
  return static_cast<U>(std::countl_zero(a));
}
template <class U>
inline U ctz(U a) noexcept {
  return static_cast<U>(std::countr_zero(a));
}
template <class U>
inline U popcnt(U a) noexcept {
  return static_cast<U>(std::popcount(a));
}

inline uint32_t extend8_s32(uint32_t a) noexcept {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a)));
}
inline uint32_t extend16_s32(uint32_t a) noexcept {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a)));
}
inline uint64_t extend8_s64(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
}
inline uint64_t extend16_s64(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
}
inline uint64_t extend32_s64(uint64_t a) noexcept {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
}

// --- floats ----------------------------------------------------------------------------------

template <class F>
inline F fmin(F a, F b) noexcept {
  if (a != a || b != b) return canon(a + b);
  if (a == b) return std::signbit(a) ? a : b;  // -0 < +0
  return a < b ? a : b;
}
template <class F>
inline F fmax(F a, F b) noexcept {
  if (a != a || b != b) return canon(a + b);
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
// Round to nearest, ties to even. nearbyint rounds in the current rounding mode, which the VM
// never changes from the default (to nearest, ties to even).
inline float nearest(float f) noexcept { return canon(std::nearbyint(f)); }
inline double nearest(double d) noexcept { return canon(std::nearbyint(d)); }

inline uint32_t f32_abs(uint32_t b) noexcept { return b & 0x7fffffffu; }
inline uint32_t f32_neg(uint32_t b) noexcept { return b ^ 0x80000000u; }
inline uint32_t f32_copysign(uint32_t a, uint32_t b) noexcept { return (a & 0x7fffffffu) | (b & 0x80000000u); }
inline uint64_t f64_abs(uint64_t b) noexcept { return b & 0x7fffffffffffffffull; }
inline uint64_t f64_neg(uint64_t b) noexcept { return b ^ 0x8000000000000000ull; }
inline uint64_t f64_copysign(uint64_t a, uint64_t b) noexcept {
  return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}

// --- conversions -----------------------------------------------------------------------------
// Float -> integer truncation.

// Valid iff x lies strictly inside (min(I) - 1, max(I) + 1), that is iff trunc(x) lies in
// [min(I), 2^digits(I)): both ends are 0 or powers of two, so exact in every float type.
template <class I, class F>
inline bool in_trunc_range(F x) noexcept {
  constexpr F lo = static_cast<F>(std::numeric_limits<I>::min());
  constexpr F hi = [] {
    F h = 1;
    for (int i = 0; i < std::numeric_limits<I>::digits; ++i) h *= 2;
    return h;
  }();
  const F t = std::trunc(x);
  return t >= lo && t < hi;
}

// Trapping truncation; R is the unsigned result word type.
template <class I, class F>
inline bool trunc(F x, I& r, TrapCode& trap) noexcept {
  if (x != x) {
    trap = TrapCode::InvalidConversion;
    return false;
  }
  if (!in_trunc_range<I, F>(x)) {
    trap = TrapCode::IntegerOverflow;
    return false;
  }
  r = static_cast<I>(x);
  return true;
}

// trunc with the result as the unsigned word R of the instruction's output type.
template <class I, class R, class F>
inline bool trunc_to(F x, R& r, TrapCode& trap) noexcept {
  I v;
  if (!trunc<I, F>(x, v, trap)) return false;
  r = static_cast<R>(v);
  return true;
}

// Saturating truncation.
template <class I, class F>
inline I trunc_sat(F x) noexcept {
  if (x != x) return 0;
  if (!in_trunc_range<I, F>(x)) return x < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

}  // namespace tenor::vm::num
