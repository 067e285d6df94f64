// The state root (tenor/sdk/merkle.hpp): the documented hashing rules and test vectors
// (docs/merkle.md), incremental updates against the auditor's compute_root, proofs and their
// encoding, corrupt stores, and the O(depth) cost of an update.
#include "tenor/sdk/merkle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>

namespace tenor::sdk {
namespace {

Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }

Hash hash_from_hex(std::string_view hex) {
  Hash h{};
  for (size_t i = 0; i < h.size(); ++i)
    h[i] = static_cast<uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  return h;
}

// SplitMix64: deterministic on every platform (std:: distributions are not).
class Prng {
 public:
  explicit Prng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t s_;
};

using State = std::map<Bytes, Bytes>;

// Counts the tree's store traffic.
class CountingStore final : public NodeStore {
 public:
  std::optional<Node> get(const Hash& h) override {
    ++gets;
    return inner.get(h);
  }
  void put(const Hash& h, const Node& n) override {
    ++puts;
    inner.put(h, n);
  }
  MemoryNodeStore inner;
  size_t gets = 0, puts = 0;
};

Hash must(Result<Hash> r) {
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r ? *r : Hash{};
}

Proof must_prove(const SparseMerkleTree& t, std::span<const uint8_t> key) {
  auto p = t.prove(key);
  EXPECT_TRUE(p.has_value()) << p.error().message;
  return p ? *p : Proof{};
}

std::vector<StateChange> as_changes(const State& s) {
  std::vector<StateChange> out;
  for (const auto& [k, v] : s) out.emplace_back(k, v);
  return out;
}

// Two keys "prefix-<a>", "prefix-<b>" whose SHA-256 agree on at least `bits` leading bits
// (birthday search), deterministic.
std::pair<Bytes, Bytes> keys_sharing_prefix(size_t bits, const std::string& tag) {
  std::unordered_map<uint64_t, Bytes> seen;
  for (uint64_t i = 0;; ++i) {
    Bytes key = b(tag + std::to_string(i));
    const Hash h = vm::sha256(key);
    uint64_t top = 0;
    for (int j = 0; j < 8; ++j) top = (top << 8) | h[static_cast<size_t>(j)];
    top >>= (64 - bits);
    auto [it, fresh] = seen.emplace(top, key);
    if (!fresh) return {it->second, key};
  }
}

size_t shared_bits(const Hash& a, const Hash& c) {
  size_t n = 0;
  while (n < kPathBits && path_bit(a, n) == path_bit(c, n)) ++n;
  return n;
}

// --- the documented rules and vectors (docs/merkle.md; computed by an independent Python
// --- implementation of the document) ----------------------------------------------------------

TEST(MerkleTest, EmptyTreeRootIsZero) {
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  EXPECT_EQ(tree.root(), Hash{});
  EXPECT_EQ(compute_root(State{}), Hash{});
  EXPECT_EQ(must(tree.update({})), Hash{});
  EXPECT_EQ(must(tree.update({{b("ghost"), std::nullopt}})), Hash{});  // deleting nothing
  EXPECT_EQ(store.size(), 0u);
  const Proof p = must_prove(tree, b("anything"));
  EXPECT_TRUE(p.siblings.empty());
  EXPECT_FALSE(p.leaf.has_value());
  EXPECT_TRUE(verify_proof(kEmptyRoot, b("anything"), std::nullopt, p));
  EXPECT_FALSE(verify_proof(kEmptyRoot, b("anything"), b(""), p));
}

TEST(MerkleTest, OneKeyRootIsItsLeafHash) {
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  const Hash root = must(tree.update({{b("alice"), b("100")}}));
  const Hash expected = leaf_hash({vm::sha256(b("alice")), vm::sha256(b("100"))});
  EXPECT_EQ(root, expected);
  EXPECT_EQ(vm::to_hex(root), "e88595db6e2373140c77336108e543dd79e1c6420dff08568b120417c8af88b5");
  EXPECT_EQ(store.size(), 1u);  // the leaf, no internal nodes above it
}

TEST(MerkleTest, DocumentedVectors) {
  EXPECT_EQ(vm::to_hex(compute_root(State{{b("alice"), b("100")}, {b("bob"), b("250")}})),
            "5660d49562fc9ec3f328679dd2d7d810ac22aa21125d7965d1b2337c14652058");
  State three{{b("alice"), b("100")}, {b("bob"), b("250")}, {b("carol"), b("7")}};
  EXPECT_EQ(vm::to_hex(compute_root(three)), "973afc726375a2f326e36025b339ef8933b8bb43da8e2a46bd49dc8960ad8f4c");
  State hundred;
  for (int i = 0; i < 100; ++i) hundred[b("key-" + std::to_string(i))] = b("value-" + std::to_string(i));
  EXPECT_EQ(vm::to_hex(compute_root(hundred)), "71ede163c2b787b578bb9098a7fe1a58c65dd47818111c9cf3b3f25e9d21fc06");

  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  ASSERT_EQ(must(tree.update({{b("bob"), b("250")}, {b("alice"), b("100")}})),
            hash_from_hex("5660d49562fc9ec3f328679dd2d7d810ac22aa21125d7965d1b2337c14652058"));
  // Inclusion of alice; exclusion of carol (her path ends at alice's leaf).
  const char* alice_hex =
      "01012bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90ad57366865126e55649ecb23ae1d4888"
      "7544976efea46a48eb5d85a6eeb4d306000186a9d88f51490ff8bcff472ccd45652defed660ce4c69ee10b6f1bf8b055f15b";
  EXPECT_EQ(encode_hex(must_prove(tree, b("alice"))), alice_hex);
  EXPECT_EQ(encode_hex(must_prove(tree, b("carol"))), alice_hex);
  auto decoded = decode_proof_hex(alice_hex);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(verify_proof(tree.root(), b("alice"), b("100"), *decoded));
  EXPECT_TRUE(verify_proof(tree.root(), b("carol"), std::nullopt, *decoded));

  ASSERT_TRUE(tree.update({{b("carol"), b("7")}}));
  EXPECT_EQ(encode_hex(must_prove(tree, b("dave"))),
            "01014c26d9074c27d89ede59270c0ac14b71e071b15239519f75474b2f3ba63481f57902699be42c8a8e46fbbb450172"
            "6517e86b22c56a189f7625a6da49081b2451000286a9d88f51490ff8bcff472ccd45652defed660ce4c69ee10b6f1bf8"
            "b055f15be88595db6e2373140c77336108e543dd79e1c6420dff08568b120417c8af88b5");
}

TEST(MerkleTest, NodeBytesAreTheHashPreimage) {
  const Node leaf = LeafNode{vm::sha256(b("k")), vm::sha256(b("v"))};
  const Node inner = InternalNode{vm::sha256(b("l")), kEmptyRoot};
  for (const Node& n : {leaf, inner}) {
    const Bytes bytes = encode_node(n);
    ASSERT_EQ(bytes.size(), 65u);
    EXPECT_EQ(vm::sha256(bytes), node_hash(n));
    auto back = decode_node(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, n);
  }
  EXPECT_EQ(encode_node(leaf)[0], 0x00);
  EXPECT_EQ(encode_node(inner)[0], 0x01);

  Bytes bytes = encode_node(leaf);
  bytes[0] = 0x02;
  EXPECT_EQ(decode_node(bytes).error().code, ErrorCode::Malformed);
  bytes.pop_back();
  EXPECT_EQ(decode_node(bytes).error().code, ErrorCode::Malformed);
  EXPECT_FALSE(decode_node(encode_node(InternalNode{kEmptyRoot, kEmptyRoot})));
}

// --- structure --------------------------------------------------------------------------------

TEST(MerkleTest, KeysSharingLongPathPrefixes) {
  const auto [k1, k2] = keys_sharing_prefix(24, "shared-");
  const Hash h1 = vm::sha256(k1), h2 = vm::sha256(k2);
  const size_t common = shared_bits(h1, h2);
  ASSERT_GE(common, 24u);

  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  State state{{k1, b("one")}, {k2, b("two")}, {b("elsewhere"), b("three")}};
  EXPECT_EQ(must(tree.update(as_changes(state))), compute_root(state));

  // The two keys sit under a chain of `common` internal nodes with empty siblings (less where
  // "elsewhere" branches off), then split.
  const Proof p1 = must_prove(tree, k1);
  EXPECT_EQ(p1.siblings.size(), common + 1);
  EXPECT_EQ(p1.siblings.back(), leaf_hash(make_leaf(k2, b("two"))));
  size_t empties = static_cast<size_t>(std::count(p1.siblings.begin(), p1.siblings.end(), kEmptyRoot));
  EXPECT_GE(empties, common - 1);
  EXPECT_TRUE(verify_proof(tree.root(), k1, b("one"), p1));

  // A key on the same chain that is absent: its path ends in an empty subtree or another leaf.
  // Brute force a key sharing the first 12 bits with k1.
  Bytes k3;
  for (uint64_t i = 0;; ++i) {
    k3 = b("near-" + std::to_string(i));
    if (shared_bits(vm::sha256(k3), h1) >= 12 && shared_bits(vm::sha256(k3), h1) < common) break;
  }
  const Proof p3 = must_prove(tree, k3);
  EXPECT_FALSE(p3.leaf.has_value());
  EXPECT_TRUE(verify_proof(tree.root(), k3, std::nullopt, p3));
  EXPECT_FALSE(verify_proof(tree.root(), k1, std::nullopt, p3));

  // Deleting one of the pair hoists the other's leaf back up: the chain disappears.
  ASSERT_TRUE(tree.update({{k2, std::nullopt}}));
  state.erase(k2);
  EXPECT_EQ(tree.root(), compute_root(state));
  EXPECT_LE(must_prove(tree, k1).siblings.size(), 2u);
  ASSERT_TRUE(tree.update({{b("elsewhere"), std::nullopt}}));
  EXPECT_EQ(tree.root(), leaf_hash(make_leaf(k1, b("one"))));
}

TEST(MerkleTest, BatchTakesTheLastChangeOfAKey) {
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  EXPECT_EQ(must(tree.update({{b("a"), b("1")}, {b("b"), b("2")}, {b("a"), b("3")}, {b("b"), std::nullopt}})),
            compute_root(State{{b("a"), b("3")}}));
  EXPECT_EQ(must(tree.update({{b("a"), std::nullopt}, {b("a"), b("4")}})), compute_root(State{{b("a"), b("4")}}));
}

TEST(MerkleTest, NoOpUpdatesWriteNothing) {
  CountingStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  State state;
  for (int i = 0; i < 50; ++i) state[b("k" + std::to_string(i))] = b("v");
  const Hash root = must(tree.update(as_changes(state)));
  store.puts = 0;
  EXPECT_EQ(must(tree.update({{b("k7"), b("v")}, {b("absent"), std::nullopt}})), root);
  EXPECT_EQ(store.puts, 0u);
}

// Thousands of random inserts, updates and deletes in random batches, against the auditor's
// compute_root after every batch; proofs checked along the way; old roots stay provable.
TEST(MerkleTest, RandomOperationsMatchComputeRoot) {
  Prng rng(20240611);
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  State state;
  std::vector<std::pair<Hash, State>> snapshots;
  size_t ops = 0;
  for (int batch = 0; batch < 600; ++batch) {
    std::vector<StateChange> changes;
    const size_t n = 1 + rng.below(batch % 50 == 0 ? 200 : 12);
    for (size_t i = 0; i < n; ++i, ++ops) {
      Bytes key = b("key-" + std::to_string(rng.below(400)));
      if (rng.below(3) == 0) {
        changes.emplace_back(key, std::nullopt);
        state.erase(key);
      } else {
        Bytes value = b("v" + std::to_string(rng.next()));
        if (rng.below(10) == 0) value.clear();  // empty values are values
        changes.emplace_back(key, value);
        state[key] = value;
      }
    }
    const Hash root = must(tree.update(changes));
    ASSERT_EQ(root, compute_root(state)) << "batch " << batch;
    for (int probe = 0; probe < 4; ++probe) {
      const Bytes key = b("key-" + std::to_string(rng.below(420)));
      const Proof p = must_prove(tree, key);
      auto it = state.find(key);
      if (it != state.end()) {
        EXPECT_TRUE(verify_proof(root, key, std::span<const uint8_t>(it->second), p));
        EXPECT_FALSE(verify_proof(root, key, std::nullopt, p));
        auto found = tree.find(key);
        ASSERT_TRUE(found);
        EXPECT_EQ(found->value_or(Hash{}), vm::sha256(it->second));
      } else {
        EXPECT_TRUE(verify_proof(root, key, std::nullopt, p));
        EXPECT_FALSE(verify_proof(root, key, b("x"), p));
      }
      auto d = decode_proof(encode(p));
      ASSERT_TRUE(d);
      EXPECT_EQ(*d, p);
    }
    if (batch % 100 == 0) snapshots.emplace_back(root, state);
  }
  EXPECT_GT(ops, 3000u);

  // Every earlier root is still readable and provable.
  for (const auto& [old_root, old_state] : snapshots) {
    const SparseMerkleTree old(store, old_root);
    for (const auto& [k, v] : old_state) {
      ASSERT_TRUE(verify_proof(old_root, k, std::span<const uint8_t>(v), must_prove(old, k)));
    }
  }

  // Deleting everything, in a random order and batches, returns to the empty root.
  std::vector<Bytes> keys;
  for (const auto& [k, v] : state) keys.push_back(k);
  for (size_t i = keys.size(); i > 1; --i) std::swap(keys[i - 1], keys[rng.below(i)]);
  while (!keys.empty()) {
    std::vector<StateChange> changes;
    for (size_t i = 0, n = 1 + rng.below(7); i < n && !keys.empty(); ++i) {
      changes.emplace_back(keys.back(), std::nullopt);
      state.erase(keys.back());
      keys.pop_back();
    }
    ASSERT_EQ(must(tree.update(changes)), compute_root(state));
  }
  EXPECT_EQ(tree.root(), kEmptyRoot);
}

TEST(MerkleTest, HistoryDoesNotMatter) {
  // The same state reached one key at a time, in one batch, and after detours: one root.
  State state;
  for (int i = 0; i < 300; ++i) state[b("acct/" + std::to_string(i))] = b(std::to_string(i * 7));
  MemoryNodeStore store;
  SparseMerkleTree one_batch(store, kEmptyRoot), one_by_one(store, kEmptyRoot);
  const Hash r1 = must(one_batch.update(as_changes(state)));
  for (auto it = state.rbegin(); it != state.rend(); ++it) {
    ASSERT_TRUE(one_by_one.update({{it->first, b("detour")}}));
    ASSERT_TRUE(one_by_one.update({{b("temp"), b("x")}, {it->first, it->second}}));
    ASSERT_TRUE(one_by_one.update({{b("temp"), std::nullopt}}));
  }
  EXPECT_EQ(r1, one_by_one.root());
  EXPECT_EQ(r1, compute_root(state));
}

// --- proofs -----------------------------------------------------------------------------------

class MerkleProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 64; ++i) state_[b("k" + std::to_string(i))] = b("v" + std::to_string(i));
    root_ = must(tree_.update(as_changes(state_)));
  }
  MemoryNodeStore store_;
  SparseMerkleTree tree_{store_, kEmptyRoot};
  State state_;
  Hash root_{};
};

