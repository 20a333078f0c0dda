// SPDX-License-Identifier: GPL-2.0-or-later
// SOQL → SQLite translation: parent paths become LEFT JOINs, child subqueries their own
// statements, and SOQL's comparison semantics (null-inclusive !=, case-insensitive text) are
// spelt out in SQL.
#include "sql_translate.hpp"

#include <map>

#include "ids.hpp"
#include "sim_clock.hpp"

namespace pushforce::fakeorg {
namespace {

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

SoqlError Error(const SoqlQuery& q, const std::string& code, SourcePos pos,
                const std::string& message) {
  return SoqlError{code, FormatQueryError(q.text, pos, message), pos};
}

class Translator {
 public:
  Translator(const Schema& schema, const SoqlQuery& query) : schema_(schema), q_(query) {}

  std::shared_ptr<TranslatedQuery> Run(const ObjectDef* parent_object) {
    auto out = std::make_shared<TranslatedQuery>();
    if (parent_object != nullptr) {
      // In a subquery FROM names a child relationship of the outer object.
      child_rel_ = parent_object->FindChild(q_.from);
      if (child_rel_ == nullptr) {
        throw Error(q_, "INVALID_TYPE", q_.from_pos,
                    "Didn't understand relationship '" + q_.from +
                        "' in FROM part of query call. If you are attempting to use a custom "
                        "relationship, be sure to append the '__r' after the custom relationship "
                        "name. Please reference your WSDL or the describe call for the "
                        "appropriate names.");
      }
      object_ = schema_.Find(child_rel_->child_object);
    } else {
      object_ = schema_.Find(q_.from);
      if (object_ == nullptr) {
        throw Error(q_, "INVALID_TYPE", q_.from_pos,
                    "sObject type '" + q_.from +
                        "' is not supported. If you are attempting to use a custom object, be "
                        "sure to append the '__c' after the entity name. Please reference your "
                        "WSDL or the describe call for the appropriate names.");
      }
    }
    out->object = object_;
    for (const auto& item : q_.select) {
      if (item.kind == SelectItem::Kind::kAggregate || item.kind == SelectItem::Kind::kCountAll) {
        out->aggregate = true;
      }
    }
    if (!q_.group_by.empty()) out->aggregate = true;
    if (q_.select.size() == 1 && q_.select[0].kind == SelectItem::Kind::kCountAll) {
      out->count_all = true;
      out->aggregate = false;
      if (!q_.group_by.empty()) {
        throw Error(q_, "MALFORMED_QUERY", q_.select[0].pos,
                    "COUNT() and GROUP BY may not be used together");
      }
    } else {
      for (const auto& item : q_.select) {
        if (item.kind == SelectItem::Kind::kCountAll) {
          throw Error(q_, "MALFORMED_QUERY", item.pos,
                      "COUNT() may only be used alone in the select list");
        }
      }
    }

    std::vector<Value> where_params;
    std::string where_sql;
    if (child_rel_ != nullptr) {
      where_sql = "t0." + Quote(child_rel_->field) + " = ?";
      where_params.push_back(Value::Null());
    }
    if (q_.where) {
      std::string cond = Where(*q_.where, where_params);
      where_sql = where_sql.empty() ? cond : where_sql + " AND (" + cond + ")";
    }

    if (out->count_all) {
      columns_.push_back("COUNT(*)");
    } else if (out->aggregate) {
      BuildAggregateProjection(*out);
    } else {
      BuildRecordProjection(*out);
    }

    std::string order_sql;
    for (const auto& item : q_.order_by) {
      Resolved r = Resolve(item.field);
      if (!r.field->sortable) {
        throw Error(q_, "INVALID_FIELD", item.field.pos,
                    "field '" + r.field->name + "' can not be sorted in a query call");
      }
      if (!order_sql.empty()) order_sql += ", ";
      order_sql += r.expr + (item.descending ? " DESC" : " ASC");
      // SOQL's default matches SQLite's: ASC puts nulls first, DESC last.
      if (item.nulls_first) order_sql += *item.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
    std::string group_sql;
    for (const auto& g : q_.group_by) {
      Resolved r = Resolve(g);
      if (!r.field->groupable) {
        throw Error(q_, "MALFORMED_QUERY", g.pos,
                    "field '" + r.field->name + "' can not be grouped in a query call");
      }
      if (!group_sql.empty()) group_sql += ", ";
      group_sql += r.expr;
    }

    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns_.size(); ++i) sql += (i ? ", " : "") + columns_[i];
    sql += " FROM " + Quote(object_->name) + " t0";
    for (const auto& join : joins_) sql += join.sql;
    if (!where_sql.empty()) sql += " WHERE " + where_sql;
    if (!group_sql.empty()) sql += " GROUP BY " + group_sql;
    if (!order_sql.empty()) sql += " ORDER BY " + order_sql;
    if (!out->count_all) {
      if (q_.limit) sql += " LIMIT " + std::to_string(*q_.limit);
      if (q_.offset) sql += (q_.limit ? "" : " LIMIT -1") + std::string(" OFFSET ") +
                            std::to_string(*q_.offset);
    }
    out->sql = sql;
    out->params = std::move(where_params);
    return out;
  }

