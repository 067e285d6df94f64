// Transactions: the Borsh layout byte for byte, golden hashes and signatures (computed outside
// Tenor, with Python's struct, hashlib and cryptography), decoding rejections, multi-party signing
// and every verify_signatures error.
#include "tenor/sdk/tx.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sdk_test_support.hpp"

namespace tenor::sdk {
namespace {

using test_support::seed_of;

const KeyPair& seller() {
  static const KeyPair k =
      KeyPair::from_seed(seed_of("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  return k;
}
const KeyPair& factor() {
  static const KeyPair k =
      KeyPair::from_seed(seed_of("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  return k;
}

Transaction call_tx() {
  Address contract;
  contract.fill(0x11);
  return Transaction{"tenor-test", seller().public_key(), 7, 1'000'000, CallPayload{contract, {1, 2, 3}}, {}};
}

Transaction deploy_tx() {
  return Transaction{"tenor-test", seller().public_key(), 0, 500, DeployPayload{{0x00, 'a', 's', 'm'}, {}}, {}};
}

Address filled(uint8_t b) {
  Address a;
  a.fill(b);
  return a;
}

// call_tx() with the seller's authority reaching 0x22.. and 0x33.., and the factor's the
// top-level contract alone (an empty list).
Transaction scoped_tx() {
  Transaction tx = call_tx();
  tx.authorizations = {{seller().public_key(), {filled(0x22), filled(0x33)}}, {factor().public_key(), {}}};
  return tx;
}

// ---- layout and golden values ----------------------------------------------------------------------

TEST(Transaction, CallEncodesFieldByField) {
  EXPECT_EQ(hex(encode(call_tx())),
            "0a000000"
            "74656e6f722d74657374"                                              // chain_id
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"  // sender
            "0700000000000000"                                                  // nonce
            "40420f0000000000"                                                  // gas_limit
            "01"                                                                // Call
            "1111111111111111111111111111111111111111111111111111111111111111"  // contract
            "03000000"
            "010203"      // input
            "00000000");  // authorizations: none
}

TEST(Transaction, AuthorizationsEncodeAfterThePayload) {
  EXPECT_EQ(hex(encode(scoped_tx())), hex(encode(call_tx())).substr(0, hex(encode(call_tx())).size() - 8) +
                                          "02000000"  // two authorizations
                                          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"  // seller
                                          "02000000"
                                          "2222222222222222222222222222222222222222222222222222222222222222"
                                          "3333333333333333333333333333333333333333333333333333333333333333"
                                          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"  // factor
                                          "00000000");
  auto back = decode_transaction(encode(scoped_tx()));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, scoped_tx());
}

TEST(Transaction, DeployEncodesFieldByField) {
  EXPECT_EQ(hex(encode(deploy_tx())),
            "0a000000"
            "74656e6f722d74657374"
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
            "0000000000000000"
            "f401000000000000"
            "00"  // Deploy
            "04000000"
            "0061736d"    // code
            "00000000"    // init_input
            "00000000");  // authorizations
}

TEST(Transaction, SigningMessageIsTheDomainThenTheEncoding) {
  const Bytes msg = signing_message(call_tx());
  const std::string domain = "tenor/tx/v2";
  ASSERT_GT(msg.size(), domain.size());
  EXPECT_EQ(std::string(msg.begin(), msg.begin() + static_cast<ptrdiff_t>(domain.size())), domain);
  EXPECT_EQ(Bytes(msg.begin() + static_cast<ptrdiff_t>(domain.size()), msg.end()), encode(call_tx()));
}

TEST(Transaction, GoldenHashes) {
  // sha256(b"tenor/tx/v2" + borsh(tx)); these are consensus data: a change here breaks every
  // client and every stored transaction id.
  EXPECT_EQ(hex(tx_hash(call_tx())), "8578d3a6722275dff108f1f0404df409a869083fb630c66450ac9b6c9e04db41");
  EXPECT_EQ(hex(tx_hash(deploy_tx())), "88c17f4be4d45db1ff2def6454d096505611c6d3f25f3a76bf4021f0cd26ffaf");
  EXPECT_EQ(hex(tx_hash(scoped_tx())), "18a0a983813b1dcc85122974d627f4786819d05b939ab03a841b6ed60574ee76");
}

TEST(Transaction, GoldenSignature) {
  const SignedTransaction stx = sign(call_tx(), {seller()});
  ASSERT_EQ(stx.signatures.size(), 1u);
  EXPECT_EQ(stx.signatures[0].first, seller().public_key());
  EXPECT_EQ(hex(stx.signatures[0].second),
            "fff679517448ece55e32122a8ca55161f83903a737c479da384c4d19798211f7"
            "1e3f673752f1dcf662c4b4a4be3943ed6dc47323e29c43139fae19acaf69bd07");
  // SignedTransaction = tx, then Vec<([u8;32], [u8;64])>.
  const Bytes expected_tail = [&] {
    BorshWriter w;
    w.u32(1);
    w.fixed(stx.signatures[0].first);
    w.fixed(stx.signatures[0].second);
    return w.take();
  }();
  Bytes expected = encode(call_tx());
  expected.insert(expected.end(), expected_tail.begin(), expected_tail.end());
  EXPECT_EQ(encode(stx), expected);
}

TEST(Transaction, GoldenDeployedAddress) {
  // sha256(b"tenor/address/v1" + sender + u64le(nonce))
  EXPECT_EQ(hex(deployed_address(seller().public_key(), 7)),
            "b9b87a9c9d5b8e1ddc29096408b062e425992cb2796c3cb2046d19af6f49e414");
  EXPECT_NE(deployed_address(seller().public_key(), 7), deployed_address(seller().public_key(), 8));
  EXPECT_NE(deployed_address(seller().public_key(), 7), deployed_address(factor().public_key(), 7));
}

TEST(Transaction, HashIgnoresSignatures) {
  const SignedTransaction one = sign(call_tx(), {seller()});
  const SignedTransaction two = sign(call_tx(), {seller(), factor()});
  EXPECT_EQ(tx_hash(one), tx_hash(two));
  EXPECT_EQ(tx_hash(one), tx_hash(call_tx()));
  Transaction other = call_tx();
  other.nonce = 8;
  EXPECT_NE(tx_hash(other), tx_hash(call_tx()));
}

// ---- round trips -------------------------------------------------------------------------------------

TEST(Transaction, RoundTrips) {
  for (const Transaction& tx : {call_tx(), deploy_tx()}) {
    auto back = decode_transaction(encode(tx));
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(*back, tx);
  }
  Transaction big = deploy_tx();
  big.chain_id = "tenor-main \xe2\x82\xac";
  big.nonce = UINT64_MAX;
  big.gas_limit = UINT64_MAX;
  std::get<DeployPayload>(big.payload).code.assign(70'000, 0xab);
  std::get<DeployPayload>(big.payload).init_input = {1, 2};
  auto back = decode_transaction(encode(big));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, big);
}

TEST(SignedTransaction, RoundTrips) {
  const SignedTransaction stx = sign(call_tx(), {seller(), factor()});
  auto back = decode_signed_transaction(encode(stx));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, stx);
  EXPECT_TRUE(verify_signatures(*back));
}

// ---- decoding rejections -----------------------------------------------------------------------------

TEST(Transaction, DecodeRejectsTruncatedInput) {
  const Bytes full = encode(call_tx());
  for (size_t n = 0; n < full.size(); ++n) {
    auto r = decode_transaction(std::span(full.data(), n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes";
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
  }
  auto r = decode_transaction(std::span(full.data(), 20));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "transaction: offset 14: unexpected end of input reading [u8; 32] (needs 32 bytes, 6 left)");
}

TEST(Transaction, DecodeRejectsTrailingBytes) {
  Bytes b = encode(call_tx());
  b.push_back(0);
  auto r = decode_transaction(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().to_string(),
            "malformed: transaction: offset " + std::to_string(b.size() - 1) + ": 1 trailing byte after the value");
  // A signed transaction is not a transaction (its signature list is trailing bytes) ...
  EXPECT_FALSE(decode_transaction(encode(sign(call_tx(), {seller()}))));
  // ... and a transaction is not a signed transaction (the signature list is missing).
  EXPECT_FALSE(decode_signed_transaction(encode(call_tx())));
}

TEST(Transaction, DecodeRejectsAnUnknownPayload) {
  Bytes b = encode(call_tx());
  const size_t tag_at = 4 + 10 + 32 + 8 + 8;
  ASSERT_EQ(b[tag_at], 1);
  b[tag_at] = 2;
  auto r = decode_transaction(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "transaction: offset 62: invalid Payload variant 2 (expected 0..1)");
}

TEST(Transaction, DecodeRejectsAChainIdThatIsNotUtf8) {
  Transaction tx = call_tx();
  tx.chain_id = "tenor\xff";
  auto r = decode_transaction(encode(tx));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "transaction: offset 9: string is not valid UTF-8");
}

TEST(Transaction, DecodeRejectsHugeLengths) {
  Bytes b = encode(call_tx());
  b[0] = b[1] = b[2] = b[3] = 0xff;  // chain_id length
  auto r = decode_transaction(b);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("offset 0: length 4294967295 exceeds the"), std::string::npos) << r.error().message;

  // A signature count that cannot fit: 2^32-1 entries of 96 bytes.
  Bytes s = encode(sign(call_tx(), {seller()}));
  const size_t count_at = encode(call_tx()).size();
  s[count_at] = s[count_at + 1] = s[count_at + 2] = s[count_at + 3] = 0xff;
  auto rs = decode_signed_transaction(s);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "signed transaction: offset " + std::to_string(count_at) + ": length 4294967295 exceeds the 96 bytes left");
}

// ---- signing and verification ------------------------------------------------------------------------

TEST(Signing, TwoPartiesSignOneTransaction) {
  const SignedTransaction stx = sign(call_tx(), {seller(), factor()});
  ASSERT_EQ(stx.signatures.size(), 2u);
  EXPECT_TRUE(verify_signatures(stx));
  EXPECT_EQ(signers(stx), (std::vector<Party>{seller().public_key(), factor().public_key()}));

  // The same, signed on two machines: the seller signs, the factor adds its signature.
  SignedTransaction passed = sign(call_tx(), {seller()});
  add_signature(passed, factor());
  EXPECT_EQ(passed, stx);

  const std::vector<KeyPair> keys = {factor(), seller()};
  const SignedTransaction from_vector = sign(call_tx(), keys);
  EXPECT_TRUE(verify_signatures(from_vector));
  EXPECT_EQ(signers(from_vector), (std::vector<Party>{factor().public_key(), seller().public_key()}));
}

TEST(Signing, NoSignatures) {
  Status s = verify_signatures(SignedTransaction{call_tx(), {}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::NoSignatures);
  EXPECT_EQ(s.error().to_string(), "no signatures: the transaction has no signatures");
}

TEST(Signing, BadSignatureNamesTheParty) {
  SignedTransaction stx = sign(call_tx(), {seller(), factor()});
  stx.signatures[1].second[10] ^= 0x40;
  Status s = verify_signatures(stx);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::BadSignature);
  EXPECT_EQ(s.error().message, "the signature of party " + hex(factor().public_key()) + " does not verify");
}

TEST(Signing, ATamperedTransactionNoLongerVerifies) {
  SignedTransaction stx = sign(call_tx(), {seller()});
  stx.tx.gas_limit += 1;
  Status s = verify_signatures(stx);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::BadSignature);

