// SPDX-License-Identifier: GPL-2.0-or-later
// A push run on the fake org at --time-scale 100000 completes, and every job ends the way the
// truth file says it will.
#define BOOST_TEST_MODULE fakeorg_push
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "integration/fakeorg_client.hpp"
#include "support/fake_org.hpp"
#include "support/test_env.hpp"

#include "SoapBinding.nsmap"

namespace pushforce::test {
namespace {

struct Truth {
  std::string reason;
  std::string outcome;
  std::vector<std::string> error_types;
};

std::map<std::string, Truth> ReadTruth(const FakeOrg& org, const std::string& package_id) {
  std::map<std::string, Truth> out;
  std::ifstream in(org.truth_file_path());
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["package_id"] != package_id) continue;
    Truth t;
    t.reason = j["reason"];
    if (!j["outcome"].is_null()) t.outcome = j["outcome"];
    for (const auto& e : j["error_types"]) t.error_types.push_back(e);
    out[j["org_key"]] = t;
  }
  return out;
}

// ErrorType values of a PackagePushErrors child QueryResult fragment, in row order.
std::vector<std::string> ChildErrorTypes(const std::string& fragment) {
  std::vector<std::string> out;
  pugi::xml_document doc;
  doc.load_string(fragment.c_str(), pugi::parse_default | pugi::parse_fragment);
  for (auto records : doc.first_child().children("records")) {
    std::string type = records.child("sf:ErrorType").text().get();
    if (std::find(out.begin(), out.end(), type) == out.end()) out.push_back(type);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(push_completes_and_job_outcomes_equal_the_truth_file) {
  FakeOrgOptions options;
  options.subscribers = 400;
  options.seed = 7;
  options.truth_file = true;
  options.extra_args = {"--time-scale", "100000"};
  FakeOrg org(options);
  std::string package = org.info()["packages"][0]["id"];
  std::string version = org.info()["packages"][0]["latest_version_id"];
  auto truth = ReadTruth(org, package);
  BOOST_REQUIRE(!truth.empty());

  RawClient c(org);
  BOOST_REQUIRE_EQUAL(c.LoginAs(org), SOAP_OK);
  _sforce__createResponse request_out;
  BOOST_REQUIRE_EQUAL(
      c.Create({c.Record("PackagePushRequest", {{"PackageVersionId", version}})}, request_out),
      SOAP_OK);
  BOOST_REQUIRE(request_out.result[0]->success);
  std::string request = *request_out.result[0]->id;

  // Jobs for every eligible org, plus the beta and push-blocked orgs a careless client sends
  // anyway (by default those are accepted and fail when run); 200 per create().
  std::vector<std::string> keys;
  for (const auto& [key, t] : truth) {
    if (t.reason == "eligible" || t.reason == "beta_installed" ||
        t.reason == "blocked_by_subscriber") {
      keys.push_back(key);
    }
  }
  std::size_t eligible = 0;
  for (const auto& [key, t] : truth) eligible += t.reason == "eligible";
  BOOST_REQUIRE(eligible > 100);
  for (std::size_t start = 0; start < keys.size(); start += 200) {
    std::vector<sobj__sObject*> batch;
    for (std::size_t i = start; i < std::min(keys.size(), start + 200); ++i) {
      batch.push_back(c.Record("PackagePushJob", {{"PackagePushRequestId", request},
                                                  {"SubscriberOrganizationKey", keys[i]}}));
    }
    _sforce__createResponse jobs;
    BOOST_REQUIRE_EQUAL(c.Create(batch, jobs), SOAP_OK);
    for (auto* r : jobs.result) BOOST_TEST(r->success);
  }
  _sforce__updateResponse pending;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest", {{"Status", "Pending"}}, request)},
                               pending),
                      SOAP_OK);
  BOOST_REQUIRE(pending.result[0]->success);

  // Bounded wait on simulated progress (two simulated days pass in under two seconds).
  std::string status;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    _sforce__queryResponse q;
    BOOST_REQUIRE_EQUAL(c.Query("SELECT Status FROM PackagePushRequest WHERE Id = '" + request +
                                "'", q),
                        SOAP_OK);
    status = *FieldText(q.result->records[0], "Status");
    BOOST_REQUIRE(status == "Pending" || status == "InProgress" || status == "Succeeded" ||
                  status == "Failed");
    if (status == "Succeeded" || status == "Failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE_MESSAGE(status == "Succeeded" || status == "Failed", "still " << status);

  std::size_t seen = 0, failed = 0;
  std::string locator;
  _sforce__queryResponse first;
  BOOST_REQUIRE_EQUAL(c.Query("SELECT Id, SubscriberOrganizationKey, Status, StartTime, EndTime, "
                              "DurationSeconds, (SELECT ErrorSeverity, ErrorType, ErrorTitle, "
                              "ErrorMessage FROM PackagePushErrors) FROM PackagePushJob WHERE "
                              "PackagePushRequestId = '" + request + "'", first),
                      SOAP_OK);
  BOOST_TEST(first.result->size == static_cast<int>(keys.size()));
  std::vector<sobj__sObject*> records = first.result->records;
  locator = first.result->done ? "" : *first.result->queryLocator;
  while (!locator.empty()) {
    _sforce__queryMoreResponse more;
    BOOST_REQUIRE_EQUAL(c.QueryMore(locator, more), SOAP_OK);
    records.insert(records.end(), more.result->records.begin(), more.result->records.end());
    locator = more.result->done ? "" : *more.result->queryLocator;
  }
  for (auto* job : records) {
    std::string key = *FieldText(job, "SubscriberOrganizationKey");
    const Truth& t = truth.at(key);
    std::string job_status = *FieldText(job, "Status");
    BOOST_TEST(FieldText(job, "StartTime").has_value());
    BOOST_TEST(FieldText(job, "EndTime").has_value());
    BOOST_TEST(FieldText(job, "DurationSeconds").has_value());
    auto errors = FieldFragments(job, "PackagePushErrors");
    std::vector<std::string> types = ChildErrorTypes(errors.empty() ? "" : errors[0]);
    if (t.reason == "eligible") {
      BOOST_TEST(job_status == t.outcome, key);
      BOOST_TEST(types == t.error_types, key);
    } else {
      BOOST_TEST(job_status == "Failed", key);
      BOOST_TEST(types == std::vector<std::string>{"IneligibleUpgrade"}, key);
    }
    failed += job_status == "Failed";
    ++seen;
  }
  BOOST_TEST(seen == keys.size());
  // Default --request-status-rule any-failed.
  BOOST_TEST(status == (failed > 0 ? "Failed" : "Succeeded"));

  // A request that has run can no longer be aborted.
  _sforce__updateResponse abort;
  BOOST_REQUIRE_EQUAL(c.Update({c.Record("PackagePushRequest", {{"Status", "Canceled"}}, request)},
                               abort),
                      SOAP_OK);
  BOOST_TEST(!abort.result[0]->success);
}

}  // namespace pushforce::test
