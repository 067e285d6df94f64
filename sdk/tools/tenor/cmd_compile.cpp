// `tenor check FILE.tnr [--json] [--ast] [--std DIR]`: lexes, parses and type-checks a Tenor source file and reports
// its diagnostics (text on stderr, or one JSON object on stdout with --json); --ast prints the syntax tree. Exit
// status: 0 no errors, 1 the source has errors, 2 usage (no such file).
//
// `tenor build FILE.tnr [-o OUT.wasm] [--abi OUT.json] [-O LEVEL] [--emit-llvm FILE] [--emit-wat FILE] [--std DIR]
// [--json]`:
// compiles a contract to one .wasm (ABI in its `tenor.abi` custom section), checked by the VM's
// validator and contract profile before it is written. Nothing is written when there are errors.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "tenor/compiler/ast_printer.hpp"
#include "tenor/compiler/build.hpp"
#include "tenor/compiler/driver.hpp"

namespace tenor::cli {
namespace {

struct CheckOptions {
  std::string file;
  std::string std_dir;
  bool json = false;
  bool ast = false;
};

int check(const CheckOptions& opts) {
  std::error_code ec;
  if (!fs::is_regular_file(opts.file, ec)) usage_error("no source file " + opts.file);
  std::ifstream in(opts.file, std::ios::binary);
  if (!in) usage_error("cannot read " + opts.file);
  std::ostringstream text;
  text << in.rdbuf();
  compiler::ModuleOptions mo;
  mo.std_dir = opts.std_dir;
  const compiler::CheckResult r = compiler::check_source(opts.file, text.str(), {}, mo);
  if (opts.json) {
    // The engine renders its own JSON; embed it so tools get one object.
    Json j;
    j["file"] = opts.file;
    j["ok"] = r.ok();
    const std::string engine_json = r.diagnostics_json();
    const Json diags = Json::parse(engine_json, nullptr, false);
    if (diags.is_discarded()) {  // not expected (messages are UTF-8): print the engine's own JSON
      std::cout << engine_json << "\n";
      return r.ok() ? kExitOk : kExitFailure;
    }
    j["error_count"] = diags["error_count"];
    j["truncated"] = diags["truncated"];
    j["diagnostics"] = diags["diagnostics"];
    if (opts.ast && r.ast) j["ast"] = compiler::print_ast(*r.ast);
    print_json(j);
  } else {
    if (opts.ast && r.ast) std::cout << compiler::print_ast(*r.ast);
    std::cout.flush();
    std::cerr << r.diagnostics_text();
  }
  return r.ok() ? kExitOk : kExitFailure;
}

struct BuildOptions {
  std::string file;
  std::string out;
  std::string abi;
  std::string opt = "2";
  std::string emit_llvm;
  std::string emit_wat;
  std::string std_dir;
  bool json = false;
};

std::string read_source(const std::string& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) usage_error("no source file " + file);
  std::ifstream in(file, std::ios::binary);
  if (!in) usage_error("cannot read " + file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, std::string_view bytes) {
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  o.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!o) fail(kExitFailure, "cannot write " + path);
}

int build(const BuildOptions& opts) {
  compiler::BuildOptions bo;
  if (!compiler::parse_opt_level(opts.opt, bo.opt))
    usage_error("unknown optimisation level " + opts.opt + " (use 0, 1, 2, 3 or z)");
  bo.emit_llvm = !opts.emit_llvm.empty();
  bo.emit_wat = !opts.emit_wat.empty();
  bo.modules.std_dir = opts.std_dir;
  const std::string text = read_source(opts.file);
  std::string out = opts.out;
  if (out.empty()) {
    fs::path p(opts.file);
    out = p.replace_extension(".wasm").string();
  }
  const compiler::BuildResult r = compiler::build_source(opts.file, text, bo);
  if (r.ok()) {
    write_text(out, std::string_view(reinterpret_cast<const char*>(r.wasm.data()), r.wasm.size()));
    if (!opts.abi.empty()) write_text(opts.abi, r.abi_json);
    if (bo.emit_llvm) write_text(opts.emit_llvm, r.llvm_ir);
    if (bo.emit_wat) write_text(opts.emit_wat, r.wat);
  }
  if (opts.json) {
    Json j;
    j["file"] = opts.file;
    j["ok"] = r.ok();
    const Json diags = Json::parse(r.diagnostics_json(), nullptr, false);
    if (!diags.is_discarded()) j["diagnostics"] = diags["diagnostics"];
    if (r.ok()) {
      j["output"] = out;
      j["bytes"] = r.wasm.size();
      j["opt"] = compiler::opt_level_name(bo.opt);
      j["abi"] = Json::parse(r.abi_json, nullptr, false);
    }
    print_json(j);
  } else {
    std::cerr << r.diagnostics_text();
    if (r.ok())
      std::cout << "built " << out << " (" << r.wasm.size() << " bytes, -" << compiler::opt_level_name(bo.opt) << ")\n";
  }
  return r.ok() ? kExitOk : kExitFailure;
}

constexpr const char* kStdHelp =
    "the folder of the standard modules (`use std::NAME;`), searched alone; default: $TENOR_STD_PATH, else "
    "<exe dir>/../share/tenor/std, else the source tree's stdlib/std";

}  // namespace

void setup_check(CLI::App& cmd, CommandContext& ctx) {
  auto opts = std::make_shared<CheckOptions>();
  cmd.add_option("FILE", opts->file, "the .tnr source file")->required();
  cmd.add_flag("--json", opts->json, "print the diagnostics as one JSON object on stdout");
  cmd.add_flag("--ast", opts->ast, "print the syntax tree");
  cmd.add_option("--std", opts->std_dir, kStdHelp);
  cmd.callback([&ctx, opts] { run_command(ctx, [opts] { return check(*opts); }); });
}

void setup_build(CLI::App& cmd, CommandContext& ctx) {
  auto b = std::make_shared<BuildOptions>();
  CLI::App* bc = &cmd;
  bc->add_option("FILE", b->file, "the .tnr source file")->required();
  bc->add_option("-o,--output", b->out, "the .wasm to write (default: FILE with .wasm)");
  bc->add_option("--abi", b->abi, "also write the ABI as JSON to this file");
  bc->add_option("-O,--opt", b->opt, "optimisation level: 0, 1, 2 (default), 3 or z");
  bc->add_option("--emit-llvm", b->emit_llvm, "also write the optimised LLVM IR to this file");
  bc->add_option("--emit-wat", b->emit_wat,
                 "also write the WebAssembly text of LLVM's backend (before linking) to this file");
  bc->add_option("--std", b->std_dir, kStdHelp);
  bc->add_flag("--json", b->json, "print the result as one JSON object on stdout");
  bc->callback([&ctx, b] { run_command(ctx, [b] { return build(*b); }); });
}

}  // namespace tenor::cli
