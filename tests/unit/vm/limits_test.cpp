// Every VmConfig limit at its boundary: a module or call exactly at the limit works, one step
// beyond gets the documented error (LimitExceeded at load) or trap (at run time), never a crash.
#include "tenor/vm/config.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "code.hpp"
#include "tenor/vm/contract.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

using SetLimit = std::function<void(VmConfig&, uint64_t)>;

::testing::AssertionResult loads(const Bytes& wasm, const VmConfig& config) {
  auto m = Module::load(wasm, config);
  if (m) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << m.error().to_string();
}

::testing::AssertionResult limit_exceeded(const Bytes& wasm, const VmConfig& config) {
  auto m = Module::load(wasm, config);
  if (m) return ::testing::AssertionFailure() << "loaded; expected LimitExceeded";
  if (m.error().kind != ErrorKind::LimitExceeded)
    return ::testing::AssertionFailure() << "expected LimitExceeded, got " << m.error().to_string();
  return ::testing::AssertionSuccess();
}

// `wasm` needs exactly `at` of what `set` limits: it loads with the limit at `at` and is
// LimitExceeded with the limit at `at - 1`.
void expect_boundary(const Bytes& wasm, const SetLimit& set, uint64_t at) {
  VmConfig c;
  set(c, at);
  EXPECT_TRUE(loads(wasm, c)) << "with the limit at " << at;
  set(c, at - 1);
  EXPECT_TRUE(limit_exceeded(wasm, c)) << "with the limit at " << at - 1;
}

#define LIMIT(field) [](VmConfig& c, uint64_t v) { c.field = static_cast<decltype(c.field)>(v); }

// ---- decoder and validator limits ----

TEST(Limits, ModuleSize) {
  WasmBuilder b;
  b.func({}, {}).code({op::end});
  Bytes wasm = b.build();
  expect_boundary(wasm, LIMIT(max_module_size), wasm.size());
}

TEST(Limits, Types) {
  WasmBuilder b;
  b.type({}, {});
  b.type({I32}, {});
  b.type({I64}, {I32});
  expect_boundary(b.build(), LIMIT(max_types), 3);
}

TEST(Limits, FunctionsCountImportsAndDefinitions) {
  WasmBuilder b;
  b.import_func("m", "a", {}, {});
  b.import_func("m", "b", {}, {});
  b.func({}, {}).code({op::end});
  b.func({}, {}).code({op::end});
  expect_boundary(b.build(), LIMIT(max_functions), 4);
}

TEST(Limits, FunctionsImportedAlone) {
  WasmBuilder b;
  for (int i = 0; i < 3; ++i) b.import_func("m", "f" + std::to_string(i), {}, {});
  expect_boundary(b.build(), LIMIT(max_functions), 3);
}

TEST(Limits, Imports) {
  WasmBuilder b;
  b.import_func("m", "f", {}, {});
  b.import_global("m", "g", I32, false);
  b.import_memory("m", "mem", 1);
  expect_boundary(b.build(), LIMIT(max_imports), 3);
}

TEST(Limits, Exports) {
  WasmBuilder b;
  auto f = b.func({}, {}).code({op::end});
  f.export_("a");
  f.export_("b");
  f.export_("c");
  expect_boundary(b.build(), LIMIT(max_exports), 3);
}

TEST(Limits, GlobalsCountImportsAndDefinitions) {
  WasmBuilder b;
  b.import_global("m", "g", I32, false);
  b.global(I32, true, i32c(1));
  b.global(I64, false, i64c(2));
  expect_boundary(b.build(), LIMIT(max_globals), 3);
}

TEST(Limits, DataSegments) {
  WasmBuilder b;
  b.memory(1);
  b.data(0, {1, 2});
  b.data(8, {3});
  b.passive_data({4});
  expect_boundary(b.build(), LIMIT(max_data_segments), 3);
}

TEST(Limits, ElementSegments) {
  WasmBuilder b;
  b.table(4);
  uint32_t f = b.func({}, {}).code({op::end}).index();
  b.elem(0, {f});
  b.elem(1, {f, f});
  expect_boundary(b.build(), LIMIT(max_elem_segments), 2);
}

TEST(Limits, Params) {
  WasmBuilder b;
  b.type({I32, I64, I32}, {});
  expect_boundary(b.build(), LIMIT(max_params), 3);
}

