// SPDX-License-Identifier: GPL-2.0-or-later
// Conformance: every Salesforce response in ../shared/reference/fixtures decodes to its values.
#define BOOST_TEST_MODULE reference_fixtures
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "internal/partner_stub.hpp"
#include "pushforce/session.hpp"
#include "sf_envelopes.hpp"
#include "support/test_env.hpp"

namespace pushforce {
namespace {

namespace utf = boost::unit_test;
using internal::Call;

std::string Fixture(const std::string& name) {
  return test::ReadFile(*test::ReferenceDir() / "fixtures" / name);
}

// A stub that answers its next call with the fixture, framed as Salesforce does (faults: 500).
std::unique_ptr<internal::PartnerStub> StubFor(const std::string& name, int http_status = 200) {
  return internal::MakeReplayStub(TransportOptions{}, {test::HttpResponse(http_status, Fixture(name))},
                                  nullptr);
}

Call AnyCall() {
  Call call;
  call.endpoint = "https://example.invalid/services/Soap/u/64.0";
  call.session_id = "sid";
  return call;
}

struct LoginExpectation {
  std::string file;
  std::string session_prefix;
  std::string server_url;
  std::string organization_id;  // "" when the response has no userInfo
  std::string user_name;
  int session_seconds_valid;
  bool sandbox;
};

BOOST_AUTO_TEST_CASE(login_responses, *utf::precondition(test::NeedsReference())) {
  std::vector<LoginExpectation> cases = {
      {"login-response.xml", "00DA0000000YpZ4!ARAAQEH.613sgjdp",
       "https://na7.salesforce.com/services/Soap/u/28.0/00DA0000000YpZ4", "00DA0000000YpZ4MAK",
       "john.doe@email.com", 7200, false},
      {"login-response-2.xml", "00DU0000000Ilbh!AQoAQHVcube9Z6",
       "https://na12-api.salesforce.com/services/Soap/u/23.0/00DU0000000Ilbh", "00DU0000000AlbhMAC",
       "foo@bar.com", 7200, false},
      {"login-response-mydomain.xml", "00D30ACACA00RnR!AQQAQHLrBFDF",
       "https://foobar.my.salesforce.com/services/Soap/u/37.0/00D30ACACA00RnR", "0090909ACA00RnREAU",
       "foobar.homer@foobar.com", 14400, false},
      {"login-response-sandbox-no-userinfo.xml", "00D11000000DMaw!AQQAQDaNeywTW68",
       "https://cs18.salesforce.com/services/Soap/u/34.0/00D11000000DMaw", "", "", 0, true},
  };
  for (const LoginExpectation& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      Call call = AnyCall();
      auto reply = StubFor(c.file)->Login(call, "user", "password");
      BOOST_TEST_REQUIRE(reply.ok(), reply.status().ToString());
      BOOST_TEST(reply->session_id.rfind(c.session_prefix, 0) == 0u);
      BOOST_TEST(reply->server_url == c.server_url);
      BOOST_TEST(reply->sandbox == c.sandbox);
      BOOST_TEST(!reply->password_expired);
      BOOST_TEST(!reply->user_id.empty());
      if (c.organization_id.empty()) {
        BOOST_TEST(!reply->user_info.has_value());
      } else {
        BOOST_TEST_REQUIRE(reply->user_info.has_value());
        BOOST_TEST(reply->user_info->organization_id == c.organization_id);
        BOOST_TEST(reply->user_info->user_name == c.user_name);
        BOOST_TEST(reply->user_info->session_seconds_valid == c.session_seconds_valid);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(login_faults, *utf::precondition(test::NeedsReference())) {
  for (std::string file : {"login-fault-invalid-login.xml", "login-fault-invalid-login-noprefix.xml"}) {
    BOOST_TEST_CONTEXT(file) {
      Call call = AnyCall();
      auto reply = StubFor(file, 500)->Login(call, "user", "password");
      BOOST_TEST_REQUIRE(!reply.ok());
      BOOST_TEST(reply.status().code() == ErrorCode::kAuthentication);
      BOOST_TEST(reply.status().salesforce_code() == "INVALID_LOGIN");
      BOOST_TEST(reply.status().message() == "Invalid username, password, security token; or user locked out.");
      BOOST_TEST(reply.status().details().http_status == 500);
    }
  }
}

BOOST_AUTO_TEST_CASE(call_faults, *utf::precondition(test::NeedsReference())) {
  Call call = AnyCall();
  auto session_fault = StubFor("fault-invalid-session-id.xml", 500)->Query(call, "SELECT Id FROM Account", QueryScope::kActive);
  BOOST_TEST_REQUIRE(!session_fault.ok());
  BOOST_TEST(session_fault.status().salesforce_code() == "INVALID_SESSION_ID");
  BOOST_TEST(session_fault.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(session_fault.status().message() == "Invalid Session ID found in SessionHeader: Illegal Session");

  auto field_fault = StubFor("fault-invalid-field.xml", 500)->Query(call, "select adfId from Contact", QueryScope::kActive);
  BOOST_TEST_REQUIRE(!field_fault.ok());
  BOOST_TEST(field_fault.status().salesforce_code() == "INVALID_FIELD");
  BOOST_TEST(field_fault.status().code() == ErrorCode::kApiFault);
  BOOST_TEST(field_fault.status().details().row == 1);
  BOOST_TEST(field_fault.status().details().column == 8);
  BOOST_TEST(field_fault.status().message().find("No such column 'adfId' on entity 'Contact'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(query_responses, *utf::precondition(test::NeedsReference())) {
  Call call = AnyCall();
  auto opportunities = StubFor("query-response.xml")->Query(call, "q", QueryScope::kActive);
  BOOST_TEST_REQUIRE(opportunities.ok(), opportunities.status().ToString());
  BOOST_TEST(opportunities->done);
  BOOST_TEST(opportunities->size == 2);
  BOOST_TEST_REQUIRE(opportunities->records.size() == 2u);
  BOOST_TEST(opportunities->records[0].type() == "Opportunity");
  BOOST_TEST(opportunities->records[0].id() == "006A000000LZhwNIAT");
  BOOST_TEST(opportunities->records[0].fields().size() == 2u);  // Name, StageName; Id once, as id()
  BOOST_TEST(opportunities->records[1].GetOr("StageName", "") == "Value Proposition");
  BOOST_TEST(!call.api_usage.has_value());

  call = AnyCall();
  auto organization = StubFor("query-response-organization.xml")->Query(call, "q", QueryScope::kActive);
  BOOST_TEST_REQUIRE(organization.ok());
  BOOST_TEST(organization->records.at(0).id() == "00DA0000000YpZ4MAK");
  BOOST_TEST(organization->records.at(0).fields().empty());

  call = AnyCall();
  auto contacts = StubFor("query-response-contact-limitinfo.xml")->Query(call, "q", QueryScope::kActive);
  BOOST_TEST_REQUIRE(contacts.ok());
  BOOST_TEST(contacts->records.at(1).GetOr("Name", "") == "BazQux Simpson");
  BOOST_TEST_REQUIRE(call.api_usage.has_value());
  BOOST_TEST(call.api_usage->used == 22092);
  BOOST_TEST(call.api_usage->limit == 64000);

  call = AnyCall();
  auto custom = StubFor("query-response-custom-fields.xml")->Query(call, "q", QueryScope::kActive);
  BOOST_TEST_REQUIRE(custom.ok());
  BOOST_TEST(custom->size == 4);
  const Record& first = custom->records.at(0);
  BOOST_TEST(first.id() == "00680000016vtCNAAY");
  BOOST_TEST(first.GetOr("Primary_Quote_OTD_in_months__c", "") == "1.5");
  BOOST_TEST(first.GetInt("FiscalYear").value_or(0) == 2017);
  BOOST_TEST(first.GetOr("IsDeleted", "") == "false");
  BOOST_TEST(first.GetOr("Name", "") == "Autino - Expansion to Ent, Guide , Talk & Chat");
  BOOST_TEST(first.fields().size() == 4u);  // the trailing duplicate Id is not a field
  BOOST_TEST(custom->records.at(2).GetOr("Name", "") == "DraftKings | +61E (146) +61 Prem Chat (146)");
  BOOST_TEST(call.api_usage->used == 1105872);
  BOOST_TEST(call.api_usage->limit == 6597200);

  call = AnyCall();
  auto address = StubFor("query-response-address-field.xml")->Query(call, "q", QueryScope::kActive);
  BOOST_TEST_REQUIRE(address.ok());
  const Record& account = address->records.at(0);
  BOOST_TEST(account.id() == "00680000016vtCNAAY");
  BOOST_TEST(account.GetOr("BillingAddress.city", "") == "keysborough");
  BOOST_TEST(account.GetOr("BillingAddress.countryCode", "") == "AU");
  BOOST_TEST(account.GetOr("BillingAddress.latitude", "") == "-37.98953058101774");
  BOOST_TEST(account.GetOr("BillingAddress.street", "") == "364cambriard");
}

BOOST_AUTO_TEST_CASE(query_all_and_query_more, *utf::precondition(test::NeedsReference())) {
  Call call = AnyCall();
  auto first = StubFor("queryall-response-not-done.xml")->Query(call, "q", QueryScope::kIncludeDeleted);
  BOOST_TEST_REQUIRE(first.ok(), first.status().ToString());
  BOOST_TEST(!first->done);
  BOOST_TEST(first->query_locator == "01g1E00009HWXuZQAX-2000");
  BOOST_TEST(first->size == 3000);
  BOOST_TEST(first->records.size() == 2u);
  BOOST_TEST(first->records[0].GetOr("Name", "") == "Krech Ojard &Associates-4 REG");
  BOOST_TEST(first->records[0].id() == "0068000000gP5C3AAK");
  BOOST_TEST(call.api_usage->used == 1032097);

  call = AnyCall();
  auto last = StubFor("queryall-response-done.xml")->Query(call, "q", QueryScope::kIncludeDeleted);
  BOOST_TEST_REQUIRE(last.ok());
  BOOST_TEST(last->done);
  BOOST_TEST(last->query_locator.empty());
  BOOST_TEST(last->size == 2);

  call = AnyCall();
  auto more = StubFor("querymore-response.xml")->QueryMore(call, "01gD0000001vELkIAM-200");
  BOOST_TEST_REQUIRE(more.ok());
  BOOST_TEST(more->done);
  BOOST_TEST(more->records.size() == 2u);
  BOOST_TEST(more->records[0].GetOr("Name", "") == "Opportunity 1");
}

BOOST_AUTO_TEST_CASE(save_results, *utf::precondition(test::NeedsReference())) {
  Call call = AnyCall();
  std::vector<Record> one(1, Record("Opportunity"));
  auto created = StubFor("create-response-success.xml")->Create(call, one);
  BOOST_TEST_REQUIRE(created.ok(), created.status().ToString());
  BOOST_TEST(created->at(0).success);
  BOOST_TEST(created->at(0).id == "006A000000LbiizIAB");

  auto failed = StubFor("create-response-error.xml")->Create(call, one);
  BOOST_TEST_REQUIRE(failed.ok());
  BOOST_TEST(!failed->at(0).success);
  BOOST_TEST(failed->at(0).id.empty());
  BOOST_TEST_REQUIRE(failed->at(0).errors.size() == 1u);
  BOOST_TEST(failed->at(0).errors[0].status_code == "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY");
  BOOST_TEST(failed->at(0).errors[0].message == "insufficient access rights on cross-reference id");
  BOOST_TEST(failed->at(0).errors[0].fields.empty());

  auto updated = StubFor("update-response-error.xml")->Update(call, one);
  BOOST_TEST_REQUIRE(updated.ok());
  BOOST_TEST(!updated->at(0).success);
  BOOST_TEST(updated->at(0).errors.at(0).status_code == "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY");
}

BOOST_AUTO_TEST_CASE(unbound_prefixes_are_rejected, *utf::precondition(test::NeedsReference())) {
  Call call = AnyCall();
  auto reply = StubFor("docsample-querymore-response-not-done.unbound-prefixes.xml.txt")
                   ->QueryMore(call, "01gD0000001vELkIAM-200");
  BOOST_TEST(!reply.ok());
  BOOST_TEST(reply.status().code() == ErrorCode::kInternal);
}

BOOST_AUTO_TEST_CASE(every_response_fixture_is_covered, *utf::precondition(test::NeedsReference())) {
  const std::set<std::string> covered = {
      "login-response.xml", "login-response-2.xml", "login-response-mydomain.xml",
      "login-response-sandbox-no-userinfo.xml", "login-fault-invalid-login.xml",
      "login-fault-invalid-login-noprefix.xml", "fault-invalid-session-id.xml",
      "fault-invalid-field.xml", "query-response.xml", "query-response-organization.xml",
      "query-response-contact-limitinfo.xml", "query-response-custom-fields.xml",
      "query-response-address-field.xml", "queryall-response-not-done.xml",
      "queryall-response-done.xml", "querymore-response.xml", "create-response-success.xml",
      "create-response-error.xml", "update-response-error.xml",
      "docsample-querymore-request.xml",  // a request, not a response
  };
  for (const auto& entry : std::filesystem::directory_iterator(*test::ReferenceDir() / "fixtures")) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".xml") continue;
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(covered.count(name) == 1u); }
  }
}

}  // namespace
}  // namespace pushforce
