// The lowering of a checked Tenor program to LLVM IR (see lower.hpp and docs/abi.md): the Lowerer
// class, whose member functions are defined by concept in this folder: types.cpp (LLVM types,
// sizes, Borsh layout, values in memory), runtime.cpp (the runtime and host imports, IR helpers,
// source locations), stmt.cpp (functions, statements, assignment, for and match), storage.cpp
// (storage fields, map keys and their ordered encoding), codec.cpp (Borsh encoders, decoders,
// equality), expr.cpp (expressions, literals, calls, methods), operators.cpp, entry.cpp (the
// module, tenor_entry and tenor_init).
//
//
// Values. Scalars live in SSA values: bool i1, integers iN, Rate i64, Decimal i128, Date i32, Timestamp and
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
#pragma once

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

using boost::multiprecision::cpp_int;
using check::Program;
using check::Type;
using check::TypeId;
using check::TypeKind;
using llvm::BasicBlock;
using llvm::Value;
using ExprKind = ast::ExprKind;

constexpr std::int64_t kDay = 86'400;
// Variables larger than this live on the heap, not in the (32 KiB) stack: Lowerer::slot.
constexpr std::uint64_t kMaxStackSlot = 4'096;

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
inline int rounding_index(const std::string& name) {
  static const char* const k[] = {"Down", "Up", "Floor", "Ceiling", "HalfUp", "HalfDown", "HalfEven"};
  for (int i = 0; i < 7; ++i)
    if (name == k[i]) return i;
  return -1;
}

