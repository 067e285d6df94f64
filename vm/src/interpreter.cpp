#include "interpreter.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "numeric.hpp"
#include "tenor/vm/gas.hpp"

static_assert(std::endian::native == std::endian::little, "the interpreter assumes a little-endian host");

#if defined(__GNUC__) && !defined(TENOR_SWITCH_DISPATCH)
#define TENOR_COMPUTED_GOTO 1
#endif

namespace tenor::vm::detail {

namespace {

// Slot readers by representation and writers by the C++ type of the computed value.
template <class T>
inline T rd(uint64_t x) noexcept;
template <>
inline uint32_t rd<uint32_t>(uint64_t x) noexcept { return static_cast<uint32_t>(x); }
template <>
inline uint64_t rd<uint64_t>(uint64_t x) noexcept { return x; }
template <>
inline float rd<float>(uint64_t x) noexcept { return std::bit_cast<float>(static_cast<uint32_t>(x)); }
template <>
inline double rd<double>(uint64_t x) noexcept { return std::bit_cast<double>(x); }

inline uint64_t wr(bool v) noexcept { return v ? 1u : 0u; }
inline uint64_t wr(uint32_t v) noexcept { return v; }
inline uint64_t wr(uint64_t v) noexcept { return v; }
inline uint64_t wr(float v) noexcept { return std::bit_cast<uint32_t>(v); }
inline uint64_t wr(double v) noexcept { return std::bit_cast<uint64_t>(v); }

using Repr_I32 = uint32_t;
using Repr_I64 = uint64_t;
using Repr_F32 = float;
using Repr_F64 = double;
using Repr_B32 = uint32_t;
using Repr_B64 = uint64_t;
constexpr bool kWide_I32 = false, kWide_F32 = false, kWide_B32 = false;
constexpr bool kWide_I64 = true, kWide_F64 = true, kWide_B64 = true;

// eval_Name(a, b) for every binary operator; fused compare-and-branch reuses them.
#define TENOR_BINOP(name, ri, ro, e)                                \
  inline auto eval_##name(Repr_##ri a, Repr_##ri b) noexcept { return e; } \
  using In_##name = Repr_##ri;                                            \
  constexpr bool kWideIn_##name = kWide_##ri;
#include "code.def"
#undef TENOR_BINOP

inline uint64_t imm64(const uint32_t* p) noexcept {
  return static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 32);
}

const uint32_t kHaltCode[1] = {static_cast<uint32_t>(IOp::Halt)};

// Slots hold i32 and f32 values zero-extended; host functions may leave garbage in the upper half.
void normalize_results(const FuncType& ft, uint64_t* results) noexcept {
  for (size_t i = 0; i < ft.results.size(); ++i)
    if (ft.results[i] == ValType::I32 || ft.results[i] == ValType::F32) results[i] = static_cast<uint32_t>(results[i]);
}

}  // namespace

Interpreter::Interpreter(Store& store, const VmConfig& config) : store_(store), config_(config) {}
Interpreter::~Interpreter() = default;

bool Interpreter::allocate() {
  if (stack_) return true;
  size_t slots = config_.value_stack_slots;
  // Record 0 is a sentinel below the first call: max_call_depth wasm frames fit above it.
  size_t frames = static_cast<size_t>(config_.max_call_depth) + 1;
  stack_.reset(new (std::nothrow) uint64_t[slots]);
  frames_.reset(new (std::nothrow) CallFrame[frames]);
  if (!stack_ || !frames_) {
    stack_.reset();
    frames_.reset();
    return false;
  }
  stack_end_ = stack_.get() + slots;
  sp_top_ = stack_.get();
  frames_end_ = frames_.get() + frames;
  frame_top_ = frames_.get();
  return true;
}

void Interpreter::trace(TraceKind kind, const Instance* inst, const CompiledFunction* f, const uint32_t* pc,
                        uint32_t detail, int64_t gas) noexcept {
  if (f == nullptr) return;  // the embedder's side of the entry frame (Halt)
  const ModuleData& md = inst->module_->data();
  TraceEvent e;
  e.kind = kind;
  e.func_index = static_cast<uint32_t>(f - md.funcs.data()) + md.info.num_imported_funcs;
  e.pc = static_cast<uint32_t>(pc - f->code.data());
  e.detail = detail;
  e.gas_left = trace_gas_ ? gas : INT64_MAX;
  tracer_->record(e);
}

