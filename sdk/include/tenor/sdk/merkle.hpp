// The state root: a compressed sparse Merkle tree over the whole key-value state.
//
// Every key sits at the path SHA-256(key) (256 bits, most significant bit first) of a binary tree;
// a subtree holding exactly one key is that key's leaf itself, so the tree is only as deep as the
// keys' hashes need to tell them apart (about log2(n) levels). The root commits to the whole state,
// an update costs O(changed keys x depth) node reads and writes, an auditor recomputes the root
// from the state alone (compute_root), and a proof shows that a key holds a value, or holds none.
// The hashing rules are specified in docs/merkle.md ("State root and proofs").
//
//   MemoryNodeStore store;                          // or the ledger's LevelDB-backed NodeStore
//   SparseMerkleTree tree(store, kEmptyRoot);
//   auto root = tree.update({{key, value}, {other_key, std::nullopt}});   // nullopt deletes
//   auto proof = tree.prove(key);
//   bool ok = verify_proof(*root, key, value, *proof);
//
// Nodes are content-addressed (node hash -> node) and never deleted, so every earlier root stays
// readable and provable. Pruning old nodes is out of scope.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tenor/sdk/error.hpp"
#include "tenor/vm/contract.hpp"

namespace tenor::sdk {

using vm::Bytes;
using vm::Hash;

// Errors (tenor/sdk/error.hpp): ErrorCode::Corrupt for a node missing from the store or not
// matching its hash ("corrupt state: node <hex> missing"), ErrorCode::Malformed for node or proof
// bytes that do not decode ("malformed proof: truncated at byte 40").

// --- hashing rules (docs/merkle.md) -----------------------------------------------------------

inline constexpr Hash kEmptyRoot{};       // the root of the empty tree; also any empty subtree
inline constexpr size_t kPathBits = 256;  // the depth of a path; no proof has more siblings
inline constexpr uint8_t kLeafDomain = 0x00;
inline constexpr uint8_t kInternalDomain = 0x01;

// A key's leaf: the hashes of the key (its path) and of its value.
struct LeafNode {
  Hash key_hash{};
  Hash value_hash{};
  bool operator==(const LeafNode&) const = default;
};
// Two subtrees; either may be empty (kEmptyRoot), never both, and never one leaf beside an
// empty subtree (that leaf would stand in this node's place).
struct InternalNode {
  Hash left{};   // bit 0 at this depth
  Hash right{};  // bit 1
  bool operator==(const InternalNode&) const = default;
};
using Node = std::variant<LeafNode, InternalNode>;

// SHA-256(0x00 || key_hash || value_hash)
Hash leaf_hash(const LeafNode& leaf) noexcept;
// SHA-256(0x01 || left || right)
Hash internal_hash(const Hash& left, const Hash& right) noexcept;
Hash node_hash(const Node& node) noexcept;
// {SHA-256(key), SHA-256(value)}
LeafNode make_leaf(std::span<const uint8_t> key, std::span<const uint8_t> value) noexcept;

// Bit `i` (0 = most significant bit of byte 0) of a path.
inline bool path_bit(const Hash& path, size_t i) noexcept { return ((path[i / 8] >> (7 - i % 8)) & 1u) != 0; }

// --- node storage -----------------------------------------------------------------------------

// The serialised node is exactly its hash preimage: 65 bytes, the domain byte (0x00 leaf, 0x01
// internal) then the two 32-byte hashes. So node_hash(n) == sha256(encode_node(n)), and a store
// can check what it reads.
Bytes encode_node(const Node& node);
Result<Node> decode_node(std::span<const uint8_t> bytes);

// Content-addressed node storage: node hash -> node. The tree only ever puts a node under its own
// hash, so put is idempotent. Implementations: MemoryNodeStore below, the ledger's LevelDB store
// (which may buffer puts into its per-block write batch). A store that cannot read returns
// nullopt; the tree reports that as corrupt state.
class NodeStore {
 public:
  virtual ~NodeStore() = default;
  virtual std::optional<Node> get(const Hash& hash) = 0;
  virtual void put(const Hash& hash, const Node& node) = 0;
};

class MemoryNodeStore final : public NodeStore {
 public:
  std::optional<Node> get(const Hash& hash) override;
  void put(const Hash& hash, const Node& node) override;
  size_t size() const noexcept { return nodes_.size(); }
  // For tests of corruption: remove or replace a node behind the tree's back.
  void erase(const Hash& hash) { nodes_.erase(hash); }
  void overwrite(const Hash& hash, const Node& node) { nodes_[hash] = node; }

