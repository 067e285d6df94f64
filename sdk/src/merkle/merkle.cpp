// The compressed sparse Merkle tree of merkle.hpp. The rules an auditor needs are in
// docs/merkle.md; the code here must stay equal to them (tests/unit/sdk/merkle_test.cpp checks the
// documented test vectors).
#include "tenor/sdk/merkle.hpp"

#include <algorithm>
#include <cstring>

namespace tenor::sdk {

namespace {

constexpr uint8_t kProofVersion = 0x01;
constexpr uint8_t kTerminalEmpty = 0x00;
constexpr uint8_t kTerminalLeaf = 0x01;
constexpr size_t kNodeBytes = 1 + 2 * sizeof(Hash);

Hash hash_pair(uint8_t domain, const Hash& a, const Hash& b) noexcept {
  std::array<uint8_t, kNodeBytes> buf;
  buf[0] = domain;
  std::memcpy(buf.data() + 1, a.data(), a.size());
  std::memcpy(buf.data() + 1 + a.size(), b.data(), b.size());
  return vm::sha256(buf);
}

bool is_empty(const Hash& h) noexcept { return h == kEmptyRoot; }

// Whether a and b agree on their first `bits` bits.
bool same_prefix(const Hash& a, const Hash& b, size_t bits) noexcept {
  const size_t whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  const size_t rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xffu << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// The first index in [first, last) whose path has bit `depth` set. The range is sorted by path
// and shares its first `depth` bits, so the 0-side precedes the 1-side.
template <class T, class KeyOf>
size_t split_at(std::span<const T> items, size_t depth, KeyOf key_of) {
  auto it = std::partition_point(items.begin(), items.end(), [&](const T& x) { return !path_bit(key_of(x), depth); });
  return static_cast<size_t>(it - items.begin());
}

// The root of the subtree at `depth` holding exactly `leaves` (sorted by key hash, distinct, all
// sharing their first `depth` bits). Puts every node it makes into `store` when there is one.
// Recursion is bounded: distinct 256-bit paths part at depth < 256.
Hash build(std::span<const LeafNode> leaves, size_t depth, NodeStore* store) {
  if (leaves.empty()) return kEmptyRoot;
  if (leaves.size() == 1) {
    const Hash h = leaf_hash(leaves[0]);
    if (store != nullptr) store->put(h, leaves[0]);
    return h;
  }
  const size_t mid = split_at(leaves, depth, [](const LeafNode& l) -> const Hash& { return l.key_hash; });
  const Hash left = build(leaves.first(mid), depth + 1, store);
  const Hash right = build(leaves.subspan(mid), depth + 1, store);
  const Hash h = internal_hash(left, right);
  if (store != nullptr) store->put(h, InternalNode{left, right});
  return h;
}

// Sorts by key hash and keeps the last of equal key hashes (stable: "last" means input order).
template <class T, class KeyOf>
void sort_keep_last(std::vector<T>& items, KeyOf key_of) {
  std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key_of(a) < key_of(b); });
  size_t out = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i + 1 < items.size() && key_of(items[i + 1]) == key_of(items[i])) continue;
    if (out != i) items[out] = std::move(items[i]);
    ++out;
  }
  items.resize(out);
}

Error corrupt(const Hash& h, const char* what) {
  return {ErrorCode::Corrupt, "corrupt state: node " + vm::to_hex(h) + " " + what};
}

Error malformed_proof(std::string why) { return {ErrorCode::Malformed, "malformed proof: " + std::move(why)}; }

void append(Bytes& out, const Hash& h) { out.insert(out.end(), h.begin(), h.end()); }

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// --- hashing ----------------------------------------------------------------------------------

Hash leaf_hash(const LeafNode& leaf) noexcept { return hash_pair(kLeafDomain, leaf.key_hash, leaf.value_hash); }

Hash internal_hash(const Hash& left, const Hash& right) noexcept { return hash_pair(kInternalDomain, left, right); }

Hash node_hash(const Node& node) noexcept {
  if (const auto* leaf = std::get_if<LeafNode>(&node)) return leaf_hash(*leaf);
  const auto& in = std::get<InternalNode>(node);
  return internal_hash(in.left, in.right);
}

LeafNode make_leaf(std::span<const uint8_t> key, std::span<const uint8_t> value) noexcept {
  return {vm::sha256(key), vm::sha256(value)};
}

// --- nodes ------------------------------------------------------------------------------------

Bytes encode_node(const Node& node) {
  Bytes out;
  out.reserve(kNodeBytes);
  if (const auto* leaf = std::get_if<LeafNode>(&node)) {
    out.push_back(kLeafDomain);
    append(out, leaf->key_hash);
    append(out, leaf->value_hash);
  } else {
    const auto& in = std::get<InternalNode>(node);
    out.push_back(kInternalDomain);
    append(out, in.left);
    append(out, in.right);
  }
  return out;
}

