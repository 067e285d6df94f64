/* The Tenor contract runtime: the small helpers every compiled contract links with (bump
 * allocation, input and storage buffers, rounding division, Money by Rate). Written in C, compiled
 * for wasm32 to LLVM IR at build time (compiler/CMakeLists.txt) and embedded in the compiler, which
 * links the IR into each contract's module before optimisation, so only the helpers a contract
 * uses survive. It imports only from the `tenor` host module (docs/host-api.md) and uses no
 * floating point and no libc.
 *
 * Failures: a malformed input stops the call with a revert (the caller's mistake); a value in
 * storage that does not decode, or memory running out, stops it with a trap (abort). */

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef long long i64;
typedef unsigned long long u64;
typedef __int128 i128;
typedef unsigned __int128 u128;

// The host functions the runtime calls. They are typed here by hand, with pointer types that the
// letters of vm/include/tenor/vm/host_api.def cannot spell (a generated i32-only prototype would
// turn every pointer argument into a cast and change the runtime's code);
// tests/unit/codegen/runtime_imports_test.cpp checks each one against its row.
#define HOST(name) __attribute__((import_module("tenor"), import_name(#name)))

HOST(input_size) u32 tenor_input_size(void);
HOST(input_read) void tenor_input_read(void* dst, u32 offset, u32 len);
HOST(revert) void tenor_revert(const void* msg, u32 len);
HOST(abort) void tenor_abort(const void* msg, u32 len);
HOST(storage_get) i64 tenor_storage_get(const void* key, u32 key_len, void* dst, u32 cap);

#define RT __attribute__((visibility("hidden")))

RT _Noreturn void __tnr_abort(const char* msg, u32 len) {
  tenor_abort(msg, len);
  __builtin_unreachable();
}

RT _Noreturn void __tnr_revert(const char* msg, u32 len) {
  tenor_revert(msg, len);
  __builtin_unreachable();
}

#define ABORT(lit) __tnr_abort(lit, sizeof(lit) - 1)

/* --- memory --------------------------------------------------------------------------------- */

extern u8 __heap_base;
static u32 heap_top;

/* `size` bytes, 8-aligned, never freed: every call runs in a fresh instance. */
RT void* __tnr_alloc(u32 size) {
  if (heap_top == 0) heap_top = (u32)(unsigned long)&__heap_base;
  const u32 start = (heap_top + 7u) & ~7u;
  const u32 end = start + size;
  if (end < start) ABORT("out of memory: the contract needs more than 4 GiB");
  const u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    const u32 pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1)
      ABORT("out of memory: the contract's memory cannot grow further");
  }
  heap_top = end;
  return (void*)(unsigned long)start;
}

/* --- readers over Borsh-encoded bytes ------------------------------------------------------- */

typedef struct {
  const u8* buf;
  u32 len;
  u32 pos;
  u32 from_storage; /* 0: call input (reverts); 1: a stored value, 2: a called contract's result (trap) */
} tnr_reader;

static _Noreturn void malformed(const tnr_reader* r) {
  if (r->from_storage == 2)
    ABORT("malformed result: a called contract's return value does not decode as its interface says");
  if (r->from_storage) ABORT("corrupt storage: a stored value does not decode as its declared type");
  __tnr_revert("malformed input: the arguments do not decode as the entry point's parameters",
               sizeof("malformed input: the arguments do not decode as the entry point's parameters") - 1);
}

/* The next `n` bytes of the reader, or a stop when fewer are left. */
RT const u8* __tnr_take(tnr_reader* r, u32 n) {
  if (n > r->len - r->pos) malformed(r);
  const u8* p = r->buf + r->pos;
  r->pos += n;
  return p;
}

/* A malformed value (a bad tag, a length over its bound, a non-currency code). */
RT _Noreturn void __tnr_malformed(const tnr_reader* r) { malformed(r); }

/* Borsh strings are UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF):
 * anything else is malformed. */
RT void __tnr_check_utf8(const tnr_reader* r, const u8* s, u32 n) {
  u32 i = 0;
  while (i < n) {
    const u8 c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    u32 len, min, cp;
    if ((c & 0xE0) == 0xC0)
      len = 2, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      len = 3, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      len = 4, min = 0x10000, cp = c & 0x07;
    else
      malformed(r);
    if (len > n - i) malformed(r);
    for (u32 k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) malformed(r);
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) malformed(r);
    i += len;
  }
}

