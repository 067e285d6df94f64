#!/usr/bin/env bash
# The main job: installs what is missing, builds, and shows the VM and the ledger through the
# `tenor` CLI: the sample module run plain, metered and traced; then a chain in a scratch folder
# with a deployed contract, a transaction signed by two parties, a revert, a query, a state proof
# and the auditor's replay. (The trade-finance demo replaces the counter contract once the
# compiler and the standard contracts exist.)
#   BUILD_DIR  build folder (default ./build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-$root/build}
export BUILD_DIR=$build_dir

bash scripts/setup.sh
bash scripts/build.sh

tenor=$build_dir/bin/tenor
sample=$build_dir/examples/wasm/sample.wasm
rel_sample=${sample#"$root"/}  # shorter in the printed commands; we run from the root
for f in "$tenor" "$sample"; do
  [ -e "$f" ] || { echo "demo.sh: $f was not built" >&2; exit 1; }
done

# show ARGS...: prints the command as typed, then its output indented; returns tenor's status.
show() {
  local out rc=0
  echo
  echo "\$ tenor $*"
  out=$("$tenor" "$@" 2>&1) || rc=$?
  [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
  return "$rc"
}

echo
echo "Tenor VM demo: examples/wasm/sample.c compiled to WebAssembly, run by the Tenor VM."
show wasm validate "$rel_sample"
show wasm run "$rel_sample" add 2 40
show wasm run "$rel_sample" fib 50
show wasm run "$rel_sample" checksum 1000
echo
echo "A trap is an ordinary, deterministic outcome (exit status 1):"
status=0
show wasm run "$rel_sample" divide 7 0 || status=$?
[ "$status" -ne 0 ] || { echo "demo.sh: expected a trap from divide 7 0" >&2; exit 1; }
echo
echo "Metered: every basic block pays from the gas schedule (docs/gas.md); the trace's hash is"
echo "identical on every machine:"
show wasm run --gas 1000000 "$rel_sample" fib 20
show wasm run --gas 500 "$rel_sample" fib 90 || true
show wasm run --trace call --gas 100000 "$rel_sample" add 2 40

echo
echo "The ledger: a chain in a scratch folder (docs/sdk.md). The contract is tests/cli/counter.wasm:"
echo "each call adds 1 to a counter in its storage, returns it and emits it as an event."
export TENOR_DATA
TENOR_DATA=$(mktemp -d "${TMPDIR:-/tmp}/tenor-demo.XXXXXX")
trap 'rm -rf "$TENOR_DATA"' EXIT
show keys new seller >/dev/null
show keys new factor >/dev/null
cat >"$TENOR_DATA/genesis.json" <<JSON
{"chain_id": "tenor-demo", "start_time": "2027-03-31",
 "parties": [{"name": "seller", "key": "seller", "balance": 100000000},
             {"name": "factor", "key": "factor", "balance": 100000000}]}
JSON
show init "$TENOR_DATA/genesis.json"
show deploy tests/cli/counter.wasm --from seller --name counter
echo
echo "One transaction signed by two parties:"
show call counter --from seller --also-signed-by factor
echo
echo "A revert undoes the call's changes, but the transaction is recorded and pays its gas:"
show call counter --from seller --input 01 || true
show query counter
show state prove --contract counter --key n
show time advance 30d
show block produce
echo
echo "The auditor's replay re-executes every block from genesis and compares roots, receipts, gas:"
show replay --quiet
echo
echo "demo.sh: done (the trapping call exited with status ${status})."
