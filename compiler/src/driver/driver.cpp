#include "tenor/compiler/driver.hpp"

#include "tenor/compiler/check.hpp"
#include "tenor/compiler/lexer.hpp"
#include "tenor/compiler/parser.hpp"
#include "modules.hpp"

namespace tenor::compiler {

CheckResult parse_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits) {
  CheckResult r{SourceManager{}, 0, DiagnosticEngine(limits.max_errors), nullptr, nullptr, {}};
  if (text.size() > limits.max_source_bytes) {
    r.file = r.sources.add_file(std::string(file_name), std::string());
    r.diagnostics.report(DiagnosticKind::SourceTooLarge, {r.file, 0, 0},
                         {std::to_string(text.size()), std::to_string(limits.max_source_bytes)});
    r.ast = std::make_unique<ast::File>();
    return r;
  }
  r.file = r.sources.add_file(std::string(file_name), std::string(text), project_path(file_name));
  const std::vector<Token> tokens = lex(r.sources, r.file, r.diagnostics);
  r.ast = parse(tokens, r.diagnostics, limits);
  return r;
}

CheckResult check_source(std::string_view file_name, std::string_view text, const FrontEndLimits& limits,
                         const ModuleOptions& modules) {
  CheckResult r = parse_source(file_name, text, limits);
  if (r.diagnostics.has_errors()) return r;
  std::vector<check::Unit> units = load_modules(r, file_name, modules, limits);
  if (!r.diagnostics.has_errors()) r.program = check::check(std::move(units), r.diagnostics, limits);
  return r;
}

}  // namespace tenor::compiler
