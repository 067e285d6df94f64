#include <gtest/gtest.h>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using test::kind_names;

// The printed AST of a file that must parse without errors.
std::string ast_of(const std::string& text) {
  CheckResult r = parse_source("t.tnr", text);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.diagnostics_text();
  return print_ast(*r.ast);
}

// The printed body of `fn f() { BODY }` (the statements' lines, trimmed).
std::string body_of(const std::string& body) {
  const std::string full = ast_of("contract C\nfn f() {\n" + body + "\n}\n");
  const std::string head = "(contract C\n  (fn f\n";
  EXPECT_EQ(full.substr(0, head.size()), head) << full;
  std::string out;
  std::size_t i = head.size();
  // Drop the two closing parens of fn and contract and the indentation of the body (4 spaces).
  std::string rest = full.substr(i, full.size() - i - 3);
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t nl = rest.find('\n', start);
    if (nl == std::string::npos) nl = rest.size();
    std::string line = rest.substr(start, nl - start);
    if (line.rfind("    ", 0) == 0) line = line.substr(4);
    out += line;
    if (nl < rest.size()) out += "\n";
    start = nl + 1;
  }
  return out;
}

// The printed expression `E` (from `return E;`).
std::string expr_of(const std::string& e) {
  std::string s = body_of("return " + e + ";");
  EXPECT_EQ(s.rfind("(return ", 0), 0u) << s;
  return s.substr(8, s.size() - 9);
}

std::vector<std::string> errors_of(const std::string& text) {
  return kind_names(parse_source("t.tnr", text).diagnostics);
}

// --- items ---

TEST(Parser, ContractAndStruct) {
  EXPECT_EQ(ast_of("contract C\nstruct S { a: u8, b: Map<Hash, Option<S>>, c: [u8; 32], d: Bytes<32>, }\n"),
            "(contract C\n  (struct S\n    (field a u8)\n    (field b Map<Hash, Option<S>>)\n"
            "    (field c [u8; 32])\n    (field d Bytes<32>)))\n");
  EXPECT_EQ(ast_of("contract C struct E {}"), "(contract C\n  (struct E))\n");
  EXPECT_EQ(ast_of("contract C"), "(contract C)\n");
}

TEST(Parser, EnumWithPayloads) {
  EXPECT_EQ(ast_of("contract C enum State { A, B { f: Party, m: Money }, C {}, }"),
            "(contract C\n  (enum State\n    (variant A)\n    (variant B\n      (field f Party)\n"
            "      (field m Money))\n    (variant C {})))\n");
}

TEST(Parser, EventAndStorage) {
  EXPECT_EQ(ast_of("contract C event E { id: Hash } storage { m: Map<Hash, u64>, v: Vec<u8, 10> }"),
            "(contract C\n  (event E\n    (field id Hash))\n  (storage\n    (field m Map<Hash, u64>)\n"
            "    (field v Vec<u8, 10>)))\n");
}

TEST(Parser, InitActionViewFn) {
  EXPECT_EQ(ast_of("contract C\ninit(r: Rate) signed_by(sender) { }\n"
                   "action a(x: u8, y: Party,) -> u64 signed_by(y, s.owner) { }\n"
                   "view v() -> Option<u8> { }\nfn f(a: [u8; 4]) -> bool { }\n"),
            "(contract C\n  (init (param r Rate) (signed_by sender))\n"
            "  (action a (param x u8) (param y Party) (returns u64) (signed_by y (. s owner)))\n"
            "  (view v (returns Option<u8>))\n  (fn f (param a [u8; 4]) (returns bool)))\n");
}

TEST(Parser, Interface) {
  EXPECT_EQ(ast_of("contract C interface Registry { action register(id: Hash); view get(id: Hash) -> u8; }"),
            "(contract C\n  (interface Registry\n    (action register (param id Hash))\n"
            "    (view get (param id Hash) (returns u8))))\n");
}

// --- statements ---

TEST(Parser, LetVarAssign) {
  EXPECT_EQ(body_of("let x = 1; var y: u64 = 2u64; y = 3; y += 1; y -= 1; m[k].f = 2; s.a.b = c;"),
            "(let x 1)\n(var y : u64 2u64)\n(= y 3)\n(+= y 1)\n(-= y 1)\n(= (. (index m k) f) 2)\n"
            "(= (. (. s a) b) c)");
}

