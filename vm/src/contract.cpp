// The contract runtime: ContractEngine (loading through the code cache, one top-level execution,
// contract-to-contract calls) and CodeCache. The host functions themselves are in
// host_api.cpp.
//
// One Store per engine is reused by every execution: Store::reset() after each top-level call
// drops the instances but keeps the interpreter's value and call stacks, so a call allocates only
// its instances. The `tenor` host functions a module imports are created in that Store when the
// first instance needing them is created in an execution (they die with the reset); the Linker is
// kept and its entries are overwritten, never resolved while stale (bind_imports runs before every
// instantiation and rebinds every import of the module).

#include <sodium.h>

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

#include "code.hpp"
#include "host_api.hpp"
#include "tenor/vm/contract.hpp"
#include "tenor/vm/gas.hpp"

namespace tenor::vm {

const char* to_string(ExecStatus s) noexcept {
  switch (s) {
    case ExecStatus::Ok: return "ok";
    case ExecStatus::Revert: return "revert";
    case ExecStatus::Trap: return "trap";
    case ExecStatus::OutOfGas: return "out of gas";
    case ExecStatus::Refused: return "refused";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// CodeCache

std::shared_ptr<const Module> CodeCache::find(const Hash& hash) {
  for (Entry& e : entries_) {
    if (e.hash == hash) {
      e.last_use = ++clock_;
      ++hits_;
      return e.module;
    }
  }
  ++misses_;
  return nullptr;
}

void CodeCache::insert(const Hash& hash, std::shared_ptr<const Module> module) {
  if (capacity_ == 0) return;
  for (Entry& e : entries_) {
    if (e.hash == hash) {
      e.module = std::move(module);
      e.last_use = ++clock_;
      return;
    }
  }
  if (entries_.size() >= capacity_) {
    auto lru = std::min_element(entries_.begin(), entries_.end(),
                                [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
    *lru = Entry{hash, std::move(module), ++clock_};
    return;
  }
  entries_.push_back(Entry{hash, std::move(module), ++clock_});
}

// ---------------------------------------------------------------------------------------------
// ContractEngine

namespace {

constexpr const char* kEntry = "tenor_entry";

// The memory a fresh instance allocates: its declared minimum (a contract defines exactly one
// memory; the profile checks it).
uint64_t initial_pages(const Module& m) noexcept {
  const auto& mems = m.data().info.memories;
  return mems.empty() ? 0 : mems[0].limits.min;
}

// Gas of instantiating: the initial pages cost what memory.grow charges for them.
uint64_t instantiation_gas(uint64_t pages) noexcept { return pages * gas::kMemoryGrowPerPage; }

bool is_entry_type(const FuncType& t) noexcept { return t.params.empty() && t.results.empty(); }

}  // namespace

struct ContractEngine::Impl final : detail::ExecState {
  VmConfig vm_config;
  ProfileRules rules;
  CodeCache code_cache;
  Store store;
  Linker linker;
  std::vector<FuncType> host_types;  // per row of host_api.def
  std::vector<Function*> bound;      // per row: its host function in `store`, or nullptr
  uint64_t instance_pages = 0;       // initial pages of the instances of this execution

  Impl(VmConfig c, ProfileRules r) : vm_config(c), rules(std::move(r)), store(vm_config) {
    config = &vm_config;
    frames.resize(detail::kMaxContractDepth);
    for (const auto& spec : detail::host_function_specs()) host_types.push_back(detail::host_function_type(spec));
    bound.assign(host_types.size(), nullptr);
  }

  // Load + profile + a trial instantiation against the full `tenor` module in a scratch store, so
  // that imports the table lacks (or with another type) and segments that do not fit are rejected
  // here, once per code, and instantiation at execution time cannot fail on the code's account.
  Result<std::shared_ptr<const Module>> load_checked(std::span<const uint8_t> code) {
    auto m = Module::load(code, vm_config);
    if (!m) return std::move(m).error();
    if (Status s = check_contract_profile(**m, rules); !s) return std::move(s).error();
    Store scratch(vm_config);
    Linker all;
    const auto specs = detail::host_function_specs();
    for (size_t i = 0; i < specs.size(); ++i)
      all.define(rules.host_module, specs[i].name,
                 Extern::func(scratch.create_host_function(host_types[i], detail::make_host_function(i, this))));
    auto inst = scratch.instantiate(*m, all);
    if (!inst) return std::move(inst).error();
    return std::move(m).value();
  }

  // The module of a deployed contract, through the cache; nullptr and the reason when there is
  // none that can run.
  std::shared_ptr<const Module> resolve(const Address& contract, std::string& why) {
    std::optional<Hash> hash = host->code_hash(contract);
    if (!hash) {
      why = "no contract at " + to_hex(contract);
      return nullptr;
    }
    if (auto m = code_cache.find(*hash)) return m;
    std::optional<Bytes> code = host->code(*hash);
    if (!code) {
      why = "the code of contract " + to_hex(contract) + " (sha256 " + to_hex(*hash) + ") is missing";
      return nullptr;
    }
    Hash actual = sha256(*code);
    if (actual != *hash) {
      why = "the code of contract " + to_hex(contract) + " does not match its hash: expected sha256 " + to_hex(*hash) +
            ", got " + to_hex(actual);
      return nullptr;
    }
    auto m = load_checked(*code);
    if (!m) {
      why = "the code of contract " + to_hex(contract) + " does not load: " + m.error().to_string();
      return nullptr;
    }
    code_cache.insert(*hash, m.value());
    return std::move(m).value();
  }

  // Creates, in `store`, the host functions the module imports that this execution has not
  // created yet, and (re)defines them in the linker.
  void bind_imports(const Module& m) {
    for (const ImportDesc& imp : m.imports()) {
      if (imp.kind != ExternKind::Func || imp.module != rules.host_module) continue;
      std::optional<size_t> i = detail::find_host_function(imp.name);
      if (!i || bound[*i]) continue;  // unknown names fail to link (load_checked rejects them)
      bound[*i] = store.create_host_function(host_types[*i], detail::make_host_function(*i, this));
      linker.define(rules.host_module, imp.name, Extern::func(bound[*i]));
    }
  }

  Result<Instance*> instantiate(const std::shared_ptr<const Module>& m) {
    bind_imports(*m);
    return store.instantiate(m, linker);
  }

  void end_execution() noexcept {
    store.reset();
    std::fill(bound.begin(), bound.end(), nullptr);
    for (size_t i = 0; i < depth; ++i) frames[i].input.clear();
    depth = 0;
    instance_pages = 0;
    host = nullptr;
    tx = nullptr;
  }

  // Pushes a frame for `contract` running with `input`.
  void push_frame(const Address& contract, std::span<const uint8_t> input) {
    detail::ExecFrame& f = frames[depth];
    f.self = contract;
    f.input.assign(input.begin(), input.end());
    f.output.clear();
    f.return_data.clear();
    ++depth;
  }

  std::optional<Trap> call_contract(HostCall& hc, const Address& callee, std::span<const uint8_t> input,
                                    uint64_t gas_limit, uint32_t& status) override {
    const size_t caller_depth = depth;
    detail::ExecFrame& caller = frames[caller_depth - 1];
    caller.return_data.clear();
    auto refuse = [&](const std::string& why) -> std::optional<Trap> {
      caller.return_data.assign(why.begin(), why.end());
      status = static_cast<uint32_t>(ExecStatus::Refused);
      return std::nullopt;
    };
    if (on_stack(callee))
      return refuse("re-entrant call to " + to_hex(callee) + " refused: it is already on the call stack");
    if (depth >= frames.size())
      return refuse("call to " + to_hex(callee) + " refused: " + std::to_string(frames.size()) +
                    " contracts are already on the call stack");
    std::string why;
    std::shared_ptr<const Module> m = resolve(callee, why);
    if (!m) return refuse(why);
    uint64_t pages = initial_pages(*m);
    if (instance_pages + pages > detail::kMaxInstancePagesPerExecution)
      return refuse("call to " + to_hex(callee) + " refused: its " + std::to_string(pages) +
                    " initial memory pages would exceed the " + std::to_string(detail::kMaxInstancePagesPerExecution) +
                    " pages one transaction may instantiate");
    if (!hc.charge_gas(instantiation_gas(pages))) return Trap{TrapCode::OutOfGas, {}};
    instance_pages += pages;

    const uint64_t cp = host->checkpoint();
    auto inst = instantiate(m);
    if (!inst) {
      host->rollback(cp);
      return refuse("contract " + to_hex(callee) + " cannot be instantiated: " + inst.error().to_string());
    }
    Function* entry = (*inst)->exported_function(kEntry);
    push_frame(callee, input);
    CallResult r = store.call(entry, {}, CallOptions{gas_limit});
    depth = caller_depth;
    detail::ExecFrame& done = frames[caller_depth];
    if (r.ok()) {
      caller.return_data.swap(done.output);
      status = static_cast<uint32_t>(ExecStatus::Ok);
      return std::nullopt;
    }
    host->rollback(cp);
    const Trap& t = *r.trap;
    if (t.code == TrapCode::Revert) {
      status = static_cast<uint32_t>(ExecStatus::Revert);
      caller.return_data.assign(t.detail.begin(), t.detail.end());
    } else {
      status = static_cast<uint32_t>(t.code == TrapCode::OutOfGas ? ExecStatus::OutOfGas : ExecStatus::Trap);
      std::string text = t.to_string();
      caller.return_data.assign(text.begin(), text.end());
    }
    return std::nullopt;
  }

  // The top-level call, without the checkpoint and rollback around it.
  void run(const ContractCall& call, ExecResult& out) {
    auto refuse = [&](std::string why) {
      out.status = ExecStatus::Refused;
      out.message = std::move(why);
    };
    std::string why;
    std::shared_ptr<const Module> m = resolve(call.contract, why);
    if (!m) return refuse(std::move(why));
    auto exp = m->find_export(call.entry);
    if (!exp || exp->kind != ExternKind::Func || !is_entry_type(m->function_type(exp->index)))
      return refuse("contract " + to_hex(call.contract) + " has no exported function \"" + call.entry +
                    "\" of type () -> ()");
    uint64_t pages = initial_pages(*m);
    uint64_t setup = instantiation_gas(pages);
    if (setup > call.gas_limit) {
      out.status = ExecStatus::OutOfGas;
      out.gas_used = call.gas_limit;
      out.trap = TrapCode::OutOfGas;
      out.message = std::string(trap_message(TrapCode::OutOfGas)) + ": instantiating the contract's " +
                    std::to_string(pages) + " memory pages costs " + std::to_string(setup) + " gas";
      return;
    }
    instance_pages = pages;
    auto inst = instantiate(m);
    if (!inst)
      return refuse("contract " + to_hex(call.contract) + " cannot be instantiated: " + inst.error().to_string());
    Function* entry = (*inst)->exported_function(call.entry);
    push_frame(call.contract, call.input);
    CallOptions options;
    options.gas_limit = call.gas_limit - setup;
    options.tracer = call.tracer;
    CallResult r = store.call(entry, {}, options);
    out.gas_used = setup + r.gas_used;
    if (r.ok()) {
      out.status = ExecStatus::Ok;
      out.output = std::move(frames[0].output);
      return;
    }
    Trap& t = *r.trap;
    out.site = r.trap_site;
    if (t.code == TrapCode::Revert) {
      out.status = ExecStatus::Revert;
      out.output.assign(t.detail.begin(), t.detail.end());
      out.message = t.to_string();
      return;
    }
    out.status = t.code == TrapCode::OutOfGas ? ExecStatus::OutOfGas : ExecStatus::Trap;
    out.trap = t.code;
    out.message = t.to_string();
  }
};

ContractEngine::ContractEngine()
    : ContractEngine(
          [] {
            VmConfig c;
            c.metering = true;
            return c;
          }(),
          ProfileRules{}) {}

ContractEngine::ContractEngine(VmConfig config, ProfileRules rules)
    : impl_(std::make_unique<Impl>(config, std::move(rules))) {
  // Idempotent and thread-safe; picks libsodium's implementations once. Its failure (-1) leaves
  // the portable reference implementations, which SHA-256 and Ed25519 verification still use.
  if (sodium_init() < 0) {
    // Nothing to do: crypto_hash_sha256 and crypto_sign_verify_detached need no initialisation.
  }
}

ContractEngine::~ContractEngine() = default;

const VmConfig& ContractEngine::config() const noexcept { return impl_->vm_config; }
CodeCache& ContractEngine::cache() noexcept { return impl_->code_cache; }

Result<Hash> ContractEngine::prepare(std::span<const uint8_t> code) {
  try {
    Hash h = sha256(code);
    if (impl_->code_cache.find(h)) return h;
    auto m = impl_->load_checked(code);
    if (!m) return std::move(m).error();
    impl_->code_cache.insert(h, std::move(m).value());
    return h;
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::LimitExceeded, "out of memory while loading the module", {}, {}, {}};
  }
}

ExecResult ContractEngine::execute(HostContext& host, const TxContext& tx, const ContractCall& call) {
  ExecResult out;
  Impl& s = *impl_;
  if (s.host != nullptr) {
    out.status = ExecStatus::Refused;
    out.message = "ContractEngine::execute is not re-entrant (called while an execution is running)";
    return out;
  }
  s.host = &host;
  s.tx = &tx;
  // Whatever happens below, the engine is usable again afterwards.
  struct EndExecution {
    Impl& s;
    ~EndExecution() { s.end_execution(); }
  } end_execution{s};
  std::optional<uint64_t> cp;
  auto fail = [&](const std::string& what) {
    // Only the embedder's HostContext or an allocation can throw here; nothing is committed.
    out = ExecResult{};
    out.status = ExecStatus::Trap;
    out.trap = TrapCode::HostTrap;
    out.message = std::string(trap_message(TrapCode::HostTrap)) + ": " + what;
    try {
      if (cp) host.rollback(*cp);
    } catch (...) {
    }
  };
  try {
    cp = host.checkpoint();
    s.run(call, out);
    if (!out.ok()) host.rollback(*cp);
  } catch (const std::exception& e) {
    fail(e.what());
  } catch (...) {
    fail("the host context threw an exception that is not a std::exception");
  }
  return out;
}

}  // namespace tenor::vm
