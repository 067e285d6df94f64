// Storage fields and maps: keys, their ordered encoding, reads, writes and entry counts (docs/abi.md, Storage layout).
#include "lowerer.hpp"

namespace tenor::compiler::lower {

Value* Lowerer::field_key(std::size_t field) {
  std::string k;
  k += static_cast<char>((field >> 8) & 0xFF);
  k += static_cast<char>(field & 0xFF);
  return bytes_constant(k);
}

Value* Lowerer::read_storage_field(std::size_t field) {
  const TypeId t = p_.storage[field].type;
  Value* out = alloc(mem_size(t));
  B.CreateMemSet(out, B.getInt8(0), c32(mem_size(t)), llvm::MaybeAlign(1));  // absent: zero value
  Value* rd = slot(16);
  Value* present = B.CreateCall(rt_storage_read, {field_key(field), c32(2), c32(enc_size(t)), rd});
  BasicBlock* dec = block("storage.decode");
  BasicBlock* done = block("storage.done");
  B.CreateCondBr(B.CreateICmpNE(present, c32(0)), dec, done);
  B.SetInsertPoint(dec);
  B.CreateCall(decoder(t), {rd, out});
  B.CreateCall(rt_finish, {rd});
  B.CreateBr(done);
  B.SetInsertPoint(done);
  return out;
}

void Lowerer::write_storage_field(std::size_t field, V v) {
  const TypeId t = p_.storage[field].type;
  Value* buf = alloc(enc_size(t));
  Value* len = B.CreateCall(encoder(t), {buf, c32(0), v.v});
  host_call(Host::storage_set, {field_key(field), c32(2), buf, len});
}

std::pair<Value*, Value*> Lowerer::map_key(std::size_t field, V k) {
  const TypeId kt = ty(p_.storage[field].type).key;
  Value* buf = alloc(2 + mem_size(kt));
  store(B.getInt16(static_cast<std::uint16_t>(((field & 0xFF) << 8) | ((field >> 8) & 0xFF))), buf);
  Value* n = ordkey_encode(kt, coerce(k, kt, {}).v, gep(buf, 2));
  return {buf, B.CreateAdd(n, c32(2))};
}

Value* Lowerer::ordkey_encode(TypeId t, Value* v, Value* out) {
  const Type& x = ty(t);
  if (const check::ScalarType* s = check::scalar_type_of(x)) {
    switch (s->key) {
      case check::KeyEncoding::Bool: store(B.CreateZExt(v, i8), out); return c32(1);
      case check::KeyEncoding::Unsigned:
      case check::KeyEncoding::Signed: {
        llvm::Type* it = v->getType();
        const unsigned bits = it->getIntegerBitWidth();
        Value* u = s->key == check::KeyEncoding::Signed
                       ? B.CreateXor(v, llvm::ConstantInt::get(it, llvm::APInt::getSignMask(bits)))
                       : v;
        store(bits > 8 ? B.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, u) : u, out);
        return c32(bits / 8);
      }
      case check::KeyEncoding::Fixed: copy(out, v, s->borsh_bytes); return c32(s->borsh_bytes);
      case check::KeyEncoding::NotAKey: break;
    }
  }
  switch (x.kind) {
    case TypeKind::Bytes:
    case TypeKind::String: {
      Value* len = load(i32, v);
      copy(out, gep(v, 4), len);
      return len;
    }
    default:
      unsupported(p_.storage.empty() ? SourceRange{} : p_.storage[0].range,
                  "a Map key of type `" + p_.type_name(t) + "`");
  }
}

void Lowerer::write_map_entry(std::size_t field, Value* key, Value* key_len, V v) {
  const TypeId vt = ty(p_.storage[field].type).element;
  Value* had = counted_.count(field) ? host_call(Host::storage_has, {key, key_len}) : nullptr;
  Value* buf = alloc(enc_size(vt));
  Value* len = B.CreateCall(encoder(vt), {buf, c32(0), v.v});
  host_call(Host::storage_set, {key, key_len, buf, len});
  if (had) adjust_count(field, B.CreateICmpEQ(had, c32(0)), true);
}

