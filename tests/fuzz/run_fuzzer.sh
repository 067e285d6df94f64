#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time on a seed corpus.
#
#   run_fuzzer.sh [--make-seeds SCRIPT] [--seconds N] FUZZER SEED_DIR ARTIFACT_DIR [LIBFUZZER FLAGS...]
#
# The corpus is made in a temporary folder at run time (no binaries in the repository; the fuzzer
# adds the inputs it finds there): by default every *.wasm file under SEED_DIR is copied (the VM's
# fuzzer, SEED_DIR being the spec suite); with --make-seeds, `bash SCRIPT SEED_DIR CORPUS` writes
# the seeds instead (the Tenor front end's fuzzer: tnr_seeds.sh, SEED_DIR being the repository).
# Exits non-zero, and keeps the crashing input in ARTIFACT_DIR, when the fuzzer finds a crash, a
# sanitizer report, a leak or a timeout, or when there is no seed.
#   TENOR_FUZZ_RUNS (default 500000) and TENOR_FUZZ_SECONDS (default: --seconds, else 90) bound
#   the run: it stops at whichever comes first. LIBFUZZER FLAGS come last, so they override the
#   defaults below.
set -euo pipefail
usage="usage: $0 [--make-seeds SCRIPT] [--seconds N] FUZZER SEED_DIR ARTIFACT_DIR [FLAGS...]"
make_seeds="" seconds=90
while [ "${1:-}" = --make-seeds ] || [ "${1:-}" = --seconds ]; do
  [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
  case $1 in
    --make-seeds) make_seeds=$2 ;;
    --seconds) seconds=$2 ;;
  esac
  shift 2
done
[ $# -ge 3 ] || { echo "$usage" >&2; exit 2; }
fuzzer=$1 seed_dir=$2 artifacts=$3
shift 3

corpus=$(mktemp -d "${TMPDIR:-/tmp}/tenor-fuzz-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
if [ -n "$make_seeds" ]; then
  bash "$make_seeds" "$seed_dir" "$corpus"
else
  find "$seed_dir" -name '*.wasm' -type f -exec cp -t "$corpus" {} +
fi
seeds=$(find "$corpus" -type f | wc -l)
if [ "$seeds" -eq 0 ]; then
  echo "run_fuzzer.sh: no seeds from $seed_dir" >&2
  exit 1
fi
mkdir -p "$artifacts"
echo "run_fuzzer.sh: $seeds seeds from $seed_dir; crash inputs go to $artifacts/"

# -timeout: every input the targets execute terminates quickly (see wasm_fuzz_target.cpp; the
# front end always terminates), so an input that runs for seconds is a hang and fails the run.
rc=0
"$fuzzer" "$corpus" \
  -runs="${TENOR_FUZZ_RUNS:-500000}" -max_total_time="${TENOR_FUZZ_SECONDS:-$seconds}" \
  -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "run_fuzzer.sh: the fuzzer failed (exit $rc). Reproduce with:" >&2
  echo "  $fuzzer $artifacts/<crash-file>   (or any build's $(basename "$fuzzer")_replay <crash-file>)" >&2
fi
exit "$rc"
