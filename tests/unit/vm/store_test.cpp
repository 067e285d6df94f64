// Tests of the Store, Linker and Module API (store.cpp): instantiation (imports, segments, the
// start function), link errors, argument checking of Store::call, the isolation of instances and
// stores, and what a module reports about itself.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------------------------
// Start function

TEST(StoreStart, RunsAfterTheSegmentsAndBeforeInstantiateReturns) {
  WasmBuilder b;
  b.memory(1);
  b.data(16, {42});
  uint32_t g = b.global(I32, true, i32c(0));
  // start: g = mem[16] + 1; mem[17] = 7
  auto start = b.func({}, {}).code({i32c(16), op::i32_load8_u, mem(0, 0), i32c(1), op::i32_add, op::global_set, u(g),
      i32c(17), i32c(7), op::i32_store8, mem(0, 0), op::end});
  b.start(start.index());
  b.export_global("g", g);
  b.export_memory("mem");
  Vm vm;
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_EQ(vm.inst->find_export("g")->as_global()->get(), i32v(43));
  EXPECT_EQ(vm.inst->memory()->data()[17], 7);
}

TEST(StoreStart, ImportedHostFunctionAsStart) {
  Vm vm;
  int runs = 0;
  Function* host =
      vm.store.create_host_function({{}, {}}, [&](HostCall& hc, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        ++runs;
        EXPECT_EQ(hc.caller, nullptr);
        return std::nullopt;
      });
  vm.linker.define("env", "init", Extern::func(host));
  WasmBuilder b;
  uint32_t init = b.import_func("env", "init", {}, {});
  b.func({}, {}).code({op::end});
  b.start(init);
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_EQ(runs, 1);
}

TEST(StoreStart, TrapInTheStartFunctionIsUninstantiable) {
  WasmBuilder b;
  auto helper = b.func({I32}, {I32}).code({op::local_get, 0, i32c(0), op::i32_div_s, op::end});
  auto start = b.func({}, {}).code({i32c(1), op::call, u(helper.index()), op::drop, op::end});
  b.start(start.index());
  Store store;
  Linker linker;
  auto r = instantiate(store, linker, b.build());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable) << r.error().to_string();
  EXPECT_TRUE(contains(r.error().message, "integer divide by zero")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "start")) << r.error().message;
  EXPECT_EQ(r.error().section, "start");

  // The store is still usable afterwards.
  WasmBuilder ok;
  ok.func({}, {I32}).code({i32c(5), op::end}).export_("five");
  auto r2 = instantiate(store, linker, ok.build());
  ASSERT_TRUE(r2);
  EXPECT_TRUE(returns(call(store, r2.value()->exported_function("five")), {i32v(5)}));
}

TEST(StoreStart, UnreachableAndHostTrapInStart) {
  {
    WasmBuilder b;
    auto start = b.func({}, {}).code({op::unreachable, op::end});
    b.start(start.index());
    Store store;
    auto r = instantiate(store, Linker{}, b.build());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
    EXPECT_TRUE(contains(r.error().message, "unreachable")) << r.error().message;
  }
  {
    Store store;
    Linker linker;
    Function* host =
        store.create_host_function({{}, {}}, [](HostCall&, const uint64_t*, uint64_t*) -> std::optional<Trap> {
          return Trap{TrapCode::HostTrap, "refused"};
        });
    linker.define("env", "h", Extern::func(host));
    WasmBuilder b;
    uint32_t h = b.import_func("env", "h", {}, {});
    auto start = b.func({}, {}).code({op::call, u(h), op::end});
    b.start(start.index());
    auto r = instantiate(store, linker, b.build());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
    EXPECT_TRUE(contains(r.error().message, "refused")) << r.error().message;
  }
}

// ---------------------------------------------------------------------------------------------
// Store::call argument checking

