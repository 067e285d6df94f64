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
};

class Interpreter {
 public:
  Interpreter(Store& store, const VmConfig& config);
  ~Interpreter();

  // Calls f. `args` holds its parameters as slots; results are written to `results`.
  std::optional<Trap> invoke(Function* f, const uint64_t* args, uint64_t* results);

  // Maximum nesting of host -> wasm re-entry.
  static constexpr uint32_t kMaxNesting = 64;

 private:
  static constexpr uint32_t kOk = 0xFFFFFFFFu;
  uint32_t run(const uint32_t* pc, uint64_t* fp, Instance* inst, CallFrame* frame);
  bool allocate();

  Store& store_;
  const VmConfig& config_;
  std::unique_ptr<uint64_t[]> stack_;
  uint64_t* stack_end_ = nullptr;
  uint64_t* sp_top_ = nullptr;  // first free slot: where a nested invocation starts
  std::unique_ptr<CallFrame[]> frames_;
  CallFrame* frames_end_ = nullptr;
  CallFrame* frame_top_ = nullptr;  // last used frame record
  uint32_t nesting_ = 0;
  std::string trap_detail_;
};

}  // namespace tenor::vm::detail
