// The "tenor.srcmap" reader (tenor/sdk/srcmap.hpp).
#include "tenor/sdk/srcmap.hpp"

#include <algorithm>
#include <iterator>

#include "tenor/common/wasm_sections.hpp"
#include "tenor/sdk/borsh.hpp"

namespace tenor::sdk {

namespace {

Error malformed(std::string message) { return Error{ErrorCode::Malformed, std::move(message)}; }

constexpr size_t kRowSize = 12;  // three u32

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
  if (version != kSrcmapVersion)
    return malformed(what + "unsupported version " + std::to_string(version) + " (this reader knows version " +
                     std::to_string(kSrcmapVersion) + ")");
  SourceMap map;
  if (!r.string(map.file_)) return malformed(what + "file name: " + r.error());
  uint32_t count = 0;
  // The count is checked against the remaining bytes before anything is allocated.
  if (!r.length(count, kRowSize)) return malformed(what + "row count: " + r.error());
  map.rows_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Row row;
    if (!r.u32(row.code_offset) || !r.u32(row.line) || !r.u32(row.column))
      return malformed(what + "row " + std::to_string(i) + ": " + r.error());
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
  w.u8(kSrcmapVersion);
  w.string(file);
  w.length(rows.size());
  for (const Row& row : rows) {
    w.u32(row.code_offset);
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
  return SourceLocation{file_, row.line, row.column};
}

std::optional<SourceLocation> source_location(std::span<const uint8_t> code, uint32_t code_offset) {
  auto map = SourceMap::from_wasm(code);
  if (!map || !*map) return std::nullopt;
  return (*map)->lookup(code_offset);
}

}  // namespace tenor::sdk