 private:
  std::map<Hash, Node> nodes_;
};

// --- proofs -----------------------------------------------------------------------------------

// What lies on a key's path: the siblings from the root down, then where the path ends.
// Inclusion: `leaf` is the key's leaf. Exclusion: `leaf` is nullopt (the path ends in an empty
// subtree) or another key's leaf (which then holds the subtree where the key would be).
struct Proof {
  std::vector<Hash> siblings;    // siblings[i]: the sibling, at depth i + 1, of the key's path
  std::optional<LeafNode> leaf;  // the leaf at depth siblings.size(), or nullopt for empty
  bool operator==(const Proof&) const = default;
};

// Proof bytes (docs/merkle.md): version 0x01, terminal tag (0x00 empty, 0x01 leaf) [+ key_hash
// + value_hash], sibling count (u16 big-endian, <= 256), siblings. One encoding per proof.
Bytes encode(const Proof& proof);
Result<Proof> decode_proof(std::span<const uint8_t> bytes);
// The same bytes as lowercase hex (one token for the CLI), and back (either case accepted).
std::string encode_hex(const Proof& proof);
Result<Proof> decode_proof_hex(std::string_view hex);
// {"leaf":{"key_hash":"..","value_hash":".."}|null,"siblings":["..",..]}
std::string to_json(const Proof& proof);

// Checks `proof` against `root` for `key`: with a value, that the key holds exactly that value;
// with nullopt, that the key is absent. Never throws; false for any mismatch or ill-formed proof.
bool verify_proof(const Hash& root, std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
                  const Proof& proof) noexcept;

// --- the tree ---------------------------------------------------------------------------------

using StateChange = std::pair<Bytes, std::optional<Bytes>>;  // key -> new value, or nullopt: delete

class SparseMerkleTree {
 public:
  SparseMerkleTree(NodeStore& store, const Hash& root) : store_(&store), root_(root) {}

  const Hash& root() const noexcept { return root_; }

  // Applies a batch of changes (in any order; a key given twice takes its last change; deleting
  // an absent key does nothing) and returns the new root, which becomes root(). Reads and writes
  // O(changes x depth) nodes. On error (a node missing or corrupt: "corrupt state: node <hex>
  // missing") root() is unchanged; nodes already put are unreachable and harmless.
  [[nodiscard]] Result<Hash> update(const std::vector<StateChange>& changes);

  // The proof for `key` against root(): inclusion when the key is present, exclusion otherwise.
  [[nodiscard]] Result<Proof> prove(std::span<const uint8_t> key) const;

  // The value hash stored for `key`, or nullopt when absent.
  [[nodiscard]] Result<std::optional<Hash>> find(std::span<const uint8_t> key) const;

 private:
  struct Change {
    Hash key_hash;
    std::optional<Hash> value_hash;
  };
  Result<Node> load(const Hash& hash) const;
  Result<Hash> update_subtree(const Hash& node, size_t depth, std::span<const Change> changes);
  Hash build_subtree(std::span<const LeafNode> leaves, size_t depth);

  NodeStore* store_;
  Hash root_;
};

// --- the auditor's path -----------------------------------------------------------------------

// The root of the tree holding exactly these leaves, computed from scratch without any store.
// Order does not matter; if a key hash appears twice the last one counts.
Hash compute_root_from_leaves(std::vector<LeafNode> leaves);

// The root of the whole state: any range of (key, value) pairs whose elements convert to
// std::span<const uint8_t> (e.g. std::map<Bytes, Bytes>). Equals the root that incremental
// updates reach for the same state.
template <class Range>
Hash compute_root(const Range& state) {
  std::vector<LeafNode> leaves;
  for (const auto& [key, value] : state) {
    leaves.push_back(make_leaf(std::span<const uint8_t>(key), std::span<const uint8_t>(value)));
  }
  return compute_root_from_leaves(std::move(leaves));
}

}  // namespace tenor::sdk