void Lowerer::collect_counted_maps() {
  for (const auto& [e, t] : p_.expr_types) {
    if (e->kind != ExprKind::MethodCall) continue;
    const auto& m = e->as<ast::MethodCallExpr>();
    if (m.name.name != "len" || m.receiver->kind != ExprKind::Path) continue;
    const auto& segs = m.receiver->as<ast::PathExpr>().path.segments;
    if (segs.size() != 1) continue;
    for (std::size_t i = 0; i < p_.storage.size(); ++i)
      if (p_.storage[i].name == segs[0].name && kind(p_.storage[i].type) == TypeKind::Map) counted_.insert(i);
  }
}

Value* Lowerer::read_count(std::size_t field) {
  Value* out = alloc(8);
  store(B.getInt64(0), out);
  Value* rd = slot(16);
  Value* present = B.CreateCall(rt_storage_read, {field_key(field), c32(2), c32(8), rd});
  BasicBlock* dec = block("count.decode");
  BasicBlock* done = block("count.done");
  B.CreateCondBr(B.CreateICmpNE(present, c32(0)), dec, done);
  B.SetInsertPoint(dec);
  copy(out, take(rd, 8), 8);
  B.CreateCall(rt_finish, {rd});
  B.CreateBr(done);
  B.SetInsertPoint(done);
  return load(i64, out);
}

void Lowerer::adjust_count(std::size_t field, Value* when, bool up) {
  BasicBlock* yes = block("count.adjust");
  BasicBlock* done = block("count.done");
  B.CreateCondBr(when, yes, done);
  B.SetInsertPoint(yes);
  Value* n = read_count(field);
  Value* buf = alloc(8);
  store(up ? B.CreateAdd(n, B.getInt64(1)) : B.CreateSub(n, B.getInt64(1)), buf);
  host_call(Host::storage_set, {field_key(field), c32(2), buf, c32(8)});
  B.CreateBr(done);
  B.SetInsertPoint(done);
}

std::pair<Value*, Value*> Lowerer::read_value(Value* key, Value* key_len, TypeId t) {
  Value* out = alloc(mem_size(t));
  Value* rd = slot(16);
  Value* present = B.CreateICmpNE(B.CreateCall(rt_storage_read, {key, key_len, c32(enc_size(t)), rd}), c32(0));
  BasicBlock* dec = block("read.decode");
  BasicBlock* done = block("read.done");
  B.CreateCondBr(present, dec, done);
  B.SetInsertPoint(dec);
  B.CreateCall(decoder(t), {rd, out});
  B.CreateCall(rt_finish, {rd});
  B.CreateBr(done);
  B.SetInsertPoint(done);
  return {present, out};
}

Value* Lowerer::read_or_abort(Value* key, Value* key_len, TypeId t, const std::string& what, SourceRange r) {
  auto [present, out] = read_value(key, key_len, t);
  check(present, what, r);
  return out;
}

V Lowerer::map_method(std::size_t field, const ast::MethodCallExpr& m, TypeId t) {
  const std::string& n = m.name.name;
  const TypeId vt = ty(p_.storage[field].type).element;
  if (n == "get" || n == "contains" || n == "remove") {
    auto [key, len] = map_key(field, expr(*m.args[0]));
    if (n == "contains") return V{B.CreateICmpNE(host_call(Host::storage_has, {key, len}), c32(0)), t};
    if (n == "remove") {
      Value* was = host_call(Host::storage_remove, {key, len});
      if (counted_.count(field)) adjust_count(field, B.CreateICmpNE(was, c32(0)), false);
      return V{nullptr, t};
    }
    // get: Option<V> built around the decoded value.
    Value* out = alloc(mem_size(t));
    Value* rd = slot(16);
    Value* present = B.CreateCall(rt_storage_read, {key, len, c32(enc_size(vt)), rd});
    store(B.CreateTrunc(present, i8), out);
    BasicBlock* dec = block("get.decode");
    BasicBlock* done = block("get.done");
    B.CreateCondBr(B.CreateICmpNE(present, c32(0)), dec, done);
    B.SetInsertPoint(dec);
    B.CreateCall(decoder(vt), {rd, gep(out, 1)});
    B.CreateCall(rt_finish, {rd});
    B.CreateBr(done);
    B.SetInsertPoint(done);
    return V{out, t};
  }
  if (n == "len" && counted_.count(field)) return V{read_count(field), t};
  unsupported(m.range, "the Map method `" + n + "`");
}

