// `tenor wasm ...`: work with plain WebAssembly modules (validate, run an export, run the spec
// tests).
#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "tenor/sdk/spec_runner.hpp"
#include "tenor/sdk/spectest_host.hpp"
#include "tenor/sdk/srcmap.hpp"
#include "tenor/sdk/wasm_values.hpp"
#include "tenor/vm/engine.hpp"
#include "tenor/vm/profile.hpp"
#include "tenor/vm/trace.hpp"

namespace tenor::cli {
namespace {

namespace fs = std::filesystem;

// Reads a whole file, or prints why it cannot and returns nothing.
std::optional<std::vector<uint8_t>> read_module_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::cerr << "tenor: cannot read " << path << ": is a directory\n";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "tenor: cannot read " << path << ": "
              << (fs::exists(path, ec) ? "permission denied or unreadable" : "no such file") << "\n";
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    std::cerr << "tenor: cannot read " << path << ": read error\n";
    return std::nullopt;
  }
  return bytes;
}

// --- validate --------------------------------------------------------------------------------

int validate(const std::string& path) {
  auto bytes = read_module_file(path);
  if (!bytes) return kExitFailure;
  auto module = vm::Module::load(*bytes);
  if (!module) {
    std::cout << module.error().to_string() << "\n";
    return kExitFailure;
  }
  std::cout << "ok\n";
  return kExitOk;
}

// --- run -------------------------------------------------------------------------------------

const char* kind_noun(vm::ExternKind k) {
  switch (k) {
    case vm::ExternKind::Func: return "a function";
    case vm::ExternKind::Table: return "a table";
    case vm::ExternKind::Memory: return "a memory";
    case vm::ExternKind::Global: return "a global";
  }
  return "not a function";
}

// The VmConfig fields `--limits KEY=VALUE` sets, by their names in config.hpp. `metering` is not
// among them: `--gas` decides it.
struct LimitField {
  const char* name;
  uint64_t vm::VmConfig::*u64;
  uint32_t vm::VmConfig::*u32;
};

constexpr LimitField kLimitFields[] = {
    {"max_module_size", &vm::VmConfig::max_module_size, nullptr},
    {"max_types", nullptr, &vm::VmConfig::max_types},
    {"max_functions", nullptr, &vm::VmConfig::max_functions},
    {"max_imports", nullptr, &vm::VmConfig::max_imports},
    {"max_exports", nullptr, &vm::VmConfig::max_exports},
    {"max_globals", nullptr, &vm::VmConfig::max_globals},
    {"max_data_segments", nullptr, &vm::VmConfig::max_data_segments},
    {"max_elem_segments", nullptr, &vm::VmConfig::max_elem_segments},
    {"max_params", nullptr, &vm::VmConfig::max_params},
    {"max_results", nullptr, &vm::VmConfig::max_results},
    {"max_locals_per_function", nullptr, &vm::VmConfig::max_locals_per_function},
    {"max_function_size", nullptr, &vm::VmConfig::max_function_size},
    {"max_br_table_size", nullptr, &vm::VmConfig::max_br_table_size},
    {"max_operand_stack", nullptr, &vm::VmConfig::max_operand_stack},
    {"max_control_depth", nullptr, &vm::VmConfig::max_control_depth},
    {"max_table_size", nullptr, &vm::VmConfig::max_table_size},
    {"max_memory_pages", nullptr, &vm::VmConfig::max_memory_pages},
    {"max_custom_sections", nullptr, &vm::VmConfig::max_custom_sections},
    {"max_call_depth", nullptr, &vm::VmConfig::max_call_depth},
    {"value_stack_slots", nullptr, &vm::VmConfig::value_stack_slots},
    {"max_host_payload_bytes", nullptr, &vm::VmConfig::max_host_payload_bytes},
};

