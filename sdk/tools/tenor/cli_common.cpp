#include "cli_common.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>
#include <system_error>

#include <CLI/CLI.hpp>

#include "tenor/common/civil_date.hpp"
#include "tenor/vm/trap.hpp"

namespace tenor::cli {

void fail(int exit_code, const std::string& message) { throw CommandError(exit_code, message); }

std::function<void()> run_callback(CommandContext& ctx, std::function<int()> body) {
  return [&ctx, body = std::move(body)] { run_command(ctx, body); };
}

void on_run(CLI::App* cmd, CommandContext& ctx, CommonOptions& common, std::function<int()> body, bool json) {
  add_common_options(cmd, common, json);
  cmd->callback(run_callback(ctx, std::move(body)));
}

void run_command(CommandContext& ctx, const std::function<int()>& body) {
  try {
    ctx.exit_code = body();
  } catch (const CommandError& e) {
    std::cout.flush();
    std::cerr << "tenor: error: " << e.what() << "\n";
    ctx.exit_code = e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "tenor: error: " << e.what() << "\n";
    ctx.exit_code = kExitFailure;
  }
}

// --- options and the data folder -------------------------------------------------------------

void add_common_options(CLI::App* cmd, CommonOptions& opts, bool json) {
  const char* env = std::getenv("TENOR_DATA");
  opts.data = env && *env ? env : "tenor-data";
  cmd->add_option("--data", opts.data,
                  "the data folder (chain, keys, pending transactions); default: $TENOR_DATA, "
                  "else ./tenor-data");
  cmd->add_option("--keys", opts.keys, "the key store folder; default: DATA/keys");
  if (json) cmd->add_flag("--json", opts.json, "print JSON instead of text");
}

namespace {

constexpr const char* kInitHint = "run `tenor init GENESIS.json --data DIR` first, or pass --data / set TENOR_DATA";

// Pending files: NNNNNNNN.tx, Borsh of the SignedTransaction, in submission order.
std::vector<fs::path> pending_files(const CommonOptions& opts) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(opts.pending_dir(), ec)) return files;
  for (const auto& entry : fs::directory_iterator(opts.pending_dir(), ec)) {
    if (entry.path().extension() == ".tx") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void write_file_atomically(const fs::path& path, std::span<const uint8_t> bytes) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) fail(kExitFailure, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fail(kExitFailure, "cannot write " + path.string() + ": " + ec.message());
}

}  // namespace

uint64_t Session::next_nonce(const sdk::Party& sender) const {
  uint64_t n = chain->nonce(sender);
  for (const auto& stx : pending) n += stx.tx.sender == sender ? 1 : 0;
  return n;
}

Session open_session(const CommonOptions& opts) {
  std::error_code ec;
  if (!fs::exists(opts.data_dir(), ec))
    usage_error("data folder " + opts.data_dir().string() + " does not exist (" + kInitHint + ")");
  if (!fs::is_directory(opts.data_dir(), ec))
    usage_error("data folder " + opts.data_dir().string() + " is not a folder");
  if (!fs::exists(opts.chain_dir(), ec))
    usage_error("no chain in " + opts.data_dir().string() + " (" + opts.chain_dir().string() + " does not exist; " +
                kInitHint + ")");
  auto chain = sdk::Chain::open(opts.chain_dir().string());
  if (!chain)
    fail(kExitFailure, "cannot open the chain in " + opts.chain_dir().string() + ": " + chain.error().to_string());
  Session s;
  s.chain = std::move(*chain);
  for (const fs::path& file : pending_files(opts)) {
    vm::Bytes bytes = read_file(file.string());
    auto stx = sdk::decode_signed_transaction(bytes);
    if (!stx) {
      std::cerr << "tenor: warning: dropping pending transaction " << file.string() << ": " << stx.error().to_string()
                << "\n";
      fs::remove(file, ec);
      continue;
    }
    auto h = s.chain->submit(*stx);
    if (!h) {
      std::cerr << "tenor: warning: dropping pending transaction " << sdk::hex(sdk::tx_hash(*stx)) << ": "
                << h.error().to_string() << "\n";
      fs::remove(file, ec);
      continue;
    }
    s.pending.push_back(std::move(*stx));
  }
  return s;
}

