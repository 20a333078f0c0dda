// SPDX-License-Identifier: GPL-2.0-or-later
// Push module: monitoring with one aggregate query per poll, results, listings and retry.
#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "push_internal.hpp"
#include "pushforce/soql.hpp"

namespace pushforce {

using namespace push_internal;

namespace {

Result<JobCounts> PollCounts(Session& session, const std::string& request_id) {
  // One call per poll, whatever the number of jobs.
  auto rows = session.QueryAllRows(
      "SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = " +
      soql::Quote(request_id) + " GROUP BY Status");
  if (!rows.ok()) return rows.status();
  return CountsFromAggregate(*rows);
}

}  // namespace

Result<PushSnapshot> PushClient::Snapshot(const std::string& request_id) {
  auto request = ReadRequest(session_, request_id);
  if (!request.ok()) return request.status();
  auto counts = PollCounts(session_, request_id);
  if (!counts.ok()) return counts.status();
  return PushSnapshot{*request, *counts};
}

Result<WatchResult> PushClient::Watch(const std::string& request_id, const WatchOptions& options) {
  using namespace std::chrono;
  auto now = options.clock ? options.clock : [] { return steady_clock::now(); };
  auto sleep = options.sleeper ? options.sleeper
                               : [](milliseconds d) { std::this_thread::sleep_for(d); };
  if (options.initial_interval <= milliseconds(0) || options.max_interval < options.initial_interval) {
    return Status(ErrorCode::kInvalidInput, "watch interval must be positive and at most the maximum");
  }
  const std::int64_t calls_before = session_.call_counts().total;
  const auto started = now();
  WatchResult result;

  auto request = ReadRequest(session_, request_id);
  if (!request.ok()) return request.status();
  result.final.request = *request;
  if (PollActionFor(request->status) == PollAction::kFail) {
    return Status(ErrorCode::kFailedPrecondition,
                  "push request " + request_id + " is " + PushStatusName(request->status) +
                      "; it will not progress until it is set to Pending");
  }

  milliseconds interval = options.initial_interval;
  JobCounts previous;
  auto last_change = started;
  bool stuck_reported = false;
  bool first = true;
  while (true) {
    auto counts = PollCounts(session_, request_id);
    if (!counts.ok()) return counts.status();
    ++result.polls;
    result.final.jobs = *counts;
    const bool changed = first || result.final.jobs.by_status != previous.by_status;
    previous = result.final.jobs;
    if (changed) last_change = now();

    bool finished = IsTerminal(result.final.request.status);
    // The request's own status is read again only once the counts show every job terminal
    // (or, with no jobs at all, from time to time: the request is all there is to watch).
    if (!finished && (result.final.jobs.all_terminal() ||
                      (result.final.jobs.total() == 0 && !first))) {
      auto again = ReadRequest(session_, request_id);
      if (!again.ok()) return again.status();
      result.final.request = *again;
      finished = IsTerminal(again->status);
    }

    WatchProgress progress;
    progress.request_status = result.final.request.status;
    progress.jobs = result.final.jobs;
    progress.polls = result.polls;
    progress.elapsed = duration_cast<milliseconds>(now() - started);
    progress.changed = changed;
    if (!finished && !stuck_reported && now() - last_change >= options.stuck_after &&
        result.final.jobs.Of(PushStatus::kInProgress) > 0) {
      // Counts have not moved for stuck_after: name the jobs still running, once per stall.
      auto rows = session_.QueryAllRows(
          "SELECT Id, SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = " +
          soql::Quote(request_id) + " AND Status IN ('In Progress', 'InProgress')");
      if (!rows.ok()) return rows.status();
      for (const Record& r : *rows) progress.stuck_jobs.push_back(r.GetOr("Id", ""));
      stuck_reported = true;
    }
    if (changed) stuck_reported = false;
    if (options.on_progress) options.on_progress(progress);
    if (finished) break;

    if (options.timeout > seconds(0) && now() - started >= options.timeout) {
      result.timed_out = true;
      break;
    }
    interval = changed ? options.initial_interval
                       : std::min(options.max_interval,
                                  duration_cast<milliseconds>(interval * options.backoff));
    if (options.timeout > seconds(0)) {
      auto left = duration_cast<milliseconds>(options.timeout - (now() - started));
      interval = std::max(milliseconds(1), std::min(interval, left));
    }
    sleep(interval);
    first = false;
  }
  result.calls_spent = session_.call_counts().total - calls_before;
  return result;
}

Result<PushReport> PushClient::Report(const std::string& request_id, const ReportOptions& options) {
  const std::int64_t calls_before = session_.call_counts().total;
  PushReport report;
  if (options.request) {
    report.request = *options.request;
  } else {
    auto request = ReadRequest(session_, request_id);
    if (!request.ok()) return request.status();
    report.request = *request;
  }

  std::unordered_map<std::string, size_t> by_job;
  Status jobs = session_.Query(
      "SELECT Id, SubscriberOrganizationKey, Status, StartTime, EndTime, DurationSeconds FROM "
      "PackagePushJob WHERE PackagePushRequestId = " +
          soql::Quote(request_id),
      [&](const QueryPage& page) {
        for (const Record& r : page.records) {
          OrgResult org;
          org.org_key = OrgKey15(r.GetOr("SubscriberOrganizationKey", ""));
          org.job_id = r.GetOr("Id", "");
          std::string wire = r.GetOr("Status", "");
          org.status = ParsePushStatus(wire).value_or(PushStatus::kCreated);
          org.start_time = r.GetOr("StartTime", "");
          org.end_time = r.GetOr("EndTime", "");
          if (auto d = r.GetInt("DurationSeconds")) org.duration_seconds = *d;
          ++report.jobs.by_status[org.status];
          by_job[org.job_id] = report.orgs.size();
          report.orgs.push_back(std::move(org));
        }
        return true;
      });
  if (!jobs.ok()) return jobs;

  // Every error of the request in paged queries, never one query per job.
  Status errors = session_.Query(
      "SELECT PackagePushJobId, ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage, ErrorDetails "
      "FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = " +
          soql::Quote(request_id),
      [&](const QueryPage& page) {
        for (const Record& r : page.records) {
          ++report.error_rows;
          auto it = by_job.find(r.GetOr("PackagePushJobId", ""));
          if (it == by_job.end()) continue;
          report.orgs[it->second].errors.push_back(
              {r.GetOr("ErrorSeverity", ""), r.GetOr("ErrorType", ""), r.GetOr("ErrorTitle", ""),
               r.GetOr("ErrorMessage", ""), r.GetOr("ErrorDetails", "")});
        }
        return true;
      });
  if (!errors.ok()) return errors;

  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < report.orgs.size(); ++i) by_key[report.orgs[i].org_key] = i;
  auto apply = [&](const Subscriber& s) {
    auto it = by_key.find(OrgKey15(s.org_key));
    if (it == by_key.end()) return;
    OrgResult& org = report.orgs[it->second];
    org.org_name = s.org_name;
    org.org_type = s.org_type;
    org.org_status = s.org_status;
    org.instance = s.instance;
  };
  if (options.subscribers) {
    for (const Subscriber& s : *options.subscribers) apply(s);
  } else if (!report.orgs.empty() && !report.request.package_id.empty()) {
    std::string soql =
        "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName FROM PackageSubscriber WHERE "
        "MetadataPackageId = " +
        soql::Quote(report.request.package_id);
    Status read = session_.Query(soql, [&](const QueryPage& page) {
      for (const Record& r : page.records) apply(SubscriberFromRecord(r));
      return true;
    });
    if (!read.ok()) return read;
  }

