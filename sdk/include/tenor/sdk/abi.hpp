// A contract's ABI: the JSON the compiler puts in the module's custom section "tenor.abi", and
// the typed encoding of call and init inputs it describes (docs/sdk.md, "Typed arguments").
//
//   auto abi = Abi::from_wasm(code);                          // Result<std::optional<Abi>>
//   auto input = abi->value().encode_call_assignments("register",
//       {"id=0x11...11", "debtor=bob", "amount=125000.00 CNY", "due=2027-03-31"}, resolve);
//   auto call = abi->value().decode_call(input);              // the entry and its arguments as JSON
//   auto shown = abi->value().decode_value("Option<Invoice>", output);
//
// A call input is Borsh: the entry's name as a String, then its arguments in order; an init input
// is the init's arguments only. Values are written and printed in Tenor's own literal syntax:
//
//   bool            true / false (JSON booleans, or the strings "true" / "false")
//   u8 .. i128      JSON integers or decimal strings ("_" between digits allowed); 128-bit values
//                   beyond 64 bits must be strings, and are always printed as strings
//   Money           "125000.00 CNY": exactly as many fractional digits as the currency has
//                   (CNY USD EUR GBP HKD SGD 2, JPY KRW 0, BHD KWD 3)
//   Rate            "0.035" (at most 9 fractional digits)
//   Decimal         "1.05", "-0.000000000000000001" (at most 18 fractional digits, exact; JSON
//                   integers too, never JSON fractions, which are doubles)
//   Date            "2027-03-31"
//   Timestamp       "2027-03-31T08:00:00Z"
//   Duration        "30d", "12h", "90m", "45s" (a leading "-" for negative)
//   Party           "0x" + 64 hex digits, or a key name (through a PartyResolver)
//   Address, Hash   "0x" + 64 hex digits
//   Bytes<N>        "0x" + hex, at most N bytes
//   String<N>       a string of at most N bytes of UTF-8
//   [T; N]          a JSON array of exactly N values;  Vec<T, N>: of at most N
//   Option<T>       null, or the value
//   struct          a JSON object with every field
//   enum            "Variant" (a variant without fields) or {"Variant": {fields}}
//
// Every error names the value it is about ("amount", "invoice.state.Financed.advance",
// "items[2]") and says what was wrong: "amount: 125000.0 CNY has 1 fractional digit, CNY amounts
// have 2".
//
// Decoding is as strict as the contract's own decoder (and as Borsh): bools and option tags 0/1,
// enum variants the enum has, lengths within bounds, currencies of three upper-case letters, no
// trailing bytes; strings must be UTF-8.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tenor/sdk/borsh.hpp"
#include "tenor/sdk/error.hpp"
#include "tenor/common/civil_date.hpp"
#include "tenor/vm/contract.hpp"

namespace tenor::sdk {

using vm::Party;
using Json = nlohmann::ordered_json;

// The name of the custom section that carries the ABI.
inline constexpr std::string_view kAbiSectionName = "tenor.abi";

enum class EntryKind : uint8_t { Init, Action, View };
const char* to_string(EntryKind kind) noexcept;  // "init", "action", "view"

struct AbiField {
  std::string name;
  std::string type;  // as the ABI spells it: "Money", "Vec<u64, 10>", "Option<Invoice>"
};

struct AbiEntry {
  std::string name;
  EntryKind kind = EntryKind::Action;
  std::vector<AbiField> params;
  std::optional<std::string> returns;  // nullopt: returns nothing
  std::vector<std::string> signed_by;  // the source expressions, for display
};

// "register(id: Hash, debtor: Party, amount: Money, due: Date)": for messages.
std::string signature(const AbiEntry& entry);

struct AbiEvent {
  std::string name;
  std::string topic;  // the event's topic bytes, as text
  std::vector<AbiField> fields;
};

struct AbiStruct {
  std::string name;
  std::vector<AbiField> fields;
};

struct AbiVariant {
  std::string name;
  std::vector<AbiField> fields;
};

struct AbiEnum {
  std::string name;
  std::vector<AbiVariant> variants;
};

// Turns a key name into a party (the CLI looks it up in its key store). Without one, parties
// must be given as hex.
using PartyResolver = std::function<Result<Party>(std::string_view name)>;

// A call input decoded: the entry it names and its arguments as a JSON object (by parameter
// name, in order).
struct DecodedCall {
  const AbiEntry* entry = nullptr;  // points into the Abi (valid while a copy of it lives)
  Json args;
};

class Abi {
 public:
  // Parses and checks the ABI JSON: every type must be known, user types must not contain
  // themselves, names must be unique. Errors are Malformed and name the place:
  // "ABI: entries[1].params[2].type: unknown type Moneyy".
  static Result<Abi> parse(std::string_view json);
  // The text of the module's "tenor.abi" custom section (the first one), nullopt when it has
  // none; Malformed when the bytes are not a WebAssembly module's section structure.
  static Result<std::optional<std::string>> section(std::span<const uint8_t> code);
  // section() parsed; nullopt when the module has no ABI.
  static Result<std::optional<Abi>> from_wasm(std::span<const uint8_t> code);

