// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org speaks the Partner API as Salesforce does: login faults, limits, SOQL shapes
// and faults, paging, DML limits and per-record errors, abort rules, the request log, TLS.
#define BOOST_TEST_MODULE fakeorg_soap
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "integration/fakeorg_client.hpp"
#include "support/fake_org.hpp"
#include "support/test_env.hpp"

#include "SoapBinding.nsmap"

namespace pushforce::test {
namespace {

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string PackageA(const FakeOrg& org) { return org.info()["packages"][0]["id"]; }
std::string LatestA(const FakeOrg& org) { return org.info()["packages"][0]["latest_version_id"]; }

// Truth-file lines of the first package, by reason.
std::vector<std::string> OrgsWithReason(const FakeOrg& org, const std::string& reason) {
  std::vector<std::string> out;
  std::ifstream in(org.truth_file_path());
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["package_id"] == PackageA(org) && j["reason"] == reason) out.push_back(j["org_key"]);
  }
  return out;
}

FakeOrgOptions WithTruth(int subscribers, std::vector<std::string> extra = {}) {
  FakeOrgOptions o;
  o.subscribers = subscribers;
  o.truth_file = true;
  o.extra_args = std::move(extra);
  return o;
}

std::string CreateRequest(RawClient& c, const std::string& version) {
  _sforce__createResponse out;
  BOOST_REQUIRE_EQUAL(c.Create({c.Record("PackagePushRequest", {{"PackageVersionId", version}})},
                               out),
                      SOAP_OK);
  BOOST_REQUIRE_EQUAL(out.result.size(), 1u);
  BOOST_REQUIRE(out.result[0]->success);
  return *out.result[0]->id;
}

}  // namespace

BOOST_AUTO_TEST_CASE(login_succeeds_and_returns_user_info_without_limit_header) {
  FakeOrg org;
  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);
  auto* result = c.login_response().result;
  BOOST_TEST(!c.session().empty());
  BOOST_TEST(c.server_url().find(org.login_url() + "/services/Soap/u/64.0/00D") == 0u);
  BOOST_TEST(c.server_url().size() == (org.login_url() + "/services/Soap/u/64.0/").size() + 15);
  BOOST_REQUIRE(result->userInfo != nullptr);
  BOOST_TEST(result->userInfo->organizationId->size() == 18u);
  BOOST_TEST(*result->userInfo->userName == org.info()["username"].get<std::string>());
  BOOST_TEST(*result->userInfo->sessionSecondsValid == 7200);
  // LimitInfoHeader comes with every call except login().
  BOOST_TEST((c.proxy().soap->header == nullptr ||
              c.proxy().soap->header->sforce__LimitInfoHeader == nullptr));
}

BOOST_AUTO_TEST_CASE(bad_password_and_missing_token_are_login_faults) {
  FakeOrg org;
  RawClient c(org);
  std::string user = org.info()["username"];
  BOOST_TEST(c.Login(user, "wrong") == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "INVALID_LOGIN");
  BOOST_TEST(c.proxy().soap->status == 500);
  BOOST_TEST(c.FaultString().rfind("INVALID_LOGIN: Invalid username, password, security token", 0) == 0u);
  BOOST_REQUIRE(c.proxy().soap->fault->detail != nullptr);
  BOOST_TEST(c.proxy().soap->fault->detail->fault__LoginFault_ != nullptr);

  RawClient c2(org);
  BOOST_TEST(c2.Login(user, org.info()["password"].get<std::string>()) == SOAP_FAULT);
  BOOST_TEST(c2.FaultCode() == "LOGIN_MUST_USE_SECURITY_TOKEN");

  RawClient old(org, "", "30.0");
  BOOST_TEST(old.LoginAs(org) == SOAP_FAULT);
  BOOST_TEST(old.FaultCode() == "UNSUPPORTED_API_VERSION");
  RawClient retired(org, "", "65.0");
  BOOST_TEST(retired.LoginAs(org) == SOAP_FAULT);
}

