// Replays the wasm fuzz target over files (replay_driver.hpp): the spec suite's modules, or a crash
// artifact.
//
//   tenor_fuzz_wasm_replay PATH...   (folders: every *.wasm file below them)
#include <cstdio>

#include "replay_driver.hpp"
#include "wasm_fuzz_target.hpp"

int main(int argc, char** argv) {
  const char* program = "tenor_fuzz_wasm_replay";
  auto files = tenor::fuzz::replay_inputs(argc, argv, program, ".wasm");
  if (!files) return 1;
  size_t loaded = 0, instantiated = 0;
  const bool read = tenor::fuzz::replay_each(*files, program, [&](const std::vector<uint8_t>& bytes) {
    const auto outcome = tenor::fuzz::run_wasm_input(bytes);
    loaded += outcome.loaded;
    instantiated += outcome.instantiated;
  });
  if (!read) return 1;
  std::printf("replayed %zu files: %zu loaded, %zu instantiated and their exports called\n", files->size(), loaded,
              instantiated);
  return 0;
}
