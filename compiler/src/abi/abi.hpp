// The ABI JSON of a checked contract (docs/abi.md).
#pragma once

#include <string>
#include <string_view>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/check.hpp"

namespace tenor::compiler::abi {

std::string to_json(const ast::File& file, const check::Program& program, std::string_view source);

}  // namespace tenor::compiler::abi
