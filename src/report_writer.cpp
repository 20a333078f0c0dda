// SPDX-License-Identifier: GPL-2.0-or-later
// CSV (Excel-safe quoting), Data Loader success/error files and JSON for push results.
#include "pushforce/report.hpp"

#include <nlohmann/json.hpp>

namespace pushforce {
namespace {

using Json = nlohmann::ordered_json;

CsvCell Text(std::string text) { return {std::move(text), false}; }
CsvCell Number(std::optional<std::int64_t> value) {
  return {value ? std::to_string(*value) : std::string(), true};
}

const PushErrorRow* FirstError(const OrgResult& org) {
  return org.errors.empty() ? nullptr : &org.errors.front();
}

std::vector<CsvCell> InputColumns(const OrgResult& org) {
  return {Text(org.org_key), Text(org.org_name), Text(org.org_type), Text(org.org_status),
          Text(org.instance)};
}

// Invalid UTF-8 would make nlohmann throw; replace it instead.
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json OptionalNumber(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json SubscriberObject(const Subscriber& s) {
  return Json{{"orgKey", s.org_key},
              {"orgName", s.org_name},
              {"orgType", s.org_type},
              {"orgStatus", s.org_status},
              {"instance", s.instance},
              {"parentOrg", s.parent_org},
              {"installedStatus", s.installed_status},
              {"installedVersionId", s.installed_version_id},
              {"installedVersion", s.installed_version},
              {"blocked", s.blocked}};
}

Json CountsObject(const JobCounts& counts) {
  Json by_status = Json::object();
  for (const auto& [status, n] : counts.by_status) by_status[PushStatusName(status)] = n;
  return Json{{"total", counts.total()}, {"terminal", counts.terminal()}, {"byStatus", by_status}};
}

Json RequestObject(const PushRequestInfo& r) {
  return Json{{"id", r.id},
              {"status", PushStatusName(r.status)},
              {"statusWire", r.status_wire},
              {"packageVersionId", r.package_version_id},
              {"scheduledStartTime", r.scheduled_start_time},
              {"startTime", r.start_time},
              {"endTime", r.end_time},
              {"durationSeconds", OptionalNumber(r.duration_seconds)},
              {"createdDate", r.created_date}};
}

Json VersionObject(const PackageVersion& v) {
  return Json{{"id", v.id},
              {"packageId", v.package_id},
              {"name", v.name},
              {"version", v.number.ToString()},
              {"releaseState", v.release_state},
              {"deprecated", v.deprecated}};
}

}  // namespace

void WriteReportCsv(std::ostream& out, const PushReport& report) {
  out << CsvLine({Text("OrganizationId"), Text("OrgName"), Text("OrgType"), Text("OrgStatus"),
                  Text("InstanceName"), Text("JobId"), Text("JobStatus"), Text("StartTime"),
                  Text("EndTime"), Text("DurationSeconds"), Text("ErrorCount"),
                  Text("ErrorType"), Text("ErrorTitle"), Text("ErrorMessage")});
  for (const OrgResult& org : report.orgs) {
    std::vector<CsvCell> row = InputColumns(org);
    const PushErrorRow* error = FirstError(org);
    row.push_back(Text(org.job_id));
    row.push_back(Text(PushStatusName(org.status)));
    row.push_back(Text(org.start_time));
    row.push_back(Text(org.end_time));
    row.push_back(Number(org.duration_seconds));
    row.push_back(Number(static_cast<std::int64_t>(org.errors.size())));
    row.push_back(Text(error ? error->type : ""));
    row.push_back(Text(error ? error->title : ""));
    row.push_back(Text(error ? error->message : ""));
    out << CsvLine(row);
  }
}

void WriteSuccessCsv(std::ostream& out, const PushReport& report) {
  out << CsvLine({Text("ID"), Text("OrganizationId"), Text("OrgName"), Text("OrgType"),
                  Text("OrgStatus"), Text("InstanceName"), Text("STATUS")});
  for (const OrgResult& org : report.orgs) {
    if (org.status != PushStatus::kSucceeded) continue;
    std::vector<CsvCell> row{Text(org.job_id)};
    for (CsvCell& cell : InputColumns(org)) row.push_back(std::move(cell));
    row.push_back(Text("Item Upgraded"));
    out << CsvLine(row);
  }
}

void WriteErrorCsv(std::ostream& out, const PushReport& report) {
  out << CsvLine({Text("OrganizationId"), Text("OrgName"), Text("OrgType"), Text("OrgStatus"),
                  Text("InstanceName"), Text("ERROR")});
  for (const OrgResult& org : report.orgs) {
    if (org.status == PushStatus::kSucceeded) continue;
    std::vector<CsvCell> row = InputColumns(org);
    const PushErrorRow* error = FirstError(org);
    row.push_back(Text(error ? error->message
                             : std::string("job ") + PushStatusName(org.status)));
    out << CsvLine(row);
  }
}

void WritePlanCsv(std::ostream& out, const PushPlan& plan) {
  out << CsvLine({Text("OrganizationId"), Text("Verdict"), Text("Reason"), Text("OrgName"),
                  Text("OrgType"), Text("OrgStatus"), Text("InstanceName"),
                  Text("InstalledVersion"), Text("Line")});
  for (const OrgVerdict& org : plan.orgs) {
    Subscriber s = org.subscriber.value_or(Subscriber{});
    out << CsvLine({Text(org.org_key), Text(VerdictName(org.verdict)), Text(org.reason),
                    Text(s.org_name), Text(s.org_type), Text(s.org_status), Text(s.instance),
                    Text(s.installed_version),
                    Number(org.line > 0 ? std::optional<std::int64_t>(org.line) : std::nullopt)});
  }
}

std::string PlanJson(const PushPlan& plan) {
  Json orgs = Json::array();
  for (const OrgVerdict& org : plan.orgs) {
    Json item{{"orgKey", org.org_key}, {"verdict", VerdictName(org.verdict)},
              {"reason", org.reason}};
    if (org.line > 0) item["line"] = org.line;
    if (org.subscriber) item["subscriber"] = SubscriberObject(*org.subscriber);
    orgs.push_back(std::move(item));
  }
  Json counts = Json::object();
  for (const auto& [verdict, n] : plan.CountByVerdict()) counts[VerdictName(verdict)] = n;
  const CallEstimate& e = plan.estimate;
  Json json{{"package", Json{{"id", plan.package.id},
                             {"name", plan.package.name},
                             {"namespacePrefix", plan.package.namespace_prefix}}},
            {"target", VersionObject(plan.target)},
            {"eligible", plan.EligibleKeys().size()},
            {"counts", counts},
            {"subscriberRows", plan.subscriber_rows},
            {"estimate", Json{{"lookups", e.lookups},
                              {"discoveryPages", e.discovery_pages},
                              {"requestCreate", e.request_create},
                              {"jobCreates", e.job_creates},
                              {"statusUpdates", e.status_updates},
                              {"polls", e.polls},
                              {"resultPages", e.result_pages},
                              {"total", e.total()}}},
            {"callsSpent", plan.calls_spent},
            {"orgs", orgs}};
  return Dump(json);
}

std::string ReportJson(const PushReport& report) {
  Json orgs = Json::array();
  for (const OrgResult& org : report.orgs) {
    Json errors = Json::array();
    for (const PushErrorRow& e : org.errors) {
      errors.push_back(Json{{"severity", e.severity},
                            {"type", e.type},
                            {"title", e.title},
                            {"message", e.message},
                            {"details", e.details}});
    }
    orgs.push_back(Json{{"orgKey", org.org_key},
                        {"orgName", org.org_name},
                        {"orgType", org.org_type},
                        {"orgStatus", org.org_status},
                        {"instance", org.instance},
                        {"jobId", org.job_id},
                        {"status", PushStatusName(org.status)},
                        {"startTime", org.start_time},
                        {"endTime", org.end_time},
                        {"durationSeconds", OptionalNumber(org.duration_seconds)},
                        {"errors", errors}});
  }
  Json failures = Json::array();
  for (const FailureGroup& f : report.failures) {
    failures.push_back(Json{{"type", f.type}, {"title", f.title}, {"count", f.count}});
  }
  Json json{{"request", RequestObject(report.request)},
            {"jobs", CountsObject(report.jobs)},
            {"errorRows", report.error_rows},
            {"failures", failures},
            {"transientFailures", TransientFailures(report)},
            {"callsSpent", report.calls_spent},
            {"orgs", orgs}};
  return Dump(json);
}

std::string RequestInfoJson(const PushRequestInfo& request) { return Dump(RequestObject(request)); }
std::string JobCountsJson(const JobCounts& counts) { return Dump(CountsObject(counts)); }
std::string SubscriberJson(const Subscriber& subscriber) {
  return Dump(SubscriberObject(subscriber));
}
std::string VersionJson(const PackageVersion& version) { return Dump(VersionObject(version)); }

std::string ScheduleResultJson(const ScheduleResult& result) {
  Json jobs = Json::array();
  for (const JobOutcome& job : result.jobs) {
    Json errors = Json::array();
    for (const RecordError& e : job.errors) {
      errors.push_back(Json{{"statusCode", e.status_code}, {"message", e.message}});
    }
    jobs.push_back(Json{{"orgKey", job.org_key},
                        {"jobId", job.job_id},
                        {"reconciled", job.reconciled},
                        {"attempts", job.attempts},
                        {"errors", errors}});
  }
  Json json{{"requestId", result.request_id},
            {"status", PushStatusName(result.request_status)},
            {"jobsCreated", result.jobs_created()},
            {"jobsFailed", result.jobs_failed()},
            {"canceledEmpty", result.canceled_empty},
            {"callsSpent", result.calls_spent},
            {"jobs", jobs}};
  return Dump(json);
}

}  // namespace pushforce
