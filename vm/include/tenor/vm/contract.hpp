// The contract runtime: runs deployed contracts against a world the embedder provides.
//
// The VM knows nothing about LevelDB or blocks: the embedder (a node, the SDK's ledger, a test)
// implements HostContext (contract code, storage, events, and a journal to undo them), and
// ContractEngine executes calls: it loads code through a cache keyed by the SHA-256 of the code,
// checks the contract profile, binds the `tenor` host module (host_api.def, docs/host-api.md),
// meters gas, and undoes the state changes of a call that reverts, traps or runs out of gas.
//
//   MyWorld world;                                  // implements HostContext
//   ContractEngine engine;                          // one per thread; keeps the code cache
//   auto deployed = engine.prepare(code_bytes);     // validate + profile check once, at deployment
//   ExecResult r = engine.execute(world, tx, {address, input, gas_limit});
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tenor/common/bytes.hpp"
#include "tenor/common/hex.hpp"
#include "tenor/common/sha256.hpp"
#include "tenor/vm/config.hpp"
#include "tenor/vm/engine.hpp"
#include "tenor/vm/error.hpp"
#include "tenor/vm/profile.hpp"
#include "tenor/vm/trap.hpp"

namespace tenor::vm {

using Bytes = common::Bytes;
using Hash = common::Hash;                // SHA-256
using Address = std::array<uint8_t, 32>;  // a contract
using Party = std::array<uint8_t, 32>;    // an Ed25519 public key

using common::sha256;
using common::to_hex;

// What the embedder implements: the world contracts see. Storage is per contract (the VM passes
// the executing contract's address). Changes (storage writes and events) are journaled:
// `checkpoint()` marks a point and `rollback(cp)` undoes every change made after it; checkpoints
// nest like a stack (a rollback also discards the checkpoints taken after cp).
class HostContext {
 public:
  virtual ~HostContext() = default;

  // The SHA-256 of a deployed contract's code, or nullopt when there is no contract there.
  virtual std::optional<Hash> code_hash(const Address& contract) = 0;
  // The code with this hash (asked for only when the engine's cache does not hold it).
  virtual std::optional<Bytes> code(const Hash& hash) = 0;

  virtual std::optional<Bytes> storage_get(const Address& contract, std::span<const uint8_t> key) = 0;
  virtual void storage_set(const Address& contract, std::span<const uint8_t> key, std::span<const uint8_t> value) = 0;
  // Returns whether the key was present.
  virtual bool storage_remove(const Address& contract, std::span<const uint8_t> key) = 0;
  // The smallest key that starts with `prefix` and is greater than `after` (unsigned byte order),
  // or nullopt.
  virtual std::optional<Bytes> storage_next(const Address& contract, std::span<const uint8_t> prefix,
                                            std::optional<std::span<const uint8_t>> after) = 0;

  virtual void emit_event(const Address& contract, std::span<const uint8_t> topic, std::span<const uint8_t> data) = 0;

