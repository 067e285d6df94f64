// The standard contracts (stdlib/contracts/*.tnr) compiled at -O0 and -O2, deployed on the VM's
// test embedder and driven through their deals: supply-chain payables (issue, split, transfer,
// finance once, settle at maturity), warehouse receipts (pledge to one lender, margin calls from
// price updates, cure, seizure after the deadline, release) and loans (an exact schedule, payments
// in order, late fees). Every refusal is checked to revert with its message and to leave storage
// and events exactly as they were.
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "harness.hpp"

namespace tenor::test {
namespace {

using compiler::OptLevel;

std::string read_stdlib(const std::string& name) {
  std::ifstream in(std::string(TENOR_STDLIB_DIR) + "/contracts/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

vm::Hash hash_id(uint8_t n) {
  vm::Hash h{};
  h[0] = 0x1d;
  h[31] = n;
  return h;
}

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// Byte strings for storage keys: the field index (big-endian u16), then the map key.
std::string key(uint16_t field, const Bytes& map_key = {}) {
  std::string k{static_cast<char>(field >> 8), static_cast<char>(field & 0xff)};
  k.append(map_key.begin(), map_key.end());
  return k;
}
Bytes be64(uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return b;
}
Bytes fixed_bytes(const vm::Hash& h) { return Bytes(h.begin(), h.end()); }

constexpr int32_t kToday = 20833;  // 2027-01-15: the harness's block time
constexpr int64_t kDay = 86'400;
constexpr int64_t kRate = 1'000'000'000;  // Rate scale: 1.0

// A standard contract on the test embedder, with call helpers that check outcomes.
class Stdlib : public testing::TestWithParam<OptLevel> {
 protected:
  void deploy(const std::string& file, const Bytes& init_args = {}, bool has_init = true) {
    c = std::make_unique<Deployed>(read_stdlib(file), GetParam(), file);
    ASSERT_TRUE(c->build.ok());
    EXPECT_EQ(c->build.diagnostics_text(), "");  // no warnings either
    if (has_init) {
      ExecResult r = c->init(init_args);
      ASSERT_TRUE(r.ok()) << status_text(r);
    }
  }
  ExecResult call(std::vector<vm::Party> signers, const std::string& entry, const Args& args = Args()) {
    c->sign_as(std::move(signers));
    Bytes in = Args().str(entry).bytes();
    const Bytes a = args.bytes();
    in.insert(in.end(), a.begin(), a.end());
    return c->call(in);
  }
  // Expects success; returns the output.
  Bytes ok(std::vector<vm::Party> signers, const std::string& entry, const Args& args = Args()) {
    ExecResult r = call(std::move(signers), entry, args);
    EXPECT_TRUE(r.ok()) << entry << ": " << status_text(r);
    return r.output;
  }
  // Expects a revert whose message contains `message`, with no storage change and no event.
  void reverts(std::vector<vm::Party> signers, const std::string& entry, const Args& args, const std::string& message) {
    const auto storage = c->host.storage[c->address];
    const size_t events = c->host.events.size();
    ExecResult r = call(std::move(signers), entry, args);
    EXPECT_EQ(r.status, ExecStatus::Revert) << entry << ": " << status_text(r);
    EXPECT_NE(text(r.output).find(message), std::string::npos) << entry << ": \"" << text(r.output) << "\"";
    EXPECT_EQ(c->host.storage[c->address], storage) << entry;
    EXPECT_EQ(c->host.events.size(), events) << entry;
  }
  // Expects a trap whose message contains `message` and names the source file.
  void traps(std::vector<vm::Party> signers, const std::string& entry, const Args& args, const std::string& message,
             const std::string& file) {
    const auto storage = c->host.storage[c->address];
    ExecResult r = call(std::move(signers), entry, args);
    EXPECT_EQ(r.status, ExecStatus::Trap) << entry << ": " << status_text(r);
    EXPECT_NE(r.message.find(message), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(file + ":"), std::string::npos) << r.message;
    EXPECT_EQ(c->host.storage[c->address], storage) << entry;
  }
  // The events emitted since `from`, as (topic, data).
  std::vector<std::pair<std::string, Bytes>> events_since(size_t from) const {
    std::vector<std::pair<std::string, Bytes>> out;
    for (size_t i = from; i < c->host.events.size(); ++i)
      out.emplace_back(text(c->host.events[i].topic), c->host.events[i].data);
    return out;
  }
  std::vector<std::string> topics_since(size_t from) const {
    std::vector<std::string> out;
    for (const auto& [t, d] : events_since(from)) out.push_back(t);
    return out;
  }
  size_t event_count() const { return c->host.events.size(); }
  std::optional<Bytes> stored(const std::string& k) const { return c->host.get(c->address, k); }
  // Sets the block time to `day` (days since 1970) plus an hour.
  void set_day(int32_t day) { c->tx.block_time = static_cast<uint64_t>(day * kDay + 3600); }

  std::unique_ptr<Deployed> c;
};

// ---------------------------------------------------------------------------------------------
// Payables: stdlib/contracts/payables.tnr

class Payables : public Stdlib {
 protected:
  void SetUp() override { deploy("payables.tnr", {}, false); }

  static Args piece(const vm::Party& holder, __int128 amount, std::optional<vm::Hash> parent) {
    Args a;
    a.fixed(core).fixed(holder).money(amount, "CNY").i32(kDue);
    if (parent)
      a.u8(1).fixed(*parent);
    else
      a.u8(0);
    return a;
  }
  static Bytes cat(Args a, const Args& tail) { return a.raw(tail.bytes()).bytes(); }
  static Args held() { return Args().u8(0); }
  static Args split_state(const vm::Hash& kept, const vm::Hash& passed) {
    return Args().u8(1).fixed(kept).fixed(passed);
  }
  static Args transferred(const vm::Hash& to) { return Args().u8(2).fixed(to); }
  static Args financed(const vm::Party& f, __int128 advance) { return Args().u8(3).fixed(f).money(advance, "CNY"); }
  static Args settled(const vm::Party& to) { return Args().u8(4).fixed(to); }

  // The stored piece, and the `piece` view (Some(piece)).
  Bytes stored_piece(const vm::Hash& id) { return stored(key(0, fixed_bytes(id))).value_or(Bytes{}); }
  Bytes view_piece(const vm::Hash& id) { return ok({core}, "piece", Args().fixed(id)); }
  Bytes totals(__int128 issued, __int128 outstanding, __int128 financed_, __int128 advanced, __int128 settled_) {
    return Args()
        .money(issued, "CNY")
        .money(outstanding, "CNY")
        .money(financed_, "CNY")
        .money(advanced, "CNY")
        .money(settled_, "CNY")
        .bytes();
  }

  ExecResult issue(const vm::Hash& id, const vm::Party& to, __int128 amount, int32_t due = kDue) {
    return call({core}, "issue", Args().fixed(id).fixed(to).money(amount, "CNY").i32(due));
  }
  Args split_args(const vm::Hash& id, const vm::Hash& kept, __int128 kept_amount, const vm::Hash& passed,
                  __int128 passed_amount, const vm::Party& to, const char* cur = "CNY") {
    return Args().fixed(id).fixed(kept).money(kept_amount, cur).fixed(passed).money(passed_amount, cur).fixed(to);
  }
  // Issues id 1 (1,000,000.00 CNY) to s1, and splits it: s1 keeps 666,666.67 as id 2 and passes
  // 333,333.33 to s2 as id 3.
  void issue_and_split() {
    ASSERT_TRUE(issue(hash_id(1), s1, 100'000'000).ok()) << status_text(c->last);
    ok({s1}, "split", split_args(hash_id(1), hash_id(2), 66'666'667, hash_id(3), 33'333'333, s2));
  }

  static constexpr int32_t kDue = kToday + 90;  // 2027-04-15
  static inline const vm::Party core = party(1), s1 = party(2), s2 = party(3), factor = party(4), factor2 = party(5),
                                s3 = party(6);
};

TEST_P(Payables, IssueSplitTransferFinanceAndSettleEveryPiece) {
  // The core enterprise issues 1,000,000.00 CNY due 2027-04-15 to its tier-1 supplier s1.
  ASSERT_TRUE(issue(hash_id(1), s1, 100'000'000).ok()) << status_text(c->last);
  ASSERT_EQ(events_since(0).size(), 1u);
  EXPECT_EQ(events_since(0)[0],
            std::make_pair(std::string("Issued"),
                           Args().fixed(hash_id(1)).fixed(core).fixed(s1).money(100'000'000, "CNY").i32(kDue).bytes()));
  EXPECT_EQ(stored_piece(hash_id(1)), cat(piece(s1, 100'000'000, std::nullopt), held()));
  EXPECT_EQ(view_piece(hash_id(1)), cat(Args().u8(1).raw(stored_piece(hash_id(1))), Args()));
  EXPECT_EQ(ok({core}, "totals_in", Args().str("CNY")),
            cat(Args().u8(1), Args().raw(totals(100'000'000, 100'000'000, 0, 0, 0))));
  EXPECT_EQ(stored(key(1, Bytes{'C', 'N', 'Y'})), totals(100'000'000, 100'000'000, 0, 0, 0));

  // s1 keeps 666,666.67 (id 2) and passes 333,333.33 (id 3) to its supplier s2.
  size_t before = event_count();
  ok({s1}, "split", split_args(hash_id(1), hash_id(2), 66'666'667, hash_id(3), 33'333'333, s2));
  EXPECT_EQ(events_since(before), (std::vector<std::pair<std::string, Bytes>>{{"Split", Args()
                                                                                            .fixed(hash_id(1))
                                                                                            .fixed(hash_id(2))
                                                                                            .money(66'666'667, "CNY")
                                                                                            .fixed(hash_id(3))
                                                                                            .money(33'333'333, "CNY")
                                                                                            .fixed(s2)
                                                                                            .bytes()}}));
  EXPECT_EQ(stored_piece(hash_id(1)), cat(piece(s1, 100'000'000, std::nullopt), split_state(hash_id(2), hash_id(3))));
  EXPECT_EQ(stored_piece(hash_id(2)), cat(piece(s1, 66'666'667, hash_id(1)), held()));
  EXPECT_EQ(stored_piece(hash_id(3)), cat(piece(s2, 33'333'333, hash_id(1)), held()));

  // s2 passes its whole piece on to its own supplier s3 as id 4.
  before = event_count();
  ok({s2}, "transfer", Args().fixed(hash_id(3)).fixed(hash_id(4)).fixed(s3));
  EXPECT_EQ(topics_since(before), std::vector<std::string>{"Transferred"});
  EXPECT_EQ(events_since(before)[0].second,
            Args().fixed(hash_id(3)).fixed(hash_id(4)).fixed(s3).money(33'333'333, "CNY").bytes());
  EXPECT_EQ(stored_piece(hash_id(3)), cat(piece(s2, 33'333'333, hash_id(1)), transferred(hash_id(4))));
  EXPECT_EQ(stored_piece(hash_id(4)), cat(piece(s3, 33'333'333, hash_id(3)), held()));

  // s3 and the factor finance id 4 at 85%: 333,333.33 x 0.85 = 283,333.3305, rounded down.
  before = event_count();
  ok({s3, factor}, "finance", Args().fixed(hash_id(4)).fixed(factor).i64(850'000'000));
  EXPECT_EQ(
      events_since(before)[0],
      std::make_pair(
          std::string("Financed"),
          Args().fixed(hash_id(4)).fixed(s3).fixed(factor).money(33'333'333, "CNY").money(28'333'333, "CNY").bytes()));
  EXPECT_EQ(stored_piece(hash_id(4)), cat(piece(s3, 33'333'333, hash_id(3)), financed(factor, 28'333'333)));
  // s1 and another factor finance id 2 at 80%: 666,666.67 x 0.8 = 533,333.336, rounded down.
  ok({s1, factor2}, "finance", Args().fixed(hash_id(2)).fixed(factor2).i64(800'000'000));
  EXPECT_EQ(stored_piece(hash_id(2)), cat(piece(s1, 66'666'667, hash_id(1)), financed(factor2, 53'333'333)));
  EXPECT_EQ(stored(key(1, Bytes{'C', 'N', 'Y'})), totals(100'000'000, 100'000'000, 100'000'000, 81'666'666, 0));

  // What is outstanding: the financed leaves; the split and transferred pieces live on through them.
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(2))), Bytes{1});
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(4))), Bytes{1});
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(1))), Bytes{0});
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(3))), Bytes{0});
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(9))), Bytes{0});
  EXPECT_EQ(ok({core}, "piece", Args().fixed(hash_id(9))), Bytes{0});  // None

  // Not before maturity.
  reverts({core}, "settle", Args().fixed(hash_id(2)), "not before its due date");
  set_day(kDue);
  // At maturity the core enterprise pays each outstanding piece to whoever financed it.
  before = event_count();
  ok({core}, "settle", Args().fixed(hash_id(2)));
  ok({core}, "settle", Args().fixed(hash_id(4)));
  EXPECT_EQ(events_since(before),
            (std::vector<std::pair<std::string, Bytes>>{
                {"Settled", Args().fixed(hash_id(2)).fixed(factor2).money(66'666'667, "CNY").bytes()},
                {"Settled", Args().fixed(hash_id(4)).fixed(factor).money(33'333'333, "CNY").bytes()}}));
  EXPECT_EQ(stored_piece(hash_id(2)), cat(piece(s1, 66'666'667, hash_id(1)), settled(factor2)));
  EXPECT_EQ(stored_piece(hash_id(4)), cat(piece(s3, 33'333'333, hash_id(3)), settled(factor)));
  EXPECT_EQ(stored(key(1, Bytes{'C', 'N', 'Y'})), totals(100'000'000, 0, 100'000'000, 81'666'666, 100'000'000));
  EXPECT_EQ(ok({core}, "outstanding", Args().fixed(hash_id(2))), Bytes{0});

  // Closed pieces are paid through their new pieces; a piece is paid once.
  reverts({core}, "settle", Args().fixed(hash_id(1)), "paid through its new pieces");
  reverts({core}, "settle", Args().fixed(hash_id(3)), "paid through its new pieces");
  reverts({core}, "settle", Args().fixed(hash_id(2)), "already settled");
}