void save_pending(const CommonOptions& opts, const sdk::SignedTransaction& stx) {
  std::error_code ec;
  fs::create_directories(opts.pending_dir(), ec);
  if (ec) fail(kExitFailure, "cannot create " + opts.pending_dir().string() + ": " + ec.message());
  uint64_t next = 0;
  for (const fs::path& f : pending_files(opts)) {
    uint64_t n = 0;
    const std::string stem = f.stem().string();
    std::from_chars(stem.data(), stem.data() + stem.size(), n);
    next = std::max(next, n + 1);
  }
  char name[32];
  std::snprintf(name, sizeof name, "%08llu.tx", static_cast<unsigned long long>(next));
  write_file_atomically(opts.pending_dir() / name, sdk::encode(stx));
}

void clear_pending(const CommonOptions& opts) {
  std::error_code ec;
  for (const fs::path& f : pending_files(opts)) fs::remove(f, ec);
}

// --- names ----------------------------------------------------------------------------------

sdk::KeyStore key_store(const CommonOptions& opts) { return sdk::KeyStore(opts.keys_dir()); }

sdk::KeyPair load_key(const CommonOptions& opts, const std::string& name) {
  if (!sdk::KeyStore::valid_name(name)) usage_error("\"" + name + "\" is not a key name (1 to 64 of A-Z a-z 0-9 _ -)");
  auto key = key_store(opts).load(name);
  if (!key) {
    if (key.error().code == sdk::ErrorCode::NotFound)
      usage_error("unknown key \"" + name + "\" (no " + key_store(opts).path_of(name).string() +
                  "; `tenor keys list` shows the keys, `tenor keys new " + name + "` makes one)");
    fail(kExitFailure, "key \"" + name + "\": " + key.error().to_string());
  }
  return *key;
}

sdk::Party resolve_party(const CommonOptions& opts, const std::string& text) {
  if (text.size() == 64 && sdk::from_hex(text)) return *sdk::parse_party(text);
  if (sdk::KeyStore::valid_name(text)) {
    auto key = key_store(opts).load(text);
    if (key) return key->public_key();
    if (key.error().code != sdk::ErrorCode::NotFound)
      fail(kExitFailure, "key \"" + text + "\": " + key.error().to_string());
    usage_error("unknown party \"" + text + "\": not 64 hex digits, and no key of that name in " +
                opts.keys_dir().string());
  }
  usage_error("\"" + text + "\" is not a party: give a key name or a public key of 64 hex digits");
}

std::string key_name_of(const CommonOptions& opts, const sdk::Party& party) {
  sdk::KeyStore store = key_store(opts);
  auto names = store.list();
  if (!names) return {};
  for (const std::string& name : *names) {
    auto key = store.load(name);
    if (key && key->public_key() == party) return name;
  }
  return {};
}

namespace {

Json load_aliases(const CommonOptions& opts) {
  std::error_code ec;
  if (!fs::exists(opts.contracts_file(), ec)) return Json::object();
  vm::Bytes bytes = read_file(opts.contracts_file().string());
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    fail(kExitFailure, opts.contracts_file().string() + " is not a JSON object of name: address");
  return j;
}

}  // namespace

sdk::Address resolve_contract(const CommonOptions& opts, const std::string& text) {
  if (text.size() == 64 && sdk::from_hex(text)) return *sdk::parse_address(text);
  Json aliases = load_aliases(opts);
  if (auto it = aliases.find(text); it != aliases.end() && it->is_string()) {
    auto a = sdk::parse_address(it->get<std::string>());
    if (!a) fail(kExitFailure, opts.contracts_file().string() + ": \"" + text + "\": " + a.error().message);
    return *a;
  }
  usage_error("unknown contract \"" + text + "\": not an address of 64 hex digits, and no alias of that name in " +
              opts.contracts_file().string());
}

