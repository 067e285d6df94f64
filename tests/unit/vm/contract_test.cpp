// ContractEngine and the `tenor` host module, end to end: contracts assembled with WasmBuilder run
// against the in-memory TestHost.

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "host_api.hpp"
#include "tenor/vm/contract.hpp"
#include "tenor/vm/gas.hpp"
#include "test_host.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

constexpr uint32_t kBuf = 1024;  // where probes copy host output; results sit just below it

Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string text(std::span<const uint8_t> b) { return std::string(b.begin(), b.end()); }

Address address(uint8_t tag) {
  Address a{};
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(tag + i);
  return a;
}
Bytes bytes_of(const std::array<uint8_t, 32>& a) { return Bytes(a.begin(), a.end()); }

Bytes seq(std::initializer_list<Ins> ins) {
  Bytes out;
  for (const Ins& i : ins) append(out, i.bytes);
  return out;
}

// A contract: host functions imported from "tenor" on first use (with the types of host_api.def),
// one page of memory (maximum 1) exported as "memory", data segments, and `tenor_entry`.
class Contract {
 public:
  Bytes call(std::string_view name) {
    auto it = index_.find(std::string(name));
    uint32_t idx = 0;
    if (it != index_.end()) {
      idx = it->second;
    } else {
      auto i = detail::find_host_function(name);
      if (!i) throw std::invalid_argument("no host function " + std::string(name));
      FuncType t = detail::host_function_type(detail::host_function_specs()[*i]);
      idx = b_.import_func("tenor", std::string(name), t.params, t.results);
      index_[std::string(name)] = idx;
    }
    Bytes out{op::call};
    append(out, uleb(idx));
    return out;
  }
  Contract& data(uint32_t offset, const Bytes& bytes) {
    b_.data(offset, bytes);
    return *this;
  }
  Contract& init(const Bytes& code) {
    init_ = code;
    return *this;
  }
  Bytes build(const Bytes& entry, std::initializer_list<ValType> locals = {}) {
    b_.memory(1, 1);
    b_.export_memory("memory", 0);
    b_.func({}, {}).locals(locals).code({Ins(entry)}).export_("tenor_entry");
    if (init_) b_.func({}, {}).code({Ins(*init_)}).export_("tenor_init");
    return b_.build();
  }

 private:
  WasmBuilder b_;
  std::map<std::string, uint32_t> index_;
  std::optional<Bytes> init_;
};

// A probe: calls host functions in order with constant arguments, stores each one's result (or 0)
// as 8 bytes below kBuf, runs `before_output`, then outputs [results..., memory[kBuf, kBuf + out_len)).
struct Step {
  std::string fn;
  std::vector<int64_t> args;
};

Bytes probe(Contract& c, const std::vector<Step>& steps, uint32_t out_len, const Bytes& before_output = {}) {
  const uint32_t n = static_cast<uint32_t>(steps.size());
  const uint32_t base = kBuf - 8 * n;
  Bytes code;
  for (uint32_t k = 0; k < n; ++k) {
    auto i = detail::find_host_function(steps[k].fn);
    if (!i) throw std::invalid_argument("no host function " + steps[k].fn);
    const detail::HostFunctionSpec& spec = detail::host_function_specs()[*i];
    std::string params = spec.params;
    if (params.size() != steps[k].args.size()) throw std::invalid_argument("wrong argument count for " + steps[k].fn);
    bool has_result = spec.results[0] != '\0';
    if (has_result) append(code, i32c(static_cast<int32_t>(base + 8 * k)));
    for (size_t j = 0; j < params.size(); ++j) {
      int64_t v = steps[k].args[j];
      append(code, params[j] == 'I' ? i64c(v) : i32c(static_cast<int32_t>(static_cast<uint32_t>(v))));
    }
    append(code, c.call(steps[k].fn));
    if (has_result) {
      if (spec.results[0] == 'i') code.push_back(op::i64_extend_i32_s);
      append(code, seq({op::i64_store, mem(3, 0)}));
    }
  }
  append(code, before_output);
  append(code, seq({i32c(static_cast<int32_t>(base)), i32c(static_cast<int32_t>(8 * n + out_len))}));
  append(code, c.call("output_write"));
  code.push_back(op::end);
  return c.build(code);
}

struct ProbeOutput {
  std::vector<int64_t> results;
  Bytes buf;
};

ProbeOutput parse(const ExecResult& r, size_t steps) {
  ProbeOutput p;
  if (r.output.size() < steps * 8) {
    ADD_FAILURE() << "output of " << r.output.size() << " bytes is too short";
    return p;
  }
  for (size_t k = 0; k < steps; ++k) {
    uint64_t v = 0;
    for (int b = 7; b >= 0; --b) v = (v << 8) | r.output[k * 8 + static_cast<size_t>(b)];
    p.results.push_back(static_cast<int64_t>(v));
  }
  p.buf.assign(r.output.begin() + static_cast<ptrdiff_t>(steps * 8), r.output.end());
  return p;
}

std::string describe(const ExecResult& r) {
  std::string s = std::string(to_string(r.status)) + " gas " + std::to_string(r.gas_used);
  if (r.trap) s += std::string(" trap ") + trap_name(*r.trap);
  if (!r.message.empty()) s += ": " + r.message;
  return s;
}

// Every test runs on the metered variants (variants.hpp): both dispatch modes, traced and untraced
// (run() passes the variant's tracer).
class ContractTest : public VariantTest {
 protected:
  // The engine's default configuration (metering on) in the variant's dispatch mode.
  static VmConfig engine_config() {
    VmConfig c = ContractEngine().config();
    c.dispatch = GetParam().dispatch;
    return c;
  }

  ContractTest() {
    tx.chain_id = "tenor-test";
    tx.block_height = 42;
    tx.block_time = 1'700'000'000;
    tx.sender = address(0x51);
    tx.signers = {address(0x51), address(0x52)};
  }

  void deploy(const Address& a, const Bytes& code) {
    auto h = host.deploy(engine, a, code);
    ASSERT_TRUE(h) << h.error().to_string();
  }
  ExecResult run(const Address& a, Bytes input = {}, uint64_t gas = 10'000'000) {
    return engine.execute(host, tx, ContractCall{a, std::move(input), gas, "tenor_entry", tracer()});
  }
  Tracer* tracer() { return GetParam().traced ? &tracer_ : nullptr; }
  // Deploys a probe at A, runs it and checks it succeeded.
  ProbeOutput run_probe(const std::vector<Step>& steps, uint32_t out_len, Contract c = {}) {
    deploy(A, probe(c, steps, out_len));
    ExecResult r = run(A);
    EXPECT_EQ(r.status, ExecStatus::Ok) << describe(r);
    return parse(r, steps.size());
  }

  ContractEngine engine{engine_config(), ProfileRules{}};
  Tracer tracer_{TraceLevel::Instr, /*max_events_kept=*/0};
  TestHost host;
  TxContext tx;
  const Address A = address(0xA0), B = address(0xB0), C = address(0xC0);
};

