// Tests of the translator (translator.hpp) through the results of the code it produces: every
// peephole (local.set retargeting, lazy local/const operands and their flushes, immediate forms,
// fused compare-and-branch), every branch shape that needs moves (br_if with values, br_table
// stubs, multi-value blocks and returns), and the positions of validation errors.
#include <gtest/gtest.h>

#include <bit>
#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

// Every test runs on every variant of the VM (variants.hpp): dispatch x metering x tracing.
using Variant = VariantTest;
using TranslatorBranches = Variant;
using TranslatorConsts = Variant;
using TranslatorErrors = Variant;
using TranslatorFusion = Variant;
using TranslatorLocals = Variant;
using TranslatorMultiValue = Variant;
using TranslatorNesting = Variant;
using TranslatorSelect = Variant;
Bytes cst(bool is64, int64_t k) { return is64 ? i64c(k) : i32c(static_cast<int32_t>(k)); }
Value val(bool is64, uint64_t v) { return is64 ? Value::i64(v) : Value::i32(static_cast<uint32_t>(v)); }

// ---------------------------------------------------------------------------------------------
// local.set / local.tee retargeting and lazy operands

TEST_P(TranslatorLocals, LocalSetRetargetsTheProducer) {
  WasmBuilder b;
  // (local.set 0 (i32.add (local.get 0) (i32.const 1))) (local.get 0)
  b.func({I32}, {I32})
      .code({op::local_get, 0, i32c(1), op::i32_add, op::local_set, 0, op::local_get, 0, op::end})
      .export_("inc");
  // The same in a counting loop: x = 0; do x = x + 1 while (x < n); return x
  b.func({I32}, {I32})
      .locals({I32})
      .code({op::loop, bt::void_, op::local_get, 1, i32c(1), op::i32_add, op::local_set, 1, op::local_get, 1,
          op::local_get, 0, op::i32_lt_s, op::br_if, 0, op::end, op::local_get, 1, op::end})
      .export_("count");
  // Retargeting into a local that the producer also reads: x = x * x + x, in steps.
  b.func({I32}, {I32})
      .locals({I32})
      .code({op::local_get, 0, op::local_get, 0, op::i32_mul, op::local_set, 1, op::local_get, 1, op::local_get, 0,
          op::i32_add, op::local_set, 0, op::local_get, 0, op::end})
      .export_("sq_plus");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("inc", {i32v(41)}), {i32v(42)}));
  EXPECT_TRUE(returns(vm.call("inc", {i32v(-1)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("count", {i32v(10)}), {i32v(10)}));
  EXPECT_TRUE(returns(vm.call("count", {i32v(-5)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("sq_plus", {i32v(7)}), {i32v(56)}));
  // The metered variant really runs the charges.
  EXPECT_EQ(vm.call("count", {i32v(10)}).gas_used > 0, GetParam().metered);
}

TEST_P(TranslatorLocals, RetargetOfEveryProducerKind) {
  WasmBuilder b;
  b.memory(1);
  uint32_t g = b.global(I32, true, i32c(1234));
  b.data(8, {0x78, 0x56, 0x34, 0x12});
  // unop, load, global.get, select, memory.grow, memory.size, conversion, each retargeted into a
  // local and summed afterwards with distinct weights.
  b.func({I32}, {I32})
      .locals({I32, I32, I32, I32, I32, I32})
      .code({op::local_get, 0, op::i32_popcnt, op::local_set,
          1,  // popcnt(a)
          i32c(8), op::i32_load, mem(2, 0), op::local_set,
          2,  // 0x12345678
          op::global_get, u(g), op::local_set,
          3,  // 1234
          i32c(10), i32c(20), op::local_get, 0, op::select, op::local_set,
          4,  // a ? 10 : 20
          i32c(0), op::memory_grow, 0, op::local_set,
          5,  // 1
          op::memory_size, 0, op::local_set,
          6,  // 1
          op::local_get, 1, op::local_get, 2, op::i32_add, op::local_get, 3, op::i32_add, op::local_get, 4, op::i32_add,
          op::local_get, 5, i32c(100000), op::i32_mul, op::i32_add, op::local_get, 6, i32c(1000000), op::i32_mul,
          op::i32_add, op::end})
      .export_("f");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(7)}), {i32v(3 + 0x12345678 + 1234 + 10 + 100000 + 1000000)}));
  EXPECT_TRUE(returns(vm.call("f", {i32v(0)}), {i32v(0 + 0x12345678 + 1234 + 20 + 100000 + 1000000)}));
}

TEST_P(TranslatorLocals, RetargetedSetWhileTheOldValueIsStillOnTheStack) {
  WasmBuilder b;
  // a * (a + 1): the lazy `local.get 0` below must read the value from before the set.
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, i32c(1), op::i32_add, op::local_set, 0, op::local_get, 0, op::i32_mul,
          op::end})
      .export_("f");
  // The old value twice below the set, non-commutative uses: a - (a - (a + 1)).
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::local_get, 0, i32c(1), op::i32_add, op::local_set, 0,
          op::local_get, 0, op::i32_sub, op::i32_sub, op::end})
      .export_("g");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(5)}), {i32v(30)}));
  EXPECT_TRUE(returns(vm.call("g", {i32v(5)}), {i32v(6)}));
}

TEST_P(TranslatorLocals, LocalTee) {
  WasmBuilder b;
  // (a+1)^2 via tee.
  b.func({I32}, {I32})
      .code({op::local_get, 0, i32c(1), op::i32_add, op::local_tee, 0, op::local_get, 0, op::i32_mul, op::end})
      .export_("sq");
  // tee into another local while the old value of that local is on the stack: b_old - (a*2), and
  // the new b afterwards.
  b.func({I32, I32}, {I32, I32})
      .code({op::local_get, 1, op::local_get, 0, i32c(2), op::i32_mul, op::local_tee, 1, op::i32_sub, op::local_get, 1,
          op::end})
      .export_("tee_over");
  // tee of a constant and of a local.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 0, i32c(9), op::local_tee, 0, op::i32_add, op::local_get, 1, op::local_tee, 0, op::i32_add,
          op::local_get, 0, op::i32_add, op::end})
      .export_("tee_const");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("sq", {i32v(4)}), {i32v(25)}));
  EXPECT_TRUE(returns(vm.call("tee_over", {i32v(3), i32v(100)}), {i32v(94), i32v(6)}));
  // a + 9 + b + b
  EXPECT_TRUE(returns(vm.call("tee_const", {i32v(1), i32v(20)}), {i32v(1 + 9 + 20 + 20)}));
}

TEST_P(TranslatorLocals, SwapThroughLocals) {
  WasmBuilder b;
  b.func({I32, I32}, {I32, I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_set, 0, op::local_set, 1, op::local_get, 0, op::local_get, 1,
          op::end})
      .export_("swap");
  // Rotation of three: (a, b, c) -> (b, c, a).
  b.func({I32, I32, I32}, {I32, I32, I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::local_set, 1, op::local_set, 0, op::local_set, 2,
          op::local_get, 0, op::local_get, 1, op::local_get, 2, op::end})
      .export_("rot");
  // Swap in a loop n times (the lazy operands cross the back edge only through locals).
  b.func({I64, I64, I32}, {I64, I64})
      .code({op::block, bt::void_, op::loop, bt::void_, op::local_get, 2, op::i32_eqz, op::br_if, 1, op::local_get, 0,
          op::local_get, 1, op::local_set, 0, op::local_set, 1, op::local_get, 2, i32c(1), op::i32_sub, op::local_set,
          2, op::br, 0, op::end, op::end, op::local_get, 0, op::local_get, 1, op::end})
      .export_("swap_n");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("swap", {i32v(1), i32v(2)}), {i32v(2), i32v(1)}));
  EXPECT_TRUE(returns(vm.call("rot", {i32v(1), i32v(2), i32v(3)}), {i32v(2), i32v(3), i32v(1)}));
  EXPECT_TRUE(returns(vm.call("swap_n", {i64v(1LL << 40), i64v(-7), i32v(3)}), {i64v(-7), i64v(1LL << 40)}));
  EXPECT_TRUE(returns(vm.call("swap_n", {i64v(1LL << 40), i64v(-7), i32v(4)}), {i64v(1LL << 40), i64v(-7)}));
}

