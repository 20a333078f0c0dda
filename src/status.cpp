// SPDX-License-Identifier: GPL-2.0-or-later
// Status formatting.
#include "pushforce/status.hpp"

namespace pushforce {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAuthentication: return "authentication";
    case ErrorCode::kApiFault: return "api_fault";
    case ErrorCode::kTransport: return "transport";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kBudgetExceeded: return "budget_exceeded";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = ErrorCodeName(code_);
  out += ": ";
  if (!details_.salesforce_code.empty() &&
      message_.rfind(details_.salesforce_code, 0) != 0) {
    out += details_.salesforce_code;
    out += ": ";
  }
  out += message_;
  if (details_.row > 0) {
    out += " (row " + std::to_string(details_.row) + ", column " +
           std::to_string(details_.column) + ")";
  }
  if (details_.http_status > 0 && details_.http_status != 200 && details_.http_status != 500) {
    out += " [HTTP " + std::to_string(details_.http_status) + "]";
  }
  return out;
}

}  // namespace pushforce
