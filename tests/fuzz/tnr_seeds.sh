#!/usr/bin/env bash
# Writes the seed corpus of the Tenor front end's fuzzer (tenor_fuzz_tnr) into CORPUS:
#   - every *.tnr file under ROOT's docs/, tests/, examples/ and stdlib/ (the golden diagnostics
#     files, tests/fuzz/tnr_seeds/ and the regression inputs in tests/fuzz/tnr_regressions/ among
#     them);
#   - every ```tenor code block of the Markdown files under ROOT/docs (docs/language.md's example
#     contract first of all), one seed per block.
#
#   tnr_seeds.sh ROOT CORPUS
#
# run_fuzzer.sh runs it (--make-seeds) at fuzzing time, so no seed is ever stale. Exits non-zero
# when it finds no seed at all.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 ROOT CORPUS" >&2; exit 2; }
root=$1 corpus=$2
mkdir -p "$corpus"

n=0
for dir in docs tests examples stdlib; do
  [ -d "$root/$dir" ] || continue
  while IFS= read -r -d '' f; do
    # Flattened relative path as the name: tests/golden/compiler/x.tnr -> tests_golden_compiler_x.tnr
    rel=${f#"$root"/}
    cp "$f" "$corpus/${rel//\//_}"
    n=$((n + 1))
  done < <(find "$root/$dir" -name '*.tnr' -type f -print0)
done

blocks=0
if [ -d "$root/docs" ]; then
  while IFS= read -r -d '' md; do
    rel=${md#"$root"/}
    # A block starts at a line that is exactly ```tenor and ends at the next line starting ```.
    blocks=$((blocks + $(awk -v out="$corpus/${rel//\//_}" '
      /^```tenor[ \t]*$/ { inside = 1; ++count; file = out "." count ".tnr"; printf "" > file; next }
      inside && /^```/  { inside = 0; close(file); next }
      inside            { print >> file }
      END               { print count + 0 }' "$md")))
  done < <(find "$root/docs" -name '*.md' -type f -print0)
fi

echo "tnr_seeds.sh: $n .tnr files and $blocks \`\`\`tenor blocks of docs/ into $corpus"
[ $((n + blocks)) -gt 0 ] || { echo "tnr_seeds.sh: no seeds under $root" >&2; exit 1; }
