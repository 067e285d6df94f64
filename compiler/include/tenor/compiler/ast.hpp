// The abstract syntax tree of one Tenor file (docs/language.md §3-§4). Every node carries the
// source range it was parsed from. Nodes own their children (unique_ptr); each node family (Item,
// Stmt, Expr, Pattern) is a base struct with a `kind` tag and one derived struct per kind, so later
// phases switch over the tag and static_cast (see `as<T>()`).
//
// A parse with errors still yields a tree: the parts that failed are Error nodes (ErrorExpr,
// ErrorPattern), missing names are empty, and skipped statements are absent.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tenor/compiler/source.hpp"

namespace tenor::compiler::ast {

struct Ident {
  std::string name;  // empty when missing after an error
  SourceRange range;
};

// IDENT { "::" IDENT }
struct Path {
  std::vector<Ident> segments;
  SourceRange range;
};

struct Type;
using TypePtr = std::unique_ptr<Type>;

// A generic argument: a type, or an integer (`Bytes<32>`, `Vec<T, 10>`).
struct TypeArg {
  TypePtr type;         // set for a type argument
  std::string integer;  // the literal's text for an integer argument
  SourceRange range;
};

// IDENT [ "<" type_arg { "," type_arg } ">" ]  |  "[" type ";" INT "]"
struct Type {
  enum class Kind : std::uint8_t { Named, Array, Error } kind = Kind::Error;
  SourceRange range;
  Ident module;               // Named: `m` of `m::T` (empty name: none)
  Ident name;                 // Named
  std::vector<TypeArg> args;  // Named
  TypePtr element;            // Array
  std::string length;         // Array: the integer literal's text
};

// --- expressions -----------------------------------------------------------------------------

enum class ExprKind : std::uint8_t {
  Error,
  IntegerLiteral,  // text, suffix included: "10u64", "0x1f"
  DecimalLiteral,  // "0.035"
  MoneyLiteral,    // "125_000.00" + currency "CNY"
  DateLiteral,
  TimestampLiteral,
  DurationLiteral,  // "30d"
  HashLiteral,      // "0x" + 64 hex digits
  StringLiteral,    // decoded value
  BoolLiteral,
  Path,           // `x`, `State::Registered`
  Call,           // callee(args)
  MethodCall,     // receiver.name(args)
  Field,          // base.name
  Index,          // base[index]
  StructLiteral,  // Path { a: 1, b }
  Some,           // Some(e)
  None,           // None
  Unary,
  Binary,
  Cast,          // e as T
  ArrayLiteral,  // [a, b, c]
};

enum class UnaryOp : std::uint8_t { Not, Negate };
enum class BinaryOp : std::uint8_t {
  Or,
  And,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Range,
  Add,
  Sub,
  Mul,
  Div,
  Rem,
};
const char* unary_op_spelling(UnaryOp op);
const char* binary_op_spelling(BinaryOp op);

struct Expr {
  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  template <typename T>
  const T& as() const {
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& as() {
    return static_cast<T&>(*this);
  }

  ExprKind kind;
  SourceRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

struct ErrorExpr : Expr {
  explicit ErrorExpr(SourceRange r) : Expr(ExprKind::Error, r) {}
};
// Every literal but money and bool: `text` is the source text, or the decoded string value.
struct LiteralExpr : Expr {
  LiteralExpr(ExprKind k, SourceRange r, std::string t) : Expr(k, r), text(std::move(t)) {}
  std::string text;
};
struct MoneyLiteralExpr : Expr {
  MoneyLiteralExpr(SourceRange r, std::string a, Ident c)
      : Expr(ExprKind::MoneyLiteral, r), amount(std::move(a)), currency(std::move(c)) {}
  std::string amount;
  Ident currency;
};
struct BoolLiteralExpr : Expr {
  BoolLiteralExpr(SourceRange r, bool v) : Expr(ExprKind::BoolLiteral, r), value(v) {}
  bool value;
};
struct PathExpr : Expr {
  PathExpr(SourceRange r, Path p) : Expr(ExprKind::Path, r), path(std::move(p)) {}
  Path path;
};
struct CallExpr : Expr {
  CallExpr(SourceRange r, ExprPtr c, std::vector<ExprPtr> a)
      : Expr(ExprKind::Call, r), callee(std::move(c)), args(std::move(a)) {}
  ExprPtr callee;
  std::vector<ExprPtr> args;
};
struct MethodCallExpr : Expr {
  MethodCallExpr(SourceRange r, ExprPtr recv, Ident n, std::vector<ExprPtr> a)
      : Expr(ExprKind::MethodCall, r), receiver(std::move(recv)), name(std::move(n)), args(std::move(a)) {}
  ExprPtr receiver;
  Ident name;
  std::vector<ExprPtr> args;
};
struct FieldExpr : Expr {
  FieldExpr(SourceRange r, ExprPtr b, Ident n) : Expr(ExprKind::Field, r), base(std::move(b)), name(std::move(n)) {}
  ExprPtr base;
  Ident name;
};
struct IndexExpr : Expr {
  IndexExpr(SourceRange r, ExprPtr b, ExprPtr i) : Expr(ExprKind::Index, r), base(std::move(b)), index(std::move(i)) {}
  ExprPtr base;
  ExprPtr index;
};
// `name: value`, or the shorthand `name` (value null).
struct FieldInit {
  Ident name;
  ExprPtr value;
  SourceRange range;
};
struct StructLiteralExpr : Expr {
  StructLiteralExpr(SourceRange r, Path p, std::vector<FieldInit> f)
      : Expr(ExprKind::StructLiteral, r), path(std::move(p)), fields(std::move(f)) {}
  Path path;
  std::vector<FieldInit> fields;
};
struct SomeExpr : Expr {
  SomeExpr(SourceRange r, ExprPtr v) : Expr(ExprKind::Some, r), value(std::move(v)) {}
  ExprPtr value;
};
struct NoneExpr : Expr {
  explicit NoneExpr(SourceRange r) : Expr(ExprKind::None, r) {}
};
struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, UnaryOp o, ExprPtr e) : Expr(ExprKind::Unary, r), op(o), operand(std::move(e)) {}
  UnaryOp op;
  ExprPtr operand;
};
struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, BinaryOp o, ExprPtr l, ExprPtr rhs_)
      : Expr(ExprKind::Binary, r), op(o), lhs(std::move(l)), rhs(std::move(rhs_)) {}
  BinaryOp op;
  SourceRange op_range;
  ExprPtr lhs;
  ExprPtr rhs;
};
struct CastExpr : Expr {
  CastExpr(SourceRange r, ExprPtr e, TypePtr t) : Expr(ExprKind::Cast, r), operand(std::move(e)), type(std::move(t)) {}
  ExprPtr operand;
  TypePtr type;
};
// `[a, b, c]`: an array `[T; 3]`, or a `Vec<T, N>` where one is expected.
struct ArrayLiteralExpr : Expr {
  ArrayLiteralExpr(SourceRange r, std::vector<ExprPtr> e) : Expr(ExprKind::ArrayLiteral, r), elements(std::move(e)) {}
  std::vector<ExprPtr> elements;
};

