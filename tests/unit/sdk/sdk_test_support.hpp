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

}  // namespace tenor::sdk::test_support
