#pragma once

#include <cstdint>
#include <string>

namespace tenor::vm {

enum class TrapCode : uint8_t {
#define TENOR_TRAP(code, name, msg) name = code,
#include "tenor/vm/traps.def"
#undef TENOR_TRAP
};

// The fixed message of a trap code ("integer divide by zero").
const char* trap_message(TrapCode c) noexcept;
// The stable identifier of a trap code ("IntegerDivideByZero").
const char* trap_name(TrapCode c) noexcept;

// Where a call trapped (CallResult::trap_site, ExecResult::site): a WebAssembly instruction of the
// called function's module.
//   func_index   in the module's function index space (imported functions first);
//   code_offset  byte offset of the instruction relative to the start of the code section's
//                payload (the byte holding the function-count LEB is offset 0): the WebAssembly
//                DWARF convention, which source maps ("tenor.srcmap") use.
// Which instruction (docs/vm.md, "Trap sites"): the one that trapped; for a trap of a host
// function, the `call` (or `call_indirect`) that called it; for out of gas, the instruction that
// charged dynamic gas (memory.grow, bulk memory, a host call) or, when the static charge of a
// basic block failed, the instruction at which that block starts (the function's first
// instruction for its entry block, else the `loop`, `if`, `else`, `end` or `br_if` where the
// block begins). A trap in a function of another instance (an imported wasm function) is reported
// at the call, in the called function's module, through which it was reached.
struct TrapSite {
  uint32_t func_index = 0;
  uint32_t code_offset = 0;
  friend bool operator==(const TrapSite&, const TrapSite&) = default;
};

struct Trap {
  TrapCode code = TrapCode::Unreachable;
  std::string detail;  // optional extra text (a host function's message); may be empty

  // trap_message(code), followed by ": detail" when there is a detail.
  std::string to_string() const;
};

}  // namespace tenor::vm
