#include "tenor/vm/trace.hpp"

#include <cstdio>

#include "code.hpp"

namespace tenor::vm {

namespace {

// A 64-bit mix (splitmix64's finaliser) chained over the event's fields.
inline uint64_t mix(uint64_t h, uint64_t v) noexcept {
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

const char* kind_name(TraceKind k) {
  switch (k) {
    case TraceKind::Call: return "call";
    case TraceKind::Return: return "return";
    case TraceKind::Block: return "block";
    case TraceKind::Instr: return "instr";
  }
  return "?";
}

}  // namespace

namespace {
uint64_t fold(uint64_t h, const TraceEvent& e) noexcept {
  h = mix(h, static_cast<uint64_t>(e.kind));
  h = mix(h, e.func_index);
  h = mix(h, e.pc);
  h = mix(h, e.detail);
  return mix(h, static_cast<uint64_t>(e.gas_left));
}
// The coarsest level an event belongs to.
size_t level_of(TraceKind k) noexcept {
  switch (k) {
    case TraceKind::Call:
    case TraceKind::Return: return 0;
    case TraceKind::Block: return 1;
    case TraceKind::Instr: return 2;
  }
  return 2;
}
}  // namespace

void Tracer::record(TraceEvent e) noexcept {
  const uint64_t h = fold(hash_, e);
  hash_ = h;
  e.hash = h;
  for (size_t l = level_of(e.kind); l < 3; ++l) level_hashes_[l] = fold(level_hashes_[l], e);
  ++steps_;
  if (events_.size() < max_kept_) {
    try {
      events_.push_back(e);
    } catch (...) {
      max_kept_ = events_.size();  // out of memory: keep hashing, stop keeping
    }
  }
}

std::string Tracer::format(uint64_t index, const TraceEvent& e) {
  char buf[160];
  const char* detail_name = "";
  char detail[48] = "";
  switch (e.kind) {
    case TraceKind::Block: std::snprintf(detail, sizeof detail, " gas=%u", e.detail); break;
    case TraceKind::Instr:
      detail_name = detail::iop_name(static_cast<detail::IOp>(e.detail));
      std::snprintf(detail, sizeof detail, " %s", detail_name);
      break;
    default: break;
  }
  char left[32];
  if (e.gas_left == INT64_MAX)
    std::snprintf(left, sizeof left, "unmetered");
  else
    std::snprintf(left, sizeof left, "left=%lld", static_cast<long long>(e.gas_left));
  std::snprintf(buf, sizeof buf, "#%llu %s f%u @%u%s %s hash=%016llx", static_cast<unsigned long long>(index),
                kind_name(e.kind), e.func_index, e.pc, detail, left, static_cast<unsigned long long>(e.hash));
  return buf;
}

std::optional<uint64_t> Tracer::first_difference(const Tracer& a, const Tracer& b) {
  size_t n = std::min(a.events_.size(), b.events_.size());
  for (size_t i = 0; i < n; ++i)
    if (a.events_[i].hash != b.events_[i].hash) return i;
  if (a.steps_ != b.steps_) return n;
  if (a.hash_ != b.hash_) return n;
  return std::nullopt;
}

}  // namespace tenor::vm
