// Tests of decode_module and validate_module: hand-built modules for every accepted form and every
// malformed/invalid/limit category, then the official spec suite's binary modules (folder from TENOR_WASM_SPEC_DIR) for
// categories and robustness.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "module_info.hpp"
#include "tenor/vm/error.hpp"
#include "tenor/vm/trap.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::detail {
namespace {

using test::Bytes;

// ---------------------------------------------------------------------------------------------
// Module builder

using test::name_bytes;
using test::uleb;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes section(uint8_t id, const Bytes& payload) { return cat({Bytes{id}, uleb(payload.size()), payload}); }

Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Common sections.
const Bytes kTypeVoid = section(1, {0x01, 0x60, 0x00, 0x00});             // type 0: [] -> []
const Bytes kTypeI32 = section(1, {0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F});  // type 0: [i32] -> [i32]
const Bytes kOneFunc = section(3, {0x01, 0x00});
const Bytes kOneBody = section(10, {0x01, 0x02, 0x00, 0x0B});
const Bytes kMemory1 = section(5, {0x01, 0x00, 0x01});
const Bytes kTable1 = section(4, {0x01, 0x70, 0x00, 0x01});

struct Outcome {
  bool ok = false;
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;
  Error error;
};

// decode_module, then validate_module when decoding succeeded.
Outcome load(const Bytes& bytes, const VmConfig& config = {}) {
  Outcome o;
  auto decoded = decode_module(bytes, config);
  if (!decoded) {
    o.kind = decoded.error().kind;
    o.message = decoded.error().message;
    o.error = decoded.error();
    return o;
  }
  Status st = validate_module(*decoded, config);
  if (!st) {
    o.kind = st.error().kind;
    o.message = st.error().message;
    o.error = st.error();
    return o;
  }
  o.ok = true;
  return o;
}

#define EXPECT_LOADS(bytes)                     \
  do {                                          \
    Outcome o_ = load(bytes);                   \
    EXPECT_TRUE(o_.ok) << o_.error.to_string(); \
  } while (0)

#define EXPECT_REJECTS(bytes, expected_kind, substring)                                    \
  do {                                                                                     \
    Outcome o_ = load(bytes);                                                              \
    ASSERT_FALSE(o_.ok) << "module was accepted";                                          \
    EXPECT_EQ(o_.kind, expected_kind) << o_.error.to_string();                             \
    EXPECT_NE(o_.message.find(substring), std::string::npos) << "message: " << o_.message; \
  } while (0)

#define EXPECT_MALFORMED(bytes, s) EXPECT_REJECTS(bytes, ErrorKind::Malformed, s)
#define EXPECT_INVALID(bytes, s) EXPECT_REJECTS(bytes, ErrorKind::Invalid, s)

// ---------------------------------------------------------------------------------------------
// Well-formed, valid modules

TEST(Decoder, EmptyModule) {
  auto m = decode_module(module({}), {});
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, FunctionBodyRangesAndLocals) {
  // type [i32]->[i32]; one function with locals (2 x i64, 1 x f32); body: local.get 0, end.
  Bytes body = {0x02, 0x02, 0x7E, 0x01, 0x7D, 0x20, 0x00, 0x0B};
  Bytes code = cat({Bytes{0x01}, uleb(body.size()), body});
  Bytes bytes = module({kTypeI32, kOneFunc, section(10, code)});
  auto m = decode_module(bytes, {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->bodies.size(), 1u);
  const FunctionBody& fb = m->bodies[0];
  EXPECT_EQ(fb.locals, (std::vector<ValType>{ValType::I64, ValType::I64, ValType::F32}));
  const size_t code_section_payload = bytes.size() - code.size();
  EXPECT_EQ(fb.body_begin, code_section_payload + 1);
  EXPECT_EQ(fb.code_begin, fb.body_begin + 1 + 5);
  EXPECT_EQ(fb.code_end, bytes.size());
  EXPECT_EQ(bytes[fb.code_end - 1], 0x0B);
  EXPECT_EQ(m->func_types, std::vector<uint32_t>{0});
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, ImportsOfEveryKind) {
  Bytes imports = cat({Bytes{0x04}, name_bytes("env"), name_bytes("f"), Bytes{0x00, 0x00}, name_bytes("env"),
      name_bytes("t"), Bytes{0x01, 0x70, 0x01, 0x01, 0x02}, name_bytes("env"), name_bytes("m"), Bytes{0x02, 0x00, 0x01},
      name_bytes("env"), name_bytes("g"), Bytes{0x03, 0x7E, 0x01}});
  auto m = decode_module(module({kTypeVoid, section(2, imports)}), {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->imports.size(), 4u);
  EXPECT_EQ(m->num_imported_funcs, 1u);
  EXPECT_EQ(m->num_imported_tables, 1u);
  EXPECT_EQ(m->num_imported_memories, 1u);
  EXPECT_EQ(m->num_imported_globals, 1u);
  EXPECT_EQ(m->tables[0].limits.min, 1u);
  EXPECT_EQ(m->tables[0].limits.max, std::optional<uint32_t>(2));
  EXPECT_EQ(m->memories[0].limits.min, 1u);
  EXPECT_FALSE(m->memories[0].limits.max.has_value());
  EXPECT_EQ(m->global_types[0], (GlobalType{ValType::I64, true}));
  EXPECT_EQ(m->imports[3].name, "g");
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, GlobalsExportsStartAndConstExprs) {
  Bytes globals = cat({Bytes{0x04}, Bytes{0x7F, 0x00, 0x41, 0x7F, 0x0B},  // i32 -1
      Bytes{0x7E, 0x01, 0x42, 0x80, 0x01, 0x0B},                          // mut i64 128
      Bytes{0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B},              // f32 1.0
      Bytes{0x7C, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B}});
  Bytes exports = cat({Bytes{0x02}, name_bytes("main"), Bytes{0x00, 0x00}, name_bytes("g"), Bytes{0x03, 0x01}});
  Bytes bytes = module({kTypeVoid, kOneFunc, section(6, globals), section(7, exports), section(8, {0x00}), kOneBody});
  auto m = decode_module(bytes, {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->globals.size(), 4u);
  EXPECT_EQ(m->globals[0].init.kind, ConstExpr::Kind::I32);
  EXPECT_EQ(m->globals[0].init.bits, 0xFFFFFFFFu);
  EXPECT_EQ(m->globals[1].init.bits, 128u);
  EXPECT_EQ(m->globals[2].init.bits, 0x3F800000u);
  EXPECT_EQ(m->globals[3].init.bits, 0x3FF0000000000000u);
  EXPECT_EQ(m->start, std::optional<uint32_t>(0));
  EXPECT_EQ(m->declared_func_refs, std::vector<uint32_t>{0});
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, ElementSegmentsAllEightForms) {
  Bytes funcs = section(3, {0x03, 0x00, 0x00, 0x00});
  Bytes code = section(10, {0x03, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B});
  const Bytes off = {0x41, 0x00, 0x0B};
  const Bytes rf1 = {0xD2, 0x01, 0x0B};
  const Bytes rnull = {0xD0, 0x70, 0x0B};
  Bytes elems = cat({Bytes{0x08}, cat({Bytes{0x00}, off, Bytes{0x01, 0x00}}), Bytes{0x01, 0x00, 0x01, 0x01},
      cat({Bytes{0x02, 0x00}, off, Bytes{0x00, 0x01, 0x02}}), Bytes{0x03, 0x00, 0x01, 0x02},
      cat({Bytes{0x04}, off, Bytes{0x02}, rf1, rnull}), cat({Bytes{0x05, 0x70, 0x01}, rnull}),
      cat({Bytes{0x06, 0x00}, off, Bytes{0x70, 0x01}, rf1}), cat({Bytes{0x07, 0x70, 0x01}, rf1})});
  auto m = decode_module(module({kTypeVoid, funcs, kTable1, section(9, elems), code}), {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->elems.size(), 8u);
  const SegmentMode modes[8] = {SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active,
      SegmentMode::Declarative, SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active,
      SegmentMode::Declarative};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(m->elems[i].mode, modes[i]) << i;
  EXPECT_EQ(m->elems[4].funcs, (std::vector<uint32_t>{1, kNullFuncIndex}));
  EXPECT_EQ(m->elems[5].funcs, (std::vector<uint32_t>{kNullFuncIndex}));
  EXPECT_EQ(m->declared_func_refs, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, DataSegmentsAndDataCount) {
  Bytes data = cat({Bytes{0x03}, Bytes{0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i'}, Bytes{0x01, 0x01, 'x'},
      Bytes{0x02, 0x00, 0x41, 0x00, 0x0B, 0x00}});
  Bytes bytes = module({kMemory1, section(12, {0x03}), section(11, data)});
  auto m = decode_module(bytes, {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->data_count, std::optional<uint32_t>(3));
  EXPECT_EQ(m->datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(m->datas[0].offset.bits, 8u);
  EXPECT_EQ(bytes[m->datas[0].init_begin], 'h');
  EXPECT_EQ(m->datas[0].init_end - m->datas[0].init_begin, 2u);
  EXPECT_EQ(m->datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m->datas[2].init_begin, m->datas[2].init_end);
  EXPECT_TRUE(validate_module(*m, {}));
}

TEST(Decoder, CustomSectionsAnywhere) {
  Bytes custom = cat({name_bytes("name"), Bytes{1, 2, 3}});
  Bytes bytes = module({section(0, custom), kTypeVoid, section(0, cat({name_bytes(""), Bytes{}})), kOneFunc, kOneBody,
      section(0, custom)});
  auto m = decode_module(bytes, {});
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->customs.size(), 3u);
  EXPECT_EQ(m->customs[0].name, "name");
  EXPECT_EQ(m->customs[0].payload_end - m->customs[0].payload_begin, 3u);
  EXPECT_EQ(bytes[m->customs[0].payload_begin], 1);
  EXPECT_EQ(m->customs[1].name, "");
}

// ---------------------------------------------------------------------------------------------
// Malformed

TEST(Malformed, Header) {
  EXPECT_MALFORMED(Bytes{}, "magic header");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0}), "magic header");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 1, 0}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0}), "unknown binary version");
}

TEST(Malformed, SectionFraming) {
  EXPECT_MALFORMED(module({section(13, {})}), "malformed section id");
  EXPECT_MALFORMED(module({Bytes{0x01}}), "unexpected end");              // id without size
  EXPECT_MALFORMED(module({Bytes{0x01, 0x05, 0x00}}), "unexpected end");  // size past the end
  EXPECT_MALFORMED(module({section(1, {0x00, 0x00})}), "section size mismatch");
  EXPECT_MALFORMED(module({section(1, {0x01, 0x60, 0x00})}), "unexpected end");
  // custom section whose name overruns the section
  EXPECT_MALFORMED(module({section(0, {0x05, 'a'})}), "length out of bounds");
  EXPECT_MALFORMED(module({section(0, {})}), "unexpected end");
}

TEST(Malformed, SectionOrder) {
  EXPECT_MALFORMED(module({kTypeVoid, kTypeVoid}), "unexpected content after last section");
  EXPECT_MALFORMED(module({kOneFunc, kTypeVoid, kOneBody}), "unexpected content");
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x00}), section(12, {0x00})}), "unexpected content");
  // data count goes after element and before code
  EXPECT_LOADS(module({kTypeVoid, kOneFunc, section(9, {0x00}), section(12, {0x00}), kOneBody}));
  EXPECT_MALFORMED(
      module({kTypeVoid, kOneFunc, section(12, {0x00}), section(9, {0x00}), kOneBody}), "unexpected content");
}

