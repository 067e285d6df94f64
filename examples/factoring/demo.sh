#!/usr/bin/env bash
# The trade-finance demo: examples/factoring/factoring.tnr compiled with `tenor build`, deployed on
# a dev chain in a scratch folder, and driven through a whole deal: a supplier registers an invoice
# on its buyer, the buyer confirms it, supplier and factor sign the financing in one transaction,
# a second financing of the same invoice is refused, time moves to maturity, the buyer settles,
# and the auditor replays the chain. Every step's outcome is checked: the script fails (exit 1)
# when one differs from what the deal needs.
#
#   examples/factoring/demo.sh TENOR_BINARY
# TENOR_DATA (optional) is the chain's folder; a temporary one is made and removed otherwise.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../tests/cli/lib.sh"
lib_demo tenor-factoring "$@"

demo_build "$here/factoring.tnr"
demo_chain tenor-trade-finance supplier buyer factor

echo
echo "Deploy with an advance rate of 80%:"
step 0 deploy "$wasm" rate=0.8 --from factor --name factoring
expect "status:         ok"

invoice=0x$(printf 'inv-2027-0042' | sha256sum | cut -d' ' -f1)
echo
echo "The supplier registers invoice INV-2027-0042 on the buyer (125,000.00 CNY, due 2027-03-31):"
step 0 call factoring register "id=$invoice" debtor=buyer "amount=125000.00 CNY" due=2027-03-31 --from supplier
expect "status:         ok"
expect "event Registered"

echo
echo "Only the buyer can confirm it:"
step 1 call factoring confirm "id=$invoice" --from supplier
expect "must sign this transaction"
step 0 call factoring confirm "id=$invoice" --from buyer
expect "status:         ok"

echo
echo "Supplier and factor sign the financing in one transaction; the advance is 80% of the face value:"
step 0 call factoring finance "id=$invoice" factor=factor --from supplier --also-signed-by factor
expect "100000.00 CNY"

echo
echo "Financing the same invoice again is refused: double financing is impossible by construction."
step 1 call factoring finance "id=$invoice" factor=factor --from supplier --also-signed-by factor
expect "never financed twice"

step 0 query factoring invoice "id=$invoice"
expect "Financed"
step 0 query factoring total_financed
expect "100000.00 CNY"

echo
echo "At maturity the buyer pays; the deal settles:"
step 0 time advance 90d
step 0 call factoring settle "id=$invoice" --from buyer
expect "event Settled"
step 0 block produce
step 0 events --contract factoring
expect "Settled"

echo
echo "The auditor replays every block from genesis: same state roots, receipts and gas."
step 0 replay --quiet
echo
echo "factoring demo: done."
