/* The demo's sample module: a few exports in plain C, compiled to a freestanding wasm32 module
 * (no imports, no libc) by examples/CMakeLists.txt with clang-14 and wasm-ld-14.
 *
 *   add(a: i32, b: i32) -> i32       a + b, wrapping
 *   fib(n: i32) -> i64               the n-th Fibonacci number (iterative), wrapping past n = 92
 *   checksum(n: i32) -> i32          fills n bytes of linear memory (at most 64 KiB) with a
 *                                    pattern and returns their FNV-1a hash
 *   divide(a: i32, b: i32) -> i32    a / b; traps on b == 0 ("integer divide by zero")
 */
#define EXPORT(name) __attribute__((visibility("default"), export_name(name)))

typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;

EXPORT("add") i32 add(i32 a, i32 b) { return (i32)((u32)a + (u32)b); }

EXPORT("fib") u64 fib(i32 n) {
  u64 a = 0, b = 1;
  for (i32 i = 0; i < n; i++) {
    u64 t = a + b;
    a = b;
    b = t;
  }
  return a;
}

static unsigned char buffer[65536];

EXPORT("checksum") u32 checksum(i32 n) {
  u32 len = n < 0 ? 0u : (u32)n;
  if (len > sizeof buffer) len = sizeof buffer;
  for (u32 i = 0; i < len; i++) buffer[i] = (unsigned char)(i * 31u + 7u);
  u32 h = 2166136261u;
  for (u32 i = 0; i < len; i++) h = (h ^ buffer[i]) * 16777619u;
  return h;
}

/* Division by zero is undefined in C; here it compiles to i32.div_s, which traps in wasm. The
 * volatile keeps clang from reasoning about the divisor. */
EXPORT("divide") i32 divide(i32 a, i32 b) {
  volatile i32 d = b;
  return a / d;
}
