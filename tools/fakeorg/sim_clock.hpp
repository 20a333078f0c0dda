// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org's simulated clock (runs --time-scale times faster than wall time) and ISO times.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushforce::fakeorg {

// Milliseconds since the Unix epoch, UTC.
using EpochMs = std::int64_t;

// Simulated time starts at the real time the process started (or a later time restored from a
// --state file) and advances `scale` times faster than the steady clock. Thread-safe (const).
class SimClock {
 public:
  explicit SimClock(double scale, std::optional<EpochMs> not_before = std::nullopt);
  EpochMs Now() const;
  double scale() const { return scale_; }

 private:
  double scale_;
  EpochMs start_;
  std::chrono::steady_clock::time_point steady_start_;
};

EpochMs RealNowMs();

// "2024-05-01T12:00:00.000Z", the form Salesforce returns for dateTime fields.
std::string FormatDateTime(EpochMs ms);
// Accepts YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM|+HHMM) and YYYY-MM-DD (midnight UTC).
std::optional<EpochMs> ParseDateTime(std::string_view text);

}  // namespace pushforce::fakeorg
