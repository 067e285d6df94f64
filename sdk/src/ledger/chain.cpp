#include "tenor/sdk/chain.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tenor/common/civil_date.hpp"
#include "tenor/sdk/borsh.hpp"
#include "tenor/sdk/keys.hpp"
#include "tenor/sdk/srcmap.hpp"
#include "tenor/vm/gas.hpp"
#include "tenor/vm/trace.hpp"

namespace tenor::sdk {

namespace {

constexpr std::string_view kBlockDomain = "tenor/block/v1";
constexpr std::string_view kReceiptDomain = "tenor/receipt/v1";
// Deployment costs gas before any code runs: storing code is the most expensive write there is.
using vm::gas::kDeployBaseGas;
using vm::gas::kDeployPerByteGas;

Error err(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// The receipt message of an execution: the engine's, plus the source location of the trap site
// when the call trapped or ran out of gas and the top-level contract's code (`code`, fetched only
// then) carries a "tenor.srcmap" section with a location there: "unreachable (factoring.tnr:12:5)".
// Part of the consensus rules (receipts hash it): it depends only on the code and the trap site.
// An abort's message already names its location (the compiler writes "... at file:line:col", and
// the abort call is in the runtime's helper), and a revert's message is the contract's own text:
// neither is annotated. A map that is absent, malformed or without a location there adds nothing.
template <class GetCode>
std::string receipt_message(vm::ExecResult& r, GetCode&& code) {
  const bool trapped = r.status == vm::ExecStatus::Trap || r.status == vm::ExecStatus::OutOfGas;
  if (!trapped || !r.site || r.trap == vm::TrapCode::Abort) return std::move(r.message);
  std::optional<Bytes> bytes = code();
  if (!bytes) return std::move(r.message);
  if (auto loc = source_location(*bytes, r.site->code_offset)) r.message += " (" + loc->to_string() + ")";
  return std::move(r.message);
}

Hash domain_hash(std::string_view domain, std::span<const uint8_t> payload) {
  Bytes m(domain.begin(), domain.end());
  m.insert(m.end(), payload.begin(), payload.end());
  return vm::sha256(m);
}

Bytes u64_le(uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}
uint64_t read_u64_le(std::span<const uint8_t> b) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < b.size(); ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
  return v;
}
Bytes u64_be(uint64_t v) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (56 - 8 * i));
  return b;
}

void write_event(BorshWriter& w, const Event& e) {
  w.fixed(e.contract);
  w.bytes(e.topic);
  w.bytes(e.data);
}
bool read_event(BorshReader& r, Event& e) { return r.fixed(e.contract) && r.bytes(e.topic) && r.bytes(e.data); }

// Merkle root over an ordered list of hashes (keys: the big-endian index).
Hash list_root(const std::vector<Hash>& items) {
  std::vector<std::pair<Bytes, Bytes>> entries;
  for (size_t i = 0; i < items.size(); ++i) entries.emplace_back(u64_be(i), Bytes(items[i].begin(), items[i].end()));
  return compute_root(entries);
}

// State-tree nodes in the Node table; puts buffered into the block's write batch.
class DbNodeStore final : public NodeStore {
 public:
  DbNodeStore(const Database& db, Database::Batch* batch) : db_(db), batch_(batch) {}
  std::optional<Node> get(const Hash& hash) override {
    if (auto it = pending_.find(hash); it != pending_.end()) return it->second;
    auto bytes = db_.get(Database::Table::StateNode, hash);
    if (!bytes) return std::nullopt;
    auto node = decode_node(*bytes);
    if (!node || node_hash(*node) != hash) return std::nullopt;  // corrupt: the tree reports it
    return *node;
  }
  void put(const Hash& hash, const Node& node) override {
    if (!pending_.emplace(hash, node).second) return;
    if (batch_) batch_->put(Database::Table::StateNode, hash, encode_node(node));
  }

 private:
  const Database& db_;
  Database::Batch* batch_;
  std::map<Hash, Node> pending_;
};

}  // namespace

// ---- encodings ----------------------------------------------------------------------------------

Bytes encode(const BlockHeader& h) {
  BorshWriter w;
  w.u64(h.height);
  w.i64(h.timestamp);
  w.fixed(h.prev_hash);
  w.fixed(h.state_root);
  w.fixed(h.receipts_root);
  w.fixed(h.txs_root);
  w.u32(h.tx_count);
  return w.take();
}

Result<BlockHeader> decode_block_header(std::span<const uint8_t> bytes) {
  BorshReader r(bytes);
  BlockHeader h;
  if (!(r.u64(h.height) && r.i64(h.timestamp) && r.fixed(h.prev_hash) && r.fixed(h.state_root) &&
        r.fixed(h.receipts_root) && r.fixed(h.txs_root) && r.u32(h.tx_count) && r.finish()))
    return err(ErrorCode::Malformed, "block header: " + r.error());
  return h;
}

Hash block_hash(const BlockHeader& header) { return domain_hash(kBlockDomain, encode(header)); }

Bytes encode(const Receipt& rc) {
  BorshWriter w;
  w.fixed(rc.tx_hash);
  w.u64(rc.block_height);
  w.u32(rc.index);
  w.u8(static_cast<uint8_t>(rc.status));
  w.u64(rc.gas_used);
  w.bytes(rc.output);
  w.option(rc.trap, [](BorshWriter& bw, uint8_t t) { bw.u8(t); });
  w.string(rc.message);
  w.vec(rc.events, [](BorshWriter& bw, const Event& e) { write_event(bw, e); });
  w.option(rc.deployed, [](BorshWriter& bw, const Address& a) { bw.fixed(a); });
  w.fixed(rc.execution_hash);
  return w.take();
}

