// The `spectest` host module that the WebAssembly spec tests import, matching the reference
// interpreter: print functions (no-ops here), globals global_i32 / global_i64 = 666 and
// global_f32 / global_f64 = 666.6, a funcref table (min 10, max 20) and a memory (1 page, max 2).
#pragma once

#include "tenor/vm/engine.hpp"

namespace tenor::sdk {

inline constexpr const char* kSpectestModule = "spectest";

// Creates the spectest objects in `store` and defines them in `linker` under "spectest".
void define_spectest(vm::Store& store, vm::Linker& linker);

}  // namespace tenor::sdk
