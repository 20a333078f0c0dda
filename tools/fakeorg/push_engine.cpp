// SPDX-License-Identifier: GPL-2.0-or-later
// The push upgrade simulation on simulated time.
#include "push_engine.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <tuple>

#include "seeded.hpp"

namespace pushforce::fakeorg {

std::string VersionInfo::Number() const {
  std::string out = std::to_string(major) + "." + std::to_string(minor) + "." +
                    std::to_string(patch);
  // Second-generation (Package2) versions are four-part: major.minor.patch.build.
  if (category == "Package2") out += "." + std::to_string(build);
  return out;
}

std::vector<std::string> JobPlan::ErrorTypes() const {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    if (std::find(out.begin(), out.end(), e.type) == out.end()) out.push_back(e.type);
  }
  return out;
}

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;

// Realistic push error rows per ErrorType (wording modelled on errors seen in the field).
PushErrorRow ErrorRowFor(const std::string& type, SeededStream& r) {
  PushErrorRow row;
  row.severity = "Error";
  row.type = type;
  if (type == "ApexTestFailure") {
    static const char* kTests[] = {"InvoiceServiceTest.testPostInvoice",
                                   "BillingBatchTest.testNightlyRun",
                                   "TaxCalculatorTest.testRounding"};
    row.title = "Apex Test Failure";
    std::string test = kTests[r.Below(3)];
    row.message = test + ": System.AssertException: Assertion Failed: Expected: 2, Actual: 1";
    row.details = "Class." + test.substr(0, test.find('.')) + ": line " +
                  std::to_string(20 + r.Below(200)) + ", column 1";
  } else if (type == "DeployError") {
    row.title = "Deployment Failure";
    row.message = "Definition for js://acmebill.InvoiceHeader not found";
    row.details = "0,,,20,AuraDefinitionBundle";
  } else if (type == "FeatureMissing") {
    row.title = "Missing Feature";
    row.message = "The package requires the feature Multi-Currency, which is not enabled in "
                  "this organization.";
  } else if (type == "IneligibleUpgrade") {
    row.title = "Dependent Package Conflict";
    row.message = "This package requires that a newer version of a dependent package be "
                  "installed before the upgrade can proceed: Acme Core, Version 3.2.\n\nAsk the "
                  "subscriber to install the dependent package and then retry the push upgrade.";
  } else if (type == "LimitExceeded") {
    row.title = "Limit Exceeded";
    row.message = "The upgrade would exceed the organization's limit of custom objects.";
  } else if (type == "LockingFailure") {
    row.title = "Locking Failure";
    row.message = "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record";
  } else if (type == "PACError") {
    row.title = "Package Access Control Error";
    row.message = "The package attempted to access an object it does not have permission to "
                  "access in this organization.";
  } else {
    row.title = "Unexpected Error";
    row.message = "An unexpected error occurred. Please include this ErrorId if you contact "
                  "support: " +
                  std::to_string(100000000 + r.Below(900000000)) + "-" +
                  std::to_string(10000 + r.Below(90000)) + " (" +
                  std::to_string(-1 - static_cast<long long>(r.Below(2000000000))) + ")";
  }
  return row;
}

const char* kErrorTypes[] = {"ApexTestFailure", "DeployError",    "FeatureMissing",
                             "IneligibleUpgrade", "LimitExceeded", "LockingFailure",
                             "PACError",          "UnclassifiedError"};

std::string Org15(const std::string& key) { return key.substr(0, 15); }

}  // namespace

PushEngine::PushEngine(Store& store, const SimClock& clock, const ServerOptions& options)
    : store_(store), clock_(clock), options_(options) {}

JobPlan PushEngine::PlanFor(const std::string& package_id, const std::string& org_key) const {
  SeededStream r(SeededHash(options_.seed, "outcome|" + package_id.substr(0, 15) + "|" +
                                               Org15(org_key)));
  JobPlan plan;
  double speed = r.Unit();
  plan.start_offset_ms = static_cast<std::int64_t>(r.Below(10 * kMinute));
  if (speed < 0.03) {
    plan.duration_ms = 2 * kHour + static_cast<std::int64_t>(r.Below(4 * kHour));  // slow
  } else if (speed < 0.04) {
    // Stuck: no visible progress for a day or two, then it finishes after all.
    plan.duration_ms = 24 * kHour + static_cast<std::int64_t>(r.Below(24 * kHour));
  } else {
    plan.duration_ms = kMinute + static_cast<std::int64_t>(r.Below(14 * kMinute));
  }
  plan.succeeds = r.Unit() < 0.82;
  if (!plan.succeeds) {
    std::string primary = kErrorTypes[r.Below(8)];
    plan.errors.push_back(ErrorRowFor(primary, r));
    // Several rows at times: more failing tests, or a second problem of another kind.
    double extra = r.Unit();
    if (extra < 0.25) {
      plan.errors.push_back(ErrorRowFor(primary, r));
    } else if (extra < 0.4) {
      plan.errors.push_back(ErrorRowFor(kErrorTypes[r.Below(8)], r));
    }
  }
  return plan;
}