Result<Receipt> decode_receipt(std::span<const uint8_t> bytes) {
  BorshReader r(bytes);
  Receipt rc;
  uint8_t status = 0;
  bool ok = r.fixed(rc.tx_hash) && r.u64(rc.block_height) && r.u32(rc.index) && r.u8(status) && r.u64(rc.gas_used) &&
            r.bytes(rc.output) && r.option(rc.trap, [](BorshReader& br, uint8_t& t) { return br.u8(t); }) &&
            r.string(rc.message) &&
            r.vec(
                rc.events, [](BorshReader& br, Event& e) { return read_event(br, e); }, 32 + 4 + 4) &&
            r.option(rc.deployed, [](BorshReader& br, Address& a) { return br.fixed(a); }) &&
            r.fixed(rc.execution_hash) && r.finish();
  if (!ok) return err(ErrorCode::Malformed, "receipt: " + r.error());
  if (status > 4) return err(ErrorCode::Malformed, "receipt: unknown status " + std::to_string(status));
  rc.status = static_cast<vm::ExecStatus>(status);
  return rc;
}

Hash receipt_hash(const Receipt& r) { return domain_hash(kReceiptDomain, encode(r)); }

// ---- genesis ------------------------------------------------------------------------------------

Result<Genesis> Genesis::from_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return err(ErrorCode::Malformed, "genesis: not a JSON object");
  Genesis g;
  if (!j.contains("chain_id") || !j["chain_id"].is_string() || j["chain_id"].get<std::string>().empty())
    return err(ErrorCode::Malformed, "genesis: \"chain_id\" must be a non-empty string");
  g.chain_id = j["chain_id"].get<std::string>();
  if (j.contains("start_time")) {
    const auto& t = j["start_time"];
    if (t.is_number_integer()) {
      g.start_time = t.get<int64_t>();
    } else if (t.is_string()) {
      auto s = common::parse_timestamp(t.get<std::string>());
      if (!s) return err(ErrorCode::Malformed, "genesis: \"start_time\" must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
      g.start_time = *s;
    } else {
      return err(ErrorCode::Malformed, "genesis: \"start_time\" must be a date string or seconds");
    }
  }
  if (j.contains("block_gas_limit")) {
    if (!j["block_gas_limit"].is_number_unsigned() || j["block_gas_limit"].get<uint64_t>() == 0)
      return err(ErrorCode::Malformed, "genesis: \"block_gas_limit\" must be a positive integer");
    g.block_gas_limit = j["block_gas_limit"].get<uint64_t>();
  }
  if (j.contains("parties")) {
    if (!j["parties"].is_array()) return err(ErrorCode::Malformed, "genesis: \"parties\" must be an array");
    for (const auto& p : j["parties"]) {
      GenesisParty gp;
      if (!p.is_object() || !p.contains("key") || !p["key"].is_string())
        return err(ErrorCode::Malformed, "genesis: every party needs a \"key\" (hex public key)");
      auto key = parse_party(p["key"].get<std::string>());
      if (!key) return err(ErrorCode::Malformed, "genesis: party key: " + key.error().message);
      gp.key = *key;
      if (p.contains("name") && p["name"].is_string()) gp.name = p["name"].get<std::string>();
      if (p.contains("balance")) {
        if (!p["balance"].is_number_unsigned())
          return err(ErrorCode::Malformed, "genesis: party balance must be a non-negative integer");
        gp.balance = p["balance"].get<uint64_t>();
      }
      for (const auto& other : g.parties)
        if (other.key == gp.key) return err(ErrorCode::Malformed, "genesis: party " + hex(gp.key) + " listed twice");
      g.parties.push_back(std::move(gp));
    }
  }
  return g;
}

std::string Genesis::to_json() const {
  nlohmann::json j;
  j["chain_id"] = chain_id;
  j["start_time"] = start_time;
  j["block_gas_limit"] = block_gas_limit;
  j["parties"] = nlohmann::json::array();
  for (const auto& p : parties) j["parties"].push_back({{"name", p.name}, {"key", hex(p.key)}, {"balance", p.balance}});
  return j.dump(2);
}

// ---- the chain ----------------------------------------------------------------------------------

struct Chain::Impl {
  std::unique_ptr<Database> db;
  Genesis genesis;
  BlockHeader head;
  int64_t next_timestamp = 0;
  std::vector<SignedTransaction> pending;
  std::map<Party, uint64_t> pending_nonce;  // next nonce per sender, counting pending txs
  std::map<Party, uint64_t> pending_gas;    // gas limits reserved by pending txs
  vm::ContractEngine engine;
  // ABIs by code hash (nullptr: the code has none); filled by admission and contract_abi.
  mutable std::map<Hash, std::shared_ptr<const Abi>> abis;

  std::shared_ptr<const Abi> abi_of(const Address& address) const {
    auto code_hash = db->state().get(state_key::contract(address));
    if (!code_hash || code_hash->size() != 32) return nullptr;
    Hash h{};
    std::copy(code_hash->begin(), code_hash->end(), h.begin());
    if (auto it = abis.find(h); it != abis.end()) return it->second;
    std::shared_ptr<const Abi> abi;
    if (auto code = db->state().get(state_key::code(h))) {
      auto parsed = Abi::from_wasm(*code);
      if (parsed && *parsed) abi = std::make_shared<const Abi>(std::move(**parsed));
    }
    abis.emplace(h, abi);
    return abi;
  }

  uint64_t state_u64(const Bytes& key) const {
    auto v = db->state().get(key);
    return v ? read_u64_le(*v) : 0;
  }

