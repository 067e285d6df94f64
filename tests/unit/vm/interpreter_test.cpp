// Tests of the interpreter (interpreter.cpp) beyond the spec suite: every trap code and its
// message, memory and table bounds at their exact edges, the call and value stack limits, memory
// growth, bulk memory, globals, calls (recursion, many arguments, across instances, through a
// shared table), host functions (results, traps, memory growth, re-entry into the store), and the
// state of the store after a trap.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

// Every test runs on every variant of the VM (variants.hpp): dispatch x metering x tracing.
using Variant = VariantTest;
using InterpreterBulkMemory = Variant;
using InterpreterCalls = Variant;
using InterpreterGlobals = Variant;
using InterpreterHost = Variant;
using InterpreterLimits = Variant;
using InterpreterMemory = Variant;
using InterpreterRecovery = Variant;
using InterpreterTables = Variant;
using InterpreterTraps = Variant;

// ---------------------------------------------------------------------------------------------
// Trap codes and messages

TEST_P(InterpreterTraps, CodesNamesAndMessagesAreStable) {
  struct Row {
    TrapCode code;
    uint8_t number;
    const char* name;
    const char* message;
  };
  const Row rows[] = {
      {TrapCode::Unreachable, 0, "Unreachable", "unreachable"},
      {TrapCode::IntegerDivideByZero, 1, "IntegerDivideByZero", "integer divide by zero"},
      {TrapCode::IntegerOverflow, 2, "IntegerOverflow", "integer overflow"},
      {TrapCode::InvalidConversion, 3, "InvalidConversion", "invalid conversion to integer"},
      {TrapCode::MemoryOutOfBounds, 4, "MemoryOutOfBounds", "out of bounds memory access"},
      {TrapCode::TableOutOfBounds, 5, "TableOutOfBounds", "out of bounds table access"},
      {TrapCode::UndefinedElement, 6, "UndefinedElement", "undefined element"},
      {TrapCode::UninitializedElement, 7, "UninitializedElement", "uninitialized element"},
      {TrapCode::IndirectCallTypeMismatch, 8, "IndirectCallTypeMismatch", "indirect call type mismatch"},
      {TrapCode::CallStackExhausted, 9, "CallStackExhausted", "call stack exhausted"},
      {TrapCode::ValueStackExhausted, 10, "ValueStackExhausted", "call stack exhausted (value stack)"},
      {TrapCode::OutOfGas, 11, "OutOfGas", "out of gas"},
      {TrapCode::HostTrap, 12, "HostTrap", "host function trapped"},
      {TrapCode::Revert, 13, "Revert", "reverted"},
      {TrapCode::Reentrancy, 14, "Reentrancy", "re-entrant call refused"},
      {TrapCode::Abort, 15, "Abort", "aborted"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(static_cast<uint8_t>(r.code), r.number);
    EXPECT_STREQ(trap_name(r.code), r.name);
    EXPECT_STREQ(trap_message(r.code), r.message);
    EXPECT_EQ((Trap{r.code, ""}.to_string()), r.message);
    EXPECT_EQ((Trap{r.code, "why"}.to_string()), std::string(r.message) + ": why");
  }
}

TEST_P(InterpreterTraps, UnreachableDeepInTheCallStack) {
  WasmBuilder b;
  auto inner =
      b.func({I32}, {I32}).code({op::local_get, 0, op::if_, bt::void_, op::unreachable, op::end, i32c(3), op::end});
  b.func({I32}, {I32})
      .code({i32c(1), i32c(2), op::local_get, 0, op::call, u(inner.index()), op::i32_add, op::i32_add, op::end})
      .export_("f");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  CallResult r = vm.call("f", {i32v(1)});
  ASSERT_TRUE(traps(r, TrapCode::Unreachable));
  EXPECT_EQ(r.trap->to_string(), "unreachable");
  EXPECT_TRUE(r.values.empty());
  EXPECT_TRUE(returns(vm.call("f", {i32v(0)}), {i32v(6)}));
}

TEST_P(InterpreterTraps, IntegerDivisionAndRemainder) {
  WasmBuilder b;
  struct Op {
    const char* name;
    uint8_t opc;
    bool is64;
  };
  const Op ops[] = {{"i32.div_s", op::i32_div_s, false}, {"i32.div_u", op::i32_div_u, false},
      {"i32.rem_s", op::i32_rem_s, false}, {"i32.rem_u", op::i32_rem_u, false}, {"i64.div_s", op::i64_div_s, true},
      {"i64.div_u", op::i64_div_u, true}, {"i64.rem_s", op::i64_rem_s, true}, {"i64.rem_u", op::i64_rem_u, true}};
  for (const Op& o : ops) {
    ValType t = o.is64 ? I64 : I32;
    b.func({t, t}, {t}).code({op::local_get, 0, op::local_get, 1, o.opc, op::end}).export_(std::string(o.name) + "_rr");
    b.func({t}, {t})
        .code({op::local_get, 0, o.is64 ? i64c(0) : i32c(0), o.opc, op::end})
        .export_(std::string(o.name) + "_by0");
    b.func({t}, {t})
        .code({op::local_get, 0, o.is64 ? i64c(-1) : i32c(-1), o.opc, op::end})
        .export_(std::string(o.name) + "_bym1");
  }
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  for (const Op& o : ops) {
    SCOPED_TRACE(o.name);
    std::string n = o.name;
    Value zero = o.is64 ? i64v(0) : i32v(0);
    Value seven = o.is64 ? i64v(7) : i32v(7);
    Value min = o.is64 ? i64v(std::numeric_limits<int64_t>::min()) : i32v(std::numeric_limits<int32_t>::min());
    Value m1 = o.is64 ? i64v(-1) : i32v(-1);
    CallResult r = vm.call(n + "_rr", {seven, zero});
    ASSERT_TRUE(traps(r, TrapCode::IntegerDivideByZero));
    EXPECT_EQ(r.trap->to_string(), "integer divide by zero");
    EXPECT_TRUE(traps(vm.call(n + "_by0", {seven}), TrapCode::IntegerDivideByZero));
    EXPECT_TRUE(traps(vm.call(n + "_by0", {zero}), TrapCode::IntegerDivideByZero));
    bool is_div_s = n.find("div_s") != std::string::npos;
    bool is_rem_s = n.find("rem_s") != std::string::npos;
    if (is_div_s) {
      CallResult ov = vm.call(n + "_rr", {min, m1});
      ASSERT_TRUE(traps(ov, TrapCode::IntegerOverflow));
      EXPECT_EQ(ov.trap->to_string(), "integer overflow");
      EXPECT_TRUE(traps(vm.call(n + "_bym1", {min}), TrapCode::IntegerOverflow));
      EXPECT_TRUE(returns(vm.call(n + "_bym1", {seven}), {o.is64 ? i64v(-7) : i32v(-7)}));
    } else if (is_rem_s) {
      EXPECT_TRUE(returns(vm.call(n + "_rr", {min, m1}), {zero}));
      EXPECT_TRUE(returns(vm.call(n + "_bym1", {min}), {zero}));
    }
  }
}

TEST_P(InterpreterTraps, FloatToIntConversions) {
  WasmBuilder b;
  b.func({F32}, {I32}).code({op::local_get, 0, op::i32_trunc_f32_s, op::end}).export_("i32_f32_s");
  b.func({F64}, {I32}).code({op::local_get, 0, op::i32_trunc_f64_u, op::end}).export_("i32_f64_u");
  b.func({F64}, {I64}).code({op::local_get, 0, op::i64_trunc_f64_s, op::end}).export_("i64_f64_s");
  b.func({F32}, {I64}).code({op::local_get, 0, op::i64_trunc_f32_u, op::end}).export_("i64_f32_u");
  b.func({F64}, {I32}).code({op::local_get, 0, trunc_sat(2), op::end}).export_("sat_i32_f64_s");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  float nanf = std::numeric_limits<float>::quiet_NaN();
  double nand = std::numeric_limits<double>::quiet_NaN();
  CallResult r = vm.call("i32_f32_s", {Value::f32(nanf)});
  ASSERT_TRUE(traps(r, TrapCode::InvalidConversion));
  EXPECT_EQ(r.trap->to_string(), "invalid conversion to integer");
  EXPECT_TRUE(traps(vm.call("i32_f64_u", {Value::f64(nand)}), TrapCode::InvalidConversion));
  EXPECT_TRUE(traps(vm.call("i64_f64_s", {Value::f64(nand)}), TrapCode::InvalidConversion));
  EXPECT_TRUE(traps(vm.call("i64_f32_u", {Value::f32(nanf)}), TrapCode::InvalidConversion));
  // Out of range: integer overflow, at the exact bounds.
  EXPECT_TRUE(traps(vm.call("i32_f32_s", {Value::f32(2147483648.0f)}), TrapCode::IntegerOverflow));
  EXPECT_TRUE(returns(vm.call("i32_f32_s", {Value::f32(-2147483648.0f)}), {i32v(INT32_MIN)}));
  EXPECT_TRUE(returns(vm.call("i32_f64_u", {Value::f64(-0.9)}), {i32v(0)}));
  EXPECT_TRUE(traps(vm.call("i32_f64_u", {Value::f64(-1.0)}), TrapCode::IntegerOverflow));
  EXPECT_TRUE(returns(vm.call("i32_f64_u", {Value::f64(4294967295.9)}), {i32v(-1)}));
  EXPECT_TRUE(traps(vm.call("i32_f64_u", {Value::f64(4294967296.0)}), TrapCode::IntegerOverflow));
  EXPECT_TRUE(traps(vm.call("i64_f64_s", {Value::f64(9223372036854775808.0)}), TrapCode::IntegerOverflow));
  EXPECT_TRUE(traps(vm.call("i64_f32_u", {Value::f32(-INFINITY)}), TrapCode::IntegerOverflow));
  // Saturating conversions never trap.
  EXPECT_TRUE(returns(vm.call("sat_i32_f64_s", {Value::f64(nand)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("sat_i32_f64_s", {Value::f64(1e100)}), {i32v(INT32_MAX)}));
  EXPECT_TRUE(returns(vm.call("sat_i32_f64_s", {Value::f64(-1e100)}), {i32v(INT32_MIN)}));
}

// ---------------------------------------------------------------------------------------------
// Memory bounds

struct MemOp {
  const char* name;
  uint8_t opc;
  uint32_t size;
  bool is_store;
  ValType value;
};

const MemOp kMemOps[] = {
    {"i32.load", op::i32_load, 4, false, I32},
    {"i64.load", op::i64_load, 8, false, I64},
    {"f32.load", op::f32_load, 4, false, F32},
    {"f64.load", op::f64_load, 8, false, F64},
    {"i32.load8_u", op::i32_load8_u, 1, false, I32},
    {"i32.load16_s", op::i32_load16_s, 2, false, I32},
    {"i64.load32_u", op::i64_load32_u, 4, false, I64},
    {"i64.load8_s", op::i64_load8_s, 1, false, I64},
    {"i32.store", op::i32_store, 4, true, I32},
    {"i64.store", op::i64_store, 8, true, I64},
    {"f64.store", op::f64_store, 8, true, F64},
    {"i32.store8", op::i32_store8, 1, true, I32},
    {"i64.store16", op::i64_store16, 2, true, I64},
    {"i64.store32", op::i64_store32, 4, true, I64},
};

// Each access at the last in-bounds address passes; one byte further traps, for a register address
// with offset 0, a constant address, and a static offset that pushes the effective address past
// 4 GiB (no wrap-around).
TEST_P(InterpreterMemory, LoadsAndStoresAtTheExactBoundary) {
  constexpr uint32_t kSize = 65536;
  for (const MemOp& m : kMemOps) {
    SCOPED_TRACE(m.name);
    WasmBuilder b;
    b.memory(1);
    // f(addr) with offset 0; g(addr) with offset 16; h(addr) with offset 0xFFFFFFFF.
    auto body = [&](uint32_t offset) {
      Bytes code = {op::local_get, 0};
      if (m.is_store) {
        Bytes v = m.value == I32 ? i32c(-1) : m.value == I64 ? i64c(-1) : m.value == F32 ? f32c(1.0f) : f64c(1.0);
        append(code, v);
      }
      code.push_back(m.opc);
      append(code, mem(0, offset));
      if (!m.is_store) code.push_back(op::drop);
      code.push_back(op::end);
      return code;
    };
    b.func({I32}, {}).code({body(0)}).export_("f");
    b.func({I32}, {}).code({body(16)}).export_("g");
    b.func({I32}, {}).code({body(0xFFFFFFFFu)}).export_("h");
    // Constant address.
    Bytes k = i32c(static_cast<int32_t>(kSize - m.size));
    Bytes k1 = i32c(static_cast<int32_t>(kSize - m.size + 1));
    Bytes kc = k, kc1 = k1;
    for (Bytes* c : {&kc, &kc1}) {
      if (m.is_store)
        append(*c, m.value == I32 ? i32c(7) : m.value == I64 ? i64c(7) : m.value == F32 ? f32c(7.0f) : f64c(7.0));
      c->push_back(m.opc);
      append(*c, mem(0, 0));
      if (!m.is_store) c->push_back(op::drop);
      c->push_back(op::end);
    }
    b.func({}, {}).code({kc}).export_("const_ok");
    b.func({}, {}).code({kc1}).export_("const_oob");
    Vm vm(cfg());
    ASSERT_TRUE(vm.load(b.build()));
    uint32_t last = kSize - m.size;
    EXPECT_TRUE(returns(vm.call("f", {i32v(static_cast<int32_t>(last))}), {}));
    CallResult r = vm.call("f", {i32v(static_cast<int32_t>(last + 1))});
    ASSERT_TRUE(traps(r, TrapCode::MemoryOutOfBounds));
    EXPECT_EQ(r.trap->to_string(), "out of bounds memory access");
    EXPECT_TRUE(traps(vm.call("f", {i32v(kSize)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(traps(vm.call("f", {i32v(-1)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(returns(vm.call("g", {i32v(static_cast<int32_t>(last - 16))}), {}));
    EXPECT_TRUE(traps(vm.call("g", {i32v(static_cast<int32_t>(last - 15))}), TrapCode::MemoryOutOfBounds));
    // addr + offset overflows 32 bits: must trap, not wrap to a small address.
    EXPECT_TRUE(traps(vm.call("g", {i32v(-16)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(traps(vm.call("g", {i32v(-1)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(traps(vm.call("h", {i32v(0)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(traps(vm.call("h", {i32v(1)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(traps(vm.call("h", {i32v(-1)}), TrapCode::MemoryOutOfBounds));
    EXPECT_TRUE(returns(vm.call("const_ok"), {}));
    EXPECT_TRUE(traps(vm.call("const_oob"), TrapCode::MemoryOutOfBounds));
  }
}

TEST_P(InterpreterMemory, TrappingStoreWritesNothing) {
  WasmBuilder b;
  b.memory(1);
  b.func({I32}, {}).code({op::local_get, 0, i64c(-1), op::i64_store, mem(0, 0), op::end}).export_("store");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(traps(vm.call("store", {i32v(65536 - 7)}), TrapCode::MemoryOutOfBounds));
  Memory* m = vm.inst->memory();
  ASSERT_NE(m, nullptr);
  for (uint32_t i = 65536 - 7; i < 65536; ++i) EXPECT_EQ(m->data()[i], 0) << i;
}

TEST_P(InterpreterMemory, LoadsSignAndZeroExtend) {
  WasmBuilder b;
  b.memory(1);
  b.data(0, {0x80, 0xFF, 0x7F, 0x80, 0x01, 0x02, 0x03, 0x84});
  b.func({}, {I32}).code({i32c(0), op::i32_load8_s, mem(0, 0), op::end}).export_("l8s");
  b.func({}, {I32}).code({i32c(0), op::i32_load8_u, mem(0, 0), op::end}).export_("l8u");
  b.func({}, {I32}).code({i32c(0), op::i32_load16_s, mem(1, 0), op::end}).export_("l16s");
  b.func({}, {I32}).code({i32c(0), op::i32_load16_u, mem(1, 0), op::end}).export_("l16u");
  b.func({}, {I64}).code({i32c(0), op::i64_load32_s, mem(2, 0), op::end}).export_("l32s");
  b.func({}, {I64}).code({i32c(0), op::i64_load32_u, mem(2, 0), op::end}).export_("l32u");
  b.func({}, {I64}).code({i32c(0), op::i64_load, mem(3, 0), op::end}).export_("l64");
  b.func({}, {I64}).code({i32c(7), op::i64_load8_s, mem(0, 0), op::end}).export_("l64_8s");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("l8s"), {i32v(-128)}));
  EXPECT_TRUE(returns(vm.call("l8u"), {i32v(0x80)}));
  EXPECT_TRUE(returns(vm.call("l16s"), {i32v(static_cast<int16_t>(0xFF80))}));
  EXPECT_TRUE(returns(vm.call("l16u"), {i32v(0xFF80)}));
  EXPECT_TRUE(returns(vm.call("l32s"), {i64v(static_cast<int32_t>(0x807FFF80u))}));
  EXPECT_TRUE(returns(vm.call("l32u"), {i64v(0x807FFF80LL)}));
  EXPECT_TRUE(returns(vm.call("l64"), {Value::i64(0x84030201807FFF80ULL)}));
  EXPECT_TRUE(returns(vm.call("l64_8s"), {i64v(static_cast<int8_t>(0x84))}));
}

TEST_P(InterpreterMemory, GrowRespectsLimitsAndNewPagesAreUsable) {
  WasmBuilder b;
  b.memory(1, 3);
  b.func({I32}, {I32}).code({op::local_get, 0, op::memory_grow, 0, op::end}).export_("grow");
  b.func({}, {I32}).code({op::memory_size, 0, op::end}).export_("size");
  b.func({I32, I32}, {}).code({op::local_get, 0, op::local_get, 1, op::i32_store, mem(2, 0), op::end}).export_("store");
  b.func({I32}, {I32}).code({op::local_get, 0, op::i32_load, mem(2, 0), op::end}).export_("load");
  // Grow and use the new page in the same function (the cached memory base must be reloaded).
  b.func({}, {I32})
      .code({i32c(1), op::memory_grow, 0, op::drop, op::memory_size, 0, i32c(65536), op::i32_mul, i32c(4), op::i32_sub,
          i32c(0x5EED), op::i32_store, mem(2, 0), op::memory_size, 0, i32c(65536), op::i32_mul, i32c(4), op::i32_sub,
          op::i32_load, mem(2, 0), op::end})
      .export_("grow_and_use");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(traps(vm.call("store", {i32v(65536), i32v(1)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(0)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(1)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("size"), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("store", {i32v(65536), i32v(77)}), {}));
  EXPECT_TRUE(returns(vm.call("load", {i32v(65536)}), {i32v(77)}));
  EXPECT_TRUE(returns(vm.call("load", {i32v(2 * 65536 - 4)}), {i32v(0)}));  // new memory is zeroed
  EXPECT_TRUE(returns(vm.call("grow", {i32v(2)}), {i32v(-1)}));             // past the maximum of 3
  EXPECT_TRUE(returns(vm.call("size"), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(-1)}), {i32v(-1)}));
  EXPECT_TRUE(returns(vm.call("grow_and_use"), {i32v(0x5EED)}));
  EXPECT_TRUE(returns(vm.call("size"), {i32v(3)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(1)}), {i32v(-1)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(0)}), {i32v(3)}));
  EXPECT_EQ(vm.inst->memory()->pages(), 3u);
}

TEST_P(InterpreterMemory, GrowStopsAtTheConfiguredPageLimit) {
  VariantConfig config = cfg();
  config.max_memory_pages = 4;
  WasmBuilder b;
  b.memory(1);  // no declared maximum
  b.func({I32}, {I32}).code({op::local_get, 0, op::memory_grow, 0, op::end}).export_("grow");
  Vm vm(config);
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(4)}), {i32v(-1)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(3)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(1)}), {i32v(-1)}));
  EXPECT_TRUE(returns(vm.call("grow", {i32v(0)}), {i32v(4)}));
}

TEST_P(InterpreterMemory, GrowthByTheEmbedderIsVisibleToWasm) {
  WasmBuilder b;
  b.memory(1);
  b.func({}, {I32}).code({op::memory_size, 0, op::end}).export_("size");
  b.func({I32}, {I32}).code({op::local_get, 0, op::i32_load, mem(2, 0), op::end}).export_("load");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  Memory* m = vm.inst->memory();
  EXPECT_EQ(m->grow(2), 1);
  uint32_t v = 0xABCD1234;
  auto view = m->view(3 * 65536 - 4, 4);
  ASSERT_TRUE(view.has_value());
  std::memcpy(view->data(), &v, 4);
  EXPECT_FALSE(m->view(3 * 65536 - 3, 4).has_value());
  EXPECT_TRUE(returns(vm.call("size"), {i32v(3)}));
  EXPECT_TRUE(returns(vm.call("load", {i32v(3 * 65536 - 4)}), {Value::i32(0xABCD1234)}));
}

// ---------------------------------------------------------------------------------------------
// Bulk memory

TEST_P(InterpreterBulkMemory, FillCopyInitAndDrop) {
  WasmBuilder b;
  b.memory(1);
  b.passive_data({1, 2, 3, 4, 5, 6, 7, 8});
  b.data(1000, {0xAA, 0xBB});  // active: dropped after instantiation
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, memory_fill(), op::end})
      .export_("fill");
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, memory_copy(), op::end})
      .export_("copy");
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, memory_init(0), op::end})
      .export_("init");
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, memory_init(1), op::end})
      .export_("init_active");
  b.func({}, {}).code({data_drop(0), op::end}).export_("drop");
  // Constant operands for every bulk operation.
  b.func({}, {})
      .code({i32c(200), i32c(0x11), i32c(3), memory_fill(), i32c(300), i32c(200), i32c(2), memory_copy(), op::end})
      .export_("consts");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  uint8_t* mem = vm.inst->memory()->data();
  EXPECT_EQ(mem[1000], 0xAA);
  EXPECT_TRUE(returns(vm.call("fill", {i32v(10), i32v(0x1FF), i32v(5)}), {}));  // value truncated to a byte
  for (int i = 10; i < 15; ++i) EXPECT_EQ(mem[i], 0xFF);
  EXPECT_EQ(mem[15], 0);
  EXPECT_TRUE(returns(vm.call("init", {i32v(100), i32v(2), i32v(4)}), {}));
  EXPECT_EQ(std::vector<uint8_t>(mem + 100, mem + 105), (std::vector<uint8_t>{3, 4, 5, 6, 0}));
  // Overlapping copies in both directions.
  EXPECT_TRUE(returns(vm.call("copy", {i32v(101), i32v(100), i32v(4)}), {}));
  EXPECT_EQ(std::vector<uint8_t>(mem + 100, mem + 105), (std::vector<uint8_t>{3, 3, 4, 5, 6}));
  EXPECT_TRUE(returns(vm.call("copy", {i32v(100), i32v(101), i32v(4)}), {}));
  EXPECT_EQ(std::vector<uint8_t>(mem + 100, mem + 105), (std::vector<uint8_t>{3, 4, 5, 6, 6}));
  // Bounds: n = 0 at the end is fine, one past traps; source bounds of init are the segment's.
  EXPECT_TRUE(returns(vm.call("fill", {i32v(65536), i32v(1), i32v(0)}), {}));
  EXPECT_TRUE(traps(vm.call("fill", {i32v(65537), i32v(1), i32v(0)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(traps(vm.call("fill", {i32v(65535), i32v(1), i32v(2)}), TrapCode::MemoryOutOfBounds));
  EXPECT_EQ(mem[65535], 0) << "a trapping fill writes nothing";
  EXPECT_TRUE(traps(vm.call("fill", {i32v(-1), i32v(1), i32v(2)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(returns(vm.call("copy", {i32v(65536), i32v(65536), i32v(0)}), {}));
  EXPECT_TRUE(traps(vm.call("copy", {i32v(0), i32v(65530), i32v(7)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(traps(vm.call("copy", {i32v(-1), i32v(0), i32v(1)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(returns(vm.call("init", {i32v(0), i32v(8), i32v(0)}), {}));
  EXPECT_TRUE(traps(vm.call("init", {i32v(0), i32v(7), i32v(2)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(traps(vm.call("init", {i32v(65535), i32v(0), i32v(2)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(traps(vm.call("init_active", {i32v(0), i32v(0), i32v(1)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(returns(vm.call("init_active", {i32v(0), i32v(0), i32v(0)}), {}));
  EXPECT_TRUE(returns(vm.call("drop"), {}));
  EXPECT_TRUE(returns(vm.call("drop"), {}));  // dropping twice is allowed
  EXPECT_TRUE(traps(vm.call("init", {i32v(0), i32v(0), i32v(1)}), TrapCode::MemoryOutOfBounds));
  EXPECT_TRUE(returns(vm.call("init", {i32v(0), i32v(0), i32v(0)}), {}));
  EXPECT_TRUE(returns(vm.call("consts"), {}));
  EXPECT_EQ(std::vector<uint8_t>(mem + 300, mem + 303), (std::vector<uint8_t>{0x11, 0x11, 0}));
}

// ---------------------------------------------------------------------------------------------
// Tables and call_indirect

TEST_P(InterpreterTables, CallIndirectTraps) {
  WasmBuilder b;
  b.table(4);
  uint32_t t_i32 = b.type({}, {I32});
  uint32_t t_i64 = b.type({}, {I64});
  auto f7 = b.func({}, {I32}).code({i32c(7), op::end});
  auto f64_ = b.func({}, {I64}).code({i64c(64), op::end});
  b.elem(0, {f7.index(), f64_.index()});  // slots 2 and 3 stay null
  b.func({I32}, {I32}).code({op::local_get, 0, call_indirect(t_i32), op::end}).export_("call_i32");
  b.func({I32}, {I64}).code({op::local_get, 0, call_indirect(t_i64), op::end}).export_("call_i64");
  b.func({}, {I32}).code({i32c(0), call_indirect(t_i32), op::end}).export_("call_const");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("call_i32", {i32v(0)}), {i32v(7)}));
  EXPECT_TRUE(returns(vm.call("call_i64", {i32v(1)}), {i64v(64)}));
  EXPECT_TRUE(returns(vm.call("call_const"), {i32v(7)}));
  CallResult r = vm.call("call_i32", {i32v(1)});
  ASSERT_TRUE(traps(r, TrapCode::IndirectCallTypeMismatch));
  EXPECT_EQ(r.trap->to_string(), "indirect call type mismatch");
  r = vm.call("call_i32", {i32v(2)});
  ASSERT_TRUE(traps(r, TrapCode::UninitializedElement));
  EXPECT_EQ(r.trap->to_string(), "uninitialized element");
  r = vm.call("call_i32", {i32v(4)});
  ASSERT_TRUE(traps(r, TrapCode::UndefinedElement));
  EXPECT_EQ(r.trap->to_string(), "undefined element");
  EXPECT_TRUE(traps(vm.call("call_i32", {i32v(-1)}), TrapCode::UndefinedElement));
}

TEST_P(InterpreterTables, TableInitCopyAndDrop) {
  WasmBuilder b;
  b.table(4);
  uint32_t t = b.type({}, {I32});
  auto f1 = b.func({}, {I32}).code({i32c(1), op::end});
  auto f2 = b.func({}, {I32}).code({i32c(2), op::end});
  b.passive_elem({f1.index(), f2.index()});
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, table_init(0), op::end})
      .export_("init");
  b.func({I32, I32, I32}, {})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, table_copy(), op::end})
      .export_("copy");
  b.func({}, {}).code({elem_drop(0), op::end}).export_("drop");
  b.func({I32}, {I32}).code({op::local_get, 0, call_indirect(t), op::end}).export_("call");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(traps(vm.call("call", {i32v(0)}), TrapCode::UninitializedElement));
  EXPECT_TRUE(returns(vm.call("init", {i32v(2), i32v(0), i32v(2)}), {}));
  EXPECT_TRUE(returns(vm.call("call", {i32v(2)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("call", {i32v(3)}), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("copy", {i32v(0), i32v(2), i32v(2)}), {}));
  EXPECT_TRUE(returns(vm.call("call", {i32v(0)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("call", {i32v(1)}), {i32v(2)}));
  CallResult r = vm.call("init", {i32v(3), i32v(0), i32v(2)});
  ASSERT_TRUE(traps(r, TrapCode::TableOutOfBounds));
  EXPECT_EQ(r.trap->to_string(), "out of bounds table access");
  EXPECT_TRUE(traps(vm.call("init", {i32v(0), i32v(1), i32v(2)}), TrapCode::TableOutOfBounds));
  EXPECT_TRUE(traps(vm.call("copy", {i32v(3), i32v(0), i32v(2)}), TrapCode::TableOutOfBounds));
  EXPECT_TRUE(traps(vm.call("copy", {i32v(0), i32v(-1), i32v(1)}), TrapCode::TableOutOfBounds));
  EXPECT_TRUE(returns(vm.call("copy", {i32v(4), i32v(4), i32v(0)}), {}));
  EXPECT_TRUE(returns(vm.call("drop"), {}));
  EXPECT_TRUE(traps(vm.call("init", {i32v(0), i32v(0), i32v(1)}), TrapCode::TableOutOfBounds));
  EXPECT_TRUE(returns(vm.call("init", {i32v(0), i32v(0), i32v(0)}), {}));
}

// ---------------------------------------------------------------------------------------------
// Call and value stack limits

Bytes recursion_module(uint32_t extra_locals) {
  WasmBuilder b;
  // depth(n) = n == 0 ? 0 : 1 + depth(n - 1), with extra declared locals to make frames bigger.
  auto f = b.func({I32}, {I32});
  for (uint32_t i = 0; i < extra_locals; ++i) f.locals({I64});
  f.code({op::local_get, 0, op::i32_eqz, op::if_, bt::void_, i32c(0), op::return_, op::end, op::local_get, 0, i32c(1),
             op::i32_sub, op::call, u(f.index()), i32c(1), op::i32_add, op::end})
      .export_("depth");
  b.func({}, {}).code({op::call, 1, op::end}).export_("forever");  // calls itself (index 1)
  return b.build();
}

TEST_P(InterpreterLimits, CallStackExhausted) {
  VariantConfig config = cfg();
  config.max_call_depth = 100;
  Vm vm(config);
  ASSERT_TRUE(vm.load(recursion_module(0)));
  CallResult r = vm.call("forever");
  ASSERT_TRUE(traps(r, TrapCode::CallStackExhausted));
  EXPECT_EQ(r.trap->to_string().rfind("call stack exhausted", 0), 0u);
  EXPECT_TRUE(returns(vm.call("depth", {i32v(50)}), {i32v(50)}));
  EXPECT_TRUE(traps(vm.call("depth", {i32v(1000)}), TrapCode::CallStackExhausted));
  // The store keeps working after the trap.
  EXPECT_TRUE(returns(vm.call("depth", {i32v(90)}), {i32v(90)}));
}

// max_call_depth is "wasm frames on the call stack": depth(n) uses n + 1 frames, so with a limit of
// 100 frames depth(99) is the deepest call that fits and depth(100) must trap.
TEST_P(InterpreterLimits, CallDepthLimitIsExact) {
  VariantConfig config = cfg();
  config.max_call_depth = 100;
  Vm vm(config);
  ASSERT_TRUE(vm.load(recursion_module(0)));
  EXPECT_TRUE(returns(vm.call("depth", {i32v(99)}), {i32v(99)}));
  EXPECT_TRUE(traps(vm.call("depth", {i32v(100)}), TrapCode::CallStackExhausted));
  EXPECT_TRUE(traps(vm.call("depth", {i32v(101)}), TrapCode::CallStackExhausted));
}

TEST_P(InterpreterLimits, ValueStackExhausted) {
  VariantConfig config = cfg();
  config.value_stack_slots = 4096;
  Vm vm(config);
  ASSERT_TRUE(vm.load(recursion_module(60)));
  CallResult r = vm.call("depth", {i32v(1000)});
  ASSERT_TRUE(traps(r, TrapCode::ValueStackExhausted));
  EXPECT_EQ(r.trap->to_string().rfind("call stack exhausted (value stack)", 0), 0u);
  EXPECT_TRUE(returns(vm.call("depth", {i32v(20)}), {i32v(20)}));
  EXPECT_TRUE(traps(vm.call("forever"), TrapCode::CallStackExhausted));
  EXPECT_TRUE(returns(vm.call("depth", {i32v(20)}), {i32v(20)}));
}

// ---------------------------------------------------------------------------------------------
// Calls

TEST_P(InterpreterCalls, RecursiveFib) {
  WasmBuilder b;
  auto fib = b.func({I32}, {I64});
  fib.code({op::local_get, 0, i32c(2), op::i32_lt_u, op::if_, bt::i64, op::local_get, 0, op::i64_extend_i32_u,
               op::else_, op::local_get, 0, i32c(1), op::i32_sub, op::call, u(fib.index()), op::local_get, 0, i32c(2),
               op::i32_sub, op::call, u(fib.index()), op::i64_add, op::end, op::end})
      .export_("fib");
  // Iterative version to cross-check.
  b.func({I32}, {I64})
      .locals({I64, I64})
      .code({i64c(1), op::local_set, 2, op::block, bt::void_, op::loop, bt::void_, op::local_get, 0, op::i32_eqz,
          op::br_if, 1, op::local_get, 1, op::local_get, 2, op::i64_add, op::local_get, 1, op::local_set, 2,
          op::local_set, 1, op::local_get, 0, i32c(1), op::i32_sub, op::local_set, 0, op::br, 0, op::end, op::end,
          op::local_get, 1, op::end})
      .export_("fib_iter");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("fib", {i32v(0)}), {i64v(0)}));
  EXPECT_TRUE(returns(vm.call("fib", {i32v(1)}), {i64v(1)}));
  EXPECT_TRUE(returns(vm.call("fib", {i32v(20)}), {i64v(6765)}));
  EXPECT_TRUE(returns(vm.call("fib", {i32v(25)}), {i64v(75025)}));
  EXPECT_TRUE(returns(vm.call("fib_iter", {i32v(25)}), {i64v(75025)}));
  EXPECT_TRUE(returns(vm.call("fib_iter", {i32v(90)}), {i64v(2880067194370816120LL)}));
}

TEST_P(InterpreterCalls, ManyArgumentsOfMixedTypes) {
  // 20 parameters cycling i32, i64, f32, f64; the result is sum(i * value_i) as f64.
  const ValType cycle[] = {I32, I64, F32, F64};
  std::vector<ValType> params;
  for (int i = 0; i < 20; ++i) params.push_back(cycle[i % 4]);
  Bytes body = {op::f64_const, 0, 0, 0, 0, 0, 0, 0, 0};
  for (uint32_t i = 0; i < 20; ++i) {
    append(body, {op::local_get, static_cast<uint8_t>(i)});
    switch (i % 4) {
      case 0: body.push_back(op::f64_convert_i32_s); break;
      case 1: body.push_back(op::f64_convert_i64_s); break;
      case 2: body.push_back(op::f64_promote_f32); break;
      default: break;
    }
    append(body, f64c(static_cast<double>(i + 1)));
    append(body, {op::f64_mul, op::f64_add});
  }
  body.push_back(op::end);
  WasmBuilder b;
  auto many = b.func(params, {F64}).code({body}).export_("many");
  // A wasm caller passing 20 arguments: lazies, constants and computed values.
  Bytes caller;
  for (uint32_t i = 0; i < 20; ++i) {
    switch (i % 4) {
      case 0: append(caller, i32c(static_cast<int32_t>(i) - 10)); break;
      case 1: append(caller, {op::local_get, 0, op::i64_extend_i32_s}); break;
      case 2: append(caller, f32c(0.5f)); break;
      default: append(caller, {op::local_get, 1}); break;
    }
  }
  append(caller, {op::call});
  append(caller, uleb(many.index()));
  caller.push_back(op::end);
  b.func({I32, F64}, {F64}).code({caller}).export_("caller");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  std::vector<Value> args;
  double want = 0;
  for (int i = 0; i < 20; ++i) {
    double v = 0;
    switch (i % 4) {
      case 0:
        args.push_back(i32v(-i));
        v = -i;
        break;
      case 1:
        args.push_back(i64v(1000LL * i));
        v = 1000.0 * i;
        break;
      case 2:
        args.push_back(Value::f32(0.25f * static_cast<float>(i)));
        v = 0.25 * i;
        break;
      default:
        args.push_back(Value::f64(1.5 * i));
        v = 1.5 * i;
        break;
    }
    want += v * (i + 1);
  }
  EXPECT_TRUE(returns(vm.call("many", args), {Value::f64(want)}));
  double want2 = 0;
  for (int i = 0; i < 20; ++i) {
    double v = i % 4 == 0 ? i - 10 : i % 4 == 1 ? 3 : i % 4 == 2 ? 0.5 : 2.25;
    want2 += v * (i + 1);
  }
  EXPECT_TRUE(returns(vm.call("caller", {i32v(3), Value::f64(2.25)}), {Value::f64(want2)}));
}

// Two instances share one table: each puts its own function into it, and call_indirect from
// either side runs the callee in its own instance (its own memory and globals), then continues
// in the caller's.
TEST_P(InterpreterCalls, CallIndirectAcrossInstancesSharingATable) {
  Vm vm(cfg());
  WasmBuilder a;
  a.table(4);
  a.export_table("table");
  a.memory(1);
  a.data(0, {0x11});
  uint32_t ta = a.type({I32}, {I32});
  auto fa = a.func({I32}, {I32}).code({i32c(0), op::i32_load8_u, mem(0, 0), op::local_get, 0, op::i32_add, op::end});
  a.elem(0, {fa.index()});
  // A: result = table[i](x) * 1000 + own memory byte 0
  a.func({I32, I32}, {I32})
      .code({op::local_get, 1, op::local_get, 0, call_indirect(ta), i32c(1000), op::i32_mul, i32c(0), op::i32_load8_u,
          mem(0, 0), op::i32_add, op::end})
      .export_("call");
  ASSERT_TRUE(vm.load(a.build()));
  Instance* inst_a = vm.inst;
  vm.linker.define("a", "table", *inst_a->find_export("table"));

  WasmBuilder bb;
  bb.import_table("a", "table", 4);
  bb.memory(1);
  bb.data(0, {0x22});
  uint32_t tb = bb.type({I32}, {I32});
  auto fb = bb.func({I32}, {I32}).code({i32c(0), op::i32_load8_u, mem(0, 0), op::local_get, 0, op::i32_sub, op::end});
  bb.elem(1, {fb.index()});
  bb.func({I32, I32}, {I32})
      .code({op::local_get, 1, op::local_get, 0, call_indirect(tb), i32c(1000), op::i32_mul, i32c(0), op::i32_load8_u,
          mem(0, 0), op::i32_add, op::end})
      .export_("call");
  auto rb = instantiate(vm.store, vm.linker, bb.build());
  ASSERT_TRUE(rb) << rb.error().to_string();
  Instance* inst_b = rb.value();

  Function* call_a = inst_a->exported_function("call");
  Function* call_b = inst_b->exported_function("call");
  // From A: own function (0x11 + 5) and B's function (0x22 - 5), each then + A's 0x11.
  EXPECT_TRUE(returns(call(vm.store, call_a, {i32v(0), i32v(5)}), {i32v((0x11 + 5) * 1000 + 0x11)}));
  EXPECT_TRUE(returns(call(vm.store, call_a, {i32v(1), i32v(5)}), {i32v((0x22 - 5) * 1000 + 0x11)}));
  // From B.
  EXPECT_TRUE(returns(call(vm.store, call_b, {i32v(0), i32v(5)}), {i32v((0x11 + 5) * 1000 + 0x22)}));
  EXPECT_TRUE(returns(call(vm.store, call_b, {i32v(1), i32v(5)}), {i32v((0x22 - 5) * 1000 + 0x22)}));
  EXPECT_TRUE(traps(call(vm.store, call_b, {i32v(2), i32v(5)}), TrapCode::UninitializedElement));
  // The embedder can place functions in the shared table too.
  Table* table = inst_a->find_export("table")->as_table();
  ASSERT_TRUE(table->set(2, inst_b->exported_function("call")));
  EXPECT_TRUE(traps(call(vm.store, call_a, {i32v(2), i32v(5)}), TrapCode::IndirectCallTypeMismatch));
  ASSERT_TRUE(table->set(3, table->get(1)));
  EXPECT_TRUE(returns(call(vm.store, call_a, {i32v(3), i32v(1)}), {i32v((0x22 - 1) * 1000 + 0x11)}));
}

TEST_P(InterpreterCalls, ImportedWasmFunctionRunsInItsOwnInstance) {
  Vm vm(cfg());
  WasmBuilder a;
  a.memory(1);
  a.data(0, {5});
  uint32_t g = a.global(I32, true, i32c(100));
  a.func({I32}, {I32})
      .code({op::global_get, u(g), op::local_get, 0, op::i32_add, op::global_set, u(g), i32c(0), op::i32_load8_u,
          mem(0, 0), op::global_get, u(g), op::i32_add, op::end})
      .export_("bump");
  a.export_global("g", g);
  ASSERT_TRUE(vm.load(a.build()));
  Instance* inst_a = vm.inst;
  vm.linker.define_instance("a", *inst_a);

  WasmBuilder b;
  uint32_t bump = b.import_func("a", "bump", {I32}, {I32});
  b.memory(1);
  b.data(0, {9});
  // Live values around the call: 1000 + bump(x) + own memory byte
  b.func({I32}, {I32})
      .code({i32c(1000), op::local_get, 0, op::call, u(bump), op::i32_add, i32c(0), op::i32_load8_u, mem(0, 0),
          op::i32_add, op::end})
      .export_("f");
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(1)}), {i32v(1000 + 5 + 101 + 9)}));
  EXPECT_TRUE(returns(vm.call("f", {i32v(1)}), {i32v(1000 + 5 + 102 + 9)}));
  EXPECT_EQ(inst_a->find_export("g")->as_global()->get(), i32v(102));
}

// ---------------------------------------------------------------------------------------------
// Globals

TEST_P(InterpreterGlobals, MutableImportedExportedAndShared) {
  Vm vm(cfg());
  Global* host_g = vm.store.create_global({I64, true}, i64v(40));
  Global* host_const = vm.store.create_global({F64, false}, Value::f64(2.5));
  vm.linker.define("host", "g", Extern::global(host_g));
  vm.linker.define("host", "c", Extern::global(host_const));

  WasmBuilder a;
  uint32_t ig = a.import_global("host", "g", I64, true);
  uint32_t ic = a.import_global("host", "c", F64, false);
  uint32_t counter = a.global(I32, true, i32c(0));
  uint32_t derived = a.global(F64, false, Bytes{op::global_get, static_cast<uint8_t>(ic)});
  a.func({}, {I32})
      .code({op::global_get, u(counter), i32c(1), op::i32_add, op::global_set, u(counter), op::global_get, u(counter),
          op::end})
      .export_("inc");
  a.func({I64}, {I64})
      .code(
          {op::global_get, u(ig), op::local_get, 0, op::i64_add, op::global_set, u(ig), op::global_get, u(ig), op::end})
      .export_("add_host");
  a.func({}, {F64}).code({op::global_get, u(derived), op::global_get, u(ic), op::f64_add, op::end}).export_("derived");
  a.export_global("counter", counter);
  ASSERT_TRUE(vm.load(a.build()));
  Instance* inst_a = vm.inst;
  EXPECT_TRUE(returns(vm.call("inc"), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("inc"), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("add_host", {i64v(2)}), {i64v(42)}));
  EXPECT_EQ(host_g->get(), i64v(42));
  ASSERT_TRUE(host_g->set(i64v(-8)));
  EXPECT_TRUE(returns(vm.call("add_host", {i64v(1)}), {i64v(-7)}));
  EXPECT_TRUE(returns(vm.call("derived"), {Value::f64(5.0)}));
  Global* exported = inst_a->find_export("counter")->as_global();
  EXPECT_EQ(exported->get(), i32v(2));
  EXPECT_FALSE(host_const->set(Value::f64(1.0)));  // immutable
  EXPECT_FALSE(exported->set(i64v(1)));            // wrong type
  ASSERT_TRUE(exported->set(i32v(10)));
  EXPECT_TRUE(returns(vm.call("inc"), {i32v(11)}));

  // A second instance imports the counter and bumps it; the first sees the change.
  vm.linker.define("a", "counter", Extern::global(exported));
  WasmBuilder b;
  uint32_t bc = b.import_global("a", "counter", I32, true);
  b.func({}, {}).code({op::global_get, u(bc), i32c(100), op::i32_add, op::global_set, u(bc), op::end}).export_("bump");
  auto rb = instantiate(vm.store, vm.linker, b.build());
  ASSERT_TRUE(rb) << rb.error().to_string();
  EXPECT_TRUE(returns(call(vm.store, rb.value()->exported_function("bump")), {}));
  EXPECT_TRUE(returns(call(vm.store, inst_a->exported_function("inc")), {i32v(112)}));
}

// ---------------------------------------------------------------------------------------------
// Host functions

TEST_P(InterpreterHost, ArgumentsAndResults) {
  Vm vm(cfg());
  Instance* seen_caller = reinterpret_cast<Instance*>(1);
  Memory* seen_memory = nullptr;
  Function* host = vm.store.create_host_function({{I32, I64, F32, F64}, {I64, F64}},
      [&](HostCall& hc, const uint64_t* args, uint64_t* results) -> std::optional<Trap> {
        seen_caller = hc.caller;
        seen_memory = hc.memory;
        int32_t a = static_cast<int32_t>(static_cast<uint32_t>(args[0]));
        int64_t b = static_cast<int64_t>(args[1]);
        float c = std::bit_cast<float>(static_cast<uint32_t>(args[2]));
        double d = std::bit_cast<double>(args[3]);
        results[0] = static_cast<uint64_t>(a * b);
        results[1] = std::bit_cast<uint64_t>(static_cast<double>(c) + d);
        return std::nullopt;
      });
  vm.linker.define("env", "h", Extern::func(host));
  WasmBuilder b;
  uint32_t h = b.import_func("env", "h", {I32, I64, F32, F64}, {I64, F64});
  b.memory(1);
  // A live operand below the call (1000) must survive it.
  b.func({I32}, {I64, F64})
      .locals({F64})
      .code({i64c(1000), op::local_get, 0, op::i64_extend_i32_s, op::i32_wrap_i64, i64c(-3), f32c(0.5f), f64c(0.25),
          op::call, u(h), op::local_set, 1, op::i64_add, op::local_get, 1, op::end})
      .export_("f");
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(7)}), {i64v(1000 - 21), Value::f64(0.75)}));
  EXPECT_EQ(seen_caller, vm.inst);
  EXPECT_EQ(seen_memory, vm.inst->memory());
  // Called directly by the embedder: no caller instance.
  EXPECT_TRUE(returns(
      call(vm.store, host, {i32v(-2), i64v(5), Value::f32(1.0f), Value::f64(1.0)}), {i64v(-10), Value::f64(2.0)}));
  EXPECT_EQ(seen_caller, nullptr);
}

TEST_P(InterpreterHost, HostTrapCarriesItsDetail) {
  Vm vm(cfg());
  int calls = 0;
  Function* host = vm.store.create_host_function(
      {{I32}, {I32}}, [&](HostCall&, const uint64_t* args, uint64_t* res) -> std::optional<Trap> {
        ++calls;
        if (args[0] == 13) return Trap{TrapCode::HostTrap, "unlucky number 13"};
        if (args[0] == 14) return Trap{TrapCode::OutOfGas, ""};
        res[0] = args[0] * 2;
        return std::nullopt;
      });
  vm.linker.define("env", "h", Extern::func(host));
  WasmBuilder b;
  uint32_t h = b.import_func("env", "h", {I32}, {I32});
  b.func({I32}, {I32}).code({op::local_get, 0, op::call, u(h), i32c(1), op::i32_add, op::end}).export_("f");
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(4)}), {i32v(9)}));
  CallResult r = vm.call("f", {i32v(13)});
  ASSERT_TRUE(traps(r, TrapCode::HostTrap, "unlucky number 13"));
  EXPECT_EQ(r.trap->detail, "unlucky number 13");
  EXPECT_EQ(r.trap->to_string(), "host function trapped: unlucky number 13");
  EXPECT_TRUE(r.values.empty());
  r = vm.call("f", {i32v(14)});
  ASSERT_TRUE(traps(r, TrapCode::OutOfGas));
  EXPECT_EQ(r.trap->detail, "") << "a previous trap's detail must not leak into the next trap";
  EXPECT_TRUE(returns(vm.call("f", {i32v(5)}), {i32v(11)}));
  EXPECT_EQ(calls, 4);
}

TEST_P(InterpreterHost, HostGrowsMemoryThenWasmReadsIt) {
  Vm vm(cfg());
  Function* host = vm.store.create_host_function(
      {{}, {I32}}, [](HostCall& hc, const uint64_t*, uint64_t* res) -> std::optional<Trap> {
        if (hc.memory == nullptr) return Trap{TrapCode::HostTrap, "no memory"};
        int64_t old = hc.memory->grow(2);
        if (old < 0) return Trap{TrapCode::HostTrap, "grow failed"};
        uint64_t addr = static_cast<uint64_t>(old + 2) * kPageSize - 4;
        auto v = hc.memory->view(addr, 4);
        if (!v) return Trap{TrapCode::HostTrap, "view failed"};
        uint32_t x = 0xC0FFEE;
        std::memcpy(v->data(), &x, 4);
        res[0] = static_cast<uint32_t>(addr);
        return std::nullopt;
      });
  vm.linker.define("env", "grow", Extern::func(host));
  WasmBuilder b;
  uint32_t g = b.import_func("env", "grow", {}, {I32});
  b.memory(1);
  b.func({}, {I32, I32}).code({op::call, u(g), op::i32_load, mem(2, 0), op::memory_size, 0, op::end}).export_("f");
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f"), {i32v(0xC0FFEE), i32v(3)}));
  EXPECT_TRUE(returns(vm.call("f"), {i32v(0xC0FFEE), i32v(5)}));
}

// A host function that calls back into the store: the nested call runs on the same stacks above
// the caller's frame, and the outer call continues with its live values intact.
TEST_P(InterpreterHost, ReentrantCallIntoTheStore) {
  Vm vm(cfg());
  Function* inner_fn = nullptr;
  Function* trap_fn = nullptr;
  std::string inner_trap;
  Function* host = vm.store.create_host_function(
      {{I32}, {I32}}, [&](HostCall& hc, const uint64_t* args, uint64_t* res) -> std::optional<Trap> {
        uint32_t x = static_cast<uint32_t>(args[0]);
        CallResult r = hc.store.call(inner_fn, std::vector<Value>{Value::i32(x)});
        if (!r.ok()) return r.trap;
        // A nested call that traps does not disturb the outer one.
        CallResult t = hc.store.call(trap_fn, std::vector<Value>{});
        inner_trap = t.trap ? t.trap->to_string() : "no trap";
        res[0] = r.values.at(0).bits + 1;
        return std::nullopt;
      });
  vm.linker.define("env", "reenter", Extern::func(host));
  WasmBuilder b;
  uint32_t h = b.import_func("env", "reenter", {I32}, {I32});
  // inner(x): recursive sum 0..x with big frames, overwriting lots of stack.
  auto inner = b.func({I32}, {I32});
  inner.locals({I64, I64, I64, I64, I64, I64, I64, I64})
      .code({op::local_get, 0, op::i32_eqz, op::if_, bt::i32, i32c(0), op::else_, op::local_get, 0, op::local_get, 0,
          i32c(1), op::i32_sub, op::call, u(inner.index()), op::i32_add, op::end, op::end})
      .export_("inner");
  b.func({}, {}).code({op::unreachable, op::end}).export_("trap");
  // outer(x): 7 live values around the host call, plus locals.
  b.func({I32}, {I32})
      .locals({I32})
      .code({i32c(10), op::local_set, 1, i32c(1), i32c(2), i32c(3), i32c(4), op::local_get, 0, op::call, u(h),
          op::i32_add, op::i32_add, op::i32_add, op::i32_add, op::local_get, 1, op::i32_add, op::end})
      .export_("outer");
  ASSERT_TRUE(vm.load(b.build()));
  inner_fn = vm.fn("inner");
  trap_fn = vm.fn("trap");
  // 1+2+3+4 + (sum(0..x) + 1) + 10
  EXPECT_TRUE(returns(vm.call("outer", {i32v(100)}), {i32v(10 + 5050 + 1 + 10)}));
  EXPECT_EQ(inner_trap, "unreachable");
  EXPECT_TRUE(returns(vm.call("outer", {i32v(3)}), {i32v(10 + 6 + 1 + 10)}));
  EXPECT_TRUE(returns(vm.call("inner", {i32v(4)}), {i32v(10)}));
}

TEST_P(InterpreterHost, NestedTrapPropagatedByTheHost) {
  Vm vm(cfg());
  Function* inner_fn = nullptr;
  Function* host =
      vm.store.create_host_function({{}, {}}, [&](HostCall& hc, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        CallResult r = hc.store.call(inner_fn, std::vector<Value>{});
        return r.trap;
      });
  vm.linker.define("env", "h", Extern::func(host));
  WasmBuilder b;
  uint32_t h = b.import_func("env", "h", {}, {});
  b.func({}, {}).code({i32c(1), i32c(0), op::i32_div_u, op::drop, op::end}).export_("inner");
  b.func({}, {I32}).code({op::call, u(h), i32c(1), op::end}).export_("outer");
  b.func({}, {I32}).code({i32c(5), op::end}).export_("five");
  ASSERT_TRUE(vm.load(b.build()));
  inner_fn = vm.fn("inner");
  EXPECT_TRUE(traps(vm.call("outer"), TrapCode::IntegerDivideByZero));
  EXPECT_TRUE(returns(vm.call("five"), {i32v(5)}));
}

TEST_P(InterpreterHost, UnboundedHostReentryIsStopped) {
  Vm vm(cfg());
  Function* self = nullptr;
  int depth = 0;
  Function* host =
      vm.store.create_host_function({{}, {}}, [&](HostCall& hc, const uint64_t*, uint64_t*) -> std::optional<Trap> {
        ++depth;
        return hc.store.call(self, std::vector<Value>{}).trap;
      });
  vm.linker.define("env", "h", Extern::func(host));
  WasmBuilder b;
  uint32_t h = b.import_func("env", "h", {}, {});
  b.func({}, {}).code({op::call, u(h), op::end}).export_("loop");
  b.func({}, {I32}).code({i32c(5), op::end}).export_("five");
  ASSERT_TRUE(vm.load(b.build()));
  self = vm.fn("loop");
  EXPECT_TRUE(traps(vm.call("loop"), TrapCode::CallStackExhausted));
  EXPECT_GT(depth, 1);
  EXPECT_LE(depth, 10000);
  EXPECT_TRUE(returns(vm.call("five"), {i32v(5)}));
}

// ---------------------------------------------------------------------------------------------
// The store after traps

TEST_P(InterpreterRecovery, EveryTrapLeavesTheStoreUsable) {
  VariantConfig config = cfg();
  config.max_call_depth = 200;
  Vm vm(config);
  WasmBuilder b;
  b.memory(1);
  b.table(1);
  auto rec = b.func({I32}, {I32});
  rec.code({op::local_get, 0, op::local_get, 0, op::call, u(rec.index()), op::i32_add, op::end}).export_("rec");
  b.func({}, {}).code({op::unreachable, op::end}).export_("unreachable");
  b.func({}, {I32}).code({i32c(-1), op::i32_load, mem(2, 0), op::end}).export_("oob");
  b.func({}, {}).code({i32c(0), call_indirect(b.type({}, {})), op::end}).export_("null");
  // Deep stack use before the check: sum(1..n) with a computed tree of values.
  auto sum = b.func({I32}, {I32});
  sum.code({op::local_get, 0, op::if_, bt::i32, op::local_get, 0, op::local_get, 0, i32c(1), op::i32_sub, op::call,
               u(sum.index()), op::i32_add, op::else_, i32c(0), op::end, op::end})
      .export_("sum");
  ASSERT_TRUE(vm.load(b.build()));
  for (const char* trapper : {"rec", "unreachable", "oob", "null"}) {
    SCOPED_TRACE(trapper);
    CallResult r = trapper == std::string("rec") ? vm.call(trapper, {i32v(1)}) : vm.call(trapper);
    EXPECT_TRUE(r.trap.has_value());
    EXPECT_TRUE(returns(vm.call("sum", {i32v(150)}), {i32v(150 * 151 / 2)}));
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, InterpreterBulkMemory, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterCalls, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterGlobals, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterHost, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterLimits, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterMemory, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterRecovery, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterTables, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, InterpreterTraps, ::testing::ValuesIn(all_variants()), variant_test_name);

}  // namespace
}  // namespace tenor::vm::test
