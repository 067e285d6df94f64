// Embedding the Tenor VM: load a module, provide a host function, instantiate, call exports, and
// handle errors and traps. Built and run by the test suite (tests/docs), which checks its output.
//
// The module, written out in the text format:
//
//   (module
//     (import "env" "scale" (func $scale (param i32) (result i32)))
//     (func (export "scaled_sum") (param i32 i32) (result i32)
//       (call $scale (i32.add (local.get 0) (local.get 1))))
//     (func (export "div") (param i32 i32) (result i32)
//       (i32.div_s (local.get 0) (local.get 1))))
#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

#include "tenor/vm/engine.hpp"

using namespace tenor::vm;

static const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version 1
    // type section: 0 = (i32, i32) -> i32, 1 = (i32) -> i32
    0x01, 0x0c, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    // import section: func "env" "scale" of type 1
    0x02, 0x0d, 0x01, 0x03, 'e', 'n', 'v', 0x05, 's', 'c', 'a', 'l', 'e', 0x00, 0x01,
    // function section: two functions of type 0
    0x03, 0x03, 0x02, 0x00, 0x00,
    // export section: "scaled_sum" = func 1, "div" = func 2
    0x07, 0x14, 0x02, 0x0a, 's', 'c', 'a', 'l', 'e', 'd', '_', 's', 'u', 'm', 0x00, 0x01, 0x03, 'd', 'i', 'v', 0x00,
    0x02,
    // code section
    0x0a, 0x13, 0x02, 0x09, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x10, 0x00, 0x0b,  // local.get 0 1, i32.add, call 0
    0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b,                                // local.get 0 1, i32.div_s
};

// Calls an exported (i32, i32) -> i32 function and prints the result or the trap.
static void call_and_print(Store& store, Instance& instance, const char* name, int32_t a, int32_t b) {
  Function* f = instance.exported_function(name);
  if (f == nullptr) {
    std::printf("%s: no such export\n", name);
    return;
  }
  const Value args[] = {Value::i32(static_cast<uint32_t>(a)), Value::i32(static_cast<uint32_t>(b))};
  CallResult r = store.call(f, args);
  if (!r.ok()) {
    // A trap is a normal, deterministic outcome: the store stays usable afterwards.
    std::printf("%s(%d, %d) trapped: %s\n", name, a, b, r.trap->to_string().c_str());
    return;
  }
  std::printf("%s(%d, %d) = %d\n", name, a, b, r.values.at(0).as_i32());
}

int main() {
  // 1. Decode, validate and predecode, once. A Module is immutable and shareable.
  auto module = Module::load(kModule);
  if (!module) {
    std::printf("load failed: %s\n", module.error().to_string().c_str());
    return 1;
  }

  // 2. A Store owns everything at run time; the VmConfig holds every limit.
  Store store;

  // 3. Imports resolve through a Linker. Host functions get and set raw 64-bit slots.
  Linker linker;
  Function* scale =
      store.create_host_function(FuncType{{ValType::I32}, {ValType::I32}},
                                 [](HostCall&, const uint64_t* args, uint64_t* results) -> std::optional<Trap> {
                                   results[0] = static_cast<uint32_t>(args[0]) * 10u;
                                   return std::nullopt;
                                 });
  linker.define("env", "scale", Extern::func(scale));

  // 4. Instantiate: link imports, apply segments, run the start function.
  auto instance = store.instantiate(*module, linker);
  if (!instance) {
    std::printf("instantiate failed: %s\n", instance.error().to_string().c_str());
    return 1;
  }

  // 5. Call exports.
  call_and_print(store, **instance, "scaled_sum", 2, 40);
  call_and_print(store, **instance, "div", 7, 2);
  call_and_print(store, **instance, "div", 7, 0);

  // Errors are values too: a truncated module is rejected with its kind, place and reason.
  std::vector<uint8_t> truncated(kModule.begin(), kModule.end() - 3);
  auto bad = Module::load(truncated);
  if (!bad) std::printf("truncated module rejected: %s\n", to_string(bad.error().kind));
  return 0;
}
