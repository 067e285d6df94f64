// `tenor deploy|call|query`: deploy and call sign with named keys, submit, and (unless --no-block)
// produce a block at once and print the receipt; query runs a call against the head state without
// a transaction.
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

// ---- deploy and call ------------------------------------------------------------------------

struct SendOptions {
  std::string from;
  std::vector<std::string> also_signed_by;
  std::vector<std::string> authorize;  // CONTRACT (every signer) or KEY=CONTRACT (one signer)
  uint64_t gas = kDefaultGas;
  std::optional<uint64_t> nonce;
  bool no_block = false;
  bool dry_run = false;  // call only: run against the head, sign and record nothing
};

// Each signer's scope from the --authorize options (docs/authorization.md): `CONTRACT` adds the
// contract to every signer's scope, `KEY=CONTRACT` to that signer's alone.
std::vector<sdk::Authorization> authorizations(const CommonOptions& opts, const std::vector<std::string>& given,
                                               const std::vector<sdk::KeyPair>& signers) {
  std::vector<sdk::Authorization> out;
  for (const sdk::KeyPair& k : signers) out.push_back(sdk::Authorization{k.public_key(), {}});
  for (const std::string& item : given) {
    const size_t eq = item.find('=');
    const std::string contract = eq == std::string::npos ? item : item.substr(eq + 1);
    if (contract.empty()) usage_error("--authorize \"" + item + "\": name a contract (an address or an alias)");
    const sdk::Address address = resolve_contract(opts, contract);
    std::optional<sdk::Party> only;
    if (eq != std::string::npos) {
      const std::string key = item.substr(0, eq);
      if (!sdk::KeyStore::valid_name(key)) usage_error("--authorize \"" + item + "\": KEY=CONTRACT needs a key name");
      only = load_key(opts, key).public_key();
      if (std::none_of(out.begin(), out.end(), [&](const sdk::Authorization& a) { return a.signer == *only; }))
        usage_error("--authorize \"" + item + "\": " + key +
                    " does not sign this transaction (--from, --also-signed-by)");
    }
    for (sdk::Authorization& a : out)
      if ((!only || a.signer == *only) &&
          std::find(a.contracts.begin(), a.contracts.end(), address) == a.contracts.end())
        a.contracts.push_back(address);
  }
  std::erase_if(out, [](const sdk::Authorization& a) { return a.contracts.empty(); });
  return out;
}

