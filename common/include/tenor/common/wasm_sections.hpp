// The section structure of a WebAssembly binary module (spec 5.5.2): the magic and version, then
// sections of (id: u8, size: u32 LEB128, payload); a custom section (id 0) starts its payload with a
// name. What the SDK (tenor.abi, tenor.srcmap) and the compiler (adding them, dropping .debug_*)
// need without decoding the module; the VM's decoder validates everything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tenor/common/bytes.hpp"
#include "tenor/common/result.hpp"

namespace tenor::common {

struct WasmSection {
  uint8_t id = 0;
  size_t offset = 0;                 // of the id byte in the module
  size_t end = 0;                    // one past the section's last byte
  std::string_view name;             // custom sections only
  std::span<const uint8_t> payload;  // for a custom section, what follows its name
};

// Calls `visit` for each section in order until it returns false. The error is a sentence naming
// the offset: "not a WebAssembly module (it does not start with \0asm)", "the section at offset 40
// runs past the end of the module", "the custom section at offset 40 has a bad name".
std::optional<std::string> for_each_wasm_section(std::span<const uint8_t> module,
                                                 const std::function<bool(const WasmSection&)>& visit);

// The payload of the first custom section called `name`, nullopt when there is none.
Result<std::optional<std::span<const uint8_t>>, std::string> find_custom_section(std::span<const uint8_t> module,
                                                                                 std::string_view name);

// The module without the sections for which `drop` is true (the header and the rest kept byte for byte).
Result<Bytes, std::string> remove_wasm_sections(std::span<const uint8_t> module,
                                                const std::function<bool(const WasmSection&)>& drop);

// Appends a custom section at the end of the module.
void append_custom_section(Bytes& module, std::string_view name, std::span<const uint8_t> payload);

// Unsigned LEB128, as short as possible.
void append_uleb128(Bytes& out, uint64_t value);

}  // namespace tenor::common
