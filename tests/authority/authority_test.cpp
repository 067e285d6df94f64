// A signer's authority reaches the top-level contract and the contracts in its scope, nothing
// else (docs/authorization.md): the attack of an unrelated contract spending its caller's tokens
// is refused, the same flow with the token in scope succeeds, and in a chain A -> B -> C with A
// and C in scope, B does not see the signer while C does.
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace tenor::test {
namespace {

std::string contract(const std::string& name) {
  std::ifstream in(std::string(TENOR_AUTHORITY_CONTRACTS) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Bytes input(const std::string& entry, const Args& args) {
  Bytes in = Args().str(entry).bytes();
  const Bytes a = args.bytes();
  in.insert(in.end(), a.begin(), a.end());
  return in;
}

class Authority : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  void SetUp() override {
    // The lure is the top-level contract of every transaction here; the token and the relay are
    // deployed beside it.
    c = std::make_unique<Deployed>(contract("lure.tnr"), GetParam(), "lure.tnr");
    ASSERT_TRUE(c->build.ok());
    token = c->add(contract("token.tnr"), 0x70);
    relay = c->add(contract("relay.tnr"), 0x71);
    c->sign_as({victim});
    ASSERT_TRUE(run_at(token, "mint", Args().fixed(victim).u64(10'000)).ok());
  }
  // Runs `entry` of the contract at `at` as the top-level call.
  ExecResult run_at(const vm::Address& at, const std::string& entry, const Args& args) {
    vm::ContractCall call{at, input(entry, args), 50'000'000, "tenor_entry", nullptr};
    return c->engine.execute(c->host, c->tx, call);
  }
  uint64_t balance(const vm::Party& p) {
    const ExecResult r = run_at(token, "balance", Args().fixed(p));
    EXPECT_TRUE(r.ok() && r.output.size() == 8) << status_text(r);
    uint64_t v = 0;
    for (size_t k = r.output.size(); k-- > 0;) v = (v << 8) | r.output[k];
    return v;
  }
  std::string text(const ExecResult& r) { return std::string(r.output.begin(), r.output.end()); }

  std::unique_ptr<Deployed> c;
  vm::Address token{}, relay{};
  const vm::Party victim = party(0x0A), thief = party(0x7E);
};

TEST_P(Authority, AContractTheSignerCalledCannotSpendItsTokensElsewhere) {
  c->tx.scopes = {};  // the victim authorizes the lure alone
  const auto events = c->host.events.size();
  ExecResult r = c->call(input("claim", Args().fixed(token).fixed(thief).u64(10'000)));
  ASSERT_EQ(r.status, ExecStatus::Revert) << status_text(r);
  EXPECT_NE(text(r).find("must sign this transaction"), std::string::npos) << text(r);
  EXPECT_EQ(balance(victim), 10'000u);
  EXPECT_EQ(balance(thief), 0u);
  EXPECT_EQ(c->host.events.size(), events);
  // The token itself, called at top level, still sees its signer.
  EXPECT_EQ(run_at(token, "signed", Args().fixed(victim)).output, Bytes{1});
}

TEST_P(Authority, TheSameFlowWithTheTokenInScopeMovesTheTokens) {
  c->tx.scopes = {{token}};
  ExecResult r = c->call(input("claim", Args().fixed(token).fixed(thief).u64(2'500)));
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(balance(victim), 7'500u);
  EXPECT_EQ(balance(thief), 2'500u);
}

TEST_P(Authority, AnotherSignersScopeGrantsNothing) {
  // The thief co-signs and puts the token in its own scope: the victim's authority still stops at
  // the lure.
  c->sign_as({victim, thief});
  c->tx.scopes = {{}, {token}};
  ExecResult r = c->call(input("claim", Args().fixed(token).fixed(thief).u64(1)));
  EXPECT_EQ(r.status, ExecStatus::Revert) << status_text(r);
  EXPECT_EQ(balance(victim), 10'000u);
}

TEST_P(Authority, InAChainOfCallsOnlyTheContractsInScopeSeeTheSigner) {
  // A (lure, top level) -> B (relay) -> C (token); the victim authorizes A and C only.
  c->tx.scopes = {{token}};
  ExecResult r = c->call(input("claim_through", Args().fixed(relay).fixed(token).fixed(thief).u64(100)));
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(r.output, Bytes{0});  // the relay did not see the victim's signature
  EXPECT_EQ(balance(thief), 100u);

  // B in scope but not C: the transfer in C is refused, and the whole transaction with it.
  c->tx.scopes = {{relay}};
  r = c->call(input("claim_through", Args().fixed(relay).fixed(token).fixed(thief).u64(100)));
  EXPECT_EQ(r.status, ExecStatus::Revert) << status_text(r);
  EXPECT_EQ(balance(thief), 100u);

  // Both in scope: B sees the signer.
  c->tx.scopes = {{relay, token}};
  r = c->call(input("claim_through", Args().fixed(relay).fixed(token).fixed(thief).u64(100)));
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(r.output, Bytes{1});
  EXPECT_EQ(balance(thief), 200u);
}

TEST_P(Authority, CallerIsTheCallingContractOrNoneAtTopLevel) {
  ExecResult r = c->call(input("ask", Args().fixed(relay)));
  ASSERT_TRUE(r.ok()) << status_text(r);
  Bytes some{1};
  some.insert(some.end(), c->address.begin(), c->address.end());
  EXPECT_EQ(r.output, some);  // Some(the lure)
  r = run_at(relay, "who_called", Args());
  ASSERT_TRUE(r.ok()) << status_text(r);
  EXPECT_EQ(r.output, Bytes{0});  // None
}

INSTANTIATE_TEST_SUITE_P(Levels, Authority, testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

}  // namespace
}  // namespace tenor::test
