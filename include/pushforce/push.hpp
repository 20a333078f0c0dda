// SPDX-License-Identifier: GPL-2.0-or-later
// Package push upgrades: version lookup, eligibility with a reason for every org, scheduling
// (request + one job per org, 200 per create()), abort, monitoring, results and retry.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/ids.hpp"
#include "pushforce/session.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

// ---------------------------------------------------------------- statuses

// PackagePushRequest / PackagePushJob Status. The wire spells "In Progress" (docs) or
// "InProgress" (what tools observe), and "Canceled" or "Cancelled" (API 41-42 docs);
// both spellings parse to the same value. Writers send "Canceled" and "Pending".
enum class PushStatus { kCreated, kPending, kInProgress, kSucceeded, kFailed, kCanceled };

std::optional<PushStatus> ParsePushStatus(std::string_view wire);
const char* PushStatusName(PushStatus status);  // "Created", "In Progress", "Canceled"…
bool IsTerminal(PushStatus status);              // Succeeded, Failed, Canceled

// ---------------------------------------------------------------- packages and versions

struct PackageInfo {
  std::string id;  // 033…
  std::string name;
  std::string namespace_prefix;  // "" for a package without one
};

// A version number: x.y, x.y.z or x.y.z.b (a 2GP build); patch and build are -1 when absent.
struct VersionNumber {
  int major = 0;
  int minor = 0;
  int patch = -1;
  int build = -1;
  std::optional<int> beta;  // "x.y (Beta n)"
  // "2.4", "2.4.1", "1.3.0.2", "2.4 (Beta 3)"; kInvalidInput names the problem.
  static Result<VersionNumber> Parse(std::string_view text);
  std::string ToString() const;
  // Orders by (major, minor, patch, build), absent parts as 0.
  int Compare(const VersionNumber& other) const;
};

struct PackageVersion {
  std::string id;  // 04t…
  std::string package_id;
  std::string name;
  VersionNumber number;  // patch/build filled from the record (0 when the org says so)
  std::string release_state;  // "Released" or "Beta"
  bool deprecated = false;
  bool released() const { return release_state == "Released"; }
};

// ---------------------------------------------------------------- eligibility

enum class Verdict {
  kEligible,
  kInactive,             // OrgStatus Inactive: "can't receive push upgrades"
  kAlreadyOnTarget,
  kNewerVersion,
  kBetaInstalled,        // a beta cannot be upgraded
  kNotInstalled,         // InstalledStatus is not 'i', or not a subscriber at all
  kBlockedBySubscriber,  // HasRestrictionEnabled / CustomUpgradeType BlockedBySubscriber
  kFilteredOut,          // a subscriber, but not matching the org type/status/instance/version filters
  kNotInIncludeList,
  kExcluded,             // on the exclude list
  kDuplicate,            // a second line for the same org in the include list
  kMalformedId,          // an include-list line that is not a valid org id
};

// Stable snake_case name ("already_on_target"), used in JSON, CSV and the ledger.
const char* VerdictName(Verdict verdict);
std::optional<Verdict> ParseVerdict(std::string_view name);

// What PackageSubscriber says about an org.
struct Subscriber {
  std::string org_key;  // as the org returns it (15 characters in practice)
  std::string org_name;
  std::string org_type;    // Production / Sandbox
  std::string org_status;  // Active / Trial / Demo / Free / Inactive
  std::string instance;
  std::string parent_org;
  std::string installed_status;  // "i"
  std::string installed_version_id;
  std::string installed_version;  // "2.3.1", "" when unknown
  bool blocked = false;
};

struct OrgVerdict {
  std::string org_key;  // 15-character key, or the raw text for a malformed line
  Verdict verdict = Verdict::kEligible;
  std::string reason;  // one human sentence: "on 2.5.0, newer than the target 2.4.0"
  std::optional<Subscriber> subscriber;
  int line = 0;  // include-list line, 0 when the org came from discovery
};

