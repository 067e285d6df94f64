// The "tenor.srcmap" reader (tenor/sdk/srcmap.hpp) on hand-built sections: a good map and its
// lookups, a module without one, and malformed input (truncated at every byte, rows out of order,
// an unknown version, a file name that is not UTF-8, trailing bytes, a broken module); then the
// ledger: a trap's receipt message names the source line, deterministically (replay agrees).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"
#include "tenor/sdk/srcmap.hpp"
#include "wasm_builder.hpp"
#include "sdk_test_support.hpp"

namespace tenor::sdk {
namespace {

namespace fs = std::filesystem;
using namespace tenor::vm::test;
using Row = SourceMap::Row;

// `wasm` with a custom section appended.
Bytes with_custom_section(Bytes wasm, const std::string& name, const Bytes& payload) {
  Bytes body = name_bytes(name);
  append(body, payload);
  wasm.push_back(0);
  append(wasm, uleb(body.size()));
  append(wasm, body);
  return wasm;
}

Bytes small_module() {
  WasmBuilder b;
  b.func({}, {}).code({op::nop, op::nop, op::end}).export_("f");
  return b.build();
}

const std::vector<Row> kRows = {{10, 3, 1}, {14, 4, 5}, {14, 5, 9}, {20, 0, 0}, {30, 12, 5}};

TEST(SourceMap, ParsesAndLooksUpTheLastRowAtOrBeforeTheOffset) {
  auto map = SourceMap::parse(SourceMap::encode("factoring.tnr", kRows));
  ASSERT_TRUE(map) << map.error().to_string();
  EXPECT_EQ(map->file(), "factoring.tnr");
  EXPECT_EQ(map->rows(), kRows);
  EXPECT_FALSE(map->lookup(0));  // before the first row
  EXPECT_FALSE(map->lookup(9));
  EXPECT_EQ(map->lookup(10), (SourceLocation{"factoring.tnr", 3, 1}));
  EXPECT_EQ(map->lookup(13), (SourceLocation{"factoring.tnr", 3, 1}));
  EXPECT_EQ(map->lookup(14), (SourceLocation{"factoring.tnr", 5, 9}));  // rows sharing an offset: the later
  EXPECT_EQ(map->lookup(19), (SourceLocation{"factoring.tnr", 5, 9}));
  EXPECT_FALSE(map->lookup(20));  // line 0: no location
  EXPECT_FALSE(map->lookup(29));
  EXPECT_EQ(map->lookup(30), (SourceLocation{"factoring.tnr", 12, 5}));
  EXPECT_EQ(map->lookup(0xFFFFFFFF), (SourceLocation{"factoring.tnr", 12, 5}));  // the last row: to the end
  EXPECT_EQ(map->lookup(30)->to_string(), "factoring.tnr:12:5");
  EXPECT_EQ((SourceLocation{"a.tnr", 7, 0}).to_string(), "a.tnr:7");
}

TEST(SourceMap, TheByteLayoutIsTheDocumentedOne) {
  const Bytes payload = SourceMap::encode("a.tnr", {{0x0102, 7, 9}});
  const Bytes expected = {1,                                          // version
                          5,    0,    0, 0, 'a', '.', 't', 'n', 'r',  // file
                          1,    0,    0, 0,                           // count
                          0x02, 0x01, 0, 0, 7,   0,   0,   0,   9,   0, 0, 0};
  EXPECT_EQ(payload, expected);
  auto empty = SourceMap::parse(SourceMap::encode("e.tnr", {}));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->rows().empty());
  EXPECT_FALSE(empty->lookup(0));
}

// Version 2: a table of files (a contract and its modules) that each row indexes.
const std::vector<std::string> kFiles = {"main.tnr", "lib/rates.tnr", "std/daycount.tnr"};
const std::vector<Row> kRows2 = {{10, 3, 1, 0}, {14, 7, 10, 1}, {20, 0, 0, 0}, {30, 12, 5, 2}, {40, 4, 3, 1}};

TEST(SourceMap, Version2NamesTheFileOfEachRow) {
  auto map = SourceMap::parse(SourceMap::encode(kFiles, kRows2));
  ASSERT_TRUE(map) << map.error().to_string();
  EXPECT_EQ(map->files(), kFiles);
  EXPECT_EQ(map->file(), "main.tnr");
  EXPECT_EQ(map->rows(), kRows2);
  EXPECT_EQ(map->lookup(12), (SourceLocation{"main.tnr", 3, 1}));
  EXPECT_EQ(map->lookup(15), (SourceLocation{"lib/rates.tnr", 7, 10}));
  EXPECT_FALSE(map->lookup(25));
  EXPECT_EQ(map->lookup(30)->to_string(), "std/daycount.tnr:12:5");
  EXPECT_EQ(map->lookup(99), (SourceLocation{"lib/rates.tnr", 4, 3}));

  const Bytes payload = SourceMap::encode(std::vector<std::string>{"a.tnr", "b"}, {{0x0102, 7, 9, 1}});
  const Bytes expected = {2,                                          // version
                          2,    0,    0, 0,                           // files
                          5,    0,    0, 0, 'a', '.', 't', 'n', 'r',  // file 0
                          1,    0,    0, 0, 'b',                      // file 1
                          1,    0,    0, 0,                           // count
                          0x02, 0x01, 0, 0, 1,   0,   0,   0,   7,   0, 0, 0, 9, 0, 0, 0};
  EXPECT_EQ(payload, expected);

  // Malformed: truncated anywhere, an empty table, a row naming a file beyond it.
  const Bytes good = SourceMap::encode(kFiles, kRows2);
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(SourceMap::parse(std::span<const uint8_t>(good.data(), n))) << n;
  auto empty = SourceMap::parse(SourceMap::encode(std::vector<std::string>{}, {}));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("file table is empty"), std::string::npos) << empty.error().message;
  auto beyond = SourceMap::parse(SourceMap::encode(kFiles, {{10, 3, 1, 0}, {14, 7, 10, 3}}));
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("row 1 names file 3 of a table of 3"), std::string::npos)
      << beyond.error().message;
}

