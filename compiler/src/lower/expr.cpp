// Expressions: names, literals, paths, struct literals, calls, methods and interface calls (lowerer.hpp).
#include "lowerer.hpp"

namespace tenor::compiler::lower {

V Lowerer::name_value(const ast::Ident& id) {
  const std::string& n = id.name;
  if (const Local* l = lookup(n)) return V{load_value(l->t, l->slot), l->t};
  if (auto f = storage_field(n)) {
    const TypeId t = p_.storage[*f].type;
    if (kind(t) == TypeKind::Map) unsupported(id.range, "a Map used as a value");
    return V{load_value(t, read_storage_field(*f)), t};
  }
  if (n == "sender" || n == "self") {
    Value* out = alloc(32);
    host_call(n == "sender" ? Host::sender : Host::self_address, {out});
    return V{out, const_cast<Program&>(p_).types.size()
                      ? find_simple(n == "sender" ? TypeKind::Party : TypeKind::Address)
                      : 0};
  }
  if (n == "caller") {  // Option<Address>: the tag, then the address (docs/host-api.md, `caller`)
    TypeId t = check::kErrorType;
    for (TypeId i = 0; i < p_.types.size(); ++i)
      if (p_.types[i].kind == TypeKind::Option && kind(p_.types[i].element) == TypeKind::Address) t = i;
    Value* out = alloc(mem_size(t));
    Value* by_contract = host_call(Host::caller, {gep(out, 1)});
    store(B.CreateTrunc(by_contract, i8), out);
    return V{out, t};
  }
  unsupported(id.range, "the name `" + n + "`");
}

TypeId Lowerer::find_simple(TypeKind k) const {
  for (TypeId i = 0; i < p_.types.size(); ++i)
    if (p_.types[i].kind == k) return i;
  return check::kErrorType;
}

V Lowerer::expr(const ast::Expr& e) {
  const TypeId t = type_of(e);
  switch (e.kind) {
    case ExprKind::Error: unsupported(e.range, "an erroneous expression");
    case ExprKind::IntegerLiteral:
      if (kind(t) == TypeKind::Decimal) return V{decimal_value(e.as<ast::LiteralExpr>().text, false), t};
      return V{int_constant(t, e.as<ast::LiteralExpr>().text, false, e.range), t};
    case ExprKind::DecimalLiteral:
      if (kind(t) == TypeKind::Decimal) return V{decimal_value(e.as<ast::LiteralExpr>().text, false), t};
      return V{B.getInt64(decimal_constant(e.as<ast::LiteralExpr>().text, 9, e.range)), t};
    case ExprKind::MoneyLiteral: {
      const auto& m = e.as<ast::MoneyLiteralExpr>();
      cpp_int v(digits_of(m.amount).erase(
          digits_of(m.amount).find('.') == std::string::npos ? std::string::npos : digits_of(m.amount).find('.'), 1));
      return V{money_constant(v, m.currency.name, e.range), t};
    }
    case ExprKind::DateLiteral:
      return V{B.getInt32(static_cast<std::uint32_t>(date_days(e.as<ast::LiteralExpr>().text))), t};
    case ExprKind::TimestampLiteral:
      return V{B.getInt64(static_cast<std::uint64_t>(timestamp_seconds(e.as<ast::LiteralExpr>().text))), t};
    case ExprKind::DurationLiteral:
      return V{B.getInt64(static_cast<std::uint64_t>(duration_seconds(e.as<ast::LiteralExpr>().text, e.range))), t};
    case ExprKind::HashLiteral: {
      const std::string& text = e.as<ast::LiteralExpr>().text;
      std::string bytes;
      for (std::size_t k = 2; k + 1 < text.size(); k += 2)
        bytes += static_cast<char>(std::stoi(text.substr(k, 2), nullptr, 16));
      return V{bytes_constant(bytes), t};
    }
    case ExprKind::StringLiteral: {
      const std::string& s = e.as<ast::LiteralExpr>().text;
      std::string bytes(4, '\0');
      const auto n = static_cast<std::uint32_t>(s.size());
      for (int k = 0; k < 4; ++k) bytes[k] = static_cast<char>((n >> (8 * k)) & 0xFF);
      return V{bytes_constant(bytes + s), t};
    }
    case ExprKind::BoolLiteral: return V{B.getInt1(e.as<ast::BoolLiteralExpr>().value), t};
    case ExprKind::Path: return path_value(e.as<ast::PathExpr>(), t);
    case ExprKind::Call: return call(e.as<ast::CallExpr>(), t);
    case ExprKind::MethodCall: return method(e.as<ast::MethodCallExpr>(), t);
    case ExprKind::Field: {
      const auto& f = e.as<ast::FieldExpr>();
      V base = expr(*f.base);
      auto [off, ft] = field_offset(base.t, f.name.name, f.name.range);
      return V{load_value(ft, gep(base.v, off)), ft};
    }
    case ExprKind::Index: {
      const auto& ix = e.as<ast::IndexExpr>();
      // A storage map entry: read it (absent stops the call).
      if (ix.base->kind == ExprKind::Path) {
        const auto& segs = ix.base->as<ast::PathExpr>().path.segments;
        if (segs.size() == 1)
          if (auto f = storage_field(segs[0].name); f && kind(p_.storage[*f].type) == TypeKind::Map) {
            auto [key, len] = map_key(*f, expr(*ix.index));
            Value* p = read_or_abort(key, len, t, "no entry with this key in `" + segs[0].name + "`", e.range);
            return V{load_value(t, p), t};
          }
      }
      V base = expr(*ix.base);
      auto [p, et] = element_address(base.v, base.t, expr(*ix.index), e.range);
      return V{load_value(et, p), et};
    }
    case ExprKind::StructLiteral: return struct_literal(e.as<ast::StructLiteralExpr>(), t);
    case ExprKind::Some: {
      const TypeId inner = ty(t).element;
      Value* out = alloc(mem_size(t));
      store(B.getInt8(1), out);
      store_coerced(inner, gep(out, 1), expr(*e.as<ast::SomeExpr>().value), e.range);
      return V{out, t};
    }
    case ExprKind::None: {
      Value* out = alloc(mem_size(t));
      B.CreateMemSet(out, B.getInt8(0), c32(mem_size(t)), llvm::MaybeAlign(1));
      return V{out, t};
    }
    case ExprKind::Unary: return unary(e.as<ast::UnaryExpr>(), t);
    case ExprKind::Binary: return binary(e.as<ast::BinaryExpr>(), t);
    case ExprKind::Cast: {
      const auto& c = e.as<ast::CastExpr>();
      return V{int_convert(expr(*c.operand), t, e.range), t};
    }
    case ExprKind::ArrayLiteral: return array_literal(e.as<ast::ArrayLiteralExpr>(), t);
  }
  unsupported(e.range, "this expression");
}

Value* Lowerer::int_constant(TypeId t, const std::string& text, bool negate, SourceRange r) {
  std::string s = digits_of(text);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s = s.substr(2);
  } else {
    const auto cut = s.find_first_of("ui");
    if (cut != std::string::npos) s = s.substr(0, cut);
  }
  if (kind(t) != TypeKind::Int) unsupported(r, "this integer literal");
  llvm::APInt v(ty(t).bits + 1, s, static_cast<std::uint8_t>(base));
  if (negate) v = -v;
  return B.getInt(v.trunc(ty(t).bits));
}