inline std::string digits_of(const std::string& text) {
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
      : file_(file),
        p_(p),
        sm_(sm),
        diags_(d),
        C(c),
        M(std::make_unique<llvm::Module>(file.contract.name.empty() ? "contract" : file.contract.name, c)),
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

  std::unique_ptr<llvm::Module> run();

 private:
  // --- types ----------------------------------------------------------------------------------

  const Type& ty(TypeId t) const { return p_.type(t); }
  TypeKind kind(TypeId t) const { return ty(t).kind; }

  // A registry scalar with an ordered key encoding, Bytes or String (their bytes are the key).
  bool is_key_type(TypeId t) const;

  bool is_scalar(TypeId t) const;

  llvm::Type* scalar_type(TypeId t);

  // The type a value of `t` has in IR (void for unit).
  llvm::Type* value_type(TypeId t);

  // Size in memory (saturating at kMaxValueBytes + 1).
  std::uint64_t mem_size(TypeId t) const { return layout_size(t, false); }
  // The most bytes a Borsh encoding of `t` takes.
  std::uint64_t enc_size(TypeId t) const { return layout_size(t, true); }

  std::uint64_t layout_size(TypeId t, bool borsh) const;

  void check_size(TypeId t, SourceRange where);

  // --- source locations -----------------------------------------------------------------------

  void attach_subprogram(llvm::Function* f, SourceRange r);

  // Instructions emitted from here on belong to the source position `r`.
  void locate(SourceRange r);

  [[noreturn]] void unsupported(SourceRange where, const std::string& what);

  // --- the runtime and the host ---------------------------------------------------------------

  llvm::Function* declare(const std::string& name, llvm::Type* ret, std::vector<llvm::Type*> params);

  // A call of host function `h` (vm/include/tenor/vm/host_api.def). Its import is declared on
  // first use, typed from its row: `i` is an i32 or, where the contract passes a pointer, an i8*
  // (an i32 offset on wasm32); `I` is an i64; no result letter is void. The imports keep the
  // table's order, after the runtime's declarations, and a module declares only those it calls.
  Value* host_call(Host h, std::vector<Value*> args);

  void declare_runtime();

  // --- small IR helpers -----------------------------------------------------------------------

  Value* c32(std::uint64_t v) { return B.getInt32(static_cast<std::uint32_t>(v)); }
  Value* gep(Value* p, std::uint64_t off) { return off == 0 ? p : B.CreateInBoundsGEP(i8, p, c32(off)); }
  Value* gep(Value* p, Value* off) { return B.CreateInBoundsGEP(i8, p, off); }
  Value* load(llvm::Type* t, Value* p) {
    return B.CreateAlignedLoad(t, B.CreateBitCast(p, t->getPointerTo()), llvm::MaybeAlign(1));
  }
  void store(Value* v, Value* p);
  void copy(Value* dst, Value* src, std::uint64_t n);
  void copy(Value* dst, Value* src, Value* n) {
    B.CreateMemMove(dst, llvm::MaybeAlign(1), src, llvm::MaybeAlign(1), n);
  }
  Value* alloc(std::uint64_t n) { return B.CreateCall(rt_alloc, {c32(n)}); }
  Value* alloc(Value* n) { return B.CreateCall(rt_alloc, {n}); }

  // An alloca of `n` bytes in the entry block: a variable's slot.
  Value* slot(std::uint64_t n);

  Value* bytes_constant(const std::string& bytes);

  BasicBlock* block(const char* name) { return BasicBlock::Create(C, name, fn_); }

  // Continues in a fresh (unreachable) block when the current one is terminated.
  void ensure_open();
  bool terminated() const { return B.GetInsertBlock()->getTerminator() != nullptr; }

  std::string where(SourceRange r) const;

  void emit_abort(const std::string& message);
  void emit_revert(const std::string& message);

  // Continues when `ok`; otherwise stops the call with the trap "what at file:line:col".
  void check(Value* ok, const std::string& what, SourceRange r);

  // --- memory values --------------------------------------------------------------------------

  // The value of type `t` stored at `p`: scalars are loaded, aggregates are `p` itself.
  Value* load_value(TypeId t, Value* p);

  // Stores `v` (of the same type `t`) at `p`.
  void store_value(TypeId t, Value* p, Value* v);

  // Stores `v` of type `v.t` into a place of type `to`, converting between bounds where the
  // checker allows it (Bytes/String of any bound, Option of those): a value too long for the
  // destination stops the call.
  void store_coerced(TypeId to, Value* p, V v, SourceRange r);

  // A copy of `v` as a value of type `to` in a fresh temporary (aggregates), or `v` (scalars).
  V coerce(V v, TypeId to, SourceRange r);

  // --- functions ------------------------------------------------------------------------------

  void declare_function(std::size_t i);
  // Which functions are lowered: the contract's, and the module fns they call (directly or not).
  void mark_needed();

  void define_function(std::size_t i);

  // Binds `name` to a fresh slot holding `v` (copied), or to `v` itself when `in_place`.
  void bind(const std::string& name, TypeId t, Value* v, bool in_place);

  const Local* lookup(const std::string& name) const;

  std::optional<std::size_t> storage_field(const std::string& name) const;

  // --- statements -----------------------------------------------------------------------------

  void lower_block(const ast::Block& b);

  TypeId type_of(const ast::Expr& e) const;

  void lower_stmt(const ast::Stmt& s);

  void lower_emit(const ast::EmitStmt& e);

  // --- assignment -----------------------------------------------------------------------------

  struct Step {
    const ast::Expr* e;  // a FieldExpr or an IndexExpr
  };

  void lower_assign(const ast::AssignStmt& a);

  // The root name of a place (`x`, `x.a[i].b`) and the steps after it; nullptr when the place is
  // not rooted in a name.
  const ast::Expr* split_place(const ast::Expr& e, std::vector<const ast::Expr*>& steps);

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
  std::pair<Value*, TypeId> walk(Value* p, TypeId t, const std::vector<const ast::Expr*>& steps, std::size_t from);

  std::pair<std::uint64_t, TypeId> field_offset(TypeId t, const std::string& name, SourceRange r);

  // The address of element `index` of the array or Vec at `p`, bounds-checked.
  std::pair<Value*, TypeId> element_address(Value* p, TypeId t, V index, SourceRange r);

  // --- storage --------------------------------------------------------------------------------

  Value* field_key(std::size_t field);

  Value* read_storage_field(std::size_t field);

  void write_storage_field(std::size_t field, V v);

  // The storage key of entry `k` of map field `field`: (pointer, length).
  std::pair<Value*, Value*> map_key(std::size_t field, V k);

  // Writes the order-preserving encoding of key `v` at `out`; returns its length.
  Value* ordkey_encode(TypeId t, Value* v, Value* out);

  void write_map_entry(std::size_t field, Value* key, Value* key_len, V v);

  // Maps whose `len()` the contract uses keep their entry count (Borsh u64) under the field's bare
  // key, which sorts before every entry (docs/abi.md). Others pay nothing for it.
  void collect_counted_maps();

  Value* read_count(std::size_t field);

  // count += 1 (up) or -= 1 when `when` holds.
  void adjust_count(std::size_t field, Value* when, bool up);

  // Reads the value under `key` into a fresh temporary; returns (present, pointer).
  std::pair<Value*, Value*> read_value(Value* key, Value* key_len, TypeId t);

  Value* read_or_abort(Value* key, Value* key_len, TypeId t, const std::string& what, SourceRange r);

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
  llvm::Function* encoder(TypeId t);

  Value* put(Value* buf, Value* pos, Value* v);

  Value* encode_body(TypeId t, Value* buf, Value* pos, Value* v);

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
  llvm::Function* decoder(TypeId t);

  Value* take(Value* rd, std::uint64_t n) { return B.CreateCall(rt_take, {rd, c32(n)}); }

  void malformed_unless(Value* ok, Value* rd);

  void decode_body(TypeId t, Value* rd, Value* out);

  // --- equality (one function per aggregate type) ---------------------------------------------

  Value* equal(TypeId t, Value* a, Value* b, SourceRange r);

  llvm::Function* eq_function(TypeId t);

  // --- expressions ----------------------------------------------------------------------------

  V name_value(const ast::Ident& id);

  TypeId find_simple(TypeKind k) const;

  V expr(const ast::Expr& e);

  // --- literals -------------------------------------------------------------------------------

  Value* int_constant(TypeId t, const std::string& text, bool negate, SourceRange r);

  // "125_000.00" with `scale` fractional digits -> the integer scaled by 10^scale.
  std::int64_t decimal_constant(const std::string& text, int scale, SourceRange r);

  static cpp_int scaled(const std::string& text, int scale);

  Value* money_constant(const cpp_int& minor, const std::string& currency, SourceRange r);

  static std::int64_t date_days(const std::string& t);
  static std::int64_t timestamp_seconds(const std::string& t);
  std::int64_t duration_seconds(const std::string& t, SourceRange r);

  // --- paths, calls, methods ------------------------------------------------------------------

  V path_value(const ast::PathExpr& e, TypeId t);

  V struct_literal(const ast::StructLiteralExpr& e, TypeId t);

  // `[a, b, c]` as an array or a Vec (its length, then the elements).
  V array_literal(const ast::ArrayLiteralExpr& a, TypeId t);

  // A constant where it is used: its folded value, or its value's expression lowered here.
  V const_value(const check::ConstInfo& c, SourceRange r);

  V call(const ast::CallExpr& c, TypeId t);

  V method(const ast::MethodCallExpr& m, TypeId t);

  // `Iface(address).method(args)`: Borsh input (name, arguments), call_contract, then the Borsh
  // result. A callee that reverts makes this call revert with its message (prefixed with the
  // method); a trap, running out of gas or a refusal (re-entry, unknown contract) traps here.
  V interface_call(V recv, const ast::MethodCallExpr& m, TypeId t);

  V map_method(std::size_t field, const ast::MethodCallExpr& m, TypeId t);

  // --- Decimal and the fixed-point methods (decimal.cpp) ---------------------------------------

  // A Decimal literal's value x 10^18 (the checker has checked its digits and range).
  Value* decimal_value(const std::string& text, bool negate);

  // The methods of Decimal and Rate, `n.to_decimal()` and `Money.apply(Decimal, mode)`; nullopt
  // for every other method.
  std::optional<V> fixed_point_method(const ast::MethodCallExpr& m, V recv, TypeId t);

  // a * b / d rounded by `mode` (an i8 Rounding), exact (tenor_rt.c's __tnr_mul_div); all i128.
  // A result outside i128 traps with "<what> overflow at <m's location>".
  Value* mul_div(Value* a, Value* b, Value* d, Value* mode, const std::string& what, SourceRange r);

  // An i128 that must fit in a Rate's i64, or the trap "Rate overflow".
  Value* to_rate_bits(Value* v, SourceRange r);

  // --- built-in functions, Date and Duration methods (builtins.cpp) ----------------------------

  // `min`, `max`, `abs`, `Date::ymd`; nullopt for every other call.
  std::optional<V> builtin_call(const ast::CallExpr& c, TypeId t);
  // The methods of Date and Duration, `min`/`max`/`abs` on integers and Money; nullopt otherwise.
  std::optional<V> time_method(const ast::MethodCallExpr& m, V recv, TypeId t);
  // The smaller (or larger) of two values of one ordered type; Money of two currencies traps.
  V extremum(bool max, V a, V b, SourceRange r);
  // |v|; the most negative integer (and Money, Duration, Rate, Decimal amount) traps.
  V absolute(V v, SourceRange r);
  // Duration x n and Duration / n (toward zero), n an integer that must fit in i64.
  V duration_arith(ast::BinaryOp op, V duration, V n, SourceRange r);

  // --- operators ------------------------------------------------------------------------------

  Value* overflow_op(llvm::Intrinsic::ID id, Value* a, Value* b, const std::string& what, SourceRange r);

  void same_currency(Value* a, Value* b, SourceRange r);

  V unary(const ast::UnaryExpr& u, TypeId t);

  V binary(const ast::BinaryExpr& b, TypeId t);

  Value* compare(ast::BinaryOp op, V l, V r, SourceRange where_);

  V arith(ast::BinaryOp op, V l, V r, SourceRange w);

  // `v as T` between integer types: traps when the value does not fit.
  Value* int_convert(V v, TypeId to, SourceRange r);
  // The integer `v` as an iN of the given signedness; traps with "<what> at ..." when it does not fit.
  Value* int_to_bits(V v, unsigned bits, bool is_signed, const std::string& what, SourceRange r);

  // --- for and match --------------------------------------------------------------------------

  void lower_for(const ast::ForStmt& f);

  // `for (k, v) in m`: walks the map's keys in storage order (= key order, docs/abi.md) with
  // storage_next, from the key after the last one visited, so the body may change the map.
  void lower_for_map(const ast::ForStmt& f, std::size_t field);

  // The inverse of ordkey_encode: the key of `len` bytes at `in` into the value bytes at `out`.
  void ordkey_decode(TypeId t, Value* in, Value* len, Value* out, SourceRange r);

  void lower_match(const ast::MatchStmt& m);

  // Tests `v` against pattern `p`: continues in the current block when it matches (with the
  // pattern's names bound in the innermost scope), branches to `fail` when it does not. Inner
  // values are only looked at once the outer tags matched.
  void match_pattern(const ast::Pattern& p, V v, BasicBlock* fail);

  // --- exports: tenor_entry and tenor_init ----------------------------------------------------

  // Decodes the parameters of function `i` from the reader and calls it; returns its result.
  Value* decode_and_call(std::size_t i, Value* rd);

  void write_output(TypeId t, Value* v);

  void define_dispatcher();

  void define_init_export();

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

  llvm::Function *rt_abort, *rt_revert, *rt_alloc, *rt_take, *rt_malformed, *rt_finish, *rt_check_utf8, *rt_input,
      *rt_storage_read, *rt_div_round, *rt_apply_rate, *rt_div_round_u128, *rt_mul_div, *rt_decimal_pow, *rt_date_civil,
      *rt_date_from_civil, *rt_date_days_in_month, *rt_date_is_leap_year, *rt_date_weekday, *rt_date_add_months;
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
  std::map<TypeId, llvm::Function*> encoders_, decoders_, eqs_;
  std::set<std::size_t> counted_;  // map fields whose entry count is kept
  std::unique_ptr<llvm::DIBuilder> di_;
  llvm::DIFile* di_file_ = nullptr;           // the contract's file (the compile unit's)
  std::map<FileId, llvm::DIFile*> di_files_;  // every file a function is in
  std::vector<bool> needed_;                  // per function: lowered (mark_needed)
  llvm::DISubprogram* scope_ = nullptr;       // the function being lowered
  llvm::Function* fn_ = nullptr;
  const check::FunctionInfo* fn_info_ = nullptr;
  std::vector<std::map<std::string, Local>> scopes_;
};

}  // namespace tenor::compiler::lower