BOOST_AUTO_TEST_CASE(queries_have_salesforce_shapes) {
  FakeOrg org(WithTruth(60));
  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);

  _sforce__queryResponse q;
  BOOST_REQUIRE_EQUAL(c.Query("select id, NAME, MetadataPackage.Name FROM MetadataPackageVersion "
                              "WHERE ReleaseState = 'Released' AND IsDeprecated = false ORDER BY "
                              "MajorVersion DESC, MinorVersion DESC LIMIT 3", q),
                      SOAP_OK);
  // LimitInfoHeader "API REQUESTS" on every response but login.
  auto* header = c.proxy().soap->header;
  BOOST_REQUIRE(header != nullptr && header->sforce__LimitInfoHeader != nullptr);
  BOOST_REQUIRE_EQUAL(header->sforce__LimitInfoHeader->limitInfo.size(), 1u);
  BOOST_TEST(header->sforce__LimitInfoHeader->limitInfo[0]->type == "API REQUESTS");
  BOOST_TEST(header->sforce__LimitInfoHeader->limitInfo[0]->current == 1);
  BOOST_TEST(header->sforce__LimitInfoHeader->limitInfo[0]->limit == 100000);
  BOOST_REQUIRE(q.result != nullptr);
  BOOST_TEST(q.result->size == 3);
  BOOST_REQUIRE_EQUAL(q.result->records.size(), 3u);
  auto* first = q.result->records[0];
  BOOST_TEST(first->type == "MetadataPackageVersion");
  BOOST_REQUIRE(first->Id != nullptr);
  BOOST_TEST(first->Id->size() == 18u);
  // Id twice; describe-exact case for fields written in any case; nested parent record.
  BOOST_TEST(FieldFragments(first, "Id").size() == 1u);
  BOOST_TEST(FieldFragments(first, "Name").size() == 1u);
  BOOST_REQUIRE_EQUAL(FieldFragments(first, "MetadataPackage").size(), 1u);
  std::string parent = FieldFragments(first, "MetadataPackage")[0];
  BOOST_TEST(parent.find("xsi:type=\"sf:sObject\"") != std::string::npos);
  BOOST_TEST(parent.find("<sf:Name>Acme Billing</sf:Name>") != std::string::npos);
  BOOST_TEST(*FieldText(first, "Name") != "Autumn '24");  // the deprecated one is excluded

  // A query without Id returns a single null Id.
  _sforce__queryResponse noid;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT OrgKey FROM PackageSubscriber LIMIT 1", noid), SOAP_OK);
  BOOST_TEST(noid.result->records[0]->Id == nullptr);
  BOOST_TEST(FieldFragments(noid.result->records[0], "Id").empty());

  // Child subquery.
  _sforce__queryResponse child;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Name, (SELECT OrgKey, OrgStatus FROM PackageSubscribers "
                              "WHERE InstalledStatus = 'i') FROM MetadataPackageVersion WHERE "
                              "Id = '" + LatestA(org) + "'", child),
                      SOAP_OK);
  BOOST_REQUIRE_EQUAL(child.result->records.size(), 1u);
  auto subs = FieldFragments(child.result->records[0], "PackageSubscribers");
  BOOST_REQUIRE_EQUAL(subs.size(), 1u);
  BOOST_TEST(subs[0].find("xsi:type=\"QueryResult\"") != std::string::npos);
  BOOST_TEST(subs[0].find("<sf:OrgKey>00D") != std::string::npos);

  // COUNT() returns only the size; COUNT(Id) with GROUP BY returns AggregateResult records.
  _sforce__queryResponse count;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT COUNT() FROM PackageSubscriber WHERE MetadataPackageId = '" +
                              PackageA(org) + "'", count),
                      SOAP_OK);
  BOOST_TEST(count.result->size == 60);
  BOOST_TEST(count.result->records.empty());
  _sforce__queryResponse groups;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT OrgStatus, COUNT(Id) FROM PackageSubscriber WHERE "
                              "MetadataPackageId = '" + PackageA(org).substr(0, 15) +
                              "' GROUP BY OrgStatus", groups),
                      SOAP_OK);
  BOOST_REQUIRE(!groups.result->records.empty());
  int total = 0;
  for (auto* r : groups.result->records) {
    BOOST_TEST(r->type == "AggregateResult");
    BOOST_TEST(FieldText(r, "OrgStatus").has_value());
    total += std::stoi(*FieldText(r, "expr0"));
  }
  BOOST_TEST(total == 60);

  // SOQL's != keeps rows whose field is null; booleans, IN and LIKE work.
  _sforce__queryResponse ne;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT COUNT() FROM PackageSubscriber WHERE ParentOrg != "
                              "'00D000000000001' AND OrgStatus IN ('Active', 'Trial', 'Demo', "
                              "'Free', 'Inactive') AND (NOT OrgName LIKE 'zz\\_%')", ne),
                      SOAP_OK);
  _sforce__queryResponse all;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT COUNT() FROM PackageSubscriber", all), SOAP_OK);
  BOOST_TEST(ne.result->size == all.result->size);
}

