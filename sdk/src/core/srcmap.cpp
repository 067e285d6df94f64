// The "tenor.srcmap" reader (tenor/sdk/srcmap.hpp).
#include "tenor/sdk/srcmap.hpp"

#include <algorithm>
#include <iterator>

#include "tenor/common/wasm_sections.hpp"
#include "tenor/sdk/borsh.hpp"

namespace tenor::sdk {

namespace {

Error malformed(std::string message) { return Error{ErrorCode::Malformed, std::move(message)}; }

// Bytes per row: three u32 in version 1, four (with the file index) in version 2.
constexpr size_t row_size(uint8_t version) { return version == 1 ? 12 : 16; }

}  // namespace

std::string SourceLocation::to_string() const {
  std::string out = file + ":" + std::to_string(line);
  if (column != 0) out += ":" + std::to_string(column);
  return out;
}

Result<SourceMap> SourceMap::parse(std::span<const uint8_t> payload) {
  const std::string what = "the " + std::string(kSrcmapSectionName) + " section: ";
  BorshReader r(payload);
  uint8_t version = 0;
  if (!r.u8(version)) return malformed(what + r.error());
  if (version < 1 || version > kSrcmapVersion)
    return malformed(what + "unsupported version " + std::to_string(version) + " (this reader knows versions 1 to " +
                     std::to_string(kSrcmapVersion) + ")");
  SourceMap map;
  if (version == 1) {
    if (!r.string(map.files_[0])) return malformed(what + "file name: " + r.error());
  } else {
    uint32_t files = 0;
    // Each name takes at least its u32 length.
    if (!r.length(files, 4)) return malformed(what + "file count: " + r.error());
    if (files == 0) return malformed(what + "the file table is empty");
    map.files_.assign(files, std::string());
    for (uint32_t f = 0; f < files; ++f)
      if (!r.string(map.files_[f])) return malformed(what + "file name " + std::to_string(f) + ": " + r.error());
  }
  uint32_t count = 0;
  // The count is checked against the remaining bytes before anything is allocated.
  if (!r.length(count, row_size(version))) return malformed(what + "row count: " + r.error());
  map.rows_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Row row;
    const bool read = version == 1 ? r.u32(row.code_offset) && r.u32(row.line) && r.u32(row.column)
                                   : r.u32(row.code_offset) && r.u32(row.file) && r.u32(row.line) && r.u32(row.column);
    if (!read) return malformed(what + "row " + std::to_string(i) + ": " + r.error());
    if (row.file >= map.files_.size())
      return malformed(what + "row " + std::to_string(i) + " names file " + std::to_string(row.file) +
                       " of a table of " + std::to_string(map.files_.size()));
    if (!map.rows_.empty() && row.code_offset < map.rows_.back().code_offset)
      return malformed(what + "row " + std::to_string(i) + " (code offset " + std::to_string(row.code_offset) +
                       ") comes after a row with the larger code offset " +
                       std::to_string(map.rows_.back().code_offset) + ": rows must be sorted by code offset");
    map.rows_.push_back(row);
  }
  if (!r.finish()) return malformed(what + r.error());
  return map;
}

Result<std::optional<std::span<const uint8_t>>> SourceMap::section(std::span<const uint8_t> code) {
  auto found = common::find_custom_section(code, kSrcmapSectionName);
  if (!found) return malformed(std::move(found).error());
  return *found;
}

Result<std::optional<SourceMap>> SourceMap::from_wasm(std::span<const uint8_t> code) {
  auto payload = section(code);
  if (!payload) return std::move(payload).error();
  if (!*payload) return std::optional<SourceMap>();
  auto map = parse(**payload);
  if (!map) return std::move(map).error();
  return std::optional<SourceMap>(std::move(*map));
}

std::vector<uint8_t> SourceMap::encode(std::string_view file, const std::vector<Row>& rows) {
  BorshWriter w;
  w.u8(1);
  w.string(file);
  w.length(rows.size());
  for (const Row& row : rows) {
    w.u32(row.code_offset);
    w.u32(row.line);
    w.u32(row.column);
  }
  return w.take();
}

std::vector<uint8_t> SourceMap::encode(const std::vector<std::string>& files, const std::vector<Row>& rows) {
  BorshWriter w;
  w.u8(2);
  w.length(files.size());
  for (const std::string& f : files) w.string(f);
  w.length(rows.size());
  for (const Row& row : rows) {
    w.u32(row.code_offset);
    w.u32(row.file);
    w.u32(row.line);
    w.u32(row.column);
  }
  return w.take();
}

std::optional<SourceLocation> SourceMap::lookup(uint32_t code_offset) const {
  // The first row beyond the offset; the one before it covers the offset.
  auto it = std::upper_bound(rows_.begin(), rows_.end(), code_offset,
                             [](uint32_t offset, const Row& row) { return offset < row.code_offset; });
  if (it == rows_.begin()) return std::nullopt;
  const Row& row = *std::prev(it);
  if (row.line == 0) return std::nullopt;
  return SourceLocation{files_[row.file], row.line, row.column};
}

std::optional<SourceLocation> source_location(std::span<const uint8_t> code, uint32_t code_offset) {
  auto map = SourceMap::from_wasm(code);
  if (!map || !*map) return std::nullopt;
  return (*map)->lookup(code_offset);
}

}  // namespace tenor::sdk
