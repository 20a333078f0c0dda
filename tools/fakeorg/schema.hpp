// SPDX-License-Identifier: GPL-2.0-or-later
// Describe metadata of the fake packaging org: objects, fields, picklists, relationships.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace pushforce::fakeorg {

enum class FieldType { kId, kReference, kString, kTextArea, kPicklist, kInt, kDouble, kBoolean,
                       kDateTime };

// The describe name of a field type ("id", "reference", "picklist", ...).
std::string_view FieldTypeName(FieldType type);
// The xsd type of a value of this field ("xsd:string", "xsd:int", ...).
std::string_view XsdTypeName(FieldType type);

struct FieldDef {
  std::string name;  // describe-exact case; SOQL matches it case-insensitively
  FieldType type = FieldType::kString;
  std::string label;
  bool createable = false;
  bool updateable = false;
  bool nillable = true;
  bool required = false;  // on create (not nillable, no default)
  bool filterable = true;
  bool groupable = true;
  bool sortable = true;
  std::vector<std::string> picklist;  // restricted when non-empty
  std::string reference_to;           // object name, for kReference
  std::string relationship_name;      // e.g. PackageVersion for PackageVersionId
  int length = 0;
};

struct ChildRelationshipDef {
  std::string name;          // e.g. PackagePushErrors
  std::string child_object;  // PackagePushError
  std::string field;         // PackagePushJobId
};

struct ObjectDef {
  std::string name;
  std::string label;
  std::string key_prefix;
  bool createable = false;
  bool updateable = false;
  bool deletable = false;
  std::vector<FieldDef> fields;
  std::vector<ChildRelationshipDef> children;
  // Columns the store keeps for the push engine; never visible through the API.
  std::vector<std::string> internal_columns;

  const FieldDef* FindField(std::string_view name) const;          // case-insensitive
  const FieldDef* FindRelationship(std::string_view name) const;   // case-insensitive
  const ChildRelationshipDef* FindChild(std::string_view name) const;
};

class Schema {
 public:
  explicit Schema(const Assumptions& assume);
  const ObjectDef* Find(std::string_view name) const;  // case-insensitive
  const std::vector<ObjectDef>& objects() const { return objects_; }
  const ObjectDef* ByKeyPrefix(std::string_view id) const;

 private:
  std::vector<ObjectDef> objects_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view text);

}  // namespace pushforce::fakeorg
