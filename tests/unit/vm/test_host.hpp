// An in-memory HostContext for tests, and the worked example of what an embedder implements
// (docs/host-api.md): per-contract storage in ordered maps, an event list, and an undo journal for
// checkpoint/rollback. A node does the same over its state database (LevelDB) with a per-block
// overlay; the VM only ever sees the HostContext interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "tenor/vm/contract.hpp"

namespace tenor::vm::test {

class TestHost : public HostContext {
 public:
  struct Event {
    Address contract;
    Bytes topic;
    Bytes data;
  };
  using Storage = std::map<Bytes, Bytes>;  // std::vector<uint8_t> compares as unsigned bytes

  // ---- setting up the world ----

  // Stores `code` under its hash and deploys it at `contract` (no profile check; see deploy()).
  Hash put_code(const Address& contract, const Bytes& code) {
    Hash h = sha256(code);
    codes[h] = code;
    contracts[contract] = h;
    return h;
  }
  // Deployment as a chain does it: the engine validates and caches the code first.
  Result<Hash> deploy(ContractEngine& engine, const Address& contract, const Bytes& code) {
    auto h = engine.prepare(code);
    if (h) put_code(contract, code);
    return h;
  }

  // ---- inspecting it ----

  std::optional<Bytes> get(const Address& contract, std::string_view key) const {
    auto c = storage.find(contract);
    if (c == storage.end()) return std::nullopt;
    auto it = c->second.find(Bytes(key.begin(), key.end()));
    if (it == c->second.end()) return std::nullopt;
    return it->second;
  }
  size_t keys(const Address& contract) const {
    auto c = storage.find(contract);
    return c == storage.end() ? 0 : c->second.size();
  }

  // ---- HostContext ----

  std::optional<Hash> code_hash(const Address& contract) override {
    auto it = contracts.find(contract);
    if (it == contracts.end()) return std::nullopt;
    return it->second;
  }
  std::optional<Bytes> code(const Hash& hash) override {
    ++code_requests;
    auto it = codes.find(hash);
    if (it == codes.end()) return std::nullopt;
    return it->second;
  }

  std::optional<Bytes> storage_get(const Address& contract, std::span<const uint8_t> key) override {
    auto& s = storage[contract];
    auto it = s.find(Bytes(key.begin(), key.end()));
    if (it == s.end()) return std::nullopt;
    return it->second;
  }
  void storage_set(const Address& contract, std::span<const uint8_t> key, std::span<const uint8_t> value) override {
    Bytes k(key.begin(), key.end());
    auto& s = storage[contract];
    auto it = s.find(k);
    journal_.push_back(
        {Undo::Kind::Storage, contract, k, it == s.end() ? std::nullopt : std::optional<Bytes>(it->second)});
    s[std::move(k)] = Bytes(value.begin(), value.end());
  }
  bool storage_remove(const Address& contract, std::span<const uint8_t> key) override {
    Bytes k(key.begin(), key.end());
    auto& s = storage[contract];
    auto it = s.find(k);
    if (it == s.end()) return false;
    journal_.push_back({Undo::Kind::Storage, contract, k, it->second});
    s.erase(it);
    return true;
  }
  std::optional<Bytes> storage_next(const Address& contract, std::span<const uint8_t> prefix,
      std::optional<std::span<const uint8_t>> after) override {
    auto& s = storage[contract];
    Bytes p(prefix.begin(), prefix.end());
    // Keys that start with the prefix are contiguous and begin at lower_bound(prefix).
    auto it = s.lower_bound(p);
    if (after) {
      auto past = s.upper_bound(Bytes(after->begin(), after->end()));
      if (past == s.end() || (it != s.end() && it->first < past->first)) it = past;  // the later one
    }
    if (it == s.end() || it->first.size() < p.size() || !std::equal(p.begin(), p.end(), it->first.begin()))
      return std::nullopt;
    return it->first;
  }

  void emit_event(const Address& contract, std::span<const uint8_t> topic, std::span<const uint8_t> data) override {
    events.push_back({contract, Bytes(topic.begin(), topic.end()), Bytes(data.begin(), data.end())});
    journal_.push_back({Undo::Kind::Event, contract, {}, std::nullopt});
  }

  // A checkpoint is the journal's length; rolling back undoes the entries after it, newest first,
  // which also discards every later checkpoint.
  uint64_t checkpoint() override {
    ++checkpoints;
    return journal_.size();
  }
  void rollback(uint64_t cp) override {
    ++rollbacks;
    while (journal_.size() > cp) {
      Undo& u = journal_.back();
      if (u.kind == Undo::Kind::Event) {
        events.pop_back();
      } else {
        auto& s = storage[u.contract];
        if (u.old)
          s[u.key] = *u.old;
        else
          s.erase(u.key);
      }
      journal_.pop_back();
    }
  }
  size_t journal_size() const { return journal_.size(); }

  std::map<Address, Hash> contracts;
  std::map<Hash, Bytes> codes;
  std::map<Address, Storage> storage;
  std::vector<Event> events;
  uint64_t code_requests = 0, checkpoints = 0, rollbacks = 0;

 private:
  struct Undo {
    enum class Kind : uint8_t { Storage, Event } kind;
    Address contract;
    Bytes key;
    std::optional<Bytes> old;  // Storage: the value before the change, nullopt when absent
  };
  std::vector<Undo> journal_;
};

}  // namespace tenor::vm::test