std::int64_t Lowerer::decimal_constant(const std::string& text, int scale, SourceRange r) {
  cpp_int v = scaled(text, scale);
  if (v > cpp_int(std::numeric_limits<std::int64_t>::max()))
    diags_.report(DiagnosticKind::ConstantOverflow, r, {"does not fit in a `Rate` (at most 9223372036.854775807)"});
  return v.convert_to<std::int64_t>() * 1;
}

cpp_int Lowerer::scaled(const std::string& text, int scale) {
  std::string s = digits_of(text);
  std::string whole = s, frac;
  if (auto dot = s.find('.'); dot != std::string::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
  }
  while (static_cast<int>(frac.size()) < scale) frac += '0';
  cpp_int v(whole.empty() ? std::string("0") : whole);
  for (char c : frac) v = v * 10 + (c - '0');
  return v;
}

Value* Lowerer::money_constant(const cpp_int& minor, const std::string& currency, SourceRange r) {
  const cpp_int lim = (cpp_int(1) << 127) - 1;
  if (minor > lim) diags_.report(DiagnosticKind::ConstantOverflow, r, {"does not fit in Money's 128-bit amount"});
  llvm::APInt amount(128, minor > lim ? std::string("0") : minor.str(), 10);
  std::uint32_t code = 0;
  for (std::size_t k = 0; k < 3 && k < currency.size(); ++k)
    code |= static_cast<std::uint32_t>(static_cast<unsigned char>(currency[k])) << (8 * k);
  Value* m = llvm::UndefValue::get(money_ty);
  m = B.CreateInsertValue(m, B.getInt(amount), 0);
  return B.CreateInsertValue(m, B.getInt32(code), 1);
}

