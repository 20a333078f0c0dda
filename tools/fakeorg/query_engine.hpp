// SPDX-License-Identifier: GPL-2.0-or-later
// Runs SOQL against the store and renders partner-API QueryResults, with query cursors for
// queryMore (opaque, single-use per page, expiring).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sql_translate.hpp"
#include "store.hpp"

namespace pushforce::fakeorg {

struct QueryPage {
  std::string xml;  // <result xsi:type="QueryResult">…</result>
  int records = 0;
  std::string object;
  std::string soql;
};

// Not thread-safe; the service calls it under its org lock.
class QueryEngine {
 public:
  QueryEngine(Store& store, const Schema& schema, std::chrono::seconds cursor_ttl);

  // Throws SoqlError. batch_size is QueryOptions.batchSize, already clamped to 200..2000.
  QueryPage Query(const std::string& soql, int batch_size);
  // Throws SoqlError{INVALID_QUERY_LOCATOR} for an unknown, used or expired locator.
  QueryPage QueryMore(const std::string& locator, int batch_size);
  // The records of one query as <tag xsi:type="sf:sObject"> elements, for retrieve().
  std::vector<std::pair<std::string, std::string>> RenderById(const std::string& soql);

 private:
  struct Cursor {
    std::shared_ptr<TranslatedQuery> query;
    std::vector<Row> rows;
    std::size_t next = 0;
    std::string soql;
    std::chrono::steady_clock::time_point last_used;
  };
  QueryPage Page(Cursor cursor, int batch_size);
  std::string RenderRecord(const TranslatedQuery& q, const Row& row, const std::string& tag);
  void RenderNodes(const TranslatedQuery& q, const std::vector<ProjectionNode>& nodes,
                   const Row& row, std::string& out);
  std::string RenderValue(const ProjectionNode& node, const Value& v, bool typed);
  void ExpireCursors();

  Store& store_;
  const Schema& schema_;
  std::chrono::seconds cursor_ttl_;
  std::map<std::string, Cursor> cursors_;
  std::uint64_t cursor_counter_ = 0;
};

}  // namespace pushforce::fakeorg