TEST(StoreCall, ArgumentCountAndTypeMismatchesTrapWithClearMessages) {
  WasmBuilder b;
  b.func({I32, I64}, {I64})
      .code({op::local_get, 0, op::i64_extend_i32_u, op::local_get, 1, op::i64_add, op::end})
      .export_("f");
  Vm vm;
  ASSERT_TRUE(vm.load(b.build()));
  CallResult r = vm.call("f", {i32v(1)});
  ASSERT_TRUE(traps(r, TrapCode::HostTrap, "wrong number of arguments: expected 2, got 1"));
  EXPECT_TRUE(r.values.empty());
  EXPECT_TRUE(traps(
      vm.call("f", {i32v(1), i64v(2), i64v(3)}), TrapCode::HostTrap, "wrong number of arguments: expected 2, got 3"));
  EXPECT_TRUE(traps(vm.call("f", {}), TrapCode::HostTrap, "expected 2, got 0"));
  r = vm.call("f", {i32v(1), i32v(2)});
  ASSERT_TRUE(traps(r, TrapCode::HostTrap, "argument 1 has type i32, expected i64"));
  EXPECT_TRUE(contains(r.trap->to_string(), "argument 1")) << r.trap->to_string();
  EXPECT_TRUE(traps(vm.call("f", {Value::f32(1.0f), i64v(2)}), TrapCode::HostTrap, "argument 0 has type f32"));
  EXPECT_TRUE(traps(call(vm.store, nullptr, {}), TrapCode::HostTrap, "null function"));
  // Well-typed calls still work, and an i32 argument's upper bits are ignored.
  EXPECT_TRUE(returns(vm.call("f", {i32v(1), i64v(2)}), {i64v(3)}));
  EXPECT_TRUE(returns(vm.call("f", {Value{I32, 0xFFFFFFFF00000005ull}, i64v(2)}), {i64v(7)}));
}

TEST(StoreCall, ManyArgumentsThroughTheHeapPathAndATypeErrorLate) {
  std::vector<ValType> params(24, I64);
  Bytes body;
  for (uint32_t i = 0; i < 24; ++i) append(body, {op::local_get, static_cast<uint8_t>(i)});
  for (uint32_t i = 0; i < 23; ++i) body.push_back(op::i64_add);
  body.push_back(op::end);
  WasmBuilder b;
  b.func(params, {I64}).code({body}).export_("sum");
  Vm vm;
  ASSERT_TRUE(vm.load(b.build()));
  std::vector<Value> args;
  for (int i = 0; i < 24; ++i) args.push_back(i64v(int64_t{1} << i));
  EXPECT_TRUE(returns(vm.call("sum", args), {i64v((int64_t{1} << 24) - 1)}));
  args[20] = i32v(1);
  EXPECT_TRUE(traps(vm.call("sum", args), TrapCode::HostTrap, "argument 20 has type i32, expected i64"));
}

TEST(StoreCall, HostFunctionCalledDirectlyIsCheckedToo) {
  Store store;
  Function* h =
      store.create_host_function({{I32}, {I32}}, [](HostCall&, const uint64_t* a, uint64_t* r) -> std::optional<Trap> {
        r[0] = a[0] + 1;
        return std::nullopt;
      });
  EXPECT_TRUE(returns(call(store, h, {i32v(1)}), {i32v(2)}));
  EXPECT_TRUE(traps(call(store, h, {}), TrapCode::HostTrap, "wrong number of arguments"));
  EXPECT_TRUE(traps(call(store, h, {i64v(1)}), TrapCode::HostTrap, "argument 0"));
  EXPECT_TRUE(h->is_host());
  EXPECT_EQ(h->instance(), nullptr);
}

// An i32 result is a 32-bit value: whatever a host function leaves in the upper half of its result
// slot must not reach the embedder (Values compare by bits, and results feed state roots).
TEST(StoreCall, I32ResultsFromHostFunctionsAreNormalised) {
  Vm vm;
  Function* h =
      vm.store.create_host_function({{}, {I32}}, [](HostCall&, const uint64_t*, uint64_t* r) -> std::optional<Trap> {
        r[0] = static_cast<uint64_t>(int64_t{-1});  // i32 -1 written sign-extended
        return std::nullopt;
      });
  vm.linker.define("env", "h", Extern::func(h));
  WasmBuilder b;
  uint32_t hi = b.import_func("env", "h", {}, {I32});
  uint32_t g = b.global(I32, true, i32c(0));
  b.func({}, {I32}).code({op::call, u(hi), op::end}).export_("direct");
  b.func({}, {I32}).code({op::call, u(hi), op::global_set, u(g), op::global_get, u(g), op::end}).export_("via_global");
  b.export_global("g", g);
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("direct"), {i32v(-1)}));
  EXPECT_TRUE(returns(vm.call("via_global"), {i32v(-1)}));
  EXPECT_EQ(vm.inst->find_export("g")->as_global()->get(), i32v(-1));
}

