#!/usr/bin/env bash
# Trap locations through the `tenor` CLI (docs/sdk.md, "Source locations of traps"):
#   - `tenor wasm run` on a hand-made module with a tenor.srcmap section: `trap: REASON (FILE:LINE:COL)`
#     and the trap site; without the section, the site alone; with a malformed one, a warning;
#   - a Tenor contract built with `tenor build` (which writes the section) that runs out of gas in a
#     loop: the receipt's message names the loop's line, in `tenor call`, `tenor receipt` and
#     `tenor trace`, and `tenor replay` reproduces it.
#
#   bash tests/cli/srcmap_cli.sh build/bin/tenor /tmp/scratch
. "$(dirname "$0")/lib.sh"

TENOR=${1:?usage: srcmap_cli.sh TENOR SCRATCH_DIR}
SCRATCH=${2:?usage: srcmap_cli.sh TENOR SCRATCH_DIR}

lib_scratch "$SCRATCH"
export TENOR_DATA="$SCRATCH/data"

# --- tenor wasm run ---------------------------------------------------------------------------------
# div(a, b) = a / b: one function, its body `local.get 0, local.get 1, i32.div_s, end` starting at
# code offset 3 (count, body size, no locals), so i32.div_s is at code offset 7.
python3 - <<'PY'
def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload
def custom(name, payload):
    return section(0, leb(len(name)) + name.encode() + payload)
def u32(v):
    return v.to_bytes(4, "little")
def srcmap(file, rows, version=1):
    out = bytes([version]) + u32(len(file)) + file.encode() + u32(len(rows))
    for r in rows:
        out += b"".join(u32(x) for x in r)
    return out
module = b"\0asm" + u32(1)
module += section(1, b"\x01\x60\x02\x7f\x7f\x01\x7f")       # (i32, i32) -> i32
module += section(3, b"\x01\x00")
module += section(7, b"\x01\x03div\x00\x00")
module += section(10, b"\x01\x07\x00\x20\x00\x20\x01\x6d\x0b")
open("plain.wasm", "wb").write(module)
open("mapped.wasm", "wb").write(module + custom("tenor.srcmap", srcmap("div.tnr", [(3, 2, 1), (7, 3, 7), (8, 0, 0)])))
open("broken.wasm", "wb").write(module + custom("tenor.srcmap", srcmap("div.tnr", [(7, 3, 7), (3, 2, 1)])))
PY

run 1 wasm run mapped.wasm div 7 0
expect_out '^trap: integer divide by zero \(div\.tnr:3:7\)$'
expect_out '^trap site: function 0, code offset 0x7$'
run 0 wasm run mapped.wasm div 7 2
expect_out '^3$'
run 1 wasm run plain.wasm div 7 0
expect_out '^trap: integer divide by zero$'
expect_out '^trap site: function 0, code offset 0x7$'
run 1 wasm run broken.wasm div 7 0
expect_out '^trap: integer divide by zero$'
expect_err 'warning: broken\.wasm: the tenor\.srcmap section: row 1 .*sorted'

# --- a contract built by the compiler ---------------------------------------------------------------
cat >spin.tnr <<'EOF'
contract Spin

storage {
  n: u64,
}

action spin(times: u64) {
  var i: u64 = 0;
  while i < times {
    n = n + 1;
    i = i + 1;
  }
}
EOF
run 0 build spin.tnr -o spin.wasm
run 0 keys new alice
cat >genesis.json <<'EOF'
{"chain_id": "tenor-dev", "start_time": "2027-01-01", "parties": [
  {"name": "alice", "key": "alice", "balance": 100000000}]}
EOF
run 0 init genesis.json
run 0 deploy spin.wasm --from alice --name spin
run 0 call spin spin times=3 --from alice
expect_out '  status:         ok'
# Out of gas inside the loop: the message names a line of the loop (9 to 11).
run 1 call spin spin times=1000000 --from alice --gas 200000 --json
TX=$(python3 -c "import json,sys; print(json.load(sys.stdin)['tx_hash'])" <"$OUT")
expect_out '"message": "out of gas \(spin\.tnr:(9|10|11):[0-9]+\)"'
run 0 receipt "$TX"
expect_out '^  message: +out of gas \(spin\.tnr:(9|10|11):[0-9]+\)$'
run 0 trace "$TX" --limit 1
expect_out '^  message: +out of gas \(spin\.tnr:(9|10|11):[0-9]+\)$'
expect_no_out 'differs from the recorded receipt'
run 0 replay --quiet
expect_out 'replay ok'

finish