  // A signature made for another chain does not carry over.
  SignedTransaction other_chain = sign(call_tx(), {seller()});
  other_chain.tx.chain_id = "tenor-main";
  EXPECT_FALSE(verify_signatures(other_chain));
}

TEST(Signing, ASignatureClaimedForAnotherParty) {
  SignedTransaction stx = sign(call_tx(), {seller()});
  stx.signatures.push_back({factor().public_key(), stx.signatures[0].second});  // seller's signature
  Status s = verify_signatures(stx);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::BadSignature);
  EXPECT_NE(s.error().message.find(hex(factor().public_key())), std::string::npos);
}

TEST(Signing, DuplicateSigner) {
  const SignedTransaction stx = sign(call_tx(), {seller(), factor(), seller()});
  Status s = verify_signatures(stx);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::DuplicateSigner);
  EXPECT_EQ(s.error().message, "party " + hex(seller().public_key()) + " signed twice");
}

TEST(Signing, SenderHasNotSigned) {
  const SignedTransaction stx = sign(call_tx(), {factor()});
  Status s = verify_signatures(stx);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::SenderNotSigned);
  EXPECT_EQ(s.error().message, "the sender " + hex(seller().public_key()) + " has not signed");
}

// ---- authorizations (docs/authorization.md) ------------------------------------------------------

