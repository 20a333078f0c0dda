// SPDX-License-Identifier: GPL-2.0-or-later
// The retry loop through Session with a fake stub and a fake sleeper: backoff, re-login, ambiguity.
#define BOOST_TEST_MODULE session_retry
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "internal/partner_stub.hpp"
#include "internal/retry.hpp"
#include "pushforce/session.hpp"

namespace pushforce {
inline std::ostream& boost_test_print_type(std::ostream& out, ErrorCode code) {
  return out << ErrorCodeName(code);
}

namespace {

using internal::Call;
using std::chrono::milliseconds;

Status Fault(std::string code, ErrorCode error = ErrorCode::kApiFault) {
  ErrorDetails details;
  details.salesforce_code = code;
  details.http_status = 500;
  return Status(error, code + " for the test", details);
}

Status Transport(bool arrived, int http = 0) {
  ErrorDetails details;
  details.request_may_have_arrived = arrived;
  details.http_status = http;
  details.sys_errno = arrived ? 104 : 111;
  return Status(ErrorCode::kTransport, arrived ? "connection reset" : "connection refused", details);
}

// What the fake saw of each call.
struct Seen {
  std::string operation;
  std::string session_id;
  std::string endpoint;
  int batch_size = 0;
};

// A PartnerStub whose answers are scripted per call, in order; shared with clones.
class FakeStub final : public internal::PartnerStub {
 public:
  struct Script {
    std::deque<Status> failures;  // consumed first, one per call; ok = answer normally
    std::vector<Seen> seen;
    int logins = 0;
  };
  explicit FakeStub(std::shared_ptr<Script> script) : script_(std::move(script)) {}

  Result<internal::LoginReply> Login(Call& call, std::string_view, std::string_view) override {
    if (Status s = Next("login", call); !s.ok()) return s;
    ++script_->logins;
    internal::LoginReply reply;
    reply.session_id = "SID-" + std::to_string(script_->logins);
    reply.server_url = "https://acme.my.salesforce.com/services/Soap/u/64.0/00DA0000000YpZ4";
    UserInfo user;
    user.organization_id = "00DA0000000YpZ4MAK";
    reply.user_info = user;
    return reply;
  }
  Result<UserInfo> GetUserInfo(Call& call) override {
    if (Status s = Next("getUserInfo", call); !s.ok()) return s;
    UserInfo user;
    user.organization_id = "00DA0000000YpZ4MAK";
    return user;
  }
  Result<internal::QueryReply> Query(Call& call, std::string_view, QueryScope) override {
    if (Status s = Next("query", call); !s.ok()) return s;
    internal::QueryReply reply;
    reply.records.emplace_back("Organization");
    reply.size = 1;
    call.api_usage = ApiUsage{static_cast<std::int64_t>(script_->seen.size()), 15000};
    return reply;
  }
  Result<internal::QueryReply> QueryMore(Call& call, std::string_view) override {
    if (Status s = Next("queryMore", call); !s.ok()) return s;
    return internal::QueryReply{};
  }
  Result<std::vector<SaveOutcome>> Create(Call& call, std::span<const Record> records) override {
    if (Status s = Next("create", call); !s.ok()) return s;
    return Saved(records.size());
  }
  Result<std::vector<SaveOutcome>> Update(Call& call, std::span<const Record> records) override {
    if (Status s = Next("update", call); !s.ok()) return s;
    return Saved(records.size());
  }
  Result<std::vector<SaveOutcome>> Upsert(Call& call, std::string_view,
                                          std::span<const Record> records) override {
    if (Status s = Next("upsert", call); !s.ok()) return s;
    return Saved(records.size());
  }
  Result<std::vector<SaveOutcome>> Delete(Call& call, std::span<const std::string> ids) override {
    if (Status s = Next("delete", call); !s.ok()) return s;
    return Saved(ids.size());
  }
  Result<std::vector<std::optional<Record>>> Retrieve(Call& call, std::string_view,
                                                      std::string_view,
                                                      std::span<const std::string> ids) override {
    if (Status s = Next("retrieve", call); !s.ok()) return s;
    return std::vector<std::optional<Record>>(ids.size());
  }
  Result<std::string> GetServerTimestamp(Call& call) override {
    if (Status s = Next("getServerTimestamp", call); !s.ok()) return s;
    return std::string("2024-05-01T00:00:00Z");
  }
  Status Logout(Call& call) override { return Next("logout", call); }
  Result<std::unique_ptr<PartnerStub>> NewConnection() const override {
    return std::unique_ptr<PartnerStub>(new FakeStub(script_));
  }

