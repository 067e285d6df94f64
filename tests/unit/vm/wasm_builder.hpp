// A tiny assembler of binary WebAssembly modules for unit tests, so that a test reads like the
// module it runs:
//
//   WasmBuilder b;
//   b.func({I32, I32}, {I32})
//       .code({op::local_get, 0, op::local_get, 1, op::i32_add, op::end})
//       .export_("add");
//   Bytes wasm = b.build();
//
// Instruction bytes are written raw. In a code list a plain integer is ONE byte (an opcode, or an
// immediate below 128); longer immediates go through the helpers: u(n) for unsigned LEB indices,
// i32c/i64c/f32c/f64c for constants, mem(align, offset) for memory arguments, blk(type) for block
// types that name a function type. Imports must be declared before the functions they precede in
// the function index space (func() indices count the imported functions declared so far).
#pragma once

#include <bit>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tenor/vm/engine.hpp"
#include "tenor/vm/trace.hpp"
#include "variants.hpp"

namespace tenor::vm {
// Lets GoogleTest print Values in failure messages ("i32:42").
inline void PrintTo(const Value& v, std::ostream* os) { *os << to_string(v); }
}  // namespace tenor::vm

namespace tenor::vm::test {

using Bytes = std::vector<uint8_t>;

inline constexpr ValType I32 = ValType::I32;
inline constexpr ValType I64 = ValType::I64;
inline constexpr ValType F32 = ValType::F32;
inline constexpr ValType F64 = ValType::F64;

// ---- encoders --------------------------------------------------------------------------------

inline Bytes uleb(uint64_t v) {
  Bytes out;
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v != 0) byte |= 0x80;
    out.push_back(byte);
  } while (v != 0);
  return out;
}

inline Bytes sleb(int64_t v) {
  Bytes out;
  bool more = true;
  while (more) {
    uint8_t byte = v & 0x7F;
    v >>= 7;  // arithmetic shift
    more = !((v == 0 && (byte & 0x40) == 0) || (v == -1 && (byte & 0x40) != 0));
    if (more) byte |= 0x80;
    out.push_back(byte);
  }
  return out;
}

inline void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

