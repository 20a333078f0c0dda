// SPDX-License-Identifier: GPL-2.0-or-later
// Resolves a parsed SOQL query against the schema and translates it to SQLite SQL, keeping the
// projection tree the partner API's record shape needs (parent records, child QueryResults).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "schema.hpp"
#include "soql.hpp"
#include "store.hpp"

namespace pushforce::fakeorg {

struct TranslatedQuery;

// One element of a result record, in SELECT order.
struct ProjectionNode {
  enum class Kind { kField, kRelation, kSubquery, kAggregate };
  Kind kind = Kind::kField;
  std::string name;  // element name: describe-exact field, relationship, alias or exprN
  FieldType type = FieldType::kString;
  int column = -1;     // kField/kAggregate: value column; kRelation: the parent's Id column
  std::string object;  // kRelation: the parent object's name
  bool id_selected = false;               // kRelation: Id appears in children
  std::vector<ProjectionNode> children;   // kRelation
  std::shared_ptr<TranslatedQuery> subquery;  // kSubquery
};

struct TranslatedQuery {
  const ObjectDef* object = nullptr;
  std::string sql;
  std::vector<Value> params;  // for a subquery, params[0] is the parent id placeholder
  std::vector<ProjectionNode> projection;
  bool id_selected = false;
  int id_column = -1;      // the record's own Id (always selected for non-aggregate queries)
  bool aggregate = false;  // rows are AggregateResult records
  bool count_all = false;  // SELECT COUNT(): only QueryResult.size matters
  bool has_subqueries = false;
};

// Throws SoqlError: INVALID_TYPE (unknown object), INVALID_FIELD, MALFORMED_QUERY,
// INVALID_QUERY_FILTER_OPERATOR.
std::shared_ptr<TranslatedQuery> Translate(const Schema& schema, const SoqlQuery& query);

}  // namespace pushforce::fakeorg