TEST_P(Payables, AHeldPieceIsPaidToItsHolder) {
  ASSERT_TRUE(issue(hash_id(5), s1, 12'345).ok());
  set_day(kDue + 3);
  ok({core}, "settle", Args().fixed(hash_id(5)));
  EXPECT_EQ(stored_piece(hash_id(5)), cat(piece(s1, 12'345, std::nullopt), settled(s1)));
  // A settled piece can be neither financed, split nor transferred.
  reverts({s1, factor}, "finance", Args().fixed(hash_id(5)).fixed(factor).i64(kRate / 2), "never financed twice");
  reverts({s1}, "split", split_args(hash_id(5), hash_id(6), 1, hash_id(7), 12'344, s2), "only a held piece");
  reverts({s1}, "transfer", Args().fixed(hash_id(5)).fixed(hash_id(6)).fixed(s2), "only a held piece");
}

TEST_P(Payables, IssuingIsRefusedForBadTerms) {
  ASSERT_TRUE(issue(hash_id(1), s1, 100).ok());
  reverts({core}, "issue", Args().fixed(hash_id(1)).fixed(s1).money(100, "CNY").i32(kDue), "already exists");
  reverts({core}, "issue", Args().fixed(hash_id(2)).fixed(s1).money(0, "CNY").i32(kDue), "amount must be positive");
  reverts({core}, "issue", Args().fixed(hash_id(2)).fixed(s1).money(-5, "CNY").i32(kDue), "amount must be positive");
  reverts({core}, "issue", Args().fixed(hash_id(2)).fixed(s1).money(100, "CNY").i32(kToday),
          "due date must be in the future");
  reverts({core}, "issue", Args().fixed(hash_id(2)).fixed(core).money(100, "CNY").i32(kDue), "to itself");
  // Another currency has its own totals.
  ok({core}, "issue", Args().fixed(hash_id(3)).fixed(s1).money(700, "USD").i32(kDue));
  EXPECT_EQ(ok({core}, "totals_in", Args().str("USD")),
            Args().u8(1).money(700, "USD").money(700, "USD").money(0, "USD").money(0, "USD").money(0, "USD").bytes());
  EXPECT_EQ(ok({core}, "totals_in", Args().str("EUR")), Bytes{0});
}

TEST_P(Payables, SplitAmountsMustAddUpExactly) {
  ASSERT_TRUE(issue(hash_id(1), s1, 100'000'000).ok());
  ASSERT_TRUE(issue(hash_id(9), s1, 5).ok());
  const vm::Hash id = hash_id(1), a = hash_id(2), b = hash_id(3);
  reverts({s1}, "split", split_args(id, a, 66'666'667, b, 33'333'332, s2), "add up to the piece's amount exactly");
  reverts({s1}, "split", split_args(id, a, 66'666'667, b, 33'333'334, s2), "add up to the piece's amount exactly");
  reverts({s1}, "split", split_args(id, a, 0, b, 100'000'000, s2), "amount must be positive");
  reverts({s1}, "split", split_args(id, a, -1, b, 100'000'001, s2), "amount must be positive");
  reverts({s1}, "split", split_args(id, a, 66'666'667, b, 33'333'333, s2, "USD"), "in the piece's currency");
  reverts({s1}, "split", split_args(id, a, 66'666'667, a, 33'333'333, s2), "different ids");
  reverts({s1}, "split", split_args(id, id, 66'666'667, b, 33'333'333, s2), "new ids");
  reverts({s1}, "split", split_args(id, a, 66'666'667, hash_id(9), 33'333'333, s2), "already exists");
  reverts({s1}, "split", split_args(id, a, 66'666'667, b, 33'333'333, s1), "to another party");
  // Only the holder may split: the debtor and the supplier-to-be cannot.
  reverts({core}, "split", split_args(id, a, 66'666'667, b, 33'333'333, s2), "`pieces[id].holder` must sign");
  reverts({s2}, "split", split_args(id, a, 66'666'667, b, 33'333'333, s2), "`pieces[id].holder` must sign");
  // A piece that does not exist stops the transaction.
  traps({s1}, "split", split_args(hash_id(7), a, 1, b, 1, s2), "no entry with this key in `pieces`", "payables.tnr");
  // Exactly right: accepted; then the split piece cannot be split or transferred again.
  ok({s1}, "split", split_args(id, a, 66'666'667, b, 33'333'333, s2));
  reverts({s1}, "split", split_args(id, hash_id(4), 1, hash_id(5), 99'999'999, s2), "only a held piece can be split");
  reverts({s1}, "transfer", Args().fixed(id).fixed(hash_id(4)).fixed(s2), "only a held piece can be transferred");
  // The new pieces can be split further, by their holders.
  ok({s2}, "split", split_args(b, hash_id(4), 33'333'000, hash_id(5), 333, s3));
  EXPECT_EQ(stored_piece(hash_id(5)), cat(piece(s3, 333, b), held()));
}

TEST_P(Payables, APieceIsFinancedAtMostOnceByItsHolderAndAFactorTogether) {
  issue_and_split();
  const vm::Hash id = hash_id(3);
  // Both must sign one transaction.
  reverts({s2}, "finance", Args().fixed(id).fixed(factor).i64(kRate / 2), "`factor` must sign");
  reverts({factor}, "finance", Args().fixed(id).fixed(factor).i64(kRate / 2), "`pieces[id].holder` must sign");
  reverts({s1, factor}, "finance", Args().fixed(id).fixed(factor).i64(kRate / 2), "`pieces[id].holder` must sign");
  reverts({s2, factor}, "finance", Args().fixed(id).fixed(factor).i64(0), "advance rate must be in (0, 1]");
  reverts({s2, factor}, "finance", Args().fixed(id).fixed(factor).i64(kRate + 1), "advance rate must be in (0, 1]");
  reverts({s2}, "finance", Args().fixed(id).fixed(s2).i64(kRate / 2), "cannot finance its own piece");
  // The original, split piece cannot be financed: it lives on through its new pieces.
  reverts({s1, factor}, "finance", Args().fixed(hash_id(1)).fixed(factor).i64(kRate / 2), "never financed twice");

  ok({s2, factor}, "finance", Args().fixed(id).fixed(factor).i64(kRate));  // 100%: the whole amount
  EXPECT_EQ(stored_piece(id), cat(piece(s2, 33'333'333, hash_id(1)), financed(factor, 33'333'333)));
  // Never twice, with the same factor or another.
  reverts({s2, factor}, "finance", Args().fixed(id).fixed(factor).i64(kRate / 2), "never financed twice");
  reverts({s2, factor2}, "finance", Args().fixed(id).fixed(factor2).i64(kRate / 2), "never financed twice");
  // A financed piece belongs to its factor: its holder can neither split nor pass it on.
  reverts({s2}, "split", split_args(id, hash_id(4), 1, hash_id(5), 33'333'332, s3), "only a held piece can be split");
  reverts({s2}, "transfer", Args().fixed(id).fixed(hash_id(4)).fixed(s3), "only a held piece can be transferred");

  // A transferred piece cannot be financed either; its successor can.
  ok({s1}, "transfer", Args().fixed(hash_id(2)).fixed(hash_id(6)).fixed(s3));
  reverts({s1, factor}, "finance", Args().fixed(hash_id(2)).fixed(factor).i64(kRate / 2), "never financed twice");
  reverts({s1}, "transfer", Args().fixed(hash_id(2)).fixed(hash_id(7)).fixed(s3),
          "only a held piece can be transferred");
  // Not on or after the due date.
  set_day(kDue);
  reverts({s3, factor}, "finance", Args().fixed(hash_id(6)).fixed(factor).i64(kRate / 2), "on or after its due date");
  set_day(kDue - 1);
  ok({s3, factor}, "finance", Args().fixed(hash_id(6)).fixed(factor).i64(kRate / 2));
  EXPECT_EQ(stored(key(1, Bytes{'C', 'N', 'Y'})),
            totals(100'000'000, 100'000'000, 100'000'000, 33'333'333 + 33'333'333 /* 66,666,667 x 0.5 down */, 0));
}

TEST_P(Payables, OnlyTheDebtorSettles) {
  issue_and_split();
  set_day(kDue);
  reverts({s1}, "settle", Args().fixed(hash_id(2)), "`pieces[id].debtor` must sign");
  reverts({factor}, "settle", Args().fixed(hash_id(2)), "`pieces[id].debtor` must sign");
  ok({core}, "settle", Args().fixed(hash_id(2)));
  ok({core}, "settle", Args().fixed(hash_id(3)));
  EXPECT_EQ(stored(key(1, Bytes{'C', 'N', 'Y'})), totals(100'000'000, 0, 0, 0, 100'000'000));
}

INSTANTIATE_TEST_SUITE_P(Levels, Payables, testing::Values(OptLevel::O0, OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// ---------------------------------------------------------------------------------------------
// Warehouse receipts: stdlib/contracts/warehouse_receipt.tnr

class Warehouse : public Stdlib {
 protected:
  void SetUp() override { deploy("warehouse_receipt.tnr", init_args(700'000'000, 5 * kDay)); }
  static Bytes init_args(int64_t ltv, int64_t cure) { return Args().fixed(oracle).i64(ltv).i64(cure).bytes(); }

  // Receipt id 1: 1,000 units of copper at 50.00 USD: collateral 50,000.00, max loan 35,000.00.
  void issue() {
    ok({warehouse}, "issue",
       Args().fixed(hash_id(1)).fixed(owner).str("copper cathode, grade A").u64(1000).money(5000, "USD"));
  }
  Args receipt(const vm::Party& who, __int128 unit_price) const {
    return Args().fixed(warehouse).fixed(who).str("copper cathode, grade A").u64(1000).money(unit_price, "USD");
  }
  Bytes stored_receipt() { return stored(key(0, fixed_bytes(hash_id(1)))).value_or(Bytes{}); }
  static Bytes with(Args a, const Args& tail) { return a.raw(tail.bytes()).bytes(); }
  static Args free_state() { return Args().u8(0); }
  static Args pledged(const vm::Party& l, __int128 loan) { return Args().u8(1).fixed(l).money(loan, "USD"); }
  static Args called(const vm::Party& l, __int128 loan, int32_t deadline) {
    return Args().u8(2).fixed(l).money(loan, "USD").i32(deadline);
  }
  static Args seized(const vm::Party& l, __int128 loan) { return Args().u8(3).fixed(l).money(loan, "USD"); }
  Args price(__int128 unit_price) const { return Args().fixed(hash_id(1)).money(unit_price, "USD"); }
  Args amount(__int128 minor, const char* cur = "USD") const { return Args().fixed(hash_id(1)).money(minor, cur); }
  Bytes position(__int128 collateral, __int128 max_loan, __int128 loan, bool call) {
    return Args().money(collateral, "USD").money(max_loan, "USD").money(loan, "USD").boolean(call).bytes();
  }

  static inline const vm::Party warehouse = party(10), owner = party(11), lender = party(12), lender2 = party(13),
                                oracle = party(14), anyone = party(99);
};

TEST_P(Warehouse, PledgeMarginCallCureRepayAndRelease) {
  EXPECT_EQ(stored(key(1)), fixed_bytes(oracle));
  EXPECT_EQ(stored(key(2)), Args().i64(700'000'000).bytes());
  issue();
  EXPECT_EQ(topics_since(0), std::vector<std::string>{"Issued"});
  EXPECT_EQ(events_since(0)[0].second,
            Args().fixed(hash_id(1)).fixed(warehouse).fixed(owner).u64(1000).money(5000, "USD").bytes());
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 5000), free_state()));
  EXPECT_EQ(ok({anyone}, "position", Args().fixed(hash_id(1))), position(5'000'000, 3'500'000, 0, false));

  // Owner and lender pledge it for exactly the maximum: 35,000.00 USD.
  reverts({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(3'500'001, "USD"),
          "exceeds the maximum loan-to-value");
  size_t before = event_count();
  ok({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(3'500'000, "USD"));
  EXPECT_EQ(events_since(before)[0],
            std::make_pair(std::string("Pledged"),
                           Args().fixed(hash_id(1)).fixed(owner).fixed(lender).money(3'500'000, "USD").bytes()));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 5000), pledged(lender, 3'500'000)));
  // One lender at a time: a second pledge is refused, whoever the lender.
  reverts({owner, lender2}, "pledge", Args().fixed(hash_id(1)).fixed(lender2).money(100, "USD"), "already pledged");
  reverts({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(100, "USD"), "already pledged");

  // The price falls by 0.01 USD: collateral 49,990.00, max loan 34,993.00 < 35,000.00: margin call,
  // deadline today + 5 days.
  before = event_count();
  ok({oracle}, "update_price", price(4999));
  EXPECT_EQ(events_since(before),
            (std::vector<std::pair<std::string, Bytes>>{
                {"PriceUpdated", Args().fixed(hash_id(1)).money(4999, "USD").money(4'999'000, "USD").bytes()},
                {"MarginCalled", Args()
                                     .fixed(hash_id(1))
                                     .fixed(lender)
                                     .money(3'500'000, "USD")
                                     .money(3'499'300, "USD")
                                     .i32(kToday + 5)
                                     .bytes()}}));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4999), called(lender, 3'500'000, kToday + 5)));
  EXPECT_EQ(ok({anyone}, "position", Args().fixed(hash_id(1))), position(4'999'000, 3'499'300, 3'500'000, true));

  // The owner tops up 7.00: back within the limit, the call is cured.
  before = event_count();
  ok({owner, lender}, "repay", amount(700));
  EXPECT_EQ(
      events_since(before),
      (std::vector<std::pair<std::string, Bytes>>{
          {"Repaid", Args().fixed(hash_id(1)).money(700, "USD").money(3'499'300, "USD").bytes()},
          {"MarginCallCured", Args().fixed(hash_id(1)).money(3'499'300, "USD").money(3'499'300, "USD").bytes()}}));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4999), pledged(lender, 3'499'300)));

  // Repaying everything releases the pledge; the receipt can then be pledged to another lender.
  reverts({owner, lender}, "repay", amount(3'499'301), "exceeds what is owed");
  before = event_count();
  ok({owner, lender}, "repay", amount(3'499'300));
  EXPECT_EQ(topics_since(before), (std::vector<std::string>{"Repaid", "Released"}));
  EXPECT_EQ(events_since(before)[1].second, Args().fixed(hash_id(1)).fixed(owner).fixed(lender).bytes());
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4999), free_state()));
  reverts({owner, lender}, "repay", amount(1), "not pledged");
  ok({owner, lender2}, "pledge", Args().fixed(hash_id(1)).fixed(lender2).money(1'000'000, "USD"));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4999), pledged(lender2, 1'000'000)));
  EXPECT_EQ(ok({anyone}, "position", Args().fixed(hash_id(1))), position(4'999'000, 3'499'300, 1'000'000, false));
}

