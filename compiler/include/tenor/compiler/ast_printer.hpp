// The AST as S-expression-like text, for tests and `tenor check --ast`. One line per item
// header, field and statement, indented two spaces per level; expressions, types and patterns on
// one line:
//   (contract Factoring
//     (struct Invoice
//       (field seller Party))
//     (action register (param id Hash) (returns u64) (signed_by sender)
//       (let inv (index invoices id))))
// Types print in source syntax (`Map<Hash, Invoice>`, `[u8; 32]`). Ranges are not printed.
#pragma once

#include <string>

#include "tenor/compiler/ast.hpp"

namespace tenor::compiler {

std::string print_ast(const ast::File& file);
std::string print_expr(const ast::Expr& expr);
std::string print_type(const ast::Type& type);
std::string print_pattern(const ast::Pattern& pattern);

}  // namespace tenor::compiler
