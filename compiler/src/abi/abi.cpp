// The contract ABI as JSON (docs/abi.md): entry points with parameter and return types, who must
// sign, events, the storage layout with each field's key, the user types, the source hash and the
// compiler version. Keys keep a fixed order (nlohmann::ordered_json), so the text is reproducible.
#include "abi.hpp"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tenor/compiler/build.hpp"

namespace tenor::compiler::abi {
namespace {

using nlohmann::ordered_json;

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

ordered_json fields(const check::Program& p, const std::vector<check::FieldInfo>& fs) {
  ordered_json a = ordered_json::array();
  for (const auto& f : fs) a.push_back({{"name", f.name}, {"type", p.type_name(f.type)}});
  return a;
}

const char* kind_name(ast::ItemKind k) {
  switch (k) {
    case ast::ItemKind::Init: return "init";
    case ast::ItemKind::Action: return "action";
    case ast::ItemKind::View: return "view";
    default: return "fn";
  }
}

// The structs and enums a caller can meet: the contract's own, and a module's when an entry
// point, event or storage field holds it (directly or inside another type). A module's other
// types are not part of the contract, so an unused one adds nothing to the ABI.
struct Exposed {
  const check::Program& p;
  std::set<std::uint32_t> structs, enums;

  void add(check::TypeId id) {
    const check::Type& t = p.type(id);
    switch (t.kind) {
      case check::TypeKind::Struct:
        if (structs.insert(t.decl).second)
          for (const auto& f : p.structs[t.decl].fields) add(f.type);
        break;
      case check::TypeKind::Enum:
        if (enums.insert(t.decl).second)
          for (const auto& v : p.enums[t.decl].variants)
            for (const auto& f : v.fields) add(f.type);
        break;
      case check::TypeKind::Map: add(t.key); [[fallthrough]];
      case check::TypeKind::Array:
      case check::TypeKind::Vec:
      case check::TypeKind::Option: add(t.element); break;
      default: break;
    }
  }
  void add(const std::vector<check::FieldInfo>& fs) {
    for (const auto& f : fs) add(f.type);
  }

  explicit Exposed(const check::Program& prog) : p(prog) {
    for (std::size_t i = 0; i < p.structs.size(); ++i)
      if (p.structs[i].unit == 0) add_decl(check::TypeKind::Struct, i);
    for (std::size_t i = 0; i < p.enums.size(); ++i)
      if (p.enums[i].unit == 0) add_decl(check::TypeKind::Enum, i);
    for (const auto& f : p.functions)
      if (f.unit == 0 && f.kind != ast::ItemKind::Function) add(f.params), add(f.return_type);
    for (const auto& e : p.events) add(e.fields);
    add(p.storage);
  }
  void add_decl(check::TypeKind k, std::size_t i) {
    if (k == check::TypeKind::Struct && structs.insert(static_cast<std::uint32_t>(i)).second) add(p.structs[i].fields);
    if (k == check::TypeKind::Enum && enums.insert(static_cast<std::uint32_t>(i)).second)
      for (const auto& v : p.enums[i].variants) add(v.fields);
  }
};

std::string sha256_hex(std::string_view bytes) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return hex(h, sizeof h);
}

// Each file's (path, SHA-256), sorted by path.
std::vector<std::pair<std::string, std::string>> file_hashes(const SourceManager& sources) {
  std::vector<std::pair<std::string, std::string>> files;
  for (std::size_t i = 0; i < sources.file_count(); ++i) {
    const SourceFile& f = sources.file(static_cast<FileId>(i));
    files.emplace_back(f.path(), sha256_hex(f.text()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::string source_sha256(const SourceManager& sources, FileId root) {
  if (sources.file_count() == 1) return sha256_hex(sources.file(root).text());
  std::string manifest;
  for (const auto& [path, sha] : file_hashes(sources)) manifest += sha + "  " + path + "\n";
  return sha256_hex(manifest);
}

std::string to_json(const ast::File& file, const check::Program& p, const SourceManager& sources, FileId root) {
  const std::string_view source = sources.file(root).text();
  ordered_json j;
  j["abi_version"] = 1;
  j["contract"] = file.contract.name;
  j["compiler"] = kCompilerVersion;
  j["source_sha256"] = source_sha256(sources, root);
  // With modules, which files the hash covers.
  if (sources.file_count() > 1) {
    ordered_json files = ordered_json::array();
    for (const auto& [path, sha] : file_hashes(sources)) files.push_back({{"path", path}, {"sha256", sha}});
    j["sources"] = files;
  }
  j["encoding"] = "borsh";
  j["entry_input"] = "borsh: String name of the action or view, then its arguments in order";

  ordered_json entries = ordered_json::array();
  for (const auto& f : p.functions) {
    if (f.kind == ast::ItemKind::Function || !f.item) continue;
    ordered_json e;
    e["name"] = f.name;
    e["kind"] = kind_name(f.kind);
    e["params"] = fields(p, f.params);
    e["returns"] = p.type(f.return_type).kind == check::TypeKind::Unit ? ordered_json(nullptr)
                                                                       : ordered_json(p.type_name(f.return_type));
    ordered_json signers = ordered_json::array();
    for (const auto& s : f.item->signed_by)
      signers.push_back(std::string(source.substr(s->range.begin, s->range.size())));
    e["signed_by"] = signers;
    e["writes"] = f.writes;
    entries.push_back(e);
  }
  j["entries"] = entries;

  ordered_json events = ordered_json::array();
  for (const auto& e : p.events)
    events.push_back({{"name", e.name}, {"topic", e.name}, {"fields", fields(p, e.fields)}});
  j["events"] = events;

  ordered_json storage = ordered_json::array();
  for (std::size_t i = 0; i < p.storage.size(); ++i) {
    const auto& f = p.storage[i];
    const unsigned char key[2] = {static_cast<unsigned char>(i >> 8), static_cast<unsigned char>(i & 0xFF)};
    ordered_json s{{"name", f.name}, {"type", p.type_name(f.type)}, {"key", hex(key, 2)}};
    if (p.type(f.type).kind == check::TypeKind::Map) {
      s["map_key"] = p.type_name(p.type(f.type).key);
      s["map_value"] = p.type_name(p.type(f.type).element);
    }
    storage.push_back(s);
  }
  j["storage"] = storage;

  const Exposed exposed(p);
  ordered_json structs = ordered_json::array();
  for (std::uint32_t i : exposed.structs)
    structs.push_back({{"name", p.structs[i].name}, {"fields", fields(p, p.structs[i].fields)}});
  j["structs"] = structs;
  ordered_json enums = ordered_json::array();
  for (std::uint32_t i : exposed.enums) {
    const auto& e = p.enums[i];
    ordered_json vs = ordered_json::array();
    for (const auto& v : e.variants) vs.push_back({{"name", v.name}, {"fields", fields(p, v.fields)}});
    enums.push_back({{"name", e.name}, {"variants", vs}});
  }
  j["enums"] = enums;
  return j.dump(2) + "\n";
}

}  // namespace tenor::compiler::abi
