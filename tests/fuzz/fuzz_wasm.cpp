// libFuzzer entry point of tenor_fuzz_wasm (built when TENOR_FUZZ=ON, clang only).
//   TENOR_FUZZ_EXECUTE=1   execute every module that instantiates, loops and calls included: use
//                          with -timeout=N by hand until the VM meters gas (see wasm_fuzz_target.cpp)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "wasm_fuzz_target.hpp"

namespace {
tenor::fuzz::FuzzOptions g_options;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* execute = std::getenv("TENOR_FUZZ_EXECUTE");
  g_options.execute_all = execute != nullptr && std::strcmp(execute, "1") == 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tenor::fuzz::run_wasm_input({data, size}, g_options);
  return 0;
}
