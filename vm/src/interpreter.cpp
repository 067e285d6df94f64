#include "interpreter.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "numeric.hpp"
#include "tenor/vm/gas.hpp"

static_assert(std::endian::native == std::endian::little, "the interpreter assumes a little-endian host");

#if defined(__GNUC__) && !defined(TENOR_SWITCH_DISPATCH)
#define TENOR_HAS_COMPUTED_GOTO 1
#else
#define TENOR_HAS_COMPUTED_GOTO 0
#endif

namespace tenor::vm::detail {

namespace {

// Slot readers by representation and writers by the C++ type of the computed value.
template <class T>
inline T rd(uint64_t x) noexcept;
template <>
inline uint32_t rd<uint32_t>(uint64_t x) noexcept {
  return static_cast<uint32_t>(x);
}
template <>
inline uint64_t rd<uint64_t>(uint64_t x) noexcept {
  return x;
}
template <>
inline float rd<float>(uint64_t x) noexcept {
  return std::bit_cast<float>(static_cast<uint32_t>(x));
}
template <>
inline double rd<double>(uint64_t x) noexcept {
  return std::bit_cast<double>(x);
}

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
#define TENOR_BINOP(name, ri, ro, e)                                       \
  inline auto eval_##name(Repr_##ri a, Repr_##ri b) noexcept { return e; } \
  using In_##name = Repr_##ri;                                             \
  constexpr bool kWideIn_##name = kWide_##ri;
#include "code.def"

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

// The dispatch is chosen once, when the store (and with it the interpreter) is created.
Interpreter::Interpreter(Store& store, const VmConfig& config) : store_(store), config_(config) {
#if TENOR_HAS_COMPUTED_GOTO
  if (config.dispatch == VmConfig::Dispatch::Goto) {
    run_untraced_ = &Interpreter::run_goto<false>;
    run_traced_ = &Interpreter::run_goto<true>;
    return;
  }
#endif
  run_untraced_ = &Interpreter::run_switch<false>;
  run_traced_ = &Interpreter::run_switch<true>;
}
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
    status = (this->*run_traced_)(code->code.data(), base, f->instance_, frame, code);
  } else {
    status = (this->*run_untraced_)(code->code.data(), base, f->instance_, frame, code);
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

std::optional<TrapSite> Interpreter::trap_site(const Instance* entry_inst,
                                               const CallFrame* entry_frame) const noexcept {
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

// The dispatch loops, from one source (interpreter_loop.inc): computed goto where the compiler has
// it (GCC and Clang) unless the build asks for switch dispatch only (TENOR_SWITCH_DISPATCH), and
// switch always.
#if TENOR_HAS_COMPUTED_GOTO
#define TENOR_LOOP_NAME run_goto
#define TENOR_LOOP_COMPUTED_GOTO 1
#include "interpreter_loop.inc"
#undef TENOR_LOOP_NAME
#undef TENOR_LOOP_COMPUTED_GOTO
#endif

#define TENOR_LOOP_NAME run_switch
#define TENOR_LOOP_COMPUTED_GOTO 0
#include "interpreter_loop.inc"
#undef TENOR_LOOP_NAME
#undef TENOR_LOOP_COMPUTED_GOTO

}  // namespace tenor::vm::detail
