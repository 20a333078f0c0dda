// SPDX-License-Identifier: GPL-2.0-or-later
// Push module value types: statuses in both spellings, versions, verdicts, start times, ids.
#define BOOST_TEST_MODULE push_types
#include <boost/test/unit_test.hpp>

#include "push_internal.hpp"
#include "pushforce/ids.hpp"
#include "pushforce/push.hpp"
#include "pushforce/soql.hpp"

using namespace pushforce;
using namespace std::chrono;

BOOST_AUTO_TEST_CASE(both_spellings_parse_to_one_status) {
  BOOST_TEST((ParsePushStatus("In Progress") == PushStatus::kInProgress));
  BOOST_TEST((ParsePushStatus("InProgress") == PushStatus::kInProgress));
  BOOST_TEST((ParsePushStatus("Canceled") == PushStatus::kCanceled));
  BOOST_TEST((ParsePushStatus("Cancelled") == PushStatus::kCanceled));
  BOOST_TEST(!ParsePushStatus("Running").has_value());
  BOOST_TEST(std::string(PushStatusName(PushStatus::kCanceled)) == "Canceled");
  BOOST_TEST(IsTerminal(PushStatus::kFailed));
  BOOST_TEST(!IsTerminal(PushStatus::kPending));
  BOOST_TEST((PollActionFor(PushStatus::kCreated) == PollAction::kFail));
  BOOST_TEST((PollActionFor(PushStatus::kInProgress) == PollAction::kContinue));
}

BOOST_AUTO_TEST_CASE(version_numbers) {
  auto v = VersionNumber::Parse("2.4");
  BOOST_REQUIRE(v.ok());
  BOOST_TEST(v->major == 2);
  BOOST_TEST(v->patch == -1);
  auto b = VersionNumber::Parse("1.3.0.2");
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(b->build == 2);
  auto beta = VersionNumber::Parse("2.5 (Beta 3)");
  BOOST_REQUIRE(beta.ok());
  BOOST_TEST(*beta->beta == 3);
  BOOST_TEST(beta->ToString() == "2.5 (Beta 3)");
  BOOST_TEST(VersionNumber::Parse("2.4").value().Compare(VersionNumber::Parse("2.4.0").value()) == 0);
  BOOST_TEST(VersionNumber::Parse("2.10").value().Compare(VersionNumber::Parse("2.9.9").value()) == 1);
  for (const char* bad : {"2", "2.x", "1.2.3.4.5", "2.4 (Beta)", "", "-1.2"}) {
    auto r = VersionNumber::Parse(bad);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.status().code() == ErrorCode::kInvalidInput));
  }
}

BOOST_AUTO_TEST_CASE(judging_a_subscriber_follows_the_documented_order) {
  std::vector<PackageVersion> versions(4);
  versions[0] = {"04t000000000003AAA", "033", "v3", {3, 0, 0, 1, {}}, "Released", false};
  versions[1] = {"04t000000000002AAA", "033", "v2", {2, 4, 0, 1, {}}, "Released", false};
  versions[2] = {"04t000000000001AAA", "033", "v1", {2, 3, 0, 1, {}}, "Released", false};
  versions[3] = {"04t000000000009AAA", "033", "b", {2, 4, 1, 2, 2}, "Beta", false};
  push_internal::VersionIndex index(versions);
  const PackageVersion& target = versions[1];
  Subscriber s;
  s.org_key = "00D000000000001";
  s.installed_status = "i";
  s.org_status = "Active";
  s.installed_version_id = versions[2].id;
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kEligible));
  s.blocked = true;
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kBlockedBySubscriber));
  s.installed_version_id = versions[3].id;  // a beta newer than the target
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kNewerVersion));
  s.installed_version_id = versions[0].id;
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kNewerVersion));
  s.installed_version_id = versions[1].id;
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kAlreadyOnTarget));
  s.org_status = "Inactive";
  BOOST_TEST((push_internal::JudgeSubscriber(s, target, index).verdict == Verdict::kInactive));
  s.installed_status = "u";
  auto v = push_internal::JudgeSubscriber(s, target, index);
  BOOST_TEST((v.verdict == Verdict::kNotInstalled));
  BOOST_TEST(v.reason.find("InstalledStatus") != std::string::npos);
  BOOST_TEST(std::string(VerdictName(Verdict::kAlreadyOnTarget)) == "already_on_target");
  BOOST_TEST((ParseVerdict("blocked_by_subscriber") == Verdict::kBlockedBySubscriber));
}

