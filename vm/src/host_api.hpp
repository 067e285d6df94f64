// The `tenor` host module inside the VM: the table of host_api.def as data, the state of one
// execution that host functions read and write (the stack of contracts being run), and the factory
// that binds a host function of the table to that state. contract.cpp (ContractEngine) owns the
// state and implements contract-to-contract calls; host_api.cpp implements every other function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tenor/vm/contract.hpp"
#include "tenor/vm/engine.hpp"

namespace tenor::vm::detail {

// One row of host_api.def.
struct HostFunctionSpec {
  const char* name;
  const char* params;  // type letters: i = i32, I = i64
  const char* results;
  uint64_t gas;  // charged on top of gas::kHostCallBase and the per-byte costs
  const char* description;
};

// The rows of host_api.def, in table order.
std::span<const HostFunctionSpec> host_function_specs() noexcept;
// Index of a host function in host_function_specs(), or nullopt.
std::optional<size_t> find_host_function(std::string_view name) noexcept;
// The WebAssembly type of a row.
FuncType host_function_type(const HostFunctionSpec& spec);

// Most contracts one execution may have on its call stack (the top-level one included). A call
// beyond it is refused (status 4) before the interpreter's own nesting limit would trap.
inline constexpr size_t kMaxContractDepth = 64;

// Sum of the initial memory pages of every contract instance one top-level execution creates
// (4096 pages = 256 MiB). Instances live until the execution ends, so this bounds the memory a
// chain of calls can pin; a call beyond it is refused (status 4).
inline constexpr uint64_t kMaxInstancePagesPerExecution = 4096;

// One contract on the call stack.
struct ExecFrame {
  Address self{};
  Bytes input;
  Bytes output;       // set by output_write
  Bytes return_data;  // of the last call_contract this contract made
};

// What host functions see of the running execution. The engine owns it; frames [0, depth) are the
// call stack, the last one the running contract. `frames` is sized once (kMaxContractDepth) and
// never reallocated during an execution, so references to frames stay valid across nested calls.
class ExecState {
 public:
  virtual ~ExecState() = default;

  HostContext* host = nullptr;
  const TxContext* tx = nullptr;
  const VmConfig* config = nullptr;
  std::vector<ExecFrame> frames;
  size_t depth = 0;

  ExecFrame& current() noexcept { return frames[depth - 1]; }
  bool on_stack(const Address& contract) const noexcept {
    for (size_t i = 0; i < depth; ++i)
      if (frames[i].self == contract) return true;
    return false;
  }

  // call_contract, once its arguments are read and its own gas is charged: runs `callee` with at
  // most `gas_limit` of the remaining gas, sets `status` (an ExecStatus value) and the running
  // contract's return data. Returns a trap only when the caller itself must stop (out of gas).
  virtual std::optional<Trap> call_contract(HostCall& call, const Address& callee, std::span<const uint8_t> input,
                                            uint64_t gas_limit, uint32_t& status) = 0;
};

// The host function of row `index`, bound to `state` (which must outlive it).
HostFunction make_host_function(size_t index, ExecState* state);

}  // namespace tenor::vm::detail
