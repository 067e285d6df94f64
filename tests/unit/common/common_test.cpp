// common/: civil dates, UTF-8, hex, SHA-256, the byte reader's LEB128, wasm section walking, Result.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tenor/common/civil_date.hpp"
#include "tenor/common/hex.hpp"
#include "tenor/common/result.hpp"
#include "tenor/common/sha256.hpp"
#include "tenor/common/utf8.hpp"
#include "tenor/common/wasm_sections.hpp"

namespace tenor::common {
namespace {

namespace chr = std::chrono;

// The reference: libstdc++'s <chrono> calendar (an implementation independent of ours).
int64_t chrono_days(int y, unsigned m, unsigned d) {
  return chr::sys_days(chr::year(y) / chr::month(m) / chr::day(d)).time_since_epoch().count();
}

TEST(CivilDate, DaysFromCivilMatchesChronoOverFourCenturiesAroundTheEpoch) {
  for (int y = 1600; y <= 2400; ++y)
    for (unsigned m = 1; m <= 12; ++m) {
      const auto ymd_last = chr::year(y) / chr::month(m) / chr::last;
      const unsigned last = static_cast<unsigned>(ymd_last.day());
      ASSERT_EQ(days_in_month(y, m), last) << y << "-" << m;
      ASSERT_EQ(is_leap_year(y), chr::year(y).is_leap()) << y;
      for (unsigned d : {1u, 15u, last}) {
        const int64_t days = days_from_civil(y, m, d);
        ASSERT_EQ(days, chrono_days(y, m, d)) << y << "-" << m << "-" << d;
        ASSERT_EQ(civil_from_days(days), (CivilDate{y, m, d}));
      }
    }
}

TEST(CivilDate, RandomDaysRoundTripAndAgreeWithChronoIncludingNegativeYears) {
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<int64_t> dist(-3'000'000, 3'000'000);  // about -6200 .. 10200
  for (int i = 0; i < 20'000; ++i) {
    const int64_t z = dist(rng);
    const CivilDate c = civil_from_days(z);
    const chr::year_month_day ref{chr::sys_days{chr::days{z}}};
    ASSERT_EQ(c.year, static_cast<int>(ref.year())) << z;
    ASSERT_EQ(c.month, static_cast<unsigned>(ref.month())) << z;
    ASSERT_EQ(c.day, static_cast<unsigned>(ref.day())) << z;
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), z);
    ASSERT_EQ(iso_weekday(z), chr::weekday(chr::sys_days{chr::days{z}}).iso_encoding()) << z;
  }
}

TEST(CivilDate, IsConstexprSoTheCompilerCanFoldLiterals) {
  static_assert(days_from_civil(1970, 1, 1) == 0);
  static_assert(days_from_civil(2000, 3, 1) == 11017);
  static_assert(civil_from_days(-1) == CivilDate{1969, 12, 31});
  static_assert(iso_weekday(0) == 4);  // 1970-01-01 was a Thursday
}