TEST_P(TranslatorLocals, LazyReadThenOverwrittenBeforeUse) {
  WasmBuilder b;
  // local.get 0; local.get 0; i32.const 5; local.set 0; i32.add  -> old + old
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, i32c(5), op::local_set, 0, op::i32_add, op::end})
      .export_("const_over");
  // Overwritten by another local, then both read: old0 + old0 + new0(=a1)
  b.func({I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::local_get, 1, op::local_set, 0, op::i32_add, op::local_get, 0,
          op::i32_add, op::end})
      .export_("local_over");
  // Overwritten inside a nested block: the lazy value below the block must be the old one.
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::block, bt::void_, i32c(5), op::local_set, 0, op::end, op::local_get, 0, op::i32_sub,
          op::end})
      .export_("block_over");
  // Overwritten inside a loop body and an if arm.
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::if_, bt::void_, i32c(100), op::local_set, 0, op::end, op::loop,
          bt::void_, i32c(7), op::local_set, 0, op::end, op::local_get, 0, op::i32_mul, op::end})
      .export_("if_loop_over");
  // Overwritten through local.tee used as an operand of the same expression.
  b.func({I32}, {I32}).code({op::local_get, 0, i32c(3), op::local_tee, 0, op::i32_sub, op::end}).export_("tee_over");
  // Many lazy copies flushed at once: 40 x old, then set, then 40 x new, all summed.
  Bytes many;
  for (int i = 0; i < 40; ++i) append(many, {op::local_get, 0});
  append(many, i32c(1));
  append(many, {op::local_set, 0});
  for (int i = 0; i < 40; ++i) append(many, {op::local_get, 0});
  for (int i = 0; i < 79; ++i) many.push_back(op::i32_add);
  many.push_back(op::end);
  b.func({I32}, {I32}).code({many}).export_("many");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("const_over", {i32v(11)}), {i32v(22)}));
  EXPECT_TRUE(returns(vm.call("local_over", {i32v(11), i32v(1000)}), {i32v(1022)}));
  EXPECT_TRUE(returns(vm.call("block_over", {i32v(11)}), {i32v(6)}));
  EXPECT_TRUE(returns(vm.call("if_loop_over", {i32v(3)}), {i32v(3 * 7)}));
  EXPECT_TRUE(returns(vm.call("if_loop_over", {i32v(0)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("tee_over", {i32v(10)}), {i32v(7)}));
  EXPECT_TRUE(returns(vm.call("many", {i32v(5)}), {i32v(40 * 5 + 40)}));
}

TEST_P(TranslatorLocals, LazyOperandsSurviveCallsAndGlobalWrites) {
  WasmBuilder b;
  uint32_t g = b.global(I32, true, i32c(0));
  // callee(x): overwrites its own param (which lives in the caller's operand slots) and a global.
  auto callee = b.func({I32}, {I32})
                    .locals({I32})
                    .code({op::local_get, 0, i32c(1000), op::i32_add, op::local_set, 0, op::local_get, 0,
                        op::global_set, u(g), op::local_get, 0, op::end});
  // caller: lazy a below the call, call with a lazy arg, then uses a again.
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::call, u(callee.index()), op::i32_add, op::local_get, 0,
          op::i32_add, op::global_get, u(g), op::i32_add, op::end})
      .export_("f");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  // a + (a + 1000) + a + (a + 1000)
  EXPECT_TRUE(returns(vm.call("f", {i32v(1)}), {i32v(2004)}));
}

TEST_P(TranslatorLocals, DeclaredLocalsAreZeroedOnEveryCall) {
  WasmBuilder b;
  // dirty(): fills its own locals (and so stack slots) with junk.
  auto dirty = b.func({}, {})
                   .locals({I64, I64, I64, I64, I64, I64, I64, I64})
                   .code({i64c(-1), op::local_set, 0, i64c(-1), op::local_set, 1, i64c(-1), op::local_set, 2, i64c(-1),
                       op::local_set, 3, i64c(-1), op::local_set, 4, i64c(-1), op::local_set, 5, i64c(-1),
                       op::local_set, 6, i64c(-1), op::local_set, 7, op::end});
  // clean(): reads its declared locals without writing them; all must be zero.
  auto clean = b.func({}, {I64})
                   .locals({I64, I64, I64, I64, I64, I64, I64, I64})
                   .code({op::local_get, 0, op::local_get, 1, op::i64_or, op::local_get, 2, op::i64_or, op::local_get,
                       3, op::i64_or, op::local_get, 4, op::i64_or, op::local_get, 5, op::i64_or, op::local_get, 6,
                       op::i64_or, op::local_get, 7, op::i64_or, op::end});
  b.func({}, {I64}).code({op::call, u(dirty.index()), op::call, u(clean.index()), op::end}).export_("f");
  clean.export_("clean");
  dirty.export_("dirty");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f"), {i64v(0)}));
  EXPECT_TRUE(returns(vm.call("dirty"), {}));
  EXPECT_TRUE(returns(vm.call("clean"), {i64v(0)}));
}

// ---------------------------------------------------------------------------------------------
// Constant operands and immediate forms

struct BinCase {
  const char* name;
  uint8_t opc;
  bool is64;
  // nullopt: the operation traps.
  std::function<std::optional<uint64_t>(uint64_t, uint64_t)> f;
};

template <class U>
std::optional<uint64_t> ok(U v) {
  return static_cast<uint64_t>(v);
}

std::vector<BinCase> int_binops() {
  using u32 = uint32_t;
  using s32 = int32_t;
  using u64 = uint64_t;
  using s64 = int64_t;
  auto U32 = [](uint64_t x) { return static_cast<u32>(x); };
  auto S32 = [](uint64_t x) { return static_cast<s32>(static_cast<u32>(x)); };
  auto S64 = [](uint64_t x) { return static_cast<s64>(x); };
  std::vector<BinCase> v = {
      {"i32.add", op::i32_add, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) + U32(b)); }},
      {"i32.sub", op::i32_sub, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) - U32(b)); }},
      {"i32.mul", op::i32_mul, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) * U32(b)); }},
      {"i32.and", op::i32_and, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) & U32(b)); }},
      {"i32.or", op::i32_or, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) | U32(b)); }},
      {"i32.xor", op::i32_xor, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) ^ U32(b)); }},
      {"i32.shl", op::i32_shl, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) << (U32(b) & 31)); }},
      {"i32.shr_s", op::i32_shr_s, false,
          [=](u64 a, u64 b) { return ok<u32>(static_cast<u32>(S32(a) >> (U32(b) & 31))); }},
      {"i32.shr_u", op::i32_shr_u, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) >> (U32(b) & 31)); }},
      {"i32.rotl", op::i32_rotl, false,
          [=](u64 a, u64 b) { return ok<u32>(std::rotl(U32(a), static_cast<int>(U32(b) & 31))); }},
      {"i32.rotr", op::i32_rotr, false,
          [=](u64 a, u64 b) { return ok<u32>(std::rotr(U32(a), static_cast<int>(U32(b) & 31))); }},
      {"i32.div_s", op::i32_div_s, false,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (U32(b) == 0 || (S32(a) == INT32_MIN && S32(b) == -1)) return std::nullopt;
            return ok<u32>(static_cast<u32>(S32(a) / S32(b)));
          }},
      {"i32.div_u", op::i32_div_u, false,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (U32(b) == 0) return std::nullopt;
            return ok<u32>(U32(a) / U32(b));
          }},
      {"i32.rem_s", op::i32_rem_s, false,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (U32(b) == 0) return std::nullopt;
            if (S32(b) == -1) return ok<u32>(0);
            return ok<u32>(static_cast<u32>(S32(a) % S32(b)));
          }},
      {"i32.rem_u", op::i32_rem_u, false,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (U32(b) == 0) return std::nullopt;
            return ok<u32>(U32(a) % U32(b));
          }},
      {"i32.lt_s", op::i32_lt_s, false, [=](u64 a, u64 b) { return ok<u32>(S32(a) < S32(b)); }},
      {"i32.ge_u", op::i32_ge_u, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) >= U32(b)); }},
      {"i32.eq", op::i32_eq, false, [=](u64 a, u64 b) { return ok<u32>(U32(a) == U32(b)); }},
      {"i64.add", op::i64_add, true, [=](u64 a, u64 b) { return ok<u64>(a + b); }},
      {"i64.sub", op::i64_sub, true, [=](u64 a, u64 b) { return ok<u64>(a - b); }},
      {"i64.mul", op::i64_mul, true, [=](u64 a, u64 b) { return ok<u64>(a * b); }},
      {"i64.and", op::i64_and, true, [=](u64 a, u64 b) { return ok<u64>(a & b); }},
      {"i64.or", op::i64_or, true, [=](u64 a, u64 b) { return ok<u64>(a | b); }},
      {"i64.xor", op::i64_xor, true, [=](u64 a, u64 b) { return ok<u64>(a ^ b); }},
      {"i64.shl", op::i64_shl, true, [=](u64 a, u64 b) { return ok<u64>(a << (b & 63)); }},
      {"i64.shr_s", op::i64_shr_s, true, [=](u64 a, u64 b) { return ok<u64>(static_cast<u64>(S64(a) >> (b & 63))); }},
      {"i64.shr_u", op::i64_shr_u, true, [=](u64 a, u64 b) { return ok<u64>(a >> (b & 63)); }},
      {"i64.rotl", op::i64_rotl, true, [=](u64 a, u64 b) { return ok<u64>(std::rotl(a, static_cast<int>(b & 63))); }},
      {"i64.rotr", op::i64_rotr, true, [=](u64 a, u64 b) { return ok<u64>(std::rotr(a, static_cast<int>(b & 63))); }},
      {"i64.div_s", op::i64_div_s, true,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (b == 0 || (S64(a) == INT64_MIN && S64(b) == -1)) return std::nullopt;
            return ok<u64>(static_cast<u64>(S64(a) / S64(b)));
          }},
      {"i64.div_u", op::i64_div_u, true,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (b == 0) return std::nullopt;
            return ok<u64>(a / b);
          }},
      {"i64.rem_s", op::i64_rem_s, true,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (b == 0) return std::nullopt;
            if (S64(b) == -1) return ok<u64>(0);
            return ok<u64>(static_cast<u64>(S64(a) % S64(b)));
          }},
      {"i64.rem_u", op::i64_rem_u, true,
          [=](u64 a, u64 b) -> std::optional<u64> {
            if (b == 0) return std::nullopt;
            return ok<u64>(a % b);
          }},
      {"i64.lt_u", op::i64_lt_u, true, [=](u64 a, u64 b) { return ok<u32>(a < b); }},
      {"i64.ge_s", op::i64_ge_s, true, [=](u64 a, u64 b) { return ok<u32>(S64(a) >= S64(b)); }},
      {"i64.ne", op::i64_ne, true, [=](u64 a, u64 b) { return ok<u32>(a != b); }},
  };
  return v;
}