// ---------------------------------------------------------------------------------------------
// Linking

Result<Instance*> link(Store& store, const Linker& linker, const WasmBuilder& b) {
  return instantiate(store, linker, b.build());
}

TEST(StoreLink, UnknownImport) {
  Store store;
  Linker linker;
  WasmBuilder b;
  b.import_func("env", "missing", {I32}, {});
  auto r = link(store, linker, b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
  EXPECT_TRUE(contains(r.error().message, "unknown import")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "env")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "missing")) << r.error().message;
  EXPECT_EQ(r.error().section, "import");
  EXPECT_TRUE(r.error().offset.has_value());
  EXPECT_TRUE(contains(r.error().to_string(), "missing"));
}

TEST(StoreLink, IncompatibleImports) {
  Store store;
  Linker linker;
  Function* f_i32 = store.create_host_function(
      {{I32}, {}}, [](HostCall&, const uint64_t*, uint64_t*) -> std::optional<Trap> { return std::nullopt; });
  linker.define("env", "f", Extern::func(f_i32));
  linker.define("env", "mem", Extern::memory(store.create_memory({{1, 2}})));
  linker.define("env", "mem_nomax", Extern::memory(store.create_memory({{1, std::nullopt}})));
  linker.define("env", "table", Extern::table(store.create_table({{2, std::nullopt}})));
  linker.define("env", "g_const", Extern::global(store.create_global({I32, false}, i32v(1))));
  linker.define("env", "g_mut", Extern::global(store.create_global({I32, true}, i32v(1))));

  auto expect_unlinkable = [&](const WasmBuilder& b, const std::string& part) {
    auto r = link(store, linker, b);
    ASSERT_FALSE(r) << part;
    EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable) << r.error().to_string();
    EXPECT_TRUE(contains(r.error().message, part)) << r.error().message;
  };
  {
    WasmBuilder b;
    b.import_func("env", "f", {I64}, {});
    expect_unlinkable(b, "incompatible import type");
  }
  {
    WasmBuilder b;
    b.import_func("env", "f", {I32}, {I32});
    expect_unlinkable(b, "incompatible import type");
  }
  {
    WasmBuilder b;
    b.import_func("env", "mem", {}, {});  // a memory where a function is expected
    expect_unlinkable(b, "incompatible import type");
  }
  {
    WasmBuilder b;
    b.import_memory("env", "f", 1);  // a function where a memory is expected
    expect_unlinkable(b, "incompatible import type");
  }
  {
    WasmBuilder b;
    b.import_memory("env", "mem", 3);  // minimum larger than the memory
    expect_unlinkable(b, "memory");
  }
  {
    WasmBuilder b;
    b.import_memory("env", "mem_nomax", 1, 4);  // a maximum required, none provided
    expect_unlinkable(b, "memory");
  }
  {
    WasmBuilder b;
    b.import_memory("env", "mem", 1, 1);  // provided maximum 2 exceeds the required 1
    expect_unlinkable(b, "memory");
  }
  {
    WasmBuilder b;
    b.import_table("env", "table", 3);
    expect_unlinkable(b, "table");
  }
  {
    WasmBuilder b;
    b.import_global("env", "g_const", I32, true);  // mutability differs
    expect_unlinkable(b, "global");
  }
  {
    WasmBuilder b;
    b.import_global("env", "g_mut", I32, false);
    expect_unlinkable(b, "global");
  }
  {
    WasmBuilder b;
    b.import_global("env", "g_const", I64, false);  // type differs
    expect_unlinkable(b, "global");
  }
  // Compatible imports link.
  {
    WasmBuilder b;
    b.import_func("env", "f", {I32}, {});
    b.import_memory("env", "mem", 1, 2);
    b.import_table("env", "table", 1);
    b.import_global("env", "g_const", I32, false);
    b.import_global("env", "g_mut", I32, true);
    auto r = link(store, linker, b);
    EXPECT_TRUE(r) << r.error().to_string();
  }
}

