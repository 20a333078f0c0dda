// SPDX-License-Identifier: GPL-2.0-or-later
// CSV quoting (RFC 4180, Excel formula neutralisation) and the report/success/error shapes.
#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "pushforce/report.hpp"

using namespace pushforce;

BOOST_AUTO_TEST_CASE(csv_quoting) {
  BOOST_TEST(CsvField({"plain"}) == "plain");
  BOOST_TEST(CsvField({"a,b"}) == "\"a,b\"");
  BOOST_TEST(CsvField({"say \"hi\""}) == "\"say \"\"hi\"\"\"");
  BOOST_TEST(CsvField({"line1\r\nline2"}) == "\"line1\r\nline2\"");
  BOOST_TEST(CsvField({"=HYPERLINK(\"x\")"}) == "\"'=HYPERLINK(\"\"x\"\")\"");
  BOOST_TEST(CsvField({"+1"}) == "'+1");
  BOOST_TEST(CsvField({"-2"}) == "'-2");
  BOOST_TEST(CsvField({"@SUM(A1)"}) == "'@SUM(A1)");
  BOOST_TEST(CsvField({"-2", true}) == "-2");  // a number cell stays a number
  BOOST_TEST(CsvField({"Société Générale"}) == "Société Générale");  // UTF-8 untouched
  BOOST_TEST(CsvLine({{"a"}, {"b,c"}, {"", true}}) == "a,\"b,c\",\r\n");
}

namespace {
PushReport SampleReport() {
  PushReport report;
  OrgResult ok;
  ok.org_key = "00D000000000001";
  ok.org_name = "Acme, Inc.";
  ok.org_type = "Production";
  ok.org_status = "Active";
  ok.instance = "NA1";
  ok.job_id = "0DX000000000001";
  ok.status = PushStatus::kSucceeded;
  ok.duration_seconds = 42;
  OrgResult bad = ok;
  bad.org_key = "00D000000000002";
  bad.org_name = "=cmd|' /C calc'!A0";
  bad.job_id = "0DX000000000002";
  bad.status = PushStatus::kFailed;
  std::string long_message(5000, 'x');
  bad.errors = {{"Error", "ApexTestFailure", "Test failed", long_message, ""},
                {"Error", "DeployError", "Second", "m2", ""}};
  report.orgs = {ok, bad};
  return report;
}
}  // namespace

BOOST_AUTO_TEST_CASE(report_csv_rows) {
  std::ostringstream out;
  WriteReportCsv(out, SampleReport());
  std::string csv = out.str();
  BOOST_TEST(csv.find("OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,JobId,JobStatus,"
                      "StartTime,EndTime,DurationSeconds,ErrorCount,ErrorType,ErrorTitle,"
                      "ErrorMessage\r\n") == 0u);
  BOOST_TEST(csv.find("00D000000000001,\"Acme, Inc.\",Production,Active,NA1,0DX000000000001,"
                      "Succeeded,,,42,0,,,\r\n") != std::string::npos);
  BOOST_TEST(csv.find("'=cmd|' /C calc'!A0") != std::string::npos);
  BOOST_TEST(csv.find(",2,ApexTestFailure,Test failed," + std::string(5000, 'x') + "\r\n") !=
             std::string::npos);  // nothing truncated
}

BOOST_AUTO_TEST_CASE(data_loader_success_and_error_files) {
  std::ostringstream success;
  std::ostringstream error;
  WriteSuccessCsv(success, SampleReport());
  WriteErrorCsv(error, SampleReport());
  BOOST_TEST(success.str().find("ID,OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,STATUS\r\n"
                                "0DX000000000001,00D000000000001,") == 0u);
  BOOST_TEST(success.str().find("00D000000000002") == std::string::npos);
  BOOST_TEST(error.str().find("OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ERROR\r\n"
                              "00D000000000002,") == 0u);
  BOOST_TEST(error.str().find(std::string(5000, 'x') + "\r\n") != std::string::npos);
}