TEST(Authorization, EachSignersScopeIsSignedByEverySigner) {
  const SignedTransaction stx = sign(scoped_tx(), {seller(), factor()});
  ASSERT_TRUE(verify_signatures(stx));
  const auto sc = scopes(stx);
  ASSERT_EQ(sc.size(), 2u);
  EXPECT_EQ(sc[0], (std::vector<Address>{filled(0x22), filled(0x33)}));
  EXPECT_TRUE(sc[1].empty());

  // Widening a scope after signing, narrowing it, or moving it to another signer breaks every
  // signature: the scopes are in the signed bytes.
  SignedTransaction wider = stx;
  wider.tx.authorizations[1].contracts.push_back(filled(0x44));
  Status s = verify_signatures(wider);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::BadSignature);
  SignedTransaction narrower = stx;
  narrower.tx.authorizations[0].contracts.pop_back();
  EXPECT_EQ(verify_signatures(narrower).error().code, ErrorCode::BadSignature);
  SignedTransaction dropped = stx;
  dropped.tx.authorizations.clear();
  EXPECT_EQ(verify_signatures(dropped).error().code, ErrorCode::BadSignature);
  // Through the wire: one flipped byte of the seller's first contract.
  Bytes wire = encode(stx);
  const Bytes needle(32, 0x22);
  auto at = std::search(wire.begin(), wire.end(), needle.begin(), needle.end());
  ASSERT_NE(at, wire.end());
  *at ^= 1;
  auto back = decode_signed_transaction(wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(verify_signatures(*back).error().code, ErrorCode::BadSignature);
}

