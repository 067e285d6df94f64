// What the chain and key commands share: the data folder and its layout, the options every such
// command takes (--data, --keys, --json), resolving names (keys, contract aliases) and hex, times
// and durations, decoding values through contracts' ABIs, and printing receipts, blocks,
// transactions and events as text or JSON.
//
// The data folder (--data DIR, else $TENOR_DATA, else ./tenor-data):
//   DIR/chain/           the ledger (LevelDB), created by `tenor init`
//   DIR/keys/NAME.json   the key store (--keys overrides the folder)
//   DIR/pending/*.tx     transactions submitted with --no-block, waiting for `tenor block produce`
//                        (Chain keeps its pending transactions in memory; each command is a new
//                        process, so the CLI keeps them here and resubmits them on opening)
//   DIR/contracts.json   contract aliases given with `tenor deploy --name NAME`
//
// Errors: a command throws CommandError (a message and an exit status) and run_command prints
// "tenor: error: MESSAGE" on stderr and sets the exit status; nothing else escapes a command.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tenor/sdk/abi.hpp"
#include "tenor/sdk/chain.hpp"
#include "tenor/sdk/keys.hpp"
#include "tenor/sdk/tx.hpp"

namespace CLI {
class App;
}

namespace tenor::cli {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A failed command: what is wrong, and the exit status (kExitFailure or kExitUsage).
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

[[noreturn]] void fail(int exit_code, const std::string& message);
[[noreturn]] inline void usage_error(const std::string& message) { fail(kExitUsage, message); }

// Runs a command body: its return value is the exit status; a CommandError prints its message and
// exits with its status; any other exception is a failure (1) with its text.
void run_command(CommandContext& ctx, const std::function<int()>& body);
// A command's callback: runs `body` through run_command.
std::function<void()> run_callback(CommandContext& ctx, std::function<int()> body);
struct CommonOptions;
// The common options (add_common_options) on `cmd`, and `body` as its callback (run_callback).
void on_run(CLI::App* cmd, CommandContext& ctx, CommonOptions& common, std::function<int()> body, bool json = true);

// --- options and the data folder -------------------------------------------------------------

struct CommonOptions {
  std::string data;  // --data, $TENOR_DATA, ./tenor-data
  std::string keys;  // --keys; empty: DATA/keys
  bool json = false;

  fs::path data_dir() const { return fs::path(data); }
  fs::path chain_dir() const { return data_dir() / "chain"; }
  fs::path keys_dir() const { return keys.empty() ? data_dir() / "keys" : fs::path(keys); }
  fs::path pending_dir() const { return data_dir() / "pending"; }
  fs::path contracts_file() const { return data_dir() / "contracts.json"; }
};

// Adds --data, --keys and (with `json`) --json to a command.
void add_common_options(CLI::App* cmd, CommonOptions& opts, bool json = true);

// An open chain with the --no-block transactions of DATA/pending resubmitted.
struct Session {
  std::unique_ptr<sdk::Chain> chain;
  std::vector<sdk::SignedTransaction> pending;  // in submission order