TEST(Malformed, InconsistentCounts) {
  EXPECT_MALFORMED(module({kTypeVoid, kOneFunc}), "function and code section have inconsistent");
  EXPECT_MALFORMED(module({kTypeVoid, kOneBody}), "function and code section have inconsistent");
  EXPECT_MALFORMED(module({kTypeVoid, section(3, {0x02, 0x00, 0x00}), kOneBody}), "inconsistent lengths");
  EXPECT_MALFORMED(module({kMemory1, section(12, {0x01})}), "data count and data section have inconsistent lengths");
  EXPECT_MALFORMED(module({kMemory1, section(12, {0x02}), section(11, {0x01, 0x01, 0x00})}),
      "data count and data section have inconsistent lengths");
  EXPECT_LOADS(module({kMemory1, section(12, {0x00})}));
}

TEST(Malformed, Types) {
  EXPECT_MALFORMED(module({section(1, {0x01, 0x61, 0x00, 0x00})}), "function type form");
  EXPECT_MALFORMED(module({section(1, {0x01, 0x60, 0x01, 0x7B, 0x00})}), "malformed value type");
  EXPECT_MALFORMED(module({section(1, {0x01, 0x60, 0x01, 0x70, 0x00})}), "malformed value type");
  EXPECT_MALFORMED(module({section(6, {0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B})}), "malformed mutability");
  EXPECT_MALFORMED(module({section(5, {0x01, 0x02, 0x00})}), "malformed limits flags");
  EXPECT_MALFORMED(module({section(4, {0x01, 0x6F, 0x00, 0x00})}), "malformed reference type");
  EXPECT_MALFORMED(module({section(2, cat({Bytes{0x01}, name_bytes("a"), name_bytes("b"), Bytes{0x04, 0x00}}))}),
      "malformed import kind");
  EXPECT_MALFORMED(
      module({section(7, cat({Bytes{0x01}, name_bytes("a"), Bytes{0x04, 0x00}}))}), "malformed export kind");
}

