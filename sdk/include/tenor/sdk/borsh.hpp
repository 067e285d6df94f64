// Borsh (https://borsh.io), the binary encoding of everything Tenor clients send: transactions,
// and later blocks and receipts. A public spec, so clients in other languages use their own Borsh
// library (docs/sdk.md, "Encoding (Borsh)", gives every layout).
//
//   integers     little-endian, fixed width: u8 u16 u32 u64 u128, i8 .. i128 (two's complement)
//   bool         one byte, 0 or 1 (anything else is invalid)
//   [u8; N]      the N bytes, no length
//   Vec<T>       u32 element count, then the elements
//   String       u32 byte length, then UTF-8 bytes
//   Option<T>    u8 0 (None) or 1 followed by T
//   enum         u8 variant index, then that variant's fields
//   struct       the fields in declaration order
//
// The reader is strict and bounded: it rejects trailing bytes (finish), bools and option tags
// other than 0/1, unknown enum variants, lengths beyond the remaining input (checked before
// anything is allocated) and strings that are not UTF-8. Its first error is kept with the byte
// offset where it happened ("offset 12: bool must be 0 or 1, got 7"); after it every read fails.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenor/common/utf8.hpp"
#include "tenor/vm/contract.hpp"

namespace tenor::sdk {

using vm::Bytes;

// 128-bit integers are the compiler's built-in types (GCC and Clang), so amounts can be computed
// with directly. On the wire: 16 bytes, least significant first.
__extension__ typedef unsigned __int128 U128;
__extension__ typedef __int128 I128;

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF),
// the rule Borsh strings are decoded with.
using common::is_valid_utf8;

class BorshWriter {
 public:
  BorshWriter() = default;

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put_le(v, 2); }
  void u32(uint32_t v) { put_le(v, 4); }
  void u64(uint64_t v) { put_le(v, 8); }
  void u128(U128 v);
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void i128(I128 v) { u128(static_cast<U128>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }

  // [u8; N]: the bytes, no length.
  void fixed(std::span<const uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  // Vec<u8>: u32 length, then the bytes.
  void bytes(std::span<const uint8_t> data);
  // String: u32 byte length, then the bytes. Precondition: `s` is UTF-8 (is_valid_utf8); the
  // writer does not check it, and every Borsh reader rejects a string that is not.
  void string(std::string_view s);
  // A Vec or String length. Throws std::length_error above 2^32 - 1 (a precondition: nothing
  // Tenor encodes comes near it).
  void length(size_t n);
  // An enum's variant index.
  void variant(uint8_t index) { u8(index); }

  // Vec<T>: u32 count, then write_elem(*this, element) for each element.
  template <class T, class F>
  void vec(std::span<const T> items, F&& write_elem) {
    length(items.size());
    for (const T& item : items) write_elem(*this, item);
  }
  template <class T, class F>
  void vec(const std::vector<T>& items, F&& write_elem) {
    vec(std::span<const T>(items), std::forward<F>(write_elem));
  }

  // Option<T>: u8 0, or u8 1 then write_elem(*this, value).
  template <class T, class F>
  void option(const std::optional<T>& value, F&& write_elem) {
    if (!value) {
      u8(0);
      return;
    }
    u8(1);
    write_elem(*this, *value);
  }

  const Bytes& data() const noexcept { return out_; }
  size_t size() const noexcept { return out_.size(); }
  Bytes take() noexcept { return std::move(out_); }

 private:
  void put_le(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

class BorshReader {
 public:
  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();

  explicit BorshReader(std::span<const uint8_t> input) noexcept : in_(input) {}

  [[nodiscard]] bool u8(uint8_t& v);
  [[nodiscard]] bool u16(uint16_t& v);
  [[nodiscard]] bool u32(uint32_t& v);
  [[nodiscard]] bool u64(uint64_t& v);
  [[nodiscard]] bool u128(U128& v);
  [[nodiscard]] bool i8(int8_t& v);
  [[nodiscard]] bool i16(int16_t& v);
  [[nodiscard]] bool i32(int32_t& v);
  [[nodiscard]] bool i64(int64_t& v);
  [[nodiscard]] bool i128(I128& v);
  // One byte, 0 or 1.
  [[nodiscard]] bool boolean(bool& v);

  // [u8; N] with N = out.size().
  [[nodiscard]] bool fixed(std::span<uint8_t> out);
  // Vec<u8>; a length above max_len fails ("length 5000 exceeds the limit of 4096").
  [[nodiscard]] bool bytes(Bytes& out, size_t max_len = kNoLimit);
  // String: like bytes, then checked to be UTF-8.
  [[nodiscard]] bool string(std::string& out, size_t max_len = kNoLimit);
  // A u32 Vec length, checked before anything is allocated: at most max_len, and the elements
  // (each at least min_elem_size bytes on the wire) must fit in the remaining input.
  [[nodiscard]] bool length(uint32_t& n, size_t min_elem_size = 1, size_t max_len = kNoLimit);
  // An enum's variant index; must be < count. `type_name` names the enum in the error:
  // "offset 40: invalid Payload variant 7 (expected 0..1)".
  [[nodiscard]] bool variant(uint8_t& index, uint8_t count, std::string_view type_name);

  // Vec<T>: read_elem(*this, element) must return false (after a failed read, or after fail())
  // when an element does not decode. min_elem_size is the smallest encoded size of one T; it
  // bounds the count against the remaining input before the vector is reserved.
  template <class T, class F>
  [[nodiscard]] bool vec(std::vector<T>& out, F&& read_elem, size_t min_elem_size = 1, size_t max_len = kNoLimit) {
    uint32_t n = 0;
    if (!length(n, min_elem_size, max_len)) return false;
    out.clear();
    if (min_elem_size > 0) out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      T item{};
      if (!read_elem(*this, item)) return fail_if_silent("invalid element " + std::to_string(i));
      out.push_back(std::move(item));
    }
    return true;
  }

  // Option<T>: u8 0 (None) or 1 followed by read_elem(*this, value).
  template <class T, class F>
  [[nodiscard]] bool option(std::optional<T>& out, F&& read_elem) {
    const size_t at = pos_;
    uint8_t tag = 0;
    if (!u8(tag)) return false;
    if (tag > 1) return fail_at(at, "option tag must be 0 or 1, got " + std::to_string(tag));
    out.reset();
    if (tag == 0) return true;
    T value{};
    if (!read_elem(*this, value)) return fail_if_silent("invalid option value");
    out = std::move(value);
    return true;
  }

  // Succeeds when the whole input was read (and nothing failed before).
  [[nodiscard]] bool finish();

  // Records an error at the current offset (for checks above the Borsh level, such as a value
  // out of range). Keeps an earlier error if there is one. Returns false.
  bool fail(std::string_view why) { return fail_at(pos_, why); }
  bool fail_at(size_t offset, std::string_view why);

  bool ok() const noexcept { return error_.empty(); }
  // The first error, "offset N: reason"; empty while every read has succeeded.
  const std::string& error() const noexcept { return error_; }
  size_t pos() const noexcept { return pos_; }
  size_t remaining() const noexcept { return in_.size() - pos_; }

 private:
  // The next n bytes (advancing past them), or nullptr after recording a truncation error.
  const uint8_t* take(size_t n, std::string_view what);
  template <class U>
  bool read_le(U& v, std::string_view what);
  // A two's-complement integer: read_le of its unsigned type U.
  template <class U, class S>
  bool read_signed(S& v, std::string_view what);
  bool fail_if_silent(std::string why) { return ok() ? fail(why) : false; }

  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace tenor::sdk
