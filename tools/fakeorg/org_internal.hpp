// SPDX-License-Identifier: GPL-2.0-or-later
// Shared between org.cpp and org_dml.cpp: the exception that carries a call-level fault.
#pragma once

#include "org.hpp"

namespace pushforce::fakeorg {

class Org::FaultError {
 public:
  explicit FaultError(Fault fault) : fault(std::move(fault)) {}
  Fault fault;
};

inline Fault MakeFault(std::string code, std::string message,
                       std::string type = "UnexpectedErrorFault") {
  Fault f;
  f.code = std::move(code);
  f.message = std::move(message);
  f.detail_type = std::move(type);
  return f;
}

// Every call but login runs in one SQLite transaction and under the org lock; a FaultError
// becomes a fault envelope (with LimitInfoHeader once the session was accepted).
class CallTransaction {
 public:
  explicit CallTransaction(Store& store) : store_(store) { store_.Exec("BEGIN"); }
  ~CallTransaction() {
    try {
      store_.Exec("COMMIT");
    } catch (const StoreError&) {
      // Nothing sensible left to do; the next call starts a fresh transaction.
    }
  }
  CallTransaction(const CallTransaction&) = delete;
  CallTransaction& operator=(const CallTransaction&) = delete;

 private:
  Store& store_;
};

#define PUSHFORCE_CALL(ENTRY, ...)                                                 \
  std::lock_guard lock(mutex_);                                                    \
  CallTransaction transaction(*store_);                                            \
  LogEntry& entry = ENTRY;                                                         \
  try {                                                                            \
    __VA_ARGS__                                                                         \
  } catch (const FaultError& e) {                                                  \
    entry.fault = e.fault.code;                                                    \
    Log(entry);                                                                    \
    return FaultResponse(e.fault, e.fault.code != "INVALID_SESSION_ID" &&          \
                                      e.fault.code != "UNSUPPORTED_API_VERSION");  \
  } catch (const StoreError& e) {                                                  \
    entry.fault = "UNKNOWN_EXCEPTION";                                             \
    Log(entry);                                                                    \
    return FaultResponse(MakeFault("UNKNOWN_EXCEPTION", e.what()), true);          \
  }

}  // namespace pushforce::fakeorg
