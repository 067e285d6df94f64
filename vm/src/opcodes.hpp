// The WebAssembly instructions the VM supports, expanded from opcodes.def: named opcode constants,
// the per-instruction facts (text name, immediates, float flag, feature) and lookups by opcode.
// Opcodes are the instruction's byte, or 0xFC00 | sub-opcode for the 0xFC-prefixed ones.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tenor::vm::detail {

// What follows an instruction's opcode in the binary format (see opcodes.def).
enum class Imm : uint8_t {
  None,
  BlockType,   // s33: empty, a value type or a type index
  Index,       // one u32 LEB (label, function, local, global, segment)
  BrTable,     // u32 count, count + 1 u32 labels
  IndexByte,   // u32 LEB and a reserved byte (call_indirect's table, memory.init's memory)
  Byte,        // a reserved byte (the memory of memory.size, memory.grow, memory.fill)
  TwoBytes,    // two reserved bytes (memory.copy)
  TwoIndices,  // two u32 LEBs (table.init, table.copy)
  MemArg,      // u32 alignment, u32 offset
  I32,         // signed LEB, 32 bits
  I64,         // signed LEB, 64 bits
  F32,         // 4 bytes
  F64,         // 8 bytes
};

// The proposal an instruction comes from (all of them are in Tenor's feature set, docs/vm.md).
enum class Feature : uint8_t { Mvp, SignExtension, SatTrunc, BulkMemory };

namespace wasm {
// The prefix byte of the 0xFC instructions.
inline constexpr uint8_t kPrefixFC = 0xFC;
// No instruction's opcode (find_opcode gives nullptr, its gas class is none).
inline constexpr uint32_t kNoOpcode = 0xFFFFFFFF;
// The opcode of the prefixed instruction with sub-opcode `sub` (kNoOpcode for sub-opcodes of 256
// and above, which no instruction has).
constexpr uint32_t prefixed(uint32_t sub) noexcept { return sub <= 0xFF ? 0xFC00 | sub : kNoOpcode; }

// kUnreachable = 0x00, ..., kI32Add = 0x6A, ..., kMemoryInit = 0xFC08, ...
#define TENOR_WASM_OP(name, opcode, text, imm, gas, is_float, feature) inline constexpr uint32_t k##name = opcode;
#include "opcodes.def"
}  // namespace wasm

struct OpcodeInfo {
  uint32_t opcode;
  const char* name;   // the text name, "i32.add"
  const char* ident;  // the table's identifier, "I32Add"
  Imm imm;
  bool is_float;
  Feature feature;
};

// Every row of opcodes.def, in table (opcode) order.
std::span<const OpcodeInfo> opcodes() noexcept;

// The row of an opcode, or nullptr when the instruction is not in the feature set.
const OpcodeInfo* find_opcode(uint32_t opcode) noexcept;

// True for instructions that compute with, load, store or produce f32/f64 values.
bool is_float_instruction(uint32_t opcode) noexcept;

// The error message for an opcode outside the feature set: "illegal opcode 0x06", or for a
// prefixed one "illegal opcode 0xfc 15" (the sub-opcode in decimal, whatever its size).
std::string illegal_opcode_message(uint8_t byte);
std::string illegal_prefixed_opcode_message(uint32_t sub);

}  // namespace tenor::vm::detail
