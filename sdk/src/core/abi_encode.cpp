// Encoding what the ABI describes: JSON values, call and init arguments (by position, by name or
// as name=value text) to their Borsh bytes, with messages that say which value is wrong and why.
#include <algorithm>
#include <limits>

#include "abi_internal.hpp"

namespace tenor::sdk {

using namespace abi_detail;  // NOLINT(google-build-using-namespace): this file is the ABI's

namespace {

class Encoder {
 public:
  Encoder(const Abi::Data& d, const PartyResolver& resolve) : d_(d), resolve_(resolve) {}

  bool value(const Type& t, const Json& v, const std::string& path) {
    switch (t.kind) {
      case Kind::Bool:
        if (v.is_boolean())
          w_.boolean(v.get<bool>());
        else if (v.is_string() && (v == "true" || v == "false"))
          w_.boolean(v == "true");
        else
          return fail(path, "expected true or false, got " + show(v));
        return true;
      case Kind::Int: return integer(t, v, path);
      case Kind::Money: return money(v, path);
      case Kind::Rate: return rate(v, path);
      case Kind::Decimal: return decimal(v, path);
      case Kind::Date: {
        if (!v.is_string()) return fail(path, "expected a date such as \"2027-03-31\", got " + show(v));
        auto days = common::parse_date(v.get<std::string>());
        if (!days)
          return fail(path,
                      quote_text(v.get<std::string>()) + " is not a date (expected YYYY-MM-DD, such as 2027-03-31)");
        if (*days > std::numeric_limits<int32_t>::max() || *days < std::numeric_limits<int32_t>::min())
          return fail(path, v.get<std::string>() + " is out of a Date's range (days since 1970 as an i32)");
        w_.i32(static_cast<int32_t>(*days));
        return true;
      }
      case Kind::Timestamp: {
        if (!v.is_string()) return fail(path, "expected a time such as \"2027-03-31T08:00:00Z\", got " + show(v));
        auto ts = common::parse_timestamp(v.get<std::string>());
        if (!ts)
          return fail(path, quote_text(v.get<std::string>()) +
                                " is not a time (expected YYYY-MM-DDTHH:MM:SSZ, such as 2027-03-31T08:00:00Z)");
        w_.i64(*ts);
        return true;
      }
      case Kind::Duration: return duration(v, path);
      case Kind::Party: return party(v, path);
      case Kind::Address:
      case Kind::Hash: {
        const char* what = t.kind == Kind::Hash ? "a Hash" : "an Address";
        if (!v.is_string())
          return fail(path, std::string("expected ") + what + " (0x and 64 hex digits), got " + show(v));
        auto b = parse_hex32(v.get<std::string>());
        if (!b)
          return fail(path, quote_text(v.get<std::string>()) + " is not " + what + ": expected 0x and 64 hex digits");
        w_.fixed(*b);
        return true;
      }
      case Kind::Bytes: {
        if (!v.is_string()) return fail(path, "expected hex bytes such as \"0x0102\", got " + show(v));
        std::string_view s = v.get_ref<const std::string&>();
        if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
        auto b = from_hex(s);
        if (!b)
          return fail(path, quote_text(v.get<std::string>()) + " is not hex bytes (0x and two hex digits a byte)");
        if (b->size() > t.bound)
          return fail(path, plural(static_cast<int>(b->size()), "byte", "bytes") + ", " + t.text + " holds at most " +
                                std::to_string(t.bound));
        w_.bytes(*b);
        return true;
      }
      case Kind::String: {
        if (!v.is_string()) return fail(path, "expected a string, got " + show(v));
        const std::string& s = v.get_ref<const std::string&>();
        if (!is_valid_utf8(s)) return fail(path, "the string is not valid UTF-8");
        if (s.size() > t.bound)
          return fail(path, std::to_string(s.size()) + " bytes of UTF-8, " + t.text + " holds at most " +
                                std::to_string(t.bound));
        w_.string(s);
        return true;
      }
      case Kind::Array:
      case Kind::Vec: {
        if (!v.is_array()) return fail(path, "expected a JSON array for " + t.text + ", got " + show(v));
        if (t.kind == Kind::Array && v.size() != t.bound)
          return fail(path, t.text + " needs exactly " + plural(static_cast<int>(t.bound), "element", "elements") +
                                ", got " + std::to_string(v.size()));
        if (t.kind == Kind::Vec) {
          if (v.size() > t.bound)
            return fail(path, plural(static_cast<int>(v.size()), "element", "elements") + ", " + t.text +
                                  " holds at most " + std::to_string(t.bound));
          w_.length(v.size());
        }
        for (size_t i = 0; i < v.size(); ++i)
          if (!value(*t.element, v[i], path + "[" + std::to_string(i) + "]")) return false;
        return true;
      }
      case Kind::Option:
        if (v.is_null()) {
          w_.u8(0);
          return true;
        }
        w_.u8(1);
        return value(*t.element, v, path);
      case Kind::Struct: {
        const AbiStruct& s = d_.structs[t.decl];
        if (!v.is_object())
          return fail(path, "expected a JSON object with the fields of " + s.name + " (" + join_names(s.fields) +
                                "), got " + show(v));
        return fields(s.name, s.fields, d_.struct_fields[t.decl], v, path);
      }
      case Kind::Enum: return enumeration(t, v, path);
    }
    return fail(path, "cannot encode " + t.text);
  }