std::int64_t Lowerer::date_days(const std::string& t) {
  return common::days_from_civil(std::stoll(t.substr(0, 4)), static_cast<unsigned>(std::stoi(t.substr(5, 2))),
                                 static_cast<unsigned>(std::stoi(t.substr(8, 2))));
}

std::int64_t Lowerer::timestamp_seconds(const std::string& t) {
  return date_days(t) * kDay + std::stoll(t.substr(11, 2)) * 3600 + std::stoll(t.substr(14, 2)) * 60 +
         std::stoll(t.substr(17, 2));
}

std::int64_t Lowerer::duration_seconds(const std::string& t, SourceRange r) {
  const std::string s = digits_of(t);
  const char unit = s.back();
  const cpp_int n(s.substr(0, s.size() - 1));
  const cpp_int mul = unit == 'd' ? kDay : unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
  const cpp_int v = n * mul;
  if (v > cpp_int(std::numeric_limits<std::int64_t>::max())) {
    diags_.report(DiagnosticKind::ConstantOverflow, r, {"does not fit in a `Duration` (64-bit seconds)"});
    return 0;
  }
  return v.convert_to<std::int64_t>();
}

V Lowerer::path_value(const ast::PathExpr& e, TypeId t) {
  const auto& segs = e.path.segments;
  if (auto c = p_.const_refs.find(&e); c != p_.const_refs.end()) return const_value(p_.consts[c->second], e.range);
  if (segs.size() == 1) return name_value(segs[0]);
  if (segs.size() == 2 && segs[0].name == "Rounding")
    return V{B.getInt8(static_cast<std::uint8_t>(rounding_index(segs[1].name))), t};
  // A variant without fields.
  if (kind(t) == TypeKind::Enum) {
    const auto& variants = p_.enums[ty(t).decl].variants;
    for (std::size_t k = 0; k < variants.size(); ++k)
      if (variants[k].name == segs.back().name) {
        Value* out = alloc(mem_size(t));
        B.CreateMemSet(out, B.getInt8(0), c32(mem_size(t)), llvm::MaybeAlign(1));
        store(B.getInt8(static_cast<std::uint8_t>(k)), out);
        return V{out, t};
      }
  }
  unsupported(e.range, "this path");
}

V Lowerer::const_value(const check::ConstInfo& c, SourceRange r) {
  if (!c.folded.empty()) {
    const unsigned bits = kind(c.type) == TypeKind::Decimal ? 128 : ty(c.type).bits;
    cpp_int v(c.folded);
    if (v < 0) v += cpp_int(1) << bits;  // two's complement; the checker bounded it to the type
    return V{B.getInt(llvm::APInt(bits, v.str(), 10)), c.type};
  }
  if (!c.item->value) unsupported(r, "this constant");
  return coerce(expr(*c.item->value), c.type, r);
}

V Lowerer::array_literal(const ast::ArrayLiteralExpr& a, TypeId t) {
  const Type x = ty(t);
  const std::uint64_t size = mem_size(x.element);
  Value* out = alloc(mem_size(t));
  std::uint64_t off = 0;
  if (x.kind == TypeKind::Vec) {
    store(c32(a.elements.size()), out);
    off = 4;
  }
  for (const auto& e : a.elements) {
    store_coerced(x.element, gep(out, off), expr(*e), e->range);
    off += size;
  }
  return V{out, t};
}

