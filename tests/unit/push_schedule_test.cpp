// SPDX-License-Identifier: GPL-2.0-or-later
// Scheduling over a fake stub: an ambiguous chunk failure is reconciled by querying (no
// duplicate jobs, no org dropped), transient per-record errors are retried a bounded number
// of times, permanent ones never stop the other orgs, and the journal sees every write.
#define BOOST_TEST_MODULE push_schedule
#include <boost/test/unit_test.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "support/unused_stub.hpp"
#include "pushforce/push.hpp"

using namespace pushforce;
using pushforce::internal::Call;

namespace {

// The org side: requests and jobs, and which create() calls misbehave.
struct OrgState {
  std::mutex mutex;
  std::map<std::string, std::string> jobs;  // org key -> job id
  std::string request_status = "Created";
  int job_calls = 0;
  int ambiguous_call = -1;             // this job create() applies, then the answer is lost
  std::map<std::string, int> locked;   // org key -> UNABLE_TO_LOCK_ROW answers left
  std::set<std::string> refused;       // org keys refused with INVALID_OPERATION
  int creates = 0;
  std::optional<ApiUsage> usage;  // LimitInfoHeader on every answer, when set
};

class FakeStub : public test::UnusedStub {
 public:
  explicit FakeStub(std::shared_ptr<OrgState> state) : state_(std::move(state)) {}

  Result<internal::QueryReply> Query(Call& call, std::string_view soql, QueryScope) override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    call.api_usage = state_->usage;
    internal::QueryReply reply;
    std::string q(soql);
    if (q.find("FROM PackagePushJob") != std::string::npos) {
      for (const auto& [key, id] : state_->jobs) {
        Record r("PackagePushJob");
        r.set_id(id);
        r.Set("SubscriberOrganizationKey", key);
        reply.records.push_back(r);
      }
    } else if (q.find("FROM PackagePushRequest") != std::string::npos) {
      Record r("PackagePushRequest");
      r.set_id("0DV000000000001AAA");
      r.Set("Status", state_->request_status);
      reply.records.push_back(r);
    }
    reply.size = static_cast<int>(reply.records.size());
    return reply;
  }
  Result<std::vector<SaveOutcome>> Create(Call&, std::span<const Record> records) override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->creates;
    std::vector<SaveOutcome> out;
    if (records.front().type() == "PackagePushRequest") {
      out.push_back({true, "0DV000000000001AAA", false, {}});
      return out;
    }
    const int call = state_->job_calls++;
    for (const Record& r : records) {
      std::string key = r.GetOr("SubscriberOrganizationKey", "");
      SaveOutcome o;
      if (state_->jobs.count(key)) {
        o.errors.push_back({"DUPLICATE_VALUE", "duplicate value found", {}});
      } else if (state_->refused.count(key)) {
        o.errors.push_back({"INVALID_OPERATION",
                            "The specified SubscriberOrganizationKey is not eligible to receive "
                            "this upgrade.",
                            {}});
      } else if (state_->locked[key] > 0) {
        --state_->locked[key];
        o.errors.push_back({"UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", {}});
      } else {
        o.success = true;
        o.id = "0DX" + key.substr(3);
        state_->jobs[key] = o.id;
      }
      out.push_back(o);
    }
    if (call == state_->ambiguous_call) {
      ErrorDetails details;
      details.request_may_have_arrived = true;
      return Status(ErrorCode::kTransport, "connection reset after the request was sent", details);
    }
    return out;
  }
  Result<std::vector<SaveOutcome>> Update(Call&, std::span<const Record> records) override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->request_status = records.front().GetOr("Status", "");
    return std::vector<SaveOutcome>{{true, records.front().id(), false, {}}};
  }
  Result<std::unique_ptr<internal::PartnerStub>> NewConnection() const override {
    return std::unique_ptr<internal::PartnerStub>(new FakeStub(state_));
  }

 private:
  std::shared_ptr<OrgState> state_;
};

