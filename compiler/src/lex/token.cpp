#include <array>

#include "tenor/compiler/token.hpp"

namespace tenor::compiler {
namespace {

enum class Group : std::uint8_t { Other, Keyword, Punct };
struct TokenInfo {
  std::string_view name;
  std::string_view spelling;
  Group group;
};

constexpr std::array kTokens = {
#define TOKEN(Id, Desc) TokenInfo{#Id, Desc, Group::Other},
#define KEYWORD(Id, Spelling) TokenInfo{#Id, Spelling, Group::Keyword},
#define PUNCT(Id, Spelling) TokenInfo{#Id, Spelling, Group::Punct},
#include "tenor/compiler/token_kinds.def"
};

const TokenInfo& info(TokenKind k) { return kTokens[static_cast<std::size_t>(k)]; }

}  // namespace

std::string_view token_kind_spelling(TokenKind kind) { return info(kind).spelling; }
std::string_view token_kind_name(TokenKind kind) { return info(kind).name; }
bool is_keyword(TokenKind kind) { return info(kind).group == Group::Keyword; }
bool is_punctuation(TokenKind kind) { return info(kind).group == Group::Punct; }
std::size_t token_kind_count() { return kTokens.size(); }

std::string token_kind_description(TokenKind kind) {
  const TokenInfo& i = info(kind);
  switch (i.group) {
    case Group::Keyword: return "keyword `" + std::string(i.spelling) + "`";
    case Group::Punct: return "`" + std::string(i.spelling) + "`";
    case Group::Other: break;
  }
  return std::string(i.spelling);
}

std::string describe_token(const Token& t) {
  switch (t.kind) {
    case TokenKind::Identifier: return "identifier `" + std::string(t.text) + "`";
    case TokenKind::IntegerLiteral:
    case TokenKind::DecimalLiteral:
    case TokenKind::DateLiteral:
    case TokenKind::TimestampLiteral:
    case TokenKind::DurationLiteral: return token_kind_description(t.kind) + " `" + std::string(t.text) + "`";
    default: return token_kind_description(t.kind);
  }
}

}  // namespace tenor::compiler
