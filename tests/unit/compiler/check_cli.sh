#!/bin/sh
# `tenor check` end to end: exit 0 on a clean file (the docs example), 1 on a file with errors
# (text on stderr, JSON on stdout with --json, the AST with --ast), 2 on a missing file or FILE.
# Usage: check_cli.sh TENOR GOLDEN_DIR DOCS_DIR
. "$(dirname "$0")/../../cli/lib.sh"
set +e  # the checks below read exit statuses with $?
tenor=$1 golden=$2 docs=$3
lib_tmpdir tenor-check
tmp=$TMP_DIR

awk '/^```tenor/{f=1;next} /^```/{if(f)exit} f' "$docs/language.md" > "$tmp/factoring.tnr"
"$tenor" check "$tmp/factoring.tnr" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 0 ] || fail "clean file: exit $rc"
[ -s "$tmp/err" ] && fail "clean file printed diagnostics"
"$tenor" check "$tmp/factoring.tnr" --ast > "$tmp/ast" || fail "--ast exit"
grep -q '^(contract Factoring' "$tmp/ast" || fail "--ast output"

"$tenor" check "$golden/expected_token.tnr" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "file with errors: exit $rc"
grep -q 'error: expected `,` or `}`, found identifier `debtor`' "$tmp/err" || fail "text diagnostics"
"$tenor" check "$golden/expected_token.tnr" --json > "$tmp/json"; rc=$?
[ $rc -eq 1 ] || fail "--json: exit $rc"
grep -q '"kind": "expected_token"' "$tmp/json" || fail "--json output"

"$tenor" check "$tmp/no-such-file.tnr" 2> /dev/null; rc=$?
[ $rc -eq 2 ] || fail "missing file: exit $rc"
"$tenor" check 2> /dev/null; rc=$?
[ $rc -eq 2 ] || fail "no FILE: exit $rc"
echo "ok"