TEST(Malformed, Utf8Names) {
  EXPECT_MALFORMED(module({section(0, {0x02, 0xC0, 0x80})}), "malformed UTF-8 encoding");
  EXPECT_MALFORMED(module({kTypeVoid, section(2, cat({Bytes{0x01, 0x01, 0xFF}, name_bytes("f"), Bytes{0x00, 0x00}}))}),
      "malformed UTF-8 encoding");
  EXPECT_MALFORMED(
      module({kTypeVoid,
          section(2, cat({Bytes{0x01}, name_bytes("m"), Bytes{0x03, 0xED, 0xA0, 0x80}, Bytes{0x00, 0x00}}))}),
      "malformed UTF-8 encoding");
  EXPECT_MALFORMED(module({section(7, cat({Bytes{0x01, 0x01, 0x80}, Bytes{0x00, 0x00}}))}), "malformed UTF-8 encoding");
}

TEST(Malformed, Leb) {
  EXPECT_MALFORMED(
      module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00})}), "integer representation too long");
  EXPECT_MALFORMED(module({section(5, {0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70})}), "integer too large");
  EXPECT_MALFORMED(
      module({section(6, {0x01, 0x7F, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x0B})}), "integer too large");
}

TEST(Malformed, Segments) {
  EXPECT_MALFORMED(
      module({kTable1, section(9, {0x01, 0x08, 0x41, 0x00, 0x0B, 0x00})}), "malformed elements segment kind");
  EXPECT_MALFORMED(module({kTable1, section(9, {0x01, 0x01, 0x01, 0x00})}), "malformed element kind");
  EXPECT_MALFORMED(module({kTable1, section(9, {0x01, 0x05, 0x6F, 0x00})}), "malformed reference type");
  EXPECT_MALFORMED(
      module({kTable1, section(9, {0x01, 0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B})}), "malformed reference type");
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x01, 0x03, 0x00})}), "malformed data segment kind");
  EXPECT_MALFORMED(module({kMemory1, section(11, {0x01, 0x01, 0x05, 'a'})}), "unexpected end");
}

TEST(Malformed, ConstExprs) {
  // unknown opcode inside a constant expression
  EXPECT_MALFORMED(module({section(6, {0x01, 0x7F, 0x00, 0x06, 0x0B})}), "illegal opcode");
  EXPECT_MALFORMED(module({section(6, {0x01, 0x7F, 0x00, 0xFC, 0x20, 0x0B})}), "illegal opcode");
  // missing end
  EXPECT_MALFORMED(module({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00})}), "unexpected end");
}