/* Every byte consumed, or a stop: trailing bytes are an encoding error too. */
RT void __tnr_finish(const tnr_reader* r) {
  if (r->pos != r->len) malformed(r);
}

/* The call's whole input. */
RT void __tnr_input(tnr_reader* r) {
  const u32 n = tenor_input_size();
  u8* b = (u8*)__tnr_alloc(n);
  tenor_input_read(b, 0, n);
  r->buf = b;
  r->len = n;
  r->pos = 0;
  r->from_storage = 0;
}

/* Reads a stored value of at most `cap` bytes into a new buffer: 1 and the reader set, or 0 when
 * the key is absent. A stored value longer than its type allows is corruption. */
RT i32 __tnr_storage_read(const void* key, u32 key_len, u32 cap, tnr_reader* r) {
  u8* b = (u8*)__tnr_alloc(cap);
  const i64 n = tenor_storage_get(key, key_len, b, cap);
  if (n < 0) return 0;
  if ((u64)n > cap) ABORT("corrupt storage: a stored value is longer than its type allows");
  r->buf = b;
  r->len = (u32)n;
  r->pos = 0;
  r->from_storage = 1;
  return 1;
}

/* --- rounding division (docs/language.md, Rounding) ----------------------------------------- */

enum { DOWN, UP, FLOOR, CEILING, HALF_UP, HALF_DOWN, HALF_EVEN };

static u128 uabs(i128 v) { return v < 0 ? (u128)0 - (u128)v : (u128)v; }

/* The one rounding rule: whether a quotient that is not exact moves from its truncated magnitude
 * `q` one step away from zero. `negative`: the exact quotient's sign; `half`: the remainder's
 * magnitude against half the divisor's (-1 below, 0 exactly half, 1 above). */
static int round_away(u32 mode, int negative, int half, u128 q) {
  switch (mode) {
    case DOWN: return 0;
    case UP: return 1;
    case FLOOR: return negative;
    case CEILING: return !negative;
    default: break;
  }
  if (half != 0) return half > 0;
  switch (mode) {
    case HALF_UP: return 1;
    case HALF_DOWN: return 0;
    default: return (int)(q & 1); /* HalfEven: to the even neighbour */
  }
}

/* |r| against |d| / 2, for |r| < |d| <= 2^127 (2 |r| fits in u128). */
static int half_cmp(u128 r, u128 d) {
  const u128 twice = r * 2;
  return twice > d ? 1 : twice < d ? -1 : 0;
}

/* n / d rounded by `mode`; d != 0 and not (n == min && d == -1): the caller checked. */
static i128 div_round(i128 n, i128 d, u32 mode) {
  const i128 q = n / d;
  const i128 r = n % d;
  if (r == 0) return q;
  const i128 sign = ((n < 0) != (d < 0)) ? -1 : 1; /* the sign of the exact quotient */
  return round_away(mode, sign < 0, half_cmp(uabs(r), uabs(d)), uabs(q)) ? q + sign : q;
}

static const i128 kMin128 = (i128)((u128)1 << 127);

/* Money.divide(k, mode): `where` names the call's source location for the trap. */
RT i128 __tnr_div_round(i128 n, i128 d, u32 mode, const char* where, u32 where_len) {
  if (d == 0) __tnr_abort(where, where_len);
  if (n == kMin128 && d == -1) __tnr_abort(where, where_len);
  return div_round(n, d, mode);
}

/* Money.divide(k, mode) with a u128 `k`. Fix: the lowering used to pass a u128 k to
 * __tnr_div_round unchanged, so a k of 2^127 or more was read as a negative i128 (5 / (2^128 - 1)
 * gave -5). Such a k is at least |n| (|n| <= 2^127), so n / k lies in [-1, 1] and is rounded here. */
RT i128 __tnr_div_round_u128(i128 n, u128 d, u32 mode, const char* where, u32 where_len) {
  if (d < (u128)kMin128) return __tnr_div_round(n, (i128)d, mode, where, where_len);
  const u128 an = uabs(n);
  if (an == d) return -1; /* n = -2^127, d = 2^127 */
  if (an == 0) return 0;
  const i128 sign = n < 0 ? -1 : 1; /* 0 < |n / d| < 1: the neighbours are 0 and sign */
  switch (mode) {
    case DOWN: return 0;
    case UP: return sign;
    case FLOOR: return sign < 0 ? -1 : 0;
    case CEILING: return sign > 0 ? 1 : 0;
    default: break;
  }
  const u128 rest = d - an; /* |n| > d / 2 exactly when |n| > d - |n| (2 * |n| may not fit) */
  if (an > rest) return sign;
  if (an < rest) return 0;
  return mode == HALF_UP ? sign : 0; /* a tie: HalfDown and HalfEven (0 is even) give 0 */
}

