#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time on a seed corpus made from the spec suite's modules.
#
#   run_fuzzer.sh FUZZER SPEC_DIR ARTIFACT_DIR [LIBFUZZER FLAGS...]
#
# The corpus is copied to a temporary folder at run time (no binaries in the repository; the
# fuzzer adds the inputs it finds there). Exits non-zero, and keeps the crashing input in
# ARTIFACT_DIR, when the fuzzer finds a crash, a sanitizer report, a leak or a timeout.
#   TENOR_FUZZ_RUNS (default 500000) and TENOR_FUZZ_SECONDS (default 90) bound the run: it stops
#   at whichever comes first.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 FUZZER SPEC_DIR ARTIFACT_DIR [FLAGS...]" >&2; exit 2; }
fuzzer=$1 spec_dir=$2 artifacts=$3
shift 3

corpus=$(mktemp -d "${TMPDIR:-/tmp}/tenor-fuzz-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
find "$spec_dir" -name '*.wasm' -type f -exec cp -t "$corpus" {} +
seeds=$(find "$corpus" -type f | wc -l)
if [ "$seeds" -eq 0 ]; then
  echo "run_fuzzer.sh: no .wasm seeds under $spec_dir" >&2
  exit 1
fi
mkdir -p "$artifacts"
echo "run_fuzzer.sh: $seeds seeds from $spec_dir; crash inputs go to $artifacts/"

# -timeout: every input the target executes terminates quickly (see wasm_fuzz_target.cpp), so an
# input that runs for seconds is a hang in the VM itself and fails the run.
rc=0
"$fuzzer" "$corpus" \
  -runs="${TENOR_FUZZ_RUNS:-500000}" -max_total_time="${TENOR_FUZZ_SECONDS:-90}" \
  -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "run_fuzzer.sh: the fuzzer failed (exit $rc). Reproduce with:" >&2
  echo "  $fuzzer $artifacts/<crash-file>   (or any build's tenor_fuzz_wasm_replay <crash-file>)" >&2
fi
exit "$rc"
