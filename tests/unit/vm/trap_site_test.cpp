// Trap sites (CallResult::trap_site, TrapSite in trap.hpp): the function index and the code offset
// (relative to the code section's payload) of the WebAssembly instruction a call trapped at, for
// every kind of trap: an instruction that traps, a host function (its call), out of gas (the
// block whose charge failed, or the instruction charging dynamic gas), traps in callees, in other
// instances and in nested calls. Then the translator's offset map on random modules: sites are
// the same traced and untraced, and always name an instruction that can raise that trap.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "code.hpp"
#include "random_module.hpp"
#include "tenor/vm/gas.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

using TrapSites = VariantTest;  // every variant of the VM (variants.hpp)

::testing::AssertionResult trapped_at(const CallResult& r, TrapCode code, uint32_t func, uint32_t offset) {
  if (!r.trap) return ::testing::AssertionFailure() << "no trap, got " << describe(r);
  if (r.trap->code != code)
    return ::testing::AssertionFailure() << "trap " << trap_name(r.trap->code) << ", expected " << trap_name(code);
  if (!r.trap_site) return ::testing::AssertionFailure() << "trap " << trap_name(code) << " without a site";
  if (r.trap_site->func_index != func || r.trap_site->code_offset != offset)
    return ::testing::AssertionFailure() << "site (function " << r.trap_site->func_index << ", offset "
                                         << r.trap_site->code_offset << "), expected (function " << func << ", offset "
                                         << offset << ")";
  return ::testing::AssertionSuccess();
}

// The offset helper itself, on a module whose layout is known byte by byte.
TEST(TrapSiteHelpers, CodeBodyOffsetsFollowTheDwarfConvention) {
  WasmBuilder b;
  b.func({}, {}).code({op::end});                          // body: size 2, 0 local groups, end
  b.func({}, {}).locals({I32, I32, I64}).code({op::end});  // size 6: 2 groups (2 x i32, 1 x i64), end
  Bytes wasm = b.build();
  // Payload of the code section: count(1) | size(1) groups(1) end | size(1) groups(1) 2 7f 1 7e end
  EXPECT_EQ(code_body_offsets(wasm), (std::vector<uint32_t>{1 + 1 + 1, 1 + 3 + 1 + 1 + 4}));
}

TEST_P(TrapSites, TheInstructionThatTrapped) {
  Vm vm(cfg());
  WasmBuilder b;
  b.memory(1, 1);
  b.table(2);
  const uint32_t void_type = b.type({}, {});
  // f0: a / b
  const uint32_t div = b.func({I32, I32}, {I32})
                           .code({op::local_get, 0, op::local_get, 1, op::i32_div_s, op::end})
                           .export_("div")
                           .index();
  // f1
  b.func({}, {}).code({op::nop, op::nop, op::unreachable, op::end}).export_("unreachable");
  // f2
  b.func({I32}, {I32}).code({op::local_get, 0, op::i32_load, mem(2, 0), op::end}).export_("load");
  // f3: calls f0(7, 0): the trap is f0's
  b.func({}, {I32}).code({i32c(7), i32c(0), op::call, u(div), op::end}).export_("nested");
  // f4: call_indirect of an empty slot
  b.func({I32}, {}).code({op::local_get, 0, call_indirect(void_type), op::end}).export_("indirect");
  // f5: f32 -> i32 of NaN
  b.func({}, {I32})
      .code({f32c(std::numeric_limits<float>::quiet_NaN()), op::i32_trunc_f32_s, op::end})
      .export_("trunc");
  // f6: a lazy constant below a fused compare-and-if (the translator moves the comparison), then a
  // division: 5 / 0 when x != 0, unreachable inside the if when x == 0.
  b.func({I32}, {I32})
      .code({i32c(5), op::local_get, 0, op::i32_eqz, op::if_, bt::void_, op::unreachable, op::end, i32c(0),
          op::i32_div_s, op::end})
      .export_("fused");
  // f7: memory.fill out of bounds
  b.func({}, {}).code({i32c(65530), i32c(0), i32c(7), memory_fill(), op::end}).export_("fill");
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_EQ(body.size(), 8u);
  ASSERT_TRUE(vm.load(wasm));

  EXPECT_TRUE(trapped_at(vm.call("div", {i32v(1), i32v(0)}), TrapCode::IntegerDivideByZero, 0, body[0] + 4));
  EXPECT_TRUE(trapped_at(vm.call("div", {i32v(INT32_MIN), i32v(-1)}), TrapCode::IntegerOverflow, 0, body[0] + 4));
  EXPECT_TRUE(trapped_at(vm.call("unreachable"), TrapCode::Unreachable, 1, body[1] + 2));
  EXPECT_TRUE(trapped_at(vm.call("load", {i32v(65534)}), TrapCode::MemoryOutOfBounds, 2, body[2] + 2));
  EXPECT_TRUE(trapped_at(vm.call("nested"), TrapCode::IntegerDivideByZero, 0, body[0] + 4));
  EXPECT_TRUE(trapped_at(vm.call("indirect", {i32v(1)}), TrapCode::UninitializedElement, 4, body[4] + 2));
  EXPECT_TRUE(trapped_at(vm.call("indirect", {i32v(2)}), TrapCode::UndefinedElement, 4, body[4] + 2));
  EXPECT_TRUE(trapped_at(vm.call("trunc"), TrapCode::InvalidConversion, 5, body[5] + 5));
  EXPECT_TRUE(trapped_at(vm.call("fused", {i32v(0)}), TrapCode::Unreachable, 6, body[6] + 7));
  EXPECT_TRUE(trapped_at(vm.call("fused", {i32v(1)}), TrapCode::IntegerDivideByZero, 6, body[6] + 11));
  EXPECT_TRUE(trapped_at(vm.call("fill"), TrapCode::MemoryOutOfBounds, 7, body[7] + 8));

  // No trap, no site; the same store keeps reporting sites afterwards.
  CallResult ok = vm.call("div", {i32v(7), i32v(2)});
  EXPECT_TRUE(returns(ok, {i32v(3)}));
  EXPECT_FALSE(ok.trap_site);
  EXPECT_TRUE(trapped_at(vm.call("unreachable"), TrapCode::Unreachable, 1, body[1] + 2));
}