class RecordingJournal : public PushJournal {
 public:
  Status WillCreateJobs(const std::string&, std::span<const std::string> keys) override {
    if (refuse_after >= 0 && chunks >= refuse_after) {
      return Status(ErrorCode::kInternal, "ledger is full");
    }
    ++chunks;
    will += static_cast<int>(keys.size());
    return Status();
  }
  void JobsCreated(const std::string&, std::span<const std::string>,
                   std::span<const JobOutcome> outcomes) override {
    for (const JobOutcome& o : outcomes) confirmed[o.org_key] += 1;
  }
  Status WillSetStatus(const std::string&, PushStatus s) override {
    statuses.push_back(s);
    return Status();
  }
  int refuse_after = -1;
  int chunks = 0;
  int will = 0;
  std::map<std::string, int> confirmed;
  std::vector<PushStatus> statuses;
};

PushPlan PlanOf(int orgs) {
  PushPlan plan;
  plan.target.id = "04t000000000001AAA";
  for (int i = 0; i < orgs; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "00D%012d", i);
    OrgVerdict v;
    v.org_key = key;
    v.verdict = Verdict::kEligible;
    plan.orgs.push_back(v);
  }
  return plan;
}

std::unique_ptr<Session> SessionOver(std::shared_ptr<OrgState> state) {
  SessionOptions options;
  options.sleeper = [](std::chrono::milliseconds) {};
  return Session::FromStub(options, std::make_unique<FakeStub>(state), UserInfo{}, "sid");
}

}  // namespace

BOOST_AUTO_TEST_CASE(ambiguous_chunk_is_reconciled_without_duplicates) {
  auto state = std::make_shared<OrgState>();
  state->ambiguous_call = 1;  // the second chunk of 200 arrives, its answer is lost
  auto session = SessionOver(state);
  PushClient client(*session);
  RecordingJournal journal;
  ScheduleOptions options;
  options.connections = 1;
  options.journal = &journal;
  auto result = client.Schedule(PlanOf(450), options);
  BOOST_REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  BOOST_TEST(result->jobs.size() == 450u);
  BOOST_TEST(result->jobs_created() == 450);
  BOOST_TEST(state->jobs.size() == 450u);  // exactly one job per org
  int reconciled = 0;
  for (const JobOutcome& j : result->jobs) reconciled += j.reconciled ? 1 : 0;
  BOOST_TEST(reconciled == 200);
  // Three chunks, no blind re-send of the lost one: request + 3 job creates.
  BOOST_TEST(state->creates == 4);
  for (const auto& [key, count] : journal.confirmed) BOOST_TEST(count == 1, key);
  BOOST_TEST(journal.confirmed.size() == 450u);
  BOOST_TEST((result->request_status == PushStatus::kPending));
}

BOOST_AUTO_TEST_CASE(transient_errors_retry_and_permanent_ones_do_not_stop_others) {
  auto state = std::make_shared<OrgState>();
  PushPlan plan = PlanOf(600);
  state->locked[plan.orgs[5].org_key] = 1;    // succeeds on the second attempt
  state->locked[plan.orgs[250].org_key] = 9;  // never succeeds within 3 attempts
  state->refused.insert(plan.orgs[7].org_key);
  auto session = SessionOver(state);
  PushClient client(*session);
  ScheduleOptions options;
  options.connections = 3;
  auto result = client.Schedule(plan, options);
  BOOST_REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  BOOST_TEST(result->jobs.size() == 600u);
  BOOST_TEST(result->jobs_created() == 598);
  BOOST_TEST(result->jobs[5].ok());
  BOOST_TEST(result->jobs[5].attempts == 2);
  BOOST_TEST(!result->jobs[7].ok());
  BOOST_TEST(result->jobs[7].errors.front().status_code == "INVALID_OPERATION");
  BOOST_TEST(result->jobs[7].attempts == 1);
  BOOST_TEST(!result->jobs[250].ok());
  BOOST_TEST(result->jobs[250].attempts == 3);
  BOOST_TEST(result->jobs[250].errors.front().status_code == "UNABLE_TO_LOCK_ROW");
}