const std::vector<int64_t> kI32Consts = {0, 1, -1, 5, 31, 33, 0x7FFFFFFF, INT32_MIN, 0x12345678, -1000};
const std::vector<int64_t> kI64Consts = {0, 1, -1, 7, 63, 65, 0xFFFFFFFFLL, 0x80000000LL, 0x100000000LL, 0x100000001LL,
    -(1LL << 40), 0x123456789ABCDEFLL, INT64_MAX, INT64_MIN};

// Every integer binary operator in every operand shape: register/register, register/immediate,
// immediate/register, immediate/immediate, computed (slot) operands, and retargeted into a local.
TEST_P(TranslatorConsts, BinopOperandShapesAgreeWithReference) {
  for (const BinCase& c : int_binops()) {
    SCOPED_TRACE(c.name);
    const auto& consts = c.is64 ? kI64Consts : kI32Consts;
    ValType t = c.is64 ? I64 : I32;
    bool cmp_result_i32 = c.is64 && (c.opc >= op::i64_eqz && c.opc <= op::i64_ge_u);
    ValType rt = cmp_result_i32 ? I32 : t;
    WasmBuilder b;
    b.func({t, t}, {rt}).code({op::local_get, 0, op::local_get, 1, c.opc, op::end}).export_("rr");
    // Operands above another value, the left one computed into its slot.
    b.func({t, t}, {rt})
        .locals({rt})
        .code({i32c(99), op::local_get, 0, cst(c.is64, 0), c.is64 ? op::i64_or : op::i32_or, op::local_get, 1, c.opc,
            op::local_set, 2, op::drop, op::local_get, 2, op::end})
        .export_("rr_deep");
    b.func({t, t}, {rt})
        .locals({rt})
        .code({op::local_get, 0, cst(c.is64, 0), c.is64 ? op::i64_or : op::i32_or, op::local_get, 1, cst(c.is64, 0),
            c.is64 ? op::i64_xor : op::i32_xor, c.opc, op::local_set, 2, op::local_get, 2, op::end})
        .export_("slots");
    for (size_t k = 0; k < consts.size(); ++k) {
      std::string s = std::to_string(k);
      b.func({t}, {rt}).code({op::local_get, 0, cst(c.is64, consts[k]), c.opc, op::end}).export_("ri" + s);
      b.func({t}, {rt}).code({cst(c.is64, consts[k]), op::local_get, 0, c.opc, op::end}).export_("ir" + s);
      b.func({}, {rt})
          .code({cst(c.is64, consts[k]), cst(c.is64, consts[(k + 3) % consts.size()]), c.opc, op::end})
          .export_("ii" + s);
      // Immediate form retargeted into the parameter.
      b.func({t}, {rt})
          .locals({rt})
          .code({op::local_get, 0, cst(c.is64, consts[k]), c.opc, op::local_set, 1, op::local_get, 1, op::end})
          .export_("ri_set" + s);
    }
    Vm vm(cfg());
    ASSERT_TRUE(vm.load(b.build()));
    auto expect = [&](const CallResult& r, uint64_t a, uint64_t bb, const char* shape) {
      std::optional<uint64_t> want = c.f(a, bb);
      if (!want) {
        EXPECT_TRUE(r.trap.has_value()) << shape << " a=" << a << " b=" << bb << ": " << describe(r);
      } else {
        EXPECT_TRUE(returns(r, {val(!cmp_result_i32 && c.is64, *want)})) << shape << " a=" << a << " b=" << bb;
      }
    };
    for (int64_t sa : consts) {
      uint64_t a = c.is64 ? static_cast<uint64_t>(sa) : static_cast<uint32_t>(sa);
      for (size_t k = 0; k < consts.size(); ++k) {
        uint64_t kb = c.is64 ? static_cast<uint64_t>(consts[k]) : static_cast<uint32_t>(consts[k]);
        std::string s = std::to_string(k);
        expect(vm.call("rr", {val(c.is64, a), val(c.is64, kb)}), a, kb, "rr");
        expect(vm.call("rr_deep", {val(c.is64, a), val(c.is64, kb)}), a, kb, "rr_deep");
        expect(vm.call("slots", {val(c.is64, a), val(c.is64, kb)}), a, kb, "slots");
        expect(vm.call("ri" + s, {val(c.is64, a)}), a, kb, "ri");
        expect(vm.call("ri_set" + s, {val(c.is64, a)}), a, kb, "ri_set");
        expect(vm.call("ir" + s, {val(c.is64, a)}), kb, a, "ir");
      }
    }
    for (size_t k = 0; k < consts.size(); ++k) {
      uint64_t ka = c.is64 ? static_cast<uint64_t>(consts[k]) : static_cast<uint32_t>(consts[k]);
      int64_t sb = consts[(k + 3) % consts.size()];
      uint64_t kb = c.is64 ? static_cast<uint64_t>(sb) : static_cast<uint32_t>(sb);
      expect(vm.call("ii" + std::to_string(k)), ka, kb, "ii");
    }
  }
}

TEST_P(TranslatorConsts, WideI64ImmediatesKeepBothHalves) {
  WasmBuilder b;
  b.func({I64}, {I64}).code({op::local_get, 0, i64c(0x100000001LL), op::i64_add, op::end}).export_("add");
  b.func({I64}, {I64}).code({op::local_get, 0, i64c(-(1LL << 40)), op::i64_and, op::end}).export_("and");
  b.func({}, {I64}).code({i64c(0x7EDCBA9876543210LL), op::end}).export_("const");
  b.func({}, {I64}).locals({I64}).code({i64c(-2), op::local_set, 0, op::local_get, 0, op::end}).export_("set");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("add", {i64v(0xFFFFFFFF)}), {i64v(0x200000000LL)}));
  EXPECT_TRUE(returns(vm.call("add", {i64v(-1)}), {i64v(0x100000000LL)}));
  EXPECT_TRUE(returns(vm.call("and", {i64v(-1)}), {i64v(-(1LL << 40))}));
  EXPECT_TRUE(returns(vm.call("const"), {i64v(0x7EDCBA9876543210LL)}));
  EXPECT_TRUE(returns(vm.call("set"), {i64v(-2)}));
}

