// Text forms of the VM's public value, type, error and trap definitions.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "tenor/vm/error.hpp"
#include "tenor/vm/trap.hpp"
#include "tenor/vm/types.hpp"

namespace tenor::vm {

const char* to_string(ValType t) noexcept {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::FuncRef: return "funcref";
  }
  return "<unknown type>";
}

std::string to_string(const Value& v) {
  char buf[64];
  switch (v.type) {
    case ValType::I32: std::snprintf(buf, sizeof buf, "i32:%" PRId32, v.as_i32()); break;
    case ValType::I64: std::snprintf(buf, sizeof buf, "i64:%" PRId64, v.as_i64()); break;
    case ValType::F32: std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, v.as_u32()); break;
    case ValType::F64: std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, v.as_u64()); break;
    case ValType::FuncRef: std::snprintf(buf, sizeof buf, "funcref:0x%" PRIx64, v.as_u64()); break;
    default: std::snprintf(buf, sizeof buf, "<unknown type>:0x%" PRIx64, v.as_u64()); break;
  }
  return buf;
}

namespace {
void append_types(std::string& out, const std::vector<ValType>& types) {
  out += '(';
  for (size_t i = 0; i < types.size(); ++i) {
    if (i != 0) out += ", ";
    out += to_string(types[i]);
  }
  out += ')';
}
}  // namespace

std::string to_string(const FuncType& t) {
  std::string out;
  append_types(out, t.params);
  out += " -> ";
  append_types(out, t.results);
  return out;
}

const char* to_string(ExternKind k) noexcept {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "<unknown kind>";
}

const char* to_string(ErrorKind k) noexcept {
  switch (k) {
    case ErrorKind::Malformed: return "malformed module";
    case ErrorKind::Invalid: return "invalid module";
    case ErrorKind::LimitExceeded: return "limit exceeded";
    case ErrorKind::ProfileViolation: return "profile violation";
    case ErrorKind::Unlinkable: return "unlinkable module";
    case ErrorKind::Uninstantiable: return "uninstantiable module";
  }
  return "<unknown error kind>";
}

std::string Error::to_string() const {
  std::string out = tenor::vm::to_string(kind);
  out += ": ";
  out += message;
  std::string where;
  auto add = [&where](const std::string& part) {
    if (!where.empty()) where += ", ";
    where += part;
  };
  if (!section.empty()) add("section " + section);
  if (func_index) add("function " + std::to_string(*func_index));
  if (offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "offset 0x%" PRIx64, *offset);
    add(buf);
  }
  if (!where.empty()) out += " (" + where + ")";
  return out;
}

const char* trap_message(TrapCode c) noexcept {
  switch (c) {
#define TENOR_TRAP(code, name, msg) \
  case TrapCode::name:              \
    return msg;
#include "tenor/vm/traps.def"
#undef TENOR_TRAP
  }
  return "unknown trap";
}

const char* trap_name(TrapCode c) noexcept {
  switch (c) {
#define TENOR_TRAP(code, name, msg) \
  case TrapCode::name:              \
    return #name;
#include "tenor/vm/traps.def"
#undef TENOR_TRAP
  }
  return "UnknownTrap";
}

std::string Trap::to_string() const {
  std::string out = trap_message(code);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace tenor::vm
