// What the SDK's unit tests share: seeds from hex (RFC 8032's vectors), a scratch folder of one
// test's own, and the genesis the ledger tests start from.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"

namespace tenor::sdk::test_support {

// 64 hex digits (the test's own constant: a bad one is a bug in the test).
inline Seed seed_of(std::string_view hex) {
  auto b = from_hex(hex);
  Seed s{};
  std::copy(b->begin(), b->end(), s.begin());
  return s;
}

// PREFIX-PID-TESTNAME in the temporary folder, removed if it is left from an earlier run; the
// caller removes it after the test.
inline std::filesystem::path test_dir(std::string_view prefix) {
  auto dir = std::filesystem::temp_directory_path() / (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
                                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir;
}

// Chain "tenor-test", starting at 1,800,000,000 s, with a block gas limit of 50,000,000.
inline Genesis test_genesis(std::vector<GenesisParty> parties) {
  Genesis g;
  g.chain_id = "tenor-test";
  g.start_time = 1'800'000'000;
  g.block_gas_limit = 50'000'000;
  g.parties = std::move(parties);
  return g;
}

// A chain of the test's own in a scratch folder (test_dir), closed and removed after the test.
class ChainFixture : public ::testing::Test {
 protected:
  // Initialises the chain from test_genesis(parties); call it from SetUp.
  void start(std::string_view prefix, std::vector<GenesisParty> parties) {
    dir = test_dir(prefix);
    genesis = test_genesis(std::move(parties));
    auto c = Chain::init(dir.string(), genesis);
    ASSERT_TRUE(c) << c.error().to_string();
    chain = std::move(*c);
  }
  void TearDown() override {
    chain.reset();
    std::filesystem::remove_all(dir);
  }
  // A transaction from `k` with its next nonce; the pending transactions are taken to be seller's.
  Transaction tx_from(const KeyPair& k, Payload payload, uint64_t gas = 5'000'000) {
    Transaction tx;
    tx.chain_id = genesis.chain_id;
    tx.sender = k.public_key();
    tx.nonce = chain->nonce(k.public_key()) + chain->pending() * (k.public_key() == seller.public_key());
    tx.gas_limit = gas;
    tx.payload = std::move(payload);
    return tx;
  }

  std::filesystem::path dir;
  Genesis genesis;
  KeyPair seller = KeyPair::generate();
  std::unique_ptr<Chain> chain;
};

}  // namespace tenor::sdk::test_support
