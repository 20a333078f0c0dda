// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark driver: one push through pushforce, or through a re-enactment of the WSC sample's
// pattern (jobs created, then every job's Status polled one query per job), against a running
// fake org; prints one JSON line of figures. Benchmark-only: nothing here ships as a feature.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "pushforce/push.hpp"
#include "pushforce/session.hpp"
#include "pushforce/soql.hpp"

using namespace pushforce;
using namespace std::chrono;
using nlohmann::json;

namespace {

[[noreturn]] void Die(const std::string& what, const Status& status) {
  std::cerr << "pushforce-bench: " << what << ": " << status.ToString() << "\n";
  std::exit(1);
}

double Ms(steady_clock::duration d) { return duration<double, std::milli>(d).count(); }

// The WSC sample: create the jobs, keep each SaveResult, then poll every job's Status one
// query per job until each is Succeeded, Failed or Canceled.
json WscSample(Session& session, PushClient& client, const PushPlan& plan, milliseconds poll) {
  json out;
  auto t0 = steady_clock::now();
  Record request("PackagePushRequest");
  request.Set("PackageVersionId", plan.target.id);
  BatchResult created = session.Create(std::span<const Record>(&request, 1));
  if (!created.status.ok() || created.outcomes.empty() || !created.outcomes[0].success) {
    Die("create request", created.status);
  }
  const std::string request_id = created.outcomes[0].id;
  std::vector<Record> jobs;
  for (const std::string& key : plan.EligibleKeys()) {
    Record job("PackagePushJob");
    job.Set("PackagePushRequestId", request_id);
    job.Set("SubscriberOrganizationKey", key);
    jobs.push_back(std::move(job));
  }
  // The sample sends every job in one create(); above 200 records the org rejects the whole
  // call (EXCEEDED_ID_LIMIT), so the re-enactment sends them in chunks of 200 on its one
  // connection, as a corrected sample would.
  out["single_create_call_fails"] = jobs.size() > 200;
  BatchResult batch = session.Create(jobs);  // sequential, one connection
  if (!batch.status.ok()) Die("create jobs", batch.status);
  std::vector<std::string> ids;
  for (const SaveOutcome& o : batch.outcomes) {
    if (o.success) ids.push_back(o.id);
  }
  Record pending("PackagePushRequest");
  pending.set_id(request_id);
  pending.Set("Status", "Pending");
  session.Update(std::span<const Record>(&pending, 1));
  // The same span as pushforce's Schedule: request, jobs, Pending.
  out["create_ms"] = Ms(steady_clock::now() - t0);
  std::int64_t polls = 0;
  std::vector<bool> done(ids.size(), false);
  size_t remaining = ids.size();
  while (remaining > 0) {
    std::this_thread::sleep_for(poll);
    ++polls;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (done[i]) continue;
      auto rows = session.QueryAllRows("SELECT Id, Status FROM PackagePushJob WHERE Id = " +
                                       soql::Quote(ids[i]));
      if (!rows.ok()) Die("poll job", rows.status());
      auto status = rows->empty() ? std::nullopt : ParsePushStatus(rows->front().GetOr("Status", ""));
      if (status && IsTerminal(*status)) {
        done[i] = true;
        --remaining;
      }
    }
  }
  out["polls"] = polls;
  out["wall_ms"] = Ms(steady_clock::now() - t0);
  (void)client;
  return out;
}

json Pushforce(PushClient& client, const PushPlan& plan, int connections, milliseconds poll) {
  json out;
  auto t0 = steady_clock::now();
  ScheduleOptions options;
  options.connections = connections;
  auto scheduled = client.Schedule(plan, options);
  if (!scheduled.ok()) Die("schedule", scheduled.status());
  out["create_ms"] = Ms(steady_clock::now() - t0);
  WatchOptions watch;
  watch.initial_interval = poll;
  watch.max_interval = poll;  // the same cadence as the re-enactment, for a fair count
  auto watched = client.Watch(scheduled->request_id, watch);
  if (!watched.ok()) Die("watch", watched.status());
  auto report = client.Report(scheduled->request_id);
  if (!report.ok()) Die("report", report.status());
  out["polls"] = watched->polls;
  out["wall_ms"] = Ms(steady_clock::now() - t0);
  out["orgs_reported"] = report->orgs.size();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string info_path, mode = "pushforce";
  int connections = 4;
  int poll_ms = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--info") info_path = argv[i + 1];
    else if (flag == "--mode") mode = argv[i + 1];
    else if (flag == "--connections") connections = std::stoi(argv[i + 1]);
    else if (flag == "--poll-ms") poll_ms = std::stoi(argv[i + 1]);
    else {
      std::cerr << "usage: pushforce-bench --info FILE [--mode pushforce|wsc-sample|query] "
                   "[--connections N] [--poll-ms MS]\n";
      return 2;
    }
  }
  std::ifstream in(info_path);
  if (!in) {
    std::cerr << "pushforce-bench: cannot read --info " << info_path << "\n";
    return 2;
  }
  json info = json::parse(in);
  SessionOptions options;
  options.transport.ca_file = info.value("ca_file", "");
  PasswordCredentials credentials{info["login_url"], info["username"], info["password"],
                                  info["security_token"]};
  auto session = Session::Login(options, credentials);
  if (!session.ok()) Die("login", session.status());
  PushClient client(**session);
  const json& package = info["packages"][0];

  json out = {{"mode", mode}};
  auto t0 = steady_clock::now();
  if (mode == "query") {
    // Read every subscriber row: the decode path a peer client is compared on.
    std::int64_t rows = 0;
    Status status = (*session)->Query(
        "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, MetadataPackageVersionId "
        "FROM PackageSubscriber",
        [&](const QueryPage& page) {
          rows += static_cast<std::int64_t>(page.records.size());
          return true;
        });
    if (!status.ok()) Die("query", status);
    out["rows"] = rows;
    out["wall_ms"] = Ms(steady_clock::now() - t0);
  } else {
    PlanRequest request;
    request.package = package["id"];
    request.version = package["latest_version"];
    auto plan = client.Plan(request);
    if (!plan.ok()) Die("plan", plan.status());
    out["orgs"] = plan->EligibleKeys().size();
    out["plan_ms"] = Ms(steady_clock::now() - t0);
    const std::int64_t calls_before = (*session)->call_counts().total;
    json run = mode == "wsc-sample" ? WscSample(**session, client, *plan, milliseconds(poll_ms))
                                    : Pushforce(client, *plan, connections, milliseconds(poll_ms));
    out.update(run);
    out["calls"] = (*session)->call_counts().total - calls_before;
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
