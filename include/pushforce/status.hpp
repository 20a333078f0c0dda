// SPDX-License-Identifier: GPL-2.0-or-later
// Errors as values: one Status model for every layer, and Result<T> for calls that return data.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pushforce {

// What went wrong, coarse enough that the CLI can map it to an exit code.
enum class ErrorCode {
  kOk = 0,
  kInvalidInput,        // bad user input: a flag, a file line, a field (exit 2)
  kNotFound,            // a package, version or request the org does not have (exit 2)
  kAuthentication,      // login refused, session invalid after re-login (exit 3)
  kApiFault,            // Salesforce answered with a fault (exit 4)
  kTransport,           // connect, TLS, I/O, HTTP without SOAP (exit 4)
  kFailedPrecondition,  // the org's state forbids it, e.g. abort while In Progress (exit 4)
  kBudgetExceeded,      // the API call estimate exceeds the allowed budget (exit 4)
  kTimeout,             // a deadline passed (exit 5)
  kInternal,            // a bug or an impossible response (exit 4)
};

// Stable lower-case name of a code ("invalid_input"), used in JSON output.
const char* ErrorCodeName(ErrorCode code);

// The details a Status may carry. Every field is optional.
struct ErrorDetails {
  std::string salesforce_code;  // ExceptionCode of a fault or StatusCode of a record error
  int http_status = 0;          // HTTP status of the response, 0 when none was read
  int sys_errno = 0;            // errno of a transport failure
  std::string tls_reason;       // OpenSSL's reason for a TLS failure
  int row = 0;                  // MALFORMED_QUERY / INVALID_FIELD position, 1-based, 0 = none
  int column = 0;
  // True when a request was sent and no complete answer came back: a create() may have
  // been applied. Such a call is never re-sent blind; callers reconcile by querying.
  bool request_may_have_arrived = false;
};

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, ErrorDetails details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const ErrorDetails& details() const { return details_; }
  const std::string& salesforce_code() const { return details_.salesforce_code; }

  // "api_fault: INVALID_FIELD: No such column 'Foo' (row 1, column 8)".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  ErrorDetails details_;
};

// A value or the Status that explains its absence. Never holds an ok Status without a value.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    if (std::get<Status>(data_).ok()) {
      data_ = Status(ErrorCode::kInternal, "Result constructed from an ok Status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error, or an ok Status when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace pushforce
