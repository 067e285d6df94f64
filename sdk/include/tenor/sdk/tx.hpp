// Transactions: deploy a module or call a contract, from a sender with a nonce and a gas limit,
// signed by one or more parties (a step that needs both seller and factor is one transaction).
//
// Wire format: Borsh (docs/sdk.md, "Transactions", has the tables).
//   Transaction       = chain_id String, sender [u8;32], nonce u64, gas_limit u64, payload Payload,
//                       authorizations Vec<Authorization>
//   Payload           = enum { 0: Deploy { code Vec<u8>, init_input Vec<u8> },
//                              1: Call { contract [u8;32], input Vec<u8> } }
//   Authorization     = signer [u8;32], contracts Vec<[u8;32]>
//   SignedTransaction = tx Transaction, signatures Vec<(party [u8;32], signature [u8;64])>
//
// Authority (docs/authorization.md): a signer's authority reaches the top-level contract (the one
// called, or the one deployed) and the contracts its Authorization lists, nothing else; every
// signer signs every signer's scope, so none can be widened after signing.
//
// What parties sign: signing_message(tx) = "tenor/tx/v2" (11 ASCII bytes) || borsh(tx), with
// Ed25519 over those bytes (not over the hash). The transaction's id is tx_hash(tx) =
// SHA-256(signing_message(tx)); signatures are not part of it, so the id is fixed before anyone
// signs and cannot be changed by re-signing.
//
// verify_signatures checks only what needs no chain state (every signature valid, no party twice,
// the sender among the signers); the chain checks chain id, nonce, contract, arguments and gas.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tenor/sdk/borsh.hpp"
#include "tenor/sdk/error.hpp"
#include "tenor/sdk/keys.hpp"
#include "tenor/vm/contract.hpp"

namespace tenor::sdk {

// Address, Bytes, Hash and Party: keys.hpp.

// Domain separators: a signature or hash made for one purpose is never valid for another.
inline constexpr std::string_view kTxDomain = "tenor/tx/v2";
inline constexpr std::string_view kAddressDomain = "tenor/address/v1";

// Deploys `code`, then calls its tenor_init with init_input. The contract's address is
// deployed_address(sender, nonce).
struct DeployPayload {
  Bytes code;
  Bytes init_input;
  friend bool operator==(const DeployPayload&, const DeployPayload&) = default;
};

// Calls the contract at `contract` (its tenor_entry) with `input`.
struct CallPayload {
  Address contract{};
  Bytes input;
  friend bool operator==(const CallPayload&, const CallPayload&) = default;
};

// The Borsh variant index is the std::variant index: 0 Deploy, 1 Call.
using Payload = std::variant<DeployPayload, CallPayload>;

// The contracts, besides the top-level one, where `signer`'s signature counts in this
// transaction (is_signer, signed_by). A signer without an Authorization authorizes the top-level
// contract alone.
struct Authorization {
  Party signer{};
  std::vector<Address> contracts;
  friend bool operator==(const Authorization&, const Authorization&) = default;
};
// At most this many contracts in one signer's scope (admission refuses more).
inline constexpr size_t kMaxAuthorizedContracts = 16;

struct Transaction {
  std::string chain_id;  // UTF-8; the chain this transaction is valid on
  Party sender{};        // pays gas and owns the nonce; must sign
  uint64_t nonce = 0;    // the sender's next nonce: 0, 1, 2, ... without gaps
  uint64_t gas_limit = 0;
  Payload payload;
  std::vector<Authorization> authorizations;  // at most one per signer
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct SignedTransaction {
  Transaction tx;
  std::vector<std::pair<Party, Signature>> signatures;  // each party's signature of signing_message(tx)
  friend bool operator==(const SignedTransaction&, const SignedTransaction&) = default;
};

// Borsh, composable (a block encodes a Vec of SignedTransaction with these).
void encode_into(BorshWriter& w, const Transaction& tx);
void encode_into(BorshWriter& w, const SignedTransaction& stx);
[[nodiscard]] bool decode_from(BorshReader& r, Transaction& tx);
[[nodiscard]] bool decode_from(BorshReader& r, SignedTransaction& stx);

Bytes encode(const Transaction& tx);
Bytes encode(const SignedTransaction& stx);
// The whole input must be one value. Errors are Malformed, e.g.
// "transaction: offset 57: invalid Payload variant 2 (expected 0..1)".
Result<Transaction> decode_transaction(std::span<const uint8_t> bytes);
Result<SignedTransaction> decode_signed_transaction(std::span<const uint8_t> bytes);

// "tenor/tx/v2" || borsh(tx): the bytes every signer signs.
Bytes signing_message(const Transaction& tx);
// SHA-256(signing_message(tx)): the transaction's id.
Hash tx_hash(const Transaction& tx);
inline Hash tx_hash(const SignedTransaction& stx) { return tx_hash(stx.tx); }

// Signs tx with each key, in order.
SignedTransaction sign(const Transaction& tx, std::span<const KeyPair> signers);
// sign(tx, {seller, factor}).
inline SignedTransaction sign(const Transaction& tx, std::initializer_list<KeyPair> signers) {
  return sign(tx, std::span<const KeyPair>(signers.begin(), signers.size()));
}
// Adds one more signature (a second party co-signing a transaction it received).
void add_signature(SignedTransaction& stx, const KeyPair& signer);

// Ok, or the first problem found:
//   NoSignatures      "the transaction has no signatures"
//   DuplicateSigner   "party <hex> signed twice"
//   BadSignature      "the signature of party <hex> does not verify"
//   SenderNotSigned   "the sender <hex> has not signed"
//   BadAuthorization  "authorization 1: party <hex> has not signed", "... lists contract <hex>
//                     twice", "... lists 17 contracts (at most 16)", "party <hex> has two
//                     authorizations"
// (signatures are checked in order; duplicates before validity; authorizations after them).
Status verify_signatures(const SignedTransaction& stx);

// The parties that signed, in signature order (for vm::TxContext::signers).
std::vector<Party> signers(const SignedTransaction& stx);
// Each signer's scope, in signature order (for vm::TxContext::scopes).
std::vector<std::vector<Address>> scopes(const SignedTransaction& stx);
// The same for `signers` of `tx` before they sign (a dry run).
std::vector<std::vector<Address>> scopes(const Transaction& tx, std::span<const Party> signers);

// The address of the contract a Deploy creates:
// SHA-256("tenor/address/v1" || sender[32] || nonce as u64 little-endian).
Address deployed_address(const Party& sender, uint64_t nonce);

}  // namespace tenor::sdk
