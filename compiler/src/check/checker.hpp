#pragma once

// The check phase (see check.hpp). Three passes over the items: collect the declarations' names,
// resolve their types (then reject recursive types), check every body; finally propagate the
// "writes" flag through calls and reject views that write.
//
// The Checker class; its member functions are defined by concept in this folder: types.cpp
// (type names, interning, resolving written types), declarations.cpp (passes 1 and 2: names,
// declarations, recursive types), statements.cpp (pass 3: bodies, statements, match, places,
// views that write), expr.cpp (literals, names, paths, struct literals and the expression
// switch), calls.cpp (calls and methods), operators.cpp, checker.cpp (check()).
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

#include "tenor/compiler/check.hpp"
#include "tenor/compiler/value_types.hpp"

namespace tenor::compiler::check {

using ast::ExprKind;
using boost::multiprecision::cpp_int;

// Edit distance with adjacent transpositions (optimal string alignment): `Dtae` is 1 from `Date`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// "did you mean `X`?" when one candidate is within a third of the name's length (at least 1).
std::string suggest(std::string_view name, const std::vector<std::string>& candidates);

inline std::string quote(const std::string& s) { return "`" + s + "`"; }

// A Decimal's value x 10^18 as text: "-1.5", "0.000000000000000001" (fixed_point.cpp).
std::string decimal_text(const cpp_int& scaled);

inline constexpr const char* kRoundingModes[] = {"Down", "Up", "Floor", "Ceiling", "HalfUp", "HalfDown", "HalfEven"};

struct Local {
  TypeId type = kErrorType;
  bool is_mutable = false;
  const char* what = "a `let` binding";  // for "cannot assign to `x`, ..."
};

// Per function being checked.
struct FnState {
  std::size_t index = 0;
  TypeId return_type = kUnitType;
  bool is_view = false;
  std::optional<SourceRange> first_write;  // a direct write
  std::string first_write_what;
  std::vector<std::pair<std::size_t, SourceRange>> calls;  // fn index, call site
};

// The names one unit (the contract, or a module) declares. The current unit's are the Checker's
// members (type_names_, ...); the others wait in Checker::unit_scopes_ (enter_unit swaps them).
struct UnitScope {
  std::map<std::string, TypeId> types;  // structs and enums
  std::map<std::string, std::size_t> interfaces, events, fns, storage, consts;
};

class Checker {
 public:
  Checker(std::vector<Unit> units, DiagnosticEngine& diags, const FrontEndLimits& limits)
      : diags_(diags), limits_(limits), p_(std::make_unique<Program>()) {
    p_->units = std::move(units);
    unit_scopes_.resize(p_->units.size());
    intern({TypeKind::Error});
    intern({TypeKind::Unit});
    intern({TypeKind::Bool});
  }

  std::unique_ptr<Program> run() {
    collect();
    resolve_declarations();
    check_recursion();
    check_consts();
    check_bodies();
    propagate_writes();
    return std::move(p_);
  }

 private:
  // --- types ----------------------------------------------------------------------------------

  // Interning is a map lookup: a file may hold many distinct types (a `String<len>` per literal).
  TypeId intern(Type t);
  TypeId simple(TypeKind k) { return intern(Type{k}); }
  TypeId int_type(std::uint16_t bits, bool is_signed);
  TypeId wrap(TypeKind k, TypeId element, std::uint64_t bound = 0, TypeId key = 0);
  const Type& ty(TypeId id) const { return p_->types[id]; }
  TypeKind kind(TypeId id) const { return ty(id).kind; }
  bool is_int(TypeId id) const { return kind(id) == TypeKind::Int; }
  bool is_error(TypeId id) const { return kind(id) == TypeKind::Error; }
  std::string name(TypeId id) const { return quote(p_->type_name(id)); }

  // `from` may be used where `to` is expected. Bytes/String bounds are checked where the value is
  // stored or passed (at run time), so any bound is compatible with any other.
  bool compatible(TypeId to, TypeId from) const;

  void expect_type(TypeId expected, TypeId found, SourceRange where);

  std::optional<std::uint64_t> parse_bound(const std::string& text);

  TypeId resolve_type(const ast::Type* t, bool storage_top = false);

  TypeId bad_args(const ast::Type& t, const char* shape);

  TypeId resolve_type_inner(const ast::Type& t, bool storage_top);

  std::optional<TypeId> int_named(std::string_view n);

  // --- depth ----------------------------------------------------------------------------------

  bool enter(SourceRange r);

  // --- pass 1: names --------------------------------------------------------------------------

  void duplicate(const std::string& what, const ast::Ident& id, SourceRange first);

  void collect();
  void collect_unit(const ast::File& file);

  // --- modules (modules.cpp) ------------------------------------------------------------------

