#include "tenor/sdk/state.hpp"

#include <algorithm>
#include <cstring>

#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

namespace tenor::sdk {

namespace {

Bytes to_bytes(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

bool starts_with(std::span<const uint8_t> s, std::span<const uint8_t> prefix) {
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin());
}

Bytes concat(uint8_t tag, std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
  Bytes out;
  out.reserve(1 + a.size() + b.size());
  out.push_back(tag);
  out.insert(out.end(), a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

namespace state_key {
Bytes code(const Hash& h) { return concat(kCode, h); }
Bytes contract(const Address& a) { return concat(kContract, a); }
Bytes storage(const Address& a, std::span<const uint8_t> key) { return concat(kStorage, a, key); }
Bytes storage_prefix(const Address& a) { return concat(kStorage, a); }
Bytes nonce(const Party& p) { return concat(kNonce, p); }
Bytes balance(const Party& p) { return concat(kBalance, p); }
}  // namespace state_key

// ---- Overlay ----------------------------------------------------------------------------------

std::optional<Bytes> Overlay::get(std::span<const uint8_t> key) const {
  auto it = changes_.find(to_bytes(key));
  if (it != changes_.end()) return it->second;
  return base_.get(key);
}

std::optional<std::pair<Bytes, Bytes>> Overlay::next(std::span<const uint8_t> prefix,
                                                     std::optional<std::span<const uint8_t>> after) const {
  // The base's next key that this overlay neither changed nor deleted.
  std::optional<std::pair<Bytes, Bytes>> from_base;
  {
    std::optional<Bytes> cursor;
    if (after) cursor = to_bytes(*after);
    for (;;) {
      auto kv = cursor ? base_.next(prefix, std::span<const uint8_t>(*cursor)) : base_.next(prefix, std::nullopt);
      if (!kv) break;
      if (changes_.find(kv->first) == changes_.end()) {
        from_base = std::move(kv);
        break;
      }
      cursor = std::move(kv->first);
    }
  }
  // This overlay's next written (not deleted) key.
  std::optional<std::pair<Bytes, Bytes>> from_here;
  auto it = after ? changes_.upper_bound(to_bytes(*after)) : changes_.lower_bound(to_bytes(prefix));
  if (after && std::lexicographical_compare(after->begin(), after->end(), prefix.begin(), prefix.end()))
    it = changes_.lower_bound(to_bytes(prefix));
  for (; it != changes_.end() && starts_with(it->first, prefix); ++it) {
    if (it->second) {
      from_here = std::make_pair(it->first, *it->second);
      break;
    }
  }
  if (!from_base) return from_here;
  if (!from_here) return from_base;
  return from_here->first < from_base->first ? from_here : from_base;
}

void Overlay::record(std::span<const uint8_t> key) {
  Undo u;
  u.key = to_bytes(key);
  auto it = changes_.find(u.key);
  if (it != changes_.end()) u.previous = it->second;
  journal_.push_back(std::move(u));
}

void Overlay::put(std::span<const uint8_t> key, std::span<const uint8_t> value) {
  record(key);
  changes_[to_bytes(key)] = to_bytes(value);
}

void Overlay::erase(std::span<const uint8_t> key) {
  record(key);
  changes_[to_bytes(key)] = std::nullopt;
}

void Overlay::emit(Event e) {
  Undo u;
  u.is_event = true;
  journal_.push_back(std::move(u));
  events_.push_back(std::move(e));
}

void Overlay::rollback(uint64_t checkpoint) {
  while (journal_.size() > checkpoint) {
    Undo& u = journal_.back();
    if (u.is_event) {
      events_.pop_back();
    } else if (u.previous) {
      changes_[u.key] = std::move(*u.previous);
    } else {
      changes_.erase(u.key);
    }
    journal_.pop_back();
  }
}

void Overlay::apply_to(Overlay& below) const {
  for (const auto& [key, value] : changes_) {
    if (value)
      below.put(key, *value);
    else
      below.erase(key);
  }
  for (const Event& e : events_) below.emit(e);
}

std::optional<Hash> Overlay::code_hash(const Address& contract) {
  auto v = get(state_key::contract(contract));
  if (!v || v->size() != 32) return std::nullopt;
  Hash h;
  std::copy(v->begin(), v->end(), h.begin());
  return h;
}

std::optional<Bytes> Overlay::code(const Hash& hash) { return get(state_key::code(hash)); }

std::optional<Bytes> Overlay::storage_get(const Address& contract, std::span<const uint8_t> key) {
  return get(state_key::storage(contract, key));
}

void Overlay::storage_set(const Address& contract, std::span<const uint8_t> key, std::span<const uint8_t> value) {
  put(state_key::storage(contract, key), value);
}

bool Overlay::storage_remove(const Address& contract, std::span<const uint8_t> key) {
  Bytes k = state_key::storage(contract, key);
  bool existed = get(k).has_value();
  if (existed) erase(k);
  return existed;
}

std::optional<Bytes> Overlay::storage_next(const Address& contract, std::span<const uint8_t> prefix,
                                           std::optional<std::span<const uint8_t>> after) {
  Bytes base = state_key::storage_prefix(contract);
  Bytes full_prefix = base;
  full_prefix.insert(full_prefix.end(), prefix.begin(), prefix.end());
  std::optional<Bytes> full_after;
  if (after) {
    full_after = base;
    full_after->insert(full_after->end(), after->begin(), after->end());
  }
  auto kv = full_after ? next(full_prefix, std::span<const uint8_t>(*full_after)) : next(full_prefix, std::nullopt);
  if (!kv) return std::nullopt;
  return Bytes(kv->first.begin() + static_cast<std::ptrdiff_t>(base.size()), kv->first.end());
}

void Overlay::emit_event(const Address& contract, std::span<const uint8_t> topic, std::span<const uint8_t> data) {
  emit(Event{contract, to_bytes(topic), to_bytes(data)});
}

// ---- Database ---------------------------------------------------------------------------------

namespace {

Bytes table_key(Database::Table t, std::span<const uint8_t> key) { return concat(static_cast<uint8_t>(t), key); }

leveldb::Slice slice(std::span<const uint8_t> s) {
  return leveldb::Slice(reinterpret_cast<const char*>(s.data()), s.size());
}

std::span<const uint8_t> span_of(const leveldb::Slice& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

vm::Error db_error(const std::string& what) {
  vm::Error e;
  e.kind = vm::ErrorKind::Invalid;
  e.message = what;
  e.section = "database";
  return e;
}

// The committed state, read straight from LevelDB.
class DbStateView final : public StateView {
 public:
  explicit DbStateView(const Database& db) : db_(db) {}
  std::optional<Bytes> get(std::span<const uint8_t> key) const override { return db_.get(Database::Table::State, key); }
  std::optional<std::pair<Bytes, Bytes>> next(std::span<const uint8_t> prefix,
                                              std::optional<std::span<const uint8_t>> after) const override {
    std::optional<std::pair<Bytes, Bytes>> found;
    // Seek to `after` when it lies within or beyond the prefix's range, so iterating n keys costs
    // n seeks, not n^2 steps; then skip `after` itself.
    db_.scan_from(Database::Table::State, prefix, after, [&](std::span<const uint8_t> k, std::span<const uint8_t> v) {
      if (after && !std::lexicographical_compare(after->begin(), after->end(), k.begin(), k.end())) return true;
      found = std::make_pair(to_bytes(k), to_bytes(v));
      return false;
    });
    return found;
  }

 private:
  const Database& db_;
};

}  // namespace

vm::Result<std::unique_ptr<Database>> Database::open(const std::string& dir, bool create) {
  leveldb::Options options;
  options.create_if_missing = create;
  options.error_if_exists = false;
  options.paranoid_checks = true;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &raw);
  if (!s.ok()) return db_error("cannot open the chain database in " + dir + ": " + s.ToString());
  std::unique_ptr<Database> db(new Database());
  db->db_.reset(raw);
  db->dir_ = dir;
  db->state_view_ = std::make_unique<DbStateView>(*db);
  return db;
}

Database::~Database() = default;

std::optional<Bytes> Database::get(Table t, std::span<const uint8_t> key) const {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  std::string value;
  Bytes k = table_key(t, key);
  leveldb::Status s = db_->Get(ro, slice(k), &value);
  if (!s.ok()) return std::nullopt;  // NotFound; corruption surfaces when the chain verifies roots
  return Bytes(value.begin(), value.end());
}

void Database::Batch::put(Table t, std::span<const uint8_t> key, std::span<const uint8_t> value) {
  ops_.emplace_back(table_key(t, key), to_bytes(value));
}

void Database::Batch::erase(Table t, std::span<const uint8_t> key) {
  ops_.emplace_back(table_key(t, key), std::nullopt);
}

vm::Status Database::write(const Batch& batch) {
  if (failed_)
    return db_error("the chain database in " + dir_ + " refused a write after an earlier failure; reopen it");
  leveldb::WriteBatch wb;
  for (const auto& [k, v] : batch.ops_) {
    if (v)
      wb.Put(slice(k), slice(*v));
    else
      wb.Delete(slice(k));
  }
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status s = db_->Write(wo, &wb);
  if (!s.ok()) {
    failed_ = true;
    return db_error("cannot write to the chain database in " + dir_ + ": " + s.ToString());
  }
  return {};
}

void Database::scan_from(Table t, std::span<const uint8_t> prefix, std::optional<std::span<const uint8_t>> from,
                         const std::function<bool(std::span<const uint8_t>, std::span<const uint8_t>)>& f) const {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(ro));
  const Bytes start = table_key(t, prefix);
  Bytes seek = start;
  if (from && std::lexicographical_compare(prefix.begin(), prefix.end(), from->begin(), from->end()))
    seek = table_key(t, *from);
  for (it->Seek(slice(seek)); it->Valid(); it->Next()) {
    std::span<const uint8_t> k = span_of(it->key());
    if (!starts_with(k, start)) break;
    if (!f(k.subspan(1), span_of(it->value()))) break;
  }
}

}  // namespace tenor::sdk
