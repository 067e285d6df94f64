// Gas: metered calls use exactly what the schedule (gas.hpp) predicts, the same every run; running
// out uses the whole limit and stops at the same point every run; unmetered code computes the same
// results; docs/gas.md renders the schedule exactly.
#include "tenor/vm/gas.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "opcodes.hpp"
#include "repo_path.hpp"
#include "wasm_builder.hpp"

namespace tenor::vm::test {
namespace {

// Sum of the static costs of a list of WebAssembly opcodes (0xFCxx for prefixed ones).
uint64_t cost_of(std::initializer_list<uint32_t> opcodes) {
  uint64_t sum = 0;
  for (uint32_t opc : opcodes) sum += gas::static_cost(opc);
  return sum;
}

// Vm::call gives metered stores a large limit; these two say exactly what the call gets (and trace
// it when the variant is traced).
CallResult call_without_limit(Vm& vm, std::string_view name, std::vector<Value> args) {
  CallOptions o;
  o.tracer = vm.options.tracer;
  return vm.store.call(vm.fn(name), std::span<const Value>(args), o);
}

CallResult call_with_gas(Vm& vm, std::string_view name, std::vector<Value> args, std::optional<uint64_t> gas) {
  CallOptions o;
  o.gas_limit = gas;
  o.tracer = vm.options.tracer;
  return vm.store.call(vm.fn(name), std::span<const Value>(args), o);
}

// The tests of metered execution run on every metered variant (variants.hpp): both dispatch
// modes, traced and untraced. metered() is the variant's configuration.
class GasExecution : public VariantTest {
 protected:
  static VariantConfig metered() { return cfg(); }
};

uint32_t global_value(const Vm& vm, std::string_view name) {
  auto ext = vm.inst->find_export(name);
  if (!ext || !ext->as_global()) {
    ADD_FAILURE() << "no exported global " << name;
    return 0;
  }
  return ext->as_global()->get().as_u32();
}

// count(n): count = 0, then n iterations of count += 1. The prologue is the function's entry block;
// each iteration enters the loop header's block.
Bytes counting_loop_module() {
  WasmBuilder b;
  uint32_t g = b.global(I32, true, i32c(0));
  b.export_global("counter", g);
  b.func({I32}, {})
      .code({i32c(0), op::global_set,
          0,  // prologue
          op::loop,
          bt::void_,  // loop header
          op::global_get, 0, i32c(1), op::i32_add, op::global_set, 0, op::local_get, 0, i32c(1), op::i32_sub,
          op::local_tee, 0, op::br_if, 0, op::end, op::end})
      .export_("count");
  return b.build();
}
const uint64_t kPrologue = cost_of({0x41, 0x24, 0x03});
const uint64_t kIteration = cost_of({0x23, 0x41, 0x6A, 0x24, 0x20, 0x41, 0x6B, 0x22, 0x0D});
// After the loop: two ends (structure, 0).
const uint64_t kEpilogue = cost_of({0x0B, 0x0B});

TEST(Gas, TheScheduleCostsOfTheLoop) {
  // The arithmetic below relies on these; a schedule change shows up here first.
  EXPECT_EQ(kPrologue, 3u);
  EXPECT_EQ(kIteration, 12u);
  EXPECT_EQ(kEpilogue, 0u);
}

TEST_P(GasExecution, AMeteredCallUsesWhatTheScheduleSays) {
  Vm vm(metered());
  ASSERT_TRUE(vm.load(counting_loop_module()));
  for (uint32_t n : {1u, 2u, 10u, 1000u}) {
    CallResult r = call_with_gas(vm, "count", {Value::i32(n)}, 1'000'000);
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.gas_used, kPrologue + n * kIteration + kEpilogue) << "n = " << n;
    EXPECT_EQ(global_value(vm, "counter"), n);
  }
}

TEST_P(GasExecution, TheSameCallTwiceUsesTheSameGas) {
  for (int store = 0; store < 2; ++store) {
    Vm vm(metered());
    ASSERT_TRUE(vm.load(counting_loop_module()));
    CallResult a = call_with_gas(vm, "count", {Value::i32(777)}, 1'000'000);
    CallResult b = call_with_gas(vm, "count", {Value::i32(777)}, 1'000'000);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a.gas_used, b.gas_used);
    EXPECT_EQ(a.values, b.values);
    EXPECT_EQ(a.gas_used, kPrologue + 777 * kIteration);
  }
}

