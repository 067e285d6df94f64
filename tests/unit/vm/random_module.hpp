// A deterministic generator of valid random WebAssembly modules, for the determinism tests.
//
//   RandomModule m = generate_random_module(seed);   // same seed, same bytes, on every platform
//   // m.wasm exports "run" (i32, i64) -> i64 and "memory"
//
// The modules are integer-only (i32/i64) and type-correct by construction: code is emitted as
// expressions of a requested type and statements that leave the operand stack as they found it,
// with a stack of labels that says what a branch to each enclosing block must carry. They use
// constants, locals, globals, every integer ALU, comparison and conversion instruction, select,
// block/if/loop with results, br/br_if/br_table with values, return, direct calls and
// call_indirect through a table (with null slots and a type no function has), a 1-page memory with
// a maximum of 2, loads and stores of every width, memory.size/grow/fill/copy, and unreachable.
//
// What may happen at run time is a mix on purpose: division traps, out-of-bounds memory and table
// accesses, indirect call type mismatches, recursion that exhausts the call or value stack (only in
// "recursive" modules, or through call_indirect of a computed index), and loops that never end and
// are stopped by gas. Every other loop is bounded by a counter local that nothing else writes.
//
// Determinism of the generator itself: the PRNG is xoshiro256** seeded through splitmix64, ranges
// use plain modulo arithmetic (never a <random> distribution, whose output the standard library
// chooses), and every draw is its own statement, so the order of draws never depends on the
// compiler's order of evaluating operands.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "wasm_builder.hpp"

