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

// The sequence that starts at s[i] (i < s.size()). When `valid`, it is `length` (1..4) bytes
// encoding the code point `cp`. When not, `length` is its maximal subpart (the Unicode standard,
// section 3.9, "U+FFFD Substitution of Maximal Subparts"): the longest prefix of a well-formed
// sequence, or else 1; decoders that replace ill-formed input put one U+FFFD for each such part.
struct Utf8Scan {
  std::size_t length;
  bool valid;
};
constexpr Utf8Scan scan_utf8(std::span<const uint8_t> s, std::size_t i, uint32_t& cp) noexcept {
  const uint8_t b0 = s[i];
  if (b0 < 0x80) {
    cp = b0;
    return {1, true};
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
    return {1, false};  // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  std::size_t k = 1;  // bytes of the sequence that are well-formed so far
  for (; k < len && i + k < s.size(); ++k) {
    const uint8_t c = s[i + k];
    if (k == 1 ? (c < lo || c > hi) : (c & 0xC0) != 0x80) break;
    cp = (cp << 6) | (c & 0x3F);
  }
  return {k, k == len};
}

// Decodes the sequence that starts at s[i] (i < s.size()): its length in bytes (1..4) with the
// code point in `cp`, or 0 when it is ill-formed (then `cp` is unspecified).
constexpr std::size_t decode_utf8(std::span<const uint8_t> s, std::size_t i, uint32_t& cp) noexcept {
  const Utf8Scan r = scan_utf8(s, i, cp);
  return r.valid ? r.length : 0;
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