BOOST_AUTO_TEST_CASE(bad_queries_are_typed_faults_with_row_and_column) {
  FakeOrg org;
  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);
  _sforce__queryResponse q;
  BOOST_TEST(c.Query("SELECT Id FROM PackageSubscriber\nWHERE OrgKey = = 'x'", q) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "MALFORMED_QUERY");
  auto* detail = c.proxy().soap->fault->detail;
  BOOST_REQUIRE(detail != nullptr && detail->fault__MalformedQueryFault_ != nullptr);
  BOOST_TEST(detail->fault__MalformedQueryFault_->row == 2);
  BOOST_TEST(detail->fault__MalformedQueryFault_->column == 16);

  BOOST_TEST(c.Query("SELECT Id, adfId FROM PackageSubscriber", q) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "INVALID_FIELD");
  detail = c.proxy().soap->fault->detail;
  BOOST_REQUIRE(detail != nullptr && detail->fault__InvalidFieldFault_ != nullptr);
  BOOST_TEST(detail->fault__InvalidFieldFault_->row == 1);
  BOOST_TEST(detail->fault__InvalidFieldFault_->column == 12);
  BOOST_TEST(c.FaultString().find("No such column 'adfId' on entity 'PackageSubscriber'") !=
             std::string::npos);

  BOOST_TEST(c.Query("SELECT Id FROM PackagePushThing", q) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "INVALID_TYPE");

  BOOST_TEST(c.Query("SELECT Id FROM PackageSubscriber WHERE OrgStatus = 'a' OR OrgStatus = 'b' "
                     "AND OrgType = 'c'", q) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "MALFORMED_QUERY");  // AND and OR need parentheses in SOQL
}

BOOST_AUTO_TEST_CASE(five_thousand_rows_page_at_two_thousand_and_locators_are_single_use) {
  FakeOrg org(WithTruth(5000));
  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);
  _sforce__queryResponse first;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Id, OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '" +
                              PackageA(org) + "' ORDER BY OrgKey", first, 2000),
                      SOAP_OK);
  BOOST_TEST(first.result->size == 5000);
  BOOST_TEST(first.result->records.size() == 2000u);
  BOOST_TEST(!first.result->done);
  BOOST_REQUIRE(first.result->queryLocator != nullptr);
  std::string locator = *first.result->queryLocator;
  std::size_t seen = first.result->records.size();
  std::string last_key = *FieldText(first.result->records.back(), "OrgKey");
  while (!locator.empty()) {
    _sforce__queryMoreResponse more;
    BOOST_REQUIRE_EQUAL(c.QueryMore(locator, more, 2000), SOAP_OK);
    BOOST_TEST(more.result->size == 5000);
    // SOQL sorts text case-insensitively.
    BOOST_TEST(Lower(*FieldText(more.result->records.front(), "OrgKey")) > Lower(last_key));
    last_key = *FieldText(more.result->records.back(), "OrgKey");
    seen += more.result->records.size();
    std::string used = locator;
    locator = more.result->done ? "" : *more.result->queryLocator;
    _sforce__queryMoreResponse again;
    BOOST_TEST(c.QueryMore(used, again) == SOAP_FAULT);
    BOOST_TEST(c.FaultCode() == "INVALID_QUERY_LOCATOR");
  }
  BOOST_TEST(seen == 5000u);
}

