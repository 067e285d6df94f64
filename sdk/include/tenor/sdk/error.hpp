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
#include <utility>
#include <variant>

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
  BadSignature = 17,     // a signature that does not verify for its party
  DuplicateSigner = 18,  // the same party signed twice
  SenderNotSigned = 19,  // the sender is not among the signers
  WrongChain = 20,       // chain_id is not this chain's
  BadNonce = 21,         // replayed (lower than expected) or skipped (higher) nonce
  UnknownContract = 22,  // a call to an address with no contract
  BadArguments = 23,     // input that does not match the entry point's argument types
  GasLimitTooHigh = 24,  // gas_limit above the block gas limit
  InsufficientBalance = 25,  // the sender cannot pay for gas_limit
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

// A value or an Error (the same shape as vm::Result).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status ok() { return {}; }
  bool is_ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return is_ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

}  // namespace tenor::sdk
