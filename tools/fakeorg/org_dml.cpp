// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org's DML calls (create, update, upsert, delete, retrieve) and describe, with
// per-record errors in input order and the push objects' rules.
#include <set>

#include "ids.hpp"
#include "org.hpp"
#include "org_internal.hpp"

namespace pushforce::fakeorg {
namespace {

constexpr int kMaxDmlRecords = 200;  // create/update/upsert/delete reject larger calls
constexpr int kMaxRetrieveIds = 2000;

RecordError Err(std::string code, std::string message, std::vector<std::string> fields = {}) {
  return {std::move(code), std::move(message), std::move(fields)};
}

const char* kNotEligible =
    "The specified SubscriberOrganizationKey is not eligible to receive this upgrade. It may not "
    "have the package installed, or has a beta version installed.";

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::optional<RecordError> Org::ConvertFields(const ObjectDef& object, const InputRecord& record,
                                              bool create, std::map<std::string, Value>& out) {
  std::vector<std::string> not_writable;
  auto convert = [&](const FieldDef& f,
                     const std::optional<std::string>& raw) -> std::optional<RecordError> {
    if (!raw) {
      out[f.name] = Value::Null();
      return std::nullopt;
    }
    const std::string& text = *raw;
    switch (f.type) {
      case FieldType::kReference: {
        auto id = NormalizeId(text);
        const ObjectDef* target = schema_.Find(f.reference_to);
        if (!id || target == nullptr || id->substr(0, 3) != target->key_prefix) {
          return Err("MALFORMED_ID", f.label + ": id value of incorrect type: " + text, {f.name});
        }
        if (store_->Select("SELECT 1 FROM \"" + target->name + "\" WHERE Id = ?",
                           {Value::Text(*id)})
                .empty()) {
          return Err("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {f.name});
        }
        out[f.name] = Value::Text(*id);
        return std::nullopt;
      }
      case FieldType::kBoolean:
        if (text != "true" && text != "false" && text != "1" && text != "0") {
          return Err("INVALID_TYPE_ON_FIELD_IN_RECORD",
                     f.label + ": value not of required type: " + text, {f.name});
        }
        out[f.name] = Value::Int(text == "true" || text == "1" ? 1 : 0);
        return std::nullopt;
      case FieldType::kInt:
        try {
          std::size_t used = 0;
          long long v = std::stoll(text, &used);
          if (used != text.size()) throw std::invalid_argument(text);
          out[f.name] = Value::Int(v);
        } catch (const std::exception&) {
          return Err("INVALID_TYPE_ON_FIELD_IN_RECORD",
                     f.label + ": value not of required type: " + text, {f.name});
        }
        return std::nullopt;
      case FieldType::kDateTime: {
        auto ms = ParseDateTime(text);
        if (!ms) {
          return Err("INVALID_TYPE_ON_FIELD_IN_RECORD",
                     f.label + ": value not of required type: " + text, {f.name});
        }
        out[f.name] = Value::Text(FormatDateTime(*ms));
        return std::nullopt;
      }
      case FieldType::kPicklist: {
        bool ok = false;
        for (const auto& v : f.picklist) ok = ok || v == text;
        if (!ok) {
          return Err("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                     f.label + ": bad value for restricted picklist field: " + text, {f.name});
        }
        out[f.name] = Value::Text(text);
        return std::nullopt;
      }
      default:
        if (f.length > 0 && static_cast<int>(text.size()) > f.length) {
          return Err("STRING_TOO_LONG",
                     f.label + ": data value too large: " + text.substr(0, 40) +
                         " (max length=" + std::to_string(f.length) + ")",
                     {f.name});
        }
        out[f.name] = Value::Text(text);
        return std::nullopt;
    }
  };
  // Finds the field a value or a null goes to; f stays nullptr when this call may not write it
  // (collected for one INVALID_FIELD_FOR_INSERT_UPDATE error).
  const FieldDef* f = nullptr;
  auto writable = [&](const std::string& name) -> std::optional<RecordError> {
    f = object.FindField(name);
    if (f == nullptr) {
      return Err("INVALID_FIELD",
                 "No such column '" + name + "' on sobject of type " + object.name, {name});
    }
    if (!(create ? f->createable : f->updateable)) {
      not_writable.push_back(f->name);
      f = nullptr;
    }
    return std::nullopt;
  };
  for (const auto& [name, raw] : record.fields) {
    if (EqualsIgnoreCase(name, "Id")) continue;
    if (auto e = writable(name)) return e;
    if (f == nullptr) continue;
    if (auto e = convert(*f, raw)) return e;
  }
  for (const auto& name : record.fields_to_null) {
    if (auto e = writable(name)) return e;
    if (f == nullptr) continue;
    if (f->required) {
      return Err("REQUIRED_FIELD_MISSING", "Required fields are missing: [" + f->name + "]",
                 {f->name});
    }
    out[f->name] = Value::Null();
  }
  if (!not_writable.empty()) {
    return Err("INVALID_FIELD_FOR_INSERT_UPDATE",
               "Unable to create/update fields: " + JoinNames(not_writable) +
                   ". Please check the security settings of this field and verify that it is "
                   "read/write for your profile or permission set.",
               not_writable);
  }
  if (create) {
    std::vector<std::string> missing;
    for (const auto& f : object.fields) {
      if (f.required && (!out.count(f.name) || out[f.name].is_null())) missing.push_back(f.name);
    }
    if (!missing.empty()) {
      return Err("REQUIRED_FIELD_MISSING", "Required fields are missing: [" + JoinNames(missing) +
                                               "]",
                 missing);
    }
  }
  return std::nullopt;
}

std::optional<RecordError> Org::CreateOne(const InputRecord& record, const std::string& user_id,
                                          std::string& new_id) {
  const ObjectDef* object = schema_.Find(record.type);
  if (!object->createable) {
    return Err("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
               "entity type cannot be inserted: " + object->label);
  }
  if (record.id && !record.id->empty()) {
    return Err("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", {"Id"});
  }
  std::map<std::string, Value> values;
  if (auto e = ConvertFields(*object, record, true, values)) return e;
  const Assumptions& a = options_.assume;
  if (object->name == "PackagePushRequest") {
    if (values.count("Status") && !values["Status"].is_null() &&
        values["Status"].text != "Created") {
      return Err(a.status_change_status_code,
                 "Status: a new push request must have the status Created", {"Status"});
    }
    auto version = engine_->Version(values["PackageVersionId"].text);
    if (!version || version->beta || version->deprecated) {
      // PackageVersionId must be "the non-beta, non-deprecated package version".
      return Err(a.version_status_code,
                 "PackageVersionId: the package version must be a released, non-deprecated "
                 "version",
                 {"PackageVersionId"});
    }
    values["Status"] = Value::Text("Created");
    if (!values.count("IsMigration") || values["IsMigration"].is_null()) {
      values["IsMigration"] = Value::Int(0);
    }
  } else if (object->name == "PackagePushJob") {
    if (values.count("Status") && !values["Status"].is_null() &&
        values["Status"].text != "Created") {
      return Err(a.status_change_status_code,
                 "Status: a new push job must have the status Created", {"Status"});
    }
    auto request = store_->Select(
        "SELECT Status, PackageVersionId FROM PackagePushRequest WHERE Id = ?",
        {values["PackagePushRequestId"]});
    if (request[0][0].text != "Created") {
      return Err(a.status_change_status_code,
                 "Push jobs can only be added to a push request whose status is Created",
                 {"PackagePushRequestId"});
    }
    std::string key = values["SubscriberOrganizationKey"].text;
    std::string key15 = key.substr(0, 15);
    auto duplicate = store_->Select(
        "SELECT Id FROM PackagePushJob WHERE PackagePushRequestId = ? AND "
        "substr(SubscriberOrganizationKey, 1, 15) = ? LIMIT 1",
        {values["PackagePushRequestId"], Value::Text(key15)});
    if (!duplicate.empty()) {
      return Err("DUPLICATE_VALUE",
                 "duplicate value found: SubscriberOrganizationKey duplicates value on record "
                 "with id: " + duplicate[0][0].text,
                 {"SubscriberOrganizationKey"});
    }
    auto target = engine_->Version(request[0][1].text);
    std::string reason = NormalizeId(key) && target ? engine_->Classify(key, *target)
                                                    : "not_installed";
    bool rejected = reason != "eligible";
    if (reason == "beta_installed" && a.beta_orgs == "run-failure") rejected = false;
    if (reason == "blocked_by_subscriber" && a.blocked_orgs == "run-failure") rejected = false;
    if (rejected) {
      return Err(a.ineligible_status_code, kNotEligible, {"SubscriberOrganizationKey"});
    }
    values["Status"] = Value::Text("Created");
  }
  std::string now = FormatDateTime(clock_.Now());
  new_id = store_->NextId(object->key_prefix);
  values["Id"] = Value::Text(new_id);
  values["CreatedDate"] = values["LastModifiedDate"] = values["SystemModstamp"] = Value::Text(now);
  values["CreatedById"] = values["LastModifiedById"] = Value::Text(user_id);
  store_->Insert(object->name, values);
  return std::nullopt;
}

std::optional<RecordError> Org::UpdateOne(const InputRecord& record, const std::string& user_id) {
  const ObjectDef* object = schema_.Find(record.type);
  if (!record.id || record.id->empty()) {
    return Err("MISSING_ARGUMENT", "Id not specified in an update call");
  }
  auto id = NormalizeId(*record.id);
  if (!id || id->substr(0, 3) != object->key_prefix) {
    return Err("MALFORMED_ID", "Id: id value of incorrect type: " + *record.id, {"Id"});
  }
  if (store_->Select("SELECT 1 FROM \"" + object->name + "\" WHERE Id = ?", {Value::Text(*id)})
          .empty()) {
    return Err("ENTITY_IS_DELETED", "entity is deleted");
  }
  if (!object->updateable) {
    return Err("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
               "entity type cannot be updated: " + object->label);
  }
  std::map<std::string, Value> values;
  if (auto e = ConvertFields(*object, record, false, values)) return e;
  const Assumptions& a = options_.assume;
  EpochMs now = clock_.Now();
  if (object->name == "PackagePushRequest") {
    auto current = store_->Select("SELECT Status FROM PackagePushRequest WHERE Id = ?",
                                  {Value::Text(*id)})[0][0].text;
    bool open = current == "Created" || current == "Pending";
    if (values.count("PackageVersionId")) {
      auto version = engine_->Version(values["PackageVersionId"].text);
      if (current != "Created") {
        return Err(a.status_change_status_code,
                   "PackageVersionId can only be changed while the push request is Created",
                   {"PackageVersionId"});
      }
      if (!version || version->beta || version->deprecated) {
        return Err(a.version_status_code,
                   "PackageVersionId: the package version must be a released, non-deprecated "
                   "version",
                   {"PackageVersionId"});
      }
    }
    if (values.count("ScheduledStartTime") && !open) {
      return Err(a.status_change_status_code,
                 "ScheduledStartTime can only be changed while the push request is Created or "
                 "Pending",
                 {"ScheduledStartTime"});
    }
    if (values.count("Status")) {
      const Value& wanted = values["Status"];
      if (wanted.is_null()) {
        return Err("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                   "Status: bad value for restricted picklist field: null", {"Status"});
      }
      if (wanted.text == current) {
        // Unchanged: nothing to do.
      } else if (wanted.text == "Canceled") {
        if (!open) {
          // "You can abort a package push request only if its status is Created or Pending."
          return Err(a.status_change_status_code,
                     "You can abort a package push request only if its status is Created or "
                     "Pending. This push request's status is " + current + ".",
                     {"Status"});
        }
        engine_->Cancel(*id, now);
      } else if (wanted.text == "Pending" && current == "Created") {
        engine_->SetPending(*id, now);
      } else {
        return Err(a.status_change_status_code,
                   "Status: a push request with the status " + current +
                       " can't be changed to " + wanted.text,
                   {"Status"});
      }
    }
  } else if (object->name == "PackagePushJob") {
    auto status = store_->Select("SELECT Status FROM PackagePushJob WHERE Id = ?",
                                 {Value::Text(*id)})[0][0].text;
    if (!values.empty() && status != "Created") {
      return Err(a.status_change_status_code,
                 "A push job can only be changed while its status is Created");
    }
    if (values.count("SubscriberOrganizationKey") || values.count("PackagePushRequestId")) {
      return Err(a.status_change_status_code,
                 "The subscriber and request of a push job can't be changed; create a new job",
                 {"SubscriberOrganizationKey"});
    }
  }
  if (values.empty()) return std::nullopt;
  values["LastModifiedDate"] = values["SystemModstamp"] = Value::Text(FormatDateTime(now));
  values["LastModifiedById"] = Value::Text(user_id);
  std::string sql = "UPDATE \"" + object->name + "\" SET ";
  std::vector<Value> params;
  bool first = true;
  for (const auto& [name, value] : values) {
    sql += (first ? "\"" : ", \"") + name + "\" = ?";
    first = false;
    params.push_back(value);
  }
  sql += " WHERE Id = ?";
  params.push_back(Value::Text(*id));
  store_->Run(sql, params);
  return std::nullopt;
}

std::string Org::SaveResultsXml(const std::vector<std::optional<RecordError>>& errors,
                                const std::vector<std::string>& ids, const std::string& kind,
                                const std::vector<bool>* created) {
  std::string out = "<" + kind + ">";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    out += "<result>";
    if (created != nullptr) {
      out += std::string("<created>") + ((*created)[i] && !errors[i] ? "true" : "false") +
             "</created>";
    }
    if (errors[i]) {
      out += "<errors>";
      for (const auto& f : errors[i]->fields) out += Element("fields", f);
      out += Element("message", errors[i]->message) +
             Element("statusCode", errors[i]->status_code) + "</errors>";
      out += "<id xsi:nil=\"true\"/><success>false</success>";
    } else {
      out += "<id>" + ids[i] + "</id><success>true</success>";
    }
    out += "</result>";
  }
  return out + "</" + kind + ">";
}

ApiResponse Org::SaveCall(const CallContext& ctx, const std::string& operation,
                          const std::vector<InputRecord>& records, bool upsert) {
  LogEntry e{operation, std::nullopt, static_cast<int>(records.size()), std::nullopt,
             std::nullopt};
  if (!records.empty()) e.object = records[0].type;
  PUSHFORCE_CALL(e, {
    std::string user = BeginCall(ctx);
    if (static_cast<int>(records.size()) > kMaxDmlRecords) {
      throw FaultError(MakeFault("EXCEEDED_ID_LIMIT",
                                 "record limit reached. cannot submit more than 200 records into "
                                 "this call"));
    }
    for (const auto& r : records) {
      if (schema_.Find(r.type) == nullptr) {
        throw FaultError(MakeFault("INVALID_TYPE",
                                   "sObject type '" + r.type + "' is not supported.",
                                   "InvalidSObjectFault"));
      }
    }
    if (const ObjectDef* o = records.empty() ? nullptr : schema_.Find(records[0].type)) {
      entry.object = o->name;
    }
    std::vector<std::optional<RecordError>> errors;
    std::vector<std::string> ids;
    std::vector<bool> created;
    store_->Exec("SAVEPOINT dml");
    for (const auto& r : records) {
      std::string id;
      bool is_create = operation == "create" || (upsert && (!r.id || r.id->empty()));
      std::optional<RecordError> error;
      if (is_create) {
        error = CreateOne(r, user, id);
      } else {
        error = UpdateOne(r, user);
        if (!error) id = *NormalizeId(*r.id);
      }
      errors.push_back(error);
      ids.push_back(id);
      created.push_back(is_create);
    }
    bool any_error = false;
    for (const auto& err : errors) any_error = any_error || err.has_value();
    if (ctx.all_or_none && any_error) {
      // AllOrNoneHeader: nothing is saved, and the records that were fine say why.
      store_->Exec("ROLLBACK TO dml");
      for (auto& err : errors) {
        if (!err) {
          err = Err("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                    "Record rolled back because not all records were valid and the request was "
                    "using AllOrNone header");
        }
      }
    }
    store_->Exec("RELEASE dml");
    Log(entry);
    return Ok(SaveResultsXml(errors, ids, operation + "Response", upsert ? &created : nullptr));
  })
}

ApiResponse Org::Create(const CallContext& ctx, const std::vector<InputRecord>& records) {
  return SaveCall(ctx, "create", records, false);
}

ApiResponse Org::Update(const CallContext& ctx, const std::vector<InputRecord>& records) {
  return SaveCall(ctx, "update", records, false);
}

ApiResponse Org::Upsert(const CallContext& ctx, const std::string& external_id_field,
                        const std::vector<InputRecord>& records) {
  if (!EqualsIgnoreCase(external_id_field, "Id")) {
    std::lock_guard lock(mutex_);
    std::string type = records.empty() ? "" : records[0].type;
    Log({"upsert", type, static_cast<int>(records.size()), "INVALID_FIELD", std::nullopt});
    return FaultResponse(MakeFault("INVALID_FIELD",
                                   "Field name provided, " + external_id_field +
                                       " is not an External ID or indexed field for " + type,
                                   "InvalidFieldFault"),
                         true);
  }
  return SaveCall(ctx, "upsert", records, true);
}

ApiResponse Org::Delete(const CallContext& ctx, const std::vector<std::string>& ids) {
  LogEntry e{"delete", std::nullopt, static_cast<int>(ids.size()), std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    if (static_cast<int>(ids.size()) > kMaxDmlRecords) {
      throw FaultError(MakeFault("EXCEEDED_ID_LIMIT",
                                 "record limit reached. cannot submit more than 200 records into "
                                 "this call"));
    }
    std::vector<std::optional<RecordError>> errors;
    for (const auto& raw : ids) {
      auto id = NormalizeId(raw);
      const ObjectDef* object = id ? schema_.ByKeyPrefix(*id) : nullptr;
      if (!id || object == nullptr) {
        errors.push_back(Err("MALFORMED_ID", "malformed id " + raw));
      } else if (store_->Select("SELECT 1 FROM \"" + object->name + "\" WHERE Id = ?",
                                {Value::Text(*id)})
                     .empty()) {
        errors.push_back(Err("ENTITY_IS_DELETED", "entity is deleted"));
      } else {
        if (!entry.object) entry.object = object->name;
        // None of the packaging objects supports delete().
        errors.push_back(Err("INSUFFICIENT_ACCESS_OR_READONLY",
                             "insufficient access rights on object id"));
      }
    }
    Log(entry);
    return Ok(SaveResultsXml(errors, ids, "deleteResponse", nullptr));
  })
}

ApiResponse Org::Retrieve(const CallContext& ctx, const std::string& field_list,
                          const std::string& type, const std::vector<std::string>& ids) {
  LogEntry e{"retrieve", type, static_cast<int>(ids.size()), std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    if (static_cast<int>(ids.size()) > kMaxRetrieveIds) {
      throw FaultError(MakeFault("EXCEEDED_ID_LIMIT", "Too many IDs were requested"));
    }
    std::vector<std::string> normalized;
    std::string in;
    for (const auto& raw : ids) {
      auto id = NormalizeId(raw);
      if (!id) throw FaultError(MakeFault("MALFORMED_ID", "malformed id " + raw, "InvalidIdFault"));
      normalized.push_back(*id);
      in += (in.empty() ? "'" : ", '") + *id + "'";
    }
    std::string out = "<retrieveResponse>";
    if (!normalized.empty()) {
      try {
        auto records = queries_->RenderById("SELECT " + field_list + " FROM " + type +
                                            " WHERE Id IN (" + in + ")");
        std::map<std::string, std::string> by_id(records.begin(), records.end());
        for (const auto& id : normalized) {
          auto it = by_id.find(id);
          out += it == by_id.end() ? "<result xsi:nil=\"true\"/>" : it->second;
        }
      } catch (const SoqlError& q) {
        Fault f = MakeFault(q.code, q.message,
                            q.code == "INVALID_FIELD"  ? "InvalidFieldFault"
                            : q.code == "INVALID_TYPE" ? "InvalidSObjectFault"
                                                       : "MalformedQueryFault");
        throw FaultError(f);
      }
    }
    if (const ObjectDef* o = schema_.Find(type)) entry.object = o->name;
    Log(entry);
    return Ok(out + "</retrieveResponse>");
  })
}

ApiResponse Org::DescribeSObjects(const CallContext& ctx, const std::vector<std::string>& types,
                                  bool single) {
  LogEntry e{single ? "describeSObject" : "describeSObjects", std::nullopt, std::nullopt,
             std::nullopt, std::nullopt};
  if (!types.empty()) e.object = types[0];
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    std::string results;
    auto b = [](bool v) { return v ? std::string("true") : std::string("false"); };
    for (const auto& t : types) {
      const ObjectDef* o = schema_.Find(t);
      if (o == nullptr) {
        throw FaultError(MakeFault("INVALID_TYPE", "sObject type '" + t + "' is not supported.",
                                   "InvalidSObjectFault"));
      }
      std::string x = "<result>";
      for (const auto& c : o->children) {
        x += "<childRelationships><cascadeDelete>false</cascadeDelete><childSObject>" +
             c.child_object + "</childSObject><field>" + c.field + "</field><relationshipName>" +
             c.name + "</relationshipName></childRelationships>";
      }
      x += "<createable>" + b(o->createable) + "</createable><custom>false</custom><deletable>" +
           b(o->deletable) + "</deletable>";
      for (const auto& f : o->fields) {
        x += "<fields><createable>" + b(f.createable) + "</createable><filterable>" +
             b(f.filterable) + "</filterable><groupable>" + b(f.groupable) + "</groupable>" +
             Element("label", f.label) + "<length>" + std::to_string(f.length) + "</length><name>" +
             f.name + "</name><nillable>" + b(f.nillable) + "</nillable>";
        for (const auto& v : f.picklist) {
          x += "<picklistValues><active>true</active><defaultValue>" +
               b(v == "Created") + "</defaultValue>" + Element("label", v) +
               Element("value", v) + "</picklistValues>";
        }
        if (!f.reference_to.empty()) x += "<referenceTo>" + f.reference_to + "</referenceTo>";
        if (!f.relationship_name.empty()) {
          x += "<relationshipName>" + f.relationship_name + "</relationshipName>";
        }
        x += "<soapType>" + std::string(XsdTypeName(f.type)) + "</soapType><sortable>" +
             b(f.sortable) + "</sortable><type>" + std::string(FieldTypeName(f.type)) +
             "</type><updateable>" + b(f.updateable) + "</updateable></fields>";
      }
      x += "<keyPrefix>" + o->key_prefix + "</keyPrefix>" + Element("label", o->label) +
           Element("labelPlural", o->label + "s") + "<name>" + o->name +
           "</name><queryable>true</queryable><retrieveable>true</retrieveable><updateable>" +
           b(o->updateable) + "</updateable></result>";
      results += x;
    }
    Log(entry);
    std::string tag = single ? "describeSObjectResponse" : "describeSObjectsResponse";
    return Ok("<" + tag + ">" + results + "</" + tag + ">");
  })
}

}  // namespace pushforce::fakeorg
