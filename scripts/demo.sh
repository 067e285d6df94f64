#!/usr/bin/env bash
# The main job: installs what is missing, builds, and shows the VM and the trade-finance demo
# through the `tenor` CLI: the sample module run plain, metered and traced; then
# examples/factoring/demo.sh: a factoring contract compiled from Tenor, deployed on a dev chain,
# an invoice registered, confirmed, financed by two signers in one transaction, refused a second
# financing, settled at maturity, and the chain replayed by an auditor.
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
echo "Trade finance on the ledger (examples/factoring): a Tenor contract compiled, deployed and"
echo "driven through a whole factoring deal by three parties, then replayed by an auditor."
bash examples/factoring/demo.sh "$tenor"
echo
echo "demo.sh: done (the trapping call exited with status ${status})."
