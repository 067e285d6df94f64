// The contract profile: the subset of WebAssembly a deterministic contract may use, checked once
// at deployment on a module that already loaded (decoded, validated, within the VmConfig limits).
//
//   auto module = Module::load(bytes, config);
//   if (module) if (Status s = check_contract_profile(**module); !s) reject(s.error());
//
// The rules (docs/vm.md, "The contract profile"):
//   - no f32/f64 anywhere: function types (every type of the type section, so also those named by
//     blocks and call_indirect), locals, globals, imports, and no float instruction;
//   - imports come only from rules.host_module and are functions;
//   - exactly one memory, defined by the module, with a declared maximum <= rules.max_memory_pages;
//   - no start function (initialisation is an ordinary export the chain calls once);
//   - the exports of rules.exports: present when required, of the right kind and function type.
// The first rule broken is reported as an Error of kind ProfileViolation naming the function, the
// instruction or the import and, where known, its section and byte offset.
//
// Modules that are not contracts (the spec tests, `tenor wasm run` without `--profile contract`)
// skip this check: the profile is a deployment rule, not part of loading.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tenor/vm/engine.hpp"
#include "tenor/vm/error.hpp"
#include "tenor/vm/types.hpp"

namespace tenor::vm {

// An export the profile asks for. A required one must be present; an optional one, when present,
// must still have this kind (and function type).
struct ExportRule {
  std::string name;
  ExternKind kind = ExternKind::Func;
  FuncType type;  // kind == Func only
  bool required = true;
};

// 256 pages of 64 KiB: 16 MiB, the most memory a contract may declare.
inline constexpr uint32_t kContractMaxMemoryPages = 256;

struct ProfileRules {
  // The only module contracts import from, and only functions.
  std::string host_module = "tenor";
  // The memory's declared maximum must be present and at most this many 64 KiB pages.
  uint32_t max_memory_pages = kContractMaxMemoryPages;
  // Defaults: the memory exported as "memory" (the host reads and writes call data there),
  // "tenor_entry" () -> () (every transaction enters here; it reads its input through host calls)
  // and, optionally, "tenor_init" () -> () (called once, at deployment).
  std::vector<ExportRule> exports = {
      {"memory", ExternKind::Memory, {}, true},
      {"tenor_entry", ExternKind::Func, {}, true},
      {"tenor_init", ExternKind::Func, {}, false},
  };
};

// OK, or the first violation as an Error of kind ProfileViolation.
[[nodiscard]] Status check_contract_profile(const Module& module, const ProfileRules& rules = {});

// The WebAssembly text name of a float instruction ("f32.add", "i32.trunc_sat_f64_u"); `opcode` is
// the first byte, or 0xFC00 | sub-opcode for prefixed ones. nullptr for other instructions.
const char* float_instruction_name(uint32_t opcode) noexcept;

}  // namespace tenor::vm
