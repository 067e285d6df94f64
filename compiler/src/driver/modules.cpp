// The module loader (modules.hpp). Lookup, per `use`:
//   `use name;`           name.tnr in the folder of the file that says it
//   `use lib::a::name;`   <project>/lib/a/name.tnr, the project being the root file's folder
//   `use std::name;`      name.tnr in the first of std_search_dirs() that has it
// A file is loaded once (keyed by its canonical path) however often it is imported. Each file has
// three names: its path on disk (to read it), its name in diagnostics (the root's name as given,
// with the module's relative path appended: `../dir/lib/fees.tnr`), and its path in the output,
// relative to the project (`lib/fees.tnr`; `std/daycount.tnr` for a standard module wherever it
// was found), so that the bytes do not depend on where the sources are.
#include "modules.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "check/checker.hpp"
#include "tenor/compiler/lexer.hpp"
#include "tenor/compiler/parser.hpp"

#ifndef TENOR_STD_SOURCE_DIR
#define TENOR_STD_SOURCE_DIR ""
#endif

namespace tenor::compiler {

namespace fs = std::filesystem;

std::string project_path(std::string_view file_name) {
  const std::string name = fs::path(file_name).filename().string();
  return name.empty() ? std::string(file_name) : name;
}

std::vector<std::string> std_search_dirs(const ModuleOptions& options) {
  if (!options.std_dir.empty()) return {options.std_dir};
  if (const char* env = std::getenv("TENOR_STD_PATH"); env != nullptr && *env != '\0') return {env};
  std::vector<std::string> dirs;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (exe.parent_path() / ".." / "share" / "tenor" / "std").lexically_normal();
    if (fs::is_directory(installed, ec)) dirs.push_back(installed.string());
  }
  if (*TENOR_STD_SOURCE_DIR != '\0') dirs.emplace_back(TENOR_STD_SOURCE_DIR);
  return dirs;
}

namespace {

std::string join(const fs::path& dir, const fs::path& rel) { return (dir / rel).lexically_normal().generic_string(); }

// Where a unit's `use`s resolve beside it.
struct Place {
  std::string disk;     // folder on disk
  std::string shown;    // folder as diagnostics name it
  std::string project;  // folder relative to the project ("std" for the standard modules)
};

struct Candidate {
  std::string disk, shown, project;
};

class Loader {
 public:
  Loader(CheckResult& r, const ModuleOptions& options, const FrontEndLimits& limits)
      : r_(r), options_(options), limits_(limits) {}

  std::vector<check::Unit> run(std::string_view file_name) {
    const fs::path name(file_name);
    std::string disk = options_.base_dir.empty() ? name.parent_path().string() : options_.base_dir;
    if (disk.empty()) disk = ".";
    project_disk_ = disk;
    project_shown_ = name.parent_path().generic_string();
    units_.push_back({r_.ast.get(), r_.ast->is_module ? r_.ast->contract.name : "", project_path(file_name), {}});
    places_.push_back({disk, project_shown_, ""});
    if (r_.ast->is_module) check_module_file(*r_.ast, std::string(file_name), project_path(file_name));
    load_uses(0);
    return std::move(units_);
  }

 private:
  void load_uses(std::size_t u) {
    stack_.push_back(u);
    std::map<std::string, SourceRange> bound;
    // Copy: loading a module appends to units_.
    const ast::File* file = units_[u].file;
    for (const ast::Use& use : file->uses) {
      if (use.path.segments.empty() || use.path.segments.back().name.empty()) continue;
      const ast::Ident& last = use.path.segments.back();
      const std::optional<std::size_t> target = resolve(u, use);
      if (!target) continue;
      if (auto [it, fresh] = bound.emplace(last.name, use.range); !fresh) {
        const auto lc = r_.sources.line_column(it->second.start());
        r_.diagnostics.report(DiagnosticKind::NameClash, use.path.range,
                              {last.name, "by this `use` and by the `use` on line " + std::to_string(lc.line)},
                              "two modules cannot be known by the same name in one file");
        continue;
      }
      units_[u].imports[last.name] = *target;
    }
    // A `use` may not bind the name of one of the file's own items.
    for (const auto& item : file->items) {
      auto it = bound.find(item->name.name);
      if (item->name.name.empty() || it == bound.end()) continue;
      const auto lc = r_.sources.line_column(it->second.start());
      r_.diagnostics.report(DiagnosticKind::NameClash, item->name.range,
                            {item->name.name, std::string("by the `use` on line ") + std::to_string(lc.line) +
                                                  " and by this " + ast::item_kind_keyword(item->kind)},
                            "rename the item: `" + item->name.name + "::...` names the module's items");
    }
    stack_.pop_back();
  }

