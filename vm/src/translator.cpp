// The translator's driver: one pass over a function body, dispatching each instruction to its part
// (translator.hpp lists them), and the variable and parametric instructions; compile_functions
// translates every function of a module.
#include "translator.hpp"

namespace tenor::vm::detail {

namespace translation {

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

  const NumTables& t = num_tables();
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
      case wasm::kNop: break;
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
      case wasm::kSelect: ok = op_select(); break;
      case wasm::kLocalGet: ok = op_local_get(); break;
      case wasm::kLocalSet: ok = op_local_set(/*tee=*/false); break;
      case wasm::kLocalTee: ok = op_local_set(/*tee=*/true); break;
      case wasm::kGlobalGet: ok = op_global_get(); break;
      case wasm::kGlobalSet: ok = op_global_set(); break;
      case wasm::kMemorySize: ok = op_memory_size(); break;
      case wasm::kMemoryGrow: ok = op_memory_grow(); break;
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
                  "operand stack deeper than the limit of " + std::to_string(config_.max_operand_stack), op_offset_);
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

bool Translator::op_select() {
  Operand cond, b, a;
  if (!pop(ValType::I32, cond)) return false;
  if (!pop_any(b) || !pop_any(a)) return false;
  if (!a.unknown && !b.unknown && a.type != b.type) {
    err_ =
        invalid(std::string("type mismatch: select operands are ") + to_string(a.type) + " and " + to_string(b.type));
    return false;
  }
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
  return true;
}

bool Translator::op_local_get() {
  uint32_t x;
  if (!read_index(x) || !check_index(x, num_locals_, "local")) return false;
  push_operand(Operand{locals_[x], false, Loc::Local, x, 0});
  return true;
}

bool Translator::op_local_set(bool tee) {
  uint32_t x;
  if (!read_index(x) || !check_index(x, num_locals_, "local")) return false;
  Operand e;
  if (!pop(locals_[x], e)) return false;
  uint32_t idx = static_cast<uint32_t>(stack_.size());
  if (live() && !(e.loc == Loc::Local && e.local == x)) {
    bool referenced = false;
    for (auto& s : stack_) referenced |= s.loc == Loc::Local && s.local == x;
    if (referenced) {
      // Materialise the readers of the old value before overwriting it, keeping `e` out of the way
      // (it may itself be the previous instruction's result).
      stack_.push_back(e);
      uint32_t src = slot_of(idx);  // e into its canonical slot when it is a constant
      Operand saved = stack_.back();
      stack_.pop_back();
      flush_local(x);
      if (saved.loc == Loc::Local)
        emit_copy(x, saved.local);
      else
        emit_copy(x, src);
    } else if (e.loc == Loc::Slot && last_valid_ && code_[last_dst_word_] == canon(idx)) {
      code_[last_dst_word_] = x;
      last_valid_ = false;
    } else {
      emit_move(x, e, idx);
      last_valid_ = false;
    }
  }
  if (tee) push_operand(Operand{locals_[x], false, Loc::Local, x, 0});
  return true;
}

bool Translator::op_global_get() {
  uint32_t g;
  if (!read_index(g) || !check_index(g, info_.global_types.size(), "global")) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    uint32_t p = begin(IOp::GlobalGet);
    w(canon(h));
    w(g);
    set_last(p, IOp::GlobalGet, p + 1);
  }
  push(info_.global_types[g].type);
  return true;
}

bool Translator::op_global_set() {
  uint32_t g;
  if (!read_index(g) || !check_index(g, info_.global_types.size(), "global")) return false;
  if (!info_.global_types[g].mut) {
    err_ = invalid("global is immutable");
    return false;
  }
  Operand e;
  if (!pop(info_.global_types[g].type, e)) return false;
  uint32_t h = static_cast<uint32_t>(stack_.size());
  if (live()) {
    stack_.push_back(e);
    uint32_t s = slot_of(h);
    stack_.pop_back();
    begin(IOp::GlobalSet);
    w(g);
    w(s);
  }
  return true;
}

}  // namespace translation

Status compile_functions(const ModuleInfo& info, std::span<const uint8_t> bytes, const VmConfig& config,
                         std::vector<CompiledFunction>& out) {
  out.clear();
  out.resize(info.bodies.size());
  for (uint32_t i = 0; i < info.bodies.size(); ++i) {
    translation::Translator tr(info, bytes, config, info.num_imported_funcs + i, out[i]);
    Status s = tr.run();
    if (!s) return s;
  }
  return {};
}

}  // namespace tenor::vm::detail
