// Lowering a checked Tenor program to LLVM IR (see lower.hpp and docs/abi.md).
//
// Values. Scalars live in SSA values: bool i1, integers iN, Rate i64, Date i32, Timestamp and
// Duration i64, Rounding i8, Money { i128 amount, i32 currency } (the ISO code's three ASCII bytes,
// little-endian). Every other type (Party, Address, Hash, Bytes, String, arrays, Vec, Option,
// structs, enums) has a fixed size, since every Tenor type is bounded, and is handled as a pointer
// to its bytes in linear memory, laid out packed (no padding; wasm loads need no alignment):
//   Party/Address/Hash  32 bytes            Bytes<N>/String<N>  u32 length + N bytes
//   [T; N]              N x T               Vec<T, N>           u32 length + N x T
//   Option<T>           u8 tag (0 None) + T enum                u8 tag + the largest variant
//   struct              its fields in order Money               i128 + u32 (20 bytes)
// Such values are immutable where they are shared: a binding, an assignment, a field store or a
// return copies the bytes, so only a variable's own slot or a fresh temporary is ever written.
//
// Temporaries come from the runtime's bump allocator (`__tnr_alloc`); variables live in allocas
// of the entry block. Run-time checks call `__tnr_abort` with "what at file:line:col".
#include "tenor/common/civil_date.hpp"
#include "tenor/compiler/lower.hpp"
#include "tenor/compiler/value_types.hpp"

#include <llvm/ADT/APInt.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tenor::compiler::lower {
namespace {

using boost::multiprecision::cpp_int;
using check::Program;
using check::Type;
using check::TypeId;
using check::TypeKind;
using llvm::BasicBlock;
using llvm::Value;
using ExprKind = ast::ExprKind;

constexpr std::int64_t kDay = 86'400;

// A lowered value: an SSA scalar, or a pointer (i8*) to the bytes of a memory-backed type.
struct V {
  Value* v = nullptr;
  TypeId t = check::kErrorType;
};

// A local: its slot holds the value's bytes (scalars too: SROA/mem2reg promote them).
struct Local {
  TypeId t;
  Value* slot;  // i8*
};

// Raised to abandon a function after an UnsupportedByCodegen report.
struct Unsupported {};

// Rounding modes, in the order of the runtime's enum (tenor_rt.c) and of kRoundingModes.
int rounding_index(const std::string& name) {
  static const char* const k[] = {"Down", "Up", "Floor", "Ceiling", "HalfUp", "HalfDown", "HalfEven"};
  for (int i = 0; i < 7; ++i)
    if (name == k[i]) return i;
  return -1;
}

std::string digits_of(const std::string& text) {
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  return s;
}

// The host functions a contract may import, in the order of vm/include/tenor/vm/host_api.def.
enum class Host : std::size_t {
#define TENOR_HOST(name, params, results, gas, description) name,
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
};

class Lowerer {
 public:
  Lowerer(const ast::File& file, const Program& p, const SourceManager& sm, DiagnosticEngine& d, llvm::LLVMContext& c)
      : file_(file), p_(p), sm_(sm), diags_(d), C(c), M(std::make_unique<llvm::Module>(
                                                            file.contract.name.empty() ? "contract" : file.contract.name, c)),
        B(c) {
    i1 = B.getInt1Ty();
    i8 = B.getInt8Ty();
    i32 = B.getInt32Ty();
    i64 = B.getInt64Ty();
    i128 = B.getInt128Ty();
    ptr = B.getInt8PtrTy();
    money_ty = llvm::StructType::get(C, {i128, i32});
    reader_ty = llvm::StructType::get(C, {ptr, i32, i32, i32});
    M->setTargetTriple("wasm32-unknown-unknown");
  }

