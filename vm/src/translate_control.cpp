// The translator's control instructions: block types, blocks, loops, if/else, end, branches (with
// compare-and-branch fusion), br_table, return and calls, and the moves of the values a branch
// carries (translator.hpp).
#include "translator.hpp"

namespace tenor::vm::detail::translation {

void Translator::emit_jump_target(uint32_t instr_pos, Ctrl& target) {
  if (target.kind == CtrlKind::Loop) {
    w(static_cast<uint32_t>(static_cast<int32_t>(target.loop_pos) - static_cast<int32_t>(instr_pos)));
  } else {
    target.fixups.push_back({instr_pos, pos()});
    w(0);
  }
}

void Translator::patch(const Fixup& f, uint32_t target) {
  code_[f.word_pos] = static_cast<uint32_t>(static_cast<int32_t>(target) - static_cast<int32_t>(f.instr_pos));
}

bool Translator::moves_needed(const Ctrl& target, uint32_t n) const {
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  for (uint32_t i = 0; i < n; ++i) {
    const Operand& e = stack_[base + i];
    if (e.loc != Loc::Slot || base + i != target.height + i) return true;
  }
  return false;
}

void Translator::emit_label_moves(const Ctrl& target, uint32_t n) {
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  for (uint32_t i = 0; i < n; ++i) emit_move(canon(target.height + i), stack_[base + i], base + i);
}

void Translator::emit_return_moves(uint32_t n) {
  uint32_t base = static_cast<uint32_t>(stack_.size()) - n;
  for (uint32_t i = 0; i < n; ++i)
    if (stack_[base + i].loc == Loc::Local && stack_[base + i].local < n) materialize(base + i);
  if (n == 1 && stack_[base].loc == Loc::Slot && last_valid_ && code_[last_dst_word_] == canon(base)) {
    code_[last_dst_word_] = 0;  // retarget the producer to the result slot
    return;
  }
  for (uint32_t i = 0; i < n; ++i) emit_move(i, stack_[base + i], base + i);
}

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
  if (!check_index(idx, info_.types.size(), "type")) return false;
  const FuncType& ft = info_.types[static_cast<size_t>(idx)];
  params = ft.params;
  results = ft.results;
  return true;
}

bool Translator::push_ctrl(CtrlKind kind, std::vector<ValType> params, std::vector<ValType> results) {
  if (ctrls_.size() >= config_.max_control_depth) {
    err_ = fail(ErrorKind::LimitExceeded,
                "block nesting deeper than the limit of " + std::to_string(config_.max_control_depth), op_offset_);
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
  const NumTables& t = num_tables();
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

bool Translator::check_frame_end(const Ctrl& c, const char* what) {
  if (!check_top(c.results)) return false;
  if (stack_.size() == c.height + c.results.size()) return true;
  err_ = invalid(std::string("type mismatch: values remaining on the stack at the end of the ") + what);
  return false;
}

bool Translator::op_else() {
  Ctrl& c = ctrls_.back();
  if (c.kind != CtrlKind::If) {
    err_ = malformed("else without a matching if");
    return false;
  }
  if (!check_frame_end(c, "if arm")) return false;
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
  if (!check_frame_end(c, "block")) return false;
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
  if (!check_index(depth, ctrls_.size(), "label")) return false;
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
  if (!check_index(depth, ctrls_.size(), "label")) return false;
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
  if (!read_index(count)) return false;
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
    if (!read_index(depths[i])) return false;
    if (!check_index(depths[i], ctrls_.size(), "label")) return false;
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
  if (!check_index(func, info_.func_types.size(), "function")) return false;
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
  uint32_t type_index;
  if (!read_index(type_index) || !read_zero_byte()) return false;
  const uint32_t table_index = 0;  // the reserved byte
  if (!check_index(table_index, info_.tables.size(), "table")) return false;
  if (!check_index(type_index, info_.types.size(), "type")) return false;
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

}  // namespace tenor::vm::detail::translation
