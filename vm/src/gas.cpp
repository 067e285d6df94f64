#include "tenor/vm/gas.hpp"

#include <array>

namespace tenor::vm::gas {

namespace {

// Class indices into kClasses.
enum : uint8_t {
  kNone, kStructure, kVariable, kGlobal, kBranch, kBrTable, kCall, kCallIndirect, kMemoryAccess,
  kMemorySize, kMemoryGrow, kIntAlu, kIntMul, kIntDiv, kFloat, kFloatDiv, kConversion, kBulkMemory,
  kTableBulk, kClassCount
};

constexpr GasClass kClasses[] = {
    {"none", 0, "(not an instruction)"},
    {"structure", 0, "unreachable nop block loop else end drop"},
    {"variable", 1, "local.get local.set local.tee i32.const i64.const f32.const f64.const select"},
    {"global", 2, "global.get global.set"},
    {"branch", 2, "br br_if if return"},
    {"br_table", 4, "br_table"},
    {"call", 20, "call"},
    {"call_indirect", 25, "call_indirect"},
    {"memory_access", 3, "all loads and stores"},
    {"memory_size", 2, "memory.size"},
    {"memory_grow", 50, "memory.grow (plus memory_grow_per_page)"},
    {"int_alu", 1,
     "integer eqz, comparisons, add, sub, and, or, xor, shifts, rotates, clz, ctz, popcnt, wrap, "
     "extend, sign extension"},
    {"int_mul", 3, "i32.mul i64.mul"},
    {"int_div", 10, "integer div_s div_u rem_s rem_u"},
    {"float", 4,
     "float comparisons, abs, neg, ceil, floor, trunc, nearest, add, sub, mul, min, max, copysign"},
    {"float_div", 12, "f32.div f64.div f32.sqrt f64.sqrt"},
    {"conversion", 4, "trunc, trunc_sat, convert, demote, promote, reinterpret"},
    {"bulk_memory", 10, "memory.init data.drop memory.copy memory.fill (plus bulk_memory_per_8_bytes)"},
    {"table_bulk", 10, "table.init elem.drop table.copy (plus table_per_element)"},
};
static_assert(std::size(kClasses) == kClassCount);

struct Tables {
  std::array<uint8_t, 256> plain{};
  std::array<uint8_t, 16> fc{};
  constexpr Tables() {
    auto range = [this](uint32_t lo, uint32_t hi, uint8_t c) {
      for (uint32_t i = lo; i <= hi; ++i) plain[i] = c;
    };
    range(0x00, 0x03, kStructure);  // unreachable nop block loop
    plain[0x04] = kBranch;          // if
    plain[0x05] = kStructure;       // else
    plain[0x0B] = kStructure;       // end
    range(0x0C, 0x0D, kBranch);
    plain[0x0E] = kBrTable;
    plain[0x0F] = kBranch;
    plain[0x10] = kCall;
    plain[0x11] = kCallIndirect;
    plain[0x1A] = kStructure;  // drop
    plain[0x1B] = kVariable;   // select
    range(0x20, 0x22, kVariable);
    range(0x23, 0x24, kGlobal);
    range(0x28, 0x3E, kMemoryAccess);
    plain[0x3F] = kMemorySize;
    plain[0x40] = kMemoryGrow;
    range(0x41, 0x44, kVariable);
    range(0x45, 0x5A, kIntAlu);
    range(0x5B, 0x66, kFloat);
    range(0x67, 0x6B, kIntAlu);
    plain[0x6C] = kIntMul;
    range(0x6D, 0x70, kIntDiv);
    range(0x71, 0x7D, kIntAlu);
    plain[0x7E] = kIntMul;
    range(0x7F, 0x82, kIntDiv);
    range(0x83, 0x8A, kIntAlu);
    range(0x8B, 0x90, kFloat);
    plain[0x91] = kFloatDiv;
    range(0x92, 0x94, kFloat);
    plain[0x95] = kFloatDiv;
    range(0x96, 0x98, kFloat);
    range(0x99, 0x9E, kFloat);
    plain[0x9F] = kFloatDiv;
    range(0xA0, 0xA2, kFloat);
    plain[0xA3] = kFloatDiv;
    range(0xA4, 0xA6, kFloat);
    plain[0xA7] = kIntAlu;  // i32.wrap_i64
    range(0xA8, 0xAB, kConversion);
    range(0xAC, 0xAD, kIntAlu);  // i64.extend_i32_s/u
    range(0xAE, 0xBF, kConversion);
    range(0xC0, 0xC4, kIntAlu);
    for (uint32_t i = 0; i <= 7; ++i) fc[i] = kConversion;
    for (uint32_t i = 8; i <= 11; ++i) fc[i] = kBulkMemory;
    for (uint32_t i = 12; i <= 14; ++i) fc[i] = kTableBulk;
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