 private:
  Status Next(const char* operation, const Call& call) {
    script_->seen.push_back(Seen{operation, call.session_id, call.endpoint, call.batch_size});
    if (script_->failures.empty()) return Status();
    Status next = script_->failures.front();
    script_->failures.pop_front();
    return next;
  }
  static std::vector<SaveOutcome> Saved(size_t n) {
    std::vector<SaveOutcome> out(n);
    for (size_t i = 0; i < n; ++i) {
      out[i].success = true;
      out[i].id = "0DX00000000000" + std::to_string(1000 + i);
    }
    return out;
  }
  std::shared_ptr<Script> script_;
};

struct Fixture {
  std::shared_ptr<FakeStub::Script> script = std::make_shared<FakeStub::Script>();
  std::vector<milliseconds> waits;
  SessionOptions options;
  Fixture() {
    options.sleeper = [this](milliseconds wait) { waits.push_back(wait); };
  }
  std::unique_ptr<Session> LoggedIn() {
    PasswordCredentials credentials;
    credentials.username = "release@acme.example";
    credentials.password = "pw";
    auto session = Session::LoginWithStub(options, credentials, std::make_unique<FakeStub>(script));
    BOOST_REQUIRE(session.ok());
    return std::move(*session);
  }
  std::unique_ptr<Session> Attached() {
    SessionCredentials credentials{"00D!ATTACHED", "https://acme.my.salesforce.com"};
    auto session = Session::AttachWithStub(options, credentials, std::make_unique<FakeStub>(script));
    BOOST_REQUIRE(session.ok());
    return std::move(*session);
  }
  std::vector<std::string> Operations() const {
    std::vector<std::string> out;
    for (const Seen& seen : script->seen) out.push_back(seen.operation);
    return out;
  }
};

using Ops = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(backoff_grows_and_is_capped) {
  RetryOptions options;
  options.initial_backoff = milliseconds(500);
  options.max_backoff = milliseconds(4000);
  options.multiplier = 2.0;
  options.jitter = false;
  BOOST_TEST(internal::BackoffDelay(options, 0, 0.3).count() == 500);
  BOOST_TEST(internal::BackoffDelay(options, 1, 0.3).count() == 1000);
  BOOST_TEST(internal::BackoffDelay(options, 3, 0.3).count() == 4000);
  BOOST_TEST(internal::BackoffDelay(options, 60, 0.3).count() == 4000);  // no overflow
  options.jitter = true;
  BOOST_TEST(internal::BackoffDelay(options, 1, 0.0).count() == 500);  // backoff / 2
  BOOST_TEST(internal::BackoffDelay(options, 1, 1.0).count() == 1000);
  BOOST_TEST(internal::BackoffDelay(options, 9, 0.999).count() <= 4000);
}

BOOST_FIXTURE_TEST_CASE(transient_faults_are_retried_within_the_budget, Fixture) {
  auto session = LoggedIn();
  script->seen.clear();
  options.retry.max_attempts = 5;
  script->failures = {Fault("SERVER_UNAVAILABLE"), Transport(false), Fault("UNABLE_TO_LOCK_ROW")};
  Status status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.ok(), status.ToString());
  BOOST_TEST(Operations() == (Ops{"query", "query", "query", "query"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(waits.size() == 3u);
  const RetryOptions retry = options.retry;  // the defaults: 500 ms doubling, jitter on
  for (size_t i = 0; i < waits.size(); ++i) {
    milliseconds full = std::min(retry.max_backoff,
                                 milliseconds(static_cast<long>(retry.initial_backoff.count() * (1 << i))));
    BOOST_TEST(waits[i] >= full / 2);
    BOOST_TEST(waits[i] <= full);
  }
  BOOST_TEST(session->call_counts().Of("query") == 3);  // the refused connect never reached Salesforce
}

BOOST_FIXTURE_TEST_CASE(the_budget_is_bounded, Fixture) {
  options.retry.max_attempts = 3;
  auto session = LoggedIn();
  script->seen.clear();
  for (int i = 0; i < 10; ++i) script->failures.push_back(Fault("SERVER_UNAVAILABLE"));
  Status status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.salesforce_code() == "SERVER_UNAVAILABLE");
  BOOST_TEST(script->seen.size() == 3u);
  BOOST_TEST(waits.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(permanent_faults_are_not_retried, Fixture) {
  auto session = LoggedIn();
  script->seen.clear();
  script->failures = {Fault("MALFORMED_QUERY")};
  Status status = session->Query("SELEC Id", nullptr);
  BOOST_TEST(status.salesforce_code() == "MALFORMED_QUERY");
  BOOST_TEST(script->seen.size() == 1u);
  BOOST_TEST(waits.empty());
}

BOOST_FIXTURE_TEST_CASE(invalid_session_logs_in_again_once, Fixture) {
  auto session = LoggedIn();
  script->seen.clear();
  script->failures = {Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication)};
  Status status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.ok(), status.ToString());
  BOOST_TEST(Operations() == (Ops{"query", "login", "query"}), boost::test_tools::per_element());
  BOOST_TEST(script->seen[0].session_id == "SID-1");
  BOOST_TEST(script->seen[1].session_id.empty());  // login() carries no SessionHeader
  BOOST_TEST(script->seen[1].endpoint == "https://login.salesforce.com/services/Soap/u/64.0");
  BOOST_TEST(script->seen[2].session_id == "SID-2");
  BOOST_TEST(waits.empty());  // a new session needs no wait

  // A second INVALID_SESSION_ID right after the re-login: kAuthentication, no loop.
  script->seen.clear();
  script->failures = {Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication),
                      Status(), Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication)};
  status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kAuthentication);
  BOOST_TEST(Operations() == (Ops{"query", "login", "query"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(relogin_spends_the_same_budget, Fixture) {
  options.retry.max_attempts = 2;
  auto session = LoggedIn();
  script->seen.clear();
  script->failures = {Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication), Status(),
                      Fault("SERVER_UNAVAILABLE")};
  Status status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.salesforce_code() == "SERVER_UNAVAILABLE");
  BOOST_TEST(Operations() == (Ops{"query", "login", "query"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(attached_session_cannot_relogin, Fixture) {
  auto session = Attached();
  script->seen.clear();
  script->failures = {Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication)};
  Status status = session->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kAuthentication);
  BOOST_TEST(status.salesforce_code() == "INVALID_SESSION_ID");
  BOOST_TEST(status.message().find("00D!ATTACHED") == std::string::npos);
  BOOST_TEST(Operations() == (Ops{"query"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(create_is_not_resent_after_an_ambiguous_failure, Fixture) {
  auto session = LoggedIn();
  script->seen.clear();
  std::vector<Record> jobs(450, Record("PackagePushJob"));
  // Chunk 1 ok; chunk 2 sent, then the connection reset before the answer.
  script->failures = {Status(), Transport(true)};
  BatchResult result = session->Create(jobs);
  BOOST_TEST(result.outcomes.size() == 200u);  // the first chunk's work is kept
  BOOST_TEST(result.status.code() == ErrorCode::kTransport);
  BOOST_TEST(result.status.details().request_may_have_arrived);
  BOOST_TEST(Operations() == (Ops{"create", "create"}), boost::test_tools::per_element());
  BOOST_TEST(waits.empty());

  // A gateway 504 may have passed the request on: the same.
  script->seen.clear();
  script->failures = {Transport(true, 504)};
  result = session->Create(std::span<const Record>(jobs.data(), 1));
  BOOST_TEST(result.status.details().request_may_have_arrived);
  BOOST_TEST(script->seen.size() == 1u);

  // A refused connection never carried the request: retried.
  script->seen.clear();
  script->failures = {Transport(false), Fault("SERVER_UNAVAILABLE")};
  result = session->Create(std::span<const Record>(jobs.data(), 3));
  BOOST_TEST(result.status.ok(), result.status.ToString());
  BOOST_TEST(result.outcomes.size() == 3u);
  BOOST_TEST(script->seen.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(update_and_query_are_resent_after_an_ambiguous_failure, Fixture) {
  auto session = LoggedIn();
  script->seen.clear();
  std::vector<Record> jobs(2, Record("PackagePushJob"));
  script->failures = {Transport(true)};
  BatchResult result = session->Update(jobs);
  BOOST_TEST(result.status.ok());
  BOOST_TEST(script->seen.size() == 2u);
  script->seen.clear();
  script->failures = {Transport(true)};
  BOOST_TEST(session->Query("SELECT Id FROM Organization", nullptr).ok());
  BOOST_TEST(script->seen.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(clones_share_session_counters_and_usage, Fixture) {
  auto session = LoggedIn();
  auto clone = session->Clone();
  BOOST_TEST_REQUIRE(clone.ok());
  BOOST_TEST((*clone)->Query("SELECT Id FROM Organization", nullptr).ok());
  BOOST_TEST(session->call_counts().Of("query") == 1);
  BOOST_TEST(session->api_usage().limit == 15000);
  BOOST_TEST(script->seen.back().session_id == "SID-1");
  // A re-login in the clone is seen by the original: it does not log in again.
  script->failures = {Fault("INVALID_SESSION_ID", ErrorCode::kAuthentication)};
  BOOST_TEST((*clone)->Query("SELECT Id FROM Organization", nullptr).ok());
  script->seen.clear();
  BOOST_TEST(session->Query("SELECT Id FROM Organization", nullptr).ok());
  BOOST_TEST(script->seen.at(0).session_id == "SID-2");
  BOOST_TEST(script->logins == 2);
  BOOST_TEST(session->call_counts().Of("login") == 2);
}

BOOST_FIXTURE_TEST_CASE(chunks_and_batch_size, Fixture) {
  options.query_batch_size = 500;
  auto session = LoggedIn();
  script->seen.clear();
  BOOST_TEST(session->Query("SELECT Id FROM Organization", nullptr).ok());
  BOOST_TEST(script->seen.at(0).batch_size == 500);
  std::vector<std::string> ids(4500, "001A000001AbCdE");
  auto retrieved = session->Retrieve("Id", "Account", ids);
  BOOST_TEST_REQUIRE(retrieved.ok());
  BOOST_TEST(retrieved->size() == 4500u);
  BOOST_TEST(session->call_counts().Of("retrieve") == 3);
  std::vector<Record> records(401, Record("Account"));
  BOOST_TEST(session->Upsert("Ext__c", records).outcomes.size() == 401u);
  BOOST_TEST(session->call_counts().Of("upsert") == 3);
  BOOST_TEST(session->Delete(ids).outcomes.size() == 4500u);
  BOOST_TEST(session->call_counts().Of("delete") == 23);
}

}  // namespace
}  // namespace pushforce
