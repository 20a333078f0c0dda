// SPDX-License-Identifier: GPL-2.0-or-later
// Describe metadata of the fake packaging org, following Salesforce's object reference.
#include "schema.hpp"

#include <cctype>

namespace pushforce::fakeorg {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kId: return "id";
    case FieldType::kReference: return "reference";
    case FieldType::kString: return "string";
    case FieldType::kTextArea: return "textarea";
    case FieldType::kPicklist: return "picklist";
    case FieldType::kInt: return "int";
    case FieldType::kDouble: return "double";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kDateTime: return "datetime";
  }
  return "string";
}

std::string_view XsdTypeName(FieldType type) {
  switch (type) {
    case FieldType::kId:
    case FieldType::kReference: return "tns:ID";
    case FieldType::kInt: return "xsd:int";
    case FieldType::kDouble: return "xsd:double";
    case FieldType::kBoolean: return "xsd:boolean";
    case FieldType::kDateTime: return "xsd:dateTime";
    default: return "xsd:string";
  }
}

const FieldDef* ObjectDef::FindField(std::string_view field) const {
  for (const auto& f : fields) {
    if (EqualsIgnoreCase(f.name, field)) return &f;
  }
  return nullptr;
}

const FieldDef* ObjectDef::FindRelationship(std::string_view rel) const {
  for (const auto& f : fields) {
    if (!f.relationship_name.empty() && EqualsIgnoreCase(f.relationship_name, rel)) return &f;
  }
  return nullptr;
}

const ChildRelationshipDef* ObjectDef::FindChild(std::string_view rel) const {
  for (const auto& c : children) {
    if (EqualsIgnoreCase(c.name, rel)) return &c;
  }
  return nullptr;
}

namespace {

// Small builders so the object table below reads like the object reference.
FieldDef Field(std::string name, FieldType type, std::string label) {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.label = std::move(label);
  if (type == FieldType::kString || type == FieldType::kPicklist) f.length = 255;
  if (type == FieldType::kTextArea) {
    f.length = 32768;
    f.filterable = f.groupable = false;
  }
  if (type == FieldType::kId || type == FieldType::kReference) f.length = 18;
  if (type == FieldType::kBoolean) f.nillable = false;
  return f;
}

FieldDef Writable(FieldDef f, bool updateable = true) {
  f.createable = true;
  f.updateable = updateable;
  return f;
}

FieldDef Required(FieldDef f) {
  f.required = true;
  f.nillable = false;
  return f;
}

FieldDef Picklist(std::string name, std::string label, std::vector<std::string> values) {
  FieldDef f = Field(std::move(name), FieldType::kPicklist, std::move(label));
  f.picklist = std::move(values);
  return f;
}

FieldDef Reference(std::string name, std::string label, std::string to, std::string rel) {
  FieldDef f = Field(std::move(name), FieldType::kReference, std::move(label));
  f.reference_to = std::move(to);
  f.relationship_name = std::move(rel);
  return f;
}

ObjectDef MakeObject(std::string name, std::string label, std::string prefix,
                     bool createable = false, bool updateable = false, bool deletable = false) {
  ObjectDef o;
  o.name = std::move(name);
  o.label = std::move(label);
  o.key_prefix = std::move(prefix);
  o.createable = createable;
  o.updateable = updateable;
  o.deletable = deletable;
  return o;
}

void AddSystemFields(ObjectDef& object) {
  FieldDef id = Field("Id", FieldType::kId, object.label + " ID");
  id.nillable = false;
  object.fields.insert(object.fields.begin(), id);
  object.fields.push_back(Field("CreatedDate", FieldType::kDateTime, "Created Date"));
  object.fields.push_back(Reference("CreatedById", "Created By ID", "User", "CreatedBy"));
  object.fields.push_back(Field("LastModifiedDate", FieldType::kDateTime, "Last Modified Date"));
  object.fields.push_back(
      Reference("LastModifiedById", "Last Modified By ID", "User", "LastModifiedBy"));
  object.fields.push_back(Field("SystemModstamp", FieldType::kDateTime, "System Modstamp"));
  for (auto& f : object.fields) {
    if (f.name == "CreatedDate" || f.name == "LastModifiedDate" || f.name == "SystemModstamp" ||
        f.name == "CreatedById" || f.name == "LastModifiedById") {
      f.nillable = false;
    }
  }
}

}  // namespace

