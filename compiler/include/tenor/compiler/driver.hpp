// The compiler driver: runs the phases over one source text and the modules it uses: lex, parse,
// load the modules (src/driver/modules.cpp), check (`tenor check`); build.hpp extends it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/check.hpp"
#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/limits.hpp"
#include "tenor/compiler/source.hpp"

namespace tenor::compiler {

// Where `use`s are found (docs/language.md, "Modules"). The project is the root file's folder:
// `use fees;` loads fees.tnr beside the file that says it, `use lib::fees;` <project>/lib/fees.tnr,
// `use std::daycount;` daycount.tnr from the first of std_search_dirs() that has it.
struct ModuleOptions {
  // The folder the root file is in on disk. Empty: the folder of the name it was given by.
  std::string base_dir;
  // The standard modules' folder, searched alone (`tenor build --std DIR`). Empty: the
  // TENOR_STD_PATH environment variable when set, else the installed toolchain's
  // `<exe dir>/../share/tenor/std` and the source tree's `stdlib/std` (docs/language.md).
  std::string std_dir;
};

// The folders `use std::NAME;` searches, in order.
std::vector<std::string> std_search_dirs(const ModuleOptions& options);

struct CheckResult {
  SourceManager sources;  // owns the text the diagnostics point into
  FileId file = 0;
  DiagnosticEngine diagnostics;
  std::unique_ptr<ast::File> ast;  // always set; partial when there are errors
  // The checked program: set when the checker ran (every file lexed, parsed and loaded without
  // errors).
  std::unique_ptr<check::Program> program;
  // The modules the contract imports, directly or not, each parsed once (load order).
  std::vector<std::unique_ptr<ast::File>> modules;

  bool ok() const { return !diagnostics.has_errors(); }
  std::string diagnostics_text() const { return diagnostics.render_text(sources); }
  std::string diagnostics_json() const { return diagnostics.render_json(sources); }
};

// Lexes, parses and (when there were no syntax errors, so that one mistake is not reported twice)
// checks `text`, named `file_name` in diagnostics. Never throws on any input (bar std::bad_alloc)
// and always terminates.
// `file_name` is shown in diagnostics as given; the output records only its last component (the
// path relative to the project), so a build does not depend on how the file was named. The
// modules it `use`s are read from disk (ModuleOptions).
CheckResult check_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits = {},
                         const ModuleOptions& modules = {});

// Lexes and parses only (`program` stays null): the syntax alone, for parser tests and tools.
CheckResult parse_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits = {});

}  // namespace tenor::compiler
