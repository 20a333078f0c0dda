// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the record codec, URL handling, fault mapping and trace redaction.
#define BOOST_TEST_MODULE session_codec
#include <boost/test/unit_test.hpp>

#include <string>

#include "internal/fault_mapping.hpp"
#include "internal/record_codec.hpp"
#include "internal/redact.hpp"
#include "internal/url.hpp"

namespace pushforce {
inline std::ostream& boost_test_print_type(std::ostream& out, ErrorCode code) {
  return out << ErrorCodeName(code);
}
inline std::ostream& boost_test_print_type(std::ostream& out, Field::Kind kind) {
  return out << static_cast<int>(kind);
}

namespace {

using namespace internal;

BOOST_AUTO_TEST_CASE(decode_text_null_and_entities) {
  auto field = DecodeField("<sf:Name>Acme &amp; Sons &lt;EU&gt;</sf:Name>");
  BOOST_TEST_REQUIRE(field.ok());
  BOOST_TEST(field->name == "Name");
  BOOST_TEST(field->kind == Field::Kind::kText);
  BOOST_TEST(field->text == "Acme & Sons <EU>");

  auto null = DecodeField("<sf:Phone xsi:nil=\"true\"/>");
  BOOST_TEST_REQUIRE(null.ok());
  BOOST_TEST(null->kind == Field::Kind::kNull);

  // An empty string is not null.
  auto empty = DecodeField("<sf:Description></sf:Description>");
  BOOST_TEST(empty->kind == Field::Kind::kText);
  BOOST_TEST(empty->text.empty());

  // Whitespace-only values survive.
  auto spaces = DecodeField("<sf:Code>  </sf:Code>");
  BOOST_TEST(spaces->text == "  ");

  auto utf8 = DecodeField("<sobj:Name>Zoë 日本 €</sobj:Name>");
  BOOST_TEST(utf8->text == "Zoë 日本 €");
}

BOOST_AUTO_TEST_CASE(decode_parent_keeps_type_and_skips_nil_id) {
  auto field = DecodeField(
      "<sf:Owner xsi:type=\"sf:sObject\"><sf:type>User</sf:type><sf:Id xsi:nil=\"true\"/>"
      "<sf:Name>Ann</sf:Name><sf:Type>Standard</sf:Type></sf:Owner>");
  BOOST_TEST_REQUIRE(field.ok());
  BOOST_TEST(field->kind == Field::Kind::kParent);
  const Record& owner = field->records.at(0);
  BOOST_TEST(owner.type() == "User");
  BOOST_TEST(owner.id().empty());
  BOOST_TEST(owner.GetOr("Name", "") == "Ann");
  // "Type" (a field, e.g. Opportunity.Type) is not the sObject's "type".
  BOOST_TEST(owner.GetOr("Type", "") == "Standard");
}

BOOST_AUTO_TEST_CASE(decode_record_keeps_one_id) {
  std::string typed_id = "0DX000000000001AAA";
  auto record = DecodeRecord("PackagePushJob", &typed_id,
                             {"<sf:Status>Pending</sf:Status>", "<sf:Id>0DX000000000001AAA</sf:Id>"});
  BOOST_TEST_REQUIRE(record.ok());
  BOOST_TEST(record->id() == "0DX000000000001AAA");
  BOOST_TEST(record->fields().size() == 1u);
  // A query without Id: a nil typed Id, no Id among the fields.
  auto no_id = DecodeRecord("AggregateResult", nullptr, {"<sf:expr0 xsi:type=\"xsd:int\">3</sf:expr0>"});
  BOOST_TEST(no_id->id().empty());
  BOOST_TEST(no_id->GetInt("expr0").value_or(0) == 3);
}

BOOST_AUTO_TEST_CASE(decode_children_not_done) {
  auto field = DecodeField(
      "<sf:PackagePushErrors xsi:type=\"QueryResult\"><done>false</done>"
      "<queryLocator>0r8x-200</queryLocator><records xsi:type=\"sf:sObject\"><sf:type>PackagePushError</sf:type>"
      "<sf:Id xsi:nil=\"true\"/><sf:ErrorTitle>t</sf:ErrorTitle></records><size>250</size></sf:PackagePushErrors>");
  BOOST_TEST_REQUIRE(field.ok());
  BOOST_TEST(field->kind == Field::Kind::kChildren);
  BOOST_TEST(!field->children_done);
  BOOST_TEST(field->records.size() == 1u);
  BOOST_TEST(field->records[0].GetOr("ErrorTitle", "") == "t");
}

BOOST_AUTO_TEST_CASE(decode_refuses_garbage_and_deep_nesting) {
  BOOST_TEST(!DecodeField("<sf:Name>unterminated").ok());
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<sf:P xsi:type=\"sf:sObject\"><sf:type>X</sf:type>";
  deep += "<sf:Name>n</sf:Name>";
  for (int i = 0; i < 100; ++i) deep += "</sf:P>";
  auto field = DecodeField(deep);
  BOOST_TEST(!field.ok());
  BOOST_TEST(field.status().code() == ErrorCode::kInternal);
}

BOOST_AUTO_TEST_CASE(encode_is_self_contained_and_escaped) {
  Field field{"Name", Field::Kind::kText, "A & B <c> \"d\"\r\n", {}, true};
  auto encoded = EncodeField(field);
  BOOST_TEST_REQUIRE(encoded.ok());
  BOOST_TEST(*encoded ==
             "<Name xmlns=\"urn:sobject.partner.soap.sforce.com\">A &amp; B &lt;c&gt; &quot;d&quot;&#13;\n</Name>");
  // Round trip through the decoder.
  auto back = DecodeField(*encoded);
  BOOST_TEST(back->text == "A & B <c> \"d\"\r\n");
}

BOOST_AUTO_TEST_CASE(encode_record_splits_nulls_and_parents) {
  Record job("PackagePushJob");
  job.set_id("0DX000000000001AAA");
  job.Set("Status", "Canceled");
  job.SetNull("ScheduledStartTime");
  Record owner("User");
  owner.Set("Ext__c", "u-1");
  job.AddField(Field{"Owner", Field::Kind::kParent, "", {owner}, true});
  auto encoded = EncodeRecord(job);
  BOOST_TEST_REQUIRE(encoded.ok());
  BOOST_TEST(encoded->fields_to_null == std::vector<std::string>{"ScheduledStartTime"});
  BOOST_TEST_REQUIRE(encoded->fragments.size() == 2u);
  BOOST_TEST(encoded->fragments[1] ==
             "<Owner xmlns=\"urn:sobject.partner.soap.sforce.com\"><type xmlns=\"urn:sobject.partner.soap.sforce.com\">User</type>"
             "<Ext__c xmlns=\"urn:sobject.partner.soap.sforce.com\">u-1</Ext__c></Owner>");
}

BOOST_AUTO_TEST_CASE(encode_refuses_what_xml_cannot_carry) {
  BOOST_TEST(!EncodeField(Field{"Name", Field::Kind::kText, "nul\x01", {}, true}).ok());
  BOOST_TEST(!EncodeField(Field{"Name", Field::Kind::kText, "\xC3", {}, true}).ok());      // truncated
  BOOST_TEST(!EncodeField(Field{"Name", Field::Kind::kText, "\xC0\xAF", {}, true}).ok());  // overlong
  BOOST_TEST(!EncodeField(Field{"Name", Field::Kind::kText, "\xED\xA0\x80", {}, true}).ok());  // surrogate
  BOOST_TEST(!EncodeField(Field{"1Name", Field::Kind::kText, "v", {}, true}).ok());
  BOOST_TEST(!EncodeField(Field{"a b", Field::Kind::kText, "v", {}, true}).ok());
  BOOST_TEST(!EncodeField(Field{"Kids", Field::Kind::kChildren, "", {}, true}).ok());
  BOOST_TEST(EncodeField(Field{"ns__Name__c", Field::Kind::kText, "😀", {}, true}).ok());
}

BOOST_AUTO_TEST_CASE(login_endpoints) {
  BOOST_TEST(*LoginEndpoint("https://login.salesforce.com", "64.0") ==
             "https://login.salesforce.com/services/Soap/u/64.0");
  BOOST_TEST(*LoginEndpoint("https://test.salesforce.com/", "58.0") ==
             "https://test.salesforce.com/services/Soap/u/58.0");
  BOOST_TEST(*LoginEndpoint("https://acme.my.salesforce.com", "64.0") ==
             "https://acme.my.salesforce.com/services/Soap/u/64.0");
  BOOST_TEST(*LoginEndpoint("https://127.0.0.1:8443", "64.0") ==
             "https://127.0.0.1:8443/services/Soap/u/64.0");
  BOOST_TEST(*LoginEndpoint("HTTPS://login.salesforce.com/services/Soap/u/52.0", "64.0") ==
             "https://login.salesforce.com/services/Soap/u/52.0");  // WSC authEndpoint as given
  BOOST_TEST(*LoginEndpoint("http://localhost:8080", "64.0") ==
             "http://localhost:8080/services/Soap/u/64.0");
  BOOST_TEST(LoginEndpoint("http://login.salesforce.com", "64.0").status().code() == ErrorCode::kInvalidInput);
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com/services/Soap/c/64.0", "64.0").ok());
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com/services/Soap/u/", "64.0").ok());
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com/other", "64.0").ok());
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com:99999", "64.0").ok());
  BOOST_TEST(!LoginEndpoint("login.salesforce.com", "64.0").ok());
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com", "64").ok());
  BOOST_TEST(!LoginEndpoint("https://login.salesforce.com", "v64.0").ok());
}

BOOST_AUTO_TEST_CASE(session_endpoints_and_instance_urls) {
  BOOST_TEST(*SessionEndpoint("https://acme.my.salesforce.com", "64.0") ==
             "https://acme.my.salesforce.com/services/Soap/u/64.0");
  BOOST_TEST(*SessionEndpoint("https://na12.salesforce.com/services/Soap/u/58.0/00DA0000000YpZ4", "64.0") ==
             "https://na12.salesforce.com/services/Soap/u/58.0/00DA0000000YpZ4");
  BOOST_TEST(InstanceUrl("https://acme.my.salesforce.com/services/Soap/u/64.0/00DA0000000YpZ4") ==
             "https://acme.my.salesforce.com");
  BOOST_TEST(InstanceUrl("https://127.0.0.1:4443") == "https://127.0.0.1:4443");
}

BOOST_AUTO_TEST_CASE(fault_mapping) {
  BOOST_TEST(StripQNamePrefix("fault:INVALID_LOGIN") == "INVALID_LOGIN");
  BOOST_TEST(StripQNamePrefix("\"\":INVALID_LOGIN") == "INVALID_LOGIN");
  BOOST_TEST(StripQNamePrefix("INVALID_LOGIN") == "INVALID_LOGIN");

  FaultInfo fault;
  fault.faultcode = "fault:INVALID_SESSION_ID";
  fault.faultstring = "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session";
  fault.http_status = 500;
  Status status = StatusFromFault(fault);
  BOOST_TEST(status.code() == ErrorCode::kAuthentication);
  BOOST_TEST(status.salesforce_code() == "INVALID_SESSION_ID");
  BOOST_TEST(status.message() == "Invalid Session ID found in SessionHeader: Illegal Session");

  fault = FaultInfo{};
  fault.faultcode = "SOAP-ENV:Server";
  fault.faultstring = "boom";
  status = StatusFromFault(fault);
  BOOST_TEST(status.code() == ErrorCode::kApiFault);
  BOOST_TEST(status.salesforce_code().empty());
}

BOOST_AUTO_TEST_CASE(retry_classification) {
  auto with = [](ErrorCode code, std::string sf, int http, bool arrived, std::string tls = {}) {
    ErrorDetails details;
    details.salesforce_code = std::move(sf);
    details.http_status = http;
    details.request_may_have_arrived = arrived;
    details.tls_reason = std::move(tls);
    return Status(code, "x", details);
  };
  BOOST_TEST(IsRetryable(with(ErrorCode::kApiFault, "SERVER_UNAVAILABLE", 500, false), false));
  BOOST_TEST(IsRetryable(with(ErrorCode::kApiFault, "UNABLE_TO_LOCK_ROW", 500, false), false));
  BOOST_TEST(IsRetryable(with(ErrorCode::kApiFault, "API_CURRENTLY_DISABLED", 500, false), true));
  BOOST_TEST(!IsRetryable(with(ErrorCode::kApiFault, "MALFORMED_QUERY", 500, false), true));
  BOOST_TEST(!IsRetryable(with(ErrorCode::kAuthentication, "INVALID_LOGIN", 500, false), true));
  BOOST_TEST(IsRetryable(with(ErrorCode::kTransport, "", 503, false), false));
  BOOST_TEST(IsRetryable(with(ErrorCode::kTransport, "", 502, true), true));
  BOOST_TEST(!IsRetryable(with(ErrorCode::kTransport, "", 502, true), false));  // create
  BOOST_TEST(!IsRetryable(with(ErrorCode::kTransport, "", 404, false), true));
  BOOST_TEST(IsRetryable(with(ErrorCode::kTransport, "", 0, false), false));  // refused
  BOOST_TEST(IsRetryable(with(ErrorCode::kTransport, "", 0, true), true));    // reset, query
  BOOST_TEST(!IsRetryable(with(ErrorCode::kTransport, "", 0, true), false));  // reset, create
  BOOST_TEST(IsRetryable(with(ErrorCode::kTimeout, "", 0, false), false));    // connect timeout
  BOOST_TEST(!IsRetryable(with(ErrorCode::kTransport, "", 0, false, "certificate verify failed"), true));
}

BOOST_AUTO_TEST_CASE(redaction) {
  std::string in =
      "POST /services/Soap/u/64.0 HTTP/1.1\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n"
      "<e:Envelope><e:Header><sforce:SessionHeader><sforce:sessionId>00D!abc</sforce:sessionId>"
      "</sforce:SessionHeader></e:Header><e:Body><login><username>u@x</username><password>pwTOKEN</password>"
      "</login><sessionId xsi:nil=\"true\"/><sessionIdHint>keep</sessionIdHint></e:Body></e:Envelope>";
  std::string out = RedactSecrets(in);
  BOOST_TEST(out.find("00D!abc") == std::string::npos);
  BOOST_TEST(out.find("pwTOKEN") == std::string::npos);
  BOOST_TEST(out.find("dXNlcjpwYXNz") == std::string::npos);
  BOOST_TEST(out.find("<sforce:sessionId>[redacted]</sforce:sessionId>") != std::string::npos);
  BOOST_TEST(out.find("<password>[redacted]</password>") != std::string::npos);
  BOOST_TEST(out.find("<username>u@x</username>") != std::string::npos);
  BOOST_TEST(out.find("<sessionIdHint>keep</sessionIdHint>") != std::string::npos);
  BOOST_TEST(out.find("<sessionId xsi:nil=\"true\"/>") != std::string::npos);
  // A secret cut off by the end of the text is not shown in part.
  BOOST_TEST(RedactSecrets("<password>hunter2").find("hunter") == std::string::npos);
}

}  // namespace
}  // namespace pushforce
