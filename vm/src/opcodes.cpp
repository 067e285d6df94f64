// Lookups over opcodes.def (see opcodes.hpp).
#include "opcodes.hpp"

#include <cstdio>
#include <iterator>

namespace tenor::vm::detail {

namespace {

constexpr OpcodeInfo kRows[] = {
#define TENOR_WASM_OP(name, opcode, text, imm, gas, is_float, feature) \
  {opcode, text, #name, Imm::imm, (is_float) != 0, Feature::feature},
#include "opcodes.def"
};
constexpr size_t kNumRows = std::size(kRows);

// Row + 1 by opcode (0: not in the feature set), for the single-byte and the prefixed opcodes.
struct RowIndex {
  uint8_t plain[256] = {};
  uint8_t fc[256] = {};
  constexpr RowIndex() {
    for (size_t i = 0; i < kNumRows; ++i) {
      const uint32_t op = kRows[i].opcode;
      (op >= 0xFC00 ? fc[op - 0xFC00] : plain[op]) = static_cast<uint8_t>(i + 1);
    }
  }
};
static_assert(kNumRows < 255, "RowIndex stores row + 1 in a byte");

// Every opcode is a byte other than the prefix, or a prefixed one with a sub-opcode below 256,
// and appears once.
consteval bool rows_are_well_formed() {
  for (size_t i = 0; i < kNumRows; ++i) {
    const uint32_t op = kRows[i].opcode;
    if (op == wasm::kPrefixFC || (op > 0xFF && (op < 0xFC00 || op > 0xFCFF))) return false;
    for (size_t j = 0; j < i; ++j)
      if (kRows[j].opcode == op) return false;
  }
  return true;
}
static_assert(rows_are_well_formed(), "opcodes.def: an opcode out of range or listed twice");

constexpr RowIndex kIndex;

}  // namespace

std::span<const OpcodeInfo> opcodes() noexcept { return kRows; }

const OpcodeInfo* find_opcode(uint32_t opcode) noexcept {
  uint8_t row = 0;
  if (opcode < 0x100)
    row = kIndex.plain[opcode];
  else if (opcode >= 0xFC00 && opcode <= 0xFCFF)
    row = kIndex.fc[opcode - 0xFC00];
  return row ? &kRows[row - 1] : nullptr;
}

bool is_float_instruction(uint32_t opcode) noexcept {
  const OpcodeInfo* info = find_opcode(opcode);
  return info && info->is_float;
}

std::string illegal_opcode_message(uint8_t byte) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "illegal opcode 0x%02x", byte);
  return buf;
}

std::string illegal_prefixed_opcode_message(uint32_t sub) { return "illegal opcode 0xfc " + std::to_string(sub); }

}  // namespace tenor::vm::detail