TEST_P(TranslatorConsts, FloatConstOperands) {
  WasmBuilder b;
  b.func({F32}, {F32}).code({op::local_get, 0, f32c(1.5f), op::f32_add, op::end}).export_("f32_add");
  b.func({F32}, {F32}).code({f32c(10.0f), op::local_get, 0, op::f32_sub, op::end}).export_("f32_rsub");
  b.func({F32}, {F32}).code({op::local_get, 0, f32c(4.0f), op::f32_div, op::end}).export_("f32_div");
  b.func({F32}, {F32}).code({op::local_get, 0, f32c(-0.0f), op::f32_copysign, op::end}).export_("f32_negabs");
  b.func({F32}, {F32}).code({op::local_get, 0, f32c(2.0f), op::f32_min, op::end}).export_("f32_min");
  b.func({F32}, {I32}).code({op::local_get, 0, f32c(0.5f), op::f32_lt, op::end}).export_("f32_lt");
  b.func({F64}, {F64}).code({op::local_get, 0, f64c(0.1), op::f64_add, op::end}).export_("f64_add");
  b.func({F64}, {F64}).code({f64c(1e300), op::local_get, 0, op::f64_mul, op::end}).export_("f64_mul");
  b.func({F64}, {F64}).code({op::local_get, 0, f64c(-1.0), op::f64_copysign, op::end}).export_("f64_negabs");
  b.func({F64}, {F64}).code({op::local_get, 0, f64c(3.0), op::f64_max, op::end}).export_("f64_max");
  b.func({F64}, {I32})
      .code({op::block, bt::void_, op::local_get, 0, f64c(2.5), op::f64_ge, op::br_if, 0, i32c(0), op::return_, op::end,
          i32c(1), op::end})
      .export_("f64_ge_br");
  b.func({}, {F64}).code({f64c(0.25), f64c(0.5), op::f64_add, op::end}).export_("f64_cc");
  b.func({}, {F32}).locals({F32}).code({f32c(-3.25f), op::local_set, 0, op::local_get, 0, op::end}).export_("f32_set");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f32_add", {Value::f32(2.25f)}), {Value::f32(3.75f)}));
  EXPECT_TRUE(returns(vm.call("f32_rsub", {Value::f32(2.5f)}), {Value::f32(7.5f)}));
  EXPECT_TRUE(returns(vm.call("f32_div", {Value::f32(3.0f)}), {Value::f32(0.75f)}));
  EXPECT_TRUE(returns(vm.call("f32_negabs", {Value::f32(5.0f)}), {Value::f32(-5.0f)}));
  EXPECT_TRUE(returns(vm.call("f32_min", {Value::f32(7.0f)}), {Value::f32(2.0f)}));
  EXPECT_TRUE(returns(vm.call("f32_lt", {Value::f32(0.25f)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("f32_lt", {Value::f32(0.5f)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("f64_add", {Value::f64(0.2)}), {Value::f64(0.2 + 0.1)}));
  EXPECT_TRUE(returns(vm.call("f64_mul", {Value::f64(-2.0)}), {Value::f64(-2e300)}));
  EXPECT_TRUE(returns(vm.call("f64_negabs", {Value::f64(-8.5)}), {Value::f64(-8.5)}));
  EXPECT_TRUE(returns(vm.call("f64_negabs", {Value::f64(8.5)}), {Value::f64(-8.5)}));
  EXPECT_TRUE(returns(vm.call("f64_max", {Value::f64(1.0)}), {Value::f64(3.0)}));
  EXPECT_TRUE(returns(vm.call("f64_ge_br", {Value::f64(2.5)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("f64_ge_br", {Value::f64(2.4)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("f64_cc"), {Value::f64(0.75)}));
  EXPECT_TRUE(returns(vm.call("f32_set"), {Value::f32(-3.25f)}));
}

TEST_P(TranslatorConsts, ConstOperandsOfNonArithmeticInstructions) {
  WasmBuilder b;
  b.memory(1);
  uint32_t g = b.global(I64, true, i64c(0));
  auto id =
      b.func({I32, I64}, {I64}).code({op::local_get, 1, op::local_get, 0, op::i64_extend_i32_s, op::i64_add, op::end});
  b.func({}, {I64})
      .code({i32c(100), i64c(0x1122334455667788LL), op::i64_store, mem(3, 0),  // const addr and value
          i32c(96), op::i64_load, mem(3, 4),                                   // const addr + offset
          i64c(5), op::global_set,
          u(g),  // const global.set
          op::global_get, u(g), op::i64_add, i32c(-3), i64c(1LL << 33), op::call, u(id.index()),
          op::i64_add,  // const call args
          i64c(7), i64c(9), i32c(0), op::select,
          op::i64_add,  // const select
          op::end})
      .export_("f");
  b.func({}, {I32}).code({i32c(2), op::memory_grow, 0, op::end}).export_("grow");
  b.func({}, {I32})
      .code({op::block, bt::void_, op::block, bt::void_, i32c(1), br_table({0, 1}, 1), op::end, i32c(10), op::return_,
          op::end, i32c(20), op::end})
      .export_("br_table_const");
  b.func({}, {I32})
      .code({i32c(0), op::if_, bt::i32, i32c(1), op::else_, i32c(2), op::end, op::block, bt::void_, i32c(1), op::br_if,
          0, op::unreachable, op::end, op::end})
      .export_("if_const");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  // load at 96+4=100 reads the stored value; +5; + (2^33 - 3); + 9
  EXPECT_TRUE(returns(vm.call("f"), {i64v(0x1122334455667788LL + 5 + (1LL << 33) - 3 + 9)}));
  EXPECT_TRUE(returns(vm.call("grow"), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("br_table_const"), {i32v(20)}));
  EXPECT_TRUE(returns(vm.call("if_const"), {i32v(2)}));
}

// ---------------------------------------------------------------------------------------------
// Fused compare-and-branch

struct CmpCase {
  const char* name;
  uint8_t opc;
  bool is64;
  std::function<bool(uint64_t, uint64_t)> f;
};

std::vector<CmpCase> int_comparisons() {
  auto S32 = [](uint64_t x) { return static_cast<int32_t>(static_cast<uint32_t>(x)); };
  auto U32 = [](uint64_t x) { return static_cast<uint32_t>(x); };
  auto S64 = [](uint64_t x) { return static_cast<int64_t>(x); };
  using u64 = uint64_t;
  return {
      {"i32.eq", op::i32_eq, false, [=](u64 a, u64 b) { return U32(a) == U32(b); }},
      {"i32.ne", op::i32_ne, false, [=](u64 a, u64 b) { return U32(a) != U32(b); }},
      {"i32.lt_s", op::i32_lt_s, false, [=](u64 a, u64 b) { return S32(a) < S32(b); }},
      {"i32.lt_u", op::i32_lt_u, false, [=](u64 a, u64 b) { return U32(a) < U32(b); }},
      {"i32.gt_s", op::i32_gt_s, false, [=](u64 a, u64 b) { return S32(a) > S32(b); }},
      {"i32.gt_u", op::i32_gt_u, false, [=](u64 a, u64 b) { return U32(a) > U32(b); }},
      {"i32.le_s", op::i32_le_s, false, [=](u64 a, u64 b) { return S32(a) <= S32(b); }},
      {"i32.le_u", op::i32_le_u, false, [=](u64 a, u64 b) { return U32(a) <= U32(b); }},
      {"i32.ge_s", op::i32_ge_s, false, [=](u64 a, u64 b) { return S32(a) >= S32(b); }},
      {"i32.ge_u", op::i32_ge_u, false, [=](u64 a, u64 b) { return U32(a) >= U32(b); }},
      {"i64.eq", op::i64_eq, true, [=](u64 a, u64 b) { return a == b; }},
      {"i64.ne", op::i64_ne, true, [=](u64 a, u64 b) { return a != b; }},
      {"i64.lt_s", op::i64_lt_s, true, [=](u64 a, u64 b) { return S64(a) < S64(b); }},
      {"i64.lt_u", op::i64_lt_u, true, [=](u64 a, u64 b) { return a < b; }},
      {"i64.gt_s", op::i64_gt_s, true, [=](u64 a, u64 b) { return S64(a) > S64(b); }},
      {"i64.gt_u", op::i64_gt_u, true, [=](u64 a, u64 b) { return a > b; }},
      {"i64.le_s", op::i64_le_s, true, [=](u64 a, u64 b) { return S64(a) <= S64(b); }},
      {"i64.le_u", op::i64_le_u, true, [=](u64 a, u64 b) { return a <= b; }},
      {"i64.ge_s", op::i64_ge_s, true, [=](u64 a, u64 b) { return S64(a) >= S64(b); }},
      {"i64.ge_u", op::i64_ge_u, true, [=](u64 a, u64 b) { return a >= b; }},
  };
}

// Every integer comparison fused with br_if and with if, with register and immediate right
// operands (and an immediate left operand), taken and not taken, plus an `if` whose condition is
// fused while lazy operands below it must be materialised first.
TEST_P(TranslatorFusion, EveryComparisonWithBrIfAndIf) {
  const std::vector<int64_t> i32_consts = {0, 5, -1, INT32_MIN, INT32_MAX, -5};
  const std::vector<int64_t> i64_consts = {0, 5, -1, 1LL << 32, -(1LL << 40), INT64_MIN, INT64_MAX, 0xFFFFFFFFLL};
  for (const CmpCase& c : int_comparisons()) {
    SCOPED_TRACE(c.name);
    ValType t = c.is64 ? I64 : I32;
    const auto& consts = c.is64 ? i64_consts : i32_consts;
    WasmBuilder b;
    // br_if: 1 when taken, 0 otherwise.
    b.func({t, t}, {I32})
        .code({op::block, bt::void_, op::local_get, 0, op::local_get, 1, c.opc, op::br_if, 0, i32c(0), op::return_,
            op::end, i32c(1), op::end})
        .export_("brif_rr");
    b.func({t, t}, {I32})
        .code({op::local_get, 0, op::local_get, 1, c.opc, op::if_, bt::i32, i32c(1), op::else_, i32c(0), op::end,
            op::end})
        .export_("if_rr");
    // if without else: only the then-arm changes the result.
    b.func({t, t}, {I32})
        .locals({I32})
        .code({op::local_get, 0, op::local_get, 1, c.opc, op::if_, bt::void_, i32c(1), op::local_set, 2, op::end,
            op::local_get, 2, op::end})
        .export_("if_noelse");
    // Computed (slot) operands.
    b.func({t, t}, {I32})
        .code({op::block, bt::void_, op::local_get, 0, cst(c.is64, 0), c.is64 ? op::i64_add : op::i32_add,
            op::local_get, 1, cst(c.is64, 0), c.is64 ? op::i64_xor : op::i32_xor, c.opc, op::br_if, 0, i32c(0),
            op::return_, op::end, i32c(1), op::end})
        .export_("brif_slots");
    // A lazy operand below the fused `if` that the then-arm overwrites:
    // result = c_old + (cmp ? 1 : 2) + (cmp ? 99 : c_old)
    b.func({t, t, I32}, {I32})
        .code({op::local_get, 2, op::local_get, 0, op::local_get, 1, c.opc, op::if_, bt::i32, i32c(99), op::local_set,
            2, i32c(1), op::else_, i32c(2), op::end, op::i32_add, op::local_get, 2, op::i32_add, op::end})
        .export_("if_lazy_below");
    for (size_t k = 0; k < consts.size(); ++k) {
      std::string s = std::to_string(k);
      b.func({t}, {I32})
          .code({op::block, bt::void_, op::local_get, 0, cst(c.is64, consts[k]), c.opc, op::br_if, 0, i32c(0),
              op::return_, op::end, i32c(1), op::end})
          .export_("brif_ri" + s);
      b.func({t}, {I32})
          .code({op::local_get, 0, cst(c.is64, consts[k]), c.opc, op::if_, bt::i32, i32c(1), op::else_, i32c(0),
              op::end, op::end})
          .export_("if_ri" + s);
      b.func({t}, {I32})
          .code({op::block, bt::void_, cst(c.is64, consts[k]), op::local_get, 0, c.opc, op::br_if, 0, i32c(0),
              op::return_, op::end, i32c(1), op::end})
          .export_("brif_ir" + s);
    }
    Vm vm(cfg());
    ASSERT_TRUE(vm.load(b.build()));
    for (int64_t sa : consts) {
      uint64_t a = c.is64 ? static_cast<uint64_t>(sa) : static_cast<uint32_t>(sa);
      for (size_t k = 0; k < consts.size(); ++k) {
        uint64_t kb = c.is64 ? static_cast<uint64_t>(consts[k]) : static_cast<uint32_t>(consts[k]);
        std::string s = std::to_string(k);
        int32_t want = c.f(a, kb) ? 1 : 0;
        int32_t want_rev = c.f(kb, a) ? 1 : 0;
        SCOPED_TRACE("a=" + std::to_string(sa) + " b=" + std::to_string(consts[k]));
        EXPECT_TRUE(returns(vm.call("brif_rr", {val(c.is64, a), val(c.is64, kb)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("if_rr", {val(c.is64, a), val(c.is64, kb)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("if_noelse", {val(c.is64, a), val(c.is64, kb)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("brif_slots", {val(c.is64, a), val(c.is64, kb)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("if_lazy_below", {val(c.is64, a), val(c.is64, kb), i32v(1000)}),
            {i32v(want ? 1000 + 1 + 99 : 1000 + 2 + 1000)}));
        EXPECT_TRUE(returns(vm.call("brif_ri" + s, {val(c.is64, a)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("if_ri" + s, {val(c.is64, a)}), {i32v(want)}));
        EXPECT_TRUE(returns(vm.call("brif_ir" + s, {val(c.is64, a)}), {i32v(want_rev)}));
      }
    }
  }
}

TEST_P(TranslatorFusion, EqzWithBrIfAndIf) {
  for (bool is64 : {false, true}) {
    SCOPED_TRACE(is64 ? "i64.eqz" : "i32.eqz");
    ValType t = is64 ? I64 : I32;
    uint8_t eqz = is64 ? op::i64_eqz : op::i32_eqz;
    WasmBuilder b;
    b.func({t}, {I32})
        .code({op::block, bt::void_, op::local_get, 0, eqz, op::br_if, 0, i32c(0), op::return_, op::end, i32c(1),
            op::end})
        .export_("brif");
    b.func({t}, {I32})
        .code({op::local_get, 0, eqz, op::if_, bt::i32, i32c(1), op::else_, i32c(0), op::end, op::end})
        .export_("if");
    // eqz of a computed value, and eqz of a constant.
    b.func({t}, {I32})
        .code({op::block, bt::void_, op::local_get, 0, cst(is64, 1), is64 ? op::i64_sub : op::i32_sub, eqz, op::br_if,
            0, i32c(0), op::return_, op::end, i32c(1), op::end})
        .export_("brif_computed");
    b.func({}, {I32})
        .code({cst(is64, 0), eqz, op::if_, bt::i32, i32c(1), op::else_, i32c(0), op::end, op::end})
        .export_("if_const");
    // eqz; eqz (double negation) feeding br_if.
    b.func({t}, {I32})
        .code({op::block, bt::void_, op::local_get, 0, eqz, op::i32_eqz, op::br_if, 0, i32c(0), op::return_, op::end,
            i32c(1), op::end})
        .export_("brif_nez");
    Vm vm(cfg());
    ASSERT_TRUE(vm.load(b.build()));
    for (int64_t v : {0LL, 1LL, -1LL, 1LL << 32, 1LL << 31}) {
      uint64_t bits = is64 ? static_cast<uint64_t>(v) : static_cast<uint32_t>(v);
      bool zero = bits == 0;
      SCOPED_TRACE(v);
      EXPECT_TRUE(returns(vm.call("brif", {val(is64, bits)}), {i32v(zero)}));
      EXPECT_TRUE(returns(vm.call("if", {val(is64, bits)}), {i32v(zero)}));
      EXPECT_TRUE(returns(vm.call("brif_computed", {val(is64, bits)}), {i32v(bits == 1)}));
      EXPECT_TRUE(returns(vm.call("brif_nez", {val(is64, bits)}), {i32v(!zero)}));
    }
    EXPECT_TRUE(returns(vm.call("if_const"), {i32v(1)}));
  }
}

// A comparison whose result is also kept (local.tee) must not be fused away.
TEST_P(TranslatorFusion, ComparisonResultStillUsedAfterTheBranch) {
  WasmBuilder b;
  b.func({I32, I32}, {I32})
      .locals({I32})
      .code({op::block, bt::void_, op::local_get, 0, op::local_get, 1, op::i32_lt_s, op::local_tee, 2, op::br_if, 0,
          op::local_get, 2, i32c(10), op::i32_add, op::return_, op::end, op::local_get, 2, i32c(20), op::i32_add,
          op::end})
      .export_("f");
  // The comparison feeds both br_if's value and its condition: block (result i32) (x < y) (x < y) br_if 0
  b.func({I32, I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, op::local_get, 1, op::i32_lt_u, op::local_get, 0, op::local_get, 1,
          op::i32_lt_u, op::br_if, 0, i32c(5), op::i32_add, op::end, op::end})
      .export_("g");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("f", {i32v(1), i32v(2)}), {i32v(21)}));
  EXPECT_TRUE(returns(vm.call("f", {i32v(3), i32v(2)}), {i32v(10)}));
  EXPECT_TRUE(returns(vm.call("g", {i32v(1), i32v(2)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("g", {i32v(3), i32v(2)}), {i32v(5)}));
}

// ---------------------------------------------------------------------------------------------
// Branches with values

TEST_P(TranslatorBranches, BrIfWithValues) {
  WasmBuilder b;
  // block (result i32) (br_if 0 (local.get 0) (local.get 1)) drop (i32.const 7) end
  b.func({I32, I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, op::local_get, 1, op::br_if, 0, op::drop, i32c(7), op::end, op::end})
      .export_("local_value");
  // Extra value below: the branch value is not at the label's slot.
  b.func({I32, I32, I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, op::local_get, 1, op::local_get, 2, op::br_if, 0, op::drop, op::end,
          op::end})
      .export_("value_above_other");
  // Computed value below a constant: block (result i32) (a*3) (i32.const 9) (br_if 0 c) ... the
  // taken branch carries 9, fallthrough adds.
  b.func({I32, I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, i32c(3), op::i32_mul, i32c(9), op::local_get, 1, op::br_if, 0,
          op::i32_add, op::end, op::end})
      .export_("const_value");
  // Fused condition + value moves.
  b.func({I32, I32}, {I32})
      .code({op::block, bt::i32, i32c(100), op::local_get, 0, op::local_get, 1, op::local_get, 0, op::i32_gt_s,
          op::br_if, 0, op::i32_add, op::end, op::end})
      .export_("fused_moves");
  // Two values, swapped locals.
  uint32_t t2 = b.type({}, {I32, I32});
  b.func({I32, I32, I32}, {I32, I32})
      .code({op::block, blk(t2), op::local_get, 1, op::local_get, 0, op::local_get, 2, op::br_if, 0, i32c(1),
          op::i32_add, op::end, op::end})
      .export_("two_values");
  // br_if to the function label (conditional return) with the value staying for the fallthrough.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, op::br_if, 0, i32c(100), op::i32_add, op::end})
      .export_("cond_return");
  // Conditional return of two swapped parameters (parallel-move hazard on the taken path only).
  b.func({I32, I32, I32}, {I32, I32})
      .code({op::local_get, 1, op::local_get, 0, op::local_get, 2, op::br_if, 0, op::i32_sub, i32c(0), op::end})
      .export_("cond_return_swap");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("local_value", {i32v(42), i32v(1)}), {i32v(42)}));
  EXPECT_TRUE(returns(vm.call("local_value", {i32v(42), i32v(0)}), {i32v(7)}));
  EXPECT_TRUE(returns(vm.call("value_above_other", {i32v(1), i32v(2), i32v(1)}), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("value_above_other", {i32v(1), i32v(2), i32v(0)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("const_value", {i32v(5), i32v(1)}), {i32v(9)}));
  EXPECT_TRUE(returns(vm.call("const_value", {i32v(5), i32v(0)}), {i32v(24)}));
  EXPECT_TRUE(returns(vm.call("fused_moves", {i32v(5), i32v(9)}), {i32v(5)}));
  EXPECT_TRUE(returns(vm.call("fused_moves", {i32v(5), i32v(1)}), {i32v(105)}));
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(10), i32v(20), i32v(1)}), {i32v(20), i32v(10)}));
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(10), i32v(20), i32v(0)}), {i32v(20), i32v(11)}));
  EXPECT_TRUE(returns(vm.call("cond_return", {i32v(5), i32v(1)}), {i32v(5)}));
  EXPECT_TRUE(returns(vm.call("cond_return", {i32v(5), i32v(0)}), {i32v(105)}));
  EXPECT_TRUE(returns(vm.call("cond_return_swap", {i32v(10), i32v(3), i32v(1)}), {i32v(3), i32v(10)}));
  EXPECT_TRUE(returns(vm.call("cond_return_swap", {i32v(10), i32v(3), i32v(0)}), {i32v(-7), i32v(0)}));
}

TEST_P(TranslatorBranches, BrWithValuesTakesTheTopOfTheStack) {
  WasmBuilder b;
  b.func({}, {I32}).code({op::block, bt::i32, i32c(1), i32c(2), op::br, 0, op::end, op::end}).export_("consts");
  b.func({I32, I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, op::local_get, 1, op::br, 0, op::end, op::end})
      .export_("locals");
  // br out of two levels with a value, skipping the inner block's end.
  b.func({I32}, {I32})
      .code({op::block, bt::i32, op::block, bt::i32, op::local_get, 0, i32c(2), op::i32_mul, op::br, 1, op::end,
          i32c(1000), op::i32_add, op::end, op::end})
      .export_("two_levels");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("consts"), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("locals", {i32v(3), i32v(4)}), {i32v(4)}));
  EXPECT_TRUE(returns(vm.call("two_levels", {i32v(21)}), {i32v(42)}));
}

TEST_P(TranslatorBranches, BrTableWithMovesStubsAndReturn) {
  WasmBuilder b;
  // block B2 (result i32) block B1 (result i32) block B0 (result i32)
  //   i32.const 100 (junk below) ; value = local 0 ; index = local 0
  //   br_table 0 1 2 3(function) default 1
  // end +1 end +10 end +100
  Bytes tail = {op::end, op::i32_const, 1, op::i32_add, op::end, op::i32_const, 10, op::i32_add, op::end};
  append(tail, i32c(100));
  append(tail, {op::i32_add, op::end});
  b.func({I32}, {I32})
      .code({op::block, bt::i32, op::block, bt::i32, op::block, bt::i32, i32c(100), op::local_get, 0, op::local_get, 0,
          br_table({0, 1, 2, 3}, 1), tail})
      .export_("moves");
  // Same with the value already in the label slot (a computed value; no moves needed): direct
  // targets mixed with the function target.
  b.func({I32}, {I32})
      .code({op::block, bt::i32, op::block, bt::i32, op::block, bt::i32, op::local_get, 0, i32c(0), op::i32_add,
          op::local_get, 0, br_table({0, 1, 2, 3}, 1), tail})
      .export_("direct");
  // Two values (swapped locals) through br_table, including a return of the function.
  uint32_t t2 = b.type({}, {I32, I32});
  b.func({I32, I32, I32}, {I32, I32})
      .code({op::block, blk(t2), op::block, blk(t2), op::local_get, 1, op::local_get, 0, op::local_get, 2,
          br_table({0, 1, 2}, 0), op::end, i32c(1), op::i32_add, op::end, i32c(10), op::i32_add, op::end})
      .export_("two_values");
  // Void targets, default = return from a void function; the effects go to a global.
  uint32_t g = b.global(I32, true, i32c(0));
  Bytes add_g = {op::global_get, static_cast<uint8_t>(g)};
  b.func({I32}, {})
      .code({op::block, bt::void_, op::block, bt::void_, i32c(5), op::global_set, u(g), op::local_get, 0,
          br_table({0, 1}, 2), op::end, add_g, i32c(1), op::i32_add, op::global_set, u(g), op::end, add_g, i32c(10),
          op::i32_add, op::global_set, u(g), op::end})
      .export_("void_targets");
  b.func({}, {I32}).code({add_g, op::end}).export_("g");
  // A loop target: count down by br_table(0 -> exit, else -> continue).
  b.func({I32}, {I32})
      .locals({I32})
      .code({op::block, bt::void_, op::loop, bt::void_, op::local_get, 1, op::local_get, 0, op::i32_add, op::local_set,
          1, op::local_get, 0, i32c(1), op::i32_sub, op::local_tee, 0, br_table({1}, 0), op::end, op::end,
          op::local_get, 1, op::end})
      .export_("loop_target");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  for (const char* name : {"moves", "direct"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(returns(vm.call(name, {i32v(0)}), {i32v(0 + 111)}));
    EXPECT_TRUE(returns(vm.call(name, {i32v(1)}), {i32v(1 + 110)}));
    EXPECT_TRUE(returns(vm.call(name, {i32v(2)}), {i32v(2 + 100)}));
    EXPECT_TRUE(returns(vm.call(name, {i32v(3)}), {i32v(3)}));
    EXPECT_TRUE(returns(vm.call(name, {i32v(4)}), {i32v(4 + 110)}));
    EXPECT_TRUE(returns(vm.call(name, {i32v(-1)}), {i32v(-1 + 110)}));
  }
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(5), i32v(7), i32v(0)}), {i32v(7), i32v(5 + 11)}));
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(5), i32v(7), i32v(1)}), {i32v(7), i32v(5 + 10)}));
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(5), i32v(7), i32v(2)}), {i32v(7), i32v(5)}));
  EXPECT_TRUE(returns(vm.call("two_values", {i32v(5), i32v(7), i32v(9)}), {i32v(7), i32v(5 + 11)}));
  EXPECT_TRUE(returns(vm.call("void_targets", {i32v(0)}), {}));
  EXPECT_TRUE(returns(vm.call("g"), {i32v(16)}));
  EXPECT_TRUE(returns(vm.call("void_targets", {i32v(1)}), {}));
  EXPECT_TRUE(returns(vm.call("g"), {i32v(15)}));
  EXPECT_TRUE(returns(vm.call("void_targets", {i32v(2)}), {}));
  EXPECT_TRUE(returns(vm.call("g"), {i32v(5)}));
  EXPECT_TRUE(returns(vm.call("void_targets", {i32v(7)}), {}));
  EXPECT_TRUE(returns(vm.call("g"), {i32v(5)}));
  EXPECT_TRUE(returns(vm.call("loop_target", {i32v(4)}), {i32v(4 + 3 + 2 + 1)}));
}

