// SPDX-License-Identifier: GPL-2.0-or-later
// Value types of the push module: statuses, version numbers, verdicts, counts, start times.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <unistd.h>

#include "pushforce/push.hpp"

namespace pushforce {

// ---------------------------------------------------------------- statuses

std::optional<PushStatus> ParsePushStatus(std::string_view wire) {
  if (wire == "Created") return PushStatus::kCreated;
  if (wire == "Pending") return PushStatus::kPending;
  if (wire == "In Progress" || wire == "InProgress") return PushStatus::kInProgress;
  if (wire == "Succeeded") return PushStatus::kSucceeded;
  if (wire == "Failed") return PushStatus::kFailed;
  if (wire == "Canceled" || wire == "Cancelled") return PushStatus::kCanceled;
  return std::nullopt;
}

const char* PushStatusName(PushStatus status) {
  switch (status) {
    case PushStatus::kCreated: return "Created";
    case PushStatus::kPending: return "Pending";
    case PushStatus::kInProgress: return "In Progress";
    case PushStatus::kSucceeded: return "Succeeded";
    case PushStatus::kFailed: return "Failed";
    case PushStatus::kCanceled: return "Canceled";
  }
  return "Unknown";
}

bool IsTerminal(PushStatus status) {
  return status == PushStatus::kSucceeded || status == PushStatus::kFailed ||
         status == PushStatus::kCanceled;
}

PollAction PollActionFor(PushStatus request_status) {
  // A request left in Created was never started (held for review, or by another tool):
  // waiting on it would never end, so watching fails rather than hangs.
  static constexpr struct {
    PushStatus status;
    PollAction action;
  } kTable[] = {
      {PushStatus::kCreated, PollAction::kFail},
      {PushStatus::kPending, PollAction::kContinue},
      {PushStatus::kInProgress, PollAction::kContinue},
      {PushStatus::kSucceeded, PollAction::kSucceed},
      {PushStatus::kFailed, PollAction::kSucceed},  // finished; per-org failures are results
      {PushStatus::kCanceled, PollAction::kSucceed},
  };
  for (const auto& row : kTable) {
    if (row.status == request_status) return row.action;
  }
  return PollAction::kFail;
}

// ---------------------------------------------------------------- versions

namespace {

bool ParseInt(std::string_view text, int& out) {
  if (text.empty() || text.size() > 9) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<VersionNumber> VersionNumber::Parse(std::string_view text) {
  std::string_view body = Trim(text);
  VersionNumber number;
  auto fail = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidInput,
                  "version '" + std::string(text) + "': " + why +
                      " (expected x.y, x.y.z, x.y.z.b or x.y (Beta n))");
  };
  size_t paren = body.find('(');
  if (paren != std::string_view::npos) {
    std::string_view beta = Trim(body.substr(paren));
    body = Trim(body.substr(0, paren));
    if (beta.size() < 8 || beta.substr(0, 6) != "(Beta " || beta.back() != ')') {
      return fail("malformed beta suffix");
    }
    int n = 0;
    if (!ParseInt(Trim(beta.substr(6, beta.size() - 7)), n)) return fail("malformed beta number");
    number.beta = n;
  }
  int parts[4] = {0, 0, -1, -1};
  int count = 0;
  while (true) {
    size_t dot = body.find('.');
    std::string_view part = body.substr(0, dot);
    if (count == 4) return fail("too many parts");
    if (!ParseInt(part, parts[count])) return fail("'" + std::string(part) + "' is not a number");
    ++count;
    if (dot == std::string_view::npos) break;
    body.remove_prefix(dot + 1);
  }
  if (count < 2) return fail("at least major.minor");
  number.major = parts[0];
  number.minor = parts[1];
  number.patch = parts[2];
  number.build = parts[3];
  return number;
}

std::string VersionNumber::ToString() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor);
  if (patch >= 0) out += "." + std::to_string(patch);
  // A beta's build number is its beta number: "2.6.0 (Beta 1)", not "2.6.0.1 (Beta 1)".
  if (build >= 0 && !(beta && *beta == build)) out += "." + std::to_string(build);
  if (beta) out += " (Beta " + std::to_string(*beta) + ")";
  return out;
}

