// Names across files: which unit a path's items are in (`daycount::days`, `schedule::Installment`,
// `daycount::DayCount::Act360`), types, enums and calls through a `use`. The loader
// (compiler/src/driver/modules.cpp) has already bound every `use` to its unit and rejected clashes.
#include "checker.hpp"

namespace tenor::compiler::check {

void Checker::enter_unit(std::size_t u) {
  if (u == unit_) return;
  auto swap_in = [&](UnitScope& s) {
    std::swap(type_names_, s.types);
    std::swap(interface_index_, s.interfaces);
    std::swap(event_index_, s.events);
    std::swap(fn_index_, s.fns);
    std::swap(storage_index_, s.storage);
    std::swap(const_index_, s.consts);
  };
  swap_in(unit_scopes_[unit_]);  // the current names back to their unit
  swap_in(unit_scopes_[u]);
  unit_ = u;
}

std::pair<std::size_t, std::size_t> Checker::path_unit(const std::vector<ast::Ident>& segs) const {
  if (segs.size() < 2) return {unit_, 0};
  const auto& imports = p_->units[unit_].imports;
  auto it = imports.find(segs[0].name);
  if (it == imports.end()) return {unit_, 0};
  return {it->second, 1};
}

TypeId Checker::resolve_module_type(const ast::Type& t) {
  const auto& imports = p_->units[unit_].imports;
  auto m = imports.find(t.module.name);
  if (m == imports.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : imports) names.push_back(k);
    diags_.report(DiagnosticKind::UnknownName, t.module.range, {"module", t.module.name},
                  names.empty() ? "bring a module into scope with `use " + t.module.name + ";` before the items"
                                : suggest(t.module.name, names));
    return kErrorType;
  }
  const auto& types = types_of(m->second);
  if (auto it = types.find(t.name.name); it != types.end()) {
    if (!t.args.empty()) return bad_args(t, "no type arguments");
    return it->second;
  }
  unknown_item(t.module, "type", t.name, types);
  return kErrorType;
}

std::optional<TypeId> Checker::enum_named(const std::vector<ast::Ident>& segs, std::size_t count) {
  const auto [unit, skip] = path_unit(segs);
  const auto& types = types_of(unit);
  const ast::Ident& name = segs[count - 1];
  auto it = types.find(name.name);
  if (it != types.end() && kind(it->second) == TypeKind::Enum) return it->second;
  if (skip) {
    std::map<std::string, TypeId> enums;
    for (const auto& [k, t] : types)
      if (kind(t) == TypeKind::Enum) enums.emplace(k, t);
    unknown_item(segs[0], "enum", name, enums);
  } else {
    diags_.report(DiagnosticKind::UnknownName, name.range, {"enum", name.name});
  }
  return {};
}

std::optional<TypeId> Checker::check_module_call(const ast::CallExpr& c) {
  if (c.callee->kind != ExprKind::Path) return {};
  const auto& segs = c.callee->as<ast::PathExpr>().path.segments;
  const auto [unit, skip] = path_unit(segs);
  if (skip == 0 || segs.size() != 2) return {};
  const std::string shown = "`" + segs[0].name + "::" + segs[1].name + "`";
  if (auto it = interfaces_of(unit).find(segs[1].name); it != interfaces_of(unit).end()) {
    check_args(shown, {{"", simple(TypeKind::Address), {}}}, c.args, c.range);
    return intern(Type{TypeKind::Interface, 0, false, 0, 0, 0, static_cast<std::uint32_t>(it->second)});
  }
  auto it = fns_of(unit).find(segs[1].name);
  if (it == fns_of(unit).end()) {
    for (const auto& a : c.args) check_expr(*a, kErrorType);
    std::map<std::string, std::size_t> all = fns_of(unit);
    for (const auto& [k, v] : interfaces_of(unit)) all.emplace(k, v);
    unknown_item(segs[0], "function", segs[1], all);
    return kErrorType;
  }
  return call_fn(c, it->second, shown);
}

TypeId Checker::call_fn(const ast::CallExpr& c, std::size_t index, const std::string& shown) {
  const FunctionInfo& fn = p_->functions[index];
  if (fn_) fn_->calls.push_back({index, c.range});
  p_->call_targets[&c] = index;
  check_args(shown, fn.params, c.args, c.range);
  return fn.return_type;
}

}  // namespace tenor::compiler::check
