// `tenor tx show|receipt|events`: what the chain recorded: transactions (included or pending) and
// their signers, receipts, and events filtered by contract, topic and blocks; inputs, return
// values and events decoded through the contracts' ABIs.
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
    if (pending)
      std::cout << "  included:       no, pending (`tenor block produce` includes it)\n";
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
  if (opts.json)
    print_json(receipt_json(*receipt, &decoded));
  else
    std::cout << receipt_text(*receipt, &decoded);
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
      if (!receipt)
        fail(kExitFailure, "the receipt of " + sdk::hex(th) + " (block " + std::to_string(h) + ") cannot be read");
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
  if (opts.json)
    print_json(out);
  else if (count == 0)
    std::cout << "no events\n";
  return kExitOk;
}

// Bound variables must outlive parse(): each command's live in one shared object its callbacks hold.
struct RecordOptions {
  CommonOptions common;
  std::string hash;
  EventFilter events;
};

}  // namespace

void setup_tx(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<RecordOptions>();
  cmd.require_subcommand(1);
  CLI::App* tx_show_cmd = cmd.add_subcommand("show", "Print a transaction (included or pending) and its signers");
  tx_show_cmd->add_option("HASH", o->hash, "the transaction hash (64 hex digits)")->required();
  on_run(tx_show_cmd, ctx, o->common, [o] { return tx_show(o->common, o->hash); });
}

void setup_receipt(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<RecordOptions>();
  cmd.add_option("HASH", o->hash, "the transaction hash (64 hex digits)")->required();
  on_run(&cmd, ctx, o->common, [o] { return receipt_show(o->common, o->hash); });
}

void setup_events(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<RecordOptions>();
  cmd.add_option("--contract", o->events.contract, "only this contract's (an address or alias)");
  cmd.add_option("--name", o->events.name, "only events with this name (the topic as text)");
  cmd.add_option("--topic-hex", o->events.topic_hex, "only events with this topic (hex)");
  cmd.add_option("--from-block", o->events.from_block, "the first block to search (default 1)");
  cmd.add_option("--to-block", o->events.to_block, "the last block to search (default: the head)");
  on_run(&cmd, ctx, o->common, [o] { return events(o->common, o->events); });
}

}  // namespace tenor::cli
