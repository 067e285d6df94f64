// The WebAssembly opcodes the VM knows: which ones the translator and the decoder accept, which
// gas class each belongs to, which are float instructions. The expectations here are written out
// by hand (taken from gas.cpp, lowering.cpp (now translator.cpp) and profile.cpp as they were
// before the opcode table, vm/src/opcodes.def, replaced their ranges), so that a wrong row in the
// table fails a test.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "code.hpp"
#include "opcodes.hpp"
#include "tenor/vm/gas.hpp"
#include "tenor/vm/profile.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

// Every opcode worth asking about: the single-byte ones and 0xFC00 | sub for sub below 256.
std::vector<uint32_t> all_opcodes() {
  std::vector<uint32_t> out;
  for (uint32_t op = 0; op < 0x100; ++op) out.push_back(op);
  for (uint32_t sub = 0; sub < 0x100; ++sub) out.push_back(0xFC00 | sub);
  return out;
}

std::string hex(uint32_t op) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", op);
  return buf;
}

// The encoding of an opcode: its byte, or 0xFC and the sub-opcode as LEB128.
Bytes encode(uint32_t op) {
  if (op < 0xFC00) return {static_cast<uint8_t>(op)};
  Bytes out{0xFC};
  append(out, uleb(op - 0xFC00));
  return out;
}

// ---- gas classes, as gas.cpp's ranges gave them before the opcode table --------------------

struct ClassRange {
  uint32_t first, last;
  const char* klass;
};
constexpr ClassRange kClassesBefore[] = {
    {0x00, 0x03, "structure"},                                                       // unreachable nop block loop
    {0x04, 0x04, "branch"},                                                          // if
    {0x05, 0x05, "structure"},                                                       // else
    {0x0B, 0x0B, "structure"},                                                       // end
    {0x0C, 0x0D, "branch"},                                                          // br br_if
    {0x0E, 0x0E, "br_table"}, {0x0F, 0x0F, "branch"},                                // return
    {0x10, 0x10, "call"}, {0x11, 0x11, "call_indirect"}, {0x1A, 0x1A, "structure"},  // drop
    {0x1B, 0x1B, "variable"},                                                        // select
    {0x20, 0x22, "variable"},                                                        // local.get local.set local.tee
    {0x23, 0x24, "global"},                                                          // global.get global.set
    {0x28, 0x3E, "memory_access"},                                                   // loads and stores
    {0x3F, 0x3F, "memory_size"}, {0x40, 0x40, "memory_grow"}, {0x41, 0x44, "variable"},  // constants
    {0x45, 0x5A, "int_alu"},                                                             // eqz and integer comparisons
    {0x5B, 0x66, "float"},                                                               // float comparisons
    {0x67, 0x6B, "int_alu"},                                                             // i32 clz ctz popcnt add sub
    {0x6C, 0x6C, "int_mul"},                                                             // i32.mul
    {0x6D, 0x70, "int_div"},                                                             // i32 div rem
    {0x71, 0x7D, "int_alu"},          // i32 and .. rotr, i64 clz ctz popcnt add sub
    {0x7E, 0x7E, "int_mul"},          // i64.mul
    {0x7F, 0x82, "int_div"},          // i64 div rem
    {0x83, 0x8A, "int_alu"},          // i64 and .. rotr
    {0x8B, 0x90, "float"},            // f32 abs .. nearest
    {0x91, 0x91, "float_div"},        // f32.sqrt
    {0x92, 0x94, "float"},            // f32 add sub mul
    {0x95, 0x95, "float_div"},        // f32.div
    {0x96, 0x98, "float"},            // f32 min max copysign
    {0x99, 0x9E, "float"},            // f64 abs .. nearest
    {0x9F, 0x9F, "float_div"},        // f64.sqrt
    {0xA0, 0xA2, "float"},            // f64 add sub mul
    {0xA3, 0xA3, "float_div"},        // f64.div
    {0xA4, 0xA6, "float"},            // f64 min max copysign
    {0xA7, 0xA7, "int_alu"},          // i32.wrap_i64
    {0xA8, 0xAB, "conversion"},       // i32.trunc_f*
    {0xAC, 0xAD, "int_alu"},          // i64.extend_i32_s/u
    {0xAE, 0xBF, "conversion"},       // i64.trunc_f*, converts, demote, promote, reinterprets
    {0xC0, 0xC4, "int_alu"},          // sign extension
    {0xFC00, 0xFC07, "conversion"},   // trunc_sat
    {0xFC08, 0xFC0B, "bulk_memory"},  // memory.init data.drop memory.copy memory.fill
    {0xFC0C, 0xFC0E, "table_bulk"},   // table.init elem.drop table.copy
};

