// check(): the Checker over one file.
#include "checker.hpp"

namespace tenor::compiler::check {

std::unique_ptr<Program> check(const ast::File& file, DiagnosticEngine& diags, const FrontEndLimits& limits) {
  return Checker(file, diags, limits).run();
}

}  // namespace tenor::compiler::check
