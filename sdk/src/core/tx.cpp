// Transactions: Borsh encoding, hashing, signing and signature checks (tx.hpp).
#include "tenor/sdk/tx.hpp"

#include <algorithm>

namespace tenor::sdk {

namespace {

// Smallest encoded (party, signature) pair: bounds a signature count against the input.
constexpr size_t kSignatureEntrySize = 32 + 64;
// Smallest encoded Authorization (a signer and an empty list), and contract address.
constexpr size_t kAuthorizationMinSize = 32 + 4;
constexpr size_t kAddressSize = 32;

Error malformed(std::string_view what, const std::string& reader_error) {
  return Error{ErrorCode::Malformed, std::string(what) + ": " + reader_error};
}

}  // namespace

void encode_into(BorshWriter& w, const Transaction& tx) {
  w.string(tx.chain_id);
  w.fixed(tx.sender);
  w.u64(tx.nonce);
  w.u64(tx.gas_limit);
  w.variant(static_cast<uint8_t>(tx.payload.index()));
  if (const auto* deploy = std::get_if<DeployPayload>(&tx.payload)) {
    w.bytes(deploy->code);
    w.bytes(deploy->init_input);
  } else {
    const auto& call = std::get<CallPayload>(tx.payload);
    w.fixed(call.contract);
    w.bytes(call.input);
  }
  w.vec(tx.authorizations, [](BorshWriter& out, const Authorization& a) {
    out.fixed(a.signer);
    out.vec(a.contracts, [](BorshWriter& o, const Address& c) { o.fixed(c); });
  });
}

void encode_into(BorshWriter& w, const SignedTransaction& stx) {
  encode_into(w, stx.tx);
  w.vec(stx.signatures, [](BorshWriter& out, const std::pair<Party, Signature>& entry) {
    out.fixed(entry.first);
    out.fixed(entry.second);
  });
}

bool decode_from(BorshReader& r, Transaction& tx) {
  uint8_t tag = 0;
  if (!r.string(tx.chain_id) || !r.fixed(tx.sender) || !r.u64(tx.nonce) || !r.u64(tx.gas_limit) ||
      !r.variant(tag, 2, "Payload")) {
    return false;
  }
  if (tag == 0) {
    DeployPayload deploy;
    if (!r.bytes(deploy.code) || !r.bytes(deploy.init_input)) return false;
    tx.payload = std::move(deploy);
  } else {
    CallPayload call;
    if (!r.fixed(call.contract) || !r.bytes(call.input)) return false;
    tx.payload = std::move(call);
  }
  return r.vec(
      tx.authorizations,
      [](BorshReader& in, Authorization& a) {
        return in.fixed(a.signer) &&
               in.vec(
                   a.contracts, [](BorshReader& i, Address& c) { return i.fixed(c); }, kAddressSize);
      },
      kAuthorizationMinSize);
}

bool decode_from(BorshReader& r, SignedTransaction& stx) {
  if (!decode_from(r, stx.tx)) return false;
  return r.vec(
      stx.signatures,
      [](BorshReader& in, std::pair<Party, Signature>& entry) {
        return in.fixed(entry.first) && in.fixed(entry.second);
      },
      kSignatureEntrySize);
}

Bytes encode(const Transaction& tx) {
  BorshWriter w;
  encode_into(w, tx);
  return w.take();
}

Bytes encode(const SignedTransaction& stx) {
  BorshWriter w;
  encode_into(w, stx);
  return w.take();
}

Result<Transaction> decode_transaction(std::span<const uint8_t> bytes) {
  BorshReader r(bytes);
  Transaction tx;
  if (!decode_from(r, tx) || !r.finish()) return malformed("transaction", r.error());
  return tx;
}

Result<SignedTransaction> decode_signed_transaction(std::span<const uint8_t> bytes) {
  BorshReader r(bytes);
  SignedTransaction stx;
  if (!decode_from(r, stx) || !r.finish()) return malformed("signed transaction", r.error());
  return stx;
}

Bytes signing_message(const Transaction& tx) {
  BorshWriter w;
  w.fixed(std::span(reinterpret_cast<const uint8_t*>(kTxDomain.data()), kTxDomain.size()));
  encode_into(w, tx);
  return w.take();
}

Hash tx_hash(const Transaction& tx) { return vm::sha256(signing_message(tx)); }

SignedTransaction sign(const Transaction& tx, std::span<const KeyPair> signers) {
  SignedTransaction stx{tx, {}};
  const Bytes message = signing_message(tx);
  stx.signatures.reserve(signers.size());
  for (const KeyPair& key : signers) stx.signatures.emplace_back(key.public_key(), key.sign(message));
  return stx;
}

void add_signature(SignedTransaction& stx, const KeyPair& signer) {
  stx.signatures.emplace_back(signer.public_key(), signer.sign(signing_message(stx.tx)));
}

Status verify_signatures(const SignedTransaction& stx) {
  if (stx.signatures.empty()) return Error{ErrorCode::NoSignatures, "the transaction has no signatures"};
  const Bytes message = signing_message(stx.tx);
  bool sender_signed = false;
  for (size_t i = 0; i < stx.signatures.size(); ++i) {
    const auto& [party, signature] = stx.signatures[i];
    for (size_t j = 0; j < i; ++j) {
      if (stx.signatures[j].first == party) {
        return Error{ErrorCode::DuplicateSigner, "party " + hex(party) + " signed twice"};
      }
    }
    if (!verify(party, message, signature)) {
      return Error{ErrorCode::BadSignature, "the signature of party " + hex(party) + " does not verify"};
    }
    sender_signed = sender_signed || party == stx.tx.sender;
  }
  if (!sender_signed) {
    return Error{ErrorCode::SenderNotSigned, "the sender " + hex(stx.tx.sender) + " has not signed"};
  }
  const auto& auths = stx.tx.authorizations;
  for (size_t i = 0; i < auths.size(); ++i) {
    const Authorization& a = auths[i];
    const std::string at = "authorization " + std::to_string(i);
    const bool signed_it = std::any_of(stx.signatures.begin(), stx.signatures.end(),
                                       [&](const auto& entry) { return entry.first == a.signer; });
    if (!signed_it) return Error{ErrorCode::BadAuthorization, at + ": party " + hex(a.signer) + " has not signed"};
    for (size_t j = 0; j < i; ++j)
      if (auths[j].signer == a.signer)
        return Error{ErrorCode::BadAuthorization, "party " + hex(a.signer) + " has two authorizations"};
    if (a.contracts.size() > kMaxAuthorizedContracts)
      return Error{ErrorCode::BadAuthorization, at + " lists " + std::to_string(a.contracts.size()) +
                                                    " contracts (at most " + std::to_string(kMaxAuthorizedContracts) +
                                                    ")"};
    for (size_t k = 0; k < a.contracts.size(); ++k)
      if (std::find(a.contracts.begin(), a.contracts.begin() + static_cast<std::ptrdiff_t>(k), a.contracts[k]) !=
          a.contracts.begin() + static_cast<std::ptrdiff_t>(k))
        return Error{ErrorCode::BadAuthorization, at + " lists contract " + hex(a.contracts[k]) + " twice"};
  }
  return Status::ok();
}

std::vector<Party> signers(const SignedTransaction& stx) {
  std::vector<Party> out;
  out.reserve(stx.signatures.size());
  for (const auto& entry : stx.signatures) out.push_back(entry.first);
  return out;
}

std::vector<std::vector<Address>> scopes(const Transaction& tx, std::span<const Party> signers) {
  std::vector<std::vector<Address>> out(signers.size());
  for (size_t i = 0; i < signers.size(); ++i)
    for (const Authorization& a : tx.authorizations)
      if (a.signer == signers[i]) out[i] = a.contracts;
  return out;
}

std::vector<std::vector<Address>> scopes(const SignedTransaction& stx) {
  const std::vector<Party> parties = signers(stx);
  return scopes(stx.tx, parties);
}

Address deployed_address(const Party& sender, uint64_t nonce) {
  BorshWriter w;
  w.fixed(std::span(reinterpret_cast<const uint8_t*>(kAddressDomain.data()), kAddressDomain.size()));
  w.fixed(sender);
  w.u64(nonce);
  return vm::sha256(w.data());
}

}  // namespace tenor::sdk
