// Determinism: randomly generated modules (random_module.hpp) run on several inputs, each twice in
// fresh stores, traced and untraced, metered and unmetered, with computed-goto and switch dispatch,
// and the outcomes (status or trap, results, gas used, memory pages and hash, block-trace hash) are
// compared with the ones recorded
// in tests/golden/determinism.golden. A build with another compiler, standard library or
// optimisation level that changes any outcome fails here.
//
// Updating the golden file: when a change of outcomes is intended (a new gas schedule, a change
// to the generator), rerun with the environment variable TENOR_UPDATE_GOLDEN=1:
//
//   TENOR_UPDATE_GOLDEN=1 build/tests/unit/vm/tenor_vm_unit_tests --gtest_filter='Determinism.*'
//
// which rewrites the file (and passes); review the diff and commit it with the change. Note that
// the block-trace hash folds in the interpreter's internal code offsets (trace.hpp), so a change
// to the translator's code layout also changes it, even when gas and results stay the same.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "random_module.hpp"
#include "repo_path.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

constexpr uint64_t kSeeds = 200;
constexpr uint64_t kGasLimit = 200'000;
constexpr uint32_t kInputsPerSeed = 4;

// Small stacks, so that recursion ends in CallStackExhausted or ValueStackExhausted quickly (and a
// fresh store per run stays cheap). Only `metering` and `dispatch` differ between the
// configurations.
VmConfig config(bool metering, VmConfig::Dispatch dispatch) {
  VmConfig c;
  c.metering = metering;
  c.dispatch = dispatch;
  c.max_call_depth = 64;
  c.value_stack_slots = 400;
  return c;
}

