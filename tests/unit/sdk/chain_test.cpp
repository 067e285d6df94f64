// The ledger end to end on a real LevelDB folder: genesis, admission, blocks, receipts, reverts,
// persistence across reopening, the state root against the auditor's recomputation, and proofs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"
#include "counter_contract.hpp"
#include "sdk_test_support.hpp"

namespace tenor::sdk {
namespace {

namespace fs = std::filesystem;
using namespace tenor::vm::test;
using vm::ExecStatus;

using test_contracts::counter_contract;

uint64_t u64_of(const Bytes& b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
  return v;
}

class ChainTest : public test_support::ChainFixture {
 protected:
  void SetUp() override {
    start("tenor-chain-test", {{"seller", seller.public_key(), 100'000'000}, {"factor", factor.public_key(), 1'000}});
  }
  // Deploys the counter in its own block and returns its address.
  Address deploy_counter() {
    Transaction tx = tx_from(seller, DeployPayload{counter_contract(), {}});
    auto h = chain->submit(sign(tx, std::span<const KeyPair>(&seller, 1)));
    EXPECT_TRUE(h) << h.error().to_string();
    auto blk = chain->produce_block();
    EXPECT_TRUE(blk) << blk.error().to_string();
    auto rc = chain->receipt(*h);
    EXPECT_TRUE(rc);
    EXPECT_EQ(rc->status, ExecStatus::Ok) << rc->message;
    EXPECT_TRUE(rc->deployed);
    return *rc->deployed;
  }
  Result<Hash> call(const Address& a, Bytes input = {}, uint64_t gas = 5'000'000) {
    return chain->submit(
        sign(tx_from(seller, CallPayload{a, std::move(input)}, gas), std::span<const KeyPair>(&seller, 1)));
  }

  KeyPair factor = KeyPair::generate();
};

TEST_F(ChainTest, GenesisSetsBalancesAndBlockZero) {
  EXPECT_EQ(chain->head().height, 0u);
  EXPECT_EQ(chain->head().timestamp, genesis.start_time);
  EXPECT_EQ(chain->balance(seller.public_key()), 100'000'000u);
  EXPECT_EQ(chain->balance(factor.public_key()), 1'000u);
  EXPECT_EQ(chain->nonce(seller.public_key()), 0u);
  auto again = Chain::init(dir.string(), genesis);
  ASSERT_FALSE(again);  // a folder holds one chain
}

TEST_F(ChainTest, DeployCallAndReceipts) {
  Address a = deploy_counter();
  auto h1 = call(a);
  auto h2 = call(a);
  ASSERT_TRUE(h1) << h1.error().to_string();
  ASSERT_TRUE(h2) << h2.error().to_string();
  uint64_t before = chain->balance(seller.public_key());
  auto blk = chain->produce_block();
  ASSERT_TRUE(blk);
  EXPECT_EQ(blk->header.height, 2u);
  EXPECT_EQ(blk->header.tx_count, 2u);
  auto r1 = chain->receipt(*h1), r2 = chain->receipt(*h2);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->status, ExecStatus::Ok) << r1->message;
  EXPECT_EQ(u64_of(r1->output), 1u);
  EXPECT_EQ(u64_of(r2->output), 2u);
  ASSERT_EQ(r2->events.size(), 1u);
  EXPECT_EQ(r2->events[0].contract, a);
  EXPECT_EQ(u64_of(r2->events[0].data), 2u);
  EXPECT_EQ(r2->index, 1u);
  EXPECT_GT(r1->gas_used, 0u);
  EXPECT_EQ(chain->balance(seller.public_key()), before - r1->gas_used - r2->gas_used);
  EXPECT_EQ(chain->nonce(seller.public_key()), 3u);
  EXPECT_EQ(u64_of(*chain->state_get(state_key::storage(a, Bytes{'n'}))), 2u);
}

TEST_F(ChainTest, RevertKeepsStateButChargesGasAndNonce) {
  Address a = deploy_counter();
  ASSERT_TRUE(call(a));
  ASSERT_TRUE(chain->produce_block());
  auto h = call(a, Bytes{1});
  ASSERT_TRUE(h);
  uint64_t before = chain->balance(seller.public_key());
  ASSERT_TRUE(chain->produce_block());
  auto rc = chain->receipt(*h);
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->status, ExecStatus::Revert);
  EXPECT_EQ(std::string(rc->output.begin(), rc->output.end()), "no");
  EXPECT_TRUE(rc->events.empty());
  EXPECT_EQ(u64_of(*chain->state_get(state_key::storage(a, Bytes{'n'}))), 1u);
  EXPECT_EQ(chain->balance(seller.public_key()), before - rc->gas_used);
  EXPECT_EQ(chain->nonce(seller.public_key()), 3u);
}

TEST_F(ChainTest, AdmissionRejectsBadTransactionsWithClearReasons) {
  Address a = deploy_counter();
  auto expect_code = [&](const Result<Hash>& r, ErrorCode code, std::string_view text) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().to_string();
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().to_string();
  };
  // A tampered signature.
  SignedTransaction stx = sign(tx_from(seller, CallPayload{a, {}}), std::span<const KeyPair>(&seller, 1));
  stx.signatures[0].second[5] ^= 1;
  EXPECT_FALSE(chain->submit(stx));
  // Another chain.
  Transaction other = tx_from(seller, CallPayload{a, {}});
  other.chain_id = "elsewhere";
  expect_code(chain->submit(sign(other, std::span<const KeyPair>(&seller, 1))), ErrorCode::WrongChain, "elsewhere");
  // Replayed and skipped nonces.
  Transaction replay = tx_from(seller, CallPayload{a, {}});
  replay.nonce = 0;
  expect_code(chain->submit(sign(replay, std::span<const KeyPair>(&seller, 1))), ErrorCode::BadNonce, "replayed");
  Transaction skip = tx_from(seller, CallPayload{a, {}});
  skip.nonce = 7;
  expect_code(chain->submit(sign(skip, std::span<const KeyPair>(&seller, 1))), ErrorCode::BadNonce, "skipped");
  // Gas above the block limit, and more than the sender can pay.
  expect_code(call(a, {}, genesis.block_gas_limit + 1), ErrorCode::GasLimitTooHigh, "block limit");
  Transaction poor = tx_from(factor, CallPayload{a, {}}, 5'000);
  expect_code(chain->submit(sign(poor, std::span<const KeyPair>(&factor, 1))), ErrorCode::InsufficientBalance,
              "1000 gas units");
  // No contract there.
  Address nowhere{};
  nowhere[0] = 0xEE;
  expect_code(call(nowhere), ErrorCode::UnknownContract, "no contract");
  // Code that is not a contract.
  Transaction bad_code = tx_from(seller, DeployPayload{Bytes{0, 'a', 's', 'm', 9}, {}});
  expect_code(chain->submit(sign(bad_code, std::span<const KeyPair>(&seller, 1))), ErrorCode::InvalidArgument,
              "cannot be deployed");
  EXPECT_EQ(chain->pending(), 0u);
}

// The counter with a "tenor.abi" custom section appended (the VM ignores custom sections).
Bytes with_abi_section(Bytes module, const std::string& abi) {
  auto leb = [](Bytes& out, size_t n) {
    do {
      uint8_t b = n & 0x7f;
      n >>= 7;
      out.push_back(static_cast<uint8_t>(b | (n ? 0x80 : 0)));
    } while (n);
  };
  const std::string name = "tenor.abi";
  Bytes body;
  leb(body, name.size());
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), abi.begin(), abi.end());
  module.push_back(0);
  leb(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
  return module;
}

constexpr const char* kCounterAbi = R"({"contract": "Counter", "entries": [
  {"name": "bump", "kind": "action", "params": [{"name": "by", "type": "u64"}], "returns": "u64"}]})";

