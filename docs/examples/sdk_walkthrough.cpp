// The C++ SDK from start to finish: keys, a genesis, a chain in a folder, deploying a contract, a
// transaction signed by two parties, blocks, receipts and events, a query, a state proof checked
// against the block's state root, and the auditor's replay. docs/sdk.md walks through it; the
// tests compile and run it (tests/docs).
#include <cstdio>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"
#include "tenor/sdk/tx.hpp"

using namespace tenor::sdk;

// A counter contract (tests/cli/counter.md): each call adds 1 to the u64 under storage key "n",
// emits it as event "n" and returns it.
const uint8_t kCounterWasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x1c, 0x05, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f,
    0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7e, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x00,
    0x02, 0x73, 0x06, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0a, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x73, 0x69, 0x7a,
    0x65, 0x00, 0x00, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x06, 0x72, 0x65, 0x76, 0x65, 0x72, 0x74, 0x00, 0x01, 0x05,
    0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0b, 0x73, 0x74, 0x6f, 0x72, 0x61, 0x67, 0x65, 0x5f, 0x67, 0x65, 0x74, 0x00, 0x02,
    0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0b, 0x73, 0x74, 0x6f, 0x72, 0x61, 0x67, 0x65, 0x5f, 0x73, 0x65, 0x74, 0x00,
    0x03, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0c, 0x6f, 0x75, 0x74, 0x70, 0x75, 0x74, 0x5f, 0x77, 0x72, 0x69, 0x74,
    0x65, 0x00, 0x01, 0x05, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x0a, 0x65, 0x6d, 0x69, 0x74, 0x5f, 0x65, 0x76, 0x65, 0x6e,
    0x74, 0x00, 0x03, 0x03, 0x02, 0x01, 0x04, 0x05, 0x04, 0x01, 0x01, 0x01, 0x01, 0x07, 0x18, 0x02, 0x06, 0x6d, 0x65,
    0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x0b, 0x74, 0x65, 0x6e, 0x6f, 0x72, 0x5f, 0x65, 0x6e, 0x74, 0x72, 0x79, 0x00,
    0x06, 0x0c, 0x01, 0x02, 0x0a, 0x41, 0x01, 0x3f, 0x00, 0x10, 0x00, 0x04, 0x40, 0x41, 0x01, 0x41, 0x02, 0x10, 0x01,
    0x0b, 0x41, 0x00, 0x41, 0x01, 0x41, 0x08, 0x41, 0x08, 0x10, 0x02, 0x1a, 0x41, 0x08, 0x41, 0x08, 0x29, 0x03, 0x00,
    0x42, 0x01, 0x7c, 0x37, 0x03, 0x00, 0x41, 0x00, 0x41, 0x01, 0x41, 0x08, 0x41, 0x08, 0x10, 0x03, 0x41, 0x08, 0x41,
    0x08, 0x10, 0x04, 0x41, 0x00, 0x41, 0x01, 0x41, 0x08, 0x41, 0x08, 0x10, 0x05, 0x0b, 0x0b, 0x0e, 0x02, 0x00, 0x41,
    0x00, 0x0b, 0x01, 0x6e, 0x00, 0x41, 0x01, 0x0b, 0x02, 0x6e, 0x6f,
};

uint64_t u64_of(const Bytes& b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
  return v;
}

int main() {
  const auto dir = std::filesystem::temp_directory_path() / ("tenor-sdk-walkthrough-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);

  // 1. Two parties and a genesis that lets them pay for gas.
  const KeyPair seller = KeyPair::generate();
  const KeyPair factor = KeyPair::generate();
  Genesis genesis;
  genesis.chain_id = "walkthrough";
  genesis.start_time = 1'806'451'200;  // 2027-03-31T00:00:00Z
  genesis.parties = {{"seller", seller.public_key(), 50'000'000}, {"factor", factor.public_key(), 50'000'000}};
  auto chain = Chain::init(dir.string(), genesis);
  if (!chain) {
    std::printf("init failed: %s\n", chain.error().to_string().c_str());
    return 1;
  }
  Chain& c = **chain;

  // 2. Deploy: a signed transaction, admitted by submit(), executed by produce_block().
  Transaction deploy;
  deploy.chain_id = genesis.chain_id;
  deploy.sender = seller.public_key();
  deploy.nonce = c.nonce(seller.public_key());
  deploy.gas_limit = 5'000'000;
  deploy.payload = DeployPayload{Bytes(std::begin(kCounterWasm), std::end(kCounterWasm)), {}};
  auto deployed = c.submit(sign(deploy, {seller}));
  if (!deployed || !c.produce_block()) return 1;
  const Address counter = *c.receipt(*deployed)->deployed;
  std::printf("deployed at %s\n", hex(counter).substr(0, 16).c_str());

  // 3. One call signed by both parties (one transaction, two signatures).
  Transaction call;
  call.chain_id = genesis.chain_id;
  call.sender = seller.public_key();
  call.nonce = c.nonce(seller.public_key());
  call.gas_limit = 1'000'000;
  call.payload = CallPayload{counter, {}};
  auto called = c.submit(sign(call, {seller, factor}));
  if (!called) {
    std::printf("rejected: %s\n", called.error().to_string().c_str());
    return 1;
  }
  auto block = c.produce_block();
  Receipt r = *c.receipt(*called);
  std::printf("block %llu: %s, output %llu, %zu event(s), %zu signatures\n",
              static_cast<unsigned long long>(block->header.height), tenor::vm::to_string(r.status),
              static_cast<unsigned long long>(u64_of(r.output)), r.events.size(),
              c.transaction(*called)->signatures.size());

  // 4. A replayed nonce is rejected before it runs.
  auto again = c.submit(sign(call, {seller}));
  std::printf("resubmitted: %s\n", again ? "accepted" : again.error().to_string().c_str());

  // 5. A query runs a call on the head state and changes nothing.
  auto q = c.query(counter, {}, 1'000'000, seller.public_key());
  std::printf("query returns %llu; the stored value stays %llu\n", static_cast<unsigned long long>(u64_of(q.output)),
              static_cast<unsigned long long>(u64_of(*c.state_get(state_key::storage(counter, Bytes{'n'})))));

  // 6. A proof that the counter holds its value under the head's state root.
  const Bytes key = state_key::storage(counter, Bytes{'n'});
  const Bytes value = *c.state_get(key);
  auto proof = c.state_prove(key);
  std::printf("proof verifies: %s\n",
              proof && verify_proof(c.head().state_root, key, std::span<const uint8_t>(value), *proof) ? "yes" : "no");

  // 7. The auditor's replay, from genesis, in a fresh state.
  chain->reset();  // the chain's folder is locked while it is open
  auto report = Chain::replay(dir.string());
  std::printf("replay: %s, %llu blocks\n", report && report->ok() ? "ok" : "MISMATCH",
              static_cast<unsigned long long>(report ? report->blocks : 0));
  std::filesystem::remove_all(dir);
  return 0;
}
