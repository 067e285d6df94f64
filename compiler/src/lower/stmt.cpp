// Functions, statements, assignment to places, `for` and `match` (lowerer.hpp).
#include "lowerer.hpp"

namespace tenor::compiler::lower {

void Lowerer::declare_function(std::size_t i) {
  const check::FunctionInfo& f = p_.functions[i];
  std::vector<llvm::Type*> params;
  for (const auto& prm : f.params) params.push_back(value_type(prm.type));
  // A module's fn is `m.<its path in the project, without .tnr>.<name>` (`m.lib/fees.late_fee`):
  // no contract item's name starts with `m.`, and two modules never share a path.
  const std::string& unit_path = p_.units.empty() ? std::string() : p_.units[f.unit].path;
  const std::string prefix = f.unit != 0                     ? "m." + unit_path.substr(0, unit_path.size() - 4) + "."
                             : f.kind == ast::ItemKind::Init ? "init."
                             : f.kind == ast::ItemKind::Function ? "fn."
                                                                 : "entry.";
  if (!needed_[i]) {  // a module's fn no entry point reaches: not in the output
    functions_.push_back(nullptr);
    return;
  }
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(value_type(f.return_type), params, false),
                                    llvm::GlobalValue::InternalLinkage, prefix + f.name, *M);
  functions_.push_back(fn);
}

void Lowerer::mark_needed() {
  // The contract's own functions, and the module fns they reach through calls.
  needed_.assign(p_.functions.size(), false);
  std::vector<std::size_t> work;
  for (std::size_t i = 0; i < p_.functions.size(); ++i)
    if (p_.functions[i].unit == 0) needed_[i] = true, work.push_back(i);
  while (!work.empty()) {
    const std::size_t i = work.back();
    work.pop_back();
    for (std::size_t callee : p_.functions[i].callees)
      if (!needed_[callee]) needed_[callee] = true, work.push_back(callee);
  }
}

void Lowerer::define_function(std::size_t i) {
  const check::FunctionInfo& f = p_.functions[i];
  if (!f.item || !functions_[i]) return;
  fn_ = functions_[i];
  fn_info_ = &f;
  scopes_.assign(1, {});
  B.SetInsertPoint(BasicBlock::Create(C, "entry", fn_));
  attach_subprogram(fn_, f.item->range);
  // Parameters: scalars get a slot (they may be read many times; mem2reg removes it);
  // aggregates are used in place (parameters are immutable).
  for (std::size_t k = 0; k < f.params.size(); ++k) {
    Value* a = fn_->getArg(static_cast<unsigned>(k));
    bind(f.params[k].name, f.params[k].type, a, false);
  }
  // signed_by: every listed party must have signed; the first that did not is named.
  for (const auto& e : f.item->signed_by) {
    V party = expr(*e);
    Value* ok = B.CreateICmpNE(host_call(Host::is_signer, {party.v}), c32(0));
    BasicBlock* pass = block("signed");
    BasicBlock* fail = block("unsigned");
    B.CreateCondBr(ok, pass, fail);
    B.SetInsertPoint(fail);
    const std::string text(sm_.file(e->range.file).text().substr(e->range.begin, e->range.size()));
    emit_revert("`" + text + "` must sign this transaction (" + where(e->range) + ")");
    B.SetInsertPoint(pass);
  }
  lower_block(f.item->body);
  if (!terminated()) {
    if (kind(f.return_type) == TypeKind::Unit)
      B.CreateRetVoid();
    else
      B.CreateUnreachable();  // the checker proved every path returns
  }
}

void Lowerer::bind(const std::string& name, TypeId t, Value* v, bool in_place) {
  if (name.empty() || name == "_") return;
  if (in_place && !is_scalar(t)) {
    scopes_.back()[name] = Local{t, v};
    return;
  }
  Value* s = slot(mem_size(t));
  store_value(t, s, v);
  scopes_.back()[name] = Local{t, s};
}

