// SPDX-License-Identifier: GPL-2.0-or-later
// A 10,000-org push against the fake org through the library: discover, plan with include
// and exclude lists, schedule over 4 connections, watch to completion, report — checked
// against the fake org's truth file and its request log.
#define BOOST_TEST_MODULE push_e2e
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "pushforce/push.hpp"
#include "pushforce/session.hpp"
#include "support/fake_org.hpp"
#include "support/test_env.hpp"

using namespace pushforce;
using namespace std::chrono;
using nlohmann::json;

namespace {

struct TruthRow {
  std::string org_key;
  std::string reason;
  std::string outcome;
  std::set<std::string> error_types;
};

std::map<std::string, TruthRow> ReadTruth(const std::filesystem::path& path,
                                          const std::string& package_id) {
  std::map<std::string, TruthRow> truth;
  std::istringstream lines(test::ReadFile(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    json row = json::parse(line);
    if (row.value("package_id", "") != package_id) continue;
    TruthRow t;
    t.org_key = row["org_key"].get<std::string>().substr(0, 15);
    t.reason = row["reason"];
    if (row["outcome"].is_string()) t.outcome = row["outcome"];
    for (const auto& e : row["error_types"]) t.error_types.insert(e.get<std::string>());
    truth[t.org_key] = t;
  }
  return truth;
}

std::unique_ptr<Session> LogIn(const test::FakeOrg& org) {
  auto session = Session::Login(org.session_options(), org.credentials());
  BOOST_REQUIRE_MESSAGE(session.ok(), session.status().ToString());
  return std::move(*session);
}

WatchOptions FastWatch() {
  // The fake org runs simulated time; poll often in wall time.
  WatchOptions watch;
  watch.initial_interval = milliseconds(50);
  watch.max_interval = milliseconds(400);
  watch.timeout = seconds(300);
  return watch;
}

std::int64_t Pages(std::int64_t rows, std::int64_t page) { return (rows + page - 1) / page; }

}  // namespace

BOOST_AUTO_TEST_CASE(ten_thousand_orgs_end_to_end) {
  auto scratch = test::ScratchDir("push-e2e");
  auto truth_path = scratch / "truth.jsonl";
  test::FakeOrg org({.tls = true,
                     .subscribers = 10000,
                     .seed = 7,
                     .extra_args = {"--time-scale", "20000", "--truth-file", truth_path.string()}});
  auto session = LogIn(org);
  const json& package = org.info()["packages"][0];
  const std::string package_id = package["id"];
  auto truth = ReadTruth(truth_path, package_id);
  BOOST_REQUIRE_GT(truth.size(), 5000u);

  // Include every org but each 10th; write some in 18-character form; add a duplicate and
  // a malformed line. Exclude each 7th.
  std::ofstream include(scratch / "orgs.txt");
  std::ofstream exclude(scratch / "exclude.txt");
  std::vector<OrgIdLine> include_lines, exclude_lines;
  int n = 0;
  std::set<std::string> included, excluded;
  for (const auto& [key, row] : truth) {
    ++n;
    if (n % 10 == 0) continue;
    std::string text = n % 3 == 0 ? *To18(key) : key;
    include_lines.push_back({text, static_cast<int>(include_lines.size()) + 1});
    included.insert(key);
    if (n % 7 == 0) {
      exclude_lines.push_back({key, static_cast<int>(exclude_lines.size()) + 1});
      excluded.insert(key);
    }
  }
  std::string dup_key = *included.begin();
  include_lines.push_back({dup_key, static_cast<int>(include_lines.size()) + 1});
  include_lines.push_back({"00Dnot-an-org-id", static_cast<int>(include_lines.size()) + 1});

  PlanRequest request;
  const std::string ns = package["namespace"].is_string() ? package["namespace"].get<std::string>() : "";
  request.package = ns.empty() ? package_id : ns;
  request.version = package["latest_version"];
  request.include = ParseOrgIds("orgs.txt", include_lines);
  request.exclude = ParseOrgIds("exclude.txt", exclude_lines);

  PushClient client(*session);
  auto plan = client.Plan(request);
  BOOST_REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());