TEST_P(GasExecution, OutOfGasUsesTheWholeLimitAndStopsAtTheSamePointEveryRun) {
  // Blocks are charged at entry, before any of their effects: with limit L the prologue runs when
  // L >= 3 and then floor((L - 3) / 12) iterations complete.
  for (uint64_t limit = 0; limit <= 200; ++limit) {
    for (int run = 0; run < 2; ++run) {
      Vm vm(metered());
      ASSERT_TRUE(vm.load(counting_loop_module()));
      CallResult r = call_with_gas(vm, "count", {Value::i32(1'000'000)}, limit);
      ASSERT_TRUE(traps(r, TrapCode::OutOfGas)) << "limit " << limit;
      EXPECT_EQ(r.gas_used, limit);
      uint64_t expected = limit < kPrologue ? 0 : (limit - kPrologue) / kIteration;
      EXPECT_EQ(global_value(vm, "counter"), expected) << "limit " << limit << ", run " << run;
    }
  }
}

TEST_P(GasExecution, ExactlyEnoughGasSucceeds) {
  Vm vm(metered());
  ASSERT_TRUE(vm.load(counting_loop_module()));
  const uint64_t need = kPrologue + 5 * kIteration + kEpilogue;
  CallResult ok = call_with_gas(vm, "count", {Value::i32(5)}, need);
  EXPECT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok.gas_used, need);
  CallResult short_by_one = call_with_gas(vm, "count", {Value::i32(5)}, need - 1);
  EXPECT_TRUE(traps(short_by_one, TrapCode::OutOfGas));
  EXPECT_EQ(short_by_one.gas_used, need - 1);
  EXPECT_EQ(global_value(vm, "counter"), 4u);
}

TEST_P(GasExecution, ACallChargesTheCalleesEntryBlockBeforeItRuns) {
  WasmBuilder b;
  uint32_t g = b.global(I32, true, i32c(0));
  b.export_global("g", g);
  b.func({}, {}).code({op::call, 1, op::end}).export_("caller");
  b.func({}, {}).code({i32c(7), op::global_set, 0, op::end});
  const uint64_t caller = cost_of({0x10, 0x0B});
  const uint64_t callee = cost_of({0x41, 0x24, 0x0B});
  ASSERT_EQ(caller, 20u);
  ASSERT_EQ(callee, 3u);
  {
    Vm vm(metered());
    ASSERT_TRUE(vm.load(b.build()));
    CallResult r = call_with_gas(vm, "caller", {}, 1000);
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.gas_used, caller + callee);
    EXPECT_EQ(global_value(vm, "g"), 7u);
  }
  {
    Vm vm(metered());
    ASSERT_TRUE(vm.load(b.build()));
    CallResult r = call_with_gas(vm, "caller", {}, caller + callee - 1);
    EXPECT_TRUE(traps(r, TrapCode::OutOfGas));
    EXPECT_EQ(r.gas_used, caller + callee - 1);
    EXPECT_EQ(global_value(vm, "g"), 0u);  // the callee's block never started
  }
  {
    Vm vm(metered());
    ASSERT_TRUE(vm.load(b.build()));
    CallResult r = call_with_gas(vm, "caller", {}, caller - 1);
    EXPECT_TRUE(traps(r, TrapCode::OutOfGas));
    EXPECT_EQ(r.gas_used, caller - 1);
  }
}

TEST_P(GasExecution, ACallWithoutALimitIsUnmetered) {
  Vm vm(metered());
  ASSERT_TRUE(vm.load(counting_loop_module()));
  CallResult r = call_without_limit(vm, "count", {Value::i32(100)});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.gas_used, 0u);
  EXPECT_EQ(global_value(vm, "counter"), 100u);
}

// ---- metered and unmetered code compute the same ----

