// `tenor check FILE.tnr [--json] [--ast]`: lexes, parses and type-checks a Tenor source file and reports its
// diagnostics (text on stderr, or one JSON object on stdout with --json); --ast prints the syntax
// tree. Exit status: 0 no errors, 1 the source has errors, 2 usage (no such file).
// `tenor build` (type checking, LLVM, WebAssembly) joins this group later.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "tenor/compiler/ast_printer.hpp"
#include "tenor/compiler/driver.hpp"

namespace tenor::cli {
namespace {

struct CheckOptions {
  std::string file;
  bool json = false;
  bool ast = false;
};

int check(const CheckOptions& opts) {
  std::error_code ec;
  if (!fs::is_regular_file(opts.file, ec)) usage_error("no source file " + opts.file);
  std::ifstream in(opts.file, std::ios::binary);
  if (!in) usage_error("cannot read " + opts.file);
  std::ostringstream text;
  text << in.rdbuf();
  const compiler::CheckResult r = compiler::check_source(opts.file, text.str());
  if (opts.json) {
    // The engine renders its own JSON; embed it so tools get one object.
    Json j;
    j["file"] = opts.file;
    j["ok"] = r.ok();
    const std::string engine_json = r.diagnostics_json();
    const Json diags = Json::parse(engine_json, nullptr, false);
    if (diags.is_discarded()) {  // not expected (messages are UTF-8): print the engine's own JSON
      std::cout << engine_json << "\n";
      return r.ok() ? kExitOk : kExitFailure;
    }
    j["error_count"] = diags["error_count"];
    j["truncated"] = diags["truncated"];
    j["diagnostics"] = diags["diagnostics"];
    if (opts.ast && r.ast) j["ast"] = compiler::print_ast(*r.ast);
    print_json(j);
  } else {
    if (opts.ast && r.ast) std::cout << compiler::print_ast(*r.ast);
    std::cout.flush();
    std::cerr << r.diagnostics_text();
  }
  return r.ok() ? kExitOk : kExitFailure;
}

}  // namespace

void register_compile_commands(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Parse a Tenor contract (.tnr) and report its errors");
  cmd->add_option("FILE", opts->file, "the .tnr source file")->required();
  cmd->add_flag("--json", opts->json, "print the diagnostics as one JSON object on stdout");
  cmd->add_flag("--ast", opts->ast, "print the syntax tree");
  cmd->callback([&ctx, opts] { run_command(ctx, [opts] { return check(*opts); }); });
}

}  // namespace tenor::cli
