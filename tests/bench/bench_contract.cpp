// tenor_bench_contract: the per-call cost of running a contract from a warm code cache:
// ContractEngine::execute = code lookup by hash + instantiation (memory included) + the call + the
// journal's checkpoint. Goal (docs/vm.md): under 10 microseconds for a trivial entry point.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "tenor/vm/contract.hpp"
#include "test_host.hpp"

namespace {

using namespace tenor::vm;

// (module (memory (export "memory") PAGES PAGES) (func (export "tenor_entry")))
std::vector<uint8_t> trivial_contract(uint8_t pages) {
  return {0x00, 0x61, 0x73, 0x6d, 0x01,  0x00,  0x00, 0x00,                                   // header
          0x01, 0x04, 0x01, 0x60, 0x00,  0x00,                                                // type () -> ()
          0x03, 0x02, 0x01, 0x00,                                                             // function
          0x05, 0x04, 0x01, 0x01, pages, pages,                                               // memory
          0x07, 0x18, 0x02,                                                                   // exports
          0x06, 'm',  'e',  'm',  'o',   'r',   'y',  0x02, 0x00,                             //
          0x0b, 't',  'e',  'n',  'o',   'r',   '_',  'e',  'n',  't', 'r', 'y', 0x00, 0x00,  //
          0x0a, 0x04, 0x01, 0x02, 0x00,  0x0b};                                               // code
}

void execute_trivial(benchmark::State& state) {
  const auto pages = static_cast<uint8_t>(state.range(0));
  ContractEngine engine;
  tenor::vm::test::TestHost host;
  Address address{};
  address[0] = 0xA0;
  auto deployed = host.deploy(engine, address, trivial_contract(pages));
  if (!deployed) {
    state.SkipWithError(deployed.error().to_string().c_str());
    return;
  }
  TxContext tx;
  tx.chain_id = "bench";
  ContractCall call{address, {}, 1'000'000};
  for (auto _ : state) {
    ExecResult r = engine.execute(host, tx, call);
    if (!r.ok()) {
      state.SkipWithError(r.message.c_str());
      break;
    }
    benchmark::DoNotOptimize(r.gas_used);
  }
  state.counters["cache_hits"] = static_cast<double>(engine.cache().hits());
  state.counters["cache_misses"] = static_cast<double>(engine.cache().misses());
}
BENCHMARK(execute_trivial)->Arg(1)->Arg(0)->ArgName("pages")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