void save_contract_alias(const CommonOptions& opts, const std::string& name, const sdk::Address& address) {
  Json aliases = load_aliases(opts);
  aliases[name] = sdk::hex(address);
  const std::string text = aliases.dump(2) + "\n";
  write_file_atomically(opts.contracts_file(), std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// --- values ---------------------------------------------------------------------------------

namespace {

std::string shorten(std::string_view text) {
  if (text.size() <= 40) return std::string(text);
  return std::string(text.substr(0, 37)) + "...";
}

}  // namespace

vm::Bytes parse_hex(std::string_view what, std::string_view text) {
  std::string_view digits = text;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits.remove_prefix(2);
  auto bytes = sdk::from_hex(digits);
  if (!bytes) {
    const bool odd = digits.size() % 2 != 0 && std::all_of(digits.begin(), digits.end(), [](char c) {
                       return std::isxdigit(static_cast<unsigned char>(c));
                     });
    usage_error(std::string(what) + ": \"" + shorten(text) + "\" is not hex (" +
                (odd ? "an odd number of digits" : "expected digits 0-9 a-f, two per byte") + ")");
  }
  return *bytes;
}

sdk::Hash parse_hash(std::string_view what, std::string_view text) {
  vm::Bytes b = parse_hex(what, text);
  if (b.size() != 32)
    usage_error(std::string(what) + ": \"" + shorten(text) + "\" must be 64 hex digits (32 bytes), got " +
                std::to_string(b.size()) + " bytes");
  sdk::Hash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

vm::Bytes read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) usage_error("cannot read " + path + ": no such file");
  if (fs::is_directory(path, ec)) usage_error("cannot read " + path + ": is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(kExitFailure, "cannot read " + path + ": permission denied or unreadable");
  vm::Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(kExitFailure, "cannot read " + path + ": read error");
  return bytes;
}

vm::Bytes input_bytes(std::string_view option, const std::optional<std::string>& hex_text,
                      const std::optional<std::string>& file) {
  if (hex_text && file) usage_error(std::string(option) + " and " + std::string(option) + "-file: give one of them");
  if (hex_text) return parse_hex(option, *hex_text);
  if (file) return read_file(*file);
  return {};
}

uint64_t parse_u64(std::string_view what, std::string_view text) {
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    usage_error(std::string(what) + ": \"" + shorten(text) + "\" is not an unsigned decimal integer (at most " +
                std::to_string(std::numeric_limits<uint64_t>::max()) + ")");
  return v;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: unit = 0; break;  // plain seconds
    }
    if (unit != 0)
      text.remove_suffix(1);
    else
      unit = 1;
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int64_t n = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (r.ec != std::errc() || n <= 0 || n > std::numeric_limits<int64_t>::max() / unit) return std::nullopt;
  return n * unit;
}

std::optional<int64_t> parse_time(std::string_view s) {
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc()) return std::nullopt;
    return v;
  }
  return common::parse_timestamp(s);
}

std::string format_time(int64_t seconds) { return common::format_timestamp(seconds); }

std::string format_duration(int64_t seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  const std::pair<int64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, name] : units) {
    if (seconds >= size) {
      if (!out.empty()) out += " ";
      out += std::to_string(seconds / size) + name;
      seconds %= size;
    }
  }
  return out;
}

