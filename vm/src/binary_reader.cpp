// decode_module: the WebAssembly binary format (core spec, chapter 5) for Tenor's feature set,
// everything except the instructions of function bodies.
//
// Categories. Anything the spec's decoder rejects is Malformed. Two families of errors are found
// while decoding but are validation errors in the spec, so they come back as Invalid:
//  - constant expressions that contain a known but non-constant instruction ("constant expression
//    required") or do not produce exactly one value ("type mismatch");
//  - element expressions that are not ref.func/ref.null ("type mismatch") and ref.func indices that
//    cannot exist ("unknown function").
// Those are remembered ("deferred") and reported only when the rest of the module decodes, so a
// malformed module is always reported as Malformed, as the spec's decode-then-validate order implies.
//
// Resource bounds. Every count is checked against the VmConfig limit that applies before anything
// is reserved, reservations never exceed what the remaining bytes could hold, and every loop
// consumes input, so no input allocates more than a small multiple of its size or loops forever.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "byte_reader.hpp"
#include "module_info.hpp"
#include "opcodes.hpp"

namespace tenor::vm::detail {
namespace {

enum SectionId : uint8_t {
  kCustomSection = 0,
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
};

const char* section_name(uint8_t id) {
  switch (id) {
    case kCustomSection: return "custom";
    case kTypeSection: return "type";
    case kImportSection: return "import";
    case kFunctionSection: return "function";
    case kTableSection: return "table";
    case kMemorySection: return "memory";
    case kGlobalSection: return "global";
    case kExportSection: return "export";
    case kStartSection: return "start";
    case kElementSection: return "element";
    case kCodeSection: return "code";
    case kDataSection: return "data";
    case kDataCountSection: return "datacount";
    default: return "unknown";
  }
}

// Position of a non-custom section in the required order (the data count section sits between
// element and code).
int section_rank(uint8_t id) {
  switch (id) {
    case kDataCountSection: return 10;
    case kCodeSection: return 11;
    case kDataSection: return 12;
    default: return id;
  }
}

// Index spaces that cannot hold more than one entry in a valid module (tables, memories) keep at
// most this many entries; the rest are decoded and dropped. validate_module rejects any module
// with more than one, so nothing is lost, and a section of millions of tables allocates nothing.
constexpr size_t kMaxKeptTablesOrMemories = 2;

// The instructions of constant expressions (opcodes.def), and the two of element segments that no
// function body may use (references as values are outside the feature set).
constexpr uint8_t kOpRefNull = 0xD0;
constexpr uint8_t kOpRefFunc = 0xD2;
constexpr uint8_t kFuncRefType = 0x70;
constexpr uint8_t kFuncTypeForm = 0x60;

std::string hex_byte(uint32_t b) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

class Decoder {
 public:
  Decoder(std::span<const uint8_t> bytes, const VmConfig& config) : bytes_(bytes), config_(config) {}

  Result<ModuleInfo> run() {
    if (bytes_.size() > config_.max_module_size) {
      return Error{ErrorKind::LimitExceeded,
                   "module size " + std::to_string(bytes_.size()) + " exceeds max_module_size (" +
                       std::to_string(config_.max_module_size) + ")",
                   "", 0, std::nullopt};
    }
    if (!decode()) return std::move(*error_);
    if (deferred_) return std::move(*deferred_);
    return std::move(info_);
  }

 private:
  // ------------------------------------------------------------------------------------------
  // Errors

