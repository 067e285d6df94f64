// Runs the fuzz target's entry point over files, without libFuzzer, so that any compiler can build
// it and the test suite can replay a corpus (the spec suite's modules, or a crash artifact).
//
//   tenor_fuzz_wasm_replay PATH...
//
// A PATH that is a folder contributes every *.wasm file below it. Exits 1 when no file was found;
// a crash or a broken invariant aborts, naming the file being replayed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wasm_fuzz_target.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".wasm") files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(path)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "tenor_fuzz_wasm_replay: no such file or folder: %s\n", argv[i]);
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: tenor_fuzz_wasm_replay PATH...  (no .wasm files found)\n");
    return 1;
  }
  std::sort(files.begin(), files.end());  // a stable order makes a failure easy to reproduce

  size_t loaded = 0, instantiated = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "tenor_fuzz_wasm_replay: cannot read %s\n", file.c_str());
      return 1;
    }
    // Named before running, so that an abort's output says which input caused it.
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    const auto outcome = tenor::fuzz::run_wasm_input(bytes);
    loaded += outcome.loaded;
    instantiated += outcome.instantiated;
  }
  std::printf("replayed %zu files: %zu loaded, %zu instantiated and their exports called\n",
              files.size(), loaded, instantiated);
  return 0;
}