V Lowerer::struct_literal(const ast::StructLiteralExpr& e, TypeId t) {
  const std::vector<check::FieldInfo>* fields = nullptr;
  std::uint64_t base = 0;
  std::int64_t tag = -1;
  if (kind(t) == TypeKind::Struct) {
    fields = &p_.structs[ty(t).decl].fields;
  } else if (kind(t) == TypeKind::Enum) {
    const auto& variants = p_.enums[ty(t).decl].variants;
    for (std::size_t k = 0; k < variants.size(); ++k)
      if (variants[k].name == e.path.segments.back().name) {
        fields = &variants[k].fields;
        tag = static_cast<std::int64_t>(k);
      }
    base = 1;
  }
  if (!fields) unsupported(e.range, "this literal");
  Value* out = alloc(mem_size(t));
  if (tag >= 0) {
    B.CreateMemSet(out, B.getInt8(0), c32(mem_size(t)), llvm::MaybeAlign(1));
    store(B.getInt8(static_cast<std::uint8_t>(tag)), out);
  }
  // Initialisers run in source order; each lands at its field's offset.
  for (const auto& fi : e.fields) {
    std::uint64_t off = base;
    for (const auto& f : *fields) {
      if (f.name == fi.name.name) {
        V v = fi.value ? expr(*fi.value) : name_value(fi.name);
        store_coerced(f.type, gep(out, off), v, fi.range);
        break;
      }
      off += mem_size(f.type);
    }
  }
  return V{out, t};
}

V Lowerer::call(const ast::CallExpr& c, TypeId t) {
  const auto& segs = c.callee->as<ast::PathExpr>().path.segments;
  const std::string& n = segs[0].name;
  if (auto v = builtin_call(c, t)) return *v;
  auto target = p_.call_targets.find(&c);  // a fn (the checker resolved it: the contract's or a module's)
  if (target == p_.call_targets.end() && kind(t) == TypeKind::Interface) {
    // `Iface(address)`, `m::Iface(address)`: the address, and no gas limit of its own (all the gas left).
    Value* out = alloc(40);
    copy(out, expr(*c.args[0]).v, 32);
    store(B.getInt64(~0ull), gep(out, 32));
    return V{out, t};
  }
  if (target != p_.call_targets.end()) {
    const check::FunctionInfo& f = p_.functions[target->second];
    std::vector<Value*> args;
    for (std::size_t k = 0; k < c.args.size(); ++k)
      args.push_back(coerce(expr(*c.args[k]), f.params[k].type, c.args[k]->range).v);
    return V{B.CreateCall(functions_[target->second], args), f.return_type};
  }
  if (n == "now") return V{host_call(Host::block_time, {}), t};
  if (n == "today") {
    Value* s = host_call(Host::block_time, {});
    return V{B.CreateTrunc(B.CreateSDiv(s, B.getInt64(kDay)), i32), t};
  }
  if (n == "is_signer") return V{B.CreateICmpNE(host_call(Host::is_signer, {expr(*c.args[0]).v}), c32(0)), t};
  if (n == "sha256") {
    V a = expr(*c.args[0]);
    Value* out = alloc(32);
    if (kind(a.t) == TypeKind::Hash)
      host_call(Host::sha256, {a.v, c32(32), out});
    else
      host_call(Host::sha256, {gep(a.v, 4), load(i32, a.v), out});
    return V{out, t};
  }
  unsupported(c.range, "calling `" + n + "`");
}