TEST(Malformed, FunctionBodies) {
  // body size beyond the section
  EXPECT_MALFORMED(module({kTypeVoid, kOneFunc, section(10, {0x01, 0x05, 0x00, 0x0B})}), "unexpected end");
  // empty body (no room for the locals vector)
  EXPECT_MALFORMED(module({kTypeVoid, kOneFunc, section(10, {0x01, 0x00})}), "unexpected end");
  // body not ending with `end`
  EXPECT_MALFORMED(module({kTypeVoid, kOneFunc, section(10, {0x01, 0x02, 0x00, 0x01})}), "END opcode expected");
  EXPECT_MALFORMED(module({kTypeVoid, kOneFunc, section(10, {0x01, 0x01, 0x00})}), "unexpected end");
  // bad local type
  EXPECT_MALFORMED(
      module({kTypeVoid, kOneFunc, section(10, {0x01, 0x04, 0x01, 0x01, 0x40, 0x0B})}), "malformed value type");
  // local counts summing past 2^32 - 1
  Bytes body = cat({Bytes{0x02}, uleb(0xFFFFFFFF), Bytes{0x7F}, uleb(1), Bytes{0x7F, 0x0B}});
  Outcome o = load(module({kTypeVoid, kOneFunc, section(10, cat({Bytes{0x01}, uleb(body.size()), body}))}));
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(o.kind, ErrorKind::Malformed);
  EXPECT_EQ(o.message, "too many locals");
  EXPECT_EQ(o.error.section, "code");
  EXPECT_EQ(o.error.func_index, std::optional<uint32_t>(0));
}

TEST(Malformed, HugeCountsFailFast) {
  // Counts of 2^32-1 with almost nothing behind them must fail without allocating or looping.
  const Bytes huge = uleb(0xFFFFFFFF);
  VmConfig unlimited;
  unlimited.max_types = unlimited.max_imports = unlimited.max_exports = UINT32_MAX;
  unlimited.max_functions = unlimited.max_globals = UINT32_MAX;
  unlimited.max_data_segments = unlimited.max_elem_segments = UINT32_MAX;
  unlimited.max_table_size = UINT32_MAX;
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    Bytes bytes = module({section(id, cat({huge, Bytes{0x00, 0x00}}))});
    auto m = decode_module(bytes, unlimited);
    EXPECT_FALSE(m) << "section " << int(id);
    if (!m) {
      EXPECT_EQ(m.error().kind, ErrorKind::Malformed) << m.error().to_string();
    }
  }
  // element segment with a huge element count
  auto m = decode_module(module({kTable1, section(9, cat({Bytes{0x01, 0x01, 0x00}, huge}))}), unlimited);
  EXPECT_FALSE(m);
  // br_table with 2^32-1 targets inside a constant expression
  auto g = decode_module(module({section(6, cat({Bytes{0x01, 0x7F, 0x00, 0x0E}, huge}))}), unlimited);
  EXPECT_FALSE(g);
}