Interpreter::Outcome Interpreter::invoke(Function* f, const uint64_t* args, uint64_t* results,
                                         std::optional<uint64_t> gas_limit, Tracer* tracer) {
  Tracer* const outer_tracer = tracer_;
  if (nesting_ == 0) {
    tracer_ = tracer;
    trace_gas_ = gas_limit.has_value();
  }
  struct RestoreTracer {
    Interpreter* self;
    Tracer* saved;
    ~RestoreTracer() { self->tracer_ = saved; }
  } restore_tracer{this, outer_tracer};
  const int64_t outer = gas_;
  const int64_t cap = gas_limit ? static_cast<int64_t>(std::min<uint64_t>(*gas_limit, INT64_MAX)) : INT64_MAX;
  const int64_t budget = nesting_ == 0 ? cap : std::min(cap, outer);
  const bool metered = gas_limit.has_value() || (nesting_ > 0 && outer != INT64_MAX);
  gas_ = budget;
  Outcome out;
  auto finish = [&] {
    uint64_t used = static_cast<uint64_t>(budget - gas_);
    out.gas_used = metered ? used : 0;
    gas_ = nesting_ == 0 ? INT64_MAX : outer - static_cast<int64_t>(used);
    return out;
  };

  const FuncType& ft = f->type();
  if (f->host_) {
    HostCall hc{store_, nullptr, nullptr, &gas_};
    std::vector<uint64_t> res(ft.results.size());
    out.trap = (*f->host_)(hc, args, res.data());
    if (!out.trap) {
      normalize_results(ft, res.data());
      std::copy(res.begin(), res.end(), results);
    }
    return finish();
  }
  if (!allocate()) {
    out.trap = Trap{TrapCode::ValueStackExhausted, "cannot allocate the value stack"};
    return finish();
  }
  if (nesting_ >= kMaxNesting) {
    out.trap = Trap{TrapCode::CallStackExhausted, "host re-entry nested too deeply"};
    return finish();
  }
  const CompiledFunction* code = f->code_;
  uint64_t* base = sp_top_;
  CallFrame* saved_frame_top = frame_top_;
  uint64_t* saved_sp_top = sp_top_;
  if (static_cast<size_t>(stack_end_ - base) < code->frame_slots) {
    out.trap = Trap{TrapCode::ValueStackExhausted, {}};
    return finish();
  }
  if (frame_top_ + 1 >= frames_end_) {
    out.trap = Trap{TrapCode::CallStackExhausted, {}};
    return finish();
  }
  for (uint32_t i = 0; i < code->num_params; ++i) base[i] = args[i];
  for (uint32_t i = code->num_params; i < code->num_locals; ++i) base[i] = 0;
  CallFrame* frame = frame_top_ + 1;
  frame->ret_pc = kHaltCode;
  frame->fp = base;
  frame->inst = f->instance_;
  frame->func = nullptr;
  ++nesting_;
  uint32_t status;
  if (tracer_) {
    trace(TraceKind::Call, f->instance_, code, code->code.data(), 0, gas_);
    status = run<true>(code->code.data(), base, f->instance_, frame, code);
  } else {
    status = run<false>(code->code.data(), base, f->instance_, frame, code);
  }
  --nesting_;
  frame_top_ = saved_frame_top;
  sp_top_ = saved_sp_top;
  if (status != kOk) {
    out.trap = Trap{static_cast<TrapCode>(status), std::move(trap_detail_)};
    out.trap_site = trap_site(f->instance_, frame);
    trap_detail_.clear();
    return finish();
  }
  for (uint32_t i = 0; i < code->num_results; ++i) results[i] = base[i];
  return finish();
}

