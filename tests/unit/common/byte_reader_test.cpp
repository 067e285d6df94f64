// The byte reader every wasm and Borsh parser reads through: LEB128 as the wasm spec bounds it
// (length and unused bits), fixed-width values, names as UTF-8, absolute offsets and the sticky
// first error.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "tenor/common/byte_reader.hpp"
#include "tenor/common/bytes.hpp"
#include "tenor/common/utf8.hpp"

namespace tenor::common {
namespace {

// One number read by `read` from `b`: `expect` when `ok`, else the error `err` (when given).
template <class T>
void expect_leb(bool (ByteReader::*read)(T&) noexcept, const Bytes& b, bool ok, std::type_identity_t<T> expect,
                const char* err) {
  ByteReader r(b);
  T v{};
  EXPECT_EQ((r.*read)(v), ok);
  if (ok) {
    EXPECT_EQ(v, expect);
  } else if (err) {
    EXPECT_STREQ(r.error_message(), err);
  }
}

TEST(ByteReader, Leb128FollowsTheSpecAndRemembersTheFirstFailure) {
  const uint8_t bytes[] = {0xE5, 0x8E, 0x26, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  ByteReader r(bytes);
  uint32_t u = 0;
  int32_t s = 0;
  ASSERT_TRUE(r.read_u32(u));
  EXPECT_EQ(u, 624485u);
  ASSERT_TRUE(r.read_s32(s));
  EXPECT_EQ(s, -1);
  EXPECT_FALSE(r.read_u32(u));  // 0x1F in the fifth byte sets bits past 32
  EXPECT_STREQ(r.error_message(), kErrLebTooLarge);
  EXPECT_EQ(r.error_offset(), 4u);
  uint8_t b = 0;
  EXPECT_FALSE(r.read_u8(b));  // every read after a failure fails too
}

TEST(ByteReader, UnsignedLeb) {
  auto u32 = [](Bytes b, bool ok, uint32_t expect = 0, const char* err = nullptr) {
    expect_leb(&ByteReader::read_u32, b, ok, expect, err);
  };
  u32({0xE5, 0x8E, 0x26}, true, 624485);
  u32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, true, 0xFFFFFFFFu);  // u32 max in 5 bytes
  u32({0x80, 0x80, 0x80, 0x80, 0x00}, true, 0);            // 0, padded to the maximum length: allowed
  u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, false, 0, kErrLebTooLong);
  u32({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, false, 0, kErrLebTooLarge);  // bit 32 set
  u32({0x80, 0x80}, false, 0, kErrUnexpectedEnd);
  auto u64 = [](Bytes b, bool ok, uint64_t expect = 0, const char* err = nullptr) {
    expect_leb(&ByteReader::read_u64, b, ok, expect, err);
  };
  u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, true, ~uint64_t{0});
  u64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, false, 0, kErrLebTooLarge);
  u64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, false, 0, kErrLebTooLong);
}

TEST(ByteReader, SignedLeb) {
  auto s32 = [](Bytes b, bool ok, int32_t expect = 0, const char* err = nullptr) {
    expect_leb(&ByteReader::read_s32, b, ok, expect, err);
  };
  s32({0x7F}, true, -1);
  s32({0x3F}, true, 63);
  s32({0x40}, true, -64);
  s32({0xC0, 0xBB, 0x78}, true, -123456);
  s32({0xFF, 0xFF, 0xFF, 0xFF, 0x07}, true, INT32_MAX);
  s32({0x80, 0x80, 0x80, 0x80, 0x78}, true, INT32_MIN);
  s32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, true, -1);  // -1 padded to 5 bytes
  s32({0x80, 0x80, 0x80, 0x80, 0x00}, true, 0);
  s32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, false, 0, kErrLebTooLarge);  // sign bit 0, bit 35 set
  s32({0x80, 0x80, 0x80, 0x80, 0x70}, false, 0, kErrLebTooLarge);  // sign bit 0, upper bits 1
  s32({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, false, 0, kErrLebTooLarge);
  s32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, false, 0, kErrLebTooLong);
  s32({0xFF}, false, 0, kErrUnexpectedEnd);

  auto s64 = [](Bytes b, bool ok, int64_t expect = 0, const char* err = nullptr) {
    expect_leb(&ByteReader::read_s64, b, ok, expect, err);
  };
  s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, true, INT64_MAX);
  s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}, true, INT64_MIN);
  s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, true, -1);
  s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, false, 0, kErrLebTooLarge);
  s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E}, false, 0, kErrLebTooLarge);
  s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, false, 0, kErrLebTooLong);

  auto s33 = [](Bytes b, bool ok, int64_t expect = 0, const char* err = nullptr) {
    expect_leb(&ByteReader::read_s33, b, ok, expect, err);
  };
  s33({0x40}, true, -64);
  s33({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, true, 0xFFFFFFFFll);  // largest type index
  s33({0x80, 0x80, 0x80, 0x80, 0x70}, true, -(1ll << 32));
  s33({0x80, 0x80, 0x80, 0x80, 0x20}, false);  // bits above 33 disagree with the sign
}

