// SPDX-License-Identifier: GPL-2.0-or-later
// Org files: plain lists, sf and CumulusCI CSVs, BOM/CRLF/comments, and file:line messages.
#define BOOST_TEST_MODULE orgfile
#include <boost/test/unit_test.hpp>

#include "pushforce/ids.hpp"
#include "pushforce/orgfile.hpp"

using pushforce::CheckOrgIdList;
using pushforce::ErrorCode;
using pushforce::OrgFileOptions;
using pushforce::ParseOrgFile;
using pushforce::To18;

namespace {
// Valid 15-character org ids (any [A-Za-z0-9] after 00D is a syntactically valid key).
const std::string kA = "00D000000000001";
const std::string kB = "00D000000000002";
const std::string kC = "00D5e000000AbCd";
}  // namespace

BOOST_AUTO_TEST_CASE(plain_list_with_bom_crlf_comments_and_trailing_text) {
  std::string text = "\xEF\xBB\xBF# QA orgs\r\n" + kA + "\r\n\r\n  " + kB +
                     "   # Acme sandbox\r\n" + *To18(kC) + " Globex (CumulusCI style)\r\n" + kA + "\r\n";
  auto list = ParseOrgFile(text, "orgs.txt");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->entries.size() == 3u);
  BOOST_TEST(list->entries[0].key == kA);
  BOOST_TEST(list->entries[1].line == 4);
  BOOST_TEST(list->entries[2].key == kC);  // 18 -> 15
  BOOST_TEST(list->duplicates.size() == 1u);
  BOOST_TEST(list->duplicates[0].line == 6);
  BOOST_TEST(CheckOrgIdList(*list).ok());
}

BOOST_AUTO_TEST_CASE(sf_org_file_with_trailing_commas) {
  auto list = ParseOrgFile(kA + ",\n" + kB + "\n", "sf.csv");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->entries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_lines_name_file_and_line) {
  std::string wrong_checksum = kA + "ZZZ";
  auto list = ParseOrgFile(kA + "\n00Dshort\n" + wrong_checksum + "\n001000000000001\n", "orgs.txt");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->rejected.size() == 3u);
  pushforce::Status status = CheckOrgIdList(*list);
  BOOST_TEST((status.code() == ErrorCode::kInvalidInput));
  BOOST_TEST(status.message().find("orgs.txt:2: 00Dshort") != std::string::npos);
  BOOST_TEST(status.message().find("orgs.txt:3: " + wrong_checksum) != std::string::npos);
  BOOST_TEST(status.message().find("orgs.txt:4: ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cumulusci_csv_by_header) {
  std::string text =
      "OrganizationId,OrgName,OrgType\r\n" + kA + ",\"Acme, Inc.\",Production\r\n" + kB +
      ",\"Say \"\"hi\"\"\",Sandbox\r\n";
  auto list = ParseOrgFile(text, "fails.csv");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->entries.size() == 2u);
  BOOST_TEST(list->entries[1].line == 3);
}

BOOST_AUTO_TEST_CASE(csv_column_choice_and_errors) {
  std::string text = "Name,OrgKey,Tenant\nAcme," + kA + "," + kB + "\n";
  auto by_default = ParseOrgFile(text, "t.csv");
  BOOST_REQUIRE(by_default.ok());
  BOOST_TEST(by_default->entries[0].key == kA);

  auto chosen = ParseOrgFile(text, "t.csv", OrgFileOptions{"tenant"});
  BOOST_REQUIRE(chosen.ok());
  BOOST_TEST(chosen->entries[0].key == kB);

  auto missing = ParseOrgFile(text, "t.csv", OrgFileOptions{"Org"});
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().message().find("t.csv:1:") == 0u);

  auto short_row = ParseOrgFile("Name,OrgKey\nAcme\n", "t.csv");
  BOOST_TEST(!short_row.ok());
  BOOST_TEST(short_row.status().message().find("t.csv:2:") == 0u);

  auto unknown_header = ParseOrgFile("Name,Id\nAcme," + kA + "\n", "u.csv");
  BOOST_TEST(!unknown_header.ok());
  BOOST_TEST(unknown_header.status().message().find("u.csv:1:") == 0u);
  BOOST_TEST(unknown_header.status().message().find("--org-column") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(two_ids_on_a_line_are_refused) {
  auto list = ParseOrgFile(kA + " " + kB + "\n", "orgs.txt");
  BOOST_TEST(!list.ok());
  BOOST_TEST(list.status().message().find("orgs.txt:1:") == 0u);
}

BOOST_AUTO_TEST_CASE(empty_and_missing_files) {
  auto empty = ParseOrgFile("# nothing\n\n", "e.txt");
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->entries.empty());
  auto missing = pushforce::ReadOrgFile("/nonexistent/orgs.txt");
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().message().find("/nonexistent/orgs.txt") == 0u);
}

BOOST_AUTO_TEST_CASE(quoted_cells_may_span_lines) {
  std::string text = "OrganizationId,ErrorMessage\r\n" + kA + ",\"first line\r\nsecond, line\"\r\n" +
                     kB + ",x\r\n";
  auto list = ParseOrgFile(text, "report.csv");
  BOOST_REQUIRE_MESSAGE(list.ok(), list.status().message());
  BOOST_TEST(list->entries.size() == 2u);
  BOOST_TEST(list->entries[1].line == 4);
}
