// The map from internal pc to wasm code offset (CompiledFunction::offset_map), which only trap
// sites read: the translator records an entry where the originating wasm instruction changes and
// encodes the run as LEB128 deltas; code_offset_at decodes it.
#include "translator.hpp"

namespace tenor::vm::detail {

namespace translation {

void Translator::note_pc(uint32_t p, uint32_t offset) {
  while (!map_.empty() && map_.back().first >= p) map_.pop_back();
  if (map_.empty() || map_.back().second != offset) map_.push_back({p, offset});  // else covered
}

uint32_t Translator::mapped_offset(uint32_t p) const {
  uint32_t offset = 0;
  for (const auto& e : map_) {
    if (e.first > p) break;
    offset = e.second;
  }
  return offset;
}

void Translator::encode_offset_map() {
  std::vector<uint8_t>& out = out_.offset_map;
  out.resize(map_.size() * 10);
  uint8_t* q = out.data();
  uint32_t prev_pc = 0;
  int64_t prev_offset = 0;
  for (const auto& [p, offset] : map_) {
    uint32_t dp = p - prev_pc;
    while (dp >= 0x80) {
      *q++ = static_cast<uint8_t>(dp | 0x80);
      dp >>= 7;
    }
    *q++ = static_cast<uint8_t>(dp);
    int64_t d = static_cast<int64_t>(offset) - prev_offset;
    for (bool more = true; more;) {
      uint8_t b = static_cast<uint8_t>(d & 0x7F);
      d >>= 7;  // arithmetic shift
      more = !((d == 0 && (b & 0x40) == 0) || (d == -1 && (b & 0x40) != 0));
      *q++ = static_cast<uint8_t>(b | (more ? 0x80 : 0));
    }
    prev_pc = p;
    prev_offset = offset;
  }
  out.resize(static_cast<size_t>(q - out.data()));
  out.shrink_to_fit();
}

}  // namespace translation

uint32_t CompiledFunction::code_offset_at(uint32_t pc) const noexcept {
  // Decodes the (pc delta, offset delta) LEB128 pairs written by encode_offset_map.
  ByteReader r(offset_map);
  uint32_t at = 0;
  int64_t offset = 0, found = 0;
  while (!r.at_end()) {
    uint32_t dp;
    int64_t d;
    if (!r.read_u32(dp) || !r.read_s64(d)) break;
    at += dp;
    offset += d;
    if (at > pc) break;
    found = offset;
  }
  return static_cast<uint32_t>(found);
}

}  // namespace tenor::vm::detail