TEST(StoreLink, DefineInstanceExportsEverything) {
  Store store;
  Linker linker;
  WasmBuilder a;
  a.memory(1);
  a.table(2);
  uint32_t g = a.global(I64, true, i64c(9));
  a.func({}, {I64}).code({op::global_get, u(g), op::end}).export_("get");
  a.export_memory("mem").export_table("tab").export_global("g", g);
  auto ra = link(store, linker, a);
  ASSERT_TRUE(ra);
  linker.define_instance("a", *ra.value());
  EXPECT_TRUE(linker.resolve("a", "get").has_value());
  EXPECT_EQ(linker.resolve("a", "mem")->kind, ExternKind::Memory);
  EXPECT_EQ(linker.resolve("a", "tab")->kind, ExternKind::Table);
  EXPECT_EQ(linker.resolve("a", "g")->as_global(), ra.value()->find_export("g")->as_global());
  EXPECT_FALSE(linker.resolve("a", "nope").has_value());
  EXPECT_FALSE(linker.resolve("b", "get").has_value());

  WasmBuilder b;
  uint32_t get = b.import_func("a", "get", {}, {I64});
  b.import_memory("a", "mem", 1);
  b.import_table("a", "tab", 2);
  uint32_t ig = b.import_global("a", "g", I64, true);
  b.func({}, {I64})
      .code({op::call, u(get), i64c(1), op::i64_add, op::global_set, u(ig), op::call, u(get), op::end})
      .export_("bump");
  auto rb = link(store, linker, b);
  ASSERT_TRUE(rb) << rb.error().to_string();
  EXPECT_TRUE(returns(call(store, rb.value()->exported_function("bump")), {i64v(10)}));
  EXPECT_EQ(rb.value()->memory(), ra.value()->memory());
}

// ---------------------------------------------------------------------------------------------
// Segments at instantiation

