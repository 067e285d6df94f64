// The check phase: programs it accepts (with the types it gives them) and the rules it enforces.
// Each rejected construct also has a golden file named after its diagnostic kind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace tenor::compiler {
namespace {

using test::kind_names;

CheckResult checked(const std::string& text) {
  CheckResult r = check_source("t.tnr", text);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.diagnostics_text();
  EXPECT_NE(r.program, nullptr);
  return r;
}

std::vector<std::string> errors_of(const std::string& text) {
  return kind_names(check_source("t.tnr", text).diagnostics);
}

// The type the checker gave the expression whose source text is `expr` (the first such node).
std::string type_of(const CheckResult& r, const std::string& text, const std::string& expr) {
  const std::size_t at = text.find(expr);
  for (const auto& [e, t] : r.program->expr_types)
    if (e->range.begin == at && e->range.size() == expr.size()) return r.program->type_name(t);
  return "<no expression `" + expr + "`>";
}

TEST(Check, DocsExampleChecksWithoutErrors) {
  const std::string text = test::language_md_example();
  const CheckResult r = check_source("language.md", text);
  ASSERT_TRUE(r.ok()) << r.diagnostics_text();
  ASSERT_NE(r.program, nullptr);
  const check::Program& p = *r.program;
  EXPECT_EQ(p.structs.size(), 1u);
  ASSERT_EQ(p.enums.size(), 1u);
  EXPECT_EQ(p.enums[0].variants.size(), 4u);
  EXPECT_EQ(p.events.size(), 2u);
  ASSERT_EQ(p.storage.size(), 2u);
  EXPECT_EQ(p.type_name(p.storage[0].type), "Map<Hash, Invoice>");
  EXPECT_EQ(p.type_name(p.storage[1].type), "Rate");
  ASSERT_EQ(p.functions.size(), 5u);
  EXPECT_TRUE(p.functions[0].writes);   // init
  EXPECT_TRUE(p.functions[1].writes);   // register
  EXPECT_FALSE(p.functions[4].writes);  // view invoice
  EXPECT_EQ(p.type_name(p.functions[4].return_type), "Option<Invoice>");
  EXPECT_EQ(type_of(r, text, "inv.amount.apply(advance_rate, Rounding::Down)"), "Money");
  EXPECT_EQ(type_of(r, text, "invoices.get(id)"), "Option<Invoice>");
  EXPECT_EQ(type_of(r, text, "invoices[id].debtor"), "Party");
  EXPECT_EQ(type_of(r, text, "rate > 0.0 && rate <= 1.0"), "bool");
}

TEST(Check, IntegerLiteralsTakeTheirTypeFromContext) {
  const std::string text =
      "contract C\nfn f(a: u8, b: i32) -> u64 {\n  let x = a + 1;\n  let y = 2 * b;\n  let z = 7;\n"
      "  let w: i128 = -170141183460469231731687303715884105728;\n  return z;\n}\n";
  const CheckResult r = checked(text);
  EXPECT_EQ(type_of(r, text, "a + 1"), "u8");
  EXPECT_EQ(type_of(r, text, "2 * b"), "i32");
  EXPECT_EQ(type_of(r, text, "7"), "u64");  // no context: u64
}

TEST(Check, ConstantsFoldExactly) {
  checked("contract C fn f() { let a: u8 = 200 + 55; let b: u128 = 340282366920938463463374607431768211455; }");
  checked("contract C fn f() { let a: i8 = -128; let b = 255u8; let c = (10 - 3) * 2 as u8; }");
  EXPECT_EQ(errors_of("contract C fn f() { let a: u8 = 200 + 56; }"), std::vector<std::string>{"constant_overflow"});
  EXPECT_EQ(errors_of("contract C fn f() { let a: u128 = 340282366920938463463374607431768211456; }"),
            std::vector<std::string>{"literal_out_of_range"});
  EXPECT_EQ(errors_of("contract C fn f() { let a = 0u8 - 1u8; }"), std::vector<std::string>{"constant_overflow"});
}

TEST(Check, MoneyRatesDatesAndDurations) {
  const std::string text =
      "contract C\nfn f(m: Money, r: Rate, d: Date, t: Timestamp) -> bool {\n"
      "  let a = m + 125_000.00 CNY - 1 JPY;\n  let b = m.times(3);\n  let c = m.divide(4, Rounding::HalfEven);\n"
      "  let e = d + 30d;\n  let g = d - 2027-03-31;\n  let h = t + 12h;\n  let i = now() - t;\n"
      "  let j = 0.035;\n  return a > b && r <= 1.0 && m.is_positive() && today() < 2027-03-31;\n}\n";
  const CheckResult r = checked(text);
  EXPECT_EQ(type_of(r, text, "d + 30d"), "Date");
  EXPECT_EQ(type_of(r, text, "d - 2027-03-31"), "Duration");
  EXPECT_EQ(type_of(r, text, "t + 12h"), "Timestamp");
  EXPECT_EQ(type_of(r, text, "0.035"), "Rate");
  EXPECT_EQ(errors_of("contract C fn f(m: Money) { let x = m * 3; }"), std::vector<std::string>{"invalid_operands"});
  EXPECT_EQ(errors_of("contract C fn f(r: Rate) { let x = r * r; }"), std::vector<std::string>{"invalid_operands"});
  EXPECT_EQ(errors_of("contract C fn f(d: Date) { let x = d + d; }"), std::vector<std::string>{"invalid_operands"});
}

TEST(Check, StructsEnumsOptionsAndCollections) {
  checked(R"(contract C
enum State { Open, Financed { factor: Party, advance: Money } }
struct Line { id: Hash, amount: Money, tags: Vec<u8, 4>, name: String<32>, raw: Bytes<64>, codes: [u16; 3] }
struct Tree { children: Vec<Tree, 4> }
storage { lines: Map<Hash, Line>, count: u64, owner: Party }
action add(id: Hash, amount: Money) signed_by(owner) {
  let tags: Vec<u8, 4> = lines[id].tags;
  lines[id] = Line { id, amount, tags, name: "first line", raw: lines[id].raw, codes: lines[id].codes };
  lines[id].tags.push(7);
  count += 1;
  var s = State::Open;
  s = State::Financed { factor: sender, advance: amount };
  let o: Option<u64> = Some(3);
  let n: Option<Line> = None;
  if o == None { revert("none"); }
  for i in 0..count { }
  for t in tags { let u: u8 = t; }
  for (k, v) in lines { let a: Money = v.amount; }
  let first: u16 = lines[id].codes[0];
  let l = tags.len();
  lines.remove(id);
}
)");
}

TEST(Check, MatchBindsPayloadsAndIsExhaustive) {
  checked(R"(contract C
enum State { Open, Financed { factor: Party, advance: Money }, Closed }
fn f(s: State, o: Option<u64>, b: bool) -> u64 {
  match s {
    State::Open => { }
    State::Financed { advance } => { let a: Money = advance; }
    State::Closed => revert("closed"),
  }
  match o {
    Some(x) => { return x; }
    None => { }
  }
  match b {
    true => { return 1; }
    false => { return 2; }
  }
}
)");
  EXPECT_EQ(errors_of("contract C enum E { A, B } fn f(e: E) { match e { E::A => { } } }"),
            std::vector<std::string>{"non_exhaustive_match"});
  // An unreachable arm is a warning: the program still checks.
  const CheckResult r =
      check_source("t.tnr", "contract C enum E { A, B } fn f(e: E) { match e { _ => { } E::A => { } } }");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(kind_names(r.diagnostics), std::vector<std::string>{"unreachable_arm"});
}

TEST(Check, EveryPathReturns) {
  checked("contract C fn f(x: i64) -> i64 { if x < 0 { return -1; } else { return 1; } }");
  checked("contract C fn f(x: i64) -> i64 { if x < 0 { return -1; } revert(\"no\"); }");
  EXPECT_EQ(errors_of("contract C fn f(x: i64) -> i64 { if x < 0 { return -1; } }"),
            std::vector<std::string>{"missing_return"});
  EXPECT_EQ(errors_of("contract C fn f() { return 1; }"), std::vector<std::string>{"type_mismatch"});
}

TEST(Check, ViewsMayNotWriteEvenThroughCalls) {
  checked("contract C storage { n: u64 } fn get() -> u64 { return n; } view v() -> u64 { return get(); }");
  EXPECT_EQ(errors_of("contract C storage { n: u64 } fn a() { n = 1; } fn b() { a(); } view v() { b(); }"),
            std::vector<std::string>{"view_writes_state"});
  EXPECT_EQ(errors_of("contract C storage { m: Map<u64, u64> } view v() { m.remove(1); }"),
            std::vector<std::string>{"view_writes_state"});
  // Recursion terminates the fixpoint.
  checked(
      "contract C fn a(n: u64) -> u64 { if n == 0 { return 0; } return a(n - 1); } view v() -> u64 { return a(3); }");
}

TEST(Check, SignedByExpressionsArePartiesAndInitIsUnique) {
  checked(
      "contract C storage { admin: Party } init(a: Party) signed_by(a) { admin = a; } action x() signed_by(admin, "
      "sender) { }");
  EXPECT_EQ(errors_of("contract C action x(n: u64) signed_by(n) { }"), std::vector<std::string>{"type_mismatch"});
  EXPECT_EQ(errors_of("contract C init() { } init() { }"), std::vector<std::string>{"duplicate_definition"});
}

TEST(Check, InterfacesAreCalledThroughAnAddress) {
  checked(R"(contract C
interface Registry { action register(id: Hash); view owner(id: Hash) -> Party; }
action a(r: Address, id: Hash) {
  Registry(r).register(id);
  let p: Party = Registry(r).with_gas(1000).owner(id);
}
)");
  EXPECT_EQ(errors_of("contract C interface R { action put(x: u64); } view v(r: Address) { R(r).put(1); }"),
            std::vector<std::string>{"view_writes_state"});
}

TEST(Check, PushNeedsAVar) {
  checked(
      "contract C fn f() -> u32 { var v: Vec<u8, 4> = g(); v.push(1); return v.len(); } fn g() -> Vec<u8, 4> { var v: "
      "Vec<u8, 4> = g(); return v; }");
  EXPECT_EQ(errors_of("contract C fn f(v: Vec<u8, 4>) { v.push(1); }"),
            std::vector<std::string>{"assign_to_immutable"});
}

TEST(Check, OnlyFnsAreCallable) {
  EXPECT_EQ(errors_of("contract C action a() { } fn f() { a(); }"), std::vector<std::string>{"unknown_name"});
}

TEST(Check, DepthIsBounded) {
  FrontEndLimits limits;
  limits.max_nesting_depth = 64;
  std::string e = "1";
  for (int i = 0; i < 40; ++i) e = "(" + e + " + 1)";
  const CheckResult r = check_source("t.tnr", "contract C fn f() -> u64 { return " + e + "; }", limits);
  EXPECT_TRUE(r.ok()) << r.diagnostics_text();
}

// Regression: `>=` right after a type argument list is `>` then `=`.
TEST(Check, GreaterEqualClosingTypeArguments) {
  const std::string text = "contract C fn f() { let x: Option<u8>= None; var y: Option<Option<u8>>= None; }";
  const CheckResult r = checked(text);
  ASSERT_TRUE(r.ok());
  const auto& let = r.ast->items.at(0)->body.statements.at(0)->as<ast::LetStmt>();
  ASSERT_TRUE(let.type && let.init);
  EXPECT_EQ(text.substr(let.type->range.begin, let.type->range.size()), "Option<u8>");
  EXPECT_EQ(text.substr(let.init->range.begin, let.init->range.size()), "None");
  EXPECT_EQ(print_ast(*r.ast).find("error"), std::string::npos);
  EXPECT_EQ(errors_of("contract C fn f(a: u8) -> bool { return a >= 1; }"), std::vector<std::string>{});
}

// Whatever nesting the parser accepts, the checker accepts too (its bound is never the tighter one).
TEST(Check, CheckerDepthNeverTighterThanTheParser) {
  for (int n = 1; n <= 300; ++n) {
    std::string neg = "1", ifs = "return 1;", opt = "1";
    for (int i = 0; i < n; ++i) {
      neg = "-(" + neg + ")";
      ifs = "if true { " + ifs + " }";
      opt = "Some(" + opt + ")";
    }
    for (const std::string& text :
         {"contract C fn f() -> i64 { return " + neg + "; }", "contract C fn f() -> i64 { " + ifs + " return 0; }",
          "contract C fn f() { let x = " + opt + "; }"}) {
      if (!parse_source("t.tnr", text).ok()) continue;
      const CheckResult r = check_source("t.tnr", text);
      EXPECT_TRUE(r.ok()) << n << "\n" << r.diagnostics_text().substr(0, 200);
    }
  }
}

TEST(Check, SyntaxErrorsSkipTheChecker) {
  const CheckResult r = check_source("t.tnr", "contract C fn f() { let x: Unknown = ; }");
  EXPECT_EQ(kind_names(r.diagnostics), std::vector<std::string>{"expected_expression"});
  EXPECT_EQ(r.program, nullptr);
}

}  // namespace
}  // namespace tenor::compiler
