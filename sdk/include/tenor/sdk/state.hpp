// The ledger's world state: one ordered key-value map, the layers that buffer changes on top of it
// while transactions and blocks execute, and the LevelDB database it lives in.
//
// State keys (the state root commits to exactly these entries; docs/sdk.md):
//   'c' || code_hash[32]               module bytes            deployed code, by its SHA-256
//   'a' || address[32]                 code_hash[32]           the contract at an address
//   's' || address[32] || key          value                   a contract's storage
//   'n' || party[32]                   u64 little-endian       the next nonce of a sender
//   'b' || party[32]                   u64 little-endian       the gas a party can still pay for
//
// Layers: a block executes in an Overlay over the database's committed state; each transaction in
// an Overlay over the block's. An Overlay is also the vm::HostContext a contract call runs against:
// its journal gives checkpoint/rollback for nested calls, and it buffers events.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tenor/vm/contract.hpp"

namespace leveldb {
class DB;
}

namespace tenor::sdk {

using vm::Address;
using vm::Bytes;
using vm::Hash;
using vm::Party;

namespace state_key {
inline constexpr uint8_t kCode = 'c';
inline constexpr uint8_t kContract = 'a';
inline constexpr uint8_t kStorage = 's';
inline constexpr uint8_t kNonce = 'n';
inline constexpr uint8_t kBalance = 'b';
Bytes code(const Hash& code_hash);
Bytes contract(const Address& address);
Bytes storage(const Address& address, std::span<const uint8_t> key);
Bytes storage_prefix(const Address& address);
Bytes nonce(const Party& party);
Bytes balance(const Party& party);
}  // namespace state_key

// Read access to an ordered key-value state.
class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<Bytes> get(std::span<const uint8_t> key) const = 0;
  // The smallest key that starts with `prefix` and is greater than `after` (or, without `after`,
  // the smallest key with the prefix), with its value.
  virtual std::optional<std::pair<Bytes, Bytes>> next(std::span<const uint8_t> prefix,
                                                      std::optional<std::span<const uint8_t>> after) const = 0;
};

// An event as contracts emit it, with the contract that emitted it.
struct Event {
  Address contract{};
  Bytes topic;
  Bytes data;
  friend bool operator==(const Event&, const Event&) = default;
};

// Buffered changes over a base view. Reads see the buffered changes first; `changes()` are the
// writes (nullopt: deleted) in key order, ready to apply to the layer below.
class Overlay : public StateView, public vm::HostContext {
 public:
  // An overlay over another overlay stacks on it (it does not copy it): copying is disabled so
  // that `Overlay tx(block)` always means "on top of block".
  explicit Overlay(const StateView& base) : base_(base) {}
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;

  // --- StateView ---
  std::optional<Bytes> get(std::span<const uint8_t> key) const override;
  std::optional<std::pair<Bytes, Bytes>> next(std::span<const uint8_t> prefix,
                                              std::optional<std::span<const uint8_t>> after) const override;

  // --- writes (journaled) ---
  void put(std::span<const uint8_t> key, std::span<const uint8_t> value);
  void erase(std::span<const uint8_t> key);
  void emit(Event e);

  const std::map<Bytes, std::optional<Bytes>, std::less<>>& changes() const noexcept { return changes_; }
  const std::vector<Event>& events() const noexcept { return events_; }
  // Moves this overlay's changes and events into `below` (whose base must be this overlay's base).
  void apply_to(Overlay& below) const;

  // --- vm::HostContext ---
  std::optional<Hash> code_hash(const Address& contract) override;
  std::optional<Bytes> code(const Hash& hash) override;
  std::optional<Bytes> storage_get(const Address& contract, std::span<const uint8_t> key) override;
  void storage_set(const Address& contract, std::span<const uint8_t> key, std::span<const uint8_t> value) override;
  bool storage_remove(const Address& contract, std::span<const uint8_t> key) override;
  std::optional<Bytes> storage_next(const Address& contract, std::span<const uint8_t> prefix,
                                    std::optional<std::span<const uint8_t>> after) override;
  void emit_event(const Address& contract, std::span<const uint8_t> topic, std::span<const uint8_t> data) override;
  uint64_t checkpoint() override { return journal_.size(); }
  void rollback(uint64_t checkpoint) override;

 private:
  struct Undo {
    bool is_event = false;
    Bytes key;
    std::optional<std::optional<Bytes>> previous;  // absent: the key had no buffered change
  };
  void record(std::span<const uint8_t> key);

  const StateView& base_;
  std::map<Bytes, std::optional<Bytes>, std::less<>> changes_;
  std::vector<Event> events_;
  std::vector<Undo> journal_;
};

// The LevelDB database of a chain. Keys are namespaced by a one-byte table prefix:
//   'S' state entries (the keys above), 'M' chain metadata, 'B' blocks by height,
//   'T' transactions by hash, 'R' receipts by transaction hash, 'N' state-tree nodes,
//   'U' undo records by height.
// Every write is one atomic, synced WriteBatch: after a crash the database holds the last batch
// that was written completely.
class Database {
 public:
  enum class Table : uint8_t {
    State = 'S',
    Meta = 'M',
    Block = 'B',
    Tx = 'T',
    Receipt = 'R',
    StateNode = 'N',
    Undo = 'U',  // per block: the values its changes replaced, to rebuild earlier states
  };

  // Opens (or, with create, creates) the database in `dir`. Errors name the folder and LevelDB's
  // reason (a corrupt database, a lock held by another process, ...).
  static vm::Result<std::unique_ptr<Database>> open(const std::string& dir, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  std::optional<Bytes> get(Table t, std::span<const uint8_t> key) const;

  class Batch {
   public:
    void put(Table t, std::span<const uint8_t> key, std::span<const uint8_t> value);
    void erase(Table t, std::span<const uint8_t> key);
    bool empty() const noexcept { return ops_.empty(); }

   private:
    friend class Database;
    std::vector<std::pair<Bytes, std::optional<Bytes>>> ops_;
  };
  // Writes the batch atomically and syncs it to disk. A failed write leaves the database as it was
  // and makes it refuse further writes (the process should reopen it).
  [[nodiscard]] vm::Status write(const Batch& batch);

  using ScanFn = std::function<bool(std::span<const uint8_t> key, std::span<const uint8_t> value)>;
  // Iterates the entries of a table with a key prefix, in key order, starting at `from` when it is
  // greater than the prefix; stops when f returns false.
  void scan_from(Table t, std::span<const uint8_t> prefix, std::optional<std::span<const uint8_t>> from,
                 const ScanFn& f) const;
  void scan(Table t, std::span<const uint8_t> prefix, const ScanFn& f) const { scan_from(t, prefix, std::nullopt, f); }

  // The committed state as a StateView.
  const StateView& state() const noexcept { return *state_view_; }

 private:
  Database() = default;
  std::unique_ptr<leveldb::DB> db_;
  std::unique_ptr<StateView> state_view_;
  bool failed_ = false;
  std::string dir_;
};

}  // namespace tenor::sdk