  // Makes unit `u`'s names the current ones (type_names_, fn_index_, ...).
  void enter_unit(std::size_t u);
  const std::map<std::string, TypeId>& types_of(std::size_t u) const {
    return u == unit_ ? type_names_ : unit_scopes_[u].types;
  }
  const std::map<std::string, std::size_t>& fns_of(std::size_t u) const {
    return u == unit_ ? fn_index_ : unit_scopes_[u].fns;
  }
  const std::map<std::string, std::size_t>& interfaces_of(std::size_t u) const {
    return u == unit_ ? interface_index_ : unit_scopes_[u].interfaces;
  }
  const std::map<std::string, std::size_t>& consts_of(std::size_t u) const {
    return u == unit_ ? const_index_ : unit_scopes_[u].consts;
  }
  // The unit a path's items are in and how many leading segments name it: {unit_, 0}, or {u, 1}
  // for `m::...` where a `use` of the current unit bound `m`.
  std::pair<std::size_t, std::size_t> path_unit(const std::vector<ast::Ident>& segs) const;
  // `module m has no <what> `x``, with a suggestion among `candidates`' keys.
  template <typename Map>
  void unknown_item(const ast::Ident& module, const char* what, const ast::Ident& item, const Map& candidates) {
    std::vector<std::string> names;
    for (const auto& [k, v] : candidates) names.push_back(k);
    diags_.report(DiagnosticKind::UnknownModuleItem, item.range, {module.name, what, item.name},
                  suggest(item.name, names));
  }
  // `m::T` in a type.
  TypeId resolve_module_type(const ast::Type& t);
  // The enum `segs[0..count)` names (`E` or `m::E`); reports and returns nothing when there is none.
  std::optional<TypeId> enum_named(const std::vector<ast::Ident>& segs, std::size_t count);
  // `m::f(args)`, `m::Iface(address)`: set when the callee is a path into a module.
  std::optional<TypeId> check_module_call(const ast::CallExpr& c);
  // A call of the fn `index` (checked arguments; recorded for the writes flag and the lowering).
  TypeId call_fn(const ast::CallExpr& c, std::size_t index, const std::string& shown);

  // --- pass 2: declarations -------------------------------------------------------------------

  std::vector<FieldInfo> resolve_fields(const std::vector<ast::Field>& fields, const std::string& owner,
                                        bool storage = false);

  std::vector<FieldInfo> resolve_params(const std::vector<ast::Param>& params);

  void resolve_declarations();

  // A struct or enum that contains itself by value (through fields, payloads, arrays or Options)
  // has no finite size. A Vec is stored out of line and breaks the cycle.
  void inline_decls(TypeId t, std::vector<TypeId>& out);
  void check_recursion();

  // --- constants and array literals (constants.cpp) --------------------------------------------

  // Checks every constant's value (in declaration order; one that names another checks that one
  // first, and a cycle is reported).
  void check_consts();
  void check_const(std::size_t index);
  // A use of constant `index` by the path `e`: its type, with its folded value recorded for `e`.
  TypeId const_ref(const ast::PathExpr& e, std::size_t index);
  // Literals, constants, enum variants and operators, casts, Some/None, struct and array literals
  // of them. Reports the first part that is not, and returns false.
  bool constant_expr(const ast::Expr& e, const std::string& name);
  TypeId check_array_literal(const ast::ArrayLiteralExpr& a, TypeId hint);

  // --- built-in functions, Date and Duration methods (builtins.cpp) -----------------------------

  // `min(a, b)`, `max(a, b)`, `abs(x)`, `Date::ymd(y, m, d)`; nullopt for every other call.
  std::optional<TypeId> check_builtin_call(const ast::CallExpr& c, TypeId hint);
  // The methods of Date and Duration, and `min`/`max`/`abs` on integers and Money; nullopt for the
  // others.
  std::optional<TypeId> check_time_method(const ast::MethodCallExpr& m, TypeId recv);
  // Two values of one ordered type (the result's).
  TypeId check_extremum(const std::string& shown, const ast::Expr& first, const ast::Expr& second, TypeId hint,
                        SourceRange where);
  // `t` when it has a sign to remove (or is unsigned: abs is the value itself).
  TypeId check_abs(const std::string& shown, TypeId t, SourceRange where);

  // --- pass 3: bodies -------------------------------------------------------------------------

  void check_bodies();

  void propagate_writes();

  void note_write(SourceRange r, const char* what);

  // Scopes.
  Local* lookup(const std::string& n);
  void declare(const ast::Ident& id, Local l);

  // Returns true when the block always returns (or reverts).
  bool check_block(const ast::Block& b);

  bool check_stmt(const ast::Stmt& s);

  bool check_stmt_inner(const ast::Stmt& s);

  void expect_bool(const ast::Expr& e) { expect_type(kBoolType, check_expr(e, kBoolType), e.range); }

  void check_emit(const ast::EmitStmt& e);

  // Struct literal, enum payload or event fields: each declared field exactly once.
  void check_field_inits(const std::vector<FieldInfo>& decl, const std::vector<ast::FieldInit>& inits,
                         const std::string& owner, SourceRange where);

  bool check_for(const ast::ForStmt& f);

  // --- match ----------------------------------------------------------------------------------

  bool irrefutable(const ast::Pattern& p) const;

  bool check_match(const ast::MatchStmt& m);

  void check_pattern(const ast::Pattern& p, TypeId t);

  void check_pattern_inner(const ast::Pattern& p, TypeId t);