TEST(SourceMap, FromAModule) {
  const Bytes plain = small_module();
  auto none = SourceMap::from_wasm(plain);
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_FALSE(*none);  // absent: not an error
  EXPECT_FALSE(source_location(plain, 10));

  // Among other custom sections; the first "tenor.srcmap" counts.
  Bytes wasm = with_custom_section(plain, "tenor.abi", {'{', '}'});
  wasm = with_custom_section(wasm, "tenor.srcmap", SourceMap::encode("x.tnr", kRows));
  wasm = with_custom_section(wasm, "tenor.srcmap", SourceMap::encode("second.tnr", kRows));
  auto map = SourceMap::from_wasm(wasm);
  ASSERT_TRUE(map) << map.error().to_string();
  ASSERT_TRUE(*map);
  EXPECT_EQ((*map)->file(), "x.tnr");
  EXPECT_EQ(source_location(wasm, 31), (SourceLocation{"x.tnr", 12, 5}));
  EXPECT_FALSE(source_location(wasm, 25));

  // The VM loads a module with the section like any other.
  EXPECT_TRUE(vm::Module::load(wasm));
}

TEST(SourceMap, TruncatedAtEveryByteIsMalformed) {
  const Bytes payload = SourceMap::encode("factoring.tnr", kRows);
  for (size_t n = 0; n < payload.size(); ++n) {
    auto map = SourceMap::parse(std::span<const uint8_t>(payload.data(), n));
    ASSERT_FALSE(map) << "a prefix of " << n << " bytes parsed";
    EXPECT_EQ(map.error().code, ErrorCode::Malformed);
    EXPECT_NE(map.error().message.find("tenor.srcmap"), std::string::npos) << map.error().message;
    // The same through a module: an error, never a crash.
    auto in_module = SourceMap::from_wasm(
        with_custom_section(small_module(), "tenor.srcmap", Bytes(payload.begin(), payload.begin() + n)));
    EXPECT_FALSE(in_module);
    EXPECT_FALSE(source_location(
        with_custom_section(small_module(), "tenor.srcmap", Bytes(payload.begin(), payload.begin() + n)), 10));
  }
}

