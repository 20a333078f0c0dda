// SPDX-License-Identifier: GPL-2.0-or-later
// Canned responses in Salesforce's wire format (default partner namespace, sf: prefixes, HTTP
// framing) for the socket-free transport tests.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "pushforce/record.hpp"
#include "pushforce/status.hpp"

namespace pushforce {
// Boost.Test printers for the enums the tests compare.
inline std::ostream& boost_test_print_type(std::ostream& out, ErrorCode code) {
  return out << ErrorCodeName(code);
}
inline std::ostream& boost_test_print_type(std::ostream& out, Field::Kind kind) {
  return out << static_cast<int>(kind);
}
}  // namespace pushforce

namespace pushforce::test {

inline std::string HttpResponse(int status, std::string_view body) {
  std::string reason = status == 200 ? "OK" : status == 500 ? "Server Error" : "Error";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// A partner response envelope: the body element in the default (partner) namespace, sf: bound
// to the sobject namespace, as Salesforce writes it.
inline std::string PartnerEnvelope(std::string_view body, std::string_view header = {}) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns=\"urn:partner.soap.sforce.com\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns:sf=\"urn:sobject.partner.soap.sforce.com\">";
  if (!header.empty()) out += "<soapenv:Header>" + std::string(header) + "</soapenv:Header>";
  out += "<soapenv:Body>" + std::string(body) + "</soapenv:Body></soapenv:Envelope>";
  return out;
}

inline std::string Ok(std::string_view body, std::string_view header = {}) {
  return HttpResponse(200, PartnerEnvelope(body, header));
}

inline std::string LimitInfo(int current, int limit) {
  return "<LimitInfoHeader><limitInfo><current>" + std::to_string(current) +
         "</current><limit>" + std::to_string(limit) +
         "</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader>";
}

// A fault with sf: bound to the fault namespace; `faultcode_prefix` "" writes it unprefixed.
inline std::string Fault(std::string_view code, std::string_view message,
                         std::string_view detail_type = "UnexpectedErrorFault",
                         std::string_view faultcode_prefix = "sf:", std::string_view extra = {}) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:sf=\"urn:fault.partner.soap.sforce.com\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><soapenv:Fault>"
      "<faultcode>" + std::string(faultcode_prefix) + std::string(code) + "</faultcode>"
      "<faultstring>" + std::string(code) + ": " + std::string(message) + "</faultstring>"
      "<detail><sf:" + std::string(detail_type) + " xsi:type=\"sf:" + std::string(detail_type) +
      "\"><sf:exceptionCode>" + std::string(code) + "</sf:exceptionCode><sf:exceptionMessage>" +
      std::string(message) + "</sf:exceptionMessage>" + std::string(extra) + "</sf:" +
      std::string(detail_type) + "></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  return HttpResponse(500, body);
}

inline std::string UserInfoXml(std::string_view org_id = "00DA0000000YpZ4MAK",
                               std::string_view user_name = "release@acme.example") {
  return "<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol>"
         "<orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>"
         "<orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>"
         "<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>"
         "<orgHasPersonAccounts>false</orgHasPersonAccounts><organizationId>" +
         std::string(org_id) +
         "</organizationId><organizationMultiCurrency>false</organizationMultiCurrency>"
         "<organizationName>Acme Packaging</organizationName>"
         "<profileId>00eA0000000QnGzIAK</profileId><roleId xsi:nil=\"true\"/>"
         "<sessionSecondsValid>7200</sessionSecondsValid>"
         "<userDefaultCurrencyIsoCode xsi:nil=\"true\"/><userEmail>release@acme.example</userEmail>"
         "<userFullName>Release Bot</userFullName><userId>005A0000001AbCdIAK</userId>"
         "<userLanguage>en_US</userLanguage><userLocale>en_US</userLocale><userName>" +
         std::string(user_name) +
         "</userName><userTimeZone>Europe/Berlin</userTimeZone><userType>Standard</userType>"
         "<userUiSkin>Theme3</userUiSkin><aFieldFromANewerRelease>x</aFieldFromANewerRelease>"
         "</userInfo>";
}

inline std::string LoginOk(std::string_view server_url, std::string_view session_id,
                           bool sandbox = false, bool with_user_info = true,
                           bool password_expired = false) {
  return Ok("<loginResponse><result><metadataServerUrl>" + std::string(server_url) +
            "</metadataServerUrl><passwordExpired>" + (password_expired ? "true" : "false") +
            "</passwordExpired><sandbox>" + (sandbox ? "true" : "false") +
            "</sandbox><serverUrl>" + std::string(server_url) + "</serverUrl><sessionId>" +
            std::string(session_id) + "</sessionId><userId>005A0000001AbCdIAK</userId>" +
            (with_user_info ? UserInfoXml() : std::string()) + "</result></loginResponse>");
}

inline std::string QueryResponse(std::string_view records, int size, bool done = true,
                                 std::string_view locator = {},
                                 std::string_view element = "queryResponse",
                                 std::string_view header = {}) {
  std::string loc = done ? "<queryLocator xsi:nil=\"true\"/>"
                         : "<queryLocator>" + std::string(locator) + "</queryLocator>";
  return Ok("<" + std::string(element) + "><result xsi:type=\"QueryResult\"><done>" +
                (done ? "true" : "false") + "</done>" + loc + std::string(records) + "<size>" +
                std::to_string(size) + "</size></result></" + std::string(element) + ">",
            header);
}

}  // namespace pushforce::test
