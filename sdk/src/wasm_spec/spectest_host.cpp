#include "tenor/sdk/spectest_host.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tenor::sdk {

void define_spectest(vm::Store& store, vm::Linker& linker) {
  using vm::Extern;
  using vm::ValType;

  struct PrintFunction {
    const char* name;
    std::vector<ValType> params;
  };
  const PrintFunction kPrintFunctions[] = {
      {"print", {}},
      {"print_i32", {ValType::I32}},
      {"print_i64", {ValType::I64}},
      {"print_f32", {ValType::F32}},
      {"print_f64", {ValType::F64}},
      {"print_i32_f32", {ValType::I32, ValType::F32}},
      {"print_f64_f64", {ValType::F64, ValType::F64}},
  };
  for (const auto& pf : kPrintFunctions) {
    // Printing is not observable by the tests; a no-op keeps runs quiet and deterministic.
    vm::Function* f = store.create_host_function(
        vm::FuncType{pf.params, {}},
        [](vm::HostCall&, const uint64_t*, uint64_t*) -> std::optional<vm::Trap> { return std::nullopt; });
    linker.define(kSpectestModule, pf.name, Extern::func(f));
  }

  linker.define(kSpectestModule, "global_i32",
                Extern::global(store.create_global({ValType::I32, false}, vm::Value::i32(666))));
  linker.define(kSpectestModule, "global_i64",
                Extern::global(store.create_global({ValType::I64, false}, vm::Value::i64(666))));
  linker.define(kSpectestModule, "global_f32",
                Extern::global(store.create_global({ValType::F32, false}, vm::Value::f32(666.6f))));
  linker.define(kSpectestModule, "global_f64",
                Extern::global(store.create_global({ValType::F64, false}, vm::Value::f64(666.6))));

  linker.define(kSpectestModule, "table", Extern::table(store.create_table(vm::TableType{vm::Limits{10, 20}})));
  linker.define(kSpectestModule, "memory", Extern::memory(store.create_memory(vm::MemoryType{vm::Limits{1, 2}})));
}

}  // namespace tenor::sdk