std::optional<TrapSite> Interpreter::trap_site(const Instance* entry_inst, const CallFrame* entry_frame) const noexcept {
  const uint32_t* pc = trap_pc_;
  const Instance* inst = trap_inst_;
  if (pc == nullptr || inst == nullptr) return std::nullopt;
  if (inst != entry_inst) {
    // The trap happened in a function of another instance: report the innermost call made from
    // the entry instance's code. Record r holds the instance and return address of the caller
    // of the function running at depth r; ret_pc - 1 lies within the call instruction.
    pc = nullptr;
    for (const CallFrame* r = trap_frame_; r > entry_frame; --r) {
      if (r->inst == entry_inst) {
        pc = r->ret_pc - 1;
        inst = entry_inst;
        break;
      }
    }
    if (pc == nullptr) return std::nullopt;
  }
  const ModuleData& md = inst->module_->data();
  for (size_t i = 0; i < md.funcs.size(); ++i) {
    const std::vector<uint32_t>& code = md.funcs[i].code;
    if (pc >= code.data() && pc < code.data() + code.size())
      return TrapSite{static_cast<uint32_t>(i) + md.info.num_imported_funcs,
                      md.funcs[i].code_offset_at(static_cast<uint32_t>(pc - code.data()))};
  }
  return std::nullopt;
}

// Out of line, so that the dispatch loop holds no objects with destructors.
uint32_t Interpreter::call_host(Function* f, Instance* caller, Memory* memory, const uint64_t* args,
                                uint64_t* results) {
  HostCall hc{store_, caller, memory, &gas_};
  std::optional<Trap> t = (*f->host_)(hc, args, results);
  if (!t) {
    normalize_results(f->type(), results);
    return kOk;
  }
  trap_detail_ = std::move(t->detail);
  return static_cast<uint32_t>(t->code);
}

