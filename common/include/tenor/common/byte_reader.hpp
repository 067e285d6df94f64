// Bounds-checked reading of the WebAssembly binary format's primitives: bytes, LEB128 integers,
// IEEE-754 bit patterns and UTF-8 names.
//
// Contract of ByteReader:
//  - It reads a window [begin, end) of a module's bytes. Offsets (pos(), error_offset()) are
//    absolute: indices into the whole module, so that errors name a byte of the input file.
//  - Every read_* returns true on success. On failure it returns false, leaves `out` unspecified,
//    and the reader remembers the *first* failure (a static message and its offset); after a
//    failure every later read fails too, so a caller may chain reads and check once:
//        uint32_t a, b;
//        if (!r.read_u32(a) || !r.read_u32(b)) return propagate(r.error_message(), ...);
//  - LEB128 integers follow the spec exactly: an N-bit integer uses at most ceil(N/7) bytes
//    ("integer representation too long"), and in the last allowed byte the bits beyond N must be
//    zero (unsigned) or copies of the sign bit (signed) ("integer too large"). Running past the
//    window is "unexpected end".
//  - Nothing allocates, nothing throws, and every read consumes at least one byte or fails, so a
//    loop driven by reads over a finite window always terminates.
//
// The VM's decoder uses one reader per section (or function body); the SDK and the compiler walk a
// module's sections with it too (wasm_sections.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tenor/common/utf8.hpp"

namespace tenor::common {

// Messages of the reader's failures; stable texts that tests may compare against.
inline constexpr const char* kErrUnexpectedEnd = "unexpected end";
inline constexpr const char* kErrLebTooLong = "integer representation too long";
inline constexpr const char* kErrLebTooLarge = "integer too large";
inline constexpr const char* kErrLengthOutOfBounds = "length out of bounds";
inline constexpr const char* kErrMalformedUtf8 = "malformed UTF-8 encoding";

class ByteReader {
 public:
  ByteReader() = default;
  // Reads all of `bytes`; offsets start at 0.
  explicit ByteReader(std::span<const uint8_t> bytes) noexcept : data_(bytes.data()), pos_(0), end_(bytes.size()) {}
  // Reads `bytes[begin, end)`; offsets stay absolute (indices into `bytes`). Requires
  // begin <= end <= bytes.size().
  ByteReader(std::span<const uint8_t> bytes, size_t begin, size_t end) noexcept
      : data_(bytes.data()), pos_(begin), end_(end) {}

  // --- state ---
  size_t pos() const noexcept { return pos_; }
  size_t end() const noexcept { return end_; }
  size_t remaining() const noexcept { return end_ - pos_; }
  bool at_end() const noexcept { return pos_ >= end_; }
  bool ok() const noexcept { return error_ == nullptr; }
  // The first failure, or nullptr / 0 when there was none.
  const char* error_message() const noexcept { return error_; }
  size_t error_offset() const noexcept { return error_offset_; }

  // Records a failure (only the first one is kept), stops further reading and returns false.
  bool fail(const char* message) noexcept { return fail_at(message, pos_); }
  bool fail_at(const char* message, size_t offset) noexcept {
    if (error_ == nullptr) {
      error_ = message;
      error_offset_ = offset;
    }
    pos_ = end_;
    return false;
  }

  // --- fixed-size reads ---
  bool peek_u8(uint8_t& out) const noexcept {
    if (pos_ >= end_) return false;
    out = data_[pos_];
    return true;
  }
  bool read_u8(uint8_t& out) noexcept {
    if (pos_ >= end_) return fail(kErrUnexpectedEnd);
    out = data_[pos_++];
    return true;
  }
  bool read_f32_bits(uint32_t& out) noexcept {
    if (end_ - pos_ < 4) return fail(kErrUnexpectedEnd);
    out = 0;
    for (int i = 3; i >= 0; --i) out = (out << 8) | data_[pos_ + static_cast<size_t>(i)];
    pos_ += 4;
    return true;
  }
  bool read_f64_bits(uint64_t& out) noexcept {
    if (end_ - pos_ < 8) return fail(kErrUnexpectedEnd);
    out = 0;
    for (int i = 7; i >= 0; --i) out = (out << 8) | data_[pos_ + static_cast<size_t>(i)];
    pos_ += 8;
    return true;
  }
  // `n` raw bytes (a view into the module).
  bool read_bytes(size_t n, std::span<const uint8_t>& out) noexcept {
    if (end_ - pos_ < n) return fail(kErrUnexpectedEnd);
    out = {data_ + pos_, n};
    pos_ += n;
    return true;
  }
  bool skip(size_t n) noexcept {
    if (end_ - pos_ < n) return fail(kErrUnexpectedEnd);
    pos_ += n;
    return true;
  }

