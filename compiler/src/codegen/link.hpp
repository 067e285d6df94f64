// The two pieces of the back end that use lld's and LLVM's DWARF headers, kept in a translation
// unit of their own compiled as C++17 (link.cpp; compiler/CMakeLists.txt): LLVM 14's
// llvm/Support/JSON.h, which those headers pull in, does not compile as C++20 with clang 14 and
// libstdc++ 12. This header must stay valid C++17.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tenor::compiler::link {

// Links with `args` (argv-style, args[0] = "wasm-ld") through lld's wasm driver, in-process;
// false with lld's messages in `errors`. Serialised: lld keeps global state.
bool lld_wasm(const std::vector<const char*>& args, std::string& errors);

struct LineRow {
  std::uint32_t offset = 0;  // code offset (the WebAssembly DWARF convention)
  std::uint32_t line = 0;    // 0: the end of a sequence
  std::uint32_t column = 0;
  std::string file;  // the row's file: its path as the lowering named it (lib/rates.tnr)
};

// The DWARF line-table rows of the compile unit named `unit` in a linked module, in table order;
// false with a reason in `error` when the module cannot be read.
bool line_rows(const std::vector<std::uint8_t>& wasm, const std::string& unit, std::vector<LineRow>& rows,
               std::string& error);

}  // namespace tenor::compiler::link
