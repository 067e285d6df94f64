// The LLVM type of each Tenor type, sizes in memory and in Borsh (lowerer.hpp), and values in memory.
#include "lowerer.hpp"

namespace tenor::compiler::lower {

bool Lowerer::is_key_type(TypeId t) const {
  const Type& x = ty(t);
  if (x.kind == TypeKind::Error || x.kind == TypeKind::Bytes || x.kind == TypeKind::String) return true;
  const check::ScalarType* s = check::scalar_type_of(x);
  return s != nullptr && s->key != check::KeyEncoding::NotAKey;
}

bool Lowerer::is_scalar(TypeId t) const {
  switch (kind(t)) {
    case TypeKind::Bool:
    case TypeKind::Int:
    case TypeKind::Money:
    case TypeKind::Rate:
    case TypeKind::Decimal:
    case TypeKind::Date:
    case TypeKind::Timestamp:
    case TypeKind::Duration:
    case TypeKind::Rounding: return true;
    default: return false;
  }
}

llvm::Type* Lowerer::scalar_type(TypeId t) {
  const Type& x = ty(t);
  switch (x.kind) {
    case TypeKind::Bool: return i1;
    case TypeKind::Int: return B.getIntNTy(x.bits);
    case TypeKind::Money: return money_ty;
    case TypeKind::Rate: return i64;
    case TypeKind::Decimal: return i128;
    case TypeKind::Date: return i32;
    case TypeKind::Timestamp:
    case TypeKind::Duration: return i64;
    case TypeKind::Rounding: return i8;
    default: return ptr;
  }
}

llvm::Type* Lowerer::value_type(TypeId t) {
  if (kind(t) == TypeKind::Unit) return B.getVoidTy();
  return is_scalar(t) ? scalar_type(t) : ptr;
}

std::uint64_t Lowerer::layout_size(TypeId t, bool borsh) const {
  const std::uint64_t cap = kMaxValueBytes + 1;
  auto sat = [&](std::uint64_t a) { return a > cap ? cap : a; };
  auto mul = [&](std::uint64_t a, std::uint64_t n) { return n != 0 && a > cap / n ? cap : sat(a * n); };
  const Type& x = ty(t);
  // The registry's scalars have their Borsh size in memory too, except Money: { i128, u32 }.
  if (const check::ScalarType* s = check::scalar_type_of(x))
    return !borsh && x.kind == TypeKind::Money ? 20 : s->borsh_bytes;
  switch (x.kind) {
    case TypeKind::Unit: return 0;
    case TypeKind::Rounding: return 1;
    case TypeKind::Interface: return 40;  // the address, then the u64 gas limit of its calls
    case TypeKind::Bytes:
    case TypeKind::String: return sat(4 + std::min<std::uint64_t>(x.bound, cap));
    case TypeKind::Array: return mul(layout_size(x.element, borsh), x.bound);
    case TypeKind::Vec: return sat(4 + mul(layout_size(x.element, borsh), x.bound));
    case TypeKind::Option: return sat(1 + layout_size(x.element, borsh));
    case TypeKind::Struct: {
      std::uint64_t s = 0;
      for (const auto& f : p_.structs[x.decl].fields) s = sat(s + layout_size(f.type, borsh));
      return s;
    }
    case TypeKind::Enum: {
      std::uint64_t m = 0;
      for (const auto& v : p_.enums[x.decl].variants) {
        std::uint64_t s = 0;
        for (const auto& f : v.fields) s = sat(s + layout_size(f.type, borsh));
        m = std::max(m, s);
      }
      return sat(1 + m);
    }
    default: return 0;
  }
}

void Lowerer::check_size(TypeId t, SourceRange where) {
  if (kind(t) == TypeKind::Map) {
    check_size(ty(t).key, where);
    check_size(ty(t).element, where);
    return;
  }
  const std::uint64_t s = std::max(mem_size(t), enc_size(t));
  if (s > kMaxValueBytes)
    diags_.report(
        DiagnosticKind::TypeTooLarge, where,
        {p_.type_name(t), s > kMaxValueBytes ? "more than " + std::to_string(kMaxValueBytes) : std::to_string(s),
         std::to_string(kMaxValueBytes)},
        "lower the bound of its Bytes, String or Vec, or store the items in a Map");
}

Value* Lowerer::load_value(TypeId t, Value* p) {
  switch (kind(t)) {
    case TypeKind::Bool: return B.CreateICmpNE(load(i8, p), B.getInt8(0));
    case TypeKind::Money: {
      Value* m = llvm::UndefValue::get(money_ty);
      m = B.CreateInsertValue(m, load(i128, p), 0);
      return B.CreateInsertValue(m, load(i32, gep(p, 16)), 1);
    }
    default: return is_scalar(t) ? load(scalar_type(t), p) : p;
  }
}

void Lowerer::store_value(TypeId t, Value* p, Value* v) {
  switch (kind(t)) {
    case TypeKind::Bool: store(B.CreateZExt(v, i8), p); return;
    case TypeKind::Money:
      store(B.CreateExtractValue(v, 0), p);
      store(B.CreateExtractValue(v, 1), gep(p, 16));
      return;
    default:
      if (is_scalar(t))
        store(v, p);
      else
        copy(p, v, mem_size(t));
  }
}

void Lowerer::store_coerced(TypeId to, Value* p, V v, SourceRange r) {
  if (v.t == to || kind(to) == TypeKind::Error || kind(v.t) == TypeKind::Error) {
    store_value(to, p, v.v);
    return;
  }
  const Type& a = ty(to);
  const Type& b = ty(v.t);
  if ((a.kind == TypeKind::Bytes || a.kind == TypeKind::String) && a.kind == b.kind) {
    Value* len = load(i32, v.v);
    if (b.bound > a.bound) check(B.CreateICmpULE(len, c32(a.bound)), "a value longer than " + p_.type_name(to), r);
    store(len, p);
    copy(gep(p, 4), gep(v.v, 4), len);
    return;
  }
  if (a.kind == TypeKind::Option && b.kind == TypeKind::Option) {
    Value* tag = load(i8, v.v);
    store(tag, p);
    BasicBlock* some = block("coerce.some");
    BasicBlock* done = block("coerce.done");
    B.CreateCondBr(B.CreateICmpNE(tag, B.getInt8(0)), some, done);
    B.SetInsertPoint(some);
    store_coerced(a.element, gep(p, 1), V{load_value(b.element, gep(v.v, 1)), b.element}, r);
    B.CreateBr(done);
    B.SetInsertPoint(done);
    return;
  }
  if (a.kind == b.kind && (a.kind == TypeKind::Array || a.kind == TypeKind::Vec) && a.bound == b.bound &&
      mem_size(a.element) == mem_size(b.element)) {
    store_value(to, p, v.v);  // same layout (element types differ only where compatible and equal-sized)
    return;
  }
  unsupported(r, "converting `" + p_.type_name(v.t) + "` to `" + p_.type_name(to) + "`");
}

V Lowerer::coerce(V v, TypeId to, SourceRange r) {
  if (v.t == to || is_scalar(to) || kind(to) == TypeKind::Unit) return V{v.v, to};
  Value* p = alloc(mem_size(to));
  store_coerced(to, p, v, r);
  return V{p, to};
}

}  // namespace tenor::compiler::lower
