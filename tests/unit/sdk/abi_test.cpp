// Contract ABIs (tenor/sdk/abi.hpp): parsing, reading the section out of a module, typed encoding
// of call and init arguments (JSON and name=value), decoding of inputs, values and events, and the
// error messages. The Factoring ABI is what `tenor build` makes of the contract in docs/language.md.
#include "tenor/sdk/abi.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tenor/sdk/keys.hpp"

namespace tenor::sdk {
namespace {

// The ABI of docs/language.md's contract as the compiler writes it (storage and hashes left out;
// the parser ignores what it does not use).
constexpr const char* kFactoringAbi = R"({
  "abi_version": 1, "contract": "Factoring", "encoding": "borsh",
  "entries": [
    {"name": "init", "kind": "init", "params": [{"name": "rate", "type": "Rate"}], "returns": null, "signed_by": [], "writes": true},
    {"name": "register", "kind": "action", "params": [{"name": "id", "type": "Hash"}, {"name": "debtor", "type": "Party"},
      {"name": "amount", "type": "Money"}, {"name": "due", "type": "Date"}], "returns": null, "signed_by": ["sender"], "writes": true},
    {"name": "confirm", "kind": "action", "params": [{"name": "id", "type": "Hash"}], "returns": null, "signed_by": ["invoices[id].debtor"]},
    {"name": "finance", "kind": "action", "params": [{"name": "id", "type": "Hash"}, {"name": "factor", "type": "Party"}],
      "returns": null, "signed_by": ["invoices[id].seller", "factor"]},
    {"name": "invoice", "kind": "view", "params": [{"name": "id", "type": "Hash"}], "returns": "Option<Invoice>", "signed_by": []}
  ],
  "events": [
    {"name": "Registered", "topic": "Registered", "fields": [{"name": "id", "type": "Hash"}, {"name": "seller", "type": "Party"}, {"name": "amount", "type": "Money"}]},
    {"name": "Financed", "topic": "Financed", "fields": [{"name": "id", "type": "Hash"}, {"name": "factor", "type": "Party"}, {"name": "advance", "type": "Money"}]}
  ],
  "structs": [
    {"name": "Invoice", "fields": [{"name": "seller", "type": "Party"}, {"name": "debtor", "type": "Party"},
      {"name": "amount", "type": "Money"}, {"name": "due", "type": "Date"}, {"name": "state", "type": "State"}]}
  ],
  "enums": [
    {"name": "State", "variants": [{"name": "Registered", "fields": []}, {"name": "Confirmed", "fields": []},
      {"name": "Financed", "fields": [{"name": "factor", "type": "Party"}, {"name": "advance", "type": "Money"}]},
      {"name": "Settled", "fields": []}]}
  ]
})";

// Every other kind of type.
constexpr const char* kKitchenAbi = R"({
  "contract": "Kitchen",
  "entries": [
    {"name": "ints", "kind": "action", "params": [{"name": "a", "type": "u8"}, {"name": "b", "type": "i8"},
      {"name": "c", "type": "u64"}, {"name": "d", "type": "i128"}, {"name": "e", "type": "u128"}], "returns": null},
    {"name": "things", "kind": "action", "params": [{"name": "flag", "type": "bool"}, {"name": "memo", "type": "String<8>"},
      {"name": "blob", "type": "Bytes<4>"}, {"name": "xs", "type": "Vec<u16, 3>"}, {"name": "pair", "type": "[u8; 2]"},
      {"name": "maybe", "type": "Option<u32>"}], "returns": "Vec<u16, 3>"},
    {"name": "times", "kind": "view", "params": [{"name": "at", "type": "Timestamp"}, {"name": "span", "type": "Duration"},
      {"name": "where", "type": "Address"}], "returns": "Timestamp"},
    {"name": "empty", "kind": "view", "params": [{"name": "nothing", "type": "Vec<[u8; 0], 4000000000>"}], "returns": null}
  ]
})";

Abi factoring() {
  auto abi = Abi::parse(kFactoringAbi);
  EXPECT_TRUE(abi) << abi.error().to_string();
  return *abi;
}

