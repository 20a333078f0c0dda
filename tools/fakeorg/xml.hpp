// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce-shaped SOAP envelopes and faults, written as text so the wire matches the real
// service (default partner namespace, sf: prefixes, xsi:type, HTTP 500 faults).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "internal/record_codec.hpp"

namespace pushforce::fakeorg {

// The library's escaping for element text and attribute values (& < > " and \r).
using internal::XmlEscape;

// <tag>escaped text</tag>, or <tag xsi:nil="true"/> when value is nullopt.
std::string Element(std::string_view tag, const std::optional<std::string>& value);

// A response envelope: default namespace urn:partner, sf bound to urn:sobject. `header` is the
// inner XML of soapenv:Header (empty = no Header element).
std::string ResponseEnvelope(const std::string& header, const std::string& body);

// The LimitInfoHeader element for the daily API counter.
std::string LimitInfoHeader(long long current, long long limit);

struct Fault {
  std::string code;         // exceptionCode, e.g. INVALID_FIELD
  std::string message;      // exceptionMessage
  std::string detail_type;  // e.g. InvalidFieldFault, LoginFault, UnexpectedErrorFault
  std::optional<int> row;   // ApiQueryFault row/column
  std::optional<int> column;
};

// A fault envelope: faultcode sf:CODE, faultstring "CODE: message", typed detail, with sf
// bound to urn:fault (Salesforce rebinds the prefix in faults). Sent with HTTP 500.
std::string FaultEnvelope(const Fault& fault, const std::string& header = "");

}  // namespace pushforce::fakeorg
