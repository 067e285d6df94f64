// The lexer: one file's text to tokens (docs/language.md §1). Lexical errors are diagnostics with
// exact ranges; the lexer always recovers and reaches the end of the file.
//
// Decisions the spec leaves open:
// - A money literal `125_000.00 CNY` is two tokens, a decimal (or integer) literal and an
//   identifier; the parser combines a numeric literal followed by a three-letter upper-case
//   identifier into a MoneyLiteral node, and the checker validates the currency and digits.
// - A date starts when exactly four digits are directly followed by `-` and a digit: `2027-1` is
//   a malformed date, not a subtraction (write `2027 - 1`).
// - Durations are an integer directly followed by `d`, `h`, `m` or `s`.
// - Integer suffixes (`u8` ... `i128`) follow the digits directly; any other letters directly
//   after a number are an invalid suffix (`10usd`, `1.5x`). Money needs the space.
// - A string literal ends on its line: a line break before the closing quote is an unterminated
//   string, and lexing resumes on the next line.
// - Invalid characters are reported and skipped (no token).
#pragma once

#include <vector>

#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/source.hpp"
#include "tenor/compiler/token.hpp"

namespace tenor::compiler {

// The tokens of `file`, always ending with one EndOfFile token.
std::vector<Token> lex(const SourceManager& sources, FileId file, DiagnosticEngine& diags);

}  // namespace tenor::compiler