const Local* Lowerer::lookup(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
    if (auto f = it->find(name); f != it->end()) return &f->second;
  return nullptr;
}

std::optional<std::size_t> Lowerer::storage_field(const std::string& name) const {
  if (lookup(name)) return {};
  for (std::size_t i = 0; i < p_.storage.size(); ++i)
    if (p_.storage[i].name == name) return i;
  return {};
}

void Lowerer::lower_block(const ast::Block& b) {
  scopes_.emplace_back();
  for (const auto& s : b.statements) {
    ensure_open();
    lower_stmt(*s);
  }
  scopes_.pop_back();
}

TypeId Lowerer::type_of(const ast::Expr& e) const {
  auto it = p_.expr_types.find(&e);
  return it == p_.expr_types.end() ? check::kErrorType : it->second;
}

void Lowerer::lower_stmt(const ast::Stmt& s) {
  locate(s.range);
  switch (s.kind) {
    case ast::StmtKind::Let: {
      const auto& l = s.as<ast::LetStmt>();
      V v = expr(*l.init);
      TypeId t = v.t;
      if (auto it = p_.local_types.find(&l); it != p_.local_types.end()) t = it->second;
      Value* sl = slot(mem_size(t));
      store_coerced(t, sl, v, l.init->range);
      scopes_.back()[l.name.name] = Local{t, sl};
      return;
    }
    case ast::StmtKind::Assign: lower_assign(s.as<ast::AssignStmt>()); return;
    case ast::StmtKind::If: {
      const auto& f = s.as<ast::IfStmt>();
      Value* c = expr(*f.condition).v;
      BasicBlock* then_bb = block("if.then");
      BasicBlock* else_bb = f.else_branch ? block("if.else") : nullptr;
      BasicBlock* end = block("if.end");
      B.CreateCondBr(c, then_bb, else_bb ? else_bb : end);
      B.SetInsertPoint(then_bb);
      lower_block(f.then_block);
      if (!terminated()) B.CreateBr(end);
      if (else_bb) {
        B.SetInsertPoint(else_bb);
        scopes_.emplace_back();
        lower_stmt(*f.else_branch);
        scopes_.pop_back();
        if (!terminated()) B.CreateBr(end);
      }
      B.SetInsertPoint(end);
      return;
    }
    case ast::StmtKind::While: {
      const auto& w = s.as<ast::WhileStmt>();
      BasicBlock* head = block("while.head");
      BasicBlock* body = block("while.body");
      BasicBlock* end = block("while.end");
      B.CreateBr(head);
      B.SetInsertPoint(head);
      B.CreateCondBr(expr(*w.condition).v, body, end);
      B.SetInsertPoint(body);
      lower_block(w.body);
      if (!terminated()) B.CreateBr(head);
      B.SetInsertPoint(end);
      return;
    }
    case ast::StmtKind::For: lower_for(s.as<ast::ForStmt>()); return;
    case ast::StmtKind::Match: lower_match(s.as<ast::MatchStmt>()); return;
    case ast::StmtKind::Require: {
      const auto& r = s.as<ast::RequireStmt>();
      Value* c = expr(*r.condition).v;
      BasicBlock* pass = block("require.ok");
      BasicBlock* fail = block("require.fail");
      B.CreateCondBr(c, pass, fail, llvm::MDBuilder(C).createBranchWeights(1 << 20, 1));
      B.SetInsertPoint(fail);
      emit_revert(r.message);
      B.SetInsertPoint(pass);
      return;
    }
    case ast::StmtKind::Revert: emit_revert(s.as<ast::RevertStmt>().message); return;
    case ast::StmtKind::Emit: lower_emit(s.as<ast::EmitStmt>()); return;
    case ast::StmtKind::Return: {
      const auto& r = s.as<ast::ReturnStmt>();
      const TypeId rt = fn_info_->return_type;
      if (!r.value || kind(rt) == TypeKind::Unit) {
        if (r.value) expr(*r.value);
        B.CreateRetVoid();
        return;
      }
      V v = expr(*r.value);
      if (is_scalar(rt)) {
        B.CreateRet(v.v);
      } else {
        // The callee's slots die with it: return a fresh copy.
        Value* out = alloc(mem_size(rt));
        store_coerced(rt, out, v, r.value->range);
        B.CreateRet(out);
      }
      return;
    }
    case ast::StmtKind::Expr: expr(*s.as<ast::ExprStmt>().expr); return;
    case ast::StmtKind::Block: lower_block(s.as<ast::BlockStmt>().block); return;
  }
}

