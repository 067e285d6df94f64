// Decoding what the ABI describes: Borsh bytes of values, call and init inputs and events to JSON,
// and admission's checks of inputs (decoding without building the JSON).
#include <array>

#include "abi_internal.hpp"

namespace tenor::sdk {

using namespace abi_detail;  // NOLINT(google-build-using-namespace): this file is the ABI's

namespace {

class Decoder {
 public:
  // build: produce JSON (bounded by a budget of nodes); otherwise only check.
  Decoder(const Abi::Data& d, std::span<const uint8_t> input, bool build)
      : d_(d), r_(input), build_(build), budget_(65536 + 64 * input.size()) {}

  bool value(const Type& t, Json* out, const std::string& path) {
    if (build_ && ++nodes_ > budget_) return fail(t, path, "the value has too many parts to print");
    const size_t at = r_.pos();
    switch (t.kind) {
      case Kind::Bool: {
        bool b = false;
        if (!r_.boolean(b)) return fail(t, path);
        if (out) *out = b;
        return true;
      }
      case Kind::Int: {
        std::array<uint8_t, 16> buf{};
        if (!r_.fixed(std::span(buf.data(), t.bits / 8))) return fail(t, path);
        U128 v = 0;
        for (int i = t.bits / 8 - 1; i >= 0; --i) v = (v << 8) | buf[static_cast<size_t>(i)];
        if (t.is_signed && t.bits < 128 && ((v >> (t.bits - 1)) & 1)) v |= kU128Max << t.bits;  // sign-extend
        if (!out) return true;
        if (t.bits <= 64) {
          if (t.is_signed)
            *out = static_cast<int64_t>(static_cast<uint64_t>(v));
          else
            *out = static_cast<uint64_t>(v);
        } else {
          *out = t.is_signed ? i128_text(static_cast<I128>(v)) : u128_text(v);
        }
        return true;
      }
      case Kind::Money: {
        I128 minor = 0;
        std::array<uint8_t, 3> code{};
        if (!r_.i128(minor) || !r_.fixed(code)) return fail(t, path);
        for (uint8_t c : code)
          if (c < 'A' || c > 'Z') {
            r_.fail_at(at + 16, "a currency is three upper-case letters, got " + hex(code));
            return fail(t, path);
          }
        if (out) *out = format_money(minor, std::string(code.begin(), code.end()));
        return true;
      }
      case Kind::Rate: {
        int64_t v = 0;
        if (!r_.i64(v)) return fail(t, path);
        if (out) *out = format_rate(v);
        return true;
      }
      case Kind::Decimal: {
        I128 v = 0;
        if (!r_.i128(v)) return fail(t, path);
        if (out) *out = format_decimal(v);
        return true;
      }
      case Kind::Date: {
        int32_t v = 0;
        if (!r_.i32(v)) return fail(t, path);
        if (out) *out = format_date(v);
        return true;
      }
      case Kind::Timestamp:
      case Kind::Duration: {
        int64_t v = 0;
        if (!r_.i64(v)) return fail(t, path);
        if (out) *out = t.kind == Kind::Timestamp ? format_timestamp(v) : format_duration_literal(v);
        return true;
      }
      case Kind::Party:
      case Kind::Address:
      case Kind::Hash: {
        std::array<uint8_t, 32> b{};
        if (!r_.fixed(b)) return fail(t, path);
        if (out) *out = "0x" + hex(b);
        return true;
      }
      case Kind::Bytes: {
        Bytes b;
        if (!r_.bytes(b, t.bound)) return fail(t, path);
        if (out) *out = "0x" + hex(b);
        return true;
      }
      case Kind::String: {
        std::string s;
        if (!r_.string(s, t.bound)) return fail(t, path);
        if (out) *out = std::move(s);
        return true;
      }
      case Kind::Array:
      case Kind::Vec: {
        const bool empty_elements = always_empty(d_, *t.element);
        uint32_t n = t.bound;
        if (t.kind == Kind::Vec && !r_.length(n, empty_elements ? 0 : 1, t.bound)) return fail(t, path);
        if (out) *out = Json::array();
        if (!out && empty_elements) return true;  // nothing to read, nothing to check
        for (uint32_t i = 0; i < n; ++i) {
          Json element;
          if (!value(*t.element, out ? &element : nullptr, path + "[" + std::to_string(i) + "]")) return false;
          if (out) out->push_back(std::move(element));
        }
        return true;
      }
      case Kind::Option: {
        uint8_t tag = 0;
        if (!r_.u8(tag)) return fail(t, path);
        if (tag > 1) {
          r_.fail_at(at, "option tag must be 0 or 1, got " + std::to_string(tag));
          return fail(t, path);
        }
        if (tag == 0) {
          if (out) *out = nullptr;
          return true;
        }
        return value(*t.element, out, path);
      }
      case Kind::Struct: {
        const AbiStruct& s = d_.structs[t.decl];
        if (out) *out = Json::object();
        return fields(s.fields, d_.struct_fields[t.decl], out, path);
      }
      case Kind::Enum: {
        const AbiEnum& e = d_.enums[t.decl];
        uint8_t k = 0;
        if (!r_.variant(k, static_cast<uint8_t>(e.variants.size()), e.name)) return fail(t, path);
        const AbiVariant& var = e.variants[k];
        if (var.fields.empty()) {
          if (out) *out = var.name;
          return true;
        }
        Json body = Json::object();
        if (!fields(var.fields, d_.variant_fields[t.decl][k], out ? &body : nullptr,
                    path.empty() ? var.name : path + "." + var.name))
          return false;
        if (out) *out = Json{{var.name, std::move(body)}};
        return true;
      }
    }
    return false;
  }

