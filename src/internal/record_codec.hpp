// SPDX-License-Identifier: GPL-2.0-or-later
// Converts sObject xsd:any field fragments to pushforce::Record and back (pugixml, by local name).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pushforce/record.hpp"
#include "pushforce/status.hpp"

namespace pushforce::internal {

// Nesting bound for parent records and subqueries inside one field. Salesforce allows five
// parent levels and one subquery level; anything deeper is refused rather than recursed into.
inline constexpr int kMaxRecordDepth = 32;

// Decodes one sObject from its typed parts and its xsd:any fragments. Each fragment is one
// self-contained element as gSOAP hands it over: the sender's prefixes and no namespace
// declarations (`<sf:Name>Acme &amp; Sons</sf:Name>`), so elements are matched by local name.
// The partner API repeats Id among the fields; one is kept, in id().
Result<Record> DecodeRecord(std::string_view type, const std::string* typed_id,
                            const std::vector<const char*>& fragments);

// Decodes one field fragment: text, xsi:nil (kNull), a parent record (kParent: `xsi:type="sObject"`
// or a `type` child), a child subquery (kChildren: a QueryResult with records/done/size), or a
// compound field such as an address (kParent holding a record of that xsi:type, so
// Get("BillingAddress.city") works).
Result<Field> DecodeField(std::string_view fragment);

// An outbound field element, self-contained in the sobject namespace:
// `<Name xmlns="urn:sobject.partner.soap.sforce.com">Zo&#235;</Name>` style (text escaped; UTF-8
// kept as is). kParent encodes a nested sObject (relationship by external id). Fails with
// kInvalidInput for a field name that is not an XML name, text that is not valid UTF-8 or holds
// characters XML 1.0 cannot carry, and kChildren.
Result<std::string> EncodeField(const Field& field);

// Every outbound fragment of a record (text and parent fields) plus the names that go to
// fieldsToNull.
struct EncodedRecord {
  std::vector<std::string> fragments;
  std::vector<std::string> fields_to_null;
};
Result<EncodedRecord> EncodeRecord(const Record& record);

// Escapes &, <, > and " (and \r, which XML parsers would otherwise normalise) for element text.
std::string XmlEscape(std::string_view text);

// True when text is well-formed UTF-8 holding only characters XML 1.0 allows.
bool IsXmlSafeUtf8(std::string_view text);

}  // namespace pushforce::internal