TEST_F(ChainTest, AdmissionChecksCallsAgainstTheContractsAbi) {
  auto expect_code = [&](const Result<Hash>& r, ErrorCode code, std::string_view text) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().to_string();
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().to_string();
  };
  const Bytes code = with_abi_section(counter_contract(), kCounterAbi);
  // The ABI has no init: an init input is refused; a section that is not an ABI too.
  expect_code(chain->submit(sign(tx_from(seller, DeployPayload{code, {1}}), std::span<const KeyPair>(&seller, 1))),
              ErrorCode::BadArguments, "the init input does not match the ABI of Counter: Counter has no init");
  expect_code(
      chain->submit(sign(tx_from(seller, DeployPayload{with_abi_section(counter_contract(), "{\"entries\": 5}"), {}}),
                         std::span<const KeyPair>(&seller, 1))),
      ErrorCode::InvalidArgument, "the tenor.abi section: ABI: the ABI: expected an array \"entries\"");
  auto h = chain->submit(sign(tx_from(seller, DeployPayload{code, {}}), std::span<const KeyPair>(&seller, 1)));
  ASSERT_TRUE(h) << h.error().to_string();
  ASSERT_TRUE(chain->produce_block());
  const Address a = *chain->receipt(*h)->deployed;
  ASSERT_NE(chain->contract_abi(a), nullptr);
  EXPECT_EQ(chain->contract_abi(a)->contract(), "Counter");

  auto input = chain->contract_abi(a)->encode_call("bump", Json::array({1}));
  ASSERT_TRUE(input);
  EXPECT_TRUE(call(a, *input));  // admitted (the counter itself reverts on any input)
  expect_code(call(a, {}), ErrorCode::BadArguments, "the input is empty");
  BorshWriter w;
  w.string("bmp");
  expect_code(
      call(a, w.data()), ErrorCode::BadArguments,
      "the input does not match the ABI of Counter at " + hex(a) + ": unknown entry \"bmp\" (Counter has bump)");
  Bytes truncated = *input;
  truncated.pop_back();
  expect_code(call(a, truncated), ErrorCode::BadArguments,
              "bump: argument by (u64): offset 8: unexpected end of input");
  Bytes trailing = *input;
  trailing.push_back(0);
  expect_code(call(a, trailing), ErrorCode::BadArguments, "bump: 1 byte after the last argument");
  EXPECT_EQ(chain->pending(), 1u);

  // A contract without an ABI takes any input.
  const Address plain = deploy_counter();
  EXPECT_EQ(chain->contract_abi(plain), nullptr);
  EXPECT_TRUE(call(plain, {1, 2, 3}));
}

