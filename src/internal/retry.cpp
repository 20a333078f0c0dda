// SPDX-License-Identifier: GPL-2.0-or-later
// Backoff computation for the retry loop.
#include "internal/retry.hpp"

#include <algorithm>
#include <cmath>

namespace pushforce::internal {

std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double unit) {
  double initial = static_cast<double>(std::max<std::int64_t>(0, options.initial_backoff.count()));
  double cap = static_cast<double>(std::max<std::int64_t>(0, options.max_backoff.count()));
  double multiplier = options.multiplier < 1.0 ? 1.0 : options.multiplier;
  double backoff = initial * std::pow(multiplier, std::max(0, retry));
  if (!(backoff <= cap)) backoff = cap;  // also catches inf/nan
  if (options.jitter) {
    unit = std::clamp(unit, 0.0, 1.0);
    backoff = backoff / 2.0 + unit * (backoff / 2.0);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(backoff));
}

}  // namespace pushforce::internal