 private:
  struct Join {
    std::string alias;
    const ObjectDef* object;
    std::string sql;
  };
  struct Resolved {
    std::string expr;
    const FieldDef* field = nullptr;
    // Relationship hops from the root, in describe case, with each hop's object and alias.
    std::vector<std::string> rel_names;
    std::vector<const ObjectDef*> rel_objects;
    std::vector<std::string> rel_aliases;
  };

  Resolved Resolve(const FieldRef& ref) {
    Resolved r;
    const ObjectDef* current = object_;
    std::string alias = "t0";
    std::string key;
    std::size_t first = 0;
    // "SELECT PackagePushJob.Status FROM PackagePushJob" may name the object itself.
    if (ref.path.size() > 1 && EqualsIgnoreCase(ref.path[0], object_->name) &&
        object_->FindRelationship(ref.path[0]) == nullptr) {
      first = 1;
    }
    for (std::size_t i = first; i + 1 < ref.path.size(); ++i) {
      const FieldDef* rel = current->FindRelationship(ref.path[i]);
      if (rel == nullptr) {
        throw Error(q_, "INVALID_FIELD", ref.pos,
                    "Didn't understand relationship '" + ref.path[i] +
                        "' in field path. If you are attempting to use a custom relationship, "
                        "be sure to append the '__r' after the custom relationship name. Please "
                        "reference your WSDL or the describe call for the appropriate names.");
      }
      key += ToLower(rel->relationship_name) + ".";
      const ObjectDef* target = schema_.Find(rel->reference_to);
      auto it = join_aliases_.find(key);
      std::string next_alias;
      if (it == join_aliases_.end()) {
        next_alias = "t" + std::to_string(joins_.size() + 1);
        joins_.push_back({next_alias, target,
                          " LEFT JOIN " + Quote(target->name) + " " + next_alias + " ON " +
                              next_alias + ".\"Id\" = " + alias + "." + Quote(rel->name)});
        join_aliases_[key] = next_alias;
      } else {
        next_alias = it->second;
      }
      r.rel_names.push_back(rel->relationship_name);
      r.rel_objects.push_back(target);
      r.rel_aliases.push_back(next_alias);
      alias = next_alias;
      current = target;
    }
    const std::string& leaf = ref.path.back();
    r.field = current->FindField(leaf);
    if (r.field == nullptr) {
      throw Error(q_, "INVALID_FIELD", ref.pos,
                  "No such column '" + leaf + "' on entity '" + current->name +
                      "'. If you are attempting to use a custom field, be sure to append the "
                      "'__c' after the custom field name. Please reference your WSDL or the "
                      "describe call for the appropriate names.");
    }
    r.expr = alias + "." + Quote(r.field->name);
    return r;
  }

  int AddColumn(const std::string& expr) {
    columns_.push_back(expr);
    return static_cast<int>(columns_.size() - 1);
  }

  void BuildRecordProjection(TranslatedQuery& out) {
    out.id_column = AddColumn("t0.\"Id\"");
    std::map<std::string, bool> seen;
    for (const auto& item : q_.select) {
      if (item.kind == SelectItem::Kind::kSubquery) {
        Translator child(schema_, *item.subquery);
        auto translated = child.RunAsChild(object_);
        ProjectionNode node;
        node.kind = ProjectionNode::Kind::kSubquery;
        node.name = child.child_rel_->name;
        if (seen[ToLower("(" + node.name)]) {
          throw Error(q_, "MALFORMED_QUERY", item.pos,
                      "duplicate relationship selected: " + node.name);
        }
        seen[ToLower("(" + node.name)] = true;
        node.subquery = translated;
        out.projection.push_back(node);
        out.has_subqueries = true;
        continue;
      }
      Resolved r = Resolve(item.field);
      std::string key;
      for (const auto& n : r.rel_names) key += ToLower(n) + ".";
      key += ToLower(r.field->name);
      if (seen[key]) {
        throw Error(q_, "MALFORMED_QUERY", item.field.pos,
                    "duplicate field selected: " + item.field.text);
      }
      seen[key] = true;
      std::vector<ProjectionNode>* level = &out.projection;
      for (std::size_t i = 0; i < r.rel_names.size(); ++i) {
        ProjectionNode* found = nullptr;
        for (auto& n : *level) {
          if (n.kind == ProjectionNode::Kind::kRelation && n.name == r.rel_names[i]) found = &n;
        }
        if (found == nullptr) {
          ProjectionNode rel;
          rel.kind = ProjectionNode::Kind::kRelation;
          rel.name = r.rel_names[i];
          rel.object = r.rel_objects[i]->name;
          rel.column = AddColumn(r.rel_aliases[i] + ".\"Id\"");
          level->push_back(rel);
          found = &level->back();
        }
        if (i + 1 == r.rel_names.size() && r.field->name == "Id") found->id_selected = true;
        level = &found->children;
      }
      ProjectionNode leaf;
      leaf.kind = ProjectionNode::Kind::kField;
      leaf.name = r.field->name;
      leaf.type = r.field->type;
      leaf.column = AddColumn(r.expr);
      if (r.rel_names.empty() && r.field->name == "Id") out.id_selected = true;
      level->push_back(leaf);
    }
  }