BOOST_AUTO_TEST_CASE(every_job_refused_cancels_the_request) {
  auto state = std::make_shared<OrgState>();
  PushPlan plan = PlanOf(3);
  for (const OrgVerdict& v : plan.orgs) state->refused.insert(v.org_key);
  auto session = SessionOver(state);
  PushClient client(*session);
  RecordingJournal journal;
  ScheduleOptions options;
  options.journal = &journal;
  auto result = client.Schedule(plan, options);
  BOOST_REQUIRE(result.ok());
  BOOST_TEST(result->canceled_empty);
  BOOST_TEST(state->request_status == "Canceled");
  BOOST_TEST(journal.statuses.size() == 1u);
  BOOST_TEST((journal.statuses.front() == PushStatus::kCanceled));
}

BOOST_AUTO_TEST_CASE(resume_creates_only_missing_jobs) {
  auto state = std::make_shared<OrgState>();
  PushPlan plan = PlanOf(250);
  for (int i = 0; i < 100; ++i) {
    state->jobs[plan.orgs[static_cast<size_t>(i)].org_key] = "0DX" + plan.orgs[static_cast<size_t>(i)].org_key.substr(3);
  }
  auto session = SessionOver(state);
  PushClient client(*session);
  ScheduleOptions options;
  options.resume_request_id = "0DV000000000001AAA";
  auto result = client.Schedule(plan, options);
  BOOST_REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  BOOST_TEST(result->jobs_created() == 250);
  BOOST_TEST(state->jobs.size() == 250u);
  BOOST_TEST(state->creates == 1);  // 150 missing jobs: one chunk, no new request
  BOOST_TEST(state->request_status == "Pending");
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_before_any_write) {
  auto state = std::make_shared<OrgState>();
  auto session = SessionOver(state);
  PushClient client(*session);
  ScheduleOptions options;
  options.connections = 11;
  auto result = client.Schedule(PlanOf(3), options);
  BOOST_TEST((result.status().code() == ErrorCode::kInvalidInput));
  options.connections = 4;
  options.start = std::chrono::system_clock::now() - std::chrono::hours(1);
  result = client.Schedule(PlanOf(3), options);
  BOOST_TEST((result.status().code() == ErrorCode::kInvalidInput));
  BOOST_TEST(state->creates == 0);
}

BOOST_AUTO_TEST_CASE(a_journal_that_cannot_record_stops_the_writes) {
  auto state = std::make_shared<OrgState>();
  auto session = SessionOver(state);
  PushClient client(*session);
  RecordingJournal journal;
  journal.refuse_after = 1;  // records the first chunk, refuses the second
  ScheduleOptions options;
  options.connections = 1;
  options.journal = &journal;
  auto result = client.Schedule(PlanOf(450), options);
  BOOST_TEST(!result.ok());
  BOOST_TEST(result.status().message() == "ledger is full");
  BOOST_TEST(state->jobs.size() == 200u);  // nothing was sent unrecorded
  BOOST_TEST(journal.confirmed.size() == 200u);
  BOOST_TEST(state->request_status == "Created");  // resumable: never set Pending
}

BOOST_AUTO_TEST_CASE(the_api_budget_is_checked_before_anything_is_written) {
  auto state = std::make_shared<OrgState>();
  state->usage = ApiUsage{14900, 15000};  // 100 calls left today
  auto session = SessionOver(state);
  BOOST_REQUIRE(session->QueryAllRows("SELECT Id FROM PackagePushRequest").ok());
  BOOST_REQUIRE(session->api_usage().remaining() == 100);
  PushClient client(*session);
  PushPlan plan = PlanOf(2000);
  plan.estimate.job_creates = 10;
  plan.estimate.polls = 62;
  ScheduleOptions options;
  options.api_budget_share = 0.5;  // 50 calls allowed, 74 estimated
  auto refused = client.Schedule(plan, options);
  BOOST_TEST((refused.status().code() == ErrorCode::kBudgetExceeded));
  BOOST_TEST(refused.status().message().find("74") != std::string::npos);
  BOOST_TEST(state->creates == 0);
  options.api_budget_share = 1.0;  // 100 allowed
  auto accepted = client.Schedule(plan, options);
  BOOST_TEST(accepted.ok());
  BOOST_TEST(state->jobs.size() == 2000u);
}