  bool fields(const std::string& owner, const std::vector<AbiField>& fs, const std::vector<TypeP>& types, const Json& v,
              const std::string& path) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& key = it.key();
      if (std::none_of(fs.begin(), fs.end(), [&](const AbiField& f) { return f.name == key; }))
        return fail(path, owner + " has no field " + quote_text(key) + " (fields: " + join_names(fs) + ")");
    }
    for (size_t i = 0; i < fs.size(); ++i) {
      auto it = v.find(fs[i].name);
      if (it == v.end()) return fail(path, "missing field " + fs[i].name + " (" + fs[i].type + ") of " + owner);
      if (!value(*types[i], *it, sub(path, fs[i].name))) return false;
    }
    return true;
  }

  bool fail(const std::string& path, std::string why) {
    if (error_.empty()) error_ = path.empty() ? std::move(why) : path + ": " + why;
    return false;
  }

  static std::string sub(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  BorshWriter& writer() { return w_; }
  const std::string& error() const { return error_; }

 private:
  bool integer(const Type& t, const Json& v, const std::string& path) {
    bool negative = false;
    U128 mag = 0;
    if (v.is_number_unsigned()) {
      mag = v.get<uint64_t>();
    } else if (v.is_number_integer()) {
      const int64_t i = v.get<int64_t>();
      negative = i < 0;
      mag = negative ? U128{0} - static_cast<U128>(static_cast<I128>(i)) : static_cast<U128>(i);
    } else if (v.is_number_float()) {
      return fail(
          path,
          show(v) + " is not an integer" +
              (t.bits == 128 ? " (give 128-bit values as strings: \"340282366920938463463374607431768211455\")" : ""));
    } else if (v.is_string()) {
      std::string_view s = v.get_ref<const std::string&>();
      if (!s.empty() && s[0] == '-') {
        negative = true;
        s.remove_prefix(1);
      }
      int count = 0;
      bool overflow = false;
      if (!accumulate_digits(s, mag, count, overflow))
        return fail(path, quote_text(v.get<std::string>()) + " is not an integer (" + t.text + ")");
      if (overflow) return fail(path, v.get<std::string>() + " does not fit in " + t.text + range(t));
    } else {
      return fail(path, "expected an integer (" + t.text + "), got " + show(v));
    }
    if (negative && mag == 0) negative = false;
    const U128 max_pos = t.is_signed ? (t.bits == 128 ? kI128Max : (U128{1} << (t.bits - 1)) - 1)
                                     : (t.bits == 128 ? kU128Max : (U128{1} << t.bits) - 1);
    const U128 max_neg = t.is_signed ? max_pos + 1 : 0;
    if ((negative && mag > max_neg) || (!negative && mag > max_pos))
      return fail(path, show(v) + " does not fit in " + t.text + range(t));
    const U128 bits = negative ? U128{0} - mag : mag;  // two's complement
    for (int i = 0; i < t.bits / 8; ++i) w_.u8(static_cast<uint8_t>(bits >> (8 * i)));
    return true;
  }

  static std::string range(const Type& t) {
    if (!t.is_signed) return " (0 to " + u128_text(t.bits == 128 ? kU128Max : (U128{1} << t.bits) - 1) + ")";
    const U128 max = t.bits == 128 ? kI128Max : (U128{1} << (t.bits - 1)) - 1;
    return " (-" + u128_text(max + 1) + " to " + u128_text(max) + ")";
  }

  bool money(const Json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, "expected an amount such as \"125000.00 CNY\", got " + show(v));
    auto m = parse_money_text(v.get_ref<const std::string&>());
    if (!m) return fail(path, std::move(m).error());
    w_.u128(m->bits);
    w_.fixed(std::span(reinterpret_cast<const uint8_t*>(m->currency.data()), 3));
    return true;
  }

