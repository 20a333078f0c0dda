// SPDX-License-Identifier: GPL-2.0-or-later
// Maps Salesforce faults to pushforce::Status, and says which failures are worth a retry.
#pragma once

#include <string>
#include <string_view>

#include "pushforce/status.hpp"

namespace pushforce::internal {

// A SOAP fault as read from the wire, in plain types.
struct FaultInfo {
  std::string faultcode;          // as gSOAP rewrote it: "fault:INVALID_LOGIN", "\"\":INVALID_LOGIN"
  std::string faultstring;        // "INVALID_LOGIN: Invalid username, ..."
  std::string exception_code;     // the detail's ApiFault.exceptionCode, "" when no typed detail
  std::string exception_message;  // the detail's ApiFault.exceptionMessage
  int row = 0;                    // ApiQueryFault (INVALID_FIELD, MALFORMED_QUERY); 0 = none
  int column = 0;
  int http_status = 0;            // 500 for Salesforce faults
};

// "fault:INVALID_LOGIN" -> "INVALID_LOGIN": everything up to the last ':' is a prefix, whatever
// prefix gSOAP gave it (ours, or "" for an unprefixed faultcode).
std::string StripQNamePrefix(std::string_view qname);

// The ExceptionCode of a fault: the typed detail's, else the faultcode's local part
// (SOAP-ENV:Client and SOAP-ENV:Server give "Client"/"Server", which are not ExceptionCodes).
std::string ExceptionCodeOf(const FaultInfo& fault);

// kAuthentication for login and session refusals (INVALID_LOGIN, LOGIN_MUST_USE_SECURITY_TOKEN,
// PASSWORD_LOCKOUT, INVALID_SESSION_ID, ...), kApiFault otherwise.
// Unknown codes are kApiFault, never an abort.
ErrorCode ErrorCodeForException(std::string_view exception_code);

// The Status of a fault: code from the ExceptionCode, message from exceptionMessage (else the
// faultstring without its "CODE: " lead), row/column of query faults, http_status.
Status StatusFromFault(const FaultInfo& fault);

// Faults Salesforce documents as temporary: the same call may succeed later.
bool IsTransientException(std::string_view exception_code);

// True for a call failure the retry loop may retry. `idempotent`: whether re-sending a request
// that may have arrived is harmless (query, update of the same values, retrieve) or not
// (create: a second copy of every record).
bool IsRetryable(const Status& status, bool idempotent);

}  // namespace pushforce::internal