TEST_F(ChainTest, TwoPartiesSignOneTransaction) {
  Address a = deploy_counter();
  Transaction tx = tx_from(seller, CallPayload{a, {}});
  KeyPair both[] = {seller, factor};
  auto h = chain->submit(sign(tx, both));
  ASSERT_TRUE(h) << h.error().to_string();
  ASSERT_TRUE(chain->produce_block());
  auto stored = chain->transaction(*h);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->signatures.size(), 2u);
}

TEST_F(ChainTest, StatePersistsAcrossReopen) {
  Address a = deploy_counter();
  auto h = call(a);
  ASSERT_TRUE(h);
  ASSERT_TRUE(chain->produce_block(genesis.start_time + 60));
  BlockHeader head = chain->head();
  chain.reset();
  auto reopened = Chain::open(dir.string());
  ASSERT_TRUE(reopened) << reopened.error().to_string();
  chain = std::move(*reopened);
  EXPECT_EQ(block_hash(chain->head()), block_hash(head));
  EXPECT_EQ(chain->head().timestamp, genesis.start_time + 60);
  EXPECT_EQ(chain->nonce(seller.public_key()), 2u);
  auto blk = chain->block(2);
  ASSERT_TRUE(blk);
  ASSERT_EQ(blk->txs.size(), 1u);
  EXPECT_EQ(tx_hash(blk->txs[0]), *h);
  EXPECT_EQ(blk->header.prev_hash, block_hash(chain->block(1)->header));
  ASSERT_TRUE(call(a));
  ASSERT_TRUE(chain->produce_block());
  EXPECT_EQ(u64_of(*chain->state_get(state_key::storage(a, Bytes{'n'}))), 2u);
}

