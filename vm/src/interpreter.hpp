// The interpreter: runs internal code (code.hpp) with a preallocated value stack and call stack.
// wasm-to-wasm calls never recurse in C++; only host functions that call back into the store nest,
// and that nesting is bounded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "code.hpp"
#include "tenor/vm/engine.hpp"

namespace tenor::vm::detail {

struct CallFrame {
  const uint32_t* ret_pc;
  uint64_t* fp;
  Instance* inst;
  const CompiledFunction* func;  // the caller (maintained only while tracing)
};

class Interpreter {
 public:
  Interpreter(Store& store, const VmConfig& config);
  ~Interpreter();

  struct Outcome {
    std::optional<Trap> trap;
    std::optional<TrapSite> trap_site;
    uint64_t gas_used = 0;  // 0 for unmetered calls
  };
  // Calls f. `args` holds its parameters as slots; results are written to `results`. A top-level
  // call gets `gas_limit` (unmetered without one); a nested call (a host function calling back in)
  // shares the running call's gas, capped by `gas_limit` when given.
  Outcome invoke(Function* f, const uint64_t* args, uint64_t* results, std::optional<uint64_t> gas_limit = std::nullopt,
                 Tracer* tracer = nullptr);

  // Maximum nesting of host -> wasm re-entry.
  static constexpr uint32_t kMaxNesting = 64;

 private:
  static constexpr uint32_t kOk = 0xFFFFFFFFu;
  // The dispatch loops (interpreter_loop.inc): computed goto and switch, each untraced and traced.
  // They return kOk or the trap code.
  using Loop = uint32_t (Interpreter::*)(const uint32_t* pc, uint64_t* fp, Instance* inst, CallFrame* frame,
                                         const CompiledFunction* cur);
  template <bool kTraced>
  uint32_t run_goto(const uint32_t* pc, uint64_t* fp, Instance* inst, CallFrame* frame, const CompiledFunction* cur);
  template <bool kTraced>
  uint32_t run_switch(const uint32_t* pc, uint64_t* fp, Instance* inst, CallFrame* frame, const CompiledFunction* cur);
  void trace(TraceKind kind, const Instance* inst, const CompiledFunction* f, const uint32_t* pc, uint32_t detail,
             int64_t gas) noexcept;
  bool allocate();
  uint32_t call_host(Function* f, Instance* caller, Memory* memory, const uint64_t* args, uint64_t* results);
  // The trap site of the run that just trapped (trap_pc_, trap_inst_, trap_frame_), in the module
  // of `entry_inst`, whose function was entered with the call-stack record `entry_frame`.
  std::optional<TrapSite> trap_site(const Instance* entry_inst, const CallFrame* entry_frame) const noexcept;

  Store& store_;
  const VmConfig& config_;
  Loop run_untraced_ = nullptr;  // the loops of config_.dispatch
  Loop run_traced_ = nullptr;
  std::unique_ptr<uint64_t[]> stack_;
  uint64_t* stack_end_ = nullptr;
  uint64_t* sp_top_ = nullptr;  // first free slot: where a nested invocation starts
  std::unique_ptr<CallFrame[]> frames_;
  CallFrame* frames_end_ = nullptr;
  CallFrame* frame_top_ = nullptr;  // last used frame record
  uint32_t nesting_ = 0;
  int64_t gas_ = INT64_MAX;
  Tracer* tracer_ = nullptr;  // of the running top-level call
  bool trace_gas_ = false;    // the traced call is metered: events show the gas left
  std::string trap_detail_;
  // Where run() stopped with a trap (written only on the trap path): its pc, instance and top call
  // record.
  const uint32_t* trap_pc_ = nullptr;
  const Instance* trap_inst_ = nullptr;
  const CallFrame* trap_frame_ = nullptr;
};

}  // namespace tenor::vm::detail
