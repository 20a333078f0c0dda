// SPDX-License-Identifier: GPL-2.0-or-later
// Fault to Status mapping and the retry classification of failures.
#include "internal/fault_mapping.hpp"

#include <array>

namespace pushforce::internal {

std::string StripQNamePrefix(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
}

std::string ExceptionCodeOf(const FaultInfo& fault) {
  if (!fault.exception_code.empty()) return fault.exception_code;
  std::string code = StripQNamePrefix(fault.faultcode);
  if (code == "Client" || code == "Server" || code == "VersionMismatch" ||
      code == "MustUnderstand") {
    return {};
  }
  return code;
}

ErrorCode ErrorCodeForException(std::string_view exception_code) {
  // INSUFFICIENT_ACCESS is an authentication failure only on login() (no "Use Any API Auth");
  // elsewhere it is a missing permission, which the session maps itself.
  static constexpr std::array<std::string_view, 13> kAuthentication = {
      "INVALID_LOGIN",
      "LOGIN_MUST_USE_SECURITY_TOKEN",
      "PASSWORD_LOCKOUT",
      "INVALID_SESSION_ID",
      "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
      "LOGIN_CHALLENGE_ISSUED",
      "LOGIN_CHALLENGE_PENDING",
      "LOGIN_DURING_RESTRICTED_DOMAIN",
      "INACTIVE_OWNER_OR_USER",
      "ORG_LOCKED",
      "TRIAL_EXPIRED",
      "SSO_SERVICE_DOWN",
      "INVALID_CLIENT",
  };
  for (std::string_view code : kAuthentication) {
    if (code == exception_code) return ErrorCode::kAuthentication;
  }
  return ErrorCode::kApiFault;
}

Status StatusFromFault(const FaultInfo& fault) {
  ErrorDetails details;
  details.salesforce_code = ExceptionCodeOf(fault);
  details.http_status = fault.http_status;
  details.row = fault.row;
  details.column = fault.column;
  std::string message = fault.exception_message;
  if (message.empty()) {
    message = fault.faultstring;
    // Salesforce's faultstring is "CODE: message"; Status::ToString adds the code again.
    std::string lead = details.salesforce_code + ": ";
    if (!details.salesforce_code.empty() && message.rfind(lead, 0) == 0) {
      message.erase(0, lead.size());
    }
  }
  // Some messages start with a newline and the SOQL text (INVALID_FIELD); keep them, trimmed.
  size_t begin = message.find_first_not_of(" \r\n\t");
  size_t end = message.find_last_not_of(" \r\n\t");
  message = begin == std::string::npos ? std::string() : message.substr(begin, end - begin + 1);
  if (message.empty()) message = "Salesforce returned a fault without a message";
  ErrorCode code = details.salesforce_code.empty()
                       ? ErrorCode::kApiFault
                       : ErrorCodeForException(details.salesforce_code);
  if (details.salesforce_code == "UNSUPPORTED_API_VERSION") {
    message += " (login() exists up to API 64.0; choose another --api-version)";
  }
  return Status(code, std::move(message), std::move(details));
}

bool IsTransientException(std::string_view exception_code) {
  return exception_code == "SERVER_UNAVAILABLE" || exception_code == "UNABLE_TO_LOCK_ROW" ||
         exception_code == "API_CURRENTLY_DISABLED";
}

bool IsRetryable(const Status& status, bool idempotent) {
  if (status.ok()) return false;
  const ErrorDetails& details = status.details();
  // A request that may have been applied is re-sent only when that is harmless.
  if (details.request_may_have_arrived && !idempotent) return false;
  if (!details.salesforce_code.empty()) return IsTransientException(details.salesforce_code);
  switch (status.code()) {
    case ErrorCode::kTransport:
      // TLS refusals (wrong CA, wrong host name) and bad proxy credentials do not heal.
      if (!details.tls_reason.empty()) return false;
      if (details.http_status == 502 || details.http_status == 503 || details.http_status == 504)
        return true;
      if (details.http_status != 0) return false;
      return true;  // refused, reset, closed before an answer
    case ErrorCode::kTimeout:
      // A timeout while connecting or sending: the server never had the request. After the
      // request was sent, only an idempotent call is tried again (checked above).
      return true;
    default:
      return false;
  }
}

}  // namespace pushforce::internal
