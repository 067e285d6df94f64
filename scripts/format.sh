#!/usr/bin/env bash
# Formats the C and C++ sources git tracks with clang-format (the repository's .clang-format).
#
#   scripts/format.sh           rewrite the files in place
#   scripts/format.sh --check   change nothing; list the files that are not formatted and exit 1
#
# Environment: CLANG_FORMAT (default: clang-format-14, else clang-format).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

tool=${CLANG_FORMAT:-}
if [ -z "$tool" ]; then
  tool=$(command -v clang-format-14 || command -v clang-format || true)
fi
if [ -z "$tool" ]; then
  echo "format.sh: clang-format not found: install the clang-format package (scripts/setup.sh does)" >&2
  exit 1
fi

mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h' '*.hpp')
if [ "${1:-}" = --check ]; then
  bad=()
  for f in "${files[@]}"; do
    if ! "$tool" --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format.sh: ${#bad[@]} of ${#files[@]} files are not formatted; run 'bash scripts/format.sh':" >&2
    printf '  %s\n' "${bad[@]}" >&2
    "$tool" --dry-run "${bad[0]}" 2>&1 | head -20 >&2 || true
    exit 1
  fi
  echo "format.sh: all ${#files[@]} C/C++ files are formatted ($("$tool" --version | head -n 1))"
else
  "$tool" -i "${files[@]}"
  echo "format.sh: formatted ${#files[@]} files"
fi
