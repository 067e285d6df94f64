// Tokens (docs/language.md §1). Kinds are registered in token_kinds.def (beside this header).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/source.hpp"

namespace tenor::compiler {

enum class TokenKind : std::uint8_t {
#define TOKEN(Id, Desc) Id,
#include "tenor/compiler/token_kinds.def"
};

// "identifier", "`;`", "keyword `let`": how diagnostics name a kind.
std::string token_kind_description(TokenKind kind);
// The spelling of a keyword or punctuation kind; the description otherwise.
std::string_view token_kind_spelling(TokenKind kind);
std::string_view token_kind_name(TokenKind kind);  // "KwLet", "Semicolon": for tests and dumps
bool is_keyword(TokenKind kind);
bool is_punctuation(TokenKind kind);
std::size_t token_kind_count();

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  SourceRange range;
  std::string_view text;  // the source bytes of the token (views the SourceManager's text)
  // String literals: the decoded value (escapes resolved). Empty for other kinds.
  std::string value;
  // True when the token follows whitespace or a comment on the same line, or starts a line.
  bool space_before = false;
  bool line_before = false;  // true when a line break precedes the token
};

// "found X" in diagnostics: `;` for punctuation, keyword `let`, identifier `foo`, end of file.
std::string describe_token(const Token& t);

}  // namespace tenor::compiler