std::string display_bytes(std::span<const uint8_t> bytes) {
  const bool printable = !bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [](uint8_t c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (printable) return "\"" + std::string(bytes.begin(), bytes.end()) + "\"";
  if (bytes.empty()) return "(empty)";
  return sdk::hex(bytes);
}

// --- contract ABIs ---------------------------------------------------------------------------

sdk::PartyResolver party_resolver(const CommonOptions& opts) {
  return [opts](std::string_view name) -> sdk::Result<sdk::Party> {
    const std::string n(name);
    auto key = key_store(opts).load(n);
    if (key) return key->public_key();
    if (key.error().code == sdk::ErrorCode::NotFound)
      return sdk::Error{sdk::ErrorCode::NotFound, "unknown key \"" + n + "\" (no " +
                                                      key_store(opts).path_of(n).string() +
                                                      "; a party is a key name or 0x and 64 hex digits)"};
    return sdk::Error{key.error().code, "key \"" + n + "\": " + key.error().to_string()};
  };
}

void decode_result(const sdk::Abi& abi, std::span<const uint8_t> input, std::span<const uint8_t> output,
                   DecodedReceipt& out) {
  auto call = abi.decode_call(input);
  if (!call || !call->entry->returns) return;
  auto value = abi.decode_value(*call->entry->returns, output);
  if (value)
    out.result = std::move(*value);
  else
    out.result_error = value.error().message;
}

DecodedEvent decode_event(const sdk::Chain& chain, const sdk::Event& e) {
  auto abi = chain.contract_abi(e.contract);
  if (!abi) return std::nullopt;
  const sdk::AbiEvent* event = abi->event(e.topic);
  auto fields = abi->decode_event(e.topic, e.data);
  if (!event || !fields || !*fields) return std::nullopt;
  return std::make_pair(event->name, std::move(**fields));
}

DecodedReceipt decode_receipt(const sdk::Chain& chain, const sdk::Receipt& r) {
  DecodedReceipt out;
  for (const auto& e : r.events) out.events.push_back(decode_event(chain, e));
  if (r.status != vm::ExecStatus::Ok) return out;
  auto stx = chain.transaction(r.tx_hash);
  if (!stx) return out;
  if (const auto* call = std::get_if<sdk::CallPayload>(&stx->tx.payload))
    if (auto abi = chain.contract_abi(call->contract)) decode_result(*abi, call->input, r.output, out);
  return out;
}

std::string inline_json(const Json& j) {
  auto dump = [](const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); };
  if (j.is_object()) {
    std::string s = "{";
    for (auto it = j.begin(); it != j.end(); ++it)
      s += (it == j.begin() ? "" : ", ") + dump(Json(it.key())) + ": " + inline_json(it.value());
    return s + "}";
  }
  if (j.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < j.size(); ++i) s += (i ? ", " : "") + inline_json(j[i]);
    return s + "]";
  }
  return dump(j);
}

// --- output ---------------------------------------------------------------------------------

namespace {

std::string trap_text(uint8_t code) {
  return std::string(vm::trap_name(static_cast<vm::TrapCode>(code))) + " (" +
         vm::trap_message(static_cast<vm::TrapCode>(code)) + ")";
}

std::optional<std::string> as_text(std::span<const uint8_t> bytes) {
  if (std::all_of(bytes.begin(), bytes.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; }))
    return std::string(bytes.begin(), bytes.end());
  return std::nullopt;
}

// "  label:  value\n" with labels aligned.
void line(std::ostringstream& out, std::string_view label, const std::string& value) {
  out << "  " << label << ":";
  for (size_t i = label.size(); i < 15; ++i) out << ' ';
  out << value << "\n";
}

std::string party_text(const CommonOptions& opts, const sdk::Party& p) {
  std::string name = key_name_of(opts, p);
  return sdk::hex(p) + (name.empty() ? "" : " (" + name + ")");
}

}  // namespace

Json event_json(const sdk::Event& e, const DecodedEvent& decoded) {
  Json j;
  j["contract"] = sdk::hex(e.contract);
  auto name = as_text(e.topic);
  j["name"] = name ? Json(*name) : Json(nullptr);
  j["topic"] = sdk::hex(e.topic);
  j["data"] = sdk::hex(e.data);
  if (decoded) {
    j["event"] = decoded->first;
    j["fields"] = decoded->second;
  }
  return j;
}

Json receipt_json(const sdk::Receipt& r, const DecodedReceipt* decoded) {
  Json j;
  j["tx_hash"] = sdk::hex(r.tx_hash);
  j["block"] = r.block_height;
  j["index"] = r.index;
  j["status"] = vm::to_string(r.status);
  j["ok"] = r.status == vm::ExecStatus::Ok;
  j["gas_used"] = r.gas_used;
  j["output"] = sdk::hex(r.output);
  if (decoded && decoded->result) j["result"] = *decoded->result;
  if (decoded && !decoded->result_error.empty()) j["result_error"] = decoded->result_error;
  if (r.trap) j["trap"] = vm::trap_name(static_cast<vm::TrapCode>(*r.trap));
  if (!r.message.empty()) j["message"] = r.message;
  j["events"] = Json::array();
  for (size_t i = 0; i < r.events.size(); ++i)
    j["events"].push_back(
        event_json(r.events[i], decoded && i < decoded->events.size() ? decoded->events[i] : std::nullopt));
  j["deployed"] = r.deployed ? Json(sdk::hex(*r.deployed)) : Json(nullptr);
  j["execution_hash"] = sdk::hex(r.execution_hash);
  return j;
}

