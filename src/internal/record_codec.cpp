// SPDX-License-Identifier: GPL-2.0-or-later
// Record codec: sObject xsd:any fragments to pushforce::Record and back, with pugixml.
#include "internal/record_codec.hpp"

#include <cstring>

#include <pugixml.hpp>

namespace pushforce::internal {
namespace {

constexpr const char* kSobjectNamespace = "urn:sobject.partner.soap.sforce.com";

// pugixml is not namespace-aware; gSOAP hands over fragments whose prefixes are the sender's
// and undeclared, so every match is on the local name.
std::string_view LocalName(const char* name) {
  std::string_view view(name);
  size_t colon = view.rfind(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

pugi::xml_attribute AttributeByLocalName(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    if (LocalName(attribute.name()) == local) return attribute;
  }
  return {};
}

bool IsNil(const pugi::xml_node& node) {
  pugi::xml_attribute nil = AttributeByLocalName(node, "nil");
  if (!nil) return false;
  std::string_view value = nil.value();
  return value == "true" || value == "1";
}

std::string_view XsiType(const pugi::xml_node& node) {
  pugi::xml_attribute type = AttributeByLocalName(node, "type");
  return type ? LocalName(type.value()) : std::string_view();
}

bool HasElementChildren(const pugi::xml_node& node) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

std::string TextOf(const pugi::xml_node& node) {
  std::string out;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
  }
  return out;
}

pugi::xml_node ChildByLocalName(const pugi::xml_node& node, std::string_view local) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child.name()) == local) return child;
  }
  return {};
}

Status TooDeep() {
  return Status(ErrorCode::kInternal, "record nesting deeper than " +
                                          std::to_string(kMaxRecordDepth) + " levels refused");
}

Result<Field> DecodeFieldNode(const pugi::xml_node& node, int depth);

// A record element: sObject children `type`, `fieldsToNull`, `Id` (kept once), then fields.
// `type` is the sObject's own element only as the first child; a field spelt "Type" (as
// Opportunity.Type) is a field, and matching is case-sensitive as Salesforce's names are.
Result<Record> DecodeRecordNode(const pugi::xml_node& node, std::string_view fallback_type,
                                int depth) {
  if (depth > kMaxRecordDepth) return TooDeep();
  Record record{std::string(fallback_type)};
  bool first = true;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = LocalName(child.name());
    bool was_first = first;
    first = false;
    if (was_first && name == "type" && !HasElementChildren(child)) {
      record.set_type(TextOf(child));
      continue;
    }
    if (name == "fieldsToNull") continue;
    if (name == "Id" && !HasElementChildren(child)) {
      // The partner API returns Id twice when it is selected, and one nil Id when it is not.
      if (record.id().empty() && !IsNil(child)) record.set_id(TextOf(child));
      continue;
    }
    Result<Field> field = DecodeFieldNode(child, depth + 1);
    if (!field.ok()) return field.status();
    record.AddField(std::move(*field));
  }
  return record;
}

Result<Field> DecodeFieldNode(const pugi::xml_node& node, int depth) {
  if (depth > kMaxRecordDepth) return TooDeep();
  Field field;
  field.name = std::string(LocalName(node.name()));
  if (IsNil(node)) {
    field.kind = Field::Kind::kNull;
    return field;
  }
  if (!HasElementChildren(node)) {
    field.kind = Field::Kind::kText;
    field.text = TextOf(node);
    return field;
  }
  std::string_view xsi_type = XsiType(node);
  bool looks_like_query_result =
      ChildByLocalName(node, "done") && ChildByLocalName(node, "size") &&
      !ChildByLocalName(node, "type");
  if (xsi_type == "QueryResult" || (xsi_type.empty() && looks_like_query_result)) {
    field.kind = Field::Kind::kChildren;
    pugi::xml_node done = ChildByLocalName(node, "done");
    field.children_done = !done || std::string_view(done.child_value()) != "false";
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element || LocalName(child.name()) != "records") continue;
      if (IsNil(child)) continue;
      Result<Record> record = DecodeRecordNode(child, "", depth + 1);
      if (!record.ok()) return record.status();
      field.records.push_back(std::move(*record));
    }
    return field;
  }
  // A parent record (xsi:type sObject, or a leading `type` child) or a compound field
  // (address, location), whose record is typed by its xsi:type.
  field.kind = Field::Kind::kParent;
  std::string_view fallback = xsi_type == "sObject" ? std::string_view() : xsi_type;
  Result<Record> record = DecodeRecordNode(node, fallback, depth + 1);
  if (!record.ok()) return record.status();
  field.records.push_back(std::move(*record));
  return field;
}