V Lowerer::method(const ast::MethodCallExpr& m, TypeId t) {
  const std::string& n = m.name.name;
  // Methods of storage maps work on keys without reading the whole map.
  if (m.receiver->kind == ExprKind::Path) {
    const auto& segs = m.receiver->as<ast::PathExpr>().path.segments;
    if (segs.size() == 1)
      if (auto f = storage_field(segs[0].name); f && kind(p_.storage[*f].type) == TypeKind::Map)
        return map_method(*f, m, t);
  }
  if (n == "push" && kind(type_of(*m.receiver)) == TypeKind::Vec) {
    // In place on a variable; read, push and write back on storage.
    V item = expr(*m.args[0]);
    update_place(*m.receiver, m.range, [&](Value* p, TypeId pt) {
      Value* len = load(i32, p);
      check(B.CreateICmpULT(len, c32(ty(pt).bound)), "push onto a full `" + p_.type_name(pt) + "`", m.range);
      Value* ep = gep(gep(p, 4), B.CreateMul(len, c32(mem_size(ty(pt).element))));
      store_coerced(ty(pt).element, ep, item, m.args[0]->range);
      store(B.CreateAdd(len, c32(1)), p);
    });
    return V{nullptr, t};
  }
  V recv = expr(*m.receiver);
  if (auto v = fixed_point_method(m, recv, t)) return *v;
  if (auto v = time_method(m, recv, t)) return *v;
  const Type& x = ty(recv.t);
  switch (x.kind) {
    case TypeKind::Money: {
      Value* amount = B.CreateExtractValue(recv.v, 0);
      Value* cur = B.CreateExtractValue(recv.v, 1);
      auto with = [&](Value* a) { return V{B.CreateInsertValue(recv.v, a, 0), t}; };
      Value* zero = llvm::ConstantInt::get(i128, 0);
      if (n == "is_positive") return V{B.CreateICmpSGT(amount, zero), t};
      if (n == "is_zero") return V{B.CreateICmpEQ(amount, zero), t};
      if (n == "is_negative") return V{B.CreateICmpSLT(amount, zero), t};
      if (n == "minor_units") return V{amount, t};
      if (n == "with_minor_units") return with(expr(*m.args[0]).v);
      if (n == "currency") {
        Value* out = alloc(8);  // String<3>: u32 length + 3 bytes (the code's 4th byte is 0)
        store(c32(3), out);
        store(cur, gep(out, 4));
        return V{out, t};
      }
      if (n == "times") {
        V k = expr(*m.args[0]);
        Value* k128 = ty(k.t).is_signed ? B.CreateSExt(k.v, i128) : B.CreateZExt(k.v, i128);
        if (!ty(k.t).is_signed && k.v->getType() == i128) {
          // Fix: a u128 k of 2^127 or more is negative as i128, so smul's overflow flag is wrong
          // for it; the product fits only when amount is 0, or -1 with k = 2^127 (the wrapped
          // product is right in both cases).
          auto* mul = llvm::Intrinsic::getDeclaration(M.get(), llvm::Intrinsic::smul_with_overflow, {i128});
          Value* res = B.CreateCall(mul, {amount, k128});
          Value* min = llvm::ConstantInt::get(i128, llvm::APInt::getSignedMinValue(128));
          Value* big_ok = B.CreateOr(
              B.CreateICmpEQ(amount, zero),
              B.CreateAnd(B.CreateICmpEQ(amount, llvm::ConstantInt::getSigned(i128, -1)), B.CreateICmpEQ(k128, min)));
          check(B.CreateSelect(B.CreateICmpSLT(k128, zero), big_ok, B.CreateNot(B.CreateExtractValue(res, 1))),
                "Money overflow", m.range);
          return with(B.CreateExtractValue(res, 0));
        }
        return with(overflow_op(llvm::Intrinsic::smul_with_overflow, amount, k128, "Money overflow", m.range));
      }
      if (n == "divide") {
        V k = expr(*m.args[0]);
        Value* k128 = ty(k.t).is_signed ? B.CreateSExt(k.v, i128) : B.CreateZExt(k.v, i128);
        Value* mode = B.CreateZExt(expr(*m.args[1]).v, i32);
        const std::string msg = "division by zero or overflow at " + where(m.range);
        // Fix: a u128 k (2^127 or more would read as negative) goes to the runtime's u128 variant.
        llvm::Function* div = !ty(k.t).is_signed && k.v->getType() == i128 ? rt_div_round_u128 : rt_div_round;
        return with(B.CreateCall(div, {amount, k128, mode, bytes_constant(msg), c32(msg.size())}));
      }
      if (n == "apply") {
        Value* rate = expr(*m.args[0]).v;
        Value* mode = B.CreateZExt(expr(*m.args[1]).v, i32);
        const std::string msg = "Money overflow at " + where(m.range);
        return with(B.CreateCall(rt_apply_rate, {amount, rate, mode, bytes_constant(msg), c32(msg.size())}));
      }
      break;
    }
    case TypeKind::Option: {
      Value* some = B.CreateICmpNE(load(i8, recv.v), B.getInt8(0));
      if (n == "is_some") return V{some, t};
      if (n == "is_none") return V{B.CreateNot(some), t};
      if (n == "unwrap") {
        check(some, "unwrap of None", m.range);
        return V{load_value(x.element, gep(recv.v, 1)), x.element};
      }
      break;
    }
    case TypeKind::Vec:
      if (n == "len") return V{load(i32, recv.v), t};
      break;
    case TypeKind::Interface: return interface_call(recv, m, t);
    case TypeKind::Array:
      if (n == "len") return V{c32(x.bound), t};
      break;
    case TypeKind::Bytes:
    case TypeKind::String:
      if (n == "len") return V{load(i32, recv.v), t};
      break;
    default: break;
  }
  unsupported(m.range, "the method `" + n + "` on `" + p_.type_name(recv.t) + "`");
}

