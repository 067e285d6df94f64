// tenor_bench_merkle: the cost of the state root (tenor/sdk/merkle.hpp).
//
//   tenor_bench_merkle [--quick] [google benchmark flags...]
//     --quick, or TENOR_BENCH_QUICK=1   10k-key trees only (the CTest smoke run)
//
// update/<tree keys>/<changed keys>: one batch modifying existing keys of a tree built once per
// size (10k and 1M keys, in memory). Counters: node reads and writes per batch, which should grow
// with changed keys x depth and hardly with the tree. compute_root: the auditor's recomputation
// from the full state. prove+verify: one proof in the largest tree.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_main.hpp"
#include "tenor/sdk/merkle.hpp"

namespace {

using tenor::sdk::Bytes;
using tenor::sdk::Hash;
using tenor::sdk::StateChange;

bool g_quick = false;

class CountingStore final : public tenor::sdk::NodeStore {
 public:
  std::optional<tenor::sdk::Node> get(const Hash& h) override {
    ++gets;
    return inner.get(h);
  }
  void put(const Hash& h, const tenor::sdk::Node& n) override {
    ++puts;
    inner.put(h, n);
  }
  tenor::sdk::MemoryNodeStore inner;
  uint64_t gets = 0, puts = 0;
};

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

Bytes key_of(uint64_t i) {
  const std::string s = "acct/" + std::to_string(i);
  return Bytes(s.begin(), s.end());
}

struct World {
  CountingStore store;
  std::unique_ptr<tenor::sdk::SparseMerkleTree> tree;
  size_t keys = 0;
};

// One tree per size, built on first use with a single batch.
World& world(size_t keys) {
  static std::map<size_t, std::unique_ptr<World>> worlds;
  auto& w = worlds[keys];
  if (!w) {
    w = std::make_unique<World>();
    w->keys = keys;
    w->tree = std::make_unique<tenor::sdk::SparseMerkleTree>(w->store, tenor::sdk::kEmptyRoot);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<StateChange> all;
    all.reserve(keys);
    for (size_t i = 0; i < keys; ++i) all.emplace_back(key_of(i), Bytes(8, 0));
    if (!w->tree->update(all)) std::abort();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "tenor_bench_merkle: built a %zu-key tree (%zu nodes) in %.2f s\n", keys,
                 w->store.inner.size(), s);
  }
  return *w;
}

void bench_update(benchmark::State& state) {
  World& w = world(static_cast<size_t>(state.range(0)));
  const auto batch = static_cast<size_t>(state.range(1));
  // Key sets drawn in advance; each iteration writes a fresh counter into the values, so every
  // change is a real change and nothing is allocated for it inside the loop.
  constexpr size_t kSets = 64;
  uint64_t seed = 42 + batch;
  std::vector<std::vector<StateChange>> sets(kSets);
  for (auto& set : sets) {
    for (size_t i = 0; i < batch; ++i) set.emplace_back(key_of(splitmix(seed) % w.keys), Bytes(8, 0));
  }
  static uint64_t counter = 0;
  const uint64_t gets0 = w.store.gets, puts0 = w.store.puts;
  size_t n = 0;
  for (auto _ : state) {
    auto& set = sets[n++ % kSets];
    ++counter;
    for (auto& change : set) std::memcpy(change.second->data(), &counter, sizeof counter);
    auto root = w.tree->update(set);
    if (!root) {
      state.SkipWithError(root.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(root);
  }
  state.counters["gets"] =
      benchmark::Counter(static_cast<double>(w.store.gets - gets0), benchmark::Counter::kAvgIterations);
  state.counters["puts"] =
      benchmark::Counter(static_cast<double>(w.store.puts - puts0), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(1));
}

void bench_compute_root(benchmark::State& state) {
  std::vector<std::pair<Bytes, Bytes>> full;
  for (int64_t i = 0; i < state.range(0); ++i) full.emplace_back(key_of(static_cast<uint64_t>(i)), Bytes(8, 1));
  for (auto _ : state) benchmark::DoNotOptimize(tenor::sdk::compute_root(full));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

void bench_prove_verify(benchmark::State& state) {
  World& w = world(static_cast<size_t>(state.range(0)));
  uint64_t seed = 7;
  for (auto _ : state) {
    const Bytes key = key_of(splitmix(seed) % w.keys);
    auto proof = w.tree->prove(key);
    if (!proof) {
      state.SkipWithError(proof.error().message.c_str());
      break;
    }
    auto value = w.tree->find(key);  // the value itself lives in the ledger; here only its hash
    benchmark::DoNotOptimize(value);
    benchmark::DoNotOptimize(tenor::sdk::verify_proof(w.tree->root(), key, std::nullopt, *proof));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = tenor::bench::take_quick_flag(argc, argv, g_quick);

  const std::vector<int64_t> sizes = g_quick ? std::vector<int64_t>{10'000} : std::vector<int64_t>{10'000, 1'000'000};
  for (int64_t size : sizes) {
    for (int64_t batch : {1, 10, 100}) {
      benchmark::RegisterBenchmark("update", bench_update)->Args({size, batch})->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RegisterBenchmark("compute_root", bench_compute_root)
      ->Arg(g_quick ? 10'000 : 100'000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("prove+verify", bench_prove_verify)->Arg(sizes.back())->Unit(benchmark::kMicrosecond);

  if (!tenor::bench::init_benchmarks(args)) return 2;
  tenor::bench::run_benchmarks();
  return 0;
}