// `call --dry-run`: the call run against the head state as the signers would sign it, with every
// signature check its contracts made (which contract exercised whose authority), before anything is
// signed. Exit 1 when the call would not succeed.
int dry_run(const CommonOptions& opts, Session& s, const sdk::Transaction& tx, const std::vector<sdk::KeyPair>& keys) {
  std::vector<sdk::Party> parties;
  for (const sdk::KeyPair& k : keys) parties.push_back(k.public_key());
  std::vector<vm::AuthorityCheck> checks;
  auto r = s.chain->dry_run(tx, parties, &checks);
  if (!r) fail(kExitFailure, "dry run: " + r.error().to_string());
  const auto& call = std::get<sdk::CallPayload>(tx.payload);
  const auto scopes = sdk::scopes(tx, parties);
  const auto name = [&](const sdk::Party& p) {
    const std::string n = key_name_of(opts, p);
    return n.empty() ? sdk::hex(p) : n;
  };
  // Why a check was answered as it was.
  const auto reason = [&](const vm::AuthorityCheck& c) -> std::string {
    if (!c.signed_tx) return "not a signer of this transaction";
    if (c.granted) return c.contract == call.contract ? "the top-level contract" : "in " + name(c.party) + "'s scope";
    return "not in " + name(c.party) + "'s scope (--authorize " + sdk::hex(c.contract) + " would grant it)";
  };
  DecodedReceipt decoded;
  if (auto abi = s.chain->contract_abi(call.contract); abi && r->ok())
    decode_result(*abi, call.input, r->output, decoded);
  if (opts.json) {
    Json signers = Json::array();
    for (size_t i = 0; i < parties.size(); ++i) {
      Json scope = Json::array();
      for (const sdk::Address& a : scopes[i]) scope.push_back(sdk::hex(a));
      signers.push_back(Json{{"party", sdk::hex(parties[i])}, {"authorizes", std::move(scope)}});
    }
    Json used = Json::array();
    for (const vm::AuthorityCheck& c : checks)
      used.push_back(Json{{"contract", sdk::hex(c.contract)},
                          {"party", sdk::hex(c.party)},
                          {"granted", c.granted},
                          {"reason", reason(c)}});
    Json j{{"dry_run", true},
           {"tx_hash", sdk::hex(sdk::tx_hash(tx))},
           {"status", vm::to_string(r->status)},
           {"ok", r->ok()},
           {"gas_used", r->gas_used},
           {"output", sdk::hex(r->output)},
           {"signers", std::move(signers)},
           {"authority_checks", std::move(used)}};
    if (decoded.result) j["result"] = *decoded.result;
    if (!r->message.empty()) j["message"] = r->message;
    print_json(j);
  } else {
    std::cout << "dry run of a call to " << sdk::hex(call.contract) << " at block " << s.chain->head().height
              << " (nothing signed, nothing recorded)\n"
              << "  status:         " << vm::to_string(r->status) << "\n"
              << "  gas used:       " << r->gas_used << "\n";
    if (r->status == vm::ExecStatus::Revert)
      std::cout << "  revert message: " << display_bytes(r->output) << "\n";
    else if (decoded.result)
      std::cout << "  result:         " << inline_json(*decoded.result) << "\n";
    if (!r->message.empty() && r->status != vm::ExecStatus::Revert)
      std::cout << "  message:        " << r->message << "\n";
    std::cout << "  signers:\n";
    for (size_t i = 0; i < parties.size(); ++i) {
      std::cout << "    " << name(parties[i]) << ": the top-level contract" << (scopes[i].empty() ? "" : " and")
                << "\n";
      for (const sdk::Address& a : scopes[i]) std::cout << "      " << sdk::hex(a) << "\n";
    }
    std::cout << "  signature checks: " << checks.size() << "\n";
    for (const vm::AuthorityCheck& c : checks)
      std::cout << "    " << sdk::hex(c.contract) << " asked for " << name(c.party) << ": "
                << (c.granted ? "granted" : "refused") << ", " << reason(c) << "\n";
  }
  return r->ok() ? kExitOk : kExitFailure;
}

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
  tx.authorizations = authorizations(opts, send_opts.authorize, signers);
  if (send_opts.dry_run) return dry_run(opts, s, tx, signers);
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
  if (!receipt)
    fail(kExitFailure, "block " + std::to_string(block->header.height) + " holds no receipt for " + hash_hex);
  if (alias && receipt->status == vm::ExecStatus::Ok && receipt->deployed)
    save_contract_alias(opts, *alias, *receipt->deployed);
  const bool ok = receipt->status == vm::ExecStatus::Ok;
  const DecodedReceipt decoded = decode_receipt(*s.chain, *receipt);
  if (opts.json) {
    print_json(Json{
        {"tx_hash", hash_hex}, {"pending", false}, {"nonce", tx.nonce}, {"receipt", receipt_json(*receipt, &decoded)}});
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

std::string entry_list(const sdk::Abi& abi) {
  std::string out;
  for (const auto& e : abi.entries())
    if (e.kind != sdk::EntryKind::Init) out += (out.empty() ? "" : ", ") + sdk::signature(e);
  return out.empty() ? "no actions or views" : out;
}

Json args_json(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    usage_error(
        "--args: not valid JSON (give the arguments as an array in order, [\"0x..\", \"125000.00 CNY\"], or "
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
      usage_error(
          "give either ENTRY with its arguments (typed, through the ABI) or --input/--input-file (raw), not both");
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
  if (!abi->entry(entry)) usage_error("unknown entry \"" + entry + "\": " + owner + " has " + entry_list(*abi));
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
      usage_error(
          "give either the init's arguments (typed, through the ABI) or --init-input/--init-input-file (raw), "
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
                sdk::signature(*init) + "; give them as " + example + " (or --args JSON)");
  }
  if (!typed.args.empty() && typed.json)
    usage_error("give the init's arguments as name=value or with --args JSON, not both");
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
  if (!s.chain->state_get(sdk::state_key::contract(address))) fail(kExitFailure, "no contract at " + sdk::hex(address));
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
    if (r.status == vm::ExecStatus::Revert)
      std::cout << "  revert message: " << display_bytes(r.output) << "\n";
    else
      std::cout << "  output:         " << (r.output.empty() ? "(empty)" : sdk::hex(r.output)) << "\n";
    if (decoded.result) std::cout << "  result:         " << inline_json(*decoded.result) << "\n";
    if (!decoded.result_error.empty())
      std::cout << "  result:         (does not decode: " << decoded.result_error << ")\n";
    if (!r.message.empty() && r.status != vm::ExecStatus::Revert)
      std::cout << "  message:        " << r.message << "\n";
  }
  if (!r.ok()) {
    std::cout.flush();
    std::cerr << "tenor: error: query failed with status " << vm::to_string(r.status)
              << (r.message.empty() ? "" : ": " + r.message) << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// Bound variables must outlive parse(): each command's live in one shared object its callbacks hold.
struct TxOptions {
  CommonOptions common;
  SendOptions send;
  std::string path;
  std::string contract;
  TypedArgs typed;
  std::optional<std::string> input;
  std::optional<std::string> input_file;
  std::optional<std::string> name;
  std::optional<std::string> as;
};

// --from, --also-signed-by, --gas, --nonce, --no-block and the common options.
void add_send_options(CLI::App* cmd, TxOptions& o) {
  cmd->add_option("--from", o.send.from, "the sender: a stored key's name (pays gas, owns the nonce, signs)")
      ->required();
  cmd->add_option("--also-signed-by", o.send.also_signed_by,
                  "another party that signs the transaction (a key name; repeat the option for more)")
      ->allow_extra_args(false);
  cmd->add_option("--authorize", o.send.authorize,
                  "CONTRACT: let the contract (besides the one called) act with the signers' authority in this "
                  "transaction; KEY=CONTRACT: with that signer's only (repeat for more; docs/authorization.md)")
      ->allow_extra_args(false);
  cmd->add_option("--gas", o.send.gas, "the gas limit")->default_val(kDefaultGas);
  cmd->add_option("--nonce", o.send.nonce, "the nonce (default: the sender's next one)");
  cmd->add_flag("--no-block", o.send.no_block,
                "only submit: the transaction waits in DATA/pending for `tenor block produce`");
}

// CONTRACT, then ENTRY and its arguments: typed (ARGS, --args) or raw (--input, --input-file).
void add_entry_options(CLI::App* cmd, TxOptions& o) {
  cmd->add_option("CONTRACT", o.contract, "the contract: an address (64 hex digits) or a --name alias")->required();
  cmd->add_option("ARGS", o.typed.args, "ENTRY, then its arguments as name=value (through the contract's ABI)");
  cmd->add_option("--args", o.typed.json, "the arguments as JSON: an array in order, or an object by name");
  cmd->add_option("--input", o.input, "the raw input as hex");
  cmd->add_option("--input-file", o.input_file, "the raw input from a file");
}

}  // namespace

void setup_deploy(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<TxOptions>();
  cmd.footer(
      "Runs the contract's tenor_init (when it exports one) with the init input, produces a block (unless "
      "--no-block) and prints the receipt with the contract's address. The init's arguments are typed, "
      "encoded through the module's ABI: `tenor deploy factoring.wasm rate=0.8 --from seller` (or --args "
      "'{\"rate\": \"0.8\"}'); --init-input HEX gives the raw bytes instead. Exit 1 when the transaction is "
      "rejected or its initialisation does not succeed (the receipt is printed).");
  cmd.add_option("FILE", o->path, "the contract's .wasm file")->required();
  cmd.add_option("ARGS", o->typed.args, "the init's arguments as name=value (through the module's ABI)");
  cmd.add_option("--args", o->typed.json, "the init's arguments as JSON: an array in order, or an object by name");
  cmd.add_option("--init-input", o->input, "tenor_init's raw input as hex");
  cmd.add_option("--init-input-file", o->input_file, "tenor_init's raw input from a file");
  cmd.add_option("--name", o->name, "remember the new contract under this alias (DATA/contracts.json)");
  add_send_options(&cmd, *o);
  on_run(&cmd, ctx, o->common,
         [o] { return deploy(o->common, o->send, o->path, o->typed, o->input, o->input_file, o->name); });
}

void setup_call(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<TxOptions>();
  cmd.footer(
      "Produces a block (unless --no-block) and prints the receipt: status, gas used, output, events (return "
      "values and events decoded through the contract's ABI). Arguments are typed: `tenor call C register "
      "id=0x.. debtor=bob \"amount=125000.00 CNY\" due=2027-03-31`, or --args JSON (an array in order or an "
      "object by name); --input HEX gives raw bytes for a contract without an ABI. "
      "A step that needs several parties is one transaction: --from seller --also-signed-by factor. "
      "The signers' authority reaches the contract called and no other: a contract it calls that checks "
      "signed_by(...) sees the signer only with --authorize THAT_CONTRACT (docs/authorization.md). "
      "Exit 1 when the transaction is rejected (bad nonce, insufficient balance, ...) or the call does not "
      "succeed (revert, trap, out of gas: the receipt is printed).");
  add_entry_options(&cmd, *o);
  add_send_options(&cmd, *o);
  cmd.add_flag("--dry-run", o->send.dry_run,
               "run against the head state without signing or recording anything, and list which contracts "
               "checked whose signature (docs/authorization.md)");
  on_run(&cmd, ctx, o->common,
         [o] { return call(o->common, o->send, o->contract, o->typed, o->input, o->input_file); });
}

void setup_query(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<TxOptions>();
  cmd.footer(
      "Runs against the head state; nothing is recorded and no gas is paid. ENTRY and its "
      "arguments as for `tenor call`; the return value is printed decoded through the ABI. Exit 1 "
      "when the call does not succeed.");
  add_entry_options(&cmd, *o);
  cmd.add_option("--as", o->as, "the caller the contract sees (a key name or 64 hex digits; default all zeros)");
  cmd.add_option("--gas", o->send.gas, "the gas limit")->default_val(kDefaultGas);
  on_run(&cmd, ctx, o->common,
         [o] { return query(o->common, o->contract, o->typed, o->input, o->input_file, o->as, o->send.gas); });
}

}  // namespace tenor::cli
