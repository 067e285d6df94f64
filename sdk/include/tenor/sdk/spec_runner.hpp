// Runs the official WebAssembly spec tests (wast2json output, see shared/wasm-spec/README.md)
// against Tenor's VM. One JSON file is one script: its commands share a Store, a Linker holding
// the `spectest` host module, and the names of its modules; nothing carries over between files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "tenor/vm/config.hpp"

namespace tenor::sdk {

// One command that did not behave as the script expects.
struct SpecFailure {
  std::string file;     // the script the line refers to (its .wast name, else the JSON's name)
  uint32_t line = 0;    // 0 when the failure concerns the whole file
  std::string command;  // e.g. `assert_return invoke "add" (i64:1, i64:1)`
  std::string expected;
  std::string actual;

  // "i64.wast:38: assert_return invoke "add" (i64:1, i64:1): expected (i64:2), got (i64:3)"
  std::string to_string() const;
};

struct SpecFileResult {
  std::filesystem::path path;  // the JSON file
  size_t commands = 0;         // commands in the file; passed + failed + skipped == commands
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;  // commands that do not apply to a binary-only VM (text modules)
  std::vector<SpecFailure> failures;
  // Set when the file could not be read or parsed as a command list; then failed == 1 and
  // failures holds the same message.
  std::optional<std::string> file_error;

  bool ok() const noexcept { return failed == 0; }
};

// Runs every command of one JSON script in order. Never throws; every problem, including an
// unreadable or malformed JSON file, a missing .wasm file or an unknown command, is a failure.
SpecFileResult run_spec_file(const std::filesystem::path& json_path, const vm::VmConfig& config = {});

// The scripts under `dir`: its *.json files and those of its immediate subfolders (so both
// shared/wasm-spec/i64 and shared/wasm-spec work), sorted by path. Sets `ec` and returns nothing
// when `dir` is not a readable folder.
std::vector<std::filesystem::path> find_spec_files(const std::filesystem::path& dir, std::error_code& ec);

}  // namespace tenor::sdk
