// UTF-8 per RFC 3629 / the Unicode standard: no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequences. One implementation for wasm names (the VM's decoder), Borsh
// strings (the SDK) and source text (the compiler's lexer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tenor::common {

// Decodes the sequence that starts at s[i] (i < s.size()): its length in bytes (1..4) with the
// code point in `cp`, or 0 when it is ill-formed (then `cp` is unspecified).
constexpr std::size_t decode_utf8(std::span<const uint8_t> s, std::size_t i, uint32_t& cp) noexcept {
  const uint8_t b0 = s[i];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte (RFC 3629's table)
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (s.size() - i < len) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const uint8_t c = s[i + k];
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  return len;
}

inline std::size_t decode_utf8(std::string_view s, std::size_t i, uint32_t& cp) noexcept {
  return decode_utf8(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()), i, cp);
}

// The offset of the first byte that starts an ill-formed sequence, or npos when all of `s` is UTF-8.
constexpr std::size_t first_invalid_utf8(std::span<const uint8_t> s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = 0;
    const std::size_t n = decode_utf8(s, i, cp);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
  return first_invalid_utf8(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

constexpr bool is_valid_utf8(std::span<const uint8_t> s) noexcept {
  return first_invalid_utf8(s) == std::string_view::npos;
}
inline bool is_valid_utf8(std::string_view s) noexcept { return first_invalid_utf8(s) == std::string_view::npos; }

// Appends the UTF-8 encoding of `cp` (which must be a Unicode scalar value).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace tenor::common
