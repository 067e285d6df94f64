#include "tenor/sdk/wasm_values.hpp"

#include <gtest/gtest.h>

namespace tenor::sdk {
namespace {

using vm::ValType;
using vm::Value;

Value spec(const char* type, const char* value) {
  auto v = parse_spec_value(type, value);
  EXPECT_TRUE(v.has_value()) << type << " " << value << ": " << v.error();
  return v ? *v : Value{};
}

ExpectedValue expected(const char* type, const char* value) {
  auto v = parse_spec_expected(type, value);
  EXPECT_TRUE(v.has_value()) << type << " " << value << ": " << v.error();
  return v ? *v : ExpectedValue{};
}

Value cli(ValType type, const char* text) {
  auto v = parse_cli_value(type, text);
  EXPECT_TRUE(v.has_value()) << text << ": " << v.error();
  return v ? *v : Value{};
}

TEST(SpecValue, IntegersAreUnsignedBitPatterns) {
  EXPECT_EQ(spec("i32", "4294967295"), Value::i32(0xffffffffu));
  EXPECT_EQ(spec("i64", "18446744073709551615"), Value::i64(~0ull));
  EXPECT_EQ(spec("i32", "0"), Value::i32(0));
}

TEST(SpecValue, FloatsAreBitPatterns) {
  EXPECT_EQ(spec("f32", "1065353216"), Value::f32(1.0f));
  EXPECT_EQ(spec("f64", "9223372036854775808"), Value::f64(-0.0));
  EXPECT_EQ(spec("f32", "2143289345").bits, 0x7fc00001u);  // NaN payload kept
}

TEST(SpecValue, RejectsBadInput) {
  EXPECT_FALSE(parse_spec_value("i32", "4294967296"));
  EXPECT_FALSE(parse_spec_value("f32", "4294967296"));
  EXPECT_FALSE(parse_spec_value("i64", "18446744073709551616"));
  EXPECT_FALSE(parse_spec_value("i32", "-1"));
  EXPECT_FALSE(parse_spec_value("i32", ""));
  EXPECT_FALSE(parse_spec_value("i32", "12x"));
  EXPECT_FALSE(parse_spec_value("v128", "0"));
  EXPECT_FALSE(parse_spec_value("externref", "0"));
  EXPECT_FALSE(parse_spec_value("f32", "nan:canonical"));  // patterns only in expectations
  EXPECT_FALSE(parse_spec_expected("i32", "nan:canonical"));
}

TEST(SpecExpected, ExactMatchIsBitForBit) {
  EXPECT_TRUE(value_matches(expected("f64", "0"), Value::f64(0.0)));
  EXPECT_FALSE(value_matches(expected("f64", "0"), Value::f64(-0.0)));
  EXPECT_FALSE(value_matches(expected("f32", "2143289344"), Value::f32_bits(0x7fc00001)));
  EXPECT_TRUE(value_matches(expected("f32", "2143289345"), Value::f32_bits(0x7fc00001)));
  EXPECT_TRUE(value_matches(expected("i32", "4294967295"), Value::i32(0xffffffffu)));
  // Type must match too.
  EXPECT_FALSE(value_matches(expected("i64", "1"), Value::i32(1)));
  EXPECT_FALSE(value_matches(expected("f32", "1065353216"), Value::i32(1065353216)));
}

TEST(SpecExpected, NanCanonical) {
  const ExpectedValue e32 = expected("f32", "nan:canonical");
  EXPECT_TRUE(value_matches(e32, Value::f32_bits(0x7fc00000)));
  EXPECT_TRUE(value_matches(e32, Value::f32_bits(0xffc00000)));
  EXPECT_FALSE(value_matches(e32, Value::f32_bits(0x7fc00001)));
  EXPECT_FALSE(value_matches(e32, Value::f32_bits(0x7fa00000)));
  EXPECT_FALSE(value_matches(e32, Value::f32_bits(0x7f800000)));  // infinity
  EXPECT_FALSE(value_matches(e32, Value::f64_bits(0x7ff8000000000000)));
  const ExpectedValue e64 = expected("f64", "nan:canonical");
  EXPECT_TRUE(value_matches(e64, Value::f64_bits(0x7ff8000000000000)));
  EXPECT_TRUE(value_matches(e64, Value::f64_bits(0xfff8000000000000)));
  EXPECT_FALSE(value_matches(e64, Value::f64_bits(0x7ff8000000000001)));
  EXPECT_FALSE(value_matches(e64, Value::f64_bits(0x7ff4000000000000)));
}

TEST(SpecExpected, NanArithmetic) {
  const ExpectedValue e32 = expected("f32", "nan:arithmetic");
  EXPECT_TRUE(value_matches(e32, Value::f32_bits(0x7fc00000)));
  EXPECT_TRUE(value_matches(e32, Value::f32_bits(0xffc00001)));
  EXPECT_TRUE(value_matches(e32, Value::f32_bits(0x7fffffff)));
  EXPECT_FALSE(value_matches(e32, Value::f32_bits(0x7fa00000)));  // signalling
  EXPECT_FALSE(value_matches(e32, Value::f32_bits(0x3fc00000)));
  const ExpectedValue e64 = expected("f64", "nan:arithmetic");
  EXPECT_TRUE(value_matches(e64, Value::f64_bits(0xfff8000000000123)));
  EXPECT_FALSE(value_matches(e64, Value::f64_bits(0x7ff0000000000001)));
  EXPECT_FALSE(value_matches(e64, Value::f64_bits(0x7ff0000000000000)));
}

TEST(TrapText, PrefixMatches) {
  EXPECT_TRUE(trap_text_matches("out of bounds memory access", "out of bounds"));
  EXPECT_TRUE(trap_text_matches("out of bounds memory access", "out of bounds memory access"));
  EXPECT_TRUE(trap_text_matches("call stack exhausted (value stack)", "call stack exhausted"));
  EXPECT_TRUE(trap_text_matches("unreachable: detail", "unreachable"));
  EXPECT_FALSE(trap_text_matches("out of bounds table access", "out of bounds memory access"));
  EXPECT_FALSE(trap_text_matches("integer overflow", "integer divide by zero"));
  EXPECT_FALSE(trap_text_matches("undefined element", "uninitialized element"));
}

TEST(TrapText, ReferenceInterpreterIndexSuffix) {
  EXPECT_TRUE(trap_text_matches("uninitialized element", "uninitialized element 2"));
  EXPECT_TRUE(trap_text_matches("uninitialized element: x", "uninitialized element 17"));
  EXPECT_FALSE(trap_text_matches("uninitialized element", "uninitialized element x"));
  EXPECT_FALSE(trap_text_matches("uninitialized element", "uninitialized element "));
  EXPECT_FALSE(trap_text_matches("", "unreachable"));
}

TEST(Describe, ValuesAndNames) {
  EXPECT_EQ(describe_value(Value::i32(0xffffffffu)), "i32:-1");
  EXPECT_EQ(describe_value(Value::f32(1.5f)), "f32:1.5 (0x3fc00000)");
  EXPECT_EQ(describe_expected(expected("f64", "nan:arithmetic")), "f64:nan:arithmetic");
  EXPECT_EQ(describe_values(std::vector<Value>{Value::i32(1), Value::i64(2)}), "(i32:1, i64:2)");
  EXPECT_EQ(quote_name(std::string("a\0b\"", 4)), "\"a\\x00b\\x22\"");
}

TEST(CliValue, Integers) {
  EXPECT_EQ(cli(ValType::I32, "-1"), Value::i32(0xffffffffu));
  EXPECT_EQ(cli(ValType::I32, "4294967295"), Value::i32(0xffffffffu));
  EXPECT_EQ(cli(ValType::I32, "-2147483648"), Value::i32(0x80000000u));
  EXPECT_EQ(cli(ValType::I32, "0x7fffffff"), Value::i32(0x7fffffffu));
  EXPECT_EQ(cli(ValType::I32, "+5"), Value::i32(5));
  EXPECT_EQ(cli(ValType::I64, "-9223372036854775808"), Value::i64(0x8000000000000000ull));
  EXPECT_EQ(cli(ValType::I64, "18446744073709551615"), Value::i64(~0ull));
  EXPECT_EQ(cli(ValType::I64, "0XFFFFFFFFFFFFFFFF"), Value::i64(~0ull));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "4294967296"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "-2147483649"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "0x100000000"));
  EXPECT_FALSE(parse_cli_value(ValType::I64, "-9223372036854775809"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "1.5"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, ""));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "-"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "0x"));
  EXPECT_FALSE(parse_cli_value(ValType::I32, "--1"));
}