TEST_F(MerkleProofTest, TamperedProofsFail) {
  const Bytes key = b("k5"), value = b("v5");
  const Proof good = must_prove(tree_, key);
  ASSERT_TRUE(verify_proof(root_, key, value, good));
  ASSERT_GE(good.siblings.size(), 2u);

  EXPECT_FALSE(verify_proof(root_, key, b("v6"), good));       // another value
  EXPECT_FALSE(verify_proof(root_, key, std::nullopt, good));  // claims absence of a present key
  EXPECT_FALSE(verify_proof(root_, b("k6"), value, good));     // another key
  Hash other_root = root_;
  other_root[31] ^= 1;
  EXPECT_FALSE(verify_proof(other_root, key, value, good));  // another root
  EXPECT_FALSE(verify_proof(kEmptyRoot, key, value, good));

  for (size_t i = 0; i < good.siblings.size(); ++i) {  // any sibling bit flipped
    Proof p = good;
    p.siblings[i][i % 32] ^= 0x80;
    EXPECT_FALSE(verify_proof(root_, key, value, p)) << "sibling " << i;
  }
  Proof shorter = good;
  shorter.siblings.pop_back();
  EXPECT_FALSE(verify_proof(root_, key, value, shorter));
  Proof longer = good;
  longer.siblings.push_back(kEmptyRoot);
  EXPECT_FALSE(verify_proof(root_, key, value, longer));
  Proof swapped = good;
  std::swap(swapped.siblings[0], swapped.siblings[1]);
  EXPECT_FALSE(verify_proof(root_, key, value, swapped));
  Proof no_leaf = good;
  no_leaf.leaf.reset();
  EXPECT_FALSE(verify_proof(root_, key, value, no_leaf));
  EXPECT_FALSE(verify_proof(root_, key, std::nullopt, no_leaf));
  Proof huge = good;
  huge.siblings.resize(kPathBits + 1);
  EXPECT_FALSE(verify_proof(root_, key, value, huge));
}

