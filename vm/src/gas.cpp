#include "tenor/vm/gas.hpp"

#include <array>

namespace tenor::vm::gas {

namespace {

// The static classes, in documentation order: identifier (the gas column of opcodes.def), name,
// cost, and the summary of its instructions that docs/gas.md's table shows (the doc's per-class
// lists of instructions are checked against opcodes.def).
#define TENOR_GAS_CLASSES(X)                                                                                          \
  X(Structure, "structure", 0, "unreachable nop block loop else end drop")                                            \
  X(Variable, "variable", 1, "local.get local.set local.tee i32.const i64.const f32.const f64.const select")          \
  X(Global, "global", 2, "global.get global.set")                                                                     \
  X(Branch, "branch", 2, "br br_if if return")                                                                        \
  X(BrTable, "br_table", 4, "br_table")                                                                               \
  X(Call, "call", 20, "call")                                                                                         \
  X(CallIndirect, "call_indirect", 25, "call_indirect")                                                               \
  X(MemoryAccess, "memory_access", 3, "all loads and stores")                                                         \
  X(MemorySize, "memory_size", 2, "memory.size")                                                                      \
  X(MemoryGrow, "memory_grow", 50, "memory.grow (plus memory_grow_per_page)")                                         \
  X(IntAlu, "int_alu", 1,                                                                                             \
    "integer eqz, comparisons, add, sub, and, or, xor, shifts, rotates, clz, ctz, popcnt, wrap, "                     \
    "extend, sign extension")                                                                                         \
  X(IntMul, "int_mul", 3, "i32.mul i64.mul")                                                                          \
  X(IntDiv, "int_div", 10, "integer div_s div_u rem_s rem_u")                                                         \
  X(Float, "float", 4, "float comparisons, abs, neg, ceil, floor, trunc, nearest, add, sub, mul, min, max, copysign") \
  X(FloatDiv, "float_div", 12, "f32.div f64.div f32.sqrt f64.sqrt")                                                   \
  X(Conversion, "conversion", 4, "trunc, trunc_sat, convert, demote, promote, reinterpret")                           \
  X(BulkMemory, "bulk_memory", 10, "memory.init data.drop memory.copy memory.fill (plus bulk_memory_per_8_bytes)")    \
  X(TableBulk, "table_bulk", 10, "table.init elem.drop table.copy (plus table_per_element)")

// Class indices into kClasses; kNone is every opcode outside the feature set.
enum : uint8_t {
  kNone,
#define TENOR_GAS_CLASS_ID(id, name, cost, text) k##id,
  TENOR_GAS_CLASSES(TENOR_GAS_CLASS_ID)
#undef TENOR_GAS_CLASS_ID
      kClassCount
};

constexpr GasClass kClasses[] = {{"none", 0, "(not an instruction)"},
#define TENOR_GAS_CLASS_ROW(id, name, cost, text) {name, cost, text},
                                 TENOR_GAS_CLASSES(TENOR_GAS_CLASS_ROW)
#undef TENOR_GAS_CLASS_ROW
};
static_assert(std::size(kClasses) == kClassCount);

// The class of every opcode, from opcodes.def.
struct Tables {
  std::array<uint8_t, 256> plain{};
  std::array<uint8_t, 256> fc{};
  constexpr Tables() {
#define TENOR_WASM_OP(name, opcode, text, imm, gas, is_float, feature) \
  ((opcode) >= 0xFC00 ? fc[(opcode)-0xFC00] : plain[(opcode)]) = k##gas;
#include "opcodes.def"
  }
};
constexpr Tables kTables;

constexpr uint8_t class_index(uint32_t opcode) noexcept {
  if (opcode >= 0xFC00) {
    uint32_t sub = opcode - 0xFC00;
    return sub < kTables.fc.size() ? kTables.fc[sub] : uint8_t{kNone};
  }
  return opcode < 256 ? kTables.plain[opcode] : uint8_t{kNone};
}

constexpr DynamicCost kDynamic[] = {
    {"memory_grow_per_page", kMemoryGrowPerPage, "64 KiB page added by memory.grow"},
    {"bulk_memory_per_8_bytes", 1, "8 bytes (rounded up) copied, filled or initialised"},
    {"table_per_element", kTablePerElement, "table element initialised or copied"},
    {"host_call", kHostCallBase, "call into a host function (before the host function's own cost)"},
    {"host_per_byte", kHostPerByte, "byte moved between wasm memory and the host"},
    {"storage_per_byte_written", kStoragePerByteWritten, "byte of key and value written to storage"},
    {"deploy_base", kDeployBaseGas, "deployment of a contract (before its tenor_init runs)"},
    {"deploy_per_byte", kDeployPerByteGas, "byte of contract code deployed"},
};

}  // namespace

std::span<const GasClass> classes() noexcept { return {kClasses + 1, std::size(kClasses) - 1}; }

uint32_t static_cost(uint32_t opcode) noexcept { return kClasses[class_index(opcode)].cost; }

const char* class_of(uint32_t opcode) noexcept {
  uint8_t c = class_index(opcode);
  return c == kNone ? nullptr : kClasses[c].name;
}

std::span<const DynamicCost> dynamic_costs() noexcept { return kDynamic; }

}  // namespace tenor::vm::gas