TEST_P(TrapSites, ImportedFunctionsCountInTheIndex) {
  Vm vm(cfg());
  Function* fail =
      vm.store.create_host_function({{}, {}}, [](HostCall&, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        return Trap{TrapCode::HostTrap, "boom"};
      });
  Function* ok = vm.store.create_host_function(
      {{}, {}}, [](HostCall&, const uint64_t*, uint64_t*) -> std::optional<Trap> { return std::nullopt; });
  vm.linker.define("env", "fail", Extern::func(fail));
  vm.linker.define("env", "ok", Extern::func(ok));
  WasmBuilder b;
  const uint32_t ok_index = b.import_func("env", "ok", {}, {});
  const uint32_t fail_index = b.import_func("env", "fail", {}, {});
  // f2: a host call that returns, then one that traps: the site is the trapping call instruction.
  b.func({}, {}).code({op::nop, op::call, u(ok_index), op::call, u(fail_index), op::end}).export_("host");
  // f3
  b.func({}, {}).code({op::unreachable, op::end}).export_("unreachable");
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  CallResult r = vm.call("host");
  EXPECT_TRUE(trapped_at(r, TrapCode::HostTrap, 2, body[0] + 3));
  EXPECT_EQ(r.trap->detail, "boom");
  EXPECT_TRUE(trapped_at(vm.call("unreachable"), TrapCode::Unreachable, 3, body[1]));

  // A host function called directly by the embedder ran no wasm: no site.
  CallResult direct = call(vm.store, fail);
  ASSERT_TRUE(direct.trap);
  EXPECT_FALSE(direct.trap_site);
  // Nor does a call refused for its arguments.
  CallResult refused = call(vm.store, vm.fn("unreachable"), {i32v(1)});
  ASSERT_TRUE(refused.trap);
  EXPECT_FALSE(refused.trap_site);
}