  std::unique_ptr<llvm::Module> run() {
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
    // The file is named as given, with no directory, so no build path reaches the output.
    di_ = std::make_unique<llvm::DIBuilder>(*M);
    di_file_ = di_->createFile(sm_.file(file_.range.file).name(), "");
    di_->createCompileUnit(llvm::dwarf::DW_LANG_C, di_file_, "tenor", true, "", 0, "",
                           llvm::DICompileUnit::DebugEmissionKind::LineTablesOnly);
    M->addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
    M->addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
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

 private:
  // --- types ----------------------------------------------------------------------------------

  const Type& ty(TypeId t) const { return p_.type(t); }
  TypeKind kind(TypeId t) const { return ty(t).kind; }

  // A registry scalar with an ordered key encoding, Bytes or String (their bytes are the key).
  bool is_key_type(TypeId t) const {
    const Type& x = ty(t);
    if (x.kind == TypeKind::Error || x.kind == TypeKind::Bytes || x.kind == TypeKind::String) return true;
    const check::ScalarType* s = check::scalar_type_of(x);
    return s != nullptr && s->key != check::KeyEncoding::NotAKey;
  }

  bool is_scalar(TypeId t) const {
    switch (kind(t)) {
      case TypeKind::Bool:
      case TypeKind::Int:
      case TypeKind::Money:
      case TypeKind::Rate:
      case TypeKind::Date:
      case TypeKind::Timestamp:
      case TypeKind::Duration:
      case TypeKind::Rounding: return true;
      default: return false;
    }
  }

  llvm::Type* scalar_type(TypeId t) {
    const Type& x = ty(t);
    switch (x.kind) {
      case TypeKind::Bool: return i1;
      case TypeKind::Int: return B.getIntNTy(x.bits);
      case TypeKind::Money: return money_ty;
      case TypeKind::Rate: return i64;
      case TypeKind::Date: return i32;
      case TypeKind::Timestamp:
      case TypeKind::Duration: return i64;
      case TypeKind::Rounding: return i8;
      default: return ptr;
    }
  }

  // The type a value of `t` has in IR (void for unit).
  llvm::Type* value_type(TypeId t) {
    if (kind(t) == TypeKind::Unit) return B.getVoidTy();
    return is_scalar(t) ? scalar_type(t) : ptr;
  }

  // Size in memory (saturating at kMaxValueBytes + 1).
  std::uint64_t mem_size(TypeId t) const { return layout_size(t, false); }
  // The most bytes a Borsh encoding of `t` takes.
  std::uint64_t enc_size(TypeId t) const { return layout_size(t, true); }

  std::uint64_t layout_size(TypeId t, bool borsh) const {
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

  void check_size(TypeId t, SourceRange where) {
    if (kind(t) == TypeKind::Map) {
      check_size(ty(t).key, where);
      check_size(ty(t).element, where);
      return;
    }
    const std::uint64_t s = std::max(mem_size(t), enc_size(t));
    if (s > kMaxValueBytes)
      diags_.report(DiagnosticKind::TypeTooLarge, where,
                    {p_.type_name(t), s > kMaxValueBytes ? "more than " + std::to_string(kMaxValueBytes) : std::to_string(s),
                     std::to_string(kMaxValueBytes)},
                    "lower the bound of its Bytes, String or Vec, or store the items in a Map");
  }

  // --- source locations -----------------------------------------------------------------------

  void attach_subprogram(llvm::Function* f, SourceRange r) {
    const unsigned line = sm_.line_column(r.start()).line;
    llvm::DISubprogram* sp = di_->createFunction(
        di_file_, f->getName(), llvm::StringRef(), di_file_, line, di_->createSubroutineType(di_->getOrCreateTypeArray({})),
        line, llvm::DINode::FlagZero, llvm::DISubprogram::SPFlagDefinition);
    f->setSubprogram(sp);
    scope_ = sp;
    locate(r);
  }

  // Instructions emitted from here on belong to the source position `r`.
  void locate(SourceRange r) {
    if (!scope_) return;
    const auto lc = sm_.line_column(r.start());
    B.SetCurrentDebugLocation(llvm::DILocation::get(C, lc.line, lc.column, scope_));
  }

  [[noreturn]] void unsupported(SourceRange where, const std::string& what) {
    diags_.report(DiagnosticKind::UnsupportedByCodegen, where, {what});
    throw Unsupported{};
  }

  // --- the runtime and the host ---------------------------------------------------------------

  llvm::Function* declare(const std::string& name, llvm::Type* ret, std::vector<llvm::Type*> params) {
    return llvm::cast<llvm::Function>(M->getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false)).getCallee());
  }

  // A call of host function `h` (vm/include/tenor/vm/host_api.def). Its import is declared on
  // first use, typed from its row: `i` is an i32 or, where the contract passes a pointer, an i8*
  // (an i32 offset on wasm32); `I` is an i64; no result letter is void. The imports keep the
  // table's order, after the runtime's declarations, and a module declares only those it calls.
  Value* host_call(Host h, std::vector<Value*> args) {
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
      llvm::Function* after = rt_div_round_u128;  // the last runtime declaration
      for (std::size_t j = 0; j < static_cast<std::size_t>(h); ++j)
        if (hosts_[j].f != nullptr) after = hosts_[j].f;
      M->getFunctionList().insertAfter(after->getIterator(), imp.f);
      imp.f->addFnAttr("wasm-import-module", "tenor");
      imp.f->addFnAttr("wasm-import-name", imp.name);
    }
    for (std::size_t k = 0; ok && k < args.size(); ++k) ok = imp.f->getFunctionType()->getParamType(k) == args[k]->getType();
    if (!ok) {
      diags_.report(DiagnosticKind::BackendFailure, file_.range,
                    {std::string("a call of host function `") + imp.name + "` that does not match host_api.def"});
      throw Unsupported{};
    }
    return B.CreateCall(imp.f, args);
  }

  void declare_runtime() {
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
  }

  // --- small IR helpers -----------------------------------------------------------------------