// ---- call data ---------------------------------------------------------------------------------

TEST_P(ContractTest, EchoesInputToOutput) {
  Contract c;
  deploy(A, c.build(seq({c.call("input_size"), op::local_set, 0, i32c(0), i32c(0), op::local_get, 0,
                        c.call("input_read"), i32c(0), op::local_get, 0, c.call("output_write"), op::end}),
                {I32}));
  ExecResult r = run(A, str("invoice #17"));
  ASSERT_EQ(r.status, ExecStatus::Ok) << describe(r);
  EXPECT_EQ(text(r.output), "invoice #17");
  EXPECT_GT(r.gas_used, 0u);
  EXPECT_TRUE(r.message.empty());
  EXPECT_FALSE(r.trap);
}

TEST_P(ContractTest, InputReadPastTheInputTraps) {
  Contract c;
  deploy(A, probe(c, {{"input_read", {0, 2, 4}}}, 0));
  ExecResult r = run(A, str("abc"));
  EXPECT_EQ(r.status, ExecStatus::Trap);
  EXPECT_EQ(r.trap, TrapCode::HostTrap);
  EXPECT_NE(r.message.find("input_read: range [2, 6) is outside the input (3 bytes)"), std::string::npos) << r.message;
}

TEST_P(ContractTest, OutOfBoundsPointersTrap) {
  struct Case {
    Step step;
    const char* detail;
  };
  std::vector<Case> cases = {
      {{"output_write", {65534, 10}}, "output_write: src [65534, 65544) is outside memory (65536 bytes)"},
      {{"storage_set", {0xFFFFFFF0, 32, 0, 1}}, "storage_set: key"},
      {{"storage_get", {0, 1, 65530, 16}}, "storage_get: dst"},
      {{"is_signer", {65535}}, "is_signer: party"},
      {{"sha256", {0, 3, 65520}}, "sha256: dst"},
      {{"call_contract", {65535, 0, 0, 1000}}, "call_contract: address"},
  };
  for (const Case& k : cases) {
    Contract c;
    deploy(A, probe(c, {k.step}, 0));
    ExecResult r = run(A);
    EXPECT_EQ(r.status, ExecStatus::Trap) << k.step.fn;
    EXPECT_EQ(r.trap, TrapCode::MemoryOutOfBounds) << k.step.fn;
    EXPECT_NE(r.message.find(k.detail), std::string::npos) << r.message;
  }
}

TEST_P(ContractTest, PayloadAboveTheLimitTraps) {
  VmConfig config = engine.config();
  config.max_host_payload_bytes = 16;
  ContractEngine small(config, ProfileRules{});
  Contract ok_c, big_c;
  Bytes ok = probe(ok_c, {{"output_write", {0, 16}}}, 0);
  Bytes big = probe(big_c, {{"storage_set", {0, 8, 8, 9}}}, 0);
  ASSERT_TRUE(host.deploy(small, A, ok));
  ASSERT_TRUE(host.deploy(small, B, big));
  EXPECT_EQ(small.execute(host, tx, {A, {}, 1'000'000}).status, ExecStatus::Ok);
  ExecResult r = small.execute(host, tx, {B, {}, 1'000'000});
  EXPECT_EQ(r.trap, TrapCode::HostTrap);
  EXPECT_NE(r.message.find("storage_set: moves 17 bytes between memory and the host, more than "
                           "max_host_payload_bytes (16)"),
      std::string::npos)
      << r.message;
}

// ---- storage -----------------------------------------------------------------------------------

TEST_P(ContractTest, StorageGetSetHasRemove) {
  Contract c;
  c.data(0, str("key")).data(16, str("value"));
  ProbeOutput p = run_probe({{"storage_has", {0, 3}}, {"storage_get", {0, 3, kBuf, 16}}, {"storage_set", {0, 3, 16, 5}},
                                {"storage_has", {0, 3}}, {"storage_get", {0, 3, kBuf, 16}},
                                {"storage_get", {0, 3, kBuf + 16, 2}},  // cap below the length
                                {"storage_remove", {0, 3}}, {"storage_remove", {0, 3}},
                                {"storage_get", {0, 3, kBuf + 32, 16}}, {"storage_set", {0, 2, 16, 3}}},
      18, std::move(c));
  EXPECT_EQ(p.results, (std::vector<int64_t>{0, -1, 0, 1, 5, 5, 1, 0, -1, 0}));
  ASSERT_EQ(p.buf.size(), 18u);
  EXPECT_EQ(text(std::span(p.buf).first(5)), "value");
  EXPECT_EQ(text(std::span(p.buf).subspan(16, 2)), "va");
  EXPECT_FALSE(host.get(A, "key"));
  EXPECT_EQ(host.get(A, "ke"), str("val"));
  EXPECT_EQ(host.keys(A), 1u);
}

TEST_P(ContractTest, StorageIsPerContract) {
  host.storage[B][str("key")] = str("b's");
  Contract c;
  c.data(0, str("key"));
  ProbeOutput p = run_probe({{"storage_get", {0, 3, kBuf, 16}}}, 0, std::move(c));
  EXPECT_EQ(p.results[0], -1);
}

TEST_P(ContractTest, StorageWritesCostPerByte) {
  auto gas_of = [&](int32_t value_len) {
    Contract c;
    deploy(A, probe(c, {{"storage_set", {0, 4, 0, value_len}}}, 0));
    ExecResult r = run(A);
    EXPECT_EQ(r.status, ExecStatus::Ok) << describe(r);
    return r.gas_used;
  };
  EXPECT_EQ(gas_of(9) - gas_of(4), 5 * gas::kStoragePerByteWritten);
  auto gas_of_get = [&](int32_t key_len) {
    Contract c;
    deploy(A, probe(c, {{"storage_has", {0, key_len}}}, 0));
    return run(A).gas_used;
  };
  EXPECT_EQ(gas_of_get(10) - gas_of_get(3), 7 * gas::kHostPerByte);
}

// Lists every key under the prefix memory[0, prefix_len) with storage_next, feeding each key back
// as the cursor; outputs (length byte, key) pairs.
Bytes iterate_contract(const Bytes& prefix) {
  Contract c;
  c.data(0, prefix);
  Bytes code = seq({
      i32c(-1),
      op::local_set,
      1,  // after_len = -1: no lower bound
      i32c(2048),
      op::local_set,
      2,  // pos
      op::block,
      bt::void_,
      op::loop,
      bt::void_,  //
      i32c(0),
      i32c(static_cast<int32_t>(prefix.size())),
      op::local_get,
      0,
      op::local_get,
      1,  //
      op::local_get,
      2,
      i32c(1),
      op::i32_add,
      i32c(64),
      c.call("storage_next"),  //
      op::local_tee,
      3,
      i64c(0),
      op::i64_lt_s,
      op::br_if,
      1,  //
      op::local_get,
      2,
      op::local_get,
      3,
      op::i32_wrap_i64,
      op::i32_store8,
      mem(0, 0),  //
      op::local_get,
      2,
      i32c(1),
      op::i32_add,
      op::local_set,
      0,  // after = the key
      op::local_get,
      3,
      op::i32_wrap_i64,
      op::local_set,
      1,  //
      op::local_get,
      2,
      i32c(1),
      op::i32_add,
      op::local_get,
      1,
      op::i32_add,
      op::local_set,
      2,  //
      op::br,
      0,
      op::end,
      op::end,  //
      i32c(2048),
      op::local_get,
      2,
      i32c(2048),
      op::i32_sub,
      c.call("output_write"),
      op::end,
  });
  return c.build(code, {I32, I32, I32, I64});
}

