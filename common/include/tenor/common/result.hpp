// Errors as values: Result<T, E> holds a value or an error, Status<E> an error or nothing. Each part
// of Tenor has its own error type (vm::Error describes a module that fails to load, sdk::Error a
// stable code a client can branch on) and names these templates with it:
//     template <class T> using Result = common::Result<T, Error>;
//     using Status = common::Status<Error>;
// Deliberately small: has_value/value/error and bool conversion. Nothing here throws except
// std::bad_variant_access on a misuse (value() of an error), which is a bug in the caller.
#pragma once

#include <optional>
#include <utility>
#include <variant>

namespace tenor::common {

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

// Result<void>.
template <class E>
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(E error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status ok() { return {}; }
  bool is_ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return is_ok(); }
  const E& error() const& { return *error_; }
  E&& error() && { return std::move(*error_); }

 private:
  std::optional<E> error_;
};

}  // namespace tenor::common