const char* class_before(uint32_t op) {
  for (const ClassRange& r : kClassesBefore)
    if (op >= r.first && op <= r.last) return r.klass;
  return nullptr;
}

uint32_t cost_of_class(const char* name) {
  for (const gas::GasClass& c : gas::classes())
    if (std::string(c.name) == name) return c.cost;
  ADD_FAILURE() << "no gas class " << name;
  return 0;
}

TEST(OpcodeTable, GasClassOfEveryOpcodeIsAsBefore) {
  std::vector<uint32_t> ops = all_opcodes();
  ops.push_back(0xFC100);  // beyond any sub-opcode
  ops.push_back(0x1FC00);
  for (uint32_t op : ops) {
    const char* want = class_before(op);
    const char* got = gas::class_of(op);
    if (want == nullptr) {
      EXPECT_EQ(got, nullptr) << hex(op) << " has class " << got;
      EXPECT_EQ(gas::static_cost(op), 0u) << hex(op);
      continue;
    }
    ASSERT_NE(got, nullptr) << hex(op) << " has no class, expected " << want;
    EXPECT_STREQ(got, want) << hex(op);
    EXPECT_EQ(gas::static_cost(op), cost_of_class(want)) << hex(op);
  }
}

// ---- float instructions, as lowering.cpp's is_float_instruction gave them before -----------

bool float_before(uint32_t op) {
  if (op == 0x2A || op == 0x2B || op == 0x38 || op == 0x39) return true;  // f32/f64 load, store
  if (op == 0x43 || op == 0x44) return true;                              // f32/f64 const
  return (op >= 0x5B && op <= 0x66) ||                                    // float comparisons
         (op >= 0x8B && op <= 0xA6) ||                                    // float arithmetic
         (op >= 0xA8 && op <= 0xAB) ||                                    // i32.trunc_f*
         (op >= 0xAE && op <= 0xBF) ||                                    // i64.trunc_f*, converts, reinterprets
         (op >= 0xFC00 && op <= 0xFC07);                                  // trunc_sat
}

TEST(OpcodeTable, FloatInstructionsAreAsBefore) {
  for (uint32_t op : all_opcodes()) {
    EXPECT_EQ(detail::is_float_instruction(op), float_before(op)) << hex(op);
    EXPECT_EQ(float_instruction_name(op) != nullptr, float_before(op)) << hex(op);
  }
}

// ---- which opcodes the translator and the decoder accept -----------------------------------

// The feature set: MVP, sign extension, trunc_sat and bulk memory (with its table half).
bool accepted_before(uint32_t op) {
  if (op >= 0xFC00) return op <= 0xFC0E;
  return op <= 0x05 || (op >= 0x0B && op <= 0x11) || op == 0x1A || op == 0x1B || (op >= 0x20 && op <= 0x24) ||
         (op >= 0x28 && op <= 0xC4);
}

// What the translator says about a function body made of `op`, a few zero bytes (so that every
// immediate can be read) and `end`.
std::string translate_error(uint32_t op) {
  WasmBuilder b;
  Bytes code = encode(op);
  for (int i = 0; i < 8; ++i) code.push_back(0);
  code.push_back(op::end);
  b.func({}, {}).code({code});
  auto m = Module::load(b.build());
  return m ? std::string() : m.error().message;
}

// What the decoder says about a global's initialiser made of `op`, zero bytes and `end`.
std::string const_expr_error(uint32_t op) {
  WasmBuilder b;
  Bytes init = encode(op);
  for (int i = 0; i < 8; ++i) init.push_back(0);
  b.global(I32, false, init);
  auto m = Module::load(b.build());
  return m ? std::string() : m.error().message;
}

std::string illegal_message(uint32_t op) {
  return op >= 0xFC00 ? "illegal opcode 0xfc " + std::to_string(op - 0xFC00) : "illegal opcode " + hex(op);
}

