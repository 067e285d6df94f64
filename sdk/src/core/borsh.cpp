// The Borsh reader and writer (borsh.hpp); layouts in docs/sdk.md.
#include "tenor/sdk/borsh.hpp"

#include <algorithm>
#include <stdexcept>

namespace tenor::sdk {

// ---- writer ------------------------------------------------------------------------------------

void BorshWriter::u128(U128 v) {
  put_le(static_cast<uint64_t>(v), 8);
  put_le(static_cast<uint64_t>(v >> 64), 8);
}

void BorshWriter::length(size_t n) {
  if (n > std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("borsh: length " + std::to_string(n) + " does not fit in u32");
  }
  u32(static_cast<uint32_t>(n));
}

void BorshWriter::bytes(std::span<const uint8_t> data) {
  length(data.size());
  fixed(data);
}

void BorshWriter::string(std::string_view s) {
  length(s.size());
  out_.insert(out_.end(), s.begin(), s.end());
}

// ---- reader ------------------------------------------------------------------------------------

bool BorshReader::fail_at(size_t offset, std::string_view why) {
  if (error_.empty()) {
    error_ = "offset " + std::to_string(offset) + ": ";
    error_ += why;
  }
  return false;
}

const uint8_t* BorshReader::take(size_t n, std::string_view what) {
  if (!ok()) return nullptr;
  if (remaining() < n) {
    fail("unexpected end of input reading " + std::string(what) + " (needs " + std::to_string(n) +
         (n == 1 ? " byte, " : " bytes, ") + std::to_string(remaining()) + " left)");
    return nullptr;
  }
  const uint8_t* p = in_.data() + pos_;
  pos_ += n;
  return p;
}

template <class U>
bool BorshReader::read_le(U& v, std::string_view what) {
  const uint8_t* p = take(sizeof(U), what);
  if (p == nullptr) return false;
  U x = 0;
  for (size_t i = 0; i < sizeof(U); ++i) x = static_cast<U>(x | (static_cast<U>(p[i]) << (8 * i)));
  v = x;
  return true;
}

bool BorshReader::u8(uint8_t& v) { return read_le(v, "u8"); }
bool BorshReader::u16(uint16_t& v) { return read_le(v, "u16"); }
bool BorshReader::u32(uint32_t& v) { return read_le(v, "u32"); }
bool BorshReader::u64(uint64_t& v) { return read_le(v, "u64"); }
bool BorshReader::u128(U128& v) { return read_le(v, "u128"); }

template <class U, class S>
bool BorshReader::read_signed(S& v, std::string_view what) {
  U u = 0;
  if (!read_le(u, what)) return false;
  v = static_cast<S>(u);
  return true;
}

bool BorshReader::i8(int8_t& v) { return read_signed<uint8_t>(v, "i8"); }
bool BorshReader::i16(int16_t& v) { return read_signed<uint16_t>(v, "i16"); }
bool BorshReader::i32(int32_t& v) { return read_signed<uint32_t>(v, "i32"); }
bool BorshReader::i64(int64_t& v) { return read_signed<uint64_t>(v, "i64"); }
bool BorshReader::i128(I128& v) { return read_signed<U128>(v, "i128"); }

bool BorshReader::boolean(bool& v) {
  const size_t at = pos_;
  uint8_t b = 0;
  if (!read_le(b, "bool")) return false;
  if (b > 1) return fail_at(at, "bool must be 0 or 1, got " + std::to_string(b));
  v = b == 1;
  return true;
}

bool BorshReader::fixed(std::span<uint8_t> out) {
  const uint8_t* p = take(out.size(), "[u8; " + std::to_string(out.size()) + "]");
  if (p == nullptr) return false;
  std::copy(p, p + out.size(), out.begin());
  return true;
}

bool BorshReader::length(uint32_t& n, size_t min_elem_size, size_t max_len) {
  const size_t at = pos_;
  uint32_t len = 0;
  if (!read_le(len, "length")) return false;
  if (len > max_len) {
    return fail_at(at, "length " + std::to_string(len) + " exceeds the limit of " + std::to_string(max_len));
  }
  // len * min_elem_size cannot overflow a 64-bit size_t: len < 2^32 and sizes here are small;
  // divide instead to stay exact for any min_elem_size.
  if (min_elem_size > 0 && len > remaining() / min_elem_size) {
    return fail_at(at, "length " + std::to_string(len) + " exceeds the " + std::to_string(remaining()) + " bytes left");
  }
  n = len;
  return true;
}

bool BorshReader::bytes(Bytes& out, size_t max_len) {
  uint32_t n = 0;
  if (!length(n, 1, max_len)) return false;
  const uint8_t* p = take(n, "bytes");
  if (p == nullptr) return false;
  out.assign(p, p + n);
  return true;
}

bool BorshReader::string(std::string& out, size_t max_len) {
  uint32_t n = 0;
  if (!length(n, 1, max_len)) return false;
  const size_t at = pos_;
  const uint8_t* p = take(n, "string");
  if (p == nullptr) return false;
  std::string_view s(reinterpret_cast<const char*>(p), n);
  if (size_t bad = common::first_invalid_utf8(s); bad != std::string_view::npos) {
    return fail_at(at + bad, "string is not valid UTF-8");
  }
  out.assign(s);
  return true;
}

bool BorshReader::variant(uint8_t& index, uint8_t count, std::string_view type_name) {
  const size_t at = pos_;
  uint8_t tag = 0;
  if (!read_le(tag, "enum variant")) return false;
  if (tag >= count) {
    std::string why = "invalid " + std::string(type_name) + " variant " + std::to_string(tag);
    why += count == 0 ? std::string(" (it has none)") : " (expected 0.." + std::to_string(count - 1) + ")";
    return fail_at(at, why);
  }
  index = tag;
  return true;
}

bool BorshReader::finish() {
  if (!ok()) return false;
  if (remaining() != 0) {
    return fail(std::to_string(remaining()) + " trailing byte" + (remaining() == 1 ? "" : "s") + " after the value");
  }
  return true;
}

}  // namespace tenor::sdk
