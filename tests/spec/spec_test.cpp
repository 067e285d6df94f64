// One test per WebAssembly spec script (shared/wasm-spec/NAME/NAME.json) and variant of the VM
// (computed-goto or switch dispatch, metered or unmetered code). The list of scripts is read from
// the suite folder when the test binary starts, so `ctest` sees one test per file and variant.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "tenor/sdk/spec_runner.hpp"
#include "tenor/vm/config.hpp"

#ifndef TENOR_WASM_SPEC_DIR_DEFAULT
#define TENOR_WASM_SPEC_DIR_DEFAULT ""
#endif

namespace {

namespace fs = std::filesystem;

// $TENOR_WASM_SPEC_DIR, else the folder configured at build time.
fs::path spec_dir() {
  const char* env = std::getenv("TENOR_WASM_SPEC_DIR");
  return fs::path(env && *env ? env : TENOR_WASM_SPEC_DIR_DEFAULT);
}

std::vector<fs::path> spec_files() {
  std::error_code ec;
  return tenor::sdk::find_spec_files(spec_dir(), ec);
}

// The suite must be there: a missing folder fails (it would otherwise look like a pass).
TEST(SpecSuite, FolderHasScripts) {
  const fs::path dir = spec_dir();
  std::error_code ec;
  const std::vector<fs::path> files = tenor::sdk::find_spec_files(dir, ec);
  ASSERT_FALSE(ec) << "cannot read the spec-test folder '" << dir.string() << "': " << ec.message()
                   << " (set TENOR_WASM_SPEC_DIR or the CMake cache variable of that name)";
  ASSERT_FALSE(files.empty()) << "no NAME.json spec scripts found in '" << dir.string()
                              << "' or its subfolders (set TENOR_WASM_SPEC_DIR)";
}

// One script on one variant of the VM: computed-goto or switch dispatch, code translated with or
// without gas charges (VmConfig::dispatch, VmConfig::metering). Tracing is covered by the unit
// tests: the runner (sdk/src/wasm_spec) makes its calls without a tracer.
struct SpecCase {
  fs::path file;
  std::string name;  // the file's stem as a test name, unique within the run
  tenor::vm::VmConfig::Dispatch dispatch = tenor::vm::VmConfig::Dispatch::Goto;
  bool metering = false;
};

void PrintTo(const SpecCase& c, std::ostream* os) { *os << c.file.string(); }

// Test names from file stems: "binary-leb128" -> "binary_leb128", unique within the run.
std::string stem_name(const fs::path& file, std::set<std::string>& used) {
  std::string name;
  for (char c : file.stem().string()) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (name.empty()) name = "script";
  std::string unique = name;
  for (int n = 2; !used.insert(unique).second; ++n) unique = name + "_" + std::to_string(n);
  return unique;
}

// Every script on {goto, switch} x {unmetered, metered}.
std::vector<SpecCase> spec_cases() {
  std::vector<SpecCase> cases;
  std::set<std::string> used;
  for (const fs::path& file : spec_files()) {
    const std::string name = stem_name(file, used);
    for (auto dispatch : {tenor::vm::VmConfig::Dispatch::Goto, tenor::vm::VmConfig::Dispatch::Switch})
      for (bool metering : {false, true}) cases.push_back({file, name, dispatch, metering});
  }
  return cases;
}

class SpecScript : public testing::TestWithParam<SpecCase> {};

TEST_P(SpecScript, Passes) {
  const SpecCase& c = GetParam();
  tenor::vm::VmConfig config;
  config.dispatch = c.dispatch;
  config.metering = c.metering;
  const tenor::sdk::SpecFileResult r = tenor::sdk::run_spec_file(c.file, config);
  ASSERT_FALSE(r.file_error.has_value()) << *r.file_error;
  if (r.failed != 0) {
    std::ostringstream failures;
    for (const auto& f : r.failures) failures << "  " << f.to_string() << "\n";
    ADD_FAILURE() << c.file.string() << ": " << r.passed << " passed, " << r.failed << " failed, " << r.skipped
                  << " skipped\n"
                  << failures.str();
  }
  EXPECT_GT(r.commands, 0u) << c.file.string() << " has no commands";
  // Every command either passed or does not apply to a binary VM (text-format commands).
  EXPECT_EQ(r.passed + r.skipped, r.commands);
}

// "i64_goto_unmetered", "binary_leb128_switch_metered", ...
std::string test_name(const testing::TestParamInfo<SpecCase>& info) {
  const SpecCase& c = info.param;
  return c.name + (c.dispatch == tenor::vm::VmConfig::Dispatch::Goto ? "_goto" : "_switch") +
         (c.metering ? "_metered" : "_unmetered");
}

INSTANTIATE_TEST_SUITE_P(Wasm, SpecScript, testing::ValuesIn(spec_cases()), test_name);
// An empty suite is reported by SpecSuite.FolderHasScripts, with the folder it looked in.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SpecScript);

}  // namespace