TEST(SourceMap, RejectsRowsOutOfOrder) {
  auto map = SourceMap::parse(SourceMap::encode("f.tnr", {{10, 1, 1}, {30, 2, 1}, {20, 3, 1}}));
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().code, ErrorCode::Malformed);
  EXPECT_NE(map.error().message.find("sorted"), std::string::npos) << map.error().message;
  EXPECT_NE(map.error().message.find("row 2"), std::string::npos) << map.error().message;
}

TEST(SourceMap, RejectsOtherMalformedInput) {
  Bytes good = SourceMap::encode("f.tnr", {{1, 2, 3}});
  auto fails_with = [](const Bytes& payload, const std::string& part) -> ::testing::AssertionResult {
    auto map = SourceMap::parse(payload);
    if (map) return ::testing::AssertionFailure() << "parsed";
    if (map.error().message.find(part) == std::string::npos)
      return ::testing::AssertionFailure() << "\"" << map.error().message << "\" lacks \"" << part << "\"";
    return ::testing::AssertionSuccess();
  };
  Bytes v3 = good;
  v3[0] = 3;
  EXPECT_TRUE(fails_with(v3, "unsupported version 3"));
  Bytes v0 = good;
  v0[0] = 0;
  EXPECT_TRUE(fails_with(v0, "unsupported version 0"));
  Bytes bad_utf8 = good;
  bad_utf8[5] = 0xC0;  // inside "f.tnr"
  EXPECT_TRUE(fails_with(bad_utf8, "file name"));
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_TRUE(fails_with(trailing, "tenor.srcmap"));
  // A count far beyond the bytes that follow: refused before anything is allocated.
  Bytes huge = SourceMap::encode("f.tnr", {});
  huge[10] = 0xFF, huge[11] = 0xFF, huge[12] = 0xFF, huge[13] = 0x7F;
  EXPECT_TRUE(fails_with(huge, "row count"));
  EXPECT_TRUE(fails_with({}, "tenor.srcmap"));

  // Modules whose sections do not parse.
  EXPECT_FALSE(SourceMap::from_wasm(Bytes{1, 2, 3}));
  Bytes cut = with_custom_section(small_module(), "tenor.srcmap", good);
  cut.pop_back();
  EXPECT_FALSE(SourceMap::from_wasm(cut));
  Bytes bad_name = small_module();
  append(bad_name, Bytes{0, 2, 9, 'x'});  // a custom section whose name runs past it
  EXPECT_FALSE(SourceMap::from_wasm(bad_name));
  EXPECT_FALSE(source_location(bad_name, 0));
}

// ---- the ledger: receipts name the source line of a trap ------------------------------------------

// A contract that, by the size of its input, traps (1 byte), runs out of gas (2), aborts (3) or
// returns (otherwise), with a source map of file "trap.tnr".
struct MappedContract {
  Bytes wasm;
  Bytes plain;                         // the same code without the map
  uint32_t unreachable = 0, loop = 0;  // code offsets
};

MappedContract mapped_contract() {
  WasmBuilder b;
  const uint32_t input_size = b.import_func("tenor", "input_size", {}, {I32});
  const uint32_t abort = b.import_func("tenor", "abort", {I32, I32}, {});
  b.memory(1, 1);
  b.export_memory("memory");
  b.func({}, {})
      .locals({I32})
      .code({op::call,        u(input_size),
             op::local_tee,   0,
             i32c(1),         op::i32_eq,
             op::if_,         bt::void_,  // 0..8
             op::unreachable, op::end,    // 9, 10
             op::local_get,   0,
             i32c(2),         op::i32_eq,
             op::if_,         bt::void_,  // 11..17
             op::loop,        bt::void_,
             op::br,          0,
             op::end,         op::end,  // 18..23
             op::local_get,   0,
             i32c(3),         op::i32_eq,
             op::if_,         bt::void_,  // 24..30
             i32c(0),         i32c(0),
             op::call,        u(abort),
             op::end,   // 31..37 (call: 35)
             op::end})  // 38
      .export_("tenor_entry");
  MappedContract c;
  c.plain = c.wasm = b.build();
  const uint32_t body = code_body_offsets(c.wasm).at(0);
  c.unreachable = body + 9;
  c.loop = body + 18;
  c.wasm = with_custom_section(c.wasm, "tenor.srcmap",
                               SourceMap::encode("trap.tnr", {{body, 2, 3},
                                                              {body + 9, 4, 5},
                                                              {body + 10, 2, 3},
                                                              {body + 18, 6, 7},
                                                              {body + 24, 2, 3},
                                                              {body + 35, 8, 9}}));
  return c;
}

