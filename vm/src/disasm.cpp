// Names, lengths and a text form of internal instructions (for traces, tests and `tenor wasm dump`).

#include <cstdio>
#include <string>

#include "code.hpp"

namespace tenor::vm::detail {

namespace {

struct IOpInfo {
  const char* name;
  uint8_t words;  // 0: variable (BrTable)
};

constexpr bool kWideRepr_I32 = false, kWideRepr_F32 = false, kWideRepr_B32 = false;
constexpr bool kWideRepr_I64 = true, kWideRepr_F64 = true, kWideRepr_B64 = true;

// For the fused branches, the width of the compared operands comes from the comparison's BINOP.
#define TENOR_BINOP(name, ri, ro, e) constexpr bool kCmpWide_##name = kWideRepr_##ri;
#include "code.def"

constexpr IOpInfo kInfo[] = {
#define TENOR_IOP(name, words) {#name, words},
#define TENOR_LOAD(name, r, mt, al) {#name, 4},
#define TENOR_STORE(name, r, mt, al) {#name, 4},
#define TENOR_UNOP(name, ri, ro, e) {#name, 3},
#define TENOR_UNOP_TRAP(name, ri, ro, f) {#name, 3},
#define TENOR_BINOP(name, ri, ro, e) {#name, 4}, {#name "Imm", kWideRepr_##ri ? 5 : 4},
#define TENOR_BINOP_TRAP(name, ri, ro, f) {#name, 4}, {#name "Imm", kWideRepr_##ri ? 5 : 4},
#define TENOR_CMP(name, neg) {"BrIf" #name, 4}, {"BrIf" #name "Imm", kCmpWide_##name ? 5 : 4},
#include "code.def"
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kNumIOps);

}  // namespace

const char* iop_name(IOp op) noexcept {
  auto i = static_cast<uint32_t>(op);
  return i < kNumIOps ? kInfo[i].name : "?";
}

uint32_t instruction_words(const uint32_t* code) noexcept {
  uint32_t op = code[0];
  if (op >= kNumIOps) return 1;
  if (static_cast<IOp>(op) == IOp::BrTable) return 3 + code[2] + 1;
  return kInfo[op].words;
}

std::string disassemble(const CompiledFunction& f) {
  std::string out;
  char buf[64];
  std::snprintf(buf, sizeof buf, "; params %u, locals %u, results %u, frame %u slots\n", f.num_params, f.num_locals,
                f.num_results, f.frame_slots);
  out += buf;
  for (size_t pc = 0; pc < f.code.size();) {
    const uint32_t* p = f.code.data() + pc;
    uint32_t n = instruction_words(p);
    std::snprintf(buf, sizeof buf, "%5zu  %-18s", pc, iop_name(static_cast<IOp>(p[0])));
    out += buf;
    for (uint32_t i = 1; i < n && pc + i < f.code.size(); ++i) {
      std::snprintf(buf, sizeof buf, " %d", static_cast<int32_t>(p[i]));
      out += buf;
    }
    out += '\n';
    pc += n;
  }
  return out;
}

}  // namespace tenor::vm::detail