  // The unit a `use` names, loading it the first time; nothing when it cannot be used.
  std::optional<std::size_t> resolve(std::size_t from, const ast::Use& use) {
    const auto& segs = use.path.segments;
    const std::string shown_path = path_text(segs);
    std::vector<Candidate> candidates;
    std::string help_kind;
    const std::string root = segs.size() > 1 ? segs[0].name : "";
    fs::path rel;
    for (std::size_t i = root.empty() ? 0 : 1; i < segs.size(); ++i) rel /= segs[i].name;
    rel += ".tnr";
    if (root == "std") {
      for (const std::string& d : std_search_dirs(options_))
        candidates.push_back({join(d, rel), join(d, rel), join("std", rel)});
    } else if (root == "lib") {
      candidates.push_back({join(project_disk_, "lib" / rel), join(project_shown_, "lib" / rel), join("lib", rel)});
    } else if (root.empty()) {
      const Place& p = places_[from];
      candidates.push_back({join(p.disk, rel), join(p.shown, rel), join(p.project, rel)});
    } else {
      r_.diagnostics.report(DiagnosticKind::UnknownModule, use.path.range, {shown_path},
                            "a module is `use name;` (name.tnr beside this file), `use lib::name;` (the project's "
                            "lib/ folder) or `use std::name;` (the standard modules)");
      return {};
    }
    std::error_code ec;
    for (const Candidate& c : candidates) {
      if (!fs::is_regular_file(c.disk, ec)) continue;
      const std::string key = fs::weakly_canonical(c.disk, ec).string();
      if (auto it = loaded_.find(key); it != loaded_.end()) {
        if (std::find(stack_.begin(), stack_.end(), it->second) != stack_.end()) report_cycle(it->second, use);
        return it->second;
      }
      return load(key, c, use);
    }
    // Not found: the paths searched, and a near name among the files there.
    std::string searched;
    std::vector<std::string> near;
    for (const Candidate& c : candidates) {
      searched += (searched.empty() ? "" : ", ") + c.shown;
      for (const auto& e : fs::directory_iterator(fs::path(c.disk).parent_path(), ec))
        if (e.path().extension() == ".tnr") near.push_back(e.path().stem().string());
    }
    std::sort(near.begin(), near.end());
    std::string help =
        "searched " + (searched.empty() ? std::string("no folder (no standard modules found)") : searched);
    const std::string hint = check::suggest(segs.back().name, near);
    if (!hint.empty()) help += "; " + hint;
    r_.diagnostics.report(DiagnosticKind::UnknownModule, use.path.range, {shown_path}, help);
    return {};
  }

  std::size_t load(const std::string& key, const Candidate& c, const ast::Use& use) {
    std::ifstream in(c.disk, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::size_t u = units_.size();
    loaded_[key] = u;
    std::string body = text.str();
    const bool too_large = body.size() > limits_.max_source_bytes;
    const FileId id = r_.sources.add_file(c.shown, too_large ? std::string() : std::move(body), c.project);
    r_.modules.push_back(std::make_unique<ast::File>());
    if (too_large) {
      r_.diagnostics.report(DiagnosticKind::SourceTooLarge, {id, 0, 0},
                            {std::to_string(text.str().size()), std::to_string(limits_.max_source_bytes)});
    } else {
      r_.modules.back() = parse(lex(r_.sources, id, r_.diagnostics), r_.diagnostics, limits_);
    }
    const ast::File& file = *r_.modules.back();
    units_.push_back({&file, file.contract.name, c.project, {}});
    places_.push_back({fs::path(c.disk).parent_path().string(), fs::path(c.shown).parent_path().generic_string(),
                       fs::path(c.project).parent_path().generic_string()});
    if (too_large || r_.diagnostics.saturated()) return u;
    if (!file.is_module) {
      r_.diagnostics.report(DiagnosticKind::NotAModule, use.path.range, {c.shown},
                            "a file `use` loads starts with `module " + use.path.segments.back().name + "`");
      return u;
    }
    check_module_file(file, c.shown, c.project);
    load_uses(u);
    return u;
  }

  // `module NAME` in NAME.tnr, holding no storage, entry points or events.
  void check_module_file(const ast::File& file, const std::string& shown, const std::string& project) {
    const std::string stem = fs::path(project).stem().string();
    if (!file.contract.name.empty() && file.contract.name != stem)
      r_.diagnostics.report(DiagnosticKind::ModuleNameMismatch, file.contract.range,
                            {file.contract.name, fs::path(shown).filename().string()},
                            "name the module `" + stem + "`, or the file `" + file.contract.name + ".tnr`");
    for (const auto& item : file.items) {
      const char* what = nullptr;
      switch (item->kind) {
        case ast::ItemKind::Storage: what = "storage"; break;
        case ast::ItemKind::Init:
        case ast::ItemKind::Action:
        case ast::ItemKind::View: what = "entry points (init, action, view)"; break;
        case ast::ItemKind::Event: what = "events"; break;
        default: break;
      }
      if (what == nullptr) continue;
      const SourceRange kw{
          item->range.file, item->range.begin,
          item->range.begin + static_cast<std::uint32_t>(std::string_view(ast::item_kind_keyword(item->kind)).size())};
      r_.diagnostics.report(DiagnosticKind::NotAllowedInModule, kw, {what},
                            "a module holds fns, structs, enums, interfaces and constants; storage, entry points "
                            "and events belong to the contract");
    }
  }

  void report_cycle(std::size_t target, const ast::Use& use) {
    std::string chain;
    auto name = [&](std::size_t u) { return units_[u].name.empty() ? units_[u].path : units_[u].name; };
    bool on = false;
    for (std::size_t u : stack_) {
      on = on || u == target;
      if (on) chain += name(u) + " -> ";
    }
    chain += name(target);
    r_.diagnostics.report(DiagnosticKind::ImportCycle, use.path.range, {chain},
                          "modules may not import each other in a circle: move what both need into a third module");
  }

  static std::string path_text(const std::vector<ast::Ident>& segs) {
    std::string s;
    for (const ast::Ident& i : segs) s += (s.empty() ? "" : "::") + i.name;
    return s;
  }

  CheckResult& r_;
  const ModuleOptions& options_;
  const FrontEndLimits& limits_;
  std::string project_disk_, project_shown_;
  std::vector<check::Unit> units_;
  std::vector<Place> places_;
  std::map<std::string, std::size_t> loaded_;  // canonical disk path -> unit
  std::vector<std::size_t> stack_;             // the units whose `use`s are being loaded
};

}  // namespace

std::vector<check::Unit> load_modules(CheckResult& r, std::string_view file_name, const ModuleOptions& options,
                                      const FrontEndLimits& limits) {
  return Loader(r, options, limits).run(file_name);
}

}  // namespace tenor::compiler