Abi kitchen() {
  auto abi = Abi::parse(kKitchenAbi);
  EXPECT_TRUE(abi) << abi.error().to_string();
  return *abi;
}

const std::string kId = "0x" + std::string(64, '1');
const std::string kDebtor = "0x" + std::string(64, '2');

Bytes bytes_of(std::initializer_list<int> v) {
  Bytes b;
  for (int x : v) b.push_back(static_cast<uint8_t>(x));
  return b;
}

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

// The expected Borsh of register(id, debtor, 125000.00 CNY, 2027-03-31).
Bytes register_input() {
  BorshWriter w;
  w.string("register");
  w.fixed(Bytes(32, 0x11));
  w.fixed(Bytes(32, 0x22));
  w.i128(12'500'000);
  w.fixed(bytes_of({'C', 'N', 'Y'}));
  w.i32(20908);  // 2027-03-31
  return w.take();
}

std::string error_of(const Result<Bytes>& r) { return r ? std::string("(no error)") : r.error().message; }

TEST(Abi, ParsesTheCompilersAbi) {
  Abi abi = factoring();
  EXPECT_EQ(abi.contract(), "Factoring");
  ASSERT_EQ(abi.entries().size(), 5u);
  ASSERT_NE(abi.init(), nullptr);
  EXPECT_EQ(abi.init()->params[0].type, "Rate");
  EXPECT_EQ(abi.entry("init"), nullptr);  // the init is not called through tenor_entry
  ASSERT_NE(abi.entry("invoice"), nullptr);
  EXPECT_EQ(abi.entry("invoice")->kind, EntryKind::View);
  EXPECT_EQ(*abi.entry("invoice")->returns, "Option<Invoice>");
  EXPECT_EQ(abi.entry("finance")->signed_by.size(), 2u);
  EXPECT_EQ(abi.entry_names(), "register, confirm, finance, invoice");
  const std::string topic = "Financed";
  ASSERT_NE(abi.event(std::span(reinterpret_cast<const uint8_t*>(topic.data()), topic.size())), nullptr);
}

TEST(Abi, EncodesNameValueArguments) {
  Abi abi = factoring();
  auto input = abi.encode_call_assignments(
      "register", {"id=" + kId, "debtor=" + kDebtor, "amount=125000.00 CNY", "due=2027-03-31"});
  ASSERT_TRUE(input) << input.error().to_string();
  EXPECT_EQ(hex(*input), hex(register_input()));
  // Order does not matter, and bare 64 hex digits are a hash too.
  auto again = abi.encode_call_assignments(
      "register", {"due=2027-03-31", "amount=125000.00 CNY", "debtor=" + kDebtor, "id=" + std::string(64, '1')});
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(*again, *input);
}

TEST(Abi, EncodesJsonArgumentsByPositionAndByName) {
  Abi abi = factoring();
  auto by_position = abi.encode_call("register", Json::array({kId, kDebtor, "125000.00 CNY", "2027-03-31"}));
  ASSERT_TRUE(by_position) << by_position.error().to_string();
  EXPECT_EQ(*by_position, register_input());
  auto by_name = abi.encode_call(
      "register", Json{{"amount", "125000.00 CNY"}, {"id", kId}, {"due", "2027-03-31"}, {"debtor", kDebtor}});
  ASSERT_TRUE(by_name) << by_name.error().to_string();
  EXPECT_EQ(*by_name, register_input());
}

TEST(Abi, EncodesTheInit) {
  Abi abi = factoring();
  auto init = abi.encode_init_assignments({"rate=0.8"});
  ASSERT_TRUE(init) << init.error().to_string();
  EXPECT_EQ(hex(*init), "0008af2f00000000");         // 800000000 little-endian
  auto json = abi.encode_init(Json{{"rate", 0.8}});  // a JSON number reads as its shortest text
  ASSERT_TRUE(json) << json.error().to_string();
  EXPECT_EQ(*json, *init);
  EXPECT_EQ(error_of(abi.encode_init(Json())), "init(rate: Rate) needs 1 argument: rate");
  EXPECT_EQ(error_of(abi.encode_init(Json::array())), "init(rate: Rate) takes 1 argument, got 0");
  auto decoded = abi.decode_init(*init);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->dump(), R"({"rate":"0.8"})");
  EXPECT_FALSE(abi.check_init(Bytes{1, 2, 3}));
}

