#!/usr/bin/env bash
# Installs the Debian 12 packages Tenor needs to build and test, and nothing else.
#
# Idempotent: asks dpkg which packages are missing, and when none are, touches nothing (no
# `apt-get update`, no network). Runs non-interactively. Needs root for the install step: when
# run as another user it uses sudo if there is one, and otherwise says what to install.
set -euo pipefail

# One package per line; grouped by what needs it.
packages=(
  # build tools (python3: the CLI tests parse --json output with it)
  cmake ninja-build g++ git pkg-config python3
  # the layout check (scripts/format.sh --check)
  clang-format
  # clang 14: the sanitizer/fuzzer stage, and wasm32 builds of the examples and benchmark kernels
  clang-14 lld-14 libclang-rt-14-dev
  # LLVM 14 as a library: the contract compiler (LLVM IR -> wasm, linked with lld), and the
  # compiler-rt wasm32 builtins it links into contracts (128-bit multiply and divide)
  llvm-14-dev liblld-14-dev libclang-rt-14-dev-wasm32
  # libraries
  libboost-dev libleveldb-dev libsnappy-dev libcli11-dev libsodium-dev nlohmann-json3-dev
  # test and benchmark frameworks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # instruction counts of the benchmarks (scripts/bench.sh --callgrind)
  valgrind
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup.sh: dpkg-query not found: this script supports Debian 12 (bookworm) only." >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages are installed; nothing to do."
  exit 0
fi

echo "setup.sh: missing ${#missing[@]} package(s): ${missing[*]}"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    echo "setup.sh: not running as root; using sudo for apt-get."
    sudo=(sudo)
  else
    echo "setup.sh: installing packages needs root, and sudo is not available. As root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "setup.sh: installed ${missing[*]}"
