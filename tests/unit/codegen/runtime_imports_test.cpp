// compiler/runtime/tenor_rt.c's host imports against vm/include/tenor/vm/host_api.def: every
// `HOST(name) ret tenor_name(params);` prototype has the name, arity and wasm types of its row
// (pointers and 32-bit integers are `i`, 64-bit integers `I`). The lowering's imports are typed
// from the rows themselves (compiler/src/lower/runtime.cpp).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace {

struct Row {
  std::string params, results;
};

const std::map<std::string, Row>& host_rows() {
  static const std::map<std::string, Row> rows = {
#define TENOR_HOST(name, params, results, gas, description) {#name, {params, results}},
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
  };
  return rows;
}

// The wasm letter of a C type of tenor_rt.c, or 0.
char letter(std::string t) {
  while (!t.empty() && t.back() == ' ') t.pop_back();
  if (t.find('*') != std::string::npos || t == "u32" || t == "i32") return 'i';
  if (t == "u64" || t == "i64") return 'I';
  return 0;
}

TEST(RuntimeImports, MatchHostApiDef) {
  std::ifstream in(TENOR_COMPILER_RUNTIME_C, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  ASSERT_FALSE(text.empty());
  const std::regex proto(R"(HOST\((\w+)\) ([\w ]+?) tenor_(\w+)\(([^)]*)\);)");
  int count = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), proto); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    ++count;
    const std::string name = m[1];
    EXPECT_EQ(m[3], name) << "the C name of " << name;
    const auto row = host_rows().find(name);
    ASSERT_NE(row, host_rows().end()) << name << " is not in host_api.def";
    const std::string ret = m[2];
    EXPECT_EQ(ret == "void" ? std::string() : std::string(1, letter(ret)), row->second.results) << name;
    std::string params;
    const std::string list = m[4];
    if (list != "void") {
      std::stringstream ps(list);
      for (std::string p; std::getline(ps, p, ',');) {
        // "const void* key" -> "const void*"; "u32 len" -> "u32"
        const std::size_t cut = p.find_last_of(" *");
        std::string type = p.substr(0, cut + 1);
        while (!type.empty() && type.front() == ' ') type.erase(0, 1);
        params += letter(type);
      }
    }
    EXPECT_EQ(params, row->second.params) << name << "(" << list << ")";
  }
  EXPECT_GE(count, 5) << "no HOST(...) prototypes found in tenor_rt.c";
}

}  // namespace
