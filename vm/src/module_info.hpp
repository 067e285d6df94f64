// The decoded form of a binary module: everything except the instructions of function bodies,
// which the validator reads straight from the module bytes (code_begin/code_end) and translates
// into the interpreter's internal code.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tenor/vm/config.hpp"
#include "tenor/vm/error.hpp"
#include "tenor/vm/types.hpp"

namespace tenor::vm::detail {

// A constant expression (global initialisers, segment offsets, element expressions).
struct ConstExpr {
  enum class Kind : uint8_t { I32, I64, F32, F64, GlobalGet, RefNull, RefFunc };
  Kind kind = Kind::I32;
  uint64_t bits = 0;    // I32/I64/F32/F64: the value's bits (i32 zero-extended)
  uint32_t index = 0;   // GlobalGet: global index; RefFunc: function index
  uint64_t offset = 0;  // byte offset of the expression in the module, for errors
};

struct ImportInfo {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  // Func
  TableType table;          // Table
  MemoryType memory;        // Memory
  GlobalType global;        // Global
  uint64_t offset = 0;
};

struct GlobalInfo {
  GlobalType type;
  ConstExpr init;
};

struct ExportInfo {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint64_t offset = 0;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

inline constexpr uint32_t kNullFuncIndex = 0xFFFFFFFFu;

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table_index = 0;
  ConstExpr offset;             // Active only
  std::vector<uint32_t> funcs;  // function indices; kNullFuncIndex for ref.null
  uint64_t byte_offset = 0;     // of the segment in the module
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // Active or Passive
  uint32_t memory_index = 0;
  ConstExpr offset;         // Active only
  uint64_t init_begin = 0;  // payload: module bytes [init_begin, init_end)
  uint64_t init_end = 0;
  uint64_t byte_offset = 0;
};

struct FunctionBody {
  std::vector<ValType> locals;  // declared locals, expanded (parameters not included)
  uint64_t body_begin = 0;      // offset of the body's size LEB
  uint64_t code_begin = 0;      // first instruction byte (after the local declarations)
  uint64_t code_end = 0;        // one past the body's last byte (its final `end` is included)
};

struct CustomSection {
  std::string name;
  uint64_t payload_begin = 0;
  uint64_t payload_end = 0;
};

struct ModuleInfo {
  std::vector<FuncType> types;
  std::vector<ImportInfo> imports;
  // Index spaces. Imported entries come first; num_imported_* counts them.
  std::vector<uint32_t> func_types;  // type index of every function (imported and defined)
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> global_types;  // every global (imported and defined)
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<GlobalInfo> globals;  // defined globals only (index - num_imported_globals)
  std::vector<ExportInfo> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;  // from the data count section
  std::vector<FunctionBody> bodies;    // defined functions only
  // Module offset of the code section's payload (its function-count LEB): code offsets in trap
  // sites and source maps are relative to it.
  uint64_t code_section_begin = 0;
  std::vector<CustomSection> customs;
  // Function indices referenced outside function bodies (exports, element segments, globals):
  // the only ones `ref.func` may name. Sorted, unique.
  std::vector<uint32_t> declared_func_refs;
};

// Decodes the binary format. Errors are ErrorKind::Malformed (or LimitExceeded when a VmConfig limit
// is crossed), naming the section and the byte offset.
Result<ModuleInfo> decode_module(std::span<const uint8_t> bytes, const VmConfig& config);

// Validates everything that is not inside a function body: index spaces, limits, at most one table
// and one memory, constant expressions and their types, export name uniqueness, start function type,
// segment references. Errors are ErrorKind::Invalid (or LimitExceeded).
Status validate_module(const ModuleInfo& info, const VmConfig& config);

}  // namespace tenor::vm::detail