  bool rate(const Json& v, const std::string& path) {
    std::string text;
    if (v.is_string())
      text = v.get<std::string>();
    else if (v.is_number())
      text = dump(v);  // the shortest text that reads back as the number
    else
      return fail(path, "expected a rate such as \"0.035\", got " + show(v));
    auto r = parse_rate_text(text);
    if (!r) return fail(path, std::move(r).error());
    w_.u64(static_cast<uint64_t>(*r));
    return true;
  }

  bool decimal(const Json& v, const std::string& path) {
    std::string text;
    if (v.is_string())
      text = v.get<std::string>();
    else if (v.is_number_integer())
      text = dump(v);  // an integer is exact; a JSON fraction would have passed through a double
    else
      return fail(path, "expected a Decimal as a string such as \"1.05\", got " + show(v));
    auto d = parse_decimal_text(text);
    if (!d) return fail(path, std::move(d).error());
    w_.u128(static_cast<U128>(*d));
    return true;
  }

  bool duration(const Json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, "expected a duration such as 30d, 12h, 90m or 45s, got " + show(v));
    auto d = parse_duration_text(v.get_ref<const std::string&>());
    if (!d) return fail(path, std::move(d).error());
    w_.u64(static_cast<uint64_t>(*d));
    return true;
  }

  bool party(const Json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, "expected a party (a key name, or 0x and 64 hex digits), got " + show(v));
    const std::string& s = v.get_ref<const std::string&>();
    if (auto b = parse_hex32(s)) {
      w_.fixed(*b);
      return true;
    }
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
      return fail(path, quote_text(s) + " is not a party: expected 0x and 64 hex digits");
    if (!valid_party_name(s))
      return fail(path, quote_text(s) + " is not a party: give a key name or 0x and 64 hex digits");
    if (!resolve_)
      return fail(path, quote_text(s) +
                            " is not a party: give 0x and 64 hex digits (there is no key store to look names up in)");
    auto p = resolve_(s);
    if (!p) return fail(path, p.error().message);
    w_.fixed(*p);
    return true;
  }

  bool enumeration(const Type& t, const Json& v, const std::string& path) {
    const AbiEnum& e = d_.enums[t.decl];
    auto variant_names = [&] {
      std::string out;
      for (const auto& var : e.variants) out += (out.empty() ? "" : ", ") + var.name;
      return out;
    };
    std::string name;
    const Json* body = nullptr;
    if (v.is_string()) {
      name = v.get<std::string>();
    } else if (v.is_object() && v.size() == 1) {
      name = v.begin().key();
      body = &v.begin().value();
    } else {
      return fail(path, "expected a variant of " + e.name + ": \"Variant\" or {\"Variant\": {fields}} (variants: " +
                            variant_names() + "), got " + show(v));
    }
    size_t k = 0;
    while (k < e.variants.size() && e.variants[k].name != name) ++k;
    if (k == e.variants.size())
      return fail(path, e.name + " has no variant " + quote_text(name) + " (variants: " + variant_names() + ")");
    const AbiVariant& var = e.variants[k];
    w_.variant(static_cast<uint8_t>(k));
    if (!body || body->is_null() || (body->is_object() && body->empty() && var.fields.empty())) {
      if (!var.fields.empty()) {
        std::string example;
        for (const auto& x : var.fields) example += (example.empty() ? "\"" : ", \"") + x.name + "\": ...";
        return fail(path, e.name + "::" + var.name + " has fields: write {\"" + var.name + "\": {" + example + "}}");
      }
      return true;
    }
    if (!body->is_object())
      return fail(path, "expected the fields of " + e.name + "::" + var.name + " as a JSON object, got " + show(*body));
    return fields(e.name + "::" + var.name, var.fields, d_.variant_fields[t.decl][k], *body, sub(path, var.name));
  }

  const Abi::Data& d_;
  const PartyResolver& resolve_;
  BorshWriter w_;
  std::string error_;
};

}  // namespace

