// lld and the DWARF line table (see link.hpp for why this file is C++17).
#include "link.hpp"

#include <lld/Common/Driver.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Object/Wasm.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <mutex>

namespace tenor::compiler::link {

bool lld_wasm(const std::vector<const char*>& args, std::string& errors) {
  static std::mutex lld_mutex;
  std::lock_guard<std::mutex> lock(lld_mutex);
  std::string out;
  llvm::raw_string_ostream so(out), se(errors);
  const bool ok = lld::wasm::link(args, so, se, /*exitEarly=*/false, /*disableOutput=*/false);
  lld::CommonLinkerContext::destroy();
  so.flush();
  se.flush();
  return ok;
}

bool line_rows(const std::vector<std::uint8_t>& wasm, const std::string& unit, std::vector<LineRow>& rows,
               std::string& error) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(
      llvm::StringRef(reinterpret_cast<const char*>(wasm.data()), wasm.size()), "contract.wasm", false);
  auto obj = llvm::object::ObjectFile::createWasmObjectFile(buffer->getMemBufferRef());
  if (!obj) {
    error = llvm::toString(obj.takeError());
    return false;
  }
  std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(**obj);
  for (const auto& cu : dwarf->compile_units()) {
    // Only the contract's own unit: the compiler-rt builtins bring line tables of their own.
    const char* name = cu->getUnitDIE().getShortName();
    if (!name || unit != name) continue;
    const llvm::DWARFDebugLine::LineTable* table = dwarf->getLineTableForUnit(cu.get());
    if (!table) continue;
    for (const auto& r : table->Rows) {
      std::string file;
      // The name with its include directory: the backend stores `lib/rates.tnr` as the directory
      // `lib` and the name `rates.tnr` (no compilation directory: the paths are the project's).
      table->Prologue.getFileNameByIndex(r.File, "", llvm::DILineInfoSpecifier::FileLineInfoKind::RelativeFilePath,
                                         file, llvm::sys::path::Style::posix);
      rows.push_back({static_cast<std::uint32_t>(r.Address.Address), r.EndSequence ? 0u : r.Line,
                      r.EndSequence ? 0u : static_cast<std::uint32_t>(r.Column), file});
    }
  }
  return true;
}

}  // namespace tenor::compiler::link
