// Byte strings and 32-byte digests: the vocabulary every part of Tenor passes around.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace tenor::common {

using Bytes = std::vector<uint8_t>;
using Hash = std::array<uint8_t, 32>;  // a SHA-256 digest

}  // namespace tenor::common