namespace {

bool encode_args(Encoder& enc, const AbiEntry& e, const std::vector<TypeP>& types, const Json& args) {
  const std::string who = entry_label(e);
  if (args.is_null() || (args.is_array() && args.empty() && e.params.empty()) ||
      (args.is_object() && args.empty() && e.params.empty())) {
    if (e.params.empty()) return true;
    return enc.fail("", signature(e) + " needs " + plural(static_cast<int>(e.params.size()), "argument", "arguments") +
                            ": " + join_names(e.params));
  }
  if (args.is_array()) {
    if (args.size() != e.params.size())
      return enc.fail("", signature(e) + " takes " +
                              plural(static_cast<int>(e.params.size()), "argument", "arguments") + ", got " +
                              std::to_string(args.size()));
    for (size_t i = 0; i < types.size(); ++i)
      if (!enc.value(*types[i], args[i], e.params[i].name)) return false;
    return true;
  }
  if (args.is_object()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string& key = it.key();
      if (std::none_of(e.params.begin(), e.params.end(), [&](const AbiField& f) { return f.name == key; }))
        return enc.fail("",
                        who + " has no parameter " + quote_text(key) + " (parameters: " + join_names(e.params) + ")");
    }
    for (size_t i = 0; i < types.size(); ++i) {
      auto it = args.find(e.params[i].name);
      if (it == args.end())
        return enc.fail(
            "", who + ": missing argument " + e.params[i].name + " (" + e.params[i].type + "); " + signature(e));
      if (!enc.value(*types[i], *it, e.params[i].name)) return false;
    }
    return true;
  }
  return enc.fail(
      "", "the arguments of " + who + " must be a JSON array (by position) or object (by name), got " + show(args));
}

// name=value text to JSON, typed by `t`.
Result<Json> text_value(const Type& t, const std::string& text, const std::string& path) {
  switch (t.kind) {
    case Kind::Option:
      if (text == "null") return Json(nullptr);
      return text_value(*t.element, text, path);
    case Kind::Array:
    case Kind::Vec:
    case Kind::Struct: {
      Json j = Json::parse(text, nullptr, false);
      if (j.is_discarded())
        return invalid(path + ": expected JSON for " + t.text + " (" +
                       (t.kind == Kind::Struct ? "an object {\"field\": value, ...}" : "an array [value, ...]") +
                       "), got " + quote_text(text));
      return j;
    }
    case Kind::Enum:
      if (!text.empty() && (text[0] == '{' || text[0] == '"')) {
        Json j = Json::parse(text, nullptr, false);
        if (j.is_discarded()) return invalid(path + ": " + quote_text(text) + " is not valid JSON");
        return j;
      }
      return Json(text);
    default: return Json(text);
  }
}

}  // namespace