TEST_P(ContractTest, StorageNextIteratesAPrefixInUnsignedByteOrder) {
  auto& s = host.storage[A];
  for (Bytes k : std::vector<Bytes>{{0x01, 0xFF}, {0x01, 0x80}, {0x01}, {0x01, 0x00, 0x05}, {0x01, 0x7F}, {0x01, 0x00},
           {0x01, 0xFF, 0x00}, {0x00, 0xFF}, {0x02}, {0x00}})
    s[k] = {0xEE};
  deploy(A, iterate_contract({0x01}));
  ExecResult r = run(A);
  ASSERT_EQ(r.status, ExecStatus::Ok) << describe(r);
  Bytes expected = {
      1, 0x01, 2, 0x01, 0x00, 3, 0x01, 0x00, 0x05, 2, 0x01, 0x7F, 2, 0x01, 0x80, 2, 0x01, 0xFF, 3, 0x01, 0xFF, 0x00};
  EXPECT_EQ(r.output, expected);

  deploy(A, iterate_contract({}));  // the empty prefix lists every key
  r = run(A);
  ASSERT_EQ(r.status, ExecStatus::Ok) << describe(r);
  ASSERT_GE(r.output.size(), 5u);
  EXPECT_EQ(r.output[0], 1);
  EXPECT_EQ(r.output[1], 0x00);
  EXPECT_EQ(r.output[2], 2);              // then {0x00, 0xFF}
  EXPECT_EQ(r.output.size(), 10u + 19u);  // 10 keys of 19 bytes in all

  deploy(A, iterate_contract({0x03}));  // nothing under it
  r = run(A);
  ASSERT_EQ(r.status, ExecStatus::Ok) << describe(r);
  EXPECT_TRUE(r.output.empty());
}

TEST_P(ContractTest, StorageNextCursorSemantics) {
  auto& s = host.storage[A];
  for (Bytes k : std::vector<Bytes>{{0x01, 0x10}, {0x01, 0x7F}, {0x01, 0x80, 0x01}, {0x02}}) s[k] = {0x00};
  Contract c;
  c.data(0, {0x01}).data(8, {0x01, 0x50}).data(16, {0x00, 0xFF}).data(24, {0x01, 0x80, 0x01}).data(32, {0x01, 0x7F});
  ProbeOutput p = run_probe({{"storage_next", {0, 1, 8, 2, kBuf, 8}},            // after a key that is absent
                                {"storage_next", {0, 1, 16, 2, kBuf + 8, 8}},    // after below the prefix
                                {"storage_next", {0, 1, 24, 3, kBuf + 16, 8}},   // after the last one
                                {"storage_next", {0, 1, 32, 2, kBuf + 24, 1}},   // cap below the length
                                {"storage_next", {0, 1, 0, -1, kBuf + 32, 8}}},  // no lower bound
      40, std::move(c));
  EXPECT_EQ(p.results, (std::vector<int64_t>{2, 2, -1, 3, 2}));
  EXPECT_EQ(Bytes(p.buf.begin(), p.buf.begin() + 2), (Bytes{0x01, 0x7F}));
  EXPECT_EQ(Bytes(p.buf.begin() + 8, p.buf.begin() + 10), (Bytes{0x01, 0x10}));
  EXPECT_EQ(Bytes(p.buf.begin() + 24, p.buf.begin() + 26), (Bytes{0x01, 0x00}));  // only 1 byte copied
  EXPECT_EQ(Bytes(p.buf.begin() + 32, p.buf.begin() + 34), (Bytes{0x01, 0x10}));
}

// ---- events ------------------------------------------------------------------------------------

TEST_P(ContractTest, EmitsEvents) {
  Contract c;
  c.data(0, str("paid")).data(8, str("1000 EUR"));
  run_probe({{"emit_event", {0, 4, 8, 8}}, {"emit_event", {0, 4, 8, 0}}}, 0, std::move(c));
  ASSERT_EQ(host.events.size(), 2u);
  EXPECT_EQ(host.events[0].contract, A);
  EXPECT_EQ(text(host.events[0].topic), "paid");
  EXPECT_EQ(text(host.events[0].data), "1000 EUR");
  EXPECT_TRUE(host.events[1].data.empty());
}

// ---- failure undoes state ------------------------------------------------------------------------

TEST_P(ContractTest, RevertUndoesStorageAndEventsButChargesGas) {
  host.storage[A][str("k")] = str("old");
  const std::string why = "insufficient collateral";
  Contract c;
  c.data(0, str("k")).data(8, str("new")).data(16, str(why));
  deploy(A, probe(c,
                {{"storage_set", {0, 1, 8, 3}}, {"storage_set", {8, 3, 8, 3}}, {"emit_event", {0, 1, 8, 3}},
                    {"revert", {16, static_cast<int64_t>(why.size())}}},
                0));
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Revert) << describe(r);
  EXPECT_EQ(text(r.output), why);
  EXPECT_NE(r.message.find(why), std::string::npos);
  EXPECT_FALSE(r.trap);
  EXPECT_GT(r.gas_used, 2 * 500 + 300 + 1u);
  EXPECT_EQ(host.get(A, "k"), str("old"));
  EXPECT_FALSE(host.get(A, "new"));
  EXPECT_TRUE(host.events.empty());
  EXPECT_EQ(host.journal_size(), 0u);
}

TEST_P(ContractTest, TrapUndoesState) {
  Contract c;
  c.data(0, str("k"));
  deploy(A, probe(c, {{"storage_set", {0, 1, 0, 1}}, {"emit_event", {0, 1, 0, 1}}}, 0, {op::unreachable}));
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Trap);
  EXPECT_EQ(r.trap, TrapCode::Unreachable);
  EXPECT_NE(r.message.find("unreachable"), std::string::npos);
  EXPECT_EQ(host.keys(A), 0u);
  EXPECT_TRUE(host.events.empty());
}

// ---- abort -------------------------------------------------------------------------------------

