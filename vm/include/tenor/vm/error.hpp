// Errors as values: every failure to load, validate, link or instantiate a module comes back as an
// Error naming what went wrong and where. Nothing in the VM throws across its API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tenor::vm {

enum class ErrorKind : uint8_t {
  Malformed,       // the bytes are not a well-formed binary module (decoding failed)
  Invalid,         // decoded, but fails validation (type checking, index spaces, ...)
  LimitExceeded,   // well-formed and valid, but larger than the VmConfig allows
  ProfileViolation,// valid, but breaks the deterministic contract profile
  Unlinkable,      // an import is missing or has an incompatible type
  Uninstantiable,  // a segment is out of bounds or the start function trapped
};

const char* to_string(ErrorKind k) noexcept;

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;                  // the reason, e.g. "type mismatch: expected i32, got i64"
  std::string section;                  // "code", "import", ... (empty when not applicable)
  std::optional<uint64_t> offset;       // byte offset in the module, when known
  std::optional<uint32_t> func_index;   // function index (in the function index space), when known

  // "invalid module: type mismatch: expected i32, got i64 (section code, function 3, offset 0x1a4)"
  std::string to_string() const;
};

// A value or an Error. Deliberately small: has_value/value/error and bool conversion.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>
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

}  // namespace tenor::vm
