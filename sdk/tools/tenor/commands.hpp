// The `tenor` command line: main.cpp builds the CLI::App and each cmd_*.cpp registers one group of
// subcommands on it. A subcommand reports its exit status through CommandContext, because CLI11
// callbacks return nothing.
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

// `tenor wasm validate|run|spec`.
void register_wasm_commands(CLI::App& app, CommandContext& ctx);

}  // namespace tenor::cli
