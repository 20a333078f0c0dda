// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce ids: 15/18-character forms, the checksum, and org id lists from user input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/status.hpp"

namespace pushforce {

// The 3-character checksum Salesforce appends to a 15-character id to make it 18:
// one character per 5-character chunk, bit k set when char k is an uppercase letter.
// Precondition: id15 has 15 characters from [A-Za-z0-9].
std::string IdChecksum(std::string_view id15);

// 15 -> 18 characters; nullopt when the input is not a 15-character id.
std::optional<std::string> To18(std::string_view id15);

// Validates a 15- or 18-character org id (00D…) and returns its 15-character key, which
// is case-sensitive and what PackageSubscriber.OrgKey holds. Errors (kInvalidInput) name
// the problem: length, a character outside [A-Za-z0-9], a wrong checksum, not an org id.
Result<std::string> NormalizeOrgId(std::string_view input);

// An org id list as the user wrote it: each entry keeps its source line for messages.
struct OrgIdLine {
  std::string text;  // the id as written (trimmed)
  int line = 0;      // 1-based line in the source file
};

struct OrgIdEntry {
  std::string key;  // 15-character org key
  std::string text;
  int line = 0;
};

struct RejectedOrgId {
  std::string text;
  int line = 0;
  std::string reason;  // "wrong checksum: expected …", "15 or 18 characters expected" …
};

struct DuplicateOrgId {
  std::string key;
  int line = 0;        // the later line, which is dropped
  int first_line = 0;  // the line that is kept
};

// The result of reading an org list: valid unique keys in input order, rejected lines,
// and dropped duplicates (same 15-character key, compared case-sensitively).
struct OrgIdList {
  std::string source;  // file name for messages ("orgs.txt")
  std::vector<OrgIdEntry> entries;
  std::vector<RejectedOrgId> rejected;
  std::vector<DuplicateOrgId> duplicates;
  bool Contains(std::string_view key15) const;
};

OrgIdList ParseOrgIds(std::string source, const std::vector<OrgIdLine>& lines);

}  // namespace pushforce