TEST_F(ChainTest, StateRootIsTheAuditorsRecomputationAndProofsVerify) {
  Address a = deploy_counter();
  ASSERT_TRUE(call(a));
  ASSERT_TRUE(chain->produce_block());
  std::vector<std::pair<Bytes, Bytes>> state;
  chain->database().scan(Database::Table::State, {}, [&](std::span<const uint8_t> k, std::span<const uint8_t> v) {
    state.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
    return true;
  });
  EXPECT_EQ(compute_root(state), chain->head().state_root);

  Bytes key = state_key::storage(a, Bytes{'n'});
  auto proof = chain->state_prove(key);
  ASSERT_TRUE(proof) << proof.error().to_string();
  Bytes value = *chain->state_get(key);
  EXPECT_TRUE(verify_proof(chain->head().state_root, key, std::span<const uint8_t>(value), *proof));
  Bytes wrong = value;
  wrong[0] ^= 1;
  EXPECT_FALSE(verify_proof(chain->head().state_root, key, std::span<const uint8_t>(wrong), *proof));
  Bytes absent = state_key::storage(a, Bytes{'z'});
  auto exclusion = chain->state_prove(absent);
  ASSERT_TRUE(exclusion);
  EXPECT_TRUE(verify_proof(chain->head().state_root, absent, std::nullopt, *exclusion));
}

TEST_F(ChainTest, QueriesChangeNothing) {
  Address a = deploy_counter();
  vm::ExecResult r = chain->query(a, {}, 1'000'000, seller.public_key());
  ASSERT_EQ(r.status, ExecStatus::Ok) << r.message;
  EXPECT_EQ(u64_of(r.output), 1u);
  EXPECT_FALSE(chain->state_get(state_key::storage(a, Bytes{'n'})));
  EXPECT_EQ(chain->head().height, 1u);
}

TEST_F(ChainTest, BlocksCannotGoBackInTime) {
  auto early = chain->produce_block(genesis.start_time - 1);
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find("before the head"), std::string::npos);
  ASSERT_TRUE(chain->advance_time(30 * 86400));
  auto blk = chain->produce_block();
  ASSERT_TRUE(blk);
  EXPECT_EQ(blk->header.timestamp, genesis.start_time + 30 * 86400);
}

TEST(GenesisJson, ParsesDatesAndRejectsBadInput) {
  KeyPair k = KeyPair::generate();
  auto g = Genesis::from_json(R"({"chain_id":"dev","start_time":"2027-03-31","parties":[{"name":"a","key":")" +
                              hex(k.public_key()) + R"(","balance":5}]})");
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->start_time, 1806451200);  // 2027-03-31T00:00:00Z
  EXPECT_EQ(g->parties[0].balance, 5u);
  auto round = Genesis::from_json(g->to_json());
  ASSERT_TRUE(round);
  EXPECT_EQ(round->start_time, g->start_time);
  EXPECT_FALSE(Genesis::from_json("{"));
  EXPECT_FALSE(Genesis::from_json(R"({"chain_id":""})"));
  EXPECT_FALSE(Genesis::from_json(R"({"chain_id":"x","start_time":"2027-13-01"})"));
  EXPECT_FALSE(Genesis::from_json(R"({"chain_id":"x","parties":[{"key":"zz"}]})"));
}

}  // namespace
}  // namespace tenor::sdk

// ---- auditing ---------------------------------------------------------------------------------

namespace tenor::sdk {
namespace {

class AuditTest : public ChainTest {
 protected:
  // Three blocks: deploy, two calls, a revert.
  void build_history() {
    counter = deploy_counter();
    ASSERT_TRUE(call(counter));
    ASSERT_TRUE(call(counter));
    ASSERT_TRUE(chain->produce_block(genesis.start_time + 10));
    auto h = call(counter, Bytes{1});
    ASSERT_TRUE(h);
    reverted = *h;
    ASSERT_TRUE(call(counter));
    ASSERT_TRUE(chain->produce_block(genesis.start_time + 20));
  }
  void close() { chain.reset(); }
  // Rewrites a stored record behind the chain's back.
  void tamper(Database::Table t, const Bytes& key, const std::function<void(Bytes&)>& edit) {
    auto db = Database::open(dir.string(), false);
    ASSERT_TRUE(db) << db.error().to_string();
    auto value = (*db)->get(t, key);
    ASSERT_TRUE(value);
    edit(*value);
    Database::Batch batch;
    batch.put(t, key, *value);
    ASSERT_TRUE((*db)->write(batch));
  }
  Address counter{};
  Hash reverted{};
};

TEST_F(AuditTest, ReplayReproducesEveryBlockBitForBit) {
  build_history();
  close();
  std::vector<uint64_t> seen;
  auto report = Chain::replay(dir.string(), [&](uint64_t done, uint64_t total) {
    seen.push_back(done);
    EXPECT_EQ(total, 3u);
  });
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << report->mismatch->what;
  EXPECT_EQ(report->blocks, 3u);
  EXPECT_EQ(report->transactions, 5u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3}));
}