TEST(Limits, Results) {
  WasmBuilder b;
  b.type({}, {I32, I64});
  expect_boundary(b.build(), LIMIT(max_results), 2);
}

TEST(Limits, LocalsCountParamsAndDeclaredLocals) {
  WasmBuilder b;
  b.func({I32, I32}, {}).locals({I64, I64, I32}).code({op::end});
  expect_boundary(b.build(), LIMIT(max_locals_per_function), 5);
}

TEST(Limits, FunctionSize) {
  // Body: the local-declaration count (1 byte), 10 nops and end.
  WasmBuilder b;
  b.func({}, {}).code(
      {op::nop, op::nop, op::nop, op::nop, op::nop, op::nop, op::nop, op::nop, op::nop, op::nop, op::end});
  expect_boundary(b.build(), LIMIT(max_function_size), 12);
}

TEST(Limits, BrTableTargets) {
  WasmBuilder b;
  b.func({I32}, {}).code({op::block, bt::void_, op::block, bt::void_, op::local_get, 0, br_table({0, 1, 0}, 1), op::end,
      op::end, op::end});
  expect_boundary(b.build(), LIMIT(max_br_table_size), 3);
}

TEST(Limits, OperandStackHeight) {
  WasmBuilder b;
  b.func({}, {}).code({i32c(1), i32c(2), i32c(3), i32c(4), op::drop, op::drop, op::drop, op::drop, op::end});
  expect_boundary(b.build(), LIMIT(max_operand_stack), 4);
}

TEST(Limits, ControlDepthCountsTheFunctionBlock) {
  // The function's own block and three nested ones: depth 4.
  WasmBuilder b;
  b.func({}, {}).code(
      {op::block, bt::void_, op::loop, bt::void_, op::block, bt::void_, op::end, op::end, op::end, op::end});
  expect_boundary(b.build(), LIMIT(max_control_depth), 4);
}

TEST(Limits, ControlDepthDefaultRejectsDeepNestingWithoutRecursing) {
  // 200'000 nested blocks: rejected by the limit (10'000), and the translator does not recurse.
  WasmBuilder b;
  auto f = b.func({}, {});
  Bytes code;
  for (int i = 0; i < 200'000; ++i) {
    code.push_back(op::block);
    code.push_back(bt::void_);
  }
  for (int i = 0; i < 200'000 + 1; ++i) code.push_back(op::end);
  f.code({Ins(code)});
  EXPECT_TRUE(limit_exceeded(b.build(), VmConfig{}));
}

TEST(Limits, TableMinimum) {
  WasmBuilder b;
  b.table(5);
  expect_boundary(b.build(), LIMIT(max_table_size), 5);
}

TEST(Limits, ImportedTableMinimum) {
  WasmBuilder b;
  b.import_table("m", "t", 5);
  expect_boundary(b.build(), LIMIT(max_table_size), 5);
}

TEST(Limits, ElementSegmentLengthIsBoundedByTableSize) {
  WasmBuilder b;
  b.table(1);
  uint32_t f = b.func({}, {}).code({op::end}).index();
  b.passive_elem({f, f, f});
  expect_boundary(b.build(), LIMIT(max_table_size), 3);
}

TEST(Limits, MemoryMinimumAtLoad) {
  WasmBuilder b;
  b.memory(3);
  expect_boundary(b.build(), LIMIT(max_memory_pages), 3);
}

TEST(Limits, ImportedMemoryMinimumAtLoad) {
  WasmBuilder b;
  b.import_memory("m", "mem", 3);
  expect_boundary(b.build(), LIMIT(max_memory_pages), 3);
}

TEST(Limits, CustomSections) {
  WasmBuilder b;
  b.func({}, {}).code({op::end});
  Bytes wasm = b.build();
  for (const char* name : {"a", "b"}) {
    Bytes payload = name_bytes(name);
    payload.push_back(0x42);
    wasm.push_back(0x00);
    append(wasm, uleb(payload.size()));
    append(wasm, payload);
  }
  expect_boundary(wasm, LIMIT(max_custom_sections), 2);
}

// ---- run-time limits ----

Bytes grow_module(std::optional<uint32_t> declared_max) {
  WasmBuilder b;
  b.memory(1, declared_max);
  b.func({I32}, {I32}).code({op::local_get, 0, op::memory_grow, 0, op::end}).export_("grow");
  b.func({}, {I32}).code({op::memory_size, 0, op::end}).export_("size");
  return b.build();
}

TEST(Limits, MemoryGrowStopsAtTheConfiguredPages) {
  VmConfig c;
  c.max_memory_pages = 3;
  Vm vm(c);
  ASSERT_TRUE(vm.load(grow_module(std::nullopt)));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(2)}), {Value::i32(1)}));  // now exactly 3 pages
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(1)}), {Value::i32(static_cast<uint32_t>(-1))}));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(0)}), {Value::i32(3)}));
  EXPECT_TRUE(returns(vm.call("size"), {Value::i32(3)}));
}