// The dispatch loop. Register-like state lives in locals: pc, fp (frame base), frame (call-stack
// top) and the current instance's memory, globals and functions.
template <bool kTraced>
uint32_t Interpreter::run(const uint32_t* pc, uint64_t* fp, Instance* inst, CallFrame* frame,
                          const CompiledFunction* cur) {
  [[maybe_unused]] const bool trace_instr = kTraced && tracer_->wants(TraceKind::Instr);
  [[maybe_unused]] const bool trace_block = kTraced && tracer_->wants(TraceKind::Block);
  uint64_t* const stack_end = stack_end_;
  CallFrame* const frames_end = frames_end_;
  Memory* memobj;
  uint8_t* mem;
  uint64_t mem_size;
  Global* const* globals;
  const CompiledFunction* funcs;
  uint32_t trap = 0;
  int64_t gas = gas_;
  Function* callee = nullptr;
  uint32_t arg_base = 0;
  uint32_t call_len = 0;

#define LOAD_MEMORY()                                   \
  do {                                                  \
    if (memobj) {                                       \
      mem = memobj->bytes_.data();                      \
      mem_size = memobj->bytes_.size();                 \
    } else {                                            \
      mem = nullptr;                                    \
      mem_size = 0;                                     \
    }                                                   \
  } while (0)
#define LOAD_CONTEXT()                                                       \
  do {                                                                       \
    memobj = inst->memories_.empty() ? nullptr : inst->memories_[0];         \
    LOAD_MEMORY();                                                           \
    globals = inst->globals_.data();                                         \
    funcs = inst->module_->data().funcs.data();                              \
  } while (0)

  LOAD_CONTEXT();

#define S(i) fp[pc[i]]
#define TRAP(code)                 \
  do {                             \
    trap = static_cast<uint32_t>(TrapCode::code); \
    goto trap_out;                 \
  } while (0)
// Pushes the call-stack record of a call whose instruction is `len` words long.
#define PUSH_FRAME(len)      \
  do {                       \
    ++frame;                 \
    frame->ret_pc = pc + (len); \
    frame->fp = fp;          \
    frame->inst = inst;      \
  } while (0)
// Enters compiled function c with its frame at nfp (arguments already there): zeroes the declared
// locals and charges the entry block (whose Gas instruction the call skips).
#define ENTER_FUNCTION(c, nfp)                                                                    \
  do {                                                                                            \
    for (uint32_t i_ = (c)->num_params; i_ < (c)->num_locals; ++i_) (nfp)[i_] = 0;                \
    fp = (nfp);                                                                                   \
    pc = (c)->code.data() + (c)->entry_skip;                                                      \
    if constexpr (kTraced) {                                                                      \
      frame->func = cur;                                                                          \
      cur = (c);                                                                                  \
      trace(TraceKind::Call, inst, cur, cur->code.data(), 0, gas);                                \
      if (trace_block && cur->entry_skip)                                                         \
        trace(TraceKind::Block, inst, cur, cur->code.data(), cur->entry_gas,                      \
              std::max<int64_t>(gas - cur->entry_gas, 0));                                        \
    }                                                                                             \
    gas -= (c)->entry_gas;                                                                        \
    if (gas < 0) {                                                                                \
      gas = 0;                                                                                    \
      pc = (c)->code.data(); /* the trap site: the entry block's Gas instruction */               \
      TRAP(OutOfGas);                                                                             \
    }                                                                                             \
  } while (0)
// Dynamic gas, charged before the work.
#define CHARGE(amount)                                 \
  do {                                                 \
    uint64_t cost_ = (amount);                         \
    if (cost_ > static_cast<uint64_t>(gas)) {          \
      gas = 0;                                         \
      TRAP(OutOfGas);                                  \
    }                                                  \
    gas -= static_cast<int64_t>(cost_);                \
  } while (0)

#ifdef TENOR_COMPUTED_GOTO
  static const void* const kLabels[] = {
#define TENOR_IOP(name, words) &&L_##name,
#define TENOR_LOAD(name, r, mt, al) &&L_##name,
#define TENOR_STORE(name, r, mt, al) &&L_##name,
#define TENOR_UNOP(name, ri, ro, e) &&L_##name,
#define TENOR_UNOP_TRAP(name, ri, ro, f) &&L_##name,
#define TENOR_BINOP(name, ri, ro, e) &&L_##name, &&L_##name##Imm,
#define TENOR_BINOP_TRAP(name, ri, ro, f) &&L_##name, &&L_##name##Imm,
#define TENOR_CMP(name, neg) &&L_BrIf##name, &&L_BrIf##name##Imm,
#include "code.def"
#undef TENOR_IOP
#undef TENOR_LOAD
#undef TENOR_STORE
#undef TENOR_UNOP
#undef TENOR_UNOP_TRAP
#undef TENOR_BINOP
#undef TENOR_BINOP_TRAP
#undef TENOR_CMP
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == kNumIOps);
#define CASE(name) L_##name:
#define NEXT()                                                                              \
  do {                                                                                      \
    if constexpr (kTraced) {                                                                \
      if (trace_instr) trace(TraceKind::Instr, inst, cur, pc, *pc, gas);                    \
    }                                                                                       \
    goto* kLabels[*pc];                                                                     \
  } while (0)
  NEXT();
#else
#define CASE(name) case IOp::name:
#define NEXT() goto dispatch
dispatch:
  if constexpr (kTraced) {
    if (trace_instr) trace(TraceKind::Instr, inst, cur, pc, *pc, gas);
  }
  switch (static_cast<IOp>(*pc)) {
#endif

  CASE(Halt) {
    gas_ = gas;
    return kOk;
  }
  CASE(Unreachable) { TRAP(Unreachable); }
  CASE(Gas) {
    gas -= static_cast<int64_t>(pc[1]);
    if constexpr (kTraced) {
      if (trace_block) trace(TraceKind::Block, inst, cur, pc, pc[1], gas < 0 ? 0 : gas);
    }
    if (gas < 0) {
      gas = 0;
      TRAP(OutOfGas);
    }
    pc += 2;
    NEXT();
  }
  CASE(Br) {
    pc += static_cast<int32_t>(pc[1]);
    NEXT();
  }
  CASE(BrIf) {
    pc += static_cast<uint32_t>(S(1)) != 0 ? static_cast<int32_t>(pc[2]) : 3;
    NEXT();
  }
  CASE(BrUnless) {
    pc += static_cast<uint32_t>(S(1)) == 0 ? static_cast<int32_t>(pc[2]) : 3;
    NEXT();
  }
  CASE(BrIfI64Nez) {
    pc += S(1) != 0 ? static_cast<int32_t>(pc[2]) : 3;
    NEXT();
  }
  CASE(BrIfI64Eqz) {
    pc += S(1) == 0 ? static_cast<int32_t>(pc[2]) : 3;
    NEXT();
  }
  CASE(BrTable) {
    uint32_t i = static_cast<uint32_t>(S(1));
    uint32_t n = pc[2];
    if (i > n) i = n;
    pc += static_cast<int32_t>(pc[3 + i]);
    NEXT();
  }
  CASE(Return) {
    if constexpr (kTraced) {
      trace(TraceKind::Return, inst, cur, pc, 0, gas);
      cur = frame->func;
    }
    pc = frame->ret_pc;
    fp = frame->fp;
    if (frame->inst != inst) {
      inst = frame->inst;
      LOAD_CONTEXT();
    }
    --frame;
    NEXT();
  }
  CASE(Call) {
    const CompiledFunction* c = funcs + pc[1];
    uint64_t* nfp = fp + pc[2];
    if (static_cast<size_t>(stack_end - nfp) < c->frame_slots) TRAP(ValueStackExhausted);
    if (frame + 1 >= frames_end) TRAP(CallStackExhausted);
    PUSH_FRAME(3);
    ENTER_FUNCTION(c, nfp);
    NEXT();
  }
  CASE(CallImport) {
    callee = inst->functions_[pc[1]];
    arg_base = pc[2];
    call_len = 3;
    goto do_call;
  }
  CASE(CallIndirect) {
    {
      Table* table = inst->tables_[0];
      uint32_t i = static_cast<uint32_t>(S(2));
      if (i >= table->elems_.size()) TRAP(UndefinedElement);
      callee = table->elems_[i];
      if (callee == nullptr) TRAP(UninitializedElement);
      if (callee->type_id_ != inst->type_ids_[pc[1]]) TRAP(IndirectCallTypeMismatch);
      arg_base = pc[3];
      call_len = 4;
    }
    goto do_call;
  }
  CASE(Copy) {
    S(1) = S(2);
    pc += 3;
    NEXT();
  }
  CASE(Const32) {
    S(1) = pc[2];
    pc += 3;
    NEXT();
  }
  CASE(Const64) {
    S(1) = imm64(pc + 2);
    pc += 4;
    NEXT();
  }
  CASE(Select) {
    S(1) = static_cast<uint32_t>(S(4)) != 0 ? S(2) : S(3);
    pc += 5;
    NEXT();
  }
  CASE(GlobalGet) {
    S(1) = globals[pc[2]]->bits_;
    pc += 3;
    NEXT();
  }
  CASE(GlobalSet) {
    globals[pc[1]]->bits_ = S(2);
    pc += 3;
    NEXT();
  }
  CASE(MemorySize) {
    S(1) = mem_size / kPageSize;
    pc += 2;
    NEXT();
  }
  CASE(MemoryGrow) {
    CHARGE(gas::kMemoryGrowPerPage * static_cast<uint32_t>(S(2)));
    int64_t r = memobj->grow(static_cast<uint32_t>(S(2)));
    LOAD_MEMORY();
    S(1) = static_cast<uint32_t>(static_cast<int32_t>(r));
    pc += 3;
    NEXT();
  }
  CASE(MemoryCopy) {
    uint64_t d = static_cast<uint32_t>(S(1)), s = static_cast<uint32_t>(S(2)), n = static_cast<uint32_t>(S(3));
    CHARGE(gas::bulk_memory_cost(n));
    if (s + n > mem_size || d + n > mem_size) TRAP(MemoryOutOfBounds);
    if (n) std::memmove(mem + d, mem + s, n);
    pc += 4;
    NEXT();
  }
  CASE(MemoryFill) {
    uint64_t d = static_cast<uint32_t>(S(1)), n = static_cast<uint32_t>(S(3));
    CHARGE(gas::bulk_memory_cost(n));
    if (d + n > mem_size) TRAP(MemoryOutOfBounds);
    if (n) std::memset(mem + d, static_cast<uint8_t>(S(2)), n);
    pc += 4;
    NEXT();
  }
  CASE(MemoryInit) {
    const uint32_t seg = pc[1];
    uint64_t d = static_cast<uint32_t>(S(2)), s = static_cast<uint32_t>(S(3)), n = static_cast<uint32_t>(S(4));
    const ModuleData& md = inst->module_->data();
    const DataSegment& ds = md.info.datas[seg];
    uint64_t len = inst->dropped_data_[seg] ? 0 : ds.init_end - ds.init_begin;
    CHARGE(gas::bulk_memory_cost(n));
    if (s + n > len || d + n > mem_size) TRAP(MemoryOutOfBounds);
    if (n) std::memcpy(mem + d, md.bytes.data() + ds.init_begin + s, n);
    pc += 5;
    NEXT();
  }
  CASE(DataDrop) {
    inst->dropped_data_[pc[1]] = 1;
    pc += 2;
    NEXT();
  }
  CASE(TableInit) {
    const uint32_t seg = pc[1];
    uint64_t d = static_cast<uint32_t>(S(2)), s = static_cast<uint32_t>(S(3)), n = static_cast<uint32_t>(S(4));
    const ElemSegment& es = inst->module_->data().info.elems[seg];
    uint64_t len = inst->dropped_elem_[seg] ? 0 : es.funcs.size();
    Table* table = inst->tables_[0];
    CHARGE(gas::kTablePerElement * n);
    if (s + n > len || d + n > table->elems_.size()) TRAP(TableOutOfBounds);
    for (uint64_t i = 0; i < n; ++i) {
      uint32_t fi = es.funcs[s + i];
      table->elems_[d + i] = fi == kNullFuncIndex ? nullptr : inst->functions_[fi];
    }
    pc += 5;
    NEXT();
  }
  CASE(TableCopy) {
    uint64_t d = static_cast<uint32_t>(S(1)), s = static_cast<uint32_t>(S(2)), n = static_cast<uint32_t>(S(3));
    Table* table = inst->tables_[0];
    CHARGE(gas::kTablePerElement * n);
    if (s + n > table->elems_.size() || d + n > table->elems_.size()) TRAP(TableOutOfBounds);
    if (n) std::memmove(table->elems_.data() + d, table->elems_.data() + s, n * sizeof(Function*));
    pc += 4;
    NEXT();
  }
  CASE(ElemDrop) {
    inst->dropped_elem_[pc[1]] = 1;
    pc += 2;
    NEXT();
  }

#define TENOR_LOAD(name, r, mt, al)                                      \
  CASE(name) {                                                                \
    uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(S(2))) + pc[3]; \
    if (ea + sizeof(mt) > mem_size) TRAP(MemoryOutOfBounds);                  \
    mt v;                                                                     \
    std::memcpy(&v, mem + ea, sizeof(mt));                                    \
    S(1) = wr(static_cast<Repr_##r>(v));                                      \
    pc += 4;                                                                  \
    NEXT();                                                                   \
  }
#define TENOR_STORE(name, r, mt, al)                                     \
  CASE(name) {                                                                \
    uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(S(1))) + pc[3]; \
    if (ea + sizeof(mt) > mem_size) TRAP(MemoryOutOfBounds);                  \
    mt v = static_cast<mt>(rd<Repr_##r>(S(2)));                               \
    std::memcpy(mem + ea, &v, sizeof(mt));                                    \
    pc += 4;                                                                  \
    NEXT();                                                                   \
  }
#define TENOR_UNOP(name, ri, ro, e) \
  CASE(name) {                           \
    auto a = rd<Repr_##ri>(S(2));        \
    S(1) = wr(e);                        \
    pc += 3;                             \
    NEXT();                              \
  }
#define TENOR_UNOP_TRAP(name, ri, ro, f) \
  CASE(name) {                                \
    auto a = rd<Repr_##ri>(S(2));             \
    Repr_##ro r;                              \
    TrapCode tc;                              \
    if (!f(a, r, tc)) {                       \
      trap = static_cast<uint32_t>(tc);       \
      goto trap_out;                          \
    }                                         \
    S(1) = wr(r);                             \
    pc += 3;                                  \
    NEXT();                                   \
  }
#define TENOR_BINOP(name, ri, ro, e)                                   \
  CASE(name) {                                                              \
    auto a = rd<Repr_##ri>(S(2));                                           \
    auto b = rd<Repr_##ri>(S(3));                                           \
    S(1) = wr(e);                                                           \
    pc += 4;                                                                \
    NEXT();                                                                 \
  }                                                                         \
  CASE(name##Imm) {                                                         \
    auto a = rd<Repr_##ri>(S(2));                                           \
    auto b = rd<Repr_##ri>(kWide_##ri ? imm64(pc + 3) : uint64_t{pc[3]});   \
    S(1) = wr(e);                                                           \
    pc += kWide_##ri ? 5 : 4;                                               \
    NEXT();                                                                 \
  }
#define TENOR_BINOP_TRAP(name, ri, ro, f)                              \
  CASE(name) {                                                              \
    auto a = rd<Repr_##ri>(S(2));                                           \
    auto b = rd<Repr_##ri>(S(3));                                           \
    Repr_##ro r;                                                            \
    TrapCode tc;                                                            \
    if (!f(a, b, r, tc)) {                                                  \
      trap = static_cast<uint32_t>(tc);                                     \
      goto trap_out;                                                        \
    }                                                                       \
    S(1) = wr(r);                                                           \
    pc += 4;                                                                \
    NEXT();                                                                 \
  }                                                                         \
  CASE(name##Imm) {                                                         \
    auto a = rd<Repr_##ri>(S(2));                                           \
    auto b = rd<Repr_##ri>(kWide_##ri ? imm64(pc + 3) : uint64_t{pc[3]});   \
    Repr_##ro r;                                                            \
    TrapCode tc;                                                            \
    if (!f(a, b, r, tc)) {                                                  \
      trap = static_cast<uint32_t>(tc);                                     \
      goto trap_out;                                                        \
    }                                                                       \
    S(1) = wr(r);                                                           \
    pc += kWide_##ri ? 5 : 4;                                               \
    NEXT();                                                                 \
  }
#define TENOR_CMP(name, neg)                                                        \
  CASE(BrIf##name) {                                                                \
    bool c = eval_##name(rd<In_##name>(S(1)), rd<In_##name>(S(2)));                 \
    pc += c ? static_cast<int32_t>(pc[3]) : 4;                                      \
    NEXT();                                                                         \
  }                                                                                 \
  CASE(BrIf##name##Imm) {                                                           \
    constexpr uint32_t kLen = kWideIn_##name ? 5 : 4;                               \
    bool c = eval_##name(rd<In_##name>(S(1)),                                       \
                         rd<In_##name>(kWideIn_##name ? imm64(pc + 2) : uint64_t{pc[2]})); \
    pc += c ? static_cast<int32_t>(pc[kLen - 1]) : static_cast<int32_t>(kLen);      \
    NEXT();                                                                         \
  }
#include "code.def"
#undef TENOR_LOAD
#undef TENOR_STORE
#undef TENOR_UNOP
#undef TENOR_UNOP_TRAP
#undef TENOR_BINOP
#undef TENOR_BINOP_TRAP
#undef TENOR_CMP

#ifndef TENOR_COMPUTED_GOTO
    default:
      __builtin_unreachable();
  }
#endif

do_call : {
  // A call to an imported function or through the table: a host function, or a wasm function
  // possibly of another instance.
  uint64_t* args = fp + arg_base;
  if (callee->host_) {
    const FuncType& ft = *callee->type_;
    uint64_t* res = args + ft.params.size();
    if (static_cast<size_t>(stack_end - res) < ft.results.size()) TRAP(ValueStackExhausted);
    CHARGE(gas::kHostCallBase);
    frame_top_ = frame;
    sp_top_ = res + ft.results.size();
    gas_ = gas;
    trap = call_host(callee, inst, memobj, args, res);
    gas = gas_;
    if (trap != kOk) goto trap_out;
    std::memmove(args, res, ft.results.size() * sizeof(uint64_t));
    LOAD_MEMORY();  // the host may have grown memory
    pc += call_len;
    NEXT();
  }
  const CompiledFunction* c = callee->code_;
  if (static_cast<size_t>(stack_end - args) < c->frame_slots) TRAP(ValueStackExhausted);
  if (frame + 1 >= frames_end) TRAP(CallStackExhausted);
  PUSH_FRAME(call_len);
  if (callee->instance_ != inst) {
    inst = callee->instance_;
    LOAD_CONTEXT();
  }
  ENTER_FUNCTION(c, args);
  NEXT();
}

trap_out:
  gas_ = gas;
  trap_pc_ = pc;  // for the trap site (trap_site), computed after run() returns
  trap_inst_ = inst;
  trap_frame_ = frame;
  return trap;

#undef CASE
#undef NEXT
#undef S
#undef TRAP
#undef CHARGE
#undef PUSH_FRAME
#undef ENTER_FUNCTION
#undef LOAD_MEMORY
#undef LOAD_CONTEXT
}

template uint32_t Interpreter::run<false>(const uint32_t*, uint64_t*, Instance*, CallFrame*, const CompiledFunction*);
template uint32_t Interpreter::run<true>(const uint32_t*, uint64_t*, Instance*, CallFrame*, const CompiledFunction*);

}  // namespace tenor::vm::detail
