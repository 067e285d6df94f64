// The compiler driver: runs the phases over one source text: lex, parse and check (`tenor check`);
// `build()` (LLVM, WebAssembly) extends it later.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/check.hpp"
#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/limits.hpp"
#include "tenor/compiler/source.hpp"

namespace tenor::compiler {

struct CheckResult {
  SourceManager sources;  // owns the text the diagnostics point into
  FileId file = 0;
  DiagnosticEngine diagnostics;
  std::unique_ptr<ast::File> ast;  // always set; partial when there are errors
  // The checked program: set when the checker ran (the file lexed and parsed without errors).
  std::unique_ptr<check::Program> program;

  bool ok() const { return !diagnostics.has_errors(); }
  std::string diagnostics_text() const { return diagnostics.render_text(sources); }
  std::string diagnostics_json() const { return diagnostics.render_json(sources); }
};

// Lexes, parses and (when there were no syntax errors, so that one mistake is not reported twice)
// checks `text`, named `file_name` in diagnostics. Never throws on any input (bar std::bad_alloc)
// and always terminates.
CheckResult check_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits = {});

// Lexes and parses only (`program` stays null): the syntax alone, for parser tests and tools.
CheckResult parse_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits = {});

}  // namespace tenor::compiler
