// The C API (tenor/tenor_vm.h) over ContractEngine. Everything here is a translation: C structs in,
// C++ types to the engine, owned C results out. Every entry point catches every exception, so none
// crosses the C boundary; the host's C callbacks reach the engine through CHost, a HostContext that
// turns a callback's failure into an exception the engine reports as a trap.

#include "tenor/tenor_vm.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "tenor/vm/contract.hpp"

// The VM-owned buffer a host callback copies variable-length data into.
struct tenor_buffer {
  tenor::vm::Bytes bytes;
};

struct tenor_engine {
  tenor::vm::ContractEngine engine;
  tenor_engine(tenor::vm::VmConfig config, tenor::vm::ProfileRules rules) : engine(config, std::move(rules)) {}
};

namespace tenor::vm {
namespace {

// ---- the constants of the header are the engine's ----------------------------------------------

static_assert(TENOR_OK == static_cast<int>(ExecStatus::Ok));
static_assert(TENOR_REVERT == static_cast<int>(ExecStatus::Revert));
static_assert(TENOR_TRAP == static_cast<int>(ExecStatus::Trap));
static_assert(TENOR_OUT_OF_GAS == static_cast<int>(ExecStatus::OutOfGas));
static_assert(TENOR_REFUSED == static_cast<int>(ExecStatus::Refused));

static_assert(TENOR_ERROR_MALFORMED == 1 + static_cast<int>(ErrorKind::Malformed));
static_assert(TENOR_ERROR_INVALID == 1 + static_cast<int>(ErrorKind::Invalid));
static_assert(TENOR_ERROR_LIMIT == 1 + static_cast<int>(ErrorKind::LimitExceeded));
static_assert(TENOR_ERROR_PROFILE == 1 + static_cast<int>(ErrorKind::ProfileViolation));
static_assert(TENOR_ERROR_UNLINKABLE == 1 + static_cast<int>(ErrorKind::Unlinkable));
static_assert(TENOR_ERROR_UNINSTANTIABLE == 1 + static_cast<int>(ErrorKind::Uninstantiable));

static_assert(TENOR_TRAP_CODE_UNREACHABLE == static_cast<int>(TrapCode::Unreachable));
static_assert(TENOR_TRAP_CODE_INTEGER_DIVIDE_BY_ZERO == static_cast<int>(TrapCode::IntegerDivideByZero));
static_assert(TENOR_TRAP_CODE_INTEGER_OVERFLOW == static_cast<int>(TrapCode::IntegerOverflow));
static_assert(TENOR_TRAP_CODE_INVALID_CONVERSION == static_cast<int>(TrapCode::InvalidConversion));
static_assert(TENOR_TRAP_CODE_MEMORY_OUT_OF_BOUNDS == static_cast<int>(TrapCode::MemoryOutOfBounds));
static_assert(TENOR_TRAP_CODE_TABLE_OUT_OF_BOUNDS == static_cast<int>(TrapCode::TableOutOfBounds));
static_assert(TENOR_TRAP_CODE_UNDEFINED_ELEMENT == static_cast<int>(TrapCode::UndefinedElement));
static_assert(TENOR_TRAP_CODE_UNINITIALIZED_ELEMENT == static_cast<int>(TrapCode::UninitializedElement));
static_assert(TENOR_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH == static_cast<int>(TrapCode::IndirectCallTypeMismatch));
static_assert(TENOR_TRAP_CODE_CALL_STACK_EXHAUSTED == static_cast<int>(TrapCode::CallStackExhausted));
static_assert(TENOR_TRAP_CODE_VALUE_STACK_EXHAUSTED == static_cast<int>(TrapCode::ValueStackExhausted));
static_assert(TENOR_TRAP_CODE_OUT_OF_GAS == static_cast<int>(TrapCode::OutOfGas));
static_assert(TENOR_TRAP_CODE_HOST_TRAP == static_cast<int>(TrapCode::HostTrap));
static_assert(TENOR_TRAP_CODE_REVERT == static_cast<int>(TrapCode::Revert));
static_assert(TENOR_TRAP_CODE_REENTRANCY == static_cast<int>(TrapCode::Reentrancy));
static_assert(TENOR_TRAP_CODE_ABORT == static_cast<int>(TrapCode::Abort));

// A trap appended to traps.def needs its constant in tenor_vm.h: this fails until it has one.
constexpr int kTrapCount = 0
#define TENOR_TRAP(code, name, msg) +1
#include "tenor/vm/traps.def"
#undef TENOR_TRAP
    ;
static_assert(kTrapCount == TENOR_TRAP_CODE_ABORT + 1,
              "traps.def changed: add the new trap codes to enum tenor_trap_code in tenor_vm.h");

// ---- versioned structs --------------------------------------------------------------------------

// Whether a caller-filled struct of `size` bytes holds the field at [offset, offset + field_size):
// a caller built against an older header passes a smaller struct.
constexpr bool has_field(uint32_t size, size_t offset, size_t field_size) noexcept {
  return size >= offset + field_size;
}
#define TENOR_HAS(ptr, type, field) has_field((ptr)->size, offsetof(type, field), sizeof((ptr)->field))

// ---- owned results ------------------------------------------------------------------------------

// What a tenor_result owns, behind its `internal` pointer.
struct ResultData {
  Bytes output;
  std::string message;
  std::optional<TrapSite> site;  // tenor_result_trap_site
};

const char kEmpty[] = "";

tenor_result make_result(int32_t status, int32_t trap_code, uint64_t gas_used, Bytes output, std::string message,
                         std::optional<TrapSite> site = std::nullopt) noexcept {
  tenor_result r;
  std::memset(&r, 0, sizeof r);
  r.size = sizeof(tenor_result);
  r.status = status;
  r.trap_code = trap_code;
  r.gas_used = gas_used;
  r.message = kEmpty;
  ResultData* data = new (std::nothrow) ResultData;
  if (data == nullptr) {
    // Keep the outcome; only the bytes are lost.
    r.message = status == TENOR_OK ? kEmpty : "out of memory while returning the result";
    return r;
  }
  data->output = std::move(output);
  data->message = std::move(message);
  data->site = site;
  r.internal = data;
  r.output = data->output.empty() ? nullptr : data->output.data();
  r.output_size = data->output.size();
  r.message = data->message.c_str();
  return r;
}

tenor_result refused(const char* why) noexcept {
  try {
    return make_result(TENOR_REFUSED, -1, 0, {}, why);
  } catch (...) {
    return make_result(TENOR_REFUSED, -1, 0, {}, {});
  }
}

// ---- the host adapter ---------------------------------------------------------------------------

// Thrown out of a HostContext method when the host's callback reports a failure (a negative
// return); the engine turns an exception from the host into a trap and rolls the call back.
class HostFailure final : public std::exception {
 public:
  explicit HostFailure(const char* callback) noexcept {
    std::snprintf(what_, sizeof what_, "host callback %s failed", callback);
  }
  const char* what() const noexcept override { return what_; }

