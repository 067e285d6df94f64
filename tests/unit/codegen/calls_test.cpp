// Calls between compiled contracts (features.tnr calling registry.tnr through an interface),
// Map.len() and push on storage Vecs, at -O0 and -O2.
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace tenor::test {
namespace {

std::string contract(const std::string& name) {
  std::ifstream in(std::string(TENOR_TEST_CONTRACTS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Calls : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  void SetUp() override {
    c = std::make_unique<Deployed>(contract("features.tnr"), GetParam(), "features.tnr");
    ASSERT_TRUE(c->build.ok());
    ASSERT_TRUE(c->init({}).ok());
    registry = c->add(contract("registry.tnr"), 0xAA);
  }
  ExecResult call(const std::string& entry, const Args& args = Args()) {
    Bytes in = Args().str(entry).bytes();
    Bytes a = args.bytes();
    in.insert(in.end(), a.begin(), a.end());
    return c->call(in);
  }
  std::string out(const ExecResult& r) { return std::string(r.output.begin(), r.output.end()); }
  std::unique_ptr<Deployed> c;
  vm::Address registry{};
};

TEST_P(Calls, AnInterfaceCallRunsTheOtherContractAndReturnsItsResult) {
  ExecResult r = call("record_in", Args().fixed(registry).u64(21));
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(r.output, Args().u64(42).bytes());
  EXPECT_EQ(call("get_total").output, Args().u64(42).bytes());
  EXPECT_EQ(call("doubled_in", Args().fixed(registry).u64(21)).output, Args().u8(1).u64(42).bytes());
  EXPECT_EQ(call("doubled_in", Args().fixed(registry).u64(5)).output, Args().u8(0).bytes());
}

TEST_P(Calls, ACalleeRevertRevertsTheCallerWithItsMessage) {
  ExecResult r = call("record_in", Args().fixed(registry).u64(13));
  EXPECT_EQ(r.status, ExecStatus::Revert) << status_text(r);
  EXPECT_EQ(out(r), "Registry.record: thirteen is refused");
  EXPECT_EQ(call("get_total").output, Args().u64(10).bytes());  // the caller's write is undone too
}

TEST_P(Calls, ACalleeTrapOrRunningOutOfItsGasTrapsTheCaller) {
  ExecResult t = call("divide_in", Args().fixed(registry).u64(1).u64(0));
  EXPECT_EQ(t.status, ExecStatus::Trap) << status_text(t);
  EXPECT_NE(t.message.find("call to Registry.divide failed at features.tnr:"), std::string::npos) << t.message;
  EXPECT_NE(t.message.find("division by zero at other.tnr:"), std::string::npos) << t.message;
  EXPECT_EQ(call("divide_in", Args().fixed(registry).u64(9).u64(3)).output, Args().u64(3).bytes());
  ExecResult g = call("spin_in", Args().fixed(registry).u64(1'000).u64(5'000));
  EXPECT_EQ(g.status, ExecStatus::Trap) << status_text(g);
  EXPECT_NE(g.message.find("call to Registry.spin failed"), std::string::npos) << g.message;
  EXPECT_TRUE(call("spin_in", Args().fixed(registry).u64(10).u64(1'000'000)).ok()) << status_text(c->last);
}

TEST_P(Calls, CallingAnAddressWithNoContractTraps) {
  ExecResult r = call("record_in", Args().fixed(party(0x55)).u64(1));
  EXPECT_EQ(r.status, ExecStatus::Trap) << status_text(r);
  EXPECT_NE(r.message.find("call to Registry.record failed"), std::string::npos) << r.message;
}

TEST_P(Calls, MapLenCountsEntries) {
  EXPECT_EQ(call("name_count").output, Args().u64(0).bytes());
  ASSERT_TRUE(call("set_name", Args().u32(1).str("a")).ok());
  ASSERT_TRUE(call("set_name", Args().u32(2).str("b")).ok());
  ASSERT_TRUE(call("set_name", Args().u32(2).str("c")).ok());  // overwrite: still 2
  EXPECT_EQ(call("name_count").output, Args().u64(2).bytes());
  ASSERT_TRUE(call("drop_name", Args().u32(1)).ok());
  ASSERT_TRUE(call("drop_name", Args().u32(1)).ok());  // absent: still 1
  EXPECT_EQ(call("name_count").output, Args().u64(1).bytes());
  ASSERT_TRUE(call("clear_names").ok());
  EXPECT_EQ(call("name_count").output, Args().u64(0).bytes());
}

TEST_P(Calls, PushOnStorageVecs) {
  ASSERT_TRUE(call("push_history", Args().u64(5)).ok());
  ASSERT_TRUE(call("push_history", Args().u64(6)).ok());
  EXPECT_EQ(call("recall").output, Args().u32(2).u64(5).u64(6).bytes());
  ASSERT_TRUE(call("push_history", Args().u64(7)).ok());
  ASSERT_TRUE(call("push_history", Args().u64(8)).ok());
  ExecResult full = call("push_history", Args().u64(9));
  EXPECT_EQ(full.status, ExecStatus::Trap);
  EXPECT_NE(full.message.find("push onto a full `Vec<u64, 4>`"), std::string::npos) << full.message;
  // On a map entry: absent stops, present grows.
  EXPECT_EQ(call("push_owner_list", Args().fixed(party(4)).u64(1)).status, ExecStatus::Trap);
  ASSERT_TRUE(call("new_owner_list", Args().fixed(party(4))).ok());
  ASSERT_TRUE(call("push_owner_list", Args().fixed(party(4)).u64(1)).ok());
  EXPECT_EQ(call("owner_list", Args().fixed(party(4))).output, Args().u32(1).u64(1).bytes());
}

INSTANTIATE_TEST_SUITE_P(Levels, Calls, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

}  // namespace
}  // namespace tenor::test