// Applies "KEY=VALUE" settings to `config`; on an unknown key or a bad value prints why and returns
// false. Values are unsigned decimal and must fit the field.
bool apply_limits(const std::vector<std::string>& settings, vm::VmConfig& config) {
  for (const std::string& setting : settings) {
    const size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "tenor: --limits " << sdk::quote_name(setting) << ": expected KEY=VALUE\n";
      return false;
    }
    const std::string key = setting.substr(0, eq);
    const std::string text = setting.substr(eq + 1);
    const LimitField* field = nullptr;
    for (const LimitField& f : kLimitFields)
      if (key == f.name) field = &f;
    if (!field) {
      std::cerr << "tenor: --limits: unknown limit " << sdk::quote_name(key);
      if (key == "metering") std::cerr << " (metering is on exactly when --gas is given)";
      std::cerr << "; the limits are:";
      for (const LimitField& f : kLimitFields) std::cerr << " " << f.name;
      std::cerr << "\n";
      return false;
    }
    const uint64_t max = field->u64 ? std::numeric_limits<uint64_t>::max() : std::numeric_limits<uint32_t>::max();
    uint64_t value = 0;
    bool ok = !text.empty() && text.size() <= 20;
    for (char c : text) {
      if (c < '0' || c > '9') {
        ok = false;
        break;
      }
      const uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (max - digit) / 10) {
        ok = false;
        break;
      }
      value = value * 10 + digit;
    }
    if (!ok) {
      std::cerr << "tenor: --limits " << key << ": " << sdk::quote_name(text)
                << " is not an unsigned decimal integer of at most " << max << "\n";
      return false;
    }
    if (field->u64)
      config.*(field->u64) = value;
    else
      config.*(field->u32) = static_cast<uint32_t>(value);
  }
  return true;
}

struct RunRequest {
  std::string file;
  std::string func;
  std::vector<std::string> args;
  std::optional<uint64_t> gas;
  std::optional<std::string> profile;
  std::vector<std::string> limits;
  std::optional<std::string> trace;  // call | block | instr
  size_t trace_limit = 1000;
};

std::optional<vm::TraceLevel> parse_trace_level(const std::string& s) {
  if (s == "call") return vm::TraceLevel::Call;
  if (s == "block") return vm::TraceLevel::Block;
  if (s == "instr") return vm::TraceLevel::Instr;
  return std::nullopt;
}

// Prints the kept events (up to `limit`) and the summary line with the running hash.
void print_trace(const vm::Tracer& tracer, size_t limit) {
  const auto& events = tracer.events();
  size_t shown = std::min(limit, events.size());
  for (size_t i = 0; i < shown; ++i) std::cout << "trace " << vm::Tracer::format(i, events[i]) << "\n";
  if (shown < tracer.steps()) std::cout << "trace ... " << (tracer.steps() - shown) << " more events (--trace-limit)\n";
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(tracer.hash()));
  std::cout << "trace hash: " << hash << " (" << tracer.steps() << " events)\n";
}

