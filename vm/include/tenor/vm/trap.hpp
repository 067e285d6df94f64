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

struct Trap {
  TrapCode code = TrapCode::Unreachable;
  std::string detail;  // optional extra text (a host function's message); may be empty

  // trap_message(code), followed by ": detail" when there is a detail.
  std::string to_string() const;
};

}  // namespace tenor::vm