Result<Node> decode_node(std::span<const uint8_t> bytes) {
  if (bytes.size() != kNodeBytes) {
    return Error{ErrorCode::Malformed,
                 "malformed node: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(kNodeBytes)};
  }
  Hash a, b;
  std::memcpy(a.data(), bytes.data() + 1, a.size());
  std::memcpy(b.data(), bytes.data() + 1 + a.size(), b.size());
  if (bytes[0] == kLeafDomain) return Node{LeafNode{a, b}};
  if (bytes[0] == kInternalDomain) {
    if (is_empty(a) && is_empty(b)) {
      return Error{ErrorCode::Malformed, "malformed node: internal node with two empty children"};
    }
    return Node{InternalNode{a, b}};
  }
  return Error{ErrorCode::Malformed, "malformed node: unknown tag " + std::to_string(bytes[0])};
}

std::optional<Node> MemoryNodeStore::get(const Hash& hash) {
  auto it = nodes_.find(hash);
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

void MemoryNodeStore::put(const Hash& hash, const Node& node) { nodes_.emplace(hash, node); }

// --- proofs -----------------------------------------------------------------------------------

Bytes encode(const Proof& proof) {
  Bytes out;
  out.reserve(2 + 2 * sizeof(Hash) + 2 + proof.siblings.size() * sizeof(Hash));
  out.push_back(kProofVersion);
  if (proof.leaf) {
    out.push_back(kTerminalLeaf);
    append(out, proof.leaf->key_hash);
    append(out, proof.leaf->value_hash);
  } else {
    out.push_back(kTerminalEmpty);
  }
  const size_t n = proof.siblings.size();
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n & 0xff));
  for (const Hash& s : proof.siblings) append(out, s);
  return out;
}

Result<Proof> decode_proof(std::span<const uint8_t> bytes) {
  size_t pos = 0;
  auto take_hash = [&](Hash& h) {
    if (bytes.size() - pos < h.size()) return false;
    std::memcpy(h.data(), bytes.data() + pos, h.size());
    pos += h.size();
    return true;
  };
  auto truncated = [&] { return malformed_proof("truncated at byte " + std::to_string(bytes.size())); };

  if (bytes.empty()) return malformed_proof("empty");
  if (bytes[0] != kProofVersion) return malformed_proof("unknown version " + std::to_string(bytes[0]));
  if (bytes.size() < 2) return truncated();
  Proof proof;
  pos = 2;
  if (bytes[1] == kTerminalLeaf) {
    LeafNode leaf;
    if (!take_hash(leaf.key_hash) || !take_hash(leaf.value_hash)) return truncated();
    proof.leaf = leaf;
  } else if (bytes[1] != kTerminalEmpty) {
    return malformed_proof("unknown terminal tag " + std::to_string(bytes[1]) + " at byte 1");
  }
  if (bytes.size() - pos < 2) return truncated();
  const size_t n = (size_t{bytes[pos]} << 8) | bytes[pos + 1];
  pos += 2;
  if (n > kPathBits) {
    return malformed_proof(std::to_string(n) + " siblings, at most " + std::to_string(kPathBits));
  }
  proof.siblings.resize(n);
  for (Hash& s : proof.siblings) {
    if (!take_hash(s)) return truncated();
  }
  if (pos != bytes.size()) {
    return malformed_proof(std::to_string(bytes.size() - pos) + " trailing bytes after byte " + std::to_string(pos));
  }
  return proof;
}

std::string encode_hex(const Proof& proof) { return vm::to_hex(encode(proof)); }

Result<Proof> decode_proof_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return malformed_proof("odd number of hex digits (" + std::to_string(hex.size()) + ")");
  Bytes bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return malformed_proof("not a hex digit at offset " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return decode_proof(bytes);
}

std::string to_json(const Proof& proof) {
  std::string out = "{\"leaf\":";
  if (proof.leaf) {
    out += "{\"key_hash\":\"" + vm::to_hex(proof.leaf->key_hash) + "\",\"value_hash\":\"" +
           vm::to_hex(proof.leaf->value_hash) + "\"}";
  } else {
    out += "null";
  }
  out += ",\"siblings\":[";
  for (size_t i = 0; i < proof.siblings.size(); ++i) {
    if (i != 0) out += ',';
    out += '"' + vm::to_hex(proof.siblings[i]) + '"';
  }
  out += "]}";
  return out;
}

bool verify_proof(const Hash& root, std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
                  const Proof& proof) noexcept {
  const size_t depth = proof.siblings.size();
  if (depth > kPathBits) return false;
  const Hash path = vm::sha256(key);
  Hash h = kEmptyRoot;
  if (value) {
    // Inclusion: the path ends at this key's leaf, committing to this value.
    if (!proof.leaf || proof.leaf->key_hash != path || proof.leaf->value_hash != vm::sha256(*value)) return false;
    h = leaf_hash(*proof.leaf);
  } else if (proof.leaf) {
    // Exclusion by another key's leaf: it must stand where this key would be, i.e. share the
    // path so far; then the subtree holds that one key only.
    if (proof.leaf->key_hash == path || !same_prefix(proof.leaf->key_hash, path, depth)) return false;
    h = leaf_hash(*proof.leaf);
  }
  // else exclusion by an empty subtree: h stays kEmptyRoot.
  for (size_t i = depth; i-- > 0;) {
    h = path_bit(path, i) ? internal_hash(proof.siblings[i], h) : internal_hash(h, proof.siblings[i]);
  }
  return h == root;
}

