// `tenor state get|prove|verify` and `tenor account show`: the world state at the head, Merkle
// proofs of entries (or of their absence) against a state root, and parties' balances and nonces.
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
  if (!k.contract)
    usage_error("which state entry? give a raw state KEY in hex, or --contract C with --key TEXT or --key-hex HEX");
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
  const bool verified = value ? sdk::verify_proof(head.state_root, key, std::span<const uint8_t>(*value), *proof)
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
              << "proof of:   " << (value ? "inclusion" : "exclusion") << " (" << proof->siblings.size()
              << " siblings)\n"
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
  if (opts.json)
    print_json(Json{{"key", sdk::hex(key)}, {"state_root", sdk::hex(root)}, {"verified", ok}});
  else
    std::cout << (ok ? "verified: the proof holds" : "NOT verified: the proof does not hold") << "\n";
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

// Bound variables must outlive parse(): each command's live in one shared object its callbacks hold.
struct StateOptions {
  CommonOptions common;
  StateKeyOptions key;
  std::string root;
  std::string proof;
  std::optional<std::string> value;
  bool absent = false;
  std::string party;
};

// KEY, --contract, --key, --key-hex and the common options.
void add_key_options(CLI::App* cmd, StateOptions& o) {
  cmd->add_option("KEY", o.key.raw, "a raw state key in hex");
  cmd->add_option("--contract", o.key.contract, "a contract's storage: the contract (address or alias)");
  cmd->add_option("--key", o.key.key, "the storage key as text");
  cmd->add_option("--key-hex", o.key.key_hex, "the storage key as hex");
}

}  // namespace

void setup_state(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<StateOptions>();
  cmd.footer(
      "An entry is a raw state KEY in hex (the key layout is in docs/sdk.md) or a contract's "
      "storage: --contract C --key TEXT (or --key-hex HEX).");
  cmd.require_subcommand(1);
  CLI::App* get_cmd = cmd.add_subcommand("get", "Print a state entry's value at the head (exit 1 when absent)");
  add_key_options(get_cmd, *o);
  on_run(get_cmd, ctx, o->common, [o] { return state_get(o->common, o->key); });
  CLI::App* prove_cmd = cmd.add_subcommand("prove", "Print a Merkle proof of an entry (or of its absence)");
  prove_cmd->footer(
      "The proof is against the head block's state root; `tenor state verify` checks it without "
      "the chain.");
  add_key_options(prove_cmd, *o);
  on_run(prove_cmd, ctx, o->common, [o] { return state_prove(o->common, o->key); });
  CLI::App* verify_cmd = cmd.add_subcommand("verify", "Check a proof against a state root (exit 1 when it fails)");
  add_key_options(verify_cmd, *o);
  verify_cmd->add_option("--root", o->root, "the state root (64 hex digits)")->required();
  verify_cmd->add_option("--proof", o->proof, "the proof's hex")->required();
  verify_cmd->add_option("--value", o->value, "the value the entry should hold (hex)");
  verify_cmd->add_flag("--absent", o->absent, "the entry should be absent");
  on_run(verify_cmd, ctx, o->common,
         [o] { return state_verify(o->common, o->key, o->root, o->proof, o->value, o->absent); });
}

void setup_account(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<StateOptions>();
  cmd.require_subcommand(1);
  CLI::App* account_show_cmd = cmd.add_subcommand("show", "Print a party's balance and nonce");
  account_show_cmd->add_option("PARTY", o->party, "a key name or a public key (64 hex digits)")->required();
  on_run(account_show_cmd, ctx, o->common, [o] { return account_show(o->common, o->party); });
}

}  // namespace tenor::cli
