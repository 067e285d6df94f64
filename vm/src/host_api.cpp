// The `tenor` host module (host_api.def, docs/host-api.md): one function per row of the table.
//
// Every function follows the same order, so that a failure is the same on every node:
//   1. payload: bytes it will move between wasm memory and the host <= max_host_payload_bytes,
//      else HostTrap;
//   2. gas: its base cost from the table plus the per-byte costs known up front, else OutOfGas
//      (gas::kHostCallBase was already charged by the interpreter);
//   3. memory: every range it reads or writes, else MemoryOutOfBounds;
//   4. the work; a variable-length result is charged per copied byte before it is copied.

#include "host_api.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "tenor/common/utf8.hpp"
#include "tenor/vm/gas.hpp"

namespace tenor::vm::detail {

namespace {

constexpr HostFunctionSpec kSpecs[] = {
#define TENOR_HOST(name, params, results, gas, description) {#name, params, results, gas, description},
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
};

enum class HostId : size_t {
#define TENOR_HOST(name, params, results, gas, description) name,
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
};

constexpr uint64_t base_gas(HostId id) noexcept { return kSpecs[static_cast<size_t>(id)].gas; }
constexpr const char* name_of(HostId id) noexcept { return kSpecs[static_cast<size_t>(id)].name; }

using HostResult = std::optional<Trap>;
using Args = const uint64_t*;

constexpr uint32_t kAbsent = 0xFFFFFFFFu;         // a length of -1
constexpr uint64_t kAbsentResult = ~uint64_t{0};  // i64 -1
constexpr uint64_t kWord = 32;                    // addresses, parties, hashes

#define TENOR_TRY(expr)                    \
  do {                                     \
    if (HostResult t_ = (expr)) return t_; \
  } while (0)

uint32_t arg32(Args a, int i) noexcept { return static_cast<uint32_t>(a[i]); }

HostResult charge(HostCall& c, uint64_t amount) {
  if (c.charge_gas(amount)) return std::nullopt;
  return Trap{TrapCode::OutOfGas, {}};
}

HostResult check_payload(const ExecState& s, HostId id, uint64_t bytes) {
  if (bytes <= s.config->max_host_payload_bytes) return std::nullopt;
  return Trap{TrapCode::HostTrap, std::string(name_of(id)) + ": moves " + std::to_string(bytes) +
                                      " bytes between memory and the host, more than max_host_payload_bytes (" +
                                      std::to_string(s.config->max_host_payload_bytes) + ")"};
}

// Steps 1 and 2 of a function that moves `bytes`: the payload limit, then its base cost plus
// `per_byte` for each of them.
HostResult admit(ExecState& s, HostCall& c, HostId id, uint64_t bytes, uint64_t per_byte = gas::kHostPerByte) {
  TENOR_TRY(check_payload(s, id, bytes));
  return charge(c, base_gas(id) + bytes * per_byte);
}

// The wasm memory range [ptr, ptr + len), or a MemoryOutOfBounds trap naming the function and
// the argument.
HostResult view(HostCall& c, HostId id, const char* what, uint32_t ptr, uint64_t len, std::span<uint8_t>& out) {
  if (c.memory) {
    if (auto v = c.memory->view(ptr, len)) {
      out = *v;
      return std::nullopt;
    }
  }
  return Trap{TrapCode::MemoryOutOfBounds, std::string(name_of(id)) + ": " + what + " [" + std::to_string(ptr) + ", " +
                                               std::to_string(uint64_t{ptr} + len) + ") is outside memory (" +
                                               std::to_string(c.memory ? c.memory->size() : 0) + " bytes)"};
}

// Steps 1 to 3 of a function whose one input is the memory range [ptr, ptr + len): admits its bytes
// and views them.
HostResult admit_input(ExecState& s, HostCall& c, HostId id, const char* what, uint32_t ptr, uint32_t len,
                       std::span<uint8_t>& out) {
  TENOR_TRY(admit(s, c, id, len));
  return view(c, id, what, ptr, len, out);
}

HostResult range_trap(HostId id, const char* what, uint64_t offset, uint64_t len, uint64_t size) {
  return Trap{TrapCode::HostTrap, std::string(name_of(id)) + ": range [" + std::to_string(offset) + ", " +
                                      std::to_string(offset + len) + ") is outside the " + what + " (" +
                                      std::to_string(size) + " bytes)"};
}

void put(std::span<uint8_t> dst, std::span<const uint8_t> src) noexcept {
  if (!src.empty()) std::memcpy(dst.data(), src.data(), src.size());
}

std::span<const uint8_t> as_bytes(const std::string& s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Copies `value` into the caller's buffer (dst, cap): min(len, cap) bytes, charged per byte.
HostResult copy_out(ExecState& s, HostCall& c, HostId id, uint64_t moved_before, std::span<uint8_t> dst,
                    std::span<const uint8_t> value) {
  uint64_t n = std::min<uint64_t>(value.size(), dst.size());
  TENOR_TRY(check_payload(s, id, moved_before + n));
  TENOR_TRY(charge(c, n * gas::kHostPerByte));
  put(dst, value.first(n));
  return std::nullopt;
}

// Copies [offset, offset + len) of `source` (the input or the return data) to dst.
HostResult read_range(ExecState& s, HostCall& c, HostId id, const char* what, Args a, const Bytes& source) {
  uint32_t dst = arg32(a, 0), offset = arg32(a, 1), len = arg32(a, 2);
  std::span<uint8_t> out;
  TENOR_TRY(admit_input(s, c, id, "dst", dst, len, out));
  if (uint64_t{offset} + len > source.size()) return range_trap(id, what, offset, len, source.size());
  put(out, std::span<const uint8_t>(source).subspan(offset, len));
  return std::nullopt;
}

// A function that only answers a number: its base cost, then `value` as its result.
HostResult answer(HostCall& c, HostId id, uint64_t value, uint64_t* r) {
  TENOR_TRY(charge(c, base_gas(id)));
  r[0] = value;
  return std::nullopt;
}

// Writes a 32-byte value to dst.
HostResult write_word(HostCall& c, HostId id, uint32_t dst, std::span<const uint8_t, 32> word) {
  TENOR_TRY(charge(c, base_gas(id) + kWord * gas::kHostPerByte));
  std::span<uint8_t> out;
  TENOR_TRY(view(c, id, "dst", dst, kWord, out));
  put(out, word);
  return std::nullopt;
}

// ---- call data -----------------------------------------------------------------------------

HostResult host_input_size(ExecState& s, HostCall& c, Args, uint64_t* r) {
  return answer(c, HostId::input_size, static_cast<uint32_t>(s.current().input.size()), r);
}

HostResult host_input_read(ExecState& s, HostCall& c, Args a, uint64_t*) {
  return read_range(s, c, HostId::input_read, "input", a, s.current().input);
}

HostResult host_output_write(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::output_write;
  uint32_t src = arg32(a, 0), len = arg32(a, 1);
  std::span<uint8_t> in;
  TENOR_TRY(admit_input(s, c, id, "src", src, len, in));
  s.current().output.assign(in.begin(), in.end());
  return std::nullopt;
}

HostResult host_revert(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::revert;
  uint32_t msg = arg32(a, 0), len = arg32(a, 1);
  std::span<uint8_t> in;
  TENOR_TRY(admit_input(s, c, id, "msg", msg, len, in));
  return Trap{TrapCode::Revert, std::string(in.begin(), in.end())};
}

// `bytes` as UTF-8: well-formed sequences are kept, and each maximal subpart of an ill-formed
// sequence (the longest prefix of a well-formed sequence, or else one byte) becomes U+FFFD, as the
// Unicode standard (section 3.9, "U+FFFD Substitution of Maximal Subparts") and the WHATWG decoder
// do. So an abort's detail is always UTF-8, whatever the contract wrote, and every node computes
// the same text. It is at most 3 bytes per input byte.
std::string utf8_or_replacement(std::span<const uint8_t> bytes) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    uint32_t cp;
    const common::Utf8Scan part = common::scan_utf8(bytes, i, cp);
    if (part.valid)
      out.append(reinterpret_cast<const char*>(bytes.data() + i), part.length);
    else
      out.append(kReplacement);
    i += part.length;
  }
  return out;
}

HostResult host_abort(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::abort;
  uint32_t msg = arg32(a, 0), len = arg32(a, 1);
  std::span<uint8_t> in;
  TENOR_TRY(admit_input(s, c, id, "msg", msg, len, in));
  return Trap{TrapCode::Abort, utf8_or_replacement(in)};
}

// ---- storage -------------------------------------------------------------------------------

HostResult host_storage_get(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::storage_get;
  uint32_t key = arg32(a, 0), key_len = arg32(a, 1), dst = arg32(a, 2), cap = arg32(a, 3);
  TENOR_TRY(admit(s, c, id, key_len));
  std::span<uint8_t> k, out;
  TENOR_TRY(view(c, id, "key", key, key_len, k));
  TENOR_TRY(view(c, id, "dst", dst, cap, out));
  std::optional<Bytes> value = s.host->storage_get(s.current().self, k);
  if (!value) {
    r[0] = kAbsentResult;
    return std::nullopt;
  }
  TENOR_TRY(copy_out(s, c, id, key_len, out, *value));
  r[0] = value->size();
  return std::nullopt;
}

HostResult host_storage_has(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::storage_has;
  uint32_t key = arg32(a, 0), key_len = arg32(a, 1);
  std::span<uint8_t> k;
  TENOR_TRY(admit_input(s, c, id, "key", key, key_len, k));
  r[0] = s.host->storage_get(s.current().self, k).has_value() ? 1 : 0;
  return std::nullopt;
}

HostResult host_storage_set(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::storage_set;
  uint32_t key = arg32(a, 0), key_len = arg32(a, 1), value = arg32(a, 2), value_len = arg32(a, 3);
  uint64_t bytes = uint64_t{key_len} + value_len;
  TENOR_TRY(admit(s, c, id, bytes, gas::kStoragePerByteWritten));
  std::span<uint8_t> k, v;
  TENOR_TRY(view(c, id, "key", key, key_len, k));
  TENOR_TRY(view(c, id, "value", value, value_len, v));
  s.host->storage_set(s.current().self, k, v);
  return std::nullopt;
}

HostResult host_storage_remove(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::storage_remove;
  uint32_t key = arg32(a, 0), key_len = arg32(a, 1);
  std::span<uint8_t> k;
  TENOR_TRY(admit_input(s, c, id, "key", key, key_len, k));
  r[0] = s.host->storage_remove(s.current().self, k) ? 1 : 0;
  return std::nullopt;
}

HostResult host_storage_next(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::storage_next;
  uint32_t prefix = arg32(a, 0), prefix_len = arg32(a, 1), after = arg32(a, 2), after_len = arg32(a, 3),
           dst = arg32(a, 4), cap = arg32(a, 5);
  bool bounded = after_len != kAbsent;
  uint64_t moved = uint64_t{prefix_len} + (bounded ? after_len : 0);
  TENOR_TRY(admit(s, c, id, moved));
  std::span<uint8_t> p, lower, out;
  TENOR_TRY(view(c, id, "prefix", prefix, prefix_len, p));
  if (bounded) TENOR_TRY(view(c, id, "after", after, after_len, lower));
  TENOR_TRY(view(c, id, "dst", dst, cap, out));
  std::optional<std::span<const uint8_t>> bound;
  if (bounded) bound = std::span<const uint8_t>(lower);
  std::optional<Bytes> next = s.host->storage_next(s.current().self, p, bound);
  if (!next) {
    r[0] = kAbsentResult;
    return std::nullopt;
  }
  TENOR_TRY(copy_out(s, c, id, moved, out, *next));
  r[0] = next->size();
  return std::nullopt;
}

// ---- events --------------------------------------------------------------------------------

HostResult host_emit_event(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::emit_event;
  uint32_t topic = arg32(a, 0), topic_len = arg32(a, 1), data = arg32(a, 2), data_len = arg32(a, 3);
  uint64_t bytes = uint64_t{topic_len} + data_len;
  TENOR_TRY(admit(s, c, id, bytes));
  std::span<uint8_t> t, d;
  TENOR_TRY(view(c, id, "topic", topic, topic_len, t));
  TENOR_TRY(view(c, id, "data", data, data_len, d));
  s.host->emit_event(s.current().self, t, d);
  return std::nullopt;
}

// ---- transaction and block -----------------------------------------------------------------

// A signer counts only where its authority reaches: the top-level contract and the contracts in
// its scope (TxContext::scopes). The scans are bounded by the transaction's signers and scopes,
// which admission bounds; gas does not depend on them.
bool reaches_current(const ExecState& s, size_t signer) noexcept {
  return s.tx->reaches(signer, s.frames[s.depth - 1].self, s.frames[0].self);
}

HostResult host_is_signer(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::is_signer;
  TENOR_TRY(charge(c, base_gas(id) + kWord * gas::kHostPerByte));
  std::span<uint8_t> p;
  TENOR_TRY(view(c, id, "party", arg32(a, 0), kWord, p));
  bool found = false, signed_tx = false;
  for (size_t i = 0; i < s.tx->signers.size(); ++i) {
    const Party& signer = s.tx->signers[i];
    if (!std::equal(signer.begin(), signer.end(), p.begin())) continue;
    signed_tx = true;
    if (reaches_current(s, i)) found = true;
  }
  if (s.tx->authority_checks) {
    AuthorityCheck check{s.frames[s.depth - 1].self, {}, signed_tx, found};
    std::copy(p.begin(), p.end(), check.party.begin());
    s.tx->authority_checks->push_back(check);
  }
  r[0] = found ? 1 : 0;
  return std::nullopt;
}

// The number of signers whose authority reaches the running contract.
uint32_t reaching_signers(const ExecState& s) noexcept {
  uint32_t n = 0;
  for (size_t i = 0; i < s.tx->signers.size(); ++i)
    if (reaches_current(s, i)) ++n;
  return n;
}

HostResult host_signer_count(ExecState& s, HostCall& c, Args, uint64_t* r) {
  return answer(c, HostId::signer_count, reaching_signers(s), r);
}

HostResult host_signer_read(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::signer_read;
  uint32_t index = arg32(a, 0);
  uint32_t seen = 0;
  for (size_t i = 0; i < s.tx->signers.size(); ++i) {
    if (!reaches_current(s, i)) continue;
    if (seen++ == index) return write_word(c, id, arg32(a, 1), s.tx->signers[i]);
  }
  return Trap{TrapCode::HostTrap, "signer_read: index " + std::to_string(index) + " is not below signer_count (" +
                                      std::to_string(seen) + ")"};
}

HostResult host_sender(ExecState& s, HostCall& c, Args a, uint64_t*) {
  return write_word(c, HostId::sender, arg32(a, 0), s.tx->sender);
}

HostResult host_caller(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  bool by_contract = s.depth > 1;
  TENOR_TRY(write_word(c, HostId::caller, arg32(a, 0), by_contract ? s.frames[s.depth - 2].self : s.tx->sender));
  r[0] = by_contract ? 1 : 0;
  return std::nullopt;
}

HostResult host_self_address(ExecState& s, HostCall& c, Args a, uint64_t*) {
  return write_word(c, HostId::self_address, arg32(a, 0), s.current().self);
}

HostResult host_block_height(ExecState& s, HostCall& c, Args, uint64_t* r) {
  return answer(c, HostId::block_height, s.tx->block_height, r);
}

HostResult host_block_time(ExecState& s, HostCall& c, Args, uint64_t* r) {
  return answer(c, HostId::block_time, static_cast<uint64_t>(s.tx->block_time), r);
}

HostResult host_chain_id(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::chain_id;
  TENOR_TRY(charge(c, base_gas(id)));
  std::span<uint8_t> out;
  TENOR_TRY(view(c, id, "dst", arg32(a, 0), arg32(a, 1), out));
  TENOR_TRY(copy_out(s, c, id, 0, out, as_bytes(s.tx->chain_id)));
  r[0] = static_cast<uint32_t>(s.tx->chain_id.size());
  return std::nullopt;
}

// ---- cryptography --------------------------------------------------------------------------

HostResult host_sha256(ExecState& s, HostCall& c, Args a, uint64_t*) {
  constexpr HostId id = HostId::sha256;
  uint32_t src = arg32(a, 0), len = arg32(a, 1), dst = arg32(a, 2);
  TENOR_TRY(check_payload(s, id, uint64_t{len} + kWord));
  TENOR_TRY(charge(c, base_gas(id) + (uint64_t{len} + kWord) * gas::kHostPerByte + (uint64_t{len} + 7) / 8));
  std::span<uint8_t> in, out;
  TENOR_TRY(view(c, id, "src", src, len, in));
  TENOR_TRY(view(c, id, "dst", dst, kWord, out));
  Hash h = tenor::vm::sha256(in);  // before writing: src and dst may overlap
  put(out, h);
  return std::nullopt;
}

HostResult host_ed25519_verify(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::ed25519_verify;
  uint32_t sig = arg32(a, 0), key = arg32(a, 1), msg = arg32(a, 2), msg_len = arg32(a, 3);
  uint64_t bytes = uint64_t{crypto_sign_BYTES} + crypto_sign_PUBLICKEYBYTES + msg_len;
  TENOR_TRY(admit(s, c, id, bytes));
  std::span<uint8_t> sg, k, m;
  TENOR_TRY(view(c, id, "signature", sig, crypto_sign_BYTES, sg));
  TENOR_TRY(view(c, id, "public_key", key, crypto_sign_PUBLICKEYBYTES, k));
  TENOR_TRY(view(c, id, "msg", msg, msg_len, m));
  r[0] = crypto_sign_verify_detached(sg.data(), m.data(), m.size(), k.data()) == 0 ? 1 : 0;
  return std::nullopt;
}

// ---- calls ---------------------------------------------------------------------------------

HostResult host_call_contract(ExecState& s, HostCall& c, Args a, uint64_t* r) {
  constexpr HostId id = HostId::call_contract;
  uint32_t address = arg32(a, 0), input = arg32(a, 1), input_len = arg32(a, 2);
  uint64_t gas_limit = a[3];
  uint64_t bytes = kWord + input_len;
  TENOR_TRY(admit(s, c, id, bytes));
  std::span<uint8_t> addr, in;
  TENOR_TRY(view(c, id, "address", address, kWord, addr));
  TENOR_TRY(view(c, id, "input", input, input_len, in));
  Address callee;
  std::copy(addr.begin(), addr.end(), callee.begin());
  uint32_t status = 0;
  TENOR_TRY(s.call_contract(c, callee, in, gas_limit, status));
  r[0] = status;
  return std::nullopt;
}

HostResult host_return_data_size(ExecState& s, HostCall& c, Args, uint64_t* r) {
  return answer(c, HostId::return_data_size, static_cast<uint32_t>(s.current().return_data.size()), r);
}

HostResult host_return_data_read(ExecState& s, HostCall& c, Args a, uint64_t*) {
  return read_range(s, c, HostId::return_data_read, "return data", a, s.current().return_data);
}

#undef TENOR_TRY

using HostImpl = HostResult (*)(ExecState&, HostCall&, Args, uint64_t*);

constexpr HostImpl kImpls[] = {
#define TENOR_HOST(name, params, results, gas, description) &host_##name,
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
};

static_assert(std::size(kImpls) == std::size(kSpecs));

}  // namespace