inline Bytes name_bytes(const std::string& s) {
  Bytes out = uleb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// ---- instructions ----------------------------------------------------------------------------

// One element of a code list: a single byte, or a run of bytes produced by a helper.
struct Ins {
  Bytes bytes;
  Ins(int byte) {  // NOLINT(google-explicit-constructor): code lists mix bytes and helpers
    if (byte < 0 || byte > 0xFF) throw std::invalid_argument("a raw code byte must be 0..255");
    bytes.push_back(static_cast<uint8_t>(byte));
  }
  Ins(Bytes b) : bytes(std::move(b)) {}  // NOLINT(google-explicit-constructor)
};

namespace op {
inline constexpr uint8_t unreachable = 0x00, nop = 0x01, block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05,
                         end = 0x0B, br = 0x0C, br_if = 0x0D, br_table = 0x0E, return_ = 0x0F, call = 0x10,
                         call_indirect = 0x11, drop = 0x1A, select = 0x1B, local_get = 0x20, local_set = 0x21,
                         local_tee = 0x22, global_get = 0x23, global_set = 0x24;
inline constexpr uint8_t i32_load = 0x28, i64_load = 0x29, f32_load = 0x2A, f64_load = 0x2B, i32_load8_s = 0x2C,
                         i32_load8_u = 0x2D, i32_load16_s = 0x2E, i32_load16_u = 0x2F, i64_load8_s = 0x30,
                         i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33, i64_load32_s = 0x34,
                         i64_load32_u = 0x35, i32_store = 0x36, i64_store = 0x37, f32_store = 0x38, f64_store = 0x39,
                         i32_store8 = 0x3A, i32_store16 = 0x3B, i64_store8 = 0x3C, i64_store16 = 0x3D,
                         i64_store32 = 0x3E, memory_size = 0x3F, memory_grow = 0x40;
inline constexpr uint8_t i32_const = 0x41, i64_const = 0x42, f32_const = 0x43, f64_const = 0x44;
inline constexpr uint8_t i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49,
                         i32_gt_s = 0x4A, i32_gt_u = 0x4B, i32_le_s = 0x4C, i32_le_u = 0x4D, i32_ge_s = 0x4E,
                         i32_ge_u = 0x4F, i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53,
                         i64_lt_u = 0x54, i64_gt_s = 0x55, i64_gt_u = 0x56, i64_le_s = 0x57, i64_le_u = 0x58,
                         i64_ge_s = 0x59, i64_ge_u = 0x5A, f32_eq = 0x5B, f32_ne = 0x5C, f32_lt = 0x5D, f32_gt = 0x5E,
                         f32_le = 0x5F, f32_ge = 0x60, f64_eq = 0x61, f64_ne = 0x62, f64_lt = 0x63, f64_gt = 0x64,
                         f64_le = 0x65, f64_ge = 0x66;
inline constexpr uint8_t i32_clz = 0x67, i32_ctz = 0x68, i32_popcnt = 0x69, i32_add = 0x6A, i32_sub = 0x6B,
                         i32_mul = 0x6C, i32_div_s = 0x6D, i32_div_u = 0x6E, i32_rem_s = 0x6F, i32_rem_u = 0x70,
                         i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73, i32_shl = 0x74, i32_shr_s = 0x75,
                         i32_shr_u = 0x76, i32_rotl = 0x77, i32_rotr = 0x78;
inline constexpr uint8_t i64_clz = 0x79, i64_ctz = 0x7A, i64_popcnt = 0x7B, i64_add = 0x7C, i64_sub = 0x7D,
                         i64_mul = 0x7E, i64_div_s = 0x7F, i64_div_u = 0x80, i64_rem_s = 0x81, i64_rem_u = 0x82,
                         i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85, i64_shl = 0x86, i64_shr_s = 0x87,
                         i64_shr_u = 0x88, i64_rotl = 0x89, i64_rotr = 0x8A;
inline constexpr uint8_t f32_abs = 0x8B, f32_neg = 0x8C, f32_sqrt = 0x91, f32_add = 0x92, f32_sub = 0x93,
                         f32_mul = 0x94, f32_div = 0x95, f32_min = 0x96, f32_max = 0x97, f32_copysign = 0x98,
                         f64_abs = 0x99, f64_neg = 0x9A, f64_sqrt = 0x9F, f64_add = 0xA0, f64_sub = 0xA1,
                         f64_mul = 0xA2, f64_div = 0xA3, f64_min = 0xA4, f64_max = 0xA5, f64_copysign = 0xA6;
inline constexpr uint8_t i32_wrap_i64 = 0xA7, i32_trunc_f32_s = 0xA8, i32_trunc_f32_u = 0xA9, i32_trunc_f64_s = 0xAA,
                         i32_trunc_f64_u = 0xAB, i64_extend_i32_s = 0xAC, i64_extend_i32_u = 0xAD,
                         i64_trunc_f32_s = 0xAE, i64_trunc_f32_u = 0xAF, i64_trunc_f64_s = 0xB0, i64_trunc_f64_u = 0xB1,
                         f32_convert_i32_s = 0xB2, f64_convert_i32_s = 0xB7, f64_convert_i64_s = 0xB9,
                         f64_promote_f32 = 0xBB, i32_reinterpret_f32 = 0xBC, i64_reinterpret_f64 = 0xBD,
                         f32_reinterpret_i32 = 0xBE, f64_reinterpret_i64 = 0xBF;
inline constexpr uint8_t prefix_fc = 0xFC;
}  // namespace op

// Block types.
namespace bt {
inline constexpr uint8_t void_ = 0x40, i32 = 0x7F, i64 = 0x7E, f32 = 0x7D, f64 = 0x7C;
}  // namespace bt

inline Bytes u(uint64_t v) { return uleb(v); }
inline Bytes blk(uint32_t type_index) { return sleb(type_index); }  // block type naming a func type
inline Bytes i32c(int32_t v) {
  Bytes out{op::i32_const};
  append(out, sleb(v));
  return out;
}
inline Bytes i64c(int64_t v) {
  Bytes out{op::i64_const};
  append(out, sleb(v));
  return out;
}
inline Bytes f32c_bits(uint32_t bits) {
  return {op::f32_const, static_cast<uint8_t>(bits), static_cast<uint8_t>(bits >> 8), static_cast<uint8_t>(bits >> 16),
      static_cast<uint8_t>(bits >> 24)};
}
inline Bytes f32c(float f) { return f32c_bits(std::bit_cast<uint32_t>(f)); }
inline Bytes f64c_bits(uint64_t bits) {
  Bytes out{op::f64_const};
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  return out;
}
inline Bytes f64c(double d) { return f64c_bits(std::bit_cast<uint64_t>(d)); }
// memarg: alignment (log2) and offset.
inline Bytes mem(uint32_t align, uint32_t offset) {
  Bytes out = uleb(align);
  append(out, uleb(offset));
  return out;
}
// 0xFC-prefixed instructions.
inline Bytes fc(uint32_t sub) {
  Bytes out{op::prefix_fc};
  append(out, uleb(sub));
  return out;
}
inline Bytes trunc_sat(uint32_t sub) { return fc(sub); }  // 0..7
// A prefixed instruction with a segment index, and for the .init ones the reserved zero byte.
inline Bytes fc_segment(uint32_t sub, uint32_t seg, bool reserved_byte) {
  Bytes out = fc(sub);
  append(out, uleb(seg));
  if (reserved_byte) out.push_back(0);
  return out;
}
inline Bytes memory_init(uint32_t seg) { return fc_segment(8, seg, true); }
inline Bytes data_drop(uint32_t seg) { return fc_segment(9, seg, false); }
inline Bytes memory_copy() { return {op::prefix_fc, 10, 0, 0}; }
inline Bytes memory_fill() { return {op::prefix_fc, 11, 0}; }
inline Bytes table_init(uint32_t seg) { return fc_segment(12, seg, true); }
inline Bytes elem_drop(uint32_t seg) { return fc_segment(13, seg, false); }
inline Bytes table_copy() { return {op::prefix_fc, 14, 0, 0}; }
// call_indirect of a function type, through table 0.
inline Bytes call_indirect(uint32_t type_index) {
  Bytes out{op::call_indirect};
  append(out, uleb(type_index));
  out.push_back(0);
  return out;
}
// br_table with the given targets and default.
inline Bytes br_table(std::initializer_list<uint32_t> targets, uint32_t default_target) {
  Bytes out{op::br_table};
  append(out, uleb(targets.size()));
  for (uint32_t t : targets) append(out, uleb(t));
  append(out, uleb(default_target));
  return out;
}

// ---- the module builder ----------------------------------------------------------------------

class WasmBuilder;

// A defined function being written; every setter returns *this so that calls chain.
class FuncBuilder {
 public:
  FuncBuilder(WasmBuilder& b, uint32_t defined_index) : b_(b), defined_(defined_index) {}
  FuncBuilder& locals(std::initializer_list<ValType> types);
  FuncBuilder& code(std::initializer_list<Ins> ins);
  FuncBuilder& export_(const std::string& name);
  // Index in the function index space (imports first).
  uint32_t index() const;

 private:
  WasmBuilder& b_;
  uint32_t defined_;
};

class WasmBuilder {
 public:
  // Function type index (deduplicated).
  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    FuncType t{std::move(params), std::move(results)};
    for (uint32_t i = 0; i < types_.size(); ++i)
      if (types_[i] == t) return i;
    types_.push_back(std::move(t));
    return static_cast<uint32_t>(types_.size() - 1);
  }

  // ---- imports: return the index in their index space ----
  uint32_t import_func(
      const std::string& module, const std::string& name, std::vector<ValType> params, std::vector<ValType> results) {
    Bytes d{0x00};
    append(d, uleb(type(std::move(params), std::move(results))));
    add_import(module, name, d);
    return num_func_imports_++;
  }
  uint32_t import_memory(
      const std::string& module, const std::string& name, uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    Bytes d{0x02};
    append(d, limits(min, max));
    add_import(module, name, d);
    return num_memories_++;
  }
  uint32_t import_table(
      const std::string& module, const std::string& name, uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    Bytes d{0x01, 0x70};
    append(d, limits(min, max));
    add_import(module, name, d);
    return num_tables_++;
  }
  uint32_t import_global(const std::string& module, const std::string& name, ValType t, bool mut) {
    Bytes d{0x03, static_cast<uint8_t>(t), static_cast<uint8_t>(mut ? 1 : 0)};
    add_import(module, name, d);
    return num_globals_++;
  }

  // ---- definitions ----
  FuncBuilder func(std::vector<ValType> params, std::vector<ValType> results) {
    funcs_.push_back({type(std::move(params), std::move(results)), {}, {}});
    return FuncBuilder(*this, static_cast<uint32_t>(funcs_.size() - 1));
  }
  uint32_t memory(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    append(memories_, limits(min, max));
    ++num_defined_memories_;
    return num_memories_++;
  }
  uint32_t table(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    Bytes d{0x70};
    append(d, limits(min, max));
    append(tables_, d);
    ++num_defined_tables_;
    return num_tables_++;
  }
  // `init` is a constant expression without its final `end`, e.g. i32c(5).
  uint32_t global(ValType t, bool mut, const Bytes& init) {
    globals_.push_back(static_cast<uint8_t>(t));
    globals_.push_back(mut ? 1 : 0);
    append(globals_, init);
    globals_.push_back(op::end);
    ++num_defined_globals_;
    return num_globals_++;
  }
  WasmBuilder& export_func(const std::string& name, uint32_t index) { return add_export(name, 0x00, index); }
  WasmBuilder& export_table(const std::string& name, uint32_t index = 0) { return add_export(name, 0x01, index); }
  WasmBuilder& export_memory(const std::string& name, uint32_t index = 0) { return add_export(name, 0x02, index); }
  WasmBuilder& export_global(const std::string& name, uint32_t index) { return add_export(name, 0x03, index); }
  WasmBuilder& start(uint32_t func_index) {
    start_ = func_index;
    return *this;
  }
  // Active data segment for memory 0 at a constant offset (or any constant expression).
  WasmBuilder& data(uint32_t offset, const Bytes& bytes) {
    return data_expr(i32c(static_cast<int32_t>(offset)), bytes);
  }
  WasmBuilder& data_expr(const Bytes& offset_expr, const Bytes& bytes) {
    Bytes d{0x00};
    append(d, offset_expr);
    d.push_back(op::end);
    append(d, uleb(bytes.size()));
    append(d, bytes);
    datas_.push_back(std::move(d));
    return *this;
  }
  WasmBuilder& passive_data(const Bytes& bytes) {
    Bytes d{0x01};
    append(d, uleb(bytes.size()));
    append(d, bytes);
    datas_.push_back(std::move(d));
    return *this;
  }
  // Active element segment for table 0.
  WasmBuilder& elem(uint32_t offset, std::initializer_list<uint32_t> funcs) {
    return elem_expr(i32c(static_cast<int32_t>(offset)), funcs);
  }
  WasmBuilder& elem_expr(const Bytes& offset_expr, std::initializer_list<uint32_t> funcs) {
    Bytes d{0x00};
    append(d, offset_expr);
    d.push_back(op::end);
    append(d, uleb(funcs.size()));
    for (uint32_t f : funcs) append(d, uleb(f));
    elems_.push_back(std::move(d));
    return *this;
  }
  WasmBuilder& passive_elem(std::initializer_list<uint32_t> funcs) {
    Bytes d{0x01, 0x00};
    append(d, uleb(funcs.size()));
    for (uint32_t f : funcs) append(d, uleb(f));
    elems_.push_back(std::move(d));
    return *this;
  }

  uint32_t num_func_imports() const { return num_func_imports_; }

  Bytes build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    auto section = [&out](uint8_t id, uint32_t count, const Bytes& payload, bool always = false) {
      if (count == 0 && !always) return;
      Bytes body = uleb(count);
      append(body, payload);
      out.push_back(id);
      append(out, uleb(body.size()));
      append(out, body);
    };
    Bytes types;
    for (const auto& t : types_) {
      types.push_back(0x60);
      append(types, uleb(t.params.size()));
      for (ValType v : t.params) types.push_back(static_cast<uint8_t>(v));
      append(types, uleb(t.results.size()));
      for (ValType v : t.results) types.push_back(static_cast<uint8_t>(v));
    }
    section(1, static_cast<uint32_t>(types_.size()), types);
    section(2, num_imports_, imports_);
    Bytes funcs;
    for (const auto& f : funcs_) append(funcs, uleb(f.type));
    section(3, static_cast<uint32_t>(funcs_.size()), funcs);
    section(4, num_defined_tables_, tables_);
    section(5, num_defined_memories_, memories_);
    section(6, num_defined_globals_, globals_);
    section(7, num_exports_, exports_);
    if (start_) {
      Bytes s = uleb(*start_);
      out.push_back(8);
      append(out, uleb(s.size()));
      append(out, s);
    }
    Bytes elems;
    for (const auto& e : elems_) append(elems, e);
    section(9, static_cast<uint32_t>(elems_.size()), elems);
    if (!datas_.empty()) {  // data count: lets memory.init/data.drop validate
      Bytes dc = uleb(datas_.size());
      out.push_back(12);
      append(out, uleb(dc.size()));
      append(out, dc);
    }
    Bytes codes;
    for (const auto& f : funcs_) {
      Bytes body;
      // Locals, run-length encoded.
      std::vector<std::pair<uint32_t, ValType>> runs;
      for (ValType v : f.locals) {
        if (!runs.empty() && runs.back().second == v)
          ++runs.back().first;
        else
          runs.push_back({1, v});
      }
      append(body, uleb(runs.size()));
      for (auto& r : runs) {
        append(body, uleb(r.first));
        body.push_back(static_cast<uint8_t>(r.second));
      }
      append(body, f.code);
      append(codes, uleb(body.size()));
      append(codes, body);
    }
    section(10, static_cast<uint32_t>(funcs_.size()), codes);
    Bytes datas;
    for (const auto& d : datas_) append(datas, d);
    section(11, static_cast<uint32_t>(datas_.size()), datas);
    return out;
  }

 private:
  friend class FuncBuilder;
  struct Func {
    uint32_t type;
    std::vector<ValType> locals;
    Bytes code;
  };

  static Bytes limits(uint32_t min, std::optional<uint32_t> max) {
    Bytes out{static_cast<uint8_t>(max ? 0x01 : 0x00)};
    append(out, uleb(min));
    if (max) append(out, uleb(*max));
    return out;
  }
  void add_import(const std::string& module, const std::string& name, const Bytes& desc) {
    if (!funcs_.empty() && desc[0] == 0x00) throw std::logic_error("declare imported functions before defined ones");
    append(imports_, name_bytes(module));
    append(imports_, name_bytes(name));
    append(imports_, desc);
    ++num_imports_;
  }
  WasmBuilder& add_export(const std::string& name, uint8_t kind, uint32_t index) {
    append(exports_, name_bytes(name));
    exports_.push_back(kind);
    append(exports_, uleb(index));
    ++num_exports_;
    return *this;
  }

  std::vector<FuncType> types_;
  Bytes imports_, tables_, memories_, globals_, exports_;
  uint32_t num_imports_ = 0, num_func_imports_ = 0, num_exports_ = 0;
  uint32_t num_tables_ = 0, num_memories_ = 0, num_globals_ = 0;
  uint32_t num_defined_tables_ = 0, num_defined_memories_ = 0, num_defined_globals_ = 0;
  std::vector<Func> funcs_;
  std::optional<uint32_t> start_;
  std::vector<Bytes> elems_, datas_;
};