TEST(Parser, IfElseWhileFor) {
  EXPECT_EQ(body_of("if a { x(); } else if b { } else { y(); }"),
            "(if a\n  (expr (call x))\n  (else\n    (if b\n      (else\n        (expr (call y))))))");
  EXPECT_EQ(body_of("while i < 10 { i += 1; }"), "(while (< i 10)\n  (+= i 1))");
  EXPECT_EQ(body_of("for (k, v) in m { } for x in 0..n { }"), "(for (tuple k v) m)\n(for x (.. 0 n))");
}

TEST(Parser, MatchArmsAndPatterns) {
  EXPECT_EQ(body_of("match s { State::A => { }, State::B { f, m } => f(), Some(x) => 1, None => revert(\"no\"), "
                    "_ => x, 1 => 2, -5 => 3, \"s\" => 4, true => 5, (a, _) => 6, y => 7 }"),
            "(match s\n  (arm (variant State::A)\n    (block))\n  (arm (variant State::B {f m})\n    (expr (call f)))\n"
            "  (arm (Some x)\n    (expr 1))\n  (arm None\n    (revert \"no\"))\n  (arm _\n    (expr x))\n"
            "  (arm 1\n    (expr 2))\n  (arm (neg 5)\n    (expr 3))\n  (arm \"s\"\n    (expr 4))\n"
            "  (arm true\n    (expr 5))\n  (arm (tuple a _)\n    (expr 6))\n  (arm y\n    (expr 7)))");
  // A block arm needs no comma; the last arm's comma is optional.
  EXPECT_EQ(body_of("match s { A::B => { } _ => 1 }"),
            "(match s\n  (arm (variant A::B)\n    (block))\n  (arm _\n    (expr 1)))");
}

TEST(Parser, RequireRevertEmitReturn) {
  EXPECT_EQ(body_of("require(a, \"m\"); revert(\"r\"); emit E { id, x: 1 }; return; return 1;"),
            "(require a \"m\")\n(revert \"r\")\n(emit E (id) (x 1))\n(return)\n(return 1)");
}

// --- expressions ---

TEST(Parser, Literals) {
  EXPECT_EQ(expr_of("10u64"), "10u64");
  EXPECT_EQ(expr_of("0x1f"), "0x1f");
  EXPECT_EQ(expr_of("0.035"), "0.035");
  EXPECT_EQ(expr_of("125_000.00 CNY"), "(money 125_000.00 CNY)");
  EXPECT_EQ(expr_of("100 JPY"), "(money 100 JPY)");
  EXPECT_EQ(expr_of("2027-03-31"), "(date 2027-03-31)");
  EXPECT_EQ(expr_of("2027-03-31T08:00:00Z"), "(timestamp 2027-03-31T08:00:00Z)");
  EXPECT_EQ(expr_of("30d"), "(duration 30d)");
  EXPECT_EQ(expr_of("0x" + std::string(64, '0')), "(hash 0x" + std::string(64, '0') + ")");
  EXPECT_EQ(expr_of("\"a\\n\""), "\"a\\n\"");
  EXPECT_EQ(expr_of("true"), "true");
  EXPECT_EQ(expr_of("Some(1)"), "(Some 1)");
  EXPECT_EQ(expr_of("None"), "None");
}