TEST(Authorization, AScopeWithoutItsSignatureOrIllFormedIsRefused) {
  Transaction tx = call_tx();
  tx.authorizations = {{factor().public_key(), {filled(0x22)}}};  // the factor does not sign
  Status s = verify_signatures(sign(tx, {seller()}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::BadAuthorization);
  EXPECT_EQ(s.error().message, "authorization 0: party " + hex(factor().public_key()) + " has not signed");

  tx.authorizations = {{seller().public_key(), {filled(0x22)}}, {seller().public_key(), {}}};
  s = verify_signatures(sign(tx, {seller()}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "party " + hex(seller().public_key()) + " has two authorizations");

  tx.authorizations = {{seller().public_key(), {filled(0x22), filled(0x33), filled(0x22)}}};
  s = verify_signatures(sign(tx, {seller()}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "authorization 0 lists contract " + hex(filled(0x22)) + " twice");

  tx.authorizations = {{seller().public_key(), {}}};
  for (int i = 0; i < 17; ++i) tx.authorizations[0].contracts.push_back(filled(static_cast<uint8_t>(i)));
  s = verify_signatures(sign(tx, {seller()}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "authorization 0 lists 17 contracts (at most 16)");
  tx.authorizations[0].contracts.pop_back();
  EXPECT_TRUE(verify_signatures(sign(tx, {seller()})));
}

}  // namespace
}  // namespace tenor::sdk
