# tests/cli/lib.sh: what the shell tests and demos that drive the `tenor` binary share
# (tests/cli/*_cli.sh, examples/factoring/demo.sh, stdlib/payables_demo.sh,
# tests/unit/compiler/check_cli.sh). Sourced, never run; POSIX sh (check_cli.sh runs under sh) and
# bash:
#     . "$(dirname "$0")/lib.sh"
#
# Sourcing it turns on strict mode: set -eu, and pipefail where the shell has it (bash).
#
#   TENOR                     the tenor binary: set it before run / step
#   lib_tmpdir [NAME]         TMP_DIR: a new temporary folder, removed when the script exits
#   lib_scratch DIR           DIR emptied, created and made the working folder (kept afterwards, so
#                             that a failing test's files can be looked at)
#   fail MSG...               prints "FAIL: MSG" and exits 1
#
# Counted checks, for tests (every check runs; the summary says how many failed):
#   run EXPECTED_EXIT ARGS... runs $TENOR ARGS, stdout in $OUT, stderr in $ERR; checks the exit status
#   expect_out REGEX          a line of the last run's stdout matches the extended regex
#   expect_err REGEX          the same for stderr
#   expect_out_text TEXT      the last run's stdout contains the fixed text
#   expect_err_text TEXT      the same for stderr
#   expect_no_out REGEX       no line of the last run's stdout matches
#   expect_json               the last run's stdout is one JSON document
#   json EXPR                 prints a Python expression over the last stdout parsed as `j`
#   expect_eq ACTUAL EXPECTED WHAT
#   finish                    prints "N checks, M failed" (CTest looks for it); exits 1 when M > 0
#
# Demo steps, for demos (the first unexpected outcome ends the run with exit 1):
#   lib_demo NAME "$@"          the demo's one argument is TENOR (else a usage error, exit 2);
#                               TENOR_DATA is exported: as given, else a temporary folder NAME.XXXXXX
#   step EXPECTED_EXIT ARGS...  prints `$ tenor ARGS`, runs $TENOR ARGS, prints its output indented
#                               and keeps it in $out; fails when the exit status differs
#   expect TEXT                 the last step's output contains the fixed text

set -eu
# shellcheck disable=SC3040  # pipefail: bash has it, dash does not
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi

fail() {
  echo "FAIL: $*"
  exit 1
}

lib_tmpdir() {
  TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/${1:-tenor-test}.XXXXXX") || exit 1
  trap 'rm -rf "$TMP_DIR"' EXIT
}

lib_scratch() {
  rm -rf "$1"
  mkdir -p "$1"
  cd "$1" || exit 1
  OUT="$1/out.txt"
  ERR="$1/err.txt"
}

# ---- counted checks -----------------------------------------------------------------------------

checks=0
failures=0
OUT=${OUT:-out.txt}
ERR=${ERR:-err.txt}

lib_failed() {
  failures=$((failures + 1))
  echo "FAIL: $*"
}

run() {
  lib_expected=$1
  shift
  lib_rc=0
  "$TENOR" "$@" >"$OUT" 2>"$ERR" || lib_rc=$?
  checks=$((checks + 1))
  if [ "$lib_rc" -ne "$lib_expected" ]; then
    lib_failed "tenor $*: exit $lib_rc, expected $lib_expected"
    sed 's/^/  stdout: /' "$OUT"
    sed 's/^/  stderr: /' "$ERR"
  fi
}

# lib_expect_in FILE WHAT GREP-FLAG PATTERN HOW
lib_expect_in() {
  checks=$((checks + 1))
  if ! grep "$3" -q -- "$4" "$1"; then
    lib_failed "$2 does not $5:"
    sed 's/^/  | /' "$1"
  fi
}
expect_out() { lib_expect_in "$OUT" stdout -E "$1" "match /$1/"; }
expect_err() { lib_expect_in "$ERR" stderr -E "$1" "match /$1/"; }
expect_out_text() { lib_expect_in "$OUT" stdout -F "$1" "contain '$1'"; }
expect_err_text() { lib_expect_in "$ERR" stderr -F "$1" "contain '$1'"; }

expect_no_out() {
  checks=$((checks + 1))
  if grep -Eq -- "$1" "$OUT"; then
    lib_failed "stdout matches /$1/:"
    sed 's/^/  | /' "$OUT"
  fi
}

expect_json() {
  checks=$((checks + 1))
  if ! python3 -c 'import json,sys; json.load(sys.stdin)' <"$OUT"; then
    lib_failed "stdout is not JSON:"
    sed 's/^/  | /' "$OUT"
  fi
}

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)" <"$OUT"; }

expect_eq() {
  checks=$((checks + 1))
  if [ "$1" != "$2" ]; then lib_failed "$3: got '$1', expected '$2'"; fi
}

finish() {
  echo "$checks checks, $failures failed"
  [ "$failures" -eq 0 ] || exit 1
}

# ---- demo steps ---------------------------------------------------------------------------------

lib_demo() {
  lib_name=$1
  shift
  [ $# -eq 1 ] || { echo "usage: $0 TENOR_BINARY" >&2; exit 2; }
  TENOR=$1
  if [ -z "${TENOR_DATA:-}" ]; then
    lib_tmpdir "$lib_name"
    TENOR_DATA=$TMP_DIR
  fi
  export TENOR_DATA
}

out=""
step() {
  lib_expected=$1
  shift
  lib_rc=0
  echo
  echo "\$ tenor $*"
  out=$("$TENOR" "$@" 2>&1) || lib_rc=$?
  [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
  if [ "$lib_rc" -ne "$lib_expected" ]; then
    echo "demo: \`tenor $*\` exited with $lib_rc, expected $lib_expected" >&2
    exit 1
  fi
}

expect() {
  grep -qF -- "$1" <<LIB_OUT || { echo "demo: expected \"$1\" in the output above" >&2; exit 1; }
$out
LIB_OUT
}

# demo_build SOURCE: compiles SOURCE into $TENOR_DATA (NAME.wasm and NAME.abi.json) and sets $wasm.
demo_build() {
  local name
  name=$(basename "$1" .tnr)
  wasm=$TENOR_DATA/$name.wasm
  echo "Compile the contract (LLVM -> WebAssembly, checked by the VM before it is written):"
  step 0 build "$1" -o "$wasm" --abi "$TENOR_DATA/$name.abi.json"
  expect "built $wasm"
}

# demo_chain CHAIN_ID PARTY...: a key for each party and a chain starting 2027-01-04 on which each
# has a balance of 100,000,000 gas.
demo_chain() {
  local chain_id=$1 parties="" k
  shift
  for k in "$@"; do
    "$TENOR" keys new "$k" >/dev/null
    parties="$parties${parties:+, }{\"name\": \"$k\", \"key\": \"$k\", \"balance\": 100000000}"
  done
  printf '{"chain_id": "%s", "start_time": "2027-01-04", "parties": [%s]}\n' "$chain_id" "$parties" \
    >"$TENOR_DATA/genesis.json"
  step 0 init "$TENOR_DATA/genesis.json"
}
