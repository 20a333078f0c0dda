// SPDX-License-Identifier: GPL-2.0-or-later
// Runs SOQL against the store and renders partner-API QueryResults.
#include "query_engine.hpp"

#include <cmath>
#include <cstdio>

#include "ids.hpp"
#include "xml.hpp"

namespace pushforce::fakeorg {

QueryEngine::QueryEngine(Store& store, const Schema& schema, std::chrono::seconds cursor_ttl)
    : store_(store), schema_(schema), cursor_ttl_(cursor_ttl) {}

QueryPage QueryEngine::Query(const std::string& soql, int batch_size) {
  SoqlQuery parsed = ParseSoql(soql);
  auto translated = Translate(schema_, parsed);
  Cursor cursor;
  cursor.query = translated;
  cursor.soql = soql;
  cursor.rows = store_.Select(translated->sql, translated->params);
  if (translated->count_all) {
    QueryPage page;
    std::int64_t count = cursor.rows.empty() ? 0 : cursor.rows[0][0].AsInt();
    if (parsed.limit && *parsed.limit < count) count = *parsed.limit;
    page.xml = "<result xsi:type=\"QueryResult\"><done>true</done><queryLocator xsi:nil=\"true\"/>"
               "<size>" + std::to_string(count) + "</size></result>";
    page.object = translated->object->name;
    page.soql = soql;
    return page;
  }
  if (translated->aggregate && static_cast<int>(cursor.rows.size()) > 2000) {
    throw SoqlError{"MALFORMED_QUERY",
                    "Aggregate query does not support queryMore(), use LIMIT to restrict the "
                    "results to a single batch",
                    {}, false};
  }
  // Salesforce pages queries with child subqueries in smaller batches; the caller must not
  // assume batchSize records per page.
  if (translated->has_subqueries && batch_size > 1000) batch_size = 1000;
  return Page(std::move(cursor), translated->aggregate ? 2000 : batch_size);
}

QueryPage QueryEngine::QueryMore(const std::string& locator, int batch_size) {
  ExpireCursors();
  auto it = cursors_.find(locator);
  if (it == cursors_.end()) {
    throw SoqlError{"INVALID_QUERY_LOCATOR", "invalid query locator", {}, false};
  }
  Cursor cursor = std::move(it->second);
  cursors_.erase(it);  // a locator is good for one page only
  if (cursor.query->has_subqueries && batch_size > 1000) batch_size = 1000;
  return Page(std::move(cursor), batch_size);
}

void QueryEngine::ExpireCursors() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    if (now - it->second.last_used > cursor_ttl_) {
      it = cursors_.erase(it);
    } else {
      ++it;
    }
  }
}

QueryPage QueryEngine::Page(Cursor cursor, int batch_size) {
  QueryPage page;
  page.object = cursor.query->object->name;
  page.soql = cursor.soql;
  std::size_t total = cursor.rows.size();
  std::size_t end = std::min(total, cursor.next + static_cast<std::size_t>(batch_size));
  std::string records;
  for (std::size_t i = cursor.next; i < end; ++i) {
    records += RenderRecord(*cursor.query, cursor.rows[i], "records");
  }
  page.records = static_cast<int>(end - cursor.next);
  bool done = end >= total;
  std::string locator_xml = "<queryLocator xsi:nil=\"true\"/>";
  if (!done) {
    // Opaque to clients; shaped like Salesforce's "01g…-2000" (cursor id, offset).
    std::string locator = MakeId("01g", ++cursor_counter_) + "-" + std::to_string(end);
    locator_xml = "<queryLocator>" + locator + "</queryLocator>";
    cursor.next = end;
    cursor.last_used = std::chrono::steady_clock::now();
    cursors_[locator] = std::move(cursor);
  }
  page.xml = "<result xsi:type=\"QueryResult\"><done>" + std::string(done ? "true" : "false") +
             "</done>" + locator_xml + records + "<size>" + std::to_string(total) +
             "</size></result>";
  return page;
}