bool IsNameStart(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// Salesforce field names are ASCII letters, digits and underscores (custom: Name__c,
// namespaced: ns__Name__c); anything else would break the XML we write verbatim.
bool IsFieldName(std::string_view name) {
  if (name.empty() || !IsNameStart(static_cast<unsigned char>(name[0]))) return false;
  for (unsigned char c : name) {
    if (!IsNameStart(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

Status BadInput(std::string message) { return Status(ErrorCode::kInvalidInput, std::move(message)); }

Result<std::string> EncodeFieldAt(const Field& field, int depth);

Result<std::string> EncodeRecordBody(const Record& record, int depth) {
  std::string out;
  if (!record.type().empty()) {
    if (!IsFieldName(record.type())) return BadInput("invalid sObject type name");
    out += "<type xmlns=\"";
    out += kSobjectNamespace;
    out += "\">" + record.type() + "</type>";
  }
  for (const Field& child : record.fields()) {
    if (child.kind == Field::Kind::kNull) continue;
    Result<std::string> encoded = EncodeFieldAt(child, depth + 1);
    if (!encoded.ok()) return encoded.status();
    out += *encoded;
  }
  return out;
}

Result<std::string> EncodeFieldAt(const Field& field, int depth) {
  if (depth > kMaxRecordDepth) return TooDeep();
  if (!IsFieldName(field.name)) {
    return BadInput("invalid field name '" + XmlEscape(field.name.substr(0, 80)) + "'");
  }
  std::string out = "<" + field.name + " xmlns=\"" + kSobjectNamespace + "\"";
  switch (field.kind) {
    case Field::Kind::kText:
      if (!IsXmlSafeUtf8(field.text)) {
        return BadInput("field " + field.name +
                        ": value is not valid UTF-8 or holds characters XML cannot carry");
      }
      out += ">" + XmlEscape(field.text);
      break;
    case Field::Kind::kNull:
      out += " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>";
      return out;
    case Field::Kind::kParent: {
      if (field.records.size() != 1) return BadInput("field " + field.name + ": parent needs one record");
      Result<std::string> body = EncodeRecordBody(field.records.front(), depth);
      if (!body.ok()) return body.status();
      out += ">" + *body;
      break;
    }
    case Field::Kind::kChildren:
      return BadInput("field " + field.name + ": child records cannot be saved through a parent");
  }
  out += "</" + field.name + ">";
  return out;
}

}  // namespace

Result<Field> DecodeField(std::string_view fragment) {
  pugi::xml_document document;
  pugi::xml_parse_result parsed =
      document.load_buffer(fragment.data(), fragment.size(),
                           pugi::parse_default | pugi::parse_fragment | pugi::parse_ws_pcdata_single,
                           pugi::encoding_utf8);
  if (!parsed) {
    return Status(ErrorCode::kInternal,
                  std::string("unparsable field in response: ") + parsed.description());
  }
  pugi::xml_node element;
  for (pugi::xml_node child : document.children()) {
    if (child.type() == pugi::node_element) {
      element = child;
      break;
    }
  }
  if (!element) return Status(ErrorCode::kInternal, "empty field in response");
  return DecodeFieldNode(element, 1);
}

Result<Record> DecodeRecord(std::string_view type, const std::string* typed_id,
                            const std::vector<const char*>& fragments) {
  Record record{std::string(type)};
  if (typed_id != nullptr && !typed_id->empty()) record.set_id(*typed_id);
  for (const char* fragment : fragments) {
    if (fragment == nullptr) continue;
    Result<Field> field = DecodeField(fragment);
    if (!field.ok()) return field.status();
    if (field->name == "Id" && field->kind != Field::Kind::kParent &&
        field->kind != Field::Kind::kChildren) {
      // The duplicate Id of the partner API (the first went to the typed member).
      if (record.id().empty() && field->kind == Field::Kind::kText) record.set_id(field->text);
      continue;
    }
    record.AddField(std::move(*field));
  }
  return record;
}

Result<std::string> EncodeField(const Field& field) { return EncodeFieldAt(field, 1); }

Result<EncodedRecord> EncodeRecord(const Record& record) {
  EncodedRecord out;
  for (const Field& field : record.fields()) {
    if (field.name == "Id" || field.name == "type") continue;  // typed members of sObject
    if (field.kind == Field::Kind::kNull) {
      if (!IsFieldName(field.name)) return BadInput("invalid field name in fieldsToNull");
      out.fields_to_null.push_back(field.name);
      continue;
    }
    Result<std::string> encoded = EncodeField(field);
    if (!encoded.ok()) return encoded.status();
    out.fragments.push_back(std::move(*encoded));
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

bool IsXmlSafeUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    int length = 0;
    unsigned int code = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, and U+FFFE/U+FFFF are not XML characters.
    if ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
        (length == 4 && code < 0x10000) || (code >= 0xD800 && code <= 0xDFFF) ||
        code > 0x10FFFF || code == 0xFFFE || code == 0xFFFF) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace pushforce::internal
