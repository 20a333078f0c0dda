// SPDX-License-Identifier: GPL-2.0-or-later
// Excel-safe CSV cells and records (RFC 4180 quoting, formula neutralisation).
#include "pushforce/report.hpp"

namespace pushforce {

std::string CsvField(const CsvCell& cell) {
  std::string text = cell.text;
  if (!cell.number && !text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
       text[0] == '\r')) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string CsvLine(const std::vector<CsvCell>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line.push_back(',');
    line += CsvField(cells[i]);
  }
  line += "\r\n";
  return line;
}

}  // namespace pushforce
