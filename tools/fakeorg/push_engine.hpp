// SPDX-License-Identifier: GPL-2.0-or-later
// The push upgrade simulation: eligibility, seeded per-org outcomes, and the state machine that
// moves requests and jobs through Pending → In Progress → Succeeded/Failed on simulated time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "sim_clock.hpp"
#include "store.hpp"

namespace pushforce::fakeorg {

struct VersionInfo {
  std::string id;
  std::string package_id;
  int major = 0, minor = 0, patch = 0, build = 0;
  bool beta = false;
  bool deprecated = false;
  std::string category;  // the package's PackageCategory
  std::string Number() const;  // "2.4.0" (1GP) or "1.3.0.2" (2GP)
};

struct PushErrorRow {
  std::string severity, type, title, message;
  std::optional<std::string> details;
};

// What an org does when pushed: decided by (seed, package, org) alone.
struct JobPlan {
  bool succeeds = true;
  std::int64_t start_offset_ms = 0;
  std::int64_t duration_ms = 0;
  std::vector<PushErrorRow> errors;
  std::vector<std::string> ErrorTypes() const;  // distinct ErrorTypes, in row order
};

class PushEngine {
 public:
  PushEngine(Store& store, const SimClock& clock, const ServerOptions& options);

  // Moves every request and job to where simulated time says it is. Called at the start of
  // every API call, under the org lock, so what a client reads is always current.
  void Advance();

  std::optional<VersionInfo> Version(const std::string& id);
  // The newest Released, non-deprecated version of a package.
  std::optional<VersionInfo> LatestVersion(const std::string& package_id);
  // The client-side eligibility rules (README): "eligible", "not_installed", "inactive",
  // "already_on_target", "newer_version", "beta_installed", "blocked_by_subscriber".
  std::string Classify(const std::string& org_key, const VersionInfo& target);
  JobPlan PlanFor(const std::string& package_id, const std::string& org_key) const;

  // info-file "packages" array.
  nlohmann::json PackagesJson();
  // One JSON line per PackageSubscriber row of each package, for a push of its latest version.
  void WriteTruthFile(const std::string& path);

  // Status transitions the service applies on update() of a request.
  void SetPending(const std::string& request_id, EpochMs now);
  void Cancel(const std::string& request_id, EpochMs now);

 private:
  void StartRequest(const Row& request, EpochMs start);
  void FinishJob(const Row& job, EpochMs now);
  void FinishRequests(EpochMs now);

  Store& store_;
  const SimClock& clock_;
  const ServerOptions& options_;
};

}  // namespace pushforce::fakeorg
