// The ledger's state layers and database: overlays over a base (reads, ordered iteration across
// layers, journal rollback, applying changes down) and the LevelDB database (atomic batches,
// persistence, prefix scans, clear errors for a missing or corrupt database).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "tenor/sdk/state.hpp"
#include "sdk_test_support.hpp"

namespace tenor::sdk {
namespace {

namespace fs = std::filesystem;

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string str(const Bytes& v) { return std::string(v.begin(), v.end()); }

// A plain in-memory base.
class MapView : public StateView {
 public:
  std::map<Bytes, Bytes> entries;
  std::optional<Bytes> get(std::span<const uint8_t> key) const override {
    auto it = entries.find(Bytes(key.begin(), key.end()));
    if (it == entries.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::pair<Bytes, Bytes>> next(std::span<const uint8_t> prefix,
                                              std::optional<std::span<const uint8_t>> after) const override {
    auto it = after ? entries.upper_bound(Bytes(after->begin(), after->end()))
                    : entries.lower_bound(Bytes(prefix.begin(), prefix.end()));
    if (after && Bytes(after->begin(), after->end()) < Bytes(prefix.begin(), prefix.end()))
      it = entries.lower_bound(Bytes(prefix.begin(), prefix.end()));
    if (it == entries.end()) return std::nullopt;
    if (it->first.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), it->first.begin()))
      return std::nullopt;
    return *it;
  }
};

// All keys with a prefix, in order, through next().
std::vector<std::string> keys(const StateView& v, std::string_view prefix) {
  std::vector<std::string> out;
  Bytes p = b(prefix);
  auto kv = v.next(p, std::nullopt);
  while (kv) {
    out.push_back(str(kv->first));
    Bytes after = kv->first;
    kv = v.next(p, std::span<const uint8_t>(after));
  }
  return out;
}

TEST(Overlay, ReadsSeeChangesThenTheBase) {
  MapView base;
  base.entries[b("a")] = b("1");
  base.entries[b("b")] = b("2");
  Overlay o(base);
  o.put(b("b"), b("20"));
  o.erase(b("a"));
  o.put(b("c"), b("3"));
  EXPECT_FALSE(o.get(b("a")).has_value());
  EXPECT_EQ(str(*o.get(b("b"))), "20");
  EXPECT_EQ(str(*o.get(b("c"))), "3");
  EXPECT_EQ(str(*base.get(b("b"))), "2");  // the base is untouched
}

TEST(Overlay, IterationMergesLayersInOrderAndSkipsDeletions) {
  MapView base;
  for (auto k : {"p1", "p3", "p5", "q1"}) base.entries[b(k)] = b("base");
  Overlay o(base);
  o.put(b("p2"), b("new"));
  o.erase(b("p3"));
  o.put(b("p5"), b("changed"));
  o.put(b("p6"), b("new"));
  EXPECT_EQ(keys(o, "p"), (std::vector<std::string>{"p1", "p2", "p5", "p6"}));
  EXPECT_EQ(str(o.next(b("p"), std::span<const uint8_t>(b("p2")))->second), "changed");
  // A second overlay on top of the first.
  Overlay top(static_cast<const StateView&>(o));
  top.erase(b("p1"));
  top.put(b("p4"), b("top"));
  EXPECT_EQ(keys(top, "p"), (std::vector<std::string>{"p2", "p4", "p5", "p6"}));
  EXPECT_EQ(keys(top, "q"), (std::vector<std::string>{"q1"}));
  EXPECT_TRUE(keys(top, "r").empty());
}

TEST(Overlay, RandomizedIterationMatchesAFlatMap) {
  std::mt19937 rng(7);  // test data only: the distribution's exact values do not matter
  MapView base;
  std::map<Bytes, Bytes> expected;
  auto random_key = [&] { return Bytes{static_cast<uint8_t>('k'), static_cast<uint8_t>(rng() % 40)}; };
  for (int i = 0; i < 30; ++i) {
    Bytes k = random_key();
    base.entries[k] = b("v");
    expected[k] = b("v");
  }
  Overlay o(base);
  for (int i = 0; i < 60; ++i) {
    Bytes k = random_key();
    if (rng() % 3 == 0) {
      o.erase(k);
      expected.erase(k);
    } else {
      o.put(k, b(std::to_string(i)));
      expected[k] = b(std::to_string(i));
    }
  }
  std::vector<std::string> want;
  for (auto& [k, v] : expected) want.push_back(str(k));
  EXPECT_EQ(keys(o, "k"), want);
}

TEST(Overlay, RollbackUndoesWritesAndEventsAfterTheCheckpoint) {
  MapView base;
  base.entries[b("x")] = b("0");
  Overlay o(base);
  o.put(b("x"), b("1"));
  uint64_t cp = o.checkpoint();
  o.put(b("x"), b("2"));
  o.erase(b("x"));
  o.put(b("y"), b("3"));
  o.emit(Event{{}, b("t"), b("d")});
  o.rollback(cp);
  EXPECT_EQ(str(*o.get(b("x"))), "1");
  EXPECT_FALSE(o.get(b("y")).has_value());
  EXPECT_TRUE(o.events().empty());
  o.rollback(0);
  EXPECT_EQ(str(*o.get(b("x"))), "0");
  EXPECT_TRUE(o.changes().empty());
}

TEST(Overlay, ApplyToMovesChangesAndEventsDown) {
  MapView base;
  base.entries[b("gone")] = b("1");
  Overlay block(base);
  Overlay tx(static_cast<const StateView&>(block));
  tx.put(b("new"), b("v"));
  tx.erase(b("gone"));
  tx.emit(Event{{}, b("topic"), b("data")});
  EXPECT_TRUE(tx.events().size() == 1 && block.events().empty());  // stacked, not copied
  tx.apply_to(block);
  EXPECT_EQ(str(*block.get(b("new"))), "v");
  EXPECT_FALSE(block.get(b("gone")).has_value());
  ASSERT_EQ(block.events().size(), 1u);
  EXPECT_EQ(str(block.events()[0].topic), "topic");
}

TEST(Overlay, HostContextMapsContractStorageToStateKeys) {
  MapView base;
  Overlay o(base);
  Address a{};
  a[0] = 7;
  o.storage_set(a, b("inv/1"), b("x"));
  o.storage_set(a, b("inv/2"), b("y"));
  o.storage_set(a, b("other"), b("z"));
  EXPECT_EQ(str(*o.get(state_key::storage(a, b("inv/1")))), "x");
  auto first = o.storage_next(a, b("inv/"), std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(str(*first), "inv/1");
  auto second = o.storage_next(a, b("inv/"), std::span<const uint8_t>(*first));
  ASSERT_TRUE(second);
  EXPECT_EQ(str(*second), "inv/2");
  EXPECT_FALSE(o.storage_next(a, b("inv/"), std::span<const uint8_t>(*second)));
  EXPECT_TRUE(o.storage_remove(a, b("inv/1")));
  EXPECT_FALSE(o.storage_remove(a, b("inv/1")));
  Address other{};
  other[0] = 8;
  EXPECT_FALSE(o.storage_get(other, b("inv/2")));  // storage is per contract
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { dir = test_support::test_dir("tenor-state-test"); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

TEST_F(DatabaseTest, BatchesPersistAcrossReopen) {
  {
    auto db = Database::open(dir.string(), true);
    ASSERT_TRUE(db) << db.error().to_string();
    Database::Batch batch;
    batch.put(Database::Table::State, b("k1"), b("v1"));
    batch.put(Database::Table::State, b("k2"), b("v2"));
    batch.put(Database::Table::Meta, b("head"), b("7"));
    ASSERT_TRUE((*db)->write(batch));
    Database::Batch del;
    del.erase(Database::Table::State, b("k1"));
    ASSERT_TRUE((*db)->write(del));
  }
  auto db = Database::open(dir.string(), false);
  ASSERT_TRUE(db) << db.error().to_string();
  EXPECT_FALSE((*db)->get(Database::Table::State, b("k1")));
  EXPECT_EQ(str(*(*db)->get(Database::Table::State, b("k2"))), "v2");
  EXPECT_EQ(str(*(*db)->get(Database::Table::Meta, b("head"))), "7");
  EXPECT_FALSE((*db)->get(Database::Table::Meta, b("k2")));  // tables do not mix
}

TEST_F(DatabaseTest, StateViewIteratesThePrefixFromAnyCursor) {
  auto db = Database::open(dir.string(), true);
  ASSERT_TRUE(db);
  Database::Batch batch;
  for (auto k : {"a1", "a2", "a3", "b1"}) batch.put(Database::Table::State, b(k), b("v"));
  batch.put(Database::Table::Meta, b("a9"), b("not state"));
  ASSERT_TRUE((*db)->write(batch));
  EXPECT_EQ(keys((*db)->state(), "a"), (std::vector<std::string>{"a1", "a2", "a3"}));
  // A cursor before the prefix starts at the prefix; one past it finds nothing.
  EXPECT_EQ(str((*db)->state().next(b("b"), std::span<const uint8_t>(b("a")))->first), "b1");
  EXPECT_FALSE((*db)->state().next(b("a"), std::span<const uint8_t>(b("a3"))));
  // An overlay over the database.
  Overlay o((*db)->state());
  o.erase(b("a2"));
  o.put(b("a25"), b("x"));
  EXPECT_EQ(keys(o, "a"), (std::vector<std::string>{"a1", "a25", "a3"}));
}

TEST_F(DatabaseTest, MissingDatabaseIsAClearError) {
  auto db = Database::open((dir / "nope").string(), false);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find((dir / "nope").string()), std::string::npos) << db.error().message;
}

TEST_F(DatabaseTest, CorruptDatabaseIsAClearErrorNotACrash) {
  {
    auto db = Database::open(dir.string(), true);
    ASSERT_TRUE(db);
    Database::Batch batch;
    batch.put(Database::Table::State, b("k"), b("v"));
    ASSERT_TRUE((*db)->write(batch));
  }
  // Overwrite LevelDB's manifest with garbage.
  bool damaged = false;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("MANIFEST", 0) == 0) {
      std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << "not a manifest at all";
      damaged = true;
    }
  }
  ASSERT_TRUE(damaged);
  auto db = Database::open(dir.string(), false);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("cannot open the chain database"), std::string::npos) << db.error().message;
}

TEST_F(DatabaseTest, AnotherProcessHoldingTheLockIsAClearError) {
  auto first = Database::open(dir.string(), true);
  ASSERT_TRUE(first);
  auto second = Database::open(dir.string(), false);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("lock"), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace tenor::sdk
