// Ed25519 keys (libsodium): a party is its 32-byte public key; it signs with the secret 32-byte
// seed the key pair is derived from (RFC 8032). Hex helpers for keys, addresses and signatures,
// and the KeyStore, the folder of named key files the CLI signs with.
//
// Secrets: nothing here prints a seed. KeyPair::to_string and operator<< show the public key only;
// the seed is read through KeyPair::seed() and written only by KeyStore (files of mode 0600).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tenor/sdk/error.hpp"
#include "tenor/common/hex.hpp"
#include "tenor/vm/contract.hpp"

namespace tenor::sdk {

using vm::Address;
using vm::Bytes;
using vm::Hash;
using vm::Party;

using Signature = std::array<uint8_t, 64>;  // Ed25519: R || S
using Seed = std::array<uint8_t, 32>;       // the secret an Ed25519 key pair is derived from

class KeyPair {
 public:
  // A fresh key pair from the operating system's random generator (libsodium randombytes).
  static KeyPair generate();
  // The key pair of a seed (deterministic: RFC 8032 section 5.1.5).
  static KeyPair from_seed(const Seed& seed);

  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;
  ~KeyPair();  // wipes the secret

  const Party& public_key() const noexcept { return public_key_; }
  // The secret. Store it only through KeyStore; never log it.
  Seed seed() const noexcept;

  // The Ed25519 signature of `message` (deterministic for a given key and message).
  Signature sign(std::span<const uint8_t> message) const;

  // "KeyPair(public_key=<64 hex digits>)": never the seed.
  std::string to_string() const;

  // Same seed (compared in constant time).
  friend bool operator==(const KeyPair& a, const KeyPair& b) noexcept;

 private:
  KeyPair() = default;
  Party public_key_{};
  std::array<uint8_t, 64> secret_key_{};  // libsodium's form: seed || public key
};

// Prints KeyPair::to_string() (so test frameworks never dump the secret bytes).
std::ostream& operator<<(std::ostream& os, const KeyPair& key);

// Whether `signature` is party's Ed25519 signature of `message` (libsodium's
// crypto_sign_verify_detached: rejects non-canonical S and small-order public keys and R).
[[nodiscard]] bool verify(const Party& party, std::span<const uint8_t> message, const Signature& signature) noexcept;

// Lowercase hex, two digits a byte (common::to_hex).
inline std::string hex(std::span<const uint8_t> bytes) { return common::to_hex(bytes); }
// Hex (either case, an even number of digits, no "0x") to bytes; nullopt when it is not.
using common::from_hex;

// Exactly 64 hex digits (32 bytes); errors are InvalidArgument and say what was wrong:
// "party must be 64 hex digits (32 bytes), got 10 characters".
Result<Party> parse_party(std::string_view text);
Result<Address> parse_address(std::string_view text);
// Exactly 128 hex digits (64 bytes).
Result<Signature> parse_signature(std::string_view text);

// A folder of named keys, one file each: DIR/NAME.json =
//   {"name": "NAME", "public_key": "<64 hex digits>", "seed": "<64 hex digits>"}
// Files are created with mode 0600, written completely before they appear under their name, and
// never overwritten. The CLI keeps its store in <data dir>/keys.
class KeyStore {
 public:
  explicit KeyStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const noexcept { return dir_; }
  // DIR/NAME.json (NAME is not checked here).
  std::filesystem::path path_of(std::string_view name) const;
  // Names are 1 to 64 of [A-Za-z0-9_-].
  static bool valid_name(std::string_view name) noexcept;

  // Generates a key pair and stores it (add). The folder is created (mode 0700) if missing.
  Result<KeyPair> create(std::string_view name);
  // Stores a key pair under a new name: AlreadyExists if NAME.json exists, InvalidArgument for
  // a bad name, Io when the file cannot be written.
  Status add(std::string_view name, const KeyPair& key);
  // NotFound when there is no such file; Corrupt (naming the file) when it is not JSON, lacks a
  // field, holds bad hex, another name, or a public key that does not match the seed.
  Result<KeyPair> load(std::string_view name) const;
  // The names of the stored keys, sorted; empty when the folder does not exist. Files that are
  // not NAME.json with a valid NAME are ignored.
  Result<std::vector<std::string>> list() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace tenor::sdk