TEST(Abi, MoneyNeedsTheCurrencysDigits) {
  Abi abi = factoring();
  auto reg = [&](const std::string& amount) {
    return abi.encode_call_assignments("register",
                                       {"id=" + kId, "debtor=" + kDebtor, "amount=" + amount, "due=2027-03-31"});
  };
  EXPECT_EQ(error_of(reg("125000.0 CNY")), "amount: 125000.0 CNY has 1 fractional digit, CNY amounts have 2");
  EXPECT_EQ(error_of(reg("125000 CNY")), "amount: 125000 CNY has no fractional digits, CNY amounts have 2");
  EXPECT_EQ(error_of(reg("5000.00 JPY")), "amount: 5000.00 JPY has 2 fractional digits, JPY amounts have none");
  EXPECT_EQ(error_of(reg("1.5 KWD")), "amount: 1.5 KWD has 1 fractional digit, KWD amounts have 3");
  EXPECT_EQ(error_of(reg("125000.00")),
            "amount: 125000.00 has no currency: write it as \"125000.00 CNY\" (or USD, EUR, ...)");
  EXPECT_NE(error_of(reg("12.00 XYZ")).find("amount: unknown currency \"XYZ\""), std::string::npos);
  EXPECT_NE(error_of(reg("lots CNY")).find("is not an amount"), std::string::npos);
  EXPECT_TRUE(reg("5000 JPY"));
  EXPECT_TRUE(reg("1.500 BHD"));
  EXPECT_TRUE(reg("-3.50 USD"));
  EXPECT_TRUE(reg("125_000.00 CNY"));
  EXPECT_EQ(error_of(reg("1701411834604692317316873037158841057.28 CNY")),
            "amount: 1701411834604692317316873037158841057.28 CNY is too large for Money");
  EXPECT_TRUE(reg("-1701411834604692317316873037158841057.28 CNY"));  // -2^127
  EXPECT_TRUE(reg("1701411834604692317316873037158841057.27 CNY"));   // 2^127 - 1 minor units
}

TEST(Abi, ErrorsNameTheParameter) {
  Abi abi = factoring();
  auto reg = [&](std::vector<std::string> args) { return error_of(abi.encode_call_assignments("register", args)); };
  const std::vector<std::string> ok = {"id=" + kId, "debtor=" + kDebtor, "amount=1.00 CNY", "due=2027-03-31"};
  auto with = [&](size_t i, const std::string& a) {
    auto v = ok;
    v[i] = a;
    return v;
  };
  EXPECT_EQ(reg(with(3, "due=2027-02-30")),
            "due: \"2027-02-30\" is not a date (expected YYYY-MM-DD, such as 2027-03-31)");
  EXPECT_EQ(reg(with(0, "id=0x12")), "id: \"0x12\" is not a Hash: expected 0x and 64 hex digits");
  EXPECT_EQ(reg(with(1, "debtor=0x12")), "debtor: \"0x12\" is not a party: expected 0x and 64 hex digits");
  EXPECT_EQ(reg(with(1, "debtor=bob")),
            "debtor: \"bob\" is not a party: give 0x and 64 hex digits (there is no key store to look names up in)");
  EXPECT_EQ(reg(with(3, "dew=2027-03-31")), "register has no parameter \"dew\" (parameters: id, debtor, amount, due)");
  EXPECT_EQ(reg({ok[0], ok[1], ok[2]}),
            "register: missing argument due (Date); register(id: Hash, debtor: Party, amount: Money, due: Date)");
  EXPECT_EQ(reg({ok[0], ok[0]}), "id: given twice");
  EXPECT_EQ(reg(with(0, "id")), "\"id\": expected name=value (register takes id, debtor, amount, due)");
  EXPECT_EQ(error_of(abi.encode_call("regster", Json::array())),
            "unknown entry \"regster\": Factoring has register, confirm, finance, invoice");
  EXPECT_EQ(error_of(abi.encode_call("confirm", Json::array({kId, kId}))), "confirm(id: Hash) takes 1 argument, got 2");
  EXPECT_EQ(error_of(abi.encode_call("confirm", Json(5))),
            "the arguments of confirm must be a JSON array (by position) or object (by name), got 5");
}

