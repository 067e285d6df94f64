// The parser: tokens to an AST (docs/language.md §3-§4), by recursive descent with precedence
// climbing for binary operators.
//
// Error recovery: an unexpected token is reported as `expected X, found Y`; the parser then skips
// to a synchronisation point (`,` or the closing bracket in a list, `;` or `}` in a block, the
// next item keyword at the top level) and carries on, so one run reports many errors. A second
// error at the same token as the previous one is not reported (it is a consequence of the first).
// Once the diagnostic engine is saturated (too many errors) the parser sees the end of the file.
//
// Depth: expressions, blocks, types and patterns nest at most FrontEndLimits::max_nesting_depth
// levels; deeper input is one NestingTooDeep diagnostic and the nested part is skipped (balanced
// brackets), never a stack overflow.
//
// Struct literals are not parsed directly in the condition of `if` and `while`, the iterable of
// `for` and the scrutinee of `match` (as in Rust): `if x == P { ... }` opens the block. Write
// `if x == (P { a: 1 }) { ... }` when a struct literal is meant.
#pragma once

#include <memory>
#include <vector>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/limits.hpp"
#include "tenor/compiler/token.hpp"

namespace tenor::compiler {

// `tokens` must end with EndOfFile (as lex() returns them). Always returns a tree.
std::unique_ptr<ast::File> parse(const std::vector<Token>& tokens, DiagnosticEngine& diags,
                                 const FrontEndLimits& limits = {});

}  // namespace tenor::compiler