void Lowerer::lower_emit(const ast::EmitStmt& e) {
  const check::EventInfo* ev = nullptr;
  for (const auto& x : p_.events)
    if (x.name == e.event.name) ev = &x;
  if (!ev) unsupported(e.range, "this event");
  std::uint64_t cap = 0;
  for (const auto& f : ev->fields) cap += enc_size(f.type);
  Value* buf = alloc(cap);
  Value* pos = c32(0);
  for (const auto& f : ev->fields) {
    const ast::FieldInit* init = nullptr;
    for (const auto& fi : e.fields)
      if (fi.name.name == f.name) init = &fi;
    if (!init) unsupported(e.range, "an event without all its fields");
    V v = init->value ? expr(*init->value) : name_value(init->name);
    v = coerce(v, f.type, init->range);
    pos = B.CreateCall(encoder(f.type), {buf, pos, v.v});
  }
  const std::string& topic = ev->name;
  host_call(Host::emit_event, {bytes_constant(topic), c32(topic.size()), buf, pos});
}

void Lowerer::lower_assign(const ast::AssignStmt& a) {
  V value = expr(*a.value);
  if (a.op != ast::AssignOp::Assign) {
    V old = expr(*a.place);
    value = arith(a.op == ast::AssignOp::AddAssign ? ast::BinaryOp::Add : ast::BinaryOp::Sub, old, value, a.range);
  }
  // A whole storage value or map entry is written without reading it first.
  std::vector<const ast::Expr*> steps;
  const ast::Expr* root = split_place(*a.place, steps);
  if (root) {
    const std::string& name = root->as<ast::PathExpr>().path.segments[0].name;
    if (auto field = storage_field(name)) {
      const check::FieldInfo& sf = p_.storage[*field];
      if (kind(sf.type) == TypeKind::Map && steps.size() == 1 && steps[0]->kind == ExprKind::Index) {
        auto [key, key_len] = map_key(*field, expr(*steps[0]->as<ast::IndexExpr>().index));
        write_map_entry(*field, key, key_len, coerce(value, ty(sf.type).element, a.value->range));
        return;
      }
      if (kind(sf.type) != TypeKind::Map && steps.empty()) {
        write_storage_field(*field, coerce(value, sf.type, a.value->range));
        return;
      }
    }
  }
  update_place(*a.place, a.range, [&](Value* p, TypeId t) { store_coerced(t, p, value, a.value->range); });
}

const ast::Expr* Lowerer::split_place(const ast::Expr& e, std::vector<const ast::Expr*>& steps) {
  const ast::Expr* root = &e;
  while (root->kind == ExprKind::Field || root->kind == ExprKind::Index) {
    steps.push_back(root);
    root =
        root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
  }
  std::reverse(steps.begin(), steps.end());
  if (root->kind != ExprKind::Path || root->as<ast::PathExpr>().path.segments.size() != 1) return nullptr;
  return root;
}

std::pair<Value*, TypeId> Lowerer::walk(Value* p, TypeId t, const std::vector<const ast::Expr*>& steps,
                                        std::size_t from) {
  for (std::size_t i = from; i < steps.size(); ++i) {
    const ast::Expr* s = steps[i];
    if (s->kind == ExprKind::Field) {
      auto [off, ft] = field_offset(t, s->as<ast::FieldExpr>().name.name, s->range);
      p = gep(p, off);
      t = ft;
    } else {
      auto [ep, et] = element_address(p, t, expr(*s->as<ast::IndexExpr>().index), s->range);
      p = ep;
      t = et;
    }
  }
  return {p, t};
}