inline FuncBuilder& FuncBuilder::locals(std::initializer_list<ValType> types) {
  auto& l = b_.funcs_[defined_].locals;
  l.insert(l.end(), types.begin(), types.end());
  return *this;
}
inline FuncBuilder& FuncBuilder::code(std::initializer_list<Ins> ins) {
  for (const Ins& i : ins) append(b_.funcs_[defined_].code, i.bytes);
  return *this;
}
inline FuncBuilder& FuncBuilder::export_(const std::string& name) {
  b_.export_func(name, index());
  return *this;
}
inline uint32_t FuncBuilder::index() const { return b_.num_func_imports_ + defined_; }

// ---- reading modules back --------------------------------------------------------------------

namespace detail_walk {
inline uint64_t leb(const Bytes& wasm, size_t& p) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (p >= wasm.size() || shift > 63) throw std::invalid_argument("bad LEB128 in a module");
    uint8_t b = wasm[p++];
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
}
}  // namespace detail_walk

// Module offset of the code section's payload (the byte holding its function count), the origin
// of code offsets in trap sites (TrapSite) and source maps; nullopt without a code section.
inline std::optional<size_t> code_section_payload(const Bytes& wasm) {
  size_t p = 8;
  while (p < wasm.size()) {
    uint8_t id = wasm[p++];
    uint64_t size = detail_walk::leb(wasm, p);
    if (id == 10) return p;
    p += size;
  }
  return std::nullopt;
}

