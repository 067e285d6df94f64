// The check phase: name resolution and type checking of an AST (docs/language.md §2-§4). It turns
// an `ast::File` into a `check::Program`: every type interned once in a table (TypeId indexes it),
// the declarations with their resolved types, and a side table giving the type of every checked
// expression. The LLVM lowering reads the AST together with this Program; the Program points into
// the AST, which must outlive it.
//
// Errors are reported to the DiagnosticEngine; a Program is always returned (types that failed to
// resolve are `TypeKind::Error`, which is compatible with everything so one mistake is reported
// once). Recursion over expressions, statements and types is bounded by
// FrontEndLimits::max_nesting_depth.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tenor/compiler/ast.hpp"
#include "tenor/compiler/diagnostics.hpp"
#include "tenor/compiler/limits.hpp"

namespace tenor::compiler::check {

using TypeId = std::uint32_t;

// The value kinds come from the registry (common/include/tenor/common/value_types.def: Bool, Int,
// Money, Rate, Date, Timestamp, Duration, Party, Address, Hash, Bytes, String, Array, Vec, Option,
// Struct, Enum); the others are the compiler's own. Nothing depends on the numeric values.
//   Int: bits + is_signed; Bytes, String: bound; Array, Vec: element, bound; Option: element;
//   Struct, Enum: decl (an index into Program::structs / Program::enums).
enum class TypeKind : std::uint8_t {
  Error,  // a type that failed to resolve: compatible with everything
  Unit,   // `()`: no value (a function without `-> T`)
#define TENOR_VALUE_KIND(Kind, doc) Kind,
#include "tenor/common/value_types.def"
  Rounding,   // Rounding::Down, ...
  Map,        // key, element (storage fields only)
  Range,      // element (an integer type): `a..b`
  Interface,  // decl: index into Program::interfaces (the value of `Iface(address)`)
};

struct Type {
  TypeKind kind = TypeKind::Error;
  std::uint16_t bits = 0;   // Int
  bool is_signed = false;   // Int
  TypeId element = 0;       // Array, Vec, Option, Map (value), Range
  TypeId key = 0;           // Map
  std::uint64_t bound = 0;  // Bytes, String, Array, Vec
  std::uint32_t decl = 0;   // Struct, Enum, Interface

  friend bool operator==(const Type&, const Type&) = default;
};

struct FieldInfo {
  std::string name;
  TypeId type = 0;
  SourceRange range;
};

struct StructInfo {
  std::string name;  // `daycount::Basis` for a module's (the name it is used by in the contract)
  std::uint32_t unit = 0;
  std::vector<FieldInfo> fields;
  const ast::Item* item = nullptr;
};

struct VariantInfo {
  std::string name;
  bool has_fields = false;
  std::vector<FieldInfo> fields;
};

struct EnumInfo {
  std::string name;
  std::uint32_t unit = 0;
  std::vector<VariantInfo> variants;
  const ast::Item* item = nullptr;
};

struct EventInfo {
  std::string name;
  std::vector<FieldInfo> fields;
  const ast::Item* item = nullptr;
};

// An init, action, view or fn (or an interface method, with item == nullptr).
struct FunctionInfo {
  std::string name;  // "init" for init; a module's fn is named as in its module (`days`)
  ast::ItemKind kind = ast::ItemKind::Function;
  std::uint32_t unit = 0;  // the file it is declared in (Program::units)
  std::vector<FieldInfo> params;
  TypeId return_type = 0;  // Unit when absent
  // True when it assigns storage, emits an event or removes/pushes into storage, directly or
  // through the fns it calls.
  bool writes = false;
  const ast::Item* item = nullptr;
  std::vector<std::size_t> callees;  // the fns its body calls (indexes into Program::functions)
};

// `const NAME: T = value;`: integer and Decimal constants are folded exactly by the checker
// (`folded`); the others (literals of the other types, and expressions of them) are lowered where
// they are used.
struct ConstInfo {
  std::string name;  // as declared in its unit
  std::uint32_t unit = 0;
  TypeId type = 0;
  const ast::Item* item = nullptr;
  // An Int constant's value, or a Decimal's value x 10^18, in decimal digits ("-42"); empty when
  // the constant is not of those types (or its value did not check).
  std::string folded;
};

struct InterfaceInfo {
  std::string name;
  std::uint32_t unit = 0;
  std::vector<FunctionInfo> methods;
  const ast::Item* item = nullptr;
};

// One file of a compilation: the contract (units[0]) or a module it imports, directly or through
// other modules. The driver's module loader (compiler/src/driver/modules.cpp) builds the list.
struct Unit {
  const ast::File* file = nullptr;
  std::string name;  // the module's name ("" for the contract)
  std::string path;  // relative to the project: "main.tnr", "lib/fees.tnr", "std/daycount.tnr"
  std::map<std::string, std::size_t> imports;  // the name each `use` binds -> its unit
};

struct Program {
  std::vector<Unit> units;  // units[0] is the contract
  std::vector<Type> types;  // interned: equal types have equal ids
  std::vector<StructInfo> structs;
  std::vector<EnumInfo> enums;
  std::vector<EventInfo> events;
  std::vector<FieldInfo> storage;
  std::vector<FunctionInfo> functions;  // init, actions, views and fns in source order
  std::vector<InterfaceInfo> interfaces;
  std::vector<ConstInfo> consts;
  // Each path expression that names a constant (`N`, `daycount::DAYS_PER_YEAR`) -> its index.
  std::unordered_map<const ast::Expr*, std::size_t> const_refs;
  // The type of every expression the checker visited.
  std::unordered_map<const ast::Expr*, TypeId> expr_types;
  // The type of every `let`/`var` variable: declared, or its initialiser's.
  std::unordered_map<const ast::LetStmt*, TypeId> local_types;
  // The fn each call of a `fn` calls (an index into `functions`).
  std::unordered_map<const ast::CallExpr*, std::size_t> call_targets;

  const Type& type(TypeId id) const { return types.at(id); }
  // `u64`, `Option<Invoice>`, `Map<Hash, Invoice>`, `()`.
  std::string type_name(TypeId id) const;
};

// Well-known ids: the checker interns these first, in this order.
inline constexpr TypeId kErrorType = 0;
inline constexpr TypeId kUnitType = 1;
inline constexpr TypeId kBoolType = 2;

std::unique_ptr<Program> check(const ast::File& file, DiagnosticEngine& diags, const FrontEndLimits& limits = {});
// A contract and its modules: names in each unit resolve among its own items and, through its
// `use`s, `module::item` (docs/language.md, "Modules").
std::unique_ptr<Program> check(std::vector<Unit> units, DiagnosticEngine& diags, const FrontEndLimits& limits = {});

}  // namespace tenor::compiler::check
