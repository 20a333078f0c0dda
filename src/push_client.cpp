// SPDX-License-Identifier: GPL-2.0-or-later
// Push module: package and version lookup, subscriber discovery and eligibility plans.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "push_internal.hpp"
#include "pushforce/soql.hpp"

namespace pushforce {

namespace push_internal {

std::string OrgKey15(std::string_view org_key) { return std::string(org_key.substr(0, 15)); }

PushRequestInfo RequestFromRecord(const Record& record) {
  PushRequestInfo info;
  info.id = record.GetOr("Id", "");
  info.status_wire = record.GetOr("Status", "");
  info.status = ParsePushStatus(info.status_wire).value_or(PushStatus::kCreated);
  info.package_version_id = record.GetOr("PackageVersionId", "");
  info.package_id = record.GetOr("PackageVersion.MetadataPackageId", "");
  info.scheduled_start_time = record.GetOr("ScheduledStartTime", "");
  info.start_time = record.GetOr("StartTime", "");
  info.end_time = record.GetOr("EndTime", "");
  if (auto d = record.GetInt("DurationSeconds")) info.duration_seconds = *d;
  info.created_date = record.GetOr("CreatedDate", "");
  return info;
}

Subscriber SubscriberFromRecord(const Record& r) {
  Subscriber s;
  s.org_key = r.GetOr("OrgKey", "");
  s.org_name = r.GetOr("OrgName", "");
  s.org_type = r.GetOr("OrgType", "");
  s.org_status = r.GetOr("OrgStatus", "");
  s.instance = r.GetOr("InstanceName", "");
  s.parent_org = r.GetOr("ParentOrg", "");
  s.installed_status = r.GetOr("InstalledStatus", "");
  s.installed_version_id = r.GetOr("MetadataPackageVersionId", "");
  s.blocked = r.GetOr("HasRestrictionEnabled", "false") == "true" ||
              r.GetOr("CustomUpgradeType", "") == "BlockedBySubscriber";
  return s;
}

PackageVersion VersionFromRecord(const Record& record) {
  PackageVersion v;
  v.id = record.GetOr("Id", "");
  v.package_id = record.GetOr("MetadataPackageId", "");
  v.name = record.GetOr("Name", "");
  v.number.major = static_cast<int>(record.GetInt("MajorVersion").value_or(0));
  v.number.minor = static_cast<int>(record.GetInt("MinorVersion").value_or(0));
  v.number.patch = static_cast<int>(record.GetInt("PatchVersion").value_or(0));
  v.number.build = static_cast<int>(record.GetInt("BuildNumber").value_or(-1));
  v.release_state = record.GetOr("ReleaseState", "");
  if (v.release_state == "Beta" && v.number.build >= 0) v.number.beta = v.number.build;
  v.deprecated = record.GetOr("IsDeprecated", "false") == "true";
  return v;
}

VersionIndex::VersionIndex(const std::vector<PackageVersion>& versions) {
  for (const PackageVersion& v : versions) by_id_[v.id] = &v;
}

const PackageVersion* VersionIndex::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end() && id.size() == 18) it = by_id_.find(id.substr(0, 15));
  return it == by_id_.end() ? nullptr : it->second;
}

namespace {

std::string Plain(const VersionNumber& n) {
  // x.y.z: the number people say; betas carry their build.
  std::string out = std::to_string(n.major) + "." + std::to_string(n.minor) + "." +
                    std::to_string(std::max(n.patch, 0));
  if (n.beta) out += " (Beta " + std::to_string(*n.beta) + ")";
  return out;
}

}  // namespace

OrgVerdict JudgeSubscriber(const Subscriber& s, const PackageVersion& target,
                           const VersionIndex& versions) {
  OrgVerdict v;
  v.org_key = OrgKey15(s.org_key);
  v.subscriber = s;
  auto set = [&](Verdict verdict, std::string reason) {
    v.verdict = verdict;
    v.reason = std::move(reason);
    return v;
  };
  if (s.installed_status != "i") {
    return set(Verdict::kNotInstalled,
               "package not installed (InstalledStatus '" + s.installed_status + "')");
  }
  if (s.org_status == "Inactive") return set(Verdict::kInactive, "org is Inactive");
  const PackageVersion* installed = versions.Find(s.installed_version_id);
  if (installed == nullptr) {
    return set(Verdict::kNotInstalled,
               "installed version " + s.installed_version_id + " is not a version of the package");
  }
  if (installed->id == target.id) {
    return set(Verdict::kAlreadyOnTarget, "already on " + Plain(target.number));
  }
  if (installed->number.Compare(target.number) > 0) {
    return set(Verdict::kNewerVersion, "on " + Plain(installed->number) + ", newer than " +
                                           Plain(target.number));
  }
  if (!installed->released()) {
    return set(Verdict::kBetaInstalled,
               "on beta " + Plain(installed->number) + "; a beta cannot be upgraded");
  }
  if (s.blocked) return set(Verdict::kBlockedBySubscriber, "push upgrades blocked by the subscriber");
  return set(Verdict::kEligible, "on " + Plain(installed->number) + ", upgrade to " +
                                     Plain(target.number));
}