TEST(Abi, PartiesByKeyName) {
  Abi abi = factoring();
  Party bob{};
  bob.fill(0x22);
  PartyResolver resolve = [&](std::string_view name) -> Result<Party> {
    if (name == "bob") return bob;
    return Error{ErrorCode::NotFound, "unknown key \"" + std::string(name) + "\""};
  };
  auto input = abi.encode_call_assignments(
      "register", {"id=" + kId, "debtor=bob", "amount=125000.00 CNY", "due=2027-03-31"}, resolve);
  ASSERT_TRUE(input) << input.error().to_string();
  EXPECT_EQ(*input, register_input());
  EXPECT_EQ(error_of(abi.encode_call_assignments("finance", {"id=" + kId, "factor=carol"}, resolve)),
            "factor: unknown key \"carol\"");
}

TEST(Abi, DecodesCallsValuesAndEvents) {
  Abi abi = factoring();
  auto call = abi.decode_call(register_input());
  ASSERT_TRUE(call) << call.error().to_string();
  EXPECT_EQ(call->entry->name, "register");
  EXPECT_EQ(call->args.dump(),
            R"({"id":")" + kId + R"(","debtor":")" + kDebtor + R"(","amount":"125000.00 CNY","due":"2027-03-31"})");
  EXPECT_TRUE(abi.check_call(register_input()));

  // Option<Invoice> with a Financed state, encoded from JSON and decoded back.
  const Json invoice = Json::parse(R"({"seller":")" + kId + R"(","debtor":")" + kDebtor +
                                   R"(","amount":"125000.00 CNY","due":"2027-03-31","state":{"Financed":{"factor":")" +
                                   kDebtor + R"(","advance":"100000.00 CNY"}}})");
  auto bytes = abi.encode_value("Option<Invoice>", invoice);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  auto back = abi.decode_value("Option<Invoice>", *bytes);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, invoice);
  auto none = abi.decode_value("Option<Invoice>", Bytes{0});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->is_null());
  auto registered = abi.encode_value("State", Json("Registered"));
  ASSERT_TRUE(registered);
  EXPECT_EQ(*registered, Bytes{0});
  EXPECT_EQ(error_of(abi.encode_value("State", Json("Financed"), "state")),
            "state: State::Financed has fields: write {\"Financed\": {\"factor\": ..., \"advance\": ...}}");
  EXPECT_EQ(error_of(abi.encode_value("State", Json("Paid"), "state")),
            "state: State has no variant \"Paid\" (variants: Registered, Confirmed, Financed, Settled)");
  EXPECT_EQ(error_of(abi.encode_value("Invoice", Json::object(), "inv")),
            "inv: missing field seller (Party) of Invoice");

  // An event's data.
  BorshWriter w;
  w.fixed(Bytes(32, 0x11));
  w.fixed(Bytes(32, 0x22));
  w.i128(10'000'000);
  w.fixed(bytes_of({'C', 'N', 'Y'}));
  const std::string topic = "Financed";
  auto ev = abi.decode_event(std::span(reinterpret_cast<const uint8_t*>(topic.data()), topic.size()), w.data());
  ASSERT_TRUE(ev) << ev.error().to_string();
  ASSERT_TRUE(ev->has_value());
  EXPECT_EQ((**ev)["advance"], "100000.00 CNY");
  auto unknown = abi.decode_event(Bytes{'n'}, Bytes{});
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
  auto short_event =
      abi.decode_event(std::span(reinterpret_cast<const uint8_t*>(topic.data()), topic.size()), Bytes(40, 0));
  ASSERT_FALSE(short_event);
  EXPECT_NE(short_event.error().message.find("event Financed: factor (Party): offset 32: unexpected end of input"),
            std::string::npos)
      << short_event.error().message;
}

