// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce-shaped SOAP envelopes and faults.
#include "xml.hpp"

namespace pushforce::fakeorg {

std::string Element(std::string_view tag, const std::optional<std::string>& value) {
  std::string t(tag);
  if (!value) return "<" + t + " xsi:nil=\"true\"/>";
  return "<" + t + ">" + XmlEscape(*value) + "</" + t + ">";
}

std::string ResponseEnvelope(const std::string& header, const std::string& body) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
      "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns=\"urn:partner.soap.sforce.com\" "
      "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns:sf=\"urn:sobject.partner.soap.sforce.com\">";
  if (!header.empty()) out += "<soapenv:Header>" + header + "</soapenv:Header>";
  out += "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>";
  return out;
}

std::string LimitInfoHeader(long long current, long long limit) {
  return "<LimitInfoHeader><limitInfo><current>" + std::to_string(current) +
         "</current><limit>" + std::to_string(limit) +
         "</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader>";
}

std::string FaultEnvelope(const Fault& fault, const std::string& header) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
      "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:sf=\"urn:fault.partner.soap.sforce.com\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  if (!header.empty()) {
    // The header of a fault still lives in the partner namespace.
    std::string h = header;
    out += "<soapenv:Header>";
    std::size_t pos = h.find('>');
    if (pos != std::string::npos && h.compare(0, 16, "<LimitInfoHeader") == 0) {
      h.insert(16, " xmlns=\"urn:partner.soap.sforce.com\"");
    }
    out += h + "</soapenv:Header>";
  }
  out += "<soapenv:Body><soapenv:Fault><faultcode>sf:" + fault.code + "</faultcode><faultstring>" +
         XmlEscape(fault.code + ": " + fault.message) + "</faultstring><detail><sf:" +
         fault.detail_type + " xsi:type=\"sf:" + fault.detail_type + "\"><sf:exceptionCode>" +
         fault.code + "</sf:exceptionCode><sf:exceptionMessage>" + XmlEscape(fault.message) +
         "</sf:exceptionMessage>";
  if (fault.row) out += "<sf:row>" + std::to_string(*fault.row) + "</sf:row>";
  if (fault.column) out += "<sf:column>" + std::to_string(*fault.column) + "</sf:column>";
  out += "</sf:" + fault.detail_type + "></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  return out;
}

}  // namespace pushforce::fakeorg