TEST(Malformed, ErrorsNameSectionAndOffset) {
  Bytes bytes = module({kTypeVoid, section(6, {0x01, 0x7F, 0x05, 0x41, 0x00, 0x0B})});
  auto m = decode_module(bytes, {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().section, "global");
  EXPECT_EQ(m.error().offset, std::optional<uint64_t>(bytes.size() - 4));
  EXPECT_NE(m.error().to_string().find("malformed module: malformed mutability (section global"), std::string::npos)
      << m.error().to_string();
}

// ---------------------------------------------------------------------------------------------
// Invalid (module level)

TEST(Invalid, ConstantExpressions) {
  auto data_with = [](Bytes expr) {
    return module({kMemory1, section(11, cat({Bytes{0x01, 0x00}, expr, Bytes{0x00}}))});
  };
  EXPECT_INVALID(data_with({0x41, 0x00, 0x68, 0x0B}), "constant expression required");  // i32.ctz
  EXPECT_INVALID(data_with({0x01, 0x0B}), "constant expression required");              // nop
  EXPECT_INVALID(data_with({0x01, 0x41, 0x00, 0x0B}), "constant expression required");
  EXPECT_INVALID(data_with({0x41, 0x00, 0x01, 0x0B}), "constant expression required");
  EXPECT_INVALID(data_with({0x02, 0x40, 0x0B, 0x41, 0x00, 0x0B}), "constant expression required");
  EXPECT_INVALID(data_with({0x0B}), "type mismatch");                          // empty
  EXPECT_INVALID(data_with({0x41, 0x00, 0x41, 0x00, 0x0B}), "type mismatch");  // two values
  EXPECT_INVALID(data_with({0x42, 0x00, 0x0B}), "type mismatch");              // i64
  EXPECT_INVALID(data_with({0xD0, 0x70, 0x0B}), "type mismatch");              // funcref
  EXPECT_INVALID(data_with({0x23, 0x00, 0x0B}), "unknown global 0");
  // a malformed section after the deferred invalid expression still makes the module malformed
  EXPECT_MALFORMED(
      module({kMemory1, section(11, {0x01, 0x00, 0x01, 0x0B, 0x00}), section(13, {})}), "malformed section id");
}

TEST(Invalid, GlobalGetRules) {
  Bytes imports = cat({Bytes{0x02}, name_bytes("m"), name_bytes("c"), Bytes{0x03, 0x7F, 0x00},  // const i32
      name_bytes("m"), name_bytes("v"), Bytes{0x03, 0x7F, 0x01}});                              // mut i32
  auto with_global = [&](Bytes g) { return module({section(2, imports), section(6, cat({Bytes{0x01}, g}))}); };
  EXPECT_LOADS(with_global({0x7F, 0x00, 0x23, 0x00, 0x0B}));
  EXPECT_INVALID(with_global({0x7F, 0x00, 0x23, 0x01, 0x0B}), "constant expression required");
  EXPECT_INVALID(with_global({0x7E, 0x00, 0x23, 0x00, 0x0B}), "type mismatch");
  EXPECT_INVALID(with_global({0x7F, 0x00, 0x23, 0x02, 0x0B}), "unknown global 2");  // itself
  // global initialisers may not read defined globals
  EXPECT_INVALID(
      module({section(6, {0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x23, 0x00, 0x0B})}), "unknown global 0");
  // segment offsets may read any immutable global
  EXPECT_LOADS(module(
      {kMemory1, section(6, {0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B}), section(11, {0x01, 0x00, 0x23, 0x00, 0x0B, 0x00})}));
  EXPECT_INVALID(module({section(2, imports), kMemory1, section(11, {0x01, 0x00, 0x23, 0x01, 0x0B, 0x00})}),
      "constant expression required");
}

TEST(Invalid, IndexSpaces) {
  EXPECT_INVALID(module({kTypeVoid, section(3, {0x01, 0x01}), kOneBody}), "unknown type");
  EXPECT_INVALID(
      module({section(2, cat({Bytes{0x01}, name_bytes("a"), name_bytes("b"), Bytes{0x00, 0x00}}))}), "unknown type");
  EXPECT_INVALID(module({section(7, cat({Bytes{0x01}, name_bytes("f"), Bytes{0x00, 0x00}}))}), "unknown function 0");
  EXPECT_INVALID(module({section(7, cat({Bytes{0x01}, name_bytes("t"), Bytes{0x01, 0x00}}))}), "unknown table");
  EXPECT_INVALID(module({section(7, cat({Bytes{0x01}, name_bytes("m"), Bytes{0x02, 0x00}}))}), "unknown memory");
  EXPECT_INVALID(module({section(7, cat({Bytes{0x01}, name_bytes("g"), Bytes{0x03, 0x00}}))}), "unknown global");
  EXPECT_INVALID(module({section(8, {0x00})}), "unknown function");
  EXPECT_INVALID(
      module({kTypeVoid, kOneFunc, section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00}), kOneBody}), "unknown table");
  EXPECT_INVALID(module({kTable1, section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x05})}), "unknown function 5");
  EXPECT_INVALID(
      module({kTable1, section(9, {0x01, 0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B})}), "unknown function 0");
  EXPECT_INVALID(
      module({kTable1, section(9, {0x01, 0x04, 0x41, 0x00, 0x0B, 0x01, 0x41, 0x00, 0x0B})}), "type mismatch");
  EXPECT_INVALID(module({kTable1, section(9, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x00})}), "unknown table 1");
  EXPECT_INVALID(module({kMemory1, section(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00})}), "unknown memory 1");
  EXPECT_INVALID(module({section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x00})}), "unknown memory 0");
  // passive segments need no table or memory
  EXPECT_LOADS(module({section(11, {0x01, 0x01, 0x00})}));
  EXPECT_LOADS(module({section(9, {0x01, 0x05, 0x70, 0x00})}));
}

TEST(Invalid, TablesAndMemories) {
  EXPECT_INVALID(module({section(4, {0x02, 0x70, 0x00, 0x00, 0x70, 0x00, 0x00})}), "multiple tables");
  EXPECT_INVALID(module({section(5, {0x02, 0x00, 0x00, 0x00, 0x00})}), "multiple memories");
  EXPECT_INVALID(
      module({section(2, cat({Bytes{0x01}, name_bytes("a"), name_bytes("b"), Bytes{0x02, 0x00, 0x00}})), kMemory1}),
      "multiple memories");
  EXPECT_INVALID(module({section(4, {0x01, 0x70, 0x01, 0x01, 0x00})}), "size minimum must not be greater than maximum");
  EXPECT_INVALID(module({section(5, {0x01, 0x01, 0x02, 0x01})}), "size minimum must not be greater than maximum");
  EXPECT_INVALID(
      module({section(5, cat({Bytes{0x01, 0x00}, uleb(65537)}))}), "memory size must be at most 65536 pages (4GiB)");
  EXPECT_INVALID(module({section(5, cat({Bytes{0x01, 0x01, 0x00}, uleb(0xFFFFFFFF)}))}),
      "memory size must be at most 65536 pages");
  EXPECT_LOADS(module({section(5, cat({Bytes{0x01, 0x01}, uleb(65536), uleb(65536)}))}));
  // many tables: decoded, but only a bounded number kept
  const uint32_t n = 1000;
  Bytes many = uleb(n);
  for (uint32_t i = 0; i < n; ++i) many.insert(many.end(), {0x70, 0x00, 0x00});
  auto m = decode_module(module({section(4, many)}), {});
  ASSERT_TRUE(m);
  EXPECT_LE(m->tables.size(), 2u);
  EXPECT_FALSE(validate_module(*m, {}));
}

TEST(Invalid, ExportsAndStart) {
  EXPECT_INVALID(
      module({kTypeVoid, kOneFunc,
          section(7, cat({Bytes{0x02}, name_bytes("a"), Bytes{0x00, 0x00}, name_bytes("a"), Bytes{0x00, 0x00}})),
          kOneBody}),
      "duplicate export name");
  EXPECT_LOADS(module({kTypeVoid, kOneFunc,
      section(7, cat({Bytes{0x02}, name_bytes("a"), Bytes{0x00, 0x00}, name_bytes("b"), Bytes{0x00, 0x00}})),
      kOneBody}));
  EXPECT_INVALID(module({kTypeI32, kOneFunc, section(8, {0x00}), section(10, {0x01, 0x04, 0x00, 0x20, 0x00, 0x0B})}),
      "start function");
}

