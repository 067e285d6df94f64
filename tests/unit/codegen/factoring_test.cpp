// The docs/language.md example contract (receivable factoring), compiled and run: registration,
// confirmation by the debtor, financing signed by seller and factor in one transaction, the
// double-financing refusal, signature checks, views, events and storage.
#include <fstream>
#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "harness.hpp"
#include "tenor/sdk/srcmap.hpp"

namespace tenor::test {
namespace {

std::string docs_example() {
  std::ifstream in(std::string(TENOR_DOCS_DIR) + "/language.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  const auto begin = md.find("```tenor\n");
  const auto end = md.find("```", begin + 9);
  return md.substr(begin + 9, end - begin - 9);
}

vm::Hash invoice_id(uint8_t n) {
  vm::Hash h{};
  h.fill(0);
  h[0] = n;
  return h;
}

class Factoring : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  void SetUp() override {
    c = std::make_unique<Deployed>(docs_example(), GetParam(), "factoring.tnr");
    ASSERT_TRUE(c->build.ok());
    // init(rate: Rate) with rate 0.8
    ExecResult r = c->init(Args().i64(800'000'000).bytes());
    ASSERT_TRUE(r.ok()) << status_text(r);
  }
  ExecResult register_invoice(uint8_t id, vm::Party who_owes, __int128 amount) {
    c->sign_as({seller});
    return c->call(
        Args().str("register").fixed(invoice_id(id)).fixed(who_owes).money(amount, "CNY").i32(20'000).bytes());
  }
  std::unique_ptr<Deployed> c;
  vm::Party seller = party(1), debtor = party(2), factor = party(3);
};

TEST_P(Factoring, InitRejectsAnAdvanceRateOutsideItsRange) {
  Deployed d(docs_example(), GetParam(), "factoring.tnr");
  ExecResult r = d.init(Args().i64(1'500'000'000).bytes());
  EXPECT_EQ(r.status, ExecStatus::Revert);
  EXPECT_EQ(std::string(r.output.begin(), r.output.end()), "advance rate must be in (0, 1]");
}

TEST_P(Factoring, RegisterConfirmFinanceAndNeverTwice) {
  ASSERT_TRUE(register_invoice(7, debtor, 12'500'000).ok()) << status_text(c->last);
  ASSERT_EQ(c->host.events.size(), 1u);
  EXPECT_EQ(std::string(c->host.events[0].topic.begin(), c->host.events[0].topic.end()), "Registered");

  // Registering the same id again reverts.
  ExecResult again = register_invoice(7, debtor, 1);
  EXPECT_EQ(again.status, ExecStatus::Revert);
  EXPECT_EQ(std::string(again.output.begin(), again.output.end()), "invoice already registered");

  // Only the debtor can confirm.
  c->sign_as({seller});
  ExecResult wrong = c->call(Args().str("confirm").fixed(invoice_id(7)).bytes());
  EXPECT_EQ(wrong.status, ExecStatus::Revert) << status_text(wrong);
  EXPECT_NE(std::string(wrong.output.begin(), wrong.output.end()).find("invoices[id].debtor"), std::string::npos);
  c->sign_as({debtor});
  ASSERT_TRUE(c->call(Args().str("confirm").fixed(invoice_id(7)).bytes()).ok()) << status_text(c->last);

  // Financing needs the seller and the factor in one transaction.
  c->sign_as({seller});
  ExecResult one = c->call(Args().str("finance").fixed(invoice_id(7)).fixed(factor).bytes());
  EXPECT_EQ(one.status, ExecStatus::Revert);
  c->sign_as({seller, factor});
  ExecResult fin = c->call(Args().str("finance").fixed(invoice_id(7)).fixed(factor).bytes());
  ASSERT_TRUE(fin.ok()) << status_text(fin);
  ASSERT_EQ(c->host.events.size(), 2u);
  // Financed { id, factor, advance }: advance = 125000.00 * 0.8 = 100000.00 CNY.
  Bytes expected = Args().fixed(invoice_id(7)).fixed(factor).money(10'000'000, "CNY").bytes();
  EXPECT_EQ(c->host.events[1].data, expected);

  // Never financed twice.
  ExecResult twice = c->call(Args().str("finance").fixed(invoice_id(7)).fixed(factor).bytes());
  EXPECT_EQ(twice.status, ExecStatus::Revert);
  EXPECT_NE(std::string(twice.output.begin(), twice.output.end()).find("never financed twice"), std::string::npos);

  // The view returns Some(invoice) with the Financed state.
  ExecResult v = c->call(Args().str("invoice").fixed(invoice_id(7)).bytes());
  ASSERT_TRUE(v.ok()) << status_text(v);
  Bytes inv = Args()
                  .u8(1)  // Some
                  .fixed(seller)
                  .fixed(debtor)
                  .money(12'500'000, "CNY")
                  .i32(20'000)
                  .u8(2)  // State::Financed
                  .fixed(factor)
                  .money(10'000'000, "CNY")
                  .bytes();
  EXPECT_EQ(v.output, inv);
  ExecResult none = c->call(Args().str("invoice").fixed(invoice_id(9)).bytes());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.output, Bytes{0});
}

TEST_P(Factoring, ConfirmingAnUnknownInvoiceStopsWithTheSourceLine) {
  c->sign_as({debtor});
  ExecResult r = c->call(Args().str("confirm").fixed(invoice_id(5)).bytes());
  EXPECT_EQ(r.status, ExecStatus::Trap) << status_text(r);
  EXPECT_NE(r.message.find("no entry with this key in `invoices` at factoring.tnr:"), std::string::npos) << r.message;
}

TEST_P(Factoring, MalformedInputAndUnknownEntryPointsRevert) {
  ExecResult bad = c->call(Args().str("register").u8(1).bytes());
  EXPECT_EQ(bad.status, ExecStatus::Revert);
  EXPECT_NE(std::string(bad.output.begin(), bad.output.end()).find("malformed input"), std::string::npos);
  ExecResult trailing = c->call(Args().str("invoice").fixed(invoice_id(1)).u8(0).bytes());
  EXPECT_EQ(trailing.status, ExecStatus::Revert);
  ExecResult unknown = c->call(Args().str("steal").bytes());
  EXPECT_EQ(unknown.status, ExecStatus::Revert);
  EXPECT_NE(std::string(unknown.output.begin(), unknown.output.end()).find("unknown entry point"), std::string::npos);
  ExecResult empty = c->call({});
  EXPECT_EQ(empty.status, ExecStatus::Revert);
}

TEST_P(Factoring, ANegativeAmountIsRefused) {
  ExecResult r = register_invoice(3, debtor, -5);
  EXPECT_EQ(r.status, ExecStatus::Revert);
  EXPECT_EQ(std::string(r.output.begin(), r.output.end()), "amount must be positive");
  EXPECT_TRUE(c->host.events.empty());
}

INSTANTIATE_TEST_SUITE_P(Levels, Factoring,
                         testing::Values(compiler::OptLevel::O0, compiler::OptLevel::O2, compiler::OptLevel::Oz),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

TEST(Build, IsReproducibleAndCarriesItsAbi) {
  const std::string src = docs_example();
  const auto a = compiler::build_source("factoring.tnr", src);
  const auto b = compiler::build_source("factoring.tnr", src);
  ASSERT_TRUE(a.ok()) << a.diagnostics_text();
  EXPECT_EQ(a.wasm, b.wasm);
  const std::string abi = compiler::read_abi_section(a.wasm);
  EXPECT_EQ(abi, a.abi_json);
  EXPECT_NE(abi.find("\"name\": \"finance\""), std::string::npos);
  EXPECT_NE(abi.find("\"signed_by\""), std::string::npos);
}

// The source map: sorted rows inside the file, covering the lines of the entry points' bodies, and
// offsets inside the code section; the DWARF sections it came from are gone.
TEST(Build, CarriesASourceMapFromCodeOffsetsToLines) {
  const std::string src = docs_example();
  const auto b = compiler::build_source("factoring.tnr", src);
  ASSERT_TRUE(b.ok()) << b.diagnostics_text();
  auto read = sdk::SourceMap::from_wasm(b.wasm);
  ASSERT_TRUE(read) << read.error().to_string();
  ASSERT_TRUE(*read);
  const sdk::SourceMap& map = **read;
  EXPECT_EQ(map.file(), "factoring.tnr");
  const auto& rows = map.rows();
  ASSERT_GT(rows.size(), 10u);
  const auto lines = static_cast<uint32_t>(std::count(src.begin(), src.end(), '\n'));
  std::set<uint32_t> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) {
      EXPECT_LT(rows[i - 1].code_offset, rows[i].code_offset);
    }
    if (rows[i].line == 0) continue;
    EXPECT_LE(rows[i].line, lines);
    seen.insert(rows[i].line);
  }
  // `invoices[id].state = State::Confirmed;` and the `require` before it.
  const auto line_of = [&](const std::string& text) {
    return static_cast<uint32_t>(std::count(src.begin(), src.begin() + static_cast<long>(src.find(text)), '\n') + 1);
  };
  EXPECT_TRUE(seen.count(line_of("invoices[id].state = State::Confirmed;")));
  EXPECT_TRUE(seen.count(line_of("require(!invoices.contains(id)")));
  const std::string bytes(b.wasm.begin(), b.wasm.end());
  EXPECT_EQ(bytes.find(".debug_line"), std::string::npos);
  EXPECT_EQ(bytes.find("/work"), std::string::npos);  // no build paths
}

TEST(Build, EmitsLlvmIrAndWebAssemblyTextOnRequest) {
  compiler::BuildOptions o;
  o.emit_llvm = true;
  o.emit_wat = true;
  const auto b = compiler::build_source("factoring.tnr", docs_example(), o);
  ASSERT_TRUE(b.ok()) << b.diagnostics_text();
  EXPECT_NE(b.llvm_ir.find("define void @tenor_entry()"), std::string::npos);
  EXPECT_NE(b.wat.find("tenor_entry"), std::string::npos);
  EXPECT_NE(b.wat.find("call"), std::string::npos);
}

}  // namespace
}  // namespace tenor::test