  bool fail(ErrorKind kind, std::string message, uint64_t offset) {
    if (!error_) {
      error_ = Error{kind, std::move(message), section_, offset, func_index_};
    }
    return false;
  }
  bool malformed(std::string message, uint64_t offset) {
    return fail(ErrorKind::Malformed, std::move(message), offset);
  }
  bool limit_exceeded(const char* what, uint64_t value, const char* limit_name, uint64_t limit, uint64_t offset) {
    return fail(
        ErrorKind::LimitExceeded,
        std::string(what) + " " + std::to_string(value) + " exceeds " + limit_name + " (" + std::to_string(limit) + ")",
        offset);
  }
  // Reads the length n of a vector. More than `limit` entries in all (`already` of the same index
  // space come before the vector: the imported ones) is LimitExceeded, naming `what` and the limit.
  bool read_count(ByteReader& r, const char* what, const char* limit_name, uint64_t limit, uint32_t& n,
                  uint64_t already = 0) {
    const size_t at = r.pos();
    if (!r.read_u32(n)) return false;
    const uint64_t total = already + n;
    if (total > limit) return limit_exceeded(what, total, limit_name, limit, at);
    return true;
  }
  // Turns the reader's failure (if any, and if no error was recorded yet) into the error.
  bool reader_failed(const ByteReader& r) {
    if (!error_) {
      if (r.error_message() != nullptr) {
        malformed(r.error_message(), r.error_offset());
      } else {
        malformed(kErrUnexpectedEnd, r.pos());
      }
    }
    return false;
  }
  // An Invalid error found while decoding; reported only if decoding succeeds. First one wins.
  void defer_invalid(std::string message, uint64_t offset) {
    if (!deferred_) {
      deferred_ = Error{ErrorKind::Invalid, std::move(message), section_, offset, func_index_};
    }
  }

  // ------------------------------------------------------------------------------------------
  // Module structure

  bool decode() {
    ByteReader top(bytes_);
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
    static constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
    if (bytes_.size() < 4 || !std::equal(kMagic, kMagic + 4, bytes_.begin())) {
      return malformed("magic header not detected", 0);
    }
    if (bytes_.size() < 8) return malformed(kErrUnexpectedEnd, bytes_.size());
    if (!std::equal(kVersion, kVersion + 4, bytes_.begin() + 4)) {
      return malformed("unknown binary version", 4);
    }
    if (!top.skip(8)) return reader_failed(top);

    int last_rank = 0;
    while (!top.at_end()) {
      section_ = "";
      const size_t id_offset = top.pos();
      uint8_t id;
      if (!top.read_u8(id)) return reader_failed(top);
      if (id > kDataCountSection) return malformed("malformed section id", id_offset);
      section_ = section_name(id);
      uint32_t size;
      if (!top.read_u32(size)) return reader_failed(top);
      if (size > top.remaining()) {
        return malformed("unexpected end: section size exceeds the module (length out of bounds)", top.pos());
      }
      ByteReader r(bytes_, top.pos(), top.pos() + size);
      if (!top.skip(size)) return reader_failed(top);

      if (id != kCustomSection) {
        const int rank = section_rank(id);
        if (rank <= last_rank) {
          return malformed(
              "unexpected content after last section (section out of order or "
              "repeated)",
              id_offset);
        }
        last_rank = rank;
      }
      if (!read_section(id, r)) return reader_failed(r);
      if (!r.at_end()) return malformed("section size mismatch", r.pos());
      func_index_.reset();
    }
    section_ = "";
    return finish();
  }

  bool read_section(uint8_t id, ByteReader& r) {
    switch (id) {
      case kCustomSection: return read_custom_section(r);
      case kTypeSection: return read_type_section(r);
      case kImportSection: return read_import_section(r);
      case kFunctionSection: return read_function_section(r);
      case kTableSection: return read_table_section(r);
      case kMemorySection: return read_memory_section(r);
      case kGlobalSection: return read_global_section(r);
      case kExportSection: return read_export_section(r);
      case kStartSection: return read_start_section(r);
      case kElementSection: return read_element_section(r);
      case kCodeSection: return read_code_section(r);
      case kDataSection: return read_data_section(r);
      case kDataCountSection: return read_data_count_section(r);
      default: return malformed("malformed section id", r.pos());
    }
  }

  // Cross-section checks once every section was read, and the derived declared_func_refs.
  bool finish() {
    if (!has_code_section_ && declared_funcs_ != 0) {
      section_ = "function";
      return malformed("function and code section have inconsistent lengths", bytes_.size());
    }
    if (info_.data_count && *info_.data_count != info_.datas.size()) {
      section_ = "data";
      return malformed("data count and data section have inconsistent lengths", bytes_.size());
    }
    auto& refs = info_.declared_func_refs;
    for (const ExportInfo& e : info_.exports) {
      if (e.kind == ExternKind::Func) refs.push_back(e.index);
    }
    for (const ElemSegment& s : info_.elems) {
      for (uint32_t f : s.funcs) {
        if (f != kNullFuncIndex) refs.push_back(f);
      }
    }
    for (const GlobalInfo& g : info_.globals) {
      if (g.init.kind == ConstExpr::Kind::RefFunc) refs.push_back(g.init.index);
    }
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    return true;
  }