// For each defined function, the offset of its first instruction (after its local declarations)
// relative to the code section's payload: a test names the instruction `k` bytes into a
// function's code list as body[f] + k. Empty without a code section; throws on a module it cannot
// walk.
inline std::vector<uint32_t> code_body_offsets(const Bytes& wasm) {
  std::vector<uint32_t> out;
  const std::optional<size_t> payload = code_section_payload(wasm);
  if (!payload) return out;
  size_t q = *payload;
  uint64_t n = detail_walk::leb(wasm, q);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t body_size = detail_walk::leb(wasm, q);
    const size_t body = q;
    uint64_t groups = detail_walk::leb(wasm, q);
    for (uint64_t g = 0; g < groups; ++g) {
      detail_walk::leb(wasm, q);  // count
      ++q;                        // value type
    }
    out.push_back(static_cast<uint32_t>(q - *payload));
    q = body + body_size;
  }
  return out;
}

// ---- running modules -------------------------------------------------------------------------

// Loads (with the store's config) and instantiates a module.
inline Result<Instance*> instantiate(Store& store, const Linker& linker, const Bytes& wasm) {
  auto m = Module::load(wasm, store.config());
  if (!m) return std::move(m).error();
  return store.instantiate(std::move(m).value(), linker);
}

// Store::call with a braced argument list.
inline CallResult call(Store& store, Function* f, std::vector<Value> args = {}) {
  return store.call(f, std::span<const Value>(args));
}

