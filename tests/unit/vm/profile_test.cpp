// The contract profile: each rule accepts what it allows and rejects, naming the culprit, one step
// beyond.
#include "tenor/vm/profile.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "code.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

std::shared_ptr<const Module> load(const Bytes& wasm) {
  auto m = Module::load(wasm);
  if (!m) {
    ADD_FAILURE() << "module does not load: " << m.error().to_string();
    return nullptr;
  }
  return std::move(m).value();
}

// The smallest contract: a bounded memory exported as "memory" and an empty "tenor_entry".
void add_contract_basics(WasmBuilder& b, uint32_t max_pages = 16) {
  b.memory(1, max_pages);
  b.export_memory("memory");
  b.func({}, {}).code({op::end}).export_("tenor_entry");
}

Status check(const Bytes& wasm, const ProfileRules& rules = {}) {
  auto m = load(wasm);
  if (!m) return Error{ErrorKind::Malformed, "did not load", {}, {}, {}};
  return check_contract_profile(*m, rules);
}

::testing::AssertionResult violates(const Status& s, const std::string& message_part) {
  if (s) return ::testing::AssertionFailure() << "accepted; expected a violation mentioning \"" << message_part << "\"";
  if (s.error().kind != ErrorKind::ProfileViolation)
    return ::testing::AssertionFailure() << "wrong kind: " << s.error().to_string();
  if (s.error().message.find(message_part) == std::string::npos)
    return ::testing::AssertionFailure() << "message \"" << s.error().message << "\" lacks \"" << message_part << "\"";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult accepted(const Status& s) {
  if (s) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.error().to_string();
}

TEST(ContractProfile, AcceptsTheSmallestContract) {
  WasmBuilder b;
  add_contract_basics(b);
  EXPECT_TRUE(accepted(check(b.build())));
}

TEST(ContractProfile, AcceptsHostImportsIntegersTablesAndInit) {
  WasmBuilder b;
  uint32_t log = b.import_func("tenor", "log", {I32, I32}, {});
  b.memory(1, 256);  // exactly the default limit
  b.export_memory("memory");
  b.table(2, 2);
  b.global(I64, true, i64c(7));
  auto entry = b.func({}, {}).locals({I64, I32}).code({i32c(0), i32c(4), op::call, u(log), op::end});
  entry.export_("tenor_entry");
  b.func({}, {}).code({op::end}).export_("tenor_init");
  b.elem(0, {entry.index()});
  EXPECT_TRUE(accepted(check(b.build())));
}

// ---- floats ----

TEST(ContractProfile, RejectsAFloatInstructionNamingFunctionOffsetAndOpcode) {
  WasmBuilder b;
  add_contract_basics(b);
  uint32_t f = b.func({}, {I32}).code({f32c(1.5f), f32c(2.0f), op::f32_add, op::i32_reinterpret_f32, op::end}).index();
  Bytes wasm = b.build();
  Status s = check(wasm);
  ASSERT_TRUE(violates(s, "function 1 uses f32.const at offset 0x"));
  EXPECT_NE(s.error().message.find("floats are not allowed in contracts"), std::string::npos);
  ASSERT_TRUE(s.error().func_index.has_value());
  EXPECT_EQ(*s.error().func_index, f);
  EXPECT_EQ(s.error().section, "code");
  ASSERT_TRUE(s.error().offset.has_value());
  ASSERT_LT(*s.error().offset, wasm.size());
  EXPECT_EQ(wasm[*s.error().offset], op::f32_const);  // the offset points at the instruction
  EXPECT_NE(s.error().to_string().find("profile violation"), std::string::npos);
}

TEST(ContractProfile, RejectsAFloatLoadEvenWhenOnlyIntegersAreVisible) {
  WasmBuilder b;
  add_contract_basics(b);
  b.func({}, {I32}).code({i32c(0), op::f32_load, mem(2, 0), op::i32_reinterpret_f32, op::end});
  EXPECT_TRUE(violates(check(b.build()), "function 1 uses f32.load"));
}

TEST(ContractProfile, RejectsAnExportedFunctionByItsExportName) {
  WasmBuilder b;
  b.memory(1, 1);
  b.export_memory("memory");
  b.func({}, {}).code({f64c(1.0), op::drop, op::end}).export_("tenor_entry");
  EXPECT_TRUE(violates(check(b.build()), "function 0 \"tenor_entry\" uses f64.const"));
}

TEST(ContractProfile, RejectsFloatParametersAndResults) {
  {
    WasmBuilder b;
    add_contract_basics(b);
    b.func({F32}, {}).code({op::end});
    EXPECT_TRUE(violates(check(b.build()), "function 1 has type (f32) -> () with f32"));
  }
  {
    WasmBuilder b;
    add_contract_basics(b);
    b.func({}, {F64}).code({i64c(0), op::f64_reinterpret_i64, op::end});
    EXPECT_TRUE(violates(check(b.build()), "function 1 has type () -> (f64)"));
  }
}

TEST(ContractProfile, RejectsAFloatTypeNoFunctionUses) {
  // Such a type can still be named by a block or call_indirect.
  WasmBuilder b;
  add_contract_basics(b);
  uint32_t t = b.type({I32}, {F64});
  Status s = check(b.build());
  ASSERT_TRUE(violates(s, "type " + std::to_string(t) + " (i32) -> (f64) uses f64"));
  EXPECT_EQ(s.error().section, "type");
}

TEST(ContractProfile, RejectsFloatLocals) {
  WasmBuilder b;
  add_contract_basics(b);
  b.func({I32}, {}).locals({I64, F64}).code({op::end});
  Status s = check(b.build());
  ASSERT_TRUE(violates(s, "function 1 declares local 2 of type f64"));
  EXPECT_EQ(s.error().func_index, std::optional<uint32_t>(1));
}

TEST(ContractProfile, RejectsFloatGlobals) {
  WasmBuilder b;
  b.global(I32, false, i32c(1));
  b.global(F32, true, f32c(0.0f));
  add_contract_basics(b);
  EXPECT_TRUE(violates(check(b.build()), "global 1 has type f32"));
}

TEST(ContractProfile, RejectsAHostImportWithAFloatType) {
  WasmBuilder b;
  b.import_func("tenor", "sqrt", {F64}, {F64});
  add_contract_basics(b);
  Status s = check(b.build());
  ASSERT_TRUE(violates(s, "import \"tenor\" \"sqrt\" (function 0) has type (f64) -> (f64)"));
  EXPECT_EQ(s.error().section, "import");
  EXPECT_TRUE(s.error().offset.has_value());
}

TEST(ContractProfile, NamesEveryFloatInstruction) {
  EXPECT_STREQ(float_instruction_name(0x92), "f32.add");
  EXPECT_STREQ(float_instruction_name(0xA3), "f64.div");
  EXPECT_STREQ(float_instruction_name(0x5B), "f32.eq");
  EXPECT_STREQ(float_instruction_name(0x66), "f64.ge");
  EXPECT_STREQ(float_instruction_name(0xA8), "i32.trunc_f32_s");
  EXPECT_STREQ(float_instruction_name(0xB6), "f32.demote_f64");
  EXPECT_STREQ(float_instruction_name(0xBF), "f64.reinterpret_i64");
  EXPECT_STREQ(float_instruction_name(0xFC00), "i32.trunc_sat_f32_s");
  EXPECT_STREQ(float_instruction_name(0xFC07), "i64.trunc_sat_f64_u");
  EXPECT_EQ(float_instruction_name(0x6A), nullptr);    // i32.add
  EXPECT_EQ(float_instruction_name(0xAC), nullptr);    // i64.extend_i32_s
  EXPECT_EQ(float_instruction_name(0xFC0B), nullptr);  // memory.fill
  // Agrees with the translator's notion of a float instruction.
  for (uint32_t op = 0; op < 0x100; ++op)
    EXPECT_EQ(float_instruction_name(op) != nullptr, detail::is_float_instruction(op)) << std::hex << op;
  for (uint32_t op = 0xFC00; op < 0xFC10; ++op)
    EXPECT_EQ(float_instruction_name(op) != nullptr, detail::is_float_instruction(op)) << std::hex << op;
}

// ---- imports ----

TEST(ContractProfile, RejectsImportsFromOtherModules) {
  WasmBuilder b;
  b.import_func("tenor", "log", {I32, I32}, {});
  b.import_func("env", "abort", {}, {});
  add_contract_basics(b);
  Status s = check(b.build());
  ASSERT_TRUE(violates(s, "import \"env\" \"abort\" is not from the host module \"tenor\""));
  EXPECT_EQ(s.error().section, "import");
}

TEST(ContractProfile, RejectsImportedMemoriesTablesAndGlobals) {
  {
    WasmBuilder b;
    b.import_memory("tenor", "memory", 1, 1);
    b.export_memory("memory");
    b.func({}, {}).code({op::end}).export_("tenor_entry");
    EXPECT_TRUE(violates(check(b.build()), "import \"tenor\" \"memory\" is a memory"));
  }
  {
    WasmBuilder b;
    b.import_global("tenor", "height", I64, false);
    add_contract_basics(b);
    EXPECT_TRUE(violates(check(b.build()), "import \"tenor\" \"height\" is a global"));
  }
  {
    WasmBuilder b;
    b.import_table("tenor", "table", 1);
    add_contract_basics(b);
    EXPECT_TRUE(violates(check(b.build()), "import \"tenor\" \"table\" is a table"));
  }
}

TEST(ContractProfile, HostModuleIsARule) {
  WasmBuilder b;
  b.import_func("env", "log", {I32}, {});
  add_contract_basics(b);
  Bytes wasm = b.build();
  EXPECT_TRUE(violates(check(wasm), "not from the host module"));
  ProfileRules rules;
  rules.host_module = "env";
  EXPECT_TRUE(accepted(check(wasm, rules)));
}

// ---- memory ----

TEST(ContractProfile, RequiresExactlyOneMemory) {
  WasmBuilder b;
  b.func({}, {}).code({op::end}).export_("tenor_entry");
  EXPECT_TRUE(violates(check(b.build()), "exactly one memory; this module has 0"));
}

TEST(ContractProfile, RequiresADeclaredMaximum) {
  WasmBuilder b;
  b.memory(1);
  b.export_memory("memory");
  b.func({}, {}).code({op::end}).export_("tenor_entry");
  EXPECT_TRUE(violates(check(b.build()), "the memory declares no maximum"));
}

TEST(ContractProfile, BoundsTheMaximumAtTheLimit) {
  {
    WasmBuilder b;
    add_contract_basics(b, kContractMaxMemoryPages);
    EXPECT_TRUE(accepted(check(b.build())));
  }
  {
    WasmBuilder b;
    add_contract_basics(b, kContractMaxMemoryPages + 1);
    EXPECT_TRUE(violates(check(b.build()), "maximum of 257 pages exceeds the contract limit of 256 pages"));
  }
  ProfileRules rules;
  rules.max_memory_pages = 4;
  {
    WasmBuilder b;
    add_contract_basics(b, 4);
    EXPECT_TRUE(accepted(check(b.build(), rules)));
  }
  {
    WasmBuilder b;
    add_contract_basics(b, 5);
    EXPECT_TRUE(violates(check(b.build(), rules), "limit of 4 pages (max_memory_pages)"));
  }
}

// ---- start function ----

TEST(ContractProfile, RejectsAStartFunction) {
  WasmBuilder b;
  add_contract_basics(b);
  uint32_t init = b.func({}, {}).code({op::end}).index();
  b.start(init);
  Status s = check(b.build());
  ASSERT_TRUE(violates(s, "function 1 is the start function"));
  EXPECT_EQ(s.error().section, "start");
  EXPECT_EQ(s.error().func_index, std::optional<uint32_t>(init));
}

// ---- exports ----

TEST(ContractProfile, RequiresTheMemoryExport) {
  WasmBuilder b;
  b.memory(1, 1);
  b.func({}, {}).code({op::end}).export_("tenor_entry");
  EXPECT_TRUE(violates(check(b.build()), "missing export \"memory\" (memory)"));
}

TEST(ContractProfile, RequiresTheEntryExport) {
  WasmBuilder b;
  b.memory(1, 1);
  b.export_memory("memory");
  b.func({}, {}).code({op::end}).export_("main");
  EXPECT_TRUE(violates(check(b.build()), "missing export \"tenor_entry\" (func () -> ())"));
}

TEST(ContractProfile, ChecksExportKindsAndTypes) {
  {
    WasmBuilder b;
    b.memory(1, 1);
    auto f = b.func({}, {}).code({op::end});
    f.export_("tenor_entry");
    b.export_func("memory", f.index());
    EXPECT_TRUE(violates(check(b.build()), "export \"memory\" is a func, expected a memory"));
  }
  {
    WasmBuilder b;
    b.memory(1, 1);
    b.export_memory("memory");
    b.func({I32}, {}).code({op::end}).export_("tenor_entry");
    EXPECT_TRUE(
        violates(check(b.build()), "export \"tenor_entry\" (function 0) has type (i32) -> (), expected () -> ()"));
  }
  {
    WasmBuilder b;
    add_contract_basics(b);
    b.func({}, {I32}).code({i32c(0), op::end}).export_("tenor_init");
    EXPECT_TRUE(violates(check(b.build()), "export \"tenor_init\" (function 1) has type () -> (i32)"));
  }
}

TEST(ContractProfile, ExportRulesAreConfigurable) {
  WasmBuilder b;
  b.memory(1, 1);
  b.export_memory("mem");
  b.func({I32}, {I32}).code({op::local_get, 0, op::end}).export_("dispatch");
  Bytes wasm = b.build();
  EXPECT_TRUE(violates(check(wasm), "missing export \"memory\""));
  ProfileRules rules;
  rules.exports = {{"mem", ExternKind::Memory, {}, true}, {"dispatch", ExternKind::Func, {{I32}, {I32}}, true}};
  EXPECT_TRUE(accepted(check(wasm, rules)));
}

// ---- non-contract mode ----

TEST(ContractProfile, IsNotPartOfLoading) {
  // What the spec tests and `tenor wasm run` load without the profile: floats, a start function,
  // foreign imports and an unbounded memory.
  WasmBuilder b;
  b.import_func("spectest", "print_f64", {F64}, {});
  b.memory(1);
  b.func({}, {}).code({f64c(1.0), op::call, u(0), op::end}).export_("go");
  b.start(1);
  auto m = Module::load(b.build());
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  EXPECT_FALSE(check_contract_profile(**m));
}

}  // namespace
}  // namespace tenor::vm::test