  // A vector's element count. Reserving min(count, remaining bytes) is safe because every element
  // takes at least one byte.
  static size_t safe_reserve(const ByteReader& r, uint32_t count) { return std::min<size_t>(count, r.remaining()); }

  // ------------------------------------------------------------------------------------------
  // Types

  bool read_valtype(ByteReader& r, ValType& out) {
    const size_t at = r.pos();
    uint8_t b;
    if (!r.read_u8(b)) return false;
    switch (b) {
      case 0x7F: out = ValType::I32; return true;
      case 0x7E: out = ValType::I64; return true;
      case 0x7D: out = ValType::F32; return true;
      case 0x7C: out = ValType::F64; return true;
      default: return malformed("malformed value type " + hex_byte(b), at);
    }
  }

  bool read_limits(ByteReader& r, Limits& out) {
    const size_t at = r.pos();
    uint8_t flags;
    if (!r.read_u8(flags)) return false;
    if (flags > 1) return malformed("malformed limits flags " + hex_byte(flags), at);
    if (!r.read_u32(out.min)) return false;
    out.max.reset();
    if (flags == 1) {
      uint32_t max;
      if (!r.read_u32(max)) return false;
      out.max = max;
    }
    return true;
  }

  bool read_table_type(ByteReader& r, TableType& out) {
    const size_t at = r.pos();
    uint8_t elem;
    if (!r.read_u8(elem)) return false;
    if (elem != kFuncRefType) return malformed("malformed reference type " + hex_byte(elem), at);
    return read_limits(r, out.limits);
  }

  bool read_global_type(ByteReader& r, GlobalType& out) {
    if (!read_valtype(r, out.type)) return false;
    const size_t at = r.pos();
    uint8_t mut;
    if (!r.read_u8(mut)) return false;
    if (mut > 1) return malformed("malformed mutability", at);
    out.mut = mut == 1;
    return true;
  }