#define RATE_ONE 1000000000LL

/* amount * rate / 10^9 rounded by `mode`, exact over the whole i128 range: with
 * amount = a1 * 10^9 + a0 (a0 has amount's sign), amount * rate = a1 * rate * 10^9 + a0 * rate,
 * and a0 * rate (|a0| < 10^9, |rate| < 2^63) fits in i128. Both parts have the same sign, so
 * rounding the second part rounds the whole, except for HalfEven's ties (below). Overflow of the
 * result stops with `overflow`. */
RT i128 __tnr_apply_rate(i128 amount, i64 rate, u32 mode, const char* overflow, u32 overflow_len) {
  const i128 a1 = amount / RATE_ONE;
  const i128 a0 = amount % RATE_ONE;
  i128 whole;
  if (__builtin_mul_overflow(a1, (i128)rate, &whole)) __tnr_abort(overflow, overflow_len);
  const i128 p = a0 * (i128)rate;
  i128 part = div_round(p, RATE_ONE, mode);
  /* Fix: HalfEven breaks a tie towards an even *result* (whole + part), not an even `part`: with
   * an odd `whole`, 1.5 (whole 1, part 0.5) rounded to 1 instead of 2. The parity of the sum is
   * the xor of the low bits, which needs no addition that could overflow. */
  if (mode == HALF_EVEN && (p % RATE_ONE == RATE_ONE / 2 || p % RATE_ONE == -(RATE_ONE / 2))) {
    const i128 t = p / RATE_ONE;
    part = ((whole ^ t) & 1) == 0 ? t : t + (p < 0 ? -1 : 1);
  }
  i128 sum;
  if (__builtin_add_overflow(whole, part, &sum)) __tnr_abort(overflow, overflow_len);
  return sum;
}

/* --- exact products and quotients with one rounding (Decimal, Rate, Money.apply(Decimal)) ----- */