  virtual uint64_t checkpoint() = 0;
  virtual void rollback(uint64_t checkpoint) = 0;
};

// One `is_signer` question a contract asked (`signed_by` asks it), recorded for a dry run.
struct AuthorityCheck {
  Address contract{};      // the contract that asked
  Party party{};           // about whom
  bool signed_tx = false;  // the party signed the transaction
  bool granted = false;    // ... and its authority reached the contract (the answer)
};

// The transaction and block a call runs in.
struct TxContext {
  std::string chain_id;
  uint64_t block_height = 0;
  int64_t block_time = 0;  // seconds since 1970-01-01 UTC
  Party sender{};
  std::vector<Party> signers;  // every party that signed the transaction (sender included)
  // The scope of each signer's authority (docs/authorization.md): scopes[i] lists the contracts,
  // besides the top-level one, where signers[i] counts as a signer (is_signer, signer_count,
  // signer_read). The top-level contract is always in scope; a missing entry means it alone.
  std::vector<std::vector<Address>> scopes;
  // True when signers[i]'s authority reaches `contract`, called under the top-level `top`.
  bool reaches(size_t i, const Address& contract, const Address& top) const noexcept {
    if (contract == top) return true;
    if (i >= scopes.size()) return false;
    for (const Address& a : scopes[i])
      if (a == contract) return true;
    return false;
  }
  // When set, every is_signer question is appended here (a dry run's report); results and gas do
  // not depend on it.
  std::vector<AuthorityCheck>* authority_checks = nullptr;
};

struct ContractCall {
  Address contract{};
  Bytes input;
  uint64_t gas_limit = 0;
  std::string entry = "tenor_entry";  // the export to call ("tenor_init" at deployment)
  Tracer* tracer = nullptr;           // records the execution, nested contract calls included
};

enum class ExecStatus : uint8_t {
  Ok = 0,
  Revert = 1,  // the contract called revert(message)
  Trap = 2,    // a WebAssembly or host trap, or the contract called abort(message)
  OutOfGas = 3,
  Refused = 4,  // nothing ran: unknown contract, code that does not load or breaks the profile,
                // missing entry export, re-entry
};
const char* to_string(ExecStatus s) noexcept;

struct ExecResult {
  ExecStatus status = ExecStatus::Ok;
  uint64_t gas_used = 0;         // for every outcome; == gas_limit when out of gas
  Bytes output;                  // return data (Ok) or the UTF-8 revert message (Revert)
  std::optional<TrapCode> trap;  // Trap and OutOfGas
  std::string message;           // human-readable reason when not Ok ("aborted: <msg>" for abort)
  // Where the top-level contract's code stopped, for Trap, OutOfGas and Revert (the call of
  // `revert`): a function and code offset of the called contract's module (TrapSite, trap.hpp).
  // A failure inside a contract it called is not a trap of the caller (call_contract returns its
  // status), so this is always a site in the top-level contract's own code; a trap of the caller
  // at its call_contract call (out of gas instantiating the callee) is reported there. Nullopt
  // when no code ran (Refused, out of gas instantiating the top-level contract).
  std::optional<TrapSite> site;
  bool ok() const noexcept { return status == ExecStatus::Ok; }
};

// Loaded, validated, profile-checked modules by the SHA-256 of their code: validation and
// translation happen once per code, not per call. Bounded; least recently used entries go first.
class CodeCache {
 public:
  explicit CodeCache(size_t capacity = 256) : capacity_(capacity) {}
  std::shared_ptr<const Module> find(const Hash& hash);
  void insert(const Hash& hash, std::shared_ptr<const Module> module);
  size_t size() const noexcept { return entries_.size(); }
  uint64_t hits() const noexcept { return hits_; }
  uint64_t misses() const noexcept { return misses_; }

 private:
  struct Entry {
    Hash hash;
    std::shared_ptr<const Module> module;
    uint64_t last_use;
  };
  size_t capacity_;
  std::vector<Entry> entries_;  // small; a linear scan beats a map at these sizes
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
};

class ContractEngine {
 public:
  // Defaults: VmConfig with metering on, and the default contract profile.
  ContractEngine();
  ContractEngine(VmConfig config, ProfileRules rules);
  ~ContractEngine();
  ContractEngine(const ContractEngine&) = delete;
  ContractEngine& operator=(const ContractEngine&) = delete;

  const VmConfig& config() const noexcept;
  CodeCache& cache() noexcept;

  // Loads code (decode, validate, translate), applies the contract profile and caches it.
  // Deployment uses this to reject bad code before it is stored.
  Result<Hash> prepare(std::span<const uint8_t> code);

  // Runs one top-level call. State changes are undone (HostContext::rollback) unless the call
  // succeeds. Never throws; every failure is an ExecResult.
  ExecResult execute(HostContext& host, const TxContext& tx, const ContractCall& call);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenor::vm