// ---------------------------------------------------------------------------------------------
// Limits: each at its boundary (the limit passes, one more fails)

TEST(Limits, EachAtItsBoundary) {
  auto check = [](const char* name, const Bytes& at_limit, const Bytes& over, const VmConfig& c) {
    Outcome ok = load(at_limit, c);
    EXPECT_TRUE(ok.ok) << name << ": " << ok.error.to_string();
    Outcome bad = load(over, c);
    EXPECT_FALSE(bad.ok) << name;
    EXPECT_EQ(bad.kind, ErrorKind::LimitExceeded) << name << ": " << bad.error.to_string();
    EXPECT_NE(bad.message.find(name), std::string::npos) << bad.message;
  };
  auto types = [](uint32_t n) {
    Bytes p = uleb(n);
    for (uint32_t i = 0; i < n; ++i) p.insert(p.end(), {0x60, 0x00, 0x00});
    return module({section(1, p)});
  };
  VmConfig c;
  c.max_types = 3;
  check("max_types", types(3), types(4), c);

  auto params = [](uint32_t n, uint32_t r) {
    Bytes p = cat({Bytes{0x01, 0x60}, uleb(n)});
    p.insert(p.end(), n, 0x7F);
    const Bytes rl = uleb(r);
    p.insert(p.end(), rl.begin(), rl.end());
    p.insert(p.end(), r, 0x7E);
    return module({section(1, p)});
  };
  c = {};
  c.max_params = 5;
  check("max_params", params(5, 0), params(6, 0), c);
  c = {};
  c.max_results = 2;
  check("max_results", params(0, 2), params(0, 3), c);

  auto funcs = [](uint32_t imported, uint32_t defined) {
    Bytes imp = uleb(imported);
    for (uint32_t i = 0; i < imported; ++i) {
      Bytes one = cat({name_bytes("m"), name_bytes("f" + std::to_string(i)), Bytes{0x00, 0x00}});
      imp.insert(imp.end(), one.begin(), one.end());
    }
    Bytes fs = uleb(defined);
    Bytes code = uleb(defined);
    for (uint32_t i = 0; i < defined; ++i) {
      fs.push_back(0x00);
      code.insert(code.end(), {0x02, 0x00, 0x0B});
    }
    return module({kTypeVoid, section(2, imp), section(3, fs), section(10, code)});
  };
  c = {};
  c.max_functions = 4;
  check("max_functions", funcs(2, 2), funcs(2, 3), c);
  check("max_functions", funcs(4, 0), funcs(5, 0), c);
  c = {};
  c.max_imports = 3;
  check("max_imports", funcs(3, 0), funcs(4, 0), c);

  auto globals = [](uint32_t imported, uint32_t defined) {
    Bytes imp = uleb(imported);
    for (uint32_t i = 0; i < imported; ++i) {
      Bytes one = cat({name_bytes("m"), name_bytes("g" + std::to_string(i)), Bytes{0x03, 0x7F, 0x00}});
      imp.insert(imp.end(), one.begin(), one.end());
    }
    Bytes gs = uleb(defined);
    for (uint32_t i = 0; i < defined; ++i) gs.insert(gs.end(), {0x7F, 0x00, 0x41, 0x00, 0x0B});
    return module({section(2, imp), section(6, gs)});
  };
  c = {};
  c.max_globals = 3;
  check("max_globals", globals(1, 2), globals(1, 3), c);
  check("max_globals", globals(3, 0), globals(4, 0), c);

  auto exports = [](uint32_t n) {
    Bytes p = uleb(n);
    for (uint32_t i = 0; i < n; ++i) {
      Bytes one = cat({name_bytes("e" + std::to_string(i)), Bytes{0x02, 0x00}});
      p.insert(p.end(), one.begin(), one.end());
    }
    return module({kMemory1, section(7, p)});
  };
  c = {};
  c.max_exports = 2;
  check("max_exports", exports(2), exports(3), c);

  auto datas = [](uint32_t n) {
    Bytes p = uleb(n);
    for (uint32_t i = 0; i < n; ++i) p.insert(p.end(), {0x01, 0x00});
    return module({section(11, p)});
  };
  c = {};
  c.max_data_segments = 2;
  check("max_data_segments", datas(2), datas(3), c);

  auto elems = [](uint32_t n, uint32_t len) {
    Bytes p = uleb(n);
    for (uint32_t i = 0; i < n; ++i) {
      p.insert(p.end(), {0x05, 0x70});
      Bytes l = uleb(len);
      p.insert(p.end(), l.begin(), l.end());
      for (uint32_t k = 0; k < len; ++k) p.insert(p.end(), {0xD0, 0x70, 0x0B});
    }
    return module({section(9, p)});
  };
  c = {};
  c.max_elem_segments = 2;
  check("max_elem_segments", elems(2, 0), elems(3, 0), c);
  c = {};
  c.max_table_size = 3;
  check("max_table_size", elems(1, 3), elems(1, 4), c);
  check("max_table_size", module({section(4, {0x01, 0x70, 0x00, 0x03})}),
      module({section(4, {0x01, 0x70, 0x00, 0x04})}), c);

  auto customs = [](uint32_t n) {
    Bytes m = module({});
    for (uint32_t i = 0; i < n; ++i) {
      Bytes s = section(0, name_bytes("c"));
      m.insert(m.end(), s.begin(), s.end());
    }
    return m;
  };
  c = {};
  c.max_custom_sections = 2;
  check("max_custom_sections", customs(2), customs(3), c);

  c = {};
  c.max_memory_pages = 16;
  check("max_memory_pages", module({section(5, {0x01, 0x00, 0x10})}), module({section(5, {0x01, 0x00, 0x11})}), c);

  auto locals = [](uint32_t n) {
    Bytes body = cat({Bytes{0x01}, uleb(n), Bytes{0x7F, 0x0B}});
    return module({kTypeI32, kOneFunc, section(10, cat({Bytes{0x01}, uleb(body.size()), body}))});
  };
  c = {};
  c.max_locals_per_function = 10;  // one parameter + nine locals
  check("max_locals_per_function", locals(9), locals(10), c);

  auto body_of_size = [](uint32_t size) {  // size >= 2: locals vec, nops, end
    Bytes body{0x00};
    body.insert(body.end(), size - 2, 0x01);
    body.push_back(0x0B);
    return module({kTypeVoid, kOneFunc, section(10, cat({Bytes{0x01}, uleb(body.size()), body}))});
  };
  c = {};
  c.max_function_size = 100;
  check("max_function_size", body_of_size(100), body_of_size(101), c);

  c = {};
  Bytes m = types(1);
  c.max_module_size = m.size();
  check("max_module_size", m, cat({m, section(0, name_bytes("x"))}), c);
}