TEST(Abi, RejectsInputsThatDoNotMatch) {
  Abi abi = factoring();
  auto message = [&](const Bytes& input) {
    auto s = abi.check_call(input);
    EXPECT_FALSE(s);
    EXPECT_FALSE(abi.decode_call(input));
    return s ? std::string() : s.error().message;
  };
  EXPECT_EQ(abi.check_call(Bytes{}).error().code, ErrorCode::BadArguments);
  EXPECT_EQ(message(Bytes{}),
            "the input is empty: it must start with the name of an action or view (Factoring has register, confirm, "
            "finance, invoice)");
  BorshWriter w;
  w.string("regster");
  EXPECT_EQ(message(w.data()), "unknown entry \"regster\" (Factoring has register, confirm, finance, invoice)");
  Bytes truncated = register_input();
  truncated.resize(truncated.size() - 6);
  EXPECT_EQ(message(truncated).rfind("register: argument amount (Money): offset 92: unexpected end of input", 0), 0u)
      << message(truncated);
  Bytes trailing = register_input();
  append(trailing, Bytes{0, 0, 0});
  EXPECT_EQ(message(trailing),
            "register: 3 bytes after the last argument (offset 99; register(id: Hash, debtor: Party, amount: Money, "
            "due: Date))");
  Bytes lowercase = register_input();
  lowercase[lowercase.size() - 5] = 'y';  // "CNy"
  EXPECT_EQ(message(lowercase),
            "register: argument amount (Money): offset 92: a currency is three upper-case letters, got 434e79");
  Bytes not_utf8 = bytes_of({2, 0, 0, 0, 0xc3, 0x28});
  EXPECT_NE(message(not_utf8).find("does not start with an entry name"), std::string::npos);
  // A wrong type: a Date where the view wants a Hash is too short.
  BorshWriter v;
  v.string("invoice");
  v.i32(20908);
  EXPECT_EQ(message(v.data()).rfind("invoice: argument id (Hash): offset 11: unexpected end of input", 0), 0u)
      << message(v.data());
  // Bad tags inside values.
  Bytes state = bytes_of({7});
  auto bad_state = abi.decode_value("State", state);
  ASSERT_FALSE(bad_state);
  EXPECT_EQ(bad_state.error().message, "State: offset 0: invalid State variant 7 (expected 0..3)");
  auto bad_option = abi.decode_value("Option<Invoice>", bytes_of({2}));
  ASSERT_FALSE(bad_option);
  EXPECT_EQ(bad_option.error().message, "Option<Invoice>: offset 0: option tag must be 0 or 1, got 2");
}

