// Golden diagnostic file tests: every tests/golden/compiler/NAME.tnr (or NAME/main.tnr with the
// modules it uses beside it) is checked and its diagnostics (the exact text format, source lines
// and carets included) compared with NAME.expected beside it.
// TENOR_UPDATE_GOLDEN=1 rewrites the .expected files instead; review the diff before committing.
// Each diagnostic kind has a file named after it (`expected_token.tnr`) that must report it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = TENOR_COMPILER_GOLDEN_DIR;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool update_golden() {
  const char* v = std::getenv("TENOR_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::vector<std::string> golden_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kGoldenDir, ec))
    if (e.path().extension() == ".tnr" || fs::is_regular_file(e.path() / "main.tnr"))
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, DiagnosticsMatchExpected) {
  const std::string name = GetParam();
  // A case of several files is a folder NAME/ holding main.tnr and the modules it uses (NAME/std/
  // stands for the standard modules), checked as `NAME/main.tnr`.
  const bool folder = fs::is_directory(kGoldenDir / name);
  const fs::path source = folder ? kGoldenDir / name / "main.tnr" : kGoldenDir / (name + ".tnr");
  const fs::path expected_path = kGoldenDir / (name + ".expected");
  ModuleOptions modules;
  modules.base_dir = (kGoldenDir / name).string();
  modules.std_dir = (kGoldenDir / name / "std").string();
  const CheckResult r = folder ? check_source(name + "/main.tnr", read_text(source), {}, modules)
                               : check_source(name + ".tnr", read_text(source));
  const std::string actual = r.diagnostics_text();
  if (update_golden()) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing: run with TENOR_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, read_text(expected_path)) << "rerun with TENOR_UPDATE_GOLDEN=1 to accept, then review the diff";
  // A file named after a diagnostic kind must report that kind.
  for (std::size_t i = 0; i < diagnostic_kind_count(); ++i) {
    const auto kind = static_cast<DiagnosticKind>(i);
    if (diagnostic_kind_name(kind) != name) continue;
    if (kind == DiagnosticKind::TooManyErrors) {
      EXPECT_TRUE(r.diagnostics.truncated());
    } else {
      const auto kinds = test::kind_names(r.diagnostics);
      EXPECT_NE(std::find(kinds.begin(), kinds.end(), name), kinds.end()) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Compiler, Golden, testing::ValuesIn(golden_names()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(GoldenFiles, EveryDiagnosticKindHasOne) {
  const std::vector<std::string> names = golden_names();
  for (std::size_t i = 0; i < diagnostic_kind_count(); ++i) {
    const auto kind = static_cast<DiagnosticKind>(i);
    // A 64 MiB file does not belong in the repository: driver_test covers SourceTooLarge.
    if (kind == DiagnosticKind::SourceTooLarge) continue;
    // The code generator's kinds need a build, not a check: tests/unit/codegen/diagnostics_test.cpp.
    if (kind == DiagnosticKind::UnsupportedByCodegen || kind == DiagnosticKind::TypeTooLarge ||
        kind == DiagnosticKind::BackendFailure || kind == DiagnosticKind::ModuleNotAContract)
      continue;
    const std::string n(diagnostic_kind_name(kind));
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << "no tests/golden/compiler/" << n << ".tnr";
  }
}

// The example contract at the top of docs/language.md (its first ```tenor block) parses cleanly.
TEST(DocsExample, LanguageMdFirstContractParses) {
  const std::string doc = read_text(fs::path(TENOR_DOCS_DIR) / "language.md");
  const std::size_t open = doc.find("```tenor\n");
  ASSERT_NE(open, std::string::npos);
  const std::size_t start = open + 9;
  const std::size_t close = doc.find("\n```", start);
  ASSERT_NE(close, std::string::npos);
  const CheckResult r = check_source("language.md", doc.substr(start, close - start + 1));
  EXPECT_TRUE(r.ok()) << r.diagnostics_text();
  ASSERT_TRUE(r.ast);
  EXPECT_EQ(r.ast->contract.name, "Factoring");
  EXPECT_EQ(r.ast->items.size(), 10u);
  const std::string printed = print_ast(*r.ast);
  EXPECT_NE(printed.find("(arm (variant State::Confirmed)"), std::string::npos) << printed;
  EXPECT_NE(printed.find("(signed_by (. (index invoices id) seller) factor)"), std::string::npos) << printed;
}

}  // namespace
}  // namespace tenor::compiler