  bool fields(const std::vector<AbiField>& fs, const std::vector<TypeP>& types, Json* out, const std::string& path) {
    for (size_t i = 0; i < fs.size(); ++i) {
      Json v;
      if (!value(*types[i], out ? &v : nullptr, path.empty() ? fs[i].name : path + "." + fs[i].name)) return false;
      if (out) (*out)[fs[i].name] = std::move(v);
    }
    return true;
  }

  // "amount (Money): offset 52: unexpected end of input ..."
  std::string error() const {
    if (!located_) return r_.error();
    if (where_.empty()) return where_type_ + ": " + r_.error();
    return where_ + " (" + where_type_ + "): " + r_.error();
  }

  BorshReader& reader() { return r_; }

 private:
  bool fail(const Type& t, const std::string& path, std::string_view why = {}) {
    if (!why.empty()) r_.fail(why);
    if (!located_) {
      located_ = true;
      where_ = path;
      where_type_ = t.text;
    }
    return false;
  }

  const Abi::Data& d_;
  BorshReader r_;
  bool build_;
  size_t budget_;
  size_t nodes_ = 0;
  bool located_ = false;
  std::string where_, where_type_;
};

}  // namespace

Result<Json> Abi::decode_value(std::string_view type, std::span<const uint8_t> bytes) const {
  auto t = parse_type(*d_, type);
  if (!t) return malformed(std::string(type) + ": " + t.error().message);
  Decoder dec(*d_, bytes, true);
  Json out;
  if (!dec.value(**t, &out, "") || !dec.reader().finish()) return malformed(dec.error());
  return out;
}

namespace {

Result<Json> decode_args(const AbiEntry& e, const std::vector<TypeP>& types, Decoder& dec, bool build) {
  const std::string who = entry_label(e);
  Json args = Json::object();
  for (size_t i = 0; i < types.size(); ++i) {
    Json v;
    if (!dec.value(*types[i], build ? &v : nullptr, e.params[i].name))
      return bad_arguments(who + ": argument " + dec.error());
    if (build) args[e.params[i].name] = std::move(v);
  }
  if (dec.reader().remaining() > 0) {
    const size_t n = dec.reader().remaining();
    return bad_arguments(who + ": " + plural(static_cast<int>(std::min<size_t>(n, 1u << 30)), "byte", "bytes") +
                         " after the last argument (offset " + std::to_string(dec.reader().pos()) + "; " +
                         signature(e) + ")");
  }
  return args;
}

}  // namespace

namespace {

// The entry a call input names, its decoder positioned after the name.
Result<const AbiEntry*> call_entry(const Abi& abi, Decoder& dec, std::span<const uint8_t> input) {
  const std::string owner = abi.contract().empty() ? "the contract" : abi.contract();
  if (input.empty())
    return bad_arguments("the input is empty: it must start with the name of an action or view (" + owner + " has " +
                         abi.entry_names() + ")");
  std::string name;
  if (!dec.reader().string(name, 256))
    return bad_arguments("the input does not start with an entry name: " + dec.reader().error());
  const AbiEntry* e = abi.entry(name);
  if (!e) return bad_arguments("unknown entry " + quote_text(name) + " (" + owner + " has " + abi.entry_names() + ")");
  return e;
}

Error no_init(const Abi& abi, size_t input_size) {
  return bad_arguments((abi.contract().empty() ? std::string("the contract") : abi.contract()) +
                       " has no init, but the init input has " +
                       plural(static_cast<int>(std::min<size_t>(input_size, 1u << 30)), "byte", "bytes"));
}

}  // namespace

Result<DecodedCall> Abi::decode_call(std::span<const uint8_t> input) const {
  Decoder dec(*d_, input, true);
  auto e = call_entry(*this, dec, input);
  if (!e) return std::move(e).error();
  auto args = decode_args(**e, d_->entry_params[index_of(d_->entries, *e)], dec, true);
  if (!args) return std::move(args).error();
  return DecodedCall{*e, std::move(*args)};
}

Status Abi::check_call(std::span<const uint8_t> input) const {
  Decoder dec(*d_, input, false);
  auto e = call_entry(*this, dec, input);
  if (!e) return std::move(e).error();
  auto args = decode_args(**e, d_->entry_params[index_of(d_->entries, *e)], dec, false);
  if (!args) return std::move(args).error();
  return {};
}

Result<Json> Abi::decode_init(std::span<const uint8_t> input) const {
  const AbiEntry* e = init();
  if (!e) {
    if (input.empty()) return Json::object();
    return no_init(*this, input.size());
  }
  Decoder dec(*d_, input, true);
  return decode_args(*e, d_->entry_params[index_of(d_->entries, e)], dec, true);
}

Status Abi::check_init(std::span<const uint8_t> input) const {
  const AbiEntry* e = init();
  if (!e) {
    if (input.empty()) return {};
    return no_init(*this, input.size());
  }
  Decoder dec(*d_, input, false);
  auto args = decode_args(*e, d_->entry_params[index_of(d_->entries, e)], dec, false);
  if (!args) return std::move(args).error();
  return {};
}

Result<std::optional<Json>> Abi::decode_event(std::span<const uint8_t> topic, std::span<const uint8_t> data) const {
  const AbiEvent* e = event(topic);
  if (!e) return std::optional<Json>();
  const auto& types = d_->event_fields[static_cast<size_t>(e - d_->events.data())];
  Decoder dec(*d_, data, true);
  Json out = Json::object();
  if (!dec.fields(e->fields, types, &out, "") || !dec.reader().finish())
    return malformed("event " + e->name + ": " + dec.error());
  return std::optional<Json>(std::move(out));
}

}  // namespace tenor::sdk
