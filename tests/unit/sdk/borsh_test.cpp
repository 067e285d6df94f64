// Borsh: byte vectors computed by hand from the spec (https://borsh.io), round trips at the edges
// of every width, and every way the reader must reject its input.
#include "tenor/sdk/borsh.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace tenor::sdk {
namespace {

Bytes hex_bytes(std::string_view h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string hex_of(const Bytes& b) { return vm::to_hex(b); }

// ---- known byte vectors --------------------------------------------------------------------------

TEST(BorshWriter, Integers) {
  BorshWriter w;
  w.u8(0x2a);
  w.u16(0x0102);
  w.u32(0x01020304);
  w.u64(1);
  EXPECT_EQ(hex_of(w.data()),
            "2a"
            "0201"
            "04030201"
            "0100000000000000");
}

TEST(BorshWriter, U128IsSixteenBytesLittleEndian) {
  BorshWriter w;
  w.u128((static_cast<U128>(1) << 64) | 2);
  EXPECT_EQ(hex_of(w.data()),
            "0200000000000000"
            "0100000000000000");
  BorshWriter m;
  m.u128(~static_cast<U128>(0));
  EXPECT_EQ(hex_of(m.data()), std::string(32, 'f'));
}

TEST(BorshWriter, SignedIntegersAreTwosComplement) {
  BorshWriter w;
  w.i8(-1);
  w.i16(-2);
  w.i32(-1);
  w.i64(std::numeric_limits<int64_t>::min());
  w.i128(-2);
  EXPECT_EQ(hex_of(w.data()),
            "ff"
            "feff"
            "ffffffff"
            "0000000000000080"
            "fe" +
                std::string(30, 'f'));
}

TEST(BorshWriter, BoolStringFixedBytes) {
  BorshWriter w;
  w.boolean(true);
  w.boolean(false);
  w.string("h\xc3\xa9llo");  // "héllo": 6 bytes of UTF-8
  w.fixed(Bytes{1, 2, 3});
  w.bytes(Bytes{9, 8});
  w.string("");
  EXPECT_EQ(hex_of(w.data()),
            "01"
            "00"
            "06000000"
            "68c3a96c6c6f"
            "010203"
            "02000000"
            "0908"
            "00000000");
}

TEST(BorshWriter, VecOptionEnum) {
  BorshWriter w;
  w.vec(std::vector<uint16_t>{1, 2}, [](BorshWriter& o, uint16_t v) { o.u16(v); });
  w.vec(std::vector<uint16_t>{}, [](BorshWriter& o, uint16_t v) { o.u16(v); });
  w.option(std::optional<uint32_t>{}, [](BorshWriter& o, uint32_t v) { o.u32(v); });
  w.option(std::optional<uint32_t>{5}, [](BorshWriter& o, uint32_t v) { o.u32(v); });
  w.variant(1);  // enum E { A, B(u32) }: B(7)
  w.u32(7);
  EXPECT_EQ(hex_of(w.data()),
            "02000000"
            "01000200"
            "00000000"
            "00"
            "0105000000"
            "0107000000");
}

TEST(BorshWriter, TakeMovesTheBytesOut) {
  BorshWriter w;
  w.u32(1);
  Bytes b = w.take();
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(w.size(), 0u);
}

TEST(BorshReader, ReadsTheKnownVectors) {
  Bytes in = hex_bytes(
      "2a"
      "0201"
      "04030201"
      "0100000000000000"
      "0200000000000000"
      "0100000000000000"
      "01"
      "06000000"
      "68c3a96c6c6f"
      "010203"
      "02000000"
      "01000200"
      "00"
      "0105000000"
      "0107000000");
  BorshReader r(in);
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  U128 e = 0;
  bool f = false;
  std::string g;
  std::array<uint8_t, 3> h{};
  std::vector<uint16_t> v;
  std::optional<uint32_t> none = 9, some;
  uint8_t tag = 0;
  uint32_t payload = 0;
  auto read_u16 = [](BorshReader& rr, uint16_t& x) { return rr.u16(x); };
  auto read_u32 = [](BorshReader& rr, uint32_t& x) { return rr.u32(x); };
  ASSERT_TRUE(r.u8(a) && r.u16(b) && r.u32(c) && r.u64(d) && r.u128(e) && r.boolean(f) && r.string(g) && r.fixed(h) &&
              r.vec(v, read_u16, 2) && r.option(none, read_u32) && r.option(some, read_u32) && r.variant(tag, 2, "E") &&
              r.u32(payload) && r.finish())
      << r.error();
  EXPECT_EQ(a, 0x2a);
  EXPECT_EQ(b, 0x0102);
  EXPECT_EQ(c, 0x01020304u);
  EXPECT_EQ(d, 1u);
  EXPECT_TRUE(e == ((static_cast<U128>(1) << 64) | 2));
  EXPECT_TRUE(f);
  EXPECT_EQ(g, "h\xc3\xa9llo");
  EXPECT_EQ(h, (std::array<uint8_t, 3>{1, 2, 3}));
  EXPECT_EQ(v, (std::vector<uint16_t>{1, 2}));
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(some, std::optional<uint32_t>(5));
  EXPECT_EQ(tag, 1);
  EXPECT_EQ(payload, 7u);
  EXPECT_TRUE(r.error().empty());
  EXPECT_EQ(r.pos(), in.size());
}

// ---- round trips ---------------------------------------------------------------------------------

TEST(Borsh, IntegerRoundTripsAtTheEdges) {
  BorshWriter w;
  w.u8(0);
  w.u8(0xff);
  w.u16(0xffff);
  w.u32(0xffffffffu);
  w.u64(std::numeric_limits<uint64_t>::max());
  w.u128(~static_cast<U128>(0));
  w.i8(std::numeric_limits<int8_t>::min());
  w.i16(std::numeric_limits<int16_t>::min());
  w.i32(std::numeric_limits<int32_t>::min());
  w.i64(std::numeric_limits<int64_t>::max());
  const I128 i128_min = static_cast<I128>(static_cast<U128>(1) << 127);
  w.i128(i128_min);
  w.i128(-1);
  BorshReader r(w.data());
  uint8_t a = 1, b = 0;
  uint16_t c = 0;
  uint32_t d = 0;
  uint64_t e = 0;
  U128 f = 0;
  int8_t g = 0;
  int16_t h = 0;
  int32_t i = 0;
  int64_t j = 0;
  I128 k = 0, l = 0;
  ASSERT_TRUE(r.u8(a) && r.u8(b) && r.u16(c) && r.u32(d) && r.u64(e) && r.u128(f) && r.i8(g) && r.i16(h) && r.i32(i) &&
              r.i64(j) && r.i128(k) && r.i128(l) && r.finish())
      << r.error();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 0xff);
  EXPECT_EQ(c, 0xffff);
  EXPECT_EQ(d, 0xffffffffu);
  EXPECT_EQ(e, std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(f == ~static_cast<U128>(0));
  EXPECT_EQ(g, std::numeric_limits<int8_t>::min());
  EXPECT_EQ(h, std::numeric_limits<int16_t>::min());
  EXPECT_EQ(i, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(j, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(k == i128_min);
  EXPECT_TRUE(l == -1);
}

TEST(Borsh, NestedVecOfStringsRoundTrips) {
  const std::vector<std::string> names = {"seller", "", "factor \xe2\x82\xac", "\xf0\x9f\x92\xb0"};
  BorshWriter w;
  w.vec(names, [](BorshWriter& o, const std::string& s) { o.string(s); });
  BorshReader r(w.data());
  std::vector<std::string> back;
  ASSERT_TRUE(r.vec(
                  back, [](BorshReader& rr, std::string& s) { return rr.string(s); }, 4) &&
              r.finish())
      << r.error();
  EXPECT_EQ(back, names);
}

// ---- rejections ----------------------------------------------------------------------------------

TEST(BorshReader, RejectsTruncatedInteger) {
  const Bytes in = {1, 2, 3};
  BorshReader r(in);
  uint64_t v = 0;
  EXPECT_FALSE(r.u64(v));
  EXPECT_EQ(r.error(), "offset 0: unexpected end of input reading u64 (needs 8 bytes, 3 left)");
}

TEST(BorshReader, RejectsTruncatedFixedArray) {
  const Bytes in = {0, 1, 2, 3, 4};
  BorshReader r(in);
  uint8_t first = 0;
  std::array<uint8_t, 32> key{};
  ASSERT_TRUE(r.u8(first));
  EXPECT_FALSE(r.fixed(key));
  EXPECT_EQ(r.error(), "offset 1: unexpected end of input reading [u8; 32] (needs 32 bytes, 4 left)");
}

TEST(BorshReader, RejectsTrailingBytes) {
  const Bytes in = {7, 0, 0, 0, 0xaa, 0xbb};
  BorshReader r(in);
  uint32_t v = 0;
  ASSERT_TRUE(r.u32(v));
  EXPECT_FALSE(r.finish());
  EXPECT_EQ(r.error(), "offset 4: 2 trailing bytes after the value");
}

TEST(BorshReader, RejectsBoolOtherThanZeroOrOne) {
  Bytes in(12, 0);
  in.push_back(7);
  BorshReader r(in);
  std::array<uint8_t, 12> skip{};
  bool b = false;
  ASSERT_TRUE(r.fixed(skip));
  EXPECT_FALSE(r.boolean(b));
  EXPECT_EQ(r.error(), "offset 12: bool must be 0 or 1, got 7");
}

TEST(BorshReader, RejectsUnknownEnumVariant) {
  const Bytes in = {2};
  BorshReader r(in);
  uint8_t tag = 0;
  EXPECT_FALSE(r.variant(tag, 2, "Payload"));
  EXPECT_EQ(r.error(), "offset 0: invalid Payload variant 2 (expected 0..1)");
}

TEST(BorshReader, RejectsOptionTagOtherThanZeroOrOne) {
  const Bytes in = {2, 0, 0, 0, 0};
  BorshReader r(in);
  std::optional<uint32_t> v;
  EXPECT_FALSE(r.option(v, [](BorshReader& rr, uint32_t& x) { return rr.u32(x); }));
  EXPECT_EQ(r.error(), "offset 0: option tag must be 0 or 1, got 2");
}

TEST(BorshReader, RejectsALengthBeyondTheInputBeforeAllocating) {
  const Bytes in = {0xff, 0xff, 0xff, 0xff, 1, 2};
  {
    BorshReader r(in);
    Bytes b;
    EXPECT_FALSE(r.bytes(b));
    EXPECT_EQ(r.error(), "offset 0: length 4294967295 exceeds the 2 bytes left");
    EXPECT_EQ(b.capacity(), 0u);
  }
  {
    BorshReader r(in);
    std::string s;
    EXPECT_FALSE(r.string(s));
    EXPECT_EQ(r.error(), "offset 0: length 4294967295 exceeds the 2 bytes left");
  }
  {
    // A Vec of 8-byte elements: 1 element does not fit in 2 bytes either.
    const Bytes one = {1, 0, 0, 0, 1, 2};
    BorshReader r(one);
    std::vector<uint64_t> v;
    EXPECT_FALSE(r.vec(
        v, [](BorshReader& rr, uint64_t& x) { return rr.u64(x); }, 8));
    EXPECT_EQ(r.error(), "offset 0: length 1 exceeds the 2 bytes left");
    EXPECT_EQ(v.capacity(), 0u);
  }
}

TEST(BorshReader, RejectsALengthAboveTheCallersLimit) {
  Bytes in = {5, 0, 0, 0, 1, 2, 3, 4, 5};
  BorshReader r(in);
  Bytes b;
  EXPECT_FALSE(r.bytes(b, 4));
  EXPECT_EQ(r.error(), "offset 0: length 5 exceeds the limit of 4");
}

TEST(BorshReader, RejectsAFailingVecElementNamingIt) {
  const Bytes in = {2, 0, 0, 0, 1, 9};
  BorshReader r(in);
  std::vector<bool> v;
  EXPECT_FALSE(r.vec(v, [](BorshReader& rr, bool& x) { return rr.boolean(x); }));
  EXPECT_EQ(r.error(), "offset 5: bool must be 0 or 1, got 9");

  BorshReader silent(in);
  std::vector<uint8_t> u;
  EXPECT_FALSE(silent.vec(u, [](BorshReader&, uint8_t&) { return false; }));
  EXPECT_EQ(silent.error(), "offset 4: invalid element 0");
}

TEST(BorshReader, RejectsInvalidUtf8AtTheBadByte) {
  struct Case {
    const char* name;
    Bytes data;
    size_t bad_at;  // offset of the bad sequence within the string data
  };
  const std::vector<Case> cases = {
      {"lone continuation byte", {'a', 0x80}, 1},        {"overlong two-byte NUL", {0xc0, 0x80}, 0},
      {"overlong three-byte", {0xe0, 0x80, 0x80}, 0},    {"UTF-16 surrogate", {'x', 'y', 0xed, 0xa0, 0x80}, 2},
      {"above U+10FFFF", {0xf4, 0x90, 0x80, 0x80}, 0},   {"F5 lead byte", {0xf5, 0x80, 0x80, 0x80}, 0},
      {"truncated sequence", {'o', 'k', 0xe2, 0x82}, 2}, {"bad continuation", {0xe2, 0x28, 0xa1}, 0},
  };
  for (const Case& c : cases) {
    BorshWriter w;
    w.bytes(c.data);  // a Vec<u8> has the same layout as a String
    BorshReader r(w.data());
    std::string s;
    EXPECT_FALSE(r.string(s)) << c.name;
    EXPECT_EQ(r.error(), "offset " + std::to_string(4 + c.bad_at) + ": string is not valid UTF-8") << c.name;
    EXPECT_FALSE(is_valid_utf8(std::string_view(reinterpret_cast<const char*>(c.data.data()), c.data.size())))
        << c.name;
  }
}

TEST(BorshReader, AcceptsEveryValidUtf8Width) {
  // U+0000, U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF, U+D7FF, U+E000
  const std::string s = std::string("\x00\x7f", 2) +
                        "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80"
                        "\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80";
  EXPECT_TRUE(is_valid_utf8(s));
  BorshWriter w;
  w.string(s);
  BorshReader r(w.data());
  std::string back;
  ASSERT_TRUE(r.string(back) && r.finish()) << r.error();
  EXPECT_EQ(back, s);
}

TEST(BorshReader, TheFirstErrorIsKeptAndEveryLaterReadFails) {
  const Bytes in = {3, 1, 2, 3, 4, 5, 6, 7, 8};
  BorshReader r(in);
  bool b = false;
  uint8_t u = 0;
  EXPECT_FALSE(r.boolean(b));
  EXPECT_FALSE(r.u8(u));
  EXPECT_FALSE(r.finish());
  EXPECT_FALSE(r.fail("something else"));
  EXPECT_EQ(r.error(), "offset 0: bool must be 0 or 1, got 3");
  EXPECT_FALSE(r.ok());
}

TEST(BorshReader, EmptyInputFinishes) {
  BorshReader r(std::span<const uint8_t>{});
  EXPECT_TRUE(r.finish());
  uint8_t u = 0;
  EXPECT_FALSE(r.u8(u));
  EXPECT_EQ(r.error(), "offset 0: unexpected end of input reading u8 (needs 1 byte, 0 left)");
}

TEST(BorshWriter, LengthAboveU32Throws) {
  BorshWriter w;
  EXPECT_THROW(w.length(static_cast<size_t>(std::numeric_limits<uint32_t>::max()) + 1), std::length_error);
  w.length(std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(hex_of(w.data()), "ffffffff");
}

}  // namespace
}  // namespace tenor::sdk
