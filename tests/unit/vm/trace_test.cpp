// Execution traces: identical executions give identical traces and hashes, whichever the dispatch
// mode; a divergence is located at its first differing event.
#include <gtest/gtest.h>

#include "tenor/vm/engine.hpp"
#include "tenor/vm/trace.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

// sum(n): a loop adding 1..n into a local, calling a helper for each step.
Bytes sum_module() {
  WasmBuilder b;
  auto add = b.func({I32, I32}, {I32});
  add.code({op::local_get, 0, op::local_get, 1, op::i32_add, op::end});
  auto sum = b.func({I32}, {I32});
  sum.locals({I32})
      .code({op::block,
          bt::void_,  //
          op::loop,
          bt::void_,  //
          op::local_get, 0, op::i32_eqz, op::br_if,
          1,  //
          op::local_get, 1, op::local_get, 0, op::call,
          u(add.index()),  //
          op::local_set,
          1,  //
          op::local_get, 0, i32c(1), op::i32_sub, op::local_set,
          0,  //
          op::br,
          0,  //
          op::end,
          op::end,  //
          op::local_get, 1, op::end})
      .export_("sum");
  return b.build();
}

struct TracedRun {
  CallResult result;
  Tracer tracer;
};

TracedRun run_traced_on(VmConfig::Dispatch dispatch, TraceLevel level, uint32_t n, std::optional<uint64_t> gas) {
  VmConfig config;
  config.metering = true;
  config.dispatch = dispatch;
  auto module = Module::load(sum_module(), config);
  EXPECT_TRUE(module.has_value());
  Store store(config);
  auto inst = store.instantiate(*module, Linker{});
  EXPECT_TRUE(inst.has_value());
  TracedRun r{{}, Tracer(level)};
  CallOptions options;
  options.gas_limit = gas;
  options.tracer = &r.tracer;
  Value arg = Value::i32(n);
  r.result = store.call((*inst)->exported_function("sum"), {&arg, 1}, options);
  return r;
}

// Every test runs with both dispatch modes (variants.hpp); tracing and metering are what it tests.
class Trace : public VariantTest {
 protected:
  static TracedRun run_traced(TraceLevel level, uint32_t n, std::optional<uint64_t> gas) {
    return run_traced_on(GetParam().dispatch, level, n, gas);
  }
};

TEST(TraceDispatch, BothDispatchModesRecordTheSameTrace) {
  for (TraceLevel level : {TraceLevel::Call, TraceLevel::Block, TraceLevel::Instr}) {
    TracedRun a = run_traced_on(VmConfig::Dispatch::Goto, level, 20, 100000);
    TracedRun b = run_traced_on(VmConfig::Dispatch::Switch, level, 20, 100000);
    EXPECT_EQ(a.tracer.hash(), b.tracer.hash());
    EXPECT_EQ(a.tracer.steps(), b.tracer.steps());
    EXPECT_FALSE(Tracer::first_difference(a.tracer, b.tracer).has_value());
  }
}

TEST_P(Trace, IdenticalExecutionsHaveIdenticalTraces) {
  for (TraceLevel level : {TraceLevel::Call, TraceLevel::Block, TraceLevel::Instr}) {
    TracedRun a = run_traced(level, 20, 100000);
    TracedRun b = run_traced(level, 20, 100000);
    ASSERT_TRUE(a.result.ok());
    EXPECT_EQ(a.result.values[0].as_u32(), 210u);
    EXPECT_EQ(a.tracer.hash(), b.tracer.hash());
    EXPECT_EQ(a.tracer.steps(), b.tracer.steps());
    EXPECT_FALSE(Tracer::first_difference(a.tracer, b.tracer).has_value());
  }
}

