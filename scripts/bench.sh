#!/usr/bin/env bash
# Full benchmark figures: a Release build, then the VM against native code on the kernels of
# ../shared/bench (see its README for the sizes and reference figures), and the compiler's table.
#
#   scripts/bench.sh               time every kernel: a table of vm s, native s, ratio, geometric mean;
#                                  one contract call; then the compiler's table (tenor_bench_compiler
#                                  --report): wasm bytes, code section bytes, compile ms and scenario
#                                  gas of the test contracts and a generated 2,000-line contract at
#                                  O0 O1 O2 O3 Oz
#   scripts/bench.sh --compiler    the compiler's table only
#   scripts/bench.sh --callgrind   instructions per iteration of the `loop` kernel, VM and native,
#                                  counted by valgrind (repeatable on a noisy machine)
#   scripts/bench.sh [--] ARGS...  other arguments go to tenor_bench_vm (e.g. --benchmark_filter=fib)
#
# Environment: BUILD_DIR (default ./build-release), TENOR_BENCH_REPS (calls per kernel, default 3),
# TENOR_BENCH_DIR (kernels, default ../shared/bench), TENOR_BENCH_COMPILER_REPS (builds timed per
# contract and level in the compiler's table, default 3).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export BUILD_DIR=${BUILD_DIR:-$root/build-release}

mode="time"
if [ "${1:-}" = --callgrind ]; then
  mode=callgrind
  shift
elif [ "${1:-}" = --compiler ]; then
  mode=compiler
  shift
fi
[ "${1:-}" != -- ] || shift

bash scripts/setup.sh
targets="tenor tenor_bench_vm tenor_bench_contract tenor_bench_compiler"
[ "$mode" != compiler ] || targets=tenor_bench_compiler
BUILD_TYPE=Release TENOR_BUILD_TARGETS="$targets" bash scripts/build.sh

# compiler_table: compile time, code size and gas of compiled contracts per optimisation level.
compiler_table() {
  echo "bench.sh: the compiler: compile time, code size and gas per optimisation level"
  "$BUILD_DIR/tests/bench/tenor_bench_compiler" --report --reps "${TENOR_BENCH_COMPILER_REPS:-3}"
}
if [ "$mode" = compiler ]; then
  compiler_table
  exit
fi

kernels=$BUILD_DIR/tests/bench/kernels
if [ ! -x "$BUILD_DIR/tests/bench/tenor_bench_vm" ]; then
  echo "bench.sh: tenor_bench_vm was not built (see the configure messages above)" >&2
  exit 1
fi

if [ "$mode" = time ]; then
  "$BUILD_DIR/tests/bench/tenor_bench_vm" "$@"
  echo
  echo "bench.sh: one contract call from a warm code cache (goal: under 10 us)"
  "$BUILD_DIR/tests/bench/tenor_bench_contract"
  echo
  compiler_table
  exit
fi

# Instructions per loop iteration: count the instructions of a whole run for two sizes; the
# difference divided by the difference of the sizes cancels start-up, loading and instantiation.
n1=1000000
n2=3000000
# instructions CMD...: total instructions executed by CMD, as counted by callgrind.
instructions() {
  local out
  out=$(mktemp "${TMPDIR:-/tmp}/tenor-callgrind.XXXXXX")
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 || {
    echo "bench.sh: failed under valgrind: $*" >&2
    rm -f "$out"
    return 1
  }
  awk '/^summary:/ { print $2 }' "$out"
  rm -f "$out"
}
per_iteration() {  # per_iteration I1 I2
  awk -v a="$1" -v b="$2" -v n1="$n1" -v n2="$n2" 'BEGIN { printf "%.1f", (b - a) / (n2 - n1) }'
}

echo "bench.sh: instructions per iteration of the loop kernel (callgrind, n = $n1 and $n2)"
vm1=$(instructions "$BUILD_DIR/bin/tenor" wasm run "$kernels/loop.wasm" bench "$n1")
vm2=$(instructions "$BUILD_DIR/bin/tenor" wasm run "$kernels/loop.wasm" bench "$n2")
nat1=$(instructions "$kernels/loop.native" "$n1" 1)
nat2=$(instructions "$kernels/loop.native" "$n2" 1)
vm=$(per_iteration "$vm1" "$vm2")
native=$(per_iteration "$nat1" "$nat2")
printf '%-8s %14s %14s %16s\n' "" "instr n=$n1" "instr n=$n2" "per iteration"
printf '%-8s %14s %14s %16s\n' vm "$vm1" "$vm2" "$vm"
printf '%-8s %14s %14s %16s\n' native "$nat1" "$nat2" "$native"
awk -v v="$vm" -v n="$native" 'BEGIN { if (n > 0) printf "vm/native instructions per iteration: %.2f\n", v / n }'