// A store with a linker and the instance under test.
struct Vm {
  // A metered config also gives every call a large gas limit, so that the gas charges run.
  explicit Vm(VmConfig config = {}) : store(config) {
    if (config.metering) options.gas_limit = uint64_t{1} << 60;
  }
  // A variant's config (variants.hpp): a traced one also records every call made through call().
  explicit Vm(const VariantConfig& config) : Vm(static_cast<const VmConfig&>(config)) {
    if (config.traced) {
      tracer = std::make_unique<Tracer>(TraceLevel::Instr, /*max_events_kept=*/0);
      options.tracer = tracer.get();
    }
  }

  // Instantiates `wasm` as the instance under test; records a test failure when that fails.
  bool load(const Bytes& wasm) {
    auto r = instantiate(store, linker, wasm);
    if (!r) {
      ADD_FAILURE() << r.error().to_string();
      return false;
    }
    inst = r.value();
    return true;
  }
  Function* fn(std::string_view name) const {
    Function* f = inst ? inst->exported_function(name) : nullptr;
    EXPECT_NE(f, nullptr) << "no exported function " << name;
    return f;
  }
  CallResult call(std::string_view name, std::vector<Value> args = {}) {
    return store.call(fn(name), std::span<const Value>(args), options);
  }

  Store store;
  CallOptions options;
  Linker linker;
  Instance* inst = nullptr;
  std::unique_ptr<Tracer> tracer;  // of a traced variant
};

