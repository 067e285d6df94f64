// The back half of `tenor build` (build.hpp): LLVM IR -> optimised IR -> wasm32 object -> lld ->
// the contract module with its ABI section, checked by the VM before it is returned.
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Linker/Linker.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/IPO/GlobalDCE.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <unistd.h>

#include "../abi/abi.hpp"
#include "link.hpp"
#include "tenor/common/wasm_sections.hpp"
#include "tenor/compiler/build.hpp"
#include "tenor/compiler/lower.hpp"
#include "tenor/vm/config.hpp"
#include "tenor/vm/engine.hpp"
#include "tenor/vm/profile.hpp"

namespace tenor::compiler {

// The runtime's LLVM IR (compiler/runtime/tenor_rt.c, compiled at build time).
extern const char* const kRuntimeIr;

namespace {

namespace fs = std::filesystem;

// Stack at the bottom of memory (an overflow traps instead of overwriting data), 32 KiB of it;
// memory grows on demand up to the contract profile's maximum.
constexpr unsigned kStackBytes = 32 * 1024;

struct BackendError {
  std::string message;
};

void init_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeWebAssemblyTargetInfo();
    LLVMInitializeWebAssemblyTarget();
    LLVMInitializeWebAssemblyTargetMC();
    LLVMInitializeWebAssemblyAsmPrinter();
  });
}

std::unique_ptr<llvm::TargetMachine> target_machine(OptLevel level) {
  std::string err;
  const std::string triple = "wasm32-unknown-unknown";
  const llvm::Target* t = llvm::TargetRegistry::lookupTarget(triple, err);
  if (!t) throw BackendError{"LLVM has no WebAssembly target: " + err};
  llvm::TargetOptions options;
  const auto cg = level == OptLevel::O0   ? llvm::CodeGenOpt::None
                  : level == OptLevel::O1 ? llvm::CodeGenOpt::Less
                  : level == OptLevel::O3 ? llvm::CodeGenOpt::Aggressive
                                          : llvm::CodeGenOpt::Default;
  std::unique_ptr<llvm::TargetMachine> tm(
      t->createTargetMachine(triple, kWasmCpu, kWasmFeatures, options, llvm::Reloc::Static, llvm::None, cg));
  if (!tm) throw BackendError{"cannot create the WebAssembly target machine"};
  return tm;
}

void link_runtime(llvm::Module& m) {
  llvm::SMDiagnostic diag;
  std::unique_ptr<llvm::Module> rt = llvm::parseAssemblyString(kRuntimeIr, diag, m.getContext());
  if (!rt) throw BackendError{"the embedded runtime IR does not parse: " + diag.getMessage().str()};
  rt->setDataLayout(m.getDataLayout());
  rt->setTargetTriple(m.getTargetTriple());
  rt->setSourceFileName("tenor_rt.c");
  rt->setModuleIdentifier("tenor_rt");
  if (llvm::Linker::linkModules(m, std::move(rt))) throw BackendError{"linking the runtime IR failed"};
}

// Everything but the exports is internal (so unused runtime helpers disappear), and every function
// is compiled for the same pinned CPU and features.
void finalize_attributes(llvm::Module& m) {
  for (llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    const std::string name = f.getName().str();
    if (name != "tenor_entry" && name != "tenor_init") f.setLinkage(llvm::GlobalValue::InternalLinkage);
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.addFnAttr("target-cpu", kWasmCpu);
    f.addFnAttr("target-features", kWasmFeatures);
    f.addFnAttr("no-builtins");
    f.addFnAttr(llvm::Attribute::NoUnwind);
  }
  for (llvm::GlobalVariable& g : m.globals())
    if (!g.isDeclaration()) g.setLinkage(llvm::GlobalValue::InternalLinkage);
  // The runtime's identification metadata would name the C compiler: drop it.
  if (auto* ident = m.getNamedMetadata("llvm.ident")) m.eraseNamedMetadata(ident);
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm, OptLevel level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  switch (level) {
    case OptLevel::O0: mpm = pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0); break;
    case OptLevel::O1: mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O1); break;
    case OptLevel::O2: mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2); break;
    case OptLevel::O3: mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3); break;
    case OptLevel::Oz: mpm = pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::Oz); break;
  }
  // At -O0 nothing removes the runtime helpers the contract does not use.
  if (level == OptLevel::O0) mpm.addPass(llvm::GlobalDCEPass());
  mpm.run(m, mam);
}

std::string emit_object(llvm::Module& m, llvm::TargetMachine& tm, llvm::CodeGenFileType type = llvm::CGFT_ObjectFile) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr, type))
    throw BackendError{"the WebAssembly target cannot emit an object file"};
  pm.run(m);
  return std::string(buffer.begin(), buffer.end());
}