TEST_P(Trace, LevelsNest) {
  TracedRun call = run_traced(TraceLevel::Call, 5, 100000);
  TracedRun block = run_traced(TraceLevel::Block, 5, 100000);
  TracedRun instr = run_traced(TraceLevel::Instr, 5, 100000);
  // Each call to `add` is a call and a return; plus the entry call and its return.
  EXPECT_EQ(call.tracer.steps(), 2u * 5 + 2);
  EXPECT_GT(block.tracer.steps(), call.tracer.steps());
  EXPECT_GT(instr.tracer.steps(), block.tracer.steps());
  size_t blocks = 0;
  for (const auto& e : block.tracer.events()) blocks += e.kind == TraceKind::Block;
  EXPECT_GT(blocks, 5u);  // at least one loop header per iteration
}

TEST_P(Trace, DivergenceIsLocatedAtTheFirstDifferingStep) {
  TracedRun a = run_traced(TraceLevel::Block, 10, 100000);
  TracedRun b = run_traced(TraceLevel::Block, 11, 100000);  // one more iteration: diverges at the start
  auto diff = Tracer::first_difference(a.tracer, b.tracer);
  ASSERT_TRUE(diff.has_value());
  // Both start with the same call event (same function, same gas), then the gas left differs only
  // once the runs take different paths; the events before the difference are equal.
  for (uint64_t i = 0; i < *diff; ++i) EXPECT_EQ(a.tracer.events()[i].hash, b.tracer.events()[i].hash);
  EXPECT_NE(a.tracer.hash(), b.tracer.hash());

  // A different gas limit changes the gas left in every metered event after the first.
  TracedRun c = run_traced(TraceLevel::Block, 10, 200000);
  auto diff2 = Tracer::first_difference(a.tracer, c.tracer);
  ASSERT_TRUE(diff2.has_value());
  EXPECT_EQ(*diff2, 0u);
}

TEST_P(Trace, OutOfGasEndsTheTraceAtTheSameStepEveryRun) {
  TracedRun a = run_traced(TraceLevel::Block, 1000, 300);
  TracedRun b = run_traced(TraceLevel::Block, 1000, 300);
  ASSERT_TRUE(a.result.trap.has_value());
  EXPECT_EQ(a.result.trap->code, TrapCode::OutOfGas);
  EXPECT_EQ(a.result.gas_used, 300u);
  EXPECT_EQ(a.tracer.hash(), b.tracer.hash());
  EXPECT_EQ(a.tracer.steps(), b.tracer.steps());
}

TEST_P(Trace, KeptEventsAreCappedButTheHashCoversAll) {
  VmConfig config;
  config.metering = true;
  config.dispatch = GetParam().dispatch;
  auto module = Module::load(sum_module(), config);
  ASSERT_TRUE(module.has_value());
  Store store(config);
  auto inst = store.instantiate(*module, Linker{});
  Tracer capped(TraceLevel::Instr, 10);
  Tracer full(TraceLevel::Instr);
  Value arg = Value::i32(50);
  CallOptions o1, o2;
  o1.tracer = &capped;
  o2.tracer = &full;
  store.call((*inst)->exported_function("sum"), {&arg, 1}, o1);
  store.call((*inst)->exported_function("sum"), {&arg, 1}, o2);
  EXPECT_EQ(capped.events().size(), 10u);
  EXPECT_TRUE(capped.truncated());
  EXPECT_EQ(capped.hash(), full.hash());
  EXPECT_EQ(capped.steps(), full.steps());
}

TEST_P(Trace, FormatNamesKindFunctionAndInstruction) {
  TracedRun r = run_traced(TraceLevel::Instr, 1, 100000);
  ASSERT_FALSE(r.tracer.events().empty());
  std::string first = Tracer::format(0, r.tracer.events()[0]);
  EXPECT_NE(first.find("call f1"), std::string::npos) << first;
  bool saw_instr = false;
  for (size_t i = 0; i < r.tracer.events().size(); ++i) {
    std::string line = Tracer::format(i, r.tracer.events()[i]);
    if (line.find("instr") != std::string::npos && line.find("Gas") != std::string::npos) saw_instr = true;
  }
  EXPECT_TRUE(saw_instr);
}

INSTANTIATE_TEST_SUITE_P(Dispatch, Trace, ::testing::ValuesIn(dispatch_variants()), dispatch_test_name);

}  // namespace
}  // namespace tenor::vm::test