TEST_P(TrapSites, ATrapInAnotherInstanceIsReportedAtTheCallIntoIt) {
  Vm vm(cfg());
  WasmBuilder a;
  a.func({}, {}).code({op::nop, op::unreachable, op::end}).export_("boom");
  const Bytes wasm_a = a.build();
  ASSERT_TRUE(vm.load(wasm_a));
  Instance* inst_a = vm.inst;
  vm.linker.define_instance("a", *inst_a);

  WasmBuilder b;
  const uint32_t boom = b.import_func("a", "boom", {}, {});
  // f1 calls f2, which calls a.boom.
  b.func({}, {}).code({op::nop, op::call, u(2), op::end}).export_("f");
  b.func({}, {}).code({op::nop, op::nop, op::call, u(boom), op::end});
  const Bytes wasm_b = b.build();
  const std::vector<uint32_t> body_b = code_body_offsets(wasm_b);
  ASSERT_TRUE(vm.load(wasm_b));

  // In b's module: the innermost frame of b's own code, f2's call of the import.
  EXPECT_TRUE(trapped_at(vm.call("f"), TrapCode::Unreachable, 2, body_b[1] + 2));
  // Called directly, a's function reports its own site.
  const std::vector<uint32_t> body_a = code_body_offsets(wasm_a);
  EXPECT_TRUE(trapped_at(call(vm.store, inst_a->exported_function("boom")), TrapCode::Unreachable, 0, body_a[0] + 1));
}

TEST_P(TrapSites, AHostFunctionCallingBackInSeesTheInnerSiteAndTheCallerTheCall) {
  Vm vm(cfg());
  Function* inner_fn = nullptr;
  std::optional<TrapSite> inner_site;
  Function* host =
      vm.store.create_host_function({{}, {}}, [&](HostCall& hc, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        CallResult r = hc.store.call(inner_fn, std::vector<Value>{});
        inner_site = r.trap_site;
        return r.trap;
      });
  vm.linker.define("env", "h", Extern::func(host));
  WasmBuilder b;
  const uint32_t h = b.import_func("env", "h", {}, {});
  b.func({}, {}).code({i32c(1), i32c(0), op::i32_div_u, op::drop, op::end}).export_("inner");  // f1
  b.func({}, {}).code({op::nop, op::call, u(h), op::end}).export_("outer");                    // f2
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  inner_fn = vm.fn("inner");
  EXPECT_TRUE(trapped_at(vm.call("outer"), TrapCode::IntegerDivideByZero, 2, body[1] + 1));
  ASSERT_TRUE(inner_site);
  EXPECT_EQ(*inner_site, (TrapSite{1, body[0] + 4}));
}

TEST_P(TrapSites, TracedAndUntracedCallsReportTheSameSite) {
  Vm vm(cfg());
  WasmBuilder b;
  b.func({I32}, {I32})
      .code({op::block, bt::void_, op::local_get, 0, op::br_if, 0, op::unreachable, op::end, i32c(10), op::local_get, 0,
          op::i32_rem_u, op::end})
      .export_("f");
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  for (TraceLevel level : {TraceLevel::Call, TraceLevel::Block, TraceLevel::Instr}) {
    Tracer tracer(level);
    vm.options.tracer = &tracer;
    EXPECT_TRUE(trapped_at(vm.call("f", {i32v(0)}), TrapCode::Unreachable, 0, body[0] + 6));
    vm.options.tracer = nullptr;
    EXPECT_TRUE(trapped_at(vm.call("f", {i32v(0)}), TrapCode::Unreachable, 0, body[0] + 6));
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, TrapSites, ::testing::ValuesIn(all_variants()), variant_test_name);

// ---- out of gas ---------------------------------------------------------------------------------

VmConfig metered() {
  VmConfig c;
  c.metering = true;
  return c;
}

CallResult call_with_gas(Vm& vm, std::string_view name, std::vector<Value> args, uint64_t gas) {
  CallOptions o;
  o.gas_limit = gas;
  return vm.store.call(vm.fn(name), std::span<const Value>(args), o);
}

const detail::CompiledFunction& compiled(const Vm& vm, uint32_t defined_index) {
  return vm.inst->module().data().funcs.at(defined_index);
}

TEST(TrapSitesOutOfGas, ALoopThatNeverEndsStopsAtItsHeader) {
  Vm vm(metered());
  WasmBuilder b;
  // The entry block charges the constant and drop; the loop header starts a block of its own.
  b.func({}, {}).code({i32c(1), op::drop, op::loop, bt::void_, op::br, 0, op::end, op::end}).export_("spin");
  // Nothing charged before the loop: the entry's Gas instruction is the loop header's, and the
  // block it charges starts at the loop.
  b.func({}, {}).code({op::nop, op::loop, bt::void_, op::br, 0, op::end, op::end}).export_("spin2");
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "spin", {}, 10'000), TrapCode::OutOfGas, 0, body[0] + 3));
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "spin2", {}, 10'000), TrapCode::OutOfGas, 1, body[1] + 1));
}

TEST(TrapSitesOutOfGas, TheEntryBlockOfAFunctionStartsAtItsFirstInstruction) {
  Vm vm(metered());
  WasmBuilder b;
  b.func({}, {}).code({op::call, u(1), op::end}).export_("caller");                           // f0
  b.func({}, {}).code({i32c(1), i32c(2), op::i32_add, op::drop, op::end}).export_("callee");  // f1
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  const uint32_t caller_entry = compiled(vm, 0).entry_gas;
  const uint32_t callee_entry = compiled(vm, 1).entry_gas;
  ASSERT_GT(caller_entry, 0u);
  ASSERT_GT(callee_entry, 0u);
  // Enough for the caller's entry block only: the callee's entry charge fails.
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "caller", {}, caller_entry), TrapCode::OutOfGas, 1, body[1]));
  // Not even that: the caller's own entry block.
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "caller", {}, caller_entry - 1), TrapCode::OutOfGas, 0, body[0]));
  // Called directly with too little: the callee's entry.
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "callee", {}, callee_entry - 1), TrapCode::OutOfGas, 1, body[1]));
  EXPECT_TRUE(call_with_gas(vm, "caller", {}, caller_entry + callee_entry).ok());
}

