// Replays the Tenor front end's fuzz target over files (replay_driver.hpp): the repository's .tnr
// files, the regression seeds in tnr_regressions/ and any crash artifact, through the same checks.
//
//   tenor_fuzz_tnr_replay PATH...   (folders: every *.tnr file below them)
#include <cstdio>

#include "replay_driver.hpp"
#include "tnr_fuzz_target.hpp"

int main(int argc, char** argv) {
  const char* program = "tenor_fuzz_tnr_replay";
  auto files = tenor::fuzz::replay_inputs(argc, argv, program, ".tnr");
  if (!files) return 1;
  std::size_t parsed = 0, checked = 0, diagnostics = 0;
  const bool read = tenor::fuzz::replay_each(*files, program, [&](const std::vector<uint8_t>& bytes) {
    const auto outcome = tenor::fuzz::run_tnr_input(bytes);
    parsed += outcome.parsed;
    checked += outcome.checked;
    diagnostics += outcome.diagnostics;
  });
  if (!read) return 1;
  std::printf("replayed %zu files: %zu without syntax errors, %zu without errors, %zu diagnostics\n", files->size(),
              parsed, checked, diagnostics);
  return 0;
}