 private:
  char what_[64];
};

// A non-null pointer for empty byte ranges (an empty span's data() may be null).
const uint8_t kNoBytes[1] = {0};
const uint8_t* ptr(std::span<const uint8_t> s) noexcept { return s.empty() ? kNoBytes : s.data(); }

class CHost final : public HostContext {
 public:
  CHost(const tenor_host& table, void* ctx) : t_(table), ctx_(ctx) {}

  // The first callback that failed, or nullptr.
  const char* failed() const noexcept { return failed_; }

  std::optional<Hash> code_hash(const Address& contract) override {
    Hash h{};
    if (check("code_hash", t_.code_hash(ctx_, contract.data(), h.data())) == 0) return std::nullopt;
    return h;
  }

  std::optional<Bytes> code(const Hash& hash) override {
    tenor_buffer out;
    if (check("code", t_.code(ctx_, hash.data(), &out)) == 0) return std::nullopt;
    return std::move(out.bytes);
  }

  std::optional<Bytes> storage_get(const Address& contract, std::span<const uint8_t> key) override {
    tenor_buffer out;
    if (check("storage_get", t_.storage_get(ctx_, contract.data(), ptr(key), key.size(), &out)) == 0)
      return std::nullopt;
    return std::move(out.bytes);
  }

  void storage_set(const Address& contract, std::span<const uint8_t> key, std::span<const uint8_t> value) override {
    check("storage_set", t_.storage_set(ctx_, contract.data(), ptr(key), key.size(), ptr(value), value.size()));
  }