Bytes mixed_module() {
  WasmBuilder b;
  b.memory(1, 4);
  // fib(n) -> i64, iterative.
  b.func({I32}, {I64})
      .locals({I64, I64, I64})
      .code({i64c(0), op::local_set, 1, i64c(1), op::local_set, 2, op::block, bt::void_, op::loop, bt::void_,
          op::local_get, 0, op::i32_eqz, op::br_if, 1, op::local_get, 1, op::local_get, 2, op::i64_add, op::local_set,
          3, op::local_get, 2, op::local_set, 1, op::local_get, 3, op::local_set, 2, op::local_get, 0, i32c(1),
          op::i32_sub, op::local_set, 0, op::br, 0, op::end, op::end, op::local_get, 1, op::end})
      .export_("fib");
  b.func({I32, I32}, {I32}).code({op::local_get, 0, op::local_get, 1, op::i32_div_s, op::end}).export_("div");
  // Stores a byte pattern, sums it back through if/else.
  b.func({I32}, {I32})
      .code({i32c(0), i32c(0x11), op::local_get, 0, memory_fill(), op::local_get, 0, op::if_, bt::i32, i32c(0),
          op::i32_load8_u, mem(0, 0), op::else_, i32c(-1), op::end, op::end})
      .export_("fill");
  b.func({I32}, {I32}).code({op::local_get, 0, op::memory_grow, 0, op::end}).export_("grow");
  return b.build();
}

TEST_P(GasExecution, MeteredAndUnmeteredCodeAgree) {
  Vm plain;                // translated without gas
  Vm free_run(metered());  // translated with gas, called without a limit
  Vm limited(metered());   // translated with gas, called with a limit
  ASSERT_TRUE(plain.load(mixed_module()));
  ASSERT_TRUE(free_run.load(mixed_module()));
  ASSERT_TRUE(limited.load(mixed_module()));
  struct Case {
    const char* func;
    std::vector<Value> args;
  };
  const Case cases[] = {
      {"fib", {Value::i32(0)}},
      {"fib", {Value::i32(1)}},
      {"fib", {Value::i32(90)}},
      {"div", {Value::i32(7), Value::i32(2)}},
      {"div", {Value::i32(7), Value::i32(0)}},
      {"div", {Value::i32(0x80000000u), Value::i32(static_cast<uint32_t>(-1))}},
      {"fill", {Value::i32(0)}},
      {"fill", {Value::i32(9)}},
      {"fill", {Value::i32(70000)}},
      {"grow", {Value::i32(1)}},
      {"grow", {Value::i32(5)}},
      {"fill", {Value::i32(70000)}},
  };
  for (const Case& c : cases) {
    CallResult a = call_without_limit(plain, c.func, c.args);
    CallResult b = call_without_limit(free_run, c.func, c.args);
    CallResult m = call_with_gas(limited, c.func, c.args, 10'000'000);
    EXPECT_EQ(describe(a), describe(b)) << c.func;
    EXPECT_EQ(describe(a), describe(m)) << c.func;
    EXPECT_EQ(a.gas_used, 0u);
    EXPECT_EQ(b.gas_used, 0u);
    EXPECT_GT(m.gas_used, 0u);
  }
}

// ---- dynamic costs ----

TEST_P(GasExecution, MemoryGrowCostsPerPage) {
  const uint64_t fixed = cost_of({0x20, 0x40, 0x0B});
  ASSERT_EQ(fixed, 51u);
  Vm vm(metered());
  ASSERT_TRUE(vm.load(mixed_module()));  // 1 page, at most 4
  for (uint32_t pages : {0u, 1u}) {
    CallResult r = call_with_gas(vm, "grow", {Value::i32(pages)}, 1'000'000);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.gas_used, fixed + gas::kMemoryGrowPerPage * pages) << pages << " pages";
  }
  // Charged before growing: one gas short leaves the memory as it was.
  CallResult r = call_with_gas(vm, "grow", {Value::i32(2)}, fixed + 2 * gas::kMemoryGrowPerPage - 1);
  EXPECT_TRUE(traps(r, TrapCode::OutOfGas));
  EXPECT_EQ(r.gas_used, fixed + 2 * gas::kMemoryGrowPerPage - 1);
  EXPECT_EQ(vm.inst->memory()->pages(), 2u);
  r = call_with_gas(vm, "grow", {Value::i32(2)}, fixed + 2 * gas::kMemoryGrowPerPage);
  EXPECT_TRUE(returns(r, {Value::i32(2)}));
  EXPECT_EQ(r.gas_used, fixed + 2 * gas::kMemoryGrowPerPage);
  EXPECT_EQ(vm.inst->memory()->pages(), 4u);
}

