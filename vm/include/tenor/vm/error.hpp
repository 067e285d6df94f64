// Errors as values: every failure to load, validate, link or instantiate a module comes back as an
// Error naming what went wrong and where. Nothing in the VM throws across its API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tenor/common/result.hpp"

namespace tenor::vm {

enum class ErrorKind : uint8_t {
  Malformed,         // the bytes are not a well-formed binary module (decoding failed)
  Invalid,           // decoded, but fails validation (type checking, index spaces, ...)
  LimitExceeded,     // well-formed and valid, but larger than the VmConfig allows
  ProfileViolation,  // valid, but breaks the deterministic contract profile
  Unlinkable,        // an import is missing or has an incompatible type
  Uninstantiable,    // a segment is out of bounds or the start function trapped
};

const char* to_string(ErrorKind k) noexcept;

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;                 // the reason, e.g. "type mismatch: expected i32, got i64"
  std::string section;                 // "code", "import", ... (empty when not applicable)
  std::optional<uint64_t> offset;      // byte offset in the module, when known
  std::optional<uint32_t> func_index;  // function index (in the function index space), when known

  // "invalid module: type mismatch: expected i32, got i64 (section code, function 3, offset 0x1a4)"
  std::string to_string() const;
};

// A value or an Error, and Result<void> (common/include/tenor/common/result.hpp).
template <class T>
using Result = common::Result<T, Error>;
using Status = common::Status<Error>;

}  // namespace tenor::vm