  bool storage_remove(const Address& contract, std::span<const uint8_t> key) override {
    return check("storage_remove", t_.storage_remove(ctx_, contract.data(), ptr(key), key.size())) != 0;
  }

  std::optional<Bytes> storage_next(const Address& contract, std::span<const uint8_t> prefix,
                                    std::optional<std::span<const uint8_t>> after) override {
    tenor_buffer out;
    int rc = t_.storage_next(ctx_, contract.data(), ptr(prefix), prefix.size(), after ? 1 : 0,
                             after ? ptr(*after) : nullptr, after ? after->size() : 0, &out);
    if (check("storage_next", rc) == 0) return std::nullopt;
    return std::move(out.bytes);
  }

  void emit_event(const Address& contract, std::span<const uint8_t> topic, std::span<const uint8_t> data) override {
    check("emit_event", t_.emit_event(ctx_, contract.data(), ptr(topic), topic.size(), ptr(data), data.size()));
  }

  uint64_t checkpoint() override {
    uint64_t cp = 0;
    check("checkpoint", t_.checkpoint(ctx_, &cp));
    return cp;
  }

  void rollback(uint64_t checkpoint) override { check("rollback", t_.rollback(ctx_, checkpoint)); }

 private:
  int check(const char* callback, int rc) {
    if (rc < 0) {
      if (failed_ == nullptr) failed_ = callback;
      throw HostFailure(callback);
    }
    return rc;
  }

  const tenor_host& t_;
  void* ctx_;
  const char* failed_ = nullptr;
};

// Whether every callback is present (a table from an older header lacks the newer ones).
bool host_complete(const tenor_host& h) noexcept {
  return TENOR_HAS(&h, tenor_host, rollback) && h.code_hash && h.code && h.storage_get && h.storage_set &&
         h.storage_remove && h.storage_next && h.emit_event && h.checkpoint && h.rollback;
}

TxContext to_tx(const tenor_tx* tx) {
  TxContext out;
  if (tx == nullptr) return out;
  if (TENOR_HAS(tx, tenor_tx, chain_id_len) && tx->chain_id != nullptr)
    out.chain_id.assign(tx->chain_id, tx->chain_id_len);
  if (TENOR_HAS(tx, tenor_tx, block_height)) out.block_height = tx->block_height;
  if (TENOR_HAS(tx, tenor_tx, block_time)) out.block_time = tx->block_time;
  if (TENOR_HAS(tx, tenor_tx, sender)) std::memcpy(out.sender.data(), tx->sender, 32);
  if (TENOR_HAS(tx, tenor_tx, signer_count) && tx->signers != nullptr) {
    out.signers.resize(tx->signer_count);
    for (size_t i = 0; i < tx->signer_count; ++i) std::memcpy(out.signers[i].data(), tx->signers + 32 * i, 32);
  }
  return out;
}

void set_error(tenor_error* err, int32_t kind, const char* message, std::optional<uint64_t> offset,
               std::optional<uint32_t> func_index) noexcept {
  if (err == nullptr || !TENOR_HAS(err, tenor_error, kind)) return;
  err->kind = kind;
  if (TENOR_HAS(err, tenor_error, message)) {
    std::free(err->message);
    size_t n = std::strlen(message);
    err->message = static_cast<char*>(std::malloc(n + 1));
    if (err->message != nullptr) std::memcpy(err->message, message, n + 1);
  }
  if (TENOR_HAS(err, tenor_error, offset)) err->offset = offset.value_or(UINT64_MAX);
  if (TENOR_HAS(err, tenor_error, func_index)) err->func_index = func_index.value_or(UINT32_MAX);
}

}  // namespace
}  // namespace tenor::vm