TEST_P(Warehouse, TheLenderSeizesOnlyAfterTheDeadline) {
  issue();
  ok({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(3'000'000, "USD"));
  // 40.00 USD: collateral 40,000.00, max loan 28,000.00 < 30,000.00.
  ok({oracle}, "update_price", price(4000));
  const int32_t deadline = kToday + 5;
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4000), called(lender, 3'000'000, deadline)));
  reverts({lender}, "seize", Args().fixed(hash_id(1)), "deadline has not passed yet");
  // A partial top-up that is not enough keeps the call and its deadline.
  set_day(deadline - 1);
  size_t before = event_count();
  ok({owner, lender}, "repay", amount(100'000));
  EXPECT_EQ(topics_since(before), std::vector<std::string>{"Repaid"});
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4000), called(lender, 2'900'000, deadline)));
  // A further fall does not move the deadline.
  ok({oracle}, "update_price", price(3900));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 3900), called(lender, 2'900'000, deadline)));
  // The deadline day still belongs to the owner.
  set_day(deadline);
  reverts({lender}, "seize", Args().fixed(hash_id(1)), "deadline has not passed yet");
  set_day(deadline + 1);
  // Only the lender may seize.
  reverts({owner}, "seize", Args().fixed(hash_id(1)), "`pledged_lender(id)` must sign");
  reverts({lender2}, "seize", Args().fixed(hash_id(1)), "`pledged_lender(id)` must sign");
  before = event_count();
  ok({lender}, "seize", Args().fixed(hash_id(1)));
  EXPECT_EQ(events_since(before)[0],
            std::make_pair(std::string("Seized"),
                           Args().fixed(hash_id(1)).fixed(lender).fixed(owner).money(2'900'000, "USD").bytes()));
  EXPECT_EQ(stored_receipt(), with(receipt(lender, 3900), seized(lender, 2'900'000)));
  // Seizure is final.
  reverts({lender}, "seize", Args().fixed(hash_id(1)), "not pledged");
  reverts({owner, lender}, "repay", amount(1), "not pledged");
  reverts({lender, lender2}, "pledge", Args().fixed(hash_id(1)).fixed(lender2).money(100, "USD"),
          "a seized receipt cannot be pledged");
}

