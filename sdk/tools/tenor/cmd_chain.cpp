// `tenor init|status|deploy|call|query|block|time|tx|receipt|events|state|account`: a development
// chain in a data folder (cli_common.hpp describes its layout). `deploy` and `call` sign with named
// keys, submit, and (unless --no-block) produce a block at once and print the receipt.
//
// Inputs are typed arguments encoded through the contract's ABI (its "tenor.abi" section, see
// tenor/sdk/abi.hpp): `call C register id=0x.. amount="125000.00 CNY"` or `--args JSON`; or raw
// bytes (--input HEX / --input-file FILE) for any contract. Return values and events of contracts
// with an ABI are printed decoded.
#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace tenor::cli {
namespace {

constexpr uint64_t kDefaultGas = 10'000'000;

// ---- init and status ------------------------------------------------------------------------

// Parties in a genesis file may name a stored key instead of giving its public key.
std::string substitute_key_names(const CommonOptions& opts, const std::string& path, const vm::Bytes& text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) fail(kExitFailure, path + ": not valid JSON");
  if (j.is_object() && j.contains("parties") && j["parties"].is_array()) {
    for (Json& p : j["parties"]) {
      if (!p.is_object() || !p.contains("key") || !p["key"].is_string()) continue;
      const std::string key = p["key"].get<std::string>();
      if (key.size() == 64 && sdk::from_hex(key)) continue;
      if (!sdk::KeyStore::valid_name(key)) continue;  // from_json reports the bad key
      auto stored = key_store(opts).load(key);
      if (!stored) {
        if (stored.error().code == sdk::ErrorCode::NotFound)
          usage_error(path + ": party key \"" + key + "\" is neither 64 hex digits nor a key in " +
                      opts.keys_dir().string());
        fail(kExitFailure, "key \"" + key + "\": " + stored.error().to_string());
      }
      p["key"] = sdk::hex(stored->public_key());
      if (!p.contains("name")) p["name"] = key;
    }
  }
  return j.dump();
}

Json parties_json(const sdk::Chain& chain) {
  Json out = Json::array();
  for (const auto& p : chain.genesis().parties)
    out.push_back(Json{{"name", p.name}, {"key", sdk::hex(p.key)}, {"balance", chain.balance(p.key)},
                       {"nonce", chain.nonce(p.key)}});
  return out;
}

int init(const CommonOptions& opts, const std::string& genesis_path) {
  vm::Bytes text = read_file(genesis_path);
  auto genesis = sdk::Genesis::from_json(substitute_key_names(opts, genesis_path, text));
  if (!genesis) fail(kExitFailure, genesis_path + ": " + genesis.error().message);
  std::error_code ec;
  if (fs::exists(opts.chain_dir(), ec) && !fs::is_empty(opts.chain_dir(), ec))
    fail(kExitFailure, opts.data_dir().string() + " already holds a chain (" + opts.chain_dir().string() +
                           "); use another --data folder");
  fs::create_directories(opts.data_dir(), ec);
  if (ec) fail(kExitFailure, "cannot create the data folder " + opts.data_dir().string() + ": " + ec.message());
  auto chain = sdk::Chain::init(opts.chain_dir().string(), *genesis);
  if (!chain) fail(kExitFailure, "cannot create a chain in " + opts.chain_dir().string() + ": " + chain.error().to_string());
  clear_pending(opts);
  const sdk::Chain& c = **chain;
  if (opts.json) {
    print_json(Json{{"chain_id", c.genesis().chain_id},
                    {"data", opts.data_dir().string()},
                    {"block_gas_limit", c.genesis().block_gas_limit},
                    {"head", header_json(c.head())},
                    {"parties", parties_json(c)}});
    return kExitOk;
  }
  std::cout << "created chain \"" << c.genesis().chain_id << "\" in " << opts.chain_dir().string() << "\n"
            << "  genesis time:    " << format_time(c.head().timestamp) << "\n"
            << "  block gas limit: " << c.genesis().block_gas_limit << "\n"
            << "  block 0:         " << sdk::hex(sdk::block_hash(c.head())) << "\n";
  for (const auto& p : c.genesis().parties)
    std::cout << "  party " << (p.name.empty() ? "(unnamed)" : p.name) << ": " << sdk::hex(p.key) << ", balance "
              << p.balance << "\n";
  return kExitOk;
}

int status(const CommonOptions& opts) {
  Session s = open_session(opts);
  const sdk::Chain& c = *s.chain;
  if (opts.json) {
    print_json(Json{{"chain_id", c.genesis().chain_id},
                    {"data", opts.data_dir().string()},
                    {"head", header_json(c.head())},
                    {"next_timestamp", c.next_timestamp()},
                    {"next_time", format_time(c.next_timestamp())},
                    {"pending", s.pending.size()},
                    {"parties", parties_json(c)}});
    return kExitOk;
  }
  std::cout << "chain \"" << c.genesis().chain_id << "\" in " << opts.chain_dir().string() << "\n"
            << "  head:            block " << c.head().height << " " << sdk::hex(sdk::block_hash(c.head())) << "\n"
            << "  head time:       " << format_time(c.head().timestamp) << "\n"
            << "  next block time: " << format_time(c.next_timestamp()) << "\n"
            << "  pending:         " << s.pending.size() << " transaction(s)\n";
  for (const auto& p : c.genesis().parties)
    std::cout << "  party " << (p.name.empty() ? "(unnamed)" : p.name) << ": balance " << c.balance(p.key)
              << ", nonce " << c.nonce(p.key) << "\n";
  return kExitOk;
}

