// SPDX-License-Identifier: GPL-2.0-or-later
// Org list files: plain lists (one id per line, # comments), sf --org-file and CumulusCI CSVs.
#pragma once

#include <string>
#include <string_view>

#include "pushforce/ids.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

struct OrgFileOptions {
  // CSV column holding the org id. Empty = the first of OrganizationId (CumulusCI), OrgKey,
  // ORGANIZATIONID found in the header (case-insensitive).
  std::string column;
};

// Parses an org list. Accepted: a UTF-8 BOM, CRLF, blank lines, `#` comments (whole-line or
// trailing), text after the id on the same line (CumulusCI ignores it too), trailing commas
// (sf's "CSV with one value per row"), and a CSV with a header naming the id column.
// Structural problems (a CSV without a known column, a column missing on a row) come back
// as kInvalidInput "source:line: …"; bad ids come back in OrgIdList::rejected.
Result<OrgIdList> ParseOrgFile(std::string_view text, std::string source,
                               const OrgFileOptions& options = {});

// Reads and parses a file ("-" = standard input). kInvalidInput when it cannot be read.
Result<OrgIdList> ReadOrgFile(const std::string& path, const OrgFileOptions& options = {});

// kInvalidInput naming every rejected line ("orgs.txt:3: 00Dx: wrong checksum …", one per
// line of the message), or ok when the list has no rejected line. Duplicates are not errors.
Status CheckOrgIdList(const OrgIdList& list);

}  // namespace pushforce
