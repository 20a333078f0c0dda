// SPDX-License-Identifier: GPL-2.0-or-later
// The one retry loop (STYLE.md §7): bounded exponential backoff with jitter, one re-login.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>

#include "internal/fault_mapping.hpp"
#include "pushforce/options.hpp"
#include "pushforce/status.hpp"

namespace pushforce::internal {

using Sleeper = std::function<void(std::chrono::milliseconds)>;

// Whether a call may be sent again after a failure whose request may have arrived.
enum class Idempotency {
  kIdempotent,     // query, queryMore, retrieve, update (same values again), getUserInfo, ...
  kNonIdempotent,  // create: a re-send makes a second copy of every record
};

// The wait before retry number `retry` (0 = the first retry): initial * multiplier^retry,
// capped at max_backoff; with jitter, uniform in [backoff/2, backoff] using `unit` in [0, 1).
std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double unit);

// Runs `attempt` until it succeeds, fails for good, or max_attempts attempts were made.
// - Transient failures (IsRetryable) wait BackoffDelay and try again.
// - INVALID_SESSION_ID calls `relogin` once, without waiting, and tries again in the same
//   budget. relogin returns an ok Status when a new session is in place, else the Status to
//   fail with (kAuthentication for an attached session that has no password).
// - A non-idempotent call whose request may have arrived is never re-sent: its Status (with
//   request_may_have_arrived) is returned for the caller to reconcile.
// The Status of the last attempt is returned when the budget runs out.
template <typename T>
Result<T> RetryLoop(const RetryOptions& options, Idempotency idempotency, const Sleeper& sleeper,
                    const std::function<Result<T>()>& attempt,
                    const std::function<Status()>& relogin, std::uint32_t jitter_seed) {
  std::minstd_rand random(jitter_seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int max_attempts = options.max_attempts < 1 ? 1 : options.max_attempts;
  bool relogged = false;
  int retries = 0;
  for (int n = 1;; ++n) {
    Result<T> result = attempt();
    if (result.ok()) return result;
    Status status = result.status();
    if (n >= max_attempts) return status;
    if (status.salesforce_code() == "INVALID_SESSION_ID") {
      if (relogged || !relogin) return status;
      relogged = true;
      Status again = relogin();
      if (!again.ok()) return again;
      continue;  // no wait: the new session is ready now
    }
    if (!IsRetryable(status, idempotency == Idempotency::kIdempotent)) return status;
    if (sleeper) sleeper(BackoffDelay(options, retries, options.jitter ? unit(random) : 1.0));
    ++retries;
  }
}

}  // namespace pushforce::internal
