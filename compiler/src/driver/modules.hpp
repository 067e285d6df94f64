// The module loader: reads, lexes and parses every file a contract `use`s, directly or through
// other modules, once each, and binds each `use` to its file (docs/language.md, "Modules").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/check.hpp"
#include "tenor/compiler/driver.hpp"

namespace tenor::compiler {

// The path a root file named `file_name` is recorded by in the output: its last component (the
// project is its folder).
std::string project_path(std::string_view file_name);

// Loads the modules of the root file in `r` (r.ast, r.file): their trees go to r.modules, their
// text to r.sources, their errors to r.diagnostics. Returns the units for the checker: the
// contract first, then the modules in load order.
std::vector<check::Unit> load_modules(CheckResult& r, std::string_view file_name, const ModuleOptions& options,
                                      const FrontEndLimits& limits);

}  // namespace tenor::compiler
