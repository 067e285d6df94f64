// Function-body validation and translation into internal code, in one pass.
//
// The validator follows the algorithm of the WebAssembly specification's appendix (operand stack
// of types with a polymorphic bottom after unconditional branches, and a stack of control frames).
// Alongside each operand's type it tracks *where* the value lives:
//   Slot   - in its canonical slot (num_locals + stack height),
//   Local  - still in a local (local.get emits no code; the value is read straight from the local),
//   Const  - a constant not yet written anywhere (so that `x + 1` becomes `I32AddImm`).
// Lazy operands are materialised into their canonical slots where the next instruction needs a
// slot, before the local they name is overwritten, and at control-flow joins, so that every path
// into a join leaves values in the same slots.
//
// Peepholes that matter for speed: `local.set` retargets the previous instruction's destination
// to the local; an integer comparison followed by `br_if`/`if` becomes one fused compare-and-branch.

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string>

#include "code.hpp"
#include "leb128.hpp"
#include "opcodes.hpp"
#include "tenor/vm/gas.hpp"

namespace tenor::vm::detail {
namespace {

enum class Loc : uint8_t { Slot, Local, Const };

struct Operand {
  ValType type = ValType::I32;
  bool unknown = false;  // popped from the polymorphic stack of unreachable code
  Loc loc = Loc::Slot;
  uint32_t local = 0;  // Loc::Local
  uint64_t value = 0;  // Loc::Const
};

enum class CtrlKind : uint8_t { Block, Loop, If, Else, Function };

struct Fixup {
  uint32_t instr_pos;  // start of the jumping instruction
  uint32_t word_pos;   // the offset word to patch
};

struct Ctrl {
  CtrlKind kind = CtrlKind::Block;
  std::vector<ValType> params;
  std::vector<ValType> results;
  uint32_t height = 0;  // operand stack height below the frame's params
  bool unreachable = false;
  bool dead = false;     // the whole frame is unreachable code: nothing is emitted
  uint32_t loop_pos = 0;
  std::vector<Fixup> fixups;  // forward jumps to the end of the frame
  std::optional<Fixup> else_fixup;
  const std::vector<ValType>& label_types() const { return kind == CtrlKind::Loop ? params : results; }
};

// Static information about each wasm numeric, load and store opcode, built from code.def (whose
// rows are named as the wasm instructions they lower: IOp::I32Add lowers wasm::kI32Add).
enum class NumKind : uint8_t { None, Unop, UnopTrap, Binop, BinopTrap };
struct NumInfo {
  NumKind kind = NumKind::None;
  IOp op = IOp::Halt;
  ValType in = ValType::I32;
  ValType out = ValType::I32;
  bool wide_imm = false;  // the Imm form takes a 64-bit immediate
};

constexpr ValType vt_of_I32 = ValType::I32;
constexpr ValType vt_of_I64 = ValType::I64;
constexpr ValType vt_of_F32 = ValType::F32;
constexpr ValType vt_of_F64 = ValType::F64;
constexpr ValType vt_of_B32 = ValType::F32;
constexpr ValType vt_of_B64 = ValType::F64;
constexpr bool wide_I32 = false, wide_F32 = false, wide_B32 = false;
constexpr bool wide_I64 = true, wide_F64 = true, wide_B64 = true;

struct NumTables {
  NumInfo plain[256];
  NumInfo fc[8];
  IOp cmp_negation[kNumIOps];
  bool is_cmp[kNumIOps] = {};
  IOp fused[kNumIOps];
  uint8_t load_align[256] = {};
  IOp load_op[256];
  ValType load_type[256];
  bool is_load[256] = {};
  bool is_store[256] = {};
  NumTables() {
    auto set = [this](uint32_t opcode, NumInfo info) {
      if (opcode >= 0xFC00) fc[opcode - 0xFC00] = info;
      else plain[opcode] = info;
    };
    auto set_memory = [this](uint32_t opcode, bool store, IOp op, ValType type, uint8_t align) {
      (store ? is_store : is_load)[opcode] = true;
      load_op[opcode] = op;
      load_type[opcode] = type;
      load_align[opcode] = align;
    };
#define TENOR_UNOP(name, ri, ro, e) set(wasm::k##name, {NumKind::Unop, IOp::name, vt_of_##ri, vt_of_##ro, false});
#define TENOR_UNOP_TRAP(name, ri, ro, f) set(wasm::k##name, {NumKind::UnopTrap, IOp::name, vt_of_##ri, vt_of_##ro, false});
#define TENOR_BINOP(name, ri, ro, e) set(wasm::k##name, {NumKind::Binop, IOp::name, vt_of_##ri, vt_of_##ro, wide_##ri});
#define TENOR_BINOP_TRAP(name, ri, ro, f) set(wasm::k##name, {NumKind::BinopTrap, IOp::name, vt_of_##ri, vt_of_##ro, wide_##ri});
#define TENOR_CMP(name, neg)                                   \
  is_cmp[static_cast<uint32_t>(IOp::name)] = true;             \
  cmp_negation[static_cast<uint32_t>(IOp::name)] = IOp::neg;   \
  fused[static_cast<uint32_t>(IOp::name)] = IOp::BrIf##name;
#define TENOR_LOAD(name, r, mt, al) set_memory(wasm::k##name, false, IOp::name, vt_of_##r, al);
#define TENOR_STORE(name, r, mt, al) set_memory(wasm::k##name, true, IOp::name, vt_of_##r, al);
#include "code.def"
#undef TENOR_UNOP
#undef TENOR_UNOP_TRAP
#undef TENOR_BINOP
#undef TENOR_BINOP_TRAP
#undef TENOR_CMP
#undef TENOR_LOAD
#undef TENOR_STORE
  }
};

const NumTables& tables() {
  static const NumTables t;
  return t;
}

inline IOp imm_form(IOp op) { return static_cast<IOp>(static_cast<uint32_t>(op) + 1); }

// Thrown nowhere: errors travel as a flag + Error through the translator.
class Translator {
 public:
  Translator(const ModuleInfo& info, std::span<const uint8_t> bytes, const VmConfig& config,
             uint32_t func_index, CompiledFunction& out)
      : info_(info),
        bytes_(bytes),
        config_(config),
        func_index_(func_index),
        body_(info.bodies[func_index - info.num_imported_funcs]),
        out_(out),
        code_(out.code),
        r_(bytes, body_.code_begin, body_.code_end) {}

  Status run();

 private:
  // ---- errors ----
  Status fail(ErrorKind kind, std::string message, uint64_t offset) {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    e.section = "code";
    e.offset = offset;
    e.func_index = func_index_;
    return e;
  }
  Status invalid(std::string message) { return fail(ErrorKind::Invalid, std::move(message), op_offset_); }
  Status malformed(std::string message) { return fail(ErrorKind::Malformed, std::move(message), op_offset_); }
  Status reader_error() {
    return fail(ErrorKind::Malformed, r_.error_message() ? r_.error_message() : "unexpected end",
                r_.error_offset());
  }

