// All consensus limits of the VM in one versioned struct. Every limit is checked where it applies
// (decoder, validator, instantiation or interpreter) and exceeding it is an Error of kind
// LimitExceeded or a trap, never a host crash. docs/vm.md ("Limits") lists each one with its
// default, where it is checked and what exceeding it gives; tests/unit/vm/limits_test.cpp tests
// each at its boundary (the limit passes, one more fails).
#pragma once

#include <cstdint>

namespace tenor::vm {

struct VmConfig {
  // Bumped whenever a default changes: limits are part of consensus.
  static constexpr uint32_t kVersion = 1;

  // --- decoder / validator: exceeding one fails Module::load with ErrorKind::LimitExceeded ---

  // Bytes of the whole binary module. Default 64 MiB.
  uint64_t max_module_size = 64ull << 20;
  // Entries of the type section. Default 100'000.
  uint32_t max_types = 100'000;
  // Functions, imported + defined. Default 100'000.
  uint32_t max_functions = 100'000;
  // Entries of the import section. Default 100'000.
  uint32_t max_imports = 100'000;
  // Entries of the export section. Default 100'000.
  uint32_t max_exports = 100'000;
  // Globals, imported + defined. Default 100'000.
  uint32_t max_globals = 100'000;
  // Entries of the data section. Default 100'000.
  uint32_t max_data_segments = 100'000;
  // Entries of the element section. Default 100'000.
  uint32_t max_elem_segments = 100'000;
  // Parameters of one function type. Default 1'000.
  uint32_t max_params = 1'000;
  // Results of one function type. Default 1'000.
  uint32_t max_results = 1'000;
  // Parameters + declared locals of one function. Default 50'000.
  uint32_t max_locals_per_function = 50'000;
  // Bytes of one function body. Default 8 MiB.
  uint32_t max_function_size = 8u << 20;
  // Targets of one br_table (not counting the default). Default 100'000.
  uint32_t max_br_table_size = 100'000;
  // Static operand-stack height within one function. Default 100'000.
  uint32_t max_operand_stack = 100'000;
  // Nesting of block/loop/if in one function (the function's own block counts). Default 10'000.
  uint32_t max_control_depth = 10'000;
  // Elements of a table: its declared minimum and the length of one element segment.
  // Default 10'000'000.
  uint32_t max_table_size = 10'000'000;
  // 64 KiB pages of a memory: its declared minimum at load, and at run time memory.grow beyond it
  // returns -1 (the memory's declared maximum may be lower). Default 65'536 (the whole wasm32
  // space). The contract profile asks for a declared maximum of at most 256 (profile.hpp).
  uint32_t max_memory_pages = 65'536;
  // Custom sections. Default 1'000.
  uint32_t max_custom_sections = 1'000;

  // --- metering ---
  // Translate code with gas charges (per basic block, from the gas schedule in gas.hpp). Modules
  // loaded without metering only pay dynamic costs (memory.grow, bulk memory, host calls).
  // Default false.
  bool metering = false;

  // --- interpreter: not consensus (every choice computes the same results, gas, traps and traces) ---

  // How the interpreter dispatches its internal instructions: Goto (computed goto, the fastest; in a
  // build without it, TENOR_SWITCH_DISPATCH or a compiler without the extension, it is Switch) or
  // Switch (a portable switch). Chosen when a Store is created. The tests run every execution test
  // and the spec suite over both. Default Goto.
  enum class Dispatch : uint8_t { Goto, Switch };
  Dispatch dispatch = Dispatch::Goto;

  // --- execution: exceeding one traps the call ---

  // wasm frames on the call stack; more traps with CallStackExhausted. Default 10'000.
  uint32_t max_call_depth = 10'000;
  // 8-byte slots for locals and operands of all frames; more traps with ValueStackExhausted.
  // Default 4 Mi slots (32 MiB, allocated at a store's first call).
  uint32_t value_stack_slots = 4u << 20;

  // --- host calls ---

  // Bytes one host call may move between wasm memory and the host (call input, return data, a
  // storage key + value, an event); more traps the call with HostTrap. Default 1 MiB.
  uint32_t max_host_payload_bytes = 1u << 20;
};

}  // namespace tenor::vm
