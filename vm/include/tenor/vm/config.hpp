// All consensus limits of the VM in one versioned struct. Every limit is checked where it applies
// (decoder, validator, instantiation or interpreter) and exceeding it is an Error of kind
// LimitExceeded or a trap, never a host crash.
#pragma once

#include <cstdint>

namespace tenor::vm {

struct VmConfig {
  // Bumped whenever a default changes: limits are part of consensus.
  static constexpr uint32_t kVersion = 1;

  // --- decoder / validator ---
  uint64_t max_module_size = 64ull << 20;      // bytes
  uint32_t max_types = 100'000;
  uint32_t max_functions = 100'000;            // imported + defined
  uint32_t max_imports = 100'000;
  uint32_t max_exports = 100'000;
  uint32_t max_globals = 100'000;              // imported + defined
  uint32_t max_data_segments = 100'000;
  uint32_t max_elem_segments = 100'000;
  uint32_t max_params = 1'000;                 // per function type
  uint32_t max_results = 1'000;                // per function type
  uint32_t max_locals_per_function = 50'000;   // params + declared locals
  uint32_t max_function_size = 8u << 20;       // bytes of one function body
  uint32_t max_br_table_size = 100'000;        // targets of one br_table
  uint32_t max_operand_stack = 100'000;        // static operand stack height within a function
  uint32_t max_control_depth = 10'000;         // nesting of block/loop/if in one function
  uint32_t max_table_size = 10'000'000;        // elements, for declared and grown tables
  uint32_t max_memory_pages = 65'536;          // 64 KiB pages; 65536 = the whole wasm32 space
  uint32_t max_custom_sections = 1'000;

  // --- metering ---
  // Translate code with gas charges (per basic block, from the gas schedule in gas.hpp). Modules
  // loaded without metering only pay dynamic costs (memory.grow, bulk memory, host calls).
  bool metering = false;

  // --- execution ---
  uint32_t max_call_depth = 10'000;            // wasm frames on the call stack
  uint32_t value_stack_slots = 4u << 20;       // 8-byte slots for locals and operands, all frames
};

}  // namespace tenor::vm
