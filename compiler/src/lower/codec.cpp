// The Borsh encoder, decoder and equality of each type, one generated function per type (docs/abi.md).
#include "lowerer.hpp"

namespace tenor::compiler::lower {

llvm::Function* Lowerer::encoder(TypeId t) {
  if (auto it = encoders_.find(t); it != encoders_.end()) return it->second;
  auto* f = llvm::Function::Create(llvm::FunctionType::get(i32, {ptr, i32, value_type(t)}, false),
                                   llvm::GlobalValue::InternalLinkage, "enc." + p_.type_name(t), *M);
  encoders_[t] = f;
  HelperScope helper(*this, f);
  B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
  Value* buf = f->getArg(0);
  Value* pos = f->getArg(1);
  Value* v = f->getArg(2);
  B.CreateRet(encode_body(t, buf, pos, v));
  return f;
}

Value* Lowerer::put(Value* buf, Value* pos, Value* v) {
  store(v, gep(buf, pos));
  return B.CreateAdd(pos, c32(v->getType()->getIntegerBitWidth() / 8));
}

Value* Lowerer::encode_body(TypeId t, Value* buf, Value* pos, Value* v) {
  const Type& x = ty(t);
  switch (x.kind) {
    case TypeKind::Bool: return put(buf, pos, B.CreateZExt(v, i8));
    case TypeKind::Int:
    case TypeKind::Rate:
    case TypeKind::Decimal:
    case TypeKind::Date:
    case TypeKind::Timestamp:
    case TypeKind::Duration:
    case TypeKind::Rounding: return put(buf, pos, v);
    case TypeKind::Money: {
      pos = put(buf, pos, B.CreateExtractValue(v, 0));
      Value* cur = B.CreateExtractValue(v, 1);
      pos = put(buf, pos, B.CreateTrunc(cur, B.getInt16Ty()));
      return put(buf, pos, B.CreateTrunc(B.CreateLShr(cur, 16), i8));
    }
    case TypeKind::Party:
    case TypeKind::Address:
    case TypeKind::Hash: copy(gep(buf, pos), v, enc_size(t)); return B.CreateAdd(pos, c32(enc_size(t)));
    case TypeKind::Bytes:
    case TypeKind::String: {
      Value* len = load(i32, v);
      pos = put(buf, pos, len);
      copy(gep(buf, pos), gep(v, 4), len);
      return B.CreateAdd(pos, len);
    }
    case TypeKind::Array:
    case TypeKind::Vec: {
      Value* len = x.kind == TypeKind::Vec ? load(i32, v) : c32(x.bound);
      if (x.kind == TypeKind::Vec) pos = put(buf, pos, len);
      Value* base = x.kind == TypeKind::Vec ? gep(v, 4) : v;
      const std::uint64_t es = mem_size(x.element);
      return loop(len, pos, [&](Value* i, Value* p) {
        Value* ep = gep(base, B.CreateMul(i, c32(es)));
        return B.CreateCall(encoder(x.element), {buf, p, load_value(x.element, ep)});
      });
    }
    case TypeKind::Option: {
      Value* tag = load(i8, v);
      pos = put(buf, pos, tag);
      BasicBlock* entry = B.GetInsertBlock();
      BasicBlock* some = block("enc.some");
      BasicBlock* done = block("enc.done");
      B.CreateCondBr(B.CreateICmpNE(tag, B.getInt8(0)), some, done);
      B.SetInsertPoint(some);
      Value* p2 = B.CreateCall(encoder(x.element), {buf, pos, load_value(x.element, gep(v, 1))});
      BasicBlock* some_end = B.GetInsertBlock();
      B.CreateBr(done);
      B.SetInsertPoint(done);
      auto* phi = B.CreatePHI(i32, 2);
      phi->addIncoming(pos, entry);
      phi->addIncoming(p2, some_end);
      return phi;
    }
    case TypeKind::Struct: {
      std::uint64_t off = 0;
      for (const auto& f : p_.structs[x.decl].fields) {
        pos = B.CreateCall(encoder(f.type), {buf, pos, load_value(f.type, gep(v, off))});
        off += mem_size(f.type);
      }
      return pos;
    }
    case TypeKind::Enum: {
      Value* tag = load(i8, v);
      pos = put(buf, pos, tag);
      const auto& variants = p_.enums[x.decl].variants;
      BasicBlock* done = block("enc.enum.done");
      BasicBlock* bad = block("enc.enum.bad");
      auto* sw = B.CreateSwitch(tag, bad, static_cast<unsigned>(variants.size()));
      std::vector<std::pair<Value*, BasicBlock*>> ins;
      for (std::size_t k = 0; k < variants.size(); ++k) {
        BasicBlock* bb = block("enc.variant");
        sw->addCase(B.getInt8(static_cast<std::uint8_t>(k)), bb);
        B.SetInsertPoint(bb);
        Value* p = pos;
        std::uint64_t off = 1;
        for (const auto& f : variants[k].fields) {
          p = B.CreateCall(encoder(f.type), {buf, p, load_value(f.type, gep(v, off))});
          off += mem_size(f.type);
        }
        ins.push_back({p, B.GetInsertBlock()});
        B.CreateBr(done);
      }
      B.SetInsertPoint(bad);
      B.CreateUnreachable();
      B.SetInsertPoint(done);
      auto* phi = B.CreatePHI(i32, static_cast<unsigned>(ins.size()));
      for (auto& [val, bb] : ins) phi->addIncoming(val, bb);
      if (ins.empty()) return pos;
      return phi;
    }
    default: unsupported(SourceRange{}, "encoding `" + p_.type_name(t) + "`");
  }
}

llvm::Function* Lowerer::decoder(TypeId t) {
  if (auto it = decoders_.find(t); it != decoders_.end()) return it->second;
  auto* f = llvm::Function::Create(llvm::FunctionType::get(B.getVoidTy(), {ptr, ptr}, false),
                                   llvm::GlobalValue::InternalLinkage, "dec." + p_.type_name(t), *M);
  decoders_[t] = f;
  HelperScope helper(*this, f);
  B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
  decode_body(t, f->getArg(0), f->getArg(1));
  B.CreateRetVoid();
  return f;
}

void Lowerer::malformed_unless(Value* ok, Value* rd) {
  BasicBlock* pass = block("dec.ok");
  BasicBlock* fail = block("dec.bad");
  B.CreateCondBr(ok, pass, fail);
  B.SetInsertPoint(fail);
  B.CreateCall(rt_malformed, {rd});
  B.CreateUnreachable();
  B.SetInsertPoint(pass);
}

void Lowerer::decode_body(TypeId t, Value* rd, Value* out) {
  const Type& x = ty(t);
  switch (x.kind) {
    case TypeKind::Bool: {
      Value* b = load(i8, take(rd, 1));
      malformed_unless(B.CreateICmpULE(b, B.getInt8(1)), rd);
      store(b, out);
      return;
    }
    case TypeKind::Int:
    case TypeKind::Rate:
    case TypeKind::Decimal:
    case TypeKind::Date:
    case TypeKind::Timestamp:
    case TypeKind::Duration:
    case TypeKind::Party:
    case TypeKind::Address:
    case TypeKind::Hash: {
      const std::uint64_t n = mem_size(t);
      copy(out, take(rd, n), n);
      return;
    }
    case TypeKind::Money: {
      const std::uint64_t n = enc_size(t);  // the amount, then three letters
      copy(out, take(rd, n), n);
      store(B.getInt8(0), gep(out, n));
      // The currency is three upper-case ASCII letters.
      Value* ok = B.getTrue();
      for (int k = 16; k < 19; ++k) {
        Value* c = load(i8, gep(out, k));
        ok = B.CreateAnd(ok, B.CreateAnd(B.CreateICmpUGE(c, B.getInt8('A')), B.CreateICmpULE(c, B.getInt8('Z'))));
      }
      malformed_unless(ok, rd);
      return;
    }
    case TypeKind::Bytes:
    case TypeKind::String: {
      Value* len = load(i32, take(rd, 4));
      malformed_unless(B.CreateICmpULE(len, c32(x.bound)), rd);
      store(len, out);
      Value* src = B.CreateCall(rt_take, {rd, len});
      if (x.kind == TypeKind::String) B.CreateCall(rt_check_utf8, {rd, src, len});
      copy(gep(out, 4), src, len);
      return;
    }
    case TypeKind::Array:
    case TypeKind::Vec: {
      Value* len = c32(x.bound);
      Value* base = out;
      if (x.kind == TypeKind::Vec) {
        len = load(i32, take(rd, 4));
        malformed_unless(B.CreateICmpULE(len, c32(x.bound)), rd);
        store(len, out);
        base = gep(out, 4);
      }
      const std::uint64_t es = mem_size(x.element);
      loop(len, c32(0), [&](Value* i, Value* acc) {
        B.CreateCall(decoder(x.element), {rd, gep(base, B.CreateMul(i, c32(es)))});
        return acc;
      });
      return;
    }
    case TypeKind::Option: {
      Value* tag = load(i8, take(rd, 1));
      malformed_unless(B.CreateICmpULE(tag, B.getInt8(1)), rd);
      store(tag, out);
      BasicBlock* some = block("dec.some");
      BasicBlock* done = block("dec.done");
      B.CreateCondBr(B.CreateICmpNE(tag, B.getInt8(0)), some, done);
      B.SetInsertPoint(some);
      B.CreateCall(decoder(x.element), {rd, gep(out, 1)});
      B.CreateBr(done);
      B.SetInsertPoint(done);
      return;
    }
    case TypeKind::Struct: {
      std::uint64_t off = 0;
      for (const auto& f : p_.structs[x.decl].fields) {
        B.CreateCall(decoder(f.type), {rd, gep(out, off)});
        off += mem_size(f.type);
      }
      return;
    }
    case TypeKind::Enum: {
      const auto& variants = p_.enums[x.decl].variants;
      Value* tag = load(i8, take(rd, 1));
      malformed_unless(B.CreateICmpULT(tag, B.getInt8(static_cast<std::uint8_t>(variants.size()))), rd);
      store(tag, out);
      BasicBlock* done = block("dec.enum.done");
      auto* sw = B.CreateSwitch(tag, done, static_cast<unsigned>(variants.size()));
      for (std::size_t k = 0; k < variants.size(); ++k) {
        if (variants[k].fields.empty()) continue;
        BasicBlock* bb = block("dec.variant");
        sw->addCase(B.getInt8(static_cast<std::uint8_t>(k)), bb);
        B.SetInsertPoint(bb);
        std::uint64_t off = 1;
        for (const auto& f : variants[k].fields) {
          B.CreateCall(decoder(f.type), {rd, gep(out, off)});
          off += mem_size(f.type);
        }
        B.CreateBr(done);
      }
      B.SetInsertPoint(done);
      return;
    }
    default: unsupported(SourceRange{}, "decoding `" + p_.type_name(t) + "`");
  }
}

Value* Lowerer::equal(TypeId t, Value* a, Value* b, SourceRange r) {
  const Type& x = ty(t);
  switch (x.kind) {
    case TypeKind::Bool:
    case TypeKind::Int:
    case TypeKind::Rate:
    case TypeKind::Decimal:
    case TypeKind::Date:
    case TypeKind::Timestamp:
    case TypeKind::Duration:
    case TypeKind::Rounding: return B.CreateICmpEQ(a, b);
    case TypeKind::Money: {
      same_currency(a, b, r);
      return B.CreateICmpEQ(B.CreateExtractValue(a, 0), B.CreateExtractValue(b, 0));
    }
    case TypeKind::Unit: return B.getTrue();
    default: break;
  }
  return B.CreateCall(eq_function(t), {a, b});
}

llvm::Function* Lowerer::eq_function(TypeId t) {
  if (auto it = eqs_.find(t); it != eqs_.end()) return it->second;
  auto* f = llvm::Function::Create(llvm::FunctionType::get(i1, {ptr, ptr}, false), llvm::GlobalValue::InternalLinkage,
                                   "eq." + p_.type_name(t), *M);
  eqs_[t] = f;
  HelperScope helper(*this, f);
  B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
  Value* a = f->getArg(0);
  Value* b = f->getArg(1);
  BasicBlock* no = block("eq.no");
  auto require_eq = [&](Value* c) {
    BasicBlock* next = block("eq.next");
    B.CreateCondBr(c, next, no);
    B.SetInsertPoint(next);
  };
  auto bytes_eq = [&](Value* pa, Value* pb, Value* n) {
    loop(n, c32(0), [&](Value* i, Value* acc) {
      require_eq(B.CreateICmpEQ(load(i8, gep(pa, i)), load(i8, gep(pb, i))));
      return acc;
    });
  };
  auto field_eq = [&](TypeId ft, Value* pa, Value* pb) {
    if (kind(ft) == TypeKind::Money) {
      // Structural equality of stored Money compares currency and amount (no trap).
      require_eq(B.CreateICmpEQ(load(i32, gep(pa, 16)), load(i32, gep(pb, 16))));
      require_eq(B.CreateICmpEQ(load(i128, pa), load(i128, pb)));
    } else {
      require_eq(equal(ft, load_value(ft, pa), load_value(ft, pb), {}));
    }
  };
  const Type& x = ty(t);
  switch (x.kind) {
    case TypeKind::Party:
    case TypeKind::Address:
    case TypeKind::Hash: bytes_eq(a, b, c32(32)); break;
    case TypeKind::Bytes:
    case TypeKind::String: {
      Value* la = load(i32, a);
      require_eq(B.CreateICmpEQ(la, load(i32, b)));
      bytes_eq(gep(a, 4), gep(b, 4), la);
      break;
    }
    case TypeKind::Array:
    case TypeKind::Vec: {
      Value* n = c32(x.bound);
      Value* pa = a;
      Value* pb = b;
      if (x.kind == TypeKind::Vec) {
        n = load(i32, a);
        require_eq(B.CreateICmpEQ(n, load(i32, b)));
        pa = gep(a, 4);
        pb = gep(b, 4);
      }
      const std::uint64_t es = mem_size(x.element);
      loop(n, c32(0), [&](Value* i, Value* acc) {
        Value* off = B.CreateMul(i, c32(es));
        field_eq(x.element, gep(pa, off), gep(pb, off));
        return acc;
      });
      break;
    }
    case TypeKind::Option: {
      Value* ta = load(i8, a);
      require_eq(B.CreateICmpEQ(ta, load(i8, b)));
      BasicBlock* some = block("eq.some");
      BasicBlock* yes_none = block("eq.none");
      B.CreateCondBr(B.CreateICmpNE(ta, B.getInt8(0)), some, yes_none);
      B.SetInsertPoint(yes_none);
      B.CreateRet(B.getTrue());
      B.SetInsertPoint(some);
      field_eq(x.element, gep(a, 1), gep(b, 1));
      break;
    }
    case TypeKind::Struct: {
      std::uint64_t off = 0;
      for (const auto& fld : p_.structs[x.decl].fields) {
        field_eq(fld.type, gep(a, off), gep(b, off));
        off += mem_size(fld.type);
      }
      break;
    }
    case TypeKind::Enum: {
      Value* ta = load(i8, a);
      require_eq(B.CreateICmpEQ(ta, load(i8, b)));
      const auto& variants = p_.enums[x.decl].variants;
      BasicBlock* yes = block("eq.yes");
      auto* sw = B.CreateSwitch(ta, yes, static_cast<unsigned>(variants.size()));
      for (std::size_t k = 0; k < variants.size(); ++k) {
        if (variants[k].fields.empty()) continue;
        BasicBlock* bb = block("eq.variant");
        sw->addCase(B.getInt8(static_cast<std::uint8_t>(k)), bb);
        B.SetInsertPoint(bb);
        std::uint64_t off = 1;
        for (const auto& fld : variants[k].fields) {
          field_eq(fld.type, gep(a, off), gep(b, off));
          off += mem_size(fld.type);
        }
        B.CreateBr(yes);
      }
      B.SetInsertPoint(yes);
      break;
    }
    default: unsupported(SourceRange{}, "comparing values of type `" + p_.type_name(t) + "`");
  }
  if (!terminated()) B.CreateRet(B.getTrue());
  B.SetInsertPoint(no);
  B.CreateRet(B.getFalse());
  return f;
}

}  // namespace tenor::compiler::lower