TEST(Parser, Precedence) {
  EXPECT_EQ(expr_of("a || b && c"), "(|| a (&& b c))");
  EXPECT_EQ(expr_of("a == b && c != d"), "(&& (== a b) (!= c d))");
  EXPECT_EQ(expr_of("a < b + c * d"), "(< a (+ b (* c d)))");
  EXPECT_EQ(expr_of("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr_of("a / b % c"), "(% (/ a b) c)");
  EXPECT_EQ(expr_of("0..n + 1"), "(.. 0 (+ n 1))");
  EXPECT_EQ(expr_of("-x as i64"), "(neg (as x i64))");
  EXPECT_EQ(expr_of("!a.b(c)[d].e"), "(! (. (index (method a b c) d) e))");
  EXPECT_EQ(expr_of("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr_of("x as u32 as u64"), "(as (as x u32) u64)");
  EXPECT_EQ(expr_of("a <= b == c >= d"), "(== (<= a b) (>= c d))");
}

TEST(Parser, CallsPathsStructLiterals) {
  EXPECT_EQ(expr_of("Rounding::Down"), "Rounding::Down");
  EXPECT_EQ(expr_of("Money::of(fee, amount.currency())"), "(call Money::of fee (method amount currency))");
  EXPECT_EQ(expr_of("Registry(addr).register(id)"), "(method (call Registry addr) register id)");
  EXPECT_EQ(expr_of("S { a: 1, b }"), "(struct S (a 1) (b))");
  EXPECT_EQ(expr_of("State::F { f, a: x + 1, }"), "(struct State::F (f) (a (+ x 1)))");
  EXPECT_EQ(expr_of("f(S { a: 1 })"), "(call f (struct S (a 1)))");
}

TEST(Parser, NoStructLiteralInConditions) {
  // `if x == P { ... }` opens the block; parenthesised struct literals are allowed.
  EXPECT_EQ(body_of("if x == P { y(); }"), "(if (== x P)\n  (expr (call y)))");
  EXPECT_EQ(body_of("if x == (P { a: 1 }) { }"), "(if (== x (struct P (a 1))))");
  EXPECT_EQ(body_of("while f(S { a }) { }"), "(while (call f (struct S (a))))");
  EXPECT_EQ(body_of("match P { _ => 1 }"), "(match P\n  (arm _\n    (expr 1)))");
  EXPECT_EQ(body_of("for x in xs { }"), "(for x xs)");
}

TEST(Parser, ConstItems) {
  EXPECT_EQ(ast_of("contract C\nconst N: u32 = 12 * 30;\nconst R: [u8; 2] = [1, 2];\n"),
            "(contract C\n  (const N u32 (* 12 30))\n  (const R [u8; 2] (array 1 2)))\n");
  EXPECT_EQ(kind_names(parse_source("t.tnr", "contract C\nconst N u32 = 1;\n").diagnostics),
            std::vector<std::string>{"expected_token"});
  EXPECT_EQ(kind_names(parse_source("t.tnr", "contract C\nconst N: u32 = 1\nfn f() {}\n").diagnostics),
            std::vector<std::string>{"expected_token"});
}

TEST(Parser, ArrayLiterals) {
  EXPECT_EQ(expr_of("[]"), "(array)");
  EXPECT_EQ(expr_of("[a, b + 1, f(x),]"), "(array a (+ b 1) (call f x))");
  EXPECT_EQ(expr_of("[[1], [S { a: 1 }]]"), "(array (array 1) (array (struct S (a 1))))");
  EXPECT_EQ(expr_of("[1, 2][i]"), "(index (array 1 2) i)");
  EXPECT_EQ(body_of("for x in [1, 2] { }"), "(for x (array 1 2))");
}

// --- errors and recovery ---

TEST(ParserErrors, SeveralErrorsInOneRun) {
  const std::string src =
      "contract C\n"
      "struct S { a: u8 b: u8 }\n"  // missing comma
      "fn f() {\n"
      "  let x = ;\n"         // expected expression
      "  let y = 2\n"         // missing ;
      "  let z: = 3;\n"       // expected type
      "  1 + 2 = 3;\n"        // invalid assignment target
      "  if a < b < c { }\n"  // chained comparison
      "}\n"
      "junk\n"                            // expected item
      "match x { }\n"                     // an expression keyword at the top level: skipped too
      "view v() { match x { => 1 } }\n";  // expected pattern
  EXPECT_EQ(errors_of(src), (std::vector<std::string>{"expected_token", "expected_expression", "expected_token",
                                                      "expected_type", "invalid_assignment_target",
                                                      "chained_comparison", "expected_item", "expected_pattern"}));
  CheckResult r = parse_source("t.tnr", src);
  // The items around the errors are still in the tree.
  EXPECT_EQ(r.ast->items.size(), 3u);
}

TEST(ParserErrors, MissingSemicolonPointsAfterThePreviousToken) {
  CheckResult r = parse_source("t.tnr", "contract C fn f() {\n  let y = 2\n  let z = 3;\n}\n");
  ASSERT_EQ(r.diagnostics.sorted().size(), 1u);
  EXPECT_EQ(r.diagnostics_text(), "t.tnr:2:12: error: expected `;`, found keyword `let`\n  let y = 2\n           ^\n");
}

TEST(ParserErrors, MissingContractHeader) {
  EXPECT_EQ(errors_of("struct S {}"), std::vector<std::string>{"missing_contract_header"});
  EXPECT_EQ(errors_of(""), std::vector<std::string>{"missing_contract_header"});
  EXPECT_EQ(errors_of("contract"), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(errors_of("contract A contract B"), std::vector<std::string>{"expected_item"});
}

TEST(ParserErrors, Statements) {
  EXPECT_EQ(errors_of("contract C fn f() { ; }"), std::vector<std::string>{"expected_statement"});
  EXPECT_EQ(errors_of("contract C fn f() { require(a); }"), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(errors_of("contract C fn f() { revert(1); }"), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(errors_of("contract C action f() signed_by() { }"), std::vector<std::string>{"expected_expression"});
  EXPECT_EQ(errors_of("contract C enum E { }"), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(errors_of("contract C fn f() { match x { a => 1 b => 2 } }"), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(errors_of("contract C interface I { fn f(); view g(); }"), std::vector<std::string>{"expected_token"});
}

TEST(ParserErrors, UnclosedBlockBeforeNextItem) {
  CheckResult r = parse_source("t.tnr", "contract C\nfn f() {\n  let x = 1;\nfn g() { }\n");
  EXPECT_EQ(kind_names(r.diagnostics), std::vector<std::string>{"expected_token"});
  EXPECT_EQ(r.ast->items.size(), 2u);
}

// --- depth bound ---

std::string nested(const std::string& open, const std::string& mid, const std::string& close, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += open;
  s += mid;
  for (int i = 0; i < n; ++i) s += close;
  return s;
}

TEST(ParserDepth, ParenthesesAtTheLimitPassOneMoreFails) {
  // Each parenthesis level costs one unit of depth for the parenthesis' expression (the outer
  // `return` expression takes one more): find the boundary by search rather than hard-coding it.
  int deepest_ok = 0;
  for (int n = 240; n <= 260; ++n) {
    CheckResult r = parse_source("t.tnr", "contract C fn f() { return " + nested("(", "1", ")", n) + "; }");
    if (r.ok())
      deepest_ok = n;
    else
      EXPECT_EQ(kind_names(r.diagnostics), std::vector<std::string>{"nesting_too_deep"}) << n;
  }
  EXPECT_GE(deepest_ok, 250);
  EXPECT_LT(deepest_ok, 256);
}

TEST(ParserDepth, DeepInputIsOneDiagnosticNotACrash) {
  const int n = 200000;
  for (const auto& [open, mid, close] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"(", "1", ")"},
                                                                      {"-", "1", ""},
                                                                      {"!", "x", ""},
                                                                      {"if x {", "", "}"},
                                                                      {"f(", "", ")"},
                                                                      {"Some(", "1", ")"},
                                                                      {"x[", "1", "]"}}) {
    const std::string body =
        open == "if x {" ? nested(open, mid, close, n) : "return " + nested(open, mid, close, n) + ";";
    CheckResult r = parse_source("t.tnr", "contract C fn f() { " + body + " }");
    EXPECT_FALSE(r.ok()) << open;
    EXPECT_LE(r.diagnostics.error_count(), 2u) << open << "\n" << r.diagnostics_text().substr(0, 400);
    EXPECT_EQ(kind_names(r.diagnostics).at(0), "nesting_too_deep") << open;
  }
  // Long left-nested chains count too (they make deep trees).
  std::string chain = "x";
  for (int i = 0; i < n; ++i) chain += " + x";
  EXPECT_EQ(kind_names(parse_source("t.tnr", "contract C fn f() { return " + chain + "; }").diagnostics),
            std::vector<std::string>{"nesting_too_deep"});
  std::string fields = "x";
  for (int i = 0; i < n; ++i) fields += ".f";
  EXPECT_EQ(kind_names(parse_source("t.tnr", "contract C fn f() { return " + fields + "; }").diagnostics),
            std::vector<std::string>{"nesting_too_deep"});
  EXPECT_EQ(
      kind_names(
          parse_source("t.tnr", "contract C struct S { a: " + nested("Option<", "u8", ">", n) + " }").diagnostics),
      std::vector<std::string>{"nesting_too_deep"});
  EXPECT_EQ(
      kind_names(parse_source("t.tnr", "contract C fn f() { match x { " + nested("Some(", "y", ")", n) + " => 1 } }")
                     .diagnostics),
      std::vector<std::string>{"nesting_too_deep"});
}

TEST(ParserDepth, LimitIsConfigurable) {
  FrontEndLimits limits;
  limits.max_nesting_depth = 8;
  EXPECT_FALSE(parse_source("t.tnr", "contract C fn f() { return " + nested("(", "1", ")", 8) + "; }", limits).ok());
  EXPECT_TRUE(parse_source("t.tnr", "contract C fn f() { return " + nested("(", "1", ")", 4) + "; }", limits).ok());
}

}  // namespace
}  // namespace tenor::compiler