  void BuildAggregateProjection(TranslatedQuery& out) {
    int expr_index = 0;
    for (const auto& item : q_.select) {
      ProjectionNode node;
      if (item.kind == SelectItem::Kind::kSubquery) {
        throw Error(q_, "MALFORMED_QUERY", item.pos,
                    "Aggregate query does not support subqueries");
      }
      if (item.kind == SelectItem::Kind::kField) {
        Resolved r = Resolve(item.field);
        bool grouped = false;
        for (const auto& g : q_.group_by) {
          Resolved gr = Resolve(g);
          if (gr.expr == r.expr) grouped = true;
        }
        if (!grouped) {
          throw Error(q_, "MALFORMED_QUERY", item.field.pos,
                      "Field must be grouped or aggregated: " + r.field->name);
        }
        node.kind = ProjectionNode::Kind::kAggregate;
        node.name = r.field->name;  // AggregateResult flattens parent paths to the field name
        node.type = r.field->type;
        node.column = AddColumn(r.expr);
      } else {
        Resolved r = Resolve(item.field);
        node.kind = ProjectionNode::Kind::kAggregate;
        node.name = item.alias.empty() ? "expr" + std::to_string(expr_index++) : item.alias;
        std::string fn;
        switch (item.func) {
          case AggregateFunc::kCount:
            fn = "COUNT(" + r.expr + ")";
            node.type = FieldType::kInt;
            break;
          case AggregateFunc::kCountDistinct:
            fn = "COUNT(DISTINCT " + r.expr + ")";
            node.type = FieldType::kInt;
            break;
          case AggregateFunc::kSum:
            fn = "SUM(" + r.expr + ")";
            node.type = FieldType::kDouble;
            break;
          case AggregateFunc::kAvg:
            fn = "AVG(" + r.expr + ")";
            node.type = FieldType::kDouble;
            break;
          case AggregateFunc::kMin:
            fn = "MIN(" + r.expr + ")";
            node.type = r.field->type;
            break;
          case AggregateFunc::kMax:
            fn = "MAX(" + r.expr + ")";
            node.type = r.field->type;
            break;
          default: break;
        }
        if ((item.func == AggregateFunc::kSum || item.func == AggregateFunc::kAvg) &&
            r.field->type != FieldType::kInt && r.field->type != FieldType::kDouble) {
          throw Error(q_, "MALFORMED_QUERY", item.field.pos,
                      "Invalid field " + r.field->name + " for " +
                          (item.func == AggregateFunc::kSum ? "SUM" : "AVG"));
        }
        node.column = AddColumn(fn);
      }
      out.projection.push_back(node);
    }
  }