TEST_P(Warehouse, ARepaymentAfterTheDeadlineStillCuresBeforeSeizure) {
  issue();
  ok({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(3'000'000, "USD"));
  ok({oracle}, "update_price", price(4000));
  set_day(kToday + 30);
  ok({owner, lender}, "repay", amount(200'000));  // 28,000.00 = the max loan
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4000), pledged(lender, 2'800'000)));
  reverts({lender}, "seize", Args().fixed(hash_id(1)), "only a receipt under an open margin call can be seized");
}

TEST_P(Warehouse, APriceRecoveryLiftsTheCall) {
  issue();
  ok({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(3'500'000, "USD"));
  reverts({lender}, "seize", Args().fixed(hash_id(1)), "only a receipt under an open margin call can be seized");
  ok({oracle}, "update_price", price(4500));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4500), called(lender, 3'500'000, kToday + 5)));
  size_t before = event_count();
  ok({oracle}, "update_price", price(5000));
  EXPECT_EQ(events_since(before)[1],
            std::make_pair(std::string("MarginCallCured"),
                           Args().fixed(hash_id(1)).money(3'500'000, "USD").money(3'500'000, "USD").bytes()));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 5000), pledged(lender, 3'500'000)));
  // A new fall later opens a new call with a new deadline; a rise within the limit emits only the price.
  set_day(kToday + 10);
  ok({oracle}, "update_price", price(4990));
  EXPECT_EQ(stored_receipt(), with(receipt(owner, 4990), called(lender, 3'500'000, kToday + 15)));
  ok({oracle}, "update_price", price(6000));
  before = event_count();
  ok({oracle}, "update_price", price(7000));
  EXPECT_EQ(topics_since(before), std::vector<std::string>{"PriceUpdated"});
}

