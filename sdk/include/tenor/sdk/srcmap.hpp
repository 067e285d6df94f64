// A contract's source map: the custom section "tenor.srcmap" the compiler writes, which maps code
// offsets back to Tenor source lines, so that a trap can name the line it happened on
// (docs/sdk.md, "Source locations of traps").
//
//   auto map = SourceMap::from_wasm(code);          // Result<std::optional<SourceMap>>
//   if (map && *map)
//     if (auto loc = (*map)->lookup(site.code_offset))   // a vm::TrapSite's offset
//       message += " (" + loc->to_string() + ")";        // " (factoring.tnr:12:5)"
//
// The section's payload (Borsh, little-endian), in one of two versions:
//   1: u8 version | String file (u32 length + UTF-8) | u32 count |
//      count rows of { u32 code_offset, u32 line, u32 column }, sorted by code_offset
//   2: u8 version | u32 file count | that many String files | u32 count |
//      count rows of { u32 code_offset, u32 file, u32 line, u32 column }, sorted by code_offset
// Version 1 names one file; version 2, which the compiler writes when code of several files (a
// contract and the modules it uses) has positions, names them in a table (file 0: the contract's)
// that each row indexes.
// A row covers the code offsets from its own up to the next row's (the last one: to the end of
// the code). Code offsets follow the WebAssembly DWARF convention: relative to the start of the
// code section's payload (the byte holding the function-count LEB is offset 0), as vm::TrapSite's
// are. Rows may share an offset (the later one wins); a row with line 0 covers code that has no
// source location (the runtime's helpers, code the compiler generated), so that the row before it
// does not claim it.
//
// No LLVM, nothing of the compiler and no VM: the reader walks the module's sections itself.
// Malformed input (a module whose sections do not parse, a truncated map, rows out of order, an
// unknown version, a file name that is not UTF-8, an empty file table or a row's file index
// beyond it, trailing bytes) is an Error, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/sdk/error.hpp"

namespace tenor::sdk {

// The name of the custom section that carries the source map.
inline constexpr std::string_view kSrcmapSectionName = "tenor.srcmap";
// The newest format version this reader understands (it reads every version from 1 up).
inline constexpr uint8_t kSrcmapVersion = 2;

struct SourceLocation {
  std::string file;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based (0: the whole line)

  // "factoring.tnr:12:5" ("factoring.tnr:12" when the column is 0).
  std::string to_string() const;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

class SourceMap {
 public:
  struct Row {
    uint32_t code_offset = 0;
    uint32_t line = 0;
    uint32_t column = 0;
    uint32_t file = 0;  // index into files() (always 0 in a version 1 map)
    friend bool operator==(const Row&, const Row&) = default;
  };

  // Parses a "tenor.srcmap" section's payload.
  static Result<SourceMap> parse(std::span<const uint8_t> payload);
  // The payload of the module's first "tenor.srcmap" custom section, nullopt when it has none;
  // Malformed when the bytes are not a WebAssembly module's section structure.
  static Result<std::optional<std::span<const uint8_t>>> section(std::span<const uint8_t> code);
  // section() parsed; nullopt when the module has no source map.
  static Result<std::optional<SourceMap>> from_wasm(std::span<const uint8_t> code);
  // The payload of a map (for tests and tools that write one): version 1 (every row's file is 0),
  // and version 2 with a file table.
  static std::vector<uint8_t> encode(std::string_view file, const std::vector<Row>& rows);
  static std::vector<uint8_t> encode(const std::vector<std::string>& files, const std::vector<Row>& rows);

  // The contract's file (the first of files()).
  const std::string& file() const noexcept { return files_.front(); }
  const std::vector<std::string>& files() const noexcept { return files_; }
  const std::vector<Row>& rows() const noexcept { return rows_; }

  // The location of the code at `code_offset`: the last row whose code_offset is <= it. Nullopt
  // before the first row and where that row has line 0.
  std::optional<SourceLocation> lookup(uint32_t code_offset) const;

 private:
  std::vector<std::string> files_ = {std::string()};  // never empty
  std::vector<Row> rows_;
};

// The source location of `code_offset` in the module `code` through its "tenor.srcmap" section;
// nullopt when the module has no map, the map is malformed, or it has no location there.
std::optional<SourceLocation> source_location(std::span<const uint8_t> code, uint32_t code_offset);

}  // namespace tenor::sdk