TEST_P(GasExecution, MemoryFillCostsPerEightBytes) {
  WasmBuilder b;
  b.memory(1);
  b.func({I32}, {}).code({i32c(0), i32c(0xAB), op::local_get, 0, memory_fill(), op::end}).export_("fill");
  const uint64_t fixed = cost_of({0x41, 0x41, 0x20, 0xFC0B, 0x0B});
  ASSERT_EQ(fixed, 13u);
  Vm vm(metered());
  ASSERT_TRUE(vm.load(b.build()));
  const std::map<uint32_t, uint64_t> per_size = {{0, 0}, {1, 1}, {8, 1}, {9, 2}, {64, 8}, {65, 9}, {65536, 8192}};
  for (auto [n, dynamic] : per_size) {
    EXPECT_EQ(gas::bulk_memory_cost(n), dynamic);
    CallResult r = call_with_gas(vm, "fill", {Value::i32(n)}, 1'000'000);
    ASSERT_TRUE(r.ok()) << describe(r);
    EXPECT_EQ(r.gas_used, fixed + dynamic) << n << " bytes";
  }
}

TEST(Gas, UnmeteredModulesPayOnlyDynamicCosts) {
  Vm vm;  // metering off: no Gas instructions, but memory.grow still charges per page
  ASSERT_TRUE(vm.load(mixed_module()));
  CallResult r = call_with_gas(vm, "grow", {Value::i32(2)}, 1'000'000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.gas_used, 2 * gas::kMemoryGrowPerPage);
}

INSTANTIATE_TEST_SUITE_P(Variants, GasExecution, ::testing::ValuesIn(metered_variants()), variant_test_name);

// ---- the schedule and its documentation ----

TEST(Gas, EveryOpcodeHasAClassAndItsCost) {
  for (const gas::GasClass& c : gas::classes()) EXPECT_NE(c.name, nullptr);
  EXPECT_EQ(gas::static_cost(0x6A), 1u);  // i32.add
  EXPECT_STREQ(gas::class_of(0x6A), "int_alu");
  EXPECT_EQ(gas::class_of(0xFF), nullptr);
  for (uint32_t opc = 0; opc < 0x100; ++opc) {
    const char* name = gas::class_of(opc);
    if (!name) continue;
    bool found = false;
    for (const gas::GasClass& c : gas::classes())
      if (std::string(c.name) == name) {
        found = true;
        EXPECT_EQ(gas::static_cost(opc), c.cost) << std::hex << opc;
      }
    EXPECT_TRUE(found) << name;
  }
}

struct DocRow {
  std::string cost;
  std::string text;
};

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// The rows of the Markdown table whose header's first cell is `first_header`: name (backticks
// removed) -> (second cell, third cell).
std::map<std::string, DocRow> read_doc_table(const std::string& doc, const std::string& first_header) {
  std::map<std::string, DocRow> rows;
  std::istringstream in(doc);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] != '|') {
      inside = false;
      continue;
    }
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (cells.size() != 3) continue;
    if (cells[0] == first_header) {
      inside = true;
      continue;
    }
    if (!inside || cells[0].starts_with("---") || cells[0].starts_with(":-")) continue;
    std::string name = cells[0];
    if (name.size() >= 2 && name.front() == '`' && name.back() == '`') name = name.substr(1, name.size() - 2);
    EXPECT_FALSE(rows.contains(name)) << "docs/gas.md lists " << name << " twice";
    rows[name] = {cells[1], cells[2]};
  }
  return rows;
}

std::string read_gas_doc() {
  const auto path = repo_path("docs/gas.md");
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Gas, DocsRenderEveryStaticClassExactly) {
  auto doc = read_doc_table(read_gas_doc(), "class");
  ASSERT_FALSE(doc.empty()) << "docs/gas.md has no `| class | cost | instructions |` table";
  for (const gas::GasClass& c : gas::classes()) {
    auto it = doc.find(c.name);
    if (it == doc.end()) {
      ADD_FAILURE() << "docs/gas.md lacks class " << c.name;
      continue;
    }
    EXPECT_EQ(it->second.cost, std::to_string(c.cost)) << c.name;
    EXPECT_EQ(it->second.text, c.instructions) << c.name;
    doc.erase(it);
  }
  for (const auto& [name, row] : doc) ADD_FAILURE() << "docs/gas.md lists class " << name << ", the schedule does not";
}