Result<Json> Abi::assignments_to_json(const AbiEntry& e, const std::vector<std::string>& assignments) const {
  const size_t index = index_of(d_->entries, &e);
  if (index >= d_->entries.size()) return invalid("the entry is not one of this ABI's");
  const std::string who = entry_label(e);
  Json out = Json::object();
  for (const std::string& a : assignments) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return invalid(quote_text(a) + ": expected name=value (" + who + " takes " + join_names(e.params) + ")");
    const std::string name = a.substr(0, eq);
    size_t k = 0;
    while (k < e.params.size() && e.params[k].name != name) ++k;
    if (k == e.params.size())
      return invalid(who + " has no parameter " + quote_text(name) + " (parameters: " + join_names(e.params) + ")");
    if (out.contains(name)) return invalid(name + ": given twice");
    auto v = text_value(*d_->entry_params[index][k], a.substr(eq + 1), name);
    if (!v) return std::move(v).error();
    out[name] = std::move(*v);
  }
  return out;
}

Result<Bytes> Abi::encode_call(std::string_view name, const Json& args, const PartyResolver& resolve) const {
  const AbiEntry* e = entry(name);
  if (!e) {
    std::string hint = init() && init()->name == name ? " (the init runs once, at deployment)" : "";
    return invalid("unknown entry " + quote_text(name) + hint + ": " +
                   (d_->contract.empty() ? "the contract" : d_->contract) + " has " + entry_names());
  }
  Encoder enc(*d_, resolve);
  enc.writer().string(e->name);
  if (!encode_args(enc, *e, d_->entry_params[index_of(d_->entries, e)], args)) return invalid(enc.error());
  return enc.writer().take();
}

Result<Bytes> Abi::encode_call_assignments(std::string_view name, const std::vector<std::string>& assignments,
                                           const PartyResolver& resolve) const {
  const AbiEntry* e = entry(name);
  if (!e) return encode_call(name, Json(), resolve);  // the unknown-entry error
  auto args = assignments_to_json(*e, assignments);
  if (!args) return std::move(args).error();
  return encode_call(name, *args, resolve);
}

Result<Bytes> Abi::encode_init(const Json& args, const PartyResolver& resolve) const {
  const AbiEntry* e = init();
  if (!e) {
    const bool none = args.is_null() || ((args.is_array() || args.is_object()) && args.empty());
    if (none) return Bytes{};
    return invalid((d_->contract.empty() ? std::string("the contract") : d_->contract) +
                   " has no init: it takes no arguments");
  }
  Encoder enc(*d_, resolve);
  if (!encode_args(enc, *e, d_->entry_params[index_of(d_->entries, e)], args)) return invalid(enc.error());
  return enc.writer().take();
}

Result<Bytes> Abi::encode_init_assignments(const std::vector<std::string>& assignments,
                                           const PartyResolver& resolve) const {
  const AbiEntry* e = init();
  if (!e) return encode_init(assignments.empty() ? Json() : Json(assignments), resolve);
  auto args = assignments_to_json(*e, assignments);
  if (!args) return std::move(args).error();
  return encode_init(*args, resolve);
}

Result<Bytes> Abi::encode_value(std::string_view type, const Json& value, std::string_view what,
                                const PartyResolver& resolve) const {
  auto t = parse_type(*d_, type);
  if (!t) return invalid(std::string(type) + ": " + t.error().message);
  Encoder enc(*d_, resolve);
  if (!enc.value(**t, value, std::string(what))) return invalid(enc.error());
  return enc.writer().take();
}

}  // namespace tenor::sdk
