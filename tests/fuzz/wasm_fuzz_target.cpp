#include "wasm_fuzz_target.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tenor/vm/engine.hpp"

namespace tenor::fuzz {
namespace {

using namespace tenor::vm;

// Gas for each exported call: enough for real work, small enough to keep inputs fast.
constexpr uint64_t kGasPerCall = 200'000;

// Small limits: the fuzzer should spend its time on many inputs, not on a few huge ones. Metering
// on: every call runs under a gas limit, so loops and recursion end.
VmConfig fuzz_config() {
  VmConfig c;
  c.metering = true;
  c.max_call_depth = 200;
  c.value_stack_slots = 65'536;
  c.max_memory_pages = 16;
  c.max_table_size = 10'000;
  return c;
}

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "tenor fuzz: invariant broken: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

uint64_t fnv1a(const uint8_t* p, uint64_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

uint64_t fnv1a(const std::string& s) { return fnv1a(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

// Exercises the module's introspection API and checks it agrees with itself.
void introspect(const Module& module) {
  for (const ExportDesc& e : module.exports()) {
    const auto found = module.find_export(e.name);
    if (!found || found->kind != e.kind || found->index != e.index) {
      fail("find_export disagrees with exports()", e.name);
    }
    if (e.kind == ExternKind::Func) {
      if (e.index >= module.function_count()) fail("exported function index out of range", e.name);
      (void)module.function_type(e.index);
    }
  }
  for (uint32_t i = 0; i < module.function_count(); ++i) (void)module.function_type(i);
  (void)module.custom_section("name");
}

// Everything observable about one instantiation and its calls, for the determinism check.
using Transcript = std::vector<uint64_t>;
enum Marker : uint64_t { kStubRefused = 1, kInstantiateFailed, kReturned, kTrapped, kMemory, kGlobal };

// Stub imports of exactly the imported types: functions that return zeros, fresh memories, tables
// and zero-valued globals. Returns false when the store refuses to create one (too large).
bool define_stub_imports(Store& store, const Module& module, Linker& linker) {
  for (const ImportDesc& imp : module.imports()) {
    Extern ext;
    switch (imp.kind) {
      case ExternKind::Func: {
        const size_t n = imp.func.results.size();
        ext = Extern::func(store.create_host_function(
            imp.func, [n](HostCall&, const uint64_t*, uint64_t* results) -> std::optional<Trap> {
              std::fill_n(results, n, uint64_t{0});
              return std::nullopt;
            }));
        break;
      }
      case ExternKind::Table:
        if (imp.table.limits.min > store.config().max_table_size) return false;
        ext = Extern::table(store.create_table(imp.table));
        break;
      case ExternKind::Memory:
        if (imp.memory.limits.min > store.config().max_memory_pages) return false;
        ext = Extern::memory(store.create_memory(imp.memory));
        break;
      case ExternKind::Global: ext = Extern::global(store.create_global(imp.global, Value{imp.global.type, 0})); break;
    }
    if (ext.object == nullptr) return false;
    linker.define(imp.module, imp.name, ext);
  }
  return true;
}

Transcript run_module(const std::shared_ptr<const Module>& module, FuzzOutcome& outcome) {
  Transcript t;
  Store store(fuzz_config());
  Linker linker;
  if (!define_stub_imports(store, *module, linker)) {
    t.push_back(kStubRefused);
    return t;
  }
  CallOptions start_options;  // the start function runs metered, like every call
  start_options.gas_limit = kGasPerCall;
  auto inst = store.instantiate(module, linker, start_options);
  if (!inst) {
    const Error& e = inst.error();
    if (e.kind == ErrorKind::Malformed || e.kind == ErrorKind::Invalid || e.kind == ErrorKind::ProfileViolation) {
      fail("instantiate reported a load-time error kind", e.to_string());
    }
    t.insert(t.end(), {kInstantiateFailed, static_cast<uint64_t>(e.kind), fnv1a(e.to_string())});
    return t;
  }
  outcome.instantiated = true;

  Instance& instance = **inst;
  for (const ExportDesc& e : module->exports()) {
    if (e.kind != ExternKind::Func) continue;
    Function* f = instance.exported_function(e.name);
    if (f == nullptr) fail("exported function not found on the instance", e.name);
    const FuncType& type = f->type();
    if (!(type == module->function_type(e.index))) fail("export's type differs from the module's", e.name);
    std::vector<Value> args;
    for (ValType p : type.params) args.push_back(Value{p, 0});
    CallOptions options;
    options.gas_limit = kGasPerCall;
    const CallResult r = store.call(f, args, options);
    if (r.gas_used > kGasPerCall) fail("a call used more gas than its limit", e.name);
    t.push_back(r.gas_used);  // gas is consensus too
    if (r.trap) {
      if (r.trap->code == TrapCode::HostTrap) fail("trap from a host function that never traps", e.name);
      if (r.trap->code == TrapCode::OutOfGas && r.gas_used != kGasPerCall) {
        fail("out of gas, but gas_used is not the limit", e.name);
      }
      t.insert(t.end(), {kTrapped, static_cast<uint64_t>(r.trap->code)});
      continue;
    }
    if (r.values.size() != type.results.size()) fail("wrong number of results", e.name);
    t.push_back(kReturned);
    for (size_t i = 0; i < r.values.size(); ++i) {
      if (r.values[i].type != type.results[i]) fail("result of the wrong type", e.name);
      t.push_back(r.values[i].bits);
    }
  }
  if (const Memory* m = instance.memory()) t.insert(t.end(), {kMemory, m->size(), fnv1a(m->data(), m->size())});
  for (const ExportDesc& e : module->exports()) {
    if (e.kind != ExternKind::Global) continue;
    const auto ext = instance.find_export(e.name);
    const Global* g = ext ? ext->as_global() : nullptr;
    if (g == nullptr) fail("exported global not found on the instance", e.name);
    t.insert(t.end(), {kGlobal, g->get().bits});
  }
  return t;
}

}  // namespace

FuzzOutcome run_wasm_input(std::span<const uint8_t> bytes) {
  FuzzOutcome outcome;
  auto loaded = Module::load(bytes, fuzz_config());
  if (!loaded) {
    const Error& e = loaded.error();
    if (e.kind == ErrorKind::Unlinkable || e.kind == ErrorKind::Uninstantiable) {
      fail("load reported a link-time error kind", e.to_string());
    }
    (void)e.to_string();
    return outcome;
  }
  outcome.loaded = true;
  const std::shared_ptr<const Module> module = std::move(loaded).value();
  introspect(*module);

  // Determinism is consensus: the same module in two fresh stores must behave identically.
  FuzzOutcome second;
  const Transcript first_run = run_module(module, outcome);
  const Transcript second_run = run_module(module, second);
  if (first_run != second_run) fail("two runs of the same module in fresh stores differ");
  return outcome;
}

}  // namespace tenor::fuzz
