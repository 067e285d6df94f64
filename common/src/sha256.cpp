#include "tenor/common/sha256.hpp"

#include <sodium.h>

namespace tenor::common {

Hash sha256(std::span<const uint8_t> data) noexcept {
  Hash h{};
  crypto_hash_sha256(h.data(), data.data(), data.size());
  return h;
}

}  // namespace tenor::common
