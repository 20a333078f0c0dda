// SPDX-License-Identifier: GPL-2.0-or-later
// Writers for push results: Excel-safe CSV, Data Loader success/error files, and JSON text.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/push.hpp"

namespace pushforce {

// One CSV cell. Text cells starting with = + - @ (or a tab / CR) get a leading apostrophe so
// spreadsheets never evaluate them; number cells are written as given.
struct CsvCell {
  std::string text;
  bool number = false;
};

// A quoted-as-needed cell: quotes when the text has , " CR or LF, doubling inner quotes.
std::string CsvField(const CsvCell& cell);
// A whole record, cells joined by commas, ended by CRLF (RFC 4180).
std::string CsvLine(const std::vector<CsvCell>& cells);

// The report: one row per org with every column untruncated. Columns: OrganizationId,
// OrgName, OrgType, OrgStatus, InstanceName, JobId, JobStatus, StartTime, EndTime,
// DurationSeconds, ErrorCount, ErrorType, ErrorTitle, ErrorMessage (the first error's).
// The OrganizationId column makes the file usable as an org file (`--orgs report.csv`).
void WriteReportCsv(std::ostream& out, const PushReport& report);

// Data Loader shapes. Success (Succeeded jobs): ID (the job id), the input columns
// (OrganizationId, OrgName, OrgType, OrgStatus, InstanceName), STATUS. Error (every other
// job): the input columns, ERROR (the first error's message, or the job status).
void WriteSuccessCsv(std::ostream& out, const PushReport& report);
void WriteErrorCsv(std::ostream& out, const PushReport& report);

// A plan's verdicts: OrganizationId, Verdict, Reason, OrgName, OrgType, OrgStatus,
// InstanceName, InstalledVersion, Line.
void WritePlanCsv(std::ostream& out, const PushPlan& plan);

// JSON text (UTF-8) for --json output and files. Stable field names in camelCase.
std::string PlanJson(const PushPlan& plan);
std::string ReportJson(const PushReport& report);
std::string RequestInfoJson(const PushRequestInfo& request);
std::string JobCountsJson(const JobCounts& counts);
std::string SubscriberJson(const Subscriber& subscriber);
std::string VersionJson(const PackageVersion& version);
std::string ScheduleResultJson(const ScheduleResult& result);

}  // namespace pushforce