TEST_P(TranslatorBranches, MoreShapes) {
  WasmBuilder b;
  uint32_t t11 = b.type({I32}, {I32});
  uint32_t t22 = b.type({I32, I32}, {I32, I32});
  // if (param i32) with a fused condition and the lazy param below it.
  b.func({I32, I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::i32_lt_s, op::if_, blk(t11), i32c(10),
          op::i32_add, op::else_, i32c(20), op::i32_sub, op::end, op::end})
      .export_("if_param_fused");
  // A comparison result stored into a local that is lazily on the stack below it.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::local_get, 1, op::i32_lt_s, op::local_set, 0, i32c(100),
          op::i32_mul, op::local_get, 0, op::i32_add, op::end})
      .export_("cmp_set_over_lazy");
  // if (param i32) (result i32) without else: the parameter flows through when false.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, op::if_, blk(t11), i32c(1), op::i32_add, op::end, op::end})
      .export_("if_param_noelse");
  // br_if to the enclosing if's label with a value.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 1, op::if_, bt::i32, op::local_get, 0, op::local_get, 0, op::br_if, 0, op::drop, i32c(5),
          op::else_, i32c(6), op::end, op::end})
      .export_("br_if_in_if");
  // A loop with params whose back edge and exit are one br_table, with a value below the branch
  // values (moves through stubs for both targets).
  b.func({I32}, {I32})
      .locals({I32, I32})
      .code({i32c(0), op::local_get, 0, op::block, blk(t22), op::loop, blk(t22), op::local_set, 1, op::local_set, 2,
          i32c(7), op::local_get, 2, op::local_get, 1, op::i32_add, op::local_get, 1, i32c(1), op::i32_sub,
          op::local_get, 1, i32c(1), op::i32_gt_s, br_table({1}, 0), op::end, op::end, op::drop, op::end})
      .export_("loop_br_table");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("if_param_fused", {i32v(1), i32v(2), i32v(3)}), {i32v(11)}));
  EXPECT_TRUE(returns(vm.call("if_param_fused", {i32v(1), i32v(3), i32v(2)}), {i32v(-19)}));
  EXPECT_TRUE(returns(vm.call("cmp_set_over_lazy", {i32v(4), i32v(5)}), {i32v(401)}));
  EXPECT_TRUE(returns(vm.call("cmp_set_over_lazy", {i32v(6), i32v(5)}), {i32v(600)}));
  EXPECT_TRUE(returns(vm.call("if_param_noelse", {i32v(8), i32v(1)}), {i32v(9)}));
  EXPECT_TRUE(returns(vm.call("if_param_noelse", {i32v(8), i32v(0)}), {i32v(8)}));
  EXPECT_TRUE(returns(vm.call("br_if_in_if", {i32v(3), i32v(1)}), {i32v(3)}));
  EXPECT_TRUE(returns(vm.call("br_if_in_if", {i32v(0), i32v(1)}), {i32v(5)}));
  EXPECT_TRUE(returns(vm.call("br_if_in_if", {i32v(3), i32v(0)}), {i32v(6)}));
  EXPECT_TRUE(returns(vm.call("loop_br_table", {i32v(1)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("loop_br_table", {i32v(10)}), {i32v(55)}));
}

// ---------------------------------------------------------------------------------------------
// Multi-value blocks, loops and if/else

TEST_P(TranslatorMultiValue, BlocksLoopsAndIfsWithParams) {
  WasmBuilder b;
  uint32_t t22 = b.type({I32, I32}, {I32, I32});
  uint32_t t21 = b.type({I32, I32}, {I32});
  // block (param i32 i32) (result i32 i32): swap inside through locals.
  b.func({I32, I32}, {I32, I32})
      .locals({I32, I32})
      .code({op::local_get, 0, op::local_get, 1, op::block, blk(t22), op::local_set, 2, op::local_set, 3, op::local_get,
          2, op::local_get, 3, op::end, op::end})
      .export_("block_swap");
  // Sum 1..n with a loop carrying (acc, n) as params.
  b.func({I32}, {I32})
      .locals({I32, I32})
      .code({i32c(0), op::local_get, 0, op::loop, blk(t21), op::local_set, 1, op::local_set, 2, op::local_get, 2,
          op::local_get, 1, op::i32_add, op::local_get, 1, i32c(1), op::i32_sub, op::local_tee, 1, op::local_get, 1,
          op::br_if, 0, op::drop, op::end, op::end})
      .export_("loop_sum");
  // if (param i32 i32) (result i32 i32)
  b.func({I32, I32, I32}, {I32, I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::if_, blk(t22), op::i32_add, i32c(1), op::else_,
          op::i32_sub, i32c(2), op::end, op::end})
      .export_("if_params");
  // if/else with one result built from lazies and consts, used in arithmetic after.
  b.func({I32, I32}, {I32})
      .code({op::local_get, 1, op::local_get, 0, op::if_, bt::i32, op::local_get, 1, op::else_, i32c(-4), op::end,
          op::i32_mul, op::end})
      .export_("if_result");
  // Multi-value call results consumed in swapped order.
  auto pair = b.func({I32}, {I32, I32}).code({op::local_get, 0, op::local_get, 0, i32c(1), op::i32_add, op::end});
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::local_get, 0, op::call, u(pair.index()), op::i32_sub, op::i32_mul, op::end})
      .export_("call_pair");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("block_swap", {i32v(1), i32v(2)}), {i32v(2), i32v(1)}));
  EXPECT_TRUE(returns(vm.call("loop_sum", {i32v(10)}), {i32v(55)}));
  EXPECT_TRUE(returns(vm.call("if_params", {i32v(10), i32v(3), i32v(1)}), {i32v(13), i32v(1)}));
  EXPECT_TRUE(returns(vm.call("if_params", {i32v(10), i32v(3), i32v(0)}), {i32v(7), i32v(2)}));
  EXPECT_TRUE(returns(vm.call("if_result", {i32v(1), i32v(6)}), {i32v(36)}));
  EXPECT_TRUE(returns(vm.call("if_result", {i32v(0), i32v(6)}), {i32v(-24)}));
  // a * (a - (a + 1)) = -a
  EXPECT_TRUE(returns(vm.call("call_pair", {i32v(9)}), {i32v(-9)}));
}

