// check(): the Checker over a contract and its modules.
#include "checker.hpp"

namespace tenor::compiler::check {

std::unique_ptr<Program> check(const ast::File& file, DiagnosticEngine& diags, const FrontEndLimits& limits) {
  return check(std::vector<Unit>{Unit{&file, "", "", {}}}, diags, limits);
}

std::unique_ptr<Program> check(std::vector<Unit> units, DiagnosticEngine& diags, const FrontEndLimits& limits) {
  return Checker(std::move(units), diags, limits).run();
}

}  // namespace tenor::compiler::check
