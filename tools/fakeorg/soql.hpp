// SPDX-License-Identifier: GPL-2.0-or-later
// A SOQL parser for the subset the fake org serves: SELECT lists with parent paths, child
// subqueries, aggregates; WHERE; GROUP BY; ORDER BY; LIMIT; OFFSET.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pushforce::fakeorg {

struct SourcePos {
  int row = 1;
  int column = 1;
};

// A fault raised while parsing or resolving a query: exceptionCode plus the position
// Salesforce reports (row/column, 1-based) in MalformedQueryFault / InvalidFieldFault.
struct SoqlError {
  std::string code;     // MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...
  std::string message;  // without the "CODE: " prefix
  SourcePos pos;
  bool has_pos = true;
};

struct FieldRef {
  std::vector<std::string> path;  // as written: {"PackageVersion", "MetadataPackage", "Name"}
  std::string text;               // "PackageVersion.MetadataPackage.Name"
  SourcePos pos;
};

enum class AggregateFunc { kNone, kCount, kCountDistinct, kSum, kMin, kMax, kAvg };

struct SoqlQuery;

struct SelectItem {
  enum class Kind { kField, kAggregate, kCountAll, kSubquery };
  Kind kind = Kind::kField;
  FieldRef field;  // the field, or the aggregate's argument
  AggregateFunc func = AggregateFunc::kNone;
  std::string alias;
  std::shared_ptr<SoqlQuery> subquery;
  SourcePos pos;
};

struct Literal {
  enum class Kind { kString, kInteger, kDecimal, kBoolean, kNull, kDateTime, kDate };
  Kind kind = Kind::kNull;
  std::string text;  // decoded string, number text, "true"/"false", datetime text
  SourcePos pos;
};

struct Condition {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<Condition> children;
  FieldRef field;
  std::string op;  // = != < <= > >= LIKE IN NOT IN
  std::vector<Literal> values;
};

struct OrderItem {
  FieldRef field;
  bool descending = false;
  std::optional<bool> nulls_first;
};

struct SoqlQuery {
  std::vector<SelectItem> select;
  std::string from;
  SourcePos from_pos;
  std::optional<Condition> where;
  std::vector<FieldRef> group_by;
  std::vector<OrderItem> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::string text;  // the whole query, for error messages
};

// Parses a query; throws SoqlError (MALFORMED_QUERY) on a syntax error.
SoqlQuery ParseSoql(const std::string& text);

// Salesforce's error text layout: the offending line, a caret, "ERROR at Row:R:Column:C", the
// message.
std::string FormatQueryError(const std::string& query, SourcePos pos, const std::string& message);

}  // namespace pushforce::fakeorg
