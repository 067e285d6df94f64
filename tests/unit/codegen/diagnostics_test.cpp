// The code generator's diagnostic kinds, as golden files: every tests/golden/codegen/NAME.tnr is
// built and its diagnostics compared with NAME.expected (TENOR_UPDATE_GOLDEN=1 rewrites them;
// review the diff). A file named after a kind must report that kind. Nothing is emitted when a
// build has errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tenor/compiler/build.hpp"

namespace tenor::test {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(TENOR_CODEGEN_GOLDEN_DIR))
    if (e.path().extension() == ".tnr") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class CodegenGolden : public testing::TestWithParam<std::string> {};

TEST_P(CodegenGolden, DiagnosticsMatchExpected) {
  const fs::path dir = TENOR_CODEGEN_GOLDEN_DIR;
  const std::string name = GetParam();
  const compiler::BuildResult r = compiler::build_source(name + ".tnr", read(dir / (name + ".tnr")));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.wasm.empty());
  const std::string text = r.diagnostics_text();
  if (std::getenv("TENOR_UPDATE_GOLDEN")) {
    std::ofstream(dir / (name + ".expected"), std::ios::binary) << text;
    return;
  }
  EXPECT_EQ(text, read(dir / (name + ".expected")));
  // The file named after a kind reports it (JSON kinds are the ids in snake_case).
  EXPECT_NE(r.diagnostics_json().find("\"" + name + "\""), std::string::npos) << r.diagnostics_json();
}

INSTANTIATE_TEST_SUITE_P(Files, CodegenGolden, testing::ValuesIn(names()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(CodegenGoldenFiles, CoverTheCodeGeneratorsKinds) {
  const auto n = names();
  for (const char* kind : {"unsupported_by_codegen", "type_too_large", "module_not_a_contract"})
    EXPECT_NE(std::find(n.begin(), n.end(), kind), n.end()) << kind;
}

TEST(Build, CheckErrorsStopBeforeCodeGeneration) {
  const compiler::BuildResult r = compiler::build_source("bad.tnr", "contract X\nview v() -> u8 { return 300; }\n");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.wasm.empty());
  EXPECT_NE(r.diagnostics_text().find("bad.tnr:2:"), std::string::npos) << r.diagnostics_text();
}

TEST(Build, OptimisationLevelsParse) {
  compiler::OptLevel l{};
  for (const char* s : {"0", "1", "2", "3", "z", "-O2", "Oz"}) EXPECT_TRUE(compiler::parse_opt_level(s, l)) << s;
  for (const char* s : {"", "4", "s", "fast"}) EXPECT_FALSE(compiler::parse_opt_level(s, l)) << s;
}

}  // namespace
}  // namespace tenor::test
