// SPDX-License-Identifier: GPL-2.0-or-later
// SOQL literal builders.
#include "pushforce/soql.hpp"

namespace pushforce::soql {

std::string Quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '\'';
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += c;
    }
  }
  out += '\'';
  return out;
}

std::string QuotedList(const std::vector<std::string>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += Quote(values[i]);
  }
  out += ')';
  return out;
}

std::string Number(long long value) { return std::to_string(value); }

}  // namespace pushforce::soql
