// SPDX-License-Identifier: GPL-2.0-or-later
// Socket-free tests of the gSOAP stub and Session: canned Salesforce envelopes in, requests out.
#define BOOST_TEST_MODULE gsoap_replay
#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "internal/partner_stub.hpp"
#include "pushforce/session.hpp"
#include "sf_envelopes.hpp"

namespace pushforce {
namespace {

using internal::Call;
using internal::MakeReplayStub;
using namespace pushforce::test;

constexpr const char* kServer =
    "https://acme.my.salesforce.com/services/Soap/u/64.0/00DA0000000YpZ4";
constexpr const char* kSession = "00DA0000000YpZ4!AQ4AQSecretSessionValue";

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

SessionOptions FastOptions() {
  SessionOptions options;
  options.sleeper = [](std::chrono::milliseconds) {};
  return options;
}

PasswordCredentials Credentials(std::string login_url = "https://acme.my.salesforce.com") {
  PasswordCredentials credentials;
  credentials.login_url = std::move(login_url);
  credentials.username = "release@acme.example";
  credentials.password = "pa55word";
  credentials.security_token = "T0KEN";
  return credentials;
}

UserInfo TestUser() {
  UserInfo user;
  user.organization_id = "00DA0000000YpZ4MAK";
  user.server_url = kServer;
  return user;
}

// A session over canned responses; *requests receives what was sent.
std::unique_ptr<Session> ReplaySession(std::vector<std::string> responses,
                                       std::vector<std::string>* requests,
                                       SessionOptions options = FastOptions()) {
  return Session::FromStub(options,
                           MakeReplayStub(options.transport, std::move(responses), requests),
                           TestUser(), kSession);
}

std::string Gzip(std::string_view text) {
  z_stream stream{};
  BOOST_REQUIRE(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8,
                             Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// --- login -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(login_my_domain_switches_to_server_url_and_sends_headers) {
  std::vector<std::string> requests;
  SessionOptions options = FastOptions();
  auto stub = MakeReplayStub(options.transport,
                             {LoginOk(kServer, kSession),
                              QueryResponse("", 0, true, {}, "queryResponse", LimitInfo(17, 15000))},
                             &requests);
  auto session = Session::LoginWithStub(options, Credentials(), std::move(stub));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  const UserInfo& user = (*session)->user();
  BOOST_TEST(user.organization_id == "00DA0000000YpZ4MAK");
  BOOST_TEST(user.user_name == "release@acme.example");
  BOOST_TEST(user.session_seconds_valid == 7200);
  BOOST_TEST(user.server_url == kServer);
  BOOST_TEST(user.instance_url == "https://acme.my.salesforce.com");
  BOOST_TEST(!user.sandbox);

  BOOST_TEST_REQUIRE(requests.size() == 1u);
  // The security token is appended to the password; login carries no SessionHeader.
  BOOST_TEST(Contains(requests[0], "<sforce:password>pa55wordT0KEN</sforce:password>"));
  BOOST_TEST(Contains(requests[0], "<sforce:client>pushforce/"));
  BOOST_TEST(!Contains(requests[0], "SessionHeader"));

  BOOST_TEST((*session)->Query("SELECT Id FROM Organization", [](const QueryPage&) { return true; }).ok());
  BOOST_TEST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(Contains(requests[1], std::string("<sforce:sessionId>") + kSession));
  BOOST_TEST(Contains(requests[1], "<sforce:batchSize>2000</sforce:batchSize>"));
  BOOST_TEST((*session)->api_usage().used == 17);
  BOOST_TEST((*session)->api_usage().limit == 15000);
  BOOST_TEST((*session)->call_counts().Of("login") == 1);
  BOOST_TEST((*session)->call_counts().Of("query") == 1);
}

BOOST_AUTO_TEST_CASE(sandbox_login_without_user_info_asks_get_user_info) {
  std::vector<std::string> requests;
  SessionOptions options = FastOptions();
  std::string sandbox_server = "https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/64.0/00DA0000000YpZ4";
  auto stub = MakeReplayStub(
      options.transport,
      {LoginOk(sandbox_server, kSession, /*sandbox=*/true, /*with_user_info=*/false),
       Ok("<getUserInfoResponse><result>" +
          UserInfoXml("00DA0000000YpZ4MAK", "release@acme.example.uat").substr(10) +
          "</getUserInfoResponse>")},
      &requests);
  // The tail of UserInfoXml is "</userInfo>"; make the element names fit getUserInfo's result.
  (void)stub;
  std::string user_info = UserInfoXml("00DA0000000YpZ4MAK", "release@acme.example.uat");
  user_info = "<result>" + user_info.substr(std::string("<userInfo>").size());
  user_info.replace(user_info.rfind("</userInfo>"), std::string("</userInfo>").size(), "</result>");
  stub = MakeReplayStub(options.transport,
                        {LoginOk(sandbox_server, kSession, true, false),
                         Ok("<getUserInfoResponse>" + user_info + "</getUserInfoResponse>")},
                        &requests);
  auto session = Session::LoginWithStub(options, Credentials("https://test.salesforce.com"),
                                        std::move(stub));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  BOOST_TEST((*session)->user().sandbox);
  BOOST_TEST((*session)->user().user_name == "release@acme.example.uat");
  BOOST_TEST((*session)->user().instance_url == "https://acme--uat.sandbox.my.salesforce.com");
  BOOST_TEST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(Contains(requests[1], "<sforce:getUserInfo"));
  BOOST_TEST(Contains(requests[1], kSession));
}

struct LoginFaultCase {
  std::string code;
  std::string detail;
  std::string prefix;
  ErrorCode expected;
};

BOOST_AUTO_TEST_CASE(login_faults_map_to_clear_statuses) {
  std::vector<LoginFaultCase> cases = {
      {"INVALID_LOGIN", "LoginFault", "sf:", ErrorCode::kAuthentication},
      {"INVALID_LOGIN", "LoginFault", "", ErrorCode::kAuthentication},  // unprefixed faultcode
      {"LOGIN_MUST_USE_SECURITY_TOKEN", "LoginFault", "sf:", ErrorCode::kAuthentication},
      {"INSUFFICIENT_ACCESS", "UnexpectedErrorFault", "sf:", ErrorCode::kAuthentication},
      {"PASSWORD_LOCKOUT", "LoginFault", "sf:", ErrorCode::kAuthentication},
      {"UNSUPPORTED_API_VERSION", "UnexpectedErrorFault", "sf:", ErrorCode::kApiFault},
  };
  for (const LoginFaultCase& c : cases) {
    BOOST_TEST_CONTEXT(c.code << " prefix '" << c.prefix << "'") {
      std::vector<std::string> requests;
      SessionOptions options = FastOptions();
      auto stub = MakeReplayStub(options.transport,
                                 {Fault(c.code, "refused for the test", c.detail, c.prefix)},
                                 &requests);
      auto session = Session::LoginWithStub(options, Credentials(), std::move(stub));
      BOOST_TEST_REQUIRE(!session.ok());
      BOOST_TEST(session.status().code() == c.expected);
      BOOST_TEST(session.status().salesforce_code() == c.code);
      BOOST_TEST(session.status().details().http_status == 500);
      BOOST_TEST(Contains(session.status().message(), "refused for the test"));
      BOOST_TEST(!Contains(session.status().ToString(), "pa55word"));
      BOOST_TEST(requests.size() == 1u);  // never retried
    }
  }
}

BOOST_AUTO_TEST_CASE(expired_password_is_an_authentication_failure) {
  SessionOptions options = FastOptions();
  auto stub = MakeReplayStub(options.transport, {LoginOk(kServer, kSession, false, true, true)},
                             nullptr);
  auto session = Session::LoginWithStub(options, Credentials(), std::move(stub));
  BOOST_TEST_REQUIRE(!session.ok());
  BOOST_TEST(session.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(Contains(session.status().message(), "expired"));
}

BOOST_AUTO_TEST_CASE(login_url_with_path_is_used_as_given_and_bad_urls_refused) {
  SessionOptions options = FastOptions();
  // Invalid inputs fail before anything is sent.
  for (std::string url : {"ftp://login.salesforce.com", "http://login.salesforce.com",
                          "https://login.salesforce.com/services/Soap/c/64.0", "https://",
                          "https://user:pw@login.salesforce.com"}) {
    BOOST_TEST_CONTEXT(url) {
      std::vector<std::string> requests;
      auto stub = MakeReplayStub(options.transport, {LoginOk(kServer, kSession)}, &requests);
      auto session = Session::LoginWithStub(options, Credentials(url), std::move(stub));
      BOOST_TEST(session.status().code() == ErrorCode::kInvalidInput);
      BOOST_TEST(requests.empty());
    }
  }
  options.query_batch_size = 100;
  auto stub = MakeReplayStub(options.transport, {LoginOk(kServer, kSession)}, nullptr);
  auto session = Session::LoginWithStub(options, Credentials(), std::move(stub));
  BOOST_TEST(session.status().code() == ErrorCode::kInvalidInput);
  BOOST_TEST(Contains(session.status().message(), "200..2000"));
}

// --- attach ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(attach_checks_the_session_with_get_user_info) {
  std::string user_info = UserInfoXml();
  user_info = "<result>" + user_info.substr(std::string("<userInfo>").size());
  user_info.replace(user_info.rfind("</userInfo>"), std::string("</userInfo>").size(), "</result>");
  std::vector<std::string> requests;
  SessionOptions options = FastOptions();
  SessionCredentials credentials{kSession, "https://acme.my.salesforce.com"};
  auto session = Session::AttachWithStub(
      options, credentials,
      MakeReplayStub(options.transport, {Ok("<getUserInfoResponse>" + user_info + "</getUserInfoResponse>")},
                     &requests));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  BOOST_TEST((*session)->user().server_url ==
             "https://acme.my.salesforce.com/services/Soap/u/64.0");
  BOOST_TEST((*session)->user().organization_id == "00DA0000000YpZ4MAK");
  BOOST_TEST(Contains(requests.at(0), kSession));

  // An expired session cannot be renewed without a password: kAuthentication, one request.
  requests.clear();
  auto expired = Session::AttachWithStub(
      options, credentials,
      MakeReplayStub(options.transport,
                     {Fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")},
                     &requests));
  BOOST_TEST_REQUIRE(!expired.ok());
  BOOST_TEST(expired.status().code() == ErrorCode::kAuthentication);
  BOOST_TEST(requests.size() == 1u);
}

// --- faults ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(query_fault_carries_row_and_column) {
  auto session = ReplaySession(
      {Fault("INVALID_FIELD", "\nSELECT Nme FROM PackagePushJob\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nme'",
             "InvalidFieldFault", "sf:", "<sf:row>1</sf:row><sf:column>8</sf:column>")},
      nullptr);
  Status status = session->Query("SELECT Nme FROM PackagePushJob", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kApiFault);
  BOOST_TEST(status.salesforce_code() == "INVALID_FIELD");
  BOOST_TEST(status.details().row == 1);
  BOOST_TEST(status.details().column == 8);
  BOOST_TEST(Contains(status.ToString(), "(row 1, column 8)"));
}

BOOST_AUTO_TEST_CASE(unknown_exception_code_does_not_abort_the_fault) {
  auto session = ReplaySession(
      {Fault("A_CODE_FROM_SPRING_31", "something new", "UnexpectedErrorFault", "sf:")}, nullptr);
  Status status = session->Query("SELECT Id FROM PackagePushRequest", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kApiFault);
  BOOST_TEST(status.salesforce_code() == "A_CODE_FROM_SPRING_31");
  BOOST_TEST(status.message() == "something new");
}

BOOST_AUTO_TEST_CASE(fault_without_typed_detail_uses_the_faultcode) {
  std::string body =
      "<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
      "<faultstring>Element {urn:partner.soap.sforce.com}foo invalid at this location</faultstring>"
      "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  auto session = ReplaySession({HttpResponse(500, body)}, nullptr);
  Status status = session->Query("SELECT Id FROM Account", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kApiFault);
  BOOST_TEST(status.salesforce_code().empty());
  BOOST_TEST(Contains(status.message(), "invalid at this location"));
}

BOOST_AUTO_TEST_CASE(http_503_without_soap_is_retried_then_succeeds) {
  std::vector<std::string> requests;
  std::vector<std::chrono::milliseconds> waits;
  SessionOptions options = FastOptions();
  options.sleeper = [&](std::chrono::milliseconds wait) { waits.push_back(wait); };
  auto session = ReplaySession(
      {"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n<html>down</html>   ",
       QueryResponse("", 0)},
      &requests, options);
  Status status = session->Query("SELECT Id FROM Account", nullptr);
  BOOST_TEST(status.ok(), status.ToString());
  BOOST_TEST(requests.size() == 2u);
  BOOST_TEST(waits.size() == 1u);
}

BOOST_AUTO_TEST_CASE(unreadable_response_is_internal) {
  auto session = ReplaySession({HttpResponse(200, "<soapenv:Envelope><oops")}, nullptr);
  Status status = session->Query("SELECT Id FROM Account", nullptr);
  BOOST_TEST(!status.ok());
  BOOST_TEST(status.code() != ErrorCode::kOk);
}

// --- queries -----------------------------------------------------------------------------

std::string PushRequestRecord(std::string_view id, std::string_view status) {
  return "<records xsi:type=\"sf:sObject\"><sf:type>PackagePushRequest</sf:type><sf:Id>" +
         std::string(id) + "</sf:Id><sf:Id>" + std::string(id) +
         "</sf:Id><sf:Status>" + std::string(status) +
         "</sf:Status><sf:PackageVersion xsi:type=\"sf:sObject\"><sf:type>MetadataPackageVersion</sf:type>"
         "<sf:Id xsi:nil=\"true\"/><sf:MajorVersion>1</sf:MajorVersion><sf:MetadataPackage xsi:type=\"sf:sObject\">"
         "<sf:type>MetadataPackage</sf:type><sf:Id xsi:nil=\"true\"/><sf:Name>Acme &amp; Sons CRM</sf:Name>"
         "</sf:MetadataPackage></sf:PackageVersion><sf:EndTime xsi:nil=\"true\"/></records>";
}

BOOST_AUTO_TEST_CASE(query_decodes_nested_parents_and_nulls) {
  auto session = ReplaySession({QueryResponse(PushRequestRecord("0DV000000000001AAA", "Pending"), 1)},
                               nullptr);
  auto rows = session->QueryAllRows("SELECT ... FROM PackagePushRequest");
  BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
  BOOST_TEST_REQUIRE(rows->size() == 1u);
  const Record& row = rows->front();
  BOOST_TEST(row.type() == "PackagePushRequest");
  BOOST_TEST(row.id() == "0DV000000000001AAA");
  BOOST_TEST(row.GetOr("Status", "") == "Pending");
  BOOST_TEST(row.GetOr("PackageVersion.MetadataPackage.Name", "") == "Acme & Sons CRM");
  BOOST_TEST(row.GetInt("PackageVersion.MajorVersion").value_or(-1) == 1);
  BOOST_TEST_REQUIRE(row.Find("EndTime") != nullptr);
  BOOST_TEST(row.Find("EndTime")->kind == Field::Kind::kNull);
  // Id came twice; it is kept once, not as a field.
  size_t ids = 0;
  for (const Field& field : row.fields()) ids += field.name == "Id";
  BOOST_TEST(ids == 0u);
}

BOOST_AUTO_TEST_CASE(query_decodes_child_subquery_aggregate_and_address) {
  std::string job =
      "<records xsi:type=\"sf:sObject\"><sf:type>PackagePushJob</sf:type><sf:Id>0DX000000000001AAA</sf:Id>"
      "<sf:Id>0DX000000000001AAA</sf:Id><sf:SubscriberOrganizationKey>00DFeyLoahEKZqo</sf:SubscriberOrganizationKey>"
      "<sf:PackagePushErrors xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/>"
      "<records xsi:type=\"sf:sObject\"><sf:type>PackagePushError</sf:type><sf:Id xsi:nil=\"true\"/>"
      "<sf:ErrorMessage>Dependent package missing</sf:ErrorMessage><sf:ErrorType>IneligibleUpgrade</sf:ErrorType></records>"
      "<records xsi:type=\"sf:sObject\"><sf:type>PackagePushError</sf:type><sf:Id xsi:nil=\"true\"/>"
      "<sf:ErrorMessage>Second</sf:ErrorMessage><sf:ErrorType>UnclassifiedError</sf:ErrorType></records>"
      "<size>2</size></sf:PackagePushErrors></records>";
  std::string aggregate =
      "<records xsi:type=\"sf:sObject\"><sf:type>AggregateResult</sf:type><sf:Id xsi:nil=\"true\"/>"
      "<sf:expr0 xsi:type=\"xsd:int\">4500</sf:expr0><sf:Status xsi:type=\"xsd:string\">Succeeded</sf:Status>"
      "<sf:cnt xsi:type=\"xsd:int\">12</sf:cnt></records>";
  std::string account =
      "<records xsi:type=\"sf:sObject\"><sf:type>Account</sf:type><sf:Id>001A000001AbCdEIAV</sf:Id>"
      "<sf:BillingAddress xsi:type=\"address\"><city>Zürich</city><country>Switzerland</country>"
      "<latitude xsi:nil=\"true\"/></sf:BillingAddress></records>";
  auto session = ReplaySession({QueryResponse(job + aggregate + account, 3)}, nullptr);
  auto rows = session->QueryAllRows("SELECT ...");
  BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
  BOOST_TEST_REQUIRE(rows->size() == 3u);
  const std::vector<Record>& errors = (*rows)[0].Children("PackagePushErrors");
  BOOST_TEST_REQUIRE(errors.size() == 2u);
  BOOST_TEST(errors[0].type() == "PackagePushError");
  BOOST_TEST(errors[0].GetOr("ErrorType", "") == "IneligibleUpgrade");
  BOOST_TEST(errors[1].GetOr("ErrorMessage", "") == "Second");
  BOOST_TEST((*rows)[0].Find("PackagePushErrors")->children_done);
  BOOST_TEST((*rows)[0].GetOr("SubscriberOrganizationKey", "") == "00DFeyLoahEKZqo");

  const Record& aggregate_row = (*rows)[1];
  BOOST_TEST(aggregate_row.type() == "AggregateResult");
  BOOST_TEST(aggregate_row.id().empty());
  BOOST_TEST(aggregate_row.GetInt("expr0").value_or(-1) == 4500);
  BOOST_TEST(aggregate_row.GetInt("cnt").value_or(-1) == 12);
  BOOST_TEST(aggregate_row.GetOr("Status", "") == "Succeeded");

  const Record& account_row = (*rows)[2];
  BOOST_TEST(account_row.GetOr("BillingAddress.city", "") == "Zürich");
  BOOST_TEST(account_row.Find("BillingAddress")->records.front().type() == "address");
  BOOST_TEST(account_row.Find("BillingAddress.latitude")->kind == Field::Kind::kNull);
}

BOOST_AUTO_TEST_CASE(query_all_pages_through_query_more) {
  std::vector<std::string> requests;
  std::string page1 = PushRequestRecord("0DV000000000001AAA", "Pending") +
                      PushRequestRecord("0DV000000000002AAA", "Succeeded");
  std::string page2 = PushRequestRecord("0DV000000000003AAA", "Canceled");
  auto session = ReplaySession(
      {QueryResponse(page1, 3, false, "0r8xx0000000001AAA-2000", "queryAllResponse"),
       QueryResponse(page2, 3, true, {}, "queryMoreResponse", LimitInfo(120, 15000))},
      &requests);
  std::vector<size_t> page_sizes;
  std::vector<std::string> ids;
  Status status = session->Query(
      "SELECT Id FROM PackagePushRequest",
      [&](const QueryPage& page) {
        page_sizes.push_back(page.records.size());
        BOOST_TEST(page.total_size == 3);
        for (const Record& r : page.records) ids.push_back(r.id());
        return true;
      },
      QueryScope::kIncludeDeleted);
  BOOST_TEST_REQUIRE(status.ok(), status.ToString());
  BOOST_TEST(page_sizes == (std::vector<size_t>{2, 1}), boost::test_tools::per_element());
  BOOST_TEST(ids.back() == "0DV000000000003AAA");
  BOOST_TEST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(Contains(requests[0], "<sforce:queryAll>"));
  BOOST_TEST(Contains(requests[1], "<sforce:queryLocator>0r8xx0000000001AAA-2000</sforce:queryLocator>"));
  // Headers are set again for every call (gSOAP replaced them with the response's).
  BOOST_TEST(Contains(requests[1], kSession));
  BOOST_TEST(!Contains(requests[1], "LimitInfoHeader"));
  BOOST_TEST(session->call_counts().Of("queryAll") == 1);
  BOOST_TEST(session->call_counts().Of("queryMore") == 1);
  BOOST_TEST(session->api_usage().used == 120);
}

BOOST_AUTO_TEST_CASE(query_stops_when_the_callback_says_so) {
  std::vector<std::string> requests;
  auto session = ReplaySession(
      {QueryResponse(PushRequestRecord("0DV000000000001AAA", "Pending"), 3, false, "0r8-1")},
      &requests);
  int pages = 0;
  Status status = session->Query("SELECT Id FROM PackagePushRequest", [&](const QueryPage&) {
    ++pages;
    return false;
  });
  BOOST_TEST(status.ok());
  BOOST_TEST(pages == 1);
  BOOST_TEST(requests.size() == 1u);
}

// --- saves -------------------------------------------------------------------------------

std::string SaveResults(size_t n, size_t first_index, const std::string& element = "createResponse") {
  std::string body = "<" + element + ">";
  for (size_t i = 0; i < n; ++i) {
    size_t index = first_index + i;
    if (index % 7 == 3) {
      body += "<result><errors><fields>SubscriberOrganizationKey</fields><fields>PackagePushRequestId</fields>"
              "<message>duplicate value found: row " + std::to_string(index) +
              "</message><statusCode>DUPLICATE_VALUE</statusCode></errors>"
              "<id xsi:nil=\"true\"/><success>false</success></result>";
    } else if (index % 7 == 5) {
      body += "<result><errors><message>brand new</message><statusCode>A_STATUS_FROM_THE_FUTURE"
              "</statusCode></errors><id xsi:nil=\"true\"/><success>false</success></result>";
    } else {
      char id[19];
      std::snprintf(id, sizeof id, "0DX%012zuAAA", index);
      body += "<result><id>" + std::string(id) + "</id><success>true</success></result>";
    }
  }
  return Ok(body + "</" + element + ">");
}

std::vector<Record> Jobs(size_t n) {
  std::vector<Record> jobs;
  for (size_t i = 0; i < n; ++i) {
    Record job("PackagePushJob");
    job.Set("PackagePushRequestId", "0DV000000000001AAA");
    job.Set("SubscriberOrganizationKey", "00D00000000" + std::to_string(1000 + i));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

BOOST_AUTO_TEST_CASE(create_450_in_three_chunks_maps_outcomes_to_inputs) {
  std::vector<std::string> requests;
  auto session = ReplaySession({SaveResults(200, 0), SaveResults(200, 200), SaveResults(50, 400)},
                               &requests);
  std::vector<Record> jobs = Jobs(450);
  BatchResult result = session->Create(jobs);
  BOOST_TEST_REQUIRE(result.status.ok(), result.status.ToString());
  BOOST_TEST_REQUIRE(result.outcomes.size() == 450u);
  BOOST_TEST_REQUIRE(requests.size() == 3u);
  BOOST_TEST(Count(requests[0], "<sforce:sObjects>") == 200u);
  BOOST_TEST(Count(requests[2], "<sforce:sObjects>") == 50u);
  BOOST_TEST(Contains(requests[0], "<sforce:allOrNone>false</sforce:allOrNone>"));
  BOOST_TEST(Contains(requests[2], "<SubscriberOrganizationKey xmlns=\"urn:sobject.partner.soap.sforce.com\">00D000000001449</SubscriberOrganizationKey>"));
  for (size_t i : {0u, 3u, 5u, 203u, 449u}) {
    BOOST_TEST_CONTEXT("record " << i) {
      const SaveOutcome& outcome = result.outcomes[i];
      if (i % 7 == 3) {
        BOOST_TEST(!outcome.success);
        BOOST_TEST_REQUIRE(outcome.errors.size() == 1u);
        BOOST_TEST(outcome.errors[0].status_code == "DUPLICATE_VALUE");
        BOOST_TEST(outcome.errors[0].message == "duplicate value found: row " + std::to_string(i));
        BOOST_TEST(outcome.errors[0].fields.size() == 2u);
      } else if (i % 7 == 5) {
        BOOST_TEST(!outcome.success);
        BOOST_TEST(outcome.errors.at(0).status_code == "A_STATUS_FROM_THE_FUTURE");
      } else {
        BOOST_TEST(outcome.success);
        BOOST_TEST(outcome.id.substr(0, 3) == "0DX");
      }
    }
  }
  BOOST_TEST(session->call_counts().Of("create") == 3);
}

BOOST_AUTO_TEST_CASE(create_failure_keeps_the_chunks_already_done) {
  std::vector<std::string> requests;
  auto session = ReplaySession(
      {SaveResults(200, 0), Fault("INVALID_TYPE", "sObject type 'PackagePushJob' is not supported.",
                                  "InvalidSObjectFault")},
      &requests);
  std::vector<Record> jobs = Jobs(450);
  BatchResult result = session->Create(jobs);
  BOOST_TEST(result.outcomes.size() == 200u);
  BOOST_TEST(result.status.salesforce_code() == "INVALID_TYPE");
  BOOST_TEST(requests.size() == 2u);
}

BOOST_AUTO_TEST_CASE(update_escapes_values_and_sends_fields_to_null) {
  std::vector<std::string> requests;
  auto session = ReplaySession({SaveResults(1, 0, "updateResponse")}, &requests);
  Record request("PackagePushRequest");
  request.set_id("0DV000000000001AAA");
  request.Set("Status", "Canceled");
  request.Set("Description__c", "Acme & <Sons> \"quoted\" Zoë 日本 €");
  request.SetNull("ScheduledStartTime");
  BatchResult result = session->Update(std::span<const Record>(&request, 1));
  BOOST_TEST_REQUIRE(result.status.ok(), result.status.ToString());
  BOOST_TEST_REQUIRE(requests.size() == 1u);
  const std::string& sent = requests[0];
  BOOST_TEST(Contains(sent, "<sobj:Id>0DV000000000001AAA</sobj:Id>"));
  BOOST_TEST(Contains(sent, "<sobj:fieldsToNull>ScheduledStartTime</sobj:fieldsToNull>"));
  BOOST_TEST(Contains(sent, "Acme &amp; &lt;Sons&gt; &quot;quoted&quot; Zoë 日本 €"));
  BOOST_TEST(Contains(sent, "<sobj:type>PackagePushRequest</sobj:type>"));
}

BOOST_AUTO_TEST_CASE(invalid_outbound_values_fail_before_sending) {
  std::vector<std::string> requests;
  auto session = ReplaySession({SaveResults(1, 0)}, &requests);
  Record bad("PackagePushJob");
  bad.Set("Name", std::string("bell\x07"));
  BatchResult result = session->Create(std::span<const Record>(&bad, 1));
  BOOST_TEST(result.status.code() == ErrorCode::kInvalidInput);
  Record bad_name("PackagePushJob");
  bad_name.Set("Name><x", "v");
  result = session->Create(std::span<const Record>(&bad_name, 1));
  BOOST_TEST(result.status.code() == ErrorCode::kInvalidInput);
  BOOST_TEST(requests.empty());
}

BOOST_AUTO_TEST_CASE(upsert_delete_retrieve_timestamp_logout) {
  std::vector<std::string> requests;
  auto session = ReplaySession(
      {Ok("<upsertResponse><result><created>true</created><id>001A000001AbCdEIAV</id><success>true</success></result></upsertResponse>"),
       Ok("<deleteResponse><result><id>001A000001AbCdEIAV</id><success>true</success></result></deleteResponse>"),
       Ok("<retrieveResponse><result xsi:type=\"sf:sObject\"><sf:type>Account</sf:type><sf:Id>001A000001AbCdE</sf:Id>"
          "<sf:Id>001A000001AbCdE</sf:Id><sf:Name>Zoë 日本 €</sf:Name></result><result xsi:nil=\"true\"/></retrieveResponse>"),
       Ok("<getServerTimestampResponse><result><timestamp>2024-05-01T12:34:56.789Z</timestamp></result></getServerTimestampResponse>"),
       Ok("<logoutResponse/>")},
      &requests);
  Record account("Account");
  account.Set("Ext__c", "A-1");
  BatchResult upserted = session->Upsert("Ext__c", std::span<const Record>(&account, 1));
  BOOST_TEST_REQUIRE(upserted.status.ok(), upserted.status.ToString());
  BOOST_TEST(upserted.outcomes.at(0).created);
  BOOST_TEST(Contains(requests[0], "<sforce:externalIDFieldName>Ext__c</sforce:externalIDFieldName>"));

  std::vector<std::string> ids = {"001A000001AbCdEIAV"};
  BatchResult deleted = session->Delete(ids);
  BOOST_TEST(deleted.status.ok());
  BOOST_TEST(deleted.outcomes.at(0).success);

  std::vector<std::string> retrieve_ids = {"001A000001AbCdE", "001A000009ZzZzZ"};  // 15-char ids
  auto retrieved = session->Retrieve("Id, Name", "Account", retrieve_ids);
  BOOST_TEST_REQUIRE(retrieved.ok(), retrieved.status().ToString());
  BOOST_TEST_REQUIRE(retrieved->size() == 2u);
  BOOST_TEST((*retrieved)[0]->id() == "001A000001AbCdE");
  BOOST_TEST((*retrieved)[0]->GetOr("Name", "") == "Zoë 日本 €");
  BOOST_TEST(!(*retrieved)[1].has_value());

  auto timestamp = session->ServerTimestamp();
  BOOST_TEST_REQUIRE(timestamp.ok(), timestamp.status().ToString());
  BOOST_TEST(*timestamp == "2024-05-01T12:34:56Z");
  BOOST_TEST(session->Logout().ok());
  BOOST_TEST(Contains(requests.at(4), "<sforce:logout"));
}

// --- transport encodings and traces --------------------------------------------------------

BOOST_AUTO_TEST_CASE(gzip_and_chunked_responses_decode_and_trace_in_clear) {
  std::string envelope = PartnerEnvelope(
      "<queryResponse><result xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/>"
      "<records xsi:type=\"sf:sObject\"><sf:type>Organization</sf:type><sf:Id>00DA0000000YpZ4MAK</sf:Id>"
      "<sf:Name>Zoë 日本 €</sf:Name></records><size>1</size></result></queryResponse>");
  std::string gz = Gzip(envelope);
  std::string gzip_response = "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Encoding: gzip\r\nContent-Length: " +
                              std::to_string(gz.size()) + "\r\n\r\n" + gz;
  std::string half = envelope.substr(0, envelope.size() / 2);
  std::string rest = envelope.substr(envelope.size() / 2);
  auto hex = [](size_t n) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%zx", n);
    return std::string(buffer);
  };
  std::string chunked_response = "HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                 hex(half.size()) + "\r\n" + half + "\r\n" + hex(rest.size()) + "\r\n" + rest + "\r\n0\r\n\r\n";
  std::vector<std::pair<std::string, std::string>> traces;
  SessionOptions options = FastOptions();
  options.transport.trace = [&](std::string_view direction, std::string_view xml) {
    traces.emplace_back(std::string(direction), std::string(xml));
  };
  auto session = ReplaySession({gzip_response, chunked_response}, nullptr, options);
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST_CONTEXT((i == 0 ? "gzip" : "chunked")) {
      auto rows = session->QueryAllRows("SELECT Name FROM Organization");
      BOOST_TEST_REQUIRE(rows.ok(), rows.status().ToString());
      BOOST_TEST(rows->at(0).GetOr("Name", "") == "Zoë 日本 €");
    }
  }
  BOOST_TEST_REQUIRE(traces.size() == 4u);
  BOOST_TEST(traces[1].first == "response");
  BOOST_TEST(traces[1].second == envelope);  // inflated, exactly once
  BOOST_TEST(traces[3].second == envelope);  // de-chunked
}

BOOST_AUTO_TEST_CASE(traces_redact_session_ids_and_passwords) {
  std::vector<std::string> traces;
  SessionOptions options = FastOptions();
  options.transport.trace = [&](std::string_view direction, std::string_view xml) {
    traces.push_back(std::string(direction) + ": " + std::string(xml));
  };
  auto stub = MakeReplayStub(options.transport,
                             {LoginOk(kServer, kSession), QueryResponse("", 0)}, nullptr);
  auto session = Session::LoginWithStub(options, Credentials(), std::move(stub));
  BOOST_TEST_REQUIRE(session.ok());
  BOOST_TEST((*session)->Query("SELECT Id FROM Account", nullptr).ok());
  BOOST_TEST_REQUIRE(traces.size() == 4u);
  for (const std::string& trace : traces) {
    BOOST_TEST(!Contains(trace, "pa55word"));
    BOOST_TEST(!Contains(trace, "T0KEN"));
    BOOST_TEST(!Contains(trace, "SecretSessionValue"));
  }
  BOOST_TEST(Contains(traces[0], "<sforce:password>[redacted]</sforce:password>"));
  BOOST_TEST(Contains(traces[1], "<sessionId>[redacted]</sessionId>"));
  BOOST_TEST(Contains(traces[2], "<sforce:sessionId>[redacted]</sforce:sessionId>"));
  BOOST_TEST(Contains(traces[0], "release@acme.example"));  // the username is not a secret
}

BOOST_AUTO_TEST_CASE(responses_over_the_size_limit_are_refused) {
  SessionOptions options = FastOptions();
  options.transport.max_response_bytes = 200;
  options.retry.max_attempts = 1;
  std::string big = PushRequestRecord("0DV000000000001AAA", std::string(5000, 'x'));
  auto session = ReplaySession({QueryResponse(big, 1)}, nullptr, options);
  Status status = session->Query("SELECT Id FROM PackagePushRequest", nullptr);
  BOOST_TEST(status.code() == ErrorCode::kTransport);
  BOOST_TEST(Contains(status.message(), "max_response_bytes"));
  BOOST_TEST_MESSAGE(status.ToString() << " http " << status.details().http_status);
}

}  // namespace
}  // namespace pushforce
