// libFuzzer entry point of tenor_fuzz_wasm (built when TENOR_FUZZ=ON, clang only).
//   TENOR_FUZZ_INSTANTIATE_ALL=1   also instantiate modules whose start function may not terminate
//                                  (it runs without gas): by hand, with -timeout=N; see
//                                  wasm_fuzz_target.cpp
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "wasm_fuzz_target.hpp"

namespace {
tenor::fuzz::FuzzOptions g_options;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* all = std::getenv("TENOR_FUZZ_INSTANTIATE_ALL");
  g_options.instantiate_all = all != nullptr && std::strcmp(all, "1") == 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tenor::fuzz::run_wasm_input({data, size}, g_options);
  return 0;
}
