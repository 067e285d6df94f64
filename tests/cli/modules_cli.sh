#!/usr/bin/env bash
# Contracts with modules through the `tenor` CLI (docs/language.md, "Modules"):
#   - `tenor build` of tests/modules/app named from different folders and by different spellings
#     (absolute, relative, `./`, `..` segments, a symlinked folder, a copy elsewhere) writes the
#     same bytes, whose trap messages name files relative to the project;
#   - `tenor build` of a module is refused with `module_not_a_contract` (`tenor check` accepts it);
#   - a contract whose loop is in lib/spin.tnr runs out of gas there: the receipt names
#     `lib/spin.tnr:LINE:COL` (the source map's file table), and replay agrees.
#
#   bash tests/cli/modules_cli.sh build/bin/tenor /tmp/scratch tests/modules
. "$(dirname "$0")/lib.sh"

TENOR=${1:?usage: modules_cli.sh TENOR SCRATCH_DIR MODULES_DIR}
SCRATCH=${2:?usage: modules_cli.sh TENOR SCRATCH_DIR MODULES_DIR}
MODULES=${3:?usage: modules_cli.sh TENOR SCRATCH_DIR MODULES_DIR}
MODULES=$(cd "$MODULES" && pwd)

lib_scratch "$SCRATCH"
export TENOR_DATA="$SCRATCH/data"

# --- the same project, named six ways ---------------------------------------------------------------
mkdir -p src/deep copy
cp -R "$MODULES/app" src/app
cp -R "$MODULES/app" "$MODULES/std" copy/
ln -s src/app link
STD="$MODULES/std"
run 0 build "$SCRATCH/src/app/main.tnr" -o abs.wasm --std "$STD"
run 0 build src/app/main.tnr -o rel.wasm --std "$STD"
run 0 build ./src/app/main.tnr -o dot.wasm --std "$STD"
run 0 build src/deep/../app/lib/../main.tnr -o dots.wasm --std "$STD"
run 0 build link/main.tnr -o link.wasm --std "$STD"
(cd src/app && "$TENOR" build main.tnr -o "$SCRATCH/here.wasm" --std "$STD" >"$OUT" 2>"$ERR") || lib_failed "build in src/app"
run 0 build copy/app/main.tnr -o copy.wasm --std copy/std
for w in rel dot dots link here copy; do
  checks=$((checks + 1))
  cmp -s abs.wasm "$w.wasm" || lib_failed "$w.wasm differs from abs.wasm"
done
# bytes_have FILE TEXT WHAT / bytes_lack FILE TEXT WHAT: the bytes of FILE contain TEXT or not.
bytes_have() {
  checks=$((checks + 1))
  grep -q -a -F -- "$2" "$1" || lib_failed "$1 lacks $3 ('$2')"
}
bytes_lack() {
  checks=$((checks + 1))
  if grep -q -a -F -- "$2" "$1"; then lib_failed "$1 holds $3 ('$2')"; fi
}
bytes_have abs.wasm 'fees.tnr:23:' "a trap message naming fees.tnr"
bytes_have abs.wasm 'lib/rates.tnr:7:' "a trap message naming lib/rates.tnr"
bytes_lack abs.wasm "$SCRATCH" "the scratch folder"
bytes_lack abs.wasm "$MODULES" "the fixture folder"

# --- a module is not a contract ---------------------------------------------------------------------
run 1 build src/app/fees.tnr -o fees.wasm
expect_err_text 'src/app/fees.tnr:2:1: error: `src/app/fees.tnr` is module `fees`, not a contract: there is nothing to build'
checks=$((checks + 1))
[ ! -e fees.wasm ] || lib_failed "fees.wasm was written"
run 0 check src/app/fees.tnr

# --- a trap inside a module fn, through a receipt --------------------------------------------------
mkdir -p spin/lib
cat >spin/main.tnr <<'EOF'
contract Spin

use lib::spin;

action run(times: u64) -> Hash {
  return spin::chain(times);
}
EOF
# Each round calls the host, so the optimiser cannot fold the loop away.
cat >spin/lib/spin.tnr <<'EOF'
module spin

fn chain(n: u64) -> Hash {
  var h = sha256("seed");
  var i: u64 = 0;
  while i < n {
    h = sha256(h);
    i += 1;
  }
  return h;
}
EOF
run 0 build spin/main.tnr -o spin.wasm
run 0 keys new alice
cat >genesis.json <<'EOF'
{"chain_id": "tenor-dev", "start_time": "2027-01-01", "parties": [
  {"name": "alice", "key": "alice", "balance": 100000000}]}
EOF
run 0 init genesis.json
run 0 deploy spin.wasm --from alice --name spin
run 0 call spin run times=3 --from alice
expect_out '  status:         ok'
# Out of gas inside the loop: the message names a line of the loop (6 to 8) in lib/spin.tnr.
run 1 call spin run times=1000000 --from alice --gas 200000 --json
TX=$(python3 -c "import json,sys; print(json.load(sys.stdin)['tx_hash'])" <"$OUT")
expect_out '"message": "out of gas \(lib/spin\.tnr:(6|7|8):[0-9]+\)"'
run 0 receipt "$TX"
expect_out '^  message: +out of gas \(lib/spin\.tnr:(6|7|8):[0-9]+\)$'
run 0 replay --quiet
expect_out 'replay ok'

finish
