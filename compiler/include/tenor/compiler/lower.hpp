// The lower phase: a checked program (AST + check::Program) -> one LLVM IR module for wasm32, the
// contract's whole code: the `tenor_entry` dispatcher (Borsh input: the entry point's name, then
// its arguments), `tenor_init`, one function per entry point and `fn`, Borsh encoders and decoders
// per type, storage access (docs/abi.md) and the run-time checks (overflow, division by zero,
// indexing, absent keys, currencies, signatures) that stop a call with a reason naming the source
// line. The runtime helpers (compiler/runtime/tenor_rt.c) are linked in by the codegen phase.
//
// Constructs the code generator does not handle yet are reported as `UnsupportedByCodegen`
// diagnostics (never a crash); the returned module is then incomplete and must not be used.
#pragma once

#include <memory>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/check.hpp"
#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/source.hpp"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace tenor::compiler::lower {

// The largest value (in memory or Borsh-encoded) the code generator lays out: bounded types
// beyond it are reported (`TypeTooLarge`).
inline constexpr std::uint64_t kMaxValueBytes = 1u << 20;

// Storage keys: a field's key is its index as a big-endian u16; a map entry's key is the field's
// key followed by the order-preserving encoding of the map key (docs/abi.md).
std::unique_ptr<llvm::Module> lower(const ast::File& file, const check::Program& program, const SourceManager& sources,
                                    DiagnosticEngine& diags, llvm::LLVMContext& context);

}  // namespace tenor::compiler::lower