int run(const RunRequest& req) {
  const std::string& path = req.file;
  const std::string& func = req.func;
  std::vector<std::string> arg_texts = req.args;
  const std::optional<uint64_t>& gas = req.gas;
  const std::optional<std::string>& profile = req.profile;
  // CLI11 keeps a "--" that ends options among the positionals; it is never a value.
  if (!arg_texts.empty() && arg_texts.front() == "--") arg_texts.erase(arg_texts.begin());

  if (profile && *profile != "contract") {
    std::cerr << "tenor: unknown profile " << sdk::quote_name(*profile) << " (the one profile is contract)\n";
    return kExitUsage;
  }
  std::optional<vm::TraceLevel> trace_level;
  if (req.trace) {
    trace_level = parse_trace_level(*req.trace);
    if (!trace_level) {
      std::cerr << "tenor: unknown trace level " << sdk::quote_name(*req.trace) << " (call, block or instr)\n";
      return kExitUsage;
    }
  }
  vm::VmConfig config;
  if (!apply_limits(req.limits, config)) return kExitUsage;
  // Block traces follow the gas charges of basic blocks: tracing translates with metering even
  // when no gas limit is given (the call then stays unlimited).
  config.metering = gas.has_value() || trace_level.has_value();

  auto bytes = read_module_file(path);
  if (!bytes) return kExitFailure;
  auto module = vm::Module::load(*bytes, config);
  if (!module) {
    std::cerr << "tenor: " << path << ": " << module.error().to_string() << "\n";
    return kExitFailure;
  }
  if (profile) {
    if (vm::Status s = vm::check_contract_profile(**module); !s) {
      std::cerr << "tenor: " << path << ": " << s.error().to_string() << "\n";
      return kExitFailure;
    }
  }

  auto exp = (*module)->find_export(func);
  if (!exp) {
    std::cerr << "tenor: " << path << " has no export " << sdk::quote_name(func) << "\n";
    return kExitUsage;
  }
  if (exp->kind != vm::ExternKind::Func) {
    std::cerr << "tenor: export " << sdk::quote_name(func) << " is " << kind_noun(exp->kind) << ", not a function\n";
    return kExitUsage;
  }
  const vm::FuncType& type = (*module)->function_type(exp->index);
  if (arg_texts.size() != type.params.size()) {
    std::cerr << "tenor: " << sdk::quote_name(func) << " takes " << type.params.size() << " argument(s) "
              << vm::to_string(type) << ", " << arg_texts.size() << " given\n";
    return kExitUsage;
  }
  std::vector<vm::Value> args;
  for (size_t i = 0; i < arg_texts.size(); ++i) {
    auto v = sdk::parse_cli_value(type.params[i], arg_texts[i]);
    if (!v) {
      std::cerr << "tenor: argument " << (i + 1) << ": " << v.error() << "\n";
      return kExitUsage;
    }
    args.push_back(*v);
  }

  vm::Store store(config);
  vm::Linker linker;
  sdk::define_spectest(store, linker);
  auto inst = store.instantiate(*module, linker);
  if (!inst) {
    std::cerr << "tenor: " << path << ": " << inst.error().to_string() << "\n";
    return kExitFailure;
  }
  vm::Function* fn = (*inst)->exported_function(func);
  if (!fn) {
    std::cerr << "tenor: export " << sdk::quote_name(func) << " is not a function\n";
    return kExitUsage;
  }
  vm::CallOptions call_options;
  call_options.gas_limit = gas;
  std::optional<vm::Tracer> tracer;
  if (trace_level) {
    tracer.emplace(*trace_level, req.trace_limit);
    call_options.tracer = &*tracer;
  }
  vm::CallResult result = store.call(fn, args, call_options);
  if (tracer) print_trace(*tracer, req.trace_limit);
  if (result.trap) {
    // With a trap site and a "tenor.srcmap" section: "trap: REASON (file:line:col)", then the site.
    std::string where;
    if (result.trap_site) {
      auto map = sdk::SourceMap::from_wasm(*bytes);
      if (!map)
        std::cerr << "tenor: warning: " << path << ": " << map.error().message << "\n";
      else if (*map)
        if (auto loc = (*map)->lookup(result.trap_site->code_offset)) where = " (" + loc->to_string() + ")";
    }
    std::cout << "trap: " << result.trap->to_string() << where << "\n";
    if (result.trap_site) {
      char offset[16];
      std::snprintf(offset, sizeof offset, "0x%x", result.trap_site->code_offset);
      std::cout << "trap site: function " << result.trap_site->func_index << ", code offset " << offset << "\n";
    }
    if (gas) std::cout << "gas used: " << result.gas_used << "\n";
    return kExitFailure;
  }
  for (const vm::Value& v : result.values) std::cout << sdk::format_cli_value(v) << "\n";
  if (gas) std::cout << "gas used: " << result.gas_used << "\n";
  return kExitOk;
}

// --- spec ------------------------------------------------------------------------------------