std::pair<std::uint64_t, TypeId> Lowerer::field_offset(TypeId t, const std::string& name, SourceRange r) {
  if (kind(t) != TypeKind::Struct) unsupported(r, "this field access");
  std::uint64_t off = 0;
  for (const auto& f : p_.structs[ty(t).decl].fields) {
    if (f.name == name) return {off, f.type};
    off += mem_size(f.type);
  }
  unsupported(r, "this field access");
}

std::pair<Value*, TypeId> Lowerer::element_address(Value* p, TypeId t, V index, SourceRange r) {
  const Type& x = ty(t);
  if (x.kind != TypeKind::Array && x.kind != TypeKind::Vec) unsupported(r, "indexing this type");
  const Type& it = ty(index.t);
  // Compare in 64 bits (unsigned after a sign check).
  Value* idx = index.v;
  if (it.bits > 64) {
    check(B.CreateICmpULT(idx, llvm::ConstantInt::get(idx->getType(), x.bound)), "index out of range", r);
    idx = B.CreateTrunc(idx, i64);
  } else {
    if (it.is_signed) check(B.CreateICmpSGE(idx, llvm::ConstantInt::get(idx->getType(), 0)), "negative index", r);
    idx = it.bits < 64 ? (it.is_signed ? B.CreateSExt(idx, i64) : B.CreateZExt(idx, i64)) : idx;
  }
  Value* len = x.kind == TypeKind::Vec ? B.CreateZExt(load(i32, p), i64) : B.getInt64(x.bound);
  check(B.CreateICmpULT(idx, len), "index out of range", r);
  Value* base = x.kind == TypeKind::Vec ? gep(p, 4) : p;
  Value* off = B.CreateMul(B.CreateTrunc(idx, i32), c32(mem_size(x.element)));
  return {gep(base, off), x.element};
}

void Lowerer::lower_for(const ast::ForStmt& f) {
  const TypeId it = type_of(*f.iterable);
  const Type& x = ty(it);
  std::string name;
  if (f.pattern && f.pattern->kind == ast::PatternKind::Binding) name = f.pattern->name.name;
  if (x.kind == TypeKind::Range) {
    const auto& rb = f.iterable->as<ast::BinaryExpr>();
    V lo = expr(*rb.lhs);
    V hi = expr(*rb.rhs);
    const bool is_signed = ty(x.element).is_signed;
    BasicBlock* pre = B.GetInsertBlock();
    BasicBlock* head = block("for.head");
    BasicBlock* body = block("for.body");
    BasicBlock* end = block("for.end");
    B.CreateBr(head);
    B.SetInsertPoint(head);
    auto* i = B.CreatePHI(lo.v->getType(), 2);
    i->addIncoming(lo.v, pre);
    B.CreateCondBr(is_signed ? B.CreateICmpSLT(i, hi.v) : B.CreateICmpULT(i, hi.v), body, end);
    B.SetInsertPoint(body);
    scopes_.emplace_back();
    bind(name, x.element, i, false);
    lower_block(f.body);
    scopes_.pop_back();
    if (!terminated()) {
      i->addIncoming(B.CreateAdd(i, llvm::ConstantInt::get(i->getType(), 1)),
                     B.GetInsertBlock());  // i < hi: no overflow
      B.CreateBr(head);
    }
    B.SetInsertPoint(end);
    return;
  }
  if (x.kind == TypeKind::Array || x.kind == TypeKind::Vec) {
    V coll = expr(*f.iterable);
    // Iterate over a copy: the body may change the variable it came from.
    Value* copy_p = slot(mem_size(it));
    store_value(it, copy_p, coll.v);
    Value* n = x.kind == TypeKind::Vec ? load(i32, copy_p) : c32(x.bound);
    Value* base = x.kind == TypeKind::Vec ? gep(copy_p, 4) : copy_p;
    Value* idx = slot(4);
    store(c32(0), idx);
    BasicBlock* head = block("for.head");
    BasicBlock* body = block("for.body");
    BasicBlock* end = block("for.end");
    B.CreateBr(head);
    B.SetInsertPoint(head);
    Value* i = load(i32, idx);
    B.CreateCondBr(B.CreateICmpULT(i, n), body, end);
    B.SetInsertPoint(body);
    scopes_.emplace_back();
    bind(name, x.element, load_value(x.element, gep(base, B.CreateMul(i, c32(mem_size(x.element))))), false);
    store(B.CreateAdd(i, c32(1)), idx);
    lower_block(f.body);
    scopes_.pop_back();
    if (!terminated()) B.CreateBr(head);
    B.SetInsertPoint(end);
    return;
  }
  if (x.kind == TypeKind::Map && f.iterable->kind == ExprKind::Path) {
    const auto field = storage_field(f.iterable->as<ast::PathExpr>().path.segments[0].name);
    if (field) {
      lower_for_map(f, *field);
      return;
    }
  }
  unsupported(f.iterable->range, "iterating over `" + p_.type_name(it) + "`");
}