std::span<const HostFunctionSpec> host_function_specs() noexcept { return kSpecs; }

std::optional<size_t> find_host_function(std::string_view name) noexcept {
  static constexpr std::string_view kNames[] = {
#define TENOR_HOST(name, params, results, gas, description) #name,
#include "tenor/vm/host_api.def"
#undef TENOR_HOST
  };
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i]) return i;
  return std::nullopt;
}

FuncType host_function_type(const HostFunctionSpec& spec) {
  auto types = [](const char* letters) {
    std::vector<ValType> out;
    for (const char* p = letters; *p; ++p) out.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
    return out;
  };
  return FuncType{types(spec.params), types(spec.results)};
}

HostFunction make_host_function(size_t index, ExecState* state) {
  HostImpl impl = kImpls[index];
  // Exceptions stop here: the interpreter is not unwound through. A HostContext that throws makes
  // the call trap (HostTrap); that is a failure of the node, not a consensus outcome.
  return [impl, state](HostCall& call, const uint64_t* args, uint64_t* results) -> std::optional<Trap> {
    try {
      return impl(*state, call, args, results);
    } catch (const std::bad_alloc&) {
      return Trap{TrapCode::HostTrap, "the host ran out of memory"};
    } catch (const std::exception& e) {
      return Trap{TrapCode::HostTrap, std::string("the host context failed: ") + e.what()};
    } catch (...) {
      return Trap{TrapCode::HostTrap, "the host context failed"};
    }
  };
}

}  // namespace tenor::vm::detail