struct PlanFilters {
  std::vector<std::string> org_types;     // e.g. {"Sandbox"}; empty = any
  std::vector<std::string> org_statuses;  // empty = any
  std::vector<std::string> instances;     // empty = any
  std::optional<VersionNumber> min_installed;  // inclusive
  std::optional<VersionNumber> max_installed;  // inclusive
  bool empty() const;
};

struct PlanRequest {
  std::string package;  // 033 id or namespace prefix
  std::string version;  // 04t id or a version number
  PlanFilters filters;
  std::optional<OrgIdList> include;  // only these orgs
  std::optional<OrgIdList> exclude;  // never these orgs
  // Orgs to leave out as already handled (a resumed or later nightly run); reported as kExcluded
  // with this reason.
  std::vector<std::string> skip_keys;
  std::string skip_reason = "already pushed by this run";
};

// The API calls an operation is expected to spend, before it writes anything:
// discovery pages + 1 (request) + ceil(N/200) (jobs) + 1 (Pending) + polls + result pages.
struct CallEstimate {
  std::int64_t lookups = 0;           // package and version queries
  std::int64_t discovery_pages = 0;   // PackageSubscriber pages
  std::int64_t request_create = 1;
  std::int64_t job_creates = 0;
  std::int64_t status_updates = 1;
  std::int64_t polls = 0;
  std::int64_t result_pages = 0;      // job and error pages
  std::int64_t total() const;
};

struct PushPlan {
  PackageInfo package;
  PackageVersion target;
  PlanFilters filters;
  std::vector<OrgVerdict> orgs;  // every org considered, exactly once, in a stable order
  std::int64_t subscriber_rows = 0;  // PackageSubscriber rows read
  CallEstimate estimate;             // for scheduling this plan
  std::int64_t calls_spent = 0;      // calls the planning itself made

  std::vector<std::string> EligibleKeys() const;
  std::map<Verdict, std::int64_t> CountByVerdict() const;
};

// ---------------------------------------------------------------- scheduling

struct JobOutcome {
  std::string org_key;
  std::string job_id;  // "" when no job exists for the org
  bool ok() const { return !job_id.empty(); }
  bool reconciled = false;  // found by querying after an ambiguous failure, not from a SaveResult
  int attempts = 0;
  std::vector<RecordError> errors;  // the last attempt's errors when !ok()
};

// Callbacks around every remote write, so a ledger can record it before it is sent and
// confirm it after it returns. A Will* hook that fails stops the write: nothing is sent
// unrecorded, and Schedule returns that Status (work already confirmed stays confirmed).
// Calls are serialized (never two at once) even when jobs go out over several connections.
class PushJournal {
 public:
  virtual ~PushJournal() = default;
  virtual Status WillCreateRequest(const PackageVersion& /*target*/) { return Status(); }
  virtual void RequestCreated(const std::string& /*request_id*/) {}
  // One create() chunk of at most 200 orgs is about to be sent.
  virtual Status WillCreateJobs(const std::string& /*request_id*/,
                                std::span<const std::string> /*org_keys*/) {
    return Status();
  }
  // Outcomes now known for good. `chunk` holds the org keys of the WillCreateJobs call these
  // answer, or is empty when they come from reconciling by query or from the final give-up.
  virtual void JobsCreated(const std::string& /*request_id*/,
                           std::span<const std::string> /*chunk*/,
                           std::span<const JobOutcome> /*outcomes*/) {}
  virtual Status WillSetStatus(const std::string& /*request_id*/, PushStatus /*status*/) {
    return Status();
  }
  virtual void StatusSet(const std::string& /*request_id*/, PushStatus /*status*/) {}
};

struct ScheduleOptions {
  // nullopt = now: ScheduledStartTime is left empty and the push starts once Pending.
  std::optional<std::chrono::system_clock::time_point> start;
  int connections = 4;          // parallel create() chunks, 1..10
  bool hold = false;            // leave the request in Created for review
  int max_record_attempts = 3;  // per org, for transient per-record errors (UNABLE_TO_LOCK_ROW…)
  // Refuse when the estimate exceeds this share of the remaining daily API requests
  // (LimitInfoHeader); 0 = no budget check.
  double api_budget_share = 0;
  std::int64_t expected_polls = 60;  // for the estimate
  // Resume: an existing request (from a ledger); jobs that already exist are kept, only
  // missing ones are created. Empty = create a new request.
  std::string resume_request_id;
  PushJournal* journal = nullptr;  // not owned; may be null
  std::function<void(std::int64_t done, std::int64_t total)> on_progress;
};

