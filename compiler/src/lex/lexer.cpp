#include "tenor/compiler/lexer.hpp"

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "tenor/common/civil_date.hpp"
#include "tenor/common/utf8.hpp"
#include "tenor/compiler/value_types.hpp"

namespace tenor::compiler {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

struct Keyword {
  std::string_view spelling;
  TokenKind kind;
};
constexpr std::array kKeywords = {
#define KEYWORD(Id, Spelling) Keyword{Spelling, TokenKind::Id},
#include "tenor/compiler/token_kinds.def"
};

// Integer literal suffixes: the integer types' spellings (common/.../value_types.def).
bool is_int_suffix(std::string_view s) {
  const check::ScalarType* t = check::scalar_type_named(s);
  return t != nullptr && t->kind == check::TypeKind::Int;
}

std::string int_suffix_list() {
  std::string out;
  for (const check::ScalarType& t : check::kScalarTypes)
    if (t.kind == check::TypeKind::Int) out += (out.empty() ? "" : " ") + std::string(t.spelling);
  return out;
}

class Lexer {
 public:
  Lexer(const SourceFile& file, FileId id, DiagnosticEngine& diags) : text_(file.text()), file_(id), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    bool space = true;
    bool line = true;
    while (true) {
      // Whitespace and comments.
      if (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          if (c == '\n') line = true;
          space = true;
          ++pos_;
          continue;
        }
        if (c == '/' && peek(1) == '/') {
          while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
          space = true;
          continue;
        }
        if (c == '/' && peek(1) == '*') {
          const std::size_t start = pos_;
          const std::size_t close = text_.find("*/", pos_ + 2);
          if (close == std::string_view::npos) {
            error(DiagnosticKind::UnterminatedBlockComment, start, start + 2, {},
                  "close the comment with `*/` (comments do not nest)");
            pos_ = text_.size();
          } else {
            for (std::size_t i = pos_; i < close; ++i)
              if (text_[i] == '\n') line = true;
            pos_ = close + 2;
          }
          space = true;
          continue;
        }
      }
      Token t;
      const std::size_t start = pos_;
      if (pos_ >= text_.size()) {
        t.kind = TokenKind::EndOfFile;
      } else if (!lex_token(t)) {
        continue;  // an invalid character: reported and skipped
      }
      t.range = range(start, pos_);
      t.text = text_.substr(start, pos_ - start);
      t.space_before = space;
      t.line_before = line;
      space = false;
      line = false;
      out.push_back(std::move(t));
      if (out.back().kind == TokenKind::EndOfFile) break;
    }
    return out;
  }

 private:
  char peek(std::size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  SourceRange range(std::size_t b, std::size_t e) const {
    return {file_, static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)};
  }
  void error(DiagnosticKind k, std::size_t b, std::size_t e, std::vector<std::string> args = {},
             std::string help = {}) {
    diags_.report(k, range(b, e), std::move(args), std::move(help));
  }

  // The UTF-8 character at pos_ into cp, and its length; 0 (reported, and the byte skipped) when
  // the bytes there are not UTF-8.
  std::size_t decode_char(std::uint32_t& cp) {
    const std::size_t n = common::decode_utf8(text_, pos_, cp);
    if (n == 0) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned char>(text_[pos_]));
      error(DiagnosticKind::InvalidUtf8, pos_, pos_ + 1, {buf}, "Tenor source files are UTF-8");
      ++pos_;
    }
    return n;
  }

  // Lexes one token at pos_ into t.kind (and t.value); false when the character was invalid.
  bool lex_token(Token& t) {
    const char c = text_[pos_];
    if (is_ident_start(c)) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      const std::string_view word = text_.substr(start, pos_ - start);
      t.kind = TokenKind::Identifier;
      for (const Keyword& k : kKeywords)
        if (k.spelling == word) t.kind = k.kind;
      return true;
    }
    if (is_digit(c)) {
      lex_number(t);
      return true;
    }
    if (c == '"') {
      lex_string(t);
      return true;
    }
    if (std::optional<TokenKind> p = lex_punct()) {
      t.kind = *p;
      return true;
    }
    // Invalid: one whole UTF-8 character, or one byte of invalid UTF-8.
    std::uint32_t cp = 0;
    const std::size_t n = decode_char(cp);
    if (n == 0) return false;
    std::string shown;
    if (cp < 0x20 || cp == 0x7F) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", cp);
      shown = buf;
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, " (U+%04X)", cp);
      shown = "`" + std::string(text_.substr(pos_, n)) + "`" + buf;
    }
    error(DiagnosticKind::InvalidCharacter, pos_, pos_ + n, {shown},
          cp >= 0x80 ? "identifiers are ASCII; other characters may appear only in strings and "
                       "comments"
                     : std::string());
    pos_ += n;
    return false;
  }

  std::optional<TokenKind> lex_punct() {
    const char c = text_[pos_];
    const char n = peek(1);
    auto two = [&](TokenKind k) {
      pos_ += 2;
      return k;
    };
    auto one = [&](TokenKind k) {
      pos_ += 1;
      return k;
    };
    switch (c) {
      case '{': return one(TokenKind::LBrace);
      case '}': return one(TokenKind::RBrace);
      case '(': return one(TokenKind::LParen);
      case ')': return one(TokenKind::RParen);
      case '[': return one(TokenKind::LBracket);
      case ']': return one(TokenKind::RBracket);
      case ',': return one(TokenKind::Comma);
      case ';': return one(TokenKind::Semicolon);
      case '*': return one(TokenKind::Star);
      case '/': return one(TokenKind::Slash);
      case '%': return one(TokenKind::Percent);
      case '?': return one(TokenKind::Question);
      case '@': return one(TokenKind::At);
      case '<': return n == '=' ? two(TokenKind::LessEqual) : one(TokenKind::Less);
      case '>': return n == '=' ? two(TokenKind::GreaterEqual) : one(TokenKind::Greater);
      case ':': return n == ':' ? two(TokenKind::ColonColon) : one(TokenKind::Colon);
      case '.': return n == '.' ? two(TokenKind::DotDot) : one(TokenKind::Dot);
      case '-':
        if (n == '>') return two(TokenKind::Arrow);
        if (n == '=') return two(TokenKind::MinusEqual);
        return one(TokenKind::Minus);
      case '+': return n == '=' ? two(TokenKind::PlusEqual) : one(TokenKind::Plus);
      case '=':
        if (n == '=') return two(TokenKind::EqualEqual);
        if (n == '>') return two(TokenKind::FatArrow);
        return one(TokenKind::Equal);
      case '!': return n == '=' ? two(TokenKind::NotEqual) : one(TokenKind::Bang);
      case '&':
        if (n == '&') return two(TokenKind::AmpAmp);
        return std::nullopt;
      case '|':
        if (n == '|') return two(TokenKind::PipePipe);
        return std::nullopt;
      default: return std::nullopt;
    }
  }

  // Digits and '_' separators from pos_; a trailing '_' is reported by the caller.
  void skip_digits(bool hex) {
    while (pos_ < text_.size() && (text_[pos_] == '_' || (hex ? is_hex(text_[pos_]) : is_digit(text_[pos_])))) ++pos_;
  }

  void check_separators(std::size_t start, std::size_t end) {
    if (end > start && text_[end - 1] == '_')
      error(DiagnosticKind::MalformedNumber, start, end, {std::string(text_.substr(start, end - start))},
            "a number cannot end with `_`");
  }

  // Letters directly after a number: an integer suffix, a duration unit or an error.
  void lex_suffix(Token& t, std::size_t start, bool allow_int_suffix, bool allow_duration) {
    if (pos_ >= text_.size() || !is_ident_start(text_[pos_])) return;
    const std::size_t s = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    const std::string_view suffix = text_.substr(s, pos_ - s);
    if (allow_int_suffix && is_int_suffix(suffix)) return;
    if (allow_duration && suffix.size() == 1 &&
        (suffix[0] == 'd' || suffix[0] == 'h' || suffix[0] == 'm' || suffix[0] == 's')) {
      t.kind = TokenKind::DurationLiteral;
      return;
    }
    std::string help = "integer suffixes are " + int_suffix_list() + "; durations end in d, h, m or s";
    if (suffix.size() == 3 && suffix[0] >= 'A' && suffix[0] <= 'Z')
      help = "put a space between the amount and the currency code: `" + std::string(text_.substr(start, s - start)) +
             " " + std::string(suffix) + "`";
    error(DiagnosticKind::InvalidLiteralSuffix, s, pos_, {std::string(suffix)}, std::move(help));
  }

  void lex_number(Token& t) {
    const std::size_t start = pos_;
    if (text_[pos_] == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      pos_ += 2;
      const std::size_t digits = pos_;
      skip_digits(true);
      std::size_t hex_digits = 0;
      for (std::size_t i = digits; i < pos_; ++i)
        if (text_[i] != '_') ++hex_digits;
      t.kind = TokenKind::IntegerLiteral;
      if (hex_digits == 0) {
        error(DiagnosticKind::MalformedNumber, start, pos_, {std::string(text_.substr(start, pos_ - start))},
              "`0x` must be followed by hex digits");
      } else if (hex_digits == 64 && pos_ - digits == 64) {
        t.kind = TokenKind::HashLiteral;
      } else {
        check_separators(start, pos_);
      }
      lex_suffix(t, start, t.kind == TokenKind::IntegerLiteral, false);
      return;
    }
    skip_digits(false);
    // Date: exactly four digits, '-', a digit.
    if (pos_ - start == 4 && peek(0) == '-' && is_digit(peek(1))) {
      lex_date(t, start);
      return;
    }
    t.kind = TokenKind::IntegerLiteral;
    if (peek(0) == '.' && is_digit(peek(1))) {
      ++pos_;
      skip_digits(false);
      t.kind = TokenKind::DecimalLiteral;
      check_separators(start, pos_);
      lex_suffix(t, start, false, false);
      return;
    }
    check_separators(start, pos_);
    lex_suffix(t, start, true, true);
  }

  // Reads exactly n digits; false (pos_ unchanged) otherwise.
  bool fixed_digits(std::size_t n, int* value) {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_digit(peek(i))) return false;
      v = v * 10 + (peek(i) - '0');
    }
    pos_ += n;
    *value = v;
    return true;
  }

  void lex_date(Token& t, std::size_t start) {
    t.kind = TokenKind::DateLiteral;
    int year = 0, month = 0, day = 0;
    for (std::size_t i = start; i < start + 4; ++i) year = year * 10 + (text_[i] - '0');
    ++pos_;  // '-'
    bool ok = fixed_digits(2, &month) && peek(0) == '-' && (++pos_, fixed_digits(2, &day));
    bool timestamp = false;
    int hh = 0, mm = 0, ss = 0;
    if (ok && peek(0) == 'T') {
      timestamp = true;
      t.kind = TokenKind::TimestampLiteral;
      ++pos_;
      ok = fixed_digits(2, &hh) && peek(0) == ':' && (++pos_, fixed_digits(2, &mm)) && peek(0) == ':' &&
           (++pos_, fixed_digits(2, &ss)) && peek(0) == 'Z' && (++pos_, true);
    }
    // Swallow the rest of a malformed literal so that one error covers it.
    if (!ok || (pos_ < text_.size() && (is_ident_char(text_[pos_])))) {
      while (pos_ < text_.size() && (is_ident_char(text_[pos_]) || text_[pos_] == '-' || text_[pos_] == ':')) ++pos_;
      error(DiagnosticKind::MalformedDate, start, pos_, {std::string(text_.substr(start, pos_ - start))},
            "write a date as YYYY-MM-DD and a timestamp as YYYY-MM-DDTHH:MM:SSZ (UTC); for a "
            "subtraction put spaces around `-`");
      return;
    }
    std::string why;
    if (month < 1 || month > 12) {
      why = "month " + std::to_string(month) + " is not in 1..12";
    } else {
      const int max_day = static_cast<int>(common::days_in_month(year, static_cast<unsigned>(month)));
      if (day < 1 || day > max_day)
        why = "day " + std::to_string(day) + " is not in 1.." + std::to_string(max_day);
      else if (timestamp && hh > 23)
        why = "hour " + std::to_string(hh) + " is not in 0..23";
      else if (timestamp && mm > 59)
        why = "minute " + std::to_string(mm) + " is not in 0..59";
      else if (timestamp && ss > 59)
        why = "second " + std::to_string(ss) + " is not in 0..59";
    }
    if (!why.empty())
      error(DiagnosticKind::InvalidDate, start, pos_, {std::string(text_.substr(start, pos_ - start)), why});
  }

  void lex_string(Token& t) {
    t.kind = TokenKind::StringLiteral;
    const std::size_t start = pos_;
    ++pos_;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n') {
        std::size_t end = pos_;
        if (end > start && text_[end - 1] == '\r') --end;
        error(DiagnosticKind::UnterminatedString, start, end, {}, "close the string with `\"` on the same line");
        return;
      }
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return;
      }
      if (c == '\\') {
        lex_escape(t);
        continue;
      }
      std::uint32_t cp = 0;
      const std::size_t n = decode_char(cp);
      if (n == 0) continue;
      t.value.append(text_.substr(pos_, n));
      pos_ += n;
    }
  }

  void lex_escape(Token& t) {
    const std::size_t start = pos_;
    const char e = peek(1);
    switch (e) {
      case 'n':
        t.value += '\n';
        pos_ += 2;
        return;
      case 't':
        t.value += '\t';
        pos_ += 2;
        return;
      case '\\':
        t.value += '\\';
        pos_ += 2;
        return;
      case '"':
        t.value += '"';
        pos_ += 2;
        return;
      case 'u': break;
      default: {
        if (e == '\n' || e == '\0') {
          error(DiagnosticKind::InvalidEscape, start, start + 1, {"\\"}, "escapes are \\n \\t \\\\ \\\" \\u{hex}");
          ++pos_;
          return;
        }
        std::uint32_t cp = 0;
        std::size_t n = common::decode_utf8(text_, pos_ + 1, cp);
        std::string shown = std::string(text_.substr(start, 1 + n));
        if (n == 0) {  // not UTF-8: show the byte, keep messages valid UTF-8
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(e));
          shown = buf;
          n = 1;
        }
        error(DiagnosticKind::InvalidEscape, start, start + 1 + n, {shown}, "escapes are \\n \\t \\\\ \\\" \\u{hex}");
        pos_ += 1 + n;
        return;
      }
    }
    // \u{hex}: 1 to 6 hex digits naming a Unicode scalar value.
    pos_ += 2;
    bool ok = peek(0) == '{';
    std::uint32_t cp = 0;
    std::size_t digits = 0;
    if (ok) {
      ++pos_;
      while (is_hex(peek(0)) && digits < 8) {
        const char h = peek(0);
        cp = cp * 16 + static_cast<std::uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
        ++digits;
        ++pos_;
      }
      ok = peek(0) == '}';
      if (ok) ++pos_;
    }
    if (!ok || digits == 0 || digits > 6 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      error(DiagnosticKind::InvalidUnicodeEscape, start, pos_, {std::string(text_.substr(start, pos_ - start))},
            "write \\u{...} with 1 to 6 hex digits naming a Unicode scalar value (not a surrogate)");
      return;
    }
    common::append_utf8(t.value, cp);
  }

  std::string_view text_;
  FileId file_;
  DiagnosticEngine& diags_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> lex(const SourceManager& sources, FileId file, DiagnosticEngine& diags) {
  return Lexer(sources.file(file), file, diags).run();
}

}  // namespace tenor::compiler
