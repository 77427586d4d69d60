// Errors as values. Every fallible call in libevidence returns a Status or a Result<T>; nothing in
// the public API throws. A Status carries a code from a closed set and a message of the form
// "context: detail" that can be shown to a user as it is.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "evidence/export.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

enum class StatusCode {
  kOk = 0,
  // The caller asked for something malformed (bad option, bad id, bad argument).
  kInvalidArgument,
  // A named thing (file, item, incident, case) does not exist.
  kNotFound,
  // The thing exists already and must not be replaced.
  kAlreadyExists,
  // Input is of a kind or version this library does not handle.
  kUnsupported,
  // Stored data cannot be read as what it claims to be (malformed, truncated).
  kCorruption,
  // Well-formed data that does not check out: a wrong hash, signature, proof or root.
  kVerificationFailed,
  // The environment failed: I/O error, disk full, permission denied.
  kIoError,
  // Another process holds the case and did not let go in time.
  kBusy,
};

// Short lower-case name of a code ("invalid argument", "verification failed", ...).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // A default-constructed Status is OK.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status VerificationFailed(std::string msg) {
    return {StatusCode::kVerificationFailed, std::move(msg)};
  }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Busy(std::string msg) { return {StatusCode::kBusy, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: <message>"; an OK status stays OK. The argument
  // (below) is kept.
  Status WithContext(std::string_view context) const;

  // Which input of the call the error is about, by the name the API gives it: a parameter or a
  // field of an options struct ("when", "until", "date_order", "trusted_key"). Empty when the
  // error is not about one input. The message never names a command-line flag; the CLI maps the
  // argument to its flag and adds its own hint (docs/architecture.md "Errors").
  const std::string& argument() const { return argument_; }
  // Returns a copy that names `name` as the input at fault; an OK status stays OK.
  Status AboutArgument(std::string name) const;

  // "<code name>: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string argument_;
};

// Either a value or a non-OK Status. Accessing value() of a failed Result is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like absl::StatusOr.
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace evidence
EVIDENCE_PUBLIC_END