TEST_P(Warehouse, Refusals) {
  issue();
  // Issuing.
  reverts({warehouse}, "issue", Args().fixed(hash_id(1)).fixed(owner).str("x").u64(1).money(1, "USD"),
          "already exists");
  reverts({warehouse}, "issue", Args().fixed(hash_id(2)).fixed(owner).str("x").u64(0).money(1, "USD"),
          "quantity must be positive");
  reverts({warehouse}, "issue", Args().fixed(hash_id(2)).fixed(owner).str("x").u64(1).money(0, "USD"),
          "unit price must be positive");
  // Pledging: owner and lender both sign; not to oneself; a positive loan in the price's currency.
  reverts({owner}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(100, "USD"), "`lender` must sign");
  reverts({lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(100, "USD"),
          "`receipts[id].owner` must sign");
  reverts({owner}, "pledge", Args().fixed(hash_id(1)).fixed(owner).money(100, "USD"), "against its own receipt");
  reverts({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(0, "USD"), "loan must be positive");
  reverts({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(100, "EUR"),
          "currency of the goods' price");
  // Prices: the oracle alone, positive, same currency.
  reverts({owner}, "update_price", price(4000), "`oracle` must sign");
  reverts({warehouse}, "update_price", price(4000), "`oracle` must sign");
  reverts({oracle}, "update_price", price(0), "unit price must be positive");
  reverts({oracle}, "update_price", Args().fixed(hash_id(1)).money(4000, "EUR"), "same currency");
  traps({oracle}, "update_price", Args().fixed(hash_id(7)).money(4000, "USD"), "no entry with this key in `receipts`",
        "warehouse_receipt.tnr");
  // Repaying: only a pledged receipt, signed by owner and lender, in the loan's currency.
  reverts({owner, lender}, "repay", amount(1), "not pledged");
  ok({owner, lender}, "pledge", Args().fixed(hash_id(1)).fixed(lender).money(1'000'000, "USD"));
  reverts({owner}, "repay", amount(1), "`pledged_lender(id)` must sign");
  reverts({lender}, "repay", amount(1), "`receipts[id].owner` must sign");
  reverts({owner, lender}, "repay", amount(0), "repayment must be positive");
  reverts({owner, lender}, "repay", amount(1, "EUR"), "in the loan's currency");
  reverts({owner, lender}, "repay", amount(1'000'001), "exceeds what is owed");
}

TEST_P(Warehouse, InitChecksItsTerms) {
  for (auto [ltv, cure, message] : std::vector<std::tuple<int64_t, int64_t, std::string>>{
           {0, 5 * kDay, "the maximum loan-to-value must be in (0, 1]"},
           {kRate + 1, 5 * kDay, "the maximum loan-to-value must be in (0, 1]"},
           {kRate / 2, kDay / 2, "the cure period must be at least one day"}}) {
    Deployed d(read_stdlib("warehouse_receipt.tnr"), GetParam(), "warehouse_receipt.tnr");
    ExecResult r = d.init(init_args(ltv, cure));
    EXPECT_EQ(r.status, ExecStatus::Revert);
    EXPECT_EQ(text(r.output), message);
  }
  // Deadlines are dates: a cure period of 36 hours stops the deployment.
  Deployed d(read_stdlib("warehouse_receipt.tnr"), GetParam(), "warehouse_receipt.tnr");
  ExecResult r = d.init(init_args(kRate / 2, 36 * 3600));
  EXPECT_EQ(r.status, ExecStatus::Trap) << status_text(r);
  EXPECT_NE(r.message.find("not a whole number of days at warehouse_receipt.tnr:"), std::string::npos) << r.message;
}

INSTANTIATE_TEST_SUITE_P(Levels, Warehouse, testing::Values(OptLevel::O0, OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// ---------------------------------------------------------------------------------------------
// Loans: stdlib/contracts/loan.tnr

class Loan : public Stdlib {
 protected:
  void SetUp() override { deploy("loan.tnr", {}, false); }

  struct Terms {
    vm::Party lender = party(20), borrower = party(21);
    __int128 principal = 100'010;         // 1,000.10 USD
    int64_t annual_rate = 1'800'000'000;  // 180% a year: 15% a month
    uint8_t repayment = kEqualPrincipal;
    uint32_t count = 4;
    uint32_t months = 1;
    int32_t first_due = kJan31;
    int64_t late_fee_rate = 50'000'000;  // 5%
  };
  // Repayment's variants, in declaration order.
  static constexpr uint8_t kAnnuity = 0, kEqualPrincipal = 1, kBullet = 2;
  // Due dates, a month apart from 31 January 2027 and clamped to the month's end (2027 is not a
  // leap year), as day numbers from std::chrono.
  static int32_t day(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return static_cast<int32_t>(
        sys_days(year_month_day(year(y), month(m), std::chrono::day(d))).time_since_epoch().count());
  }
  static inline const int32_t kJan31 = day(2027, 1, 31), kFeb28 = day(2027, 2, 28), kMar31 = day(2027, 3, 31),
                              kApr30 = day(2027, 4, 30);
  static Args terms(const Terms& t) {
    return Args()
        .fixed(t.lender)
        .fixed(t.borrower)
        .money(t.principal, "USD")
        .i64(t.annual_rate)
        .u8(t.repayment)
        .u32(t.count)
        .u32(t.months)
        .i32(t.first_due)
        .i64(t.late_fee_rate);
  }
  Args agree_args(const vm::Hash& id, const Terms& t) { return Args().fixed(id).raw(terms(t).bytes()); }
  static Bytes installment(int32_t due, __int128 principal, __int128 interest, __int128 late_fee, bool charged,
                           __int128 paid) {
    return Args()
        .i32(due)
        .money(principal, "USD")
        .money(interest, "USD")
        .money(late_fee, "USD")
        .boolean(charged)
        .money(paid, "USD")
        .bytes();
  }
  Bytes view_installment(uint32_t n) { return ok({anyone}, "installment", Args().fixed(hash_id(1)).u32(n)); }
  Bytes status(uint8_t state, uint32_t paid_count, std::optional<int32_t> next_due, __int128 next_unpaid, bool overdue,
               __int128 outstanding, __int128 paid) {
    Args a;
    a.u8(state).u32(paid_count);
    if (next_due)
      a.u8(1).i32(*next_due);
    else
      a.u8(0);
    return a.money(next_unpaid, "USD").boolean(overdue).money(outstanding, "USD").money(paid, "USD").bytes();
  }
  Args pay(__int128 minor, const char* cur = "USD") { return Args().fixed(hash_id(1)).money(minor, cur); }
  Args late(uint32_t n) { return Args().fixed(hash_id(1)).u32(n); }

  static inline const vm::Party lender = party(20), borrower = party(21), anyone = party(99);
};

// The equal-principal schedule of 1,000.10 USD over 4 months at 15% a month (HalfEven everywhere):
//   principal part = 100,010 / 4 = 25,002.5 -> 25,002 (tie, to even); the last part 100,010 - 3 x 25,002 = 25,004
//   interest: 100,010 x 0.15 = 15,001.5 -> 15,002 (tie, to even); 75,008 x 0.15 = 11,251.2 -> 11,251;
//             50,006 x 0.15 = 7,500.9 -> 7,501; 25,004 x 0.15 = 3,750.6 -> 3,751
//   installments 40,004 + 36,253 + 32,503 + 28,755 = 137,515 (minor units)
TEST_P(Loan, AScheduleComputedExactlyThenPaymentsLateFeesAndRepayment) {
  const Terms t;
  const size_t before_agree = event_count();
  ok({lender, borrower}, "agree", agree_args(hash_id(1), t));
  EXPECT_EQ(events_since(before_agree),
            (std::vector<std::pair<std::string, Bytes>>{{"Agreed", Args()
                                                                       .fixed(hash_id(1))
                                                                       .fixed(lender)
                                                                       .fixed(borrower)
                                                                       .money(100'010, "USD")
                                                                       .u32(4)
                                                                       .money(137'515, "USD")
                                                                       .bytes()}}));
  const int32_t d0 = kJan31, d1 = kFeb28, d2 = kMar31, d3 = kApr30;
  EXPECT_EQ(view_installment(0), Args().u8(1).raw(installment(d0, 25'002, 15'002, 0, false, 0)).bytes());
  EXPECT_EQ(view_installment(1), Args().u8(1).raw(installment(d1, 25'002, 11'251, 0, false, 0)).bytes());
  EXPECT_EQ(view_installment(2), Args().u8(1).raw(installment(d2, 25'002, 7'501, 0, false, 0)).bytes());
  EXPECT_EQ(view_installment(3), Args().u8(1).raw(installment(d3, 25'004, 3'751, 0, false, 0)).bytes());
  EXPECT_EQ(view_installment(4), Bytes{0});
  EXPECT_EQ(ok({anyone}, "installment", Args().fixed(hash_id(2)).u32(0)), Bytes{0});
  // Storage: the schedule under serial numbers 0..3, the next serial 4, the loan record.
  EXPECT_EQ(stored(key(1, be64(3))), installment(d3, 25'004, 3'751, 0, false, 0));
  EXPECT_EQ(stored(key(2)), Args().u64(4).bytes());
  const Bytes record = Args().raw(terms(t).bytes()).u64(0).money(137'515, "USD").money(0, "USD").u32(0).u8(0).bytes();
  EXPECT_EQ(stored(key(0, fixed_bytes(hash_id(1)))), record);
  EXPECT_EQ(ok({anyone}, "loan", Args().fixed(hash_id(1))), Args().u8(1).raw(record).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 0, d0, 40'004, false, 137'515, 0));

  // The first installment, exactly.
  size_t before = event_count();
  ok({borrower, lender}, "pay", pay(40'004));
  EXPECT_EQ(events_since(before),
            (std::vector<std::pair<std::string, Bytes>>{
                {"InstallmentPaid", Args().fixed(hash_id(1)).u32(0).bytes()},
                {"Paid", Args().fixed(hash_id(1)).money(40'004, "USD").money(97'511, "USD").bytes()}}));
  // Part of the second.
  ok({borrower, lender}, "pay", pay(10'000));
  EXPECT_EQ(view_installment(1), Args().u8(1).raw(installment(d1, 25'002, 11'251, 0, false, 10'000)).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 1, d1, 26'253, false, 87'511, 50'004));

  // Late fees: not on the due day; the day after, anyone may charge 5% of the unpaid 262.53,
  // 13.1265 -> 13.13 (HalfEven), once.
  set_day(d1);
  reverts({anyone}, "charge_late", late(1), "not late");
  set_day(d1 + 1);
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 1, d1, 26'253, true, 87'511, 50'004));
  before = event_count();
  ok({anyone}, "charge_late", late(1));
  EXPECT_EQ(events_since(before)[0],
            std::make_pair(std::string("LateFeeCharged"),
                           Args().fixed(hash_id(1)).u32(1).money(1'313, "USD").fixed(anyone).bytes()));
  EXPECT_EQ(view_installment(1), Args().u8(1).raw(installment(d1, 25'002, 11'251, 1'313, true, 10'000)).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 1, d1, 27'566, true, 88'824, 50'004));
  reverts({anyone}, "charge_late", late(1), "already charged");
  reverts({borrower}, "charge_late", late(0), "this installment is paid");
  reverts({anyone}, "charge_late", late(2), "not late");
  reverts({anyone}, "charge_late", late(4), "no installment with this number");

  // Paying off the rest: 88,824 exactly; one unit more is refused.
  reverts({borrower, lender}, "pay", pay(88'825), "exceeds what is left to pay");
  before = event_count();
  ok({borrower, lender}, "pay", pay(88'824));
  EXPECT_EQ(topics_since(before),
            (std::vector<std::string>{"InstallmentPaid", "InstallmentPaid", "InstallmentPaid", "Paid", "Repaid"}));
  EXPECT_EQ(events_since(before)[2].second, Args().fixed(hash_id(1)).u32(3).bytes());
  EXPECT_EQ(events_since(before)[4].second, Args().fixed(hash_id(1)).money(138'828, "USD").bytes());
  EXPECT_EQ(view_installment(3), Args().u8(1).raw(installment(d3, 25'004, 3'751, 0, false, 28'755)).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(1, 4, std::nullopt, 0, false, 0, 138'828));
  reverts({borrower, lender}, "pay", pay(1), "already repaid");
  set_day(d3 + 10);
  reverts({anyone}, "charge_late", late(3), "already repaid");
}

TEST_P(Loan, AgreementNeedsBothPartiesAndSoundTerms) {
  const Terms t;
  reverts({lender}, "agree", agree_args(hash_id(1), t), "`terms.borrower` must sign");
  reverts({borrower}, "agree", agree_args(hash_id(1), t), "`terms.lender` must sign");
  auto bad = [&](auto change, const std::string& message) {
    Terms u;
    change(u);
    reverts({u.lender, u.borrower}, "agree", agree_args(hash_id(1), u), message);
  };
  bad([](Terms& u) { u.borrower = u.lender; }, "must be different parties");
  bad([](Terms& u) { u.principal = 0; }, "principal must be positive");
  bad([](Terms& u) { u.count = 0; }, "between 1 and 480");
  bad([](Terms& u) { u.count = 481; }, "between 1 and 480");
  bad([](Terms& u) { u.annual_rate = -1; }, "interest rate cannot be negative");
  bad([](Terms& u) { u.late_fee_rate = -1; }, "late-fee rate cannot be negative");
  bad([](Terms& u) { u.months = 0; }, "between 1 and 12 months");
  bad([](Terms& u) { u.months = 13; }, "between 1 and 12 months");
  bad([](Terms& u) { u.first_due = kToday; }, "after today");
  // 0.02 USD in 3: parts of 0.01 (0.0067 -> 0.01) leave 0.00 for the last one.
  bad(
      [](Terms& u) {
        u.principal = 2;
        u.count = 3;
      },
      "too small for this number of installments");

  ok({lender, borrower}, "agree", agree_args(hash_id(1), t));
  reverts({lender, borrower}, "agree", agree_args(hash_id(1), t), "already exists");
  // A second loan's schedule follows the first one's serial numbers.
  Terms one;
  one.count = 1;
  one.annual_rate = 0;
  ok({lender, borrower}, "agree", agree_args(hash_id(2), one));
  EXPECT_EQ(stored(key(1, be64(4))), installment(kJan31, 100'010, 0, 0, false, 0));
  EXPECT_EQ(ok({anyone}, "installment", Args().fixed(hash_id(2)).u32(0)),
            Args().u8(1).raw(installment(kJan31, 100'010, 0, 0, false, 0)).bytes());
}

TEST_P(Loan, PaymentsNeedBothPartiesAndTheLoansCurrency) {
  ok({lender, borrower}, "agree", agree_args(hash_id(1), Terms{}));
  reverts({borrower}, "pay", pay(100), "`loans[id].terms.lender` must sign");
  reverts({lender}, "pay", pay(100), "`loans[id].terms.borrower` must sign");
  reverts({borrower, lender}, "pay", pay(0), "must be positive");
  reverts({borrower, lender}, "pay", pay(-3), "must be positive");
  reverts({borrower, lender}, "pay", pay(100, "EUR"), "in the loan's currency");
  traps({borrower, lender}, "pay", Args().fixed(hash_id(9)).money(1, "USD"), "no entry with this key in `loans`",
        "loan.tnr");
  // A payment spanning installments fills them in order.
  ok({borrower, lender}, "pay", pay(40'004 + 36'253 + 3));
  EXPECT_EQ(view_installment(1), Args().u8(1).raw(installment(kFeb28, 25'002, 11'251, 0, false, 36'253)).bytes());
  EXPECT_EQ(view_installment(2), Args().u8(1).raw(installment(kMar31, 25'002, 7'501, 0, false, 3)).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 2, kMar31, 32'500, false, 61'255, 76'260));
  // A late fee is charged only on the unpaid part, and not at all when the rate is zero.
  set_day(kMar31 + 1);
  ok({anyone}, "charge_late", late(2));  // 325.00 x 5% = 16.25
  EXPECT_EQ(view_installment(2), Args().u8(1).raw(installment(kMar31, 25'002, 7'501, 1'625, true, 3)).bytes());
}

// Level payments: 100,000.00 USD at 12% a year over 12 months is the textbook 8,884.88 a month
// (100,000 x 0.01 / (1 - 1.01^-12) = 8,884.878...). Each installment's interest is the balance
// before it x 1%, rounded HalfEven (computed here from that definition); the last one repays the
// balance left, so the principal adds up to 100,000.00 exactly and the total owed is the sum.
TEST_P(Loan, AnAnnuityLoanHasLevelPaymentsFromTheStandardLibrary) {
  Terms t;
  t.principal = 10'000'000;
  t.annual_rate = 120'000'000;
  t.repayment = kAnnuity;
  t.count = 12;
  const size_t before = event_count();
  ok({lender, borrower}, "agree", agree_args(hash_id(1), t));
  __int128 balance = t.principal, total = 0;
  for (uint32_t k = 0; k < 12; ++k) {
    const __int128 cents100 = balance;  // balance x 0.01 in minor units is balance / 100
    __int128 interest = cents100 / 100;
    const __int128 rest = cents100 % 100;
    if (rest > 50 || (rest == 50 && interest % 2 != 0)) ++interest;
    const __int128 principal = k + 1 < 12 ? 888'488 - interest : balance;
    if (k + 1 < 12) {
      EXPECT_EQ(principal + interest, 888'488) << "installment " << k;
    }
    const int32_t due = day(2027, 1 + k, k == 1 ? 28 : (k == 3 || k == 5 || k == 8 || k == 10) ? 30 : 31);
    EXPECT_EQ(view_installment(k), Args().u8(1).raw(installment(due, principal, interest, 0, false, 0)).bytes())
        << "installment " << k;
    balance -= principal;
    total += principal + interest;
  }
  EXPECT_EQ(balance, 0);
  EXPECT_EQ(view_installment(0), Args().u8(1).raw(installment(kJan31, 788'488, 100'000, 0, false, 0)).bytes());
  EXPECT_EQ(events_since(before)[0].second, Args()
                                                .fixed(hash_id(1))
                                                .fixed(lender)
                                                .fixed(borrower)
                                                .money(10'000'000, "USD")
                                                .u32(12)
                                                .money(total, "USD")
                                                .bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 0, kJan31, 888'488, false, total, 0));
  // The longest schedule the library makes, 480 monthly installments (40 years), in one agreement.
  t.count = 480;
  ok({lender, borrower}, "agree", agree_args(hash_id(2), t));
  EXPECT_EQ(ok({anyone}, "installment", Args().fixed(hash_id(2)).u32(480)), Bytes{0});
  EXPECT_EQ(ok({anyone}, "installment", Args().fixed(hash_id(2)).u32(479))[0], 1);
}

// Interest only, the principal at the end: 1,000.00 USD at 6% a year, quarterly, for a year pays
// 15.00 a quarter and the 1,000.00 with the last one, due 31 October (31 January + 9 months).
TEST_P(Loan, ABulletLoanPaysInterestOnlyUntilTheLast) {
  Terms t;
  t.principal = 100'000;
  t.annual_rate = 60'000'000;
  t.repayment = kBullet;
  t.months = 3;
  ok({lender, borrower}, "agree", agree_args(hash_id(1), t));
  const int32_t dues[4] = {kJan31, kApr30, day(2027, 7, 31), day(2027, 10, 31)};
  for (uint32_t k = 0; k < 4; ++k)
    EXPECT_EQ(view_installment(k),
              Args().u8(1).raw(installment(dues[k], k == 3 ? 100'000 : 0, 1'500, 0, false, 0)).bytes());
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 0, kJan31, 1'500, false, 106'000, 0));
  // Paying the first quarter's interest completes installment 0 (no principal is due in it).
  ok({borrower, lender}, "pay", pay(1'500));
  EXPECT_EQ(ok({anyone}, "status", Args().fixed(hash_id(1))), status(0, 1, kApr30, 1'500, false, 104'500, 1'500));
}

INSTANTIATE_TEST_SUITE_P(Levels, Loan, testing::Values(OptLevel::O0, OptLevel::O2),
                         [](const auto& p) { return std::string(compiler::opt_level_name(p.param)); });

// Each standard contract compiles without diagnostics at every level (-O0 and -O2 are built by the
// tests above), reproducibly, with its ABI.
TEST(StdlibBuild, EveryContractBuildsCleanlyAndReproducibly) {
  for (const char* file : {"payables.tnr", "warehouse_receipt.tnr", "loan.tnr"}) {
    const std::string src = read_stdlib(file);
    ASSERT_FALSE(src.empty()) << file;
    for (OptLevel level : {OptLevel::O1, OptLevel::O3, OptLevel::Oz}) {
      compiler::BuildOptions o;
      o.opt = level;
      const auto b = compiler::build_source(file, src, o);
      ASSERT_TRUE(b.ok()) << file << ": " << b.diagnostics_text();
      EXPECT_EQ(b.diagnostics_text(), "") << file;
    }
    const auto a = compiler::build_source(file, src);
    const auto b = compiler::build_source(file, src);
    ASSERT_TRUE(a.ok()) << file << ": " << a.diagnostics_text();
    EXPECT_EQ(a.wasm, b.wasm) << file;
    EXPECT_EQ(compiler::read_abi_section(a.wasm), a.abi_json) << file;
    EXPECT_NE(a.abi_json.find("\"signed_by\""), std::string::npos) << file;
  }
}

}  // namespace
}  // namespace tenor::test