TEST(Limits, MemoryGrowStopsAtTheLowerOfDeclaredAndConfigured) {
  VmConfig c;
  c.max_memory_pages = 10;
  Vm vm(c);
  ASSERT_TRUE(vm.load(grow_module(2)));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(2)}), {Value::i32(static_cast<uint32_t>(-1))}));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(1)}), {Value::i32(1)}));
  EXPECT_TRUE(returns(vm.call("size"), {Value::i32(2)}));
}

TEST(Limits, MemoryGrowOfAnEmbedderMemoryStopsAtTheConfiguredPages) {
  VmConfig c;
  c.max_memory_pages = 2;
  Vm vm(c);
  vm.linker.define("m", "mem", Extern::memory(vm.store.create_memory(MemoryType{Limits{1, std::nullopt}})));
  WasmBuilder b;
  b.import_memory("m", "mem", 1);
  b.func({I32}, {I32}).code({op::local_get, 0, op::memory_grow, 0, op::end}).export_("grow");
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(2)}), {Value::i32(static_cast<uint32_t>(-1))}));
  EXPECT_TRUE(returns(vm.call("grow", {Value::i32(1)}), {Value::i32(1)}));
}

// rec(n) calls itself n times: n + 1 frames. Returns n.
Bytes recursion_module() {
  WasmBuilder b;
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::i32_eqz, op::if_, bt::void_, i32c(0), op::return_, op::end, op::local_get, 0,
          i32c(1), op::i32_sub, op::call, 0, i32c(1), op::i32_add, op::end})
      .export_("rec");
  return b.build();
}

TEST(Limits, CallDepth) {
  VmConfig c;
  c.max_call_depth = 50;
  Vm vm(c);
  ASSERT_TRUE(vm.load(recursion_module()));
  // rec(49) runs in 50 frames: exactly the limit.
  EXPECT_TRUE(returns(vm.call("rec", {Value::i32(49)}), {Value::i32(49)}));
  EXPECT_TRUE(traps(vm.call("rec", {Value::i32(50)}), TrapCode::CallStackExhausted));
  // The store recovers after the trap.
  EXPECT_TRUE(returns(vm.call("rec", {Value::i32(10)}), {Value::i32(10)}));
}

