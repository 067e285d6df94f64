#include <gtest/gtest.h>

#include <set>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using test::diag_summary;
using test::kinds;
using test::lex_text;
using K = TokenKind;

TEST(Lexer, EveryKeyword) {
  const char* words[] = {"contract", "struct", "enum",    "event",  "storage", "init",      "action",    "view",
                         "fn",       "let",    "var",     "if",     "else",    "while",     "for",       "in",
                         "match",    "return", "require", "revert", "emit",    "signed_by", "interface", "true",
                         "false",    "as",     "module",  "use",    "const"};
  std::set<K> seen;
  for (const char* w : words) {
    const auto k = kinds(w);
    ASSERT_EQ(k.size(), 1u) << w;
    EXPECT_TRUE(is_keyword(k[0])) << w;
    EXPECT_EQ(token_kind_spelling(k[0]), w);
    seen.insert(k[0]);
  }
  std::size_t keyword_kinds = 0;
  for (std::size_t i = 0; i < token_kind_count(); ++i)
    if (is_keyword(static_cast<K>(i))) ++keyword_kinds;
  EXPECT_EQ(seen.size(), keyword_kinds);
}

TEST(Lexer, Identifiers) {
  EXPECT_EQ(kinds("x _ _a a1 Some None letter contracts signed_byx"), std::vector<K>(9, K::Identifier));
  auto l = lex_text("abc_12");
  EXPECT_EQ(l.tokens[0].text, "abc_12");
}

