#!/usr/bin/env bash
# The supply-chain payables demo: stdlib/contracts/payables.tnr compiled with `tenor build`,
# deployed on a dev chain in a scratch folder, and driven through a deal: a core enterprise issues
# a payable to its tier-1 supplier, the tier-1 supplier splits a piece off to its own (tier-2)
# supplier, a split whose amounts do not add up is refused, the tier-2 supplier and a factor
# finance that piece in one transaction, a second financing is refused, time moves to maturity
# and the core enterprise pays every outstanding piece; the auditor replays the chain. Every
# step's outcome is checked: the script fails (exit 1) when one differs from what the deal needs.
#
#   stdlib/payables_demo.sh TENOR_BINARY
# TENOR_DATA (optional) is the chain's folder; a temporary one is made and removed otherwise.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../tests/cli/lib.sh"
lib_demo tenor-payables "$@"

demo_build "$here/contracts/payables.tnr"
demo_chain tenor-supply-chain core tier1 tier2 factor
step 0 deploy "$wasm" --from core --name payables
expect "status:         ok"

id() { echo "0x$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
original=$(id PAY-2027-0001)
kept=$(id PAY-2027-0001/1)
passed=$(id PAY-2027-0001/2)

echo
echo "The core enterprise issues a payable of 1,000,000.00 CNY, due 2027-06-30, to its tier-1 supplier:"
step 0 call payables issue "id=$original" supplier=tier1 "amount=1000000.00 CNY" due=2027-06-30 --from core
expect "event Issued"

echo
echo "The tier-1 supplier passes 400,000.00 CNY on to its own supplier; the amounts must add up exactly:"
step 1 call payables split "id=$original" "kept_id=$kept" "kept_amount=600000.00 CNY" \
  "passed_id=$passed" "passed_amount=399999.99 CNY" to=tier2 --from tier1
expect "add up to the piece's amount exactly"
step 1 call payables split "id=$original" "kept_id=$kept" "kept_amount=600000.00 CNY" \
  "passed_id=$passed" "passed_amount=400000.00 CNY" to=tier2 --from tier2
expect "must sign this transaction"
step 0 call payables split "id=$original" "kept_id=$kept" "kept_amount=600000.00 CNY" \
  "passed_id=$passed" "passed_amount=400000.00 CNY" to=tier2 --from tier1
expect "event Split"

echo
echo "The tier-2 supplier and the factor sign the financing of its piece in one transaction (95%):"
step 0 call payables finance "id=$passed" factor=factor rate=0.95 --from tier2 --also-signed-by factor
expect "380000.00 CNY"

echo
echo "A financed piece is never financed again, nor split; the split original cannot be financed:"
step 1 call payables finance "id=$passed" factor=factor rate=0.9 --from tier2 --also-signed-by factor
expect "never financed twice"
step 1 call payables transfer "id=$passed" "new_id=$(id PAY-2027-0001/2/1)" to=tier1 --from tier2
expect "only a held piece can be transferred"
step 1 call payables finance "id=$original" factor=factor rate=0.9 --from tier1 --also-signed-by factor
expect "never financed twice"

step 0 query payables piece "id=$passed"
expect "Financed"
step 0 query payables totals_in currency=CNY
expect "380000.00 CNY"

echo
echo "Not before maturity; at maturity the core enterprise pays each outstanding piece:"
step 1 call payables settle "id=$kept" --from core
expect "not before its due date"
step 0 time advance 180d
step 0 call payables settle "id=$kept" --from core
expect "event Settled"
step 0 call payables settle "id=$passed" --from core
expect "event Settled"
step 1 call payables settle "id=$original" --from core
expect "paid through its new pieces"
step 0 query payables totals_in currency=CNY
expect "1000000.00 CNY"
step 0 events --contract payables
expect "Settled"

echo
echo "The auditor replays every block from genesis: same state roots, receipts and gas."
step 0 replay --quiet
echo
echo "payables demo: done."