TEST_P(TranslatorMultiValue, ReturnsOfSwappedLocals) {
  WasmBuilder b;
  b.func({I32, I32}, {I32, I32}).code({op::local_get, 1, op::local_get, 0, op::return_, op::end}).export_("ret");
  b.func({I32, I32}, {I32, I32}).code({op::local_get, 1, op::local_get, 0, op::end}).export_("end");
  b.func({I32, I32}, {I32, I32}).code({op::local_get, 1, op::local_get, 0, op::br, 0, op::end}).export_("br");
  b.func({I32, I32, I32}, {I32, I32, I32})
      .code({op::local_get, 2, op::local_get, 0, op::local_get, 1, op::end})
      .export_("rot3");
  b.func({I32, I32}, {I32, I32, I32})
      .code({op::local_get, 1, op::local_get, 1, op::local_get, 0, op::end})
      .export_("dup");
  b.func({I32, I64}, {I64, I32}).code({op::local_get, 1, op::local_get, 0, op::end}).export_("mixed");
  // More results than locals: results land in slots that are also operand slots.
  b.func({}, {I32, I32, I32})
      .locals({I32})
      .code({i32c(5), op::local_set, 0, i32c(1), op::local_get, 0, i32c(2), op::end})
      .export_("wide");
  b.func({I32}, {I32, I32, I32})
      .code({op::local_get, 0, i32c(1), op::i32_add, op::local_get, 0, op::local_get, 0, i32c(2), op::i32_mul, op::end})
      .export_("computed");
  // A declared local returned in first position, the parameter second.
  b.func({I32}, {I32, I32})
      .locals({I32})
      .code({op::local_get, 0, i32c(3), op::i32_mul, op::local_set, 1, op::local_get, 1, op::local_get, 0, op::end})
      .export_("local_first");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  for (const char* name : {"ret", "end", "br"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(returns(vm.call(name, {i32v(1), i32v(2)}), {i32v(2), i32v(1)}));
  }
  EXPECT_TRUE(returns(vm.call("rot3", {i32v(1), i32v(2), i32v(3)}), {i32v(3), i32v(1), i32v(2)}));
  EXPECT_TRUE(returns(vm.call("dup", {i32v(1), i32v(2)}), {i32v(2), i32v(2), i32v(1)}));
  EXPECT_TRUE(returns(vm.call("mixed", {i32v(7), i64v(1LL << 40)}), {i64v(1LL << 40), i32v(7)}));
  EXPECT_TRUE(returns(vm.call("wide"), {i32v(1), i32v(5), i32v(2)}));
  EXPECT_TRUE(returns(vm.call("computed", {i32v(4)}), {i32v(5), i32v(4), i32v(8)}));
  EXPECT_TRUE(returns(vm.call("local_first", {i32v(4)}), {i32v(12), i32v(4)}));
}

// ---------------------------------------------------------------------------------------------
// select

TEST_P(TranslatorSelect, LazyOperands) {
  WasmBuilder b;
  b.func({I32, I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::select, op::end})
      .export_("locals");
  b.func({I32}, {I64}).code({i64c(1LL << 40), i64c(-3), op::local_get, 0, op::select, op::end}).export_("consts");
  // select retargeted into one of its own operands.
  b.func({I32, I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::select, op::local_set, 1, op::local_get, 1,
          op::local_get, 0, op::i32_sub, op::end})
      .export_("retarget");
  // Operand overwritten after being pushed lazily.
  b.func({I32, I32, I32}, {I32})
      .code({op::local_get, 0, op::local_get, 1, i32c(77), op::local_set, 0, i32c(88), op::local_set, 1, op::local_get,
          2, op::select, op::local_get, 0, op::i32_add, op::end})
      .export_("overwritten");
  b.func({F64, F64, I32}, {F64})
      .code({op::local_get, 0, op::local_get, 1, op::local_get, 2, op::select, op::end})
      .export_("f64");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("locals", {i32v(1), i32v(2), i32v(5)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("locals", {i32v(1), i32v(2), i32v(0)}), {i32v(2)}));
  EXPECT_TRUE(returns(vm.call("consts", {i32v(1)}), {i64v(1LL << 40)}));
  EXPECT_TRUE(returns(vm.call("consts", {i32v(0)}), {i64v(-3)}));
  EXPECT_TRUE(returns(vm.call("retarget", {i32v(10), i32v(3), i32v(1)}), {i32v(0)}));
  EXPECT_TRUE(returns(vm.call("retarget", {i32v(10), i32v(3), i32v(0)}), {i32v(-7)}));
  EXPECT_TRUE(returns(vm.call("overwritten", {i32v(10), i32v(3), i32v(1)}), {i32v(10 + 77)}));
  EXPECT_TRUE(returns(vm.call("overwritten", {i32v(10), i32v(3), i32v(0)}), {i32v(3 + 77)}));
  EXPECT_TRUE(returns(vm.call("f64", {Value::f64(1.5), Value::f64(-2.5), i32v(0)}), {Value::f64(-2.5)}));
}

// ---------------------------------------------------------------------------------------------
// Deep nesting and dead code

TEST_P(TranslatorNesting, DeepBlocksWithBrTable) {
  constexpr uint32_t kDepth = 300;
  Bytes code;
  for (uint32_t i = 0; i < kDepth; ++i) append(code, {op::block, bt::i32});
  append(code, {op::local_get, 0, op::local_get, 0, op::br_table});
  append(code, uleb(kDepth));
  for (uint32_t i = 0; i < kDepth; ++i) append(code, uleb(i));
  append(code, uleb(kDepth - 1));
  for (uint32_t i = 0; i < kDepth; ++i) append(code, {op::end, op::i32_const, 1, op::i32_add});
  code.push_back(op::end);
  WasmBuilder b;
  b.func({I32}, {I32}).code({code}).export_("f");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  for (uint32_t k : {0u, 1u, 150u, kDepth - 1})
    EXPECT_TRUE(returns(vm.call("f", {i32v(static_cast<int32_t>(k))}), {i32v(static_cast<int32_t>(k + kDepth - k))}));
  EXPECT_TRUE(returns(vm.call("f", {i32v(100000)}), {i32v(100001)}));
}

TEST_P(TranslatorNesting, DeepIfsLoopsAndOperandStack) {
  // 64 nested ifs on the bits of the parameter: counts the set bits of an i64 from the top.
  Bytes ifs;
  constexpr int kBits = 64;
  for (int i = 0; i < kBits; ++i) {
    append(ifs, {op::local_get, 1, op::i32_const, 1, op::i32_add, op::local_set, 1});
    append(ifs, {op::local_get, 0, op::i64_const});
    append(ifs, sleb(static_cast<int64_t>(1ULL << i)));
    append(ifs, {op::i64_and, op::i64_eqz, op::i32_eqz, op::if_, bt::void_});
  }
  for (int i = 0; i < kBits; ++i) ifs.push_back(op::end);
  append(ifs, {op::local_get, 1, op::end});
  // 1000 operands: 500 x a, set a = 1, 500 x a, summed.
  Bytes wide;
  for (int i = 0; i < 500; ++i) append(wide, {op::local_get, 0});
  append(wide, {op::i32_const, 1, op::local_set, 0});
  for (int i = 0; i < 500; ++i) append(wide, {op::local_get, 0});
  for (int i = 0; i < 999; ++i) wide.push_back(op::i32_add);
  wide.push_back(op::end);
  WasmBuilder b;
  b.func({I64}, {I32}).locals({I32}).code({ifs}).export_("ifs");
  b.func({I32}, {I32}).code({wide}).export_("wide");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  // The k-th if is entered only when bits 0..k-1 are all set: the count is (trailing ones) + 1,
  // capped at 64.
  EXPECT_TRUE(returns(vm.call("ifs", {i64v(0)}), {i32v(1)}));
  EXPECT_TRUE(returns(vm.call("ifs", {i64v(0b0111)}), {i32v(4)}));
  EXPECT_TRUE(returns(vm.call("ifs", {i64v(-1)}), {i32v(64)}));
  EXPECT_TRUE(returns(vm.call("wide", {i32v(3)}), {i32v(1500 + 500)}));
}

TEST_P(TranslatorNesting, DeadCodeAfterBranchesIsSkipped) {
  WasmBuilder b;
  b.func({I32}, {I32})
      .code({op::block, bt::i32, op::local_get, 0, op::br, 0, op::i32_add, op::drop, op::block, bt::i32,
          op::unreachable, op::end, op::if_, bt::i32, i32c(1), op::else_, i32c(2), op::end, op::end, op::end})
      .export_("after_br");
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::return_, op::local_set, 0, op::loop, bt::void_, op::br, 0, op::end, op::i64_const, 0,
          op::drop, op::end})
      .export_("after_return");
  b.func({I32}, {I32})
      .code({op::local_get, 0, op::if_, bt::i32, op::unreachable, op::else_, i32c(9), op::end, op::end})
      .export_("unreachable_arm");
  Vm vm(cfg());
  ASSERT_TRUE(vm.load(b.build()));
  EXPECT_TRUE(returns(vm.call("after_br", {i32v(8)}), {i32v(8)}));
  EXPECT_TRUE(returns(vm.call("after_return", {i32v(8)}), {i32v(8)}));
  EXPECT_TRUE(returns(vm.call("unreachable_arm", {i32v(0)}), {i32v(9)}));
  EXPECT_TRUE(traps(vm.call("unreachable_arm", {i32v(1)}), TrapCode::Unreachable));
}