TEST_F(MerkleProofTest, ExclusionProofs) {
  size_t by_leaf = 0, by_empty = 0;
  for (int i = 0; i < 200; ++i) {
    const Bytes key = b("absent-" + std::to_string(i));
    const Proof p = must_prove(tree_, key);
    ASSERT_TRUE(verify_proof(root_, key, std::nullopt, p));
    EXPECT_FALSE(verify_proof(root_, key, b(""), p));
    if (p.leaf) {
      ++by_leaf;
      // The other leaf proves nothing about a key whose path it does not share: the leaf's own
      // key is present, and a claim of its absence must fail.
      const auto owner = std::find_if(state_.begin(), state_.end(),
                                      [&](const auto& kv) { return vm::sha256(kv.first) == p.leaf->key_hash; });
      ASSERT_NE(owner, state_.end());
      EXPECT_FALSE(verify_proof(root_, owner->first, std::nullopt, p));
      EXPECT_TRUE(verify_proof(root_, owner->first, std::span<const uint8_t>(owner->second), p));
    } else {
      ++by_empty;
    }
  }
  // 64 keys: most absent paths end at another key's leaf; some in empty subtrees.
  EXPECT_GT(by_leaf, 0u);
  EXPECT_GT(by_empty, 0u);

  // An exclusion proof naming a leaf that cannot stand on the key's path is refused, even when
  // the hashes above it were forged to match a root.
  const Bytes key = b("absent-0");
  const Hash path = vm::sha256(key);
  LeafNode stranger{vm::sha256(b("k1")), vm::sha256(b("v1"))};
  while (path_bit(stranger.key_hash, 0) == path_bit(path, 0)) stranger.key_hash[0] ^= 0x80;
  Proof forged{{Hash{}}, stranger};
  const Hash forged_root =
      path_bit(path, 0) ? internal_hash(Hash{}, leaf_hash(stranger)) : internal_hash(leaf_hash(stranger), Hash{});
  EXPECT_FALSE(verify_proof(forged_root, key, std::nullopt, forged));
}

