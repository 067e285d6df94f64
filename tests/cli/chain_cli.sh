#!/usr/bin/env bash
# The chain commands of the `tenor` CLI end to end on a scratch data folder: keys, genesis, init,
# deploy (tests/cli/counter.wasm, see counter.md), calls, receipts, queries, events, state proofs,
# blocks, the clock, transactions, pending transactions, and the error cases with their exit codes.
# Every --json output is parsed as JSON. docs/sdk.md, "The tenor command line", walks through the
# same steps.
#
#   bash tests/cli/chain_cli.sh build/bin/tenor /tmp/scratch tests/cli/counter.wasm
. "$(dirname "$0")/lib.sh"

TENOR=${1:?usage: chain_cli.sh TENOR SCRATCH_DIR COUNTER_WASM}
SCRATCH=${2:?usage: chain_cli.sh TENOR SCRATCH_DIR COUNTER_WASM}
WASM=${3:?usage: chain_cli.sh TENOR SCRATCH_DIR COUNTER_WASM}

lib_scratch "$SCRATCH"
unset TENOR_DATA
export TENOR_DATA="$SCRATCH/data"

# --- keys ---------------------------------------------------------------------------------------
run 0 keys new seller
expect_out '^created key seller$'
expect_out 'public key: [0-9a-f]{64}$'
run 0 keys new factor --json
expect_json
FACTOR=$(json 'j["public_key"]')
run 0 keys show seller --json
expect_json
SELLER=$(json 'j["public_key"]')
run 0 keys list
expect_out "^factor  $FACTOR\$"
expect_out "^seller  $SELLER\$"
run 0 keys list --json
expect_json
checks=$((checks + 1))
if grep -q seed "$OUT" || grep -rq "$(python3 -c 'import json; print(json.load(open("data/keys/seller.json"))["seed"])')" "$OUT"; then
  failures=$((failures + 1))
  echo "FAIL: keys list prints a seed"
fi

# --- genesis and init ---------------------------------------------------------------------------
cat >genesis.json <<EOF
{
  "chain_id": "tenor-dev",
  "start_time": "2027-01-01",
  "parties": [
    {"name": "seller", "key": "$SELLER", "balance": 100000000},
    {"name": "factor", "key": "factor", "balance": 1000}
  ]
}
EOF
run 0 init genesis.json
expect_out '^created chain "tenor-dev"'
expect_out "party factor: $FACTOR, balance 1000"
run 1 init genesis.json
expect_err 'already holds a chain'
run 0 status --json
expect_json
expect_eq "$(json 'j["head"]["height"]')" 0 "status head height"
expect_eq "$(json 'j["head"]["time"]')" 2027-01-01T00:00:00Z "genesis time"

# --- deploy and call ----------------------------------------------------------------------------
run 0 deploy "$WASM" --from seller --name counter --json
expect_json
expect_eq "$(json 'j["receipt"]["status"]')" ok "deploy status"
COUNTER=$(json 'j["receipt"]["deployed"]')
expect_eq "${#COUNTER}" 64 "deployed address length"

run 0 call counter --from seller
expect_out '^  status: +ok$'
expect_out '^  output: +0100000000000000$'
expect_out "\\[0\\] contract $COUNTER name \"n\" data 0100000000000000"
run 0 call "$COUNTER" --from seller --also-signed-by factor --json
expect_json
expect_eq "$(json 'j["receipt"]["status"]')" ok "second call status"
expect_eq "$(json 'j["receipt"]["output"]')" 0200000000000000 "second call output"
expect_eq "$(json 'j["receipt"]["block"]')" 3 "second call block"
CALL2=$(json 'j["tx_hash"]')

# A call that reverts is included (gas and nonce are charged) and exits 1 with its receipt.
run 1 call counter --from seller --input 01
expect_out '^  status: +revert$'
expect_out '^  revert message: +"no"$'
expect_err 'failed with status revert'

# --- receipt, tx show, query, events ------------------------------------------------------------
run 0 receipt "$CALL2"
expect_out '^  output: +0200000000000000$'
run 0 receipt "$CALL2" --json
expect_json
expect_eq "$(json 'j["events"][0]["name"]')" n "event name in the receipt"
run 0 tx show "$CALL2"
expect_out 'signed by: +2 parties'
expect_out "^    $FACTOR \\(factor\\)\$"
expect_out 'included: +block 3 \(index 0\), status ok'
run 0 tx show "$CALL2" --json
expect_json
expect_eq "$(json 'len(j["signers"])')" 2 "signers"

run 0 query counter
expect_out '^  output: +0300000000000000$'
run 0 query counter --json
expect_json
expect_eq "$(json 'j["output"]')" 0300000000000000 "query output"
run 0 state get --contract counter --key n
expect_out '^value: +0200000000000000$'  # the query recorded nothing

run 0 events --contract counter --name n
expect_out "^block 2 tx [0-9a-f]{64} \\[0\\] contract $COUNTER name \"n\" data 0100000000000000\$"
expect_out "^block 3 tx $CALL2 \\[0\\] contract $COUNTER name \"n\" data 0200000000000000\$"
run 0 events --contract counter --name n --json
expect_json
expect_eq "$(json 'len(j)')" 2 "events"
run 0 events --name nothing
expect_out '^no events$'

