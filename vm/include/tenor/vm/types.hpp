// Core WebAssembly value and type definitions shared by the decoder, validator, interpreter and
// embedders.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace tenor::vm {

// Value types of the supported feature set (WebAssembly 1.0 + multi-value). The numeric values are
// the binary encodings.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  FuncRef = 0x70,  // only as a table element type, never as a value on the stack
};

const char* to_string(ValType t) noexcept;

// A typed value as seen by embedders. Floats are carried as their IEEE-754 bit patterns so that NaN
// payloads survive unchanged.
struct Value {
  ValType type = ValType::I32;
  uint64_t bits = 0;

  static Value i32(uint32_t v) noexcept { return {ValType::I32, v}; }
  static Value i64(uint64_t v) noexcept { return {ValType::I64, v}; }
  static Value f32_bits(uint32_t v) noexcept { return {ValType::F32, v}; }
  static Value f64_bits(uint64_t v) noexcept { return {ValType::F64, v}; }
  static Value f32(float f) noexcept {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return {ValType::F32, b};
  }
  static Value f64(double d) noexcept {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return {ValType::F64, b};
  }
  uint32_t as_u32() const noexcept { return static_cast<uint32_t>(bits); }
  int32_t as_i32() const noexcept { return static_cast<int32_t>(static_cast<uint32_t>(bits)); }
  uint64_t as_u64() const noexcept { return bits; }
  int64_t as_i64() const noexcept { return static_cast<int64_t>(bits); }
  float as_f32() const noexcept {
    uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  double as_f64() const noexcept {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  friend bool operator==(const Value&, const Value&) = default;
};

// "i32:42", "f64:0x3ff0000000000000" and so on; for messages and the CLI.
std::string to_string(const Value& v);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};

// "(i32, i64) -> (f32)"
std::string to_string(const FuncType& t);

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
  friend bool operator==(const Limits&, const Limits&) = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind k) noexcept;

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
  friend bool operator==(const GlobalType&, const GlobalType&) = default;
};

struct TableType {  // element type is always funcref in the supported feature set
  Limits limits;
  friend bool operator==(const TableType&, const TableType&) = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  friend bool operator==(const MemoryType&, const MemoryType&) = default;
};

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;  // 4 GiB address space of wasm32

}  // namespace tenor::vm