  Status write_head(Database::Batch& batch, const BlockHeader& h, const std::vector<Hash>& tx_hashes) {
    BorshWriter w;
    w.fixed(std::span<const uint8_t>(encode(h)));
    w.vec(tx_hashes, [](BorshWriter& bw, const Hash& th) { bw.fixed(th); });
    batch.put(Database::Table::Block, u64_be(h.height), w.data());
    batch.put(Database::Table::Meta, Bytes{'h', 'e', 'a', 'd'}, u64_le(h.height));
    return {};
  }

  // Executes one transaction against `block` and returns its receipt; state changes, the nonce and
  // the gas payment land in `block`.
  Receipt execute(Overlay& block, const SignedTransaction& stx, uint64_t height, int64_t timestamp, uint32_t index,
                  vm::Tracer* external_tracer = nullptr) {
    const Transaction& tx = stx.tx;
    Receipt rc;
    rc.tx_hash = tx_hash(tx);
    rc.block_height = height;
    rc.index = index;
    vm::TxContext ctx;
    ctx.chain_id = genesis.chain_id;
    ctx.block_height = height;
    ctx.block_time = timestamp;
    ctx.sender = tx.sender;
    ctx.signers = signers(stx);
    ctx.scopes = scopes(stx);                         // each signer's authority (docs/authorization.md)
    vm::Tracer own_tracer(vm::TraceLevel::Block, 0);  // only the running hash is kept
    vm::Tracer& tracer = external_tracer ? *external_tracer : own_tracer;

    Overlay txo(static_cast<const StateView&>(block));  // on top of the block, not a copy
    if (const auto* deploy = std::get_if<DeployPayload>(&tx.payload)) {
      const Address address = deployed_address(tx.sender, tx.nonce);
      const uint64_t deploy_gas = kDeployBaseGas + kDeployPerByteGas * deploy->code.size();
      rc.deployed = address;
      if (txo.code_hash(address)) {
        rc.status = vm::ExecStatus::Refused;
        rc.message = "a contract already exists at " + hex(address);
      } else if (deploy_gas > tx.gas_limit) {
        rc.status = vm::ExecStatus::OutOfGas;
        rc.trap = static_cast<uint8_t>(vm::TrapCode::OutOfGas);
        rc.gas_used = tx.gas_limit;
        rc.message = "deploying " + std::to_string(deploy->code.size()) + " bytes costs " + std::to_string(deploy_gas) +
                     " gas, more than the limit";
      } else if (auto prepared = engine.prepare(deploy->code); !prepared) {
        rc.status = vm::ExecStatus::Refused;
        rc.gas_used = deploy_gas;
        rc.message = "the code cannot be deployed: " + prepared.error().to_string();
      } else {
        rc.gas_used = deploy_gas;
        txo.put(state_key::code(*prepared), deploy->code);
        txo.put(state_key::contract(address), std::span<const uint8_t>(*prepared));
        auto module = engine.cache().find(*prepared);
        if (module && module->find_export("tenor_init")) {
          vm::ContractCall call{address, deploy->init_input, tx.gas_limit - deploy_gas, "tenor_init", &tracer};
          vm::ExecResult r = engine.execute(txo, ctx, call);
          rc.gas_used += r.gas_used;
          rc.status = r.status;
          rc.output = std::move(r.output);
          if (r.trap) rc.trap = static_cast<uint8_t>(*r.trap);
          rc.message = receipt_message(r, [&] { return std::optional<Bytes>(deploy->code); });
          if (!r.ok()) txo.rollback(0);  // no contract when its initialisation failed
        }
      }
    } else {
      const auto& call = std::get<CallPayload>(tx.payload);
      vm::ContractCall c{call.contract, call.input, tx.gas_limit, "tenor_entry", &tracer};
      vm::ExecResult r = engine.execute(txo, ctx, c);
      rc.status = r.status;
      rc.gas_used = r.gas_used;
      rc.output = std::move(r.output);
      if (r.trap) rc.trap = static_cast<uint8_t>(*r.trap);
      rc.message = receipt_message(r, [&]() -> std::optional<Bytes> {
        auto hash = txo.code_hash(call.contract);
        return hash ? txo.code(*hash) : std::nullopt;
      });
    }
    rc.events = txo.events();
    rc.execution_hash = vm::sha256(u64_le(tracer.hash_at(vm::TraceLevel::Block)));
    txo.apply_to(block);
    // Every included transaction advances the nonce and pays its gas, whatever its outcome.
    block.put(state_key::nonce(tx.sender), u64_le(tx.nonce + 1));
    auto bal = block.get(state_key::balance(tx.sender));
    uint64_t balance = bal ? read_u64_le(*bal) : 0;
    block.put(state_key::balance(tx.sender), u64_le(balance - std::min(balance, rc.gas_used)));
    return rc;
  }
};

