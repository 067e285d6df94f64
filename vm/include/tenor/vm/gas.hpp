// The gas schedule: what every WebAssembly instruction and every dynamic operation costs.
//
// Gas is consensus data. Static costs are per WebAssembly instruction (not per internal
// instruction of the interpreter), so they do not depend on how the VM translates code. The
// translator sums the static costs of each basic block and charges them once when the block is
// entered; dynamic costs are charged where the work happens, before it happens.
//
// docs/gas.md renders this table; a test fails when the two disagree.
#pragma once

#include <cstdint>
#include <span>

namespace tenor::vm::gas {

inline constexpr uint32_t kScheduleVersion = 1;

// One class of instructions with one static cost.
struct GasClass {
  const char* name;          // stable identifier, e.g. "int_alu"
  uint32_t cost;             // gas per instruction
  const char* instructions;  // the WebAssembly instructions in the class, for the docs
};

// The classes, in documentation order.
std::span<const GasClass> classes() noexcept;

// Static cost of a WebAssembly instruction: `opcode` is the first byte, or 0xFC00 | sub-opcode
// for the 0xFC-prefixed instructions. Unknown opcodes cost 0 (they never validate).
uint32_t static_cost(uint32_t opcode) noexcept;

// Name of the class of an opcode ("int_alu"), or nullptr.
const char* class_of(uint32_t opcode) noexcept;

// ---- dynamic costs --------------------------------------------------------------------------
struct DynamicCost {
  const char* name;
  uint64_t cost;
  const char* unit;
};

inline constexpr uint64_t kMemoryGrowPerPage = 1024;      // per 64 KiB page added by memory.grow
inline constexpr uint64_t kBulkMemoryPerByteDivisor = 8;  // memory.copy/fill/init: 1 gas per 8 bytes
inline constexpr uint64_t kTablePerElement = 1;           // table.init/table.copy: per element
inline constexpr uint64_t kHostCallBase = 20;             // every call into the host (plus its own cost)
inline constexpr uint64_t kHostPerByte = 1;               // per byte moved between host and wasm memory
inline constexpr uint64_t kStoragePerByteWritten = 20;    // per byte of key + value written to storage
// Deploying a contract, charged by the chain before any of its code (tenor_init) runs: storing code
// is the most expensive write there is. A deployment of n bytes costs base + per_byte * n.
inline constexpr uint64_t kDeployBaseGas = 10'000;
inline constexpr uint64_t kDeployPerByteGas = 10;

std::span<const DynamicCost> dynamic_costs() noexcept;

// Gas of a bulk memory operation on n bytes.
constexpr uint64_t bulk_memory_cost(uint64_t n) noexcept {
  return (n + kBulkMemoryPerByteDivisor - 1) / kBulkMemoryPerByteDivisor;
}

}  // namespace tenor::vm::gas
