// The runtime's and the host's functions, small IR helpers and source locations (lowerer.hpp).
#include "lowerer.hpp"

namespace tenor::compiler::lower {

void Lowerer::attach_subprogram(llvm::Function* f, SourceRange r) {
  const unsigned line = sm_.line_column(r.start()).line;
  llvm::DIFile*& file = di_files_[r.file];
  if (!file) file = di_->createFile(sm_.file(r.file).path(), "");
  llvm::DISubprogram* sp = di_->createFunction(file, f->getName(), llvm::StringRef(), file, line,
                                               di_->createSubroutineType(di_->getOrCreateTypeArray({})), line,
                                               llvm::DINode::FlagZero, llvm::DISubprogram::SPFlagDefinition);
  f->setSubprogram(sp);
  scope_ = sp;
  locate(r);
}

void Lowerer::locate(SourceRange r) {
  if (!scope_) return;
  const auto lc = sm_.line_column(r.start());
  B.SetCurrentDebugLocation(llvm::DILocation::get(C, lc.line, lc.column, scope_));
}

void Lowerer::unsupported(SourceRange where, const std::string& what) {
  diags_.report(DiagnosticKind::UnsupportedByCodegen, where, {what});
  throw Unsupported{};
}

llvm::Function* Lowerer::declare(const std::string& name, llvm::Type* ret, std::vector<llvm::Type*> params) {
  return llvm::cast<llvm::Function>(
      M->getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false)).getCallee());
}

Value* Lowerer::host_call(Host h, std::vector<Value*> args) {
  HostImport& imp = hosts_[static_cast<std::size_t>(h)];
  auto fits = [&](char c, llvm::Type* t) { return c == 'I' ? t == i64 : t == i32 || t == ptr; };
  bool ok = args.size() == imp.params.size();
  for (std::size_t k = 0; ok && k < args.size(); ++k) ok = fits(imp.params[k], args[k]->getType());
  if (imp.f == nullptr && ok) {
    std::vector<llvm::Type*> ps;
    for (Value* a : args) ps.push_back(a->getType());
    llvm::Type* ret = imp.results.empty() ? B.getVoidTy() : imp.results[0] == 'I' ? i64 : i32;
    imp.f = llvm::Function::Create(llvm::FunctionType::get(ret, ps, false), llvm::Function::ExternalLinkage,
                                   std::string("tenor_") + imp.name);
    llvm::Function* after = rt_date_add_months;  // the last runtime declaration
    for (std::size_t j = 0; j < static_cast<std::size_t>(h); ++j)
      if (hosts_[j].f != nullptr) after = hosts_[j].f;
    M->getFunctionList().insertAfter(after->getIterator(), imp.f);
    imp.f->addFnAttr("wasm-import-module", "tenor");
    imp.f->addFnAttr("wasm-import-name", imp.name);
  }
  for (std::size_t k = 0; ok && k < args.size(); ++k)
    ok = imp.f->getFunctionType()->getParamType(k) == args[k]->getType();
  if (!ok) {
    diags_.report(DiagnosticKind::BackendFailure, file_.range,
                  {std::string("a call of host function `") + imp.name + "` that does not match host_api.def"});
    throw Unsupported{};
  }
  return B.CreateCall(imp.f, args);
}

void Lowerer::declare_runtime() {
  auto* v = B.getVoidTy();
  rt_abort = declare("__tnr_abort", v, {ptr, i32});
  rt_abort->setDoesNotReturn();
  rt_revert = declare("__tnr_revert", v, {ptr, i32});
  rt_revert->setDoesNotReturn();
  rt_alloc = declare("__tnr_alloc", ptr, {i32});
  rt_take = declare("__tnr_take", ptr, {ptr, i32});
  rt_malformed = declare("__tnr_malformed", v, {ptr});
  rt_malformed->setDoesNotReturn();
  rt_finish = declare("__tnr_finish", v, {ptr});
  rt_check_utf8 = declare("__tnr_check_utf8", v, {ptr, ptr, i32});
  rt_input = declare("__tnr_input", v, {ptr});
  rt_storage_read = declare("__tnr_storage_read", i32, {ptr, i32, i32, ptr});
  rt_div_round = declare("__tnr_div_round", i128, {i128, i128, i32, ptr, i32});
  rt_apply_rate = declare("__tnr_apply_rate", i128, {i128, i64, i32, ptr, i32});
  rt_div_round_u128 = declare("__tnr_div_round_u128", i128, {i128, i128, i32, ptr, i32});
  rt_mul_div = declare("__tnr_mul_div", i128, {i128, i128, i128, i32, ptr, i32});
  rt_decimal_pow = declare("__tnr_decimal_pow", i128, {i128, i32, i32, ptr, i32});
  rt_date_civil = declare("__tnr_date_civil", i64, {i32});
  rt_date_from_civil = declare("__tnr_date_from_civil", i32, {i64, i32, i32, ptr, i32});
  rt_date_days_in_month = declare("__tnr_date_days_in_month", i32, {i32});
  rt_date_is_leap_year = declare("__tnr_date_is_leap_year", i32, {i32});
  rt_date_weekday = declare("__tnr_date_weekday", i32, {i32});
  rt_date_add_months = declare("__tnr_date_add_months", i32, {i32, i32, ptr, i32});
}

void Lowerer::store(Value* v, Value* p) {
  B.CreateAlignedStore(v, B.CreateBitCast(p, v->getType()->getPointerTo()), llvm::MaybeAlign(1));
}

void Lowerer::copy(Value* dst, Value* src, std::uint64_t n) {
  if (n) B.CreateMemMove(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), c32(n));
}

Value* Lowerer::slot(std::uint64_t n) {
  llvm::IRBuilder<> e(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  // A large value (a Vec<Installment, 480> is 40 KB) would not fit in the 32 KiB stack: its slot
  // comes from the heap instead, once per call of the function.
  if (n > kMaxStackSlot) return e.CreateCall(rt_alloc, {e.getInt32(static_cast<std::uint32_t>(n))});
  auto* a = e.CreateAlloca(llvm::ArrayType::get(i8, std::max<std::uint64_t>(n, 1)));
  a->setAlignment(llvm::Align(8));
  return e.CreateBitCast(a, ptr);
}

Value* Lowerer::bytes_constant(const std::string& bytes) {
  auto* init = llvm::ConstantDataArray::get(
      C, llvm::ArrayRef<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  auto* g = new llvm::GlobalVariable(*M, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, ".bytes");
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  g->setAlignment(llvm::Align(1));
  return B.CreateBitCast(g, ptr);
}

void Lowerer::ensure_open() {
  if (B.GetInsertBlock()->getTerminator()) B.SetInsertPoint(block("dead"));
}

std::string Lowerer::where(SourceRange r) const {
  const auto lc = sm_.line_column(r.start());
  return sm_.file(r.file).path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

void Lowerer::emit_abort(const std::string& message) {
  B.CreateCall(rt_abort, {bytes_constant(message), c32(message.size())});
  B.CreateUnreachable();
}

void Lowerer::emit_revert(const std::string& message) {
  B.CreateCall(rt_revert, {bytes_constant(message), c32(message.size())});
  B.CreateUnreachable();
}

void Lowerer::check(Value* ok, const std::string& what, SourceRange r) {
  BasicBlock* pass = block("ok");
  BasicBlock* fail = block("fail");
  B.CreateCondBr(ok, pass, fail, llvm::MDBuilder(C).createBranchWeights(1 << 20, 1));
  B.SetInsertPoint(fail);
  emit_abort(what + " at " + where(r));
  B.SetInsertPoint(pass);
}

}  // namespace tenor::compiler::lower
