// The variants of the VM (variants.hpp) are what their names say, and all of them agree bit for
// bit: on random modules (random_module.hpp), every variant computes the same results, traps and
// memory; the metered ones use the same gas; the traced ones record the same instruction-level
// trace, whatever the dispatch.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "random_module.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

using VariantHarness = VariantTest;

TEST_P(VariantHarness, MeteringAndTracingAreWhatTheNameSays) {
  const Variant v = GetParam();
  const VariantConfig c = cfg();
  EXPECT_EQ(c.dispatch, v.dispatch);
  EXPECT_EQ(c.metering, v.metered);
  WasmBuilder b;
  b.func({I32}, {I32})
      .code({op::loop, bt::void_, op::local_get, 0, i32c(1), op::i32_sub, op::local_tee, 0, op::br_if, 0, op::end,
          op::local_get, 0, op::end})
      .export_("count");
  Vm vm(c);
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("count", {i32v(5)}), {i32v(0)}));
  EXPECT_EQ(vm.options.gas_limit.has_value(), v.metered);
  EXPECT_EQ(vm.options.tracer != nullptr, v.traced);
  if (v.traced) {
    EXPECT_GT(vm.tracer->steps(), 5u) << "an instruction-level trace records each of the five iterations";
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, VariantHarness, ::testing::ValuesIn(all_variants()), variant_test_name);

struct VariantRun {
  std::string status;  // "ok" or the trap's name
  std::vector<Value> values;
  uint64_t gas_used = 0;
  std::vector<uint8_t> memory;
  uint64_t trace_hash = 0;
  uint64_t trace_steps = 0;
};

VariantRun run_variant(const Bytes& wasm, const Variant& v, uint32_t a, uint64_t b) {
  VmConfig c = config_of(v);
  c.max_call_depth = 64;
  c.value_stack_slots = 400;
  auto module = Module::load(wasm, c);
  EXPECT_TRUE(module) << module.error().to_string();
  if (!module) return {};
  Store store(c);
  Linker linker;
  auto inst = store.instantiate(std::move(module).value(), linker);
  EXPECT_TRUE(inst) << inst.error().to_string();
  if (!inst) return {};
  Tracer tracer(TraceLevel::Instr, /*max_events_kept=*/0);
  CallOptions o;
  if (v.metered) o.gas_limit = 200'000;
  if (v.traced) o.tracer = &tracer;
  const Value args[] = {Value::i32(a), Value::i64(b)};
  CallResult r = store.call(inst.value()->exported_function("run"), args, o);
  VariantRun out;
  out.status = r.trap ? trap_name(r.trap->code) : "ok";
  out.values = r.values;
  out.gas_used = r.gas_used;
  const Memory* m = inst.value()->memory();
  out.memory.assign(m->data(), m->data() + m->size());
  out.trace_hash = tracer.hash();
  out.trace_steps = tracer.steps();
  return out;
}

TEST(Variants, AllAgreeBitForBitOnRandomModules) {
  const std::vector<Variant> variants = all_variants();
  uint32_t compared = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const RandomModule m = generate_random_module(seed);
    DetRng rng(seed * 0x9E3779B97F4A7C15ull);
    for (int input = 0; input < 2; ++input) {
      const uint32_t a = static_cast<uint32_t>(interesting_u64(rng, false));
      const uint64_t b = interesting_u64(rng, true);
      // Metered runs first: an unmetered run has no gas limit, so it runs only when the metered one
      // did not stop for gas (a random module may loop for ever).
      std::vector<VariantRun> runs(variants.size());
      for (size_t i = 0; i < variants.size(); ++i)
        if (variants[i].metered) runs[i] = run_variant(m.wasm, variants[i], a, b);
      const bool finite = runs[2].status != "OutOfGas";  // variants[2]: goto, metered, untraced
      for (size_t i = 0; i < variants.size(); ++i)
        if (!variants[i].metered && finite) runs[i] = run_variant(m.wasm, variants[i], a, b);
      for (size_t i = 0; i < variants.size(); ++i) {
        const Variant& v = variants[i];
        if (!v.metered && !finite) continue;
        const std::string where =
            "seed " + std::to_string(seed) + " input " + std::to_string(input) + " " + variant_name(v);
        // The goto run of the same metering and tracing (all_variants() lists goto first).
        const VariantRun& ref = runs[i % 4];
        EXPECT_EQ(runs[i].status, ref.status) << where;
        EXPECT_EQ(runs[i].values, ref.values) << where;
        EXPECT_EQ(runs[i].gas_used, ref.gas_used) << where;
        EXPECT_TRUE(runs[i].memory == ref.memory) << where << ": memory differs";
        EXPECT_EQ(runs[i].trace_hash, ref.trace_hash) << where << ": instruction trace differs";
        EXPECT_EQ(runs[i].trace_steps, ref.trace_steps) << where;
        // Tracing changes nothing: the traced run agrees with the untraced one of its kind.
        const VariantRun& untraced = runs[i & ~size_t{1}];
        EXPECT_EQ(runs[i].status, untraced.status) << where;
        EXPECT_EQ(runs[i].values, untraced.values) << where;
        EXPECT_EQ(runs[i].gas_used, untraced.gas_used) << where;
        EXPECT_TRUE(runs[i].memory == untraced.memory) << where << ": memory differs when traced";
        // Metering changes no result of a run that did not stop for gas.
        if (finite) {
          EXPECT_EQ(runs[i].status, runs[0].status) << where;
          EXPECT_EQ(runs[i].values, runs[0].values) << where;
          EXPECT_TRUE(runs[i].memory == runs[0].memory) << where << ": memory differs when metered";
        }
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 60u * 2u * 4u);
}

}  // namespace
}  // namespace tenor::vm::test
