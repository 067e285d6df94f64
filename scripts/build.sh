#!/usr/bin/env bash
# Configures and builds Tenor with CMake + Ninja.
#
#   scripts/build.sh [EXTRA CMAKE ARGS...]
#
# Environment (all optional):
#   BUILD_DIR            build folder (default: ./build in the repository)
#   BUILD_TYPE           CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   TENOR_WERROR=ON      warnings are errors
#   TENOR_SANITIZE=ON    AddressSanitizer + UndefinedBehaviorSanitizer
#   TENOR_FUZZ=ON        libFuzzer targets (needs clang and TENOR_SANITIZE=ON)
#   TENOR_BUILD_BENCH    OFF skips the benchmark executable and kernels (default: ON)
#   TENOR_WASM_SPEC_DIR  spec-test folder (default: ../shared/wasm-spec beside the repository)
#   TENOR_BENCH_DIR      benchmark kernels (default: ../shared/bench beside the repository)
#   CC, CXX              compilers; read by CMake when BUILD_DIR is configured the first time
#   TENOR_BUILD_TARGETS  space-separated targets to build (default: all)
#   JOBS                 parallel jobs (default: nproc)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-$root/build}
args=(-S "$root" -B "$build_dir" -G Ninja
      -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
      -DTENOR_WERROR="${TENOR_WERROR:-OFF}"
      -DTENOR_SANITIZE="${TENOR_SANITIZE:-OFF}"
      -DTENOR_FUZZ="${TENOR_FUZZ:-OFF}"
      -DTENOR_BUILD_BENCH="${TENOR_BUILD_BENCH:-ON}")
[ -z "${TENOR_WASM_SPEC_DIR:-}" ] || args+=(-DTENOR_WASM_SPEC_DIR="$TENOR_WASM_SPEC_DIR")
[ -z "${TENOR_BENCH_DIR:-}" ] || args+=(-DTENOR_BENCH_DIR="$TENOR_BENCH_DIR")
# CMake only reads CC/CXX on the first configure of a folder; pass them explicitly so that a
# changed compiler is noticed (CMake then starts the cache afresh).
for var in CC CXX; do
  [ -n "${!var:-}" ] || continue
  path=$(command -v "${!var}") || { echo "build.sh: $var=${!var} is not an executable" >&2; exit 1; }
  if [ "$var" = CC ]; then args+=(-DCMAKE_C_COMPILER="$path"); else args+=(-DCMAKE_CXX_COMPILER="$path"); fi
done

echo "build.sh: configuring $build_dir (${BUILD_TYPE:-RelWithDebInfo}, werror=${TENOR_WERROR:-OFF}," \
     "sanitize=${TENOR_SANITIZE:-OFF}, fuzz=${TENOR_FUZZ:-OFF}, CXX=${CXX:-default})"
cmake "${args[@]}" "$@"

targets=()
if [ -n "${TENOR_BUILD_TARGETS:-}" ]; then
  read -r -a names <<<"$TENOR_BUILD_TARGETS"
  targets=(--target "${names[@]}")
fi
cmake --build "$build_dir" -j "${JOBS:-$(nproc)}" "${targets[@]}"
echo "build.sh: built $build_dir"
