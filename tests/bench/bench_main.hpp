// What the benchmark programs' main()s share: the --quick flag (or TENOR_BENCH_QUICK=1) and
// handing the remaining arguments to Google Benchmark.
#pragma once

#include <cstdlib>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>

namespace tenor::bench {

// The arguments without --quick (argv[0] first); `quick` is set when --quick was given or
// TENOR_BENCH_QUICK is 1.
inline std::vector<char*> take_quick_flag(int argc, char** argv, bool& quick) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (const char* q = std::getenv("TENOR_BENCH_QUICK"); q != nullptr && std::strcmp(q, "1") == 0) quick = true;
  return args;
}

// Google Benchmark's flags read out of `args`; false when one is not its own (it says which).
inline bool init_benchmarks(std::vector<char*>& args) {
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  return !benchmark::ReportUnrecognizedArguments(n, args.data());
}

// Runs the registered benchmarks (those the flags select).
inline void run_benchmarks() {
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}

}  // namespace tenor::bench
