#!/usr/bin/env bash
# Typed arguments end to end: builds the factoring contract of docs/language.md with `tenor build`,
# deploys it with its init argument (rate=0.8), registers an invoice with an amount and a due date,
# has the debtor confirm it, finances it in one transaction signed by seller and factor, and queries
# the view: return values and events are printed decoded through the contract's ABI. Then the
# refusals: a wrong argument type (a usage error before anything is signed), and a raw input that
# does not match the ABI (rejected at admission). docs/sdk.md, "Typed arguments", walks through
# the same steps.
#
#   bash tests/cli/abi_cli.sh build/bin/tenor /tmp/scratch docs/language.md
. "$(dirname "$0")/lib.sh"

TENOR=${1:?usage: abi_cli.sh TENOR SCRATCH_DIR LANGUAGE_MD}
SCRATCH=${2:?usage: abi_cli.sh TENOR SCRATCH_DIR LANGUAGE_MD}
LANGUAGE_MD=${3:?usage: abi_cli.sh TENOR SCRATCH_DIR LANGUAGE_MD}

lib_scratch "$SCRATCH"
export TENOR_DATA="$SCRATCH/data"

# --- the contract, the keys, the chain -----------------------------------------------------------
python3 - "$LANGUAGE_MD" >factoring.tnr <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
print(re.search(r"```tenor\n(.*?)```", text, re.S).group(1), end="")
PY
run 0 build factoring.tnr -o factoring.wasm
expect_out_text 'built factoring.wasm'

for k in seller debtor factor; do run 0 keys new $k; done
run 0 keys show factor --json
FACTOR=$(json 'j["public_key"]')
cat >genesis.json <<'EOF'
{"chain_id": "tenor-dev", "start_time": "2027-01-01", "parties": [
  {"name": "seller", "key": "seller", "balance": 100000000},
  {"name": "debtor", "key": "debtor", "balance": 100000000},
  {"name": "factor", "key": "factor", "balance": 100000000}]}
EOF
run 0 init genesis.json

# --- deploy with the init's argument ---------------------------------------------------------------
run 2 deploy factoring.wasm --from seller
expect_err_text "Factoring's init takes arguments: init(rate: Rate); give them as rate=VALUE"
run 0 deploy factoring.wasm rate=0.8 --from seller --name factoring --json
expect_eq "$(json 'j["receipt"]["status"]')" ok "deploy status"
DEPLOY=$(json 'j["tx_hash"]')
run 0 tx show "$DEPLOY"
expect_out_text 'decoded:        init {"rate": "0.8"}'

# --- register, confirm, finance ---------------------------------------------------------------------
ID=0x$(printf 'a%.0s' {1..64})
run 0 call factoring register id=$ID debtor=debtor "amount=125000.00 CNY" due=2027-03-31 --from seller
expect_out_text '  status:         ok'
expect_out_text 'event Registered {"id": "'$ID'", "seller": "0x'
expect_out_text '"amount": "125000.00 CNY"}'
run 0 call factoring confirm id=$ID --from debtor
run 0 call factoring finance --args '{"id": "'$ID'", "factor": "factor"}' --from seller --also-signed-by factor --json
expect_eq "$(json 'j["receipt"]["events"][0]["event"]')" Financed "the Financed event"
expect_eq "$(json 'j["receipt"]["events"][0]["fields"]["advance"]')" "100000.00 CNY" "the advance: 80% of 125000.00 CNY"
FINANCE=$(json 'j["tx_hash"]')
run 0 events --contract factoring --name Financed
expect_out_text "event Financed {\"id\": \"$ID\", \"factor\": \"0x$FACTOR\", \"advance\": \"100000.00 CNY\"}"
run 0 tx show "$FINANCE"
expect_out_text "decoded:        finance {\"id\": \"$ID\", \"factor\": \"0x$FACTOR\"}"

# --- the view ------------------------------------------------------------------------------------------
run 0 query factoring invoice id=$ID
expect_out_text '"amount": "125000.00 CNY", "due": "2027-03-31", "state": {"Financed": {"factor": "0x'$FACTOR'", "advance": "100000.00 CNY"}}}'
run 0 query factoring invoice --args '["'$ID'"]' --json
expect_eq "$(json 'j["result"]["state"]["Financed"]["advance"]')" "100000.00 CNY" "the view's advance"
expect_eq "$(json 'j["result"]["due"]')" 2027-03-31 "the view's due date"
run 0 query factoring invoice id=0x$(printf '0%.0s' {1..64})
expect_out_text '  result:         null'

# --- refusals -------------------------------------------------------------------------------------------
# A wrong argument type, a wrong amount, an unknown entry and parameter: usage errors, nothing sent.
run 2 call factoring confirm id=2027-03-31 --from debtor
expect_err_text 'tenor: error: id: "2027-03-31" is not a Hash: expected 0x and 64 hex digits'
run 2 call factoring register id=$ID debtor=debtor "amount=125000.0 CNY" due=2027-03-31 --from seller
expect_err_text 'amount: 125000.0 CNY has 1 fractional digit, CNY amounts have 2'
run 2 call factoring register id=$ID debtor=debtor "amount=125000.00 CNY" due=2027-02-30 --from seller
expect_err_text 'due: "2027-02-30" is not a date'
run 2 call factoring confrm id=$ID --from debtor
expect_err_text 'unknown entry "confrm": Factoring has register(id: Hash, debtor: Party, amount: Money, due: Date), confirm(id: Hash)'
run 2 call factoring confirm invoice=$ID --from debtor
expect_err_text 'confirm has no parameter "invoice" (parameters: id)'
run 2 call factoring finance id=$ID factor=nobody --from seller
expect_err_text 'factor: unknown key "nobody"'
# Raw input that does not match the ABI: rejected at admission, before execution (exit 1).
run 1 call factoring --input 07000000636f6e6669726d0102 --from debtor
expect_err_text 'transaction rejected: bad arguments: the input does not match the ABI of Factoring'
expect_err_text 'confirm: argument id (Hash): offset 11: unexpected end of input'
run 1 call factoring --input 08000000636f6e6669726d73 --from debtor
expect_err_text 'unknown entry "confirms" (Factoring has register, confirm, finance, invoice)'
run 0 account show debtor --json
expect_eq "$(json 'j["nonce"]')" 1 "rejected calls use no nonce"

finish
