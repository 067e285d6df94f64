#!/usr/bin/env bash
# Authority across contracts through the `tenor` CLI (docs/authorization.md):
#   - alice calls an unrelated contract (lure) that tries to move her tokens: refused, nothing moves;
#   - the same call with `--authorize token` moves them; `KEY=CONTRACT` scopes one signer only;
#   - `tx show` prints each signer's scope; a signer that does not sign cannot be given a scope;
#   - replay, export and import reproduce the chain, the scopes included.
#
#   bash tests/authority/authority_cli.sh build/bin/tenor /tmp/scratch tests/contracts/authority
. "$(dirname "$0")/../cli/lib.sh"

TENOR=${1:?usage: authority_cli.sh TENOR SCRATCH_DIR CONTRACTS_DIR}
SCRATCH=${2:?usage: authority_cli.sh TENOR SCRATCH_DIR CONTRACTS_DIR}
CONTRACTS=${3:?usage: authority_cli.sh TENOR SCRATCH_DIR CONTRACTS_DIR}
CONTRACTS=$(cd "$CONTRACTS" && pwd)

lib_scratch "$SCRATCH"
export TENOR_DATA="$SCRATCH/data"

for c in token lure relay; do run 0 build "$CONTRACTS/$c.tnr" -o "$c.wasm"; done
run 0 keys new alice
run 0 keys new mallory
cat >genesis.json <<'EOF2'
{"chain_id": "tenor-dev", "start_time": "2027-01-01", "parties": [
  {"name": "alice", "key": "alice", "balance": 100000000},
  {"name": "mallory", "key": "mallory", "balance": 100000000}]}
EOF2
run 0 init genesis.json
run 0 deploy token.wasm --from alice --name token
run 0 deploy lure.wasm --from mallory --name lure
run 0 deploy relay.wasm --from mallory --name relay
run 0 call token mint to=alice amount=10000 --from alice
# Address arguments take 0x and 64 hex digits.
address_of() { python3 -c "import json,sys; print('0x' + json.load(open('data/contracts.json'))[sys.argv[1]])" "$1"; }
TOKEN=$(address_of token)
RELAY=$(address_of relay)

# --- a dry run shows who checked whose signature, before anything is signed -------------------------
run 0 status --json
HEIGHT=$(json "j['head']['height']")
run 1 call lure claim token=$TOKEN thief=mallory amount=10000 --from alice --dry-run
expect_out_text 'nothing signed, nothing recorded'
expect_out '^  status: +revert$'
expect_out "^    ${TOKEN#0x} asked for alice: refused, not in alice's scope \\(--authorize ${TOKEN#0x} would grant it\\)$"
run 0 call lure claim token=$TOKEN thief=mallory amount=10000 --from alice --dry-run --authorize token --json
expect_eq "$(json "[c['granted'] for c in j['authority_checks']]")" "[True]" "the token's check granted"
expect_eq "$(json "j['signers'][0]['authorizes'] == ['${TOKEN#0x}']")" "True" "alice's scope in the dry run"
run 0 query token balance p=alice
expect_out_text 'result:         10000'
run 0 status --json
expect_eq "$(json "(j['head']['height'], j['pending'])")" "($HEIGHT, 0)" "a dry run records nothing"

# --- the attack: alice's signature does not reach the token ----------------------------------------
run 1 call lure claim token=$TOKEN thief=mallory amount=10000 --from alice
expect_out '  status:         revert'
expect_out_text 'must sign this transaction'
run 0 query token balance p=alice
expect_out_text 'result:         10000'
run 0 query token balance p=mallory
expect_out_text 'result:         0'

# --- with the token in scope ------------------------------------------------------------------------
run 0 call lure claim token=$TOKEN thief=mallory amount=2500 --from alice --authorize token --json
TX=$(json "j['tx_hash']")
run 0 query token balance p=alice
expect_out_text 'result:         7500'
run 0 tx show "$TX"
expect_out_text 'authorizes: the top-level contract and'
expect_out "^ +[0-9a-f]{64}$"
run 0 tx show "$TX" --json
expect_eq "$(json "len(j['signers'][0]['authorizes'])")" 1 "alice's scope holds one contract"

# --- a chain A -> B -> C with A and C in scope: the relay does not see alice, the token does --------
run 0 call lure claim_through relay=$RELAY token=$TOKEN thief=mallory amount=500 --from alice --authorize token
expect_out_text 'result:         false'
run 0 query token balance p=mallory
expect_out_text 'result:         3000'

# --- KEY=CONTRACT scopes one signer: mallory's scope grants nothing for alice ------------------------
run 1 call lure claim token=$TOKEN thief=mallory amount=1 --from alice --also-signed-by mallory \
  --authorize mallory=token
expect_out '  status:         revert'
run 2 call lure claim token=$TOKEN thief=mallory amount=1 --from alice --authorize mallory=token
expect_err_text 'mallory does not sign this transaction'
run 2 call lure claim token=$TOKEN thief=mallory amount=1 --from alice --authorize nosuch
expect_err 'nosuch'

# --- auditing keeps the scopes ----------------------------------------------------------------------
run 0 replay --quiet
expect_out 'replay ok'
run 0 export "$SCRATCH/chain.export"
run 0 import "$SCRATCH/chain.export" --data "$SCRATCH/imported" --quiet
expect_out 'import ok'
run 0 tx show "$TX" --data "$SCRATCH/imported" --json
expect_eq "$(json "len(j['signers'][0]['authorizes'])")" 1 "the imported transaction keeps its scope"
ALICE=$(python3 -c "import json; print('0x' + json.load(open('data/keys/alice.json'))['public_key'])")
run 0 query "${TOKEN#0x}" balance p="$ALICE" --data "$SCRATCH/imported"
expect_out_text 'result:         7000'

finish
