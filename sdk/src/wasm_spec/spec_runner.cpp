#include "tenor/sdk/spec_runner.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "tenor/sdk/spectest_host.hpp"
#include "tenor/sdk/wasm_values.hpp"
#include "tenor/vm/engine.hpp"

namespace tenor::sdk {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

enum class Outcome : uint8_t { Pass, Fail, Skip };

// What a failed command reports; the command text is filled in by the caller.
struct Mismatch {
  std::string expected;
  std::string actual;
};

// A command's outcome: Pass, Skip, or Fail with what was expected and what happened.
struct Verdict {
  Outcome outcome = Outcome::Pass;
  Mismatch mismatch;

  static Verdict pass() { return {}; }
  static Verdict skip() { return {Outcome::Skip, {}}; }
  static Verdict fail(std::string expected, std::string actual) {
    return {Outcome::Fail, {std::move(expected), std::move(actual)}};
  }
};

// Reads a whole file; nullopt (and `error`) when it cannot be read.
std::optional<std::vector<uint8_t>> read_bytes(const fs::path& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path.string();
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error = "cannot read " + path.string();
    return std::nullopt;
  }
  return bytes;
}

// Field access that reports instead of throwing: commands come from files we do not control.
const std::string* string_field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

const json* array_field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return nullptr;
  return &*it;
}

std::string kind_name(vm::ErrorKind k) {
  const char* s = vm::to_string(k);
  return s ? s : "unknown";
}

// The outcome of performing an action: either it could not be performed at all (`error`), or it
// ran and produced `result` (values or a trap).
struct ActionOutcome {
  std::optional<std::string> error;
  vm::CallResult result;
};

class FileRunner {
 public:
  FileRunner(fs::path json_path, const vm::VmConfig& config) : store_(config), dir_(json_path.parent_path()) {
    result_.path = std::move(json_path);
    script_name_ = result_.path.filename().string();
  }

