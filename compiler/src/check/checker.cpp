// The check phase (see check.hpp). Three passes over the items: collect the declarations' names,
// resolve their types (then reject recursive types), check every body; finally propagate the
// "writes" flag through calls and reject views that write.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "tenor/compiler/check.hpp"
#include "tenor/compiler/value_types.hpp"

namespace tenor::compiler::check {

using ast::ExprKind;
using boost::multiprecision::cpp_int;

std::string Program::type_name(TypeId id) const {
  const Type& t = type(id);
  switch (t.kind) {
    case TypeKind::Error: return "{error}";
    case TypeKind::Unit: return "()";
    case TypeKind::Rounding: return "Rounding";
    case TypeKind::Bytes: return "Bytes<" + std::to_string(t.bound) + ">";
    case TypeKind::String: return "String<" + std::to_string(t.bound) + ">";
    case TypeKind::Array: return "[" + type_name(t.element) + "; " + std::to_string(t.bound) + "]";
    case TypeKind::Vec: return "Vec<" + type_name(t.element) + ", " + std::to_string(t.bound) + ">";
    case TypeKind::Option: return "Option<" + type_name(t.element) + ">";
    case TypeKind::Map: return "Map<" + type_name(t.key) + ", " + type_name(t.element) + ">";
    case TypeKind::Range: return "Range<" + type_name(t.element) + ">";
    case TypeKind::Struct: return structs.at(t.decl).name;
    case TypeKind::Enum: return enums.at(t.decl).name;
    case TypeKind::Interface: return interfaces.at(t.decl).name;
    default: break;
  }
  // bool, the integers, Money, Rate, ...: spelled as in the registry.
  if (const ScalarType* s = scalar_type_of(t)) return std::string(s->spelling);
  return "?";
}

namespace {

// Edit distance with adjacent transpositions (optimal string alignment): `Dtae` is 1 from `Date`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// "did you mean `X`?" when one candidate is within a third of the name's length (at least 1).
std::string suggest(std::string_view name, const std::vector<std::string>& candidates) {
  std::size_t best = std::max<std::size_t>(1, name.size() / 3) + 1;
  std::string found;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best) best = d, found = c;
  }
  return found.empty() ? std::string() : "did you mean `" + found + "`?";
}

std::string quote(const std::string& s) { return "`" + s + "`"; }

const char* const kRoundingModes[] = {"Down", "Up", "Floor", "Ceiling", "HalfUp", "HalfDown", "HalfEven"};

struct Local {
  TypeId type = kErrorType;
  bool is_mutable = false;
  const char* what = "a `let` binding";  // for "cannot assign to `x`, ..."
};

// Per function being checked.
struct FnState {
  std::size_t index = 0;
  TypeId return_type = kUnitType;
  bool is_view = false;
  std::optional<SourceRange> first_write;  // a direct write
  std::string first_write_what;
  std::vector<std::pair<std::size_t, SourceRange>> calls;  // fn index, call site
};

class Checker {
 public:
  Checker(const ast::File& file, DiagnosticEngine& diags, const FrontEndLimits& limits)
      : file_(file), diags_(diags), limits_(limits), p_(std::make_unique<Program>()) {
    intern({TypeKind::Error});
    intern({TypeKind::Unit});
    intern({TypeKind::Bool});
  }

  std::unique_ptr<Program> run() {
    collect();
    resolve_declarations();
    check_recursion();
    check_bodies();
    propagate_writes();
    return std::move(p_);
  }

 private:
  // --- types ----------------------------------------------------------------------------------

  // Interning is a map lookup: a file may hold many distinct types (a `String<len>` per literal).
  TypeId intern(Type t) {
    const auto key = std::make_tuple(t.kind, t.bits, t.is_signed, t.element, t.key, t.bound, t.decl);
    auto [it, fresh] = intern_index_.emplace(key, static_cast<TypeId>(p_->types.size()));
    if (fresh) p_->types.push_back(t);
    return it->second;
  }
  TypeId simple(TypeKind k) { return intern(Type{k}); }
  TypeId int_type(std::uint16_t bits, bool is_signed) {
    Type t{TypeKind::Int};
    t.bits = bits;
    t.is_signed = is_signed;
    return intern(t);
  }
  TypeId wrap(TypeKind k, TypeId element, std::uint64_t bound = 0, TypeId key = 0) {
    Type t{k};
    t.element = element;
    t.bound = bound;
    t.key = key;
    return intern(t);
  }
  const Type& ty(TypeId id) const { return p_->types[id]; }
  TypeKind kind(TypeId id) const { return ty(id).kind; }
  bool is_int(TypeId id) const { return kind(id) == TypeKind::Int; }
  bool is_error(TypeId id) const { return kind(id) == TypeKind::Error; }
  std::string name(TypeId id) const { return quote(p_->type_name(id)); }

