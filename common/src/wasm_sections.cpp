#include "tenor/common/wasm_sections.hpp"

#include <algorithm>
#include <iterator>

#include "tenor/common/byte_reader.hpp"

namespace tenor::common {

std::optional<std::string> for_each_wasm_section(std::span<const uint8_t> module,
                                                 const std::function<bool(const WasmSection&)>& visit) {
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};
  if (module.size() < 8 || !std::equal(std::begin(kMagic), std::end(kMagic), module.begin()))
    return "not a WebAssembly module (it does not start with \\0asm)";
  ByteReader r(module, 8, module.size());
  while (!r.at_end()) {
    WasmSection s;
    s.offset = r.pos();
    uint32_t size = 0;
    if (!r.read_u8(s.id) || !r.read_u32(size) || size > r.remaining())
      return "the section at offset " + std::to_string(s.offset) + " runs past the end of the module";
    s.end = r.pos() + size;
    ByteReader body(module, r.pos(), s.end);
    if (s.id == 0) {
      uint32_t n = 0;
      std::span<const uint8_t> name;
      if (!body.read_u32(n) || !body.read_bytes(n, name))
        return "the custom section at offset " + std::to_string(s.offset) + " has a bad name";
      s.name = {reinterpret_cast<const char*>(name.data()), name.size()};
    }
    s.payload = module.subspan(body.pos(), s.end - body.pos());
    if (!visit(s)) return std::nullopt;
    r.skip(size);
  }
  return std::nullopt;
}

Result<std::optional<std::span<const uint8_t>>, std::string> find_custom_section(std::span<const uint8_t> module,
                                                                                 std::string_view name) {
  std::optional<std::span<const uint8_t>> found;
  auto error = for_each_wasm_section(module, [&](const WasmSection& s) {
    if (s.id == 0 && s.name == name) found = s.payload;
    return !found;
  });
  if (error) return std::move(*error);
  return found;
}

Result<Bytes, std::string> remove_wasm_sections(std::span<const uint8_t> module,
                                                const std::function<bool(const WasmSection&)>& drop) {
  Bytes out;
  auto error = for_each_wasm_section(module, [&](const WasmSection& s) {
    if (out.empty()) out.assign(module.begin(), module.begin() + 8);
    if (!drop(s))
      out.insert(out.end(), module.begin() + static_cast<std::ptrdiff_t>(s.offset),
                 module.begin() + static_cast<std::ptrdiff_t>(s.end));
    return true;
  });
  if (error) return std::move(*error);
  if (out.empty()) out.assign(module.begin(), module.begin() + 8);
  return out;
}

void append_uleb128(Bytes& out, uint64_t value) {
  do {
    const auto b = static_cast<uint8_t>(value & 0x7F);
    value >>= 7;
    out.push_back(static_cast<uint8_t>(b | (value ? 0x80 : 0)));
  } while (value);
}

void append_custom_section(Bytes& module, std::string_view name, std::span<const uint8_t> payload) {
  Bytes body;
  append_uleb128(body, name.size());
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), payload.begin(), payload.end());
  module.push_back(0);
  append_uleb128(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
}

}  // namespace tenor::common