// --- the tree ---------------------------------------------------------------------------------

Result<Node> SparseMerkleTree::load(const Hash& hash) const {
  std::optional<Node> node = store_->get(hash);
  if (!node) return corrupt(hash, "missing");
  if (node_hash(*node) != hash) return corrupt(hash, "does not match its hash");
  return std::move(*node);
}

Result<Hash> SparseMerkleTree::update(const std::vector<StateChange>& changes) {
  std::vector<Change> sorted;
  sorted.reserve(changes.size());
  for (const auto& [key, value] : changes) {
    sorted.push_back({vm::sha256(key), value ? std::optional<Hash>(vm::sha256(*value)) : std::nullopt});
  }
  sort_keep_last(sorted, [](const Change& c) -> const Hash& { return c.key_hash; });
  auto r = update_subtree(root_, 0, sorted);
  if (r) root_ = *r;
  return r;
}

// The new root of the subtree `node` at `depth` after `changes` (sorted by key hash, distinct,
// all sharing the subtree's first `depth` bits). Keeps the tree canonical: a subtree left with one
// key becomes that key's leaf, an emptied one becomes kEmptyRoot.
Result<Hash> SparseMerkleTree::update_subtree(const Hash& node, size_t depth, std::span<const Change> changes) {
  if (changes.empty()) return node;
  if (is_empty(node)) {
    std::vector<LeafNode> leaves;
    for (const Change& c : changes) {
      if (c.value_hash) leaves.push_back({c.key_hash, *c.value_hash});
    }
    return build_subtree(leaves, depth);
  }
  auto loaded = load(node);
  if (!loaded) return std::move(loaded).error();

  if (const auto* old = std::get_if<LeafNode>(&*loaded)) {
    // One key here: merge it with the changes, then build the subtree they leave.
    std::vector<LeafNode> leaves;
    leaves.reserve(changes.size() + 1);
    bool old_placed = false;
    for (const Change& c : changes) {
      if (!old_placed && old->key_hash <= c.key_hash) {
        old_placed = true;
        if (old->key_hash != c.key_hash) leaves.push_back(*old);
      }
      if (c.value_hash) leaves.push_back({c.key_hash, *c.value_hash});
    }
    if (!old_placed) leaves.push_back(*old);
    if (leaves.size() == 1 && leaves[0] == *old) return node;  // nothing changed
    return build_subtree(leaves, depth);
  }

  const InternalNode in = std::get<InternalNode>(*loaded);
  if (depth >= kPathBits) return corrupt(node, "is an internal node below the last path bit");
  const size_t mid = split_at(changes, depth, [](const Change& c) -> const Hash& { return c.key_hash; });
  auto left = update_subtree(in.left, depth + 1, changes.first(mid));
  if (!left) return left;
  auto right = update_subtree(in.right, depth + 1, changes.subspan(mid));
  if (!right) return right;
  if (*left == in.left && *right == in.right) return node;
  if (is_empty(*left) && is_empty(*right)) return kEmptyRoot;
  if (is_empty(*left) || is_empty(*right)) {
    // One side left: if it is a single leaf, the leaf takes this node's place.
    const Hash& only = is_empty(*left) ? *right : *left;
    auto child = load(only);
    if (!child) return std::move(child).error();
    if (std::holds_alternative<LeafNode>(*child)) return only;
  }
  const Hash h = internal_hash(*left, *right);
  store_->put(h, InternalNode{*left, *right});
  return h;
}

Hash SparseMerkleTree::build_subtree(std::span<const LeafNode> leaves, size_t depth) {
  return build(leaves, depth, store_);
}

Result<Proof> SparseMerkleTree::prove(std::span<const uint8_t> key) const {
  const Hash path = vm::sha256(key);
  Proof proof;
  Hash h = root_;
  for (size_t depth = 0; !is_empty(h); ++depth) {
    auto node = load(h);
    if (!node) return std::move(node).error();
    if (const auto* leaf = std::get_if<LeafNode>(&*node)) {
      proof.leaf = *leaf;
      break;
    }
    if (depth >= kPathBits) return corrupt(h, "is an internal node below the last path bit");
    const auto& in = std::get<InternalNode>(*node);
    const bool bit = path_bit(path, depth);
    proof.siblings.push_back(bit ? in.left : in.right);
    h = bit ? in.right : in.left;
  }
  return proof;
}

Result<std::optional<Hash>> SparseMerkleTree::find(std::span<const uint8_t> key) const {
  auto proof = prove(key);
  if (!proof) return std::move(proof).error();
  if (proof->leaf && proof->leaf->key_hash == vm::sha256(key)) return std::optional<Hash>(proof->leaf->value_hash);
  return std::optional<Hash>();
}

// --- the auditor's path -----------------------------------------------------------------------

Hash compute_root_from_leaves(std::vector<LeafNode> leaves) {
  sort_keep_last(leaves, [](const LeafNode& l) -> const Hash& { return l.key_hash; });
  return build(leaves, 0, nullptr);
}

}  // namespace tenor::sdk