Result<JobCounts> CountsFromAggregate(const std::vector<Record>& rows) {
  JobCounts counts;
  for (const Record& row : rows) {
    std::string wire = row.GetOr("Status", "");
    auto status = ParsePushStatus(wire);
    if (!status) {
      // An unknown status is an error, not a reason to wait forever (STYLE.md §8).
      return Status(ErrorCode::kInternal, "unknown PackagePushJob Status '" + wire + "'");
    }
    auto count = row.GetInt("expr0");
    if (!count) return Status(ErrorCode::kInternal, "aggregate row without a COUNT value");
    counts.by_status[*status] += *count;
  }
  return counts;
}

}  // namespace push_internal

using namespace push_internal;

PushClient::PushClient(Session& session, PushClientOptions options)
    : session_(session), options_(std::move(options)) {}

Result<PackageInfo> PushClient::FindPackage(std::string_view id_or_namespace) {
  std::string spec(id_or_namespace);
  if (spec.empty()) return Status(ErrorCode::kInvalidInput, "--package is empty");
  bool by_id = spec.size() >= 15 && spec.compare(0, 3, "033") == 0;
  std::string soql = "SELECT Id, Name, NamespacePrefix FROM MetadataPackage WHERE " +
                     std::string(by_id ? "Id = " : "NamespacePrefix = ") + soql::Quote(spec);
  auto rows = session_.QueryAllRows(soql);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status(ErrorCode::kNotFound,
                  std::string("no package with ") + (by_id ? "id " : "namespace prefix ") + spec +
                      " in this org (is it the packaging org?)");
  }
  const Record& r = rows->front();
  return PackageInfo{r.GetOr("Id", ""), r.GetOr("Name", ""), r.GetOr("NamespacePrefix", "")};
}

Result<std::vector<PackageVersion>> PushClient::ListVersions(const PackageInfo& package) {
  std::string soql =
      "SELECT Id, Name, MetadataPackageId, ReleaseState, MajorVersion, MinorVersion, "
      "PatchVersion, BuildNumber, IsDeprecated FROM MetadataPackageVersion WHERE "
      "MetadataPackageId = " +
      soql::Quote(package.id) +
      " ORDER BY MajorVersion DESC, MinorVersion DESC, PatchVersion DESC, BuildNumber DESC";
  auto rows = session_.QueryAllRows(soql);
  if (!rows.ok()) return rows.status();
  std::vector<PackageVersion> versions;
  versions.reserve(rows->size());
  for (const Record& r : *rows) versions.push_back(VersionFromRecord(r));
  return versions;
}

