// SPDX-License-Identifier: GPL-2.0-or-later
// The fake org's records in SQLite (in memory, or a --state file), one table per object.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "schema.hpp"

struct sqlite3;

namespace pushforce::fakeorg {

// One SQLite value. Booleans are kInt 0/1 and dateTimes ISO text, so text order is time order.
struct Value {
  enum class Kind { kNull, kInt, kReal, kText };
  Kind kind = Kind::kNull;
  std::int64_t i = 0;
  double d = 0;
  std::string text;

  static Value Null() { return {}; }
  static Value Int(std::int64_t v) { Value x; x.kind = Kind::kInt; x.i = v; return x; }
  static Value Real(double v) { Value x; x.kind = Kind::kReal; x.d = v; return x; }
  static Value Text(std::string v) { Value x; x.kind = Kind::kText; x.text = std::move(v); return x; }
  bool is_null() const { return kind == Kind::kNull; }
  std::string AsText() const;  // "" for null
  std::int64_t AsInt() const;
};

using Row = std::vector<Value>;

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Not thread-safe: the service serialises every call (one mutex) so that a call sees and
// leaves a consistent org, as Salesforce's per-call transactions do.
class Store {
 public:
  // path "" = in memory. Creates the tables when they do not exist yet.
  Store(const Schema& schema, const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  bool IsEmpty();  // no MetadataPackage rows yet: the generator should seed
  void Exec(const std::string& sql);
  std::vector<Row> Select(const std::string& sql, const std::vector<Value>& params = {});
  void Run(const std::string& sql, const std::vector<Value>& params = {});
  // Inserts one record; missing columns are NULL.
  void Insert(const std::string& object, const std::map<std::string, Value>& values);
  // A new 18-character id with the object's key prefix, from a counter kept in the store.
  std::string NextId(const std::string& key_prefix);
  std::optional<std::string> GetMeta(const std::string& key);
  void SetMeta(const std::string& key, const std::string& value);
  const Schema& schema() const { return schema_; }
  std::int64_t changes() const;

 private:
  const Schema& schema_;
  sqlite3* db_ = nullptr;
};

}  // namespace pushforce::fakeorg