  Value* c32(std::uint64_t v) { return B.getInt32(static_cast<std::uint32_t>(v)); }
  Value* gep(Value* p, std::uint64_t off) { return off == 0 ? p : B.CreateInBoundsGEP(i8, p, c32(off)); }
  Value* gep(Value* p, Value* off) { return B.CreateInBoundsGEP(i8, p, off); }
  Value* load(llvm::Type* t, Value* p) { return B.CreateAlignedLoad(t, B.CreateBitCast(p, t->getPointerTo()), llvm::MaybeAlign(1)); }
  void store(Value* v, Value* p) {
    B.CreateAlignedStore(v, B.CreateBitCast(p, v->getType()->getPointerTo()), llvm::MaybeAlign(1));
  }
  void copy(Value* dst, Value* src, std::uint64_t n) {
    if (n) B.CreateMemMove(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), c32(n));
  }
  void copy(Value* dst, Value* src, Value* n) { B.CreateMemMove(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), n); }
  Value* alloc(std::uint64_t n) { return B.CreateCall(rt_alloc, {c32(n)}); }
  Value* alloc(Value* n) { return B.CreateCall(rt_alloc, {n}); }

  // An alloca of `n` bytes in the entry block: a variable's slot.
  Value* slot(std::uint64_t n) {
    llvm::IRBuilder<> e(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    auto* a = e.CreateAlloca(llvm::ArrayType::get(i8, std::max<std::uint64_t>(n, 1)));
    a->setAlignment(llvm::Align(8));
    return e.CreateBitCast(a, ptr);
  }

  Value* bytes_constant(const std::string& bytes) {
    auto* init = llvm::ConstantDataArray::get(C, llvm::ArrayRef<std::uint8_t>(
                                                      reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    auto* g = new llvm::GlobalVariable(*M, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, ".bytes");
    g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    g->setAlignment(llvm::Align(1));
    return B.CreateBitCast(g, ptr);
  }

  BasicBlock* block(const char* name) { return BasicBlock::Create(C, name, fn_); }

  // Continues in a fresh (unreachable) block when the current one is terminated.
  void ensure_open() {
    if (B.GetInsertBlock()->getTerminator()) B.SetInsertPoint(block("dead"));
  }
  bool terminated() const { return B.GetInsertBlock()->getTerminator() != nullptr; }

  std::string where(SourceRange r) const {
    const auto lc = sm_.line_column(r.start());
    return sm_.file(r.file).name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }

  void emit_abort(const std::string& message) {
    B.CreateCall(rt_abort, {bytes_constant(message), c32(message.size())});
    B.CreateUnreachable();
  }
  void emit_revert(const std::string& message) {
    B.CreateCall(rt_revert, {bytes_constant(message), c32(message.size())});
    B.CreateUnreachable();
  }

  // Continues when `ok`; otherwise stops the call with the trap "what at file:line:col".
  void check(Value* ok, const std::string& what, SourceRange r) {
    BasicBlock* pass = block("ok");
    BasicBlock* fail = block("fail");
    B.CreateCondBr(ok, pass, fail, llvm::MDBuilder(C).createBranchWeights(1 << 20, 1));
    B.SetInsertPoint(fail);
    emit_abort(what + " at " + where(r));
    B.SetInsertPoint(pass);
  }

  // --- memory values --------------------------------------------------------------------------

  // The value of type `t` stored at `p`: scalars are loaded, aggregates are `p` itself.
  Value* load_value(TypeId t, Value* p) {
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

  // Stores `v` (of the same type `t`) at `p`.
  void store_value(TypeId t, Value* p, Value* v) {
    switch (kind(t)) {
      case TypeKind::Bool: store(B.CreateZExt(v, i8), p); return;
      case TypeKind::Money:
        store(B.CreateExtractValue(v, 0), p);
        store(B.CreateExtractValue(v, 1), gep(p, 16));
        return;
      default:
        if (is_scalar(t)) store(v, p);
        else copy(p, v, mem_size(t));
    }
  }

  // Stores `v` of type `v.t` into a place of type `to`, converting between bounds where the
  // checker allows it (Bytes/String of any bound, Option of those): a value too long for the
  // destination stops the call.
  void store_coerced(TypeId to, Value* p, V v, SourceRange r) {
    if (v.t == to || kind(to) == TypeKind::Error || kind(v.t) == TypeKind::Error) {
      store_value(to, p, v.v);
      return;
    }
    const Type& a = ty(to);
    const Type& b = ty(v.t);
    if ((a.kind == TypeKind::Bytes || a.kind == TypeKind::String) && a.kind == b.kind) {
      Value* len = load(i32, v.v);
      if (b.bound > a.bound)
        check(B.CreateICmpULE(len, c32(a.bound)), "a value longer than " + p_.type_name(to), r);
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

  // A copy of `v` as a value of type `to` in a fresh temporary (aggregates), or `v` (scalars).
  V coerce(V v, TypeId to, SourceRange r) {
    if (v.t == to || is_scalar(to) || kind(to) == TypeKind::Unit) return V{v.v, to};
    Value* p = alloc(mem_size(to));
    store_coerced(to, p, v, r);
    return V{p, to};
  }

  // --- functions ------------------------------------------------------------------------------

  void declare_function(std::size_t i) {
    const check::FunctionInfo& f = p_.functions[i];
    std::vector<llvm::Type*> params;
    for (const auto& prm : f.params) params.push_back(value_type(prm.type));
    const std::string prefix = f.kind == ast::ItemKind::Init ? "init." : f.kind == ast::ItemKind::Function ? "fn." : "entry.";
    auto* fn = llvm::Function::Create(llvm::FunctionType::get(value_type(f.return_type), params, false),
                                      llvm::GlobalValue::InternalLinkage, prefix + f.name, *M);
    functions_.push_back(fn);
    if (f.kind == ast::ItemKind::Function) fn_index_[f.name] = i;
  }

  void define_function(std::size_t i) {
    const check::FunctionInfo& f = p_.functions[i];
    if (!f.item) return;
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
      if (kind(f.return_type) == TypeKind::Unit) B.CreateRetVoid();
      else B.CreateUnreachable();  // the checker proved every path returns
    }
  }

  // Binds `name` to a fresh slot holding `v` (copied), or to `v` itself when `in_place`.
  void bind(const std::string& name, TypeId t, Value* v, bool in_place) {
    if (name.empty() || name == "_") return;
    if (in_place && !is_scalar(t)) {
      scopes_.back()[name] = Local{t, v};
      return;
    }
    Value* s = slot(mem_size(t));
    store_value(t, s, v);
    scopes_.back()[name] = Local{t, s};
  }

  const Local* lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (auto f = it->find(name); f != it->end()) return &f->second;
    return nullptr;
  }

  std::optional<std::size_t> storage_field(const std::string& name) const {
    if (lookup(name)) return {};
    for (std::size_t i = 0; i < p_.storage.size(); ++i)
      if (p_.storage[i].name == name) return i;
    return {};
  }

  // --- statements -----------------------------------------------------------------------------

  void lower_block(const ast::Block& b) {
    scopes_.emplace_back();
    for (const auto& s : b.statements) {
      ensure_open();
      lower_stmt(*s);
    }
    scopes_.pop_back();
  }

  TypeId type_of(const ast::Expr& e) const {
    auto it = p_.expr_types.find(&e);
    return it == p_.expr_types.end() ? check::kErrorType : it->second;
  }

  void lower_stmt(const ast::Stmt& s) {
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

  void lower_emit(const ast::EmitStmt& e) {
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

  // --- assignment -----------------------------------------------------------------------------

  struct Step {
    const ast::Expr* e;  // a FieldExpr or an IndexExpr
  };

  void lower_assign(const ast::AssignStmt& a) {
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

  // The root name of a place (`x`, `x.a[i].b`) and the steps after it; nullptr when the place is
  // not rooted in a name.
  const ast::Expr* split_place(const ast::Expr& e, std::vector<const ast::Expr*>& steps) {
    const ast::Expr* root = &e;
    while (root->kind == ExprKind::Field || root->kind == ExprKind::Index) {
      steps.push_back(root);
      root = root->kind == ExprKind::Field ? root->as<ast::FieldExpr>().base.get() : root->as<ast::IndexExpr>().base.get();
    }
    std::reverse(steps.begin(), steps.end());
    if (root->kind != ExprKind::Path || root->as<ast::PathExpr>().path.segments.size() != 1) return nullptr;
    return root;
  }

  // Runs `change(address, type)` on the place `e` in place: a variable's own bytes, or a storage
  // value (or map entry, which must exist) read into a temporary and written back afterwards.
  template <typename F>
  void update_place(const ast::Expr& e, SourceRange where_, F change) {
    std::vector<const ast::Expr*> steps;
    const ast::Expr* root = split_place(e, steps);
    if (!root) unsupported(where_, "changing this expression");
    const std::string& name = root->as<ast::PathExpr>().path.segments[0].name;
    if (const Local* l = lookup(name)) {
      auto [p, t] = walk(l->slot, l->t, steps, 0);
      change(p, t);
      return;
    }
    const auto field = storage_field(name);
    if (!field) unsupported(where_, "changing this expression");
    const check::FieldInfo& sf = p_.storage[*field];
    if (kind(sf.type) == TypeKind::Map) {
      if (steps.empty() || steps[0]->kind != ExprKind::Index) unsupported(where_, "changing a whole Map");
      const TypeId vt = ty(sf.type).element;
      auto [key, key_len] = map_key(*field, expr(*steps[0]->as<ast::IndexExpr>().index));
      Value* cur = read_or_abort(key, key_len, vt, "no entry with this key in `" + sf.name + "`", steps[0]->range);
      auto [p, t] = walk(cur, vt, steps, 1);
      change(p, t);
      write_map_entry(*field, key, key_len, V{cur, vt});
      return;
    }
    Value* cur = read_storage_field(*field);
    auto [p, t] = walk(cur, sf.type, steps, 0);
    change(p, t);
    write_storage_field(*field, V{cur, sf.type});
  }

  // The address and type reached from the value at `p` (type `t`) through steps[from..].
  std::pair<Value*, TypeId> walk(Value* p, TypeId t, const std::vector<const ast::Expr*>& steps, std::size_t from) {
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

  std::pair<std::uint64_t, TypeId> field_offset(TypeId t, const std::string& name, SourceRange r) {
    if (kind(t) != TypeKind::Struct) unsupported(r, "this field access");
    std::uint64_t off = 0;
    for (const auto& f : p_.structs[ty(t).decl].fields) {
      if (f.name == name) return {off, f.type};
      off += mem_size(f.type);
    }
    unsupported(r, "this field access");
  }

  // The address of element `index` of the array or Vec at `p`, bounds-checked.
  std::pair<Value*, TypeId> element_address(Value* p, TypeId t, V index, SourceRange r) {
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

  // --- storage --------------------------------------------------------------------------------

  Value* field_key(std::size_t field) {
    std::string k;
    k += static_cast<char>((field >> 8) & 0xFF);
    k += static_cast<char>(field & 0xFF);
    return bytes_constant(k);
  }

  Value* read_storage_field(std::size_t field) {
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

  void write_storage_field(std::size_t field, V v) {
    const TypeId t = p_.storage[field].type;
    Value* buf = alloc(enc_size(t));
    Value* len = B.CreateCall(encoder(t), {buf, c32(0), v.v});
    host_call(Host::storage_set, {field_key(field), c32(2), buf, len});
  }

  // The storage key of entry `k` of map field `field`: (pointer, length).
  std::pair<Value*, Value*> map_key(std::size_t field, V k) {
    const TypeId kt = ty(p_.storage[field].type).key;
    Value* buf = alloc(2 + mem_size(kt));
    store(B.getInt16(static_cast<std::uint16_t>(((field & 0xFF) << 8) | ((field >> 8) & 0xFF))), buf);
    Value* n = ordkey_encode(kt, coerce(k, kt, {}).v, gep(buf, 2));
    return {buf, B.CreateAdd(n, c32(2))};
  }

  // Writes the order-preserving encoding of key `v` at `out`; returns its length.
  Value* ordkey_encode(TypeId t, Value* v, Value* out) {
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
      default: unsupported(p_.storage.empty() ? SourceRange{} : p_.storage[0].range, "a Map key of type `" + p_.type_name(t) + "`");
    }
  }

  void write_map_entry(std::size_t field, Value* key, Value* key_len, V v) {
    const TypeId vt = ty(p_.storage[field].type).element;
    Value* had = counted_.count(field) ? host_call(Host::storage_has, {key, key_len}) : nullptr;
    Value* buf = alloc(enc_size(vt));
    Value* len = B.CreateCall(encoder(vt), {buf, c32(0), v.v});
    host_call(Host::storage_set, {key, key_len, buf, len});
    if (had) adjust_count(field, B.CreateICmpEQ(had, c32(0)), true);
  }

  // Maps whose `len()` the contract uses keep their entry count (Borsh u64) under the field's bare
  // key, which sorts before every entry (docs/abi.md). Others pay nothing for it.
  void collect_counted_maps() {
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

  Value* read_count(std::size_t field) {
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

  // count += 1 (up) or -= 1 when `when` holds.
  void adjust_count(std::size_t field, Value* when, bool up) {
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

  // Reads the value under `key` into a fresh temporary; returns (present, pointer).
  std::pair<Value*, Value*> read_value(Value* key, Value* key_len, TypeId t) {
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

  Value* read_or_abort(Value* key, Value* key_len, TypeId t, const std::string& what, SourceRange r) {
    auto [present, out] = read_value(key, key_len, t);
    check(present, what, r);
    return out;
  }

  // While a generated helper (encoder, decoder, equality) is written: the builder, the current
  // function and the debug scope are switched to it, and restored when this goes out of scope.
  // Helpers carry no source lines.
  struct HelperScope {
    HelperScope(Lowerer& l, llvm::Function* f)
        : l_(l), ip_(l.B.saveIP()), loc_(l.B.getCurrentDebugLocation()), scope_(l.scope_), fn_(l.fn_) {
      l.B.SetCurrentDebugLocation(llvm::DebugLoc());
      l.scope_ = nullptr;
      l.fn_ = f;
    }
    ~HelperScope() {
      l_.fn_ = fn_;
      l_.B.restoreIP(ip_);
      l_.B.SetCurrentDebugLocation(loc_);
      l_.scope_ = scope_;
    }
    HelperScope(const HelperScope&) = delete;
    HelperScope& operator=(const HelperScope&) = delete;
    Lowerer& l_;
    llvm::IRBuilderBase::InsertPoint ip_;
    llvm::DebugLoc loc_;
    llvm::DISubprogram* scope_;
    llvm::Function* fn_;
  };

  // --- Borsh encoders and decoders (one function per type) -------------------------------------

  // enc.T(buf, pos, value) -> new pos
  llvm::Function* encoder(TypeId t) {
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

  Value* put(Value* buf, Value* pos, Value* v) {
    store(v, gep(buf, pos));
    return B.CreateAdd(pos, c32(v->getType()->getIntegerBitWidth() / 8));
  }

  Value* encode_body(TypeId t, Value* buf, Value* pos, Value* v) {
    const Type& x = ty(t);
    switch (x.kind) {
      case TypeKind::Bool: return put(buf, pos, B.CreateZExt(v, i8));
      case TypeKind::Int:
      case TypeKind::Rate:
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
      case TypeKind::Hash:
        copy(gep(buf, pos), v, enc_size(t));
        return B.CreateAdd(pos, c32(enc_size(t)));
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

  // for (i = 0; i < n; ++i) acc = body(i, acc); returns acc.
  template <typename F>
  Value* loop(Value* n, Value* init, F body) {
    BasicBlock* pre = B.GetInsertBlock();
    BasicBlock* head = block("loop.head");
    BasicBlock* bodyb = block("loop.body");
    BasicBlock* end = block("loop.end");
    B.CreateBr(head);
    B.SetInsertPoint(head);
    auto* i = B.CreatePHI(i32, 2);
    auto* acc = B.CreatePHI(i32, 2);
    i->addIncoming(c32(0), pre);
    acc->addIncoming(init, pre);
    B.CreateCondBr(B.CreateICmpULT(i, n), bodyb, end);
    B.SetInsertPoint(bodyb);
    Value* next = body(i, acc);
    i->addIncoming(B.CreateAdd(i, c32(1)), B.GetInsertBlock());
    acc->addIncoming(next, B.GetInsertBlock());
    B.CreateBr(head);
    B.SetInsertPoint(end);
    return acc;
  }

  // dec.T(reader, out): decodes one value into the bytes at `out`; malformed input stops the call.
  llvm::Function* decoder(TypeId t) {
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

  Value* take(Value* rd, std::uint64_t n) { return B.CreateCall(rt_take, {rd, c32(n)}); }

  void malformed_unless(Value* ok, Value* rd) {
    BasicBlock* pass = block("dec.ok");
    BasicBlock* fail = block("dec.bad");
    B.CreateCondBr(ok, pass, fail);
    B.SetInsertPoint(fail);
    B.CreateCall(rt_malformed, {rd});
    B.CreateUnreachable();
    B.SetInsertPoint(pass);
  }

  void decode_body(TypeId t, Value* rd, Value* out) {
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

  // --- equality (one function per aggregate type) ---------------------------------------------

  Value* equal(TypeId t, Value* a, Value* b, SourceRange r) {
    const Type& x = ty(t);
    switch (x.kind) {
      case TypeKind::Bool:
      case TypeKind::Int:
      case TypeKind::Rate:
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

  llvm::Function* eq_function(TypeId t) {
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

  // --- expressions ----------------------------------------------------------------------------

  V name_value(const ast::Ident& id) {
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
      return V{out, const_cast<Program&>(p_).types.size() ? find_simple(n == "sender" ? TypeKind::Party : TypeKind::Address) : 0};
    }
    unsupported(id.range, "the name `" + n + "`");
  }

  TypeId find_simple(TypeKind k) const {
    for (TypeId i = 0; i < p_.types.size(); ++i)
      if (p_.types[i].kind == k) return i;
    return check::kErrorType;
  }

  V expr(const ast::Expr& e) {
    const TypeId t = type_of(e);
    switch (e.kind) {
      case ExprKind::Error: unsupported(e.range, "an erroneous expression");
      case ExprKind::IntegerLiteral: return V{int_constant(t, e.as<ast::LiteralExpr>().text, false, e.range), t};
      case ExprKind::DecimalLiteral: return V{B.getInt64(decimal_constant(e.as<ast::LiteralExpr>().text, 9, e.range)), t};
      case ExprKind::MoneyLiteral: {
        const auto& m = e.as<ast::MoneyLiteralExpr>();
        cpp_int v(digits_of(m.amount).erase(digits_of(m.amount).find('.') == std::string::npos ? std::string::npos
                                                                                                 : digits_of(m.amount).find('.'),
                                            1));
        return V{money_constant(v, m.currency.name, e.range), t};
      }
      case ExprKind::DateLiteral: return V{B.getInt32(static_cast<std::uint32_t>(date_days(e.as<ast::LiteralExpr>().text))), t};
      case ExprKind::TimestampLiteral: return V{B.getInt64(static_cast<std::uint64_t>(timestamp_seconds(e.as<ast::LiteralExpr>().text))), t};
      case ExprKind::DurationLiteral: return V{B.getInt64(static_cast<std::uint64_t>(duration_seconds(e.as<ast::LiteralExpr>().text, e.range))), t};
      case ExprKind::HashLiteral: {
        const std::string& text = e.as<ast::LiteralExpr>().text;
        std::string bytes;
        for (std::size_t k = 2; k + 1 < text.size(); k += 2) bytes += static_cast<char>(std::stoi(text.substr(k, 2), nullptr, 16));
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
    }
    unsupported(e.range, "this expression");
  }

  // --- literals -------------------------------------------------------------------------------

  Value* int_constant(TypeId t, const std::string& text, bool negate, SourceRange r) {
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

  // "125_000.00" with `scale` fractional digits -> the integer scaled by 10^scale.
  std::int64_t decimal_constant(const std::string& text, int scale, SourceRange r) {
    cpp_int v = scaled(text, scale);
    if (v > cpp_int(std::numeric_limits<std::int64_t>::max()))
      diags_.report(DiagnosticKind::ConstantOverflow, r, {"does not fit in a `Rate` (at most 9223372036.854775807)"});
    return v.convert_to<std::int64_t>() * 1;
  }

  static cpp_int scaled(const std::string& text, int scale) {
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

  Value* money_constant(const cpp_int& minor, const std::string& currency, SourceRange r) {
    const cpp_int lim = (cpp_int(1) << 127) - 1;
    if (minor > lim) diags_.report(DiagnosticKind::ConstantOverflow, r, {"does not fit in Money's 128-bit amount"});
    llvm::APInt amount(128, minor > lim ? std::string("0") : minor.str(), 10);
    std::uint32_t code = 0;
    for (std::size_t k = 0; k < 3 && k < currency.size(); ++k) code |= static_cast<std::uint32_t>(static_cast<unsigned char>(currency[k])) << (8 * k);
    Value* m = llvm::UndefValue::get(money_ty);
    m = B.CreateInsertValue(m, B.getInt(amount), 0);
    return B.CreateInsertValue(m, B.getInt32(code), 1);
  }

  static std::int64_t date_days(const std::string& t) {
    return common::days_from_civil(std::stoll(t.substr(0, 4)), static_cast<unsigned>(std::stoi(t.substr(5, 2))),
                                   static_cast<unsigned>(std::stoi(t.substr(8, 2))));
  }
  static std::int64_t timestamp_seconds(const std::string& t) {
    return date_days(t) * kDay + std::stoll(t.substr(11, 2)) * 3600 + std::stoll(t.substr(14, 2)) * 60 + std::stoll(t.substr(17, 2));
  }
  std::int64_t duration_seconds(const std::string& t, SourceRange r) {
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

  // --- paths, calls, methods ------------------------------------------------------------------

  V path_value(const ast::PathExpr& e, TypeId t) {
    const auto& segs = e.path.segments;
    if (segs.size() == 1) return name_value(segs[0]);
    if (segs[0].name == "Rounding") return V{B.getInt8(static_cast<std::uint8_t>(rounding_index(segs[1].name))), t};
    // A variant without fields.
    if (kind(t) == TypeKind::Enum) {
      const auto& variants = p_.enums[ty(t).decl].variants;
      for (std::size_t k = 0; k < variants.size(); ++k)
        if (variants[k].name == segs[1].name) {
          Value* out = alloc(mem_size(t));
          B.CreateMemSet(out, B.getInt8(0), c32(mem_size(t)), llvm::MaybeAlign(1));
          store(B.getInt8(static_cast<std::uint8_t>(k)), out);
          return V{out, t};
        }
    }
    unsupported(e.range, "this path");
  }

  V struct_literal(const ast::StructLiteralExpr& e, TypeId t) {
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

  V call(const ast::CallExpr& c, TypeId t) {
    const std::string& n = c.callee->as<ast::PathExpr>().path.segments[0].name;
    if (n == "now") return V{host_call(Host::block_time, {}), t};
    if (n == "today") {
      Value* s = host_call(Host::block_time, {});
      return V{B.CreateTrunc(B.CreateSDiv(s, B.getInt64(kDay)), i32), t};
    }
    if (n == "is_signer") return V{B.CreateICmpNE(host_call(Host::is_signer, {expr(*c.args[0]).v}), c32(0)), t};
    if (n == "sha256") {
      V a = expr(*c.args[0]);
      Value* out = alloc(32);
      if (kind(a.t) == TypeKind::Hash) host_call(Host::sha256, {a.v, c32(32), out});
      else host_call(Host::sha256, {gep(a.v, 4), load(i32, a.v), out});
      return V{out, t};
    }
    auto it = fn_index_.find(n);
    if (it == fn_index_.end()) {
      if (kind(t) == TypeKind::Interface) {
        // `Iface(address)`: the address, and no gas limit of its own (all the gas left).
        Value* out = alloc(40);
        copy(out, expr(*c.args[0]).v, 32);
        store(B.getInt64(~0ull), gep(out, 32));
        return V{out, t};
      }
      unsupported(c.range, "calling `" + n + "`");
    }
    const check::FunctionInfo& f = p_.functions[it->second];
    std::vector<Value*> args;
    for (std::size_t k = 0; k < c.args.size(); ++k) args.push_back(coerce(expr(*c.args[k]), f.params[k].type, c.args[k]->range).v);
    Value* r = B.CreateCall(functions_[it->second], args);
    return V{r, f.return_type};
  }

  V method(const ast::MethodCallExpr& m, TypeId t) {
    const std::string& n = m.name.name;
    // Methods of storage maps work on keys without reading the whole map.
    if (m.receiver->kind == ExprKind::Path) {
      const auto& segs = m.receiver->as<ast::PathExpr>().path.segments;
      if (segs.size() == 1)
        if (auto f = storage_field(segs[0].name); f && kind(p_.storage[*f].type) == TypeKind::Map) return map_method(*f, m, t);
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
            Value* big_ok = B.CreateOr(B.CreateICmpEQ(amount, zero),
                                       B.CreateAnd(B.CreateICmpEQ(amount, llvm::ConstantInt::getSigned(i128, -1)),
                                                   B.CreateICmpEQ(k128, min)));
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

  // `Iface(address).method(args)`: Borsh input (name, arguments), call_contract, then the Borsh
  // result. A callee that reverts makes this call revert with its message (prefixed with the
  // method); a trap, running out of gas or a refusal (re-entry, unknown contract) traps here.
  V interface_call(V recv, const ast::MethodCallExpr& m, TypeId t) {
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

  V map_method(std::size_t field, const ast::MethodCallExpr& m, TypeId t) {
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

  // --- operators ------------------------------------------------------------------------------

  Value* overflow_op(llvm::Intrinsic::ID id, Value* a, Value* b, const std::string& what, SourceRange r) {
    llvm::Function* f = llvm::Intrinsic::getDeclaration(M.get(), id, {a->getType()});
    Value* res = B.CreateCall(f, {a, b});
    check(B.CreateNot(B.CreateExtractValue(res, 1)), what, r);
    return B.CreateExtractValue(res, 0);
  }

  void same_currency(Value* a, Value* b, SourceRange r) {
    check(B.CreateICmpEQ(B.CreateExtractValue(a, 1), B.CreateExtractValue(b, 1)), "currency mismatch", r);
  }

  V unary(const ast::UnaryExpr& u, TypeId t) {
    if (u.op == ast::UnaryOp::Not) return V{B.CreateNot(expr(*u.operand).v), t};
    if (u.operand->kind == ExprKind::IntegerLiteral)
      return V{int_constant(t, u.operand->as<ast::LiteralExpr>().text, true, u.range), t};
    V v = expr(*u.operand);
    if (kind(t) == TypeKind::Money) {
      Value* a = B.CreateExtractValue(v.v, 0);
      Value* neg = overflow_op(llvm::Intrinsic::ssub_with_overflow, llvm::ConstantInt::get(i128, 0), a, "Money overflow", u.range);
      return V{B.CreateInsertValue(v.v, neg, 0), t};
    }
    return V{overflow_op(llvm::Intrinsic::ssub_with_overflow, llvm::ConstantInt::get(v.v->getType(), 0), v.v,
                         "integer overflow", u.range),
             t};
  }

  V binary(const ast::BinaryExpr& b, TypeId t) {
    using ast::BinaryOp;
    if (b.op == BinaryOp::And || b.op == BinaryOp::Or) {
      Value* l = expr(*b.lhs).v;
      BasicBlock* lhs_end = B.GetInsertBlock();
      BasicBlock* rhs_bb = block(b.op == BinaryOp::And ? "and.rhs" : "or.rhs");
      BasicBlock* end = block("logic.end");
      if (b.op == BinaryOp::And) B.CreateCondBr(l, rhs_bb, end);
      else B.CreateCondBr(l, end, rhs_bb);
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

  Value* compare(ast::BinaryOp op, V l, V r, SourceRange where_) {
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

  V arith(ast::BinaryOp op, V l, V r, SourceRange w) {
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
      check(B.CreateICmpEQ(B.CreateSRem(dur, B.getInt64(kDay)), B.getInt64(0)), "a Duration that is not a whole number of days", w);
      Value* days = B.CreateSExt(date, i64);
      Value* d = B.CreateSDiv(dur, B.getInt64(kDay));
      Value* res = overflow_op(op == BinaryOp::Add ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::ssub_with_overflow,
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
      return V{overflow_op(llvm::Intrinsic::ssub_with_overflow, l.v, r.v, "time overflow", w), find_simple(TypeKind::Duration)};
    }
    if (lk == TypeKind::Duration && rk == TypeKind::Timestamp) std::swap(l, r);
    const bool is_signed = kind(l.t) != TypeKind::Int || ty(l.t).is_signed;
    const char* what = kind(l.t) == TypeKind::Int ? "integer overflow" : "overflow";
    switch (op) {
      case BinaryOp::Add:
        return V{overflow_op(is_signed ? llvm::Intrinsic::sadd_with_overflow : llvm::Intrinsic::uadd_with_overflow, l.v, r.v, what, w), l.t};
      case BinaryOp::Sub:
        return V{overflow_op(is_signed ? llvm::Intrinsic::ssub_with_overflow : llvm::Intrinsic::usub_with_overflow, l.v, r.v, what, w), l.t};
      case BinaryOp::Mul:
        return V{overflow_op(is_signed ? llvm::Intrinsic::smul_with_overflow : llvm::Intrinsic::umul_with_overflow, l.v, r.v, what, w), l.t};
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

  // `v as T` between integer types: traps when the value does not fit.
  Value* int_convert(V v, TypeId to, SourceRange r) {
    const Type& a = ty(v.t);
    const Type& b = ty(to);
    if (a.kind != TypeKind::Int || b.kind != TypeKind::Int) unsupported(r, "this conversion");
    const unsigned wide = std::max<unsigned>(a.bits, b.bits) + 1;
    llvm::Type* wt = B.getIntNTy(wide);
    Value* x = a.is_signed ? B.CreateSExt(v.v, wt) : B.CreateZExt(v.v, wt);
    const llvm::APInt lo = b.is_signed ? llvm::APInt::getSignedMinValue(b.bits).sext(wide) : llvm::APInt(wide, 0);
    const llvm::APInt hi = b.is_signed ? llvm::APInt::getSignedMaxValue(b.bits).sext(wide) : llvm::APInt::getMaxValue(b.bits).zext(wide);
    Value* ok = B.CreateAnd(B.CreateICmpSGE(x, B.getInt(lo)), B.CreateICmpSLE(x, B.getInt(hi)));
    check(ok, "value does not fit in `" + p_.type_name(to) + "`", r);
    return B.CreateTrunc(x, B.getIntNTy(b.bits));
  }

  // --- for and match --------------------------------------------------------------------------

  void lower_for(const ast::ForStmt& f) {
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
        i->addIncoming(B.CreateAdd(i, llvm::ConstantInt::get(i->getType(), 1)), B.GetInsertBlock());  // i < hi: no overflow
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

  // `for (k, v) in m`: walks the map's keys in storage order (= key order, docs/abi.md) with
  // storage_next, from the key after the last one visited, so the body may change the map.
  void lower_for_map(const ast::ForStmt& f, std::size_t field) {
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
      if (pat->children[0]->kind == ast::PatternKind::Binding) bind(pat->children[0]->name.name, kt, load_value(kt, kv), false);
      if (pat->children[1]->kind == ast::PatternKind::Binding) bind(pat->children[1]->name.name, vt, load_value(vt, v), false);
    }
    lower_block(f.body);
    scopes_.pop_back();
    if (!terminated()) B.CreateBr(head);
    B.SetInsertPoint(end);
  }

  // The inverse of ordkey_encode: the key of `len` bytes at `in` into the value bytes at `out`.
  void ordkey_decode(TypeId t, Value* in, Value* len, Value* out, SourceRange r) {
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

  void lower_match(const ast::MatchStmt& m) {
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

  // Tests `v` against pattern `p`: continues in the current block when it matches (with the
  // pattern's names bound in the innermost scope), branches to `fail` when it does not. Inner
  // values are only looked at once the outer tags matched.
  void match_pattern(const ast::Pattern& p, V v, BasicBlock* fail) {
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
      case ast::PatternKind::None:
        require_that(B.CreateICmpEQ(load(i8, v.v), B.getInt8(0)));
        return;
      case ast::PatternKind::Some:
        require_that(B.CreateICmpNE(load(i8, v.v), B.getInt8(0)));
        if (!p.children.empty()) match_pattern(*p.children[0], V{load_value(x.element, gep(v.v, 1)), x.element}, fail);
        return;
      case ast::PatternKind::Literal:
        require_that(compare(ast::BinaryOp::Eq, v, expr(*p.literal), p.range));
        return;
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

  // --- exports: tenor_entry and tenor_init ----------------------------------------------------

  // Decodes the parameters of function `i` from the reader and calls it; returns its result.
  Value* decode_and_call(std::size_t i, Value* rd) {
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

  void write_output(TypeId t, Value* v) {
    if (kind(t) == TypeKind::Unit) return;
    Value* buf = alloc(enc_size(t));
    Value* len = B.CreateCall(encoder(t), {buf, c32(0), v});
    host_call(Host::output_write, {buf, len});
  }

  void define_dispatcher() {
    auto* f = llvm::Function::Create(llvm::FunctionType::get(B.getVoidTy(), {}, false), llvm::GlobalValue::ExternalLinkage,
                                     "tenor_entry", *M);
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

  void define_init_export() {
    for (std::size_t i = 0; i < p_.functions.size(); ++i) {
      if (p_.functions[i].kind != ast::ItemKind::Init) continue;
      auto* f = llvm::Function::Create(llvm::FunctionType::get(B.getVoidTy(), {}, false), llvm::GlobalValue::ExternalLinkage,
                                       "tenor_init", *M);
      fn_ = f;
      B.SetInsertPoint(BasicBlock::Create(C, "entry", f));
      attach_subprogram(f, p_.functions[i].item ? p_.functions[i].item->range : file_.range);
      Value* rd = slot(16);
      B.CreateCall(rt_input, {rd});
      decode_and_call(i, rd);
      B.CreateRetVoid();
    }
  }

  const ast::File& file_;
  const Program& p_;
  const SourceManager& sm_;
  DiagnosticEngine& diags_;
  llvm::LLVMContext& C;
  std::unique_ptr<llvm::Module> M;
  llvm::IRBuilder<> B;
  llvm::Type *i1, *i8, *i32, *i64, *i128;
  llvm::PointerType* ptr;
  llvm::StructType* money_ty;
  llvm::StructType* reader_ty;

  llvm::Function *rt_abort, *rt_revert, *rt_alloc, *rt_take, *rt_malformed, *rt_finish, *rt_check_utf8, *rt_input, *rt_storage_read,
      *rt_div_round, *rt_apply_rate, *rt_div_round_u128;
  // The host imports, one per row of host_api.def, declared on first call (host_call).
  struct HostImport {
    const char* name;
    std::string_view params, results;
    llvm::Function* f = nullptr;
  };
  std::vector<HostImport> hosts_ = {
#define TENOR_HOST(name, params, results, gas, description) {#name, params, results},
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
  };

  std::vector<llvm::Function*> functions_;
  std::map<std::string, std::size_t> fn_index_;
  std::map<TypeId, llvm::Function*> encoders_, decoders_, eqs_;
  std::set<std::size_t> counted_;  // map fields whose entry count is kept
  std::unique_ptr<llvm::DIBuilder> di_;
  llvm::DIFile* di_file_ = nullptr;
  llvm::DISubprogram* scope_ = nullptr;  // the function being lowered
  llvm::Function* fn_ = nullptr;
  const check::FunctionInfo* fn_info_ = nullptr;
  std::vector<std::map<std::string, Local>> scopes_;
};

}  // namespace

std::unique_ptr<llvm::Module> lower(const ast::File& file, const check::Program& program, const SourceManager& sources,
                                    DiagnosticEngine& diags, llvm::LLVMContext& context) {
  Lowerer l(file, program, sources, diags, context);
  return l.run();
}

}  // namespace tenor::compiler::lower
