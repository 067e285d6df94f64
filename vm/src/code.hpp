// The internal (predecoded) form of function bodies and of a loaded module.
//
// Each function runs in a frame of 64-bit slots: [params | declared locals | operand stack]. The
// translator assigns every operand-stack position a fixed slot (stack heights are static in
// wasm), so instructions name their operands by slot and the interpreter keeps no stack pointer.
// A call places the arguments in consecutive slots of the caller's frame; the callee's frame
// starts there, so arguments become the callee's first locals without copying and results come
// back in the same slots.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "module_info.hpp"
#include "opcodes.hpp"
#include "tenor/vm/engine.hpp"

namespace tenor::vm::detail {

enum class IOp : uint32_t {
#define TENOR_EACH_IOP(name) name,
#include "code.def"
  kCount
};

inline constexpr uint32_t kNumIOps = static_cast<uint32_t>(IOp::kCount);

// Name of an internal opcode ("I32Add"), for traces and the disassembler.
const char* iop_name(IOp op) noexcept;
// Length in words of the instruction at `code` (handles the variable-length BrTable).
uint32_t instruction_words(const uint32_t* code) noexcept;

struct CompiledFunction {
  uint32_t type_index = 0;
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  uint32_t num_locals = 0;   // params + declared locals
  uint32_t frame_slots = 0;  // num_locals + max operand height (and >= num_results)
  // Metered code starts with `Gas entry_gas`; calls charge it themselves and enter at entry_skip.
  uint32_t entry_gas = 0;
  uint32_t entry_skip = 0;
  std::vector<uint32_t> code;
  // The first instruction that computes with, loads, stores or produces a float (for the contract
  // profile): its module offset and opcode (0xFCxx for prefixed ones).
  std::optional<std::pair<uint64_t, uint32_t>> first_float_op;
  // Where each internal instruction came from, for trap sites only (never read while running): a
  // run of entries (internal pc, wasm code offset), pc strictly increasing, each covering the
  // instructions up to the next one; stored as LEB128 deltas (pc unsigned, offset signed), about
  // two bytes an entry. Code offsets are relative to the code section's payload
  // (ModuleInfo::code_section_begin).
  std::vector<uint8_t> offset_map;

  // The wasm code offset of the internal instruction containing word `pc` (0 when the map is
  // empty).
  uint32_t code_offset_at(uint32_t pc) const noexcept;
};

// Text listing of a function's internal code, one instruction per line with its operands.
std::string disassemble(const CompiledFunction& f);

struct ModuleData {
  std::vector<uint8_t> bytes;  // the module as loaded; data segments are read from here
  ModuleInfo info;
  std::vector<CompiledFunction> funcs;  // defined functions (index - num_imported_funcs)
  std::vector<ImportDesc> imports;
  std::vector<ExportDesc> exports;
};

// Validates every function body of `info` and translates it into internal code.
Status compile_functions(const ModuleInfo& info, std::span<const uint8_t> bytes, const VmConfig& config,
                         std::vector<CompiledFunction>& out);

}  // namespace tenor::vm::detail