BOOST_AUTO_TEST_CASE(start_times) {
  auto now = system_clock::time_point(seconds(1796000000));  // 2026-11-29T...
  auto parsed = ParseStartTime("now", now);
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(!parsed->has_value());
  auto utc = ParseStartTime("2027-01-02T03:04:05Z", now);
  BOOST_REQUIRE(utc.ok());
  BOOST_TEST(FormatUtc(**utc) == "2027-01-02T03:04:05.000Z");
  auto naive = ParseStartTime("2027-01-02T03:04:05", now);
  BOOST_TEST(FormatUtc(**naive) == "2027-01-02T03:04:05.000Z");
  auto offset = ParseStartTime("2027-01-02T03:04:05+01:30", now);
  BOOST_TEST(FormatUtc(**offset) == "2027-01-02T01:34:05.000Z");
  auto zone = ParseStartTime("2027-07-01T09:00:00 Europe/Paris", now);  // CEST, +02:00
  BOOST_REQUIRE(zone.ok());
  BOOST_TEST(FormatUtc(**zone) == "2027-07-01T07:00:00.000Z");
  auto bracket = ParseStartTime("2027-01-01T09:00:00[America/New_York]", now);  // EST
  BOOST_REQUIRE(bracket.ok());
  BOOST_TEST(FormatUtc(**bracket) == "2027-01-01T14:00:00.000Z");
  auto past = ParseStartTime("2020-01-01T00:00:00Z", now);
  BOOST_TEST(!past.ok());
  BOOST_TEST(past.status().message().find("in the past") != std::string::npos);
  BOOST_TEST(!ParseStartTime("2027-01-01T09:00:00 Mars/Olympus", now).ok());
  BOOST_TEST(!ParseStartTime("tomorrow", now).ok());
}

BOOST_AUTO_TEST_CASE(org_ids_and_checksums) {
  BOOST_TEST(IdChecksum("00DA0000000YpZ4") == "MAK");
  BOOST_TEST(IdChecksum("AbCdEfGhIjKlMnO") == "VKV");
  BOOST_TEST(*To18("00Di0000000icUB") == "00Di0000000icUBEAY");
  BOOST_TEST(NormalizeOrgId("00DA0000000YpZ4MAK").value() == "00DA0000000YpZ4");
  BOOST_TEST(NormalizeOrgId("00DA0000000YpZ4mak").value() == "00DA0000000YpZ4");
  BOOST_TEST(!NormalizeOrgId("00DA0000000YpZ4MAX").ok());
  BOOST_TEST(!NormalizeOrgId("001A0000000YpZ4").ok());
  BOOST_TEST(!NormalizeOrgId("00DA0000000Yp-4").ok());
  OrgIdList list = ParseOrgIds("orgs.txt", {{"00DA0000000YpZ4", 1},
                                            {"00DA0000000YpZ4MAK", 2},
                                            {"00Da0000000YpZ4", 3},
                                            {"bogus", 4}});
  BOOST_TEST(list.entries.size() == 2u);  // case-sensitive keys: line 3 is another org
  BOOST_TEST(list.duplicates.size() == 1u);
  BOOST_TEST(list.duplicates[0].line == 2);
  BOOST_TEST(list.duplicates[0].first_line == 1);
  BOOST_TEST(list.rejected.size() == 1u);
  BOOST_TEST(list.rejected[0].line == 4);
}

BOOST_AUTO_TEST_CASE(soql_literals_are_escaped) {
  BOOST_TEST(soql::Quote("O'Brien \\ \"x\"\n") == "'O\\'Brien \\\\ \\\"x\\\"\\n'");
  BOOST_TEST(soql::QuotedList({"a", "b'c"}) == "('a','b\\'c')");
}

BOOST_AUTO_TEST_CASE(transient_failures_leave_permanent_errors_alone) {
  PushReport report;
  OrgResult locking;
  locking.org_key = "00D000000000001";
  locking.status = PushStatus::kFailed;
  locking.errors = {{"Error", "LockingFailure", "t", "m", ""}};
  OrgResult mixed = locking;
  mixed.org_key = "00D000000000002";
  mixed.errors.push_back({"Error", "ApexTestFailure", "t", "m", ""});
  OrgResult deploy = locking;
  deploy.org_key = "00D000000000003";
  deploy.errors = {{"Error", "DeployError", "t", "m", ""}};
  OrgResult ok = locking;
  ok.org_key = "00D000000000004";
  ok.status = PushStatus::kSucceeded;
  report.orgs = {locking, mixed, deploy, ok};
  auto keys = TransientFailures(report);
  BOOST_TEST(keys.size() == 1u);
  BOOST_TEST(keys[0] == "00D000000000001");
}