int VersionNumber::Compare(const VersionNumber& other) const {
  const int a[] = {major, minor, std::max(patch, 0), std::max(build, 0)};
  const int b[] = {other.major, other.minor, std::max(other.patch, 0), std::max(other.build, 0)};
  for (int i = 0; i < 4; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------- verdicts

namespace {
constexpr struct {
  Verdict verdict;
  const char* name;
} kVerdictNames[] = {
    {Verdict::kEligible, "eligible"},
    {Verdict::kInactive, "inactive"},
    {Verdict::kAlreadyOnTarget, "already_on_target"},
    {Verdict::kNewerVersion, "newer_version"},
    {Verdict::kBetaInstalled, "beta_installed"},
    {Verdict::kNotInstalled, "not_installed"},
    {Verdict::kBlockedBySubscriber, "blocked_by_subscriber"},
    {Verdict::kFilteredOut, "filtered_out"},
    {Verdict::kNotInIncludeList, "not_in_include_list"},
    {Verdict::kExcluded, "excluded"},
    {Verdict::kDuplicate, "duplicate"},
    {Verdict::kMalformedId, "malformed_id"},
};
}  // namespace

const char* VerdictName(Verdict verdict) {
  for (const auto& row : kVerdictNames) {
    if (row.verdict == verdict) return row.name;
  }
  return "unknown";
}

std::optional<Verdict> ParseVerdict(std::string_view name) {
  for (const auto& row : kVerdictNames) {
    if (name == row.name) return row.verdict;
  }
  return std::nullopt;
}

bool PlanFilters::empty() const {
  return org_types.empty() && org_statuses.empty() && instances.empty() && !min_installed &&
         !max_installed;
}

std::int64_t CallEstimate::total() const {
  return lookups + discovery_pages + request_create + job_creates + status_updates + polls +
         result_pages;
}

std::vector<std::string> PushPlan::EligibleKeys() const {
  std::vector<std::string> keys;
  for (const OrgVerdict& org : orgs) {
    if (org.verdict == Verdict::kEligible) keys.push_back(org.org_key);
  }
  return keys;
}

std::map<Verdict, std::int64_t> PushPlan::CountByVerdict() const {
  std::map<Verdict, std::int64_t> counts;
  for (const OrgVerdict& org : orgs) ++counts[org.verdict];
  return counts;
}

std::int64_t ScheduleResult::jobs_created() const {
  return std::count_if(jobs.begin(), jobs.end(), [](const JobOutcome& j) { return j.ok(); });
}

std::int64_t ScheduleResult::jobs_failed() const {
  return static_cast<std::int64_t>(jobs.size()) - jobs_created();
}

std::int64_t JobCounts::total() const {
  std::int64_t sum = 0;
  for (const auto& [status, count] : by_status) sum += count;
  return sum;
}

std::int64_t JobCounts::terminal() const {
  std::int64_t sum = 0;
  for (const auto& [status, count] : by_status) {
    if (IsTerminal(status)) sum += count;
  }
  return sum;
}

std::int64_t JobCounts::Of(PushStatus status) const {
  auto it = by_status.find(status);
  return it == by_status.end() ? 0 : it->second;
}

bool IsTransientErrorType(std::string_view error_type) {
  return error_type == "LockingFailure" || error_type == "UnclassifiedError" ||
         error_type == "LimitExceeded";
}

std::vector<std::string> TransientFailures(const PushReport& report) {
  std::vector<std::string> keys;
  for (const OrgResult& org : report.orgs) {
    if (org.status != PushStatus::kFailed || org.errors.empty()) continue;
    bool all_transient = std::all_of(org.errors.begin(), org.errors.end(), [](const auto& e) {
      return IsTransientErrorType(e.type);
    });
    if (all_transient) keys.push_back(org.org_key);
  }
  return keys;
}

// ---------------------------------------------------------------- times

namespace {

using Clock = std::chrono::system_clock;

// Days since 1970-01-01 of a civil date (proleptic Gregorian), Howard Hinnant's algorithm.
long long DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<long long>(era) * 146097 + static_cast<long long>(doe) - 719468;
}

// Seconds east of UTC that the IANA zone has at the given local wall time.
std::optional<long> ZoneOffset(const std::string& zone, const std::tm& local) {
  static std::mutex mutex;  // TZ is process-global
  std::lock_guard<std::mutex> lock(mutex);
  // mktime() silently treats an unknown zone as UTC, so check that the zone file exists.
  std::string path = "/usr/share/zoneinfo/" + zone;
  if (zone.empty() || zone.find("..") != std::string::npos || ::access(path.c_str(), R_OK) != 0) {
    return std::nullopt;
  }
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", zone.c_str(), 1);
  tzset();
  std::tm copy = local;
  copy.tm_isdst = -1;
  std::time_t t = std::mktime(&copy);
  long offset = copy.tm_gmtoff;
  if (old) setenv("TZ", saved.c_str(), 1); else unsetenv("TZ");
  tzset();
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return offset;
}

}  // namespace

Result<std::optional<Clock::time_point>> ParseStartTime(std::string_view text,
                                                        Clock::time_point now) {
  std::string_view s = Trim(text);
  if (s.empty() || s == "now") return std::optional<Clock::time_point>();
  auto fail = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidInput,
                  "start time '" + std::string(text) + "': " + why +
                      " (expected now, 2026-12-04T01:00:00Z, …+01:00, or …T01:00:00 Europe/Paris)");
  };
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !ParseInt(s.substr(0, 4), year) ||
      !ParseInt(s.substr(5, 2), month) || !ParseInt(s.substr(8, 2), day)) {
    return fail("malformed date");
  }
  size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ') && pos + 6 <= s.size() &&
      s[pos + 3] == ':') {
    if (!ParseInt(s.substr(pos + 1, 2), hour) || !ParseInt(s.substr(pos + 4, 2), minute)) {
      return fail("malformed time");
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (pos + 3 > s.size() || !ParseInt(s.substr(pos + 1, 2), second)) {
        return fail("malformed seconds");
      }
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {  // fractional seconds are ignored
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return fail("out of range");
  }
  std::string_view rest = Trim(s.substr(pos));
  long offset = 0;
  if (rest.empty() || rest == "Z" || rest == "z") {
    offset = 0;  // a naive time is UTC
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() >= 3) {
    int oh = 0, om = 0;
    std::string_view digits = rest.substr(1);
    bool ok = ParseInt(digits.substr(0, 2), oh);
    if (digits.size() == 5 && digits[2] == ':') ok = ok && ParseInt(digits.substr(3, 2), om);
    else if (digits.size() == 4) ok = ok && ParseInt(digits.substr(2, 2), om);
    else if (digits.size() != 2) ok = false;
    if (!ok || oh > 18 || om > 59) return fail("malformed UTC offset");
    offset = (rest[0] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else {
    std::string zone(rest);
    if (zone.front() == '[' && zone.back() == ']') zone = zone.substr(1, zone.size() - 2);
    std::tm local{};
    local.tm_year = year - 1900;
    local.tm_mon = month - 1;
    local.tm_mday = day;
    local.tm_hour = hour;
    local.tm_min = minute;
    local.tm_sec = second;
    auto zone_offset = ZoneOffset(zone, local);
    if (!zone_offset) return fail("unknown time zone '" + zone + "'");
    offset = *zone_offset;
  }
  long long days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  long long utc_seconds = days * 86400 + hour * 3600LL + minute * 60LL + second - offset;
  Clock::time_point when{std::chrono::seconds(utc_seconds)};
  if (when < now) {
    return Status(ErrorCode::kInvalidInput, "start time '" + std::string(text) + "' (" +
                                                FormatUtc(when) + ") is in the past; now is " +
                                                FormatUtc(now));
  }
  return std::optional<Clock::time_point>(when);
}

std::string FormatUtc(Clock::time_point time) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  if (ms % 1000 < 0) --seconds;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buffer;
}

}  // namespace pushforce
