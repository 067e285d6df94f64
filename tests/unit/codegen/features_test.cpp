// tests/contracts/features.tnr compiled at -O0 and -O2 and called: every language feature the
// code generator handles, with its results, reverts and traps. The same expectations at both
// levels are the -O0/-O2 equivalence check.
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace tenor::test {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Features : public ContractAtLevel {
 protected:
  static std::string source() { return read(std::string(TENOR_TEST_CONTRACTS_DIR) + "/features.tnr"); }
  void SetUp() override {
    deploy(source(), "features.tnr");
    ASSERT_TRUE(c->build.ok());
    ASSERT_TRUE(c->init({}).ok()) << status_text(c->last);
  }
};

Bytes enc(const Args& a) { return a.bytes(); }

TEST_P(Features, IntegerArithmeticIsCheckedAndExact) {
  EXPECT_EQ(ok("add_u8", Args().u8(200).u8(55)), enc(Args().u8(255)));
  traps("add_u8", Args().u8(200).u8(56), "integer overflow");
  EXPECT_EQ(ok("sub_u64", Args().u64(5).u64(5)), enc(Args().u64(0)));
  traps("sub_u64", Args().u64(5).u64(6), "integer overflow");
  EXPECT_EQ(ok("mul_i32", Args().i32(-46341).i32(46340)), enc(Args().i32(-46341 * 46340)));
  traps("mul_i32", Args().i32(46341).i32(46341), "integer overflow");
  EXPECT_EQ(ok("div_i64", Args().i64(-7).i64(2)), enc(Args().i64(-3)));
  EXPECT_EQ(ok("rem_i64", Args().i64(-7).i64(2)), enc(Args().i64(-1)));
  traps("div_i64", Args().i64(1).i64(0), "division by zero");
  traps("rem_i64", Args().i64(1).i64(0), "division by zero");
  traps("div_i64", Args().i64(INT64_MIN).i64(-1), "integer overflow");
  const unsigned __int128 big = static_cast<unsigned __int128>(1) << 64;
  sdk::BorshWriter w;
  EXPECT_EQ(ok("mul_u128", Args().i128(static_cast<__int128>(big)).i128(static_cast<__int128>(big - 1))),
            enc(Args().i128(static_cast<__int128>(big * (big - 1)))));
  traps("mul_u128", Args().i128(static_cast<__int128>(big)).i128(static_cast<__int128>(big)), "integer overflow");
  EXPECT_EQ(ok("div_i128", Args().i128(-(static_cast<__int128>(1) << 100)).i128(3)),
            enc(Args().i128(-(static_cast<__int128>(1) << 100) / 3)));
  EXPECT_EQ(ok("negate", Args().i64(5)), enc(Args().i64(-5)));
  traps("negate", Args().i64(INT64_MIN), "integer overflow");
  EXPECT_EQ(ok("constants"), enc(Args().i64(-128 + 16 + 1000)));
}

TEST_P(Features, ConversionsTrapWhenTheValueDoesNotFit) {
  EXPECT_EQ(ok("narrow", Args().u64(255)), enc(Args().u8(255)));
  traps("narrow", Args().u64(256), "value does not fit in `u8`");
  EXPECT_EQ(ok("widen", Args().u8(0x80)), enc(Args().i64(-128)));
  EXPECT_EQ(ok("to_unsigned", Args().i32(7)), enc(Args().u32(7)));
  traps("to_unsigned", Args().i32(-1), "value does not fit in `u32`");
}

TEST_P(Features, LoopsAndBranches) {
  EXPECT_EQ(ok("sum_to", Args().u32(100)), enc(Args().u64(5050)));
  EXPECT_EQ(ok("sum_to", Args().u32(0)), enc(Args().u64(0)));
  EXPECT_EQ(ok("sum_range", Args().i32(-3).i32(4)), enc(Args().i64(0)));
  EXPECT_EQ(ok("sum_range", Args().i32(5).i32(1)), enc(Args().i64(0)));
  EXPECT_EQ(ok("sum_vec", Args().u32(3).u32(1).u32(2).u32(3)), enc(Args().u64(6)));
  EXPECT_EQ(ok("classify", Args().i64(-4)), enc(Args().str("negative")));
  EXPECT_EQ(ok("classify", Args().i64(0)), enc(Args().str("zero")));
  EXPECT_EQ(ok("classify", Args().i64(9)), enc(Args().str("positive")));
}

TEST_P(Features, VecsAndArrays) {
  EXPECT_EQ(ok("build_vec", Args().u32(1).u32(7).u32(3)), enc(Args().u32(4).u32(7).u32(0).u32(10).u32(20)));
  traps("build_vec", Args().u32(0).u32(5), "push onto a full `Vec<u32, 4>`");
  EXPECT_EQ(ok("index_array", Args().raw({1, 0, 2, 0, 3, 0}).u32(2)), (Bytes{3, 0}));
  traps("index_array", Args().raw({1, 0, 2, 0, 3, 0}).u32(3), "index out of range");
  // A Vec argument longer than its bound is malformed input.
  ExecResult r = c->call(Args().str("sum_vec").u32(9).bytes());
  EXPECT_EQ(r.status, ExecStatus::Revert);
}

Args point(int64_t x, int64_t y) { return Args().i64(x).i64(y); }

Args line(int64_t x0, int64_t y0, int64_t x1, int64_t y1, std::string_view label) {
  return Args().i64(x0).i64(y0).i64(x1).i64(y1).str(label);
}

TEST_P(Features, StructsEnumsAndOptions) {
  EXPECT_EQ(ok("line_length2", line(0, 0, 3, 4, "a")), enc(Args().i64(25)));
  EXPECT_EQ(ok("moved", point(1, 2).i64(5)), enc(point(6, 2)));
  EXPECT_EQ(ok("shape_area", Args().u8(0)), enc(Args().i64(0)));
  EXPECT_EQ(ok("shape_area", Args().u8(1).i64(8).i64(9)), enc(Args().i64(8)));
  Bytes seg = Args().u8(2).bytes();
  Bytes l = line(1, 1, 4, 5, "seg").bytes();
  seg.insert(seg.end(), l.begin(), l.end());
  EXPECT_EQ(ok("shape_area", Args().raw(seg)), enc(Args().i64(25)));
  EXPECT_EQ(c->call(Args().str("shape_area").u8(3).bytes()).status, ExecStatus::Revert);  // no variant 3
  EXPECT_EQ(ok("option_or", Args().u8(1).u64(4).u64(9)), enc(Args().u64(4)));
  EXPECT_EQ(ok("option_or", Args().u8(0).u64(9)), enc(Args().u64(9)));
  EXPECT_EQ(ok("unwrap", Args().u8(1).u64(4)), enc(Args().u64(4)));
  traps("unwrap", Args().u8(0), "unwrap of None");
  Bytes both = line(1, 2, 3, 4, "x").bytes();
  Bytes same = both;
  same.insert(same.end(), both.begin(), both.end());
  EXPECT_EQ(ok("same_line", Args().raw(same)), enc(Args().boolean(true)));
  Bytes diff = both;
  Bytes other = line(1, 2, 3, 4, "y").bytes();
  diff.insert(diff.end(), other.begin(), other.end());
  EXPECT_EQ(ok("same_line", Args().raw(diff)), enc(Args().boolean(false)));
  EXPECT_EQ(ok("label_len", line(0, 0, 0, 0, "hello")), enc(Args().u32(5)));
  // Nested patterns: Some(variant with bindings), Some(variant), Some(_), Some(literal), Some(n).
  EXPECT_EQ(ok("nested", Args().u8(1).u8(1).i64(3).i64(9).u8(0)), enc(Args().u64(9)));
  EXPECT_EQ(ok("nested", Args().u8(1).u8(0).u8(0)), enc(Args().u64(1)));
  EXPECT_EQ(ok("nested", Args().u8(1).raw(Args().u8(2).bytes()).raw(line(0, 0, 0, 0, "").bytes()).u8(0)),
            enc(Args().u64(2)));
  EXPECT_EQ(ok("nested", Args().u8(0).u8(1).u64(7)), enc(Args().u64(70)));
  EXPECT_EQ(ok("nested", Args().u8(0).u8(1).u64(8)), enc(Args().u64(8)));
  EXPECT_EQ(ok("nested", Args().u8(0).u8(0)), enc(Args().u64(0)));
  EXPECT_EQ(ok("currency_of", Args().money(5, "HKD")), enc(Args().str("HKD")));
  // A String longer than its bound is malformed input.
  EXPECT_EQ(c->call(Args().str("label_len").raw(line(0, 0, 0, 0, "seventeen bytes!!").bytes()).bytes()).status,
            ExecStatus::Revert);
}

TEST_P(Features, TimeHashesAndSigners) {
  // 2027-03-31 is day 20908; plus 30 days.
  EXPECT_EQ(ok("later", Args().i32(20908)), enc(Args().i32(20938)));
  EXPECT_EQ(ok("days_between", Args().i32(20908).i32(20938)), enc(Args().i64(30 * 86400)));
  EXPECT_EQ(ok("clock"), enc(Args().i64(c->tx.block_time)));
  EXPECT_EQ(ok("day"), enc(Args().i32(static_cast<int32_t>(c->tx.block_time / 86400))));
  const Bytes h = ok("hash_of", Args().str("abc"));
  ASSERT_EQ(h.size(), 32u);
  EXPECT_EQ(h[0], 0xba);  // SHA-256("abc") = ba7816bf...
  EXPECT_EQ(h[31], 0xad);
  EXPECT_EQ(ok("signed", Args().fixed(party(1))), enc(Args().boolean(true)));
  EXPECT_EQ(ok("signed", Args().fixed(party(9))), enc(Args().boolean(false)));
}

TEST_P(Features, StorageScalarsMapsEventsAndRollback) {
  EXPECT_EQ(ok("get_total"), enc(Args().u64(10)));
  ok("count", Args().u64(5));
  EXPECT_EQ(ok("get_total"), enc(Args().u64(15)));
  ASSERT_EQ(c->host.events.size(), 1u);
  EXPECT_EQ(c->host.events[0].data, enc(Args().fixed(party(1)).u64(15)));

  ok("set_name", Args().u32(7).str("seven"));
  EXPECT_EQ(ok("name", Args().u32(7)), enc(Args().u8(1).str("seven")));
  EXPECT_EQ(ok("name", Args().u32(8)), enc(Args().u8(0)));
  EXPECT_EQ(ok("has_name", Args().u32(7)), enc(Args().boolean(true)));
  EXPECT_EQ(ok("name_or_stop", Args().u32(7)), enc(Args().str("seven")));
  traps("name_or_stop", Args().u32(8), "no entry with this key in `names`");
  ok("drop_name", Args().u32(7));
  EXPECT_EQ(ok("has_name", Args().u32(7)), enc(Args().boolean(false)));

  ok("own", Args().u64(3));
  ok("add_to_owner", Args().fixed(party(1)).u64(4));
  EXPECT_EQ(ok("owned", Args().fixed(party(1))), enc(Args().u64(7)));
  traps("add_to_owner", Args().fixed(party(2)).u64(4), "no entry with this key in `owners`");

  ok("remember", Args().u64(1));
  ok("remember", Args().u64(2));
  EXPECT_EQ(ok("recall"), enc(Args().u32(2).u64(1).u64(2)));
  EXPECT_EQ(ok("get_last"), enc(Args().u8(0)));
  ok("set_last", point(3, 4));
  EXPECT_EQ(ok("get_last"), enc(Args().u8(1).i64(3).i64(4)));

  // A revert undoes the write before it.
  ExecResult r = c->call(Args().str("fail_after_write").u64(99).bytes());
  EXPECT_EQ(r.status, ExecStatus::Revert);
  EXPECT_EQ(std::string(r.output.begin(), r.output.end()), "always fails");
  EXPECT_EQ(ok("get_total"), enc(Args().u64(15)));
}

TEST_P(Features, MapKeysAreStoredInOrder) {
  ok("set_name", Args().u32(300).str("b"));
  ok("set_name", Args().u32(2).str("a"));
  // Keys: field index 1 as big-endian u16, then the u32 key big-endian: ordered like the numbers.
  const auto& store = c->host.storage[c->address];
  std::vector<Bytes> keys;
  for (const auto& [k, v] : store)
    if (k.size() == 6 && k[0] == 0 && k[1] == 1) keys.push_back(k);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], (Bytes{0, 1, 0, 0, 0, 2}));
  EXPECT_EQ(keys[1], (Bytes{0, 1, 0, 0, 1, 44}));
  // `for (id, name) in names` visits 2 then 300: n = (0 * 1000 + 21) * 1000 + 3001.
  EXPECT_EQ(ok("names_joined_len"), enc(Args().u64(21 * 1000 + 3001)));
  // Removing every entry while iterating.
  ok("clear_names");
  EXPECT_EQ(ok("names_joined_len"), enc(Args().u64(0)));
  EXPECT_EQ(ok("has_name", Args().u32(300)), enc(Args().boolean(false)));
}

TEST_P(Features, StringsMustBeUtf8) {
  ok("set_name", Args().u32(1).str("caf\xC3\xA9"));
  for (const Bytes& bad : {Bytes{0xC3}, Bytes{0xC0, 0x80}, Bytes{0xED, 0xA0, 0x80}, Bytes{0xF4, 0x90, 0x80, 0x80}}) {
    Bytes in = Args().str("set_name").u32(2).u32(static_cast<uint32_t>(bad.size())).bytes();
    in.insert(in.end(), bad.begin(), bad.end());
    ExecResult r = c->call(in);
    EXPECT_EQ(r.status, ExecStatus::Revert) << status_text(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, Features, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

}  // namespace
}  // namespace tenor::test