std::optional<VersionInfo> PushEngine::Version(const std::string& id) {
  auto rows = store_.Select(
      "SELECT v.Id, v.MetadataPackageId, v.MajorVersion, v.MinorVersion, v.PatchVersion, "
      "v.BuildNumber, v.ReleaseState, v.IsDeprecated, p.PackageCategory FROM "
      "MetadataPackageVersion v LEFT JOIN MetadataPackage p ON p.Id = v.MetadataPackageId "
      "WHERE v.Id = ?",
      {Value::Text(id)});
  if (rows.empty()) return std::nullopt;
  const Row& r = rows[0];
  VersionInfo v;
  v.id = r[0].text;
  v.package_id = r[1].text;
  v.major = static_cast<int>(r[2].AsInt());
  v.minor = static_cast<int>(r[3].AsInt());
  v.patch = static_cast<int>(r[4].AsInt());
  v.build = static_cast<int>(r[5].AsInt());
  v.beta = r[6].text == "Beta";
  v.deprecated = r[7].AsInt() != 0;
  v.category = r[8].AsText();
  return v;
}

std::optional<VersionInfo> PushEngine::LatestVersion(const std::string& package_id) {
  auto rows = store_.Select(
      "SELECT Id FROM MetadataPackageVersion WHERE MetadataPackageId = ? AND ReleaseState = "
      "'Released' AND IsDeprecated = 0 ORDER BY MajorVersion DESC, MinorVersion DESC, "
      "PatchVersion DESC, BuildNumber DESC LIMIT 1",
      {Value::Text(package_id)});
  if (rows.empty()) return std::nullopt;
  return Version(rows[0][0].text);
}

std::string PushEngine::Classify(const std::string& org_key, const VersionInfo& target) {
  auto rows = store_.Select(
      "SELECT InstalledStatus, OrgStatus, MetadataPackageVersionId, HasRestrictionEnabled, "
      "CustomUpgradeType FROM PackageSubscriber WHERE MetadataPackageId = ? AND "
      "substr(OrgKey, 1, 15) = ? ORDER BY InstalledStatus LIMIT 1",
      {Value::Text(target.package_id), Value::Text(Org15(org_key))});
  if (rows.empty() || rows[0][0].AsText() != "i") return "not_installed";
  const Row& s = rows[0];
  if (s[1].AsText() == "Inactive") return "inactive";
  auto installed = Version(s[2].AsText());
  if (!installed) return "not_installed";
  auto key = [](const VersionInfo& v) { return std::tie(v.major, v.minor, v.patch, v.build); };
  if (key(*installed) == key(target)) return "already_on_target";
  if (key(*installed) > key(target)) return "newer_version";
  if (installed->beta) return "beta_installed";
  if (s[3].AsInt() != 0 || s[4].AsText() == "BlockedBySubscriber") return "blocked_by_subscriber";
  return "eligible";
}

nlohmann::json PushEngine::PackagesJson() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : store_.Select("SELECT Id, NamespacePrefix, Name FROM MetadataPackage "
                                       "ORDER BY Id")) {
    auto latest = LatestVersion(row[0].text);
    out.push_back({{"id", row[0].text},
                   {"namespace", row[1].is_null() ? nlohmann::json() : nlohmann::json(row[1].text)},
                   {"name", row[2].text},
                   {"latest_version_id", latest ? nlohmann::json(latest->id) : nlohmann::json()},
                   {"latest_version", latest ? nlohmann::json(latest->Number()) : nlohmann::json()}});
  }
  return out;
}

