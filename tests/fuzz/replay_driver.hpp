// What the fuzz targets' replay programs share (replay_main.cpp, tnr_replay_main.cpp): they run a
// target's entry point over files, without libFuzzer, so that any compiler can build them and the
// test suite can replay a corpus or a crash artifact.
//
//   PROGRAM PATH...
//
// A PATH that is a folder contributes every file with the target's extension below it; a file is
// replayed whatever its name. Exits 1 when no file was found or one cannot be read; a crash or a
// broken invariant aborts, naming the file being replayed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <vector>

namespace tenor::fuzz {

// The files PATH... names, sorted (a stable order makes a failure easy to reproduce); nullopt
// after saying on stderr why there are none.
inline std::optional<std::vector<std::filesystem::path>> replay_inputs(int argc, char** argv, const char* program,
                                                                       const char* extension) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == extension) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(path)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "%s: no such file or folder: %s\n", program, argv[i]);
      return std::nullopt;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s PATH...  (no %s files found)\n", program, extension);
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Each file's bytes to `run`, the file named on stderr first (so that an abort's output says which
// input caused it); false after saying which file cannot be read.
inline bool replay_each(const std::vector<std::filesystem::path>& files, const char* program,
                        const std::function<void(const std::vector<uint8_t>&)>& run) {
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "%s: cannot read %s\n", program, file.c_str());
      return false;
    }
    std::fprintf(stderr, "replaying %s\n", file.c_str());
    run(bytes);
  }
  return true;
}

}  // namespace tenor::fuzz
