// Helpers shared by the compiler's unit tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/ast_printer.hpp"
#include "tenor/compiler/driver.hpp"
#include "tenor/compiler/lexer.hpp"

namespace tenor::compiler::test {

// The text of docs/`name` (TENOR_DOCS_DIR).
inline std::string read_doc(const std::string& name) {
  std::ifstream in(std::filesystem::path(TENOR_DOCS_DIR) / name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// docs/language.md's worked example: its first ```tenor block, with its final newline.
inline std::string language_md_example() {
  const std::string doc = read_doc("language.md");
  const std::size_t start = doc.find("```tenor\n") + 9;
  return doc.substr(start, doc.find("\n```", start) - start + 1);
}

struct Lexed {
  SourceManager sources;
  DiagnosticEngine diags;
  std::vector<Token> tokens;
};

inline Lexed lex_text(std::string_view text) {
  Lexed l{SourceManager{}, DiagnosticEngine{}, {}};
  const FileId f = l.sources.add_file("t.tnr", std::string(text));
  l.tokens = lex(l.sources, f, l.diags);
  return l;
}

// The token kinds of `text`, without the final EndOfFile.
inline std::vector<TokenKind> kinds(std::string_view text) {
  Lexed l = lex_text(text);
  std::vector<TokenKind> out;
  for (const Token& t : l.tokens)
    if (t.kind != TokenKind::EndOfFile) out.push_back(t.kind);
  return out;
}

// "kind@begin-end" for each diagnostic, in position order.
inline std::vector<std::string> diag_summary(const DiagnosticEngine& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.sorted())
    out.push_back(std::string(diagnostic_kind_name(x.kind)) + "@" + std::to_string(x.range.begin) + "-" +
                  std::to_string(x.range.end));
  return out;
}

inline std::vector<std::string> kind_names(const DiagnosticEngine& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.sorted()) out.push_back(std::string(diagnostic_kind_name(x.kind)));
  return out;
}

}  // namespace tenor::compiler::test
