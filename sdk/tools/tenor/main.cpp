#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace tenor::cli {
// `tenor keys ...` (cmd_keys.cpp) and the chain commands `tenor init|deploy|call|...` (cmd_chain.cpp).
void register_keys_commands(CLI::App& app, CommandContext& ctx);
void register_chain_commands(CLI::App& app, CommandContext& ctx);
void register_audit_commands(CLI::App& app, CommandContext& ctx);
// `tenor check` (cmd_compile.cpp): the compiler's front end.
void register_compile_commands(CLI::App& app, CommandContext& ctx);
}  // namespace tenor::cli

#ifndef TENOR_VERSION_STRING
#define TENOR_VERSION_STRING "unknown"
#endif

int main(int argc, char** argv) {
  using namespace tenor::cli;
  CLI::App app{"Tenor: a deterministic WebAssembly VM for smart contracts.", "tenor"};
  app.set_version_flag("--version", "tenor " TENOR_VERSION_STRING);
  app.require_subcommand(1);
  app.footer("Exit status: 0 success, 1 failure (trap, invalid module, failing test), 2 usage error.");

  CommandContext ctx;
  register_wasm_commands(app, ctx);
  register_keys_commands(app, ctx);
  register_chain_commands(app, ctx);
  register_audit_commands(app, ctx);
  register_compile_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every parse error is a usage error.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "tenor: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return ctx.exit_code;
}