/* a * b as 256 bits: hi * 2^128 + lo. */
static void mul_256(u128 a, u128 b, u128* hi, u128* lo) {
  const u128 m = 0xFFFFFFFFFFFFFFFFull;
  const u128 a0 = a & m, a1 = a >> 64, b0 = b & m, b1 = b >> 64;
  const u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const u128 mid = (p00 >> 64) + (p01 & m) + (p10 & m); /* < 3 * 2^64: no overflow */
  *lo = (p00 & m) | (mid << 64);
  *hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

/* a * b / d rounded by `mode`, from the exact 256-bit product: one rounding. d != 0 (the caller
 * checked). A result outside i128 stops with `overflow`. */
RT i128 __tnr_mul_div(i128 a, i128 b, i128 d, u32 mode, const char* overflow, u32 overflow_len) {
  const int negative = (a < 0) != (b < 0) ? d > 0 : d < 0;
  const u128 ud = uabs(d);
  u128 hi, lo;
  mul_256(uabs(a), uabs(b), &hi, &lo);
  if (hi >= ud) __tnr_abort(overflow, overflow_len); /* the quotient needs more than 128 bits */
  u128 q, r;
  if (hi == 0) {
    q = lo / ud;
    r = lo % ud;
  } else { /* schoolbook division, a bit at a time: r < ud <= 2^127, so r << 1 fits */
    q = 0;
    r = hi;
    for (int i = 127; i >= 0; --i) {
      r = (r << 1) | ((lo >> i) & 1);
      if (r >= ud) {
        r -= ud;
        q |= (u128)1 << i;
      }
    }
  }
  if (q > (u128)kMin128) __tnr_abort(overflow, overflow_len);
  if (r != 0 && round_away(mode, negative, half_cmp(r, ud), q)) ++q;
  if (q > (u128)kMin128 || (q == (u128)kMin128 && !negative)) __tnr_abort(overflow, overflow_len);
  return negative ? (i128)((u128)0 - q) : (i128)q;
}

#define DECIMAL_ONE ((i128)1000000000000000000LL)

/* Decimal.pow(n, mode), left to right over n's bits: from the highest set bit down, square the
 * result, then multiply it by `a` when the bit is set; every square and product is a
 * __tnr_mul_div rounded by `mode` (the first, 1 * a, is exact). n = 0 gives 1. */
RT i128 __tnr_decimal_pow(i128 a, u32 n, u32 mode, const char* overflow, u32 overflow_len) {
  i128 result = DECIMAL_ONE;
  int started = 0;
  for (int bit = 31; bit >= 0; --bit) {
    if (started) result = __tnr_mul_div(result, result, DECIMAL_ONE, mode, overflow, overflow_len);
    if ((n >> bit) & 1) {
      result = started ? __tnr_mul_div(result, a, DECIMAL_ONE, mode, overflow, overflow_len) : a;
      started = 1;
    }
  }
  return result;
}

/* --- dates: days since 1970-01-01 of the proleptic Gregorian calendar ------------------------- */
/* H. Hinnant's civil-date algorithms, the ones common/include/tenor/common/civil_date.hpp holds for
 * the compiler's constant folding and the SDK (C here: the runtime is compiled for wasm32). */

static i64 floor_div(i64 a, i64 b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

static int is_leap(i64 y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static u32 month_days(i64 y, u32 m) {
  static const u8 k[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k[m - 1];
}

static i64 days_from_civil(i64 y, u32 m, u32 d) {
  y -= m <= 2;
  const i64 era = floor_div(y, 400);
  const u32 yoe = (u32)(y - era * 400);
  const u32 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (i64)doe - 719468;
}

/* The date's year, month and day packed: year * 512 + month * 32 + day (year may be negative). */
RT i64 __tnr_date_civil(i32 days) {
  const i64 z = (i64)days + 719468;
  const i64 era = floor_div(z, 146097);
  const u32 doe = (u32)(z - era * 146097);
  const u32 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const u32 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const u32 mp = (5 * doy + 2) / 153;
  const u32 d = doy - (153 * mp + 2) / 5 + 1;
  const u32 m = mp < 10 ? mp + 3 : mp - 9;
  const i64 y = (i64)yoe + era * 400 + (m <= 2);
  return y * 512 + (i64)(m * 32 + d);
}

static i64 civil_year(i64 packed) { return floor_div(packed, 512); }
static u32 civil_month(i64 packed) { return (u32)((packed - civil_year(packed) * 512) >> 5); }
static u32 civil_day(i64 packed) { return (u32)(packed & 31); }

/* y-m-d as a Date; an impossible date stops with `invalid` (its text: what and where), a date
 * outside Date's range (i32 days) with `range`. */
RT i32 __tnr_date_from_civil(i64 y, u32 m, u32 d, const char* invalid, u32 invalid_len) {
  if (m < 1 || m > 12 || d < 1 || d > month_days(y, m)) __tnr_abort(invalid, invalid_len);
  const i64 days = days_from_civil(y, m, d);
  if (days != (i64)(i32)days) __tnr_abort(invalid, invalid_len);
  return (i32)days;
}

RT u32 __tnr_date_days_in_month(i32 days) {
  const i64 c = __tnr_date_civil(days);
  return month_days(civil_year(c), civil_month(c));
}

RT u32 __tnr_date_is_leap_year(i32 days) { return (u32)is_leap(civil_year(__tnr_date_civil(days))); }

/* ISO 8601: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
RT u32 __tnr_date_weekday(i32 days) { return (u32)(((i64)days % 7 + 7 + 3) % 7) + 1; }

/* n calendar months later (earlier for n < 0), the day clamped to the last day of that month:
 * 2027-01-31 + 1 month = 2027-02-28. A result outside Date's range stops with `overflow`. */
RT i32 __tnr_date_add_months(i32 days, i32 n, const char* overflow, u32 overflow_len) {
  const i64 c = __tnr_date_civil(days);
  const i64 months = civil_year(c) * 12 + (i64)(civil_month(c) - 1) + n;
  const i64 y = floor_div(months, 12);
  const u32 m = (u32)(months - y * 12) + 1;
  const u32 last = month_days(y, m);
  const u32 d = civil_day(c) < last ? civil_day(c) : last;
  return __tnr_date_from_civil(y, m, d, overflow, overflow_len);
}
