// `tenor init|status|block|time`: a development chain in a data folder (cli_common.hpp describes
// its layout): creating it, its state at a glance, producing and showing blocks, and its clock.
// Sending transactions is cmd_transactions.cpp, reading what was recorded cmd_records.cpp, the
// world state cmd_state.cpp.
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
    out.push_back(Json{
        {"name", p.name}, {"key", sdk::hex(p.key)}, {"balance", chain.balance(p.key)}, {"nonce", chain.nonce(p.key)}});
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
  if (!chain)
    fail(kExitFailure, "cannot create a chain in " + opts.chain_dir().string() + ": " + chain.error().to_string());
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
    std::cout << "  party " << (p.name.empty() ? "(unnamed)" : p.name) << ": balance " << c.balance(p.key) << ", nonce "
              << c.nonce(p.key) << "\n";
  return kExitOk;
}

// ---- blocks and time ------------------------------------------------------------------------

int block_produce(const CommonOptions& opts, const std::optional<std::string>& time_text) {
  std::optional<int64_t> ts;
  if (time_text) {
    ts = parse_time(*time_text);
    if (!ts)
      usage_error("--time \"" + *time_text + "\": expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or seconds since 1970");
  }
  Session s = open_session(opts);
  auto block = s.chain->produce_block(ts);
  if (!block) fail(kExitFailure, "cannot produce a block: " + block.error().to_string());
  clear_pending(opts);
  if (opts.json)
    print_json(block_json(*block, *s.chain));
  else
    std::cout << block_text(*block, *s.chain);
  return kExitOk;
}

int block_show(const CommonOptions& opts, const std::string& which) {
  Session s = open_session(opts);
  const uint64_t head = s.chain->head().height;
  const uint64_t height = which == "head" ? head : parse_u64("HEIGHT", which);
  auto block = s.chain->block(height);
  if (!block)
    fail(kExitFailure, "no block " + std::to_string(height) + " (the head is block " + std::to_string(head) + ")");
  if (opts.json)
    print_json(block_json(*block, *s.chain));
  else
    std::cout << block_text(*block, *s.chain);
  return kExitOk;
}

int time_advance(const CommonOptions& opts, const std::string& text) {
  auto seconds = parse_duration(text);
  if (!seconds)
    usage_error("\"" + text +
                "\" is not a duration: expected a positive number with d, h, m or s (30d, 12h, 90m, 3600s)");
  Session s = open_session(opts);
  const int64_t before = s.chain->next_timestamp();
  if (auto st = s.chain->advance_time(*seconds); !st)
    fail(kExitFailure, "cannot advance the time: " + st.error().to_string());
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

// Bound variables must outlive parse(): each command's live in one shared object its callbacks hold.
struct ChainOptions {
  CommonOptions common;
  std::string path;
  std::optional<std::string> time;
  std::string which = "head";
  std::string duration;
};

}  // namespace

void setup_init(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<ChainOptions>();
  cmd.footer(
      "The genesis file: {\"chain_id\": \"tenor-dev\", \"start_time\": \"2027-01-01\" (or "
      "\"2027-01-01T08:00:00Z\", or seconds), \"block_gas_limit\": N, \"parties\": [{\"name\": \"seller\", "
      "\"key\": \"<64 hex digits, or the name of a key in the key store>\", \"balance\": N}]}. A balance is "
      "the gas its party can pay for.");
  cmd.add_option("GENESIS", o->path, "the genesis JSON file")->required();
  on_run(&cmd, ctx, o->common, [o] { return init(o->common, o->path); });
}

void setup_status(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<ChainOptions>();
  on_run(&cmd, ctx, o->common, [o] { return status(o->common); });
}

void setup_block(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<ChainOptions>();
  cmd.require_subcommand(1);
  CLI::App* produce_cmd = cmd.add_subcommand("produce", "Execute the pending transactions in a new block");
  produce_cmd->footer(
      "The pending transactions are those submitted with --no-block (DATA/pending). A block "
      "without transactions is allowed: it moves the head's time.");
  produce_cmd->add_option("--time", o->time,
                          "the block's time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or seconds (default: the next "
                          "block time, see `tenor time`)");
  on_run(produce_cmd, ctx, o->common, [o] { return block_produce(o->common, o->time); });
  CLI::App* show_cmd = cmd.add_subcommand("show", "Print a block's header and transactions");
  show_cmd->add_option("HEIGHT", o->which, "a height, or `head`")->default_val("head");
  on_run(show_cmd, ctx, o->common, [o] { return block_show(o->common, o->which); });
}

void setup_time(CLI::App& cmd, CommandContext& ctx) {
  auto o = std::make_shared<ChainOptions>();
  cmd.require_subcommand(1);
  CLI::App* advance_cmd = cmd.add_subcommand("advance", "Move the next block's time forward (30d, 12h, 90m, 3600s)");
  advance_cmd->add_option("DURATION", o->duration, "a positive number with d, h, m or s (plain: seconds)")->required();
  on_run(advance_cmd, ctx, o->common, [o] { return time_advance(o->common, o->duration); });
  CLI::App* time_show_cmd = cmd.add_subcommand("show", "Print the head block's time and the next block's");
  on_run(time_show_cmd, ctx, o->common, [o] { return time_show(o->common); });
}

}  // namespace tenor::cli