namespace {

Result<PackageVersion> PickTarget(const PackageInfo& package,
                                  const std::vector<PackageVersion>& versions,
                                  std::string_view spec) {
  std::string text(spec);
  const PackageVersion* found = nullptr;
  if (text.size() >= 15 && text.compare(0, 3, "04t") == 0) {
    for (const PackageVersion& v : versions) {
      if (v.id == text || v.id.compare(0, 15, text.substr(0, 15)) == 0) found = &v;
    }
    if (found == nullptr) {
      return Status(ErrorCode::kNotFound,
                    "no version " + text + " in package " + package.name + " (" + package.id + ")");
    }
  } else {
    auto number = VersionNumber::Parse(text);
    if (!number.ok()) return number.status();
    std::vector<const PackageVersion*> matches;
    for (const PackageVersion& v : versions) {
      const VersionNumber& n = v.number;
      if (n.major != number->major || n.minor != number->minor) continue;
      if (std::max(n.patch, 0) != std::max(number->patch, 0)) continue;
      if (number->beta) {
        if (v.released() || n.build != *number->beta) continue;
      } else if (number->build >= 0 && n.build != number->build) {
        continue;
      }
      matches.push_back(&v);
    }
    // Prefer the Released one among builds of the same number (newest first already).
    for (const PackageVersion* v : matches) {
      if (found == nullptr || (v->released() && !found->released())) found = v;
    }
    if (found == nullptr) {
      return Status(ErrorCode::kNotFound, "no version " + number->ToString() + " in package " +
                                              package.name + " (" + package.id + ")");
    }
  }
  if (!found->released()) {
    return Status(ErrorCode::kInvalidInput,
                  "version " + found->number.ToString() + " (" + found->id + ") is " +
                      found->release_state + "; a push needs a Released version");
  }
  if (found->deprecated) {
    return Status(ErrorCode::kInvalidInput, "version " + found->number.ToString() + " (" +
                                                found->id + ") is deprecated; it cannot be pushed");
  }
  return *found;
}

// The WHERE clause for the user's filters; every value is a quoted literal.
std::string FilterClause(const PackageInfo& package, const PlanFilters& filters,
                         const std::vector<PackageVersion>& versions, bool& matches_nothing) {
  std::string where = "MetadataPackageId = " + soql::Quote(package.id);
  if (!filters.org_types.empty()) where += " AND OrgType IN " + soql::QuotedList(filters.org_types);
  if (!filters.org_statuses.empty()) {
    where += " AND OrgStatus IN " + soql::QuotedList(filters.org_statuses);
  }
  if (!filters.instances.empty()) {
    where += " AND InstanceName IN " + soql::QuotedList(filters.instances);
  }
  matches_nothing = false;
  if (filters.min_installed || filters.max_installed) {
    std::vector<std::string> ids;
    for (const PackageVersion& v : versions) {
      if (filters.min_installed && v.number.Compare(*filters.min_installed) < 0) continue;
      if (filters.max_installed && v.number.Compare(*filters.max_installed) > 0) continue;
      ids.push_back(v.id);
    }
    if (ids.empty()) matches_nothing = true;
    else where += " AND MetadataPackageVersionId IN " + soql::QuotedList(ids);
  }
  return where;
}

}  // namespace

Result<PackageVersion> PushClient::FindTargetVersion(const PackageInfo& package,
                                                     std::string_view spec) {
  auto versions = ListVersions(package);
  if (!versions.ok()) return versions.status();
  return PickTarget(package, *versions, spec);
}

namespace {

// Reads PackageSubscriber for the package page by page; `versions` must hold the package's
// versions when the filters name installed versions.
Status Discover(Session& session, const std::string& api_version, const PackageInfo& package,
                const PlanFilters& filters, const std::vector<PackageVersion>& versions,
                const std::function<bool(const Subscriber&)>& on_subscriber) {
  bool nothing = false;
  std::string where = FilterClause(package, filters, versions, nothing);
  if (nothing) return Status();
  bool restriction_fields = true;
  try {
    restriction_fields = std::stod(api_version) >= 60.0;
  } catch (...) {
  }
  std::string soql =
      "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, ParentOrg, InstalledStatus, "
      "MetadataPackageVersionId" +
      std::string(restriction_fields ? ", HasRestrictionEnabled, CustomUpgradeType" : "") +
      " FROM PackageSubscriber WHERE " + where;
  VersionIndex index(versions);
  return session.Query(soql, [&](const QueryPage& page) {
    for (const Record& r : page.records) {
      Subscriber s = SubscriberFromRecord(r);
      if (const PackageVersion* v = index.Find(s.installed_version_id)) {
        s.installed_version = v->number.ToString();
      }
      if (!on_subscriber(s)) return false;
    }
    return true;
  });
}

}  // namespace

Status PushClient::ForEachSubscriber(const PackageInfo& package, const PlanFilters& filters,
                                     const std::function<bool(const Subscriber&)>& on_subscriber) {
  std::vector<PackageVersion> versions;
  auto listed = ListVersions(package);  // installed version numbers for every row
  if (!listed.ok()) return listed.status();
  versions = std::move(*listed);
  return Discover(session_, options_.api_version, package, filters, versions, on_subscriber);
}

