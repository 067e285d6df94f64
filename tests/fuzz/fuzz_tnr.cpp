// libFuzzer entry point of tenor_fuzz_tnr (built when TENOR_FUZZ=ON, clang only): the Tenor
// front end (lex, parse, check, render diagnostics) over arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "tnr_fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tenor::fuzz::run_tnr_input({data, size});
  return 0;
}
