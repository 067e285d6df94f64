// The value-type registry (common/include/tenor/common/value_types.def) against docs/abi.md's
// "Borsh encoding of each type" and ordered-key tables, so that the document cannot drift from
// what the compiler and the SDK are derived from; and the checker's names against the registry.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tenor/compiler/value_types.hpp"
#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using check::KeyEncoding;
using check::TypeKind;

struct KindRow {
  TypeKind kind;
  const char* name;
  const char* doc;
};

constexpr KindRow kKinds[] = {
#define TENOR_VALUE_KIND(Kind, doc) {TypeKind::Kind, #Kind, doc},
#include "tenor/common/value_types.def"
};

using Table = std::vector<std::pair<std::string, std::string>>;  // first and second column

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The two-column table whose header row is `header` ("| Tenor type | Borsh |").
Table table_after(const std::string& text, const std::string& header) {
  Table out;
  std::size_t at = text.find(header);
  if (at == std::string::npos) return out;
  std::istringstream in(text.substr(at));
  std::string line;
  std::getline(in, line);  // the header
  std::getline(in, line);  // |---|---|
  while (std::getline(in, line) && line.size() > 1 && line[0] == '|') {
    // Split on " | ": cells may hold `|` only inside backticks, which these tables do not.
    const std::size_t mid = line.find(" | ");
    if (mid == std::string::npos) continue;
    std::string second = line.substr(mid + 3);
    if (!second.empty() && second.back() == '|') second.pop_back();
    out.emplace_back(trim(line.substr(1, mid - 1)), trim(second));
  }
  return out;
}

// The document's typography, in the registry's ASCII.
std::string ascii(std::string s) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"×", "x"}, {"¹⁸", "^18"}, {"⁹", "^9"}}) {
    for (std::size_t i; (i = s.find(from)) != std::string::npos;) s.replace(i, from.size(), to);
  }
  return s;
}

bool lists(const std::string& cell, std::string_view spelling) {
  return cell.find("`" + std::string(spelling) + "`") != std::string::npos;
}

TEST(ValueTypes, AbiDocBorshTableAgreesWithTheRegistry) {
  const Table t = table_after(test::read_doc("abi.md"), "| Tenor type | Borsh |");
  ASSERT_FALSE(t.empty());
  // Every scalar spelling and generic form appears, on the row of its kind.
  auto row_of = [&](const std::string& spelled) -> const std::pair<std::string, std::string>* {
    for (const auto& r : t)
      if (r.first == spelled || lists(r.first, spelled.substr(1, spelled.size() - 2))) return &r;
    return nullptr;
  };
  auto doc_of = [](TypeKind k) -> std::string {
    for (const KindRow& r : kKinds)
      if (r.kind == k) return r.doc;
    return "";
  };
  // A row's text is the kind's doc, optionally followed by an example in parentheses.
  auto matches = [](const std::string& cell, const std::string& doc) {
    const std::string c = ascii(cell);
    return c == doc || c.rfind(doc + " (", 0) == 0;
  };
  for (const check::ScalarType& s : check::kScalarTypes) {
    const auto* r = row_of("`" + std::string(s.spelling) + "`");
    ASSERT_NE(r, nullptr) << s.spelling << " is missing from docs/abi.md's Borsh table";
    EXPECT_TRUE(matches(r->second, doc_of(s.kind))) << s.spelling << ": " << r->second << " vs " << doc_of(s.kind);
  }
  for (const check::GenericType& g : check::kGenericTypes) {
    const auto* r = row_of("`" + std::string(g.form) + "`");
    ASSERT_NE(r, nullptr) << g.form << " is missing from docs/abi.md's Borsh table";
    EXPECT_TRUE(matches(r->second, doc_of(g.kind))) << g.form << ": " << r->second << " vs " << doc_of(g.kind);
  }
  for (const auto& [kind, word] : {std::pair{TypeKind::Struct, "struct"}, std::pair{TypeKind::Enum, "enum"}}) {
    const auto* r = row_of(word);
    ASSERT_NE(r, nullptr) << word;
    EXPECT_TRUE(matches(r->second, doc_of(kind))) << word << ": " << r->second;
  }
  // Every kind is documented by some row.
  for (const KindRow& k : kKinds) {
    bool found = false;
    for (const auto& r : t) found = found || matches(r.second, k.doc);
    EXPECT_TRUE(found) << k.name << ": no row says " << k.doc;
  }
}