  // `from` may be used where `to` is expected. Bytes/String bounds are checked where the value is
  // stored or passed (at run time), so any bound is compatible with any other.
  bool compatible(TypeId to, TypeId from) const {
    if (to == from || is_error(to) || is_error(from)) return true;
    const Type a = ty(to);
    const Type b = ty(from);
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case TypeKind::Bytes:
      case TypeKind::String: return true;
      case TypeKind::Option: return compatible(a.element, b.element);
      case TypeKind::Vec: return a.bound == b.bound && compatible(a.element, b.element);
      case TypeKind::Array: return a.bound == b.bound && compatible(a.element, b.element);
      default: return false;
    }
  }

  void expect_type(TypeId expected, TypeId found, SourceRange where) {
    if (!compatible(expected, found))
      diags_.report(DiagnosticKind::TypeMismatch, where, {p_->type_name(expected), p_->type_name(found)});
  }

  std::optional<std::uint64_t> parse_bound(const std::string& text) {
    cpp_int v;
    if (!parse_integer(text, v) || v < 0 || v > cpp_int(std::numeric_limits<std::uint32_t>::max())) return {};
    return static_cast<std::uint64_t>(v);
  }

  TypeId resolve_type(const ast::Type* t, bool storage_top = false) {
    if (t == nullptr) return kErrorType;
    if (!enter(t->range)) return kErrorType;
    const TypeId r = resolve_type_inner(*t, storage_top);
    --depth_;
    return r;
  }

  TypeId bad_args(const ast::Type& t, const char* shape) {
    diags_.report(DiagnosticKind::InvalidTypeArguments, t.range, {t.name.name, shape});
    return kErrorType;
  }

  TypeId resolve_type_inner(const ast::Type& t, bool storage_top) {
    if (t.kind == ast::Type::Kind::Error) return kErrorType;
    if (t.kind == ast::Type::Kind::Array) {
      const TypeId e = resolve_type(t.element.get());
      const auto n = parse_bound(t.length);
      if (!n) {
        diags_.report(DiagnosticKind::InvalidTypeArguments, t.range, {"[T; N]", "a type and an integer length: `[T; N]`"});
        return kErrorType;
      }
      return is_error(e) ? kErrorType : wrap(TypeKind::Array, e, *n);
    }
    const std::string& n = t.name.name;
    auto type_arg = [&](std::size_t i) -> const ast::Type* { return t.args[i].type.get(); };
    auto int_arg = [&](std::size_t i) -> std::optional<std::uint64_t> {
      if (t.args[i].type) return {};
      return parse_bound(t.args[i].integer);
    };
    // The registry's scalars other than the integers, and Rounding: types named by a word alone.
    static const std::map<std::string, TypeKind> kSimple = [] {
      std::map<std::string, TypeKind> m = {{"Rounding", TypeKind::Rounding}};
      for (const ScalarType& s : kScalarTypes)
        if (s.kind != TypeKind::Int) m.emplace(s.spelling, s.kind);
      return m;
    }();
    if (auto it = kSimple.find(n); it != kSimple.end()) {
      if (!t.args.empty()) return bad_args(t, "no type arguments");
      return simple(it->second);
    }
    if (auto i = int_named(n)) {
      if (!t.args.empty()) return bad_args(t, "no type arguments");
      return *i;
    }
    if (n == "Bytes" || n == "String") {
      std::optional<std::uint64_t> b;
      if (t.args.size() != 1 || !(b = int_arg(0))) return bad_args(t, n == "Bytes" ? "one integer bound: `Bytes<N>`" : "one integer bound: `String<N>`");
      return wrap(n == "Bytes" ? TypeKind::Bytes : TypeKind::String, 0, *b);
    }
    if (n == "Vec") {
      std::optional<std::uint64_t> b;
      if (t.args.size() != 2 || !type_arg(0) || !(b = int_arg(1))) return bad_args(t, "a type and an integer bound: `Vec<T, N>`");
      const TypeId e = resolve_type(type_arg(0));
      return is_error(e) ? kErrorType : wrap(TypeKind::Vec, e, *b);
    }
    if (n == "Option") {
      if (t.args.size() != 1 || !type_arg(0)) return bad_args(t, "one type: `Option<T>`");
      const TypeId e = resolve_type(type_arg(0));
      return is_error(e) ? kErrorType : wrap(TypeKind::Option, e);
    }
    if (n == "Map") {
      if (t.args.size() != 2 || !type_arg(0) || !type_arg(1)) return bad_args(t, "two types: `Map<K, V>`");
      if (!storage_top) {
        diags_.report(DiagnosticKind::MapOutsideStorage, t.range, {},
                      "declare the map as a field of `storage { ... }` and read it by name");
        return kErrorType;
      }
      const TypeId k = resolve_type(type_arg(0));
      const TypeId v = resolve_type(type_arg(1));
      return is_error(k) || is_error(v) ? kErrorType : wrap(TypeKind::Map, v, 0, k);
    }
    if (auto it = type_names_.find(n); it != type_names_.end()) {
      if (!t.args.empty()) return bad_args(t, "no type arguments");
      return it->second;
    }
    if (n.empty()) return kErrorType;
    // "did you mean": bool and the integers, the generic types, Map, the other simple types, the
    // file's own types (the first of equally close candidates wins).
    std::vector<std::string> candidates;
    for (const ScalarType& s : kScalarTypes)
      if (s.kind == TypeKind::Bool || s.kind == TypeKind::Int) candidates.emplace_back(s.spelling);
    for (const GenericType& g : kGenericTypes)
      if (g.kind != TypeKind::Array) candidates.emplace_back(g.spelling);
    candidates.push_back("Map");
    for (const auto& [k, v] : kSimple) candidates.push_back(k);
    for (const auto& [k, v] : type_names_) candidates.push_back(k);
    diags_.report(DiagnosticKind::UnknownType, t.name.range, {n}, suggest(n, candidates));
    return kErrorType;
  }

  std::optional<TypeId> int_named(std::string_view n) {
    const ScalarType* s = scalar_type_named(n);
    if (s == nullptr || s->kind != TypeKind::Int) return {};
    return int_type(s->bits, s->is_signed);
  }

  // --- depth ----------------------------------------------------------------------------------

  bool enter(SourceRange r) {
    if (depth_ >= limits_.max_nesting_depth) {
      if (!depth_reported_) diags_.report(DiagnosticKind::NestingTooDeep, r, {std::to_string(limits_.max_nesting_depth)});
      depth_reported_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  // --- pass 1: names --------------------------------------------------------------------------

  void duplicate(const std::string& what, const ast::Ident& id, SourceRange first) {
    (void)first;
    diags_.report(DiagnosticKind::DuplicateDefinition, id.range, {what + " `" + id.name + "`"});
  }

  void collect() {
    std::map<std::string, SourceRange> types, events, fns;
    std::optional<SourceRange> init;
    for (const auto& item_ptr : file_.items) {
      const ast::Item& item = *item_ptr;
      auto claim = [&](std::map<std::string, SourceRange>& ns, const char* what) {
        if (item.name.name.empty()) return false;
        auto [it, fresh] = ns.emplace(item.name.name, item.name.range);
        if (!fresh) {
          duplicate(what, item.name, it->second);
          return false;
        }
        return true;
      };
      switch (item.kind) {
        case ast::ItemKind::Struct:
          if (claim(types, "type")) {
            type_names_[item.name.name] = intern(Type{TypeKind::Struct, 0, false, 0, 0, 0, static_cast<std::uint32_t>(p_->structs.size())});
            p_->structs.push_back({item.name.name, {}, &item});
          }
          break;
        case ast::ItemKind::Enum:
          if (claim(types, "type")) {
            type_names_[item.name.name] = intern(Type{TypeKind::Enum, 0, false, 0, 0, 0, static_cast<std::uint32_t>(p_->enums.size())});
            p_->enums.push_back({item.name.name, {}, &item});
          }
          break;
        case ast::ItemKind::Interface:
          if (claim(types, "type")) {
            interface_index_[item.name.name] = p_->interfaces.size();
            p_->interfaces.push_back({item.name.name, {}, &item});
          }
          break;
        case ast::ItemKind::Event:
          if (claim(events, "event")) {
            event_index_[item.name.name] = p_->events.size();
            p_->events.push_back({item.name.name, {}, &item});
          }
          break;
        case ast::ItemKind::Storage: storage_items_.push_back(&item); break;
        case ast::ItemKind::Init:
          if (init) {
            diags_.report(DiagnosticKind::DuplicateDefinition, {item.range.file, item.range.begin, item.range.begin + 4},
                          {"`init`"}, "a contract has at most one `init`: it runs once, at deployment");
            break;
          }
          init = item.range;
          p_->functions.push_back({"init", item.kind, {}, kUnitType, false, &item});
          break;
        case ast::ItemKind::Action:
        case ast::ItemKind::View:
        case ast::ItemKind::Function:
          if (claim(fns, "function")) {
            fn_index_[item.name.name] = p_->functions.size();
            p_->functions.push_back({item.name.name, item.kind, {}, kUnitType, false, &item});
          }
          break;
      }
    }
  }

  // --- pass 2: declarations -------------------------------------------------------------------

  std::vector<FieldInfo> resolve_fields(const std::vector<ast::Field>& fields, const std::string& owner,
                                        bool storage = false) {
    std::vector<FieldInfo> out;
    std::map<std::string, SourceRange> seen;
    for (const ast::Field& f : fields) {
      if (!f.name.name.empty()) {
        auto [it, fresh] = seen.emplace(f.name.name, f.name.range);
        if (!fresh) duplicate("field", f.name, it->second);
      }
      (void)owner;
      out.push_back({f.name.name, resolve_type(f.type.get(), storage), f.name.range});
    }
    return out;
  }

  std::vector<FieldInfo> resolve_params(const std::vector<ast::Param>& params) {
    std::vector<FieldInfo> out;
    std::map<std::string, SourceRange> seen;
    for (const ast::Param& f : params) {
      if (!f.name.name.empty()) {
        auto [it, fresh] = seen.emplace(f.name.name, f.name.range);
        if (!fresh) duplicate("parameter", f.name, it->second);
      }
      out.push_back({f.name.name, resolve_type(f.type.get()), f.name.range});
    }
    return out;
  }

  void resolve_declarations() {
    for (StructInfo& s : p_->structs) s.fields = resolve_fields(s.item->fields, s.name);
    for (EnumInfo& e : p_->enums) {
      std::map<std::string, SourceRange> seen;
      for (const ast::Variant& v : e.item->variants) {
        if (!v.name.name.empty()) {
          auto [it, fresh] = seen.emplace(v.name.name, v.name.range);
          if (!fresh) duplicate("variant", v.name, it->second);
        }
        e.variants.push_back({v.name.name, v.has_fields, resolve_fields(v.fields, e.name)});
      }
    }
    for (EventInfo& ev : p_->events) ev.fields = resolve_fields(ev.item->fields, ev.name);
    std::map<std::string, SourceRange> seen_storage;
    for (const ast::Item* s : storage_items_) {
      for (const ast::Field& f : s->fields) {
        if (!f.name.name.empty()) {
          auto [it, fresh] = seen_storage.emplace(f.name.name, f.name.range);
          if (!fresh) {
            duplicate("storage field", f.name, it->second);
            continue;
          }
        }
        storage_index_[f.name.name] = p_->storage.size();
        p_->storage.push_back({f.name.name, resolve_type(f.type.get(), true), f.name.range});
      }
    }
    for (FunctionInfo& fn : p_->functions) {
      fn.params = resolve_params(fn.item->params);
      fn.return_type = fn.item->return_type ? resolve_type(fn.item->return_type.get()) : kUnitType;
    }
    for (InterfaceInfo& in : p_->interfaces) {
      for (const ast::InterfaceMethod& m : in.item->methods) {
        FunctionInfo f;
        f.name = m.name.name;
        f.kind = m.is_view ? ast::ItemKind::View : ast::ItemKind::Action;
        f.params = resolve_params(m.params);
        f.return_type = m.return_type ? resolve_type(m.return_type.get()) : kUnitType;
        in.methods.push_back(std::move(f));
      }
    }
  }

  // A struct or enum that contains itself by value (through fields, payloads, arrays or Options)
  // has no finite size. A Vec is stored out of line and breaks the cycle.
  void inline_decls(TypeId t, std::vector<TypeId>& out) {
    const Type x = ty(t);
    switch (x.kind) {
      case TypeKind::Struct:
      case TypeKind::Enum: out.push_back(t); break;
      case TypeKind::Array:
      case TypeKind::Option: inline_decls(x.element, out); break;
      default: break;
    }
  }
  void check_recursion() {
    std::map<TypeId, std::vector<TypeId>> edges;
    for (std::size_t i = 0; i < p_->structs.size(); ++i) {
      const TypeId self = type_names_.at(p_->structs[i].name);
      for (const FieldInfo& f : p_->structs[i].fields) inline_decls(f.type, edges[self]);
    }
    for (std::size_t i = 0; i < p_->enums.size(); ++i) {
      const TypeId self = type_names_.at(p_->enums[i].name);
      for (const VariantInfo& v : p_->enums[i].variants)
        for (const FieldInfo& f : v.fields) inline_decls(f.type, edges[self]);
    }
    // Iterative DFS colouring: 0 white, 1 on the stack, 2 done.
    std::map<TypeId, int> colour;
    std::set<TypeId> reported;
    for (const auto& [start, unused] : edges) {
      (void)unused;
      if (colour[start] != 0) continue;
      std::vector<std::pair<TypeId, std::size_t>> stack = {{start, 0}};
      colour[start] = 1;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        const auto& out = edges[node];
        if (next == out.size()) {
          colour[node] = 2;
          stack.pop_back();
          continue;
        }
        const TypeId to = out[next++];
        if (colour[to] == 1) {
          if (reported.insert(to).second) {
            const Type x = ty(to);
            const ast::Item* item = x.kind == TypeKind::Struct ? p_->structs[x.decl].item : p_->enums[x.decl].item;
            diags_.report(DiagnosticKind::RecursiveType, item->name.range, {item->name.name},
                          "a value cannot contain itself: hold the inner values in a `Vec<T, N>`, or store them in "
                          "a storage Map and keep their keys");
          }
        } else if (colour[to] == 0) {
          colour[to] = 1;
          stack.push_back({to, 0});
        }
      }
    }
  }

  // --- pass 3: bodies -------------------------------------------------------------------------

  void check_bodies() {
    for (std::size_t i = 0; i < p_->functions.size(); ++i) {
      if (diags_.saturated()) {
        diags_.note_stopped_early();
        break;
      }
      const FunctionInfo& fn = p_->functions[i];
      FnState st;
      st.index = i;
      st.return_type = fn.return_type;
      st.is_view = fn.kind == ast::ItemKind::View;
      fn_ = &st;
      scopes_.clear();
      scopes_.emplace_back();
      for (const FieldInfo& prm : fn.params) {
        if (prm.name.empty()) continue;
        if (storage_index_.count(prm.name))
          diags_.report(DiagnosticKind::ShadowsStorage, prm.range, {prm.name, "parameter"});
        scopes_.back()[prm.name] = Local{prm.type, false, "a parameter"};
      }
      for (const ast::ExprPtr& e : fn.item->signed_by) expect_type(simple(TypeKind::Party), check_expr(*e, simple(TypeKind::Party)), e->range);
      const bool returns = check_block(fn.item->body);
      if (!returns && fn.return_type != kUnitType && !is_error(fn.return_type)) {
        const SourceRange end{fn.item->body.range.file, fn.item->body.range.end - 1, fn.item->body.range.end};
        diags_.report(DiagnosticKind::MissingReturn, end, {fn.name, p_->type_name(fn.return_type)});
      }
      states_.push_back(std::move(st));
      fn_ = nullptr;
    }
  }

  void propagate_writes() {
    for (FnState& st : states_) p_->functions[st.index].writes = st.first_write.has_value();
    for (bool changed = true; changed;) {
      changed = false;
      for (FnState& st : states_) {
        if (p_->functions[st.index].writes) continue;
        for (const auto& [callee, site] : st.calls) {
          (void)site;
          if (p_->functions[callee].writes) {
            p_->functions[st.index].writes = changed = true;
            break;
          }
        }
      }
    }
    for (FnState& st : states_) {
      const FunctionInfo& fn = p_->functions[st.index];
      if (fn.kind != ast::ItemKind::View || !fn.writes) continue;
      if (st.first_write) {
        diags_.report(DiagnosticKind::ViewWritesState, *st.first_write, {fn.name, st.first_write_what},
                      "make it an `action`, or move the write out of the view");
        continue;
      }
      for (const auto& [callee, site] : st.calls) {
        if (!p_->functions[callee].writes) continue;
        diags_.report(DiagnosticKind::ViewWritesState, site, {fn.name, "calls `" + p_->functions[callee].name + "`, which writes storage or emits"},
                      "make it an `action`, or move the write out of the view");
        break;
      }
    }
  }

  void note_write(SourceRange r, const char* what) {
    if (fn_ && !fn_->first_write) {
      fn_->first_write = r;
      fn_->first_write_what = what;
    }
  }

  // Scopes.
  Local* lookup(const std::string& n) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (auto f = it->find(n); f != it->end()) return &f->second;
    return nullptr;
  }
  void declare(const ast::Ident& id, Local l) {
    if (id.name.empty() || id.name == "_") return;
    if (storage_index_.count(id.name)) diags_.report(DiagnosticKind::ShadowsStorage, id.range, {id.name, "local variable"});
    scopes_.back()[id.name] = l;
  }

  // Returns true when the block always returns (or reverts).
  bool check_block(const ast::Block& b) {
    scopes_.emplace_back();
    bool returns = false;
    for (const ast::StmtPtr& s : b.statements)
      if (check_stmt(*s)) returns = true;
    scopes_.pop_back();
    return returns;
  }

  bool check_stmt(const ast::Stmt& s) {
    if (!enter(s.range)) return false;
    const bool r = check_stmt_inner(s);
    --depth_;
    return r;
  }

  bool check_stmt_inner(const ast::Stmt& s) {
    using ast::StmtKind;
    switch (s.kind) {
      case StmtKind::Let: {
        const auto& l = s.as<ast::LetStmt>();
        TypeId declared = l.type ? resolve_type(l.type.get()) : kErrorType;
        TypeId t = kErrorType;
        if (l.init) {
          t = check_expr(*l.init, l.type ? declared : kErrorType);
          if (l.type) expect_type(declared, t, l.init->range);
        }
        const TypeId var_type = l.type ? declared : t;
        p_->local_types[&l] = var_type;
        if (l.init && kind(var_type) == TypeKind::Unit) diags_.report(DiagnosticKind::TypeMismatch, l.init->range, {"a value", "()"});
        declare(l.name, Local{var_type, l.is_mutable, "a `let` binding"});
        return false;
      }
      case StmtKind::Assign: {
        const auto& a = s.as<ast::AssignStmt>();
        const TypeId place = check_place(*a.place);
        const TypeId value = check_expr(*a.value, place);
        if (a.op == ast::AssignOp::Assign) {
          expect_type(place, value, a.value->range);
        } else {
          const ast::BinaryOp op = a.op == ast::AssignOp::AddAssign ? ast::BinaryOp::Add : ast::BinaryOp::Sub;
          const TypeId r = binary_result(op, place, value, s.range, a.value.get());
          expect_type(place, r, s.range);
        }
        return false;
      }
      case StmtKind::If: {
        const auto& i = s.as<ast::IfStmt>();
        expect_bool(*i.condition);
        const bool then_returns = check_block(i.then_block);
        const bool else_returns = i.else_branch ? check_stmt(*i.else_branch) : false;
        return then_returns && else_returns;
      }
      case StmtKind::While: {
        const auto& w = s.as<ast::WhileStmt>();
        expect_bool(*w.condition);
        check_block(w.body);
        return false;
      }
      case StmtKind::For: return check_for(s.as<ast::ForStmt>());
      case StmtKind::Match: return check_match(s.as<ast::MatchStmt>());
      case StmtKind::Require: expect_bool(*s.as<ast::RequireStmt>().condition); return false;
      case StmtKind::Revert: return true;
      case StmtKind::Emit: check_emit(s.as<ast::EmitStmt>()); return false;
      case StmtKind::Return: {
        const auto& r = s.as<ast::ReturnStmt>();
        const TypeId want = fn_ ? fn_->return_type : kUnitType;
        if (r.value) {
          const TypeId got = check_expr(*r.value, want);
          if (want == kUnitType)
            diags_.report(DiagnosticKind::TypeMismatch, r.value->range, {"()", p_->type_name(got)},
                          "this function declares no return type: add `-> " + p_->type_name(got) + "`");
          else
            expect_type(want, got, r.value->range);
        } else if (want != kUnitType && !is_error(want)) {
          diags_.report(DiagnosticKind::TypeMismatch, s.range, {p_->type_name(want), "()"});
        }
        return true;
      }
      case StmtKind::Expr: check_expr(*s.as<ast::ExprStmt>().expr, kErrorType); return false;
      case StmtKind::Block: return check_block(s.as<ast::BlockStmt>().block);
    }
    return false;
  }

  void expect_bool(const ast::Expr& e) { expect_type(kBoolType, check_expr(e, kBoolType), e.range); }

  void check_emit(const ast::EmitStmt& e) {
    note_write(e.range, "emits an event");
    auto it = event_index_.find(e.event.name);
    if (it == event_index_.end()) {
      if (!e.event.name.empty()) {
        std::vector<std::string> names;
        for (const auto& ev : p_->events) names.push_back(ev.name);
        diags_.report(DiagnosticKind::UnknownName, e.event.range, {"event", e.event.name}, suggest(e.event.name, names));
      }
      for (const auto& f : e.fields)
        if (f.value) check_expr(*f.value, kErrorType);
      return;
    }
    check_field_inits(p_->events[it->second].fields, e.fields, "event `" + e.event.name + "`", e.event.range);
  }

  // Struct literal, enum payload or event fields: each declared field exactly once.
  void check_field_inits(const std::vector<FieldInfo>& decl, const std::vector<ast::FieldInit>& inits,
                         const std::string& owner, SourceRange where) {
    std::map<std::string, SourceRange> given;
    for (const ast::FieldInit& f : inits) {
      const FieldInfo* d = nullptr;
      for (const FieldInfo& x : decl)
        if (x.name == f.name.name) d = &x;
      const TypeId want = d ? d->type : kErrorType;
      TypeId got;
      if (f.value) {
        got = check_expr(*f.value, want);
      } else {
        got = check_name(f.name, want);
      }
      if (!d) {
        std::vector<std::string> names;
        for (const FieldInfo& x : decl) names.push_back(x.name);
        diags_.report(DiagnosticKind::UnknownField, f.name.range, {f.name.name, owner}, suggest(f.name.name, names));
        continue;
      }
      auto [it, fresh] = given.emplace(f.name.name, f.name.range);
      if (!fresh) {
        duplicate("field", f.name, it->second);
        continue;
      }
      expect_type(d->type, got, f.value ? f.value->range : f.name.range);
    }
    std::string missing;
    std::size_t count = 0;
    for (const FieldInfo& x : decl)
      if (!given.count(x.name)) missing += (count++ ? ", `" : "`") + x.name + "`";
    if (count)
      diags_.report(DiagnosticKind::MissingFields, where, {count == 1 ? "field" : "fields", missing, owner});
  }

  bool check_for(const ast::ForStmt& f) {
    const TypeId it = check_expr(*f.iterable, kErrorType);
    const Type t = ty(it);
    scopes_.emplace_back();
    auto bind = [&](const ast::Pattern* p, TypeId type) {
      if (!p) return;
      if (p->kind == ast::PatternKind::Binding) declare(p->name, Local{type, false, "a loop variable"});
      else if (p->kind != ast::PatternKind::Wildcard && p->kind != ast::PatternKind::Error)
        diags_.report(DiagnosticKind::InvalidPattern, p->range, {"a `for` loop binds a name or `_`"});
    };
    switch (t.kind) {
      case TypeKind::Range:
      case TypeKind::Vec:
      case TypeKind::Array: bind(f.pattern.get(), t.element); break;
      case TypeKind::Map:
        if (f.pattern && f.pattern->kind == ast::PatternKind::Tuple && f.pattern->children.size() == 2) {
          bind(f.pattern->children[0].get(), t.key);
          bind(f.pattern->children[1].get(), t.element);
        } else if (f.pattern) {
          diags_.report(DiagnosticKind::InvalidPattern, f.pattern->range, {"iterating over a Map binds `(key, value)`"});
        }
        break;
      case TypeKind::Error: bind(f.pattern.get(), kErrorType); break;
      default:
        diags_.report(DiagnosticKind::TypeMismatch, f.iterable->range, {"a range, array, Vec or Map", p_->type_name(it)});
        bind(f.pattern.get(), kErrorType);
    }
    check_block(f.body);
    scopes_.pop_back();
    return false;
  }

  // --- match ----------------------------------------------------------------------------------

  bool irrefutable(const ast::Pattern& p) const {
    return p.kind == ast::PatternKind::Wildcard || p.kind == ast::PatternKind::Binding || p.kind == ast::PatternKind::Error;
  }

  bool check_match(const ast::MatchStmt& m) {
    const TypeId t = check_expr(*m.scrutinee, kErrorType);
    bool all_return = !m.arms.empty();
    bool covered_all = false;
    std::set<std::string> variants;
    bool some_all = false, none = false, is_true = false, is_false = false;
    for (const ast::MatchArm& arm : m.arms) {
      if (covered_all && arm.pattern)
        diags_.report(DiagnosticKind::UnreachableArm, arm.pattern->range, {}, "an earlier arm already matches every value");
      scopes_.emplace_back();
      if (arm.pattern) {
        const ast::Pattern& p = *arm.pattern;
        check_pattern(p, t);
        if (irrefutable(p) || p.kind == ast::PatternKind::Tuple) covered_all = true;  // a tuple is reported
        if (p.kind == ast::PatternKind::Variant && !p.path.segments.empty()) variants.insert(p.path.segments.back().name);
        if (p.kind == ast::PatternKind::Some && p.children.size() == 1 && irrefutable(*p.children[0])) some_all = true;
        if (p.kind == ast::PatternKind::None) none = true;
        if (p.kind == ast::PatternKind::Literal && p.literal && p.literal->kind == ExprKind::BoolLiteral)
          (p.literal->as<ast::BoolLiteralExpr>().value ? is_true : is_false) = true;
      }
      const bool r = arm.body ? check_stmt(*arm.body) : false;
      if (!r) all_return = false;
      scopes_.pop_back();
    }
    if (covered_all || is_error(t)) return all_return;
    const Type x = ty(t);
    std::string missing;
    if (x.kind == TypeKind::Enum) {
      for (const VariantInfo& v : p_->enums[x.decl].variants)
        if (!variants.count(v.name)) missing += (missing.empty() ? "`" : ", `") + p_->enums[x.decl].name + "::" + v.name + "`";
    } else if (x.kind == TypeKind::Option) {
      if (!some_all) missing += "`Some(_)`";
      if (!none) missing += missing.empty() ? "`None`" : ", `None`";
    } else if (x.kind == TypeKind::Bool) {
      if (!is_true) missing += "`true`";
      if (!is_false) missing += missing.empty() ? "`false`" : ", `false`";
    } else {
      missing = "`_`";
    }
    if (!missing.empty()) {
      diags_.report(DiagnosticKind::NonExhaustiveMatch, m.scrutinee->range, {p_->type_name(t), missing},
                    "add an arm for each missing pattern, or a `_` arm");
      return false;
    }
    return all_return;
  }

  void check_pattern(const ast::Pattern& p, TypeId t) {
    if (!enter(p.range)) return;
    check_pattern_inner(p, t);
    --depth_;
  }

  void check_pattern_inner(const ast::Pattern& p, TypeId t) {
    const Type x = ty(t);
    switch (p.kind) {
      case ast::PatternKind::Error:
      case ast::PatternKind::Wildcard: return;
      case ast::PatternKind::Binding: declare(p.name, Local{t, false, "a pattern binding"}); return;
      case ast::PatternKind::Some:
        if (x.kind != TypeKind::Option && !is_error(t)) {
          diags_.report(DiagnosticKind::TypeMismatch, p.range, {p_->type_name(t), "Option<_>"});
          for (const auto& c : p.children) check_pattern(*c, kErrorType);
          return;
        }
        for (const auto& c : p.children) check_pattern(*c, is_error(t) ? kErrorType : x.element);
        return;
      case ast::PatternKind::None:
        if (x.kind != TypeKind::Option && !is_error(t)) diags_.report(DiagnosticKind::TypeMismatch, p.range, {p_->type_name(t), "Option<_>"});
        return;
      case ast::PatternKind::Literal:
        if (p.literal) expect_type(t, check_expr(*p.literal, t), p.literal->range);
        return;
      case ast::PatternKind::Tuple:
        diags_.report(DiagnosticKind::InvalidPattern, p.range, {"a `(a, b)` pattern only binds a Map's entries in `for`"});
        return;
      case ast::PatternKind::Variant: break;
    }
    // Variant: `Enum::Variant [{ a, b }]`.
    if (p.path.segments.size() != 2) {
      diags_.report(DiagnosticKind::InvalidPattern, p.range, {"expected `Enum::Variant`"});
      return;
    }
    const std::string& en = p.path.segments[0].name;
    const std::string& vn = p.path.segments[1].name;
    auto it = type_names_.find(en);
    if (it == type_names_.end() || kind(it->second) != TypeKind::Enum) {
      diags_.report(DiagnosticKind::UnknownName, p.path.segments[0].range, {"enum", en});
      return;
    }
    if (!is_error(t) && it->second != t) {
      diags_.report(DiagnosticKind::TypeMismatch, p.range, {p_->type_name(t), en});
      return;
    }
    const EnumInfo& e = p_->enums[ty(it->second).decl];
    const VariantInfo* v = find_variant(e, p.path.segments[1]);
    if (!v) return;
    if (p.has_braces && !v->has_fields) {
      diags_.report(DiagnosticKind::InvalidPattern, p.range, {"`" + en + "::" + vn + "` has no fields to bind"});
      return;
    }
    for (const ast::Ident& b : p.bindings) {
      const FieldInfo* f = nullptr;
      for (const FieldInfo& x2 : v->fields)
        if (x2.name == b.name) f = &x2;
      if (!f) {
        diags_.report(DiagnosticKind::UnknownField, b.range, {b.name, "variant `" + en + "::" + vn + "`"});
        continue;
      }
      declare(b, Local{f->type, false, "a pattern binding"});
    }
  }

  const VariantInfo* find_variant(const EnumInfo& e, const ast::Ident& id) {
    for (const VariantInfo& v : e.variants)
      if (v.name == id.name) return &v;
    std::vector<std::string> names;
    for (const VariantInfo& v : e.variants) names.push_back(v.name);
    diags_.report(DiagnosticKind::UnknownName, id.range, {"variant", e.name + "::" + id.name}, suggest(id.name, names));
    return nullptr;
  }

  // --- places ---------------------------------------------------------------------------------

  // `v.push(x)` changes `v`: its root must be a `var` (or storage).
  void check_mutable_root(const ast::Expr& e) {
    const ast::Expr* root = &e;
    while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
      root = root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
    if (root->kind != ExprKind::Path || root->as<ast::PathExpr>().path.segments.size() != 1) return;
    const std::string& n = root->as<ast::PathExpr>().path.segments[0].name;
    if (Local* l = lookup(n); l && !l->is_mutable)
      diags_.report(DiagnosticKind::AssignToImmutable, root->range, {n, l->what},
                    std::string(l->what) == "a `let` binding" ? "declare it with `var` to change it" : "");
  }

  // The type of an assignment target; reports assignment to immutable roots; notes storage writes.
  TypeId check_place(const ast::Expr& e) {
    const ast::Expr* root = &e;
    while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
      root = root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
    if (root->kind == ExprKind::Path) {
      const ast::Path& path = root->as<ast::PathExpr>().path;
      if (path.segments.size() == 1) {
        const std::string& n = path.segments[0].name;
        if (Local* l = lookup(n)) {
          if (!l->is_mutable)
            diags_.report(DiagnosticKind::AssignToImmutable, root->range, {n, l->what},
                          std::string(l->what) == "a `let` binding" ? "declare it with `var` to change it" : "");
        } else if (storage_index_.count(n)) {
          note_write(e.range, "writes storage");
        }
      }
    }
    return check_expr(e, kErrorType);
  }

  // --- expressions ----------------------------------------------------------------------------

  TypeId check_expr(const ast::Expr& e, TypeId hint) {
    if (!enter(e.range)) return kErrorType;
    const TypeId t = check_expr_inner(e, hint);
    --depth_;
    p_->expr_types[&e] = t;
    return t;
  }

  static bool parse_integer(const std::string& text, cpp_int& out) {
    std::string digits;
    int base = 10;
    std::size_t i = 0;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) base = 16, i = 2;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '_') continue;
      const bool hex = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if ((c >= '0' && c <= '9') || (base == 16 && hex)) digits += c;
      else break;
    }
    if (digits.empty()) return false;
    out = 0;
    for (char c : digits) {
      const int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      out = out * base + d;
    }
    return true;
  }

  // The integer literal's suffix type, if any (the lexer has already validated it).
  std::optional<TypeId> literal_suffix(const std::string& text) {
    for (const ScalarType& s : kScalarTypes) {
      if (s.kind != TypeKind::Int) continue;
      const std::string_view suf = s.spelling;  // no integer spelling is a suffix of another
      if (text.size() > suf.size() && std::string_view(text).substr(text.size() - suf.size()) == suf &&
          !(text.size() > 2 && (text[1] == 'x' || text[1] == 'X')))
        return int_named(suf);
    }
    return {};
  }

  cpp_int min_of(TypeId t) const {
    const Type x = ty(t);
    return x.is_signed ? -(cpp_int(1) << (x.bits - 1)) : cpp_int(0);
  }
  cpp_int max_of(TypeId t) const {
    const Type x = ty(t);
    return x.is_signed ? (cpp_int(1) << (x.bits - 1)) - 1 : (cpp_int(1) << x.bits) - 1;
  }
  bool fits(const cpp_int& v, TypeId t) const { return v >= min_of(t) && v <= max_of(t); }

  // An integer literal without a suffix (possibly negated, or combined from such literals) takes
  // its type from context; it is checked after the other operand of a binary operator.
  bool untyped_int(const ast::Expr& e) const {
    if (e.kind == ExprKind::IntegerLiteral) {
      const std::string& t = e.as<ast::LiteralExpr>().text;
      const bool hex = t.size() > 2 && (t[1] == 'x' || t[1] == 'X');
      return hex || !(t.find('u') != std::string::npos || t.find('i') != std::string::npos);
    }
    if (e.kind == ExprKind::Unary) return untyped_int(*e.as<ast::UnaryExpr>().operand);
    if (e.kind == ExprKind::Binary) {
      const auto& b = e.as<ast::BinaryExpr>();
      return b.op >= ast::BinaryOp::Add && untyped_int(*b.lhs) && untyped_int(*b.rhs);
    }
    return false;
  }

  // `negated`: the literal is the operand of a unary minus whose range is `where`.
  TypeId int_literal(const ast::LiteralExpr& l, TypeId hint, bool negated, SourceRange where = {}) {
    cpp_int v;
    if (!parse_integer(l.text, v)) return kErrorType;
    TypeId t;
    if (auto s = literal_suffix(l.text)) t = *s;
    else if (is_int(hint)) t = hint;
    else t = int_named("u64").value();  // no context: u64 (see compiler/README.md)
    if (negated) v = -v;
    if (!fits(v, t)) {
      diags_.report(DiagnosticKind::LiteralOutOfRange, negated ? where : l.range, {(negated ? "-" : "") + l.text, p_->type_name(t)},
                    "the range of `" + p_->type_name(t) + "` is " + min_of(t).str() + " to " + max_of(t).str());
      return t;
    }
    consts_[&l] = v;
    return t;
  }

  TypeId check_expr_inner(const ast::Expr& e, TypeId hint) {
    switch (e.kind) {
      case ExprKind::Error: return kErrorType;
      case ExprKind::IntegerLiteral: return int_literal(e.as<ast::LiteralExpr>(), hint, false);
      case ExprKind::DecimalLiteral: {
        const std::string& text = e.as<ast::LiteralExpr>().text;
        const std::size_t dot = text.find('.');
        const std::size_t frac = dot == std::string::npos ? 0 : text.size() - dot - 1;
        if (frac > 9) diags_.report(DiagnosticKind::InvalidDecimalLiteral, e.range, {"a `Rate` has at most 9 fractional digits"});
        return simple(TypeKind::Rate);
      }
      case ExprKind::MoneyLiteral: {
        const auto& m = e.as<ast::MoneyLiteralExpr>();
        const int exp = currency_exponent(m.currency.name);
        if (exp < 0) {
          diags_.report(DiagnosticKind::InvalidDecimalLiteral, m.currency.range, {"unknown currency `" + m.currency.name + "`"},
                        "the currencies are " + currency_list());
        } else {
          const std::size_t dot = m.amount.find('.');
          const std::size_t frac = dot == std::string::npos ? 0 : m.amount.size() - dot - 1;
          if (frac != static_cast<std::size_t>(exp))
            diags_.report(DiagnosticKind::InvalidDecimalLiteral, e.range,
                          {"`" + m.currency.name + "` amounts have " + std::to_string(exp) + " fractional digits, found " +
                           std::to_string(frac)});
        }
        return simple(TypeKind::Money);
      }
      case ExprKind::DateLiteral: return simple(TypeKind::Date);
      case ExprKind::TimestampLiteral: return simple(TypeKind::Timestamp);
      case ExprKind::DurationLiteral: return simple(TypeKind::Duration);
      case ExprKind::HashLiteral: {
        const TypeKind k = kind(hint);
        return k == TypeKind::Party || k == TypeKind::Address ? hint : simple(TypeKind::Hash);
      }
      case ExprKind::StringLiteral: {
        const std::size_t n = e.as<ast::LiteralExpr>().text.size();
        if (kind(hint) == TypeKind::String && n > ty(hint).bound)
          diags_.report(DiagnosticKind::LiteralOutOfRange, e.range, {"string of " + std::to_string(n) + " bytes", p_->type_name(hint)});
        return wrap(TypeKind::String, 0, n);
      }
      case ExprKind::BoolLiteral: return kBoolType;
      case ExprKind::Path: return check_path(e.as<ast::PathExpr>());
      case ExprKind::Call: return check_call(e.as<ast::CallExpr>());
      case ExprKind::MethodCall: return check_method(e.as<ast::MethodCallExpr>());
      case ExprKind::Field: {
        const auto& f = e.as<ast::FieldExpr>();
        const TypeId base = check_expr(*f.base, kErrorType);
        if (is_error(base)) return kErrorType;
        if (kind(base) == TypeKind::Struct) {
          const StructInfo& s = p_->structs[ty(base).decl];
          for (const FieldInfo& x : s.fields)
            if (x.name == f.name.name) return x.type;
          std::vector<std::string> names;
          for (const FieldInfo& x : s.fields) names.push_back(x.name);
          diags_.report(DiagnosticKind::UnknownField, f.name.range, {f.name.name, "struct `" + s.name + "`"}, suggest(f.name.name, names));
          return kErrorType;
        }
        diags_.report(DiagnosticKind::UnknownField, f.name.range, {f.name.name, "type `" + p_->type_name(base) + "`"});
        return kErrorType;
      }
      case ExprKind::Index: {
        const auto& ix = e.as<ast::IndexExpr>();
        const TypeId base = check_expr(*ix.base, kErrorType);
        const Type b = ty(base);
        if (b.kind == TypeKind::Map) {
          expect_type(b.key, check_expr(*ix.index, b.key), ix.index->range);
          return b.element;
        }
        const TypeId i = check_expr(*ix.index, int_named("u32").value());
        if (!is_int(i) && !is_error(i))
          diags_.report(DiagnosticKind::TypeMismatch, ix.index->range, {"an integer index", p_->type_name(i)});
        if (b.kind == TypeKind::Array || b.kind == TypeKind::Vec) return b.element;
        if (!is_error(base)) diags_.report(DiagnosticKind::InvalidOperands, e.range, {"[]", name(base)});
        return kErrorType;
      }
      case ExprKind::StructLiteral: return check_struct_literal(e.as<ast::StructLiteralExpr>());
      case ExprKind::Some: {
        const TypeId inner_hint = kind(hint) == TypeKind::Option ? ty(hint).element : kErrorType;
        const TypeId v = check_expr(*e.as<ast::SomeExpr>().value, inner_hint);
        if (kind(v) == TypeKind::Unit) return kErrorType;
        return is_error(v) ? (is_error(inner_hint) ? kErrorType : hint) : wrap(TypeKind::Option, v);
      }
      case ExprKind::None:
        if (kind(hint) == TypeKind::Option) return hint;
        diags_.report(DiagnosticKind::CannotInferType, e.range, {"None"}, "give the variable a type: `let x: Option<T> = None;`");
        return kErrorType;
      case ExprKind::Unary: return check_unary(e.as<ast::UnaryExpr>(), hint);
      case ExprKind::Binary: return check_binary(e.as<ast::BinaryExpr>(), hint);
      case ExprKind::Cast: {
        const auto& c = e.as<ast::CastExpr>();
        const TypeId to = resolve_type(c.type.get());
        const TypeId from = check_expr(*c.operand, kErrorType);
        if (!is_error(to) && !is_error(from) && !(is_int(to) && is_int(from)))
          diags_.report(DiagnosticKind::InvalidCast, e.range, {p_->type_name(from), p_->type_name(to)},
                        "`as` converts between integer types only");
        if (auto it = consts_.find(c.operand.get()); it != consts_.end() && is_int(to)) {
          if (!fits(it->second, to))
            diags_.report(DiagnosticKind::ConstantOverflow, e.range, {"does not fit in `" + p_->type_name(to) + "` (it is " + it->second.str() + ")"});
          else
            consts_[&e] = it->second;
        }
        return to;
      }
    }
    return kErrorType;
  }

  TypeId check_name(const ast::Ident& id, TypeId hint) {
    (void)hint;
    const std::string& n = id.name;
    if (n.empty()) return kErrorType;
    if (Local* l = lookup(n)) return l->type;
    if (auto it = storage_index_.find(n); it != storage_index_.end()) return p_->storage[it->second].type;
    if (n == "sender") return simple(TypeKind::Party);
    if (n == "self") return simple(TypeKind::Address);
    std::vector<std::string> names = {"sender", "self"};
    for (const auto& sc : scopes_)
      for (const auto& [k, v] : sc) names.push_back(k);
    for (const auto& [k, v] : storage_index_) names.push_back(k);
    diags_.report(DiagnosticKind::UnknownName, id.range, {"value", n}, suggest(n, names));
    return kErrorType;
  }

  TypeId check_path(const ast::PathExpr& e) {
    const auto& segs = e.path.segments;
    if (segs.size() == 1) return check_name(segs[0], kErrorType);
    if (segs.size() != 2) {
      diags_.report(DiagnosticKind::UnknownName, e.range, {"path", segs.front().name + "::..."});
      return kErrorType;
    }
    if (segs[0].name == "Rounding" && !type_names_.count("Rounding")) {
      for (const char* m : kRoundingModes)
        if (segs[1].name == m) return simple(TypeKind::Rounding);
      diags_.report(DiagnosticKind::UnknownName, segs[1].range, {"rounding mode", "Rounding::" + segs[1].name},
                    suggest(segs[1].name, std::vector<std::string>(std::begin(kRoundingModes), std::end(kRoundingModes))));
      return kErrorType;
    }
    auto it = type_names_.find(segs[0].name);
    if (it == type_names_.end() || kind(it->second) != TypeKind::Enum) {
      diags_.report(DiagnosticKind::UnknownName, segs[0].range, {"enum", segs[0].name});
      return kErrorType;
    }
    const EnumInfo& en = p_->enums[ty(it->second).decl];
    const VariantInfo* v = find_variant(en, segs[1]);
    if (!v) return kErrorType;
    if (v->has_fields && !v->fields.empty()) {
      diags_.report(DiagnosticKind::MissingFields, e.range, {v->fields.size() == 1 ? "field" : "fields", fields_list(v->fields),
                                                              "variant `" + en.name + "::" + v->name + "`"},
                    "construct it with `" + en.name + "::" + v->name + " { ... }`");
    }
    return it->second;
  }

  static std::string fields_list(const std::vector<FieldInfo>& fs) {
    std::string s;
    for (const FieldInfo& f : fs) s += (s.empty() ? "`" : ", `") + f.name + "`";
    return s;
  }

  TypeId check_struct_literal(const ast::StructLiteralExpr& e) {
    const auto& segs = e.path.segments;
    if (segs.size() == 1) {
      auto it = type_names_.find(segs[0].name);
      if (it == type_names_.end() || kind(it->second) != TypeKind::Struct) {
        std::vector<std::string> names;
        for (const auto& s : p_->structs) names.push_back(s.name);
        diags_.report(DiagnosticKind::UnknownName, segs[0].range, {"struct", segs[0].name}, suggest(segs[0].name, names));
        for (const auto& f : e.fields)
          if (f.value) check_expr(*f.value, kErrorType);
        return kErrorType;
      }
      const StructInfo& s = p_->structs[ty(it->second).decl];
      check_field_inits(s.fields, e.fields, "struct `" + s.name + "`", e.path.range);
      return it->second;
    }
    if (segs.size() == 2) {
      auto it = type_names_.find(segs[0].name);
      if (it != type_names_.end() && kind(it->second) == TypeKind::Enum) {
        const EnumInfo& en = p_->enums[ty(it->second).decl];
        if (const VariantInfo* v = find_variant(en, segs[1])) {
          check_field_inits(v->fields, e.fields, "variant `" + en.name + "::" + v->name + "`", e.path.range);
          return it->second;
        }
        return kErrorType;
      }
    }
    diags_.report(DiagnosticKind::UnknownName, e.path.range, {"enum", segs.empty() ? "" : segs[0].name});
    return kErrorType;
  }

  void check_args(const std::string& callee, const std::vector<FieldInfo>& params, const std::vector<ast::ExprPtr>& args,
                  SourceRange where) {
    if (params.size() != args.size())
      diags_.report(DiagnosticKind::WrongArgumentCount, where,
                    {callee, std::to_string(params.size()) + (params.size() == 1 ? " argument" : " arguments"),
                     std::to_string(args.size())});
    for (std::size_t i = 0; i < args.size(); ++i) {
      const TypeId want = i < params.size() ? params[i].type : kErrorType;
      expect_type(want, check_expr(*args[i], want), args[i]->range);
    }
  }

  TypeId check_call(const ast::CallExpr& c) {
    if (c.callee->kind != ExprKind::Path || c.callee->as<ast::PathExpr>().path.segments.size() != 1) {
      for (const auto& a : c.args) check_expr(*a, kErrorType);
      if (c.callee->kind == ExprKind::Path) {
        // `Money::of(...)`: one report naming the path (there are no associated functions).
        std::string name;
        for (const auto& seg : c.callee->as<ast::PathExpr>().path.segments) name += (name.empty() ? "" : "::") + seg.name;
        diags_.report(DiagnosticKind::UnknownName, c.callee->range, {"function", name},
                      "only `fn`s of this contract, built-in functions and interfaces can be called");
      } else {
        check_expr(*c.callee, kErrorType);
        diags_.report(DiagnosticKind::UnknownName, c.callee->range, {"function", "this expression"},
                      "call a function by its name: `name(args)`, or a method: `value.name(args)`");
      }
      return kErrorType;
    }
    const ast::Ident& id = c.callee->as<ast::PathExpr>().path.segments[0];
    const std::string& n = id.name;
    auto builtin = [&](std::vector<TypeId> params, TypeId ret) {
      std::vector<FieldInfo> ps;
      for (TypeId t : params) ps.push_back({"", t, {}});
      check_args("`" + n + "`", ps, c.args, c.range);
      return ret;
    };
    if (n == "today") return builtin({}, simple(TypeKind::Date));
    if (n == "now") return builtin({}, simple(TypeKind::Timestamp));
    if (n == "is_signer") return builtin({simple(TypeKind::Party)}, kBoolType);
    if (n == "sha256") {
      for (const auto& a : c.args) {
        const TypeId t = check_expr(*a, kErrorType);
        if (kind(t) != TypeKind::Bytes && kind(t) != TypeKind::String && kind(t) != TypeKind::Hash && !is_error(t))
          diags_.report(DiagnosticKind::TypeMismatch, a->range, {"Bytes<N>", p_->type_name(t)});
      }
      if (c.args.size() != 1) diags_.report(DiagnosticKind::WrongArgumentCount, c.range, {"`sha256`", "1 argument", std::to_string(c.args.size())});
      return simple(TypeKind::Hash);
    }
    if (auto it = interface_index_.find(n); it != interface_index_.end()) {
      builtin({simple(TypeKind::Address)}, kErrorType);
      return intern(Type{TypeKind::Interface, 0, false, 0, 0, 0, static_cast<std::uint32_t>(it->second)});
    }
    auto it = fn_index_.find(n);
    if (it == fn_index_.end()) {
      for (const auto& a : c.args) check_expr(*a, kErrorType);
      std::vector<std::string> names = {"today", "now", "is_signer", "sha256"};
      for (const auto& [k, v] : fn_index_) names.push_back(k);
      diags_.report(DiagnosticKind::UnknownName, id.range, {"function", n}, suggest(n, names));
      return kErrorType;
    }
    const FunctionInfo& fn = p_->functions[it->second];
    if (fn.kind != ast::ItemKind::Function) {
      for (const auto& a : c.args) check_expr(*a, kErrorType);
      diags_.report(DiagnosticKind::UnknownName, id.range, {"function", n},
                    std::string("`") + n + "` is an entry point (" + ast::item_kind_keyword(fn.kind) +
                        "); only `fn`s can be called: move the shared code into a `fn`");
      return kErrorType;
    }
    if (fn_) fn_->calls.push_back({it->second, c.range});
    check_args("`" + n + "`", fn.params, c.args, c.range);
    return fn.return_type;
  }

  TypeId method(const ast::MethodCallExpr& m, const std::string& recv, std::vector<TypeId> params, TypeId ret) {
    std::vector<FieldInfo> ps;
    for (TypeId t : params) ps.push_back({"", t, {}});
    check_args("`" + recv + "." + m.name.name + "`", ps, m.args, m.range);
    return ret;
  }

  bool storage_rooted(const ast::Expr& e) const {
    const ast::Expr* root = &e;
    while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
      root = root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
    if (root->kind != ExprKind::Path) return false;
    const auto& segs = root->as<ast::PathExpr>().path.segments;
    return segs.size() == 1 && storage_index_.count(segs[0].name) && !const_cast<Checker*>(this)->lookup(segs[0].name);
  }

  TypeId check_method(const ast::MethodCallExpr& m) {
    const TypeId recv = check_expr(*m.receiver, kErrorType);
    const Type x = ty(recv);
    const std::string& n = m.name.name;
    const std::string rn = p_->type_name(recv);
    const TypeId rounding = simple(TypeKind::Rounding);
    const TypeId u32 = int_named("u32").value();
    const TypeId money = simple(TypeKind::Money);
    switch (x.kind) {
      case TypeKind::Error:
        for (const auto& a : m.args) check_expr(*a, kErrorType);
        return kErrorType;
      case TypeKind::Money:
        if (n == "times" || n == "divide") {
          if (m.args.size() < 1) return method(m, rn, {kErrorType}, money);
          const TypeId k = check_expr(*m.args[0], kErrorType);
          if (!is_int(k) && !is_error(k)) diags_.report(DiagnosticKind::TypeMismatch, m.args[0]->range, {"an integer", p_->type_name(k)});
          std::vector<FieldInfo> rest;
          if (n == "divide") rest.push_back({"", rounding, {}});
          if (m.args.size() - 1 != rest.size())
            diags_.report(DiagnosticKind::WrongArgumentCount, m.range,
                          {"`Money." + n + "`", n == "divide" ? "2 arguments" : "1 argument", std::to_string(m.args.size())});
          for (std::size_t i = 1; i < m.args.size(); ++i) {
            const TypeId want = i - 1 < rest.size() ? rest[i - 1].type : kErrorType;
            expect_type(want, check_expr(*m.args[i], want), m.args[i]->range);
          }
          return money;
        }
        if (n == "apply") return method(m, rn, {simple(TypeKind::Rate), rounding}, money);
        if (n == "is_positive" || n == "is_zero" || n == "is_negative") return method(m, rn, {}, kBoolType);
        if (n == "currency") return method(m, rn, {}, wrap(TypeKind::String, 0, 3));
        break;
      case TypeKind::Map:
        if (n == "get") return method(m, rn, {x.key}, wrap(TypeKind::Option, x.element));
        if (n == "contains") return method(m, rn, {x.key}, kBoolType);
        if (n == "remove") {
          if (storage_rooted(*m.receiver)) note_write(m.range, "removes from storage");
          return method(m, rn, {x.key}, kUnitType);
        }
        if (n == "len") return method(m, rn, {}, int_named("u64").value());
        break;
      case TypeKind::Option:
        if (n == "is_some" || n == "is_none") return method(m, rn, {}, kBoolType);
        if (n == "unwrap") return method(m, rn, {}, x.element);
        break;
      case TypeKind::Vec:
        if (n == "push") {
          if (storage_rooted(*m.receiver)) note_write(m.range, "writes storage");
          else check_mutable_root(*m.receiver);
          return method(m, rn, {x.element}, kUnitType);
        }
        if (n == "len") return method(m, rn, {}, u32);
        break;
      case TypeKind::Array:
      case TypeKind::Bytes:
      case TypeKind::String:
        if (n == "len") return method(m, rn, {}, u32);
        break;
      case TypeKind::Interface: {
        if (n == "with_gas") return method(m, rn, {int_named("u64").value()}, recv);
        const InterfaceInfo& in = p_->interfaces[x.decl];
        for (const FunctionInfo& f : in.methods)
          if (f.name == n) {
            if (f.kind == ast::ItemKind::Action) note_write(m.range, "calls an action of another contract");
            check_args("`" + in.name + "." + n + "`", f.params, m.args, m.range);
            return f.return_type;
          }
        break;
      }
      default: break;
    }
    for (const auto& a : m.args) check_expr(*a, kErrorType);
    diags_.report(DiagnosticKind::UnknownMethod, m.name.range, {n, rn});
    return kErrorType;
  }

  TypeId check_unary(const ast::UnaryExpr& u, TypeId hint) {
    if (u.op == ast::UnaryOp::Negate && u.operand->kind == ExprKind::IntegerLiteral) {
      const TypeId t = int_literal(u.operand->as<ast::LiteralExpr>(), hint, true, u.range);
      p_->expr_types[u.operand.get()] = t;
      if (auto it = consts_.find(u.operand.get()); it != consts_.end()) {
        consts_[&u] = it->second;
        it->second = -it->second;  // the operand itself is the magnitude
      }
      if (!ty(t).is_signed) {
        diags_.report(DiagnosticKind::InvalidOperands, u.range, {"-", name(t)}, "unsigned integers cannot be negative");
      }
      return t;
    }
    const TypeId t = check_expr(*u.operand, hint);
    if (is_error(t)) return t;
    if (u.op == ast::UnaryOp::Not) {
      if (t != kBoolType) diags_.report(DiagnosticKind::InvalidOperands, u.range, {"!", name(t)});
      return kBoolType;
    }
    const TypeKind k = kind(t);
    if (!((k == TypeKind::Int && ty(t).is_signed) || k == TypeKind::Money || k == TypeKind::Rate || k == TypeKind::Duration)) {
      diags_.report(DiagnosticKind::InvalidOperands, u.range, {"-", name(t)});
      return t;
    }
    if (auto it = consts_.find(u.operand.get()); it != consts_.end()) fold(u.range, -it->second, t, &u);
    return t;
  }

  void fold(SourceRange r, const cpp_int& v, TypeId t, const ast::Expr* e) {
    if (!fits(v, t)) {
      diags_.report(DiagnosticKind::ConstantOverflow, r, {"overflows `" + p_->type_name(t) + "` (its value is " + v.str() + ")"});
      return;
    }
    consts_[e] = v;
  }

  TypeId check_binary(const ast::BinaryExpr& b, TypeId hint) {
    using ast::BinaryOp;
    const bool arith = b.op >= BinaryOp::Add;
    const bool logic = b.op == BinaryOp::And || b.op == BinaryOp::Or;
    TypeId l, r;
    if (logic) {
      l = check_expr(*b.lhs, kBoolType);
      r = check_expr(*b.rhs, kBoolType);
    } else if (untyped_int(*b.lhs) && !untyped_int(*b.rhs)) {
      r = check_expr(*b.rhs, kErrorType);
      l = check_expr(*b.lhs, r);
    } else {
      l = check_expr(*b.lhs, arith ? hint : kErrorType);
      r = check_expr(*b.rhs, l);
    }
    const TypeId result = binary_result(b.op, l, r, b.op_range, b.rhs.get());
    // Constant folding over integers.
    auto lc = consts_.find(b.lhs.get());
    auto rc = consts_.find(b.rhs.get());
    if (lc != consts_.end() && rc != consts_.end() && is_int(result) && l == r) {
      const cpp_int& x = lc->second;
      const cpp_int& y = rc->second;
      switch (b.op) {
        case BinaryOp::Add: fold(b.range, x + y, result, &b); break;
        case BinaryOp::Sub: fold(b.range, x - y, result, &b); break;
        case BinaryOp::Mul: fold(b.range, x * y, result, &b); break;
        case BinaryOp::Div:
        case BinaryOp::Rem:
          if (y == 0) diags_.report(DiagnosticKind::ConstantOverflow, b.range, {"divides by zero"});
          else fold(b.range, b.op == BinaryOp::Div ? cpp_int(x / y) : cpp_int(x % y), result, &b);
          break;
        default: break;
      }
    }
    return result;
  }

  TypeId binary_result(ast::BinaryOp op, TypeId l, TypeId r, SourceRange where, const ast::Expr* rhs) {
    using ast::BinaryOp;
    (void)rhs;
    if (is_error(l) || is_error(r)) {
      if (op == BinaryOp::Or || op == BinaryOp::And || (op >= BinaryOp::Eq && op <= BinaryOp::Ge)) return kBoolType;
      return kErrorType;
    }
    const TypeKind lk = kind(l), rk = kind(r);
    auto bad = [&](std::string help = {}) {
      diags_.report(DiagnosticKind::InvalidOperands, where, {binary_op_spelling(op), name(l) + " and " + name(r)}, std::move(help));
      return op >= BinaryOp::Eq && op <= BinaryOp::Ge ? kBoolType : kErrorType;
    };
    const bool same = compatible(l, r);
    switch (op) {
      case BinaryOp::Or:
      case BinaryOp::And:
        if (l != kBoolType || r != kBoolType) return bad();
        return kBoolType;
      case BinaryOp::Eq:
      case BinaryOp::Ne:
        if (!same || lk == TypeKind::Map || lk == TypeKind::Unit || lk == TypeKind::Interface) return bad();
        return kBoolType;
      case BinaryOp::Lt:
      case BinaryOp::Le:
      case BinaryOp::Gt:
      case BinaryOp::Ge:
        if (!same || !(lk == TypeKind::Int || lk == TypeKind::Money || lk == TypeKind::Rate || lk == TypeKind::Date ||
                       lk == TypeKind::Timestamp || lk == TypeKind::Duration))
          return bad();
        return kBoolType;
      case BinaryOp::Range:
        if (!same || lk != TypeKind::Int) return bad();
        return wrap(TypeKind::Range, l);
      case BinaryOp::Add:
      case BinaryOp::Sub: {
        if (same && (lk == TypeKind::Int || lk == TypeKind::Money || lk == TypeKind::Rate || lk == TypeKind::Duration)) return l;
        if ((lk == TypeKind::Date || lk == TypeKind::Timestamp) && rk == TypeKind::Duration) return l;
        if (op == BinaryOp::Add && lk == TypeKind::Duration && (rk == TypeKind::Date || rk == TypeKind::Timestamp)) return r;
        if (op == BinaryOp::Sub && same && (lk == TypeKind::Date || lk == TypeKind::Timestamp)) return simple(TypeKind::Duration);
        if (lk == TypeKind::Money && rk == TypeKind::Int)
          return bad("Money and integers do not mix: write the amount as Money (`125.00 USD`)");
        if (lk == TypeKind::Int && rk == TypeKind::Int)
          return bad("integers of different types do not mix: convert one with `as`");
        return bad();
      }
      case BinaryOp::Mul:
      case BinaryOp::Div:
      case BinaryOp::Rem:
        if (same && lk == TypeKind::Int) return l;
        if (lk == TypeKind::Money && (rk == TypeKind::Int || rk == TypeKind::Rate || rk == TypeKind::Money)) {
          if (op == BinaryOp::Mul) return bad("multiply Money with `amount.times(n)`, or by a rate with `amount.apply(rate, Rounding::Down)`");
          return bad("divide Money with `amount.divide(n, Rounding::HalfEven)`: the rounding mode is explicit");
        }
        if (lk == TypeKind::Rate && rk == TypeKind::Rate) return bad("`Rate` products and quotients need a rounding mode");
        if (lk == TypeKind::Int && rk == TypeKind::Int)
          return bad("integers of different types do not mix: convert one with `as`");
        return bad();
    }
    return kErrorType;
  }

  const ast::File& file_;
  DiagnosticEngine& diags_;
  FrontEndLimits limits_;
  std::unique_ptr<Program> p_;
  std::uint32_t depth_ = 0;
  bool depth_reported_ = false;

  std::map<std::tuple<TypeKind, std::uint16_t, bool, TypeId, TypeId, std::uint64_t, std::uint32_t>, TypeId> intern_index_;
  std::map<std::string, TypeId> type_names_;  // structs and enums
  std::map<std::string, std::size_t> interface_index_, event_index_, fn_index_, storage_index_;
  std::vector<const ast::Item*> storage_items_;
  std::vector<std::map<std::string, Local>> scopes_;
  FnState* fn_ = nullptr;
  std::vector<FnState> states_;
  std::unordered_map<const ast::Expr*, cpp_int> consts_;  // folded integer constants
};

}  // namespace

std::unique_ptr<Program> check(const ast::File& file, DiagnosticEngine& diags, const FrontEndLimits& limits) {
  return Checker(file, diags, limits).run();
}

}  // namespace tenor::compiler::check