TEST(ByteReader, AbsoluteOffsetsAndStickyError) {
  Bytes b{0xAA, 0xBB, 0x05, 0x80};
  ByteReader r(b, 2, 4);
  uint8_t x = 0;
  ASSERT_TRUE(r.read_u8(x));
  EXPECT_EQ(x, 0x05);
  EXPECT_EQ(r.pos(), 3u);
  uint32_t v = 0;
  EXPECT_FALSE(r.read_u32(v));
  EXPECT_STREQ(r.error_message(), kErrUnexpectedEnd);
  EXPECT_EQ(r.error_offset(), 4u);
  EXPECT_FALSE(r.read_u8(x));  // later reads fail, first error kept
  EXPECT_FALSE(r.fail("other"));
  EXPECT_STREQ(r.error_message(), kErrUnexpectedEnd);
}

TEST(ByteReader, FixedWidth) {
  Bytes b{0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F, 0x01};
  ByteReader r(b);
  uint32_t f = 0;
  uint64_t d = 0;
  ASSERT_TRUE(r.read_f32_bits(f));
  EXPECT_EQ(f, 0x3F800000u);
  ASSERT_TRUE(r.read_f64_bits(d));
  EXPECT_EQ(d, 0x3FF0000000000000u);
  EXPECT_FALSE(r.read_f32_bits(f));
  EXPECT_STREQ(r.error_message(), kErrUnexpectedEnd);
}

TEST(ByteReader, Utf8) {
  auto valid = [](Bytes b) { return is_valid_utf8(b); };
  EXPECT_TRUE(valid({}));
  EXPECT_TRUE(valid({'a', 'b'}));
  EXPECT_TRUE(valid({0xC2, 0x80}));
  EXPECT_TRUE(valid({0xE0, 0xA0, 0x80}));
  EXPECT_TRUE(valid({0xED, 0x9F, 0xBF}));         // U+D7FF
  EXPECT_TRUE(valid({0xEE, 0x80, 0x80}));         // U+E000
  EXPECT_TRUE(valid({0xF0, 0x90, 0x80, 0x80}));   // U+10000
  EXPECT_TRUE(valid({0xF4, 0x8F, 0xBF, 0xBF}));   // U+10FFFF
  EXPECT_FALSE(valid({0x80}));                    // stray continuation
  EXPECT_FALSE(valid({0xC0, 0x80}));              // overlong
  EXPECT_FALSE(valid({0xC1, 0xBF}));              // overlong
  EXPECT_FALSE(valid({0xE0, 0x9F, 0xBF}));        // overlong
  EXPECT_FALSE(valid({0xED, 0xA0, 0x80}));        // surrogate U+D800
  EXPECT_FALSE(valid({0xF0, 0x8F, 0xBF, 0xBF}));  // overlong
  EXPECT_FALSE(valid({0xF4, 0x90, 0x80, 0x80}));  // U+110000
  EXPECT_FALSE(valid({0xF5, 0x80, 0x80, 0x80}));
  EXPECT_FALSE(valid({0xE2, 0x82}));        // truncated
  EXPECT_FALSE(valid({0xE2, 0x28, 0xA1}));  // bad continuation
  EXPECT_FALSE(valid({0xFF}));

  Bytes name = {0x03, 'h', 0xC3, 0xA9};
  ByteReader r(name);
  std::string_view out;
  ASSERT_TRUE(r.read_name(out));
  EXPECT_EQ(out, "h\xC3\xA9");
  Bytes bad{0x02, 0xC0, 0x80};
  ByteReader r2(bad);
  EXPECT_FALSE(r2.read_name(out));
  EXPECT_STREQ(r2.error_message(), kErrMalformedUtf8);
  Bytes longer{0x05, 'a'};
  ByteReader r3(longer);
  EXPECT_FALSE(r3.read_name(out));
  EXPECT_STREQ(r3.error_message(), kErrLengthOutOfBounds);
}

}  // namespace
}  // namespace tenor::common
