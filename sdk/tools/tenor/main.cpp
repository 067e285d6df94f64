// `tenor`: adds the commands of commands.def, in its order, and runs the one the command line names.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"

#ifndef TENOR_VERSION_STRING
#define TENOR_VERSION_STRING "unknown"
#endif

namespace tenor::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  void (*setup)(CLI::App& cmd, CommandContext& ctx);
};

constexpr Command kCommands[] = {
#define TENOR_COMMAND(id, name, summary) {name, summary, &setup_##id},
#include "commands.def"
};

}  // namespace
}  // namespace tenor::cli

int main(int argc, char** argv) {
  using namespace tenor::cli;
  CLI::App app{"Tenor: a deterministic WebAssembly VM for smart contracts.", "tenor"};
  app.set_version_flag("--version", "tenor " TENOR_VERSION_STRING);
  app.require_subcommand(1);
  app.footer("Exit status: 0 success, 1 failure (trap, invalid module, failing test), 2 usage error.");

  CommandContext ctx;
  for (const Command& c : kCommands) c.setup(*app.add_subcommand(c.name, c.summary), ctx);

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