TEST(Limits, DeepRecursionWithTheDefaultsTrapsInsteadOfOverflowingTheNativeStack) {
  Vm vm;
  ASSERT_TRUE(vm.load(recursion_module()));
  EXPECT_TRUE(traps(vm.call("rec", {Value::i32(100'000)}), TrapCode::CallStackExhausted));
  EXPECT_TRUE(traps(vm.call("rec", {Value::i32(-1)}), TrapCode::CallStackExhausted));
}

TEST(Limits, DeepRecursionWithAHugeCallDepthRunsOutOfValueStack) {
  // Frames are wasm data, not C++ frames: a million-deep recursion is a trap, not a crash.
  VmConfig c;
  c.max_call_depth = 2'000'000;
  c.value_stack_slots = 1u << 20;
  Vm vm(c);
  ASSERT_TRUE(vm.load(recursion_module()));
  EXPECT_TRUE(traps(vm.call("rec", {Value::i32(1'999'000)}), TrapCode::ValueStackExhausted));
}

TEST(Limits, ValueStackSlotsForOneFrame) {
  WasmBuilder b;
  b.func({I32}, {I32}).locals({I64, I64, I64, I64, I64, I64, I64}).code({op::local_get, 0, op::end}).export_("f");
  Bytes wasm = b.build();
  auto m = Module::load(wasm);
  ASSERT_TRUE(m.has_value());
  const uint32_t slots = (*m)->data().funcs[0].frame_slots;
  ASSERT_GE(slots, 8u);
  {
    VmConfig c;
    c.value_stack_slots = slots;
    Vm vm(c);
    ASSERT_TRUE(vm.load(wasm));
    EXPECT_TRUE(returns(vm.call("f", {Value::i32(7)}), {Value::i32(7)}));
  }
  {
    VmConfig c;
    c.value_stack_slots = slots - 1;
    Vm vm(c);
    ASSERT_TRUE(vm.load(wasm));
    EXPECT_TRUE(traps(vm.call("f", {Value::i32(7)}), TrapCode::ValueStackExhausted));
  }
}

TEST(Limits, ValueStackSlotsForRecursion) {
  // The smallest value stack that fits rec(20) is one slot short for rec(21) and the trap is
  // ValueStackExhausted (the call-depth limit is far away).
  auto runs = [](uint32_t slots, int32_t n) {
    VmConfig c;
    c.value_stack_slots = slots;
    Vm vm(c);
    if (!vm.load(recursion_module())) return std::optional<TrapCode>(TrapCode::HostTrap);
    CallResult r = vm.call("rec", {Value::i32(static_cast<uint32_t>(n))});
    return r.trap ? std::optional<TrapCode>(r.trap->code) : std::nullopt;
  };
  uint32_t slots = 1;
  while (runs(slots, 20)) ++slots;
  EXPECT_EQ(runs(slots - 1, 20), std::optional<TrapCode>(TrapCode::ValueStackExhausted));
  EXPECT_EQ(runs(slots, 21), std::optional<TrapCode>(TrapCode::ValueStackExhausted));
}

// A world with one contract and no state: enough for host calls that only move call data.
class OneContractWorld : public HostContext {
 public:
  explicit OneContractWorld(Bytes code) : code_(std::move(code)), hash_(sha256(code_)) {}
  std::optional<Hash> code_hash(const Address&) override { return hash_; }
  std::optional<Bytes> code(const Hash& h) override { return h == hash_ ? std::optional<Bytes>(code_) : std::nullopt; }
  std::optional<Bytes> storage_get(const Address&, std::span<const uint8_t>) override { return std::nullopt; }
  void storage_set(const Address&, std::span<const uint8_t>, std::span<const uint8_t>) override {}
  bool storage_remove(const Address&, std::span<const uint8_t>) override { return false; }
  std::optional<Bytes> storage_next(
      const Address&, std::span<const uint8_t>, std::optional<std::span<const uint8_t>>) override {
    return std::nullopt;
  }
  void emit_event(const Address&, std::span<const uint8_t>, std::span<const uint8_t>) override {}
  uint64_t checkpoint() override { return 0; }
  void rollback(uint64_t) override {}

 private:
  Bytes code_;
  Hash hash_;
};

// A contract whose entry returns the first `len` bytes of its memory as output.
Bytes output_contract(uint32_t len) {
  WasmBuilder b;
  uint32_t out = b.import_func("tenor", "output_write", {I32, I32}, {});
  b.memory(1, 1);
  b.export_memory("memory");
  b.func({}, {}).code({i32c(0), i32c(static_cast<int32_t>(len)), op::call, u(out), op::end}).export_("tenor_entry");
  return b.build();
}

TEST(Limits, HostPayloadBytes) {
  EXPECT_EQ(VmConfig{}.max_host_payload_bytes, 1u << 20);
  VmConfig c;
  c.metering = true;
  c.max_host_payload_bytes = 100;
  for (uint32_t len : {100u, 101u}) {
    ContractEngine engine(c, ProfileRules{});
    OneContractWorld world(output_contract(len));
    ContractCall call;
    call.gas_limit = 1'000'000;
    ExecResult r = engine.execute(world, TxContext{}, call);
    if (len == 100) {
      EXPECT_EQ(r.status, ExecStatus::Ok) << r.message;
      EXPECT_EQ(r.output.size(), 100u);
    } else {
      EXPECT_EQ(r.status, ExecStatus::Trap) << r.message;
      EXPECT_EQ(r.trap, std::optional<TrapCode>(TrapCode::HostTrap)) << r.message;
    }
  }
}

}  // namespace
}  // namespace tenor::vm::test
