// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org's simulated clock and ISO 8601 formatting.
#include "sim_clock.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace pushforce::fakeorg {

EpochMs RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SimClock::SimClock(double scale, std::optional<EpochMs> not_before)
    : scale_(scale), start_(RealNowMs()), steady_start_(std::chrono::steady_clock::now()) {
  // Restored state may already be "in the future" after a fast run; time never goes back.
  if (not_before && *not_before > start_) start_ = *not_before;
}

EpochMs SimClock::Now() const {
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - steady_start_)
                     .count();
  return start_ + static_cast<EpochMs>(static_cast<double>(elapsed) * scale_ / 1000.0);
}

std::string FormatDateTime(EpochMs ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::optional<EpochMs> ParseDateTime(std::string_view text) {
  auto digits = [&](std::size_t pos, std::size_t count) -> std::optional<int> {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0;
  long offset_minutes = 0;
  std::size_t pos = 10;
  if (text.size() > 10) {
    if (text[10] != 'T') return std::nullopt;
    auto h = digits(11, 2), m = digits(14, 2), s = digits(17, 2);
    if (!h || !m || !s || text.size() < 19 || text[13] != ':' || text[16] != ':') {
      return std::nullopt;
    }
    hour = *h, minute = *m, second = *s;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      std::size_t start = ++pos;
      int scale = 100;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        millis += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos < text.size()) {
      if (text[pos] == 'Z' && pos + 1 == text.size()) {
        pos = text.size();
      } else if (text[pos] == '+' || text[pos] == '-') {
        int sign = text[pos] == '-' ? -1 : 1;
        auto oh = digits(pos + 1, 2);
        std::size_t mpos = pos + 3;
        if (mpos < text.size() && text[mpos] == ':') ++mpos;
        auto om = digits(mpos, 2);
        if (!oh || !om || mpos + 2 != text.size()) return std::nullopt;
        offset_minutes = sign * (*oh * 60 + *om);
      } else {
        return std::nullopt;
      }
    }
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm);
  return (static_cast<EpochMs>(seconds) - offset_minutes * 60) * 1000 + millis;
}

}  // namespace pushforce::fakeorg