TEST(Abi, IntegersAndTheRestOfTheTypes) {
  Abi abi = kitchen();
  auto ints = abi.encode_call(
      "ints", Json::array({255, -128, 18446744073709551615ull, "-170141183460469231731687303715884105728",
                           "340282366920938463463374607431768211455"}));
  ASSERT_TRUE(ints) << ints.error().to_string();
  auto back = abi.decode_call(*ints);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->args.dump(),
            R"({"a":255,"b":-128,"c":18446744073709551615,"d":"-170141183460469231731687303715884105728",)"
            R"("e":"340282366920938463463374607431768211455"})");
  auto ints_err = [&](Json args) { return error_of(abi.encode_call("ints", args)); };
  EXPECT_EQ(ints_err(Json::array({256, 0, 0, 0, 0})), "a: 256 does not fit in u8 (0 to 255)");
  EXPECT_EQ(ints_err(Json::array({0, 128, 0, 0, 0})), "b: 128 does not fit in i8 (-128 to 127)");
  EXPECT_EQ(ints_err(Json::array({-1, 0, 0, 0, 0})), "a: -1 does not fit in u8 (0 to 255)");
  EXPECT_EQ(ints_err(Json::array({"1x", 0, 0, 0, 0})), "a: \"1x\" is not an integer (u8)");
  EXPECT_EQ(ints_err(Json::array({1.5, 0, 0, 0, 0})), "a: 1.5 is not an integer");
  EXPECT_EQ(
      ints_err(Json::array({0, 0, 0, 0, "340282366920938463463374607431768211456"})),
      "e: 340282366920938463463374607431768211456 does not fit in u128 (0 to 340282366920938463463374607431768211455)");

  auto things = abi.encode_call_assignments(
      "things", {"flag=true", "memo=héllo", "blob=0x0102", "xs=[1, 2, 65535]", "pair=[3, 4]", "maybe=null"});
  ASSERT_TRUE(things) << things.error().to_string();
  auto decoded = abi.decode_call(*things);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->args.dump(),
            R"({"flag":true,"memo":"héllo","blob":"0x0102","xs":[1,2,65535],"pair":[3,4],"maybe":null})");
  auto things_err = [&](std::vector<std::string> args) {
    return error_of(abi.encode_call_assignments("things", args));
  };
  EXPECT_EQ(things_err({"flag=yes", "memo=", "blob=0x", "xs=[]", "pair=[0,0]", "maybe=5"}),
            "flag: expected true or false, got yes");
  EXPECT_EQ(things_err({"flag=true", "memo=123456789", "blob=0x", "xs=[]", "pair=[0,0]", "maybe=5"}),
            "memo: 9 bytes of UTF-8, String<8> holds at most 8");
  EXPECT_EQ(things_err({"flag=true", "memo=", "blob=0x0102030405", "xs=[]", "pair=[0,0]", "maybe=5"}),
            "blob: 5 bytes, Bytes<4> holds at most 4");
  EXPECT_EQ(things_err({"flag=true", "memo=", "blob=0x", "xs=[1,2,3,4]", "pair=[0,0]", "maybe=5"}),
            "xs: 4 elements, Vec<u16, 3> holds at most 3");
  EXPECT_EQ(things_err({"flag=true", "memo=", "blob=0x", "xs=[1,\"x\"]", "pair=[0,0]", "maybe=5"}),
            "xs[1]: \"x\" is not an integer (u16)");
  EXPECT_EQ(things_err({"flag=true", "memo=", "blob=0x", "xs=[]", "pair=[0]", "maybe=5"}),
            "pair: [u8; 2] needs exactly 2 elements, got 1");
  EXPECT_EQ(things_err({"flag=true", "memo=", "blob=0x", "xs=1,2", "pair=[0,0]", "maybe=5"}),
            "xs: expected JSON for Vec<u16, 3> (an array [value, ...]), got \"1,2\"");
  auto some =
      abi.encode_call_assignments("things", {"flag=false", "memo=", "blob=0x", "xs=[]", "pair=[0,0]", "maybe=7"});
  ASSERT_TRUE(some);
  EXPECT_EQ(abi.decode_call(*some)->args["maybe"], 7);

  auto times = abi.encode_call_assignments("times", {"at=2027-03-31T08:00:00Z", "span=-90m", "where=" + kId});
  ASSERT_TRUE(times) << times.error().to_string();
  EXPECT_EQ(abi.decode_call(*times)->args.dump(),
            R"({"at":"2027-03-31T08:00:00Z","span":"-90m","where":")" + kId + R"("})");
  EXPECT_EQ(error_of(abi.encode_call_assignments("times", {"at=2027-03-31 08:00", "span=1d", "where=" + kId})),
            "at: \"2027-03-31 08:00\" is not a time (expected YYYY-MM-DDTHH:MM:SSZ, such as 2027-03-31T08:00:00Z)");
  EXPECT_EQ(error_of(abi.encode_call_assignments("times", {"at=2027-03-31", "span=3w", "where=" + kId})),
            "span: \"3w\": expected a duration such as 30d, 12h, 90m or 45s");
  auto ret = abi.decode_value(*abi.entry("times")->returns, Bytes(8, 0));
  ASSERT_TRUE(ret);
  EXPECT_EQ(*ret, "1970-01-01T00:00:00Z");
}

TEST(Abi, ZeroSizedElementsAreCheckedWithoutWork) {
  Abi abi = kitchen();
  BorshWriter w;
  w.string("empty");
  w.u32(4'000'000'000u);  // four billion elements of nothing
  EXPECT_TRUE(abi.check_call(w.data()));
  auto decoded = abi.decode_call(w.data());  // printing them would be too much: refused, not hung
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("too many parts"), std::string::npos) << decoded.error().message;
}