void PushEngine::WriteTruthFile(const std::string& path) {
  std::ofstream out(path + ".tmp", std::ios::trunc);
  for (const auto& pkg : store_.Select("SELECT Id FROM MetadataPackage ORDER BY Id")) {
    auto latest = LatestVersion(pkg[0].text);
    if (!latest) continue;
    for (const auto& sub : store_.Select(
             "SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = ? ORDER BY OrgKey",
             {pkg[0]})) {
      std::string reason = Classify(sub[0].text, *latest);
      bool eligible = reason == "eligible";
      nlohmann::json line = {{"package_id", pkg[0].text},
                             {"org_key", sub[0].text},
                             {"eligible", eligible},
                             {"reason", reason},
                             {"outcome", nullptr},
                             {"error_types", nlohmann::json::array()}};
      if (eligible) {
        JobPlan plan = PlanFor(pkg[0].text, sub[0].text);
        line["outcome"] = plan.succeeds ? "Succeeded" : "Failed";
        line["error_types"] = plan.ErrorTypes();
      }
      out << line.dump() << "\n";
    }
  }
  out.close();
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void PushEngine::SetPending(const std::string& request_id, EpochMs now) {
  store_.Run("UPDATE PackagePushRequest SET _PendingAt = ? WHERE Id = ?",
             {Value::Int(now), Value::Text(request_id)});
  store_.Run("UPDATE PackagePushJob SET Status = 'Pending', SystemModstamp = ? WHERE "
             "PackagePushRequestId = ? AND Status = 'Created'",
             {Value::Text(FormatDateTime(now)), Value::Text(request_id)});
}

void PushEngine::Cancel(const std::string& request_id, EpochMs now) {
  store_.Run("UPDATE PackagePushJob SET Status = 'Canceled', SystemModstamp = ? WHERE "
             "PackagePushRequestId = ? AND Status IN ('Created', 'Pending')",
             {Value::Text(FormatDateTime(now)), Value::Text(request_id)});
}

void PushEngine::Advance() {
  EpochMs now = clock_.Now();
  const std::string& in_progress = options_.assume.in_progress_spelling;
  // 1. Pending requests whose start time has come: max(time set Pending, ScheduledStartTime).
  for (const auto& req : store_.Select(
           "SELECT Id, _PendingAt, ScheduledStartTime, PackageVersionId FROM PackagePushRequest "
           "WHERE Status = 'Pending'")) {
    EpochMs start = req[1].AsInt();
    if (!req[2].is_null()) {
      if (auto scheduled = ParseDateTime(req[2].text)) start = std::max(start, *scheduled);
    }
    if (start <= now) StartRequest(req, start);
  }
  // 2. Jobs whose planned start or end has come.
  for (const auto& job : store_.Select(
           "SELECT Id, Status, _PlanStart, _PlanEnd, _Outcome, SubscriberOrganizationKey, "
           "PackagePushRequestId FROM PackagePushJob WHERE Status IN ('Pending', ?) AND "
           "_PlanStart IS NOT NULL AND (_PlanEnd <= ? OR (Status = 'Pending' AND _PlanStart <= ?)) "
           "ORDER BY _PlanStart",
           {Value::Text(in_progress), Value::Int(now), Value::Int(now)})) {
    if (job[1].text == "Pending") {
      store_.Run("UPDATE PackagePushJob SET Status = ?, StartTime = ?, SystemModstamp = ? "
                 "WHERE Id = ?",
                 {Value::Text(in_progress), Value::Text(FormatDateTime(job[2].AsInt())),
                  Value::Text(FormatDateTime(job[2].AsInt())), job[0]});
    }
    if (job[3].AsInt() <= now) FinishJob(job, now);
  }
  FinishRequests(now);
}

void PushEngine::StartRequest(const Row& req, EpochMs start) {
  const std::string& id = req[0].text;
  store_.Run("UPDATE PackagePushRequest SET Status = ?, StartTime = ?, SystemModstamp = ? "
             "WHERE Id = ?",
             {Value::Text(options_.assume.in_progress_spelling), Value::Text(FormatDateTime(start)),
              Value::Text(FormatDateTime(start)), Value::Text(id)});
  auto target = Version(req[3].text);
  for (const auto& job : store_.Select(
           "SELECT Id, SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId "
           "= ? AND Status = 'Pending'",
           {Value::Text(id)})) {
    JobPlan plan = PlanFor(target ? target->package_id : "", job[1].text);
    std::string outcome = plan.succeeds ? "Succeeded" : "Failed";
    if (target) {
      // Orgs let through at create time (beta installed, push-blocked) fail when run.
      std::string reason = Classify(job[1].text, *target);
      if (reason == "beta_installed" || reason == "blocked_by_subscriber") outcome = reason;
    }
    store_.Run("UPDATE PackagePushJob SET _PlanStart = ?, _PlanEnd = ?, _Outcome = ? WHERE Id = ?",
               {Value::Int(start + plan.start_offset_ms),
                Value::Int(start + plan.start_offset_ms + plan.duration_ms), Value::Text(outcome),
                job[0]});
  }
}

void PushEngine::FinishJob(const Row& job, EpochMs /*now*/) {
  EpochMs start = job[2].AsInt(), end = job[3].AsInt();
  std::string outcome = job[4].AsText();
  std::vector<PushErrorRow> errors;
  if (outcome == "beta_installed") {
    errors.push_back({"Error", "IneligibleUpgrade", "Cannot upgrade beta package",
                      "The subscriber organization has a beta version of this package installed. "
                      "Beta versions can't be upgraded.",
                      std::nullopt});
  } else if (outcome == "blocked_by_subscriber") {
    errors.push_back({"Error", "IneligibleUpgrade", "Push Upgrade Blocked",
                      "The subscriber organization has blocked push upgrades for this package.",
                      std::nullopt});
  } else if (outcome == "Failed") {
    auto pkg = store_.Select(
        "SELECT v.MetadataPackageId FROM PackagePushRequest r JOIN MetadataPackageVersion v ON "
        "v.Id = r.PackageVersionId WHERE r.Id = ?",
        {job[6]});
    errors = PlanFor(pkg.empty() ? "" : pkg[0][0].text, job[5].text).errors;
  }
  bool failed = outcome != "Succeeded";
  std::string end_text = FormatDateTime(end);
  store_.Run("UPDATE PackagePushJob SET Status = ?, StartTime = COALESCE(StartTime, ?), "
             "EndTime = ?, DurationSeconds = ?, SystemModstamp = ? WHERE Id = ?",
             {Value::Text(failed ? "Failed" : "Succeeded"), Value::Text(FormatDateTime(start)),
              Value::Text(end_text), Value::Int((end - start) / 1000), Value::Text(end_text),
              job[0]});
  auto user = store_.Select("SELECT Id FROM User ORDER BY Id LIMIT 1");
  Value user_id = user.empty() ? Value::Null() : user[0][0];
  for (const auto& e : errors) {
    store_.Insert("PackagePushError",
                  {{"Id", Value::Text(store_.NextId("0DY"))},
                   {"PackagePushJobId", job[0]},
                   {"ErrorSeverity", Value::Text(e.severity)},
                   {"ErrorType", Value::Text(e.type)},
                   {"ErrorTitle", Value::Text(e.title)},
                   {"ErrorMessage", Value::Text(e.message)},
                   {"ErrorDetails", e.details ? Value::Text(*e.details) : Value::Null()},
                   {"CreatedDate", Value::Text(end_text)},
                   {"LastModifiedDate", Value::Text(end_text)},
                   {"SystemModstamp", Value::Text(end_text)},
                   {"CreatedById", user_id},
                   {"LastModifiedById", user_id}});
  }
}

void PushEngine::FinishRequests(EpochMs now) {
  const std::string& in_progress = options_.assume.in_progress_spelling;
  for (const auto& req : store_.Select(
           "SELECT r.Id, r.StartTime, (SELECT COUNT(*) FROM PackagePushJob j WHERE "
           "j.PackagePushRequestId = r.Id AND j.Status NOT IN ('Succeeded', 'Failed', "
           "'Canceled')), (SELECT COUNT(*) FROM PackagePushJob j WHERE j.PackagePushRequestId = "
           "r.Id AND j.Status = 'Failed'), (SELECT COUNT(*) FROM PackagePushJob j WHERE "
           "j.PackagePushRequestId = r.Id AND j.Status = 'Succeeded'), (SELECT MAX(j.EndTime) "
           "FROM PackagePushJob j WHERE j.PackagePushRequestId = r.Id) FROM PackagePushRequest r "
           "WHERE r.Status = ?",
           {Value::Text(in_progress)})) {
    if (req[2].AsInt() != 0) continue;
    std::int64_t failed = req[3].AsInt(), succeeded = req[4].AsInt();
    std::string status;
    if (failed + succeeded == 0) {
      status = options_.assume.empty_request_succeeds ? "Succeeded" : "Failed";
    } else if (options_.assume.request_status_rule == "all-failed") {
      status = succeeded == 0 ? "Failed" : "Succeeded";
    } else {
      status = failed > 0 ? "Failed" : "Succeeded";
    }
    EpochMs start = ParseDateTime(req[1].AsText()).value_or(now);
    EpochMs end = req[5].is_null() ? start : ParseDateTime(req[5].text).value_or(now);
    store_.Run("UPDATE PackagePushRequest SET Status = ?, EndTime = ?, DurationSeconds = ?, "
               "SystemModstamp = ? WHERE Id = ?",
               {Value::Text(status), Value::Text(FormatDateTime(end)),
                Value::Int((end - start) / 1000), Value::Text(FormatDateTime(end)), req[0]});
  }
}

}  // namespace pushforce::fakeorg