TEST(OpcodeTable, TranslatorAcceptsExactlyTheFeatureSet) {
  for (uint32_t op : all_opcodes()) {
    if (op == 0xFC) continue;  // the prefix itself: its sub-opcodes are asked about below
    // The table has a row for exactly the opcodes the translator accepts.
    EXPECT_EQ(detail::find_opcode(op) != nullptr, accepted_before(op)) << hex(op);
    const std::string error = translate_error(op);
    if (accepted_before(op))
      EXPECT_EQ(error.find("illegal opcode"), std::string::npos) << hex(op) << ": " << error;
    else
      EXPECT_EQ(error, illegal_message(op)) << hex(op);
  }
}

TEST(OpcodeTable, ConstantExpressionsSkipExactlyTheFeatureSet) {
  for (uint32_t op : all_opcodes()) {
    if (op == 0xFC || op == op::end) continue;
    if (op == 0xD0 || op == 0xD2) continue;  // ref.null, ref.func: constants of element segments only
    const std::string error = const_expr_error(op);
    if (accepted_before(op))
      EXPECT_EQ(error.find("illegal opcode"), std::string::npos) << hex(op) << ": " << error;
    else
      EXPECT_EQ(error, illegal_message(op)) << hex(op);
  }
}

// ---- the table itself ------------------------------------------------------------------------

// "i64.extend_i32_s" -> "I64ExtendI32S": the identifiers opcodes.def gives its rows.
std::string pascal_case(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '.' || c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

TEST(OpcodeTable, RowsAreOrderedUniqueAndNamedAfterTheirInstruction) {
  std::set<std::string> names;
  uint32_t previous = 0;
  bool first = true;
  for (const detail::OpcodeInfo& row : detail::opcodes()) {
    EXPECT_TRUE(first || row.opcode > previous) << row.name << " is out of opcode order";
    first = false;
    previous = row.opcode;
    EXPECT_TRUE(names.insert(row.name).second) << row.name << " is listed twice";
    EXPECT_EQ(row.ident, pascal_case(row.name)) << hex(row.opcode);
    EXPECT_EQ(detail::find_opcode(row.opcode), &row) << row.name;
    EXPECT_NE(gas::class_of(row.opcode), nullptr) << row.name << " has no gas class";
    EXPECT_STREQ(float_instruction_name(row.opcode), row.is_float ? row.name : nullptr) << row.name;
  }
  EXPECT_EQ(names.size(), 192u);  // MVP 172, sign extension 5, trunc_sat 8, bulk memory 7
  EXPECT_EQ(detail::wasm::kI32Add, 0x6Au);
  EXPECT_EQ(detail::wasm::kMemoryInit, 0xFC08u);
  EXPECT_EQ(detail::wasm::prefixed(0x0B), detail::wasm::kMemoryFill);
  EXPECT_EQ(detail::find_opcode(detail::wasm::prefixed(0x1FC08)), nullptr);
}

// Canonical immediates of each kind (all indices 0, an empty block type).
Bytes immediates(detail::Imm imm) {
  using detail::Imm;
  switch (imm) {
    case Imm::None: return {};
    case Imm::BlockType: return {0x40};
    case Imm::Index: return {0x00};
    case Imm::BrTable: return {0x00, 0x00};
    case Imm::IndexByte: return {0x00, 0x00};
    case Imm::Byte: return {0x00};
    case Imm::TwoBytes: return {0x00, 0x00};
    case Imm::TwoIndices: return {0x00, 0x00};
    case Imm::MemArg: return {0x00, 0x00};
    case Imm::I32: return {0x00};
    case Imm::I64: return {0x00};
    case Imm::F32: return {0x00, 0x00, 0x00, 0x00};
    case Imm::F64: return {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  }
  return {};
}

// A constant expression holding one non-constant instruction with its immediates decodes (the
// decoder skips exactly the immediates the table names) and is then invalid for being non-constant.
TEST(OpcodeTable, DecoderSkipsExactlyTheImmediatesOfEachRow) {
  namespace wasm = detail::wasm;
  for (const detail::OpcodeInfo& row : detail::opcodes()) {
    const uint32_t op = row.opcode;
    if (op == wasm::kEnd || op == wasm::kGlobalGet || (op >= wasm::kI32Const && op <= wasm::kF64Const)) continue;
    WasmBuilder b;
    Bytes init = encode(op);
    append(init, immediates(row.imm));
    if (row.imm == detail::Imm::BlockType) init.push_back(op::end);  // closes the block
    b.global(I32, false, init);
    auto m = Module::load(b.build());
    ASSERT_FALSE(m) << row.name;
    EXPECT_EQ(m.error().message, "constant expression required") << row.name;
  }
}

}  // namespace
}  // namespace tenor::vm::test
