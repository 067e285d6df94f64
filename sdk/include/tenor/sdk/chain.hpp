// A single-node ledger in a data folder: LevelDB holds the state (contract code and storage,
// nonces, balances), blocks, transactions, receipts and the state tree. Transactions are admitted
// (signatures, chain id, nonce, gas limit, balance, target) before they execute; a block executes
// its transactions in order, each in its own overlay, and commits atomically in one synced write.
//
//   auto chain = Chain::init(dir, genesis);           // or Chain::open(dir)
//   auto hash = (*chain)->submit(sign(tx, {seller, factor}));
//   auto block = (*chain)->produce_block();           // executes the pending transactions
//   auto receipt = (*chain)->receipt(*hash);
//
// Gas is paid by the sender: admission needs a balance of at least the gas limit; a block charges
// each transaction's gas_used, whatever its outcome. Nonces count every included transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tenor/sdk/abi.hpp"
#include "tenor/sdk/error.hpp"
#include "tenor/sdk/merkle.hpp"
#include "tenor/sdk/state.hpp"
#include "tenor/sdk/tx.hpp"
#include "tenor/vm/contract.hpp"
#include "tenor/vm/trace.hpp"

namespace tenor::sdk {

struct GenesisParty {
  std::string name;
  Party key{};
  uint64_t balance = 0;  // gas units the party can pay for
};

struct Genesis {
  std::string chain_id;
  int64_t start_time = 0;                    // seconds since 1970-01-01 UTC: block 0's timestamp
  uint64_t block_gas_limit = 1'000'000'000;  // the most gas one transaction may ask for
  std::vector<GenesisParty> parties;

  // {"chain_id": "...", "start_time": "2027-01-01T00:00:00Z" or seconds, "block_gas_limit": N,
  //  "parties": [{"name": "...", "key": "<hex>", "balance": N}]}
  static Result<Genesis> from_json(std::string_view json);
  std::string to_json() const;
};

struct BlockHeader {
  uint64_t height = 0;
  int64_t timestamp = 0;  // the contracts' only clock
  Hash prev_hash{};
  Hash state_root{};     // after the block's transactions
  Hash receipts_root{};  // Merkle root over the block's receipts (by index)
  Hash txs_root{};       // Merkle root over the block's transaction hashes (by index)
  uint32_t tx_count = 0;
};
Hash block_hash(const BlockHeader& header);

struct Block {
  BlockHeader header;
  std::vector<SignedTransaction> txs;
};

struct Receipt {
  Hash tx_hash{};
  uint64_t block_height = 0;
  uint32_t index = 0;  // position in the block
  vm::ExecStatus status = vm::ExecStatus::Ok;
  uint64_t gas_used = 0;
  Bytes output;                 // return data, or the revert message
  std::optional<uint8_t> trap;  // vm::TrapCode
  std::string message;          // why, when not Ok
  std::vector<Event> events;
  std::optional<Address> deployed;  // the new contract's address, for a deployment
  Hash execution_hash{};            // running hash of the execution's block-level trace
};
Hash receipt_hash(const Receipt& r);

Bytes encode(const BlockHeader& h);
Result<BlockHeader> decode_block_header(std::span<const uint8_t> bytes);
Bytes encode(const Receipt& r);
Result<Receipt> decode_receipt(std::span<const uint8_t> bytes);

// What an auditor's replay found: the first block (and transaction) whose recorded outcome the
// re-execution does not reproduce, and how.
struct Mismatch {
  uint64_t height = 0;
  std::optional<uint32_t> tx_index;
  std::string what;  // "receipt: gas_used recorded 1200, replayed 1180", "state root: ..."
};

struct ReplayReport {
  uint64_t blocks = 0;        // blocks re-executed and matched
  uint64_t transactions = 0;  // transactions re-executed and matched
  std::optional<Mismatch> mismatch;
  bool ok() const noexcept { return !mismatch.has_value(); }
};

// Called after each block: (blocks done, blocks in all).
using Progress = std::function<void(uint64_t done, uint64_t total)>;

class Chain {
 public:
  // The auditor's replay: re-executes every block of the chain in `dir` from genesis in a fresh
  // state (a temporary folder) and checks each block's state root, receipts (status, gas,
  // output, events, execution hash) and roots; then that the stored state itself still hashes to
  // the head's state root. Reports the first mismatch.
  static Result<ReplayReport> replay(const std::string& dir, const Progress& progress = {});
  // A portable file with the genesis, every block's transactions and its recorded receipts.
  Status export_to(const std::string& file) const;
  // Builds a chain in `dir` by re-executing an exported file, verifying it block by block like
  // replay. On a mismatch the folder keeps the blocks before it.
  static Result<ReplayReport> import_from(const std::string& file, const std::string& dir,
                                          const Progress& progress = {});
  // Re-executes one recorded transaction on its pre-state (rebuilt from the current state with
  // the blocks' undo records: no archive needed) with the tracer on; returns the new receipt,
  // which equals the recorded one unless the VM changed.
  Result<Receipt> trace(const Hash& tx_hash, vm::Tracer& tracer) const;

