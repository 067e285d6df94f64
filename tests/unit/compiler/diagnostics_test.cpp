#include <gtest/gtest.h>

#include <set>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

TEST(Source, LineColumnCountsUtf8CharactersAndTabsAsOne) {
  SourceManager sm;
  const FileId f = sm.add_file("a.tnr", "ab\n\t\xC3\xA9x\r\nlast");
  EXPECT_EQ(sm.file(f).line_count(), 3u);
  EXPECT_EQ(sm.line_column({f, 0}).line, 1u);
  EXPECT_EQ(sm.line_column({f, 3}).column, 1u);  // the tab
  EXPECT_EQ(sm.line_column({f, 4}).column, 2u);  // é
  EXPECT_EQ(sm.line_column({f, 6}).column, 3u);  // x, after the two bytes of é
  EXPECT_EQ(sm.line_column({f, 9}).line, 3u);
  EXPECT_EQ(sm.file(f).line_text(2), "\t\xC3\xA9x");  // no \r
  EXPECT_EQ(sm.file(f).line_text(3), "last");
  EXPECT_EQ(sm.line_column({f, 13}).column, 5u);  // the end of the file
}

TEST(Diagnostics, KindsHaveUniqueSnakeNamesAndFormats) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < diagnostic_kind_count(); ++i) {
    const auto k = static_cast<DiagnosticKind>(i);
    const std::string n(diagnostic_kind_name(k));
    EXPECT_TRUE(names.insert(n).second) << n;
    for (char c : n) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << n;
    EXPECT_FALSE(diagnostic_kind_format(k).empty());
  }
  EXPECT_EQ(diagnostic_kind_name(DiagnosticKind::ExpectedToken), "expected_token");
}

TEST(Diagnostics, TextFormatWithCaretTildesAndHelp) {
  SourceManager sm;
  const FileId f = sm.add_file("invoice.tnr", "x\n    let total = amount + fee;\n");
  DiagnosticEngine d;
  d.report(DiagnosticKind::ExpectedToken, {f, 18, 24}, {"`;`", "identifier `amount`"}, "fix it");
  EXPECT_EQ(d.render_text(sm),
            "invoice.tnr:2:17: error: expected `;`, found identifier `amount`\n"
            "    let total = amount + fee;\n"
            "                ^~~~~~\n"
            "help: fix it\n");
}

TEST(Diagnostics, CaretKeepsTabsAndCountsCharacters) {
  SourceManager sm;
  const FileId f = sm.add_file("a.tnr", "\t\"\xC3\xA9\" # x\n");
  DiagnosticEngine d;
  d.report(DiagnosticKind::InvalidCharacter, {f, 6, 7}, {"`#`"});
  EXPECT_EQ(d.render_text(sm), "a.tnr:1:6: error: invalid character `#`\n\t\"\xC3\xA9\" # x\n\t    ^\n");
}

TEST(Diagnostics, MultiLineRangeUnderlinesTheFirstLineAndEmptyRangeIsACaret) {
  SourceManager sm;
  const FileId f = sm.add_file("a.tnr", "ab cd\nef");
  DiagnosticEngine d;
  d.report(DiagnosticKind::UnterminatedBlockComment, {f, 3, 8});
  d.report(DiagnosticKind::ExpectedItem, {f, 8, 8}, {"end of file"});
  EXPECT_EQ(d.render_text(sm),
            "a.tnr:1:4: error: unterminated block comment\nab cd\n   ^~\n"
            "a.tnr:2:3: error: expected an item (struct, enum, event, storage, init, action, view, fn, "
            "interface), found end of file\nef\n  ^\n");
}

TEST(Diagnostics, SortedByPositionThenReportOrder) {
  SourceManager sm;
  const FileId f = sm.add_file("a.tnr", "abcdef");
  DiagnosticEngine d;
  d.report(DiagnosticKind::ChainedComparison, {f, 4, 5});
  d.report(DiagnosticKind::InvalidAssignmentTarget, {f, 1, 2});
  d.report(DiagnosticKind::ChainedComparison, {f, 1, 2});
  const auto s = d.sorted();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, DiagnosticKind::InvalidAssignmentTarget);
  EXPECT_EQ(s[1].kind, DiagnosticKind::ChainedComparison);
  EXPECT_EQ(s[2].range.begin, 4u);
}

TEST(Diagnostics, CapAtMaxErrorsWithFinalNote) {
  SourceManager sm;
  const FileId f = sm.add_file("a.tnr", "x");
  DiagnosticEngine d(3);
  for (int i = 0; i < 3; ++i) d.report(DiagnosticKind::ChainedComparison, {f, 0, 1});
  EXPECT_TRUE(d.saturated());
  EXPECT_FALSE(d.truncated());
  d.report(DiagnosticKind::ChainedComparison, {f, 0, 1});
  EXPECT_TRUE(d.truncated());
  EXPECT_EQ(d.sorted().size(), 3u);
  EXPECT_EQ(d.error_count(), 4u);
  const std::string text = d.render_text(sm);
  EXPECT_NE(text.find("a.tnr: note: too many errors; stopped after the first 3 (4 in all)\n"), std::string::npos)
      << text;
}

TEST(Diagnostics, Json) {
  SourceManager sm;
  const FileId f = sm.add_file("a\"b.tnr", "let\n  x");
  DiagnosticEngine d;
  d.report(DiagnosticKind::ExpectedToken, {f, 6, 7}, {"`;`", "identifier `x`"}, "add \";\"");
  EXPECT_EQ(d.render_json(sm),
            "{\"diagnostics\":[{\"kind\":\"expected_token\",\"severity\":\"error\",\"file\":\"a\\\"b.tnr\","
            "\"line\":2,\"column\":3,\"end_line\":2,\"end_column\":4,\"offset\":6,\"end_offset\":7,"
            "\"message\":\"expected `;`, found identifier `x`\",\"help\":\"add \\\";\\\"\"}],"
            "\"error_count\":1,\"truncated\":false}");
}

TEST(Driver, SourceTooLarge) {
  FrontEndLimits limits;
  limits.max_source_bytes = 10;
  const CheckResult r = check_source("big.tnr", "contract Abcdef", limits);
  EXPECT_EQ(test::kind_names(r.diagnostics), std::vector<std::string>{"source_too_large"});
  EXPECT_TRUE(check_source("ok.tnr", "contract A", limits).ok());
}

TEST(Driver, ParserStopsAtTheErrorCap) {
  std::string src = "contract C fn f() {";
  for (int i = 0; i < 5000; ++i) src += " let x = ;";
  src += "}";
  const CheckResult r = check_source("a.tnr", src);
  EXPECT_TRUE(r.diagnostics.truncated());
  EXPECT_EQ(r.diagnostics.sorted().size(), 100u);
  EXPECT_LE(r.diagnostics.error_count(), 110u);  // the parser stopped soon after the cap
}

}  // namespace
}  // namespace tenor::compiler
