// SPDX-License-Identifier: GPL-2.0-or-later
// Watching as data, with a fake clock and sleeper: one aggregate query per poll, the request
// read at the start and once all jobs are terminal, the interval backing off while nothing
// changes and resetting on change, stuck jobs named once, deadlines, unknown statuses.
#define BOOST_TEST_MODULE push_watch
#include <boost/test/unit_test.hpp>

#include <deque>
#include <map>

#include "support/unused_stub.hpp"
#include "pushforce/push.hpp"

using namespace pushforce;
using namespace std::chrono;
using pushforce::internal::Call;

namespace {

// Answers request reads and aggregate polls from scripts; records every query.
struct Script {
  std::deque<std::string> request_statuses;             // one per request read; last repeats
  std::deque<std::map<std::string, int>> counts;        // one per poll; last repeats
  std::vector<std::string> queries;
};

class ScriptStub : public test::UnusedStub {
 public:
  explicit ScriptStub(Script* script) : script_(script) {}
  Result<internal::QueryReply> Query(Call&, std::string_view soql, QueryScope) override {
    std::string q(soql);
    script_->queries.push_back(q);
    internal::QueryReply reply;
    auto next = [](auto& queue) {
      auto value = queue.front();
      if (queue.size() > 1) queue.pop_front();
      return value;
    };
    if (q.find("FROM PackagePushRequest") != std::string::npos) {
      Record r("PackagePushRequest");
      r.set_id("0DV000000000001AAA");
      r.Set("Status", next(script_->request_statuses));
      reply.records.push_back(r);
    } else if (q.find("GROUP BY Status") != std::string::npos) {
      for (const auto& [status, count] : next(script_->counts)) {
        Record r("AggregateResult");
        r.Set("Status", status);
        r.Set("expr0", std::to_string(count));
        reply.records.push_back(r);
      }
    } else if (q.find("FROM PackagePushJob") != std::string::npos) {
      Record r("PackagePushJob");
      r.set_id("0DX000000000009AAA");
      r.Set("SubscriberOrganizationKey", "00D000000000009");
      reply.records.push_back(r);
    }
    reply.size = static_cast<int>(reply.records.size());
    return reply;
  }
  Result<std::unique_ptr<internal::PartnerStub>> NewConnection() const override {
    return std::unique_ptr<internal::PartnerStub>(new ScriptStub(script_));
  }

 private:
  Script* script_;
};

struct FakeTime {
  steady_clock::time_point now{};
  std::vector<milliseconds> sleeps;
};

WatchOptions Options(FakeTime& time) {
  WatchOptions options;
  options.clock = [&time] { return time.now; };
  options.sleeper = [&time](milliseconds d) {
    time.sleeps.push_back(d);
    time.now += d;
  };
  return options;
}

std::unique_ptr<Session> Over(Script& script) {
  return Session::FromStub(SessionOptions{}, std::make_unique<ScriptStub>(&script), UserInfo{},
                           "sid");
}

int Count(const std::vector<std::string>& queries, const std::string& needle) {
  int n = 0;
  for (const auto& q : queries) n += q.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_aggregate_query_per_poll_and_adaptive_interval) {
  Script script;
  script.request_statuses = {"Pending", "Succeeded"};
  script.counts = {{{"Pending", 3}}, {{"Pending", 3}}, {{"Pending", 3}}, {{"InProgress", 3}},
                   {{"InProgress", 1}, {"Succeeded", 2}}, {{"Succeeded", 2}, {"Cancelled", 1}}};
  auto session = Over(script);
  PushClient client(*session);
  FakeTime time;
  std::vector<WatchProgress> seen;
  WatchOptions options = Options(time);
  options.on_progress = [&](const WatchProgress& p) { seen.push_back(p); };
  auto result = client.Watch("0DV000000000001AAA", options);
  BOOST_REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  BOOST_TEST(result->polls == 6);
  BOOST_TEST(Count(script.queries, "GROUP BY Status") == 6);
  // The request: read at the start and once the counts show every job terminal.
  BOOST_TEST(Count(script.queries, "FROM PackagePushRequest") == 2);
  BOOST_TEST(result->calls_spent == 8);
  BOOST_TEST((result->final.request.status == PushStatus::kSucceeded));
  BOOST_TEST(result->final.jobs.Of(PushStatus::kCanceled) == 1);  // "Cancelled" read as Canceled
  // 10 s, then 15 s and 22.5 s while nothing changes, back to 10 s on each change.
  std::vector<milliseconds> expected = {milliseconds(10000), milliseconds(15000),
                                        milliseconds(22500), milliseconds(10000),
                                        milliseconds(10000)};
  BOOST_REQUIRE(time.sleeps.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST(time.sleeps[i].count() == expected[i].count(), "sleep " << i);
  }
  BOOST_TEST(seen.size() == 6u);
  BOOST_TEST(!seen[1].changed);
  BOOST_TEST(seen[3].changed);
}

BOOST_AUTO_TEST_CASE(interval_caps_at_the_maximum_and_the_deadline_ends_the_watch) {
  Script script;
  script.request_statuses = {"In Progress"};
  script.counts = {{{"In Progress", 5}}};
  auto session = Over(script);
  PushClient client(*session);
  FakeTime time;
  WatchOptions options = Options(time);
  options.timeout = seconds(600);
  auto result = client.Watch("0DV000000000001AAA", options);
  BOOST_REQUIRE(result.ok());
  BOOST_TEST(result->timed_out);
  for (milliseconds d : time.sleeps) BOOST_TEST(d.count() <= 60000);
  BOOST_TEST((time.now - steady_clock::time_point{} >= seconds(600)));
  BOOST_TEST(Count(script.queries, "FROM PackagePushRequest") == 1);
}

BOOST_AUTO_TEST_CASE(stuck_jobs_are_named_once_per_stall) {
  Script script;
  script.request_statuses = {"In Progress"};
  script.counts = {{{"In Progress", 1}, {"Succeeded", 4}}};
  auto session = Over(script);
  PushClient client(*session);
  FakeTime time;
  WatchOptions options = Options(time);
  options.stuck_after = minutes(5);
  options.timeout = minutes(20);
  std::vector<std::string> stuck;
  options.on_progress = [&](const WatchProgress& p) {
    stuck.insert(stuck.end(), p.stuck_jobs.begin(), p.stuck_jobs.end());
  };
  auto result = client.Watch("0DV000000000001AAA", options);
  BOOST_REQUIRE(result.ok());
  BOOST_TEST(stuck.size() == 1u);
  BOOST_TEST(stuck.front() == "0DX000000000009AAA");
  BOOST_TEST(Count(script.queries, "AND Status IN") == 1);
}

BOOST_AUTO_TEST_CASE(unknown_status_is_an_error_and_created_does_not_wait) {
  Script script;
  script.request_statuses = {"Pending"};
  script.counts = {{{"Exploded", 1}}};
  auto session = Over(script);
  PushClient client(*session);
  FakeTime time;
  auto result = client.Watch("0DV000000000001AAA", Options(time));
  BOOST_TEST(!result.ok());
  BOOST_TEST(result.status().message().find("Exploded") != std::string::npos);

  Script held;
  held.request_statuses = {"Created"};
  held.counts = {{{"Created", 2}}};
  auto session2 = Over(held);
  PushClient client2(*session2);
  auto waiting = client2.Watch("0DV000000000001AAA", Options(time));
  BOOST_TEST((waiting.status().code() == ErrorCode::kFailedPrecondition));
}