BOOST_AUTO_TEST_CASE(dml_limits_duplicates_eligibility_and_abort_rules) {
  FakeOrg org2(WithTruth(200));
  const FakeOrg& org = org2;
  RawClient c(org2);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org2), SOAP_OK);
  auto eligible = OrgsWithReason(org, "eligible");
  auto newer = OrgsWithReason(org, "newer_version");
  BOOST_REQUIRE(eligible.size() >= 3);
  BOOST_REQUIRE(!newer.empty());

  // 201 records in one create() is a call-level fault.
  std::vector<sobj__sObject*> many;
  for (int i = 0; i < 201; ++i) {
    many.push_back(c.Record("PackagePushRequest", {{"PackageVersionId", LatestA(org2)}}));
  }
  _sforce__createResponse big;
  BOOST_TEST(c.Create(many, big) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "EXCEEDED_ID_LIMIT");

  std::string request = CreateRequest(c, LatestA(org2));
  BOOST_TEST(request.substr(0, 3) == "0DV");
  _sforce__createResponse jobs;
  BOOST_REQUIRE_EQUAL(
      c.Create({c.Record("PackagePushJob", {{"PackagePushRequestId", request},
                                            {"SubscriberOrganizationKey", eligible[0]}}),
                c.Record("PackagePushJob", {{"PackagePushRequestId", request.substr(0, 15)},
                                            {"SubscriberOrganizationKey", eligible[0]}}),
                c.Record("PackagePushJob", {{"PackagePushRequestId", request},
                                            {"SubscriberOrganizationKey", newer[0]}}),
                c.Record("PackagePushJob", {{"SubscriberOrganizationKey", eligible[1]}}),
                c.Record("PackagePushJob", {{"PackagePushRequestId", request},
                                            {"SubscriberOrganizationKey", eligible[1]},
                                            {"Status", "Bogus"}})},
               jobs),
      SOAP_OK);
  BOOST_REQUIRE_EQUAL(jobs.result.size(), 5u);
  BOOST_TEST(jobs.result[0]->success);
  BOOST_TEST(jobs.result[0]->id->substr(0, 3) == "0DX");
  BOOST_REQUIRE(!jobs.result[1]->success);
  BOOST_TEST(jobs.result[1]->errors[0]->statusCode == "DUPLICATE_VALUE");
  BOOST_REQUIRE(!jobs.result[2]->success);
  BOOST_TEST(jobs.result[2]->errors[0]->message.rfind(
                 "The specified SubscriberOrganizationKey is not eligible to receive this "
                 "upgrade.", 0) == 0u);
  BOOST_REQUIRE(!jobs.result[3]->success);
  BOOST_TEST(jobs.result[3]->errors[0]->statusCode == "REQUIRED_FIELD_MISSING");
  BOOST_REQUIRE(!jobs.result[4]->success);
  BOOST_TEST(jobs.result[4]->errors[0]->statusCode == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");

  // A beta version can't be a push target.
  _sforce__queryResponse beta;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Id FROM MetadataPackageVersion WHERE ReleaseState = 'Beta' "
                              "LIMIT 1", beta),
                      SOAP_OK);
  _sforce__createResponse bad;
  BOOST_REQUIRE_EQUAL(c.Create({c.Record("PackagePushRequest",
                                         {{"PackageVersionId", *beta.result->records[0]->Id}})},
                               bad),
                      SOAP_OK);
  BOOST_TEST(!bad.result[0]->success);

  // Job Status is not updateable; the request is aborted instead, which cancels its jobs.
  _sforce__updateResponse job_update;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushJob", {{"Status", "Canceled"}},
                                         *jobs.result[0]->id)},
                               job_update),
                      SOAP_OK);
  BOOST_TEST(!job_update.result[0]->success);
  BOOST_TEST(job_update.result[0]->errors[0]->statusCode == "INVALID_FIELD_FOR_INSERT_UPDATE");
  _sforce__updateResponse abort;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest", {{"Status", "Canceled"}}, request)},
                               abort),
                      SOAP_OK);
  BOOST_TEST(abort.result[0]->success);
  _sforce__queryResponse canceled;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Status FROM PackagePushJob WHERE PackagePushRequestId = '" +
                              request + "'", canceled),
                      SOAP_OK);
  BOOST_TEST(*FieldText(canceled.result->records[0], "Status") == "Canceled");
  // A canceled request can't be scheduled or aborted again into another state; no new jobs.
  _sforce__updateResponse resume;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest", {{"Status", "Pending"}}, request)},
                               resume),
                      SOAP_OK);
  BOOST_TEST(!resume.result[0]->success);
  _sforce__createResponse late;
  BOOST_REQUIRE_EQUAL(c.Create({c.Record("PackagePushJob", {{"PackagePushRequestId", request},
                                                            {"SubscriberOrganizationKey",
                                                             eligible[2]}})},
                               late),
                      SOAP_OK);
  BOOST_TEST(!late.result[0]->success);

  // Pending (scheduled far ahead at time scale 1) can still be aborted.
  std::string scheduled = CreateRequest(c, LatestA(org2));
  _sforce__updateResponse pending;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest",
                                         {{"Status", "Pending"},
                                          {"ScheduledStartTime", "2099-01-01T01:00:00Z"}},
                                         scheduled)},
                               pending),
                      SOAP_OK);
  BOOST_REQUIRE(pending.result[0]->success);
  _sforce__updateResponse abort2;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest", {{"Status", "Canceled"}},
                                         scheduled)},
                               abort2),
                      SOAP_OK);
  BOOST_TEST(abort2.result[0]->success);

  // GROUP BY over the jobs of a request.
  _sforce__queryResponse by_status;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Status, COUNT(Id) FROM PackagePushJob WHERE "
                              "PackagePushRequestId = '" + request + "' GROUP BY Status",
                              by_status),
                      SOAP_OK);
  BOOST_REQUIRE_EQUAL(by_status.result->records.size(), 1u);
  BOOST_TEST(*FieldText(by_status.result->records[0], "Status") == "Canceled");
  BOOST_TEST(*FieldText(by_status.result->records[0], "expr0") == "1");

  // The request log: one line per call, with the exceptionCode of faults, no secrets.
  auto log = org2.RequestLog();
  BOOST_REQUIRE(log.size() >= 10u);
  BOOST_TEST(log[0]["operation"] == "login");
  bool saw_limit = false, saw_jobs = false;
  for (const auto& line : log) {
    if (line["operation"] == "create" && line["fault"] == "EXCEEDED_ID_LIMIT") {
      saw_limit = line["records"] == 201 && line["object"] == "PackagePushRequest";
    }
    if (line["operation"] == "create" && line["object"] == "PackagePushJob" &&
        line["records"] == 5) {
      saw_jobs = line["fault"].is_null();
    }
  }
  BOOST_TEST(saw_limit);
  BOOST_TEST(saw_jobs);
  std::string text = ReadFile(org2.request_log_path());
  BOOST_TEST(text.find(c.session()) == std::string::npos);
  BOOST_TEST(text.find(org2.info()["password"].get<std::string>()) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(sessions_expire_and_api_limit_is_enforced) {
  FakeOrg org(WithTruth(10, {"--api-limit", "3"}));
  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);
  _sforce__queryResponse q;
  for (int i = 0; i < 3; ++i) BOOST_TEST(c.Query("SELECT Id FROM Organization", q) == SOAP_OK);
  BOOST_TEST(c.Query("SELECT Id FROM Organization", q) == SOAP_FAULT);
  BOOST_TEST(c.FaultCode() == "REQUEST_LIMIT_EXCEEDED");

  RawClient stranger(org);
  BOOST_TEST(stranger.Query("SELECT Id FROM Organization", q) == SOAP_FAULT);
  BOOST_TEST(stranger.FaultCode() == "INVALID_SESSION_ID");
}

BOOST_AUTO_TEST_CASE(a_client_trusting_another_ca_is_refused) {
  FakeOrg org;
  FakeOrg other;
  RawClient c(org, other.ca_file());
  BOOST_TEST(c.LoginAs(org) != SOAP_OK);
  BOOST_TEST(c.proxy().soap->error == SOAP_SSL_ERROR);
  RawClient good(org);
  BOOST_TEST(good.LoginAs(org) == SOAP_OK);  // the org survived the failed handshake
}

}  // namespace pushforce::test