TEST(TrapSitesOutOfGas, DynamicChargesStopAtTheirInstruction) {
  Vm vm(metered());
  Function* pricey =
      vm.store.create_host_function({{}, {}}, [](HostCall& hc, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        if (!hc.charge_gas(1'000'000)) return Trap{TrapCode::OutOfGas, {}};
        return std::nullopt;
      });
  vm.linker.define("env", "pricey", Extern::func(pricey));
  WasmBuilder b;
  const uint32_t h = b.import_func("env", "pricey", {}, {});
  b.memory(1);
  b.func({}, {I32}).code({i32c(1), op::memory_grow, 0, op::end}).export_("grow");  // f1
  b.func({}, {}).code({op::nop, op::call, u(h), op::end}).export_("host");         // f2
  const Bytes wasm = b.build();
  const std::vector<uint32_t> body = code_body_offsets(wasm);
  ASSERT_TRUE(vm.load(wasm));
  const uint32_t grow_entry = compiled(vm, 0).entry_gas;
  EXPECT_TRUE(trapped_at(
      call_with_gas(vm, "grow", {}, grow_entry + gas::kMemoryGrowPerPage - 1), TrapCode::OutOfGas, 1, body[0] + 2));
  // The host base cost fits, the host function's own charge does not.
  const uint32_t host_entry = compiled(vm, 1).entry_gas;
  EXPECT_TRUE(trapped_at(
      call_with_gas(vm, "host", {}, host_entry + gas::kHostCallBase + 10), TrapCode::OutOfGas, 2, body[1] + 1));
  // The host base cost does not fit.
  EXPECT_TRUE(trapped_at(call_with_gas(vm, "host", {}, host_entry), TrapCode::OutOfGas, 2, body[1] + 1));
}

// ---- the offset map on random modules ------------------------------------------------------------

// Decodes CompiledFunction::offset_map into its (pc, offset) entries.
std::vector<std::pair<uint32_t, uint32_t>> decode_map(const detail::CompiledFunction& f) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  size_t p = 0;
  uint32_t pc = 0;
  int64_t offset = 0;
  const auto& m = f.offset_map;
  while (p < m.size()) {
    uint64_t dp = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t b = m.at(p++);
      dp |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    int64_t d = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
      b = m.at(p++);
      d |= static_cast<int64_t>(static_cast<uint64_t>(b & 0x7F) << shift);
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) d |= static_cast<int64_t>(~uint64_t{0} << shift);
    pc += static_cast<uint32_t>(dp);
    offset += d;
    out.push_back({pc, static_cast<uint32_t>(offset)});
  }
  return out;
}

