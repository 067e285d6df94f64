// The variants of the VM every execution test runs on, as evmone runs its unit tests over every
// interpreter: {goto, switch} dispatch (VmConfig::dispatch) x {unmetered, metered} code
// (VmConfig::metering; metered calls get a large gas limit) x {untraced, traced} calls (a Tracer
// at the instruction level, the most detailed). All eight must compute the same results and traps.
//
//   using InterpreterCalls = VariantTest;
//   TEST_P(InterpreterCalls, Recursion) { Vm vm(cfg()); ... }
//   INSTANTIATE_TEST_SUITE_P(Variants, InterpreterCalls, ::testing::ValuesIn(all_variants()), variant_test_name);
//
// gives Variants/InterpreterCalls.Recursion/goto_unmetered_untraced ... switch_metered_traced.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tenor/vm/config.hpp"

namespace tenor::vm::test {

struct Variant {
  VmConfig::Dispatch dispatch = VmConfig::Dispatch::Goto;
  bool metered = false;
  bool traced = false;
};

// "goto_unmetered_untraced", "switch_metered_traced", ...; also how GoogleTest prints a Variant.
inline std::string variant_name(const Variant& v) {
  return std::string(v.dispatch == VmConfig::Dispatch::Goto ? "goto" : "switch") +
         (v.metered ? "_metered" : "_unmetered") + (v.traced ? "_traced" : "_untraced");
}
inline std::string variant_test_name(const ::testing::TestParamInfo<Variant>& info) { return variant_name(info.param); }
inline void PrintTo(const Variant& v, std::ostream* os) { *os << variant_name(v); }

// All eight, the default (goto, unmetered, untraced) first.
inline std::vector<Variant> all_variants() {
  std::vector<Variant> out;
  for (auto dispatch : {VmConfig::Dispatch::Goto, VmConfig::Dispatch::Switch})
    for (bool metered : {false, true})
      for (bool traced : {false, true}) out.push_back({dispatch, metered, traced});
  return out;
}
// The metered four, for tests of gas.
inline std::vector<Variant> metered_variants() {
  std::vector<Variant> out;
  for (const Variant& v : all_variants())
    if (v.metered) out.push_back(v);
  return out;
}
// The two dispatch modes, for tests that fix metering and tracing themselves.
inline std::vector<Variant> dispatch_variants() {
  return {{VmConfig::Dispatch::Goto, false, false}, {VmConfig::Dispatch::Switch, false, false}};
}
inline std::string dispatch_test_name(const ::testing::TestParamInfo<Variant>& info) {
  return info.param.dispatch == VmConfig::Dispatch::Goto ? "goto" : "switch";
}

// A VmConfig and whether calls are traced: what Vm (wasm_builder.hpp) needs to run a variant.
struct VariantConfig : VmConfig {
  bool traced = false;
};

inline VariantConfig config_of(const Variant& v) {
  VariantConfig c;
  c.dispatch = v.dispatch;
  c.metering = v.metered;
  c.traced = v.traced;
  return c;
}

class VariantTest : public ::testing::TestWithParam<Variant> {
 protected:
  // The variant's configuration; a test may change limits in it before making its Vm.
  static VariantConfig cfg() { return config_of(GetParam()); }
};

}  // namespace tenor::vm::test