TEST(CivilDate, ParsesAndFormatsDatesAndTimestamps) {
  EXPECT_EQ(parse_date("2027-03-31"), days_from_civil(2027, 3, 31));
  EXPECT_EQ(parse_date("2024-02-29"), days_from_civil(2024, 2, 29));
  EXPECT_EQ(parse_date("-0001-12-31"), days_from_civil(-1, 12, 31));
  EXPECT_EQ(parse_date("2027-02-29"), std::nullopt);  // not a leap year
  EXPECT_EQ(parse_date("2027-04-31"), std::nullopt);
  EXPECT_EQ(parse_date("2027-13-01"), std::nullopt);
  EXPECT_EQ(parse_date("2027-3-31"), std::nullopt);
  EXPECT_EQ(parse_date("27-03-31"), std::nullopt);
  EXPECT_EQ(parse_date("2027-03-31x"), std::nullopt);
  EXPECT_EQ(parse_date(""), std::nullopt);
  EXPECT_EQ(parse_timestamp("2027-03-31"), days_from_civil(2027, 3, 31) * kSecondsPerDay);
  EXPECT_EQ(parse_timestamp("1970-01-01T08:30:05Z"), 8 * 3600 + 30 * 60 + 5);
  EXPECT_EQ(parse_timestamp("1970-01-01T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("1970-01-01T08:30:05"), std::nullopt);
  EXPECT_EQ(parse_timestamp("999999999999-01-01"), std::nullopt);  // beyond int64 seconds
  EXPECT_EQ(format_date(days_from_civil(2027, 3, 1)), "2027-03-01");
  EXPECT_EQ(format_date(days_from_civil(-1, 1, 1)), "-0001-01-01");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_timestamp(86400 + 3661), "1970-01-02T01:01:01Z");
  for (int64_t t : {int64_t{0}, int64_t{-86401}, int64_t{1'800'000'000}})
    EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
}

TEST(Utf8, AcceptsWellFormedAndNamesTheFirstBadByte) {
  EXPECT_TRUE(is_valid_utf8(std::string_view("plain ascii")));
  EXPECT_TRUE(is_valid_utf8(std::string_view("\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x92\xB0")));  // 中文 💰
  EXPECT_EQ(first_invalid_utf8(std::string_view("ab\xC0\x80")), 2u);                          // overlong
  EXPECT_EQ(first_invalid_utf8(std::string_view("a\xED\xA0\x80")), 1u);                       // surrogate
  EXPECT_EQ(first_invalid_utf8(std::string_view("\xF4\x90\x80\x80")), 0u);                    // > U+10FFFF
  EXPECT_EQ(first_invalid_utf8(std::string_view("abc\xE4\xB8")), 3u);                         // truncated
  EXPECT_EQ(first_invalid_utf8(std::string_view("\x80")), 0u);                                // stray continuation
  uint32_t cp = 0;
  EXPECT_EQ(decode_utf8(std::string_view("\xE2\x82\xAC"), 0, cp), 3u);
  EXPECT_EQ(cp, 0x20ACu);
  for (uint32_t c : {0x24u, 0xA2u, 0x20ACu, 0x10348u, 0x10FFFFu}) {
    std::string s;
    append_utf8(s, c);
    uint32_t back = 0;
    EXPECT_EQ(decode_utf8(s, 0, back), s.size());
    EXPECT_EQ(back, c);
  }
}

// The Unicode standard's own example (section 3.9, Table 3-8): "61 F1 80 80 E1 80 C2 62 80 63 80
// BF 64" splits into a, a maximal subpart F1 80 80, E1 80, C2, b, 80, c, 80, BF, d.
TEST(Utf8, ScanSplitsIllFormedInputIntoTheStandardsMaximalSubparts) {
  const std::vector<uint8_t> in = {0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64};
  std::vector<std::pair<std::size_t, bool>> parts;
  for (std::size_t i = 0; i < in.size();) {
    uint32_t cp;
    const Utf8Scan p = scan_utf8(in, i, cp);
    parts.emplace_back(p.length, p.valid);
    i += p.length;
  }
  const std::vector<std::pair<std::size_t, bool>> want = {{1, true},  {3, false}, {2, false}, {1, false}, {1, true},
                                                          {1, false}, {1, true},  {1, false}, {1, false}, {1, true}};
  EXPECT_EQ(parts, want);
  uint32_t cp;
  const std::vector<uint8_t> truncated = {0xF0, 0x9F, 0x92};  // 💰 without its last byte
  EXPECT_EQ(scan_utf8(truncated, 0, cp).length, 3u);
  EXPECT_FALSE(scan_utf8(truncated, 0, cp).valid);
}

TEST(Hex, RoundTripsAndRejectsBadDigits) {
  const Bytes b = {0x00, 0xAB, 0x10, 0xFF};
  EXPECT_EQ(to_hex(b), "00ab10ff");
  EXPECT_EQ(from_hex("00AB10ff"), b);
  EXPECT_EQ(from_hex("abc"), std::nullopt);
  EXPECT_EQ(from_hex("0g"), std::nullopt);
  EXPECT_EQ(from_hex(""), Bytes{});
}

TEST(Sha256, MatchesTheFips180Examples) {
  const std::string abc = "abc";
  EXPECT_EQ(to_hex(sha256(std::span(reinterpret_cast<const uint8_t*>(abc.data()), abc.size()))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Bytes module_with(std::initializer_list<std::pair<std::string, std::string>> customs) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  m.insert(m.end(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00});  // a type section: one () -> ()
  for (const auto& [name, payload] : customs)
    append_custom_section(m, name, std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
  return m;
}

std::string text(std::span<const uint8_t> s) { return {reinterpret_cast<const char*>(s.data()), s.size()}; }

TEST(WasmSections, FindsAppendsAndRemovesCustomSections) {
  const Bytes m = module_with({{"tenor.abi", "{}"}, {".debug_line", "xx"}, {"tenor.abi", "second"}});
  auto found = find_custom_section(m, "tenor.abi");
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ(text(**found), "{}");  // the first one
  auto none = find_custom_section(m, "tenor.srcmap");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto stripped = remove_wasm_sections(m, [](const WasmSection& s) { return s.name.starts_with(".debug"); });
  ASSERT_TRUE(stripped);
  EXPECT_EQ(*stripped, module_with({{"tenor.abi", "{}"}, {"tenor.abi", "second"}}));
  std::vector<uint8_t> ids;
  EXPECT_FALSE(for_each_wasm_section(m, [&](const WasmSection& s) {
    ids.push_back(s.id);
    return true;
  }));
  EXPECT_EQ(ids, (std::vector<uint8_t>{1, 0, 0, 0}));
}

TEST(WasmSections, MalformedModulesGetAnErrorNamingTheOffset) {
  EXPECT_EQ(find_custom_section(Bytes{1, 2, 3}, "x").error(),
            "not a WebAssembly module (it does not start with \\0asm)");
  Bytes m = module_with({});
  m.insert(m.end(), {0x00, 0x05, 0x01});  // a custom section claiming 5 bytes, with 1
  EXPECT_EQ(find_custom_section(m, "x").error(), "the section at offset 14 runs past the end of the module");
  Bytes bad = module_with({});
  bad.insert(bad.end(), {0x00, 0x02, 0x05, 'a'});  // its name claims 5 bytes
  EXPECT_EQ(find_custom_section(bad, "x").error(), "the custom section at offset 14 has a bad name");
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int, std::string> ok = 7;
  Result<int, std::string> bad = std::string("no");
  EXPECT_TRUE(ok);
  EXPECT_EQ(*ok, 7);
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), "no");
  Status<std::string> fine;
  Status<std::string> failed = std::string("why");
  EXPECT_TRUE(fine.is_ok());
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.error(), "why");
}

}  // namespace
}  // namespace tenor::common