using namespace tenor::vm;  // NOLINT(google-build-using-namespace): this file is the translation

extern "C" {

uint32_t tenor_vm_abi_version(void) { return TENOR_VM_ABI_VERSION; }

const char* tenor_status_name(int32_t status) {
  if (status < TENOR_OK || status > TENOR_REFUSED) return "unknown";
  return to_string(static_cast<ExecStatus>(status));
}

const char* tenor_trap_name(int32_t trap_code) {
  if (trap_code < 0 || trap_code >= kTrapCount) return "unknown";
  return trap_name(static_cast<TrapCode>(trap_code));
}

void tenor_error_init(tenor_error* err) {
  if (err == nullptr) return;
  err->size = sizeof(tenor_error);
  err->kind = TENOR_ERROR_NONE;
  err->message = nullptr;
  err->offset = UINT64_MAX;
  err->func_index = UINT32_MAX;
}

void tenor_error_clear(tenor_error* err) {
  if (err == nullptr) return;
  std::free(err->message);
  tenor_error_init(err);
}

void tenor_config_init(tenor_config* cfg) {
  if (cfg == nullptr) return;
  const VmConfig vm;
  const ProfileRules rules;
  cfg->size = sizeof(tenor_config);
  cfg->max_call_depth = vm.max_call_depth;
  cfg->value_stack_slots = vm.value_stack_slots;
  cfg->max_memory_pages = rules.max_memory_pages;
  cfg->max_host_payload_bytes = vm.max_host_payload_bytes;
}

tenor_engine* tenor_engine_create(const tenor_config* cfg) {
  try {
    VmConfig vm;
    vm.metering = true;
    ProfileRules rules;
    if (cfg != nullptr) {
      if (cfg->size < sizeof(uint32_t)) return nullptr;
      if (TENOR_HAS(cfg, tenor_config, max_call_depth)) vm.max_call_depth = cfg->max_call_depth;
      if (TENOR_HAS(cfg, tenor_config, value_stack_slots)) vm.value_stack_slots = cfg->value_stack_slots;
      if (TENOR_HAS(cfg, tenor_config, max_memory_pages)) rules.max_memory_pages = cfg->max_memory_pages;
      if (TENOR_HAS(cfg, tenor_config, max_host_payload_bytes)) vm.max_host_payload_bytes = cfg->max_host_payload_bytes;
      if (vm.max_call_depth == 0 || vm.value_stack_slots == 0 || rules.max_memory_pages == 0 ||
          rules.max_memory_pages > vm.max_memory_pages || vm.max_host_payload_bytes == 0)
        return nullptr;
    }
    return new tenor_engine(vm, std::move(rules));
  } catch (...) {
    return nullptr;
  }
}

void tenor_engine_destroy(tenor_engine* engine) { delete engine; }

int tenor_module_load(tenor_engine* engine, const uint8_t* code, size_t code_len, uint8_t out_hash[32],
                      tenor_error* err) {
  if (engine == nullptr || (code == nullptr && code_len != 0)) {
    set_error(err, TENOR_ERROR_INTERNAL, "tenor_module_load: null engine or code", {}, {});
    return TENOR_ERROR_INTERNAL;
  }
  try {
    Result<Hash> r = engine->engine.prepare(std::span<const uint8_t>(code == nullptr ? kNoBytes : code, code_len));
    if (!r) {
      const Error& e = r.error();
      int32_t kind = 1 + static_cast<int32_t>(e.kind);
      set_error(err, kind, e.to_string().c_str(), e.offset, e.func_index);
      return kind;
    }
    if (out_hash != nullptr) std::memcpy(out_hash, r.value().data(), 32);
    return TENOR_ERROR_NONE;
  } catch (const std::exception& e) {
    set_error(err, TENOR_ERROR_INTERNAL, e.what(), {}, {});
  } catch (...) {
    set_error(err, TENOR_ERROR_INTERNAL, "unknown exception", {}, {});
  }
  return TENOR_ERROR_INTERNAL;
}

int tenor_buffer_set(tenor_buffer* buf, const uint8_t* data, size_t len) {
  if (buf == nullptr || (data == nullptr && len != 0)) return -1;
  try {
    buf->bytes.assign(data, data + len);
    return 0;
  } catch (...) {
    return -1;
  }
}

int tenor_buffer_append(tenor_buffer* buf, const uint8_t* data, size_t len) {
  if (buf == nullptr || (data == nullptr && len != 0)) return -1;
  try {
    buf->bytes.insert(buf->bytes.end(), data, data + len);
    return 0;
  } catch (...) {
    return -1;
  }
}

tenor_result tenor_execute(tenor_engine* engine, const tenor_host* host, void* host_ctx, const tenor_tx* tx,
                           const uint8_t address[32], const uint8_t* input, size_t input_len, uint64_t gas_limit,
                           const char* entry) {
  if (engine == nullptr || host == nullptr || address == nullptr || (input == nullptr && input_len != 0))
    return refused("tenor_execute: null engine, host, address or input");
  if (!host_complete(*host)) return refused("tenor_execute: the host table lacks a callback");

  TxContext tx_context;
  ContractCall call;
  try {
    tx_context = to_tx(tx);
    std::memcpy(call.contract.data(), address, 32);
    if (input_len != 0) call.input.assign(input, input + input_len);
    call.gas_limit = gas_limit;
    if (entry != nullptr) call.entry = entry;
  } catch (...) {
    return refused("tenor_execute: out of memory");
  }

  CHost adapter(*host, host_ctx);
  try {
    ExecResult r = engine->engine.execute(adapter, tx_context, call);
    int32_t trap = r.trap ? static_cast<int32_t>(*r.trap) : -1;
    std::string message = std::move(r.message);
    if (adapter.failed() != nullptr && r.status != ExecStatus::Ok && r.status != ExecStatus::Revert &&
        message.find(adapter.failed()) == std::string::npos)
      message += std::string(message.empty() ? "" : ": ") + "host callback " + adapter.failed() + " failed";
    return make_result(static_cast<int32_t>(r.status), trap, r.gas_used, std::move(r.output), std::move(message),
                       r.site);
  } catch (const std::exception& e) {
    // The engine promises not to throw; should it, the call's state changes are in an unknown
    // state, so report a trap rather than a refusal (which promises nothing ran).
    try {
      return make_result(TENOR_TRAP, TENOR_TRAP_CODE_HOST_TRAP, gas_limit, {},
                         std::string("internal error: ") + e.what());
    } catch (...) {
      return make_result(TENOR_TRAP, TENOR_TRAP_CODE_HOST_TRAP, gas_limit, {}, {});
    }
  } catch (...) {
    return make_result(TENOR_TRAP, TENOR_TRAP_CODE_HOST_TRAP, gas_limit, {}, {});
  }
}

int tenor_result_trap_site(const tenor_result* result, uint32_t* func_index, uint32_t* code_offset) {
  if (result == nullptr || result->internal == nullptr) return 0;
  const auto& site = static_cast<const ResultData*>(result->internal)->site;
  if (!site) return 0;
  if (func_index != nullptr) *func_index = site->func_index;
  if (code_offset != nullptr) *code_offset = site->code_offset;
  return 1;
}

void tenor_result_release(tenor_result* result) {
  if (result == nullptr) return;
  delete static_cast<ResultData*>(result->internal);
  result->internal = nullptr;
  result->output = nullptr;
  result->output_size = 0;
  result->message = kEmpty;
}

}  // extern "C"
