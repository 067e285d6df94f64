// A compiled Tenor contract on the VM's test embedder: build a source, deploy it (running
// `tenor_init`), call its entry points with Borsh-encoded arguments, and read results, reverts,
// traps, events and storage.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tenor/compiler/build.hpp"
#include "tenor/sdk/borsh.hpp"
#include "tenor/vm/contract.hpp"
#include "test_host.hpp"

namespace tenor::test {

using vm::Bytes;
using vm::ExecResult;
using vm::ExecStatus;

inline vm::Party party(uint8_t n) {
  vm::Party p{};
  p.fill(n);
  return p;
}

// Borsh arguments: Args().str("register").fixed(hash).u64(5).bytes()
class Args {
 public:
  Args& str(std::string_view s) {
    w_.string(s);
    return *this;
  }
  Args& u8(uint8_t v) {
    w_.u8(v);
    return *this;
  }
  Args& u32(uint32_t v) {
    w_.u32(v);
    return *this;
  }
  Args& u64(uint64_t v) {
    w_.u64(v);
    return *this;
  }
  Args& i64(int64_t v) {
    w_.i64(v);
    return *this;
  }
  Args& i32(int32_t v) {
    w_.i32(v);
    return *this;
  }
  Args& i128(__int128 v) {
    w_.i128(v);
    return *this;
  }
  Args& boolean(bool v) {
    w_.boolean(v);
    return *this;
  }
  Args& fixed(const std::array<uint8_t, 32>& v) {
    w_.fixed(v);
    return *this;
  }
  Args& money(__int128 minor, std::string_view cur) {
    w_.i128(minor);
    for (char c : cur) w_.u8(static_cast<uint8_t>(c));
    return *this;
  }
  Args& raw(const Bytes& b) {
    w_.fixed(b);
    return *this;
  }
  Bytes bytes() const { return w_.data(); }

 private:
  sdk::BorshWriter w_;
};

class Deployed {
 public:
  // Builds `source`; the test fails (and the contract is empty) when it does not compile.
  explicit Deployed(std::string_view source, compiler::OptLevel opt = compiler::OptLevel::O2,
                    std::string_view name = "test.tnr")
      : Deployed(source, with_opt(opt), name) {}

  // With every build option (the modules' folders among them); `name` is the file's path, which
  // the `use`s of a contract with modules are found from.
  Deployed(std::string_view source, const compiler::BuildOptions& o, std::string_view name) {
    build = compiler::build_source(name, source, o);
    EXPECT_TRUE(build.ok()) << build.diagnostics_text();
    if (!build.ok()) return;
    auto h = host.deploy(engine, address, build.wasm);
    EXPECT_TRUE(h.has_value()) << (h ? "" : h.error().to_string());
    tx.chain_id = "test";
    tx.block_height = 1;
    tx.block_time = 1'800'000'000;  // 2027-01-15
    sign_as({party(1)});
  }

  // Builds and deploys another contract into the same world (running its init with `init_args`).
  vm::Address add(std::string_view source, uint8_t at, const Bytes& init_args = {}) {
    const compiler::BuildResult b = compiler::build_source("other.tnr", source);
    EXPECT_TRUE(b.ok()) << b.diagnostics_text();
    const vm::Address a = party(at);
    if (!b.ok()) return a;
    EXPECT_TRUE(host.deploy(engine, a, b.wasm).has_value());
    if (b.wasm.size() && compiler::read_abi_section(b.wasm).find("\"kind\": \"init\"") != std::string::npos) {
      vm::ContractCall c{a, init_args, 50'000'000, "tenor_init", nullptr};
      EXPECT_TRUE(engine.execute(host, tx, c).ok());
    }
    return a;
  }

  static compiler::BuildOptions with_opt(compiler::OptLevel opt) {
    compiler::BuildOptions o;
    o.opt = opt;
    return o;
  }

  // The sender is the first signer.
  void sign_as(std::vector<vm::Party> signers) {
    tx.sender = signers.at(0);
    tx.signers = std::move(signers);
  }

  ExecResult init(const Bytes& args) { return run("tenor_init", args); }
  ExecResult call(const Bytes& input) { return run("tenor_entry", input); }

  ExecResult run(const std::string& entry, const Bytes& input, uint64_t gas = 50'000'000) {
    vm::ContractCall c{address, input, gas, entry, nullptr};
    last = engine.execute(host, tx, c);
    return last;
  }

  compiler::BuildResult build;
  vm::ContractEngine engine;
  vm::test::TestHost host;
  vm::Address address = party(0xC0);
  vm::TxContext tx;
  ExecResult last;
};

inline std::string status_text(const ExecResult& r) {
  return std::string(vm::to_string(r.status)) + " " + r.message +
         " output=" + std::string(r.output.begin(), r.output.end());
}

// A fixture over one contract, built at each optimisation level (the test's parameter): `deploy`
// it in SetUp, then call its entry points by name and expect a result or a trap.
class ContractAtLevel : public testing::TestWithParam<compiler::OptLevel> {
 protected:
  // Builds and deploys `source` as the file `name`; check `c->build.ok()` after it.
  void deploy(std::string_view source, std::string_view name) {
    name_ = name;
    c = std::make_unique<Deployed>(source, GetParam(), name);
  }
  // Calls `entry` with `args`, Borsh-encoded after its name.
  ExecResult call(const std::string& entry, const Args& args = Args()) {
    Bytes in = Args().str(entry).bytes();
    const Bytes a = args.bytes();
    in.insert(in.end(), a.begin(), a.end());
    return c->call(in);
  }
  // Expects Ok; returns the output.
  Bytes ok(const std::string& entry, const Args& args = Args()) {
    const ExecResult r = call(entry, args);
    EXPECT_TRUE(r.ok()) << entry << ": " << status_text(r);
    return r.output;
  }
  // Expects a trap whose message contains `what` and names the source file.
  void traps(const std::string& entry, const Args& args, const std::string& what) {
    const ExecResult r = call(entry, args);
    EXPECT_EQ(r.status, ExecStatus::Trap) << entry << ": " << status_text(r);
    EXPECT_NE(r.message.find(what), std::string::npos) << entry << ": " << r.message;
    EXPECT_NE(r.message.find(name_ + ":"), std::string::npos) << entry << ": " << r.message;
  }
  std::unique_ptr<Deployed> c;

 private:
  std::string name_;
};

}  // namespace tenor::test