// A contract that aborts with its input as the message.
Bytes abort_with_input_contract() {
  Contract c;
  return c.build(seq({c.call("input_size"), op::local_set, 0, i32c(0), i32c(0), op::local_get, 0, c.call("input_read"),
                     i32c(0), op::local_get, 0, c.call("abort"), op::end}),
      {I32});
}

TEST_P(ContractTest, AbortIsATrapWithTheMessageAsDetailAndUndoesState) {
  host.storage[A][str("k")] = str("old");
  const std::string why = "integer overflow at factoring.tnr:12:5";
  Contract c;
  c.data(0, str("k")).data(8, str("new")).data(16, str(why));
  deploy(A, probe(c,
                {{"storage_set", {0, 1, 8, 3}}, {"storage_set", {8, 3, 8, 3}}, {"emit_event", {0, 1, 8, 3}},
                    {"output_write", {8, 3}}, {"abort", {16, static_cast<int64_t>(why.size())}}},
                0));
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
  EXPECT_EQ(r.trap, TrapCode::Abort);
  EXPECT_EQ(static_cast<int>(TrapCode::Abort), 15);
  EXPECT_EQ(r.message, "aborted: " + why);  // Trap{Abort, why}.to_string()
  EXPECT_EQ(r.message, (Trap{TrapCode::Abort, why}.to_string()));
  EXPECT_TRUE(r.output.empty());  // not the output written before the abort
  EXPECT_EQ(host.get(A, "k"), str("old"));
  EXPECT_FALSE(host.get(A, "new"));
  EXPECT_EQ(host.keys(A), 1u);
  EXPECT_TRUE(host.events.empty());
  EXPECT_EQ(host.journal_size(), 0u);
}

TEST_P(ContractTest, AbortWithAnEmptyMessage) {
  deploy(A, abort_with_input_contract());
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
  EXPECT_EQ(r.trap, TrapCode::Abort);
  EXPECT_EQ(r.message, "aborted");
}

TEST_P(ContractTest, AbortChargesTheBaseCostAndEachMessageByte) {
  auto i = detail::find_host_function("abort");
  ASSERT_TRUE(i);
  EXPECT_EQ(detail::host_function_specs()[*i].gas, 1u);
  const std::string why = "division by zero at pay.tnr:3:7";
  for (uint32_t len : {0u, 1u, static_cast<uint32_t>(why.size())}) {
    Contract c;
    c.data(16, str(why));
    deploy(A, c.build(seq({i32c(16), i32c(static_cast<int32_t>(len)), c.call("abort"), op::end})));
    const uint64_t expected = 1 * gas::kMemoryGrowPerPage                                         // the page
                              + 2 * gas::static_cost(op::i32_const) + gas::static_cost(op::call)  // the block
                              + gas::kHostCallBase + 1 + len * gas::kHostPerByte;                 // abort
    ExecResult r = run(A);
    EXPECT_EQ(r.trap, TrapCode::Abort) << describe(r);
    EXPECT_EQ(r.gas_used, expected) << "len " << len;
    EXPECT_EQ(r.message, "aborted" + (len ? ": " + why.substr(0, len) : std::string()));

    r = run(A, {}, expected - 1);  // one short: the abort cannot pay for its message
    EXPECT_EQ(r.status, ExecStatus::OutOfGas) << describe(r);
    EXPECT_EQ(r.trap, TrapCode::OutOfGas);
    EXPECT_EQ(r.gas_used, expected - 1);
  }
}

TEST_P(ContractTest, AbortMessageOutsideMemoryTraps) {
  struct Case {
    int64_t msg, len;
    const char* message;
  };
  const Case cases[] = {
      {65530, 10, "out of bounds memory access: abort: msg [65530, 65540) is outside memory (65536 bytes)"},
      {0xFFFFFFF0, 32,
          "out of bounds memory access: abort: msg [4294967280, 4294967312) is outside memory (65536 bytes)"},
      {65536, 1, "out of bounds memory access: abort: msg [65536, 65537) is outside memory (65536 bytes)"},
  };
  for (const Case& k : cases) {
    Contract c;
    c.data(0, str("k"));
    deploy(A, probe(c, {{"storage_set", {0, 1, 0, 1}}, {"abort", {k.msg, k.len}}}, 0));
    ExecResult r = run(A);
    EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
    EXPECT_EQ(r.trap, TrapCode::MemoryOutOfBounds);
    EXPECT_EQ(r.message, k.message);
    EXPECT_EQ(host.keys(A), 0u);
  }
  Contract edge;  // the last bytes of memory are fine
  edge.data(65534, str("ok"));
  deploy(A, probe(edge, {{"abort", {65534, 2}}}, 0));
  ExecResult r = run(A);
  EXPECT_EQ(r.trap, TrapCode::Abort) << describe(r);
  EXPECT_EQ(r.message, "aborted: ok");
}

TEST_P(ContractTest, AbortMessageAboveThePayloadLimitTraps) {
  VmConfig config = engine.config();
  config.max_host_payload_bytes = 16;
  ContractEngine small(config, ProfileRules{});
  Contract at_c, above_c, wild_c;
  at_c.data(0, str("0123456789abcdefg"));
  above_c.data(0, str("0123456789abcdefg"));
  ASSERT_TRUE(host.deploy(small, A, probe(at_c, {{"abort", {0, 16}}}, 0)));
  ASSERT_TRUE(host.deploy(small, B, probe(above_c, {{"abort", {0, 17}}}, 0)));
  // The payload rule comes before gas and memory: a huge length at a wild pointer is HostTrap.
  ASSERT_TRUE(host.deploy(small, C, probe(wild_c, {{"abort", {0xFFFFFFF0, 0xFFFFFFFF}}}, 0)));

  ExecResult r = small.execute(host, tx, {A, {}, 1'000'000});
  EXPECT_EQ(r.trap, TrapCode::Abort) << describe(r);
  EXPECT_EQ(r.message, "aborted: 0123456789abcdef");

  r = small.execute(host, tx, {B, {}, 1'000'000});
  EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
  EXPECT_EQ(r.trap, TrapCode::HostTrap);
  EXPECT_EQ(r.message,
      "host function trapped: abort: moves 17 bytes between memory and the host, more than "
      "max_host_payload_bytes (16)");

  r = small.execute(host, tx, {C, {}, 1'000'000});
  EXPECT_EQ(r.trap, TrapCode::HostTrap) << describe(r);
  EXPECT_NE(r.message.find("abort: moves 4294967295 bytes"), std::string::npos) << r.message;
}