inline std::string describe(const CallResult& r) {
  if (r.trap) return "trap: " + r.trap->to_string();
  std::string out = "values (";
  for (size_t i = 0; i < r.values.size(); ++i) {
    const Value& v = r.values[i];
    out += (i ? ", " : "") + to_string(v);
    // A 32-bit value whose slot has upper bits set prints like a clean one: show the raw bits.
    if ((v.type == ValType::I32 || v.type == ValType::F32) && (v.bits >> 32) != 0) {
      char buf[40];
      std::snprintf(buf, sizeof buf, " [raw bits 0x%016llx]", static_cast<unsigned long long>(v.bits));
      out += buf;
    }
  }
  return out + ")";
}

// EXPECT_TRUE(returns(vm.call("f", {...}), {Value::i32(3)}))
inline ::testing::AssertionResult returns(const CallResult& r, const std::vector<Value>& expected) {
  if (!r.trap && r.values == expected) return ::testing::AssertionSuccess();
  CallResult want;
  want.values = expected;
  return ::testing::AssertionFailure() << "got " << describe(r) << ", expected " << describe(want);
}

// EXPECT_TRUE(traps(vm.call("f"), TrapCode::Unreachable))
inline ::testing::AssertionResult traps(const CallResult& r, TrapCode code, std::string_view detail_part = {}) {
  if (!r.trap)
    return ::testing::AssertionFailure() << "no trap, got " << describe(r) << "; expected trap " << trap_name(code);
  if (r.trap->code != code)
    return ::testing::AssertionFailure() << "got " << describe(r) << " (" << trap_name(r.trap->code)
                                         << "), expected trap " << trap_name(code);
  if (!detail_part.empty() && r.trap->detail.find(detail_part) == std::string::npos)
    return ::testing::AssertionFailure() << "trap detail \"" << r.trap->detail << "\" lacks \"" << detail_part << "\"";
  return ::testing::AssertionSuccess();
}

// Typed argument shorthands for signed values.
inline Value i32v(int32_t v) { return Value::i32(static_cast<uint32_t>(v)); }
inline Value i64v(int64_t v) { return Value::i64(static_cast<uint64_t>(v)); }

}  // namespace tenor::vm::test
