// Hexadecimal text of bytes: lower-case out, either case in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tenor/common/bytes.hpp"

namespace tenor::common {

// "00ff10"
std::string to_hex(std::span<const uint8_t> bytes);
// The bytes of an even number of hex digits (either case, no prefix); nullopt for anything else.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace tenor::common