class SourceMapChainTest : public test_support::ChainFixture {
 protected:
  void SetUp() override { start("tenor-srcmap-test", {{"seller", seller.public_key(), 1'000'000'000}}); }
  Hash submit(Payload payload, uint64_t gas = 5'000'000) {
    auto h = chain->submit(sign(tx_from(seller, std::move(payload), gas), std::span<const KeyPair>(&seller, 1)));
    EXPECT_TRUE(h) << h.error().to_string();
    return h ? *h : Hash{};
  }
  Receipt receipt(const Hash& h) {
    auto r = chain->receipt(h);
    EXPECT_TRUE(r) << "no receipt";
    return r ? *r : Receipt{};
  }
};

TEST_F(SourceMapChainTest, TrapAndOutOfGasReceiptsNameTheSourceLine) {
  const MappedContract c = mapped_contract();
  ASSERT_EQ(source_location(c.wasm, c.unreachable), (SourceLocation{"trap.tnr", 4, 5}));
  ASSERT_EQ(source_location(c.wasm, c.loop), (SourceLocation{"trap.tnr", 6, 7}));
  const Hash deploy = submit(DeployPayload{c.wasm, {}});
  ASSERT_TRUE(chain->produce_block());
  const Receipt deployed = receipt(deploy);
  ASSERT_EQ(deployed.status, vm::ExecStatus::Ok) << deployed.message;
  const Address a = *deployed.deployed;

  const Hash trap = submit(CallPayload{a, Bytes{1}});
  const Hash out_of_gas = submit(CallPayload{a, Bytes{1, 2}}, 200'000);
  const Hash abort = submit(CallPayload{a, Bytes{1, 2, 3}});
  const Hash ok = submit(CallPayload{a, Bytes{}});
  ASSERT_TRUE(chain->produce_block());

  EXPECT_EQ(receipt(trap).status, vm::ExecStatus::Trap);
  EXPECT_EQ(receipt(trap).message, "unreachable (trap.tnr:4:5)");
  EXPECT_EQ(receipt(out_of_gas).status, vm::ExecStatus::OutOfGas);
  EXPECT_EQ(receipt(out_of_gas).message, "out of gas (trap.tnr:6:7)");
  // An abort's message names its location itself: no annotation.
  EXPECT_EQ(receipt(abort).status, vm::ExecStatus::Trap);
  EXPECT_EQ(receipt(abort).message, "aborted");
  EXPECT_EQ(receipt(ok).status, vm::ExecStatus::Ok);
  EXPECT_EQ(receipt(ok).message, "");

  // The annotation is part of the receipt: the auditor's replay reproduces it bit for bit, and
  // the trace of a transaction re-executes to the same receipt.
  vm::Tracer tracer(vm::TraceLevel::Block, 0);
  auto traced = chain->trace(trap, tracer);
  ASSERT_TRUE(traced) << traced.error().to_string();
  EXPECT_EQ(traced->message, "unreachable (trap.tnr:4:5)");
  chain.reset();
  auto report = Chain::replay(dir.string());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << report->mismatch->what;
}

TEST_F(SourceMapChainTest, WithoutAUsableMapTheMessageIsTheEnginesAlone) {
  const MappedContract c = mapped_contract();
  // The same code without its map, and with a map that does not parse.
  const Bytes& plain = c.plain;
  Bytes broken = with_custom_section(plain, "tenor.srcmap", {1, 0xFF});
  const Hash d1 = submit(DeployPayload{plain, {}});
  const Hash d2 = submit(DeployPayload{broken, {}});
  ASSERT_TRUE(chain->produce_block());
  const Address a1 = *receipt(d1).deployed, a2 = *receipt(d2).deployed;
  const Hash t1 = submit(CallPayload{a1, Bytes{1}});
  const Hash t2 = submit(CallPayload{a2, Bytes{1}});
  ASSERT_TRUE(chain->produce_block());
  EXPECT_EQ(receipt(t1).message, "unreachable");
  EXPECT_EQ(receipt(t2).message, "unreachable");
}

}  // namespace
}  // namespace tenor::sdk
