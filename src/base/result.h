// Result<T>: the value-or-error type that crosses module boundaries.
//
// Expected failures (not found, corrupt blob, disk full, bad input) are
// values of this type; impossible states abort through DISPOTIFY_CHECK.
// Exceptions never cross a module boundary.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/check.h"

namespace dispotify {

// One code per way a request can fail; api/ maps each to an HTTP status.
enum class Errc {
  invalid_argument,       // 400: bad parameters, bad JSON
  unauthenticated,        // 401
  permission_denied,      // 403
  not_found,              // 404
  conflict,               // 409: already exists, version mismatch
  too_large,              // 413
  unsupported_media,      // 415: not audio
  range_not_satisfiable,  // 416
  insufficient_storage,   // 507: disk full or below --min-free-disk
  too_many_requests,      // 429: slow down (Retry-After)
  unavailable,            // 503: retry later
  timeout,                // 504 or 408 depending on the side
  corrupt,                // data on disk failed its checksum
  io_error,               // the OS refused a read or a write
  internal,               // a bug or an unexpected library failure
};

std::string_view errc_name(Errc code);
// The inverse of errc_name; Errc::internal for a name it does not know.
Errc errc_from_name(std::string_view name);

struct Error {
  Errc code;
  std::string message;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    DISPOTIFY_CHECK_MSG(ok(), std::get<1>(v_).message);
    return std::get<0>(v_);
  }
  const T& value() const& {
    DISPOTIFY_CHECK_MSG(ok(), std::get<1>(v_).message);
    return std::get<0>(v_);
  }
  T&& value() && {
    DISPOTIFY_CHECK_MSG(ok(), std::get<1>(v_).message);
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    DISPOTIFY_CHECK(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    DISPOTIFY_CHECK(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    DISPOTIFY_CHECK(failed_);
    return error_;
  }
  Error&& error() && {
    DISPOTIFY_CHECK(failed_);
    return std::move(error_);
  }

 private:
  Error error_{Errc::internal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace dispotify

// Propagates the error of a Result expression to the caller.
#define DISPOTIFY_TRY(expr)                            \
  do {                                                 \
    auto dispotify_try_result_ = (expr);               \
    if (!dispotify_try_result_.ok()) {                 \
      return std::move(dispotify_try_result_).error(); \
    }                                                  \
  } while (0)

#define DISPOTIFY_CONCAT_INNER_(a, b) a##b
#define DISPOTIFY_CONCAT_(a, b) DISPOTIFY_CONCAT_INNER_(a, b)

// Declares `lhs` from the value of a Result expression, or returns its error.
#define DISPOTIFY_ASSIGN_OR_RETURN(lhs, expr) \
  DISPOTIFY_ASSIGN_OR_RETURN_IMPL_(DISPOTIFY_CONCAT_(dispotify_result_, __LINE__), lhs, expr)
#define DISPOTIFY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return std::move(tmp).error();          \
  lhs = std::move(tmp).value()
