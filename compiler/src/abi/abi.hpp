// The ABI JSON of a checked contract (docs/abi.md).
#pragma once

#include <string>
#include <string_view>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/check.hpp"
#include "tenor/compiler/source.hpp"

namespace tenor::compiler::abi {

// `sources` holds the contract's file (`root`) and the modules it uses, which source_sha256 covers.
std::string to_json(const ast::File& file, const check::Program& program, const SourceManager& sources, FileId root);

// The ABI's source_sha256 (docs/abi.md): the SHA-256 of the contract file's bytes when it is the
// only file; with modules, the SHA-256 of the manifest `<hex SHA-256>  <path>\n` per file (the
// format of `sha256sum`), lines sorted by path (byte order), paths relative to the project.
std::string source_sha256(const SourceManager& sources, FileId root);

}  // namespace tenor::compiler::abi
