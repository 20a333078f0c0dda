// SPDX-License-Identifier: GPL-2.0-or-later
// The ledger: schema, record-before-send through the journal, and resume lookups.
#define BOOST_TEST_MODULE ledger
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include "pushforce/ledger.hpp"
#include "support/test_env.hpp"

using namespace pushforce;

namespace {
std::unique_ptr<Ledger> OpenFresh(const std::string& name) {
  auto dir = test::ScratchDir(name);
  auto ledger = Ledger::Open((dir / "state" / "ledger.sqlite").string());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  return std::move(*ledger);
}

std::vector<std::string> Tables(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
                     &stmt, nullptr);
  std::vector<std::string> names;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return names;
}
}  // namespace

BOOST_AUTO_TEST_CASE(default_path_follows_xdg) {
  auto env = [](const char* name) -> const char* {
    return std::string(name) == "XDG_STATE_HOME" ? "/x/state" : "/home/u";
  };
  BOOST_TEST(Ledger::DefaultPath(env) == "/x/state/pushforce/ledger.sqlite");
  auto no_xdg = [](const char* name) -> const char* {
    return std::string(name) == "HOME" ? "/home/u" : nullptr;
  };
  BOOST_TEST(Ledger::DefaultPath(no_xdg) == "/home/u/.local/state/pushforce/ledger.sqlite");
}

