// Errors as values for the SDK: decoding, keys and transaction admission. vm::Error describes a
// module that fails to load (its ErrorKind is about WebAssembly), so the SDK has its own small
// Error: a stable code a program can branch on, and a message a person can act on.
//
// The codes are stable numbers (receipts and client libraries may record them): add new ones at
// the end of their group, never renumber.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tenor/common/result.hpp"

namespace tenor::sdk {

enum class ErrorCode : uint8_t {
  // General
  Malformed = 1,        // bytes that do not decode (Borsh: truncated, trailing bytes, bad tag...)
  InvalidArgument = 2,  // a bad name, hex string or value passed in
  NotFound = 3,         // a key (or other named thing) that does not exist
  AlreadyExists = 4,    // refusing to overwrite
  Io = 5,               // the file system failed
  Corrupt = 6,          // a stored file exists but its content is wrong

  // Transaction admission: why a transaction is rejected before it executes.
  NoSignatures = 16,
  BadSignature = 17,         // a signature that does not verify for its party
  DuplicateSigner = 18,      // the same party signed twice
  SenderNotSigned = 19,      // the sender is not among the signers
  WrongChain = 20,           // chain_id is not this chain's
  BadNonce = 21,             // replayed (lower than expected) or skipped (higher) nonce
  UnknownContract = 22,      // a call to an address with no contract
  BadArguments = 23,         // input that does not match the entry point's argument types
  GasLimitTooHigh = 24,      // gas_limit above the block gas limit
  InsufficientBalance = 25,  // the sender cannot pay for gas_limit
  BadAuthorization = 26,     // an authorization for a party that has not signed, or ill-formed
};

// "malformed", "bad signature", ...
inline const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::Malformed: return "malformed";
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::AlreadyExists: return "already exists";
    case ErrorCode::Io: return "i/o error";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::NoSignatures: return "no signatures";
    case ErrorCode::BadSignature: return "bad signature";
    case ErrorCode::DuplicateSigner: return "duplicate signer";
    case ErrorCode::SenderNotSigned: return "sender has not signed";
    case ErrorCode::WrongChain: return "wrong chain";
    case ErrorCode::BadNonce: return "bad nonce";
    case ErrorCode::UnknownContract: return "unknown contract";
    case ErrorCode::BadArguments: return "bad arguments";
    case ErrorCode::GasLimitTooHigh: return "gas limit too high";
    case ErrorCode::InsufficientBalance: return "insufficient balance";
    case ErrorCode::BadAuthorization: return "bad authorization";
  }
  return "unknown error";
}

struct Error {
  ErrorCode code = ErrorCode::Malformed;
  std::string message;  // the reason, complete: "offset 12: bool must be 0 or 1, got 7"

  // "<code>: <message>", e.g. "malformed: offset 12: bool must be 0 or 1, got 7"
  std::string to_string() const {
    std::string out = sdk::to_string(code);
    if (!message.empty()) out += ": " + message;
    return out;
  }
};

// A value or an Error, and Result<void> (common/include/tenor/common/result.hpp).
template <class T>
using Result = common::Result<T, Error>;
using Status = common::Status<Error>;

}  // namespace tenor::sdk
