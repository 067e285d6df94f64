// validate_module: the module-level half of WebAssembly validation (core spec 3.4), everything
// outside function bodies. Spec violations are Invalid; a valid module that is larger than the
// VmConfig allows is LimitExceeded. Spec checks come first, so the category of a module that is
// both invalid and too large is Invalid.
//
// Constant expressions follow the reference interpreter of this spec snapshot: a global's
// initialiser may only read imported globals; segment offsets may read any global; in both cases
// the global must be immutable ("constant expression required").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "module_info.hpp"

namespace tenor::vm::detail {
namespace {

class ModuleValidator {
 public:
  ModuleValidator(const ModuleInfo& info, const VmConfig& config) : info_(info), config_(config) {}

  Status run() {
    if (!check_types() || !check_tables() || !check_memories() || !check_globals() || !check_exports() ||
        !check_start() || !check_elems() || !check_datas()) {
      return std::move(*error_);
    }
    return Status::ok();
  }

 private:
  bool fail(ErrorKind kind, std::string message, const char* section, uint64_t offset,
            std::optional<uint32_t> func_index = std::nullopt) {
    error_ = Error{kind, std::move(message), section, offset, func_index};
    return false;
  }
  bool invalid(std::string message, const char* section, uint64_t offset,
               std::optional<uint32_t> func_index = std::nullopt) {
    return fail(ErrorKind::Invalid, std::move(message), section, offset, func_index);
  }
  static std::string numbered(const char* what, uint32_t index) {
    return std::string(what) + " " + std::to_string(index);
  }

  uint64_t import_offset(ExternKind kind, uint32_t index) const {
    uint32_t seen = 0;
    for (const ImportInfo& imp : info_.imports) {
      if (imp.kind == kind && seen++ == index) return imp.offset;
    }
    return 0;
  }

  bool check_types() {
    for (const ImportInfo& imp : info_.imports) {
      if (imp.kind == ExternKind::Func && imp.type_index >= info_.types.size()) {
        return invalid(numbered("unknown type", imp.type_index), "import", imp.offset);
      }
    }
    for (size_t i = info_.num_imported_funcs; i < info_.func_types.size(); ++i) {
      if (info_.func_types[i] >= info_.types.size()) {
        return invalid(numbered("unknown type", info_.func_types[i]), "function", 0, static_cast<uint32_t>(i));
      }
    }
    return true;
  }

  bool check_limits(const Limits& l, uint32_t spec_max, const char* spec_max_message, const char* section,
                    uint64_t offset) {
    if (l.min > spec_max || (l.max && *l.max > spec_max)) {
      return invalid(spec_max_message, section, offset);
    }
    if (l.max && l.min > *l.max) {
      return invalid("size minimum must not be greater than maximum", section, offset);
    }
    return true;
  }

  bool check_tables() {
    if (info_.tables.size() > 1) return invalid("multiple tables", "table", 0);
    for (size_t i = 0; i < info_.tables.size(); ++i) {
      const char* section = i < info_.num_imported_tables ? "import" : "table";
      const uint64_t at = i < info_.num_imported_tables ? import_offset(ExternKind::Table, 0) : 0;
      const Limits& l = info_.tables[i].limits;
      if (!check_limits(l, UINT32_MAX, "", section, at)) return false;
      if (l.min > config_.max_table_size) {
        return fail(ErrorKind::LimitExceeded,
                    "table minimum size " + std::to_string(l.min) + " exceeds max_table_size (" +
                        std::to_string(config_.max_table_size) + ")",
                    section, at);
      }
    }
    return true;
  }

  bool check_memories() {
    if (info_.memories.size() > 1) return invalid("multiple memories", "memory", 0);
    for (size_t i = 0; i < info_.memories.size(); ++i) {
      const char* section = i < info_.num_imported_memories ? "import" : "memory";
      const uint64_t at = i < info_.num_imported_memories ? import_offset(ExternKind::Memory, 0) : 0;
      const Limits& l = info_.memories[i].limits;
      if (!check_limits(l, kMaxPages, "memory size must be at most 65536 pages (4GiB)", section, at)) {
        return false;
      }
      if (l.min > config_.max_memory_pages) {
        return fail(ErrorKind::LimitExceeded,
                    "memory minimum size " + std::to_string(l.min) + " pages exceeds max_memory_pages (" +
                        std::to_string(config_.max_memory_pages) + ")",
                    section, at);
      }
    }
    return true;
  }