// ---------------------------------------------------------------------------------------------
// Error positions

TEST_P(TranslatorErrors, TypeErrorNamesSectionOffsetAndFunctionIndexCountingImports) {
  WasmBuilder b;
  b.import_func("env", "a", {}, {});
  b.import_func("env", "b", {I32}, {I32});
  b.func({}, {}).code({op::end});
  // Defined function 1 = function index 3: i32.const 1; i64.const 2; i32.add -> type mismatch.
  b.func({}, {I32}).code({i32c(1), i64c(2), op::i32_add, op::end});
  b.func({}, {}).code({op::end});
  Bytes wasm = b.build();
  auto m = Module::load(wasm);
  ASSERT_FALSE(m);
  const Error& e = m.error();
  EXPECT_EQ(e.kind, ErrorKind::Invalid) << e.to_string();
  EXPECT_EQ(e.section, "code");
  ASSERT_TRUE(e.func_index.has_value());
  EXPECT_EQ(*e.func_index, 3u);
  ASSERT_TRUE(e.offset.has_value());
  ASSERT_LT(*e.offset, wasm.size());
  EXPECT_EQ(wasm[*e.offset], op::i32_add) << "offset should point at the offending instruction";
  EXPECT_NE(e.message.find("type mismatch"), std::string::npos) << e.message;
  EXPECT_NE(e.to_string().find("function 3"), std::string::npos) << e.to_string();
}

