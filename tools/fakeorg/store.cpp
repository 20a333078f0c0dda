// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org's records in SQLite, one table per object plus a meta table for counters.
#include "store.hpp"

#include <sqlite3.h>

#include "ids.hpp"

namespace pushforce::fakeorg {

std::string Value::AsText() const {
  switch (kind) {
    case Kind::kNull: return "";
    case Kind::kInt: return std::to_string(i);
    case Kind::kReal: return std::to_string(d);
    case Kind::kText: return text;
  }
  return "";
}

std::int64_t Value::AsInt() const {
  switch (kind) {
    case Kind::kInt: return i;
    case Kind::kReal: return static_cast<std::int64_t>(d);
    case Kind::kText: return std::stoll(text.empty() ? "0" : text);
    default: return 0;
  }
}

namespace {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db) + " in " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  void Bind(const std::vector<Value>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      const Value& v = params[i];
      switch (v.kind) {
        case Value::Kind::kNull: sqlite3_bind_null(stmt_, index); break;
        case Value::Kind::kInt: sqlite3_bind_int64(stmt_, index, v.i); break;
        case Value::Kind::kReal: sqlite3_bind_double(stmt_, index, v.d); break;
        case Value::Kind::kText:
          sqlite3_bind_text(stmt_, index, v.text.data(), static_cast<int>(v.text.size()),
                            SQLITE_TRANSIENT);
          break;
      }
    }
  }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string SqlType(FieldType type) {
  switch (type) {
    case FieldType::kInt:
    case FieldType::kBoolean: return "INTEGER";
    case FieldType::kDouble: return "REAL";
    case FieldType::kId:
    case FieldType::kReference: return "TEXT";
    case FieldType::kDateTime: return "TEXT";
    default: return "TEXT COLLATE NOCASE";  // SOQL compares strings case-insensitively
  }
}

}  // namespace

Store::Store(const Schema& schema, const std::string& path) : schema_(schema) {
  std::string target = path.empty() ? ":memory:" : path;
  if (sqlite3_open(target.c_str(), &db_) != SQLITE_OK) {
    throw StoreError("cannot open " + target + ": " + sqlite3_errmsg(db_));
  }
  // A state file needs durability across a restart, not across a power cut.
  Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Exec("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)");
  for (const auto& object : schema_.objects()) {
    std::string sql = "CREATE TABLE IF NOT EXISTS \"" + object.name + "\" (";
    bool first = true;
    for (const auto& f : object.fields) {
      if (!first) sql += ", ";
      first = false;
      sql += "\"" + f.name + "\" " + SqlType(f.type);
      if (f.name == "Id") sql += " PRIMARY KEY";
    }
    for (const auto& c : object.internal_columns) sql += ", \"" + c + "\"";
    sql += ")";
    Exec(sql);
    for (const auto& f : object.fields) {
      if (f.type == FieldType::kReference && f.name != "CreatedById" &&
          f.name != "LastModifiedById") {
        Exec("CREATE INDEX IF NOT EXISTS \"ix_" + object.name + "_" + f.name + "\" ON \"" +
             object.name + "\" (\"" + f.name + "\")");
      }
    }
  }
  Exec("CREATE INDEX IF NOT EXISTS ix_job_status ON PackagePushJob (Status)");
  Exec("CREATE INDEX IF NOT EXISTS ix_sub_orgkey ON PackageSubscriber (OrgKey)");
  // Org keys match on their case-sensitive 15-character prefix (15 vs 18-char ids).
  Exec("CREATE INDEX IF NOT EXISTS ix_sub_key15 ON PackageSubscriber (MetadataPackageId, "
       "substr(OrgKey, 1, 15))");
  Exec("CREATE INDEX IF NOT EXISTS ix_job_key15 ON PackagePushJob (PackagePushRequestId, "
       "substr(SubscriberOrganizationKey, 1, 15))");
  Exec("CREATE INDEX IF NOT EXISTS ix_job_plan ON PackagePushJob (Status, _PlanEnd)");
}

Store::~Store() { sqlite3_close(db_); }

void Store::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown";
    sqlite3_free(error);
    throw StoreError("sqlite: " + message + " in " + sql);
  }
}

std::vector<Row> Store::Select(const std::string& sql, const std::vector<Value>& params) {
  Statement stmt(db_, sql);
  stmt.Bind(params);
  std::vector<Row> rows;
  int columns = sqlite3_column_count(stmt.get());
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    Row row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt.get(), c)) {
        case SQLITE_NULL: row.push_back(Value::Null()); break;
        case SQLITE_INTEGER: row.push_back(Value::Int(sqlite3_column_int64(stmt.get(), c))); break;
        case SQLITE_FLOAT: row.push_back(Value::Real(sqlite3_column_double(stmt.get(), c))); break;
        default: {
          const unsigned char* text = sqlite3_column_text(stmt.get(), c);
          int size = sqlite3_column_bytes(stmt.get(), c);
          row.push_back(Value::Text(std::string(reinterpret_cast<const char*>(text),
                                                static_cast<std::size_t>(size))));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) throw StoreError(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  return rows;
}

void Store::Run(const std::string& sql, const std::vector<Value>& params) {
  Statement stmt(db_, sql);
  stmt.Bind(params);
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw StoreError(std::string("sqlite step: ") + sqlite3_errmsg(db_) + " in " + sql);
  }
}

void Store::Insert(const std::string& object, const std::map<std::string, Value>& values) {
  std::string columns, marks;
  std::vector<Value> params;
  for (const auto& [name, value] : values) {
    if (!columns.empty()) {
      columns += ", ";
      marks += ", ";
    }
    columns += "\"" + name + "\"";
    marks += "?";
    params.push_back(value);
  }
  Run("INSERT INTO \"" + object + "\" (" + columns + ") VALUES (" + marks + ")", params);
}

bool Store::IsEmpty() { return Select("SELECT 1 FROM MetadataPackage LIMIT 1").empty(); }

std::string Store::NextId(const std::string& key_prefix) {
  std::string key = "next_id_" + key_prefix;
  std::uint64_t next = 1;
  if (auto value = GetMeta(key)) next = std::stoull(*value);
  SetMeta(key, std::to_string(next + 1));
  return MakeId(key_prefix, next);
}

std::optional<std::string> Store::GetMeta(const std::string& key) {
  auto rows = Select("SELECT value FROM _meta WHERE key = ?", {Value::Text(key)});
  if (rows.empty()) return std::nullopt;
  return rows[0][0].AsText();
}

void Store::SetMeta(const std::string& key, const std::string& value) {
  Run("INSERT INTO _meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
      "excluded.value",
      {Value::Text(key), Value::Text(value)});
}

std::int64_t Store::changes() const { return sqlite3_changes64(db_); }

}  // namespace pushforce::fakeorg