  // A constant expression of type `expected` that may read globals [0, visible_globals).
  bool check_const_expr(const ConstExpr& e, ValType expected, size_t visible_globals, const char* section) {
    ValType actual = ValType::I32;
    switch (e.kind) {
      case ConstExpr::Kind::I32: actual = ValType::I32; break;
      case ConstExpr::Kind::I64: actual = ValType::I64; break;
      case ConstExpr::Kind::F32: actual = ValType::F32; break;
      case ConstExpr::Kind::F64: actual = ValType::F64; break;
      case ConstExpr::Kind::GlobalGet: {
        if (e.index >= visible_globals) {
          return invalid(numbered("unknown global", e.index), section, e.offset);
        }
        const GlobalType& g = info_.global_types[e.index];
        if (g.mut) return invalid("constant expression required", section, e.offset);
        actual = g.type;
        break;
      }
      case ConstExpr::Kind::RefFunc:
        if (e.index >= info_.func_types.size()) {
          return invalid(numbered("unknown function", e.index), section, e.offset);
        }
        actual = ValType::FuncRef;
        break;
      case ConstExpr::Kind::RefNull: actual = ValType::FuncRef; break;
      default: return invalid("constant expression required", section, e.offset);
    }
    if (actual != expected) {
      return invalid(std::string("type mismatch: expected ") + to_string(expected) + ", got " + to_string(actual),
                     section, e.offset);
    }
    return true;
  }

  bool check_globals() {
    for (const GlobalInfo& g : info_.globals) {
      if (!check_const_expr(g.init, g.type.type, info_.num_imported_globals, "global")) {
        return false;
      }
    }
    return true;
  }

  bool check_exports() {
    std::unordered_set<std::string_view> names;
    names.reserve(info_.exports.size());
    for (const ExportInfo& e : info_.exports) {
      size_t space = 0;
      switch (e.kind) {
        case ExternKind::Func: space = info_.func_types.size(); break;
        case ExternKind::Table: space = info_.tables.size(); break;
        case ExternKind::Memory: space = info_.memories.size(); break;
        case ExternKind::Global: space = info_.global_types.size(); break;
      }
      if (e.index >= space) {
        const char* what = e.kind == ExternKind::Func ? "function" : to_string(e.kind);
        return invalid(std::string("unknown ") + what + " " + std::to_string(e.index), "export", e.offset);
      }
      if (!names.insert(e.name).second) {
        return invalid("duplicate export name \"" + e.name + "\"", "export", e.offset);
      }
    }
    return true;
  }

  bool check_start() {
    if (!info_.start) return true;
    const uint32_t f = *info_.start;
    if (f >= info_.func_types.size()) return invalid(numbered("unknown function", f), "start", 0);
    const FuncType& t = info_.types[info_.func_types[f]];  // type indices checked above
    if (!t.params.empty() || !t.results.empty()) {
      return invalid("start function must have type [] -> [], has " + to_string(t), "start", 0);
    }
    return true;
  }

  bool check_elems() {
    for (const ElemSegment& s : info_.elems) {
      if (s.mode == SegmentMode::Active) {
        if (s.table_index >= info_.tables.size()) {
          return invalid(numbered("unknown table", s.table_index), "element", s.byte_offset);
        }
        if (!check_const_expr(s.offset, ValType::I32, info_.global_types.size(), "element")) {
          return false;
        }
      }
      for (uint32_t f : s.funcs) {
        if (f != kNullFuncIndex && f >= info_.func_types.size()) {
          return invalid(numbered("unknown function", f), "element", s.byte_offset);
        }
      }
    }
    return true;
  }

  bool check_datas() {
    for (const DataSegment& d : info_.datas) {
      if (d.mode != SegmentMode::Active) continue;
      if (d.memory_index >= info_.memories.size()) {
        return invalid(numbered("unknown memory", d.memory_index), "data", d.byte_offset);
      }
      if (!check_const_expr(d.offset, ValType::I32, info_.global_types.size(), "data")) {
        return false;
      }
    }
    return true;
  }

  const ModuleInfo& info_;
  const VmConfig& config_;
  std::optional<Error> error_;
};

}  // namespace

Status validate_module(const ModuleInfo& info, const VmConfig& config) { return ModuleValidator(info, config).run(); }

}  // namespace tenor::vm::detail