namespace tenor::vm::test {

// splitmix64 (seeding) + xoshiro256** (the stream).
class DetRng {
 public:
  explicit DetRng(uint64_t seed) noexcept {
    uint64_t x = seed;
    for (uint64_t& s : s_) {
      x += 0x9E3779B97F4A7C15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // [0, n), n > 0. Modulo bias is irrelevant here; what matters is exact, portable arithmetic.
  uint32_t below(uint32_t n) noexcept { return static_cast<uint32_t>(next() % n); }
  // [lo, hi], inclusive.
  uint32_t between(uint32_t lo, uint32_t hi) noexcept { return lo + below(hi - lo + 1); }
  bool chance(uint32_t percent) noexcept { return below(100) < percent; }

 private:
  static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Values that make integer code interesting: zero divisors, INT_MIN / -1, shift counts around the
// width, sign and byte boundaries.
inline uint64_t interesting_u64(DetRng& rng, bool wide) {
  static constexpr uint64_t k32[] = {0, 1, 2, 3, 7, 8, 31, 32, 33, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
      0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFF80};
  static constexpr uint64_t k64[] = {0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull,
      0xFFFFFFFFFFFFFFFEull, 0x100000000ull, 0xFFFFFFFF80000000ull, 63, 64, 65};
  const uint32_t r = rng.below(100);
  if (r < 45) return k32[rng.below(sizeof(k32) / sizeof(k32[0]))];
  if (r < 60 && wide) return k64[rng.below(sizeof(k64) / sizeof(k64[0]))];
  if (r < 80) return rng.below(1000);
  const uint64_t v = rng.next();
  return wide ? v : (v & 0xFFFFFFFFull);
}

struct RandomModule {
  uint64_t seed = 0;
  Bytes wasm;
  bool recursive = false;  // direct calls may go to any function, the caller itself included
  uint32_t functions = 0;  // defined functions; function 0 is "run"
};

class RandomModuleGenerator {
 public:
  explicit RandomModuleGenerator(uint64_t seed) : seed_(seed), rng_(seed) {}

  RandomModule generate() {
    RandomModule out;
    out.seed = seed_;
    recursive_ = rng_.chance(20);
    out.recursive = recursive_;

    // Every signature of the pool is declared, so call_indirect may name a type that no function
    // has (an IndirectCallTypeMismatch whatever the table holds).
    pool_ = {
        {{I32, I64}, I64, 0},
        {{I32}, I32, 0},
        {{I64, I64}, I64, 0},
        {{I32, I32}, I32, 0},
        {{}, I64, 0},
        {{I64}, I32, 0},
    };
    for (Sig& s : pool_) s.type_index = builder_.type(s.params, {s.result});

    const uint32_t helpers = rng_.between(1, 4);
    sigs_.push_back(0);  // run: (i32, i64) -> i64
    for (uint32_t i = 0; i < helpers; ++i) sigs_.push_back(rng_.below(static_cast<uint32_t>(pool_.size())));
    out.functions = static_cast<uint32_t>(sigs_.size());
    table_size_ = out.functions + 2;  // the last two slots stay null

    const uint32_t num_globals = rng_.between(1, 4);
    for (uint32_t i = 0; i < num_globals; ++i) {
      const ValType t = rng_.chance(50) ? I32 : I64;
      const uint64_t init = interesting_u64(rng_, t == I64);
      globals_.push_back(t);
      builder_.global(t, true,
          t == I32 ? i32c(static_cast<int32_t>(static_cast<uint32_t>(init))) : i64c(static_cast<int64_t>(init)));
    }

    // Bodies first (they need every signature), then the functions in index order.
    std::vector<Body> bodies;
    for (uint32_t f = 0; f < out.functions; ++f) bodies.push_back(generate_body(f));
    for (uint32_t f = 0; f < out.functions; ++f) {
      const Sig& s = pool_[sigs_[f]];
      FuncBuilder fb = builder_.func(s.params, {s.result});
      for (ValType t : bodies[f].locals) fb.locals({t});
      fb.code({Ins(bodies[f].code)});
    }

    builder_.memory(1, 2);
    builder_.table(table_size_);
    for (uint32_t f = 0; f < out.functions; ++f) builder_.elem(f, {f});
    const uint32_t segments = rng_.between(1, 3);
    for (uint32_t i = 0; i < segments; ++i) {
      const uint32_t offset = rng_.below(1024);
      const uint32_t len = rng_.between(1, 64);
      Bytes bytes;
      for (uint32_t k = 0; k < len; ++k) bytes.push_back(static_cast<uint8_t>(rng_.next()));
      builder_.data(offset, bytes);
    }
    builder_.export_func("run", 0);
    builder_.export_memory("memory");
    out.wasm = builder_.build();
    return out;
  }

 private:
  struct Sig {
    std::vector<ValType> params;
    ValType result;
    uint32_t type_index;
  };
  struct Label {
    uint8_t type;     // what a branch to it carries, as a block type (bt::void_: nothing)
    bool may_branch;  // false for the loop of a counter: continuing would skip the count
  };
  struct Body {
    std::vector<ValType> locals;  // declared locals, after the parameters
    Bytes code;
  };

  // ---- emission helpers ----
  void emit(uint8_t byte) { code_.push_back(byte); }
  void emit(const Bytes& bytes) { append(code_, bytes); }
  void emit_u(uint64_t v) { append(code_, uleb(v)); }
  static uint8_t block_type(ValType t) { return static_cast<uint8_t>(t); }
  // A block type of a branch: nothing, i32 or i64.
  uint8_t branch_type() {
    const uint32_t k = rng_.below(3);
    return k == 0 ? bt::void_ : k == 1 ? bt::i32 : bt::i64;
  }

  Body generate_body(uint32_t f) {
    const Sig& s = pool_[sigs_[f]];
    func_ = f;
    code_.clear();
    labels_.clear();
    locals_ = s.params;
    reserved_.assign(locals_.size(), false);
    // At least one local of each type, so that leaves of both types can read one.
    add_local(I32, false);
    add_local(I64, false);
    const uint32_t extra = rng_.below(4);
    for (uint32_t i = 0; i < extra; ++i) {
      const ValType t = rng_.chance(50) ? I32 : I64;
      add_local(t, false);
    }
    budget_ = f == 0 ? static_cast<int>(rng_.between(120, 400)) : static_cast<int>(rng_.between(30, 160));

    labels_.push_back({block_type(s.result), true});  // the function's own block: a branch to it returns
    const uint32_t n = rng_.between(2, 8);
    stmts(n, 3);
    expr(s.result, 4);
    emit(op::end);
    labels_.pop_back();

    Body b;
    b.locals.assign(locals_.begin() + static_cast<std::ptrdiff_t>(s.params.size()), locals_.end());
    b.code = code_;
    return b;
  }

  uint32_t add_local(ValType t, bool reserved) {
    locals_.push_back(t);
    reserved_.push_back(reserved);
    return static_cast<uint32_t>(locals_.size() - 1);
  }

  // A local of type t (writable: not a loop counter), or none.
  std::optional<uint32_t> pick_local(ValType t, bool writable) {
    std::vector<uint32_t> c;
    for (uint32_t i = 0; i < locals_.size(); ++i)
      if (locals_[i] == t && !(writable && reserved_[i])) c.push_back(i);
    if (c.empty()) return std::nullopt;
    return c[rng_.below(static_cast<uint32_t>(c.size()))];
  }
  std::optional<uint32_t> pick_global(ValType t) {
    std::vector<uint32_t> c;
    for (uint32_t i = 0; i < globals_.size(); ++i)
      if (globals_[i] == t) c.push_back(i);
    if (c.empty()) return std::nullopt;
    return c[rng_.below(static_cast<uint32_t>(c.size()))];
  }
  // Relative depth of a branchable label carrying `t` (a block type; bt::void_: nothing).
  std::optional<uint32_t> pick_label(uint8_t t) {
    std::vector<uint32_t> c;
    // The function's own label (a return) only now and then, so that runs get somewhere.
    const bool outermost = rng_.chance(15);
    for (uint32_t i = outermost ? 0 : 1; i < labels_.size(); ++i)
      if (labels_[i].may_branch && labels_[i].type == t) c.push_back(static_cast<uint32_t>(labels_.size() - 1 - i));
    if (c.empty()) return std::nullopt;
    return c[rng_.below(static_cast<uint32_t>(c.size()))];
  }
  // Functions with result t that a direct call from the current function may target.
  std::vector<uint32_t> callees(ValType t) const {
    std::vector<uint32_t> c;
    for (uint32_t g = 0; g < sigs_.size(); ++g)
      if (pool_[sigs_[g]].result == t && (recursive_ || g > func_)) c.push_back(g);
    return c;
  }

  void constant(ValType t) {
    const uint64_t v = interesting_u64(rng_, t == I64);
    if (t == I32)
      emit(i32c(static_cast<int32_t>(static_cast<uint32_t>(v))));
    else
      emit(i64c(static_cast<int64_t>(v)));
  }

  void leaf(ValType t) {
    const uint32_t r = rng_.below(100);
    if (r < 40) return constant(t);
    if (r < 85) {
      if (auto l = pick_local(t, false)) {
        emit(op::local_get);
        emit_u(*l);
        return;
      }
    } else if (auto g = pick_global(t)) {
      emit(op::global_get);
      emit_u(*g);
      return;
    }
    constant(t);
  }

  // A condition: mostly a comparison, so that both arms of ifs and br_ifs get taken.
  void condition(int depth) {
    if (rng_.chance(65)) {
      compare(depth);
    } else {
      expr(I32, depth);
    }
  }
  void compare(int depth) {
    const ValType u = rng_.chance(50) ? I32 : I64;
    if (rng_.chance(15)) {
      expr(u, depth - 1);
      emit(u == I32 ? op::i32_eqz : op::i64_eqz);
      return;
    }
    expr(u, depth - 1);
    expr(u, depth - 1);
    const uint32_t k = rng_.below(10);  // eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u
    emit(static_cast<uint8_t>((u == I32 ? op::i32_eq : op::i64_eq) + k));
  }

  // Address for a memory access: mostly inside a small window (so that loads see earlier
  // stores), sometimes at the end of the memory or anywhere (out of bounds).
  void address(int depth) {
    const uint32_t r = rng_.below(100);
    if (r < 60) {
      expr(I32, depth - 1);
      emit(i32c(rng_.chance(80) ? 0x3FF : 0xFFF0));
      emit(op::i32_and);
    } else if (r < 96) {
      emit(i32c(static_cast<int32_t>(rng_.below(1024))));
    } else if (r < 99) {
      const uint32_t end = rng_.chance(50) ? 65536 : 131072;
      emit(i32c(static_cast<int32_t>(end - 24 + rng_.below(32))));
    } else {
      expr(I32, depth - 1);
    }
  }
  Bytes memarg(uint32_t natural_log2) {
    const uint32_t align = rng_.below(natural_log2 + 1);
    const uint32_t offset = rng_.below(1000) < 985 ? rng_.below(40) : 65500 + rng_.below(100);
    return mem(align, offset);
  }
  // A length for memory.fill/copy: mostly small, sometimes large (out of bounds or costly).
  void length(int depth) {
    const uint32_t r = rng_.below(100);
    if (r < 80) {
      emit(i32c(static_cast<int32_t>(rng_.below(80))));
    } else if (r < 98) {
      expr(I32, depth - 1);
      emit(i32c(0xFFF));
      emit(op::i32_and);
    } else {
      expr(I32, depth - 1);
    }
  }

  void load(ValType t, int depth) {
    address(depth);
    if (t == I32) {
      static constexpr uint8_t ops[] = {
          op::i32_load, op::i32_load8_s, op::i32_load8_u, op::i32_load16_s, op::i32_load16_u};
      static constexpr uint32_t lg[] = {2, 0, 0, 1, 1};
      const uint32_t k = rng_.below(5);
      emit(ops[k]);
      emit(memarg(lg[k]));
    } else {
      static constexpr uint8_t ops[] = {op::i64_load, op::i64_load8_s, op::i64_load8_u, op::i64_load16_s,
          op::i64_load16_u, op::i64_load32_s, op::i64_load32_u};
      static constexpr uint32_t lg[] = {3, 0, 0, 1, 1, 2, 2};
      const uint32_t k = rng_.below(7);
      emit(ops[k]);
      emit(memarg(lg[k]));
    }
  }
  void store(int depth) {
    const ValType t = rng_.chance(50) ? I32 : I64;
    address(depth);
    expr(t, depth - 1);
    if (t == I32) {
      static constexpr uint8_t ops[] = {op::i32_store, op::i32_store8, op::i32_store16};
      static constexpr uint32_t lg[] = {2, 0, 1};
      const uint32_t k = rng_.below(3);
      emit(ops[k]);
      emit(memarg(lg[k]));
    } else {
      static constexpr uint8_t ops[] = {op::i64_store, op::i64_store8, op::i64_store16, op::i64_store32};
      static constexpr uint32_t lg[] = {3, 0, 1, 2};
      const uint32_t k = rng_.below(4);
      emit(ops[k]);
      emit(memarg(lg[k]));
    }
  }

  void call_args(const Sig& s, int depth) {
    for (ValType p : s.params) expr(p, depth - 1);
  }

  // Pushes one value of type t.
  void expr(ValType t, int depth) {
    --budget_;
    if (depth <= 0 || budget_ <= 0) return leaf(t);
    const uint32_t r = rng_.below(100);
    if (r < 10) return leaf(t);
    if (r < 34) {                         // binary ALU, division and shifts included
      const uint32_t k = rng_.below(15);  // add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr
      if ((k == 3 || k == 5) && rng_.chance(25)) {
        // x / -1 and x % -1: INT_MIN / -1 overflows (a trap), INT_MIN % -1 is 0.
        if (rng_.chance(50)) {
          if (t == I32)
            emit(i32c(INT32_MIN));
          else
            emit(i64c(INT64_MIN));
        } else {
          expr(t, depth - 1);
        }
        if (t == I32)
          emit(i32c(-1));
        else
          emit(i64c(-1));
      } else {
        expr(t, depth - 1);
        expr(t, depth - 1);
        if (k >= 3 && k <= 6 && rng_.chance(75)) {  // a guarded divisor, as compiled code has
          if (t == I32)
            emit(i32c(1));
          else
            emit(i64c(1));
          emit(t == I32 ? op::i32_or : op::i64_or);
        }
      }
      emit(static_cast<uint8_t>((t == I32 ? op::i32_add : op::i64_add) + k));
      return;
    }
    if (r < 40) {  // unary: clz ctz popcnt extend8_s extend16_s (extend32_s for i64)
      expr(t, depth - 1);
      if (t == I32) {
        static constexpr uint8_t ops[] = {op::i32_clz, op::i32_ctz, op::i32_popcnt, 0xC0, 0xC1};
        emit(ops[rng_.below(5)]);
      } else {
        static constexpr uint8_t ops[] = {op::i64_clz, op::i64_ctz, op::i64_popcnt, 0xC2, 0xC3, 0xC4};
        emit(ops[rng_.below(6)]);
      }
      return;
    }
    if (r < 46) {  // conversions, or a comparison for i32
      if (t == I32) {
        if (rng_.chance(50)) {
          expr(I64, depth - 1);
          emit(op::i32_wrap_i64);
        } else {
          compare(depth);
        }
      } else {
        expr(I32, depth - 1);
        emit(rng_.chance(50) ? op::i64_extend_i32_s : op::i64_extend_i32_u);
      }
      return;
    }
    if (r < 50) {
      expr(t, depth - 1);
      expr(t, depth - 1);
      condition(depth - 1);
      emit(op::select);
      return;
    }
    if (r < 54) {
      if (auto l = pick_local(t, true)) {
        expr(t, depth - 1);
        emit(op::local_tee);
        emit_u(*l);
        return;
      }
      return leaf(t);
    }
    if (r < 62) return load(t, depth);
    if (r < 65) {
      if (t == I32) {
        if (rng_.chance(50)) {
          emit(op::memory_size);
          emit(0);
        } else {
          const uint32_t k = rng_.below(100);
          if (k < 85)
            emit(i32c(static_cast<int32_t>(rng_.below(2))));
          else if (k < 95)
            emit(i32c(static_cast<int32_t>(rng_.below(4))));
          else
            expr(I32, depth - 1);
          emit(op::memory_grow);
          emit(0);
        }
        return;
      }
      return leaf(t);
    }
    if (r < 71) {  // direct call
      std::vector<uint32_t> c = callees(t);
      if (c.empty()) return leaf(t);
      const uint32_t g = c[rng_.below(static_cast<uint32_t>(c.size()))];
      call_args(pool_[sigs_[g]], depth);
      emit(op::call);
      emit_u(g);
      return;
    }
    if (r < 74) return call_indirect_expr(t, depth);
    if (r < 79) {  // typed block
      labels_.push_back({block_type(t), true});
      emit(op::block);
      emit(block_type(t));
      stmts(rng_.below(3), depth - 1);
      expr(t, depth - 1);
      emit(op::end);
      labels_.pop_back();
      return;
    }
    if (r < 85) {  // typed if/else
      condition(depth - 1);
      labels_.push_back({block_type(t), true});
      emit(op::if_);
      emit(block_type(t));
      stmts(rng_.below(3), depth - 1);
      expr(t, depth - 1);
      emit(op::else_);
      stmts(rng_.below(3), depth - 1);
      expr(t, depth - 1);
      emit(op::end);
      labels_.pop_back();
      return;
    }
    if (r < 88) {  // typed loop with a counter
      counted_loop(block_type(t), depth - 1);
      return;
    }
    if (r < 92) {  // br_if as an expression: the value goes to the label or stays
      if (auto d = pick_label(block_type(t))) {
        expr(t, depth - 1);
        condition(depth - 1);
        emit(op::br_if);
        emit_u(*d);
        return;
      }
      return leaf(t);
    }
    return leaf(t);
  }

  void call_indirect_expr(ValType t, int depth) {
    // Mostly the slot of a function that a direct call could target (the table holds function i
    // at slot i), otherwise any type with result t and a slot that may be null, out of the table,
    // or hold a function of another type.
    const std::vector<uint32_t> good = callees(t);
    const bool bad = rng_.below(1000) < 40;
    if (!bad && good.empty()) return leaf(t);  // nothing to call (e.g. from the last function)
    if (!bad) {
      const uint32_t g = good[rng_.below(static_cast<uint32_t>(good.size()))];
      const Sig& s = pool_[sigs_[g]];
      call_args(s, depth);
      emit(i32c(static_cast<int32_t>(g)));
      emit(call_indirect(s.type_index));
      return;
    }
    std::vector<uint32_t> sig_choices;
    for (uint32_t i = 0; i < pool_.size(); ++i)
      if (pool_[i].result == t) sig_choices.push_back(i);
    const Sig& s = pool_[sig_choices[rng_.below(static_cast<uint32_t>(sig_choices.size()))]];
    call_args(s, depth);
    const uint32_t k = rng_.below(100);
    if (k < 60) {
      emit(i32c(static_cast<int32_t>(rng_.below(table_size_ + 2))));
    } else if (k < 90) {
      expr(I32, depth - 1);
      emit(i32c(7));
      emit(op::i32_and);
    } else {
      expr(I32, depth - 1);
    }
    emit(call_indirect(s.type_index));
  }

  // loop (result t): body, counter decrement, br_if back, then the value. Runs 1..16 times
  // (the count may depend on the inputs); branches out of it are fine, continuing it is not.
  void counted_loop(uint8_t t, int depth) {
    const uint32_t c = add_local(I32, true);
    if (rng_.chance(70)) {
      emit(i32c(static_cast<int32_t>(rng_.between(1, 16))));
    } else {
      expr(I32, depth - 1);
      emit(i32c(15));
      emit(op::i32_and);
      emit(i32c(1));
      emit(op::i32_add);
    }
    emit(op::local_set);
    emit_u(c);
    labels_.push_back({bt::void_, false});
    emit(op::loop);
    emit(t);
    stmts(rng_.between(1, 4), depth);
    emit(op::local_get);
    emit_u(c);
    emit(i32c(1));
    emit(op::i32_sub);
    emit(op::local_tee);
    emit_u(c);
    emit(op::br_if);
    emit_u(0);
    if (t != bt::void_) expr(static_cast<ValType>(t), depth);
    emit(op::end);
    labels_.pop_back();
  }

  void stmts(uint32_t n, int depth) {
    for (uint32_t i = 0; i < n; ++i) stmt(depth);
  }

  // Leaves the operand stack as it was.
  void stmt(int depth) {
    --budget_;
    if (budget_ <= 0) return;
    const uint32_t r = rng_.below(1000);
    const bool nest = depth > 0;
    if (r < 180) {  // local.set
      const ValType t = rng_.chance(50) ? I32 : I64;
      if (auto l = pick_local(t, true)) {
        expr(t, depth + 1);
        emit(op::local_set);
        emit_u(*l);
      }
      return;
    }
    if (r < 250) {
      const ValType t = rng_.chance(50) ? I32 : I64;
      if (auto g = pick_global(t)) {
        expr(t, depth + 1);
        emit(op::global_set);
        emit_u(*g);
      }
      return;
    }
    if (r < 380) return store(depth + 1);
    if (r < 420) {  // memory.fill (dst, value, len) or memory.copy (dst, src, len)
      const bool fill = rng_.chance(50);
      address(depth + 1);
      if (fill)
        expr(I32, depth);
      else
        address(depth + 1);
      length(depth + 1);
      emit(fill ? memory_fill() : memory_copy());
      return;
    }
    if (r < 480) {
      const ValType t = rng_.chance(50) ? I32 : I64;
      expr(t, depth + 1);
      emit(op::drop);
      return;
    }
    if (r < 580 && nest) {  // if / else
      condition(depth);
      labels_.push_back({bt::void_, true});
      emit(op::if_);
      emit(bt::void_);
      stmts(rng_.between(1, 4), depth - 1);
      if (rng_.chance(50)) {
        emit(op::else_);
        stmts(rng_.between(1, 3), depth - 1);
      }
      emit(op::end);
      labels_.pop_back();
      return;
    }
    if (r < 640 && nest) {
      labels_.push_back({bt::void_, true});
      emit(op::block);
      emit(bt::void_);
      stmts(rng_.between(1, 4), depth - 1);
      emit(op::end);
      labels_.pop_back();
      return;
    }
    if (r < 710 && nest) return counted_loop(bt::void_, depth - 1);
    if (r < 718 && nest) {
      // block { loop { ...; br_if (exit) block; br loop } }: ends only if the condition turns
      // true (or something else branches out, or traps); otherwise gas stops it.
      labels_.push_back({bt::void_, true});
      emit(op::block);
      emit(bt::void_);
      labels_.push_back({bt::void_, true});
      emit(op::loop);
      emit(bt::void_);
      stmts(rng_.between(1, 3), depth - 1);
      condition(depth);
      emit(op::br_if);
      emit_u(1);
      emit(op::br);
      emit_u(0);
      emit(op::end);
      labels_.pop_back();
      emit(op::end);
      labels_.pop_back();
      return;
    }
    if (r < 790) {  // br_if (a value to a typed label is dropped when not taken)
      const uint8_t t = branch_type();
      if (auto d = pick_label(t)) {
        if (t != bt::void_) expr(static_cast<ValType>(t), depth);
        condition(depth);
        emit(op::br_if);
        emit_u(*d);
        if (t != bt::void_) emit(op::drop);
      }
      return;
    }
    if (r < 815) {  // br: the rest of the block is dead code (valid, still checked)
      const uint8_t t = branch_type();
      if (auto d = pick_label(t)) {
        if (t != bt::void_) expr(static_cast<ValType>(t), depth);
        emit(op::br);
        emit_u(*d);
      }
      return;
    }
    if (r < 850) {  // br_table over labels that carry the same type
      const uint8_t t = branch_type();
      std::vector<uint32_t> c;
      for (uint32_t i = 0; i < labels_.size(); ++i)
        if (labels_[i].may_branch && labels_[i].type == t) c.push_back(static_cast<uint32_t>(labels_.size() - 1 - i));
      if (c.empty()) return;
      if (t != bt::void_) expr(static_cast<ValType>(t), depth);
      if (rng_.chance(70)) {
        expr(I32, depth);
        emit(i32c(3));
        emit(op::i32_and);
      } else {
        expr(I32, depth);
      }
      const uint32_t n = rng_.between(0, 4);
      emit(op::br_table);
      emit_u(n);
      for (uint32_t i = 0; i < n; ++i) emit_u(c[rng_.below(static_cast<uint32_t>(c.size()))]);
      emit_u(c[rng_.below(static_cast<uint32_t>(c.size()))]);
      return;
    }
    if (r < 860) {
      expr(pool_[sigs_[func_]].result, depth);
      emit(op::return_);
      return;
    }
    if (r < 866) {  // a guarded unreachable
      condition(depth);
      emit(op::if_);
      emit(bt::void_);
      emit(op::unreachable);
      emit(op::end);
      return;
    }
    if (r < 930) {  // call for its effects
      const ValType t = rng_.chance(50) ? I32 : I64;
      if (rng_.chance(75)) {
        std::vector<uint32_t> c = callees(t);
        if (c.empty()) return;
        const uint32_t g = c[rng_.below(static_cast<uint32_t>(c.size()))];
        call_args(pool_[sigs_[g]], depth + 1);
        emit(op::call);
        emit_u(g);
      } else {
        call_indirect_expr(t, depth + 1);
      }
      emit(op::drop);
      return;
    }
    if (r < 940) {
      emit(op::nop);
      return;
    }
    // Fallback (also for nesting statements at the innermost depth): local.set of a leaf.
    const ValType t = rng_.chance(50) ? I32 : I64;
    if (auto l = pick_local(t, true)) {
      expr(t, 1);
      emit(op::local_set);
      emit_u(*l);
    }
  }

  uint64_t seed_;
  DetRng rng_;
  WasmBuilder builder_;
  bool recursive_ = false;
  std::vector<Sig> pool_;
  std::vector<uint32_t> sigs_;  // function index -> pool index
  std::vector<ValType> globals_;
  uint32_t table_size_ = 0;

  // The function being generated.
  uint32_t func_ = 0;
  Bytes code_;
  std::vector<Label> labels_;
  std::vector<ValType> locals_;  // parameters, then declared locals
  std::vector<bool> reserved_;   // loop counters: written only by their loop
  int budget_ = 0;
};

inline RandomModule generate_random_module(uint64_t seed) { return RandomModuleGenerator(seed).generate(); }

}  // namespace tenor::vm::test