Json transaction_json(const sdk::SignedTransaction& stx) {
  const sdk::Transaction& tx = stx.tx;
  Json j;
  j["hash"] = sdk::hex(sdk::tx_hash(stx));
  j["chain_id"] = tx.chain_id;
  j["sender"] = sdk::hex(tx.sender);
  j["nonce"] = tx.nonce;
  j["gas_limit"] = tx.gas_limit;
  if (const auto* d = std::get_if<sdk::DeployPayload>(&tx.payload)) {
    j["type"] = "deploy";
    j["code_size"] = d->code.size();
    j["code_hash"] = sdk::hex(vm::sha256(d->code));
    j["init_input"] = sdk::hex(d->init_input);
    j["address"] = sdk::hex(sdk::deployed_address(tx.sender, tx.nonce));
  } else {
    const auto& c = std::get<sdk::CallPayload>(tx.payload);
    j["type"] = "call";
    j["contract"] = sdk::hex(c.contract);
    j["input"] = sdk::hex(c.input);
  }
  j["signers"] = Json::array();
  const auto scopes = sdk::scopes(stx);
  for (size_t i = 0; i < stx.signatures.size(); ++i) {
    Json scope = Json::array();
    for (const sdk::Address& a : scopes[i]) scope.push_back(sdk::hex(a));
    j["signers"].push_back(Json{{"party", sdk::hex(stx.signatures[i].first)},
                                {"signature", sdk::hex(stx.signatures[i].second)},
                                {"authorizes", std::move(scope)}});
  }
  return j;
}

Json header_json(const sdk::BlockHeader& h) {
  Json j;
  j["height"] = h.height;
  j["hash"] = sdk::hex(sdk::block_hash(h));
  j["timestamp"] = h.timestamp;
  j["time"] = format_time(h.timestamp);
  j["prev_hash"] = sdk::hex(h.prev_hash);
  j["state_root"] = sdk::hex(h.state_root);
  j["receipts_root"] = sdk::hex(h.receipts_root);
  j["txs_root"] = sdk::hex(h.txs_root);
  j["tx_count"] = h.tx_count;
  return j;
}

Json block_json(const sdk::Block& b, const sdk::Chain& chain) {
  Json j = header_json(b.header);
  j["transactions"] = Json::array();
  for (const auto& stx : b.txs) {
    Json t = transaction_json(stx);
    if (auto r = chain.receipt(sdk::tx_hash(stx))) {
      t["status"] = vm::to_string(r->status);
      t["gas_used"] = r->gas_used;
    }
    j["transactions"].push_back(std::move(t));
  }
  return j;
}

std::string event_text(const sdk::Event& e, const DecodedEvent& decoded) {
  std::ostringstream out;
  out << "contract " << sdk::hex(e.contract);
  if (decoded)
    out << " event " << decoded->first << " " << inline_json(decoded->second);
  else
    out << " name " << display_bytes(e.topic) << " data " << (e.data.empty() ? "(empty)" : sdk::hex(e.data));
  return out.str();
}

