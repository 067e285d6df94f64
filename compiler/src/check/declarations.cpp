// Passes 1 and 2: the declarations' names, their resolved fields and signatures, recursive types.
#include "checker.hpp"

namespace tenor::compiler::check {

void Checker::duplicate(const std::string& what, const ast::Ident& id, SourceRange first) {
  (void)first;
  diags_.report(DiagnosticKind::DuplicateDefinition, id.range, {what + " `" + id.name + "`"});
}

void Checker::collect() {
  // The contract's declarations first (their indexes do not depend on its modules), then each
  // module's, in load order.
  for (std::size_t u = 0; u < p_->units.size(); ++u) {
    enter_unit(u);
    collect_unit(*p_->units[u].file);
  }
  enter_unit(0);
}

void Checker::collect_unit(const ast::File& file) {
  std::map<std::string, SourceRange> types, events, fns, consts;
  std::optional<SourceRange> init;
  const auto unit = static_cast<std::uint32_t>(unit_);
  // A module's types are shown as the contract names them: `daycount::Basis`.
  const std::string qualifier = p_->units[unit_].name.empty() ? "" : p_->units[unit_].name + "::";
  for (const auto& item_ptr : file.items) {
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
          type_names_[item.name.name] =
              intern(Type{TypeKind::Struct, 0, false, 0, 0, 0, static_cast<std::uint32_t>(p_->structs.size())});
          p_->structs.push_back({qualifier + item.name.name, unit, {}, &item});
        }
        break;
      case ast::ItemKind::Enum:
        if (claim(types, "type")) {
          type_names_[item.name.name] =
              intern(Type{TypeKind::Enum, 0, false, 0, 0, 0, static_cast<std::uint32_t>(p_->enums.size())});
          p_->enums.push_back({qualifier + item.name.name, unit, {}, &item});
        }
        break;
      case ast::ItemKind::Interface:
        if (claim(types, "type")) {
          interface_index_[item.name.name] = p_->interfaces.size();
          p_->interfaces.push_back({qualifier + item.name.name, unit, {}, &item});
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
        p_->functions.push_back({"init", item.kind, unit, {}, kUnitType, false, &item, {}});
        break;
      case ast::ItemKind::Const:
        if (claim(consts, "constant")) {
          const_index_[item.name.name] = p_->consts.size();
          p_->consts.push_back({item.name.name, unit, kErrorType, &item, {}});
        }
        break;
      case ast::ItemKind::Action:
      case ast::ItemKind::View:
      case ast::ItemKind::Function:
        if (claim(fns, "function")) {
          fn_index_[item.name.name] = p_->functions.size();
          p_->functions.push_back({item.name.name, item.kind, unit, {}, kUnitType, false, &item, {}});
        }
        break;
    }
  }
}

std::vector<FieldInfo> Checker::resolve_fields(const std::vector<ast::Field>& fields, const std::string& owner,
                                               bool storage) {
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

std::vector<FieldInfo> Checker::resolve_params(const std::vector<ast::Param>& params) {
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

void Checker::resolve_declarations() {
  for (StructInfo& s : p_->structs) {
    enter_unit(s.unit);
    s.fields = resolve_fields(s.item->fields, s.name);
  }
  for (EnumInfo& e : p_->enums) {
    enter_unit(e.unit);
    std::map<std::string, SourceRange> seen;
    for (const ast::Variant& v : e.item->variants) {
      if (!v.name.name.empty()) {
        auto [it, fresh] = seen.emplace(v.name.name, v.name.range);
        if (!fresh) duplicate("variant", v.name, it->second);
      }
      e.variants.push_back({v.name.name, v.has_fields, resolve_fields(v.fields, e.name)});
    }
  }
  enter_unit(0);  // events and storage: the contract's only
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
      if (const_index_.count(f.name.name)) {
        duplicate("name (a constant and a storage field)", f.name, {});
        continue;
      }
      storage_index_[f.name.name] = p_->storage.size();
      p_->storage.push_back({f.name.name, resolve_type(f.type.get(), true), f.name.range});
    }
  }
  for (ConstInfo& c : p_->consts) {
    enter_unit(c.unit);
    c.type = resolve_type(c.item->return_type.get());
  }
  for (FunctionInfo& fn : p_->functions) {
    enter_unit(fn.unit);
    fn.params = resolve_params(fn.item->params);
    fn.return_type = fn.item->return_type ? resolve_type(fn.item->return_type.get()) : kUnitType;
  }
  for (InterfaceInfo& in : p_->interfaces) {
    enter_unit(in.unit);
    for (const ast::InterfaceMethod& m : in.item->methods) {
      FunctionInfo f;
      f.name = m.name.name;
      f.kind = m.is_view ? ast::ItemKind::View : ast::ItemKind::Action;
      f.params = resolve_params(m.params);
      f.return_type = m.return_type ? resolve_type(m.return_type.get()) : kUnitType;
      in.methods.push_back(std::move(f));
    }
  }
  enter_unit(0);
}

void Checker::inline_decls(TypeId t, std::vector<TypeId>& out) {
  const Type x = ty(t);
  switch (x.kind) {
    case TypeKind::Struct:
    case TypeKind::Enum: out.push_back(t); break;
    case TypeKind::Array:
    case TypeKind::Option: inline_decls(x.element, out); break;
    default: break;
  }
}

void Checker::check_recursion() {
  std::map<TypeId, std::vector<TypeId>> edges;
  for (std::size_t i = 0; i < p_->structs.size(); ++i) {
    const TypeId self = intern(Type{TypeKind::Struct, 0, false, 0, 0, 0, static_cast<std::uint32_t>(i)});
    for (const FieldInfo& f : p_->structs[i].fields) inline_decls(f.type, edges[self]);
  }
  for (std::size_t i = 0; i < p_->enums.size(); ++i) {
    const TypeId self = intern(Type{TypeKind::Enum, 0, false, 0, 0, 0, static_cast<std::uint32_t>(i)});
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

}  // namespace tenor::compiler::check
