// The translator's numeric instructions, and the tables of numeric, load and store opcodes and of
// fusable comparisons it builds from code.def (translator.hpp).
#include "translator.hpp"

namespace tenor::vm::detail::translation {

namespace {

constexpr ValType vt_of_I32 = ValType::I32;
constexpr ValType vt_of_I64 = ValType::I64;
constexpr ValType vt_of_F32 = ValType::F32;
constexpr ValType vt_of_F64 = ValType::F64;
constexpr ValType vt_of_B32 = ValType::F32;
constexpr ValType vt_of_B64 = ValType::F64;
constexpr bool wide_I32 = false, wide_F32 = false, wide_B32 = false;
constexpr bool wide_I64 = true, wide_F64 = true, wide_B64 = true;

}  // namespace

NumTables::NumTables() {
  auto set = [this](uint32_t opcode, NumInfo info) {
    if (opcode >= 0xFC00)
      fc[opcode - 0xFC00] = info;
    else
      plain[opcode] = info;
  };
  auto set_memory = [this](uint32_t opcode, bool store, IOp op, ValType type, uint8_t align) {
    (store ? is_store : is_load)[opcode] = true;
    load_op[opcode] = op;
    load_type[opcode] = type;
    load_align[opcode] = align;
  };
#define TENOR_UNOP(name, ri, ro, e) set(wasm::k##name, {NumKind::Unop, IOp::name, vt_of_##ri, vt_of_##ro, false});
#define TENOR_UNOP_TRAP(name, ri, ro, f) \
  set(wasm::k##name, {NumKind::UnopTrap, IOp::name, vt_of_##ri, vt_of_##ro, false});
#define TENOR_BINOP(name, ri, ro, e) set(wasm::k##name, {NumKind::Binop, IOp::name, vt_of_##ri, vt_of_##ro, wide_##ri});
#define TENOR_BINOP_TRAP(name, ri, ro, f) \
  set(wasm::k##name, {NumKind::BinopTrap, IOp::name, vt_of_##ri, vt_of_##ro, wide_##ri});
#define TENOR_CMP(name, neg)                                 \
  is_cmp[static_cast<uint32_t>(IOp::name)] = true;           \
  cmp_negation[static_cast<uint32_t>(IOp::name)] = IOp::neg; \
  fused[static_cast<uint32_t>(IOp::name)] = IOp::BrIf##name;
#define TENOR_LOAD(name, r, mt, al) set_memory(wasm::k##name, false, IOp::name, vt_of_##r, al);
#define TENOR_STORE(name, r, mt, al) set_memory(wasm::k##name, true, IOp::name, vt_of_##r, al);
#include "code.def"
}

const NumTables& num_tables() {
  static const NumTables t;
  return t;
}

bool Translator::op_numeric(const NumInfo& n) {
  if (n.kind == NumKind::Unop || n.kind == NumKind::UnopTrap) {
    Operand a;
    if (!pop(n.in, a)) return false;
    uint32_t h = static_cast<uint32_t>(stack_.size());
    if (live()) {
      stack_.push_back(a);  // keep it addressable while reading its slot
      uint32_t sa = slot_of(h);
      stack_.pop_back();
      uint32_t p = begin(n.op);
      w(canon(h));
      w(sa);
      set_last(p, n.op, p + 1);
    }
    push(n.out);
    return true;
  }
  Operand b, a;
  if (!pop(n.in, b) || !pop(n.in, a)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(a);
    stack_.push_back(b);
    uint32_t sa = slot_of(h);
    if (b.loc == Loc::Const) {
      IOp op = imm_form(n.op);
      stack_.resize(h);
      uint32_t p = begin(op);
      w(canon(h));
      w(sa);
      if (n.wide_imm)
        w64(b.value);
      else
        w(static_cast<uint32_t>(b.value));
      set_last(p, op, p + 1);
    } else {
      uint32_t sb = slot_of(h + 1);
      stack_.resize(h);
      uint32_t p = begin(n.op);
      w(canon(h));
      w(sa);
      w(sb);
      set_last(p, n.op, p + 1);
    }
  }
  push(n.out);
  return true;
}

}  // namespace tenor::vm::detail::translation
