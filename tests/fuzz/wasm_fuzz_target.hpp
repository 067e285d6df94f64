// The one entry point behind both the libFuzzer target (fuzz_wasm.cpp) and the plain replay driver
// (replay_main.cpp): arbitrary bytes in, the VM's whole pipeline exercised, crashes or broken
// invariants out (as an abort, which both drivers report).
#pragma once

#include <cstdint>
#include <span>

namespace tenor::fuzz {

struct FuzzOptions {
  // Execute every module that instantiates, even when it may not terminate (it has loops or
  // calls). Until the VM meters gas, only for hand-run fuzzing with libFuzzer's -timeout.
  bool execute_all = false;
};

struct FuzzOutcome {
  bool loaded = false;        // Module::load accepted the bytes
  bool instantiated = false;  // Store::instantiate succeeded (imports stubbed)
  bool executed = false;      // the exported functions were called
};

FuzzOutcome run_wasm_input(std::span<const uint8_t> bytes, const FuzzOptions& options);

}  // namespace tenor::fuzz