uint64_t fnv1a(const uint8_t* p, uint64_t n, uint64_t h = 0xcbf29ce484222325ull) {
  for (uint64_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex(uint64_t v, int digits = 16) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*" PRIx64, digits, v);
  return buf;
}

struct Input {
  uint32_t a = 0;
  uint64_t b = 0;
  uint64_t gas_limit = kGasLimit;
};

// Inputs of one seed: zeros, two mixes of interesting and random values, and a random pair under
// a small gas limit (out of gas at varied points).
std::vector<Input> inputs_for(uint64_t seed) {
  DetRng rng(seed ^ 0xD1B54A32D192ED03ull);
  std::vector<Input> in(kInputsPerSeed);
  for (uint32_t i = 1; i < kInputsPerSeed; ++i) {
    in[i].a = static_cast<uint32_t>(interesting_u64(rng, false));
    in[i].b = interesting_u64(rng, true);
  }
  in[kInputsPerSeed - 1].gas_limit = rng.between(50, 3000);
  return in;
}

struct Outcome {
  std::string status;  // "ok" or the trap's name
  std::vector<Value> values;
  uint64_t gas_used = 0;
  uint32_t pages = 0;
  uint64_t memory_hash = 0;
  uint64_t trace_hash = 0;
  uint64_t trace_steps = 0;

  bool ok() const { return status == "ok"; }
  std::string results() const {
    std::string s;
    for (const Value& v : values) s += (s.empty() ? "" : ",") + to_string(v);
    return s.empty() ? "-" : s;
  }
  // Everything but the trace.
  std::string semantics() const {
    return status + " " + results() + " gas=" + std::to_string(gas_used) + " pages=" + std::to_string(pages) +
           " mem=" + hex(memory_hash);
  }
};

struct RunSpec {
  bool metering = true;
  bool traced = true;
  std::optional<uint64_t> gas_limit;
  VmConfig::Dispatch dispatch = VmConfig::Dispatch::Goto;
};

// One run in a fresh store. Returns an error message instead when loading or instantiating fails.
std::variant<Outcome, std::string> run_once(const Bytes& wasm, const Input& in, const RunSpec& spec) {
  const VmConfig cfg = config(spec.metering, spec.dispatch);
  auto module = Module::load(wasm, cfg);
  if (!module) return "load failed: " + module.error().to_string();
  Store store(cfg);
  Linker linker;
  auto inst = store.instantiate(std::move(module).value(), linker);
  if (!inst) return "instantiate failed: " + inst.error().to_string();
  Function* run = inst.value()->exported_function("run");
  if (!run) return std::string("no export run");
  Tracer tracer(TraceLevel::Block, /*max_events_kept=*/0);
  CallOptions opts;
  opts.gas_limit = spec.gas_limit;
  if (spec.traced) opts.tracer = &tracer;
  const Value args[] = {Value::i32(in.a), Value::i64(in.b)};
  CallResult r = store.call(run, args, opts);

  Outcome o;
  o.status = r.trap ? trap_name(r.trap->code) : "ok";
  o.values = r.values;
  o.gas_used = r.gas_used;
  const Memory* m = inst.value()->memory();
  o.pages = m->pages();
  o.memory_hash = fnv1a(m->data(), m->size());
  o.trace_hash = tracer.hash();
  o.trace_steps = tracer.steps();
  return o;
}

std::string golden_line(uint64_t seed, uint32_t input_no, uint64_t wasm_hash, const Input& in, const Outcome& o) {
  std::ostringstream s;
  s << "s" << seed << "." << input_no << " wasm=" << hex(wasm_hash) << " run(" << hex(in.a, 8) << "," << hex(in.b)
    << ") limit=" << in.gas_limit << " -> " << o.semantics() << " trace=" << hex(o.trace_hash) << "/" << o.trace_steps;
  return s.str();
}

std::filesystem::path golden_path() { return repo_path("tests/golden/determinism.golden"); }

const char* const kGoldenHeader =
    "# Golden outcomes of tests/unit/vm/determinism_test.cpp (Determinism.RandomModulesMatchGolden):\n"
    "# one line per (seed.input): hash of the generated module, the arguments of run(i32, i64), the\n"
    "# gas limit, then status (ok or trap name), results, gas used, memory pages, FNV-1a 64 of the\n"
    "# whole memory, and the block-level trace hash/steps.\n"
    "# Consensus data: a line that changes means execution changed. When the change is intended,\n"
    "# regenerate it and review the diff:\n"
    "#   TENOR_UPDATE_GOLDEN=1 <build>/tests/unit/vm/tenor_vm_unit_tests --gtest_filter='Determinism.*'\n"
    "# The trace hash also folds in the interpreter's internal code offsets (trace.hpp).\n";

bool update_requested() {
  const char* v = std::getenv("TENOR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// The outcome lines of the golden file, with their line numbers (comments skipped).
std::vector<std::pair<size_t, std::string>> read_golden(const std::filesystem::path& p) {
  std::vector<std::pair<size_t, std::string>> lines;
  std::ifstream f(p);
  std::string line;
  for (size_t no = 1; std::getline(f, line); ++no)
    if (!line.empty() && line[0] != '#') lines.emplace_back(no, line);
  return lines;
}

TEST(Determinism, GeneratorIsDeterministic) {
  for (uint64_t seed : {1u, 2u, 77u}) EXPECT_EQ(generate_random_module(seed).wasm, generate_random_module(seed).wasm);
  // The PRNG stream is part of the golden file: pin its first outputs.
  DetRng rng(1);
  const uint64_t first = rng.next();
  const uint64_t second = rng.next();
  EXPECT_EQ(hex(first), "b3f2af6d0fc710c5");
  EXPECT_EQ(hex(second), "853b559647364cea");
}

TEST(Determinism, RandomModulesMatchGolden) {
  std::vector<std::string> actual;
  std::map<std::string, uint32_t> counts;
  uint32_t recursive = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const RandomModule m = generate_random_module(seed);
    recursive += m.recursive ? 1 : 0;
    const uint64_t wasm_hash = fnv1a(m.wasm.data(), m.wasm.size());
    const std::vector<Input> ins = inputs_for(seed);
    for (uint32_t i = 0; i < ins.size(); ++i) {
      const Input& in = ins[i];
      const std::string where = "seed " + std::to_string(seed) + " input " + std::to_string(i);
      auto first = run_once(m.wasm, in, {true, true, in.gas_limit});
      if (auto* err = std::get_if<std::string>(&first)) {
        ADD_FAILURE() << where << ": the generator made a module the VM refuses (" << *err << ")";
        continue;
      }
      const Outcome& a = std::get<Outcome>(first);
      counts[a.status]++;
      actual.push_back(golden_line(seed, i, wasm_hash, in, a));

      // Again, in a fresh store: everything, the trace included, must repeat.
      const Outcome b = std::get<Outcome>(run_once(m.wasm, in, {true, true, in.gas_limit}));
      EXPECT_EQ(golden_line(seed, i, wasm_hash, in, b), actual.back()) << where << ": second run differs";
      // The untraced interpreter must agree with the traced one.
      const Outcome c = std::get<Outcome>(run_once(m.wasm, in, {true, false, in.gas_limit}));
      EXPECT_EQ(c.semantics(), a.semantics()) << where << ": untraced run differs from traced run";
      // The switch-dispatch interpreter must agree with the computed-goto one, trace included.
      constexpr auto kSwitch = VmConfig::Dispatch::Switch;
      const Outcome sw = std::get<Outcome>(run_once(m.wasm, in, {true, true, in.gas_limit, kSwitch}));
      EXPECT_EQ(golden_line(seed, i, wasm_hash, in, sw), actual.back()) << where << ": switch dispatch differs";
      const Outcome swu = std::get<Outcome>(run_once(m.wasm, in, {true, false, in.gas_limit, kSwitch}));
      EXPECT_EQ(swu.semantics(), a.semantics()) << where << ": untraced switch dispatch differs";
      // Metering must not change semantics: same results and memory without it, and the same trap
      // where the trap does not depend on resources (gas, stack sizes).
      const bool resource_trap =
          a.status == "OutOfGas" || a.status == "CallStackExhausted" || a.status == "ValueStackExhausted";
      if (!resource_trap) {
        const Outcome u = std::get<Outcome>(run_once(m.wasm, in, {false, false, std::nullopt}));
        EXPECT_EQ(u.status, a.status) << where << ": unmetered run differs";
        EXPECT_EQ(u.results(), a.results()) << where << ": unmetered run differs";
        EXPECT_EQ(u.pages, a.pages) << where << ": unmetered run differs";
        EXPECT_EQ(hex(u.memory_hash), hex(a.memory_hash)) << where << ": unmetered run differs";
        EXPECT_EQ(u.gas_used, 0u) << where;
      }
    }
  }

  std::cout << "[ outcomes ] " << actual.size() << " runs of " << kSeeds << " modules (" << recursive << " recursive):";
  for (const auto& [status, n] : counts) std::cout << " " << status << "=" << n;
  std::cout << "\n";
  // The mix is the point of the test: keep every kind of outcome represented.
  EXPECT_GE(counts["ok"], actual.size() / 8);
  EXPECT_GE(counts["OutOfGas"], 10u);
  EXPECT_GE(counts.size(), 6u) << "too few kinds of outcome";

  const std::filesystem::path path = golden_path();
  if (update_requested()) {
    std::ofstream f(path, std::ios::trunc);
    ASSERT_TRUE(f) << "cannot write " << path;
    f << kGoldenHeader;
    for (const std::string& line : actual) f << line << "\n";
    std::cout << "[ golden   ] rewrote " << path << " (" << actual.size() << " lines); review the diff\n";
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << "missing golden file " << path << "; create it by running this test with TENOR_UPDATE_GOLDEN=1";
  const std::vector<std::pair<size_t, std::string>> expected = read_golden(path);
  size_t differing = 0;
  std::ostringstream report;
  const size_t n = std::max(expected.size(), actual.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string* e = i < expected.size() ? &expected[i].second : nullptr;
    const std::string* g = i < actual.size() ? &actual[i] : nullptr;
    if (e && g && *e == *g) continue;
    if (++differing <= 8) {
      report << "  " << path.filename().string() << ":"
             << (i < expected.size() ? std::to_string(expected[i].first) : std::string("(past the end)"))
             << ":\n    golden: " << (e ? *e : "(none)") << "\n    actual: " << (g ? *g : "(none)") << "\n";
    }
  }
  EXPECT_EQ(differing, 0u) << "execution outcomes differ from " << path << " in " << differing << " of " << n
                           << " lines (golden " << expected.size() << ", actual " << actual.size()
                           << "). A different compiler, optimisation level or VM change altered results, gas, "
                              "traps, memory or traces. If the change is intended, rerun with "
                              "TENOR_UPDATE_GOLDEN=1 and review the diff. First differences:\n"
                           << report.str();
}

}  // namespace
}  // namespace tenor::vm::test
