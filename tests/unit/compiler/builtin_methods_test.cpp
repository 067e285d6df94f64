// compiler/src/check/builtin_methods.def against docs/language.md's reference section "Methods of
// the built-in types" (one table per receiver: method | signature | meaning), so the document lists
// exactly the methods the checker knows; and the "no such method" help, which names them.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using Row = std::tuple<std::string, std::string, std::string, std::string>;  // receiver, name, signature, doc

const std::vector<Row> kRows = {
#define TENOR_BUILTIN_METHOD(Receiver, name, signature, doc) {#Receiver, name, signature, doc},
#include "check/builtin_methods.def"
};

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string unquote(std::string s) {
  s = trim(std::move(s));
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return s.substr(1, s.size() - 2);
  return s;
}

std::vector<Row> documented_rows() {
  const std::string doc = test::read_doc("language.md");
  std::size_t at = doc.find("Methods of the built-in types");
  std::vector<Row> out;
  if (at == std::string::npos) return out;
  at = doc.find('\n', at);
  const std::size_t end = doc.find("\n## ", at);
  std::istringstream in(doc.substr(at, end == std::string::npos ? std::string::npos : end - at));
  std::string line, receiver;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) {
      const std::size_t a = line.find('`'), b = line.find('`', a + 1);
      receiver = a == std::string::npos || b == std::string::npos ? "" : line.substr(a + 1, b - a - 1);
      continue;
    }
    if (line.rfind("| `", 0) != 0) continue;  // the header and |---| rows
    std::vector<std::string> cells;
    std::size_t p = 1;
    for (std::size_t q; (q = line.find(" | ", p)) != std::string::npos; p = q + 3)
      cells.push_back(line.substr(p, q - p));
    std::string last = line.substr(p);
    if (!last.empty() && last.back() == '|') last.pop_back();
    cells.push_back(last);
    if (cells.size() != 3) {
      ADD_FAILURE() << "not a method | signature | meaning row: " << line;
      continue;
    }
    out.emplace_back(receiver, unquote(cells[0]), unquote(cells[1]), trim(cells[2]));
  }
  return out;
}

TEST(BuiltinMethods, LanguageReferenceListsExactlyTheTable) {
  const std::vector<Row> doc = documented_rows();
  ASSERT_FALSE(doc.empty()) << "docs/language.md has no \"Methods of the built-in types\" tables";
  for (std::size_t i = 0; i < std::max(doc.size(), kRows.size()); ++i) {
    const auto show = [](const std::vector<Row>& v, std::size_t k) {
      if (k >= v.size()) return std::string("(none)");
      const auto& [r, n, s, d] = v[k];
      return r + "." + n + " " + s + " | " + d;
    };
    EXPECT_EQ(show(doc, i), show(kRows, i)) << "row " << i;
  }
}

TEST(BuiltinMethods, UnknownMethodHelpNamesTheReceiversMethods) {
  const CheckResult r = check_source("t.tnr", "contract C\nfn f(d: Decimal) -> Decimal {\n  return d.times(2);\n}\n");
  const std::string text = r.diagnostics_text();
  EXPECT_NE(text.find("no method `times` on type `Decimal`"), std::string::npos) << text;
  EXPECT_NE(text.find("the methods of this type are `mul`, `div`, `pow`, `to_int` and `to_rate`"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace tenor::compiler