  // The sender's next nonce, counting its pending transactions.
  uint64_t next_nonce(const sdk::Party& sender) const;
};

// Opens DATA/chain. A missing data folder or chain is a usage error naming the folder; a chain
// that cannot be opened (locked by another command, corrupt) is a failure.
Session open_session(const CommonOptions& opts);
// Keeps a submitted transaction in DATA/pending until a block includes it.
void save_pending(const CommonOptions& opts, const sdk::SignedTransaction& stx);
// Forgets DATA/pending (after a block included every pending transaction).
void clear_pending(const CommonOptions& opts);

// --- names ----------------------------------------------------------------------------------

sdk::KeyStore key_store(const CommonOptions& opts);
// The key pair stored as NAME: an unknown name is a usage error that names it and the folder.
sdk::KeyPair load_key(const CommonOptions& opts, const std::string& name);
// A party: 64 hex digits, or the name of a stored key.
sdk::Party resolve_party(const CommonOptions& opts, const std::string& text);
// The name of a stored key whose public key is `party` (for display; empty when none).
std::string key_name_of(const CommonOptions& opts, const sdk::Party& party);
// A contract: 64 hex digits, or an alias from DATA/contracts.json.
sdk::Address resolve_contract(const CommonOptions& opts, const std::string& text);
void save_contract_alias(const CommonOptions& opts, const std::string& name, const sdk::Address& address);

// --- values ---------------------------------------------------------------------------------

// Hex bytes ("0x" prefix allowed, empty allowed); `what` names the option in the error.
vm::Bytes parse_hex(std::string_view what, std::string_view text);
sdk::Hash parse_hash(std::string_view what, std::string_view text);
// The whole file; the error names it.
vm::Bytes read_file(const std::string& path);
// --input HEX / --input-file FILE (at most one; neither: empty input).
vm::Bytes input_bytes(std::string_view option, const std::optional<std::string>& hex_text,
                      const std::optional<std::string>& file);
// Decimal u64; the error names the option.
uint64_t parse_u64(std::string_view what, std::string_view text);

// "30d", "12h", "90m", "3600s" or plain seconds "3600"; positive.
std::optional<int64_t> parse_duration(std::string_view text);
// "2027-03-31", "2027-03-31T08:00:00Z" or seconds since 1970.
std::optional<int64_t> parse_time(std::string_view text);
// "2027-03-31T08:00:00Z".
std::string format_time(int64_t seconds);
// "30d", "1d 2h", "90s"...
std::string format_duration(int64_t seconds);

// The bytes as text when they are printable ASCII (quoted), else as hex.
std::string display_bytes(std::span<const uint8_t> bytes);

// --- contract ABIs ---------------------------------------------------------------------------

// Resolves parties in typed arguments given by key name (hex the ABI reads itself).
sdk::PartyResolver party_resolver(const CommonOptions& opts);

// An event decoded through its contract's ABI: the event's name and its fields.
using DecodedEvent = std::optional<std::pair<std::string, Json>>;

// A receipt's values decoded through the ABIs of the contracts involved (nothing for contracts
// without one).
struct DecodedReceipt {
  std::optional<Json> result;  // the call's return value
  std::string result_error;    // why the output does not decode, when it does not
  std::vector<DecodedEvent> events;
};

// The return value of a call with `input` (whose entry it names) from `output`, into `out`.
void decode_result(const sdk::Abi& abi, std::span<const uint8_t> input, std::span<const uint8_t> output,
                   DecodedReceipt& out);
DecodedEvent decode_event(const sdk::Chain& chain, const sdk::Event& e);
// Looks the transaction up for its input.
DecodedReceipt decode_receipt(const sdk::Chain& chain, const sdk::Receipt& r);

// JSON on one line, ", " and ": " between items: {"amount": "125000.00 CNY", "due": "2027-03-31"}.
std::string inline_json(const Json& j);

// --- output ---------------------------------------------------------------------------------

// With `decoded`: the return value ("result") and the events' fields ("event", "fields") too.
Json receipt_json(const sdk::Receipt& r, const DecodedReceipt* decoded = nullptr);
Json event_json(const sdk::Event& e, const DecodedEvent& decoded = std::nullopt);
Json transaction_json(const sdk::SignedTransaction& stx);
Json header_json(const sdk::BlockHeader& h);
Json block_json(const sdk::Block& b, const sdk::Chain& chain);

// Multi-line text, each line ending in a newline.
std::string receipt_text(const sdk::Receipt& r, const DecodedReceipt* decoded = nullptr);
std::string event_text(const sdk::Event& e, const DecodedEvent& decoded = std::nullopt);
std::string transaction_text(const sdk::SignedTransaction& stx, const CommonOptions& opts);
std::string block_text(const sdk::Block& b, const sdk::Chain& chain);

// Prints a JSON value (2-space indented) on stdout.
void print_json(const Json& j);

// The command groups, registered from main.cpp: `tenor keys ...` (cmd_keys.cpp) and
// `tenor init|status|deploy|call|query|block|time|tx|receipt|events|state|account` (cmd_chain.cpp).
void register_keys_commands(CLI::App& app, CommandContext& ctx);
void register_chain_commands(CLI::App& app, CommandContext& ctx);

}  // namespace tenor::cli