TEST(Limits, DefaultsAcceptBoundaryOfSpec) {
  // 65536 pages is both the spec maximum and the default configuration's limit.
  EXPECT_LOADS(module({section(5, cat({Bytes{0x01, 0x00}, uleb(65536)}))}));
}

// ---------------------------------------------------------------------------------------------
// Helpers of the public headers

TEST(ToString, TypesErrorsAndTraps) {
  EXPECT_STREQ(to_string(ValType::I32), "i32");
  EXPECT_STREQ(to_string(ValType::F64), "f64");
  EXPECT_STREQ(to_string(ValType::FuncRef), "funcref");
  EXPECT_EQ(to_string(Value::i32(42)), "i32:42");
  EXPECT_EQ(to_string(Value::i32(0xFFFFFFFF)), "i32:-1");
  EXPECT_EQ(to_string(Value::i64(7)), "i64:7");
  EXPECT_EQ(to_string(Value::f64(1.0)), "f64:0x3ff0000000000000");
  EXPECT_EQ(to_string(Value::f32(1.0f)), "f32:0x3f800000");
  EXPECT_EQ(to_string(FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}), "(i32, i64) -> (f32)");
  EXPECT_EQ(to_string(FuncType{}), "() -> ()");
  EXPECT_STREQ(to_string(ExternKind::Memory), "memory");
  EXPECT_STREQ(to_string(ErrorKind::Invalid), "invalid module");
  Error e{ErrorKind::Invalid, "type mismatch: expected i32, got i64", "code", 0x1a4, 3};
  EXPECT_EQ(e.to_string(),
      "invalid module: type mismatch: expected i32, got i64 (section code, function 3, "
      "offset 0x1a4)");
  Error bare{ErrorKind::Malformed, "x", "", std::nullopt, std::nullopt};
  EXPECT_EQ(bare.to_string(), "malformed module: x");
  EXPECT_STREQ(trap_message(TrapCode::IntegerDivideByZero), "integer divide by zero");
  EXPECT_STREQ(trap_name(TrapCode::IntegerDivideByZero), "IntegerDivideByZero");
  EXPECT_STREQ(trap_name(TrapCode::OutOfGas), "OutOfGas");
  EXPECT_EQ((Trap{TrapCode::Unreachable, ""}).to_string(), "unreachable");
  EXPECT_EQ((Trap{TrapCode::HostTrap, "boom"}).to_string(), "host function trapped: boom");
}

// ---------------------------------------------------------------------------------------------
// The official spec suite

std::filesystem::path spec_dir() {
  const char* env = std::getenv("TENOR_WASM_SPEC_DIR");
  return (env != nullptr && *env != '\0') ? std::filesystem::path(env)
                                          : std::filesystem::path("/work/shared/wasm-spec");
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct SpecCommand {
  std::string file;  // json name
  int line = 0;
  std::string type;
  std::string text;
  std::filesystem::path wasm;
};

// Every command of every JSON file that names a binary module.
std::vector<SpecCommand> spec_binary_commands() {
  std::vector<SpecCommand> out;
  const auto dir = spec_dir();
  if (!std::filesystem::is_directory(dir)) return out;
  std::vector<std::filesystem::path> jsons;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    auto json = entry.path() / (entry.path().filename().string() + ".json");
    if (std::filesystem::exists(json)) jsons.push_back(json);
  }
  std::sort(jsons.begin(), jsons.end());
  for (const auto& json : jsons) {
    std::ifstream in(json);
    nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("commands")) continue;
    for (const auto& c : doc["commands"]) {
      if (!c.contains("filename")) continue;
      std::string filename = c["filename"].get<std::string>();
      if (filename.size() < 5 || filename.substr(filename.size() - 5) != ".wasm") continue;
      SpecCommand sc;
      sc.file = json.filename().string();
      sc.line = c.value("line", 0);
      sc.type = c.value("type", "");
      sc.text = c.value("text", "");
      sc.wasm = json.parent_path() / filename;
      out.push_back(std::move(sc));
    }
  }
  return out;
}