# --- state get / prove / verify -----------------------------------------------------------------
run 0 state get --contract counter --key n --json
expect_json
expect_eq "$(json 'j["value"]')" 0200000000000000 "state value"
run 0 state prove --contract counter --key n
expect_out '^proof of: +inclusion'
expect_out '^verified: +yes$'
run 0 state prove --contract counter --key n --json
expect_json
ROOT=$(json 'j["state_root"]')
PROOF=$(json 'j["proof_hex"]')
KEY=$(json 'j["key"]')
run 0 state verify "$KEY" --root "$ROOT" --proof "$PROOF" --value 0200000000000000
expect_out '^verified'
run 1 state verify "$KEY" --root "$ROOT" --proof "$PROOF" --value 0300000000000000
expect_out '^NOT verified'
run 1 state get --contract counter --key missing
expect_out '^value: +absent$'
run 0 state prove --contract counter --key missing --json
expect_json
expect_eq "$(json 'j["kind"]')" exclusion "exclusion proof"
expect_eq "$(json 'j["verified"]')" True "exclusion proof verifies"

# --- blocks and the clock -----------------------------------------------------------------------
run 0 block show 3
expect_out '^block 3$'
expect_out "\\[0\\] $CALL2 call +ok, gas [0-9]+\$"
run 0 block show --json
expect_json
expect_eq "$(json 'j["height"]')" 4 "head height"
run 0 time advance 30d
expect_out '^next block time: 2027-01-31T00:00:00Z'
run 0 time advance 12h --json
expect_json
expect_eq "$(json 'j["next_time"]')" 2027-01-31T12:00:00Z "time after 30d 12h"
run 0 block produce
expect_out '^block 5$'
expect_out 'time: +2027-01-31T12:00:00Z'

# --- pending transactions (--no-block) ----------------------------------------------------------
run 0 call counter --from seller --no-block --json
expect_json
PENDING=$(json 'j["tx_hash"]')
expect_eq "$(json 'j["pending"]')" True "pending"
run 0 call counter --from seller --no-block
expect_out '^submitted transaction [0-9a-f]{64} \(nonce 5\)$'
run 0 tx show "$PENDING"
expect_out 'included: +no, pending'
run 1 receipt "$PENDING"
expect_err 'is pending'
run 0 account show seller --json
expect_json
expect_eq "$(json 'j["pending"]')" 2 "pending transactions of seller"
run 0 block produce --json
expect_json
expect_eq "$(json 'j["tx_count"]')" 2 "transactions in the produced block"
run 0 state get --contract counter --key n
expect_out '^value: +0400000000000000$'
run 0 account show seller
expect_out '^  nonce: +6 \(next: 6\)$'

# --- auditing: replay, export/import, trace ------------------------------------------------------
run 0 replay --quiet
expect_out 'replay ok: [0-9]+ blocks and [0-9]+ transactions reproduced bit for bit'
run 0 replay "$TENOR_DATA" --json --quiet
expect_json
expect_out '"ok": true'
run 0 export "$SCRATCH/chain.export"
expect_out 'exported [0-9]+ blocks'
run 0 import "$SCRATCH/chain.export" --data "$SCRATCH/imported" --quiet
expect_out 'import ok'
run 0 block show head --data "$SCRATCH/imported"
run 2 import "$SCRATCH/chain.export" --data "$SCRATCH/imported" --quiet
expect_err 'already holds a chain'
echo garbage >"$SCRATCH/bad.export"
run 1 import "$SCRATCH/bad.export" --data "$SCRATCH/imported2" --quiet
expect_err 'not a Tenor export'
run 0 trace "$CALL2"
expect_out 'trace hash: [0-9a-f]{16}'
expect_out 'block f[0-9]+'
run 0 trace "$CALL2" --level instr --limit 5 --json
expect_json
run 2 trace "$CALL2" --level everything
expect_err 'unknown trace level'
run 1 trace 0000000000000000000000000000000000000000000000000000000000000000
expect_err 'no transaction'
run 2 replay "$SCRATCH/no-such-folder"
expect_err 'no chain at'

# --- errors -------------------------------------------------------------------------------------
run 2 call counter --from nobody
expect_err 'unknown key "nobody"'
run 2 keys show nobody
expect_err 'unknown key "nobody"'
run 2 call counter --from seller --input 0xzz
expect_err '--input: "0xzz" is not hex'
run 2 call counter --from seller --input abc
expect_err 'odd number of digits'
run 2 call 12ab --from seller
expect_err 'unknown contract "12ab"'
run 2 call counter --from seller amount=5
expect_err "contract counter has no ABI .*give the raw input with --input HEX"
run 2 status --data "$SCRATCH/no-such-folder"
expect_err "data folder $SCRATCH/no-such-folder does not exist"
run 2 deploy "$SCRATCH/no-such.wasm" --from seller
expect_err "cannot read $SCRATCH/no-such.wasm: no such file"
run 1 call counter --from seller --nonce 99
expect_err 'transaction rejected: bad nonce: skipped nonce: expected 6, got 99'
run 1 call counter --from seller --nonce 0
expect_err 'replayed nonce'
run 1 call counter --from factor
expect_err 'transaction rejected: insufficient balance: .* has 1000 gas units'
run 1 deploy genesis.json --from seller
expect_err 'cannot be deployed'
run 2 time advance 3weeks
expect_err '"3weeks" is not a duration'
run 2 tx show 1234
expect_err 'must be 64 hex digits'
run 1 tx show 0000000000000000000000000000000000000000000000000000000000000000
expect_err 'no transaction 0{64}'
run 1 block show 99
expect_err 'no block 99'
run 1 keys new seller
expect_err 'already exists'
run 2 call counter --from seller --gas lots
run 2 frobnicate

finish