TEST(CliValue, Floats) {
  EXPECT_EQ(cli(ValType::F32, "1.5"), Value::f32(1.5f));
  EXPECT_EQ(cli(ValType::F64, "-0"), Value::f64(-0.0));
  EXPECT_EQ(cli(ValType::F64, "0.1"), Value::f64(0.1));
  EXPECT_EQ(cli(ValType::F32, "0.1"), Value::f32(0.1f));  // rounded once, to f32
  EXPECT_EQ(cli(ValType::F64, "1e-3"), Value::f64(1e-3));
  EXPECT_EQ(cli(ValType::F64, "+2"), Value::f64(2.0));
  EXPECT_EQ(cli(ValType::F64, "inf").bits, 0x7ff0000000000000u);
  EXPECT_EQ(cli(ValType::F32, "-inf").bits, 0xff800000u);
  EXPECT_EQ(cli(ValType::F32, "nan").bits, 0x7fc00000u);
  EXPECT_EQ(cli(ValType::F64, "-nan").bits, 0xfff8000000000000u);
  EXPECT_EQ(cli(ValType::F32, "0x7fc00001").bits, 0x7fc00001u);
  EXPECT_EQ(cli(ValType::F64, "0x3ff0000000000000"), Value::f64(1.0));
  EXPECT_EQ(cli(ValType::F32, "nan:0x7fa00000").bits, 0x7fa00000u);
  EXPECT_FALSE(parse_cli_value(ValType::F32, "nan:0x3f800000"));  // not a NaN
  EXPECT_FALSE(parse_cli_value(ValType::F32, "0x100000000"));     // too many digits
  EXPECT_FALSE(parse_cli_value(ValType::F32, "0x1p3"));
  EXPECT_FALSE(parse_cli_value(ValType::F32, "1e50"));
  EXPECT_FALSE(parse_cli_value(ValType::F64, "1.5x"));
  EXPECT_FALSE(parse_cli_value(ValType::F64, ""));
  EXPECT_FALSE(parse_cli_value(ValType::F64, "++1"));
  EXPECT_FALSE(parse_cli_value(ValType::FuncRef, "0"));
}

