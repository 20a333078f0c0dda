// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce id checksum and org id list parsing.
#include "pushforce/ids.hpp"

#include <unordered_map>

namespace pushforce {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string IdChecksum(std::string_view id15) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  std::string suffix;
  for (int chunk = 0; chunk < 3; ++chunk) {
    int bits = 0;
    for (int k = 0; k < 5; ++k) {
      if (IsUpper(id15[static_cast<size_t>(chunk * 5 + k)])) bits |= 1 << k;
    }
    suffix += kAlphabet[bits];
  }
  return suffix;
}

std::optional<std::string> To18(std::string_view id15) {
  if (id15.size() != 15) return std::nullopt;
  for (char c : id15) {
    if (!IsIdChar(c)) return std::nullopt;
  }
  return std::string(id15) + IdChecksum(id15);
}

Result<std::string> NormalizeOrgId(std::string_view input) {
  if (input.size() != 15 && input.size() != 18) {
    return Status(ErrorCode::kInvalidInput,
                  "15 or 18 characters expected, found " + std::to_string(input.size()));
  }
  for (char c : input) {
    if (!IsIdChar(c)) {
      return Status(ErrorCode::kInvalidInput,
                    std::string("character '") + c + "' is not allowed in an id");
    }
  }
  std::string key(input.substr(0, 15));
  if (input.size() == 18) {
    // The 18-character form is case-insensitive in its suffix; the suffix encodes the case
    // of the first 15 characters, so a mismatch means the id was mistyped.
    std::string expected = IdChecksum(key);
    std::string given(input.substr(15));
    for (char& c : given) c = ToUpper(c);
    if (given != expected) {
      return Status(ErrorCode::kInvalidInput,
                    "wrong checksum: " + std::string(input.substr(15)) + ", expected " + expected);
    }
  }
  if (key.compare(0, 3, "00D") != 0) {
    return Status(ErrorCode::kInvalidInput, "not an org id (org ids start with 00D)");
  }
  return key;
}

bool OrgIdList::Contains(std::string_view key15) const {
  for (const OrgIdEntry& entry : entries) {
    if (entry.key == key15) return true;
  }
  return false;
}

OrgIdList ParseOrgIds(std::string source, const std::vector<OrgIdLine>& lines) {
  OrgIdList list;
  list.source = std::move(source);
  std::unordered_map<std::string, int> first_line;
  for (const OrgIdLine& line : lines) {
    Result<std::string> key = NormalizeOrgId(line.text);
    if (!key.ok()) {
      list.rejected.push_back({line.text, line.line, key.status().message()});
      continue;
    }
    auto [it, inserted] = first_line.emplace(*key, line.line);
    if (!inserted) {
      list.duplicates.push_back({*key, line.line, it->second});
      continue;
    }
    list.entries.push_back({*key, line.text, line.line});
  }
  return list;
}

}  // namespace pushforce