  const VariantInfo* find_variant(const EnumInfo& e, const ast::Ident& id);

  // --- places ---------------------------------------------------------------------------------

  // `v.push(x)` changes `v`: its root must be a `var` (or storage).
  void check_mutable_root(const ast::Expr& e);

  // The type of an assignment target; reports assignment to immutable roots; notes storage writes.
  TypeId check_place(const ast::Expr& e);

  // --- expressions ----------------------------------------------------------------------------

  TypeId check_expr(const ast::Expr& e, TypeId hint);

  static bool parse_integer(const std::string& text, cpp_int& out);

  // The integer literal's suffix type, if any (the lexer has already validated it).
  std::optional<TypeId> literal_suffix(const std::string& text);

  cpp_int min_of(TypeId t) const;
  cpp_int max_of(TypeId t) const;
  bool fits(const cpp_int& v, TypeId t) const { return v >= min_of(t) && v <= max_of(t); }

  // An unsuffixed decimal integer literal where a Decimal is expected: it is one (`1` is `1.0`).
  bool decimal_context_int(const ast::LiteralExpr& l, TypeId hint);
  // An integer literal without a suffix (possibly negated, or combined from such literals) takes
  // its type from context; it is checked after the other operand of a binary operator.
  bool untyped_int(const ast::Expr& e) const;

  // `negated`: the literal is the operand of a unary minus whose range is `where`.
  TypeId int_literal(const ast::LiteralExpr& l, TypeId hint, bool negated, SourceRange where = {});

  TypeId check_expr_inner(const ast::Expr& e, TypeId hint);

  TypeId check_name(const ast::Ident& id, TypeId hint);

  TypeId check_path(const ast::PathExpr& e);

  static std::string fields_list(const std::vector<FieldInfo>& fs);

  TypeId check_struct_literal(const ast::StructLiteralExpr& e);

  void check_args(const std::string& callee, const std::vector<FieldInfo>& params,
                  const std::vector<ast::ExprPtr>& args, SourceRange where);

  TypeId check_call(const ast::CallExpr& c, TypeId hint);

  TypeId method(const ast::MethodCallExpr& m, const std::string& recv, std::vector<TypeId> params, TypeId ret);

  bool storage_rooted(const ast::Expr& e) const;

  TypeId check_method(const ast::MethodCallExpr& m);

  TypeId check_unary(const ast::UnaryExpr& u, TypeId hint);

  void fold(SourceRange r, const cpp_int& v, TypeId t, const ast::Expr* e);

  TypeId check_binary(const ast::BinaryExpr& b, TypeId hint);

  TypeId binary_result(ast::BinaryOp op, TypeId l, TypeId r, SourceRange where, const ast::Expr* rhs);

  // --- Decimal and the fixed-point methods (fixed_point.cpp) -----------------------------------

  // "the methods of this type are `a`, `b` and `c`" from builtin_methods.def; empty when the
  // table has no rows for `k`.
  std::string builtin_methods_help(TypeKind k) const;

  // A decimal literal, possibly negated: checked before the other operand of a binary operator.
  bool untyped_decimal(const ast::Expr& e) const;

  // A decimal literal: a `Decimal` (18 fractional digits, exact) where one is expected, otherwise
  // a `Rate`. `negated`: the operand of a unary minus whose range is `where`.
  TypeId decimal_literal(const ast::LiteralExpr& l, TypeId hint, bool negated, SourceRange where = {});

  void fold_decimal(SourceRange r, const cpp_int& v, const ast::Expr* e);
  void fold_decimal_binary(const ast::BinaryExpr& b, TypeId result);

  // The methods of Decimal and Rate, `n.to_decimal()` and `Money.apply`; nullopt for the others.
  std::optional<TypeId> check_fixed_point_method(const ast::MethodCallExpr& m, TypeId recv);

  std::unordered_map<const ast::Expr*, cpp_int> decimal_consts_;  // folded Decimals, x 10^18

  DiagnosticEngine& diags_;
  FrontEndLimits limits_;
  std::unique_ptr<Program> p_;
  std::uint32_t depth_ = 0;
  bool depth_reported_ = false;

  std::map<std::tuple<TypeKind, std::uint16_t, bool, TypeId, TypeId, std::uint64_t, std::uint32_t>, TypeId>
      intern_index_;
  std::map<std::string, TypeId> type_names_;  // structs and enums
  std::map<std::string, std::size_t> interface_index_, event_index_, fn_index_, storage_index_, const_index_;
  std::vector<int> const_state_;          // per constant: 0 unchecked, 1 being checked, 2 checked
  std::vector<std::size_t> const_stack_;  // the constants being checked, outermost first
  std::vector<UnitScope> unit_scopes_;
  std::size_t unit_ = 0;
  std::vector<const ast::Item*> storage_items_;
  std::vector<std::map<std::string, Local>> scopes_;
  FnState* fn_ = nullptr;
  std::vector<FnState> states_;
  std::unordered_map<const ast::Expr*, cpp_int> consts_;  // folded integer constants
};

}  // namespace tenor::compiler::check
