#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test. CI runs exactly this
# (through .ci/run). Exits non-zero when anything fails.
#
# Stages, with the time each may take on a 2-core machine (a warning is printed when a stage
# overruns; CI allows 40 minutes for the whole run, and this plan stays near half of that):
#   setup        install missing Debian packages           0 s (all present) .. 300 s (fresh)
#   format       clang-format --dry-run over every C/C++ file (scripts/format.sh --check)   30 s
#   build        g++ 12, -Werror, RelWithDebInfo, ./build   300 s
#   test         ctest: every label in ./build             240 s
#   asan-build   clang++ 14, -Werror, ASan+UBSan+libFuzzer, ./build-asan   360 s
#   asan-test    ctest -L 'vm|sdk|compiler' under ASan+UBSan 300 s
#   fuzz         ctest -L fuzz: two libFuzzer runs side by side (VM 90 s, front end 60 s)   150 s
#   bench        only with TENOR_BENCH=1: scripts/bench.sh (minutes; never in CI by default)
# Both compilers build with warnings as errors, so the code stays warning-free on each.
#
# Environment:
#   TENOR_WASM_SPEC_DIR  spec tests (default ../shared/wasm-spec beside the repository; required)
#   TENOR_BENCH_DIR      benchmark kernels (default ../shared/bench)
#   BUILD_DIR, ASAN_BUILD_DIR   build folders (default ./build, ./build-asan)
#   TENOR_SKIP_ASAN=1    skip the asan-build, asan-test and fuzz stages (quick local runs only)
#   TENOR_BENCH=1        also run the full benchmarks at the end
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

spec_dir=${TENOR_WASM_SPEC_DIR:-$root/../shared/wasm-spec}
if [ ! -d "$spec_dir" ] || ! compgen -G "$spec_dir/*/*.json" >/dev/null; then
  echo "test.sh: FAILED: the WebAssembly spec tests are missing: no $spec_dir/*/*.json." >&2
  echo "test.sh: put the shared/wasm-spec folder beside the repository, or set TENOR_WASM_SPEC_DIR." >&2
  exit 1
fi
export TENOR_WASM_SPEC_DIR
TENOR_WASM_SPEC_DIR=$(cd "$spec_dir" && pwd)
build_dir=${BUILD_DIR:-$root/build}
asan_dir=${ASAN_BUILD_DIR:-$root/build-asan}
log_dir=$(mktemp -d "${TMPDIR:-/tmp}/tenor-test.XXXXXX")

stage_names=()
stage_secs=()
current=""
stage_start=$SECONDS
run_start=$SECONDS
tests_passed=0
tests_failed=0

finish() {
  local rc=$?
  echo
  echo "==== stage times"
  local i
  for i in "${!stage_names[@]}"; do
    printf '  %-11s %5ss\n' "${stage_names[$i]}" "${stage_secs[$i]}"
  done
  [ -z "$current" ] || printf '  %-11s %5ss  FAILED\n' "$current" "$((SECONDS - stage_start))"
  printf '  %-11s %5ss\n' total "$((SECONDS - run_start))"
  rm -rf "$log_dir"
  if [ "$rc" -ne 0 ]; then
    echo "test.sh: FAILED in stage '${current:-start}' (exit $rc) after $((SECONDS - run_start))s"
  else
    echo "test.sh: all stages passed in $((SECONDS - run_start))s"
  fi
  # Test runs summed over every ctest run above (the VM tests count once per build).
  echo "tests: $tests_passed passed, $tests_failed failed"
}
trap finish EXIT

# stage NAME BUDGET_SECONDS COMMAND...: runs one stage, timing it against its budget.
stage() {
  local name=$1 budget=$2
  shift 2
  current=$name
  echo
  echo "==== stage $name (budget ${budget}s): $*"
  stage_start=$SECONDS
  "$@"
  local took=$((SECONDS - stage_start))
  stage_names+=("$name")
  stage_secs+=("$took")
  echo "==== stage $name passed in ${took}s"
  if [ "$took" -gt "$budget" ]; then
    echo "test.sh: warning: stage $name took ${took}s, over its budget of ${budget}s"
  fi
  current=""
}

# run_ctest DIR [CTEST ARGS...]: ctest with failure output, counting tests for the summary line.
# Labels are matched as anchored regexes ('^vm$'), because ctest's -L takes a regex.
run_ctest() {
  local dir=$1
  shift
  local log="$log_dir/ctest.$RANDOM.log" rc=0
  ctest --test-dir "$dir" --output-on-failure --no-tests=error --timeout 900 "$@" 2>&1 \
    | tee "$log" || rc=$?
  # "100% tests passed, 0 tests failed out of 42"
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -n "$line" ]; then
    local failed total
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    tests_failed=$((tests_failed + failed))
    tests_passed=$((tests_passed + total - failed))
  fi
  return "$rc"
}

export CTEST_PARALLEL_LEVEL=2
# Sanitizer reports are failures; print enough to act on them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stage setup 300 bash scripts/setup.sh
stage format 30 bash scripts/format.sh --check
stage build 300 env BUILD_DIR="$build_dir" CC=gcc CXX=g++ TENOR_WERROR=ON bash scripts/build.sh
stage test 240 run_ctest "$build_dir" -j2

if [ "${TENOR_SKIP_ASAN:-0}" = 1 ]; then
  echo "test.sh: TENOR_SKIP_ASAN=1: skipping the sanitizer and fuzz stages"
else
  # clang++ 14 here, g++ above: both compilers build the whole tree with -Werror.
  stage asan-build 360 env BUILD_DIR="$asan_dir" CC=clang-14 CXX=clang++-14 TENOR_WERROR=ON \
    TENOR_SANITIZE=ON TENOR_FUZZ=ON TENOR_BUILD_BENCH=OFF bash scripts/build.sh
  stage asan-test 300 run_ctest "$asan_dir" -j2 -L '^(vm|sdk|compiler)$'
  # Two fuzzers (fuzz.wasm, fuzz.tnr), one core each: -j2 runs them side by side, so the stage
  # takes as long as the longer one rather than their sum.
  stage fuzz 150 run_ctest "$asan_dir" -j2 -L '^fuzz$'
fi

if [ "${TENOR_BENCH:-0}" = 1 ]; then
  stage bench 3600 bash scripts/bench.sh
fi