TEST(Lexer, EveryPunctuation) {
  const char* puncts[] = {"{",  "}",  "(",  ")",  "[", "]", "<", ">", ",", ";", ":",  "::", ".", "..", "->", "=>", "=",
                          "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "!", "&&", "||", "?", "@",  "+=", "-="};
  std::size_t punct_kinds = 0;
  for (std::size_t i = 0; i < token_kind_count(); ++i)
    if (is_punctuation(static_cast<K>(i))) ++punct_kinds;
  EXPECT_EQ(std::size(puncts), punct_kinds);
  for (const char* p : puncts) {
    auto l = lex_text(p);
    ASSERT_EQ(l.tokens.size(), 2u) << p;
    EXPECT_TRUE(is_punctuation(l.tokens[0].kind)) << p;
    EXPECT_EQ(token_kind_spelling(l.tokens[0].kind), p);
    EXPECT_FALSE(l.diags.has_errors()) << p;
  }
  EXPECT_EQ(kinds("a::b..c->d=>e"),
            (std::vector<K>{K::Identifier, K::ColonColon, K::Identifier, K::DotDot, K::Identifier, K::Arrow,
                            K::Identifier, K::FatArrow, K::Identifier}));
  EXPECT_EQ(kinds("x+=1;y-=2"), (std::vector<K>{K::Identifier, K::PlusEqual, K::IntegerLiteral, K::Semicolon,
                                                K::Identifier, K::MinusEqual, K::IntegerLiteral}));
}

TEST(Lexer, IntegerLiterals) {
  for (const char* s : {"0", "123_456", "0x1f", "0XFF", "10u64", "7u8", "1u16", "1u32", "1u128", "1i8", "1i16", "1i32",
                        "1i64", "1i128", "0x1fu8", "1_000u64"}) {
    auto l = lex_text(s);
    ASSERT_EQ(l.tokens.size(), 2u) << s;
    EXPECT_EQ(l.tokens[0].kind, K::IntegerLiteral) << s;
    EXPECT_EQ(l.tokens[0].text, s);
    EXPECT_FALSE(l.diags.has_errors()) << s;
  }
  // `0..10` is a range, `1.foo` a method call on an integer.
  EXPECT_EQ(kinds("0..10"), (std::vector<K>{K::IntegerLiteral, K::DotDot, K::IntegerLiteral}));
  EXPECT_EQ(kinds("1.foo"), (std::vector<K>{K::IntegerLiteral, K::Dot, K::Identifier}));
}

TEST(Lexer, DecimalAndMoneyLiterals) {
  for (const char* s : {"0.035", "125_000.00", "1.0", "3.141592653"}) {
    auto l = lex_text(s);
    EXPECT_EQ(l.tokens[0].kind, K::DecimalLiteral) << s;
    EXPECT_EQ(l.tokens[0].text, s);
    EXPECT_FALSE(l.diags.has_errors());
  }
  // Money is a decimal (or integer) followed by an identifier: the parser combines them.
  EXPECT_EQ(kinds("125_000.00 CNY"), (std::vector<K>{K::DecimalLiteral, K::Identifier}));
  EXPECT_EQ(kinds("100 JPY"), (std::vector<K>{K::IntegerLiteral, K::Identifier}));
}

TEST(Lexer, DateTimestampDurationHash) {
  EXPECT_EQ(kinds("2027-03-31"), std::vector<K>{K::DateLiteral});
  EXPECT_EQ(kinds("2024-02-29"), std::vector<K>{K::DateLiteral});
  EXPECT_EQ(kinds("2027-03-31T08:00:00Z"), std::vector<K>{K::TimestampLiteral});
  EXPECT_EQ(kinds("30d 12h 90m 45s"), std::vector<K>(4, K::DurationLiteral));
  const std::string hash = "0x" + std::string(64, 'a');
  EXPECT_EQ(kinds(hash), std::vector<K>{K::HashLiteral});
  EXPECT_EQ(kinds("0x" + std::string(63, 'a')), std::vector<K>{K::IntegerLiteral});  // checker: too big
  EXPECT_EQ(kinds("2027 - 1"), (std::vector<K>{K::IntegerLiteral, K::Minus, K::IntegerLiteral}));
  EXPECT_FALSE(lex_text("2027-03-31T08:00:00Z 30d " + hash).diags.has_errors());
}

TEST(Lexer, Strings) {
  auto l = lex_text(R"("a\n\t\\\"b\u{41}\u{1F600}é")");
  ASSERT_EQ(l.tokens[0].kind, K::StringLiteral);
  EXPECT_EQ(l.tokens[0].value, "a\n\t\\\"bA\xF0\x9F\x98\x80\xC3\xA9");
  EXPECT_FALSE(l.diags.has_errors());
  EXPECT_EQ(lex_text("\"\"").tokens[0].value, "");
}

TEST(Lexer, CommentsAndPositions) {
  auto l = lex_text("a // c\n/* x\n y */ b");
  ASSERT_EQ(l.tokens.size(), 3u);
  EXPECT_EQ(l.tokens[1].text, "b");
  EXPECT_EQ(l.tokens[1].range.begin, 18u);
  EXPECT_TRUE(l.tokens[1].line_before);
  EXPECT_EQ(l.tokens[2].kind, K::EndOfFile);
  EXPECT_EQ(l.tokens[2].range.begin, 19u);
  EXPECT_FALSE(l.diags.has_errors());
}

// --- every lexical error, with its exact range; the lexer goes on afterwards ---

TEST(LexerErrors, UnterminatedString) {
  auto l = lex_text("x \"abc\ny");
  EXPECT_EQ(diag_summary(l.diags), std::vector<std::string>{"unterminated_string@2-6"});
  EXPECT_EQ(l.tokens[1].kind, K::StringLiteral);
  EXPECT_EQ(l.tokens[2].kind, K::Identifier);  // resumes on the next line
}

TEST(LexerErrors, UnterminatedBlockComment) {
  auto l = lex_text("a /* b");
  EXPECT_EQ(diag_summary(l.diags), std::vector<std::string>{"unterminated_block_comment@2-4"});
  EXPECT_EQ(l.tokens.size(), 2u);
}

TEST(LexerErrors, InvalidEscape) {
  auto l = lex_text(R"("a\qb" x)");
  EXPECT_EQ(diag_summary(l.diags), std::vector<std::string>{"invalid_escape@2-4"});
  EXPECT_EQ(l.tokens[1].kind, K::Identifier);
}

TEST(LexerErrors, InvalidEscapeOfANonUtf8ByteIsShownInHex) {
  auto l = lex_text("\"\\\xff\"");
  ASSERT_EQ(l.diags.sorted().size(), 1u);  // the escape takes the byte with it
  EXPECT_EQ(l.diags.sorted()[0].message, "invalid escape sequence `\\xFF`");
}

TEST(LexerErrors, InvalidUnicodeEscape) {
  for (const char* s : {R"("\u{}")", R"("\u{110000}")", R"("\u{D800}")", R"("\u41")", R"("\u{1234567}")"}) {
    auto l = lex_text(s);
    ASSERT_EQ(l.diags.sorted().size(), 1u) << s;
    EXPECT_EQ(l.diags.sorted()[0].kind, DiagnosticKind::InvalidUnicodeEscape) << s;
    EXPECT_EQ(l.diags.sorted()[0].range.begin, 1u) << s;
  }
  EXPECT_EQ(diag_summary(lex_text(R"("\u{110000}")").diags), std::vector<std::string>{"invalid_unicode_escape@1-11"});
}

TEST(LexerErrors, InvalidCharacter) {
  auto l = lex_text("a # b € c & d");
  EXPECT_EQ(diag_summary(l.diags),
            (std::vector<std::string>{"invalid_character@2-3", "invalid_character@6-9", "invalid_character@12-13"}));
  EXPECT_EQ(l.tokens.size(), 5u);  // a b c d EOF
  EXPECT_EQ(l.diags.sorted()[1].message, "invalid character `€` (U+20AC)");
}

TEST(LexerErrors, InvalidUtf8) {
  auto l = lex_text("a \xff b \"\xc3\"");
  EXPECT_EQ(diag_summary(l.diags), (std::vector<std::string>{"invalid_utf8@2-3", "invalid_utf8@7-8"}));
  EXPECT_EQ(l.diags.sorted()[0].message, "invalid UTF-8 byte 0xFF");
}

TEST(LexerErrors, MalformedNumber) {
  EXPECT_EQ(diag_summary(lex_text("0x").diags), std::vector<std::string>{"malformed_number@0-2"});
  EXPECT_EQ(diag_summary(lex_text("1_ + 2").diags), std::vector<std::string>{"malformed_number@0-2"});
  EXPECT_EQ(diag_summary(lex_text("1.5_").diags), std::vector<std::string>{"malformed_number@0-4"});
}

TEST(LexerErrors, InvalidLiteralSuffix) {
  auto l = lex_text("10usd 1.5x 125.00CNY 0x1fz");
  EXPECT_EQ(diag_summary(l.diags),
            (std::vector<std::string>{"invalid_literal_suffix@2-5", "invalid_literal_suffix@9-10",
                                      "invalid_literal_suffix@17-20", "invalid_literal_suffix@25-26"}));
  EXPECT_EQ(l.diags.sorted()[2].help, "put a space between the amount and the currency code: `125.00 CNY`");
  EXPECT_EQ(l.tokens.size(), 5u);
}

TEST(LexerErrors, MalformedDate) {
  EXPECT_EQ(diag_summary(lex_text("2027-3-31 x").diags), std::vector<std::string>{"malformed_date@0-9"});
  EXPECT_EQ(diag_summary(lex_text("2027-03-31T08:00Z").diags), std::vector<std::string>{"malformed_date@0-17"});
  EXPECT_EQ(diag_summary(lex_text("2027-03-31x").diags), std::vector<std::string>{"malformed_date@0-11"});
}

TEST(LexerErrors, InvalidDate) {
  EXPECT_EQ(diag_summary(lex_text("2027-13-01").diags), std::vector<std::string>{"invalid_date@0-10"});
  EXPECT_EQ(diag_summary(lex_text("2027-02-29").diags), std::vector<std::string>{"invalid_date@0-10"});
  EXPECT_EQ(diag_summary(lex_text("2027-01-01T24:00:00Z").diags), std::vector<std::string>{"invalid_date@0-20"});
  EXPECT_EQ(lex_text("2027-04-31").diags.sorted()[0].message,
            "invalid date or time `2027-04-31`: day 31 is not in 1..30");
}

TEST(LexerErrors, SeveralErrorsInOneRun) {
  auto l = lex_text("# \"\\q\" 1_ 2027-13-01 $\n\"open");
  EXPECT_EQ(test::kind_names(l.diags),
            (std::vector<std::string>{"invalid_character", "invalid_escape", "malformed_number", "invalid_date",
                                      "invalid_character", "unterminated_string"}));
}

}  // namespace
}  // namespace tenor::compiler