// --- patterns --------------------------------------------------------------------------------

enum class PatternKind : std::uint8_t { Error, Wildcard, Binding, Variant, Some, None, Literal, Tuple };

struct Pattern {
  PatternKind kind = PatternKind::Error;
  SourceRange range;
  Ident name;                                      // Binding
  Path path;                                       // Variant: a path (`State::Confirmed`)
  bool has_braces = false;                         // Variant: `{ a, b }` given
  std::vector<Ident> bindings;                     // Variant: the names in braces
  std::vector<std::unique_ptr<Pattern>> children;  // Some: 1, Tuple: 2
  ExprPtr literal;                                 // Literal
};
using PatternPtr = std::unique_ptr<Pattern>;

// --- statements ------------------------------------------------------------------------------

enum class StmtKind : std::uint8_t {
  Let,
  Assign,
  If,
  While,
  For,
  Match,
  Require,
  Revert,
  Emit,
  Return,
  Expr,
  Block,
};
enum class AssignOp : std::uint8_t { Assign, AddAssign, SubAssign };

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Block {
  std::vector<StmtPtr> statements;
  SourceRange range;
};

struct Stmt {
  explicit Stmt(StmtKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  template <typename T>
  const T& as() const {
    return static_cast<const T&>(*this);
  }

  StmtKind kind;
  SourceRange range;
};

// `let` (mutable false) or `var` (mutable true).
struct LetStmt : Stmt {
  explicit LetStmt(SourceRange r) : Stmt(StmtKind::Let, r) {}
  bool is_mutable = false;
  Ident name;
  TypePtr type;  // optional
  ExprPtr init;
};
struct AssignStmt : Stmt {
  explicit AssignStmt(SourceRange r) : Stmt(StmtKind::Assign, r) {}
  AssignOp op = AssignOp::Assign;
  ExprPtr place;  // a path of one name, a field or an index chain on one
  ExprPtr value;
};
struct IfStmt : Stmt {
  explicit IfStmt(SourceRange r) : Stmt(StmtKind::If, r) {}
  ExprPtr condition;
  Block then_block;
  StmtPtr else_branch;  // null, a BlockStmt or an IfStmt
};
struct WhileStmt : Stmt {
  explicit WhileStmt(SourceRange r) : Stmt(StmtKind::While, r) {}
  ExprPtr condition;
  Block body;
};
struct ForStmt : Stmt {
  explicit ForStmt(SourceRange r) : Stmt(StmtKind::For, r) {}
  PatternPtr pattern;
  ExprPtr iterable;
  Block body;
};
// `pattern => body`: body is a BlockStmt, an ExprStmt or a RevertStmt.
struct MatchArm {
  PatternPtr pattern;
  StmtPtr body;
  SourceRange range;
};
struct MatchStmt : Stmt {
  explicit MatchStmt(SourceRange r) : Stmt(StmtKind::Match, r) {}
  ExprPtr scrutinee;
  std::vector<MatchArm> arms;
};
struct RequireStmt : Stmt {
  explicit RequireStmt(SourceRange r) : Stmt(StmtKind::Require, r) {}
  ExprPtr condition;
  std::string message;
  SourceRange message_range;
};
struct RevertStmt : Stmt {
  explicit RevertStmt(SourceRange r) : Stmt(StmtKind::Revert, r) {}
  std::string message;
  SourceRange message_range;
};
struct EmitStmt : Stmt {
  explicit EmitStmt(SourceRange r) : Stmt(StmtKind::Emit, r) {}
  Ident event;
  std::vector<FieldInit> fields;
};
struct ReturnStmt : Stmt {
  explicit ReturnStmt(SourceRange r) : Stmt(StmtKind::Return, r) {}
  ExprPtr value;  // optional
};
struct ExprStmt : Stmt {
  ExprStmt(SourceRange r, ExprPtr e) : Stmt(StmtKind::Expr, r), expr(std::move(e)) {}
  ExprPtr expr;
};
struct BlockStmt : Stmt {
  explicit BlockStmt(Block b) : Stmt(StmtKind::Block, b.range), block(std::move(b)) {}
  Block block;
};

// --- items -----------------------------------------------------------------------------------

struct Field {
  Ident name;
  TypePtr type;
  SourceRange range;
};
using Param = Field;

struct Variant {
  Ident name;
  bool has_fields = false;  // `{ ... }` given (possibly empty)
  std::vector<Field> fields;
  SourceRange range;
};

enum class ItemKind : std::uint8_t { Struct, Enum, Event, Storage, Init, Action, View, Function, Interface, Const };

// One `action`/`view` signature of an interface.
struct InterfaceMethod {
  bool is_view = false;
  Ident name;
  std::vector<Param> params;
  TypePtr return_type;  // optional
  SourceRange range;
};

struct Item {
  ItemKind kind = ItemKind::Struct;
  SourceRange range;
  Ident name;                     // all but Storage and Init
  std::vector<Field> fields;      // Struct, Event, Storage
  std::vector<Variant> variants;  // Enum
  std::vector<Param> params;      // Init, Action, View, Function
  TypePtr return_type;            // Action, View, Function (optional); Const: its declared type
  bool has_signed_by = false;     // Init, Action, View
  std::vector<ExprPtr> signed_by;
  Block body;                            // Init, Action, View, Function
  std::vector<InterfaceMethod> methods;  // Interface
  ExprPtr value;                         // Const: `const NAME: T = value;`
};
using ItemPtr = std::unique_ptr<Item>;

// `use std::daycount;`, `use fees;`, `use lib::fees;`: binds the path's last segment.
struct Use {
  Path path;
  SourceRange range;
};

// `contract NAME` (or `module NAME`), then the `use`s, then the items.
struct File {
  Ident contract;          // the contract's name, or the module's
  bool is_module = false;  // the file starts with `module NAME`
  SourceRange header;      // `contract NAME` / `module NAME`
  std::vector<Use> uses;
  std::vector<ItemPtr> items;
  SourceRange range;
};

const char* item_kind_keyword(ItemKind kind);

}  // namespace tenor::compiler::ast