// Ill-formed UTF-8 in the message: each maximal subpart becomes U+FFFD (what Python's
// bytes.decode("utf-8", "replace") and the WHATWG decoder give); well-formed text is kept.
TEST_P(ContractTest, AbortReplacesIllFormedUtf8) {
  const std::string R = "\xEF\xBF\xBD";  // U+FFFD
  struct Case {
    Bytes msg;
    std::string detail;
  };
  const Case cases[] = {
      {{'a', 0xC0, 0xAF, 'b', 0xE2, 0x82}, "a" + R + R + "b" + R},  // overlong; truncated at the end
      {{0xED, 0xA0, 0x80}, R + R + R},                              // a surrogate
      {{0xF4, 0x90, 0x80, 0x80}, R + R + R + R},                    // above U+10FFFF
      {{0xE0, 0x80, 0x80}, R + R + R},                              // overlong
      {{0xFF, 0xFE}, R + R},                                        // never in UTF-8
      {{0x80, 'x'}, R + "x"},                                       // a stray continuation byte
      {{'x', 0xF0, 0x9D, 0x84}, "x" + R},                           // truncated: one U+FFFD
      {{0xF0, 0x9D, 0x84, 'x'}, R + "x"},                           // interrupted: one U+FFFD
      {{0xE2, 0x82, 0xAC, ' ', 0xF0, 0x9D, 0x84, 0x9E, ' ', 0x00, '!'},
          std::string("\xE2\x82\xAC \xF0\x9D\x84\x9E \0!", 11)},  // well-formed, NUL included: kept
      {str("integer overflow at \xC3\xA9t\xC3\xA9.tnr:1:1"), "integer overflow at \xC3\xA9t\xC3\xA9.tnr:1:1"},
  };
  deploy(A, abort_with_input_contract());
  for (const Case& k : cases) {
    ExecResult r = run(A, k.msg);
    EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
    EXPECT_EQ(r.trap, TrapCode::Abort);
    EXPECT_EQ(r.message, "aborted: " + k.detail) << to_hex(k.msg);
  }
  // Gas is charged on the bytes read, not on the longer detail.
  EXPECT_EQ(run(A, Bytes(6, 0xFF)).gas_used, run(A, str("abcdef")).gas_used);
}

TEST_P(ContractTest, CalleeAbortIsATrapForTheCaller) {
  const std::string why = "absent map key at registry.tnr:40:9";
  const std::string expected = "aborted: " + why;
  const auto n = static_cast<uint32_t>(expected.size());
  Contract b;
  b.data(0, str("b")).data(8, str(why));
  deploy(B, probe(b,
                {{"storage_set", {0, 1, 0, 1}}, {"emit_event", {0, 1, 0, 1}},
                    {"abort", {8, static_cast<int64_t>(why.size())}}},
                0));
  Contract c;
  c.data(0, bytes_of(B)).data(40, str("a"));
  ProbeOutput p = run_probe({{"call_contract", {0, 32, 0, 1'000'000}}, {"return_data_size", {}},
                                {"return_data_read", {kBuf, 0, n}}, {"storage_set", {40, 1, 40, 1}}},
      n, std::move(c));
  EXPECT_EQ(p.results[0], 2);  // trap
  EXPECT_EQ(p.results[1], n);
  EXPECT_EQ(text(p.buf), expected);
  EXPECT_EQ(host.keys(B), 0u);
  EXPECT_TRUE(host.events.empty());
  EXPECT_EQ(host.get(A, "a"), str("a"));  // the caller went on
}

// ---- trap sites ----------------------------------------------------------------------------------

// ExecResult::site: where the top-level contract's code stopped (function index, code offset).
::testing::AssertionResult stopped_at(const ExecResult& r, uint32_t func, uint32_t offset) {
  if (!r.site) return ::testing::AssertionFailure() << "no site: " << describe(r);
  if (r.site->func_index != func || r.site->code_offset != offset)
    return ::testing::AssertionFailure() << "site (function " << r.site->func_index << ", offset "
                                         << r.site->code_offset << "), expected (function " << func << ", offset "
                                         << offset << "): " << describe(r);
  return ::testing::AssertionSuccess();
}

TEST_P(ContractTest, ATrapReportsItsSite) {
  Contract c;
  const Bytes code = c.build(seq({op::nop, op::nop, op::unreachable, op::end}));
  deploy(A, code);
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Trap);
  EXPECT_TRUE(stopped_at(r, 0, code_body_offsets(code)[0] + 2));
  EXPECT_EQ(r.message, "unreachable");  // the message is unchanged: the site is a separate field
}

TEST_P(ContractTest, AbortAndRevertReportTheirCall) {
  const Bytes aborting = abort_with_input_contract();  // imports input_size, input_read, abort
  deploy(A, aborting);
  ExecResult r = run(A, str("why"));
  EXPECT_EQ(r.trap, TrapCode::Abort);
  // input_size, local.set, 2 x i32.const, local.get, input_read, i32.const, local.get: 16 bytes.
  EXPECT_TRUE(stopped_at(r, 3, code_body_offsets(aborting)[0] + 16));

  Contract c;
  c.data(0, str("no"));
  const Bytes reverting = c.build(seq({op::nop, i32c(0), i32c(2), c.call("revert"), op::end}));
  deploy(B, reverting);
  r = run(B);
  EXPECT_EQ(r.status, ExecStatus::Revert) << describe(r);
  EXPECT_TRUE(stopped_at(r, 1, code_body_offsets(reverting)[0] + 5));
}

TEST_P(ContractTest, OutOfGasReportsTheBlockThatRanOut) {
  Contract c;
  const Bytes code = c.build(seq({i32c(1), op::drop, op::loop, bt::void_, op::br, 0, op::end, op::end}));
  deploy(A, code);
  ExecResult r = run(A, {}, 200'000);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas);
  EXPECT_TRUE(stopped_at(r, 0, code_body_offsets(code)[0] + 3));  // the loop
  // Less than instantiating the memory costs: no code ran, no site.
  r = run(A, {}, 100);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas);
  EXPECT_FALSE(r.site);
  // Nor for a refusal, or a success.
  EXPECT_FALSE(run(C).site);
  Contract ok;
  deploy(B, ok.build(seq({op::end})));
  r = run(B);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.site);
}

TEST_P(ContractTest, ACalleesTrapIsNotTheCallersSite) {
  deploy(B, Contract().build(seq({op::unreachable, op::end})));
  // The caller goes on after the callee trapped (call_contract returns its status), then traps
  // itself: the site is the caller's.
  Contract c;
  c.data(0, bytes_of(B));
  const Bytes caller = c.build(
      seq({i32c(0), i32c(32), i32c(0), i64c(1'000'000), c.call("call_contract"), op::drop, op::unreachable, op::end}));
  deploy(A, caller);
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Trap) << describe(r);
  const std::optional<size_t> payload = code_section_payload(caller);
  ASSERT_TRUE(payload);
  ASSERT_TRUE(r.site);
  EXPECT_EQ(r.site->func_index, 1u);  // after the one import
  EXPECT_EQ(caller.at(*payload + r.site->code_offset), op::unreachable);

  // Without the trap of its own the caller succeeds, with no site.
  Contract d;
  d.data(0, bytes_of(B));
  deploy(C, d.build(seq({i32c(0), i32c(32), i32c(0), i64c(1'000'000), d.call("call_contract"), op::drop, op::end})));
  r = run(C);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_FALSE(r.site);
}