  // ---- emission ----
  bool live() const { return !ctrls_.back().unreachable && !ctrls_.back().dead; }
  uint32_t pos() const { return static_cast<uint32_t>(code_.size()); }
  uint32_t canon(uint32_t height) const { return num_locals_ + height; }
  void w(uint32_t word) { code_.push_back(word); }
  void w64(uint64_t v) {
    w(static_cast<uint32_t>(v));
    w(static_cast<uint32_t>(v >> 32));
  }
  // Begins an instruction; the last-instruction peephole state is reset. The instruction maps
  // to the wasm instruction being translated (for trap sites).
  uint32_t begin(IOp op) {
    last_valid_ = false;
    uint32_t p = pos();
    // note_pc's common case (nothing at or after p is mapped: truncate_code drops such entries).
    const uint32_t offset = code_offset();
    if (map_.empty() || map_.back().second != offset) map_.push_back({p, offset});
    w(static_cast<uint32_t>(op));
    return p;
  }
  // Drops the internal code from `size` on (and its entries in the offset map).
  void truncate_code(uint32_t size) {
    code_.resize(size);
    while (!map_.empty() && map_.back().first >= size) map_.pop_back();
  }

  // ---- the map from internal pc to wasm code offset (CompiledFunction::offset_map) ----
  // The current wasm instruction's offset relative to the code section's payload.
  uint32_t code_offset() const { return static_cast<uint32_t>(op_offset_ - info_.code_section_begin); }
  // The instruction starting at internal pc `p` (at or after every mapped one) comes from `offset`.
  // Entries at or after `p` are dropped first (p is the last instruction emitted, remapped).
  void note_pc(uint32_t p, uint32_t offset) {
    while (!map_.empty() && map_.back().first >= p) map_.pop_back();
    if (map_.empty() || map_.back().second != offset) map_.push_back({p, offset});  // else covered
  }
  // The instruction at `p`, the last one emitted, maps to the current wasm instruction instead.
  void remap(uint32_t p) { note_pc(p, code_offset()); }
  uint32_t mapped_offset(uint32_t p) const {
    uint32_t offset = 0;
    for (const auto& e : map_) {
      if (e.first > p) break;
      offset = e.second;
    }
    return offset;
  }
  // Writes map_ into CompiledFunction::offset_map as LEB128 deltas (at most 5 + 5 bytes an entry).
  void encode_offset_map() {
    std::vector<uint8_t>& out = out_.offset_map;
    out.resize(map_.size() * 10);
    uint8_t* q = out.data();
    uint32_t prev_pc = 0;
    int64_t prev_offset = 0;
    for (const auto& [p, offset] : map_) {
      uint32_t dp = p - prev_pc;
      while (dp >= 0x80) {
        *q++ = static_cast<uint8_t>(dp | 0x80);
        dp >>= 7;
      }
      *q++ = static_cast<uint8_t>(dp);
      int64_t d = static_cast<int64_t>(offset) - prev_offset;
      for (bool more = true; more;) {
        uint8_t b = static_cast<uint8_t>(d & 0x7F);
        d >>= 7;  // arithmetic shift
        more = !((d == 0 && (b & 0x40) == 0) || (d == -1 && (b & 0x40) != 0));
        *q++ = static_cast<uint8_t>(b | (more ? 0x80 : 0));
      }
      prev_pc = p;
      prev_offset = offset;
    }
    out.resize(static_cast<size_t>(q - out.data()));
    out.shrink_to_fit();
  }
  // Records that the instruction at `p` wrote only its slot operand at `dst_word`.
  void set_last(uint32_t p, IOp op, uint32_t dst_word) {
    last_valid_ = true;
    last_pos_ = p;
    last_op_ = op;
    last_dst_word_ = dst_word;
  }
  void bind_label() { last_valid_ = false; }

  // ---- gas: one Gas instruction at the start of each basic block, patched with the sum of the
  // static costs of the wasm instructions of the block ----
  void flush_gas() {
    if (gas_word_ != kNoGasWord) code_[gas_word_] = static_cast<uint32_t>(std::min<uint64_t>(gas_acc_, UINT32_MAX));
    gas_word_ = kNoGasWord;
    gas_acc_ = 0;
  }
  // Starts a basic block here; returns where jumps into the block must land. When the current
  // block is still empty (its Gas instruction is the last one emitted and nothing was charged),
  // the new block reuses it.
  uint32_t start_gas_block() {
    if (!config_.metering) return pos();
    if (gas_word_ != kNoGasWord && gas_word_ + 1 == pos() && gas_acc_ == 0) {
      // Nothing was charged since that Gas instruction: the block it charges for starts here.
      remap(gas_word_ - 1);
      return gas_word_ - 1;
    }
    flush_gas();
    if (!live()) return pos();
    uint32_t p = begin(IOp::Gas);
    gas_word_ = pos();
    w(0);
    return p;
  }
  void note_float(uint32_t opcode) {
    if (!out_.first_float_op && is_float_instruction(opcode)) out_.first_float_op = {op_offset_, opcode};
  }
  void charge(uint32_t opcode) {
    if (config_.metering && live()) gas_acc_ += gas::static_cost(opcode);
  }

  void emit_copy(uint32_t dst, uint32_t src) {
    if (dst == src) return;
    uint32_t p = begin(IOp::Copy);
    w(dst);
    w(src);
    set_last(p, IOp::Copy, p + 1);
  }
  void emit_const(uint32_t dst, ValType t, uint64_t v) {
    if (t == ValType::I32 || t == ValType::F32) {
      uint32_t p = begin(IOp::Const32);
      w(dst);
      w(static_cast<uint32_t>(v));
      set_last(p, IOp::Const32, p + 1);
    } else {
      uint32_t p = begin(IOp::Const64);
      w(dst);
      w64(v);
      set_last(p, IOp::Const64, p + 1);
    }
  }
  // Writes operand `e` (at stack index idx) into slot dst.
  void emit_move(uint32_t dst, const Operand& e, uint32_t idx) {
    switch (e.loc) {
      case Loc::Slot: emit_copy(dst, canon(idx)); break;
      case Loc::Local: emit_copy(dst, e.local); break;
      case Loc::Const: emit_const(dst, e.type, e.value); break;
    }
  }
  void materialize(uint32_t idx) {
    Operand& e = stack_[idx];
    if (e.loc == Loc::Slot) return;
    if (live()) emit_move(canon(idx), e, idx);
    e.loc = Loc::Slot;
  }
  void materialize_all() {
    for (uint32_t i = 0; i < stack_.size(); ++i) materialize(i);
  }
  // Slot holding the operand at stack index idx (materialising a constant).
  uint32_t slot_of(uint32_t idx) {
    Operand& e = stack_[idx];
    if (e.loc == Loc::Local) return e.local;
    if (e.loc == Loc::Const) materialize(idx);
    return canon(idx);
  }
  void flush_local(uint32_t x) {
    for (uint32_t i = 0; i < stack_.size(); ++i)
      if (stack_[i].loc == Loc::Local && stack_[i].local == x) materialize(i);
  }

