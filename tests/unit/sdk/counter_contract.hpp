// The counter contract used by the ledger's crash test and throughput benchmark: every call
// increments the u64 under storage key "n", emits it and returns it; a non-empty input reverts.
#pragma once

#include "wasm_builder.hpp"

namespace tenor::sdk::test_contracts {

inline vm::test::Bytes counter_contract() {
  using namespace tenor::vm::test;
  WasmBuilder b;
  uint32_t input_size = b.import_func("tenor", "input_size", {}, {I32});
  uint32_t revert = b.import_func("tenor", "revert", {I32, I32}, {});
  uint32_t storage_get = b.import_func("tenor", "storage_get", {I32, I32, I32, I32}, {I64});
  uint32_t storage_set = b.import_func("tenor", "storage_set", {I32, I32, I32, I32}, {});
  uint32_t output_write = b.import_func("tenor", "output_write", {I32, I32}, {});
  uint32_t emit_event = b.import_func("tenor", "emit_event", {I32, I32, I32, I32}, {});
  b.memory(1, 1);
  b.export_memory("memory");
  b.data(0, {'n'});
  b.data(1, {'n', 'o'});
  b.func({}, {})
      .code({op::call,  u(input_size), op::if_,      bt::void_,       i32c(1),  i32c(2),        op::call,
             u(revert), op::end,                                                                           //
             i32c(0),   i32c(1),       i32c(8),      i32c(8),         op::call, u(storage_get), op::drop,  //
             i32c(8),   i32c(8),       op::i64_load, mem(3, 0),       i64c(1),  op::i64_add,    op::i64_store,
             mem(3, 0),                                                                          //
             i32c(0),   i32c(1),       i32c(8),      i32c(8),         op::call, u(storage_set),  //
             i32c(8),   i32c(8),       op::call,     u(output_write),                            //
             i32c(0),   i32c(1),       i32c(8),      i32c(8),         op::call, u(emit_event),  op::end})
      .export_("tenor_entry");
  return b.build();
}

}  // namespace tenor::sdk::test_contracts