TEST(Gas, DocsRenderEveryDynamicCostExactly) {
  auto doc = read_doc_table(read_gas_doc(), "dynamic cost");
  ASSERT_FALSE(doc.empty()) << "docs/gas.md has no `| dynamic cost | gas | unit |` table";
  for (const gas::DynamicCost& c : gas::dynamic_costs()) {
    auto it = doc.find(c.name);
    if (it == doc.end()) {
      ADD_FAILURE() << "docs/gas.md lacks dynamic cost " << c.name;
      continue;
    }
    EXPECT_EQ(it->second.cost, std::to_string(c.cost)) << c.name;
    EXPECT_EQ(it->second.text, c.unit) << c.name;
    doc.erase(it);
  }
  for (const auto& [name, row] : doc)
    ADD_FAILURE() << "docs/gas.md lists dynamic cost " << name << ", the schedule does not";
}

// The lists of "Instructions per class" in docs/gas.md: class -> its instructions (one Markdown list
// item per class, "- `class`: name name ...", which may continue on indented lines).
std::map<std::string, std::vector<std::string>> read_doc_class_lists(const std::string& doc) {
  std::map<std::string, std::vector<std::string>> lists;
  std::istringstream in(doc);
  std::string line;
  bool inside = false;
  std::vector<std::string>* current = nullptr;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) {
      inside = line == "## Instructions per class";
      current = nullptr;
      continue;
    }
    if (!inside) continue;
    if (line.starts_with("- `")) {
      const size_t close = line.find('`', 3);
      if (close == std::string::npos || line.compare(close, 2, "`:") != 0) {
        ADD_FAILURE() << "docs/gas.md: a list item of the instructions per class is not \"- `class`: ...\": " << line;
        current = nullptr;
        continue;
      }
      const std::string name = line.substr(3, close - 3);
      EXPECT_FALSE(lists.contains(name)) << "docs/gas.md lists the instructions of " << name << " twice";
      current = &lists[name];
      line = line.substr(close + 2);
    } else if (trim(line).empty() || !line.starts_with("  ")) {
      current = nullptr;
      continue;
    }
    if (current == nullptr) continue;
    std::istringstream words(line);
    for (std::string w; words >> w;) current->push_back(w);
  }
  return lists;
}

// Every instruction of the opcode table (opcodes.def) appears in docs/gas.md under its class, in
// table order, and nothing else does: the doc cannot drift from the schedule.
TEST(Gas, DocsListTheInstructionsOfEveryClassExactly) {
  std::map<std::string, std::vector<std::string>> want;
  for (const detail::OpcodeInfo& row : detail::opcodes()) want[gas::class_of(row.opcode)].push_back(row.name);
  std::string expected_section;  // printed on failure, to paste into the doc
  for (const gas::GasClass& c : gas::classes()) {
    std::string item = std::string("- `") + c.name + "`:";
    for (const std::string& name : want[c.name]) item += " " + name;
    expected_section += item + "\n";
  }
  auto doc = read_doc_class_lists(read_gas_doc());
  ASSERT_FALSE(doc.empty()) << "docs/gas.md has no \"## Instructions per class\" section of \"- `class`: ...\" "
                            << "items; from opcodes.def:\n"
                            << expected_section;
  for (const gas::GasClass& c : gas::classes()) {
    auto it = doc.find(c.name);
    if (it == doc.end()) {
      ADD_FAILURE() << "docs/gas.md lists no instructions for class " << c.name;
      continue;
    }
    EXPECT_EQ(it->second, want[c.name]) << "the instructions of class " << c.name;
    doc.erase(it);
  }
  for (const auto& [name, list] : doc)
    ADD_FAILURE() << "docs/gas.md lists instructions of class " << name << ", the schedule has no such class";
  if (HasFailure()) ADD_FAILURE() << "the section generated from opcodes.def:\n" << expected_section;
}

}  // namespace
}  // namespace tenor::vm::test
