// Pass 3: function bodies, statements, `for`, `match` and its patterns, assignable places, and
// the "writes" flag of views.
#include "checker.hpp"

namespace tenor::compiler::check {

void Checker::check_bodies() {
  for (std::size_t i = 0; i < p_->functions.size(); ++i) {
    if (diags_.saturated()) {
      diags_.note_stopped_early();
      break;
    }
    const FunctionInfo& fn = p_->functions[i];
    enter_unit(fn.unit);
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
    for (const ast::ExprPtr& e : fn.item->signed_by)
      expect_type(simple(TypeKind::Party), check_expr(*e, simple(TypeKind::Party)), e->range);
    const bool returns = check_block(fn.item->body);
    if (!returns && fn.return_type != kUnitType && !is_error(fn.return_type)) {
      const SourceRange end{fn.item->body.range.file, fn.item->body.range.end - 1, fn.item->body.range.end};
      diags_.report(DiagnosticKind::MissingReturn, end, {fn.name, p_->type_name(fn.return_type)});
    }
    states_.push_back(std::move(st));
    fn_ = nullptr;
  }
  enter_unit(0);
}

void Checker::propagate_writes() {
  for (FnState& st : states_) {
    p_->functions[st.index].writes = st.first_write.has_value();
    for (const auto& [callee, site] : st.calls) p_->functions[st.index].callees.push_back(callee);
  }
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
      diags_.report(DiagnosticKind::ViewWritesState, site,
                    {fn.name, "calls `" + p_->functions[callee].name + "`, which writes storage or emits"},
                    "make it an `action`, or move the write out of the view");
      break;
    }
  }
}

void Checker::note_write(SourceRange r, const char* what) {
  if (fn_ && !fn_->first_write) {
    fn_->first_write = r;
    fn_->first_write_what = what;
  }
}

Local* Checker::lookup(const std::string& n) {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
    if (auto f = it->find(n); f != it->end()) return &f->second;
  return nullptr;
}

void Checker::declare(const ast::Ident& id, Local l) {
  if (id.name.empty() || id.name == "_") return;
  if (storage_index_.count(id.name))
    diags_.report(DiagnosticKind::ShadowsStorage, id.range, {id.name, "local variable"});
  scopes_.back()[id.name] = l;
}

bool Checker::check_block(const ast::Block& b) {
  scopes_.emplace_back();
  bool returns = false;
  for (const ast::StmtPtr& s : b.statements)
    if (check_stmt(*s)) returns = true;
  scopes_.pop_back();
  return returns;
}

bool Checker::check_stmt(const ast::Stmt& s) {
  if (!enter(s.range)) return false;
  const bool r = check_stmt_inner(s);
  --depth_;
  return r;
}