struct ScheduleResult {
  std::string request_id;
  PushStatus request_status = PushStatus::kCreated;
  std::vector<JobOutcome> jobs;  // one per eligible org of the plan, in plan order
  std::int64_t jobs_created() const;
  std::int64_t jobs_failed() const;
  bool canceled_empty = false;  // no eligible org: the request was canceled, not left Created
  std::int64_t calls_spent = 0;
};

// ---------------------------------------------------------------- monitoring

struct JobCounts {
  std::map<PushStatus, std::int64_t> by_status;
  std::int64_t total() const;
  std::int64_t terminal() const;
  std::int64_t Of(PushStatus status) const;
  bool all_terminal() const { return total() > 0 && terminal() == total(); }
};

struct PushRequestInfo {
  std::string id;
  std::string package_id;  // PackageVersion.MetadataPackageId
  PushStatus status = PushStatus::kCreated;
  std::string status_wire;  // as the org spelled it
  std::string package_version_id;
  std::string scheduled_start_time;  // ISO-8601 UTC, "" when none
  std::string start_time;
  std::string end_time;
  std::optional<std::int64_t> duration_seconds;
  std::string created_date;
};

struct PushSnapshot {
  PushRequestInfo request;
  JobCounts jobs;
};

// Polling as data: how each observed request status is treated.
enum class PollAction { kContinue, kSucceed, kFail };
PollAction PollActionFor(PushStatus request_status);

struct WatchProgress {
  PushStatus request_status = PushStatus::kCreated;
  JobCounts jobs;
  std::int64_t polls = 0;
  std::chrono::milliseconds elapsed{0};
  bool changed = false;                 // counts differ from the previous poll
  std::vector<std::string> stuck_jobs;  // job ids with no progress for stuck_after (once)
};

struct WatchOptions {
  std::chrono::milliseconds initial_interval{10000};  // the WSC sample's 10 s
  std::chrono::milliseconds max_interval{60000};      // reached while nothing changes
  double backoff = 1.5;                       // interval growth per unchanged poll
  std::chrono::seconds timeout{0};            // 0 = no deadline
  std::chrono::milliseconds stuck_after{3600000};  // no change this long: name the stuck jobs
  std::function<void(const WatchProgress&)> on_progress;
  // Injectable for tests and simulated time: wait and now.
  std::function<void(std::chrono::milliseconds)> sleeper;
  std::function<std::chrono::steady_clock::time_point()> clock;
};

struct WatchResult {
  PushSnapshot final;
  std::int64_t polls = 0;        // aggregate job queries
  std::int64_t calls_spent = 0;  // every call Watch made
  bool timed_out = false;
};

// ---------------------------------------------------------------- results

struct PushErrorRow {
  std::string severity;  // Error / Warning
  std::string type;      // ErrorType: DeployError, LockingFailure…
  std::string title;
  std::string message;
  std::string details;
};

struct OrgResult {
  std::string org_key;
  std::string org_name;
  std::string org_type;
  std::string org_status;
  std::string instance;
  std::string job_id;
  PushStatus status = PushStatus::kCreated;
  std::string start_time;
  std::string end_time;
  std::optional<std::int64_t> duration_seconds;
  std::vector<PushErrorRow> errors;
};

struct FailureGroup {
  std::string type;
  std::string title;
  std::int64_t count = 0;  // jobs with at least one error of this (type, title)
};

struct PushReport {
  PushRequestInfo request;
  std::vector<OrgResult> orgs;  // one per job, ordered by org key
  std::vector<FailureGroup> failures;  // most frequent first
  JobCounts jobs;
  std::int64_t error_rows = 0;
  std::int64_t calls_spent = 0;
};

