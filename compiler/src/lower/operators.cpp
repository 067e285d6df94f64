// Unary and binary operators: checked integer, Money, Rate and time arithmetic, comparisons, conversions.
#include "lowerer.hpp"

namespace tenor::compiler::lower {

Value* Lowerer::overflow_op(llvm::Intrinsic::ID id, Value* a, Value* b, const std::string& what, SourceRange r) {
  llvm::Function* f = llvm::Intrinsic::getDeclaration(M.get(), id, {a->getType()});
  Value* res = B.CreateCall(f, {a, b});
  check(B.CreateNot(B.CreateExtractValue(res, 1)), what, r);
  return B.CreateExtractValue(res, 0);
}

void Lowerer::same_currency(Value* a, Value* b, SourceRange r) {
  check(B.CreateICmpEQ(B.CreateExtractValue(a, 1), B.CreateExtractValue(b, 1)), "currency mismatch", r);
}

V Lowerer::unary(const ast::UnaryExpr& u, TypeId t) {
  if (u.op == ast::UnaryOp::Not) return V{B.CreateNot(expr(*u.operand).v), t};
  if (u.operand->kind == ExprKind::IntegerLiteral && kind(t) != TypeKind::Decimal)
    return V{int_constant(t, u.operand->as<ast::LiteralExpr>().text, true, u.range), t};
  if ((u.operand->kind == ExprKind::DecimalLiteral || u.operand->kind == ExprKind::IntegerLiteral) &&
      kind(t) == TypeKind::Decimal)
    return V{decimal_value(u.operand->as<ast::LiteralExpr>().text, true), t};
  V v = expr(*u.operand);
  if (kind(t) == TypeKind::Money) {
    Value* a = B.CreateExtractValue(v.v, 0);
    Value* neg =
        overflow_op(llvm::Intrinsic::ssub_with_overflow, llvm::ConstantInt::get(i128, 0), a, "Money overflow", u.range);
    return V{B.CreateInsertValue(v.v, neg, 0), t};
  }
  return V{overflow_op(llvm::Intrinsic::ssub_with_overflow, llvm::ConstantInt::get(v.v->getType(), 0), v.v,
                       kind(t) == TypeKind::Decimal ? "Decimal overflow" : "integer overflow", u.range),
           t};
}

V Lowerer::binary(const ast::BinaryExpr& b, TypeId t) {
  using ast::BinaryOp;
  if (b.op == BinaryOp::And || b.op == BinaryOp::Or) {
    Value* l = expr(*b.lhs).v;
    BasicBlock* lhs_end = B.GetInsertBlock();
    BasicBlock* rhs_bb = block(b.op == BinaryOp::And ? "and.rhs" : "or.rhs");
    BasicBlock* end = block("logic.end");
    if (b.op == BinaryOp::And)
      B.CreateCondBr(l, rhs_bb, end);
    else
      B.CreateCondBr(l, end, rhs_bb);
    B.SetInsertPoint(rhs_bb);
    Value* r = expr(*b.rhs).v;
    BasicBlock* rhs_end = B.GetInsertBlock();
    B.CreateBr(end);
    B.SetInsertPoint(end);
    auto* phi = B.CreatePHI(i1, 2);
    phi->addIncoming(B.getInt1(b.op == BinaryOp::Or), lhs_end);
    phi->addIncoming(r, rhs_end);
    return V{phi, t};
  }
  if (b.op == BinaryOp::Range) unsupported(b.range, "a range outside `for`");
  V l = expr(*b.lhs);
  V r = expr(*b.rhs);
  if (b.op >= BinaryOp::Eq && b.op <= BinaryOp::Ge) return V{compare(b.op, l, r, b.op_range), t};
  return arith(b.op, l, r, b.op_range);
}

Value* Lowerer::compare(ast::BinaryOp op, V l, V r, SourceRange where_) {
  using ast::BinaryOp;
  if (op == BinaryOp::Eq || op == BinaryOp::Ne) {
    if (!is_scalar(l.t) && l.t != r.t) unsupported(where_, "comparing values of different bounds");
    Value* eq = equal(l.t, l.v, r.v, where_);
    return op == BinaryOp::Eq ? eq : B.CreateNot(eq);
  }
  Value* a = l.v;
  Value* c = r.v;
  bool is_signed = true;
  if (kind(l.t) == TypeKind::Money) {
    same_currency(a, c, where_);
    a = B.CreateExtractValue(a, 0);
    c = B.CreateExtractValue(c, 0);
  } else if (kind(l.t) == TypeKind::Int) {
    is_signed = ty(l.t).is_signed;
  }
  switch (op) {
    case BinaryOp::Lt: return is_signed ? B.CreateICmpSLT(a, c) : B.CreateICmpULT(a, c);
    case BinaryOp::Le: return is_signed ? B.CreateICmpSLE(a, c) : B.CreateICmpULE(a, c);
    case BinaryOp::Gt: return is_signed ? B.CreateICmpSGT(a, c) : B.CreateICmpUGT(a, c);
    default: return is_signed ? B.CreateICmpSGE(a, c) : B.CreateICmpUGE(a, c);
  }
}

V Lowerer::arith(ast::BinaryOp op, V l, V r, SourceRange w) {
  using ast::BinaryOp;
  using llvm::Intrinsic::ID;
  const TypeKind lk = kind(l.t), rk = kind(r.t);
  if (lk == TypeKind::Money) {
    same_currency(l.v, r.v, w);
    Value* a = B.CreateExtractValue(l.v, 0);
    Value* c = B.CreateExtractValue(r.v, 0);
    const ID id = op == BinaryOp::Add ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::ssub_with_overflow;
    return V{B.CreateInsertValue(l.v, overflow_op(id, a, c, "Money overflow", w), 0), l.t};
  }
  // Date +- Duration: whole days only.
  if ((lk == TypeKind::Date && rk == TypeKind::Duration) || (lk == TypeKind::Duration && rk == TypeKind::Date)) {
    Value* date = lk == TypeKind::Date ? l.v : r.v;
    Value* dur = lk == TypeKind::Date ? r.v : l.v;
    check(B.CreateICmpEQ(B.CreateSRem(dur, B.getInt64(kDay)), B.getInt64(0)),
          "a Duration that is not a whole number of days", w);
    Value* days = B.CreateSExt(date, i64);
    Value* d = B.CreateSDiv(dur, B.getInt64(kDay));
    Value* res =
        overflow_op(op == BinaryOp::Add ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::ssub_with_overflow,
                    days, d, "date overflow", w);
    Value* narrow = B.CreateTrunc(res, i32);
    check(B.CreateICmpEQ(B.CreateSExt(narrow, i64), res), "date overflow", w);
    return V{narrow, lk == TypeKind::Date ? l.t : r.t};
  }
  if (lk == TypeKind::Date && rk == TypeKind::Date) {
    Value* d = B.CreateSub(B.CreateSExt(l.v, i64), B.CreateSExt(r.v, i64));
    return V{B.CreateMul(d, B.getInt64(kDay)), find_simple(TypeKind::Duration)};
  }
  if (lk == TypeKind::Timestamp && rk == TypeKind::Timestamp) {
    return V{overflow_op(llvm::Intrinsic::ssub_with_overflow, l.v, r.v, "time overflow", w),
             find_simple(TypeKind::Duration)};
  }
  if (lk == TypeKind::Duration && rk == TypeKind::Int) return duration_arith(op, l, r, w);
  if (lk == TypeKind::Int && rk == TypeKind::Duration) return duration_arith(op, r, l, w);
  if (lk == TypeKind::Duration && rk == TypeKind::Timestamp) std::swap(l, r);
  const bool is_signed = kind(l.t) != TypeKind::Int || ty(l.t).is_signed;
  const char* what = kind(l.t) == TypeKind::Int       ? "integer overflow"
                     : kind(l.t) == TypeKind::Decimal ? "Decimal overflow"
                                                      : "overflow";
  switch (op) {
    case BinaryOp::Add:
      return V{overflow_op(is_signed ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::uadd_with_overflow, l.v,
                           r.v, what, w),
               l.t};
    case BinaryOp::Sub:
      return V{overflow_op(is_signed ? llvm::Intrinsic::ssub_with_overflow : llvm::Intrinsic::usub_with_overflow, l.v,
                           r.v, what, w),
               l.t};
    case BinaryOp::Mul:
      return V{overflow_op(is_signed ? llvm::Intrinsic::smul_with_overflow : llvm::Intrinsic::umul_with_overflow, l.v,
                           r.v, what, w),
               l.t};
    case BinaryOp::Div:
    case BinaryOp::Rem: {
      llvm::Type* it = l.v->getType();
      check(B.CreateICmpNE(r.v, llvm::ConstantInt::get(it, 0)), "division by zero", w);
      if (is_signed) {
        Value* min = llvm::ConstantInt::get(it, llvm::APInt::getSignedMinValue(it->getIntegerBitWidth()));
        Value* bad = B.CreateAnd(B.CreateICmpEQ(l.v, min), B.CreateICmpEQ(r.v, llvm::ConstantInt::getSigned(it, -1)));
        check(B.CreateNot(bad), "integer overflow", w);
      }
      if (op == BinaryOp::Div) return V{is_signed ? B.CreateSDiv(l.v, r.v) : B.CreateUDiv(l.v, r.v), l.t};
      return V{is_signed ? B.CreateSRem(l.v, r.v) : B.CreateURem(l.v, r.v), l.t};
    }
    default: break;
  }
  unsupported(w, "this operator");
}

Value* Lowerer::int_convert(V v, TypeId to, SourceRange r) {
  const Type& b = ty(to);
  if (ty(v.t).kind != TypeKind::Int || b.kind != TypeKind::Int) unsupported(r, "this conversion");
  return int_to_bits(v, b.bits, b.is_signed, "value does not fit in `" + p_.type_name(to) + "`", r);
}

Value* Lowerer::int_to_bits(V v, unsigned bits, bool is_signed, const std::string& what, SourceRange r) {
  const Type& a = ty(v.t);
  const unsigned wide = std::max<unsigned>(a.bits, bits) + 1;
  llvm::Type* wt = B.getIntNTy(wide);
  Value* x = a.is_signed ? B.CreateSExt(v.v, wt) : B.CreateZExt(v.v, wt);
  const llvm::APInt lo = is_signed ? llvm::APInt::getSignedMinValue(bits).sext(wide) : llvm::APInt(wide, 0);
  const llvm::APInt hi =
      is_signed ? llvm::APInt::getSignedMaxValue(bits).sext(wide) : llvm::APInt::getMaxValue(bits).zext(wide);
  Value* ok = B.CreateAnd(B.CreateICmpSGE(x, B.getInt(lo)), B.CreateICmpSLE(x, B.getInt(hi)));
  check(ok, what, r);
  return B.CreateTrunc(x, B.getIntNTy(bits));
}

}  // namespace tenor::compiler::lower