bool Checker::check_stmt_inner(const ast::Stmt& s) {
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
      if (l.init && kind(var_type) == TypeKind::Unit)
        diags_.report(DiagnosticKind::TypeMismatch, l.init->range, {"a value", "()"});
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

void Checker::check_emit(const ast::EmitStmt& e) {
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

void Checker::check_field_inits(const std::vector<FieldInfo>& decl, const std::vector<ast::FieldInit>& inits,
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
  if (count) diags_.report(DiagnosticKind::MissingFields, where, {count == 1 ? "field" : "fields", missing, owner});
}

bool Checker::check_for(const ast::ForStmt& f) {
  const TypeId it = check_expr(*f.iterable, kErrorType);
  const Type t = ty(it);
  scopes_.emplace_back();
  auto bind = [&](const ast::Pattern* p, TypeId type) {
    if (!p) return;
    if (p->kind == ast::PatternKind::Binding)
      declare(p->name, Local{type, false, "a loop variable"});
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

bool Checker::irrefutable(const ast::Pattern& p) const {
  return p.kind == ast::PatternKind::Wildcard || p.kind == ast::PatternKind::Binding ||
         p.kind == ast::PatternKind::Error;
}

bool Checker::check_match(const ast::MatchStmt& m) {
  const TypeId t = check_expr(*m.scrutinee, kErrorType);
  bool all_return = !m.arms.empty();
  bool covered_all = false;
  std::set<std::string> variants;
  bool some_all = false, none = false, is_true = false, is_false = false;
  for (const ast::MatchArm& arm : m.arms) {
    if (covered_all && arm.pattern)
      diags_.report(DiagnosticKind::UnreachableArm, arm.pattern->range, {},
                    "an earlier arm already matches every value");
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
      if (!variants.count(v.name))
        missing += (missing.empty() ? "`" : ", `") + p_->enums[x.decl].name + "::" + v.name + "`";
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

void Checker::check_pattern(const ast::Pattern& p, TypeId t) {
  if (!enter(p.range)) return;
  check_pattern_inner(p, t);
  --depth_;
}

void Checker::check_pattern_inner(const ast::Pattern& p, TypeId t) {
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
      if (x.kind != TypeKind::Option && !is_error(t))
        diags_.report(DiagnosticKind::TypeMismatch, p.range, {p_->type_name(t), "Option<_>"});
      return;
    case ast::PatternKind::Literal:
      if (p.literal) expect_type(t, check_expr(*p.literal, t), p.literal->range);
      return;
    case ast::PatternKind::Tuple:
      diags_.report(DiagnosticKind::InvalidPattern, p.range,
                    {"a `(a, b)` pattern only binds a Map's entries in `for`"});
      return;
    case ast::PatternKind::Variant: break;
  }
  // Variant: `Enum::Variant [{ a, b }]` (`module::Enum::Variant`).
  const std::size_t skip = path_unit(p.path.segments).second;
  if (p.path.segments.size() != skip + 2) {
    diags_.report(DiagnosticKind::InvalidPattern, p.range, {"expected `Enum::Variant`"});
    return;
  }
  const std::optional<TypeId> en_type = enum_named(p.path.segments, skip + 1);
  if (!en_type) return;
  const EnumInfo& e = p_->enums[ty(*en_type).decl];
  const std::string& en = e.name;
  const std::string& vn = p.path.segments.back().name;
  if (!is_error(t) && *en_type != t) {
    diags_.report(DiagnosticKind::TypeMismatch, p.range, {p_->type_name(t), en});
    return;
  }
  const VariantInfo* v = find_variant(e, p.path.segments.back());
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

const VariantInfo* Checker::find_variant(const EnumInfo& e, const ast::Ident& id) {
  for (const VariantInfo& v : e.variants)
    if (v.name == id.name) return &v;
  std::vector<std::string> names;
  for (const VariantInfo& v : e.variants) names.push_back(v.name);
  diags_.report(DiagnosticKind::UnknownName, id.range, {"variant", e.name + "::" + id.name}, suggest(id.name, names));
  return nullptr;
}

void Checker::check_mutable_root(const ast::Expr& e) {
  const ast::Expr* root = &e;
  while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
    root =
        root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
  if (root->kind != ExprKind::Path || root->as<ast::PathExpr>().path.segments.size() != 1) return;
  const std::string& n = root->as<ast::PathExpr>().path.segments[0].name;
  if (Local* l = lookup(n); l && !l->is_mutable)
    diags_.report(DiagnosticKind::AssignToImmutable, root->range, {n, l->what},
                  std::string(l->what) == "a `let` binding" ? "declare it with `var` to change it" : "");
}

TypeId Checker::check_place(const ast::Expr& e) {
  const ast::Expr* root = &e;
  while (root->kind == ExprKind::Field || root->kind == ExprKind::Index)
    root =
        root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
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
      } else if (const_index_.count(n)) {
        diags_.report(DiagnosticKind::AssignToImmutable, root->range, {n, "a constant"},
                      "copy it into a `var` to compute with a changed value");
      }
    }
  }
  return check_expr(e, kErrorType);
}

}  // namespace tenor::compiler::check