  // --- LEB128 ---
  bool read_u32(uint32_t& out) noexcept {
    if (pos_ < end_ && data_[pos_] < 0x80) {  // fast path: one byte
      out = data_[pos_++];
      return true;
    }
    uint64_t v;
    if (!read_leb<32, false>(v)) return false;
    out = static_cast<uint32_t>(v);
    return true;
  }
  bool read_u64(uint64_t& out) noexcept { return read_leb<64, false>(out); }
  bool read_s32(int32_t& out) noexcept {
    if (pos_ < end_ && data_[pos_] < 0x80) {
      const uint8_t b = data_[pos_++];
      out = (b & 0x40) ? static_cast<int32_t>(b) - 0x80 : static_cast<int32_t>(b);
      return true;
    }
    uint64_t v;
    if (!read_leb<32, true>(v)) return false;
    out = static_cast<int32_t>(v);
    return true;
  }
  // Block types encode a type index as a signed 33-bit integer.
  bool read_s33(int64_t& out) noexcept { return read_signed<33>(out); }
  bool read_s64(int64_t& out) noexcept { return read_signed<64>(out); }

  // --- composite ---
  // A vec(byte) holding UTF-8 (custom section, import and export names). A length beyond the
  // window is "length out of bounds"; ill-formed UTF-8 is "malformed UTF-8 encoding".
  bool read_name(std::string_view& out) noexcept {
    uint32_t len;
    if (!read_u32(len)) return false;
    if (len > end_ - pos_) return fail(kErrLengthOutOfBounds);
    std::span<const uint8_t> bytes{data_ + pos_, len};
    if (!is_valid_utf8(bytes)) return fail(kErrMalformedUtf8);
    out = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    pos_ += len;
    return true;
  }

 private:
  // An N-bit LEB128: zero-extended into 64 bits, or sign-extended when Signed. The encoding is at
  // most ceil(N / 7) bytes, and the last byte's unused bits must be zero (or copies of the sign).
  template <unsigned N, bool Signed>
  bool read_leb(uint64_t& out) noexcept {
    constexpr unsigned kMaxBytes = (N + 6) / 7;
    constexpr unsigned kUsed = N - 7 * (kMaxBytes - 1);  // value bits in the last byte
    const size_t start = pos_;
    uint64_t result = 0;
    for (unsigned i = 0, shift = 0;; ++i, shift += 7) {
      if (pos_ >= end_) return fail(kErrUnexpectedEnd);
      const uint8_t b = data_[pos_++];
      const bool last = i == kMaxBytes - 1;
      if (last && (b & 0x80)) return fail_at(kErrLebTooLong, start);
      if constexpr (kUsed < 7) {
        if constexpr (Signed) {
          // Bits kUsed-1 .. 6 must all equal the sign bit.
          constexpr uint8_t kMask = static_cast<uint8_t>((0x7F >> (kUsed - 1)) << (kUsed - 1));
          if (last && (b & kMask) != 0 && (b & kMask) != kMask) return fail_at(kErrLebTooLarge, start);
        } else {
          if (last && (b >> kUsed) != 0) return fail_at(kErrLebTooLarge, start);
        }
      }
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (last || !(b & 0x80)) {
        if (Signed && shift + 7 < 64 && (b & 0x40)) result |= ~uint64_t{0} << (shift + 7);
        out = result;
        return true;
      }
    }
  }

  template <unsigned N>
  bool read_signed(int64_t& out) noexcept {
    uint64_t v;
    if (!read_leb<N, true>(v)) return false;
    out = static_cast<int64_t>(v);
    return true;
  }

  const uint8_t* data_ = nullptr;
  size_t pos_ = 0;
  size_t end_ = 0;
  const char* error_ = nullptr;
  size_t error_offset_ = 0;
};

}  // namespace tenor::common