V Lowerer::interface_call(V recv, const ast::MethodCallExpr& m, TypeId t) {
  const std::string& n = m.name.name;
  if (n == "with_gas") {
    Value* out = alloc(40);
    copy(out, recv.v, 32);
    store(expr(*m.args[0]).v, gep(out, 32));
    return V{out, t};
  }
  const check::InterfaceInfo& in = p_.interfaces[ty(recv.t).decl];
  const check::FunctionInfo* f = nullptr;
  for (const auto& x : in.methods)
    if (x.name == n) f = &x;
  if (!f) unsupported(m.range, "this interface method");
  std::uint64_t cap = 4 + n.size();
  for (const auto& prm : f->params) cap += enc_size(prm.type);
  Value* buf = alloc(cap);
  store(c32(n.size()), buf);
  copy(gep(buf, 4), bytes_constant(n), n.size());
  Value* pos = c32(4 + n.size());
  for (std::size_t k = 0; k < m.args.size() && k < f->params.size(); ++k) {
    V a = coerce(expr(*m.args[k]), f->params[k].type, m.args[k]->range);
    pos = B.CreateCall(encoder(f->params[k].type), {buf, pos, a.v});
  }
  Value* status = host_call(Host::call_contract, {recv.v, buf, pos, load(i64, gep(recv.v, 32))});
  BasicBlock* ok = block("call.ok");
  BasicBlock* failed = block("call.failed");
  B.CreateCondBr(B.CreateICmpEQ(status, c32(0)), ok, failed);
  // Failure: "<prefix><the callee's message>", reverted or aborted.
  B.SetInsertPoint(failed);
  const std::string what = in.name + "." + n;
  const std::string revert_prefix = what + ": ";
  const std::string abort_prefix = "call to " + what + " failed at " + where(m.range) + ": ";
  Value* is_revert = B.CreateICmpEQ(status, c32(1));
  Value* prefix = B.CreateSelect(is_revert, bytes_constant(revert_prefix), bytes_constant(abort_prefix));
  Value* plen = B.CreateSelect(is_revert, c32(revert_prefix.size()), c32(abort_prefix.size()));
  Value* dlen = host_call(Host::return_data_size, {});
  Value* msg = alloc(B.CreateAdd(plen, dlen));
  copy(msg, prefix, plen);
  host_call(Host::return_data_read, {gep(msg, plen), c32(0), dlen});
  BasicBlock* rv = block("call.revert");
  BasicBlock* ab = block("call.abort");
  B.CreateCondBr(is_revert, rv, ab);
  B.SetInsertPoint(rv);
  B.CreateCall(rt_revert, {msg, B.CreateAdd(plen, dlen)});
  B.CreateUnreachable();
  B.SetInsertPoint(ab);
  B.CreateCall(rt_abort, {msg, B.CreateAdd(plen, dlen)});
  B.CreateUnreachable();
  B.SetInsertPoint(ok);
  if (kind(f->return_type) == TypeKind::Unit) return V{nullptr, t};
  Value* rlen = host_call(Host::return_data_size, {});
  Value* data = alloc(rlen);
  host_call(Host::return_data_read, {data, c32(0), rlen});
  Value* rd = slot(16);
  store(data, rd);
  store(rlen, gep(rd, 4));
  store(c32(0), gep(rd, 8));
  store(c32(2), gep(rd, 12));  // a called contract's result: malformed traps
  Value* out = alloc(mem_size(f->return_type));
  B.CreateCall(decoder(f->return_type), {rd, out});
  B.CreateCall(rt_finish, {rd});
  return V{load_value(f->return_type, out), f->return_type};
}

}  // namespace tenor::compiler::lower
