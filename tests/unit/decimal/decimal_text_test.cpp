// The ABI's text form of Decimal values (sdk/src/core/value_text.cpp): "1.5" and
// "-0.000000000000000001" encode to the i128 value x 10^18, exactly, through name=value text and
// JSON; decoding prints them back; more than 18 fractional digits or a value out of range is an
// error naming the argument.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tenor/sdk/abi.hpp"

namespace tenor::sdk {
namespace {

using I128 = __int128;
constexpr I128 kOne = 1'000'000'000'000'000'000;
constexpr I128 kMax = static_cast<I128>(~static_cast<unsigned __int128>(0) >> 1);

constexpr const char* kAbi = R"({
  "contract": "D",
  "entries": [
    {"name": "set", "kind": "action", "params": [{"name": "factor", "type": "Decimal"}], "returns": "Decimal"}
  ]
})";

Abi abi() {
  auto a = Abi::parse(kAbi);
  EXPECT_TRUE(a) << a.error().to_string();
  return *a;
}

Bytes le(I128 v) {
  Bytes b(16);
  for (int i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(static_cast<unsigned __int128>(v) >> (8 * i));
  return b;
}

// The call input of set(factor): the name, then the argument.
Bytes call_input(I128 v) {
  Bytes b = {3, 0, 0, 0, 's', 'e', 't'};
  const Bytes arg = le(v);
  b.insert(b.end(), arg.begin(), arg.end());
  return b;
}

TEST(DecimalText, EncodesExactlyAndPrintsBack) {
  const Abi a = abi();
  struct Case {
    std::string text;
    I128 value;
    std::string printed;
  };
  const std::vector<Case> cases = {
      {"1.5", kOne * 3 / 2, "1.5"},
      {"-0.000000000000000001", -1, "-0.000000000000000001"},
      {"0.000000000000000001", 1, "0.000000000000000001"},
      {"1.05", kOne + kOne / 20, "1.05"},
      {"2", 2 * kOne, "2.0"},
      {"-3.000", -3 * kOne, "-3.0"},
      {"1_000.25", 1000 * kOne + kOne / 4, "1000.25"},
      {"0", 0, "0.0"},
      {"170141183460469231731.687303715884105727", kMax, "170141183460469231731.687303715884105727"},
      {"-170141183460469231731.687303715884105728", -kMax - 1, "-170141183460469231731.687303715884105728"},
  };
  for (const Case& c : cases) {
    auto bytes = a.encode_call_assignments("set", {"factor=" + c.text});
    ASSERT_TRUE(bytes) << c.text << ": " << bytes.error().to_string();
    EXPECT_EQ(*bytes, call_input(c.value)) << c.text;
    auto json = a.encode_call("set", Json::array({c.text}));
    ASSERT_TRUE(json) << c.text;
    EXPECT_EQ(*json, *bytes) << c.text;
    auto decoded = a.decode_value("Decimal", le(c.value));
    ASSERT_TRUE(decoded) << c.text;
    EXPECT_EQ(*decoded, Json(c.printed)) << c.text;
    // The printed text reads back as the same value.
    auto again = a.encode_value("Decimal", *decoded);
    ASSERT_TRUE(again) << c.printed;
    EXPECT_EQ(*again, le(c.value)) << c.printed;
  }
  // JSON integers are exact too.
  auto n = a.encode_call("set", Json::array({7}));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, call_input(7 * kOne));
}

TEST(DecimalText, ErrorsNameTheArgument) {
  const Abi a = abi();
  auto error = [&](const std::string& text) {
    auto r = a.encode_call_assignments("set", {"factor=" + text});
    return r ? std::string("(no error)") : r.error().message;
  };
  EXPECT_EQ(error("0.0000000000000000001"),
            "factor: 0.0000000000000000001 has 19 fractional digits, a Decimal has at most 18");
  EXPECT_EQ(error("170141183460469231731.687303715884105728"),
            "factor: 170141183460469231731.687303715884105728 is out of a Decimal's range");
  EXPECT_EQ(error("-170141183460469231731.687303715884105729"),
            "factor: -170141183460469231731.687303715884105729 is out of a Decimal's range");
  EXPECT_EQ(error("99999999999999999999999999999999999999999"),
            "factor: 99999999999999999999999999999999999999999 is out of a Decimal's range");
  EXPECT_EQ(error("1.5x"), "factor: \"1.5x\" is not a Decimal (expected a decimal number such as 1.05)");
  auto frac = a.encode_call("set", Json::array({1.5}));
  ASSERT_FALSE(frac);
  EXPECT_EQ(frac.error().message, "factor: expected a Decimal as a string such as \"1.05\", got 1.5");
  // Decoding is as strict as the contract: 16 bytes exactly.
  EXPECT_FALSE(a.decode_value("Decimal", Bytes(15, 0)));
}

}  // namespace
}  // namespace tenor::sdk