std::string QueryEngine::RenderValue(const ProjectionNode& node, const Value& v, bool typed) {
  std::string tag = "sf:" + node.name;
  std::string type_attr =
      typed ? " xsi:type=\"" + std::string(XsdTypeName(node.type)) + "\"" : std::string();
  if (typed && (node.type == FieldType::kId || node.type == FieldType::kReference)) {
    type_attr = " xsi:type=\"xsd:string\"";
  }
  if (v.is_null()) return "<" + tag + " xsi:nil=\"true\"/>";
  std::string text;
  switch (node.type) {
    case FieldType::kBoolean: text = v.AsInt() != 0 ? "true" : "false"; break;
    case FieldType::kInt: text = std::to_string(v.AsInt()); break;
    case FieldType::kDouble: {
      double d = v.kind == Value::Kind::kReal ? v.d : static_cast<double>(v.AsInt());
      char buf[64];
      if (std::floor(d) == d && std::fabs(d) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.1f", d);
      } else {
        std::snprintf(buf, sizeof buf, "%.15g", d);
      }
      text = buf;
      break;
    }
    default: text = v.AsText();
  }
  return "<" + tag + type_attr + ">" + XmlEscape(text) + "</" + tag + ">";
}

void QueryEngine::RenderNodes(const TranslatedQuery& q, const std::vector<ProjectionNode>& nodes,
                              const Row& row, std::string& out) {
  for (const auto& node : nodes) {
    switch (node.kind) {
      case ProjectionNode::Kind::kField: out += RenderValue(node, row[node.column], false); break;
      case ProjectionNode::Kind::kAggregate: out += RenderValue(node, row[node.column], true); break;
      case ProjectionNode::Kind::kRelation: {
        const Value& parent_id = row[node.column];
        if (parent_id.is_null()) {
          out += "<sf:" + node.name + " xsi:nil=\"true\"/>";
          break;
        }
        out += "<sf:" + node.name + " xsi:type=\"sf:sObject\"><sf:type>" + node.object +
               "</sf:type>";
        // The partner API's Id quirk applies at every level: typed Id first, then the field.
        out += node.id_selected ? "<sf:Id>" + parent_id.text + "</sf:Id>"
                                : "<sf:Id xsi:nil=\"true\"/>";
        RenderNodes(q, node.children, row, out);
        out += "</sf:" + node.name + ">";
        break;
      }
      case ProjectionNode::Kind::kSubquery: {
        TranslatedQuery& child = *node.subquery;
        std::vector<Value> params = child.params;
        params[0] = row[static_cast<std::size_t>(q.id_column)];
        auto rows = store_.Select(child.sql, params);
        if (rows.empty()) {
          out += "<sf:" + node.name + " xsi:nil=\"true\"/>";
          break;
        }
        out += "<sf:" + node.name + " xsi:type=\"QueryResult\"><done>true</done>"
               "<queryLocator xsi:nil=\"true\"/>";
        for (const auto& r : rows) out += RenderRecord(child, r, "records");
        out += "<size>" + std::to_string(rows.size()) + "</size></sf:" + node.name + ">";
        break;
      }
    }
  }
}

std::string QueryEngine::RenderRecord(const TranslatedQuery& q, const Row& row,
                                      const std::string& tag) {
  std::string out = "<" + tag + " xsi:type=\"sf:sObject\"><sf:type>" +
                    (q.aggregate ? std::string("AggregateResult") : q.object->name) + "</sf:type>";
  if (q.id_selected) {
    out += "<sf:Id>" + row[static_cast<std::size_t>(q.id_column)].text + "</sf:Id>";
  } else {
    out += "<sf:Id xsi:nil=\"true\"/>";
  }
  RenderNodes(q, q.projection, row, out);
  out += "</" + tag + ">";
  return out;
}

std::vector<std::pair<std::string, std::string>> QueryEngine::RenderById(const std::string& soql) {
  SoqlQuery parsed = ParseSoql(soql);
  auto translated = Translate(schema_, parsed);
  auto rows = store_.Select(translated->sql, translated->params);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : rows) {
    out.emplace_back(row[static_cast<std::size_t>(translated->id_column)].text,
                     RenderRecord(*translated, row, "result"));
  }
  return out;
}

}  // namespace pushforce::fakeorg
