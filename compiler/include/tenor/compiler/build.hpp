// `tenor build`: a Tenor source file -> one WebAssembly contract module.
//
//   check (driver.hpp) -> lower (LLVM IR, lower.hpp) -> link the runtime IR -> optimise (new pass
//   manager) -> LLVM's WebAssembly backend (CPU `mvp` + kWasmFeatures) -> lld in-process (with the
//   compiler-rt wasm32 builtins) -> append the ABI custom section -> validate with the VM's own
//   loader and contract profile.
//
// Reproducible: the same source, options and compiler give byte-identical output (no paths,
// times or addresses reach the module). Thread-safe: lld is not re-entrant, so links are
// serialised by a mutex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/compiler/driver.hpp"

namespace tenor::compiler {

enum class OptLevel : std::uint8_t { O0, O1, O2, O3, Oz };

// "0", "1", "2", "3", "z" (also "-O2", "O2"); false when unknown.
bool parse_opt_level(std::string_view text, OptLevel& out);
const char* opt_level_name(OptLevel level);  // "O2"

// The WebAssembly features the code may use beyond the MVP: exactly those of the VM
// (docs/vm.md, "Feature set") that LLVM's code benefits from. Never the moving `generic` CPU.
inline constexpr const char* kWasmCpu = "mvp";
inline constexpr const char* kWasmFeatures = "+bulk-memory,+mutable-globals,+nontrapping-fptoint,+sign-ext";

// The custom section carrying the contract's ABI (JSON, docs/abi.md).
inline constexpr const char* kAbiSectionName = "tenor.abi";
// The custom section mapping code offsets to source lines (docs/abi.md, "Source map").
inline constexpr const char* kSourceMapSectionName = "tenor.srcmap";

// The compiler's version, recorded in every ABI.
inline constexpr const char* kCompilerVersion = "tenor 0.1.0 (LLVM 14)";

struct BuildOptions {
  OptLevel opt = OptLevel::O2;
  bool emit_llvm = false;  // keep the optimised LLVM IR text in BuildResult::llvm_ir
  bool emit_wat = false;   // keep the WebAssembly text LLVM's backend writes in BuildResult::wat
  ModuleOptions modules;   // where `use`s are found (driver.hpp)
};

struct BuildResult {
  CheckResult front;               // sources, diagnostics, AST, checked program
  std::vector<std::uint8_t> wasm;  // empty unless ok()
  std::string abi_json;            // the ABI (also inside the module)
  std::string llvm_ir;             // with BuildOptions::emit_llvm
  std::string wat;                 // with BuildOptions::emit_wat: the backend's text (before lld)

  bool ok() const { return front.ok() && !wasm.empty(); }
  std::string diagnostics_text() const { return front.diagnostics_text(); }
  std::string diagnostics_json() const { return front.diagnostics_json(); }
};

// Never throws on any input (bar std::bad_alloc). Failures are diagnostics in `front`.
BuildResult build_source(std::string_view file_name, std::string_view text, const BuildOptions& options = {});

// The `tenor.srcmap` section is read by the SDK (tenor/sdk/srcmap.hpp: sdk::SourceMap::from_wasm).

// The ABI custom section of a module, or "" when it has none.
std::string read_abi_section(const std::vector<std::uint8_t>& wasm);

}  // namespace tenor::compiler