TEST(StoreSegments, OutOfBoundsSegmentsAreUninstantiableAndEarlierWritesStay) {
  Store store;
  Linker linker;
  Memory* m = store.create_memory({{1, std::nullopt}});
  Table* t = store.create_table({{2, std::nullopt}});
  linker.define("env", "mem", Extern::memory(m));
  linker.define("env", "tab", Extern::table(t));
  {
    WasmBuilder b;
    b.import_memory("env", "mem", 1);
    b.data(0, {1, 2, 3});
    b.data(65535, {9, 9});  // one byte too long
    auto r = link(store, linker, b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
    EXPECT_EQ(r.error().section, "data");
    EXPECT_TRUE(contains(r.error().message, "out of bounds memory access")) << r.error().message;
    EXPECT_EQ(m->data()[0], 1);
    EXPECT_EQ(m->data()[2], 3);
    EXPECT_EQ(m->data()[65535], 0);
  }
  {
    WasmBuilder b;
    b.import_memory("env", "mem", 1);
    b.data(65536, {});  // empty segment at the very end: fine
    b.data(65534, {5, 6});
    EXPECT_TRUE(link(store, linker, b));
    EXPECT_EQ(m->data()[65535], 6);
  }
  {
    WasmBuilder b;
    b.import_table("env", "tab", 2);
    auto f = b.func({}, {}).code({op::end});
    b.elem(0, {f.index()});
    b.elem(1, {f.index(), f.index()});  // one too long
    auto r = link(store, linker, b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
    EXPECT_EQ(r.error().section, "element");
    EXPECT_TRUE(contains(r.error().message, "out of bounds table access")) << r.error().message;
    EXPECT_NE(t->get(0), nullptr);
    EXPECT_EQ(t->get(1), nullptr);
  }
  {
    // Offsets from an imported global.
    linker.define("env", "base", Extern::global(store.create_global({I32, false}, i32v(100))));
    WasmBuilder b;
    b.import_memory("env", "mem", 1);
    uint32_t base = b.import_global("env", "base", I32, false);
    b.data_expr(Bytes{op::global_get, static_cast<uint8_t>(base)}, {0x77});
    EXPECT_TRUE(link(store, linker, b));
    EXPECT_EQ(m->data()[100], 0x77);
  }
}

// ---------------------------------------------------------------------------------------------
// Isolation and module metadata

TEST(StoreIsolation, InstancesAndStoresDoNotShareState) {
  WasmBuilder b;
  b.memory(1);
  uint32_t g = b.global(I32, true, i32c(0));
  b.func({}, {I32})
      .code({op::global_get, u(g), i32c(1), op::i32_add, op::global_set, u(g), i32c(0), op::global_get, u(g),
          op::i32_store, mem(2, 0), i32c(0), op::i32_load, mem(2, 0), op::end})
      .export_("inc");
  auto m = Module::load(b.build());
  ASSERT_TRUE(m);
  Store s1, s2;
  Linker linker;
  auto i1 = s1.instantiate(*m, linker);
  auto i2 = s1.instantiate(*m, linker);
  auto i3 = s2.instantiate(*m, linker);
  ASSERT_TRUE(i1 && i2 && i3);
  EXPECT_TRUE(returns(call(s1, i1.value()->exported_function("inc")), {i32v(1)}));
  EXPECT_TRUE(returns(call(s1, i1.value()->exported_function("inc")), {i32v(2)}));
  EXPECT_TRUE(returns(call(s1, i2.value()->exported_function("inc")), {i32v(1)}));
  EXPECT_TRUE(returns(call(s2, i3.value()->exported_function("inc")), {i32v(1)}));
  EXPECT_NE(i1.value()->memory(), i2.value()->memory());
}

TEST(StoreModule, ReportsImportsExportsAndFunctionTypes) {
  WasmBuilder b;
  b.import_func("env", "f", {I32, I64}, {F32});
  b.import_memory("env", "mem", 1, 2);
  b.import_global("env", "g", F64, true);
  auto own = b.func({F64}, {I32, I32}).code({i32c(1), i32c(2), op::end}).export_("own");
  b.export_func("reexport", 0);
  Bytes wasm = b.build();
  auto m = Module::load(wasm);
  ASSERT_TRUE(m) << m.error().to_string();
  const Module& mod = **m;
  ASSERT_EQ(mod.imports().size(), 3u);
  EXPECT_EQ(mod.imports()[0].module, "env");
  EXPECT_EQ(mod.imports()[0].name, "f");
  EXPECT_EQ(mod.imports()[0].kind, ExternKind::Func);
  EXPECT_EQ(mod.imports()[0].func, (FuncType{{I32, I64}, {F32}}));
  EXPECT_EQ(mod.imports()[1].kind, ExternKind::Memory);
  EXPECT_EQ(mod.imports()[1].memory.limits, (Limits{1, 2}));
  EXPECT_EQ(mod.imports()[2].global, (GlobalType{F64, true}));
  EXPECT_EQ(mod.function_count(), 2u);
  EXPECT_EQ(own.index(), 1u);
  EXPECT_EQ(mod.function_type(0), (FuncType{{I32, I64}, {F32}}));
  EXPECT_EQ(mod.function_type(1), (FuncType{{F64}, {I32, I32}}));
  ASSERT_TRUE(mod.find_export("own").has_value());
  EXPECT_EQ(mod.find_export("own")->index, 1u);
  EXPECT_EQ(mod.find_export("reexport")->index, 0u);
  EXPECT_FALSE(mod.find_export("none").has_value());
}

// A re-exported host import is the same Function object as the one defined in the linker.
TEST(StoreModule, ReexportedImportIsTheSameFunction) {
  Store store;
  Linker linker;
  Function* h =
      store.create_host_function({{}, {I32}}, [](HostCall&, const uint64_t*, uint64_t* r) -> std::optional<Trap> {
        r[0] = 11;
        return std::nullopt;
      });
  linker.define("env", "h", Extern::func(h));
  WasmBuilder b;
  uint32_t hi = b.import_func("env", "h", {}, {I32});
  b.export_func("h", hi);
  auto r = instantiate(store, linker, b.build());
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value()->exported_function("h"), h);
  EXPECT_TRUE(returns(call(store, r.value()->exported_function("h")), {i32v(11)}));
}

}  // namespace
}  // namespace tenor::vm::test