void Lowerer::lower_for_map(const ast::ForStmt& f, std::size_t field) {
  const TypeId mt = p_.storage[field].type;
  const TypeId kt = ty(mt).key;
  const TypeId vt = ty(mt).element;
  const std::uint64_t cap = 2 + mem_size(kt);
  Value* prefix = field_key(field);
  Value* after = alloc(cap);
  Value* key = alloc(cap);
  Value* after_len = slot(4);
  copy(after, prefix, 2);
  store(c32(2), after_len);  // after the bare prefix: the first entry
  BasicBlock* head = block("formap.head");
  BasicBlock* body = block("formap.body");
  BasicBlock* end = block("formap.end");
  B.CreateBr(head);
  B.SetInsertPoint(head);
  Value* n = host_call(Host::storage_next, {prefix, c32(2), after, load(i32, after_len), key, c32(cap)});
  B.CreateCondBr(B.CreateICmpSGE(n, B.getInt64(0)), body, end);
  B.SetInsertPoint(body);
  check(B.CreateICmpULE(n, B.getInt64(cap)), "corrupt storage: a key of `" + p_.storage[field].name + "` is too long",
        f.iterable->range);
  Value* len = B.CreateTrunc(n, i32);
  copy(after, key, len);
  store(len, after_len);
  Value* kv = slot(mem_size(kt));
  ordkey_decode(kt, gep(key, 2), B.CreateSub(len, c32(2)), kv, f.iterable->range);
  Value* v = read_or_abort(key, len, vt, "corrupt storage: a key of `" + p_.storage[field].name + "` vanished",
                           f.iterable->range);
  scopes_.emplace_back();
  const ast::Pattern* pat = f.pattern.get();
  if (pat && pat->kind == ast::PatternKind::Tuple && pat->children.size() == 2) {
    if (pat->children[0]->kind == ast::PatternKind::Binding)
      bind(pat->children[0]->name.name, kt, load_value(kt, kv), false);
    if (pat->children[1]->kind == ast::PatternKind::Binding)
      bind(pat->children[1]->name.name, vt, load_value(vt, v), false);
  }
  lower_block(f.body);
  scopes_.pop_back();
  if (!terminated()) B.CreateBr(head);
  B.SetInsertPoint(end);
}

void Lowerer::ordkey_decode(TypeId t, Value* in, Value* len, Value* out, SourceRange r) {
  const Type& x = ty(t);
  if (const check::ScalarType* s = check::scalar_type_of(x)) {
    switch (s->key) {
      case check::KeyEncoding::Bool: store(load(i8, in), out); return;
      case check::KeyEncoding::Unsigned:
      case check::KeyEncoding::Signed: {
        llvm::Type* it = scalar_type(t);
        const unsigned bits = it->getIntegerBitWidth();
        check(B.CreateICmpEQ(len, c32(bits / 8)), "corrupt storage: a map key of the wrong size", r);
        Value* u = load(it, in);
        if (bits > 8) u = B.CreateUnaryIntrinsic(llvm::Intrinsic::bswap, u);
        if (s->key == check::KeyEncoding::Signed)
          u = B.CreateXor(u, llvm::ConstantInt::get(it, llvm::APInt::getSignMask(bits)));
        store(u, out);
        return;
      }
      case check::KeyEncoding::Fixed:
        check(B.CreateICmpEQ(len, c32(s->borsh_bytes)), "corrupt storage: a map key of the wrong size", r);
        copy(out, in, s->borsh_bytes);
        return;
      case check::KeyEncoding::NotAKey: break;
    }
  }
  switch (x.kind) {
    case TypeKind::Bytes:
    case TypeKind::String:
      check(B.CreateICmpULE(len, c32(x.bound)), "corrupt storage: a map key longer than its type", r);
      store(len, out);
      copy(gep(out, 4), in, len);
      return;
    default: unsupported(r, "a Map key of type `" + p_.type_name(t) + "`");
  }
}

}  // namespace tenor::compiler::lower
