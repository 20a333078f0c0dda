// SPDX-License-Identifier: GPL-2.0-or-later
// A Salesforce record (sObject) as plain C++: typed by name, fields in wire order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pushforce {

class Record;

// One field of a record. Queried records carry text values, nulls, parent records
// (`PackageVersion.MetadataPackage`) and child subquery results (`PackagePushErrors`).
struct Field {
  enum class Kind { kText, kNull, kParent, kChildren };
  std::string name;
  Kind kind = Kind::kText;
  std::string text;             // kText: the decoded value (UTF-8)
  std::vector<Record> records;  // kParent: exactly one record; kChildren: every child row
  bool children_done = true;    // kChildren: false when Salesforce paged the child rows
};

class Record {
 public:
  Record() = default;
  explicit Record(std::string type) : type_(std::move(type)) {}

  const std::string& type() const { return type_; }
  void set_type(std::string type) { type_ = std::move(type); }

  // The record id ("" when none). The partner API returns Id twice on queried records;
  // the codec keeps one.
  const std::string& id() const { return id_; }
  void set_id(std::string id) { id_ = std::move(id); }

  const std::vector<Field>& fields() const { return fields_; }
  std::vector<Field>& mutable_fields() { return fields_; }

  // The field by name, case-insensitively as SOQL is; a dotted path walks parent records
  // ("PackageVersion.MetadataPackage.Name"). nullptr when absent.
  const Field* Find(std::string_view path) const;

  // Text of a field; nullopt when absent, null, or not text.
  std::optional<std::string> Get(std::string_view path) const;
  std::string GetOr(std::string_view path, std::string_view fallback) const;
  // Integer value of a text field (aggregate counts, DurationSeconds); nullopt otherwise.
  std::optional<long long> GetInt(std::string_view path) const;
  // Child rows of a subquery relationship; empty when absent.
  const std::vector<Record>& Children(std::string_view relationship) const;

  // Builders for outbound records. Set replaces a field of the same name.
  Record& Set(std::string_view name, std::string_view value);
  Record& SetNull(std::string_view name);  // sent as fieldsToNull on update
  void AddField(Field field) { fields_.push_back(std::move(field)); }

 private:
  std::string type_;
  std::string id_;
  std::vector<Field> fields_;
};

}  // namespace pushforce