TEST_F(AuditTest, ATamperedStoredValueIsFoundAndNamed) {
  build_history();
  close();
  tamper(Database::Table::State, state_key::storage(counter, Bytes{'n'}), [](Bytes& v) { v[0] ^= 0x40; });
  auto report = Chain::replay(dir.string());
  ASSERT_TRUE(report);
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->mismatch->what.find("stored state"), std::string::npos) << report->mismatch->what;
  EXPECT_NE(report->mismatch->what.find(hex(state_key::storage(counter, Bytes{'n'}))), std::string::npos);
}

TEST_F(AuditTest, ATamperedReceiptIsLocatedAtItsBlockAndTransaction) {
  build_history();
  close();
  tamper(Database::Table::Receipt, Bytes(reverted.begin(), reverted.end()), [](Bytes& v) {
    auto r = decode_receipt(v);
    ASSERT_TRUE(r);
    r->gas_used += 1;
    v = encode(*r);
  });
  auto report = Chain::replay(dir.string());
  ASSERT_TRUE(report);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->mismatch->height, 3u);
  ASSERT_TRUE(report->mismatch->tx_index);
  EXPECT_EQ(*report->mismatch->tx_index, 0u);
  EXPECT_NE(report->mismatch->what.find("gas_used"), std::string::npos) << report->mismatch->what;
}

TEST_F(AuditTest, ATamperedTransactionIsFoundByItsHash) {
  build_history();
  close();
  tamper(Database::Table::Tx, Bytes(reverted.begin(), reverted.end()), [](Bytes& v) {
    auto stx = decode_signed_transaction(v);
    ASSERT_TRUE(stx);
    std::get<CallPayload>(stx->tx.payload).input = Bytes{};  // "don't revert"
    v = encode(*stx);
  });
  auto report = Chain::replay(dir.string());
  ASSERT_TRUE(report);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->mismatch->height, 3u);
  EXPECT_NE(report->mismatch->what.find("was altered"), std::string::npos) << report->mismatch->what;
}

TEST_F(AuditTest, ExportImportRebuildsTheSameChain) {
  build_history();
  std::string file = (dir.string() + ".export");
  ASSERT_TRUE(chain->export_to(file));
  Hash head = block_hash(chain->head());
  std::string copy = dir.string() + "-imported";
  std::filesystem::remove_all(copy);
  auto report = Chain::import_from(file, copy);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->ok()) << report->mismatch->what;
  auto imported = Chain::open(copy);
  ASSERT_TRUE(imported);
  EXPECT_EQ(block_hash((*imported)->head()), head);
  imported->reset();
  // A damaged file is an error naming it, never a crash.
  { std::ofstream(file, std::ios::binary | std::ios::trunc) << "garbage"; }
  std::filesystem::remove_all(copy);
  auto bad = Chain::import_from(file, copy);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(file), std::string::npos);
  std::filesystem::remove_all(copy);
  std::filesystem::remove(file);
}

TEST_F(AuditTest, TraceReExecutesATransactionOnItsPreStateWithoutAnArchive) {
  build_history();
  // Two more blocks after the traced one: its pre-state has to be rebuilt through them.
  ASSERT_TRUE(call(counter));
  ASSERT_TRUE(chain->produce_block());
  auto block2 = chain->block(2);
  ASSERT_TRUE(block2);
  Hash second_call = tx_hash(block2->txs[1]);
  vm::Tracer tracer(vm::TraceLevel::Instr);
  auto traced = chain->trace(second_call, tracer);
  ASSERT_TRUE(traced) << traced.error().to_string();
  auto recorded = chain->receipt(second_call);
  ASSERT_TRUE(recorded);
  EXPECT_EQ(encode(*traced), encode(*recorded));
  EXPECT_EQ(u64_of(traced->output), 2u);  // it ran on the state after the first call only
  EXPECT_GT(tracer.steps(), 10u);
  EXPECT_FALSE(chain->trace(Hash{}, tracer));
}

}  // namespace
}  // namespace tenor::sdk
