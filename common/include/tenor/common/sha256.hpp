// SHA-256 (FIPS 180-4) over libsodium: code hashes, transaction and block ids, the state tree.
#pragma once

#include <cstdint>
#include <span>

#include "tenor/common/bytes.hpp"

namespace tenor::common {

Hash sha256(std::span<const uint8_t> data) noexcept;

}  // namespace tenor::common