  Value LiteralValue(const FieldDef& field, const Literal& lit, const FieldRef& ref) {
    auto type_error = [&](const std::string& type, bool quoted) {
      return Error(q_, "INVALID_QUERY_FILTER_OPERATOR", lit.pos,
                   "value of filter criterion for field '" + field.name + "' must be of type " +
                       type + (quoted ? " and should be enclosed in quotes"
                                      : " and should not be enclosed in quotes"));
    };
    (void)ref;
    if (lit.kind == Literal::Kind::kNull) return Value::Null();
    switch (field.type) {
      case FieldType::kId:
      case FieldType::kReference: {
        if (lit.kind != Literal::Kind::kString) throw type_error("id", true);
        auto id = NormalizeId(lit.text);
        if (!id) {
          throw Error(q_, "INVALID_QUERY_FILTER_OPERATOR", lit.pos,
                      "invalid ID field: " + lit.text);
        }
        return Value::Text(*id);
      }
      case FieldType::kInt:
        if (lit.kind != Literal::Kind::kInteger) throw type_error("integer", false);
        return Value::Int(std::stoll(lit.text));
      case FieldType::kDouble:
        if (lit.kind != Literal::Kind::kInteger && lit.kind != Literal::Kind::kDecimal) {
          throw type_error("double", false);
        }
        return Value::Real(std::stod(lit.text));
      case FieldType::kBoolean:
        if (lit.kind != Literal::Kind::kBoolean) throw type_error("boolean", false);
        return Value::Int(lit.text == "true" ? 1 : 0);
      case FieldType::kDateTime: {
        auto ms = lit.kind == Literal::Kind::kDateTime ? ParseDateTime(lit.text) : std::nullopt;
        if (!ms) throw type_error("dateTime", false);
        return Value::Text(FormatDateTime(*ms));
      }
      default:
        if (lit.kind != Literal::Kind::kString) throw type_error("string", true);
        return Value::Text(lit.text);
    }
  }

  static std::string Unescape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '%' || text[i + 1] == '_')) {
        continue;
      }
      out.push_back(text[i]);
    }
    return out;
  }

  std::string Where(const Condition& c, std::vector<Value>& params) {
    switch (c.kind) {
      case Condition::Kind::kAnd:
      case Condition::Kind::kOr: {
        std::string out;
        for (const auto& child : c.children) {
          if (!out.empty()) out += c.kind == Condition::Kind::kAnd ? " AND " : " OR ";
          out += "(" + Where(child, params) + ")";
        }
        return out;
      }
      case Condition::Kind::kNot: return "NOT (" + Where(c.children[0], params) + ")";
      case Condition::Kind::kCompare: break;
    }
    Resolved r = Resolve(c.field);
    if (!r.field->filterable) {
      throw Error(q_, "INVALID_FIELD", c.field.pos,
                  "field '" + r.field->name + "' can not be filtered in a query call");
    }
    const std::string& x = r.expr;
    if (c.op == "LIKE") {
      if (r.field->type != FieldType::kString && r.field->type != FieldType::kPicklist &&
          r.field->type != FieldType::kTextArea) {
        throw Error(q_, "INVALID_QUERY_FILTER_OPERATOR", c.field.pos,
                    "invalid operator on " + std::string(FieldTypeName(r.field->type)) +
                        " field: " + r.field->name);
      }
      Value v = LiteralValue(*r.field, c.values[0], c.field);
      if (v.is_null()) return "0";
      params.push_back(v);
      return x + " LIKE ? ESCAPE '\\'";
    }
    std::vector<Value> values;
    for (const auto& lit : c.values) {
      Value v = LiteralValue(*r.field, lit, c.field);
      if (v.kind == Value::Kind::kText) v.text = Unescape(v.text);
      values.push_back(v);
    }
    if (c.op == "IN" || c.op == "NOT IN") {
      std::string list;
      bool has_null = false;
      for (auto& v : values) {
        if (v.is_null()) {
          has_null = true;
          continue;
        }
        list += list.empty() ? "?" : ", ?";
        params.push_back(v);
      }
      std::string in = list.empty() ? "0" : x + " IN (" + list + ")";
      if (c.op == "IN") return has_null ? "(" + in + " OR " + x + " IS NULL)" : in;
      // SOQL's NOT IN, like !=, keeps rows whose field is null (unless null is listed).
      std::string not_in = list.empty() ? "1" : x + " NOT IN (" + list + ")";
      return has_null ? "(" + x + " IS NOT NULL AND " + not_in + ")"
                      : "(" + x + " IS NULL OR " + not_in + ")";
    }
    const Value& v = values[0];
    if (v.is_null()) {
      if (c.op == "=") return x + " IS NULL";
      if (c.op == "!=") return x + " IS NOT NULL";
      return "0";
    }
    params.push_back(v);
    if (c.op == "!=") return "(" + x + " IS NULL OR " + x + " != ?)";
    return x + " " + c.op + " ?";
  }

  std::shared_ptr<TranslatedQuery> RunAsChild(const ObjectDef* parent) { return Run(parent); }

  const Schema& schema_;
  const SoqlQuery& q_;
  const ChildRelationshipDef* child_rel_ = nullptr;
  const ObjectDef* object_ = nullptr;
  std::vector<Join> joins_;
  std::map<std::string, std::string> join_aliases_;
  std::vector<std::string> columns_;
};

}  // namespace

std::shared_ptr<TranslatedQuery> Translate(const Schema& schema, const SoqlQuery& query) {
  return Translator(schema, query).Run(nullptr);
}

}  // namespace pushforce::fakeorg