// Mutated inputs: check_call and decode_call agree, and whatever decodes encodes back to the same
// bytes (the printed syntax is the input syntax), unless it names a currency the language does not
// know.
TEST(Abi, MutatedInputsDecodeConsistentlyAndRoundTrip) {
  const Abi abis[] = {factoring(), kitchen()};
  std::vector<Bytes> seeds = {register_input()};
  {
    auto a = abis[1].encode_call("ints", Json::array({1, -2, 3, "-4", "5"}));
    auto b = abis[1].encode_call_assignments(
        "things", {"flag=true", "memo=hé", "blob=0x01", "xs=[1,2]", "pair=[3,4]", "maybe=9"});
    auto c = abis[1].encode_call_assignments("times", {"at=2027-03-31T08:00:00Z", "span=-90m", "where=" + kId});
    ASSERT_TRUE(a && b && c);
    seeds.insert(seeds.end(), {*a, *b, *c});
  }
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  size_t decoded = 0;
  for (int round = 0; round < 4000; ++round) {
    const size_t which = next() % seeds.size();
    const Abi& abi = abis[which == 0 ? 0 : 1];
    Bytes input = seeds[which];
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int k = 0; k < edits && !input.empty(); ++k) {
      switch (next() % 4) {
        case 0: input[next() % input.size()] ^= static_cast<uint8_t>(1u << (next() % 8)); break;
        case 1: input[next() % input.size()] = static_cast<uint8_t>(next()); break;
        case 2: input.resize(next() % input.size()); break;
        default: input.push_back(static_cast<uint8_t>(next())); break;
      }
    }
    auto checked = abi.check_call(input);
    auto call = abi.decode_call(input);
    ASSERT_EQ(static_cast<bool>(checked), static_cast<bool>(call)) << hex(input);
    if (!call) {
      EXPECT_EQ(call.error().code, ErrorCode::BadArguments);
      EXPECT_EQ(call.error().message, checked.error().message);
      continue;
    }
    ++decoded;
    auto again = abi.encode_call(call->entry->name, call->args);
    if (!again) {
      EXPECT_NE(again.error().message.find("unknown currency"), std::string::npos) << again.error().message;
      continue;
    }
    EXPECT_EQ(hex(*again), hex(input)) << call->args.dump();
  }
  EXPECT_GT(decoded, 100u);
}

TEST(Abi, Formats) {
  EXPECT_EQ(format_money(10'000'000, "CNY"), "100000.00 CNY");
  EXPECT_EQ(format_money(-5, "USD"), "-0.05 USD");
  EXPECT_EQ(format_money(5000, "JPY"), "5000 JPY");
  EXPECT_EQ(format_money(1500, "KWD"), "1.500 KWD");
  EXPECT_EQ(format_money(12345, "XYZ"), "12345 XYZ");
  EXPECT_EQ(format_rate(800'000'000), "0.8");
  EXPECT_EQ(format_rate(35'000'000), "0.035");
  EXPECT_EQ(format_rate(1'000'000'000), "1.0");
  EXPECT_EQ(format_rate(-1), "-0.000000001");
  EXPECT_EQ(format_date(20908), "2027-03-31");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(format_date(-719529), "-0001-12-31");  // years outside 0000..9999 keep their sign and digits
  EXPECT_EQ(format_date(3'000'000), "10183-09-21");
  const Abi abi = factoring();
  for (const char* date : {"-0001-12-31", "10183-09-21", "0000-02-29"}) {
    auto bytes = abi.encode_value("Date", Json(date));
    ASSERT_TRUE(bytes) << bytes.error().to_string();
    EXPECT_EQ(*abi.decode_value("Date", *bytes), date);
  }
  EXPECT_EQ(error_of(abi.encode_value("Date", Json("9999999-01-01"), "due")),
            "due: 9999999-01-01 is out of a Date's range (days since 1970 as an i32)");
  EXPECT_EQ(format_timestamp(20908 * 86400 + 8 * 3600), "2027-03-31T08:00:00Z");
  EXPECT_EQ(format_duration_literal(30 * 86400), "30d");
  EXPECT_EQ(format_duration_literal(90 * 60), "90m");
  EXPECT_EQ(format_duration_literal(-2 * 86400), "-2d");
  EXPECT_EQ(format_duration_literal(45), "45s");
  EXPECT_EQ(format_duration_literal(0), "0s");
  EXPECT_EQ(currency_exponent("BHD"), 3);
  EXPECT_EQ(currency_exponent("XYZ"), std::nullopt);
}

// A module with custom sections: the ABI is found among them.
Bytes module_with(const std::vector<std::pair<std::string, std::string>>& sections) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const auto& [name, payload] : sections) {
    Bytes body;
    body.push_back(static_cast<uint8_t>(name.size()));
    body.insert(body.end(), name.begin(), name.end());
    body.insert(body.end(), payload.begin(), payload.end());
    m.push_back(0);
    uint32_t n = static_cast<uint32_t>(body.size());
    do {
      uint8_t b = n & 0x7f;
      n >>= 7;
      if (n) b |= 0x80;
      m.push_back(b);
    } while (n);
    append(m, body);
  }
  return m;
}

