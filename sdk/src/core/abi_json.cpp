// The ABI JSON (the compiler's "tenor.abi" section) parsed and checked into an Abi, reading it out
// of a module, and the Abi's accessors; the helpers the ABI's messages share.
#include <algorithm>
#include <set>

#include "abi_internal.hpp"
#include "tenor/common/wasm_sections.hpp"

namespace tenor::sdk {

namespace abi_detail {

bool is_ident(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string dump(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string show(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : dump(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string quote_text(std::string_view s) {
  std::string q = dump(Json(std::string(s)));  // escapes control characters
  if (q.size() > 62) q = q.substr(0, 58) + "...\"";
  return q;
}

std::string join_names(const std::vector<AbiField>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
}

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace abi_detail

std::string signature(const AbiEntry& e) {
  std::string s = e.name + "(";
  for (size_t i = 0; i < e.params.size(); ++i) s += (i ? ", " : "") + e.params[i].name + ": " + e.params[i].type;
  return s + ")";
}

using namespace abi_detail;  // NOLINT(google-build-using-namespace): this file is the ABI's

namespace {

struct JsonReader {
  std::string error;

  bool fail(const std::string& where, const std::string& why) {
    if (error.empty()) error = "ABI: " + where + ": " + why;
    return false;
  }
  bool string(const Json& o, const char* key, const std::string& where, std::string& out) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return fail(where, std::string("expected a string \"") + key + "\"");
    out = it->get<std::string>();
    return true;
  }
  bool name(const Json& o, const std::string& where, std::string& out) {
    if (!string(o, "name", where, out)) return false;
    if (!is_ident(out)) return fail(where + ".name", quote_text(out) + " is not a name");
    return true;
  }
  bool array(const Json& o, const char* key, const std::string& where, const Json*& out, bool required) {
    auto it = o.find(key);
    if (it == o.end() && !required) {
      out = nullptr;
      return true;
    }
    if (it == o.end() || !it->is_array()) return fail(where, std::string("expected an array \"") + key + "\"");
    out = &*it;
    return true;
  }
  bool fields(const Json& o, const char* key, const std::string& where, std::vector<AbiField>& out) {
    const Json* a = nullptr;
    if (!array(o, key, where, a, true)) return false;
    std::set<std::string> seen;
    for (size_t i = 0; i < a->size(); ++i) {
      const std::string w = where + "." + key + "[" + std::to_string(i) + "]";
      const Json& f = (*a)[i];
      if (!f.is_object()) return fail(w, "expected an object {\"name\", \"type\"}");
      AbiField field;
      if (!name(f, w, field.name) || !string(f, "type", w, field.type)) return false;
      if (!seen.insert(field.name).second) return fail(w, "the name " + field.name + " appears twice");
      out.push_back(std::move(field));
    }
    return true;
  }
};

Result<std::vector<TypeP>> parse_types(const Abi::Data& d, const std::vector<AbiField>& fs, const std::string& where) {
  std::vector<TypeP> out;
  for (size_t i = 0; i < fs.size(); ++i) {
    auto t = parse_type(d, fs[i].type);
    if (!t) return malformed("ABI: " + where + "[" + std::to_string(i) + "].type: " + t.error().message);
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace

// ---- Abi ---------------------------------------------------------------------------------------

const char* to_string(EntryKind kind) noexcept {
  switch (kind) {
    case EntryKind::Init: return "init";
    case EntryKind::Action: return "action";
    case EntryKind::View: return "view";
  }
  return "?";
}

Result<Abi> Abi::parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed("ABI: not valid JSON");
  if (!j.is_object()) return malformed("ABI: expected a JSON object");
  auto d = std::make_shared<Data>();
  JsonReader jr;
  if (auto it = j.find("contract"); it != j.end() && it->is_string()) d->contract = it->get<std::string>();

  // User types: their names first (fields may name types declared later).
  const Json* structs_json = nullptr;
  const Json* enums_json = nullptr;
  if (!jr.array(j, "structs", "the ABI", structs_json, false) || !jr.array(j, "enums", "the ABI", enums_json, false))
    return malformed(jr.error);
  auto declare = [&](const std::string& name, Kind kind, size_t index, const std::string& where) {
    if (is_builtin_type_name(name)) return jr.fail(where, name + " is a built-in type");
    if (!d->user_types.emplace(name, std::make_pair(kind, index)).second)
      return jr.fail(where, "the type " + name + " is declared twice");
    return true;
  };
  if (structs_json) {
    for (size_t i = 0; i < structs_json->size(); ++i) {
      const std::string w = "structs[" + std::to_string(i) + "]";
      const Json& s = (*structs_json)[i];
      AbiStruct st;
      if (!s.is_object() || !jr.name(s, w, st.name) || !jr.fields(s, "fields", w, st.fields) ||
          !declare(st.name, Kind::Struct, i, w))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      d->structs.push_back(std::move(st));
    }
  }
  if (enums_json) {
    for (size_t i = 0; i < enums_json->size(); ++i) {
      const std::string w = "enums[" + std::to_string(i) + "]";
      const Json& e = (*enums_json)[i];
      AbiEnum en;
      const Json* variants = nullptr;
      if (!e.is_object() || !jr.name(e, w, en.name) || !jr.array(e, "variants", w, variants, true) ||
          !declare(en.name, Kind::Enum, i, w))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      if (variants->empty() || variants->size() > 255)
        return malformed("ABI: " + w + ": an enum has 1 to 255 variants");
      std::set<std::string> seen;
      for (size_t k = 0; k < variants->size(); ++k) {
        const std::string vw = w + ".variants[" + std::to_string(k) + "]";
        const Json& v = (*variants)[k];
        AbiVariant var;
        if (!v.is_object() || !jr.name(v, vw, var.name))
          return malformed(jr.error.empty() ? "ABI: " + vw + ": expected an object" : jr.error);
        if (v.contains("fields") && !jr.fields(v, "fields", vw, var.fields)) return malformed(jr.error);
        if (!seen.insert(var.name).second)
          return malformed("ABI: " + vw + ": the variant " + var.name + " appears twice");
        en.variants.push_back(std::move(var));
      }
      d->enums.push_back(std::move(en));
    }
  }
  for (size_t i = 0; i < d->structs.size(); ++i) {
    auto types = parse_types(*d, d->structs[i].fields, "structs[" + std::to_string(i) + "].fields");
    if (!types) return std::move(types).error();
    d->struct_fields.push_back(std::move(*types));
  }
  for (size_t i = 0; i < d->enums.size(); ++i) {
    d->variant_fields.emplace_back();
    for (size_t k = 0; k < d->enums[i].variants.size(); ++k) {
      auto types = parse_types(*d, d->enums[i].variants[k].fields,
                               "enums[" + std::to_string(i) + "].variants[" + std::to_string(k) + "].fields");
      if (!types) return std::move(types).error();
      d->variant_fields.back().push_back(std::move(*types));
    }
  }
  if (auto st = check_user_types(*d); !st) return std::move(st).error();

  // Entries.
  const Json* entries_json = nullptr;
  if (!jr.array(j, "entries", "the ABI", entries_json, true)) return malformed(jr.error);
  std::set<std::string> entry_names;
  bool has_init = false;
  for (size_t i = 0; i < entries_json->size(); ++i) {
    const std::string w = "entries[" + std::to_string(i) + "]";
    const Json& e = (*entries_json)[i];
    AbiEntry entry;
    std::string kind;
    if (!e.is_object() || !jr.name(e, w, entry.name) || !jr.string(e, "kind", w, kind) ||
        !jr.fields(e, "params", w, entry.params))
      return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
    if (kind == "init")
      entry.kind = EntryKind::Init;
    else if (kind == "action")
      entry.kind = EntryKind::Action;
    else if (kind == "view")
      entry.kind = EntryKind::View;
    else
      return malformed("ABI: " + w + ".kind: " + quote_text(kind) + " is not init, action or view");
    if (entry.kind == EntryKind::Init) {
      if (has_init) return malformed("ABI: " + w + ": a second init");
      has_init = true;
    } else if (!entry_names.insert(entry.name).second) {
      return malformed("ABI: " + w + ": the entry " + entry.name + " appears twice");
    }
    TypeP returns;
    if (auto r = e.find("returns"); r != e.end() && !r->is_null()) {
      if (!r->is_string()) return malformed("ABI: " + w + ".returns: expected a type or null");
      entry.returns = r->get<std::string>();
      auto t = parse_type(*d, *entry.returns);
      if (!t) return malformed("ABI: " + w + ".returns: " + t.error().message);
      returns = *t;
    }
    if (auto s = e.find("signed_by"); s != e.end() && s->is_array())
      for (const Json& x : *s)
        if (x.is_string()) entry.signed_by.push_back(x.get<std::string>());
    auto types = parse_types(*d, entry.params, w + ".params");
    if (!types) return std::move(types).error();
    d->entry_params.push_back(std::move(*types));
    d->entry_returns.push_back(std::move(returns));
    d->entries.push_back(std::move(entry));
  }

  // Events.
  const Json* events_json = nullptr;
  if (!jr.array(j, "events", "the ABI", events_json, false)) return malformed(jr.error);
  if (events_json) {
    std::set<std::string> topics;
    for (size_t i = 0; i < events_json->size(); ++i) {
      const std::string w = "events[" + std::to_string(i) + "]";
      const Json& e = (*events_json)[i];
      AbiEvent ev;
      if (!e.is_object() || !jr.name(e, w, ev.name) || !jr.fields(e, "fields", w, ev.fields))
        return malformed(jr.error.empty() ? "ABI: " + w + ": expected an object" : jr.error);
      ev.topic = ev.name;
      if (auto t = e.find("topic"); t != e.end() && t->is_string()) ev.topic = t->get<std::string>();
      if (!topics.insert(ev.topic).second)
        return malformed("ABI: " + w + ": the topic " + quote_text(ev.topic) + " appears twice");
      auto types = parse_types(*d, ev.fields, w + ".fields");
      if (!types) return std::move(types).error();
      d->event_fields.push_back(std::move(*types));
      d->events.push_back(std::move(ev));
    }
  }
  return Abi(std::move(d));
}

Result<std::optional<std::string>> Abi::section(std::span<const uint8_t> code) {
  auto found = common::find_custom_section(code, kAbiSectionName);
  if (!found) return malformed(std::move(found).error());
  if (!*found) return std::optional<std::string>();
  return std::optional<std::string>(std::string(reinterpret_cast<const char*>((*found)->data()), (*found)->size()));
}

Result<std::optional<Abi>> Abi::from_wasm(std::span<const uint8_t> code) {
  auto text = section(code);
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<Abi>();
  auto abi = parse(**text);
  if (!abi) return malformed("the " + std::string(kAbiSectionName) + " section: " + abi.error().message);
  return std::optional<Abi>(std::move(*abi));
}

const std::string& Abi::contract() const noexcept { return d_->contract; }
const std::vector<AbiEntry>& Abi::entries() const noexcept { return d_->entries; }
const std::vector<AbiEvent>& Abi::events() const noexcept { return d_->events; }
const std::vector<AbiStruct>& Abi::structs() const noexcept { return d_->structs; }
const std::vector<AbiEnum>& Abi::enums() const noexcept { return d_->enums; }

const AbiEntry* Abi::entry(std::string_view name) const noexcept {
  for (const auto& e : d_->entries)
    if (e.kind != EntryKind::Init && e.name == name) return &e;
  return nullptr;
}

const AbiEntry* Abi::init() const noexcept {
  for (const auto& e : d_->entries)
    if (e.kind == EntryKind::Init) return &e;
  return nullptr;
}

const AbiEvent* Abi::event(std::span<const uint8_t> topic) const noexcept {
  const std::string_view t(reinterpret_cast<const char*>(topic.data()), topic.size());
  for (const auto& e : d_->events)
    if (e.topic == t) return &e;
  return nullptr;
}

std::string Abi::entry_names() const {
  std::string out;
  for (const auto& e : d_->entries)
    if (e.kind != EntryKind::Init) out += (out.empty() ? "" : ", ") + e.name;
  return out.empty() ? "no actions or views" : out;
}

}  // namespace tenor::sdk