TEST(CliValue, FormatRoundTrips) {
  EXPECT_EQ(format_cli_value(Value::i32(0xffffffffu)), "-1");
  EXPECT_EQ(format_cli_value(Value::i64(0x8000000000000000ull)), "-9223372036854775808");
  EXPECT_EQ(format_cli_value(Value::f32(1.5f)), "1.5");
  EXPECT_EQ(format_cli_value(Value::f64(-0.0)), "-0");
  EXPECT_EQ(format_cli_value(Value::f64(0.1)), "0.10000000000000001");
  EXPECT_EQ(format_cli_value(Value::f32_bits(0x7f800000)), "inf");
  EXPECT_EQ(format_cli_value(Value::f64_bits(0xfff0000000000000)), "-inf");
  EXPECT_EQ(format_cli_value(Value::f32_bits(0x7fc00000)), "nan");
  EXPECT_EQ(format_cli_value(Value::f64_bits(0x7ff8000000000000)), "nan");
  EXPECT_EQ(format_cli_value(Value::f32_bits(0xffc00000)), "nan:0xffc00000");
  EXPECT_EQ(format_cli_value(Value::f64_bits(0x7ff0000000000001)), "nan:0x7ff0000000000001");
  for (uint32_t bits : {0x3dcccccdu, 0x00000001u, 0x7f7fffffu, 0x80000000u, 0x7fa00001u}) {
    const Value v = Value::f32_bits(bits);
    EXPECT_EQ(cli(ValType::F32, format_cli_value(v).c_str()), v) << format_cli_value(v);
  }
  for (uint64_t bits : {0x3fb999999999999aull, 0x1ull, 0x7fefffffffffffffull, 0xfff4000000000000ull}) {
    const Value v = Value::f64_bits(bits);
    EXPECT_EQ(cli(ValType::F64, format_cli_value(v).c_str()), v) << format_cli_value(v);
  }
}

}  // namespace
}  // namespace tenor::sdk