  // Creates a new chain in `dir` (which must not hold one) from a genesis.
  static Result<std::unique_ptr<Chain>> init(const std::string& dir, const Genesis& genesis);
  // Opens an existing chain at its last committed block.
  static Result<std::unique_ptr<Chain>> open(const std::string& dir);
  ~Chain();

  const Genesis& genesis() const noexcept;
  const BlockHeader& head() const noexcept;
  // The timestamp the next block gets by default: the head's, or later after advance_time.
  int64_t next_timestamp() const noexcept;
  // Moves the dev clock forward (for reaching maturity dates); persisted.
  Status advance_time(int64_t seconds);

  // Admission: checks signatures, chain id, nonce (replayed or skipped), gas limit (<= block
  // limit), the sender's balance and the target contract. When the code carries an ABI (its
  // "tenor.abi" section, abi.hpp), the input must decode against it: a call must name an action or
  // view and give exactly its arguments (BadArguments otherwise), a deployment's init input must
  // be the init's arguments, and a deployment's ABI section must parse. Code without an ABI skips
  // these checks. On success the transaction waits for the next block; returns its hash.
  Result<Hash> submit(const SignedTransaction& tx);
  size_t pending() const noexcept;

  // Executes the pending transactions in a new block and commits it (one synced write).
  Result<Block> produce_block(std::optional<int64_t> timestamp = std::nullopt);

  std::optional<Block> block(uint64_t height) const;
  // The transaction hashes a block lists (its record), without loading the transactions.
  Result<std::vector<Hash>> block_tx_hashes(uint64_t height) const;
  std::optional<SignedTransaction> transaction(const Hash& tx_hash) const;
  std::optional<Receipt> receipt(const Hash& tx_hash) const;

  // Runs a call against the head state without recording anything (views).
  vm::ExecResult query(const Address& contract, Bytes input, uint64_t gas_limit, const Party& as);
  // Runs the call `tx` against the head state as if `signers` (the sender first) had signed it,
  // each with the scope its Authorization gives, recording nothing: what a transaction would do,
  // before anyone signs it. `checks` receives every is_signer question its contracts asked (who
  // exercised whose authority). InvalidArgument for a Deploy payload.
  Result<vm::ExecResult> dry_run(const Transaction& tx, const std::vector<Party>& signers,
                                 std::vector<vm::AuthorityCheck>* checks);

  // The ABI of the contract at `address`; nullptr when there is no contract there or its code
  // carries no (valid) ABI. Cached by code hash.
  std::shared_ptr<const Abi> contract_abi(const Address& address) const;

  uint64_t nonce(const Party& party) const;
  uint64_t balance(const Party& party) const;
  std::optional<Bytes> state_get(std::span<const uint8_t> state_key) const;
  Result<Proof> state_prove(std::span<const uint8_t> state_key) const;

  const Database& database() const noexcept;

 private:
  struct Impl;
  explicit Chain(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tenor::sdk
