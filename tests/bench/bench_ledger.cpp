// tenor_bench_ledger: signed contract calls per second end to end on one core: admission
// (Ed25519 signature check, nonce, balance), execution of a storage-writing call, the state tree
// update and the synced LevelDB commit. Goal (the SDK issue): at least 10,000 calls per second.
// Reports where the time goes: admission (submit) and block production (execute + root + commit).
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>

#include <unistd.h>

#include "counter_contract.hpp"
#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"

namespace {

using namespace tenor::sdk;

void signed_calls(benchmark::State& state) {
  const auto block_size = static_cast<size_t>(state.range(0));
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tenor-bench-ledger-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  Seed seed{};
  seed[0] = 7;
  const KeyPair key = KeyPair::from_seed(seed);
  Genesis g;
  g.chain_id = "bench";
  g.parties = {{"k", key.public_key(), UINT64_MAX / 2}};
  auto chain = Chain::init(dir.string(), g);
  if (!chain) {
    state.SkipWithError(chain.error().to_string().c_str());
    return;
  }
  Chain& c = **chain;
  auto make = [&](uint64_t nonce, Payload p) {
    Transaction tx;
    tx.chain_id = "bench";
    tx.sender = key.public_key();
    tx.nonce = nonce;
    tx.gas_limit = 1'000'000;
    tx.payload = std::move(p);
    return sign(tx, std::span<const KeyPair>(&key, 1));
  };
  if (!c.submit(make(0, DeployPayload{test_contracts::counter_contract(), {}})) || !c.produce_block()) {
    state.SkipWithError("deploying the counter failed");
    return;
  }
  const Address counter = deployed_address(key.public_key(), 0);
  uint64_t nonce = 1;
  double submit_s = 0, produce_s = 0;
  uint64_t calls = 0;
  for (auto _ : state) {
    // Clients sign; the node verifies. Signing is outside the measured time.
    state.PauseTiming();
    std::vector<SignedTransaction> txs;
    txs.reserve(block_size);
    for (size_t i = 0; i < block_size; ++i) txs.push_back(make(nonce++, CallPayload{counter, {}}));
    state.ResumeTiming();
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& tx : txs) {
      if (!c.submit(tx)) {
        state.SkipWithError("a call was not admitted");
        return;
      }
    }
    auto t1 = std::chrono::steady_clock::now();
    auto b = c.produce_block();
    auto t2 = std::chrono::steady_clock::now();
    if (!b) {
      state.SkipWithError(b.error().to_string().c_str());
      return;
    }
    submit_s += std::chrono::duration<double>(t1 - t0).count();
    produce_s += std::chrono::duration<double>(t2 - t1).count();
    calls += block_size;
  }
  state.counters["calls_per_s"] = benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
  state.counters["admit_us"] = submit_s / static_cast<double>(calls) * 1e6;
  state.counters["block_us"] = produce_s / static_cast<double>(calls) * 1e6;
  chain->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(signed_calls)->Arg(100)->Arg(1000)->ArgName("block")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