Chain::Chain(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Chain::~Chain() = default;

Result<std::unique_ptr<Chain>> Chain::init(const std::string& dir, const Genesis& genesis) {
  if (genesis.chain_id.empty()) return err(ErrorCode::InvalidArgument, "genesis: empty chain id");
  auto db = Database::open(dir, /*create=*/true);
  if (!db) return err(ErrorCode::Io, db.error().message);
  if ((*db)->get(Database::Table::Meta, Bytes{'h', 'e', 'a', 'd'}))
    return err(ErrorCode::AlreadyExists, dir + " already holds a chain");
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  impl->genesis = genesis;

  Database::Batch batch;
  std::vector<StateChange> changes;
  for (const auto& p : genesis.parties) {
    Bytes k = state_key::balance(p.key);
    Bytes v = u64_le(p.balance);
    batch.put(Database::Table::State, k, v);
    changes.emplace_back(k, v);
  }
  DbNodeStore nodes(*impl->db, &batch);
  SparseMerkleTree tree(nodes, Hash{});
  auto root = tree.update(changes);
  if (!root) return root.error();
  BlockHeader h;
  h.height = 0;
  h.timestamp = genesis.start_time;
  h.state_root = *root;
  h.receipts_root = list_root({});
  h.txs_root = list_root({});
  std::string gj = genesis.to_json();
  batch.put(Database::Table::Meta, Bytes{'g', 'e', 'n', 'e', 's', 'i', 's'}, Bytes(gj.begin(), gj.end()));
  batch.put(Database::Table::Meta, Bytes{'c', 'l', 'o', 'c', 'k'}, u64_le(static_cast<uint64_t>(genesis.start_time)));
  (void)impl->write_head(batch, h, {});
  if (auto s = impl->db->write(batch); !s) return err(ErrorCode::Io, s.error().message);
  impl->head = h;
  impl->next_timestamp = genesis.start_time;
  return std::unique_ptr<Chain>(new Chain(std::move(impl)));
}

Result<std::unique_ptr<Chain>> Chain::open(const std::string& dir) {
  auto db = Database::open(dir, /*create=*/false);
  if (!db) return err(ErrorCode::Io, db.error().message);
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  auto gj = impl->db->get(Database::Table::Meta, Bytes{'g', 'e', 'n', 'e', 's', 'i', 's'});
  auto head = impl->db->get(Database::Table::Meta, Bytes{'h', 'e', 'a', 'd'});
  if (!gj || !head) return err(ErrorCode::Corrupt, dir + " holds no chain (no genesis or head record)");
  auto genesis = Genesis::from_json(std::string(gj->begin(), gj->end()));
  if (!genesis) return err(ErrorCode::Corrupt, dir + ": stored genesis: " + genesis.error().message);
  impl->genesis = std::move(*genesis);
  uint64_t height = read_u64_le(*head);
  auto block = impl->db->get(Database::Table::Block, u64_be(height));
  if (!block || block->size() < 8)
    return err(ErrorCode::Corrupt, dir + ": block " + std::to_string(height) + " is missing");
  BorshReader r(*block);
  // The stored block is the header's bytes (fixed size) followed by the transaction hashes.
  Bytes header_bytes(block->begin(), block->begin() + std::min<size_t>(block->size(), 8 + 8 + 32 * 4 + 4));
  auto h = decode_block_header(header_bytes);
  if (!h) return err(ErrorCode::Corrupt, dir + ": block " + std::to_string(height) + ": " + h.error().message);
  impl->head = *h;
  auto clock = impl->db->get(Database::Table::Meta, Bytes{'c', 'l', 'o', 'c', 'k'});
  impl->next_timestamp = std::max<int64_t>(h->timestamp, clock ? static_cast<int64_t>(read_u64_le(*clock)) : 0);
  return std::unique_ptr<Chain>(new Chain(std::move(impl)));
}

const Genesis& Chain::genesis() const noexcept { return impl_->genesis; }
const BlockHeader& Chain::head() const noexcept { return impl_->head; }
int64_t Chain::next_timestamp() const noexcept { return impl_->next_timestamp; }
size_t Chain::pending() const noexcept { return impl_->pending.size(); }
const Database& Chain::database() const noexcept { return *impl_->db; }

Status Chain::advance_time(int64_t seconds) {
  if (seconds <= 0) return err(ErrorCode::InvalidArgument, "time can only move forward");
  int64_t t = impl_->next_timestamp + seconds;
  Database::Batch batch;
  batch.put(Database::Table::Meta, Bytes{'c', 'l', 'o', 'c', 'k'}, u64_le(static_cast<uint64_t>(t)));
  if (auto s = impl_->db->write(batch); !s) return err(ErrorCode::Io, s.error().message);
  impl_->next_timestamp = t;
  return {};
}

std::shared_ptr<const Abi> Chain::contract_abi(const Address& address) const { return impl_->abi_of(address); }

uint64_t Chain::nonce(const Party& party) const { return impl_->state_u64(state_key::nonce(party)); }
uint64_t Chain::balance(const Party& party) const { return impl_->state_u64(state_key::balance(party)); }

Result<Hash> Chain::submit(const SignedTransaction& stx) {
  Impl& s = *impl_;
  const Transaction& tx = stx.tx;
  if (auto v = verify_signatures(stx); !v) return v.error();
  if (tx.chain_id != s.genesis.chain_id)
    return err(ErrorCode::WrongChain,
               "the transaction is for chain \"" + tx.chain_id + "\", this is \"" + s.genesis.chain_id + "\"");
  if (tx.gas_limit == 0) return err(ErrorCode::InvalidArgument, "gas limit is 0");
  if (tx.gas_limit > s.genesis.block_gas_limit)
    return err(ErrorCode::GasLimitTooHigh, "gas limit " + std::to_string(tx.gas_limit) + " is above the block limit " +
                                               std::to_string(s.genesis.block_gas_limit));
  auto pn = s.pending_nonce.find(tx.sender);
  uint64_t expected = pn != s.pending_nonce.end() ? pn->second : nonce(tx.sender);
  if (tx.nonce != expected)
    return err(ErrorCode::BadNonce, std::string(tx.nonce < expected ? "replayed" : "skipped") + " nonce: expected " +
                                        std::to_string(expected) + ", got " + std::to_string(tx.nonce));
  uint64_t reserved = s.pending_gas[tx.sender];
  uint64_t bal = balance(tx.sender);
  if (bal < reserved || bal - reserved < tx.gas_limit)
    return err(ErrorCode::InsufficientBalance,
               "sender " + hex(tx.sender) + " has " + std::to_string(bal) + " gas units (" + std::to_string(reserved) +
                   " reserved by pending transactions), the transaction may use " + std::to_string(tx.gas_limit));
  if (const auto* call = std::get_if<CallPayload>(&tx.payload)) {
    if (!s.db->state().get(state_key::contract(call->contract)))
      return err(ErrorCode::UnknownContract, "no contract at " + hex(call->contract));
    if (auto abi = s.abi_of(call->contract)) {
      if (auto st = abi->check_call(call->input); !st)
        return err(ErrorCode::BadArguments, "the input does not match the ABI of " +
                                                (abi->contract().empty() ? "the contract" : abi->contract()) + " at " +
                                                hex(call->contract) + ": " + st.error().message);
    }
  } else {
    const auto& deploy = std::get<DeployPayload>(tx.payload);
    if (auto prepared = s.engine.prepare(deploy.code); !prepared)
      return err(ErrorCode::InvalidArgument, "the code cannot be deployed: " + prepared.error().to_string());
    auto abi = Abi::from_wasm(deploy.code);
    if (!abi) return err(ErrorCode::InvalidArgument, "the code cannot be deployed: " + abi.error().message);
    if (*abi) {
      if (auto st = (*abi)->check_init(deploy.init_input); !st)
        return err(ErrorCode::BadArguments, "the init input does not match the ABI of " +
                                                ((*abi)->contract().empty() ? "the contract" : (*abi)->contract()) +
                                                ": " + st.error().message);
    }
  }
  s.pending.push_back(stx);
  s.pending_nonce[tx.sender] = expected + 1;
  s.pending_gas[tx.sender] = reserved + tx.gas_limit;
  return tx_hash(tx);
}

Result<Block> Chain::produce_block(std::optional<int64_t> timestamp) {
  Impl& s = *impl_;
  const int64_t ts = timestamp.value_or(s.next_timestamp);
  if (ts < s.head.timestamp)
    return err(ErrorCode::InvalidArgument,
               "block time " + std::to_string(ts) + " is before the head's " + std::to_string(s.head.timestamp));
  const uint64_t height = s.head.height + 1;
  Overlay block(s.db->state());
  Database::Batch batch;
  std::vector<Hash> tx_hashes, receipt_hashes;
  Block out;
  for (uint32_t i = 0; i < s.pending.size(); ++i) {
    const SignedTransaction& stx = s.pending[i];
    Receipt rc = s.execute(block, stx, height, ts, i);
    tx_hashes.push_back(rc.tx_hash);
    receipt_hashes.push_back(receipt_hash(rc));
    batch.put(Database::Table::Tx, rc.tx_hash, encode(stx));
    batch.put(Database::Table::Receipt, rc.tx_hash, encode(rc));
    out.txs.push_back(stx);
  }
  std::vector<StateChange> changes;
  BorshWriter undo;  // the values this block replaces: Vec<(key, Option<value>)>
  undo.length(block.changes().size());
  for (const auto& [k, v] : block.changes()) {
    auto old = s.db->state().get(k);
    undo.bytes(k);
    undo.option(old, [](BorshWriter& bw, const Bytes& o) { bw.bytes(o); });
    if (v)
      batch.put(Database::Table::State, k, *v);
    else
      batch.erase(Database::Table::State, k);
    changes.emplace_back(k, v);
  }
  batch.put(Database::Table::Undo, u64_be(height), undo.data());
  DbNodeStore nodes(*s.db, &batch);
  SparseMerkleTree tree(nodes, s.head.state_root);
  auto root = tree.update(changes);
  if (!root) return err(ErrorCode::Corrupt, "state tree: " + root.error().message);
  BlockHeader h;
  h.height = height;
  h.timestamp = ts;
  h.prev_hash = block_hash(s.head);
  h.state_root = *root;
  h.receipts_root = list_root(receipt_hashes);
  h.txs_root = list_root(tx_hashes);
  h.tx_count = static_cast<uint32_t>(tx_hashes.size());
  (void)s.write_head(batch, h, tx_hashes);
  if (ts > s.next_timestamp)
    batch.put(Database::Table::Meta, Bytes{'c', 'l', 'o', 'c', 'k'}, u64_le(static_cast<uint64_t>(ts)));
  if (auto w = s.db->write(batch); !w) return err(ErrorCode::Io, w.error().message);
  s.head = h;
  s.next_timestamp = std::max(s.next_timestamp, ts);
  s.pending.clear();
  s.pending_nonce.clear();
  s.pending_gas.clear();
  out.header = h;
  return out;
}

Result<std::vector<Hash>> Chain::block_tx_hashes(uint64_t height) const {
  auto bytes = impl_->db->get(Database::Table::Block, u64_be(height));
  const std::string where = "block " + std::to_string(height);
  if (!bytes) return err(ErrorCode::NotFound, where + " is not in the chain");
  constexpr size_t kHeaderSize = 8 + 8 + 32 * 4 + 4;
  if (bytes->size() < kHeaderSize) return err(ErrorCode::Corrupt, where + ": record too short");
  BorshReader r(std::span<const uint8_t>(bytes->data() + kHeaderSize, bytes->size() - kHeaderSize));
  std::vector<Hash> hashes;
  if (!r.vec(
          hashes, [](BorshReader& br, Hash& th) { return br.fixed(th); }, 32) ||
      !r.finish())
    return err(ErrorCode::Corrupt, where + ": " + r.error());
  return hashes;
}

std::optional<Block> Chain::block(uint64_t height) const {
  auto bytes = impl_->db->get(Database::Table::Block, u64_be(height));
  if (!bytes) return std::nullopt;
  constexpr size_t kHeaderSize = 8 + 8 + 32 * 4 + 4;
  if (bytes->size() < kHeaderSize) return std::nullopt;
  auto h = decode_block_header(std::span<const uint8_t>(bytes->data(), kHeaderSize));
  if (!h) return std::nullopt;
  auto hashes = block_tx_hashes(height);
  if (!hashes) return std::nullopt;
  Block b;
  b.header = *h;
  for (const Hash& th : *hashes) {
    auto tx = transaction(th);
    if (!tx) return std::nullopt;
    b.txs.push_back(std::move(*tx));
  }
  return b;
}

std::optional<SignedTransaction> Chain::transaction(const Hash& h) const {
  auto bytes = impl_->db->get(Database::Table::Tx, h);
  if (!bytes) return std::nullopt;
  auto tx = decode_signed_transaction(*bytes);
  if (!tx) return std::nullopt;
  return std::move(*tx);
}

std::optional<Receipt> Chain::receipt(const Hash& h) const {
  auto bytes = impl_->db->get(Database::Table::Receipt, h);
  if (!bytes) return std::nullopt;
  auto rc = decode_receipt(*bytes);
  if (!rc) return std::nullopt;
  return std::move(*rc);
}

vm::ExecResult Chain::query(const Address& contract, Bytes input, uint64_t gas_limit, const Party& as) {
  Overlay scratch(impl_->db->state());  // discarded: a query changes nothing
  vm::TxContext ctx;
  ctx.chain_id = impl_->genesis.chain_id;
  ctx.block_height = impl_->head.height;
  ctx.block_time = impl_->head.timestamp;
  ctx.sender = as;
  ctx.signers = {as};
  return impl_->engine.execute(scratch, ctx, vm::ContractCall{contract, std::move(input), gas_limit});
}

Result<vm::ExecResult> Chain::dry_run(const Transaction& tx, const std::vector<Party>& signers,
                                      std::vector<vm::AuthorityCheck>* checks) {
  const auto* call = std::get_if<CallPayload>(&tx.payload);
  if (!call) return Error{ErrorCode::InvalidArgument, "a dry run runs a call, not a deployment"};
  Overlay scratch(impl_->db->state());  // discarded
  vm::TxContext ctx;
  ctx.chain_id = impl_->genesis.chain_id;
  ctx.block_height = impl_->head.height + 1;
  ctx.block_time = impl_->head.timestamp;
  ctx.sender = tx.sender;
  ctx.signers = signers;
  ctx.scopes = scopes(tx, signers);
  ctx.authority_checks = checks;
  return impl_->engine.execute(scratch, ctx, vm::ContractCall{call->contract, call->input, tx.gas_limit});
}

std::optional<Bytes> Chain::state_get(std::span<const uint8_t> key) const { return impl_->db->state().get(key); }

Result<Proof> Chain::state_prove(std::span<const uint8_t> key) const {
  DbNodeStore nodes(*impl_->db, nullptr);
  SparseMerkleTree tree(nodes, impl_->head.state_root);
  return tree.prove(key);
}

}  // namespace tenor::sdk