// A private temporary folder, removed when this goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tenor-build-XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
      throw BackendError{"cannot create a temporary folder under " + fs::temp_directory_path().string()};
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> link_wasm(const std::string& object, bool has_init) {
  const std::string builtins = TENOR_WASM32_BUILTINS;
  if (!fs::exists(builtins))
    throw BackendError{"the compiler-rt wasm32 builtins are missing (" + builtins +
                       "): install the Debian package libclang-rt-14-dev-wasm32"};
  TempDir dir;
  const fs::path obj = dir.path() / "contract.o";
  const fs::path out = dir.path() / "contract.wasm";
  {
    std::ofstream o(obj, std::ios::binary);
    o.write(object.data(), static_cast<std::streamsize>(object.size()));
    if (!o) throw BackendError{"cannot write " + obj.string()};
  }
  const std::string obj_s = obj.string(), out_s = out.string();
  const std::string stack = "stack-size=" + std::to_string(kStackBytes);
  const std::string max_mem = "--max-memory=" + std::to_string(vm::kContractMaxMemoryPages * 65536ull);
  std::vector<const char*> args = {"wasm-ld",     obj_s.c_str(), builtins.c_str(),       "-o",
                                   out_s.c_str(), "--no-entry",  "--export=tenor_entry", "--stack-first",
                                   "-z",          stack.c_str(), max_mem.c_str()};
  if (has_init) args.push_back("--export=tenor_init");
  std::string err_text;
  const bool ok = link::lld_wasm(args, err_text);
  if (!ok) throw BackendError{"lld failed: " + err_text};
  return read_file(out);
}

void append_custom_section(std::vector<std::uint8_t>& wasm, std::string_view name, const std::string& payload) {
  common::append_custom_section(wasm, name,
                                std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
}

// The module's line table (DWARF, from the debug info the lowering attached) as the compact
// `tenor.srcmap` section (docs/abi.md): rows of (code offset, file, line, column) sorted by
// offset, a row covering the offsets up to the next. Consecutive rows at the same position are
// merged; rows without a line (helpers, runtime) are dropped. Version 1 (one file, no file index)
// when only the contract's own file has positions, as for every contract without modules; version
// 2, with a table of files (the contract's first, then in the line table's order), when
// code of the modules it uses has positions too.
std::string source_map(const std::vector<std::uint8_t>& wasm, const std::string& file) {
  std::vector<link::LineRow> table;
  std::string error;
  if (!link::line_rows(wasm, file, table, error))
    throw BackendError{"the linked module cannot be read back for its line table: " + error};
  struct Row {
    std::uint32_t offset, file, line, column;
    bool same_place(const Row& o) const { return file == o.file && line == o.line && column == o.column; }
  };
  std::vector<std::string> files = {file};
  std::vector<Row> rows;
  for (const auto& r : table) {
    if (r.line == 0 || r.file.empty()) {
      rows.push_back({r.offset, 0, 0, 0});
      continue;
    }
    const auto f = static_cast<std::uint32_t>(std::find(files.begin(), files.end(), r.file) - files.begin());
    if (f == files.size()) files.push_back(r.file);
    rows.push_back({r.offset, f, r.line, r.column});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.offset < b.offset; });
  std::vector<Row> merged;
  for (const Row& r : rows) {
    if (!merged.empty() && merged.back().offset == r.offset) {
      merged.back() = r;  // the last row at an offset wins
      continue;
    }
    if (!merged.empty() && merged.back().same_place(r)) continue;
    merged.push_back(r);
  }
  // Rows with line 0 end a covered range; a leading one carries nothing.
  while (!merged.empty() && merged.front().line == 0) merged.erase(merged.begin());
  // The table keeps the files rows name (and the contract's), in the order they were met.
  std::vector<bool> used(files.size(), false);
  used[0] = true;
  for (const Row& r : merged) used[r.file] = true;
  std::vector<std::uint32_t> renumber(files.size(), 0);
  std::vector<std::string> kept;
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (!used[f]) continue;
    renumber[f] = static_cast<std::uint32_t>(kept.size());
    kept.push_back(files[f]);
  }
  const bool one_file = kept.size() == 1;
  std::string out;
  auto u32 = [&](std::uint32_t v) {
    for (int k = 0; k < 4; ++k) out += static_cast<char>((v >> (8 * k)) & 0xFF);
  };
  auto str = [&](const std::string& t) {
    u32(static_cast<std::uint32_t>(t.size()));
    out += t;
  };
  out += static_cast<char>(one_file ? 1 : 2);  // version
  if (one_file) {
    str(file);
  } else {
    u32(static_cast<std::uint32_t>(kept.size()));
    for (const std::string& f : kept) str(f);
  }
  u32(static_cast<std::uint32_t>(merged.size()));
  for (const Row& r : merged) {
    u32(r.offset);
    if (!one_file) u32(renumber[r.file]);
    u32(r.line);
    u32(r.column);
  }
  return out;
}