  SpecFileResult run() {
    std::string error;
    auto bytes = read_bytes(result_.path, error);
    if (!bytes) return file_failure(error);
    json doc = json::parse(bytes->begin(), bytes->end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return file_failure("not valid JSON: " + result_.path.string());
    const json* commands = array_field(doc, "commands");
    if (!commands) {
      return file_failure("no \"commands\" array in " + result_.path.string());
    }
    if (const std::string* source = string_field(doc, "source_filename")) {
      script_name_ = *source;
    }
    try {
      define_spectest(store_, linker_);
    } catch (const std::exception& e) {
      return file_failure(std::string("cannot create the spectest host module: ") + e.what());
    }
    result_.commands = commands->size();
    for (const json& cmd : *commands) run_command(cmd);
    return std::move(result_);
  }

 private:
  SpecFileResult file_failure(std::string message) {
    result_.file_error = message;
    result_.failed = 1;
    result_.failures.push_back(
        {result_.path.filename().string(), 0, "file", "a spec-test JSON file", std::move(message)});
    return std::move(result_);
  }

  void run_command(const json& cmd) {
    uint32_t line = 0;
    std::string type = "?";
    std::string description = "?";
    Verdict verdict;
    try {
      if (cmd.is_object()) {
        auto it = cmd.find("line");
        if (it != cmd.end() && it->is_number_unsigned()) line = it->get<uint32_t>();
      }
      if (const std::string* t = string_field(cmd, "type")) type = *t;
      description = describe_command(cmd, type);
      verdict = dispatch(cmd, type);
    } catch (const std::exception& e) {
      verdict = Verdict::fail("the command to run", std::string("exception: ") + e.what());
    } catch (...) {
      verdict = Verdict::fail("the command to run", "unknown exception");
    }
    switch (verdict.outcome) {
      case Outcome::Pass: ++result_.passed; break;
      case Outcome::Skip: ++result_.skipped; break;
      case Outcome::Fail:
        ++result_.failed;
        result_.failures.push_back({script_name_, line, std::move(description), std::move(verdict.mismatch.expected),
                                    std::move(verdict.mismatch.actual)});
        break;
    }
  }

  static std::string describe_command(const json& cmd, const std::string& type) {
    std::string out = type;
    if (const std::string* filename = string_field(cmd, "filename")) out += " " + *filename;
    if (const std::string* as = string_field(cmd, "as")) out += " as " + quote_name(*as);
    if (cmd.is_object() && cmd.contains("action") && cmd["action"].is_object()) {
      const json& action = cmd["action"];
      const std::string* atype = string_field(action, "type");
      const std::string* field = string_field(action, "field");
      out += " " + (atype ? *atype : std::string("?"));
      if (const std::string* mod = string_field(action, "module")) out += " " + *mod;
      out += " " + (field ? quote_name(*field) : std::string("?"));
      if (const json* args = array_field(action, "args")) {
        std::vector<vm::Value> values;
        bool all_parsed = true;
        for (const json& a : *args) {
          const std::string* t = string_field(a, "type");
          const std::string* v = string_field(a, "value");
          auto parsed = (t && v) ? parse_spec_value(*t, *v) : ParseResult<vm::Value>::failure("bad argument");
          if (!parsed) {
            all_parsed = false;
            break;
          }
          values.push_back(*parsed);
        }
        out += " " + (all_parsed ? describe_values(values) : args->dump());
      }
    }
    return out;
  }

  Verdict dispatch(const json& cmd, const std::string& type) {
    if (type == "module") return cmd_module(cmd);
    if (type == "register") return cmd_register(cmd);
    if (type == "action") return cmd_action(cmd);
    if (type == "assert_return") return cmd_assert_return(cmd);
    if (type == "assert_trap") return cmd_assert_trap(cmd);
    if (type == "assert_exhaustion") return cmd_assert_exhaustion(cmd);
    if (type == "assert_malformed") return cmd_assert_load_error(cmd, vm::ErrorKind::Malformed);
    if (type == "assert_invalid") return cmd_assert_load_error(cmd, vm::ErrorKind::Invalid);
    if (type == "assert_unlinkable") return cmd_assert_instantiation_fails(cmd, vm::ErrorKind::Unlinkable);
    if (type == "assert_uninstantiable") return cmd_assert_instantiation_fails(cmd, vm::ErrorKind::Uninstantiable);
    return Verdict::fail("a known command type", "unsupported command type \"" + type + "\"");
  }

  static bool is_text_module(const json& cmd) {
    const std::string* mt = string_field(cmd, "module_type");
    return mt && *mt == "text";
  }

  // Reads and loads the command's .wasm file. On failure, `error` is set: either the file could
  // not be read (`read_error`) or the VM rejected it (`load_error`).
  struct Loaded {
    std::shared_ptr<const vm::Module> module;
    std::optional<std::string> read_error;
    std::optional<vm::Error> load_error;
  };

  Loaded load_module(const json& cmd) {
    Loaded out;
    const std::string* filename = string_field(cmd, "filename");
    if (!filename) {
      out.read_error = "command has no \"filename\"";
      return out;
    }
    std::string error;
    auto bytes = read_bytes(dir_ / *filename, error);
    if (!bytes) {
      out.read_error = error;
      return out;
    }
    auto loaded = vm::Module::load(*bytes, store_.config());
    if (!loaded) {
      out.load_error = loaded.error();
      return out;
    }
    out.module = std::move(loaded.value());
    if (!out.module) out.read_error = "Module::load returned no module";
    return out;
  }

  Verdict cmd_module(const json& cmd) {
    // A failed module must not leave an older module current (or named): later commands would
    // test the wrong module and report confusing results.
    current_ = nullptr;
    const std::string* name = string_field(cmd, "name");
    if (name) named_.erase(*name);
    if (is_text_module(cmd)) return Verdict::skip();

    Loaded loaded = load_module(cmd);
    if (loaded.read_error) return Verdict::fail("a module", *loaded.read_error);
    if (loaded.load_error) {
      return Verdict::fail("module loads", "load failed: " + loaded.load_error->to_string());
    }
    auto inst = store_.instantiate(loaded.module, linker_);
    if (!inst) return Verdict::fail("module instantiates", inst.error().to_string());
    if (*inst == nullptr) return Verdict::fail("module instantiates", "no instance returned");
    current_ = *inst;
    if (name) named_[*name] = current_;
    return Verdict::pass();
  }

  Verdict cmd_register(const json& cmd) {
    const std::string* as = string_field(cmd, "as");
    if (!as) return Verdict::fail("register with \"as\"", "no \"as\" field");
    const std::string* name = string_field(cmd, "name");
    vm::Instance* inst = find_instance(name);
    if (!inst) return Verdict::fail("a module to register", no_instance_message(name));
    linker_.define_instance(*as, *inst);
    return Verdict::pass();
  }

  vm::Instance* find_instance(const std::string* name) const {
    if (!name) return current_;
    auto it = named_.find(*name);
    return it == named_.end() ? nullptr : it->second;
  }

  static std::string no_instance_message(const std::string* name) {
    return name ? "no module named " + *name : std::string("no current module");
  }

  ActionOutcome perform(const json& cmd) {
    ActionOutcome out;
    if (!cmd.is_object() || !cmd.contains("action") || !cmd["action"].is_object()) {
      out.error = "command has no \"action\"";
      return out;
    }
    const json& action = cmd["action"];
    const std::string* type = string_field(action, "type");
    const std::string* field = string_field(action, "field");
    if (!type || !field) {
      out.error = "action without \"type\" or \"field\"";
      return out;
    }
    const std::string* module_name = string_field(action, "module");
    vm::Instance* inst = find_instance(module_name);
    if (!inst) {
      out.error = no_instance_message(module_name);
      return out;
    }

    if (*type == "get") {
      auto ext = inst->find_export(*field);
      vm::Global* global = ext ? ext->as_global() : nullptr;
      if (!global) {
        out.error = "no exported global " + quote_name(*field);
        return out;
      }
      out.result.values.push_back(global->get());
      return out;
    }
    if (*type != "invoke") {
      out.error = "unsupported action type \"" + *type + "\"";
      return out;
    }

    vm::Function* fn = inst->exported_function(*field);
    if (!fn) {
      out.error = "no exported function " + quote_name(*field);
      return out;
    }
    std::vector<vm::Value> args;
    if (const json* jargs = array_field(action, "args")) {
      for (const json& a : *jargs) {
        const std::string* t = string_field(a, "type");
        const std::string* v = string_field(a, "value");
        if (!t || !v) {
          out.error = "argument without \"type\" or \"value\": " + a.dump();
          return out;
        }
        auto parsed = parse_spec_value(*t, *v);
        if (!parsed) {
          out.error = "bad argument: " + parsed.error();
          return out;
        }
        args.push_back(*parsed);
      }
    }
    const vm::FuncType& ft = fn->type();
    bool types_match = args.size() == ft.params.size();
    for (size_t i = 0; types_match && i < args.size(); ++i) {
      types_match = args[i].type == ft.params[i];
    }
    if (!types_match) {
      out.error = "arguments " + describe_values(args) + " do not fit the export's type " + vm::to_string(ft);
      return out;
    }
    out.result = store_.call(fn, args);
    return out;
  }

  static std::string describe_outcome(const vm::CallResult& r) {
    if (r.trap) return "trap: " + r.trap->to_string();
    return "returned " + describe_values(r.values);
  }

  Verdict cmd_action(const json& cmd) {
    ActionOutcome a = perform(cmd);
    if (a.error) return Verdict::fail("the action to run", *a.error);
    if (a.result.trap) return Verdict::fail("no trap", describe_outcome(a.result));
    return Verdict::pass();
  }

  Verdict cmd_assert_return(const json& cmd) {
    std::vector<ExpectedValue> expected;
    const json* jexp = array_field(cmd, "expected");
    if (!jexp) return Verdict::fail("an \"expected\" list", "none in the command");
    for (const json& e : *jexp) {
      const std::string* t = string_field(e, "type");
      const std::string* v = string_field(e, "value");
      if (!t || !v) return Verdict::fail("expected values with type and value", e.dump());
      auto parsed = parse_spec_expected(*t, *v);
      if (!parsed) return Verdict::fail("a valid expected value", parsed.error());
      expected.push_back(*parsed);
    }
    const std::string want = describe_expected_values(expected);
    ActionOutcome a = perform(cmd);
    if (a.error) return Verdict::fail(want, *a.error);
    if (a.result.trap) return Verdict::fail(want, describe_outcome(a.result));
    bool same = a.result.values.size() == expected.size();
    for (size_t i = 0; same && i < expected.size(); ++i) {
      same = value_matches(expected[i], a.result.values[i]);
    }
    if (!same) return Verdict::fail(want, describe_values(a.result.values));
    return Verdict::pass();
  }

  Verdict cmd_assert_trap(const json& cmd) {
    const std::string* text = string_field(cmd, "text");
    std::string want = "trap: " + (text ? *text : std::string("?"));
    ActionOutcome a = perform(cmd);
    if (a.error) return Verdict::fail(want, *a.error);
    if (!a.result.trap) return Verdict::fail(want, describe_outcome(a.result));
    if (!text) return Verdict::fail("a \"text\" field", "none in the command");
    if (!trap_text_matches(a.result.trap->to_string(), *text)) {
      return Verdict::fail(want, describe_outcome(a.result));
    }
    return Verdict::pass();
  }

  Verdict cmd_assert_exhaustion(const json& cmd) {
    const std::string want = "trap: call stack exhausted";
    ActionOutcome a = perform(cmd);
    if (a.error) return Verdict::fail(want, *a.error);
    if (!a.result.trap) return Verdict::fail(want, describe_outcome(a.result));
    const vm::TrapCode code = a.result.trap->code;
    if (code != vm::TrapCode::CallStackExhausted && code != vm::TrapCode::ValueStackExhausted) {
      return Verdict::fail(want, describe_outcome(a.result));
    }
    return Verdict::pass();
  }

  static std::string expected_error(vm::ErrorKind kind, const json& cmd) {
    std::string out = kind_name(kind) + " module";
    if (const std::string* text = string_field(cmd, "text")) out += " (\"" + *text + "\")";
    return out;
  }

  static std::string describe_error(const vm::Error& e) { return kind_name(e.kind) + " error: " + e.to_string(); }

  Verdict cmd_assert_load_error(const json& cmd, vm::ErrorKind kind) {
    if (is_text_module(cmd)) return Verdict::skip();
    const std::string want = expected_error(kind, cmd);
    Loaded loaded = load_module(cmd);
    if (loaded.read_error) return Verdict::fail(want, *loaded.read_error);
    if (!loaded.load_error) return Verdict::fail(want, "the module loaded");
    if (loaded.load_error->kind != kind) return Verdict::fail(want, describe_error(*loaded.load_error));
    return Verdict::pass();
  }

  // assert_unlinkable, assert_uninstantiable: the module loads, and instantiating it fails with
  // `kind`.
  Verdict cmd_assert_instantiation_fails(const json& cmd, vm::ErrorKind kind) {
    if (is_text_module(cmd)) return Verdict::skip();
    const std::string want = expected_error(kind, cmd);
    Loaded loaded = load_module(cmd);
    if (loaded.read_error) return Verdict::fail(want, *loaded.read_error);
    if (loaded.load_error) return Verdict::fail(want, describe_error(*loaded.load_error));
    auto inst = store_.instantiate(loaded.module, linker_);
    if (inst) return Verdict::fail(want, "the module instantiated");
    if (inst.error().kind != kind) {
      return Verdict::fail(want, describe_error(inst.error()));
    }
    return Verdict::pass();
  }

  vm::Store store_;
  vm::Linker linker_;
  fs::path dir_;
  std::string script_name_;
  std::map<std::string, vm::Instance*, std::less<>> named_;
  vm::Instance* current_ = nullptr;
  SpecFileResult result_;
};

}  // namespace

