// Runs the Tenor front end's fuzz target over files, without libFuzzer, so that any compiler can
// build it and the test suite can replay the repository's .tnr files, the regression seeds in
// tnr_regressions/ and any crash artifact through the same checks.
//
//   tenor_fuzz_tnr_replay PATH...
//
// A PATH that is a folder contributes every *.tnr file below it; a file is replayed whatever its
// name. Exits 1 when no file was found; a crash or a broken invariant aborts, naming the file.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "tnr_fuzz_target.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".tnr") files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(path)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "tenor_fuzz_tnr_replay: no such file or folder: %s\n", argv[i]);
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: tenor_fuzz_tnr_replay PATH...  (no .tnr files found)\n");
    return 1;
  }
  std::sort(files.begin(), files.end());  // a stable order makes a failure easy to reproduce

  std::size_t parsed = 0, checked = 0, diagnostics = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "tenor_fuzz_tnr_replay: cannot read %s\n", file.c_str());
      return 1;
    }
    // Named before running, so that an abort's output says which input caused it.
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    const auto outcome = tenor::fuzz::run_tnr_input(bytes);
    parsed += outcome.parsed;
    checked += outcome.checked;
    diagnostics += outcome.diagnostics;
  }
  std::printf("replayed %zu files: %zu without syntax errors, %zu without errors, %zu diagnostics\n",
              files.size(), parsed, checked, diagnostics);
  return 0;
}