// Whether the instruction at `opcode` (its first byte) can raise `code`.
bool can_raise(uint8_t opcode, TrapCode code) {
  const bool call = opcode == 0x10 || opcode == 0x11;
  switch (code) {
    case TrapCode::Unreachable: return opcode == 0x00;
    case TrapCode::IntegerDivideByZero:
    case TrapCode::IntegerOverflow: return (opcode >= 0x6D && opcode <= 0x70) || (opcode >= 0x7F && opcode <= 0x82);
    case TrapCode::MemoryOutOfBounds: return (opcode >= 0x28 && opcode <= 0x3E) || opcode == 0xFC;
    case TrapCode::UndefinedElement:
    case TrapCode::UninitializedElement:
    case TrapCode::IndirectCallTypeMismatch: return opcode == 0x11;
    case TrapCode::CallStackExhausted:
    case TrapCode::ValueStackExhausted: return call;
    case TrapCode::OutOfGas:
      // A block start (the first instruction, loop, if, else, end, br_if) or a dynamic charge
      // (memory.grow, bulk memory); any call when the callee's entry block is where it failed is
      // reported in the callee.
      return true;
    default: return false;
  }
}

TEST(TrapSitesRandomModules, MapsAreOrderedAndSitesNameATrappingInstruction) {
  uint32_t sites = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const RandomModule rm = generate_random_module(seed);
    for (bool metering : {false, true}) {
      VmConfig cfg;
      cfg.metering = metering;
      cfg.max_call_depth = 64;
      cfg.value_stack_slots = 400;
      auto module = Module::load(rm.wasm, cfg);
      ASSERT_TRUE(module) << module.error().to_string();
      const detail::ModuleData& md = (*module)->data();
      const uint64_t csb = md.info.code_section_begin;
      for (size_t i = 0; i < md.funcs.size(); ++i) {
        const detail::CompiledFunction& f = md.funcs[i];
        const detail::FunctionBody& body = md.info.bodies[i];
        auto entries = decode_map(f);
        ASSERT_FALSE(entries.empty()) << "seed " << seed << " function " << i;
        EXPECT_EQ(entries.front().first, 0u);
        for (size_t k = 0; k < entries.size(); ++k) {
          if (k > 0) {
            EXPECT_LT(entries[k - 1].first, entries[k].first) << "seed " << seed << " function " << i;
            EXPECT_NE(entries[k - 1].second, entries[k].second) << "seed " << seed << " function " << i;
          }
          EXPECT_LT(entries[k].first, f.code.size());
          EXPECT_GE(entries[k].second + csb, body.code_begin);
          EXPECT_LT(entries[k].second + csb, body.code_end);
          EXPECT_EQ(f.code_offset_at(entries[k].first), entries[k].second);
        }
      }
      for (uint32_t a : {0u, 1u, 0x8000u, 0xFFFFFFFFu}) {
        // Runs are metered only: some generated loops never end and only gas stops them.
        for (uint64_t gas : {200'000u, 700u}) {
          if (!metering) continue;
          std::optional<TrapSite> seen[2];
          std::optional<TrapCode> trap;
          for (int traced = 0; traced < 2; ++traced) {
            Store store(cfg);
            auto inst = store.instantiate(*module, Linker{});
            ASSERT_TRUE(inst) << inst.error().to_string();
            Tracer tracer(TraceLevel::Instr, 0);
            CallOptions o;
            o.gas_limit = gas;
            if (traced) o.tracer = &tracer;
            const Value args[] = {Value::i32(a), Value::i64(a * 3ull)};
            CallResult r = store.call((*inst)->exported_function("run"), args, o);
            EXPECT_EQ(r.trap.has_value(), r.trap_site.has_value()) << "seed " << seed;
            seen[traced] = r.trap_site;
            if (r.trap) trap = r.trap->code;
          }
          EXPECT_EQ(seen[0], seen[1]) << "seed " << seed;
          if (!seen[0] || !trap) continue;
          ++sites;
          const TrapSite& s = *seen[0];
          ASSERT_LT(s.func_index, md.funcs.size() + md.info.num_imported_funcs);
          const detail::FunctionBody& body = md.info.bodies[s.func_index - md.info.num_imported_funcs];
          const uint64_t at = csb + s.code_offset;
          ASSERT_GE(at, body.code_begin);
          ASSERT_LT(at, body.code_end);
          EXPECT_TRUE(can_raise(rm.wasm[at], *trap))
              << "seed " << seed << ": " << trap_name(*trap) << " at opcode 0x" << std::hex << int{rm.wasm[at]};
        }
      }
    }
  }
  EXPECT_GT(sites, 50u);  // the generator's modules do trap, in many ways
}

}  // namespace
}  // namespace tenor::vm::test
