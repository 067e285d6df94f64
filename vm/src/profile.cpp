// The contract profile (profile.hpp). Works on the loaded module: the decoder recorded types,
// imports, globals and locals, and the translator recorded each function's first float
// instruction, so no function body is read again here.
#include "tenor/vm/profile.hpp"

#include <cinttypes>
#include <cstdio>

#include "code.hpp"
#include "module_info.hpp"
#include "opcodes.hpp"

namespace tenor::vm {

namespace {

constexpr const char* kNoFloats = "floats are not allowed in contracts";

bool is_float(ValType t) noexcept { return t == ValType::F32 || t == ValType::F64; }

// The first float type of a function type, if any.
std::optional<ValType> float_in(const FuncType& t) {
  for (ValType v : t.params)
    if (is_float(v)) return v;
  for (ValType v : t.results)
    if (is_float(v)) return v;
  return std::nullopt;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

Error violation(std::string message, const char* section, std::optional<uint64_t> offset = std::nullopt,
                std::optional<uint32_t> func_index = std::nullopt) {
  return Error{ErrorKind::ProfileViolation, std::move(message), section, offset, func_index};
}

class ProfileChecker {
 public:
  ProfileChecker(const detail::ModuleData& md, const ProfileRules& rules) : md_(md), info_(md.info), rules_(rules) {}

  Status run() {
    if (Status s = check_imports(); !s) return s;
    if (Status s = check_types(); !s) return s;
    if (Status s = check_functions(); !s) return s;
    if (Status s = check_globals(); !s) return s;
    if (Status s = check_memory(); !s) return s;
    if (Status s = check_start(); !s) return s;
    return check_exports();
  }

 private:
  // "function 3" or, when exported, "function 3 \"tenor_entry\"".
  std::string func_label(uint32_t index) const {
    std::string out = "function " + std::to_string(index);
    for (const auto& e : info_.exports)
      if (e.kind == ExternKind::Func && e.index == index) return out + " \"" + e.name + "\"";
    return out;
  }

  Status check_imports() const {
    uint32_t func_index = 0;
    for (const auto& imp : info_.imports) {
      const std::string what = "import \"" + imp.module + "\" \"" + imp.name + "\"";
      if (imp.module != rules_.host_module)
        return violation(what + " is not from the host module \"" + rules_.host_module +
                             "\": contracts import only from the host module",
                         "import", imp.offset);
      if (imp.kind != ExternKind::Func)
        return violation(what + " is a " + to_string(imp.kind) +
                             ": contracts import only functions (a contract defines its own memory)",
                         "import", imp.offset);
      const FuncType& t = info_.types[imp.type_index];
      if (auto f = float_in(t))
        return violation(what + " (function " + std::to_string(func_index) + ") has type " + to_string(t) + " with " +
                             to_string(*f) + ": " + kNoFloats,
                         "import", imp.offset, func_index);
      ++func_index;
    }
    return {};
  }

  // Every type of the type section, so that blocks and call_indirect cannot name a float type
  // that no function uses.
  Status check_types() const {
    for (uint32_t i = 0; i < info_.types.size(); ++i) {
      if (auto f = float_in(info_.types[i])) {
        // Name a defined function of this type when there is one: that is what the author wrote.
        for (uint32_t fi = info_.num_imported_funcs; fi < info_.func_types.size(); ++fi)
          if (info_.func_types[fi] == i)
            return violation(
                func_label(fi) + " has type " + to_string(info_.types[i]) + " with " + to_string(*f) + ": " + kNoFloats,
                "function", info_.bodies[fi - info_.num_imported_funcs].body_begin, fi);
        return violation(
            "type " + std::to_string(i) + " " + to_string(info_.types[i]) + " uses " + to_string(*f) + ": " + kNoFloats,
            "type");
      }
    }
    return {};
  }

  Status check_functions() const {
    for (uint32_t i = 0; i < info_.bodies.size(); ++i) {
      const uint32_t fi = info_.num_imported_funcs + i;
      const auto& body = info_.bodies[i];
      for (size_t l = 0; l < body.locals.size(); ++l)
        if (is_float(body.locals[l]))
          return violation(func_label(fi) + " declares local " +
                               std::to_string(l + info_.types[info_.func_types[fi]].params.size()) + " of type " +
                               to_string(body.locals[l]) + ": " + kNoFloats,
                           "code", body.body_begin, fi);
      if (i < md_.funcs.size() && md_.funcs[i].first_float_op) {
        auto [offset, opcode] = *md_.funcs[i].first_float_op;
        const char* name = float_instruction_name(opcode);
        // A float block type is recorded as the block, loop or if that declares it.
        namespace wasm = detail::wasm;
        const bool block = opcode == wasm::kBlock || opcode == wasm::kLoop || opcode == wasm::kIf;
        const std::string what = name ? std::string(name) : block ? "a float block type" : "opcode " + hex(opcode);
        return violation(func_label(fi) + " uses " + what + " at offset " + hex(offset) + ": " + kNoFloats, "code",
                         offset, fi);
      }
    }
    return {};
  }

  Status check_globals() const {
    for (uint32_t i = 0; i < info_.globals.size(); ++i) {
      const auto& g = info_.globals[i];
      if (is_float(g.type.type))
        return violation("global " + std::to_string(info_.num_imported_globals + i) + " has type " +
                             to_string(g.type.type) + ": " + kNoFloats,
                         "global", g.init.offset);
    }
    return {};
  }

  Status check_memory() const {
    if (info_.memories.size() != 1)
      return violation(
          "a contract defines exactly one memory; this module has " + std::to_string(info_.memories.size()), "memory");
    const Limits& l = info_.memories[0].limits;
    if (!l.max)
      return violation("the memory declares no maximum: a contract's memory needs a maximum of at most " +
                           std::to_string(rules_.max_memory_pages) + " pages (max_memory_pages)",
                       "memory");
    if (*l.max > rules_.max_memory_pages)
      return violation("the memory's maximum of " + std::to_string(*l.max) + " pages exceeds the contract limit of " +
                           std::to_string(rules_.max_memory_pages) + " pages (max_memory_pages)",
                       "memory");
    return {};
  }

  Status check_start() const {
    if (!info_.start) return {};
    return violation(func_label(*info_.start) +
                         " is the start function: contracts have no start function (export "
                         "\"tenor_init\" instead)",
                     "start", std::nullopt, *info_.start);
  }

  Status check_exports() const {
    for (const ExportRule& rule : rules_.exports) {
      const detail::ExportInfo* found = nullptr;
      for (const auto& e : info_.exports)
        if (e.name == rule.name) found = &e;
      if (!found) {
        if (!rule.required) continue;
        return violation(std::string("missing export \"") + rule.name + "\" (" + to_string(rule.kind) +
                             (rule.kind == ExternKind::Func ? " " + to_string(rule.type) : std::string()) +
                             "): every contract exports it",
                         "export");
      }
      if (found->kind != rule.kind)
        return violation(
            "export \"" + rule.name + "\" is a " + to_string(found->kind) + ", expected a " + to_string(rule.kind),
            "export", found->offset);
      if (rule.kind == ExternKind::Func) {
        const FuncType& t = info_.types[info_.func_types[found->index]];
        if (!(t == rule.type))
          return violation("export \"" + rule.name + "\" (function " + std::to_string(found->index) + ") has type " +
                               to_string(t) + ", expected " + to_string(rule.type),
                           "export", found->offset, found->index);
      }
    }
    return {};
  }

  const detail::ModuleData& md_;
  const detail::ModuleInfo& info_;
  const ProfileRules& rules_;
};

}  // namespace

Status check_contract_profile(const Module& module, const ProfileRules& rules) {
  return ProfileChecker(module.data(), rules).run();
}

const char* float_instruction_name(uint32_t opcode) noexcept {
  const detail::OpcodeInfo* info = detail::find_opcode(opcode);
  return info && info->is_float ? info->name : nullptr;
}

}  // namespace tenor::vm
