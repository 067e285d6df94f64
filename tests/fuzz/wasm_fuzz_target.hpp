// The one entry point behind both the libFuzzer target (fuzz_wasm.cpp) and the plain replay driver
// (replay_main.cpp): arbitrary bytes in, the VM's whole pipeline exercised, crashes or broken
// invariants out (as an abort, which both drivers report).
#pragma once

#include <cstdint>
#include <span>

namespace tenor::fuzz {

struct FuzzOutcome {
  bool loaded = false;        // Module::load accepted the bytes
  bool instantiated = false;  // Store::instantiate succeeded (imports stubbed, the start function
                              // under a gas limit) and every exported function was called, each
                              // under a gas limit
};

FuzzOutcome run_wasm_input(std::span<const uint8_t> bytes);

}  // namespace tenor::fuzz
