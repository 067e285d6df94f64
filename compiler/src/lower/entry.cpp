// The module: declarations first, then every function, then the exports tenor_entry (the dispatcher) and tenor_init.
#include "lowerer.hpp"

namespace tenor::compiler::lower {

std::unique_ptr<llvm::Module> Lowerer::run() {
  declare_runtime();
  // Sizes of every user type first: a type too large is reported once, here.
  for (std::size_t i = 0; i < p_.storage.size(); ++i) {
    check_size(p_.storage[i].type, p_.storage[i].range);
    if (kind(p_.storage[i].type) == TypeKind::Map) {
      if (!is_key_type(ty(p_.storage[i].type).key))
        diags_.report(DiagnosticKind::UnsupportedByCodegen, p_.storage[i].range,
                      {"a Map key of type `" + p_.type_name(ty(p_.storage[i].type).key) + "`"},
                      "key maps by an integer, Party, Address, Hash, Date or String (docs/abi.md, Storage layout)");
    }
  }
  for (const auto& f : p_.functions) {
    if (!f.item) continue;
    for (const auto& prm : f.params) check_size(prm.type, prm.range);
    check_size(f.return_type, f.item->range);
  }
  if (diags_.has_errors()) return nullptr;
  collect_counted_maps();
  // Line tables only: they become the module's code-offset -> source-line map (codegen.cpp).
  // Files are named by their path in the project (SourceFile::path), so no build path reaches
  // the output.
  di_ = std::make_unique<llvm::DIBuilder>(*M);
  di_file_ = di_->createFile(sm_.file(file_.range.file).path(), "");
  di_files_[file_.range.file] = di_file_;
  di_->createCompileUnit(llvm::dwarf::DW_LANG_C, di_file_, "tenor", true, "", 0, "",
                         llvm::DICompileUnit::DebugEmissionKind::LineTablesOnly);
  M->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  M->addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  mark_needed();
  for (std::size_t i = 0; i < p_.functions.size(); ++i) declare_function(i);
  for (std::size_t i = 0; i < p_.functions.size(); ++i) {
    try {
      define_function(i);
    } catch (const Unsupported&) {
    }
  }
  try {
    define_dispatcher();
    define_init_export();
  } catch (const Unsupported&) {
  }
  if (diags_.has_errors()) return nullptr;
  di_->finalize();
  std::string err;
  llvm::raw_string_ostream os(err);
  if (llvm::verifyModule(*M, &os)) {
    diags_.report(DiagnosticKind::BackendFailure, file_.range, {"the generated LLVM IR is invalid: " + os.str()});
    return nullptr;
  }
  return std::move(M);
}

Value* Lowerer::decode_and_call(std::size_t i, Value* rd) {
  const check::FunctionInfo& f = p_.functions[i];
  std::vector<Value*> args;
  for (const auto& prm : f.params) {
    Value* p = alloc(mem_size(prm.type));
    B.CreateCall(decoder(prm.type), {rd, p});
    args.push_back(load_value(prm.type, p));
  }
  B.CreateCall(rt_finish, {rd});
  return B.CreateCall(functions_[i], args);
}

void Lowerer::write_output(TypeId t, Value* v) {
  if (kind(t) == TypeKind::Unit) return;
  Value* buf = alloc(enc_size(t));
  Value* len = B.CreateCall(encoder(t), {buf, c32(0), v});
  host_call(Host::output_write, {buf, len});
}

void Lowerer::define_dispatcher() {
  auto* f = llvm::Function::Create(llvm::FunctionType::get(B.getVoidTy(), {}, false),
                                   llvm::GlobalValue::ExternalLinkage, "tenor_entry", *M);
  fn_ = f;
  B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
  attach_subprogram(f, file_.range);
  Value* rd = slot(16);
  B.CreateCall(rt_input, {rd});
  Value* name_len = load(i32, take(rd, 4));
  Value* name = B.CreateCall(rt_take, {rd, name_len});
  for (std::size_t i = 0; i < p_.functions.size(); ++i) {
    const check::FunctionInfo& fi = p_.functions[i];
    if (fi.kind != ast::ItemKind::Action && fi.kind != ast::ItemKind::View) continue;
    BasicBlock* next = block("dispatch.next");
    BasicBlock* hit = block("dispatch.hit");
    BasicBlock* cmp = block("dispatch.cmp");
    B.CreateCondBr(B.CreateICmpEQ(name_len, c32(fi.name.size())), cmp, next);
    B.SetInsertPoint(cmp);
    Value* ok = B.getTrue();
    for (std::size_t k = 0; k < fi.name.size(); ++k)
      ok = B.CreateAnd(ok, B.CreateICmpEQ(load(i8, gep(name, k)), B.getInt8(static_cast<std::uint8_t>(fi.name[k]))));
    B.CreateCondBr(ok, hit, next);
    B.SetInsertPoint(hit);
    Value* r = decode_and_call(i, rd);
    write_output(fi.return_type, r);
    B.CreateRetVoid();
    B.SetInsertPoint(next);
  }
  emit_revert("unknown entry point: the input does not name an action or view of " + file_.contract.name);
}

void Lowerer::define_init_export() {
  for (std::size_t i = 0; i < p_.functions.size(); ++i) {
    if (p_.functions[i].kind != ast::ItemKind::Init) continue;
    auto* f = llvm::Function::Create(llvm::FunctionType::get(B.getVoidTy(), {}, false),
                                     llvm::GlobalValue::ExternalLinkage, "tenor_init", *M);
    fn_ = f;
    B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
    attach_subprogram(f, p_.functions[i].item ? p_.functions[i].item->range : file_.range);
    Value* rd = slot(16);
    B.CreateCall(rt_input, {rd});
    decode_and_call(i, rd);
    B.CreateRetVoid();
  }
}

std::unique_ptr<llvm::Module> lower(const ast::File& file, const check::Program& program, const SourceManager& sources,
                                    DiagnosticEngine& diags, llvm::LLVMContext& context) {
  Lowerer l(file, program, sources, diags, context);
  return l.run();
}

}  // namespace tenor::compiler::lower