int spec(const std::vector<std::string>& dirs, size_t max_failures, bool metering) {
  std::vector<fs::path> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> found = sdk::find_spec_files(dir, ec);
    if (ec) {
      std::cerr << "tenor: spec folder " << dir << ": " << ec.message() << "\n";
      return kExitUsage;
    }
    if (found.empty()) {
      std::cerr << "tenor: spec folder " << dir << " has no .json files (nor its subfolders)\n";
      return kExitUsage;
    }
    files.insert(files.end(), found.begin(), found.end());
  }

  size_t passed = 0, failed = 0, skipped = 0;
  for (const fs::path& file : files) {
    vm::VmConfig config;
    config.metering = metering;
    sdk::SpecFileResult r = sdk::run_spec_file(file, config);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    std::cout << file.filename().string() << ": " << r.passed << " passed, " << r.failed << " failed, " << r.skipped
              << " skipped\n";
    const size_t shown = std::min(max_failures, r.failures.size());
    for (size_t i = 0; i < shown; ++i) std::cout << "  " << r.failures[i].to_string() << "\n";
    if (shown < r.failures.size()) {
      std::cout << "  ... and " << (r.failures.size() - shown) << " more\n";
    }
    std::cout.flush();
  }
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void setup_wasm(CLI::App& cmd, CommandContext& ctx) {
  cmd.require_subcommand(1);

  // Options live as long as the App: CLI11 binds options to variables that must outlive parse().
  struct Options {
    std::string file;
    std::string func;
    std::vector<std::string> args;
    std::vector<std::string> dirs;
    size_t max_failures = 20;
    std::optional<uint64_t> gas;
    std::optional<std::string> profile;
    std::vector<std::string> limits;
    std::optional<std::string> trace;
    size_t trace_limit = 1000;
    bool metering = false;
  };
  auto opts = std::make_shared<Options>();

  CLI::App* validate_cmd = cmd.add_subcommand(
      "validate", "Decode and validate a module; prints `ok` or the error, exits 1 when it is not valid");
  validate_cmd->add_option("FILE", opts->file, "the .wasm file")->required();
  validate_cmd->callback([&ctx, opts] { ctx.exit_code = validate(opts->file); });

  CLI::App* run_cmd =
      cmd.add_subcommand("run",
                         "Instantiate a module (imports may come from the `spectest` host module only) and call an "
                         "exported function. Prints each result on its own line; a trap prints `trap: REASON` (with "
                         "` (FILE:LINE:COL)` when the module has a tenor.srcmap section), then `trap site: function N, "
                         "code offset 0xOFFSET`, and exits 1.");
  run_cmd->add_option("FILE", opts->file, "the .wasm file")->required();
  run_cmd->add_option("FUNC", opts->func, "the exported function to call")->required();
  run_cmd->add_option("ARGS", opts->args,
                      "arguments, parsed by the function's parameter types:\n"
                      "  i32/i64: signed or unsigned decimal (-1, 4294967295) or 0x hex bits (0xffffffff)\n"
                      "  f32/f64: decimal (1.5, -0, 1e-3), inf, -inf, nan, -nan, or the raw IEEE-754 bits as\n"
                      "           0x hex (0x7fc00001) or nan:0x...\n"
                      "Results print integers as signed decimal, floats round-trippably (%.9g / %.17g), the\n"
                      "positive canonical NaN as nan and other NaNs as nan:0x<bits>.");
  // Everything after FILE is positional, so negative numbers and -inf are values, not options.
  run_cmd->positionals_at_end();
  run_cmd->add_option("--gas", opts->gas,
                      "run metered with this gas limit; prints `gas used: N` after the results "
                      "(and `trap: out of gas` when it runs out)");
  run_cmd->add_option("--trace", opts->trace,
                      "record the execution: `call` (calls and returns), `block` (also every basic "
                      "block entered, with its gas) or `instr` (also every internal instruction); "
                      "prints the events and the trace's running hash, which is identical for "
                      "identical executions");
  run_cmd->add_option("--trace-limit", opts->trace_limit, "trace events to keep and print")->default_val(1000);
  run_cmd->add_option("--profile", opts->profile,
                      "`contract`: reject the module unless it keeps the contract profile (no "
                      "floats, imports only from `tenor`, one memory with a maximum of at most 256 "
                      "pages, no start function, exports `memory` and `tenor_entry`); see docs/vm.md");
  run_cmd
      ->add_option("--limits", opts->limits,
                   "KEY=VALUE: set a VmConfig limit by its name (repeatable), e.g. "
                   "--limits max_call_depth=100 --limits max_memory_pages=16; see docs/vm.md, "
                   "\"Limits\"")
      ->allow_extra_args(false);
  run_cmd->callback([&ctx, opts] {
    RunRequest req{opts->file,    opts->func,   opts->args,  opts->gas,
                   opts->profile, opts->limits, opts->trace, opts->trace_limit};
    ctx.exit_code = run(req);
  });

  CLI::App* spec_cmd =
      cmd.add_subcommand("spec",
                         "Run WebAssembly spec tests (wast2json output). Each DIR holds NAME.json files or folders "
                         "of them. Prints one line per file and a total; exits 1 when any command failed.");
  spec_cmd->add_option("DIR", opts->dirs, "spec-test folders")->required();
  spec_cmd->add_option("--max-failures", opts->max_failures, "failures to list per file")->default_val(20);
  spec_cmd->add_flag("--metering", opts->metering,
                     "translate modules with gas metering (calls stay unlimited): checks that "
                     "metered code computes exactly what unmetered code does");
  spec_cmd->callback([&ctx, opts] { ctx.exit_code = spec(opts->dirs, opts->max_failures, opts->metering); });
}

}  // namespace tenor::cli
