// SPDX-License-Identifier: GPL-2.0-or-later
// Seeds the fake org deterministically: packages, versions (Beta, Released, deprecated, a
// 4-part 2GP version) and subscribers spread over them, including push-blocked orgs.
#include "generator.hpp"

#include <fstream>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "ids.hpp"
#include "seeded.hpp"

namespace pushforce::fakeorg {
namespace {

struct VersionSpec {
  const char* name;
  int major, minor, patch, build;
  const char* state;
  bool deprecated;
  int weight;  // share of subscribers on this version
};

struct PackageSpec {
  const char* name;
  const char* namespace_prefix;  // nullptr: no namespace (an unlocked package)
  const char* category;
  double install_share;  // share of subscriber orgs that have it
  std::vector<VersionSpec> versions;
};

// Version 2.4.0 is the push target of the first package (2.5.0 was recalled: Released but
// deprecated, so orgs on it are on a *newer* version); 1.3.0.2 is the target of the second.
const std::vector<PackageSpec>& Packages() {
  static const std::vector<PackageSpec> kPackages = {
      {"Acme Billing", "acmebill", "Package", 1.0,
       {{"Winter '23", 1, 0, 0, 1, "Released", false, 8},
        {"Spring '24", 2, 3, 0, 2, "Released", false, 40},
        {"Summer '24 Beta 1", 2, 4, 0, 1, "Beta", false, 3},
        {"Summer '24 Beta 2", 2, 4, 0, 2, "Beta", false, 3},
        {"Summer '24", 2, 4, 0, 3, "Released", false, 25},
        {"Autumn '24", 2, 5, 0, 1, "Released", true, 5},
        {"Winter '25 Beta", 2, 6, 0, 1, "Beta", false, 3}}},
      {"Ops Toolkit", nullptr, "Package2", 0.35,
       {{"Ops Toolkit 1.2", 1, 2, 0, 1, "Released", false, 45},
        {"Ops Toolkit 1.3 Beta", 1, 3, 0, 1, "Beta", false, 8},
        {"Ops Toolkit 1.3", 1, 3, 0, 2, "Released", false, 35},
        {"Ops Toolkit 1.4 Beta", 1, 4, 0, 1, "Beta", false, 5}}}};
  return kPackages;
}

const char* kAdjectives[] = {"Blue",   "Northern", "Bright", "Silver", "Granite", "Coastal",
                             "Golden", "Summit",   "Red",    "Prairie", "Harbor", "Evergreen"};
const char* kNouns[] = {"River", "Peak",  "Falcon", "Oak",    "Harvest", "Bridge",
                        "Lake",  "Stone", "Meadow", "Beacon", "Forge",   "Pine"};
const char* kSuffixes[] = {"Logistics", "Health", "Bank",    "Foods",  "Energy",  "Retail",
                           "Labs",      "Group",  "Schools", "Realty", "Systems", "Travel"};

std::map<std::string, Value> SystemFields(const std::string& user_id, EpochMs now) {
  std::string t = FormatDateTime(now);
  return {{"CreatedDate", Value::Text(t)},
          {"LastModifiedDate", Value::Text(t)},
          {"SystemModstamp", Value::Text(t)},
          {"CreatedById", Value::Text(user_id)},
          {"LastModifiedById", Value::Text(user_id)}};
}

std::string OrgId(const ServerOptions& options) {
  std::string id15 = MakeHashedId15("00D", SeededHash(options.seed, "packaging-org"));
  return id15 + IdChecksum(id15);
}

// The packaging org and its users; returns the first user's id.
std::string InsertOrgAndUsers(Store& store, const ServerOptions& options, EpochMs now) {
  std::string org_id = OrgId(options);
  std::string first_user;
  std::vector<std::string> user_ids;
  for (std::size_t i = 0; i < options.users.size(); ++i) {
    user_ids.push_back(store.NextId("005"));
  }
  if (!user_ids.empty()) first_user = user_ids[0];
  auto org = SystemFields(first_user, now);
  org["Id"] = Value::Text(org_id);
  org["Name"] = Value::Text("Pushforce Packaging Org");
  org["OrganizationType"] = Value::Text("Developer Edition");
  org["InstanceName"] = Value::Text("NA1");
  org["IsSandbox"] = Value::Int(0);
  org["NamespacePrefix"] = Value::Text("acmebill");
  org["LanguageLocaleKey"] = Value::Text("en_US");
  org["TimeZoneSidKey"] = Value::Text("America/Los_Angeles");
  store.Insert("Organization", org);
  store.SetMeta("org_id", org_id);
  for (std::size_t i = 0; i < options.users.size(); ++i) {
    const auto& spec = options.users[i];
    auto user = SystemFields(first_user, now);
    std::string local = spec.username.substr(0, spec.username.find('@'));
    user["Id"] = Value::Text(user_ids[i]);
    user["Username"] = Value::Text(spec.username);
    user["FirstName"] = Value::Text("Release");
    user["LastName"] = Value::Text(i == 0 ? "Manager" : "Manager " + std::to_string(i + 1));
    user["Name"] = Value::Text(user["FirstName"].text + " " + user["LastName"].text);
    user["Email"] = Value::Text(spec.username.find('@') == std::string::npos
                                    ? local + "@example.com"
                                    : spec.username);
    user["IsActive"] = Value::Int(1);
    user["UserType"] = Value::Text("Standard");
    user["TimeZoneSidKey"] = Value::Text("America/Los_Angeles");
    user["LanguageLocaleKey"] = Value::Text("en_US");
    store.Insert("User", user);
  }
  return first_user;
}

}  // namespace

void GenerateOrg(Store& store, const ServerOptions& options, EpochMs now) {
  std::string user = InsertOrgAndUsers(store, options, now);
  // Subscriber orgs first: every package draws from the same population.
  struct Org {
    std::string key, name, type, status, instance, parent;
  };
  std::vector<Org> orgs;
  std::set<std::string> keys;
  std::vector<std::size_t> productions;
  for (int i = 0; i < options.subscribers; ++i) {
    SeededStream r(SeededHash(options.seed, "subscriber-org-" + std::to_string(i)));
    Org org;
    do {
      org.key = MakeHashedId15("00D", r.Next());
    } while (!keys.insert(org.key).second);
    std::string base = std::string(kAdjectives[r.Below(12)]) + " " + kNouns[r.Below(12)] + " " +
                       kSuffixes[r.Below(12)];
    bool sandbox = !productions.empty() && r.Unit() < 0.2;
    if (sandbox) {
      const Org& parent = orgs[productions[r.Below(productions.size())]];
      org.type = "Sandbox";
      org.parent = parent.key;
      org.name = parent.name + " (" + (r.Below(2) == 0 ? "UAT" : "Full") + ")";
      org.instance = "CS" + std::to_string(1 + r.Below(220));
    } else {
      org.type = "Production";
      org.name = base;
      static const char* kPods[] = {"NA", "NA", "NA", "EU", "AP", "UM"};
      org.instance = std::string(kPods[r.Below(6)]) + std::to_string(1 + r.Below(240));
      productions.push_back(orgs.size());
    }
    double s = r.Unit();
    org.status = s < 0.78 ? "Active" : s < 0.85 ? "Trial" : s < 0.88 ? "Demo" : s < 0.93 ? "Free"
                                                                             : "Inactive";
    orgs.push_back(org);
  }

  for (const auto& spec : Packages()) {
    std::string package_id = store.NextId("033");
    auto pkg = SystemFields(user, now);
    pkg["Id"] = Value::Text(package_id);
    pkg["Name"] = Value::Text(spec.name);
    pkg["NamespacePrefix"] =
        spec.namespace_prefix ? Value::Text(spec.namespace_prefix) : Value::Null();
    pkg["PackageCategory"] = Value::Text(spec.category);
    store.Insert("MetadataPackage", pkg);
    std::vector<std::string> version_ids;
    int total_weight = 0;
    for (const auto& v : spec.versions) {
      std::string id = store.NextId("04t");
      version_ids.push_back(id);
      total_weight += v.weight;
      auto row = SystemFields(user, now);
      row["Id"] = Value::Text(id);
      row["Name"] = Value::Text(v.name);
      row["MetadataPackageId"] = Value::Text(package_id);
      row["ReleaseState"] = Value::Text(v.state);
      row["MajorVersion"] = Value::Int(v.major);
      row["MinorVersion"] = Value::Int(v.minor);
      row["PatchVersion"] = Value::Int(v.patch);
      row["BuildNumber"] = Value::Int(v.build);
      row["IsDeprecated"] = Value::Int(v.deprecated ? 1 : 0);
      store.Insert("MetadataPackageVersion", row);
    }
    for (const auto& org : orgs) {
      SeededStream r(SeededHash(options.seed, std::string(spec.name) + "|" + org.key));
      if (r.Unit() >= spec.install_share) continue;
      int pick = static_cast<int>(r.Below(static_cast<std::uint64_t>(total_weight)));
      std::size_t version = 0;
      while (pick >= spec.versions[version].weight) pick -= spec.versions[version++].weight;
      auto row = SystemFields(user, now);
      row["Id"] = Value::Text(store.NextId("0Hf"));
      row["OrgKey"] = Value::Text(org.key);
      row["OrgName"] = Value::Text(org.name);
      row["OrgType"] = Value::Text(org.type);
      row["OrgStatus"] = Value::Text(org.status);
      row["InstalledStatus"] = Value::Text(r.Unit() < 0.04 ? "u" : "i");
      row["InstanceName"] = Value::Text(org.instance);
      row["ParentOrg"] = org.parent.empty() ? Value::Null() : Value::Text(org.parent);
      row["MetadataPackageId"] = Value::Text(package_id);
      row["MetadataPackageVersionId"] = Value::Text(version_ids[version]);
      double b = r.Unit();
      row["HasRestrictionEnabled"] = Value::Int(b < 0.03 ? 1 : 0);
      row["CustomUpgradeType"] = Value::Text(b >= 0.03 && b < 0.06 ? "BlockedBySubscriber" : "None");
      store.Insert("PackageSubscriber", row);
    }
  }
}

void LoadDataFile(Store& store, const ServerOptions& options, const std::string& path,
                  EpochMs now) {
  std::ifstream in(path);
  if (!in) throw StoreError("cannot read --data file " + path);
  nlohmann::json data = nlohmann::json::parse(in);
  std::string user;
  if (!data.contains("Organization") && !data.contains("User")) {
    user = InsertOrgAndUsers(store, options, now);
  }
  const Schema& schema = store.schema();
  for (const auto& [object_name, records] : data.items()) {
    const ObjectDef* object = schema.Find(object_name);
    if (object == nullptr) throw StoreError("--data: unknown object " + object_name);
    for (const auto& record : records) {
      auto row = SystemFields(user, now);
      for (const auto& [field_name, value] : record.items()) {
        const FieldDef* field = object->FindField(field_name);
        if (field == nullptr) throw StoreError("--data: unknown field " + object_name + "." + field_name);
        Value v;
        if (value.is_null()) {
          v = Value::Null();
        } else if (value.is_boolean()) {
          v = Value::Int(value.get<bool>() ? 1 : 0);
        } else if (value.is_number_integer()) {
          v = Value::Int(value.get<std::int64_t>());
        } else if (value.is_number()) {
          v = Value::Real(value.get<double>());
        } else {
          std::string text = value.get<std::string>();
          if (field->type == FieldType::kId || field->type == FieldType::kReference) {
            auto id = NormalizeId(text);
            if (!id) throw StoreError("--data: bad id " + text);
            text = *id;
          }
          v = Value::Text(text);
        }
        row[field->name] = v;
      }
      if (!row.count("Id")) row["Id"] = Value::Text(store.NextId(object->key_prefix));
      store.Insert(object->name, row);
      if (object->name == "Organization") store.SetMeta("org_id", row["Id"].text);
    }
  }
}

}  // namespace pushforce::fakeorg