std::string receipt_text(const sdk::Receipt& r, const DecodedReceipt* decoded) {
  std::ostringstream out;
  out << "receipt of transaction " << sdk::hex(r.tx_hash) << "\n";
  line(out, "status", vm::to_string(r.status));
  line(out, "block", std::to_string(r.block_height) + " (index " + std::to_string(r.index) + ")");
  line(out, "gas used", std::to_string(r.gas_used));
  if (r.status == vm::ExecStatus::Revert) {
    auto text = as_text(r.output);
    line(out, "revert message", text ? "\"" + *text + "\"" : sdk::hex(r.output));
  } else {
    line(out, "output", r.output.empty() ? "(empty)" : sdk::hex(r.output));
    if (decoded && decoded->result) line(out, "result", inline_json(*decoded->result));
    if (decoded && !decoded->result_error.empty())
      line(out, "result", "(does not decode: " + decoded->result_error + ")");
  }
  if (r.trap) line(out, "trap", trap_text(*r.trap));
  if (!r.message.empty() && r.status != vm::ExecStatus::Revert) line(out, "message", r.message);
  if (r.deployed) line(out, "deployed at", sdk::hex(*r.deployed));
  line(out, "events", std::to_string(r.events.size()));
  for (size_t i = 0; i < r.events.size(); ++i)
    out << "    [" << i << "] "
        << event_text(r.events[i], decoded && i < decoded->events.size() ? decoded->events[i] : std::nullopt) << "\n";
  line(out, "execution hash", sdk::hex(r.execution_hash));
  return out.str();
}

std::string transaction_text(const sdk::SignedTransaction& stx, const CommonOptions& opts) {
  const sdk::Transaction& tx = stx.tx;
  std::ostringstream out;
  out << "transaction " << sdk::hex(sdk::tx_hash(stx)) << "\n";
  line(out, "chain", tx.chain_id);
  line(out, "sender", party_text(opts, tx.sender));
  line(out, "nonce", std::to_string(tx.nonce));
  line(out, "gas limit", std::to_string(tx.gas_limit));
  if (const auto* d = std::get_if<sdk::DeployPayload>(&tx.payload)) {
    line(out, "type", "deploy");
    line(out, "code", std::to_string(d->code.size()) + " bytes, sha256 " + sdk::hex(vm::sha256(d->code)));
    line(out, "init input", d->init_input.empty() ? "(empty)" : sdk::hex(d->init_input));
    line(out, "address", sdk::hex(sdk::deployed_address(tx.sender, tx.nonce)));
  } else {
    const auto& c = std::get<sdk::CallPayload>(tx.payload);
    line(out, "type", "call");
    line(out, "contract", sdk::hex(c.contract));
    line(out, "input", c.input.empty() ? "(empty)" : sdk::hex(c.input));
  }
  line(out, "signed by", std::to_string(stx.signatures.size()) + " part" + (stx.signatures.size() == 1 ? "y" : "ies"));
  // Each signer's authority: the top-level contract, and the contracts its scope lists.
  const auto scopes = sdk::scopes(stx);
  for (size_t i = 0; i < stx.signatures.size(); ++i) {
    out << "    " << party_text(opts, stx.signatures[i].first) << "\n"
        << "      authorizes: the top-level contract" << (scopes[i].empty() ? " only" : " and") << "\n";
    for (const sdk::Address& a : scopes[i]) out << "                  " << sdk::hex(a) << "\n";
  }
  return out.str();
}

std::string block_text(const sdk::Block& b, const sdk::Chain& chain) {
  const sdk::BlockHeader& h = b.header;
  std::ostringstream out;
  out << "block " << h.height << "\n";
  line(out, "hash", sdk::hex(sdk::block_hash(h)));
  line(out, "time", format_time(h.timestamp) + " (" + std::to_string(h.timestamp) + ")");
  line(out, "previous", sdk::hex(h.prev_hash));
  line(out, "state root", sdk::hex(h.state_root));
  line(out, "receipts root", sdk::hex(h.receipts_root));
  line(out, "txs root", sdk::hex(h.txs_root));
  line(out, "transactions", std::to_string(h.tx_count));
  for (size_t i = 0; i < b.txs.size(); ++i) {
    const auto& stx = b.txs[i];
    const sdk::Hash th = sdk::tx_hash(stx);
    out << "    [" << i << "] " << sdk::hex(th) << " "
        << (std::holds_alternative<sdk::DeployPayload>(stx.tx.payload) ? "deploy" : "call  ");
    if (auto r = chain.receipt(th)) out << " " << vm::to_string(r->status) << ", gas " << r->gas_used;
    out << "\n";
  }
  return out.str();
}

void print_json(const Json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace tenor::cli