  const std::string& contract() const noexcept;
  const std::vector<AbiEntry>& entries() const noexcept;
  const std::vector<AbiEvent>& events() const noexcept;
  const std::vector<AbiStruct>& structs() const noexcept;
  const std::vector<AbiEnum>& enums() const noexcept;
  // The action or view called `name` (never the init); nullptr when there is none.
  const AbiEntry* entry(std::string_view name) const noexcept;
  // The init entry; nullptr when the contract has none.
  const AbiEntry* init() const noexcept;
  // The event with this topic; nullptr when the ABI declares none.
  const AbiEvent* event(std::span<const uint8_t> topic) const noexcept;
  // "register, confirm, finance, invoice": the actions and views, for messages.
  std::string entry_names() const;

  // Call input: the entry's name, then the arguments. `args` is a JSON array (by position) or
  // object (by parameter name; every parameter, nothing else). Errors are InvalidArgument.
  Result<Bytes> encode_call(std::string_view entry, const Json& args, const PartyResolver& resolve = {}) const;
  // The same from "name=value" strings: the value is text in the syntax above (no JSON quoting
  // for strings); arrays, Vecs, structs and enums with fields are JSON; "null" is None.
  Result<Bytes> encode_call_assignments(std::string_view entry, const std::vector<std::string>& assignments,
                                        const PartyResolver& resolve = {}) const;
  // Init input: the init's arguments only. A contract without an init takes no arguments.
  Result<Bytes> encode_init(const Json& args, const PartyResolver& resolve = {}) const;
  Result<Bytes> encode_init_assignments(const std::vector<std::string>& assignments,
                                        const PartyResolver& resolve = {}) const;
  // "name=value" strings to the JSON object encode_call takes, typed by the entry's parameters.
  Result<Json> assignments_to_json(const AbiEntry& entry, const std::vector<std::string>& assignments) const;
  // One value of `type` (any type the ABI can name); `what` names it in errors.
  Result<Bytes> encode_value(std::string_view type, const Json& value, std::string_view what = "value",
                             const PartyResolver& resolve = {}) const;

  // One value of `type` from the whole of `bytes`, as JSON in the syntax above (Money as
  // "100000.00 CNY", dates as dates). Errors are Malformed.
  Result<Json> decode_value(std::string_view type, std::span<const uint8_t> bytes) const;
  // A call input: the entry and its arguments. Errors are BadArguments and say what does not
  // match: "unknown entry \"regster\" (Factoring has register, confirm, finance, invoice)",
  // "register: argument amount (Money): offset 52: unexpected end of input",
  // "register: 3 bytes after the last argument".
  Result<DecodedCall> decode_call(std::span<const uint8_t> input) const;
  // An init input: the init's arguments as a JSON object (BadArguments as above).
  Result<Json> decode_init(std::span<const uint8_t> input) const;
  // decode_call and decode_init without building the JSON: admission's check (bounded by the
  // input's length whatever the types).
  Status check_call(std::span<const uint8_t> input) const;
  Status check_init(std::span<const uint8_t> input) const;
  // An event's data as a JSON object of its fields; nullopt when the ABI declares no event with
  // this topic. Malformed when the data does not decode.
  Result<std::optional<Json>> decode_event(std::span<const uint8_t> topic, std::span<const uint8_t> data) const;

  struct Data;

 private:
  explicit Abi(std::shared_ptr<const Data> d) : d_(std::move(d)) {}
  std::shared_ptr<const Data> d_;
};

// The minor-unit exponent of a currency the language knows (CNY 2, JPY 0, BHD 3, ...).
std::optional<int> currency_exponent(std::string_view code) noexcept;
// "125000.00 CNY" from minor units; a currency the language does not know prints its minor units
// ("12345 XYZ").
std::string format_money(I128 minor_units, std::string_view currency);
// 800000000 -> "0.8", 35000000 -> "0.035", 1000000000 -> "1.0".
std::string format_rate(int64_t scaled);
// A Decimal's value x 10^18 -> "1.05", "-0.000000000000000001", "2.0".
std::string format_decimal(I128 scaled);
// Days since 1970-01-01 -> "2027-03-31"; seconds -> "2027-03-31T08:00:00Z".
using common::format_date;
using common::format_timestamp;
// Seconds -> the largest unit that divides them: "30d", "12h", "90m", "45s", "-2d".
std::string format_duration_literal(int64_t seconds);

}  // namespace tenor::sdk