// ---- auditing: replay, export/import, trace -------------------------------------------------------

namespace tenor::sdk {

namespace {

constexpr std::string_view kExportMagic = "tenor-export/v1";

// One recorded block: its transactions and the receipts the chain recorded for them.
struct RecordedBlock {
  BlockHeader header;
  std::vector<SignedTransaction> txs;
  std::vector<Receipt> receipts;
};
using BlockSource = std::function<Result<RecordedBlock>(uint64_t height)>;

std::string hex_of(const Hash& h) { return hex(h); }

// The first field in which two receipts of the same transaction differ, or empty.
std::string receipt_difference(const Receipt& recorded, const Receipt& replayed) {
  auto num = [](const char* field, uint64_t a, uint64_t b) {
    return std::string(field) + " recorded " + std::to_string(a) + ", replayed " + std::to_string(b);
  };
  if (recorded.status != replayed.status)
    return std::string("status recorded ") + vm::to_string(recorded.status) + ", replayed " +
           vm::to_string(replayed.status) + (replayed.message.empty() ? "" : " (" + replayed.message + ")");
  if (recorded.gas_used != replayed.gas_used) return num("gas_used", recorded.gas_used, replayed.gas_used);
  if (recorded.output != replayed.output)
    return "output recorded " + hex(recorded.output) + ", replayed " + hex(replayed.output);
  if (recorded.trap != replayed.trap) return "trap code differs";
  if (recorded.events.size() != replayed.events.size())
    return num("event count", recorded.events.size(), replayed.events.size());
  for (size_t i = 0; i < recorded.events.size(); ++i)
    if (!(recorded.events[i] == replayed.events[i])) return "event " + std::to_string(i) + " differs";
  if (recorded.deployed != replayed.deployed) return "deployed address differs";
  if (recorded.execution_hash != replayed.execution_hash)
    return "execution hash recorded " + hex_of(recorded.execution_hash) + ", replayed " +
           hex_of(replayed.execution_hash);
  if (recorded.message != replayed.message) return "message differs";
  if (encode(recorded) != encode(replayed)) return "receipt bytes differ";
  return {};
}

std::string header_difference(const BlockHeader& recorded, const BlockHeader& replayed) {
  auto h = [](const char* field, const Hash& a, const Hash& b) {
    return std::string(field) + " recorded " + hex(a) + ", replayed " + hex(b);
  };
  if (recorded.state_root != replayed.state_root) return h("state root", recorded.state_root, replayed.state_root);
  if (recorded.receipts_root != replayed.receipts_root)
    return h("receipts root", recorded.receipts_root, replayed.receipts_root);
  if (recorded.txs_root != replayed.txs_root) return h("transactions root", recorded.txs_root, replayed.txs_root);
  if (recorded.prev_hash != replayed.prev_hash) return h("previous block hash", recorded.prev_hash, replayed.prev_hash);
  if (recorded.tx_count != replayed.tx_count) return "transaction count differs";
  if (recorded.timestamp != replayed.timestamp) return "timestamp differs";
  return {};
}

// Re-executes blocks 1..count from `source` on `fresh` (a chain at genesis), comparing as it goes.
Result<ReplayReport> verify_blocks(Chain& fresh, uint64_t count, const BlockSource& source, const Progress& progress) {
  ReplayReport report;
  for (uint64_t height = 1; height <= count; ++height) {
    auto rb = source(height);
    if (!rb) {
      report.mismatch = Mismatch{height, std::nullopt, "the recorded block cannot be read: " + rb.error().message};
      return report;
    }
    // The recorded receipts must hash to the recorded header's receipts root.
    std::vector<Hash> recorded_hashes;
    for (const Receipt& r : rb->receipts) recorded_hashes.push_back(receipt_hash(r));
    if (rb->receipts.size() != rb->txs.size()) {
      report.mismatch = Mismatch{height, std::nullopt,
                                 "the block has " + std::to_string(rb->txs.size()) + " transactions but " +
                                     std::to_string(rb->receipts.size()) + " receipts"};
      return report;
    }
    for (uint32_t i = 0; i < rb->txs.size(); ++i) {
      auto submitted = fresh.submit(rb->txs[i]);
      if (!submitted) {
        report.mismatch = Mismatch{height, i, "the transaction is not admissible: " + submitted.error().to_string()};
        return report;
      }
    }
    auto produced = fresh.produce_block(rb->header.timestamp);
    if (!produced) {
      report.mismatch = Mismatch{height, std::nullopt, "re-execution failed: " + produced.error().to_string()};
      return report;
    }
    for (uint32_t i = 0; i < rb->txs.size(); ++i) {
      auto replayed = fresh.receipt(tx_hash(rb->txs[i]));
      if (!replayed) {
        report.mismatch = Mismatch{height, i, "no receipt after re-execution"};
        return report;
      }
      if (std::string d = receipt_difference(rb->receipts[i], *replayed); !d.empty()) {
        report.mismatch = Mismatch{height, i, "receipt: " + d};
        return report;
      }
    }
    if (std::string d = header_difference(rb->header, produced->header); !d.empty()) {
      report.mismatch = Mismatch{height, std::nullopt, d};
      return report;
    }
    ++report.blocks;
    report.transactions += rb->txs.size();
    if (progress) progress(height, count);
  }
  return report;
}

std::string temp_dir_for(const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = ".";
  for (uint32_t i = 0;; ++i) {
    fs::path p = base / ("tenor-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(i));
    if (!fs::exists(p, ec)) return p.string();
  }
}

struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

Result<RecordedBlock> recorded_block(const Chain& chain, uint64_t height) {
  auto listed = chain.block_tx_hashes(height);
  if (!listed) return listed.error();
  auto b = chain.block(height);
  if (!b) return err(ErrorCode::Corrupt, "block " + std::to_string(height) + " is missing or does not decode");
  RecordedBlock rb;
  rb.header = b->header;
  rb.txs = std::move(b->txs);
  for (size_t i = 0; i < rb.txs.size(); ++i)
    if (tx_hash(rb.txs[i]) != (*listed)[i])
      return err(ErrorCode::Corrupt, "transaction " + std::to_string(i) + " (" + hex((*listed)[i]) +
                                         ") was altered: its stored content hashes to " + hex(tx_hash(rb.txs[i])));
  for (const auto& tx : rb.txs) {
    auto r = chain.receipt(tx_hash(tx));
    if (!r)
      return err(ErrorCode::Corrupt,
                 "the receipt of transaction " + hex(tx_hash(tx)) + " is missing or does not decode");
    rb.receipts.push_back(std::move(*r));
  }
  return rb;
}

}  // namespace

Result<ReplayReport> Chain::replay(const std::string& dir, const Progress& progress) {
  auto source = Chain::open(dir);
  if (!source) return source.error();
  const Chain& src = **source;
  TempDir scratch{temp_dir_for("replay")};
  auto fresh = Chain::init(scratch.path, src.genesis());
  if (!fresh) return fresh.error();
  auto report = verify_blocks(
      **fresh, src.head().height, [&](uint64_t h) { return recorded_block(src, h); }, progress);
  if (!report || !report->ok()) return report;
  // The stored state itself: every entry must be what re-execution produced (a value changed in
  // the database behind the chain's back is found here, named by its key).
  std::optional<std::pair<Bytes, Bytes>> cursor_a, cursor_b;
  auto next = [](const Chain& c, const std::optional<Bytes>& after) {
    return after ? c.database().state().next({}, std::span<const uint8_t>(*after))
                 : c.database().state().next({}, std::nullopt);
  };
  std::optional<Bytes> after;
  for (;;) {
    auto a = next(src, after);
    auto b = next(**fresh, after);
    if (!a && !b) break;
    if (!a || !b || a->first != b->first) {
      const Bytes& key = !a ? b->first : !b ? a->first : std::min(a->first, b->first);
      report->mismatch = Mismatch{
          src.head().height, std::nullopt,
          "stored state: key " + hex(key) + (a && (!b || a->first < b->first) ? " should not exist" : " is missing")};
      return report;
    }
    if (a->second != b->second) {
      report->mismatch =
          Mismatch{src.head().height, std::nullopt,
                   "stored state: the value of key " + hex(a->first) + " differs from what re-execution produced"};
      return report;
    }
    after = a->first;
  }
  return report;
}

Status Chain::export_to(const std::string& file) const {
  BorshWriter w;
  w.string(kExportMagic);
  w.string(genesis().to_json());
  w.u64(head().height);
  for (uint64_t h = 1; h <= head().height; ++h) {
    auto rb = recorded_block(*this, h);
    if (!rb) return rb.error();
    w.fixed(std::span<const uint8_t>(encode(rb->header)));
    w.length(rb->txs.size());
    for (const auto& tx : rb->txs) encode_into(w, tx);
    w.length(rb->receipts.size());
    for (const auto& r : rb->receipts) w.bytes(encode(r));
  }
  std::string tmp = file + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return err(ErrorCode::Io, "cannot write " + tmp);
    out.write(reinterpret_cast<const char*>(w.data().data()), static_cast<std::streamsize>(w.data().size()));
    if (!out) return err(ErrorCode::Io, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return err(ErrorCode::Io, "cannot move " + tmp + " to " + file + ": " + ec.message());
  return {};
}

Result<ReplayReport> Chain::import_from(const std::string& file, const std::string& dir, const Progress& progress) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return err(ErrorCode::NotFound, "cannot read " + file);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BorshReader r(bytes);
  std::string magic, genesis_json;
  uint64_t count = 0;
  if (!r.string(magic, 64) || magic != kExportMagic)
    return err(ErrorCode::Malformed, file + " is not a Tenor export (" + (r.ok() ? "wrong magic" : r.error()) + ")");
  if (!r.string(genesis_json) || !r.u64(count)) return err(ErrorCode::Malformed, file + ": " + r.error());
  auto genesis = Genesis::from_json(genesis_json);
  if (!genesis) return err(ErrorCode::Malformed, file + ": genesis: " + genesis.error().message);
  auto fresh = Chain::init(dir, *genesis);
  if (!fresh) return fresh.error();
  constexpr size_t kHeaderSize = 8 + 8 + 32 * 4 + 4;
  uint64_t next_height = 1;
  auto source = [&](uint64_t height) -> Result<RecordedBlock> {
    if (height != next_height) return err(ErrorCode::Malformed, "blocks out of order");
    ++next_height;
    RecordedBlock rb;
    Bytes header(kHeaderSize);
    uint32_t ntx = 0, nrc = 0;
    if (!r.fixed(header)) return err(ErrorCode::Malformed, file + ": " + r.error());
    auto h = decode_block_header(header);
    if (!h) return h.error();
    rb.header = *h;
    if (!r.length(ntx, 1)) return err(ErrorCode::Malformed, file + ": " + r.error());
    for (uint32_t i = 0; i < ntx; ++i) {
      SignedTransaction tx;
      if (!decode_from(r, tx)) return err(ErrorCode::Malformed, file + ": " + r.error());
      rb.txs.push_back(std::move(tx));
    }
    if (!r.length(nrc, 4)) return err(ErrorCode::Malformed, file + ": " + r.error());
    for (uint32_t i = 0; i < nrc; ++i) {
      Bytes rcb;
      if (!r.bytes(rcb)) return err(ErrorCode::Malformed, file + ": " + r.error());
      auto rc = decode_receipt(rcb);
      if (!rc) return rc.error();
      rb.receipts.push_back(std::move(*rc));
    }
    return rb;
  };
  auto report = verify_blocks(**fresh, count, source, progress);
  if (report && report->ok() && !r.finish())
    report->mismatch = Mismatch{count, std::nullopt, file + ": trailing bytes"};
  return report;
}

Result<Receipt> Chain::trace(const Hash& hash, vm::Tracer& tracer) const {
  if (tracer.level() < vm::TraceLevel::Block)
    return err(ErrorCode::InvalidArgument, "tracing a transaction needs block or instruction level");
  auto recorded = receipt(hash);
  if (!recorded) return err(ErrorCode::NotFound, "no transaction " + hex(hash));
  auto blk = block(recorded->block_height);
  if (!blk) return err(ErrorCode::Corrupt, "block " + std::to_string(recorded->block_height) + " is missing");
  // The state before the block: undo the blocks from the head down to it.
  Overlay pre(impl_->db->state());
  for (uint64_t h = impl_->head.height; h >= recorded->block_height && h > 0; --h) {
    auto undo = impl_->db->get(Database::Table::Undo, u64_be(h));
    if (!undo) return err(ErrorCode::Corrupt, "the undo record of block " + std::to_string(h) + " is missing");
    BorshReader ur(*undo);
    uint32_t n = 0;
    if (!ur.length(n, 5))
      return err(ErrorCode::Corrupt, "undo record of block " + std::to_string(h) + ": " + ur.error());
    for (uint32_t i = 0; i < n; ++i) {
      Bytes key;
      std::optional<Bytes> old;
      if (!ur.bytes(key) || !ur.option(old, [](BorshReader& br, Bytes& v) { return br.bytes(v); }))
        return err(ErrorCode::Corrupt, "undo record of block " + std::to_string(h) + ": " + ur.error());
      if (old)
        pre.put(key, *old);
      else
        pre.erase(key);
    }
  }
  Overlay block_overlay(static_cast<const StateView&>(pre));
  for (uint32_t i = 0; i < recorded->index; ++i)
    (void)impl_->execute(block_overlay, blk->txs[i], blk->header.height, blk->header.timestamp, i);
  return impl_->execute(block_overlay, blk->txs[recorded->index], blk->header.height, blk->header.timestamp,
                        recorded->index, &tracer);
}

}  // namespace tenor::sdk