TEST_F(MerkleProofTest, EncodingRoundTripAndRejects) {
  for (const Bytes& key : {b("k3"), b("nope")}) {
    const Proof p = must_prove(tree_, key);
    const Bytes bytes = encode(p);
    EXPECT_EQ(bytes.size(), 2 + (p.leaf ? 64 : 0) + 2 + 32 * p.siblings.size());
    auto d = decode_proof(bytes);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(*d, p);
    auto dh = decode_proof_hex(encode_hex(p));
    ASSERT_TRUE(dh);
    EXPECT_EQ(*dh, p);
    std::string upper = encode_hex(p);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    EXPECT_TRUE(decode_proof_hex(upper));

    // Every truncation and any trailing byte is refused, with a reason.
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = decode_proof(std::span<const uint8_t>(bytes).first(n));
      ASSERT_FALSE(r) << "prefix of " << n << " bytes";
      EXPECT_EQ(r.error().code, ErrorCode::Malformed);
      EXPECT_EQ(r.error().message.rfind("malformed proof: ", 0), 0u) << r.error().message;
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_NE(decode_proof(longer).error().message.find("trailing"), std::string::npos);
  }

  const Proof p = must_prove(tree_, b("k3"));
  Bytes bad = encode(p);
  bad[0] = 0x02;
  EXPECT_NE(decode_proof(bad).error().message.find("version"), std::string::npos);
  bad = encode(p);
  bad[1] = 0x07;
  EXPECT_NE(decode_proof(bad).error().message.find("terminal tag"), std::string::npos);

  Proof too_long;
  too_long.siblings.resize(kPathBits + 1);
  EXPECT_NE(decode_proof(encode(too_long)).error().message.find("257 siblings"), std::string::npos);
  Proof longest;
  longest.siblings.resize(kPathBits);
  EXPECT_TRUE(decode_proof(encode(longest)));

  EXPECT_NE(decode_proof_hex("0").error().message.find("odd"), std::string::npos);
  EXPECT_NE(decode_proof_hex("01zz").error().message.find("offset 2"), std::string::npos);
  EXPECT_FALSE(decode_proof_hex(""));
}