// The module without its `.debug_*` custom sections (their content now lives in tenor.srcmap).
std::vector<std::uint8_t> strip_debug_sections(const std::vector<std::uint8_t>& wasm) {
  auto out = common::remove_wasm_sections(
      wasm, [](const common::WasmSection& s) { return s.id == 0 && s.name.substr(0, 6) == ".debug"; });
  if (!out) throw BackendError{"the linked module has a malformed section: " + out.error()};
  return std::move(*out);
}

}  // namespace

namespace {
// Each level and its name; parse_opt_level accepts the name with or without `-` and `O`.
constexpr std::pair<OptLevel, std::string_view> kOptLevels[] = {
    {OptLevel::O0, "O0"}, {OptLevel::O1, "O1"}, {OptLevel::O2, "O2"}, {OptLevel::O3, "O3"}, {OptLevel::Oz, "Oz"}};
}  // namespace

bool parse_opt_level(std::string_view t, OptLevel& out) {
  if (!t.empty() && t[0] == '-') t.remove_prefix(1);
  if (!t.empty() && t[0] == 'O') t.remove_prefix(1);
  for (const auto& [level, name] : kOptLevels)
    if (t == name.substr(1)) {
      out = level;
      return true;
    }
  return false;
}

const char* opt_level_name(OptLevel level) {
  for (const auto& [l, name] : kOptLevels)
    if (l == level) return name.data();  // the literals are NUL-terminated
  return "O2";
}

namespace {
// The payload of the custom section `wanted`, or nullopt (also for a malformed module).
std::optional<std::string> custom_section(const std::vector<std::uint8_t>& wasm, std::string_view wanted) {
  auto found = common::find_custom_section(wasm, wanted);
  if (!found || !*found) return std::nullopt;
  return std::string(reinterpret_cast<const char*>((*found)->data()), (*found)->size());
}
}  // namespace

std::string read_abi_section(const std::vector<std::uint8_t>& wasm) {
  return custom_section(wasm, kAbiSectionName).value_or("");
}

BuildResult build_source(std::string_view file_name, std::string_view text, const BuildOptions& options) {
  BuildResult r{check_source(file_name, text, {}, options.modules), {}, {}, {}, {}};
  const std::string& path = r.front.sources.file(r.front.file).path();  // as the output records it
  // A module alone checks (`tenor check`), but only a contract has entry points to compile.
  if (r.front.ast->is_module) {
    const std::string& name = r.front.ast->contract.name;
    r.front.diagnostics.report(DiagnosticKind::ModuleNotAContract, r.front.ast->header,
                               {r.front.sources.file(r.front.file).name(), name},
                               "build the contract that uses it (`use " + (name.empty() ? "NAME" : name) +
                                   ";`); `tenor check` checks a module on its own");
    return r;
  }
  if (!r.front.ok() || !r.front.program) return r;
  const SourceRange whole{r.front.file, 0, 0};
  try {
    init_llvm();
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> m =
        lower::lower(*r.front.ast, *r.front.program, r.front.sources, r.front.diagnostics, context);
    if (!m || !r.front.ok()) return r;
    auto tm = target_machine(options.opt);
    m->setDataLayout(tm->createDataLayout());
    m->setSourceFileName(path);
    link_runtime(*m);
    finalize_attributes(*m);
    optimize(*m, *tm, options.opt);
    std::string err;
    llvm::raw_string_ostream es(err);
    if (llvm::verifyModule(*m, &es)) throw BackendError{"the optimised IR is invalid: " + es.str()};
    if (options.emit_llvm) {
      llvm::raw_string_ostream os(r.llvm_ir);
      m->print(os, nullptr);
    }
    if (options.emit_wat) {
      // The backend's WebAssembly text, before linking (the runtime helpers included).
      std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*m);
      r.wat = emit_object(*copy, *tm, llvm::CGFT_AssemblyFile);
    }
    const std::string object = emit_object(*m, *tm);
    std::vector<std::uint8_t> wasm = link_wasm(object, m->getFunction("tenor_init") != nullptr);
    const std::string srcmap = source_map(wasm, path);
    wasm = strip_debug_sections(wasm);
    append_custom_section(wasm, kSourceMapSectionName, srcmap);
    r.abi_json = abi::to_json(*r.front.ast, *r.front.program, r.front.sources, r.front.file);
    append_custom_section(wasm, kAbiSectionName, r.abi_json);
    // The VM's own checks: never hand out a module a node would refuse.
    auto loaded = vm::Module::load(wasm, vm::VmConfig{});
    if (!loaded) throw BackendError{"the VM rejects the module: " + loaded.error().to_string()};
    if (vm::Status s = vm::check_contract_profile(**loaded); !s)
      throw BackendError{"the module breaks the contract profile: " + s.error().to_string()};
    r.wasm = std::move(wasm);
  } catch (const BackendError& e) {
    r.front.diagnostics.report(DiagnosticKind::BackendFailure, whole, {e.message});
  }
  return r;
}

}  // namespace tenor::compiler