Result<PushPlan> PushClient::Plan(const PlanRequest& request, const ScheduleOptions& for_estimate) {
  const std::int64_t calls_before = session_.call_counts().total;
  PushPlan plan;
  plan.filters = request.filters;
  auto package = FindPackage(request.package);
  if (!package.ok()) return package.status();
  plan.package = *package;
  auto versions = ListVersions(plan.package);
  if (!versions.ok()) return versions.status();
  auto target = PickTarget(plan.package, *versions, request.version);
  if (!target.ok()) return target.status();
  plan.target = *target;
  VersionIndex index(*versions);

  std::set<std::string> skip;
  for (const std::string& key : request.skip_keys) skip.insert(OrgKey15(key));
  std::unordered_map<std::string, int> exclude_lines;
  if (request.exclude) {
    for (const OrgIdEntry& e : request.exclude->entries) exclude_lines.emplace(e.key, e.line);
  }
  std::unordered_map<std::string, int> include_lines;
  if (request.include) {
    for (const OrgIdEntry& e : request.include->entries) include_lines.emplace(e.key, e.line);
  }
  std::set<std::string> seen;

  Status discovered = Discover(
      session_, options_.api_version, plan.package, request.filters, *versions,
      [&](const Subscriber& s) {
      ++plan.subscriber_rows;
      std::string key = OrgKey15(s.org_key);
      OrgVerdict v;
      if (!seen.insert(key).second) {
        v.org_key = key;
        v.subscriber = s;
        v.verdict = Verdict::kDuplicate;
        v.reason = "a second PackageSubscriber row for the same org";
      } else if (auto ex = exclude_lines.find(key); ex != exclude_lines.end()) {
        v.org_key = key;
        v.subscriber = s;
        v.verdict = Verdict::kExcluded;
        v.reason = "on the exclude list (" + request.exclude->source + ":" +
                   std::to_string(ex->second) + ")";
      } else if (skip.count(key)) {
        v.org_key = key;
        v.subscriber = s;
        v.verdict = Verdict::kExcluded;
        v.reason = request.skip_reason;
      } else if (request.include && !include_lines.count(key)) {
        v.org_key = key;
        v.subscriber = s;
        v.verdict = Verdict::kNotInIncludeList;
        v.reason = "not in the include list " + request.include->source;
      } else {
        v = JudgeSubscriber(s, plan.target, index);
      }
      if (auto in = include_lines.find(key); in != include_lines.end()) v.line = in->second;
      plan.orgs.push_back(std::move(v));
      return true;
    });
  if (!discovered.ok()) return discovered;

  std::sort(plan.orgs.begin(), plan.orgs.end(),
            [](const OrgVerdict& a, const OrgVerdict& b) { return a.org_key < b.org_key; });

  // Include-list orgs that discovery never saw, then the include list's own rejects.
  if (request.include) {
    for (const OrgIdEntry& e : request.include->entries) {
      if (seen.count(e.key)) continue;
      OrgVerdict v;
      v.org_key = e.key;
      v.line = e.line;
      if (exclude_lines.count(e.key)) {
        v.verdict = Verdict::kExcluded;
        v.reason = "on the exclude list (" + request.exclude->source + ")";
      } else if (request.filters.empty()) {
        v.verdict = Verdict::kNotInstalled;
        v.reason = "not a subscriber of " + plan.package.name;
      } else {
        v.verdict = Verdict::kFilteredOut;
        v.reason = "not a subscriber matching the filters";
      }
      plan.orgs.push_back(std::move(v));
    }
    for (const DuplicateOrgId& d : request.include->duplicates) {
      plan.orgs.push_back(OrgVerdict{d.key, Verdict::kDuplicate,
                                     "duplicate of line " + std::to_string(d.first_line) + " in " +
                                         request.include->source,
                                     std::nullopt, d.line});
    }
    for (const RejectedOrgId& r : request.include->rejected) {
      plan.orgs.push_back(OrgVerdict{r.text, Verdict::kMalformedId,
                                     request.include->source + ":" + std::to_string(r.line) +
                                         ": " + r.reason,
                                     std::nullopt, r.line});
    }
  }

  const std::int64_t n = static_cast<std::int64_t>(plan.EligibleKeys().size());
  plan.calls_spent = session_.call_counts().total - calls_before;
  plan.estimate.lookups = 2;
  plan.estimate.discovery_pages = plan.calls_spent - 2;
  plan.estimate.request_create = n > 0 ? 1 : 0;
  plan.estimate.job_creates = (n + 199) / 200;
  plan.estimate.status_updates = n > 0 ? 1 : 0;
  // Two reads of the request's status, plus the aggregate polls.
  plan.estimate.polls = n > 0 ? for_estimate.expected_polls + 2 : 0;
  // Job pages plus error pages, guessing at most one error row per org.
  plan.estimate.result_pages = n > 0 ? 2 * ((n + 1999) / 2000) : 0;
  return plan;
}

}  // namespace pushforce