  bool read_valtype_vec(ByteReader& r, std::vector<ValType>& out, const char* what, const char* limit_name,
                        uint32_t limit) {
    uint32_t n;
    if (!read_count(r, what, limit_name, limit, n)) return false;
    out.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      ValType t = ValType::I32;
      if (!read_valtype(r, t)) return false;
      out.push_back(t);
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Sections

  bool read_custom_section(ByteReader& r) {
    const size_t at = r.pos();
    if (info_.customs.size() >= config_.max_custom_sections) {
      return limit_exceeded("custom section count", info_.customs.size() + 1, "max_custom_sections",
                            config_.max_custom_sections, at);
    }
    std::string_view name;
    if (!r.read_name(name)) return false;
    info_.customs.push_back({std::string(name), r.pos(), r.end()});
    return r.skip(r.remaining());
  }

  bool read_type_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "type count", "max_types", config_.max_types, n)) return false;
    info_.types.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      const size_t form_at = r.pos();
      uint8_t form;
      if (!r.read_u8(form)) return false;
      if (form != kFuncTypeForm) return malformed("malformed function type form " + hex_byte(form), form_at);
      FuncType t;
      if (!read_valtype_vec(r, t.params, "parameter count", "max_params", config_.max_params) ||
          !read_valtype_vec(r, t.results, "result count", "max_results", config_.max_results)) {
        return false;
      }
      info_.types.push_back(std::move(t));
    }
    return true;
  }

  bool add_function(uint32_t type_index, size_t at) {
    if (info_.func_types.size() >= config_.max_functions) {
      return limit_exceeded("function count", info_.func_types.size() + 1, "max_functions", config_.max_functions, at);
    }
    info_.func_types.push_back(type_index);
    return true;
  }
  bool add_global(const GlobalType& t, size_t at) {
    if (info_.global_types.size() >= config_.max_globals) {
      return limit_exceeded("global count", info_.global_types.size() + 1, "max_globals", config_.max_globals, at);
    }
    info_.global_types.push_back(t);
    return true;
  }
  void add_table(const TableType& t) {
    if (info_.tables.size() < kMaxKeptTablesOrMemories) info_.tables.push_back(t);
  }
  void add_memory(const MemoryType& m) {
    if (info_.memories.size() < kMaxKeptTablesOrMemories) info_.memories.push_back(m);
  }

  bool read_import_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "import count", "max_imports", config_.max_imports, n)) return false;
    info_.imports.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      ImportInfo imp;
      imp.offset = r.pos();
      std::string_view module, name;
      if (!r.read_name(module) || !r.read_name(name)) return false;
      imp.module = module;
      imp.name = name;
      const size_t kind_at = r.pos();
      uint8_t kind;
      if (!r.read_u8(kind)) return false;
      switch (kind) {
        case 0:
          imp.kind = ExternKind::Func;
          if (!r.read_u32(imp.type_index) || !add_function(imp.type_index, imp.offset)) return false;
          ++info_.num_imported_funcs;
          break;
        case 1:
          imp.kind = ExternKind::Table;
          if (!read_table_type(r, imp.table)) return false;
          add_table(imp.table);
          ++info_.num_imported_tables;
          break;
        case 2:
          imp.kind = ExternKind::Memory;
          if (!read_limits(r, imp.memory.limits)) return false;
          add_memory(imp.memory);
          ++info_.num_imported_memories;
          break;
        case 3:
          imp.kind = ExternKind::Global;
          if (!read_global_type(r, imp.global) || !add_global(imp.global, imp.offset)) return false;
          ++info_.num_imported_globals;
          break;
        default: return malformed("malformed import kind " + hex_byte(kind), kind_at);
      }
      info_.imports.push_back(std::move(imp));
    }
    return true;
  }

  bool read_function_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "function count", "max_functions", config_.max_functions, n, info_.num_imported_funcs))
      return false;
    info_.func_types.reserve(info_.func_types.size() + safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      const size_t idx_at = r.pos();
      uint32_t type_index;
      if (!r.read_u32(type_index) || !add_function(type_index, idx_at)) return false;
    }
    declared_funcs_ = n;
    return true;
  }

  bool read_table_section(ByteReader& r) {
    uint32_t n;
    if (!r.read_u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      TableType t;
      if (!read_table_type(r, t)) return false;
      add_table(t);
    }
    return true;
  }

  bool read_memory_section(ByteReader& r) {
    uint32_t n;
    if (!r.read_u32(n)) return false;
    for (uint32_t i = 0; i < n; ++i) {
      MemoryType m;
      if (!read_limits(r, m.limits)) return false;
      add_memory(m);
    }
    return true;
  }

  bool read_global_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "global count", "max_globals", config_.max_globals, n, info_.num_imported_globals)) return false;
    info_.globals.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      const size_t g_at = r.pos();
      GlobalInfo g;
      if (!read_global_type(r, g.type) || !read_const_expr(r, g.init) || !add_global(g.type, g_at)) {
        return false;
      }
      info_.globals.push_back(g);
    }
    return true;
  }

  bool read_export_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "export count", "max_exports", config_.max_exports, n)) return false;
    info_.exports.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      ExportInfo e;
      e.offset = r.pos();
      std::string_view name;
      if (!r.read_name(name)) return false;
      e.name = name;
      const size_t kind_at = r.pos();
      uint8_t kind;
      if (!r.read_u8(kind)) return false;
      if (kind > 3) return malformed("malformed export kind " + hex_byte(kind), kind_at);
      e.kind = static_cast<ExternKind>(kind);
      if (!r.read_u32(e.index)) return false;
      info_.exports.push_back(std::move(e));
    }
    return true;
  }

  bool read_start_section(ByteReader& r) {
    uint32_t index;
    if (!r.read_u32(index)) return false;
    info_.start = index;
    return true;
  }

  bool read_element_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "element segment count", "max_elem_segments", config_.max_elem_segments, n)) return false;
    info_.elems.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      ElemSegment s;
      if (!read_elem_segment(r, s)) return false;
      info_.elems.push_back(std::move(s));
    }
    return true;
  }

  // elem ::= 0:u32 e:expr y*:vec(funcidx)                       active, table 0
  //        | 1:u32 et:elemkind y*:vec(funcidx)                   passive
  //        | 2:u32 x:tableidx e:expr et:elemkind y*:vec(funcidx) active
  //        | 3:u32 et:elemkind y*:vec(funcidx)                   declarative
  //        | 4:u32 e:expr el*:vec(expr)                          active, table 0
  //        | 5:u32 et:reftype el*:vec(expr)                      passive
  //        | 6:u32 x:tableidx e:expr et:reftype el*:vec(expr)    active
  //        | 7:u32 et:reftype el*:vec(expr)                      declarative
  bool read_elem_segment(ByteReader& r, ElemSegment& s) {
    s.byte_offset = r.pos();
    uint32_t flags;
    if (!r.read_u32(flags)) return false;
    if (flags > 7) return malformed("malformed elements segment kind " + std::to_string(flags), s.byte_offset);
    const bool uses_exprs = (flags & 4) != 0;
    if (flags & 1) {
      s.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      s.mode = SegmentMode::Active;
      if ((flags & 2) && !r.read_u32(s.table_index)) return false;
      if (!read_const_expr(r, s.offset)) return false;
    }
    if (flags & 3) {
      const size_t kind_at = r.pos();
      uint8_t kind;
      if (!r.read_u8(kind)) return false;
      if (uses_exprs && kind != kFuncRefType) {
        return malformed("malformed reference type " + hex_byte(kind), kind_at);
      }
      if (!uses_exprs && kind != 0x00) return malformed("malformed element kind " + hex_byte(kind), kind_at);
    }
    const size_t count_at = r.pos();
    uint32_t n;
    if (!r.read_u32(n)) return false;
    if (n > config_.max_table_size) {
      return limit_exceeded("element segment length", n, "max_table_size", config_.max_table_size, count_at);
    }
    s.funcs.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      const size_t item_at = r.pos();
      if (!uses_exprs) {
        uint32_t f;
        if (!r.read_u32(f)) return false;
        if (f == kNullFuncIndex) defer_invalid("unknown function " + std::to_string(f), item_at);
        s.funcs.push_back(f);
        continue;
      }
      ConstExpr e;
      if (!read_const_expr(r, e)) return false;
      if (e.kind == ConstExpr::Kind::RefFunc) {
        if (e.index == kNullFuncIndex) defer_invalid("unknown function " + std::to_string(e.index), item_at);
        s.funcs.push_back(e.index);
      } else if (e.kind == ConstExpr::Kind::RefNull) {
        s.funcs.push_back(kNullFuncIndex);
      } else {
        defer_invalid("type mismatch: element expression must be ref.func or ref.null func", item_at);
        s.funcs.push_back(kNullFuncIndex);
      }
    }
    return true;
  }

  bool read_data_count_section(ByteReader& r) {
    uint32_t n;
    if (!r.read_u32(n)) return false;
    info_.data_count = n;
    return true;
  }

  bool read_code_section(ByteReader& r) {
    has_code_section_ = true;
    const size_t at = r.pos();
    info_.code_section_begin = at;
    uint32_t n;
    if (!r.read_u32(n)) return false;
    if (n != declared_funcs_) {
      return malformed("function and code section have inconsistent lengths", at);
    }
    info_.bodies.reserve(n);  // n == declared_funcs_, already bounded by max_functions
    for (uint32_t i = 0; i < n; ++i) {
      func_index_ = info_.num_imported_funcs + i;
      FunctionBody body;
      if (!read_function_body(r, body)) return false;
      info_.bodies.push_back(std::move(body));
    }
    func_index_.reset();
    return true;
  }

  bool read_function_body(ByteReader& r, FunctionBody& body) {
    body.body_begin = r.pos();
    uint32_t size;
    if (!r.read_u32(size)) return false;
    if (size > r.remaining()) {
      return malformed("unexpected end: function body size exceeds the section", body.body_begin);
    }
    if (size > config_.max_function_size) {
      return limit_exceeded("function body size", size, "max_function_size", config_.max_function_size,
                            body.body_begin);
    }
    ByteReader b(bytes_, r.pos(), r.pos() + size);
    if (!r.skip(size)) return false;

    // locals ::= vec(n:u32 t:valtype); the total must fit in u32.
    uint32_t groups;
    if (!b.read_u32(groups)) return reader_failed(b);
    std::vector<std::pair<uint32_t, ValType>> decls;
    decls.reserve(safe_reserve(b, groups));
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups; ++g) {
      uint32_t count;
      ValType t = ValType::I32;
      if (!b.read_u32(count)) return reader_failed(b);
      if (!read_valtype(b, t)) return reader_failed(b);
      total += count;
      if (total > std::numeric_limits<uint32_t>::max()) return malformed("too many locals", b.pos());
      decls.emplace_back(count, t);
    }
    const uint32_t type_index = info_.func_types[*func_index_];
    const uint64_t params = type_index < info_.types.size() ? info_.types[type_index].params.size() : 0;
    if (params + total > config_.max_locals_per_function) {
      return limit_exceeded("parameter and local count", params + total, "max_locals_per_function",
                            config_.max_locals_per_function, body.body_begin);
    }
    body.locals.reserve(static_cast<size_t>(total));
    for (const auto& [count, t] : decls) body.locals.insert(body.locals.end(), count, t);

    body.code_begin = b.pos();
    body.code_end = b.end();
    if (body.code_begin == body.code_end) {
      return malformed("unexpected end of function body", body.code_end);
    }
    if (bytes_[body.code_end - 1] != wasm::kEnd) {
      return malformed("END opcode expected at the end of the function body", body.code_end - 1);
    }
    return true;
  }

  // data ::= 0:u32 e:expr b*:vec(byte)                active, memory 0
  //        | 1:u32 b*:vec(byte)                       passive
  //        | 2:u32 x:memidx e:expr b*:vec(byte)       active
  bool read_data_section(ByteReader& r) {
    uint32_t n;
    if (!read_count(r, "data segment count", "max_data_segments", config_.max_data_segments, n)) return false;
    info_.datas.reserve(safe_reserve(r, n));
    for (uint32_t i = 0; i < n; ++i) {
      DataSegment d;
      d.byte_offset = r.pos();
      uint32_t flags;
      if (!r.read_u32(flags)) return false;
      switch (flags) {
        case 0:
          d.mode = SegmentMode::Active;
          if (!read_const_expr(r, d.offset)) return false;
          break;
        case 1: d.mode = SegmentMode::Passive; break;
        case 2:
          d.mode = SegmentMode::Active;
          if (!r.read_u32(d.memory_index) || !read_const_expr(r, d.offset)) return false;
          break;
        default: return malformed("malformed data segment kind " + std::to_string(flags), d.byte_offset);
      }
      const size_t len_at = r.pos();
      uint32_t len;
      if (!r.read_u32(len)) return false;
      if (len > r.remaining()) {
        return malformed("unexpected end: data segment length out of bounds", len_at);
      }
      d.init_begin = r.pos();
      d.init_end = d.init_begin + len;
      if (!r.skip(len)) return false;
      info_.datas.push_back(d);
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Constant expressions

  // Reads instructions up to the `end` that closes the expression. Exactly one constant
  // instruction yields `out`. Unknown opcodes are Malformed (returns false); known non-constant
  // instructions and a number of instructions other than one are deferred Invalid errors.
  bool read_const_expr(ByteReader& r, ConstExpr& out) {
    out = ConstExpr{};
    out.offset = r.pos();
    uint32_t constants = 0;
    uint32_t depth = 0;  // nesting of block/loop/if inside a (non-constant) expression
    std::optional<size_t> non_constant_at;
    for (;;) {
      const size_t op_at = r.pos();
      uint8_t op;
      if (!r.read_u8(op)) return false;
      ConstExpr e;
      e.offset = op_at;
      switch (op) {
        case wasm::kEnd:
          if (depth == 0) {
            if (non_constant_at) {
              defer_invalid("constant expression required", *non_constant_at);
            } else if (constants != 1) {
              defer_invalid("type mismatch: constant expression must produce exactly one value", out.offset);
            }
            return true;
          }
          --depth;
          continue;
        case wasm::kI32Const: {
          int32_t v;
          if (!r.read_s32(v)) return false;
          e.kind = ConstExpr::Kind::I32;
          e.bits = static_cast<uint32_t>(v);
          break;
        }
        case wasm::kI64Const: {
          int64_t v;
          if (!r.read_s64(v)) return false;
          e.kind = ConstExpr::Kind::I64;
          e.bits = static_cast<uint64_t>(v);
          break;
        }
        case wasm::kF32Const: {
          uint32_t v;
          if (!r.read_f32_bits(v)) return false;
          e.kind = ConstExpr::Kind::F32;
          e.bits = v;
          break;
        }
        case wasm::kF64Const:
          e.kind = ConstExpr::Kind::F64;
          if (!r.read_f64_bits(e.bits)) return false;
          break;
        case wasm::kGlobalGet:
          e.kind = ConstExpr::Kind::GlobalGet;
          if (!r.read_u32(e.index)) return false;
          break;
        case kOpRefNull: {
          const size_t t_at = r.pos();
          uint8_t t;
          if (!r.read_u8(t)) return false;
          if (t != kFuncRefType) return malformed("malformed reference type " + hex_byte(t), t_at);
          e.kind = ConstExpr::Kind::RefNull;
          e.index = kNullFuncIndex;
          break;
        }
        case kOpRefFunc:
          e.kind = ConstExpr::Kind::RefFunc;
          if (!r.read_u32(e.index)) return false;
          break;
        default:
          if (!skip_instruction(r, op, op_at, depth)) return false;
          if (!non_constant_at) non_constant_at = op_at;
          continue;
      }
      if (depth > 0 && !non_constant_at) non_constant_at = op_at;
      if (++constants == 1) out = e;
    }
  }

  bool read_block_type(ByteReader& r) {
    const size_t at = r.pos();
    int64_t bt;
    if (!r.read_s33(bt)) return false;
    // 0x40 (empty) and the value types encode as small negative numbers; type indices as >= 0.
    if (bt >= 0 || bt == -0x40 || (bt >= -4 && bt <= -1)) return true;
    return malformed("malformed block type", at);
  }

  // Skips the immediates of a known instruction that may not appear in a constant expression
  // (opcodes.def says which immediates it has). Unknown opcodes (outside Tenor's feature set) are
  // Malformed, as in a function body.
  bool skip_instruction(ByteReader& r, uint8_t op, size_t op_at, uint32_t& depth) {
    uint32_t opcode = op;
    if (op == wasm::kPrefixFC) {
      uint32_t sub;
      if (!r.read_u32(sub)) return false;
      opcode = wasm::prefixed(sub);
      if (!find_opcode(opcode)) return malformed(illegal_prefixed_opcode_message(sub), op_at);
    }
    const OpcodeInfo* info = find_opcode(opcode);
    if (!info) return malformed(illegal_opcode_message(op), op_at);
    uint32_t u;
    uint8_t b;
    switch (info->imm) {
      case Imm::None: return true;
      case Imm::BlockType: ++depth; return read_block_type(r);
      case Imm::Index: return r.read_u32(u);
      case Imm::BrTable: {
        uint32_t n;
        if (!r.read_u32(n)) return false;
        for (uint64_t i = 0; i <= n; ++i) {
          if (!r.read_u32(u)) return false;
        }
        return true;
      }
      case Imm::IndexByte: return r.read_u32(u) && r.read_u8(b);
      case Imm::Byte: return r.read_u8(b);
      case Imm::TwoBytes: return r.read_u8(b) && r.read_u8(b);
      case Imm::TwoIndices:
      case Imm::MemArg: return r.read_u32(u) && r.read_u32(u);
      case Imm::I32: {
        int32_t v;
        return r.read_s32(v);
      }
      case Imm::I64: {
        int64_t v;
        return r.read_s64(v);
      }
      case Imm::F32: return r.read_f32_bits(u);
      case Imm::F64: {
        uint64_t v;
        return r.read_f64_bits(v);
      }
    }
    return true;
  }

  std::span<const uint8_t> bytes_;
  const VmConfig& config_;
  ModuleInfo info_;
  std::optional<Error> error_;
  std::optional<Error> deferred_;
  std::string section_;
  std::optional<uint32_t> func_index_;
  uint32_t declared_funcs_ = 0;  // entries of the function section
  bool has_code_section_ = false;
};

}  // namespace

Result<ModuleInfo> decode_module(std::span<const uint8_t> bytes, const VmConfig& config) {
  return Decoder(bytes, config).run();
}

}  // namespace tenor::vm::detail
