// tenor_bench_vm: the VM's speed as a ratio to native code, measured in the same run on the same
// machine. For each kernel of ../shared/bench (see its README), the VM runs `bench(n)` in-process
// and the native build of the same C source runs as `K.native n REPS`; both checksums must agree.
//
//   tenor_bench_vm [--quick] [google benchmark flags...]
//     --quick, or TENOR_BENCH_QUICK=1   small sizes: a smoke test of the harness (the CTest entry)
//     TENOR_BENCH_REPS=N                calls per kernel, VM and native alike (default 3; quick 1)
//
// Each benchmark reports the VM's median call time as its manual time, and counters vm_s,
// native_s (medians) and ratio = vm_s / native_s. The same kernel also runs metered (translated
// with gas charges, called with a gas limit it does not reach): metered_s and the metering
// overhead. A table with the geometric means follows. Exit status 1 when any kernel failed (load
// error, trap, or checksum mismatch).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "bench_main.hpp"
#include "tenor/vm/engine.hpp"

#ifndef TENOR_BENCH_KERNEL_DIR
#error "TENOR_BENCH_KERNEL_DIR must name the folder of the built kernels"
#endif

namespace {

using namespace tenor::vm;

struct Kernel {
  const char* name;
  uint32_t full_n;   // the sizes of ../shared/bench/README.md
  uint32_t quick_n;  // a fraction of a second in the VM, even unoptimised
};

constexpr Kernel kKernels[] = {
    {"fib", 37, 20},
    {"loop", 200'000'000, 100'000},
    {"sha256", 4, 1},
    {"sort", 1'000'000, 10'000},
};

struct Row {
  std::string kernel;
  uint32_t n = 0;
  double vm_s = 0;
  double metered_s = 0;
  uint64_t gas_used = 0;
  double native_s = 0;
  bool ok = false;
};

bool g_quick = false;
int g_reps = 3;
std::vector<Row> g_rows;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct NativeRun {
  bool ok = false;
  std::string error;
  uint64_t checksum = 0;
  double median_s = 0;
};

// Runs `K.native n reps`, which prints "checksum first_seconds median_seconds".
NativeRun run_native(const std::string& exe, uint32_t n, int reps) {
  NativeRun r;
  const std::string cmd = "'" + exe + "' " + std::to_string(n) + " " + std::to_string(reps);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    r.error = "cannot run " + exe;
    return r;
  }
  unsigned long long checksum = 0;
  double first = 0, med = 0;
  const int fields = std::fscanf(p, "%llu %lf %lf", &checksum, &first, &med);
  const int status = pclose(p);
  if (fields != 3 || status != 0) {
    r.error = "unexpected output or exit status from: " + cmd;
    return r;
  }
  r.ok = true;
  r.checksum = checksum;
  r.median_s = med;
  return r;
}

bool read_file(const std::string& path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

void bench_kernel(benchmark::State& state, const Kernel& k) {
  const std::string dir = TENOR_BENCH_KERNEL_DIR;
  const uint32_t n = g_quick ? k.quick_n : k.full_n;
  Row& row = g_rows.emplace_back(Row{k.name, n});
  auto error = [&](const std::string& message) { state.SkipWithError((std::string(k.name) + ": " + message).c_str()); };

  const NativeRun native = run_native(dir + "/" + k.name + ".native", n, g_reps);
  if (!native.ok) return error(native.error);

  std::vector<uint8_t> bytes;
  if (!read_file(dir + "/" + k.name + ".wasm", bytes)) return error("cannot read " + dir + "/" + k.name + ".wasm");
  VmConfig metered_config;
  metered_config.metering = true;
  auto module = Module::load(bytes);
  if (!module) return error(module.error().to_string());
  auto metered_module = Module::load(bytes, metered_config);
  if (!metered_module) return error(metered_module.error().to_string());

  // Runs bench(n) once on a fresh instance (outside the measured time: kernels start from their
  // initial memory); returns the call's seconds, or a negative number after reporting an error.
  uint64_t checksum = 0, metered_checksum = 0;
  auto run_once = [&](const std::shared_ptr<const Module>& m, bool metered) -> double {
    Store store(metered ? metered_config : VmConfig{});
    const Linker linker;
    auto instance = store.instantiate(m, linker);
    if (!instance) {
      error(instance.error().to_string());
      return -1;
    }
    Function* f = (*instance)->exported_function("bench");
    if (f == nullptr) {
      error("no export `bench`");
      return -1;
    }
    const Value arg = Value::i32(n);
    CallOptions options;
    if (metered) options.gas_limit = UINT64_MAX / 2;
    const auto t0 = std::chrono::steady_clock::now();
    const CallResult r = store.call(f, std::span<const Value>(&arg, 1), options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok() || r.values.size() != 1) {
      error(r.ok() ? "bench returned no single value" : "trap: " + r.trap->to_string());
      return -1;
    }
    (metered ? metered_checksum : checksum) = r.values[0].as_u64();
    if (metered) row.gas_used = r.gas_used;
    return seconds;
  };

  std::vector<double> times, metered_times;
  for (auto _ : state) {
    // Unmetered and metered calls alternate, each going first every other time, so that both
    // see the same machine conditions.
    const bool metered_first = times.size() % 2 == 1;
    const double first = run_once(metered_first ? *metered_module : *module, metered_first);
    if (first < 0) break;
    const double second = run_once(metered_first ? *module : *metered_module, !metered_first);
    if (second < 0) break;
    const double t = metered_first ? second : first;
    const double tm = metered_first ? first : second;
    state.SetIterationTime(t);
    times.push_back(t);
    metered_times.push_back(tm);
  }
  if (state.error_occurred()) return;
  if (checksum != native.checksum || metered_checksum != native.checksum) {
    return error("checksum mismatch: vm " + std::to_string(checksum) + ", metered vm " +
                 std::to_string(metered_checksum) + ", native " + std::to_string(native.checksum));
  }
  row.vm_s = median(times);
  row.metered_s = median(metered_times);
  row.native_s = native.median_s;
  row.ok = true;
  state.counters["n"] = n;
  state.counters["vm_s"] = row.vm_s;
  state.counters["metered_s"] = row.metered_s;
  state.counters["native_s"] = row.native_s;
  state.counters["ratio"] = row.native_s > 0 ? row.vm_s / row.native_s : 0.0;
  state.counters["metering_overhead"] = row.vm_s > 0 ? row.metered_s / row.vm_s - 1.0 : 0.0;
}

void print_table() {
  std::printf("\n%-8s %11s %10s %10s %10s %9s %9s %14s\n", "kernel", "n", "vm s", "metered s", "native s", "vm/native",
              "metering", "gas used");
  double log_ratio = 0, log_metering = 0;
  int count = 0;
  for (const Row& r : g_rows) {
    if (!r.ok) {
      std::printf("%-8s %11u %10s\n", r.kernel.c_str(), r.n, "FAILED");
      continue;
    }
    const double ratio = r.native_s > 0 ? r.vm_s / r.native_s : 0.0;
    const double metering = r.vm_s > 0 ? r.metered_s / r.vm_s : 0.0;
    std::printf("%-8s %11u %10.4f %10.4f %10.4f %9.2f %+8.1f%% %14llu\n", r.kernel.c_str(), r.n, r.vm_s, r.metered_s,
                r.native_s, ratio, (metering - 1.0) * 100.0, static_cast<unsigned long long>(r.gas_used));
    if (ratio > 0 && metering > 0) {
      log_ratio += std::log(ratio);
      log_metering += std::log(metering);
      ++count;
    }
  }
  if (count > 0) {
    std::printf("geometric mean of vm/native: %.2f (%d kernels)\n", std::exp(log_ratio / count), count);
    std::printf("geometric mean of the metering overhead: %+.1f%%\n", (std::exp(log_metering / count) - 1.0) * 100.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = tenor::bench::take_quick_flag(argc, argv, g_quick);
  g_reps = g_quick ? 1 : 3;
  if (const char* reps = std::getenv("TENOR_BENCH_REPS")) g_reps = std::clamp(std::atoi(reps), 1, 64);

  for (const Kernel& k : kKernels) {
    benchmark::RegisterBenchmark(k.name, [&k](benchmark::State& state) { bench_kernel(state, k); })
        ->UseManualTime()
        ->Iterations(g_reps)
        ->Unit(benchmark::kMillisecond);
  }
  if (!tenor::bench::init_benchmarks(args)) return 2;
  std::printf("tenor_bench_vm: %s sizes, %d call(s) per kernel\n", g_quick ? "quick" : "full", g_reps);
  tenor::bench::run_benchmarks();
  print_table();
  const bool all_ok = std::all_of(g_rows.begin(), g_rows.end(), [](const Row& r) { return r.ok; });
  if (g_rows.empty() || !all_ok) {
    std::printf("tenor_bench_vm: FAILED\n");
    return 1;
  }
  return 0;
}