TEST_P(ContractTest, OutOfGasUndoesStateAndUsesTheWholeLimit) {
  Contract c;
  c.data(0, str("k"));
  deploy(A, probe(c, {{"storage_set", {0, 1, 0, 1}}}, 0, seq({op::loop, bt::void_, op::br, 0, op::end})));
  ExecResult r = run(A, {}, 200'000);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas) << describe(r);
  EXPECT_EQ(r.trap, TrapCode::OutOfGas);
  EXPECT_EQ(r.gas_used, 200'000u);
  EXPECT_EQ(host.keys(A), 0u);

  // Less gas than instantiating the one page of memory costs.
  r = run(A, {}, 100);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas) << describe(r);
  EXPECT_EQ(r.gas_used, 100u);
}

TEST_P(ContractTest, GasLimitBoundaryIsExact) {
  Contract c;
  c.data(0, str("k"));
  deploy(A, probe(c, {{"storage_set", {0, 1, 0, 1}}}, 0));
  uint64_t needed = run(A).gas_used;
  host.storage.clear();
  ExecResult r = run(A, {}, needed - 1);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas) << describe(r);
  EXPECT_EQ(r.gas_used, needed - 1);
  EXPECT_EQ(host.keys(A), 0u);
  EXPECT_EQ(run(A, {}, needed).status, ExecStatus::Ok);
}

// ---- calls between contracts ----------------------------------------------------------------------

// B: stores its input under "in", emits an event, outputs "pong".
Bytes pong_contract() {
  Contract c;
  c.data(0, str("in")).data(8, str("pong"));
  return c.build(seq({c.call("input_size"), op::local_set, 0, i32c(64), i32c(0), op::local_get, 0, c.call("input_read"),
                     i32c(0), i32c(2), i32c(64), op::local_get, 0, c.call("storage_set"), i32c(0), i32c(2), i32c(8),
                     i32c(4), c.call("emit_event"), i32c(8), i32c(4), c.call("output_write"), op::end}),
      {I32});
}

TEST_P(ContractTest, CallContractSuccessCommits) {
  deploy(B, pong_contract());
  Contract c;
  c.data(0, bytes_of(B)).data(32, str("ping")).data(40, str("a"));
  ProbeOutput p = run_probe({{"call_contract", {0, 32, 4, 1'000'000}}, {"return_data_size", {}},
                                {"return_data_read", {kBuf, 0, 4}}, {"storage_set", {40, 1, 40, 1}}},
      4, std::move(c));
  EXPECT_EQ(p.results[0], 0);
  EXPECT_EQ(p.results[1], 4);
  EXPECT_EQ(text(p.buf), "pong");
  EXPECT_EQ(host.get(B, "in"), str("ping"));
  EXPECT_EQ(host.get(A, "a"), str("a"));
  ASSERT_EQ(host.events.size(), 1u);
  EXPECT_EQ(host.events[0].contract, B);
}

TEST_P(ContractTest, CalleeRevertRollsBackOnlyTheCallee) {
  Contract b;
  b.data(0, str("b")).data(8, str("no"));
  deploy(B, probe(b, {{"storage_set", {0, 1, 0, 1}}, {"emit_event", {0, 1, 0, 1}}, {"revert", {8, 2}}}, 0));
  Contract c;
  c.data(0, bytes_of(B)).data(40, str("a1")).data(48, str("a2"));
  ProbeOutput p = run_probe(
      {{"storage_set", {40, 2, 40, 2}}, {"emit_event", {40, 2, 40, 2}}, {"call_contract", {0, 32, 0, 1'000'000}},
          {"return_data_size", {}}, {"return_data_read", {kBuf, 0, 2}}, {"storage_set", {48, 2, 48, 2}}},
      2, std::move(c));
  EXPECT_EQ(p.results[2], 1);  // revert
  EXPECT_EQ(p.results[3], 2);
  EXPECT_EQ(text(p.buf), "no");
  EXPECT_EQ(host.get(A, "a1"), str("a1"));
  EXPECT_EQ(host.get(A, "a2"), str("a2"));
  EXPECT_EQ(host.keys(B), 0u);
  ASSERT_EQ(host.events.size(), 1u);
  EXPECT_EQ(host.events[0].contract, A);
}

TEST_P(ContractTest, CalleeTrapRollsBackOnlyTheCallee) {
  Contract b;
  b.data(0, str("b"));
  deploy(B, probe(b, {{"storage_set", {0, 1, 0, 1}}}, 0, {op::unreachable}));
  const std::string trap_text = "unreachable";
  Contract c;
  c.data(0, bytes_of(B));
  ProbeOutput p = run_probe({{"call_contract", {0, 32, 0, 1'000'000}}, {"return_data_size", {}},
                                {"return_data_read", {kBuf, 0, static_cast<int64_t>(trap_text.size())}}},
      static_cast<uint32_t>(trap_text.size()), std::move(c));
  EXPECT_EQ(p.results[0], 2);
  EXPECT_EQ(text(p.buf), trap_text);
  EXPECT_EQ(host.keys(B), 0u);
}