  // Verdict counts per reason equal the truth with the lists applied on top.
  std::map<std::string, std::int64_t> expected;
  for (const auto& [key, row] : truth) {
    if (excluded.count(key)) ++expected["excluded"];
    else if (!included.count(key)) ++expected["not_in_include_list"];
    else ++expected[row.reason];
  }
  ++expected["duplicate"];
  ++expected["malformed_id"];
  std::map<std::string, std::int64_t> actual;
  for (const auto& [verdict, count] : plan->CountByVerdict()) actual[VerdictName(verdict)] = count;
  for (const auto& [reason, count] : expected) {
    BOOST_TEST(actual[reason] == count, "verdict " << reason);
  }
  for (const auto& [reason, count] : actual) {
    BOOST_TEST(expected.count(reason) == 1u, "unexpected verdict " << reason << " x" << count);
  }
  std::set<std::string> keys;
  for (const OrgVerdict& v : plan->orgs) {
    if (v.verdict == Verdict::kDuplicate || v.verdict == Verdict::kMalformedId) continue;
    BOOST_TEST(keys.insert(v.org_key).second, "org " << v.org_key << " has two verdicts");
    BOOST_TEST(!v.reason.empty());
  }
  BOOST_TEST(keys.size() == truth.size());

  const auto eligible = plan->EligibleKeys();
  BOOST_REQUIRE_GT(eligible.size(), 1000u);
  ScheduleOptions schedule;
  schedule.connections = 4;
  auto scheduled = client.Schedule(*plan, schedule);
  BOOST_REQUIRE_MESSAGE(scheduled.ok(), scheduled.status().ToString());
  BOOST_TEST(scheduled->jobs.size() == eligible.size());
  BOOST_TEST(scheduled->jobs_created() == static_cast<std::int64_t>(eligible.size()));
  BOOST_TEST((scheduled->request_status == PushStatus::kPending));

  auto start = steady_clock::now();
  auto watched = client.Watch(scheduled->request_id, FastWatch());
  BOOST_REQUIRE_MESSAGE(watched.ok(), watched.status().ToString());
  auto wall = duration_cast<milliseconds>(steady_clock::now() - start);
  BOOST_REQUIRE(!watched->timed_out);
  BOOST_TEST(IsTerminal(watched->final.request.status));
  BOOST_TEST(watched->final.jobs.total() == static_cast<std::int64_t>(eligible.size()));

  std::vector<Subscriber> subscribers;
  for (const OrgVerdict& v : plan->orgs) {
    if (v.subscriber) subscribers.push_back(*v.subscriber);
  }
  ReportOptions report_options{&subscribers, &watched->final.request};
  auto report = client.Report(scheduled->request_id, report_options);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());

  // Per-org results equal the truth exactly: no org missing or duplicated, every error row.
  BOOST_TEST(report->orgs.size() == eligible.size());
  std::set<std::string> reported;
  std::int64_t error_rows = 0;
  for (const OrgResult& r : report->orgs) {
    BOOST_TEST(reported.insert(r.org_key).second);
    const TruthRow& t = truth.at(r.org_key);
    BOOST_TEST(t.reason == "eligible");
    BOOST_TEST(std::string(PushStatusName(r.status)) == t.outcome, r.org_key);
    std::set<std::string> types;
    for (const PushErrorRow& e : r.errors) types.insert(e.type);
    BOOST_TEST((types == t.error_types), r.org_key);
    BOOST_TEST(!r.org_name.empty());
    error_rows += static_cast<std::int64_t>(r.errors.size());
  }
  BOOST_TEST(error_rows == report->error_rows);

  // API calls from the fake org's log: login, package and version lookups, request create,
  // Pending, two reads of the request's status, plus the pages.
  const std::int64_t S = plan->subscriber_rows;
  const std::int64_t N = static_cast<std::int64_t>(eligible.size());
  const std::int64_t P = watched->polls;
  const std::int64_t E = report->error_rows;
  const std::int64_t bound = 7 + Pages(S, 2000) + Pages(N, 200) + P + Pages(N, 2000) + Pages(E, 2000);
  auto log = org.RequestLog();
  std::map<std::string, std::int64_t> by_operation;
  for (const json& line : log) ++by_operation[line["operation"].get<std::string>()];
  BOOST_TEST(static_cast<std::int64_t>(log.size()) <= bound);
  BOOST_TEST(session->call_counts().total == static_cast<std::int64_t>(log.size()));

  std::cout << "push_e2e figures: subscribers=" << S << " eligible=" << N << " polls=" << P
            << " error_rows=" << E << " calls=" << log.size() << " bound=" << bound
            << " watch_wall_ms=" << wall.count() << " calls_by_operation={";
  for (const auto& [op, count] : by_operation) std::cout << op << ":" << count << " ";
  std::cout << "}" << std::endl;
}