// ---- deploy and call ------------------------------------------------------------------------

struct SendOptions {
  std::string from;
  std::vector<std::string> also_signed_by;
  uint64_t gas = kDefaultGas;
  std::optional<uint64_t> nonce;
  bool no_block = false;
};

// Signs, submits and (unless --no-block) includes the transaction in a new block; prints the
// receipt. A rejected transaction or a receipt that is not ok is exit 1.
int send(const CommonOptions& opts, const SendOptions& send_opts, Session& s, sdk::Payload payload,
         const std::optional<std::string>& alias) {
  if (!sdk::KeyStore::valid_name(send_opts.from))
    usage_error("--from \"" + send_opts.from + "\": give the name of a stored key (the CLI signs with its seed)");
  std::vector<sdk::KeyPair> signers{load_key(opts, send_opts.from)};
  for (const std::string& name : send_opts.also_signed_by) {
    if (!sdk::KeyStore::valid_name(name))
      usage_error("--also-signed-by \"" + name + "\": give the name of a stored key");
    signers.push_back(load_key(opts, name));
  }
  sdk::Transaction tx;
  tx.chain_id = s.chain->genesis().chain_id;
  tx.sender = signers.front().public_key();
  tx.nonce = send_opts.nonce.value_or(s.next_nonce(tx.sender));
  tx.gas_limit = send_opts.gas;
  tx.payload = std::move(payload);
  const sdk::SignedTransaction stx = sdk::sign(tx, signers);

  auto hash = s.chain->submit(stx);
  if (!hash) fail(kExitFailure, "transaction rejected: " + hash.error().to_string());
  const std::string hash_hex = sdk::hex(*hash);

  if (send_opts.no_block) {
    save_pending(opts, stx);
    if (opts.json) {
      print_json(Json{{"tx_hash", hash_hex}, {"pending", true}, {"nonce", tx.nonce}, {"receipt", nullptr}});
    } else {
      std::cout << "submitted transaction " << hash_hex << " (nonce " << tx.nonce << ")\n"
                << "  pending: `tenor block produce` includes it\n";
    }
    return kExitOk;
  }

  auto block = s.chain->produce_block();
  if (!block) fail(kExitFailure, "cannot produce a block: " + block.error().to_string());
  clear_pending(opts);
  auto receipt = s.chain->receipt(*hash);
  if (!receipt) fail(kExitFailure, "block " + std::to_string(block->header.height) + " holds no receipt for " + hash_hex);
  if (alias && receipt->status == vm::ExecStatus::Ok && receipt->deployed) save_contract_alias(opts, *alias, *receipt->deployed);
  const bool ok = receipt->status == vm::ExecStatus::Ok;
  const DecodedReceipt decoded = decode_receipt(*s.chain, *receipt);
  if (opts.json) {
    print_json(Json{{"tx_hash", hash_hex}, {"pending", false}, {"nonce", tx.nonce}, {"receipt", receipt_json(*receipt, &decoded)}});
  } else {
    std::cout << receipt_text(*receipt, &decoded);
    if (alias && ok && receipt->deployed) std::cout << "  alias:          " << *alias << "\n";
  }
  if (!ok) {
    std::cout.flush();
    std::cerr << "tenor: error: transaction " << hash_hex << " failed with status " << vm::to_string(receipt->status);
    if (!receipt->message.empty()) std::cerr << ": " << receipt->message;
    std::cerr << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// ---- typed arguments -------------------------------------------------------------------------

// ENTRY and name=value arguments (call, query; deploy has no ENTRY), or --args JSON.
struct TypedArgs {
  std::vector<std::string> args;
  std::optional<std::string> json;
  bool empty() const { return args.empty() && !json; }
};

// "register(id: Hash, debtor: Party, amount: Money, due: Date)"
std::string signature_of(const sdk::AbiEntry& e) {
  std::string s = e.name + "(";
  for (size_t i = 0; i < e.params.size(); ++i) s += (i ? ", " : "") + e.params[i].name + ": " + e.params[i].type;
  return s + ")";
}

std::string entry_list(const sdk::Abi& abi) {
  std::string out;
  for (const auto& e : abi.entries())
    if (e.kind != sdk::EntryKind::Init) out += (out.empty() ? "" : ", ") + signature_of(e);
  return out.empty() ? "no actions or views" : out;
}

Json args_json(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    usage_error("--args: not valid JSON (give the arguments as an array in order, [\"0x..\", \"125000.00 CNY\"], or "
                "as an object by name, {\"amount\": \"125000.00 CNY\"})");
  return j;
}

// A call's input: the raw bytes (--input / --input-file), or ENTRY and its arguments encoded
// through the contract's ABI. Sets `entry` to the entry called with typed arguments.
vm::Bytes call_input(const CommonOptions& opts, const sdk::Chain& chain, const std::string& contract,
                     const sdk::Address& address, const TypedArgs& typed, const std::optional<std::string>& input_hex,
                     const std::optional<std::string>& input_file, std::string& entry) {
  if (input_hex || input_file) {
    if (!typed.empty())
      usage_error("give either ENTRY with its arguments (typed, through the ABI) or --input/--input-file (raw), not both");
    return input_bytes("--input", input_hex, input_file);
  }
  auto abi = chain.contract_abi(address);
  if (!abi) {
    if (typed.empty()) return {};
    usage_error("contract " + contract + " has no ABI (its code carries no tenor.abi section), so \"" +
                (typed.args.empty() ? std::string("--args") : typed.args.front()) +
                "\" cannot be encoded: give the raw input with --input HEX or --input-file FILE");
  }
  const std::string owner = abi->contract().empty() ? "the contract" : abi->contract();
  if (typed.args.empty())
    usage_error("name the action or view to call, then its arguments as name=value (or --args JSON): " + owner +
                " has " + entry_list(*abi));
  entry = typed.args.front();
  const std::vector<std::string> rest(typed.args.begin() + 1, typed.args.end());
  if (!rest.empty() && typed.json) usage_error("give the arguments as name=value or with --args JSON, not both");
  if (!abi->entry(entry))
    usage_error("unknown entry \"" + entry + "\": " + owner + " has " + entry_list(*abi));
  auto input = typed.json ? abi->encode_call(entry, args_json(*typed.json), party_resolver(opts))
                          : abi->encode_call_assignments(entry, rest, party_resolver(opts));
  if (!input) usage_error(input.error().message);
  return std::move(*input);
}

// A deployment's init input: raw, or the init's arguments encoded through the module's ABI.
vm::Bytes init_input(const CommonOptions& opts, const std::string& file, const vm::Bytes& code, const TypedArgs& typed,
                     const std::optional<std::string>& init_hex, const std::optional<std::string>& init_file) {
  if (init_hex || init_file) {
    if (!typed.empty())
      usage_error("give either the init's arguments (typed, through the ABI) or --init-input/--init-input-file (raw), "
                  "not both");
    return input_bytes("--init-input", init_hex, init_file);
  }
  auto abi = sdk::Abi::from_wasm(code);
  if (!abi) {
    if (typed.empty()) return {};  // admission says what is wrong with the module
    usage_error(file + ": " + abi.error().message);
  }
  if (!*abi) {
    if (typed.empty()) return {};
    usage_error(file + " has no ABI (no tenor.abi section), so \"" +
                (typed.args.empty() ? std::string("--args") : typed.args.front()) +
                "\" cannot be encoded: give the raw init input with --init-input HEX");
  }
  const sdk::Abi& a = **abi;
  const sdk::AbiEntry* init = a.init();
  if (typed.empty()) {
    if (!init || init->params.empty()) return {};
    std::string example;
    for (const auto& p : init->params) example += (example.empty() ? "" : " ") + p.name + "=VALUE";
    usage_error((a.contract().empty() ? std::string("the contract") : a.contract()) + "'s init takes arguments: " +
                signature_of(*init) + "; give them as " + example + " (or --args JSON)");
  }
  if (!typed.args.empty() && typed.json) usage_error("give the init's arguments as name=value or with --args JSON, not both");
  auto input = typed.json ? a.encode_init(args_json(*typed.json), party_resolver(opts))
                          : a.encode_init_assignments(typed.args, party_resolver(opts));
  if (!input) usage_error(input.error().message);
  return std::move(*input);
}

int deploy(const CommonOptions& opts, const SendOptions& send_opts, const std::string& file, const TypedArgs& typed,
           const std::optional<std::string>& init_hex, const std::optional<std::string>& init_file,
           const std::optional<std::string>& alias) {
  if (alias && !sdk::KeyStore::valid_name(*alias))
    usage_error("--name \"" + *alias + "\": a contract alias is 1 to 64 of A-Z a-z 0-9 _ -");
  sdk::DeployPayload payload;
  payload.code = read_file(file);
  payload.init_input = init_input(opts, file, payload.code, typed, init_hex, init_file);
  Session s = open_session(opts);
  return send(opts, send_opts, s, std::move(payload), alias);
}

int call(const CommonOptions& opts, const SendOptions& send_opts, const std::string& contract, const TypedArgs& typed,
         const std::optional<std::string>& input_hex, const std::optional<std::string>& input_file) {
  sdk::CallPayload payload;
  payload.contract = resolve_contract(opts, contract);
  Session s = open_session(opts);
  std::string entry;
  payload.input = call_input(opts, *s.chain, contract, payload.contract, typed, input_hex, input_file, entry);
  return send(opts, send_opts, s, std::move(payload), std::nullopt);
}

int query(const CommonOptions& opts, const std::string& contract, const TypedArgs& typed,
          const std::optional<std::string>& input_hex, const std::optional<std::string>& input_file,
          const std::optional<std::string>& as, uint64_t gas) {
  const sdk::Address address = resolve_contract(opts, contract);
  const sdk::Party party = as ? resolve_party(opts, *as) : sdk::Party{};
  Session s = open_session(opts);
  if (!s.chain->state_get(sdk::state_key::contract(address)))
    fail(kExitFailure, "no contract at " + sdk::hex(address));
  std::string entry;
  vm::Bytes input = call_input(opts, *s.chain, contract, address, typed, input_hex, input_file, entry);
  DecodedReceipt decoded;
  auto abi = s.chain->contract_abi(address);
  vm::ExecResult r = s.chain->query(address, input, gas, party);
  if (abi && r.ok()) decode_result(*abi, input, r.output, decoded);
  if (opts.json) {
    Json j{{"contract", sdk::hex(address)},
           {"block", s.chain->head().height},
           {"status", vm::to_string(r.status)},
           {"ok", r.ok()},
           {"gas_used", r.gas_used},
           {"output", sdk::hex(r.output)}};
    if (decoded.result) j["result"] = *decoded.result;
    if (!decoded.result_error.empty()) j["result_error"] = decoded.result_error;
    if (r.trap) j["trap"] = vm::trap_name(*r.trap);
    if (!r.message.empty()) j["message"] = r.message;
    print_json(j);
  } else {
    std::cout << "query of " << sdk::hex(address) << " at block " << s.chain->head().height << " (nothing recorded)\n"
              << "  status:         " << vm::to_string(r.status) << "\n"
              << "  gas used:       " << r.gas_used << "\n";
    if (r.status == vm::ExecStatus::Revert) std::cout << "  revert message: " << display_bytes(r.output) << "\n";
    else std::cout << "  output:         " << (r.output.empty() ? "(empty)" : sdk::hex(r.output)) << "\n";
    if (decoded.result) std::cout << "  result:         " << inline_json(*decoded.result) << "\n";
    if (!decoded.result_error.empty()) std::cout << "  result:         (does not decode: " << decoded.result_error << ")\n";
    if (!r.message.empty() && r.status != vm::ExecStatus::Revert) std::cout << "  message:        " << r.message << "\n";
  }
  if (!r.ok()) {
    std::cout.flush();
    std::cerr << "tenor: error: query failed with status " << vm::to_string(r.status)
              << (r.message.empty() ? "" : ": " + r.message) << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// ---- blocks, time, transactions, receipts, events -------------------------------------------

int block_produce(const CommonOptions& opts, const std::optional<std::string>& time_text) {
  std::optional<int64_t> ts;
  if (time_text) {
    ts = parse_time(*time_text);
    if (!ts) usage_error("--time \"" + *time_text + "\": expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or seconds since 1970");
  }
  Session s = open_session(opts);
  auto block = s.chain->produce_block(ts);
  if (!block) fail(kExitFailure, "cannot produce a block: " + block.error().to_string());
  clear_pending(opts);
  if (opts.json) print_json(block_json(*block, *s.chain));
  else std::cout << block_text(*block, *s.chain);
  return kExitOk;
}

int block_show(const CommonOptions& opts, const std::string& which) {
  Session s = open_session(opts);
  const uint64_t head = s.chain->head().height;
  const uint64_t height = which == "head" ? head : parse_u64("HEIGHT", which);
  auto block = s.chain->block(height);
  if (!block) fail(kExitFailure, "no block " + std::to_string(height) + " (the head is block " + std::to_string(head) + ")");
  if (opts.json) print_json(block_json(*block, *s.chain));
  else std::cout << block_text(*block, *s.chain);
  return kExitOk;
}

int time_advance(const CommonOptions& opts, const std::string& text) {
  auto seconds = parse_duration(text);
  if (!seconds) usage_error("\"" + text + "\" is not a duration: expected a positive number with d, h, m or s (30d, 12h, 90m, 3600s)");
  Session s = open_session(opts);
  const int64_t before = s.chain->next_timestamp();
  if (auto st = s.chain->advance_time(*seconds); !st) fail(kExitFailure, "cannot advance the time: " + st.error().to_string());
  const int64_t after = s.chain->next_timestamp();
  if (opts.json) {
    print_json(Json{{"advanced_by", *seconds},
                    {"previous_timestamp", before},
                    {"next_timestamp", after},
                    {"next_time", format_time(after)}});
  } else {
    std::cout << "next block time: " << format_time(after) << " (was " << format_time(before) << ", +"
              << format_duration(*seconds) << ")\n";
  }
  return kExitOk;
}

int time_show(const CommonOptions& opts) {
  Session s = open_session(opts);
  const auto& c = *s.chain;
  if (opts.json) {
    print_json(Json{{"head_timestamp", c.head().timestamp},
                    {"head_time", format_time(c.head().timestamp)},
                    {"next_timestamp", c.next_timestamp()},
                    {"next_time", format_time(c.next_timestamp())}});
  } else {
    std::cout << "head block time: " << format_time(c.head().timestamp) << " (block " << c.head().height << ")\n"
              << "next block time: " << format_time(c.next_timestamp()) << "\n";
  }
  return kExitOk;
}

int tx_show(const CommonOptions& opts, const std::string& hash_text) {
  const sdk::Hash hash = parse_hash("HASH", hash_text);
  Session s = open_session(opts);
  std::optional<sdk::SignedTransaction> stx = s.chain->transaction(hash);
  bool pending = false;
  if (!stx) {
    for (const auto& p : s.pending)
      if (sdk::tx_hash(p) == hash) stx = p;
    pending = stx.has_value();
  }
  if (!stx) fail(kExitFailure, "no transaction " + sdk::hex(hash) + " in this chain (nor pending)");
  auto receipt = pending ? std::nullopt : s.chain->receipt(hash);
  // The input decoded through the ABI, when there is one and it decodes.
  std::optional<std::string> entry;
  std::optional<Json> args;
  if (const auto* c = std::get_if<sdk::CallPayload>(&stx->tx.payload)) {
    if (auto abi = s.chain->contract_abi(c->contract))
      if (auto call = abi->decode_call(c->input)) {
        entry = call->entry->name;
        args = std::move(call->args);
      }
  } else if (const auto* d = std::get_if<sdk::DeployPayload>(&stx->tx.payload)) {
    if (auto abi = sdk::Abi::from_wasm(d->code); abi && *abi && (*abi)->init())
      if (auto init = (*abi)->decode_init(d->init_input)) {
        entry = "init";
        args = std::move(*init);
      }
  }
  if (opts.json) {
    Json j = transaction_json(*stx);
    if (entry) j["decoded"] = Json{{"entry", *entry}, {"args", *args}};
    j["pending"] = pending;
    j["block"] = receipt ? Json(receipt->block_height) : Json(nullptr);
    j["status"] = receipt ? Json(vm::to_string(receipt->status)) : Json(nullptr);
    print_json(j);
  } else {
    std::cout << transaction_text(*stx, opts);
    if (entry) std::cout << "  decoded:        " << *entry << " " << inline_json(*args) << "\n";
    if (pending) std::cout << "  included:       no, pending (`tenor block produce` includes it)\n";
    else if (receipt)
      std::cout << "  included:       block " << receipt->block_height << " (index " << receipt->index << "), status "
                << vm::to_string(receipt->status) << "\n";
  }
  return kExitOk;
}

int receipt_show(const CommonOptions& opts, const std::string& hash_text) {
  const sdk::Hash hash = parse_hash("HASH", hash_text);
  Session s = open_session(opts);
  auto receipt = s.chain->receipt(hash);
  if (!receipt) {
    for (const auto& p : s.pending)
      if (sdk::tx_hash(p) == hash)
        fail(kExitFailure, "transaction " + sdk::hex(hash) + " is pending: no receipt until `tenor block produce`");
    fail(kExitFailure, "no receipt for " + sdk::hex(hash) + ": no such transaction in this chain");
  }
  const DecodedReceipt decoded = decode_receipt(*s.chain, *receipt);
  if (opts.json) print_json(receipt_json(*receipt, &decoded));
  else std::cout << receipt_text(*receipt, &decoded);
  return kExitOk;
}

struct EventFilter {
  std::optional<std::string> contract;
  std::optional<std::string> name;
  std::optional<std::string> topic_hex;
  std::optional<uint64_t> from_block;
  std::optional<uint64_t> to_block;
};

int events(const CommonOptions& opts, const EventFilter& f) {
  if (f.name && f.topic_hex) usage_error("--name and --topic-hex: give one of them");
  std::optional<sdk::Address> contract;
  if (f.contract) contract = resolve_contract(opts, *f.contract);
  std::optional<vm::Bytes> topic;
  if (f.name) topic = vm::Bytes(f.name->begin(), f.name->end());
  if (f.topic_hex) topic = parse_hex("--topic-hex", *f.topic_hex);
  Session s = open_session(opts);
  const uint64_t head = s.chain->head().height;
  // Block 0 is the genesis: it holds no transactions.
  const uint64_t from = std::max<uint64_t>(f.from_block.value_or(1), 1);
  const uint64_t to = std::min(f.to_block.value_or(head), head);
  Json out = Json::array();
  size_t count = 0;
  for (uint64_t h = from; h <= to; ++h) {
    auto block = s.chain->block(h);
    if (!block) fail(kExitFailure, "block " + std::to_string(h) + " cannot be read");
    for (const auto& stx : block->txs) {
      const sdk::Hash th = sdk::tx_hash(stx);
      auto receipt = s.chain->receipt(th);
      if (!receipt) fail(kExitFailure, "the receipt of " + sdk::hex(th) + " (block " + std::to_string(h) + ") cannot be read");
      for (size_t i = 0; i < receipt->events.size(); ++i) {
        const sdk::Event& e = receipt->events[i];
        if (contract && e.contract != *contract) continue;
        if (topic && e.topic != *topic) continue;
        ++count;
        const DecodedEvent decoded = decode_event(*s.chain, e);
        if (opts.json) {
          Json j{{"block", h}, {"tx_hash", sdk::hex(th)}, {"index", i}};
          j.update(event_json(e, decoded));
          out.push_back(std::move(j));
        } else {
          std::cout << "block " << h << " tx " << sdk::hex(th) << " [" << i << "] " << event_text(e, decoded) << "\n";
        }
      }
    }
  }
  if (opts.json) print_json(out);
  else if (count == 0) std::cout << "no events\n";
  return kExitOk;
}

// ---- state and accounts ---------------------------------------------------------------------

struct StateKeyOptions {
  std::optional<std::string> raw;  // KEY: a whole state key in hex
  std::optional<std::string> contract;
  std::optional<std::string> key;
  std::optional<std::string> key_hex;
};

vm::Bytes select_state_key(const CommonOptions& opts, const StateKeyOptions& k) {
  if (k.raw && (k.contract || k.key || k.key_hex))
    usage_error("give either a raw state KEY or --contract with --key/--key-hex, not both");
  if (k.raw) return parse_hex("KEY", *k.raw);
  if (!k.contract) usage_error("which state entry? give a raw state KEY in hex, or --contract C with --key TEXT or --key-hex HEX");
  if ((k.key.has_value() + k.key_hex.has_value()) != 1)
    usage_error("--contract needs exactly one of --key TEXT and --key-hex HEX (the storage key)");
  const sdk::Address address = resolve_contract(opts, *k.contract);
  const vm::Bytes storage_key = k.key ? vm::Bytes(k.key->begin(), k.key->end()) : parse_hex("--key-hex", *k.key_hex);
  return sdk::state_key::storage(address, storage_key);
}

int state_get(const CommonOptions& opts, const StateKeyOptions& k) {
  const vm::Bytes key = select_state_key(opts, k);
  Session s = open_session(opts);
  auto value = s.chain->state_get(key);
  const auto& head = s.chain->head();
  if (opts.json) {
    print_json(Json{{"key", sdk::hex(key)},
                    {"value", value ? Json(sdk::hex(*value)) : Json(nullptr)},
                    {"block", head.height},
                    {"state_root", sdk::hex(head.state_root)}});
  } else {
    std::cout << "key:        " << sdk::hex(key) << "\n"
              << "value:      " << (value ? (value->empty() ? "(empty)" : sdk::hex(*value)) : "absent") << "\n"
              << "block:      " << head.height << "\n"
              << "state root: " << sdk::hex(head.state_root) << "\n";
  }
  if (!value) {
    std::cout.flush();
    std::cerr << "tenor: error: no state entry " << sdk::hex(key) << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int state_prove(const CommonOptions& opts, const StateKeyOptions& k) {
  const vm::Bytes key = select_state_key(opts, k);
  Session s = open_session(opts);
  auto value = s.chain->state_get(key);
  auto proof = s.chain->state_prove(key);
  if (!proof) fail(kExitFailure, "cannot prove " + sdk::hex(key) + ": " + proof.error().to_string());
  const auto& head = s.chain->head();
  const bool verified =
      value ? sdk::verify_proof(head.state_root, key, std::span<const uint8_t>(*value), *proof)
            : sdk::verify_proof(head.state_root, key, std::nullopt, *proof);
  const std::string proof_hex = sdk::encode_hex(*proof);
  if (opts.json) {
    print_json(Json{{"key", sdk::hex(key)},
                    {"value", value ? Json(sdk::hex(*value)) : Json(nullptr)},
                    {"kind", value ? "inclusion" : "exclusion"},
                    {"block", head.height},
                    {"state_root", sdk::hex(head.state_root)},
                    {"proof_hex", proof_hex},
                    {"proof", Json::parse(sdk::to_json(*proof))},
                    {"verified", verified}});
  } else {
    std::cout << "key:        " << sdk::hex(key) << "\n"
              << "value:      " << (value ? (value->empty() ? "(empty)" : sdk::hex(*value)) : "absent") << "\n"
              << "proof of:   " << (value ? "inclusion" : "exclusion") << " (" << proof->siblings.size() << " siblings)\n"
              << "block:      " << head.height << "\n"
              << "state root: " << sdk::hex(head.state_root) << "\n"
              << "proof:      " << proof_hex << "\n"
              << "verified:   " << (verified ? "yes" : "NO") << "\n";
  }
  if (!verified) {
    std::cerr << "tenor: error: the proof does not verify against the state root\n";
    return kExitFailure;
  }
  return kExitOk;
}

int state_verify(const CommonOptions& opts, const StateKeyOptions& k, const std::string& root_hex,
                 const std::string& proof_text, const std::optional<std::string>& value_hex, bool absent) {
  if (value_hex.has_value() == absent) usage_error("give exactly one of --value HEX and --absent");
  const vm::Bytes key = select_state_key(opts, k);
  const sdk::Hash root = parse_hash("--root", root_hex);
  auto proof = sdk::decode_proof_hex(proof_text);
  if (!proof) usage_error("--proof: " + proof.error().to_string());
  std::optional<vm::Bytes> value;
  if (value_hex) value = parse_hex("--value", *value_hex);
  const bool ok = value ? sdk::verify_proof(root, key, std::span<const uint8_t>(*value), *proof)
                        : sdk::verify_proof(root, key, std::nullopt, *proof);
  if (opts.json) print_json(Json{{"key", sdk::hex(key)}, {"state_root", sdk::hex(root)}, {"verified", ok}});
  else std::cout << (ok ? "verified: the proof holds" : "NOT verified: the proof does not hold") << "\n";
  return ok ? kExitOk : kExitFailure;
}

int account_show(const CommonOptions& opts, const std::string& who) {
  const sdk::Party party = resolve_party(opts, who);
  Session s = open_session(opts);
  const std::string name = key_name_of(opts, party);
  size_t pending = 0;
  for (const auto& p : s.pending) pending += p.tx.sender == party ? 1 : 0;
  if (opts.json) {
    print_json(Json{{"party", sdk::hex(party)},
                    {"name", name.empty() ? Json(nullptr) : Json(name)},
                    {"balance", s.chain->balance(party)},
                    {"nonce", s.chain->nonce(party)},
                    {"pending", pending}});
  } else {
    std::cout << "account " << sdk::hex(party) << (name.empty() ? "" : " (" + name + ")") << "\n"
              << "  balance: " << s.chain->balance(party) << " gas units\n"
              << "  nonce:   " << s.chain->nonce(party) << " (next: " << s.next_nonce(party) << ")\n"
              << "  pending: " << pending << " transaction(s)\n";
  }
  return kExitOk;
}

}  // namespace

void register_chain_commands(CLI::App& app, CommandContext& ctx) {
  // Bound variables must outlive parse(): they live in one shared object the callbacks hold.
  struct Options {
    CommonOptions common;
    SendOptions send;
    std::string path;
    std::string contract;
    TypedArgs typed;
    std::optional<std::string> input;
    std::optional<std::string> input_file;
    std::optional<std::string> name;
    std::optional<std::string> as;
    std::optional<std::string> time;
    std::string which = "head";
    std::string hash;
    std::string duration;
    EventFilter events;
    StateKeyOptions key;
    std::string root;
    std::string proof;
    std::optional<std::string> value;
    bool absent = false;
  };
  auto o = std::make_shared<Options>();
  auto run = [&ctx](std::function<int()> body) { return [&ctx, body] { run_command(ctx, body); }; };

  // init, status
  CLI::App* init_cmd = app.add_subcommand("init", "Create a new chain in DATA/chain from a genesis JSON file");
  init_cmd->footer(
      "The genesis file: {\"chain_id\": \"tenor-dev\", \"start_time\": \"2027-01-01\" (or "
      "\"2027-01-01T08:00:00Z\", or seconds), \"block_gas_limit\": N, \"parties\": [{\"name\": \"seller\", "
      "\"key\": \"<64 hex digits, or the name of a key in the key store>\", \"balance\": N}]}. A balance is "
      "the gas its party can pay for.");
  init_cmd->add_option("GENESIS", o->path, "the genesis JSON file")->required();
  add_common_options(init_cmd, o->common);
  init_cmd->callback(run([o] { return init(o->common, o->path); }));

  CLI::App* status_cmd = app.add_subcommand("status", "Print the chain's head, clock, pending transactions and parties");
  add_common_options(status_cmd, o->common);
  status_cmd->callback(run([o] { return status(o->common); }));

  auto add_send_options = [o](CLI::App* cmd) {
    cmd->add_option("--from", o->send.from, "the sender: a stored key's name (pays gas, owns the nonce, signs)")
        ->required();
    cmd->add_option("--also-signed-by", o->send.also_signed_by,
                    "another party that signs the transaction (a key name; repeat the option for more)")
        ->allow_extra_args(false);
    cmd->add_option("--gas", o->send.gas, "the gas limit")->default_val(kDefaultGas);
    cmd->add_option("--nonce", o->send.nonce, "the nonce (default: the sender's next one)");
    cmd->add_flag("--no-block", o->send.no_block,
                  "only submit: the transaction waits in DATA/pending for `tenor block produce`");
    add_common_options(cmd, o->common);
  };

  CLI::App* deploy_cmd = app.add_subcommand("deploy", "Deploy a contract (.wasm) in a signed transaction");
  deploy_cmd->footer(
      "Runs the contract's tenor_init (when it exports one) with the init input, produces a block (unless "
      "--no-block) and prints the receipt with the contract's address. The init's arguments are typed, "
      "encoded through the module's ABI: `tenor deploy factoring.wasm rate=0.8 --from seller` (or --args "
      "'{\"rate\": \"0.8\"}'); --init-input HEX gives the raw bytes instead. Exit 1 when the transaction is "
      "rejected or its initialisation does not succeed (the receipt is printed).");
  deploy_cmd->add_option("FILE", o->path, "the contract's .wasm file")->required();
  deploy_cmd->add_option("ARGS", o->typed.args, "the init's arguments as name=value (through the module's ABI)");
  deploy_cmd->add_option("--args", o->typed.json, "the init's arguments as JSON: an array in order, or an object by name");
  deploy_cmd->add_option("--init-input", o->input, "tenor_init's raw input as hex");
  deploy_cmd->add_option("--init-input-file", o->input_file, "tenor_init's raw input from a file");
  deploy_cmd->add_option("--name", o->name, "remember the new contract under this alias (DATA/contracts.json)");
  add_send_options(deploy_cmd);
  deploy_cmd->callback(run([o] { return deploy(o->common, o->send, o->path, o->typed, o->input, o->input_file, o->name); }));

  CLI::App* call_cmd = app.add_subcommand("call", "Call a contract in a signed transaction");
  call_cmd->footer(
      "Produces a block (unless --no-block) and prints the receipt: status, gas used, output, events (return "
      "values and events decoded through the contract's ABI). Arguments are typed: `tenor call C register "
      "id=0x.. debtor=bob \"amount=125000.00 CNY\" due=2027-03-31`, or --args JSON (an array in order or an "
      "object by name); --input HEX gives raw bytes for a contract without an ABI. "
      "A step that needs several parties is one transaction: --from seller --also-signed-by factor. "
      "Exit 1 when the transaction is rejected (bad nonce, insufficient balance, ...) or the call does not "
      "succeed (revert, trap, out of gas: the receipt is printed).");
  call_cmd->add_option("CONTRACT", o->contract, "the contract: an address (64 hex digits) or a --name alias")
      ->required();
  call_cmd->add_option("ARGS", o->typed.args, "ENTRY, then its arguments as name=value (through the contract's ABI)");
  call_cmd->add_option("--args", o->typed.json, "the arguments as JSON: an array in order, or an object by name");
  call_cmd->add_option("--input", o->input, "the raw input as hex");
  call_cmd->add_option("--input-file", o->input_file, "the raw input from a file");
  add_send_options(call_cmd);
  call_cmd->callback(run([o] { return call(o->common, o->send, o->contract, o->typed, o->input, o->input_file); }));

  CLI::App* query_cmd = app.add_subcommand("query", "Call a contract without a transaction (views)");
  query_cmd->footer("Runs against the head state; nothing is recorded and no gas is paid. ENTRY and its "
                    "arguments as for `tenor call`; the return value is printed decoded through the ABI. Exit 1 "
                    "when the call does not succeed.");
  query_cmd->add_option("CONTRACT", o->contract, "the contract: an address or a --name alias")->required();
  query_cmd->add_option("ARGS", o->typed.args, "ENTRY, then its arguments as name=value (through the contract's ABI)");
  query_cmd->add_option("--args", o->typed.json, "the arguments as JSON: an array in order, or an object by name");
  query_cmd->add_option("--input", o->input, "the raw input as hex");
  query_cmd->add_option("--input-file", o->input_file, "the raw input from a file");
  query_cmd->add_option("--as", o->as, "the caller the contract sees (a key name or 64 hex digits; default all zeros)");
  query_cmd->add_option("--gas", o->send.gas, "the gas limit")->default_val(kDefaultGas);
  add_common_options(query_cmd, o->common);
  query_cmd->callback(run([o] { return query(o->common, o->contract, o->typed, o->input, o->input_file, o->as, o->send.gas); }));

  // block produce|show
  CLI::App* block = app.add_subcommand("block", "Produce or show blocks");
  block->require_subcommand(1);
  CLI::App* produce_cmd = block->add_subcommand("produce", "Execute the pending transactions in a new block");
  produce_cmd->footer("The pending transactions are those submitted with --no-block (DATA/pending). A block "
                      "without transactions is allowed: it moves the head's time.");
  produce_cmd->add_option("--time", o->time,
                          "the block's time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or seconds (default: the next "
                          "block time, see `tenor time`)");
  add_common_options(produce_cmd, o->common);
  produce_cmd->callback(run([o] { return block_produce(o->common, o->time); }));
  CLI::App* show_cmd = block->add_subcommand("show", "Print a block's header and transactions");
  show_cmd->add_option("HEIGHT", o->which, "a height, or `head`")->default_val("head");
  add_common_options(show_cmd, o->common);
  show_cmd->callback(run([o] { return block_show(o->common, o->which); }));

  // time advance|show
  CLI::App* time_cmd = app.add_subcommand("time", "The dev chain's clock: the time the next block gets");
  time_cmd->require_subcommand(1);
  CLI::App* advance_cmd = time_cmd->add_subcommand("advance", "Move the next block's time forward (30d, 12h, 90m, 3600s)");
  advance_cmd->add_option("DURATION", o->duration, "a positive number with d, h, m or s (plain: seconds)")->required();
  add_common_options(advance_cmd, o->common);
  advance_cmd->callback(run([o] { return time_advance(o->common, o->duration); }));
  CLI::App* time_show_cmd = time_cmd->add_subcommand("show", "Print the head block's time and the next block's");
  add_common_options(time_show_cmd, o->common);
  time_show_cmd->callback(run([o] { return time_show(o->common); }));

  // tx show, receipt
  CLI::App* tx = app.add_subcommand("tx", "Transactions");
  tx->require_subcommand(1);
  CLI::App* tx_show_cmd = tx->add_subcommand("show", "Print a transaction (included or pending) and its signers");
  tx_show_cmd->add_option("HASH", o->hash, "the transaction hash (64 hex digits)")->required();
  add_common_options(tx_show_cmd, o->common);
  tx_show_cmd->callback(run([o] { return tx_show(o->common, o->hash); }));

  CLI::App* receipt_cmd = app.add_subcommand("receipt", "Print a transaction's receipt: status, gas used, output, events");
  receipt_cmd->add_option("HASH", o->hash, "the transaction hash (64 hex digits)")->required();
  add_common_options(receipt_cmd, o->common);
  receipt_cmd->callback(run([o] { return receipt_show(o->common, o->hash); }));

  // events
  CLI::App* events_cmd = app.add_subcommand("events", "List the events in the chain's receipts, filtered");
  events_cmd->add_option("--contract", o->events.contract, "only this contract's (an address or alias)");
  events_cmd->add_option("--name", o->events.name, "only events with this name (the topic as text)");
  events_cmd->add_option("--topic-hex", o->events.topic_hex, "only events with this topic (hex)");
  events_cmd->add_option("--from-block", o->events.from_block, "the first block to search (default 1)");
  events_cmd->add_option("--to-block", o->events.to_block, "the last block to search (default: the head)");
  add_common_options(events_cmd, o->common);
  events_cmd->callback(run([o] { return events(o->common, o->events); }));

  // state get|prove|verify
  CLI::App* state = app.add_subcommand("state", "Read the world state and prove entries against the state root");
  state->footer("An entry is a raw state KEY in hex (the key layout is in docs/sdk.md) or a contract's "
                "storage: --contract C --key TEXT (or --key-hex HEX).");
  state->require_subcommand(1);
  auto add_key_options = [o](CLI::App* cmd) {
    cmd->add_option("KEY", o->key.raw, "a raw state key in hex");
    cmd->add_option("--contract", o->key.contract, "a contract's storage: the contract (address or alias)");
    cmd->add_option("--key", o->key.key, "the storage key as text");
    cmd->add_option("--key-hex", o->key.key_hex, "the storage key as hex");
    add_common_options(cmd, o->common);
  };
  CLI::App* get_cmd = state->add_subcommand("get", "Print a state entry's value at the head (exit 1 when absent)");
  add_key_options(get_cmd);
  get_cmd->callback(run([o] { return state_get(o->common, o->key); }));
  CLI::App* prove_cmd = state->add_subcommand("prove", "Print a Merkle proof of an entry (or of its absence)");
  prove_cmd->footer("The proof is against the head block's state root; `tenor state verify` checks it without "
                    "the chain.");
  add_key_options(prove_cmd);
  prove_cmd->callback(run([o] { return state_prove(o->common, o->key); }));
  CLI::App* verify_cmd = state->add_subcommand("verify", "Check a proof against a state root (exit 1 when it fails)");
  add_key_options(verify_cmd);
  verify_cmd->add_option("--root", o->root, "the state root (64 hex digits)")->required();
  verify_cmd->add_option("--proof", o->proof, "the proof's hex")->required();
  verify_cmd->add_option("--value", o->value, "the value the entry should hold (hex)");
  verify_cmd->add_flag("--absent", o->absent, "the entry should be absent");
  verify_cmd->callback(run([o] { return state_verify(o->common, o->key, o->root, o->proof, o->value, o->absent); }));

  // account show
  CLI::App* account = app.add_subcommand("account", "Parties' gas balances and nonces");
  account->require_subcommand(1);
  CLI::App* account_show_cmd = account->add_subcommand("show", "Print a party's balance and nonce");
  account_show_cmd->add_option("PARTY", o->path, "a key name or a public key (64 hex digits)")->required();
  add_common_options(account_show_cmd, o->common);
  account_show_cmd->callback(run([o] { return account_show(o->common, o->path); }));
}

}  // namespace tenor::cli
