// libFuzzer entry point of tenor_fuzz_wasm (built when TENOR_FUZZ=ON, clang only).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "wasm_fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tenor::fuzz::run_wasm_input({data, size});
  return 0;
}