struct ReportOptions {
  // Subscriber details (org name, type…) already read, e.g. by Plan; else one paged query.
  const std::vector<Subscriber>* subscribers = nullptr;
  // The request as Watch last saw it; else one query.
  const PushRequestInfo* request = nullptr;
};

// ErrorTypes worth a new push: LockingFailure, UnclassifiedError, LimitExceeded.
bool IsTransientErrorType(std::string_view error_type);
// Org keys of failed jobs whose every error is transient (IneligibleUpgrade, ApexTestFailure,
// DeployError… are left alone).
std::vector<std::string> TransientFailures(const PushReport& report);

// ---------------------------------------------------------------- the client

struct PushRequestSummary {
  PushRequestInfo request;
  JobCounts jobs;
};

struct PushClientOptions {
  // The API version the session speaks; PackageSubscriber's HasRestrictionEnabled and
  // CustomUpgradeType (push blocked by the subscriber) are read from 60.0 on.
  std::string api_version = "64.0";
};

// The push module over a Session. Not thread-safe; Schedule clones the session for its
// parallel connections.
class PushClient {
 public:
  explicit PushClient(Session& session, PushClientOptions options = {});

  Result<PackageInfo> FindPackage(std::string_view id_or_namespace);
  // Every version of the package, newest first.
  Result<std::vector<PackageVersion>> ListVersions(const PackageInfo& package);
  // A version by 04t id or number. The push target must be Released and not deprecated:
  // otherwise kInvalidInput naming what was found.
  Result<PackageVersion> FindTargetVersion(const PackageInfo& package, std::string_view spec);
  // Subscribers of the package (always restricted by MetadataPackageId), paged in constant
  // memory; on_subscriber returns false to stop.
  Status ForEachSubscriber(const PackageInfo& package, const PlanFilters& filters,
                           const std::function<bool(const Subscriber&)>& on_subscriber);

  // A dry run: every org considered gets a verdict and a reason. Writes nothing remotely.
  Result<PushPlan> Plan(const PlanRequest& request, const ScheduleOptions& for_estimate = {});

  // Creates the request and one job per eligible org, then sets Pending (unless hold).
  // Zero eligible orgs: the request is canceled. kBudgetExceeded before anything is written
  // when the estimate exceeds the budget; kInvalidInput for a start time in the past.
  Result<ScheduleResult> Schedule(const PushPlan& plan, const ScheduleOptions& options);

  // Sets a held request to Pending.
  Status Start(const std::string& request_id);
  // Cancels a request; only from Created or Pending, otherwise kFailedPrecondition naming
  // the current status.
  Result<PushStatus> Abort(const std::string& request_id);

  // One look: the request and its job counts (two calls).
  Result<PushSnapshot> Snapshot(const std::string& request_id);
  // Waits for the request to finish: one aggregate query per poll.
  Result<WatchResult> Watch(const std::string& request_id, const WatchOptions& options);

  // The result of every org, with every error (paged queries for the whole request, never
  // one per job).
  Result<PushReport> Report(const std::string& request_id, const ReportOptions& options = {});

  // A plan for a new push of the orgs whose jobs failed with transient errors only.
  Result<PushPlan> PlanRetry(const std::string& request_id);

  // Push requests of a package (newest first) with their job counts.
  Result<std::vector<PushRequestSummary>> ListRequests(const PackageInfo& package,
                                                       std::string_view status = {},
                                                       int since_days = 0);

  Session& session() { return session_; }

 private:
  Session& session_;
  PushClientOptions options_;
};

// Parses a start time: "now" (nullopt), ISO-8601 with an offset ("2026-12-04T01:00:00+01:00",
// "…Z"), with an IANA zone ("2026-12-04T01:00:00 Europe/Paris" or "…[Europe/Paris]"), or
// naive (UTC). kInvalidInput when malformed or in the past relative to `now`.
Result<std::optional<std::chrono::system_clock::time_point>> ParseStartTime(
    std::string_view text, std::chrono::system_clock::time_point now);
// "2026-12-04T00:00:00.000Z"
std::string FormatUtc(std::chrono::system_clock::time_point time);

}  // namespace pushforce
