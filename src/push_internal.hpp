// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the push module's implementation: record mapping and query text.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "pushforce/push.hpp"

namespace pushforce::push_internal {

// The fields every request read selects, in one place so all reads decode the same way.
inline constexpr const char* kRequestFields =
    "Id, Status, PackageVersionId, PackageVersion.MetadataPackageId, ScheduledStartTime, "
    "StartTime, EndTime, DurationSeconds, CreatedDate";

PushRequestInfo RequestFromRecord(const Record& record);
// The PackageSubscriber fields a query selected; absent fields stay empty.
Subscriber SubscriberFromRecord(const Record& record);
PackageVersion VersionFromRecord(const Record& record);

// The first 15 characters: the case-sensitive key that matches org ids in any form.
std::string OrgKey15(std::string_view org_key);

// Versions of one package by id, for judging installed versions.
class VersionIndex {
 public:
  explicit VersionIndex(const std::vector<PackageVersion>& versions);
  const PackageVersion* Find(const std::string& id) const;

 private:
  std::unordered_map<std::string, const PackageVersion*> by_id_;
};

// The verdict on one subscriber's org state for a push of `target`; list verdicts
// (include, exclude, duplicates) are decided by the caller first.
OrgVerdict JudgeSubscriber(const Subscriber& subscriber, const PackageVersion& target,
                           const VersionIndex& versions);

// One read of a request (one call); kNotFound when the org has no such request.
Result<PushRequestInfo> ReadRequest(Session& session, const std::string& request_id);

// The job counts from aggregate rows of `SELECT Status, COUNT(Id) … GROUP BY Status`.
Result<JobCounts> CountsFromAggregate(const std::vector<Record>& rows);

}  // namespace pushforce::push_internal
