// The translator: validates a function body and translates it into internal code (code.def), in
// one pass.
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
//
// The class is defined across files by concept:
//   translator.cpp          the driver (the opcode switch), variables, select, compile_functions
//   translate_control.cpp   blocks, branches (with fusion), br_table, calls, block types
//   translate_numeric.cpp   numeric instructions and the tables built from code.def
//   translate_memory.cpp    loads, stores, memory.size/grow, bulk memory and table instructions
//   offset_map.cpp          the map from internal pc to wasm code offset (trap sites)
// The small helpers every part uses (emission, operand stack, gas blocks) are inline here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "code.hpp"
#include "byte_reader.hpp"
#include "opcodes.hpp"
#include "tenor/vm/gas.hpp"

namespace tenor::vm::detail::translation {

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
  bool dead = false;  // the whole frame is unreachable code: nothing is emitted
  uint32_t loop_pos = 0;
  std::vector<Fixup> fixups;  // forward jumps to the end of the frame
  std::optional<Fixup> else_fixup;
  const std::vector<ValType>& label_types() const { return kind == CtrlKind::Loop ? params : results; }
};

// How a numeric opcode lowers: its internal instruction, operand and result types.
enum class NumKind : uint8_t { None, Unop, UnopTrap, Binop, BinopTrap };
struct NumInfo {
  NumKind kind = NumKind::None;
  IOp op = IOp::Halt;
  ValType in = ValType::I32;
  ValType out = ValType::I32;
  bool wide_imm = false;  // the Imm form takes a 64-bit immediate
};

// Static information about each wasm numeric, load and store opcode and each fusable comparison,
// built from code.def (whose rows are named as the wasm instructions they lower: IOp::I32Add lowers
// wasm::kI32Add) by translate_numeric.cpp.
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
  NumTables();
};

const NumTables& num_tables();

// The NameImm form of a binary operator (code.def lists it right after Name).
inline IOp imm_form(IOp op) { return static_cast<IOp>(static_cast<uint32_t>(op) + 1); }

// Validates and translates one function body. Thrown nowhere: errors travel as a flag (a member
// function returns false) and the Error in err_.
class Translator {
 public:
  Translator(const ModuleInfo& info, std::span<const uint8_t> bytes, const VmConfig& config, uint32_t func_index,
             CompiledFunction& out)
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
    return Error{kind, std::move(message), "code", offset, func_index_};
  }
  Status invalid(std::string message) { return fail(ErrorKind::Invalid, std::move(message), op_offset_); }
  Status malformed(std::string message) { return fail(ErrorKind::Malformed, std::move(message), op_offset_); }
  Status reader_error() {
    return fail(ErrorKind::Malformed, r_.error_message() ? r_.error_message() : "unexpected end", r_.error_offset());
  }

  // ---- immediates ----
  // Reads a LEB128 index immediate; on failure records the reader's error.
  bool read_index(uint32_t& out) {
    if (r_.read_u32(out)) return true;
    err_ = reader_error();
    return false;
  }
  // An index into a space of `count` entries; else Invalid "unknown <what> <index>".
  bool check_index(uint64_t index, size_t count, const char* what) {
    if (index < count) return true;
    err_ = invalid(std::string("unknown ") + what + " " + std::to_string(index));
    return false;
  }
  // Reads a reserved byte that must be zero (a memory or table index of the MVP encoding).
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

  // ---- the map from internal pc to wasm code offset (CompiledFunction::offset_map; offset_map.cpp) ----
  // The current wasm instruction's offset relative to the code section's payload.
  uint32_t code_offset() const { return static_cast<uint32_t>(op_offset_ - info_.code_section_begin); }
  // The instruction starting at internal pc `p` (at or after every mapped one) comes from `offset`.
  // Entries at or after `p` are dropped first (p is the last instruction emitted, remapped).
  void note_pc(uint32_t p, uint32_t offset);
  // The instruction at `p`, the last one emitted, maps to the current wasm instruction instead.
  void remap(uint32_t p) { note_pc(p, code_offset()); }
  uint32_t mapped_offset(uint32_t p) const;
  // Writes map_ into CompiledFunction::offset_map as LEB128 deltas (at most 5 + 5 bytes an entry).
  void encode_offset_map();
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

  // Jumps and the values they carry (translate_control.cpp).
  void emit_jump_target(uint32_t instr_pos, Ctrl& target);
  void patch(const Fixup& f, uint32_t target);
  // Do the top n operands already sit in the label's slots?
  bool moves_needed(const Ctrl& target, uint32_t n) const;
  // Moves the top n operands into the label's slots (ascending order is safe: sources are never
  // below their destinations).
  void emit_label_moves(const Ctrl& target, uint32_t n);
  // Moves the top n operands into slots 0..n-1 for a return.
  void emit_return_moves(uint32_t n);

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

  // ---- control: blocks, branches, calls (translate_control.cpp) ----
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

  // At an else or end: the frame's results are on top of the stack and nothing else is left in
  // the frame (`what` names the part that ends in the message: "if arm", "block").
  bool check_frame_end(const Ctrl& c, const char* what);

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

  // ---- variables and parametric instructions (translator.cpp) ----
  bool op_select();
  bool op_local_get();
  bool op_local_set(bool tee);
  bool op_global_get();
  bool op_global_set();

  // ---- numeric (translate_numeric.cpp) ----
  bool op_numeric(const NumInfo& n);

  // ---- memory, bulk memory and table (translate_memory.cpp) ----
  bool op_load(uint8_t opc);
  bool op_store(uint8_t opc);
  bool op_memory_size();
  bool op_memory_grow();
  // The 0xFC-prefixed instructions: trunc_sat (numeric), bulk memory and table operations.
  bool op_prefixed();
  bool check_memory();
  // memory.init and data.drop need the data count section when the module has data segments
  // (the body is decoded before the data section). Without any data segment the index is simply
  // out of range: invalid, not malformed, as the spec tests expect.
  bool check_data_count();
  uint32_t data_count() const { return info_.data_count.value_or(0); }
  // Reads a load's or store's memarg (alignment, offset) and checks the memory and alignment.
  bool read_memarg(uint8_t opc, uint32_t& offset);

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

}  // namespace tenor::vm::detail::translation
