// Robustness: random bytes, random token soups and mutations of the docs example go through
// check_source; every run must terminate without crashing, yield a tree, keep every diagnostic
// range inside the file, and render. The PRNG is our own (splitmix64) so runs are reproducible.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

void check_invariants(const std::string& text, const FrontEndLimits& limits = {}) {
  const CheckResult r = check_source("fuzz.tnr", text, limits);
  ASSERT_TRUE(r.ast);
  for (const Diagnostic& d : r.diagnostics.sorted()) {
    ASSERT_LE(d.range.begin, d.range.end) << d.message;
    ASSERT_LE(d.range.end, text.size()) << d.message;
    ASSERT_FALSE(d.message.empty());
    ASSERT_TRUE(valid_utf8(d.message)) << d.message;  // so that the JSON output is valid
  }
  ASSERT_LE(r.diagnostics.sorted().size(), limits.max_errors);
  (void)r.diagnostics_text();
  (void)r.diagnostics_json();
  (void)print_ast(*r.ast);
}

TEST(Fuzz, RandomBytes) {
  Rng rng(1);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng.below(300), '\0');
    for (char& c : s) c = static_cast<char>(rng.below(256));
    if (i % 2 == 0) s = "contract C " + s;
    check_invariants(s);
    if (HasFatalFailure()) FAIL() << "case " << i;
  }
}

TEST(Fuzz, RandomTokenSoups) {
  const std::vector<std::string> vocab = {"contract",
                                          "struct",
                                          "enum",
                                          "event",
                                          "storage",
                                          "init",
                                          "action",
                                          "view",
                                          "fn",
                                          "let",
                                          "var",
                                          "if",
                                          "else",
                                          "while",
                                          "for",
                                          "in",
                                          "match",
                                          "return",
                                          "require",
                                          "revert",
                                          "emit",
                                          "signed_by",
                                          "interface",
                                          "true",
                                          "false",
                                          "as",
                                          "{",
                                          "}",
                                          "(",
                                          ")",
                                          "[",
                                          "]",
                                          "<",
                                          ">",
                                          ",",
                                          ";",
                                          ":",
                                          "::",
                                          ".",
                                          "..",
                                          "->",
                                          "=>",
                                          "=",
                                          "==",
                                          "!=",
                                          "<=",
                                          ">=",
                                          "+",
                                          "-",
                                          "*",
                                          "/",
                                          "%",
                                          "!",
                                          "&&",
                                          "||",
                                          "?",
                                          "@",
                                          "+=",
                                          "-=",
                                          "x",
                                          "S",
                                          "Some",
                                          "None",
                                          "_",
                                          "Map",
                                          "u64",
                                          "12",
                                          "0x1f",
                                          "10u64",
                                          "0.5",
                                          "125.00 CNY",
                                          "2027-03-31",
                                          "2027-03-31T08:00:00Z",
                                          "30d",
                                          "\"s\"",
                                          "\"\\u{41}\"",
                                          "\"open",
                                          "/*",
                                          "*/",
                                          "//",
                                          "#",
                                          "\n",
                                          "0x",
                                          "2027-13-01",
                                          "1_",
                                          "\"\\q\""};
  Rng rng(2);
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 3 == 0 ? "" : "contract C ";
    const std::size_t n = rng.below(400);
    for (std::size_t k = 0; k < n; ++k) {
      s += vocab[rng.below(vocab.size())];
      s += rng.below(4) == 0 ? "" : " ";
    }
    check_invariants(s);
    // Tiny limits exercise the depth bound and the error cap on every shape.
    FrontEndLimits tiny;
    tiny.max_nesting_depth = 3;
    tiny.max_errors = 4;
    check_invariants(s, tiny);
    if (HasFatalFailure()) FAIL() << "case " << i << ": " << s;
  }
}

TEST(Fuzz, MutatedDocsExample) {
  std::string base = test::language_md_example();
  base.pop_back();  // without the final newline
  ASSERT_GT(base.size(), 100u);
  const std::string alphabet = "{}()[];,.:<>=!-+*/\"\\ \nabcxyz019_";
  Rng rng(3);
  for (int i = 0; i < 1500; ++i) {
    std::string s = base;
    const std::size_t edits = 1 + rng.below(8);
    for (std::size_t e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = rng.below(s.size());
      switch (rng.below(3)) {
        case 0: s.erase(at, 1 + rng.below(10)); break;
        case 1: s.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
        default: s[at] = alphabet[rng.below(alphabet.size())]; break;
      }
    }
    check_invariants(s);
    if (HasFatalFailure()) FAIL() << "case " << i;
  }
}

TEST(Fuzz, LargeInputsTerminateQuickly) {
  // Pathological shapes at 1 MiB: each must finish well under the test timeout.
  for (const std::string unit : {"(", "{", "[", "-", "\"", "/*", "a.", "a+", "if x {", "Some(", "<", "::"}) {
    std::string s = "contract C fn f() { ";
    while (s.size() < (1u << 20)) s += unit;
    const auto t0 = std::chrono::steady_clock::now();
    check_invariants(s);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(ms, 5000) << unit;
  }
}

// The libFuzzer dictionary of tenor_fuzz_tnr (tests/fuzz/tnr.dict) spells every keyword and every
// punctuation token of token_kinds.def, so that a new token reaches the fuzzer too.
TEST(FuzzDictionary, CoversEveryKeywordAndPunctuation) {
  std::ifstream in(std::filesystem::path(TENOR_FUZZ_DIR) / "tnr.dict", std::ios::binary);
  ASSERT_TRUE(in) << "cannot open tests/fuzz/tnr.dict";
  std::set<std::string> entries;
  for (std::string line; std::getline(in, line);) {
    // name="value", with \\, \" and \xHH escapes inside the quotes.
    const std::size_t open = line.find('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos) continue;
    ASSERT_EQ(line.back(), '"') << line;
    std::string value;
    for (std::size_t i = open + 1; i + 1 < line.size(); ++i) {
      if (line[i] == '\\' && i + 2 < line.size() && line[i + 1] == 'x') {
        value += static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16));
        i += 3;
      } else if (line[i] == '\\') {
        value += line[++i];
      } else {
        value += line[i];
      }
    }
    entries.insert(value);
  }
  std::size_t covered = 0;
  for (std::size_t k = 0; k < token_kind_count(); ++k) {
    const auto kind = static_cast<TokenKind>(k);
    if (!is_keyword(kind) && !is_punctuation(kind)) continue;
    EXPECT_TRUE(entries.count(std::string(token_kind_spelling(kind)))) << token_kind_spelling(kind);
    ++covered;
  }
  EXPECT_GT(covered, 50u);
}

}  // namespace
}  // namespace tenor::compiler