// Spec texts whose cause always lies outside function bodies: decode_module must reject these.
// Other texts ("integer too large", "integer representation too long", ...) may come from inside a
// function body, which the body validator decodes.
const std::set<std::string> kSectionLevelTexts = {
    "magic header not detected",
    "unknown binary version",
    "malformed section id",
    "section size mismatch",
    "length out of bounds",
    "unexpected end",
    "unexpected content after last section",
    "junk after last section",
    "function and code section have inconsistent lengths",
    "data count and data section have inconsistent lengths",
    "malformed UTF-8 encoding",
    "malformed mutability",
    "malformed import kind",
    "malformed export kind",
    "too many locals",
};

TEST(SpecSuite, MalformedBinariesAreRejected) {
  auto commands = spec_binary_commands();
  if (commands.empty()) GTEST_SKIP() << "no spec tests in " << spec_dir();
  int total = 0, rejected = 0, left_to_body_validator = 0;
  for (const auto& c : commands) {
    if (c.type != "assert_malformed") continue;
    ++total;
    Bytes bytes = read_file(c.wasm);
    auto decoded = decode_module(bytes, {});
    const std::string where = c.file + ":" + std::to_string(c.line) + " (" + c.text + ")";
    if (!decoded) {
      ++rejected;
      EXPECT_EQ(decoded.error().kind, ErrorKind::Malformed) << where << ": " << decoded.error().to_string();
      continue;
    }
    (void)validate_module(*decoded, {});  // must not crash either
    EXPECT_EQ(kSectionLevelTexts.count(c.text), 0u) << where << ": accepted by decode_module";
    EXPECT_FALSE(decoded->bodies.empty())
        << where << ": accepted, and it has no function body that could hold the error";
    ++left_to_body_validator;
    std::cout << "  left to the body validator: " << where << "\n";
  }
  std::cout << "assert_malformed (binary): " << total << ", rejected by decode_module: " << rejected
            << ", inside function bodies: " << left_to_body_validator << "\n";
}

TEST(SpecSuite, ModulesThatMustLoadDecodeAndValidate) {
  auto commands = spec_binary_commands();
  if (commands.empty()) GTEST_SKIP() << "no spec tests in " << spec_dir();
  int checked = 0;
  for (const auto& c : commands) {
    if (c.type != "module" && c.type != "assert_unlinkable" && c.type != "assert_uninstantiable") {
      continue;
    }
    ++checked;
    Outcome o = load(read_file(c.wasm));
    EXPECT_TRUE(o.ok) << c.file << ":" << c.line << " " << c.type << ": " << o.error.to_string();
  }
  EXPECT_GT(checked, 900);
}

TEST(SpecSuite, InvalidModulesAreNeverMalformed) {
  auto commands = spec_binary_commands();
  if (commands.empty()) GTEST_SKIP() << "no spec tests in " << spec_dir();
  int total = 0, rejected = 0;
  for (const auto& c : commands) {
    if (c.type != "assert_invalid") continue;
    ++total;
    Outcome o = load(read_file(c.wasm));
    if (o.ok) continue;  // the error is inside a function body
    ++rejected;
    EXPECT_EQ(o.kind, ErrorKind::Invalid) << c.file << ":" << c.line << ": " << o.error.to_string();
  }
  std::cout << "assert_invalid: " << total << ", rejected at module level: " << rejected << "\n";
}

// Module-level assert_invalid commands whose cause is outside function bodies must be rejected.
TEST(SpecSuite, ModuleLevelInvalidCasesAreRejected) {
  auto commands = spec_binary_commands();
  if (commands.empty()) GTEST_SKIP() << "no spec tests in " << spec_dir();
  const std::set<std::string> module_level_files = {"data.json", "elem.json", "exports.json", "imports.json",
      "memory.json", "table.json", "start.json", "func_ptrs.json"};
  const std::set<std::string> body_texts = {"unknown memory", "unknown table", "unknown type", "type mismatch"};
  for (const auto& c : commands) {
    if (c.type != "assert_invalid" || module_level_files.count(c.file) == 0) continue;
    Outcome o = load(read_file(c.wasm));
    if (o.ok) {
      // These files also test a few body-level cases (memory.size without memory, ...).
      EXPECT_TRUE(body_texts.count(c.text) != 0) << c.file << ":" << c.line << " accepted: " << c.text;
      continue;
    }
    EXPECT_EQ(o.kind, ErrorKind::Invalid) << c.file << ":" << c.line;
  }
}

// No input may crash or read out of bounds (run under ASan to see the latter): every prefix of
// small spec modules, and byte mutations of the smallest ones.
TEST(SpecSuite, TruncatedAndMutatedModulesNeverCrash) {
  auto commands = spec_binary_commands();
  if (commands.empty()) GTEST_SKIP() << "no spec tests in " << spec_dir();
  size_t runs = 0;
  for (const auto& c : commands) {
    Bytes bytes = read_file(c.wasm);
    if (bytes.size() > 512) continue;
    for (size_t n = 0; n < bytes.size(); ++n) {
      Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      auto m = decode_module(prefix, {});
      if (m) (void)validate_module(*m, {});
      ++runs;
    }
    if (bytes.size() > 128) continue;
    for (size_t i = 8; i < bytes.size(); ++i) {
      for (uint8_t v :
          {uint8_t{0x00}, uint8_t{0x7F}, uint8_t{0x80}, uint8_t{0xFF}, static_cast<uint8_t>(bytes[i] ^ 0x01)}) {
        Bytes mutated = bytes;
        mutated[i] = v;
        auto m = decode_module(mutated, {});
        if (m) (void)validate_module(*m, {});
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 0u);
}

}  // namespace
}  // namespace tenor::vm::detail