  void emit_jump_target(uint32_t instr_pos, Ctrl& target) {
    if (target.kind == CtrlKind::Loop) {
      w(static_cast<uint32_t>(static_cast<int32_t>(target.loop_pos) - static_cast<int32_t>(instr_pos)));
    } else {
      target.fixups.push_back({instr_pos, pos()});
      w(0);
    }
  }
  void patch(const Fixup& f, uint32_t target) {
    code_[f.word_pos] = static_cast<uint32_t>(static_cast<int32_t>(target) - static_cast<int32_t>(f.instr_pos));
  }
  // Do the top n operands already sit in the label's slots?
  bool moves_needed(const Ctrl& target, uint32_t n) const {
    uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
    for (uint32_t i = 0; i < n; ++i) {
      const Operand& e = stack_[base + i];
      if (e.loc != Loc::Slot || base + i != target.height + i) return true;
    }
    return false;
  }
  // Moves the top n operands into the label's slots (ascending order is safe: sources are never
  // below their destinations).
  void emit_label_moves(const Ctrl& target, uint32_t n) {
    uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
    for (uint32_t i = 0; i < n; ++i) emit_move(canon(target.height + i), stack_[base + i], base + i);
  }
  // Moves the top n operands into slots 0..n-1 for a return.
  void emit_return_moves(uint32_t n) {
    uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
    for (uint32_t i = 0; i < n; ++i)
      if (stack_[base + i].loc == Loc::Local && stack_[base + i].local < n) materialize(base + i);
    if (n == 1 && stack_[base].loc == Loc::Slot && last_valid_ &&
        code_[last_dst_word_] == canon(base)) {
      code_[last_dst_word_] = 0;  // retarget the producer to the result slot
      return;
    }
    for (uint32_t i = 0; i < n; ++i) emit_move(i, stack_[base + i], base + i);
  }

  // ---- operand stack ----
  void push(ValType t) {
    stack_.push_back(Operand{t, false, Loc::Slot, 0, 0});
    max_height_ = std::max<uint32_t>(max_height_, static_cast<uint32_t>(stack_.size()));
  }
  void push_operand(const Operand& e) {
    stack_.push_back(e);
    max_height_ = std::max<uint32_t>(max_height_, static_cast<uint32_t>(stack_.size()));
  }
  // Pops an operand of type t (validation); on success `out` is the operand.
  bool pop(ValType t, Operand& out) {
    Ctrl& c = ctrls_.back();
    if (stack_.size() == c.height) {
      if (c.unreachable) {
        out = Operand{t, true, Loc::Slot, 0, 0};
        return true;
      }
      err_ = invalid(std::string("type mismatch: expected ") + to_string(t) + ", but the stack is empty");
      return false;
    }
    out = stack_.back();
    if (!out.unknown && out.type != t) {
      err_ = invalid(std::string("type mismatch: expected ") + to_string(t) + ", got " + to_string(out.type));
      return false;
    }
    stack_.pop_back();
    return true;
  }
  bool pop_any(Operand& out) {
    Ctrl& c = ctrls_.back();
    if (stack_.size() == c.height) {
      if (c.unreachable) {
        out = Operand{ValType::I32, true, Loc::Slot, 0, 0};
        return true;
      }
      err_ = invalid("type mismatch: expected a value, but the stack is empty");
      return false;
    }
    out = stack_.back();
    stack_.pop_back();
    return true;
  }
  // Checks that the top of the stack holds `types` (without popping).
  bool check_top(const std::vector<ValType>& types) {
    std::vector<Operand> tmp(types.size());
    for (size_t i = types.size(); i-- > 0;)
      if (!pop(types[i], tmp[i])) return false;
    for (size_t i = 0; i < tmp.size(); ++i) {
      tmp[i].type = types[i];
      tmp[i].unknown = false;  // the label's types are known from here on
      push_operand(tmp[i]);
    }
    return true;
  }
  bool pop_types(const std::vector<ValType>& types) {
    Operand tmp;
    for (size_t i = types.size(); i-- > 0;)
      if (!pop(types[i], tmp)) return false;
    return true;
  }

  // ---- control ----
  bool read_block_type(std::vector<ValType>& params, std::vector<ValType>& results);
  bool push_ctrl(CtrlKind kind, std::vector<ValType> params, std::vector<ValType> results);
  void set_unreachable() {
    Ctrl& c = ctrls_.back();
    stack_.resize(c.height);
    c.unreachable = true;
    last_valid_ = false;
  }
  // Emits a branch to `target` taken when the condition holds. `cond_idx` is the stack index the
  // (already popped) i32 condition had. Fuses with a preceding comparison when possible.
  void emit_cond_branch(const Operand& cond, uint32_t cond_idx, Ctrl& target, bool negate);

  bool op_block(CtrlKind kind);
  bool op_if();
  bool op_else();
  bool op_end(bool& function_done);
  bool op_br(uint32_t depth);
  bool op_br_if(uint32_t depth);
  bool op_br_table();
  bool op_return();
  bool op_call(uint32_t func);
  bool op_call_indirect();
  bool op_numeric(const NumInfo& n);
  bool op_load(uint8_t opc);
  bool op_store(uint8_t opc);
  bool op_prefixed();
  bool check_memory() {
    if (info_.memories.empty()) {
      err_ = invalid("unknown memory 0");
      return false;
    }
    return true;
  }
  // memory.init and data.drop need the data count section when the module has data segments
  // (the body is decoded before the data section). Without any data segment the index is simply
  // out of range: invalid, not malformed, as the spec tests expect.
  bool check_data_count() {
    if (!info_.data_count && !info_.datas.empty()) {
      err_ = malformed("data count section required");
      return false;
    }
    return true;
  }
  uint32_t data_count() const { return info_.data_count.value_or(0); }
  // Reads a LEB128 index immediate; on failure records the reader's error.
  bool read_index(uint32_t& out) {
    if (r_.read_u32(out)) return true;
    err_ = reader_error();
    return false;
  }
  // Reads a load's or store's memarg (alignment, offset) and checks the memory and alignment.
  bool read_memarg(uint8_t opc, uint32_t& offset) {
    uint32_t align;
    if (!read_index(align) || !read_index(offset)) return false;
    if (!check_memory()) return false;
    if (align > tables().load_align[opc]) {
      err_ = invalid("alignment must not be larger than natural");
      return false;
    }
    return true;
  }
  bool read_zero_byte() {
    uint8_t b;
    if (!r_.read_u8(b)) {
      err_ = reader_error();
      return false;
    }
    if (b != 0) {
      err_ = malformed("zero byte expected");
      return false;
    }
    return true;
  }

