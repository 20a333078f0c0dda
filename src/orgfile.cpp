// SPDX-License-Identifier: GPL-2.0-or-later
// Org list files: format detection, CSV header lookup, comments, and file:line messages.
#include "pushforce/orgfile.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

namespace pushforce {
namespace {

struct SourceLine {
  std::string text;
  int line = 0;
};

std::string Trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Splits on LF, CRLF or a lone CR; drops a leading UTF-8 BOM.
std::vector<SourceLine> SplitLines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<SourceLine> lines;
  std::string current;
  int number = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' || c == '\n') {
      lines.push_back({current, number++});
      current.clear();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) lines.push_back({current, number});
  return lines;
}

// One CSV record's cells (RFC 4180 quoting within one line). nullopt for an unterminated quote.
std::optional<std::vector<std::string>> SplitCsv(std::string_view line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell.push_back(c);
      }
    } else if (c == '"' && Trim(cell).empty()) {
      quoted = true;
      was_quoted = true;
      cell.clear();
    } else if (c == ',') {
      cells.push_back(was_quoted ? cell : Trim(cell));
      cell.clear();
      was_quoted = false;
    } else {
      cell.push_back(c);
    }
  }
  if (quoted) return std::nullopt;
  cells.push_back(was_quoted ? cell : Trim(cell));
  return cells;
}

bool IsComment(const std::string& trimmed) { return !trimmed.empty() && trimmed[0] == '#'; }

bool LooksLikeOrgId(std::string_view token) {
  return (token.size() == 15 || token.size() == 18) && token.substr(0, 3) == "00D" &&
         std::all_of(token.begin(), token.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

Status LineError(const std::string& source, int line, const std::string& message) {
  return Status(ErrorCode::kInvalidInput, source + ":" + std::to_string(line) + ": " + message);
}

constexpr const char* kKnownColumns[] = {"OrganizationId", "OrgKey", "ORGANIZATIONID"};

Result<OrgIdList> ParseCsv(const std::vector<SourceLine>& lines, std::size_t header_index,
                           std::size_t column, const std::string& source) {
  std::vector<OrgIdLine> ids;
  std::size_t header_cells = SplitCsv(lines[header_index].text)->size();
  for (std::size_t i = header_index + 1; i < lines.size(); ++i) {
    std::string trimmed = Trim(lines[i].text);
    if (trimmed.empty() || IsComment(trimmed)) continue;
    // A quoted cell may span lines (an error message in a report): join until it closes.
    const std::size_t first = i;
    std::string record = lines[i].text;
    auto cells = SplitCsv(record);
    while (!cells && i + 1 < lines.size()) {
      record += "\n" + lines[++i].text;
      cells = SplitCsv(record);
    }
    if (!cells) return LineError(source, lines[first].line, "unterminated quoted field");
    if (cells->size() <= column) {
      return LineError(source, lines[first].line,
                       "row has " + std::to_string(cells->size()) + " of the header's " +
                           std::to_string(header_cells) + " columns");
    }
    ids.push_back({Trim((*cells)[column]), lines[first].line});
  }
  return ParseOrgIds(source, ids);
}

}  // namespace

Result<OrgIdList> ParseOrgFile(std::string_view text, std::string source,
                               const OrgFileOptions& options) {
  std::vector<SourceLine> lines = SplitLines(text);
  std::size_t first = 0;
  while (first < lines.size()) {
    std::string trimmed = Trim(lines[first].text);
    if (!trimmed.empty() && !IsComment(trimmed)) break;
    ++first;
  }
  if (first == lines.size()) return ParseOrgIds(source, {});

  // A header: a first meaningful line naming the id column.
  auto header = SplitCsv(lines[first].text);
  if (!header) return LineError(source, lines[first].line, "unterminated quoted field");
  std::optional<std::size_t> column;
  if (!options.column.empty()) {
    for (std::size_t c = 0; c < header->size() && !column; ++c) {
      if (EqualsIgnoreCase((*header)[c], options.column)) column = c;
    }
    if (!column) {
      return LineError(source, lines[first].line,
                       "no column \"" + options.column + "\" in the header (--org-column)");
    }
  } else {
    for (const char* known : kKnownColumns) {
      for (std::size_t c = 0; c < header->size() && !column; ++c) {
        if (EqualsIgnoreCase((*header)[c], known)) column = c;
      }
      if (column) break;
    }
  }
  if (column) return ParseCsv(lines, first, *column, source);

  // A plain list, one id per line.
  std::vector<OrgIdLine> ids;
  for (std::size_t i = first; i < lines.size(); ++i) {
    std::string content = lines[i].text;
    if (std::size_t hash = content.find('#'); hash != std::string::npos) content.resize(hash);
    content = Trim(content);
    while (!content.empty() && content.back() == ',') content = Trim(content.substr(0, content.size() - 1));
    if (content.empty()) continue;
    if (content.find(',') != std::string::npos) {
      return LineError(source, lines[i].line,
                       "several values on a line, and no header with a column OrganizationId, "
                       "OrgKey or ORGANIZATIONID (name another with --org-column)");
    }
    std::istringstream tokens(content);
    std::string id;
    tokens >> id;
    std::string rest;
    while (tokens >> rest) {
      if (LooksLikeOrgId(rest)) {
        return LineError(source, lines[i].line, "several org ids on one line; one per line expected");
      }
    }
    ids.push_back({id, lines[i].line});
  }
  return ParseOrgIds(source, ids);
}

Result<OrgIdList> ReadOrgFile(const std::string& path, const OrgFileOptions& options) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(ErrorCode::kInvalidInput, path + ": cannot read the org file");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return ParseOrgFile(text, path == "-" ? "<stdin>" : path, options);
}

Status CheckOrgIdList(const OrgIdList& list) {
  if (list.rejected.empty()) return Status();
  std::string message;
  for (const RejectedOrgId& bad : list.rejected) {
    if (!message.empty()) message += "\n";
    message += list.source + ":" + std::to_string(bad.line) + ": " +
               (bad.text.empty() ? std::string("empty org id") : bad.text + ": " + bad.reason);
  }
  return Status(ErrorCode::kInvalidInput, message);
}

}  // namespace pushforce
