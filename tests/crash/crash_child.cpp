// The process the crash test kills: opens (or creates) a chain in DIR and produces blocks of
// counter calls forever, printing "committed H" after each block's commit returns.
//   tenor_crash_child DIR
#include <cstdio>

#include "counter_contract.hpp"
#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"

using namespace tenor::sdk;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tenor_crash_child DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  Seed seed{};
  seed[0] = 42;
  const KeyPair key = KeyPair::from_seed(seed);
  // A folder left by a kill before the genesis batch was written holds no chain: init again
  // (init refuses a folder that does hold one, so a real corruption still stops here).
  auto c = Chain::open(dir);
  if (!c) {
    Genesis g;
    g.chain_id = "crash";
    g.parties = {{"k", key.public_key(), 1'000'000'000'000}};
    c = Chain::init(dir, g);
  }
  if (!c) {
    std::fprintf(stderr, "open or init: %s\n", c.error().to_string().c_str());
    return 1;
  }
  std::unique_ptr<Chain> chain = std::move(*c);
  auto send = [&](Payload p) {
    Transaction tx;
    tx.chain_id = "crash";
    tx.sender = key.public_key();
    tx.nonce = chain->nonce(key.public_key()) + chain->pending();
    tx.gas_limit = 10'000'000;
    tx.payload = std::move(p);
    auto h = chain->submit(sign(tx, std::span<const KeyPair>(&key, 1)));
    if (!h) {
      std::fprintf(stderr, "submit: %s\n", h.error().to_string().c_str());
      std::exit(1);
    }
  };
  Address counter = deployed_address(key.public_key(), 0);
  if (!chain->state_get(state_key::contract(counter))) {
    send(DeployPayload{test_contracts::counter_contract(), {}});
    if (!chain->produce_block()) return 1;
  }
  for (;;) {
    for (int i = 0; i < 20; ++i) send(CallPayload{counter, {}});
    auto b = chain->produce_block();
    if (!b) {
      std::fprintf(stderr, "produce: %s\n", b.error().to_string().c_str());
      return 1;
    }
    std::printf("committed %llu\n", static_cast<unsigned long long>(b->header.height));
    std::fflush(stdout);
  }
}
