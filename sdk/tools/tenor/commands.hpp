// The `tenor` command line: commands.def is the table of its commands, main.cpp walks it, and a
// cmd_*.cpp file sets each command up (options, subcommands, callback). A command reports its exit
// status through CommandContext, because CLI11 callbacks return nothing.
#pragma once

namespace CLI {
class App;
}

namespace tenor::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and the answer is "no": a trap, an
                                        // invalid module, a failing test
inline constexpr int kExitUsage = 2;    // bad command line, unknown export, missing folder

struct CommandContext {
  int exit_code = kExitOk;
};

// One per row of commands.def: sets up `cmd` (already added to the App with its name and
// summary). `ctx` outlives the App's parse.
#define TENOR_COMMAND(id, name, summary) void setup_##id(CLI::App& cmd, CommandContext& ctx);
#include "commands.def"

}  // namespace tenor::cli