TEST(Abi, ReadsTheSectionOfAModule) {
  auto abi = Abi::from_wasm(module_with({{"name", "x"}, {"tenor.abi", kFactoringAbi}}));
  ASSERT_TRUE(abi) << abi.error().to_string();
  ASSERT_TRUE(abi->has_value());
  EXPECT_EQ((*abi)->contract(), "Factoring");
  auto none = Abi::from_wasm(module_with({{"name", "x"}}));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(Abi::from_wasm(Bytes{1, 2, 3}));
  Bytes truncated = module_with({{"tenor.abi", kFactoringAbi}});
  truncated.resize(100);
  EXPECT_FALSE(Abi::from_wasm(truncated));
  auto bad = Abi::from_wasm(module_with({{"tenor.abi", "{]"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "the tenor.abi section: ABI: not valid JSON");
}

TEST(Abi, RejectsBadAbis) {
  auto error = [](const std::string& json) {
    auto abi = Abi::parse(json);
    return abi ? std::string("(parsed)") : abi.error().message;
  };
  EXPECT_EQ(error(R"({"entries": [{"name": "f", "kind": "action", "params": [{"name": "x", "type": "Moneyy"}]}]})"),
            "ABI: entries[0].params[0].type: unknown type Moneyy");
  EXPECT_EQ(error(R"({"entries": [], "structs": [{"name": "A", "fields": [{"name": "b", "type": "Option<B>"}]},
                                                 {"name": "B", "fields": [{"name": "a", "type": "[A; 2]"}]}]})"),
            "ABI: struct A contains itself");
  EXPECT_EQ(
      error(
          R"({"entries": [{"name": "f", "kind": "action", "params": []}, {"name": "f", "kind": "view", "params": []}]})"),
      "ABI: entries[1]: the entry f appears twice");
  EXPECT_EQ(error(R"({"entries": [{"name": "f", "kind": "fn", "params": []}]})"),
            "ABI: entries[0].kind: \"fn\" is not init, action or view");
  EXPECT_EQ(error(R"({"entries": [], "structs": [{"name": "u8", "fields": []}]})"),
            "ABI: structs[0]: u8 is a built-in type");
  EXPECT_EQ(error(R"({"entries": [{"name": "f", "kind": "action", "params": [{"name": "x", "type": "Vec<u8>"}]}]})"),
            "ABI: entries[0].params[0].type: expected Vec<T, N> with a bound N");
  EXPECT_EQ(error("[]"), "ABI: expected a JSON object");
  std::string deep = "u8";
  for (int i = 0; i < 100; ++i) deep = "Option<" + deep + ">";
  EXPECT_NE(
      error(R"({"entries": [{"name": "f", "kind": "action", "params": [{"name": "x", "type": ")" + deep + R"("}]}]})")
          .find("nests deeper than 64"),
      std::string::npos);
}

}  // namespace
}  // namespace tenor::sdk