Schema::Schema(const Assumptions& assume) {
  const std::vector<std::string> push_statuses = {"Canceled",  "Created",
                                                  "Failed",    assume.in_progress_spelling,
                                                  "Pending",   "Succeeded"};
  {
    ObjectDef o = MakeObject("Organization", "Organization", "00D");
    o.fields = {Field("Name", FieldType::kString, "Name"),
                Field("OrganizationType", FieldType::kString, "Edition"),
                Field("InstanceName", FieldType::kString, "Instance Name"),
                Field("IsSandbox", FieldType::kBoolean, "Is Sandbox"),
                Field("NamespacePrefix", FieldType::kString, "Namespace Prefix"),
                Field("LanguageLocaleKey", FieldType::kString, "Language"),
                Field("TimeZoneSidKey", FieldType::kString, "Time Zone")};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("User", "User", "005");
    o.fields = {Field("Username", FieldType::kString, "Username"),
                Field("Name", FieldType::kString, "Full Name"),
                Field("FirstName", FieldType::kString, "First Name"),
                Field("LastName", FieldType::kString, "Last Name"),
                Field("Email", FieldType::kString, "Email"),
                Field("IsActive", FieldType::kBoolean, "Active"),
                Field("UserType", FieldType::kString, "User Type"),
                Field("TimeZoneSidKey", FieldType::kString, "Time Zone"),
                Field("LanguageLocaleKey", FieldType::kString, "Language")};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("MetadataPackage", "Metadata Package", "033");
    o.fields = {Field("Name", FieldType::kString, "Name"),
                Field("NamespacePrefix", FieldType::kString, "Namespace Prefix"),
                Picklist("PackageCategory", "Package Category",
                         {"Application", "Module", "Package", "Package2"})};
    o.children = {{"MetadataPackageVersions", "MetadataPackageVersion", "MetadataPackageId"},
                  {"PackageSubscribers", "PackageSubscriber", "MetadataPackageId"}};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("MetadataPackageVersion", "Metadata Package Version", "04t");
    o.fields = {Field("Name", FieldType::kString, "Name"),
                Reference("MetadataPackageId", "Metadata Package ID", "MetadataPackage",
                          "MetadataPackage"),
                Picklist("ReleaseState", "Release State", {"Beta", "Released"}),
                Field("MajorVersion", FieldType::kInt, "Major Version"),
                Field("MinorVersion", FieldType::kInt, "Minor Version"),
                Field("PatchVersion", FieldType::kInt, "Patch Version"),
                Field("BuildNumber", FieldType::kInt, "Build Number"),
                Field("IsDeprecated", FieldType::kBoolean, "Is Deprecated")};
    o.children = {{"PackageSubscribers", "PackageSubscriber", "MetadataPackageVersionId"}};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("PackageSubscriber", "Package Subscriber", "0Hf");
    o.fields = {Field("OrgKey", FieldType::kString, "Org Key"),
                Field("OrgName", FieldType::kString, "Org Name"),
                Picklist("OrgType", "Org Type", {"Production", "Sandbox"}),
                Picklist("OrgStatus", "Org Status", {"Active", "Demo", "Free", "Inactive", "Trial"}),
                Picklist("InstalledStatus", "Installed Status", {"i", "u"}),
                Field("InstanceName", FieldType::kString, "Instance Name"),
                Field("ParentOrg", FieldType::kString, "Parent Org"),
                Reference("MetadataPackageId", "Metadata Package ID", "MetadataPackage",
                          "MetadataPackage"),
                Reference("MetadataPackageVersionId", "Metadata Package Version ID",
                          "MetadataPackageVersion", "MetadataPackageVersion"),
                Field("HasRestrictionEnabled", FieldType::kBoolean, "Has Restriction Enabled"),
                Picklist("CustomUpgradeType", "Custom Upgrade Type",
                         {"BlockedBySubscriber", "None"})};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("PackagePushRequest", "Package Push Request", "0DV", true, true, false);
    FieldDef status = Writable(Picklist("Status", "Status", push_statuses));
    FieldDef duration = Field("DurationSeconds", FieldType::kInt, "Duration Seconds");
    o.fields = {Required(Writable(Reference("PackageVersionId", "Package Version ID",
                                            "MetadataPackageVersion", "PackageVersion"))),
                Writable(Field("ScheduledStartTime", FieldType::kDateTime, "Scheduled Start Time")),
                status,
                Writable(Field("StartTime", FieldType::kDateTime, "Start Time")),
                Writable(Field("EndTime", FieldType::kDateTime, "End Time")),
                duration,
                Writable(Field("IsMigration", FieldType::kBoolean, "Is Migration"))};
    o.children = {{"PackagePushJobs", "PackagePushJob", "PackagePushRequestId"}};
    o.internal_columns = {"_PendingAt"};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("PackagePushJob", "Package Push Job", "0DX", true, true, false);
    // Status is createable (only "Created") but not updateable: jobs are canceled through
    // their request.
    o.fields = {Required(Writable(Reference("PackagePushRequestId", "Package Push Request ID",
                                            "PackagePushRequest", "PackagePushRequest"))),
                Required(Writable(Field("SubscriberOrganizationKey", FieldType::kString,
                                        "Subscriber Organization Key"))),
                Writable(Picklist("Status", "Status", push_statuses), false),
                Writable(Field("StartTime", FieldType::kDateTime, "Start Time")),
                Writable(Field("EndTime", FieldType::kDateTime, "End Time")),
                Field("DurationSeconds", FieldType::kInt, "Duration Seconds")};
    o.children = {{"PackagePushErrors", "PackagePushError", "PackagePushJobId"}};
    o.internal_columns = {"_PlanStart", "_PlanEnd", "_Outcome"};
    objects_.push_back(o);
  }
  {
    ObjectDef o = MakeObject("PackagePushError", "Package Push Error", "0DY");
    FieldDef details = Field("ErrorDetails", FieldType::kTextArea, "Error Details");
    details.sortable = true;
    o.fields = {Reference("PackagePushJobId", "Package Push Job ID", "PackagePushJob",
                          "PackagePushJob"),
                Picklist("ErrorSeverity", "Error Severity", {"Error", "Warning"}),
                Picklist("ErrorType", "Error Type",
                         {"ApexTestFailure", "DeployError", "FeatureMissing", "IneligibleUpgrade",
                          "LimitExceeded", "LockingFailure", "PACError", "UnclassifiedError"}),
                Field("ErrorTitle", FieldType::kString, "Error Title"),
                Field("ErrorMessage", FieldType::kTextArea, "Error Message"),
                details};
    objects_.push_back(o);
  }
  for (auto& o : objects_) AddSystemFields(o);
}

const ObjectDef* Schema::Find(std::string_view name) const {
  for (const auto& o : objects_) {
    if (EqualsIgnoreCase(o.name, name)) return &o;
  }
  return nullptr;
}

const ObjectDef* Schema::ByKeyPrefix(std::string_view id) const {
  for (const auto& o : objects_) {
    if (id.substr(0, 3) == o.key_prefix) return &o;
  }
  return nullptr;
}

}  // namespace pushforce::fakeorg