BOOST_AUTO_TEST_CASE(abort_paths_zero_orgs_and_transient_retry) {
  auto scratch = test::ScratchDir("push-paths");
  test::FakeOrg org({.tls = true, .subscribers = 400, .seed = 11,
                     .extra_args = {"--time-scale", "200000"}});
  auto session = LogIn(org);
  const json& package = org.info()["packages"][0];
  PushClient client(*session);

  PlanRequest request;
  request.package = package["id"];
  request.version = package["latest_version"];
  auto plan = client.Plan(request);
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE(!plan->EligibleKeys().empty());

  // Held in Created: abort works.
  ScheduleOptions hold;
  hold.hold = true;
  auto held = client.Schedule(*plan, hold);
  BOOST_REQUIRE_MESSAGE(held.ok(), held.status().ToString());
  BOOST_TEST((held->request_status == PushStatus::kCreated));
  auto aborted = client.Abort(held->request_id);
  BOOST_REQUIRE_MESSAGE(aborted.ok(), aborted.status().ToString());
  auto snapshot = client.Snapshot(held->request_id);
  BOOST_REQUIRE(snapshot.ok());
  BOOST_TEST((snapshot->request.status == PushStatus::kCanceled));
  BOOST_TEST(snapshot->jobs.Of(PushStatus::kCanceled) == snapshot->jobs.total());
  // A second abort names the current status.
  auto again = client.Abort(held->request_id);
  BOOST_TEST((again.status().code() == ErrorCode::kFailedPrecondition));
  BOOST_TEST(again.status().message().find("Canceled") != std::string::npos);

  // Run to completion; abort after the end is refused.
  auto run = client.Schedule(*plan, ScheduleOptions{});
  BOOST_REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  auto watched = client.Watch(run->request_id, FastWatch());
  BOOST_REQUIRE(watched.ok());
  auto late = client.Abort(run->request_id);
  BOOST_TEST((late.status().code() == ErrorCode::kFailedPrecondition));

  // Retry of the transient failures: a new push of exactly those orgs.
  auto report = client.Report(run->request_id);
  BOOST_REQUIRE(report.ok());
  auto transient = TransientFailures(*report);
  auto retry_plan = client.PlanRetry(run->request_id);
  BOOST_REQUIRE_MESSAGE(retry_plan.ok(), retry_plan.status().ToString());
  auto retry_keys = retry_plan->EligibleKeys();
  std::sort(retry_keys.begin(), retry_keys.end());
  std::sort(transient.begin(), transient.end());
  BOOST_TEST(retry_keys == transient, boost::test_tools::per_element());

  // Zero eligible orgs: nothing is created, so nothing is left in Created.
  PlanRequest none = request;
  none.include = ParseOrgIds("empty", {});
  auto empty_plan = client.Plan(none);
  BOOST_REQUIRE(empty_plan.ok());
  auto log_before = org.RequestLog().size();
  auto empty = client.Schedule(*empty_plan, ScheduleOptions{});
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->request_id.empty());
  BOOST_TEST(org.RequestLog().size() == log_before);

  // A plan whose every job is refused: the request is canceled, not left Created.
  PushPlan refused = *plan;
  for (OrgVerdict& v : refused.orgs) {
    if (v.verdict != Verdict::kEligible) continue;
    v.org_key = "00D00000000zzzz";  // not a subscriber: the org refuses the job
    v.subscriber.reset();
    break;
  }
  refused.orgs.erase(std::remove_if(refused.orgs.begin(), refused.orgs.end(),
                                    [](const OrgVerdict& v) {
                                      return v.verdict == Verdict::kEligible &&
                                             v.org_key != "00D00000000zzzz";
                                    }),
                     refused.orgs.end());
  auto canceled = client.Schedule(refused, ScheduleOptions{});
  BOOST_REQUIRE_MESSAGE(canceled.ok(), canceled.status().ToString());
  BOOST_TEST(canceled->canceled_empty);
  BOOST_TEST((canceled->request_status == PushStatus::kCanceled));
  BOOST_TEST(canceled->jobs.size() == 1u);
  BOOST_TEST(!canceled->jobs[0].ok());
  BOOST_TEST(!canceled->jobs[0].errors.empty());
}