void Lowerer::lower_match(const ast::MatchStmt& m) {
  V s = expr(*m.scrutinee);
  BasicBlock* end = block("match.end");
  for (const auto& arm : m.arms) {
    if (!arm.pattern) continue;
    BasicBlock* next = block("arm.next");
    scopes_.emplace_back();
    match_pattern(*arm.pattern, s, next);  // binds as it matches
    if (arm.body) lower_stmt(*arm.body);
    scopes_.pop_back();
    if (!terminated()) B.CreateBr(end);
    B.SetInsertPoint(next);
  }
  // No arm matched: the checker proved exhaustiveness, so this is unreachable.
  B.CreateUnreachable();
  B.SetInsertPoint(end);
}

void Lowerer::match_pattern(const ast::Pattern& p, V v, BasicBlock* fail) {
  const Type& x = ty(v.t);
  auto require_that = [&](Value* ok) {
    BasicBlock* pass = block("pattern.ok");
    B.CreateCondBr(ok, pass, fail);
    B.SetInsertPoint(pass);
  };
  switch (p.kind) {
    case ast::PatternKind::Wildcard:
    case ast::PatternKind::Error: return;
    case ast::PatternKind::Binding: bind(p.name.name, v.t, v.v, false); return;
    case ast::PatternKind::None: require_that(B.CreateICmpEQ(load(i8, v.v), B.getInt8(0))); return;
    case ast::PatternKind::Some:
      require_that(B.CreateICmpNE(load(i8, v.v), B.getInt8(0)));
      if (!p.children.empty()) match_pattern(*p.children[0], V{load_value(x.element, gep(v.v, 1)), x.element}, fail);
      return;
    case ast::PatternKind::Literal: require_that(compare(ast::BinaryOp::Eq, v, expr(*p.literal), p.range)); return;
    case ast::PatternKind::Variant: {
      if (x.kind != TypeKind::Enum) unsupported(p.range, "this pattern");
      const auto& variants = p_.enums[x.decl].variants;
      std::size_t k = 0;
      while (k < variants.size() && variants[k].name != p.path.segments.back().name) ++k;
      if (k == variants.size()) unsupported(p.range, "this pattern");
      require_that(B.CreateICmpEQ(load(i8, v.v), B.getInt8(static_cast<std::uint8_t>(k))));
      for (const ast::Ident& b : p.bindings) {
        std::uint64_t off = 1;
        for (const auto& f : variants[k].fields) {
          if (f.name == b.name) bind(b.name, f.type, load_value(f.type, gep(v.v, off)), false);
          off += mem_size(f.type);
        }
      }
      return;
    }
    case ast::PatternKind::Tuple: unsupported(p.range, "this pattern");
  }
}

}  // namespace tenor::compiler::lower