TEST(ValueTypes, AbiDocKeyTableAgreesWithTheRegistry) {
  const Table t = table_after(test::read_doc("abi.md"), "| key type | ordered encoding |");
  ASSERT_FALSE(t.empty());
  auto find = [&](const std::string& prefix) -> const std::pair<std::string, std::string>* {
    for (const auto& r : t)
      if (r.first.rfind(prefix, 0) == 0) return &r;
    return nullptr;
  };
  const auto* unsigned_row = find("unsigned integers");
  const auto* signed_row = find("signed integers");
  ASSERT_NE(unsigned_row, nullptr);
  ASSERT_NE(signed_row, nullptr);
  EXPECT_EQ(unsigned_row->second.rfind("big-endian", 0), 0u);
  EXPECT_EQ(signed_row->second.rfind("big-endian with the sign bit flipped", 0), 0u);
  for (const check::ScalarType& s : check::kScalarTypes) {
    // The rows that list this spelling (integers are listed by signedness).
    std::vector<const std::pair<std::string, std::string>*> listed;
    for (const auto& r : t)
      if (lists(r.first, s.spelling)) listed.push_back(&r);
    switch (s.key) {
      case KeyEncoding::Unsigned:
        EXPECT_EQ(s.kind, TypeKind::Int) << s.spelling;
        EXPECT_TRUE(listed.empty()) << s.spelling;
        break;
      case KeyEncoding::Signed:
        if (s.kind == TypeKind::Int)
          EXPECT_TRUE(listed.empty()) << s.spelling;
        else
          EXPECT_TRUE(lists(signed_row->first, s.spelling)) << s.spelling << " is not on the signed row";
        break;
      case KeyEncoding::Bool:
        ASSERT_EQ(listed.size(), 1u) << s.spelling;
        EXPECT_EQ(listed[0]->second.rfind(std::to_string(s.borsh_bytes) + " byte", 0), 0u) << listed[0]->second;
        break;
      case KeyEncoding::Fixed:
        ASSERT_EQ(listed.size(), 1u) << s.spelling;
        EXPECT_EQ(listed[0]->second, "the " + std::to_string(s.borsh_bytes) + " bytes") << s.spelling;
        break;
      case KeyEncoding::NotAKey: EXPECT_TRUE(listed.empty()) << s.spelling << " is not a key type"; break;
    }
  }
}

TEST(ValueTypes, CheckerNamesEveryScalarAsTheRegistrySpellsIt) {
  std::string src = "contract C\n";
  for (const check::ScalarType& s : check::kScalarTypes)
    src += "fn f_" + std::string(s.spelling) + "(x: " + std::string(s.spelling) + ") -> " + std::string(s.spelling) +
           " {\n  return x;\n}\n";
  const CheckResult r = check_source("t.tnr", src);
  ASSERT_TRUE(r.ok()) << r.diagnostics_text();
  ASSERT_TRUE(r.program);
  std::size_t i = 0;
  for (const auto& fn : r.program->functions) {
    ASSERT_LT(i, std::size(check::kScalarTypes));
    EXPECT_EQ(r.program->type_name(fn.return_type), check::kScalarTypes[i].spelling);
    ++i;
  }
  EXPECT_EQ(i, std::size(check::kScalarTypes));
}

TEST(ValueTypes, UnknownCurrencyHelpListsTheTable) {
  EXPECT_EQ(check::currency_list(), "CNY, USD, EUR, GBP, HKD, SGD, JPY, KRW, BHD and KWD");
  EXPECT_EQ(check::currency_exponent("JPY"), 0);
  EXPECT_EQ(check::currency_exponent("KWD"), 3);
  EXPECT_EQ(check::currency_exponent("XXX"), -1);
}

}  // namespace
}  // namespace tenor::compiler
