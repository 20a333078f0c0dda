// SPDX-License-Identifier: GPL-2.0-or-later
// Record field access by name and dotted parent path.
#include "pushforce/record.hpp"

#include <charconv>

namespace pushforce {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::vector<Record> kNoRecords;

}  // namespace

const Field* Record::Find(std::string_view path) const {
  const Record* record = this;
  while (true) {
    size_t dot = path.find('.');
    std::string_view head = path.substr(0, dot);
    const Field* found = nullptr;
    for (const Field& field : record->fields_) {
      if (EqualsIgnoreCase(field.name, head)) {
        found = &field;
        break;
      }
    }
    if (found == nullptr && EqualsIgnoreCase(head, "Id") && !record->id_.empty() &&
        dot == std::string_view::npos) {
      return nullptr;  // Id lives in id(); callers use Get("Id") below
    }
    if (dot == std::string_view::npos || found == nullptr) return found;
    if (found->kind != Field::Kind::kParent || found->records.empty()) return nullptr;
    record = &found->records.front();
    path.remove_prefix(dot + 1);
  }
}

std::optional<std::string> Record::Get(std::string_view path) const {
  const Field* field = Find(path);
  if (field == nullptr) {
    // The typed Id of this record, or of a parent reached by a dotted path.
    size_t dot = path.rfind('.');
    std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
    if (EqualsIgnoreCase(last, "Id")) {
      const Record* owner = this;
      if (dot != std::string_view::npos) {
        const Field* parent = Find(path.substr(0, dot));
        if (parent == nullptr || parent->kind != Field::Kind::kParent || parent->records.empty())
          return std::nullopt;
        owner = &parent->records.front();
      }
      if (!owner->id_.empty()) return owner->id_;
    }
    return std::nullopt;
  }
  if (field->kind != Field::Kind::kText) return std::nullopt;
  return field->text;
}

std::string Record::GetOr(std::string_view path, std::string_view fallback) const {
  auto value = Get(path);
  return value ? *value : std::string(fallback);
}

std::optional<long long> Record::GetInt(std::string_view path) const {
  auto value = Get(path);
  if (!value || value->empty()) return std::nullopt;
  long long out = 0;
  const char* begin = value->data();
  const char* end = begin + value->size();
  // Salesforce may render numbers as "12.0" in some aggregate results.
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc() || (ptr != end && *ptr != '.')) return std::nullopt;
  return out;
}

const std::vector<Record>& Record::Children(std::string_view relationship) const {
  const Field* field = Find(relationship);
  if (field == nullptr || field->kind != Field::Kind::kChildren) return kNoRecords;
  return field->records;
}

Record& Record::Set(std::string_view name, std::string_view value) {
  for (Field& field : fields_) {
    if (EqualsIgnoreCase(field.name, name)) {
      field.kind = Field::Kind::kText;
      field.text = std::string(value);
      field.records.clear();
      return *this;
    }
  }
  fields_.push_back(Field{std::string(name), Field::Kind::kText, std::string(value), {}, true});
  return *this;
}

Record& Record::SetNull(std::string_view name) {
  for (Field& field : fields_) {
    if (EqualsIgnoreCase(field.name, name)) {
      field.kind = Field::Kind::kNull;
      field.text.clear();
      field.records.clear();
      return *this;
    }
  }
  fields_.push_back(Field{std::string(name), Field::Kind::kNull, {}, {}, true});
  return *this;
}

}  // namespace pushforce