std::string SpecFailure::to_string() const {
  std::string out = file;
  if (line != 0) out += ":" + std::to_string(line);
  out += ": " + command + ": expected " + expected + ", got " + actual;
  return out;
}

SpecFileResult run_spec_file(const std::filesystem::path& json_path, const vm::VmConfig& config) {
  try {
    return FileRunner(json_path, config).run();
  } catch (const std::exception& e) {
    SpecFileResult r;
    r.path = json_path;
    r.failed = 1;
    r.file_error = "error running " + json_path.string() + ": " + e.what();
    r.failures.push_back({json_path.filename().string(), 0, "file", "a completed run", *r.file_error});
    return r;
  }
}

std::vector<std::filesystem::path> find_spec_files(const std::filesystem::path& dir, std::error_code& ec) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  ec.clear();
  if (!fs::is_directory(dir, ec)) {
    if (!ec) ec = std::make_error_code(std::errc::not_a_directory);
    return files;
  }
  auto is_json = [](const fs::directory_entry& e) {
    std::error_code ignored;
    return e.is_regular_file(ignored) && e.path().extension() == ".json";
  };
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code sub_ec;
    if (is_json(*it)) {
      files.push_back(it->path());
    } else if (it->is_directory(sub_ec)) {
      for (fs::directory_iterator sub(it->path(), sub_ec), sub_end; !sub_ec && sub != sub_end; sub.increment(sub_ec)) {
        if (is_json(*sub)) files.push_back(sub->path());
      }
    }
  }
  if (ec) return {};
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tenor::sdk