  std::sort(report.orgs.begin(), report.orgs.end(),
            [](const OrgResult& a, const OrgResult& b) { return a.org_key < b.org_key; });
  std::map<std::pair<std::string, std::string>, std::int64_t> groups;
  for (const OrgResult& org : report.orgs) {
    std::set<std::pair<std::string, std::string>> seen;
    for (const PushErrorRow& e : org.errors) {
      if (seen.insert({e.type, e.title}).second) ++groups[{e.type, e.title}];
    }
  }
  for (const auto& [key, count] : groups) report.failures.push_back({key.first, key.second, count});
  std::stable_sort(report.failures.begin(), report.failures.end(),
                   [](const FailureGroup& a, const FailureGroup& b) { return a.count > b.count; });
  report.calls_spent = session_.call_counts().total - calls_before;
  return report;
}

Result<std::vector<PushRequestSummary>> PushClient::ListRequests(const PackageInfo& package,
                                                                 std::string_view status,
                                                                 int since_days) {
  std::string soql = std::string("SELECT ") + kRequestFields +
                     " FROM PackagePushRequest WHERE PackageVersion.MetadataPackageId = " +
                     soql::Quote(package.id);
  if (!status.empty()) {
    auto parsed = ParsePushStatus(status);
    if (!parsed) {
      return Status(ErrorCode::kInvalidInput,
                    "--status " + std::string(status) +
                        ": expected Created, Pending, In Progress, Succeeded, Failed or Canceled");
    }
    // Either spelling the org may store.
    std::vector<std::string> spellings = {PushStatusName(*parsed)};
    if (*parsed == PushStatus::kInProgress) spellings.push_back("InProgress");
    if (*parsed == PushStatus::kCanceled) spellings.push_back("Cancelled");
    soql += " AND Status IN " + soql::QuotedList(spellings);
  }
  if (since_days > 0) {
    auto since = std::chrono::system_clock::now() - std::chrono::hours(24 * since_days);
    std::string literal = FormatUtc(since);
    literal = literal.substr(0, 19) + "Z";  // a SOQL dateTime literal, unquoted
    soql += " AND CreatedDate >= " + literal;
  }
  soql += " ORDER BY CreatedDate DESC";
  auto rows = session_.QueryAllRows(soql);
  if (!rows.ok()) return rows.status();
  std::vector<PushRequestSummary> out;
  std::unordered_map<std::string, size_t> index;
  for (const Record& r : *rows) {
    index[r.GetOr("Id", "")] = out.size();
    out.push_back({RequestFromRecord(r), {}});
  }
  // Job counts for up to 200 requests per aggregate query.
  for (size_t i = 0; i < out.size(); i += 200) {
    std::vector<std::string> ids;
    for (size_t j = i; j < std::min(out.size(), i + 200); ++j) ids.push_back(out[j].request.id);
    auto counts = session_.QueryAllRows(
        "SELECT PackagePushRequestId, Status, COUNT(Id) FROM PackagePushJob WHERE "
        "PackagePushRequestId IN " +
        soql::QuotedList(ids) + " GROUP BY PackagePushRequestId, Status");
    if (!counts.ok()) return counts.status();
    for (const Record& r : *counts) {
      auto it = index.find(r.GetOr("PackagePushRequestId", ""));
      auto parsed = ParsePushStatus(r.GetOr("Status", ""));
      auto count = r.GetInt("expr0");
      if (it == index.end() || !parsed || !count) continue;
      out[it->second].jobs.by_status[*parsed] += *count;
    }
  }
  return out;
}

Result<PushPlan> PushClient::PlanRetry(const std::string& request_id) {
  auto report = Report(request_id);
  if (!report.ok()) return report.status();
  PlanRequest request;
  request.package = report->request.package_id;
  request.version = report->request.package_version_id;
  std::vector<OrgIdLine> lines;
  int line = 0;
  for (const std::string& key : TransientFailures(*report)) lines.push_back({key, ++line});
  request.include = ParseOrgIds("transient failures of " + request_id, lines);
  return Plan(request);
}

}  // namespace pushforce