TEST_P(ContractTest, ReentryIsRefused) {
  const std::string msg = "re-entrant call to " + to_hex(A) + " refused: it is already on the call stack";
  const auto len = static_cast<uint32_t>(msg.size());
  Contract b;  // B calls A back and outputs what it saw
  b.data(0, bytes_of(A));
  deploy(B,
      probe(b, {{"call_contract", {0, 32, 0, 100'000}}, {"return_data_size", {}}, {"return_data_read", {kBuf, 0, len}}},
          len));
  Contract a;  // A calls B
  a.data(0, bytes_of(B));
  ProbeOutput p = run_probe(
      {{"call_contract", {0, 32, 0, 1'000'000}}, {"return_data_size", {}}, {"return_data_read", {kBuf, 0, 24 + len}}},
      24 + len, std::move(a));
  EXPECT_EQ(p.results[0], 0);
  EXPECT_EQ(p.results[1], 24 + len);
  ExecResult inner;
  inner.output = p.buf;
  ProbeOutput q = parse(inner, 3);
  EXPECT_EQ(q.results[0], 4);  // refused
  EXPECT_EQ(q.results[1], len);
  EXPECT_EQ(text(q.buf), msg);

  // A contract calling itself is re-entry too.
  Contract self;
  self.data(0, bytes_of(C));
  deploy(C, probe(self, {{"call_contract", {0, 32, 0, 100'000}}}, 0));
  ExecResult r = run(C);
  ASSERT_EQ(r.status, ExecStatus::Ok) << describe(r);
  EXPECT_EQ(parse(r, 1).results[0], 4);
}

TEST_P(ContractTest, CallGasLimitCapsTheCallee) {
  Contract b;
  b.data(0, str("b"));
  deploy(B, probe(b, {{"storage_set", {0, 1, 0, 1}}}, 0, seq({op::loop, bt::void_, op::br, 0, op::end})));
  auto gas_with = [&](int64_t limit) {
    Contract a;
    a.data(0, bytes_of(B)).data(40, str("after"));
    ProbeOutput p = run_probe({{"call_contract", {0, 32, 0, limit}}, {"storage_set", {40, 5, 40, 5}}}, 0, std::move(a));
    EXPECT_EQ(p.results[0], 3);  // out of gas
    EXPECT_EQ(host.get(A, "after"), str("after"));
    EXPECT_EQ(host.keys(B), 0u);
    return run(A).gas_used;
  };
  uint64_t g1 = gas_with(50'000), g2 = gas_with(80'000);
  EXPECT_EQ(g2 - g1, 30'000u);  // the callee used exactly its limit
  EXPECT_LT(g2, 10'000'000u);
}

TEST_P(ContractTest, CallerGasBoundsTheCallee) {
  // The callee asks for more than the caller has left: it runs out with the caller's gas.
  Contract b;
  deploy(B, probe(b, {}, 0, seq({op::loop, bt::void_, op::br, 0, op::end})));
  Contract a;
  a.data(0, bytes_of(B));
  deploy(A, probe(a, {{"call_contract", {0, 32, 0, 1'000'000'000}}}, 0));
  ExecResult r = run(A, {}, 300'000);
  EXPECT_EQ(r.status, ExecStatus::OutOfGas) << describe(r);
  EXPECT_EQ(r.gas_used, 300'000u);
}

TEST_P(ContractTest, UnknownContract) {
  const std::string msg = "no contract at " + to_hex(C);
  Contract a;
  a.data(0, bytes_of(C));
  ProbeOutput p = run_probe(
      {{"call_contract", {0, 32, 0, 1'000'000}}, {"return_data_read", {kBuf, 0, static_cast<int64_t>(msg.size())}}},
      static_cast<uint32_t>(msg.size()), std::move(a));
  EXPECT_EQ(p.results[0], 4);
  EXPECT_EQ(text(p.buf), msg);

  ExecResult r = run(C);
  EXPECT_EQ(r.status, ExecStatus::Refused);
  EXPECT_EQ(r.message, msg);
  EXPECT_EQ(r.gas_used, 0u);
}

TEST_P(ContractTest, CallerAndSelfAddress) {
  Contract b;
  deploy(B, probe(b, {{"caller", {kBuf}}, {"self_address", {kBuf + 32}}}, 64));
  Contract a;
  a.data(0, bytes_of(B));
  ProbeOutput p = run_probe(
      {{"call_contract", {0, 32, 0, 1'000'000}}, {"return_data_read", {kBuf, 0, 16 + 64}}, {"caller", {kBuf + 128}}},
      160, std::move(a));
  EXPECT_EQ(p.results[0], 0);
  ExecResult inner;
  inner.output.assign(p.buf.begin(), p.buf.begin() + 80);
  ProbeOutput q = parse(inner, 2);
  EXPECT_EQ(q.results[0], 1);  // called by a contract
  EXPECT_EQ(Bytes(q.buf.begin(), q.buf.begin() + 32), bytes_of(A));
  EXPECT_EQ(Bytes(q.buf.begin() + 32, q.buf.end()), bytes_of(B));
  EXPECT_EQ(p.results[2], 0);  // A was called by the transaction: caller() is the sender
  EXPECT_EQ(Bytes(p.buf.begin() + 128, p.buf.end()), bytes_of(tx.sender));
}

// ---- entry points and code ----------------------------------------------------------------------------

TEST_P(ContractTest, MissingEntryIsRefused) {
  Contract c;
  deploy(A, c.build({op::end}));
  ExecResult r = engine.execute(host, tx, ContractCall{A, {}, 1'000'000, "tenor_init"});
  EXPECT_EQ(r.status, ExecStatus::Refused);
  EXPECT_EQ(r.message, "contract " + to_hex(A) + " has no exported function \"tenor_init\" of type () -> ()");

  Contract with_init;
  with_init.data(0, str("init"));
  with_init.init(seq({i32c(0), i32c(4), i32c(0), i32c(4), with_init.call("storage_set"), op::end}));
  deploy(B, with_init.build({op::end}));
  r = engine.execute(host, tx, ContractCall{B, {}, 1'000'000, "tenor_init"});
  EXPECT_EQ(r.status, ExecStatus::Ok) << describe(r);
  EXPECT_EQ(host.get(B, "init"), str("init"));
}

TEST_P(ContractTest, CodeCacheLoadsEachCodeOnce) {
  Contract c;
  Bytes code = c.build({op::end});
  host.put_code(A, code);  // deployed without prepare: the first execute loads it
  host.put_code(B, code);  // same code at another address
  EXPECT_EQ(run(A).status, ExecStatus::Ok);
  EXPECT_EQ(engine.cache().misses(), 1u);
  EXPECT_EQ(engine.cache().hits(), 0u);
  EXPECT_EQ(host.code_requests, 1u);
  EXPECT_EQ(run(A).status, ExecStatus::Ok);
  EXPECT_EQ(run(B).status, ExecStatus::Ok);
  EXPECT_EQ(engine.cache().hits(), 2u);
  EXPECT_EQ(engine.cache().misses(), 1u);
  EXPECT_EQ(host.code_requests, 1u);
  EXPECT_EQ(engine.cache().size(), 1u);
}

TEST(CodeCache, EvictsTheLeastRecentlyUsed) {
  CodeCache cache(2);
  Hash h1{}, h2{}, h3{};
  h1[0] = 1;
  h2[0] = 2;
  h3[0] = 3;
  auto m = Module::load(WasmBuilder().build());
  ASSERT_TRUE(m);
  cache.insert(h1, *m);
  cache.insert(h2, *m);
  EXPECT_TRUE(cache.find(h1));  // h2 is now the least recently used
  cache.insert(h3, *m);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find(h1));
  EXPECT_FALSE(cache.find(h2));
  EXPECT_TRUE(cache.find(h3));
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST_P(ContractTest, TamperedCodeIsRefused) {
  Contract c1, c2;
  Bytes good = c1.build({op::end});
  Bytes evil = c2.build({op::unreachable, op::end});
  Hash h = host.put_code(A, good);
  host.codes[h] = evil;
  ExecResult r = run(A);
  EXPECT_EQ(r.status, ExecStatus::Refused);
  EXPECT_NE(r.message.find("does not match its hash: expected sha256 " + to_hex(h)), std::string::npos) << r.message;
  EXPECT_EQ(engine.cache().size(), 0u);
}

TEST_P(ContractTest, PrepareRejectsCodeOutsideTheProfile) {
  Contract f;
  auto r = engine.prepare(f.build(seq({f32c(1.0f), f32c(2.0f), op::f32_add, op::drop, op::end})));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::ProfileViolation);

  WasmBuilder unknown;  // an import the host module does not have
  unknown.import_func("tenor", "transfer_all_funds", {}, {});
  unknown.memory(1, 1);
  unknown.export_memory("memory", 0);
  unknown.func({}, {}).code({op::end}).export_("tenor_entry");
  r = engine.prepare(unknown.build());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);

  WasmBuilder wrong;  // a known import with the wrong type
  wrong.import_func("tenor", "block_height", {}, {I32});
  wrong.memory(1, 1);
  wrong.export_memory("memory", 0);
  wrong.func({}, {}).code({op::end}).export_("tenor_entry");
  r = engine.prepare(wrong.build());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);

  Contract seg;  // a data segment past the end of memory
  seg.data(65534, str("abcd"));
  r = engine.prepare(seg.build({op::end}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
}

TEST_P(ContractTest, EveryHostFunctionCanBeImported) {
  Contract c;
  for (const auto& spec : detail::host_function_specs()) c.call(spec.name);
  auto r = engine.prepare(c.build({op::end}));
  EXPECT_TRUE(r) << r.error().to_string();
}

// ---- transaction and block ----------------------------------------------------------------------------

TEST_P(ContractTest, Signers) {
  Contract c;
  c.data(0, bytes_of(tx.signers[0])).data(32, bytes_of(tx.signers[1])).data(64, bytes_of(address(0x99)));
  ProbeOutput p = run_probe({{"is_signer", {0}}, {"is_signer", {32}}, {"is_signer", {64}}, {"signer_count", {}},
                                {"signer_read", {1, kBuf}}, {"sender", {kBuf + 32}}},
      64, std::move(c));
  EXPECT_EQ(p.results, (std::vector<int64_t>{1, 1, 0, 2, 0, 0}));
  EXPECT_EQ(Bytes(p.buf.begin(), p.buf.begin() + 32), bytes_of(tx.signers[1]));
  EXPECT_EQ(Bytes(p.buf.begin() + 32, p.buf.end()), bytes_of(tx.sender));

  Contract bad;
  deploy(A, probe(bad, {{"signer_read", {2, kBuf}}}, 0));
  ExecResult r = run(A);
  EXPECT_EQ(r.trap, TrapCode::HostTrap);
  EXPECT_NE(r.message.find("signer_read: index 2 is not below signer_count (2)"), std::string::npos) << r.message;
}

TEST_P(ContractTest, BlockAndChain) {
  ProbeOutput p = run_probe({{"block_height", {}}, {"block_time", {}}, {"chain_id", {kBuf, 0}},
                                {"chain_id", {kBuf, 64}}, {"chain_id", {kBuf + 16, 5}}},
      21);
  EXPECT_EQ(p.results, (std::vector<int64_t>{42, 1'700'000'000, 10, 10, 10}));
  EXPECT_EQ(text(std::span(p.buf).first(10)), "tenor-test");
  EXPECT_EQ(text(std::span(p.buf).subspan(16, 5)), "tenor");
}

// ---- cryptography ----------------------------------------------------------------------------------

TEST(Sha256, KnownVector) {
  Bytes abc = str("abc");
  EXPECT_EQ(to_hex(sha256(abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(Bytes{0x00, 0x0f, 0xa0, 0xff}), "000fa0ff");
}

TEST_P(ContractTest, Sha256HostFunction) {
  Contract c;
  c.data(0, str("abc"));
  ProbeOutput p = run_probe({{"sha256", {0, 3, kBuf}}, {"sha256", {0, 3, 0}}}, 32, std::move(c));
  EXPECT_EQ(to_hex(p.buf), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_P(ContractTest, Ed25519Verify) {
  ASSERT_GE(sodium_init(), 0);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  const Bytes msg = str("price EUR/USD 1.0842 @ 1700000000");
  Bytes sig(crypto_sign_BYTES);
  crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
  Bytes tampered = msg;
  tampered[6] ^= 1;
  Bytes bad_sig = sig;
  bad_sig[0] ^= 0x80;
  Contract c;
  c.data(0, sig).data(64, Bytes(pk, pk + sizeof pk)).data(128, msg).data(256, tampered).data(384, bad_sig);
  auto len = static_cast<int64_t>(msg.size());
  ProbeOutput p = run_probe({{"ed25519_verify", {0, 64, 128, len}}, {"ed25519_verify", {0, 64, 256, len}},
                                {"ed25519_verify", {384, 64, 128, len}}, {"ed25519_verify", {0, 64, 128, len - 1}}},
      0, std::move(c));
  EXPECT_EQ(p.results, (std::vector<int64_t>{1, 0, 0, 0}));
}

// ---- cost ----------------------------------------------------------------------------------------------

// Not a benchmark: prints what one execute() of an empty contract costs from a warm cache, so a
// regression in the per-call overhead is visible in the test log.
TEST_P(ContractTest, WarmExecuteCost) {
  Contract c;
  deploy(A, c.build({op::end}));
  Contract d;
  deploy(B, probe(d, {{"block_height", {}}, {"input_size", {}}}, 0));
  for (const Address& a : {A, B}) {
    ASSERT_EQ(run(a).status, ExecStatus::Ok);
    constexpr int kCalls = 20'000;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) {
      ExecResult r = run(a, {}, 100'000);
      if (!r.ok()) FAIL() << describe(r);
    }
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / kCalls;
    std::printf(
        "execute() of %s from a warm cache: %.0f ns\n", a == A ? "an empty contract" : "a 3-host-call contract", ns);
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, ContractTest, ::testing::ValuesIn(metered_variants()), variant_test_name);

}  // namespace
}  // namespace tenor::vm::test

// Regression: a HostContext that threw something other than a std::exception escaped execute()
// and left the engine marked as running, so every later call was refused.
namespace tenor::vm::test {
namespace {

struct ThrowingHost : TestHost {
  bool throw_now = true;
  uint64_t checkpoint() override {
    if (throw_now) throw 42;  // not a std::exception
    return TestHost::checkpoint();
  }
};

TEST(ContractEngineErrors, NonStandardExceptionFromTheHostIsATrapAndTheEngineStaysUsable) {
  ContractEngine engine;
  ThrowingHost host;
  TxContext tx;
  Contract c;
  const Address a = address(0xA1);
  auto h = host.deploy(engine, a, c.build(seq({op::end}), {}));
  ASSERT_TRUE(h) << h.error().to_string();
  ExecResult r = engine.execute(host, tx, ContractCall{a, {}, 1'000'000});
  EXPECT_EQ(r.status, ExecStatus::Trap);
  EXPECT_EQ(r.trap, TrapCode::HostTrap);
  EXPECT_NE(r.message.find("not a std::exception"), std::string::npos) << r.message;
  host.throw_now = false;
  ExecResult again = engine.execute(host, tx, ContractCall{a, {}, 1'000'000});
  EXPECT_EQ(again.status, ExecStatus::Ok) << again.message;
}

}  // namespace
}  // namespace tenor::vm::test