BOOST_AUTO_TEST_CASE(schema_is_created_and_reopened) {
  auto ledger = OpenFresh("ledger-schema");
  std::string path = ledger->path();
  ledger.reset();
  auto again = Ledger::Open(path);
  BOOST_REQUIRE(again.ok());
  auto tables = Tables(path);
  std::vector<std::string> expected{"observations", "orgs", "runs", "waves", "writes"};
  BOOST_TEST(tables == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(journal_records_before_send_and_confirms_after) {
  auto ledger = OpenFresh("ledger-journal");
  RunRecord run;
  run.plan_name = "plan.toml";
  run.plan_text = "package = 'acme'";
  run.plan_hash = PlanHash(run.plan_text);
  run.version_id = "04t000000000001AAA";
  auto run_id = ledger->BeginRun(run);
  BOOST_REQUIRE(run_id.ok());
  std::vector<std::string> keys{"00D000000000001", "00D000000000002"};
  BOOST_REQUIRE(ledger->AssignWave(*run_id, 0, "all", 0.1, keys).ok());

  LedgerJournal journal(*ledger, *run_id, 0);
  PackageVersion target;
  target.id = run.version_id;
  BOOST_REQUIRE(journal.WillCreateRequest(target).ok());
  // Before the answer: the write is recorded as sent, the wave as creating.
  auto writes = ledger->Writes(*run_id);
  BOOST_REQUIRE(writes.ok());
  BOOST_REQUIRE(writes->size() == 1u);
  BOOST_TEST(writes->at(0).kind == "create_request");
  BOOST_TEST(writes->at(0).state == "sent");
  auto waves = ledger->Waves(*run_id);
  BOOST_TEST(waves->at(0).state == "creating");
  BOOST_TEST(!waves->at(0).will_create_at.empty());
  BOOST_TEST(waves->at(0).request_id.empty());

  journal.RequestCreated("0DV000000000001");
  waves = ledger->Waves(*run_id);
  BOOST_TEST(waves->at(0).request_id == "0DV000000000001");
  BOOST_TEST(ledger->Writes(*run_id)->at(0).state == "confirmed");

  // Two chunks in flight at once (two connections): each answer confirms its own write.
  std::vector<std::string> first{keys[0]}, second{keys[1]};
  BOOST_REQUIRE(journal.WillCreateJobs("0DV000000000001", first).ok());
  BOOST_REQUIRE(journal.WillCreateJobs("0DV000000000001", second).ok());
  BOOST_TEST(ledger->Writes(*run_id)->at(1).state == "sent");
  BOOST_TEST(ledger->Writes(*run_id)->at(2).state == "sent");
  BOOST_TEST(ledger->Writes(*run_id)->at(1).org_count == 1);
  std::vector<JobOutcome> outcomes(2);
  outcomes[0].org_key = keys[0];
  outcomes[0].job_id = "0DX000000000001";
  outcomes[1].org_key = keys[1];
  outcomes[1].errors = {{"INVALID_OPERATION", "not eligible", {}}};
  journal.JobsCreated("0DV000000000001", second, std::span<const JobOutcome>(&outcomes[1], 1));
  BOOST_TEST(ledger->Writes(*run_id)->at(1).state == "sent");
  BOOST_TEST(ledger->Writes(*run_id)->at(2).state == "confirmed");
  journal.JobsCreated("0DV000000000001", first, std::span<const JobOutcome>(&outcomes[0], 1));
  BOOST_TEST(ledger->Writes(*run_id)->at(1).state == "confirmed");
  auto orgs = ledger->Orgs(*run_id);
  BOOST_TEST(orgs->at(0).job_id == "0DX000000000001");
  BOOST_TEST(orgs->at(0).job_status == "Created");
  BOOST_TEST(orgs->at(1).job_status == "NotCreated");
  BOOST_TEST(orgs->at(1).error_type == "INVALID_OPERATION");

  BOOST_REQUIRE(journal.WillSetStatus("0DV000000000001", PushStatus::kPending).ok());
  BOOST_TEST(ledger->Writes(*run_id)->at(3).state == "sent");
  journal.StatusSet("0DV000000000001", PushStatus::kPending);
  BOOST_TEST(ledger->Writes(*run_id)->at(3).state == "confirmed");
  BOOST_TEST(ledger->Waves(*run_id)->at(0).state == "scheduled");
  BOOST_TEST(journal.status().ok());
}

BOOST_AUTO_TEST_CASE(resume_lookups) {
  auto ledger = OpenFresh("ledger-resume");
  RunRecord run;
  run.plan_name = "plan.toml";
  run.plan_text = "v1";
  run.plan_hash = PlanHash("v1");
  run.version_id = "04t000000000001AAA";
  run.night = "2026-12-04";
  run.started_at = "2026-12-04T01:00:00Z";
  auto first = ledger->BeginRun(run);
  BOOST_REQUIRE(first.ok());
  auto found = ledger->LatestUnfinished(run.plan_hash);
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE(found->has_value());
  BOOST_TEST((*found)->run_id == *first);
  BOOST_TEST(!ledger->LatestUnfinished(run.plan_hash, "2026-12-05T00:00:00Z")->has_value());
  BOOST_TEST(!ledger->LatestUnfinished(PlanHash("v2"))->has_value());

  BOOST_REQUIRE(ledger->FinishRun(*first, "succeeded", "ok").ok());
  BOOST_TEST(!ledger->LatestUnfinished(run.plan_hash)->has_value());
  auto tonight = ledger->FindRun(run.plan_hash, "2026-12-04");
  BOOST_REQUIRE(tonight->has_value());
  BOOST_TEST((*tonight)->status == "succeeded");
  BOOST_TEST(!ledger->FindRun(run.plan_hash, "2026-12-05")->has_value());
  BOOST_TEST(ledger->History(10)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(permanent_failures_are_kept_out_transient_ones_are_not) {
  auto ledger = OpenFresh("ledger-failures");
  RunRecord run;
  run.plan_name = "p";
  run.plan_text = "p";
  run.plan_hash = PlanHash("p");
  run.version_id = "04t000000000001AAA";
  auto id = ledger->BeginRun(run);
  std::vector<std::string> keys{"00D000000000001", "00D000000000002"};
  ledger->AssignWave(*id, 0, "all", std::nullopt, keys);
  PushReport report;
  OrgResult apex;
  apex.org_key = keys[0];
  apex.job_id = "0DX1";
  apex.status = PushStatus::kFailed;
  apex.errors = {{"Error", "ApexTestFailure", "t", "m", ""}};
  OrgResult lock = apex;
  lock.org_key = keys[1];
  lock.job_id = "0DX2";
  lock.errors = {{"Error", "LockingFailure", "t", "m", ""}};
  report.orgs = {apex, lock};
  BOOST_REQUIRE(ledger->RecordResults(*id, report).ok());
  auto failures = ledger->PermanentFailures(run.version_id, *id + 1);
  BOOST_REQUIRE(failures.ok());
  BOOST_REQUIRE(failures->size() == 1u);
  BOOST_TEST(failures->at(0).first == keys[0]);
  BOOST_TEST(failures->at(0).second.find("ApexTestFailure") != std::string::npos);
  auto counts = ledger->Counts(*id);
  BOOST_TEST(counts->failed == 2);
}
