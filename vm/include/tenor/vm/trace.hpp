// Execution traces for auditors: per call, per basic block or per instruction, with a running
// hash, so that two executions can be compared and the first step where they differ found.
//
//   Tracer tracer(TraceLevel::Block);
//   store.call(f, args, {.gas_limit = 1'000'000, .tracer = &tracer});
//   tracer.hash();                       // identical for identical executions
//   Tracer::first_difference(a, b);      // index of the first differing event, if any
//
// Block-level events come from the gas charges of metered code (one per basic block entered);
// instruction-level events name the interpreter's internal instructions (docs/vm.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tenor::vm {

enum class TraceLevel : uint8_t { Call = 0, Block = 1, Instr = 2 };

enum class TraceKind : uint8_t {
  Call = 0,    // entering a function (func_index = callee, detail = 0)
  Return = 1,  // leaving a function (func_index = the function returned from)
  Block = 2,   // entering a basic block (detail = static gas charged)
  Instr = 3,   // about to execute an internal instruction (detail = internal opcode)
};

struct TraceEvent {
  TraceKind kind = TraceKind::Instr;
  uint32_t func_index = 0;  // in the module's function index space
  uint32_t pc = 0;          // word offset in the function's internal code
  uint32_t detail = 0;
  int64_t gas_left = 0;  // INT64_MAX when unmetered
  uint64_t hash = 0;     // running hash after this event
};

class Tracer {
 public:
  explicit Tracer(TraceLevel level, size_t max_events_kept = 1'000'000) : level_(level), max_kept_(max_events_kept) {}

  TraceLevel level() const noexcept { return level_; }
  bool wants(TraceKind k) const noexcept {
    switch (k) {
      case TraceKind::Call:
      case TraceKind::Return: return true;
      case TraceKind::Block: return level_ >= TraceLevel::Block;
      case TraceKind::Instr: return level_ >= TraceLevel::Instr;
    }
    return false;
  }

  // Folds the event into the running hash and keeps it while under the cap.
  void record(TraceEvent e) noexcept;

  uint64_t hash() const noexcept { return hash_; }
  // The running hash of only the events of `level` and coarser (a Call-level hash counts calls
  // and returns, a Block-level hash also blocks): identical for the same execution whatever the
  // tracer's own level, as long as that level is at least `level`.
  uint64_t hash_at(TraceLevel level) const noexcept { return level_hashes_[static_cast<size_t>(level)]; }
  uint64_t steps() const noexcept { return steps_; }
  const std::vector<TraceEvent>& events() const noexcept { return events_; }
  bool truncated() const noexcept { return steps_ > events_.size(); }

  // "#12 block f3 @45 gas=120 left=99880"
  static std::string format(uint64_t index, const TraceEvent& e);
  // Index of the first event whose running hash differs (or where one trace ends early); nullopt
  // when the kept events agree.
  static std::optional<uint64_t> first_difference(const Tracer& a, const Tracer& b);

 private:
  TraceLevel level_;
  size_t max_kept_;
  uint64_t hash_ = 0xcbf29ce484222325ull;
  uint64_t level_hashes_[3] = {0xcbf29ce484222325ull, 0xcbf29ce484222325ull, 0xcbf29ce484222325ull};
  uint64_t steps_ = 0;
  std::vector<TraceEvent> events_;
};

}  // namespace tenor::vm
