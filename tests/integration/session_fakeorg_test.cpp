// SPDX-License-Identifier: GPL-2.0-or-later
// Session against the fake org over TLS on 127.0.0.1 and an ephemeral port.
#define BOOST_TEST_MODULE session_fakeorg
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "internal/partner_stub.hpp"
#include "pushforce/session.hpp"
#include "support/fake_org.hpp"
#include "support/test_env.hpp"

namespace pushforce {
inline std::ostream& boost_test_print_type(std::ostream& out, ErrorCode code) {
  return out << ErrorCodeName(code);
}

namespace {

using test::FakeOrg;
using test::FakeOrgOptions;

std::unique_ptr<Session> LogIn(const FakeOrg& org, SessionOptions options) {
  auto session = Session::Login(options, org.credentials());
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  return std::move(*session);
}

std::unique_ptr<Session> LogIn(const FakeOrg& org) { return LogIn(org, org.session_options()); }

int Count(const std::vector<nlohmann::json>& log, const std::string& operation) {
  int n = 0;
  for (const auto& line : log) n += line.value("operation", "") == operation;
  return n;
}

BOOST_AUTO_TEST_CASE(login_ok_bad_password_and_missing_token) {
  FakeOrg org;
  auto session = LogIn(org);
  const UserInfo& user = session->user();
  BOOST_TEST(user.organization_id.size() == 18u);
  BOOST_TEST(user.server_url.rfind(org.login_url() + "/services/Soap/u/64.0/", 0) == 0u);
  BOOST_TEST(user.instance_url == org.login_url());
  BOOST_TEST(!user.user_name.empty());

  PasswordCredentials bad = org.credentials();
  bad.password += "x";
  auto refused = Session::Login(org.session_options(), bad);
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(refused.status().salesforce_code() == "INVALID_LOGIN");
  BOOST_TEST(refused.status().ToString().find(bad.password) == std::string::npos);

  PasswordCredentials no_token = org.credentials();
  no_token.security_token.clear();
  auto untrusted = Session::Login(org.session_options(), no_token);
  BOOST_TEST_REQUIRE(!untrusted.ok());
  BOOST_TEST(untrusted.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(untrusted.status().salesforce_code() == "LOGIN_MUST_USE_SECURITY_TOKEN");
}

BOOST_AUTO_TEST_CASE(attach_to_an_existing_session) {
  FakeOrg org;
  SessionOptions options = org.session_options();
  // A session obtained elsewhere (sf org display, a WSC tool): here a raw login() through the stub.
  auto stub = internal::MakeGsoapStub(options.transport);
  BOOST_TEST_REQUIRE(stub.ok(), stub.status().ToString());
  internal::Call call;
  call.endpoint = org.login_url() + "/services/Soap/u/64.0";
  PasswordCredentials credentials = org.credentials();
  auto reply = (*stub)->Login(call, credentials.username,
                              credentials.password + credentials.security_token);
  BOOST_TEST_REQUIRE(reply.ok(), reply.status().ToString());
  // An instance URL (sf org display) and a full endpoint (WSC serviceEndpoint) both work.
  for (std::string url : {org.login_url(), reply->server_url}) {
    BOOST_TEST_CONTEXT(url) {
      auto session = Session::Attach(options, SessionCredentials{reply->session_id, url});
      BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
      BOOST_TEST((*session)->user().organization_id == reply->user_info->organization_id);
      BOOST_TEST((*session)->Query("SELECT Id FROM PackageSubscriber LIMIT 1", nullptr).ok());
      BOOST_TEST((*session)->call_counts().Of("login") == 0);
    }
  }
  auto stale = Session::Attach(options, SessionCredentials{"00D000000000001!NOPE", org.login_url()});
  BOOST_TEST_REQUIRE(!stale.ok());
  BOOST_TEST(stale.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(stale.status().ToString().find("NOPE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pages_5000_records_at_batch_size_2000) {
  FakeOrgOptions options;
  options.subscribers = 5000;
  FakeOrg org(options);
  auto session = LogIn(org);
  std::vector<size_t> pages;
  std::set<std::string> ids;
  int total = 0;
  Status status = session->Query("SELECT Id, OrgKey FROM PackageSubscriber", [&](const QueryPage& page) {
    pages.push_back(page.records.size());
    total = page.total_size;
    for (const Record& record : page.records) ids.insert(record.id());
    return true;
  });
  BOOST_TEST_REQUIRE(status.ok(), status.ToString());
  BOOST_TEST(total >= 5000);
  BOOST_TEST(ids.size() == static_cast<size_t>(total));  // every row once
  BOOST_TEST(pages.size() == static_cast<size_t>((total + 1999) / 2000));
  BOOST_TEST(pages.front() == 2000u);
  auto log = org.RequestLog();
  BOOST_TEST(Count(log, "query") == 1);
  BOOST_TEST(Count(log, "queryMore") == static_cast<int>(pages.size()) - 1);
  BOOST_TEST(session->call_counts().Of("queryMore") == static_cast<std::int64_t>(pages.size()) - 1);
  BOOST_TEST(session->api_usage().known());
}

BOOST_AUTO_TEST_CASE(creates_450_jobs_in_3_chunks_with_failures_mapped_back) {
  FakeOrgOptions options;
  options.subscribers = 600;
  FakeOrg org(options);
  auto session = LogIn(org);
  std::string version = org.info()["packages"][0]["latest_version_id"];
  Record request("PackagePushRequest");
  request.Set("PackageVersionId", version);
  BatchResult created = session->Create(std::span<const Record>(&request, 1));
  BOOST_TEST_REQUIRE(created.status.ok(), created.status.ToString());
  BOOST_TEST_REQUIRE(created.outcomes.at(0).success);
  std::string request_id = created.outcomes[0].id;

  auto subscribers = session->QueryAllRows("SELECT OrgKey FROM PackageSubscriber");
  BOOST_TEST_REQUIRE(subscribers.ok(), subscribers.status().ToString());
  BOOST_TEST_REQUIRE(subscribers->size() >= 440u);
  std::vector<Record> jobs;
  std::set<size_t> bogus;
  for (size_t i = 0; i < 450; ++i) {
    Record job("PackagePushJob");
    job.Set("PackagePushRequestId", request_id);
    if (i % 50 == 7) {
      job.Set("SubscriberOrganizationKey", "00D00000000BAD" + std::to_string(i % 10));
      bogus.insert(i);
    } else {
      job.Set("SubscriberOrganizationKey", (*subscribers)[i].GetOr("OrgKey", ""));
    }
    jobs.push_back(std::move(job));
  }
  BatchResult result = session->Create(jobs);
  BOOST_TEST_REQUIRE(result.status.ok(), result.status.ToString());
  BOOST_TEST_REQUIRE(result.outcomes.size() == 450u);
  auto log = org.RequestLog();
  std::vector<int> chunk_sizes;
  for (const auto& line : log) {
    if (line.value("operation", "") == "create" && line.value("object", "") == "PackagePushJob")
      chunk_sizes.push_back(line["records"].get<int>());
  }
  BOOST_TEST(chunk_sizes == (std::vector<int>{200, 200, 50}), boost::test_tools::per_element());

  auto saved = session->QueryAllRows("SELECT Id, SubscriberOrganizationKey FROM PackagePushJob "
                                     "WHERE PackagePushRequestId = '" + request_id + "'");
  BOOST_TEST_REQUIRE(saved.ok(), saved.status().ToString());
  std::map<std::string, std::string> key_of;
  for (const Record& job : *saved) key_of[job.id()] = job.GetOr("SubscriberOrganizationKey", "");
  size_t successes = 0;
  for (size_t i = 0; i < 450; ++i) {
    const SaveOutcome& outcome = result.outcomes[i];
    BOOST_TEST_CONTEXT("job " << i) {
      if (bogus.count(i)) BOOST_TEST(!outcome.success);
      if (outcome.success) {
        ++successes;
        BOOST_TEST(key_of[outcome.id] == jobs[i].GetOr("SubscriberOrganizationKey", ""));
      } else {
        BOOST_TEST_REQUIRE(!outcome.errors.empty());
        BOOST_TEST(!outcome.errors[0].status_code.empty());
        BOOST_TEST(outcome.errors[0].fields == std::vector<std::string>{"SubscriberOrganizationKey"},
                   boost::test_tools::per_element());
      }
    }
  }
  BOOST_TEST(successes == key_of.size());
  BOOST_TEST(successes > 0u);
}

BOOST_AUTO_TEST_CASE(fifteen_and_eighteen_character_ids) {
  FakeOrg org;
  auto session = LogIn(org);
  auto rows = session->QueryAllRows("SELECT Id, OrgKey FROM PackageSubscriber LIMIT 3");
  BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
  BOOST_TEST_REQUIRE(rows->size() == 3u);
  std::string id18 = rows->at(0).id();
  BOOST_TEST(id18.size() == 18u);
  std::vector<std::string> ids = {id18, id18.substr(0, 15), rows->at(1).id().substr(0, 15)};
  auto retrieved = session->Retrieve("Id, OrgKey", "PackageSubscriber", ids);
  BOOST_TEST_REQUIRE(retrieved.ok(), retrieved.status().ToString());
  BOOST_TEST_REQUIRE(retrieved->size() == 3u);
  BOOST_TEST_REQUIRE((*retrieved)[1].has_value());
  BOOST_TEST((*retrieved)[1]->GetOr("OrgKey", "") == rows->at(0).GetOr("OrgKey", ""));
  BOOST_TEST((*retrieved)[2]->GetOr("OrgKey", "") == rows->at(1).GetOr("OrgKey", ""));
  auto by15 = session->QueryAllRows("SELECT Id FROM PackageSubscriber WHERE Id = '" +
                                    id18.substr(0, 15) + "'");
  BOOST_TEST_REQUIRE(by15.ok(), by15.status().ToString());
  BOOST_TEST_REQUIRE(by15->size() == 1u);
  BOOST_TEST(by15->at(0).id() == id18);
}

BOOST_AUTO_TEST_CASE(non_ascii_text_round_trips) {
  const std::string name = "Zoë 日本 € Tools";
  std::filesystem::path data = test::ScratchDir("session_fakeorg_utf8") / "data.json";
  {
    std::ofstream out(data);
    out << nlohmann::json{{"MetadataPackage", {{{"Name", name}, {"NamespacePrefix", "zoe"}}}}}.dump();
  }
  FakeOrgOptions options;
  options.extra_args = {"--data", data.string()};
  FakeOrg org(options);
  auto session = LogIn(org);
  auto rows = session->QueryAllRows("SELECT Id, Name FROM MetadataPackage WHERE Name = '" + name + "'");
  BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
  BOOST_TEST_REQUIRE(rows->size() == 1u);
  BOOST_TEST(rows->at(0).GetOr("Name", "") == name);
  auto log = org.RequestLog();
  BOOST_TEST(log.back().value("query", "").find(name) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expired_session_logs_in_again_transparently) {
  FakeOrg org;
  auto session = LogIn(org);
  auto clone = session->Clone();
  BOOST_TEST_REQUIRE(clone.ok());
  // End the shared session on the server (as its expiry would), through the clone.
  BOOST_TEST((*clone)->Logout().ok());
  Status status = session->Query("SELECT Id FROM PackageSubscriber LIMIT 1", nullptr);
  BOOST_TEST(status.ok(), status.ToString());
  BOOST_TEST(session->call_counts().Of("login") == 2);
  // The clone uses the renewed session without a login of its own.
  BOOST_TEST((*clone)->Query("SELECT Id FROM PackageSubscriber LIMIT 1", nullptr).ok());
  BOOST_TEST(session->call_counts().Of("login") == 2);
}

BOOST_AUTO_TEST_CASE(wrong_ca_is_refused) {
  FakeOrg org;
  SessionOptions options = org.session_options();
  options.transport.ca_file.clear();  // the system store does not know the test CA
  options.retry.max_attempts = 3;
  auto session = Session::Login(options, org.credentials());
  BOOST_TEST_REQUIRE(!session.ok());
  BOOST_TEST(session.status().code() == ErrorCode::kTransport);
  BOOST_TEST(!session.status().details().tls_reason.empty());
  BOOST_TEST_MESSAGE(session.status().ToString());
  BOOST_TEST(org.RequestLog().empty());  // nothing reached the org, and no retries were made
}

BOOST_AUTO_TEST_CASE(wrong_host_name_is_refused) {
  // The certificate names localhost and 127.0.0.1. "127.1" reaches the same address (the
  // resolver reads it as 127.0.0.1) but is neither name, so the host check must refuse it.
  FakeOrg org;
  PasswordCredentials credentials = org.credentials();
  credentials.login_url = "https://127.1:" + std::to_string(org.info()["port"].get<int>());
  auto session = Session::Login(org.session_options(), credentials);
  BOOST_TEST_REQUIRE(!session.ok());
  BOOST_TEST(session.status().code() == ErrorCode::kTransport);
  BOOST_TEST(!session.status().details().tls_reason.empty());
  BOOST_TEST_MESSAGE(session.status().ToString());
  // The name in the certificate works.
  credentials.login_url = "https://localhost:" + std::to_string(org.info()["port"].get<int>());
  BOOST_TEST(Session::Login(org.session_options(), credentials).ok());
}

}  // namespace
}  // namespace pushforce