TEST_P(TranslatorErrors, ErrorsInLaterFunctionsAndBranchTypes) {
  {
    WasmBuilder b;
    b.import_func("env", "a", {}, {});
    b.func({}, {}).code({op::end});
    b.func({}, {}).code({op::end});
    b.func({}, {}).code({op::end});
    // Function index 4: br_if with a value of the wrong type.
    b.func({}, {I32}).code({op::block, bt::i32, i64c(1), i32c(1), op::br_if, 0, op::drop, i32c(0), op::end, op::end});
    Bytes wasm = b.build();
    auto m = Module::load(wasm);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().kind, ErrorKind::Invalid);
    ASSERT_TRUE(m.error().func_index.has_value());
    EXPECT_EQ(*m.error().func_index, 4u);
    ASSERT_TRUE(m.error().offset.has_value());
    EXPECT_EQ(wasm[*m.error().offset], op::br_if);
  }
  {
    // Unknown local in the first function without imports.
    WasmBuilder b;
    b.func({I32}, {I32}).code({op::local_get, 1, op::end});
    auto m = Module::load(b.build());
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().kind, ErrorKind::Invalid);
    EXPECT_EQ(m.error().func_index, std::optional<uint32_t>(0));
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, TranslatorBranches, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorConsts, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorErrors, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorFusion, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorLocals, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorMultiValue, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorNesting, ::testing::ValuesIn(all_variants()), variant_test_name);
INSTANTIATE_TEST_SUITE_P(Variants, TranslatorSelect, ::testing::ValuesIn(all_variants()), variant_test_name);

}  // namespace
}  // namespace tenor::vm::test
