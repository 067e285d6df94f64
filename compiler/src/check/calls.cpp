// Calls of fns and built-ins, methods of values, storage maps and interfaces.
#include "checker.hpp"

namespace tenor::compiler::check {

void Checker::check_args(const std::string& callee, const std::vector<FieldInfo>& params,
                         const std::vector<ast::ExprPtr>& args, SourceRange where) {
  if (params.size() != args.size())
    diags_.report(DiagnosticKind::WrongArgumentCount, where,
                  {callee, std::to_string(params.size()) + (params.size() == 1 ? " argument" : " arguments"),
                   std::to_string(args.size())});
  for (std::size_t i = 0; i < args.size(); ++i) {
    const TypeId want = i < params.size() ? params[i].type : kErrorType;
    expect_type(want, check_expr(*args[i], want), args[i]->range);
  }
}

TypeId Checker::check_call(const ast::CallExpr& c, TypeId hint) {
  if (c.callee->kind == ExprKind::Path)
    if (auto t = check_builtin_call(c, hint)) return *t;
  if (auto t = check_module_call(c)) return *t;
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
    if (c.args.size() != 1)
      diags_.report(DiagnosticKind::WrongArgumentCount, c.range,
                    {"`sha256`", "1 argument", std::to_string(c.args.size())});
    return simple(TypeKind::Hash);
  }
  if (auto it = interface_index_.find(n); it != interface_index_.end()) {
    builtin({simple(TypeKind::Address)}, kErrorType);
    return intern(Type{TypeKind::Interface, 0, false, 0, 0, 0, static_cast<std::uint32_t>(it->second)});
  }
  auto it = fn_index_.find(n);
  if (it == fn_index_.end()) {
    for (const auto& a : c.args) check_expr(*a, kErrorType);
    std::vector<std::string> names = {"today", "now", "is_signer", "sha256", "min", "max", "abs"};
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
  return call_fn(c, it->second, "`" + n + "`");
}

TypeId Checker::method(const ast::MethodCallExpr& m, const std::string& recv, std::vector<TypeId> params, TypeId ret) {
  std::vector<FieldInfo> ps;
  for (TypeId t : params) ps.push_back({"", t, {}});
  check_args("`" + recv + "." + m.name.name + "`", ps, m.args, m.range);
  return ret;
}

bool Checker::storage_rooted(const ast::Expr& e) const {
  const ast::Expr* root = &e;
  while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
    root =
        root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
  if (root->kind != ExprKind::Path) return false;
  const auto& segs = root->as<ast::PathExpr>().path.segments;
  return segs.size() == 1 && storage_index_.count(segs[0].name) && !const_cast<Checker*>(this)->lookup(segs[0].name);
}

TypeId Checker::check_method(const ast::MethodCallExpr& m) {
  const TypeId recv = check_expr(*m.receiver, kErrorType);
  const Type x = ty(recv);
  const std::string& n = m.name.name;
  const std::string rn = p_->type_name(recv);
  const TypeId rounding = simple(TypeKind::Rounding);
  const TypeId u32 = int_named("u32").value();
  const TypeId money = simple(TypeKind::Money);
  if (auto t = check_fixed_point_method(m, recv)) return *t;
  if (auto t = check_time_method(m, recv)) return *t;
  switch (x.kind) {
    case TypeKind::Error:
      for (const auto& a : m.args) check_expr(*a, kErrorType);
      return kErrorType;
    case TypeKind::Money:
      if (n == "times" || n == "divide") {
        if (m.args.size() < 1) return method(m, rn, {kErrorType}, money);
        const TypeId k = check_expr(*m.args[0], kErrorType);
        if (!is_int(k) && !is_error(k))
          diags_.report(DiagnosticKind::TypeMismatch, m.args[0]->range, {"an integer", p_->type_name(k)});
        std::vector<FieldInfo> rest;
        if (n == "divide") rest.push_back({"", rounding, {}});
        if (m.args.size() - 1 != rest.size())
          diags_.report(
              DiagnosticKind::WrongArgumentCount, m.range,
              {"`Money." + n + "`", n == "divide" ? "2 arguments" : "1 argument", std::to_string(m.args.size())});
        for (std::size_t i = 1; i < m.args.size(); ++i) {
          const TypeId want = i - 1 < rest.size() ? rest[i - 1].type : kErrorType;
          expect_type(want, check_expr(*m.args[i], want), m.args[i]->range);
        }
        return money;
      }
      if (n == "is_positive" || n == "is_zero" || n == "is_negative") return method(m, rn, {}, kBoolType);
      if (n == "currency") return method(m, rn, {}, wrap(TypeKind::String, 0, 3));
      if (n == "minor_units") return method(m, rn, {}, int_named("i128").value());
      if (n == "with_minor_units") return method(m, rn, {int_named("i128").value()}, money);
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
        if (storage_rooted(*m.receiver))
          note_write(m.range, "writes storage");
        else
          check_mutable_root(*m.receiver);
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
  diags_.report(DiagnosticKind::UnknownMethod, m.name.range, {n, rn}, builtin_methods_help(x.kind));
  return kErrorType;
}

}  // namespace tenor::compiler::check