  const ModuleInfo& info_;
  std::span<const uint8_t> bytes_;
  const VmConfig& config_;
  uint32_t func_index_;
  const FunctionBody& body_;
  CompiledFunction& out_;
  std::vector<uint32_t>& code_;
  ByteReader r_;

  std::vector<ValType> locals_;  // params + declared
  uint32_t num_locals_ = 0;
  std::vector<Operand> stack_;
  std::vector<Ctrl> ctrls_;
  uint32_t max_height_ = 0;
  uint64_t op_offset_ = 0;
  Status err_;
  std::vector<std::pair<uint32_t, uint32_t>> map_;  // (internal pc, wasm code offset), see note_pc

  static constexpr uint32_t kNoGasWord = UINT32_MAX;
  uint32_t gas_word_ = kNoGasWord;
  uint64_t gas_acc_ = 0;

  bool last_valid_ = false;
  uint32_t last_pos_ = 0;
  IOp last_op_ = IOp::Halt;
  uint32_t last_dst_word_ = 0;
};

bool Translator::read_block_type(std::vector<ValType>& params, std::vector<ValType>& results) {
  uint8_t b;
  if (!r_.peek_u8(b)) {
    err_ = malformed("unexpected end");
    return false;
  }
  if (b == 0x40) {
    r_.read_u8(b);
    return true;
  }
  if (b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C) {
    r_.read_u8(b);
    // A float block type counts as float use for the contract profile (recorded as the block,
    // loop or if instruction itself).
    if ((b == 0x7D || b == 0x7C) && !out_.first_float_op) out_.first_float_op = {op_offset_, bytes_[op_offset_]};
    results.push_back(static_cast<ValType>(b));
    return true;
  }
  int64_t idx;
  if (!r_.read_s33(idx)) {
    err_ = reader_error();
    return false;
  }
  if (idx < 0) {
    err_ = malformed("malformed value type");
    return false;
  }
  if (static_cast<uint64_t>(idx) >= info_.types.size()) {
    err_ = invalid("unknown type " + std::to_string(idx));
    return false;
  }
  const FuncType& ft = info_.types[static_cast<size_t>(idx)];
  params = ft.params;
  results = ft.results;
  return true;
}

bool Translator::push_ctrl(CtrlKind kind, std::vector<ValType> params, std::vector<ValType> results) {
  if (ctrls_.size() >= config_.max_control_depth) {
    err_ = fail(ErrorKind::LimitExceeded,
                "block nesting deeper than the limit of " + std::to_string(config_.max_control_depth),
                op_offset_);
    return false;
  }
  Ctrl c;
  c.kind = kind;
  c.dead = !live();
  c.height = static_cast<uint32_t>(stack_.size() - params.size());
  c.params = std::move(params);
  c.results = std::move(results);
  ctrls_.push_back(std::move(c));
  return true;
}

void Translator::emit_cond_branch(const Operand& cond, uint32_t cond_idx, Ctrl& target, bool negate) {
  const NumTables& t = tables();
  // Fusion: the condition is the value the previous instruction (a comparison) just computed.
  if (cond.loc == Loc::Slot && !cond.unknown && last_valid_ && code_[last_dst_word_] == canon(cond_idx) &&
      last_pos_ + 1 == last_dst_word_) {
    uint32_t lop = static_cast<uint32_t>(last_op_);
    bool is_imm = false;
    IOp base = last_op_;
    if (lop > 0 && t.is_cmp[lop - 1] && static_cast<IOp>(lop) == imm_form(static_cast<IOp>(lop - 1))) {
      is_imm = true;
      base = static_cast<IOp>(lop - 1);
    }
    if (t.is_cmp[static_cast<uint32_t>(base)]) {
      IOp cmp = negate ? t.cmp_negation[static_cast<uint32_t>(base)] : base;
      IOp fused = t.fused[static_cast<uint32_t>(cmp)];
      if (is_imm) fused = static_cast<IOp>(static_cast<uint32_t>(fused) + 1);
      // Operands of the comparison: [op, dst, a, b...]; keep a and b (or imm), drop dst.
      std::vector<uint32_t> operands(code_.begin() + last_pos_ + 2, code_.end());
      truncate_code(last_pos_);
      uint32_t p = begin(fused);
      for (uint32_t word : operands) w(word);
      emit_jump_target(p, target);
      return;
    }
    if (last_op_ == IOp::I32Eqz || last_op_ == IOp::I64Eqz) {
      uint32_t src = code_[last_pos_ + 2];
      bool is64 = last_op_ == IOp::I64Eqz;
      truncate_code(last_pos_);
      // br_if (eqz x) == branch when x == 0.
      IOp op = negate ? (is64 ? IOp::BrIfI64Nez : IOp::BrIf) : (is64 ? IOp::BrIfI64Eqz : IOp::BrUnless);
      uint32_t p = begin(op);
      w(src);
      emit_jump_target(p, target);
      return;
    }
  }
  uint32_t slot = cond.loc == Loc::Local ? cond.local : canon(cond_idx);
  if (cond.loc == Loc::Const) emit_const(slot, ValType::I32, cond.value);
  uint32_t p = begin(negate ? IOp::BrUnless : IOp::BrIf);
  w(slot);
  emit_jump_target(p, target);
}

bool Translator::op_block(CtrlKind kind) {
  std::vector<ValType> params, results;
  if (!read_block_type(params, results)) return false;
  if (!check_top(params)) return false;
  if (live()) materialize_all();
  if (!push_ctrl(kind, std::move(params), std::move(results))) return false;
  bind_label();
  // Back edges land on the loop header's Gas instruction: every iteration pays.
  ctrls_.back().loop_pos = kind == CtrlKind::Loop ? start_gas_block() : pos();
  return true;
}

bool Translator::op_if() {
  std::vector<ValType> params, results;
  if (!read_block_type(params, results)) return false;
  Operand cond;
  if (!pop(ValType::I32, cond)) return false;
  uint32_t cond_idx = static_cast<uint32_t>(stack_.size());
  if (!check_top(params)) return false;
  bool was_live = live();
  if (!push_ctrl(CtrlKind::If, std::move(params), std::move(results))) return false;
  Ctrl& c = ctrls_.back();
  if (was_live) {
    // Materialise what lies below the condition first when the condition can be fused, so that
    // the comparison stays the last instruction.
    bool fusable = cond.loc == Loc::Slot && last_valid_ && code_[last_dst_word_] == canon(cond_idx);
    bool below_lazy = false;
    for (auto& e : stack_) below_lazy |= e.loc != Loc::Slot;
    if (fusable && below_lazy) {
      // Move the comparison after the materialisation: copy it out, materialise, re-emit.
      std::vector<uint32_t> cmp(code_.begin() + last_pos_, code_.end());
      IOp op = last_op_;
      const uint32_t cmp_offset = mapped_offset(last_pos_);
      truncate_code(last_pos_);
      last_valid_ = false;
      materialize_all();
      uint32_t p = pos();
      note_pc(p, cmp_offset);
      code_.insert(code_.end(), cmp.begin(), cmp.end());
      set_last(p, op, p + 1);
    } else {
      materialize_all();
    }
    // Branch to the else arm (or the end) when the condition is false.
    Ctrl else_target;  // a stand-in to collect the fixup
    else_target.kind = CtrlKind::Block;
    emit_cond_branch(cond, cond_idx, else_target, /*negate=*/true);
    c.else_fixup = else_target.fixups.back();
  }
  bind_label();
  start_gas_block();
  return true;
}

bool Translator::op_else() {
  Ctrl& c = ctrls_.back();
  if (c.kind != CtrlKind::If) {
    err_ = malformed("else without a matching if");
    return false;
  }
  if (!check_top(c.results)) return false;
  if (stack_.size() != c.height + c.results.size()) {
    err_ = invalid("type mismatch: values remaining on the stack at the end of the if arm");
    return false;
  }
  if (live()) {
    for (uint32_t i = 0; i < c.results.size(); ++i) materialize(c.height + i);
    uint32_t p = begin(IOp::Br);
    c.fixups.push_back({p, pos()});
    w(0);
  }
  bind_label();
  stack_.resize(c.height);
  for (ValType t : c.params) push(t);
  c.kind = CtrlKind::Else;
  c.unreachable = false;
  uint32_t label = start_gas_block();
  if (c.else_fixup) {
    patch(*c.else_fixup, label);
    c.else_fixup.reset();
  }
  return true;
}

bool Translator::op_end(bool& function_done) {
  Ctrl& c = ctrls_.back();
  if (c.kind == CtrlKind::If && c.params != c.results) {
    err_ = invalid("type mismatch: if without else must leave its parameters unchanged");
    return false;
  }
  if (!check_top(c.results)) return false;
  if (stack_.size() != c.height + c.results.size()) {
    err_ = invalid("type mismatch: values remaining on the stack at the end of the block");
    return false;
  }
  if (c.kind == CtrlKind::Function) {
    if (live()) {
      emit_return_moves(static_cast<uint32_t>(c.results.size()));
      begin(IOp::Return);
    }
    // Branches to the function's label were emitted as returns: there are no fixups to patch.
    flush_gas();
    ctrls_.pop_back();
    function_done = true;
    return true;
  }
  if (live()) {
    for (uint32_t i = 0; i < c.results.size(); ++i) materialize(c.height + i);
  }
  const bool has_jumps_in = !c.fixups.empty() || c.else_fixup.has_value();
  bind_label();
  Ctrl ended = std::move(c);
  ctrls_.pop_back();
  stack_.resize(ended.height);
  for (ValType t : ended.results) push(t);
  // A new basic block starts where jumps land; an end reached only by falling through (every
  // loop's, and a block nothing branches out of) continues the current one.
  uint32_t label = has_jumps_in && ended.kind != CtrlKind::Loop ? start_gas_block() : pos();
  for (auto& f : ended.fixups) patch(f, label);
  if (ended.else_fixup) patch(*ended.else_fixup, label);
  return true;
}

bool Translator::op_br(uint32_t depth) {
  if (depth >= ctrls_.size()) {
    err_ = invalid("unknown label " + std::to_string(depth));
    return false;
  }
  Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
  const auto& types = target.label_types();
  if (!check_top(types)) return false;
  if (live()) {
    uint32_t n = static_cast<uint32_t>(types.size());
    if (target.kind == CtrlKind::Function) {
      emit_return_moves(n);
      begin(IOp::Return);
    } else {
      emit_label_moves(target, n);
      uint32_t p = begin(IOp::Br);
      emit_jump_target(p, target);
    }
  }
  set_unreachable();
  return true;
}

bool Translator::op_br_if(uint32_t depth) {
  if (depth >= ctrls_.size()) {
    err_ = invalid("unknown label " + std::to_string(depth));
    return false;
  }
  Operand cond;
  if (!pop(ValType::I32, cond)) return false;
  uint32_t cond_idx = static_cast<uint32_t>(stack_.size());
  Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
  const auto& types = target.label_types();
  if (!check_top(types)) return false;
  if (!live()) return true;
  uint32_t n = static_cast<uint32_t>(types.size());
  if (target.kind == CtrlKind::Function) {
    // Conditional return: skip over the return sequence when the condition is false.
    Ctrl skip;
    emit_cond_branch(cond, cond_idx, skip, /*negate=*/true);
    // The return moves must not disturb the operands that stay on the stack (they may be Local).
    std::vector<Operand> saved(stack_.end() - n, stack_.end());
    emit_return_moves(n);
    begin(IOp::Return);
    std::copy(saved.begin(), saved.end(), stack_.end() - n);
    for (auto& f : skip.fixups) patch(f, pos());
    bind_label();
    start_gas_block();
    return true;
  }
  if (!moves_needed(target, n)) {
    emit_cond_branch(cond, cond_idx, target, /*negate=*/false);
    start_gas_block();
    return true;
  }
  Ctrl skip;
  emit_cond_branch(cond, cond_idx, skip, /*negate=*/true);
  emit_label_moves(target, n);
  uint32_t p = begin(IOp::Br);
  emit_jump_target(p, target);
  for (auto& f : skip.fixups) patch(f, pos());
  bind_label();
  start_gas_block();
  return true;
}

bool Translator::op_br_table() {
  uint32_t count;
  if (!r_.read_u32(count)) {
    err_ = reader_error();
    return false;
  }
  if (count > config_.max_br_table_size) {
    err_ = fail(ErrorKind::LimitExceeded,
                "br_table has " + std::to_string(count) + " targets, more than the limit of " +
                    std::to_string(config_.max_br_table_size),
                op_offset_);
    return false;
  }
  if (count > r_.remaining()) {
    err_ = malformed("unexpected end");
    return false;
  }
  std::vector<uint32_t> depths(count + 1);
  for (uint32_t i = 0; i <= count; ++i) {
    if (!r_.read_u32(depths[i])) {
      err_ = reader_error();
      return false;
    }
    if (depths[i] >= ctrls_.size()) {
      err_ = invalid("unknown label " + std::to_string(depths[i]));
      return false;
    }
  }
  Operand idx;
  if (!pop(ValType::I32, idx)) return false;
  uint32_t idx_pos = static_cast<uint32_t>(stack_.size());
  const Ctrl& def = ctrls_[ctrls_.size() - 1 - depths[count]];
  size_t arity = def.label_types().size();
  for (uint32_t i = 0; i <= count; ++i) {
    const Ctrl& t = ctrls_[ctrls_.size() - 1 - depths[i]];
    if (t.label_types().size() != arity) {
      err_ = invalid("type mismatch: br_table targets have different arities");
      return false;
    }
    if (!check_top(t.label_types())) return false;
  }
  if (live()) {
    uint32_t n = static_cast<uint32_t>(arity);
    uint32_t idx_slot = idx.loc == Loc::Local ? idx.local : canon(idx_pos);
    if (idx.loc == Loc::Const) emit_const(idx_slot, ValType::I32, idx.value);
    uint32_t p = begin(IOp::BrTable);
    w(idx_slot);
    w(count);
    uint32_t table_pos = pos();
    for (uint32_t i = 0; i <= count; ++i) w(0);
    // Targets that need their values moved (or that return) go through a stub after the table.
    std::vector<std::pair<uint32_t, uint32_t>> stubs;  // depth -> stub position
    for (uint32_t i = 0; i <= count; ++i) {
      Ctrl& t = ctrls_[ctrls_.size() - 1 - depths[i]];
      bool direct = t.kind != CtrlKind::Function && !moves_needed(t, n);
      if (direct) {
        if (t.kind == CtrlKind::Loop) {
          code_[table_pos + i] = static_cast<uint32_t>(static_cast<int32_t>(t.loop_pos) - static_cast<int32_t>(p));
        } else {
          t.fixups.push_back({p, table_pos + i});
        }
        continue;
      }
      uint32_t stub = 0;
      bool found = false;
      for (auto& s : stubs)
        if (s.first == depths[i]) {
          stub = s.second;
          found = true;
        }
      if (!found) {
        stub = pos();
        stubs.push_back({depths[i], stub});
        bind_label();
        if (t.kind == CtrlKind::Function) {
          std::vector<Operand> saved(stack_.end() - n, stack_.end());
          emit_return_moves(n);
          begin(IOp::Return);
          std::copy(saved.begin(), saved.end(), stack_.end() - n);
        } else {
          emit_label_moves(t, n);
          uint32_t bp = begin(IOp::Br);
          emit_jump_target(bp, t);
        }
      }
      code_[table_pos + i] = static_cast<uint32_t>(static_cast<int32_t>(stub) - static_cast<int32_t>(p));
    }
  }
  set_unreachable();
  return true;
}

bool Translator::op_return() {
  const auto& results = ctrls_.front().results;
  if (!check_top(results)) return false;
  if (live()) {
    emit_return_moves(static_cast<uint32_t>(results.size()));
    begin(IOp::Return);
  }
  set_unreachable();
  return true;
}

bool Translator::op_call(uint32_t func) {
  if (func >= info_.func_types.size()) {
    err_ = invalid("unknown function " + std::to_string(func));
    return false;
  }
  const FuncType& ft = info_.types[info_.func_types[func]];
  if (!check_top(ft.params)) return false;
  uint32_t n = static_cast<uint32_t>(ft.params.size());
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  if (live()) {
    for (uint32_t i = base; i < stack_.size(); ++i) materialize(i);
    uint32_t p = begin(func < info_.num_imported_funcs ? IOp::CallImport : IOp::Call);
    (void)p;
    w(func < info_.num_imported_funcs ? func : func - info_.num_imported_funcs);
    w(canon(base));
  }
  stack_.resize(base);
  for (ValType t : ft.results) push(t);
  return true;
}

bool Translator::op_call_indirect() {
  uint32_t type_index, table_index;
  if (!r_.read_u32(type_index)) {
    err_ = reader_error();
    return false;
  }
  uint8_t tb;
  if (!r_.read_u8(tb)) {
    err_ = reader_error();
    return false;
  }
  if (tb != 0) {
    err_ = malformed("zero byte expected");
    return false;
  }
  table_index = tb;
  if (table_index >= info_.tables.size()) {
    err_ = invalid("unknown table " + std::to_string(table_index));
    return false;
  }
  if (type_index >= info_.types.size()) {
    err_ = invalid("unknown type " + std::to_string(type_index));
    return false;
  }
  Operand idx;
  if (!pop(ValType::I32, idx)) return false;
  uint32_t idx_pos = static_cast<uint32_t>(stack_.size());
  const FuncType& ft = info_.types[type_index];
  if (!check_top(ft.params)) return false;
  uint32_t n = static_cast<uint32_t>(ft.params.size());
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  if (live()) {
    for (uint32_t i = base; i < stack_.size(); ++i) materialize(i);
    uint32_t idx_slot = idx.loc == Loc::Local ? idx.local : canon(idx_pos);
    if (idx.loc == Loc::Const) emit_const(idx_slot, ValType::I32, idx.value);
    max_height_ = std::max(max_height_, idx_pos + 1);
    begin(IOp::CallIndirect);
    w(type_index);
    w(idx_slot);
    w(canon(base));
  }
  stack_.resize(base);
  for (ValType t : ft.results) push(t);
  return true;
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
      if (n.wide_imm) w64(b.value);
      else w(static_cast<uint32_t>(b.value));
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

bool Translator::op_load(uint8_t opc) {
  const NumTables& t = tables();
  uint32_t offset;
  if (!read_memarg(opc, offset)) return false;
  Operand addr;
  if (!pop(ValType::I32, addr)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(addr);
    uint32_t sa = slot_of(h);
    stack_.pop_back();
    uint32_t p = begin(t.load_op[opc]);
    w(canon(h));
    w(sa);
    w(offset);
    set_last(p, t.load_op[opc], p + 1);
  }
  push(t.load_type[opc]);
  return true;
}

bool Translator::op_store(uint8_t opc) {
  const NumTables& t = tables();
  uint32_t offset;
  if (!read_memarg(opc, offset)) return false;
  Operand value, addr;
  if (!pop(t.load_type[opc], value) || !pop(ValType::I32, addr)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(addr);
    stack_.push_back(value);
    uint32_t sa = slot_of(h);
    uint32_t sv = slot_of(h + 1);
    stack_.resize(h);
    begin(t.load_op[opc]);
    w(sa);
    w(sv);
    w(offset);
  }
  return true;
}

bool Translator::op_prefixed() {
  uint32_t sub;
  if (!r_.read_u32(sub)) {
    err_ = reader_error();
    return false;
  }
  const uint32_t opcode = wasm::prefixed(sub);
  charge(opcode);
  note_float(opcode);
  const NumTables& t = tables();
  if (sub < std::size(t.fc) && t.fc[sub].kind != NumKind::None) return op_numeric(t.fc[sub]);
  // Pops n i32 operands and returns their slots (materialising constants).
  auto pop_i32s = [this](uint32_t n, uint32_t* slots) -> bool {
    std::vector<Operand> ops(n);
    for (uint32_t i = n; i-- > 0;)
      if (!pop(ValType::I32, ops[i])) return false;
    if (live()) {
      uint32_t h = static_cast<uint32_t>(stack_.size());
      for (auto& e : ops) stack_.push_back(e);
      for (uint32_t i = 0; i < n; ++i) slots[i] = slot_of(h + i);
      stack_.resize(h);
    }
    return true;
  };
  uint32_t s[3] = {0, 0, 0};
  switch (opcode) {
    case wasm::kMemoryInit: {  // dataidx 0x00
      uint32_t seg;
      if (!read_index(seg)) return false;
      if (!read_zero_byte()) return false;
      if (!check_data_count()) return false;
      if (!check_memory()) return false;
      if (seg >= data_count()) {
        err_ = invalid("unknown data segment " + std::to_string(seg));
        return false;
      }
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryInit);
        w(seg), w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    case wasm::kDataDrop: {
      uint32_t seg;
      if (!read_index(seg)) return false;
      if (!check_data_count()) return false;
      if (seg >= data_count()) {
        err_ = invalid("unknown data segment " + std::to_string(seg));
        return false;
      }
      if (live()) {
        begin(IOp::DataDrop);
        w(seg);
      }
      return true;
    }
    case wasm::kMemoryCopy:  // 0x00 0x00
      if (!read_zero_byte() || !read_zero_byte()) return false;
      if (!check_memory() || !pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryCopy);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    case wasm::kMemoryFill:  // 0x00
      if (!read_zero_byte()) return false;
      if (!check_memory() || !pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::MemoryFill);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    case wasm::kTableInit: {  // elemidx tableidx
      uint32_t seg, table;
      if (!read_index(seg) || !read_index(table)) return false;
      if (table >= info_.tables.size()) {
        err_ = invalid("unknown table " + std::to_string(table));
        return false;
      }
      if (seg >= info_.elems.size()) {
        err_ = invalid("unknown elem segment " + std::to_string(seg));
        return false;
      }
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::TableInit);
        w(seg), w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    case wasm::kElemDrop: {
      uint32_t seg;
      if (!read_index(seg)) return false;
      if (seg >= info_.elems.size()) {
        err_ = invalid("unknown elem segment " + std::to_string(seg));
        return false;
      }
      if (live()) {
        begin(IOp::ElemDrop);
        w(seg);
      }
      return true;
    }
    case wasm::kTableCopy: {  // dst src
      uint32_t dt, st;
      if (!read_index(dt) || !read_index(st)) return false;
      if (dt >= info_.tables.size() || st >= info_.tables.size()) {
        err_ = invalid("unknown table " + std::to_string(std::max(dt, st)));
        return false;
      }
      if (!pop_i32s(3, s)) return false;
      if (live()) {
        begin(IOp::TableCopy);
        w(s[0]), w(s[1]), w(s[2]);
      }
      return true;
    }
    default:
      err_ = malformed(illegal_prefixed_opcode_message(sub));
      return false;
  }
}

Status Translator::run() {
  const FuncType& ft = info_.types[info_.func_types[func_index_]];
  locals_ = ft.params;
  locals_.insert(locals_.end(), body_.locals.begin(), body_.locals.end());
  num_locals_ = static_cast<uint32_t>(locals_.size());
  out_.type_index = info_.func_types[func_index_];
  out_.num_params = static_cast<uint32_t>(ft.params.size());
  out_.num_results = static_cast<uint32_t>(ft.results.size());
  out_.num_locals = num_locals_;
  code_.clear();
  code_.reserve((body_.code_end - body_.code_begin) * 2 + 4);
  map_.reserve((body_.code_end - body_.code_begin) / 4 + 4);  // about one entry per 4 bytes of wasm

  Ctrl fn;
  fn.kind = CtrlKind::Function;
  fn.results = ft.results;
  fn.height = 0;
  ctrls_.push_back(std::move(fn));
  op_offset_ = body_.code_begin;  // the entry block's Gas maps to the function's first instruction
  start_gas_block();

  const NumTables& t = tables();
  bool done = false;
  while (!done) {
    op_offset_ = r_.pos();
    uint8_t opc;
    if (!r_.read_u8(opc)) return malformed("unexpected end of function body: END opcode expected");
    if (opc != wasm::kPrefixFC) {
      charge(opc);
      note_float(opc);
    }
    bool ok = true;
    switch (opc) {
      case wasm::kUnreachable:
        if (live()) begin(IOp::Unreachable);
        set_unreachable();
        break;
      case wasm::kNop:
        break;
      case wasm::kBlock: ok = op_block(CtrlKind::Block); break;
      case wasm::kLoop: ok = op_block(CtrlKind::Loop); break;
      case wasm::kIf: ok = op_if(); break;
      case wasm::kElse: ok = op_else(); break;
      case wasm::kEnd: ok = op_end(done); break;
      case wasm::kBr:
      case wasm::kBrIf: {
        uint32_t depth;
        if (!r_.read_u32(depth)) return reader_error();
        ok = opc == wasm::kBr ? op_br(depth) : op_br_if(depth);
        break;
      }
      case wasm::kBrTable: ok = op_br_table(); break;
      case wasm::kReturn: ok = op_return(); break;
      case wasm::kCall: {
        uint32_t f;
        if (!r_.read_u32(f)) return reader_error();
        ok = op_call(f);
        break;
      }
      case wasm::kCallIndirect: ok = op_call_indirect(); break;
      case wasm::kDrop: {
        Operand e;
        ok = pop_any(e);
        break;
      }
      case wasm::kSelect: {
        Operand cond, b, a;
        if (!pop(ValType::I32, cond)) return err_;
        if (!pop_any(b) || !pop_any(a)) return err_;
        if (!a.unknown && !b.unknown && a.type != b.type)
          return invalid(std::string("type mismatch: select operands are ") + to_string(a.type) + " and " +
                         to_string(b.type));
        ValType rt = a.unknown ? b.type : a.type;
        bool unknown = a.unknown && b.unknown;
        uint32_t h = static_cast<uint32_t>(stack_.size());
        if (live()) {
          stack_.push_back(a);
          stack_.push_back(b);
          stack_.push_back(cond);
          uint32_t sa = slot_of(h), sb = slot_of(h + 1), sc = slot_of(h + 2);
          stack_.resize(h);
          uint32_t p = begin(IOp::Select);
          w(canon(h)), w(sa), w(sb), w(sc);
          set_last(p, IOp::Select, p + 1);
        }
        push(rt);
        stack_.back().unknown = unknown;
        break;
      }
      case wasm::kLocalGet: {
        uint32_t x;
        if (!r_.read_u32(x)) return reader_error();
        if (x >= num_locals_) return invalid("unknown local " + std::to_string(x));
        push_operand(Operand{locals_[x], false, Loc::Local, x, 0});
        break;
      }
      case wasm::kLocalSet:
      case wasm::kLocalTee: {
        uint32_t x;
        if (!r_.read_u32(x)) return reader_error();
        if (x >= num_locals_) return invalid("unknown local " + std::to_string(x));
        Operand e;
        if (!pop(locals_[x], e)) return err_;
        uint32_t idx = static_cast<uint32_t>(stack_.size());
        if (live() && !(e.loc == Loc::Local && e.local == x)) {
          bool referenced = false;
          for (auto& s : stack_) referenced |= s.loc == Loc::Local && s.local == x;
          if (referenced) {
            // Materialise the readers of the old value before overwriting it, keeping `e` out of
            // the way (it may itself be the previous instruction's result).
            stack_.push_back(e);
            uint32_t src = slot_of(idx);  // e into its canonical slot when it is a constant
            Operand saved = stack_.back();
            stack_.pop_back();
            flush_local(x);
            if (saved.loc == Loc::Local) emit_copy(x, saved.local);
            else emit_copy(x, src);
          } else if (e.loc == Loc::Slot && last_valid_ && code_[last_dst_word_] == canon(idx)) {
            code_[last_dst_word_] = x;
            last_valid_ = false;
          } else {
            emit_move(x, e, idx);
            last_valid_ = false;
          }
        }
        if (opc == wasm::kLocalTee) push_operand(Operand{locals_[x], false, Loc::Local, x, 0});
        break;
      }
      case wasm::kGlobalGet: {
        uint32_t g;
        if (!r_.read_u32(g)) return reader_error();
        if (g >= info_.global_types.size()) return invalid("unknown global " + std::to_string(g));
        uint32_t h = static_cast<uint32_t>(stack_.size());
        if (live()) {
          uint32_t p = begin(IOp::GlobalGet);
          w(canon(h));
          w(g);
          set_last(p, IOp::GlobalGet, p + 1);
        }
        push(info_.global_types[g].type);
        break;
      }
      case wasm::kGlobalSet: {
        uint32_t g;
        if (!r_.read_u32(g)) return reader_error();
        if (g >= info_.global_types.size()) return invalid("unknown global " + std::to_string(g));
        if (!info_.global_types[g].mut) return invalid("global is immutable");
        Operand e;
        if (!pop(info_.global_types[g].type, e)) return err_;
        uint32_t h = static_cast<uint32_t>(stack_.size());
        if (live()) {
          stack_.push_back(e);
          uint32_t s = slot_of(h);
          stack_.pop_back();
          begin(IOp::GlobalSet);
          w(g);
          w(s);
        }
        break;
      }
      case wasm::kMemorySize:
      case wasm::kMemoryGrow: {
        if (!read_zero_byte()) return err_;
        if (!check_memory()) return err_;
        uint32_t h;
        if (opc == wasm::kMemorySize) {
          h = static_cast<uint32_t>(stack_.size());
          if (live()) {
            uint32_t p = begin(IOp::MemorySize);
            w(canon(h));
            set_last(p, IOp::MemorySize, p + 1);
          }
        } else {
          Operand d;
          if (!pop(ValType::I32, d)) return err_;
          h = static_cast<uint32_t>(stack_.size());
          if (live()) {
            stack_.push_back(d);
            uint32_t s = slot_of(h);
            stack_.pop_back();
            uint32_t p = begin(IOp::MemoryGrow);
            w(canon(h));
            w(s);
            set_last(p, IOp::MemoryGrow, p + 1);
          }
        }
        push(ValType::I32);
        break;
      }
      case wasm::kI32Const: {
        int32_t v;
        if (!r_.read_s32(v)) return reader_error();
        push_operand(Operand{ValType::I32, false, Loc::Const, 0, static_cast<uint32_t>(v)});
        break;
      }
      case wasm::kI64Const: {
        int64_t v;
        if (!r_.read_s64(v)) return reader_error();
        push_operand(Operand{ValType::I64, false, Loc::Const, 0, static_cast<uint64_t>(v)});
        break;
      }
      case wasm::kF32Const: {
        uint32_t v;
        if (!r_.read_f32_bits(v)) return reader_error();
        push_operand(Operand{ValType::F32, false, Loc::Const, 0, v});
        break;
      }
      case wasm::kF64Const: {
        uint64_t v;
        if (!r_.read_f64_bits(v)) return reader_error();
        push_operand(Operand{ValType::F64, false, Loc::Const, 0, v});
        break;
      }
      case wasm::kPrefixFC: ok = op_prefixed(); break;
      default:
        if (t.is_load[opc]) {
          ok = op_load(opc);
        } else if (t.is_store[opc]) {
          ok = op_store(opc);
        } else if (t.plain[opc].kind != NumKind::None) {
          ok = op_numeric(t.plain[opc]);
        } else {
          return malformed(illegal_opcode_message(opc));
        }
        break;
    }
    if (!ok) {
      if (!r_.ok()) return reader_error();
      return err_;
    }
    if (max_height_ > config_.max_operand_stack)
      return fail(ErrorKind::LimitExceeded,
                  "operand stack deeper than the limit of " + std::to_string(config_.max_operand_stack),
                  op_offset_);
  }
  if (!r_.at_end()) {
    op_offset_ = r_.pos();
    return malformed("section size mismatch: bytes after the function's final end");
  }
  out_.frame_slots = std::max(num_locals_ + max_height_, out_.num_results);
  if (code_.size() >= 2 && code_[0] == static_cast<uint32_t>(IOp::Gas)) {
    out_.entry_gas = code_[1];
    out_.entry_skip = 2;
  }
  code_.shrink_to_fit();
  encode_offset_map();
  return {};
}

}  // namespace

uint32_t CompiledFunction::code_offset_at(uint32_t pc) const noexcept {
  // Decodes the (pc delta, offset delta) LEB128 pairs written by encode_offset_map.
  const uint8_t* p = offset_map.data();
  const uint8_t* const end = p + offset_map.size();
  uint32_t at = 0;
  int64_t offset = 0, found = 0;
  while (p < end) {
    uint64_t dp = 0;
    for (unsigned shift = 0; p < end; shift += 7) {
      uint8_t b = *p++;
      if (shift < 64) dp |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    int64_t d = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    while (p < end) {
      b = *p++;
      if (shift < 64) d |= static_cast<int64_t>(static_cast<uint64_t>(b & 0x7F) << shift);
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (shift < 64 && (b & 0x40)) d |= static_cast<int64_t>(~uint64_t{0} << shift);
    at += static_cast<uint32_t>(dp);
    offset += d;
    if (at > pc) break;
    found = offset;
  }
  return static_cast<uint32_t>(found);
}

Status compile_functions(const ModuleInfo& info, std::span<const uint8_t> bytes, const VmConfig& config,
                         std::vector<CompiledFunction>& out) {
  out.clear();
  out.resize(info.bodies.size());
  for (uint32_t i = 0; i < info.bodies.size(); ++i) {
    Translator tr(info, bytes, config, info.num_imported_funcs + i, out[i]);
    Status s = tr.run();
    if (!s) return s;
  }
  return {};
}

}  // namespace tenor::vm::detail