TEST_F(MerkleProofTest, JsonForm) {
  const Proof present = must_prove(tree_, b("k3"));
  const std::string json = to_json(present);
  EXPECT_EQ(json.rfind("{\"leaf\":{\"key_hash\":\"" + vm::to_hex(vm::sha256(b("k3"))) + "\",\"value_hash\":\"" +
                           vm::to_hex(vm::sha256(b("v3"))) + "\"},\"siblings\":[\"",
                       0),
            0u)
      << json;
  EXPECT_EQ(to_json(Proof{}), "{\"leaf\":null,\"siblings\":[]}");
}

// --- corrupt stores ---------------------------------------------------------------------------

TEST(MerkleTest, MissingNodeIsAnErrorNotACrash) {
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  State state;
  for (int i = 0; i < 32; ++i) state[b("k" + std::to_string(i))] = b("v");
  const Hash root = must(tree.update(as_changes(state)));
  store.erase(root);

  auto r = tree.update({{b("k1"), b("w")}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Corrupt);
  EXPECT_EQ(r.error().message, "corrupt state: node " + vm::to_hex(root) + " missing");
  EXPECT_EQ(tree.root(), root);  // unchanged
  auto p = tree.prove(b("k1"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::Corrupt);
  EXPECT_FALSE(tree.find(b("k1")));

  // A store with a missing root, and one with deeper nodes missing: every update errors or
  // succeeds; none crashes.
  MemoryNodeStore sparse;
  SparseMerkleTree rebuilt(sparse, kEmptyRoot);
  ASSERT_TRUE(rebuilt.update(as_changes(state)));
  const Proof deep = must_prove(rebuilt, b("k1"));
  ASSERT_GE(deep.siblings.size(), 2u);
  sparse.erase(deep.siblings.back());  // a sibling leaf (or subtree) near the bottom
  size_t failures = 0;
  for (int i = 0; i < 32; ++i) {
    SparseMerkleTree t(sparse, rebuilt.root());
    if (!t.update({{b("k" + std::to_string(i)), std::nullopt}})) ++failures;
  }
  EXPECT_GT(failures, 0u);
}

TEST(MerkleTest, NodeNotMatchingItsHashIsCorrupt) {
  MemoryNodeStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  const Hash root = must(tree.update({{b("a"), b("1")}, {b("b"), b("2")}}));
  store.overwrite(root, InternalNode{vm::sha256(b("x")), vm::sha256(b("y"))});
  auto r = tree.update({{b("c"), b("3")}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "corrupt state: node " + vm::to_hex(root) + " does not match its hash");
}

// --- cost -------------------------------------------------------------------------------------

// One update in a 100k-key tree touches O(depth) nodes (about log2(100k) = 17), not O(n).
TEST(MerkleTest, UpdateCostIsProportionalToDepth) {
  CountingStore store;
  SparseMerkleTree tree(store, kEmptyRoot);
  std::vector<StateChange> all;
  for (int i = 0; i < 100'000; ++i) all.emplace_back(b("acct/" + std::to_string(i)), b("balance"));
  ASSERT_TRUE(tree.update(all));
  EXPECT_EQ(store.gets, 0u);  // built from empty: nothing to read

  struct Case {
    const char* what;
    std::vector<StateChange> changes;
    size_t max_gets, max_puts;
  };
  std::vector<StateChange> ten;
  for (int i = 0; i < 10; ++i) ten.emplace_back(b("acct/" + std::to_string(i * 9973)), b("other"));
  const Case cases[] = {
      {"modify one", {{b("acct/4242"), b("changed")}}, 64, 64},
      {"insert one", {{b("acct/new"), b("fresh")}}, 64, 64},
      {"delete one", {{b("acct/777"), std::nullopt}}, 64, 64},
      {"modify ten", ten, 300, 300},
  };
  for (const Case& c : cases) {
    store.gets = store.puts = 0;
    ASSERT_TRUE(tree.update(c.changes));
    std::printf("[ merkle ] %s in a 100k-key tree: %zu gets, %zu puts\n", c.what, store.gets, store.puts);
    EXPECT_LT(store.gets, c.max_gets) << c.what;
    EXPECT_LT(store.puts, c.max_puts) << c.what;
    EXPECT_GT(store.puts, 0u) << c.what;
  }
}

}  // namespace
}  // namespace tenor::sdk
