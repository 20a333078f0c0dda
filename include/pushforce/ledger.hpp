// SPDX-License-Identifier: GPL-2.0-or-later
// The run ledger: an SQLite file recording every run, verdict, remote write, job and result,
// so a killed run resumes without a second push request.
//
// Schema (PRAGMA user_version = 1). Times are ISO-8601 UTC text; no secret is ever stored.
//
//   runs(run_id INTEGER PRIMARY KEY, kind TEXT  -- 'run' (plan file), 'schedule', 'retry'
//        plan_name TEXT, plan_text TEXT, plan_hash TEXT  -- FNV-1a 64 of plan_text, hex
//        night TEXT  -- UTC date (YYYY-MM-DD) the run started
//        package_id TEXT, version_id TEXT, version TEXT,
//        status TEXT  -- running | succeeded | partial (some orgs failed) | gate_stopped |
//                        error | scheduled (schedule/retry: request made, not watched)
//        message TEXT, api_calls INTEGER, started_at TEXT, finished_at TEXT)
//   waves(run_id, wave_index, name, max_failure_rate REAL,
//         state TEXT  -- selected | creating | created | scheduled | done | gate_stopped
//         will_create_at TEXT  -- written before the request's create() is sent
//         request_id TEXT  -- 0DV…, written when create() returned
//         jobs, succeeded, failed, canceled INTEGER, failure_rate REAL, gate_message TEXT,
//         PRIMARY KEY (run_id, wave_index))
//   orgs(run_id, org_key, verdict TEXT (VerdictName), reason TEXT, wave_index INTEGER NULL,
//        job_id TEXT, job_status TEXT, error_count INTEGER, error_type TEXT, error_title TEXT,
//        error_message TEXT, transient INTEGER (1 = every error transient), updated_at TEXT,
//        PRIMARY KEY (run_id, org_key))
//   writes(write_id INTEGER PRIMARY KEY, run_id, wave_index,
//          kind TEXT  -- create_request | create_jobs | set_status
//          request_id TEXT, detail TEXT (JSON: org keys, or the status), org_count INTEGER,
//          state TEXT  -- sent (recorded before sending) | confirmed (after it returned)
//          sent_at TEXT, confirmed_at TEXT, result TEXT (JSON summary))
//   observations(run_id, request_id, observed_at, status TEXT, counts TEXT (JSON by status))
//
// Not thread-safe: one Ledger per thread (SQLite serializes writers across processes).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/push.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

struct RunRecord {
  std::int64_t run_id = 0;
  std::string kind = "run";
  std::string plan_name;
  std::string plan_text;
  std::string plan_hash;
  std::string night;
  std::string package_id;
  std::string version_id;
  std::string version;
  std::string status = "running";
  std::string message;
  std::int64_t api_calls = 0;
  std::string started_at;
  std::string finished_at;
  bool finished() const { return status != "running"; }
};

struct WaveRecord {
  std::int64_t run_id = 0;
  int wave_index = 0;
  std::string name;
  std::optional<double> max_failure_rate;
  std::string state;
  std::string will_create_at;
  std::string request_id;
  std::int64_t jobs = 0;
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;
  std::int64_t canceled = 0;
  std::optional<double> failure_rate;
  std::string gate_message;
};

struct OrgRecord {
  std::string org_key;
  std::string verdict;
  std::string reason;
  std::optional<int> wave_index;
  std::string job_id;
  std::string job_status;
  std::int64_t error_count = 0;
  std::string error_type;
  std::string error_title;
  std::string error_message;
  bool transient = false;
};

struct WriteRecord {
  std::int64_t write_id = 0;
  std::int64_t run_id = 0;
  int wave_index = 0;
  std::string kind;
  std::string request_id;
  std::string detail;
  std::int64_t org_count = 0;
  std::string state;
  std::string sent_at;
  std::string confirmed_at;
};

struct RunCounts {
  std::int64_t orgs = 0;      // orgs considered
  std::int64_t eligible = 0;  // verdict eligible
  std::int64_t jobs = 0;      // orgs with a job id
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;
  std::int64_t canceled = 0;
};

// FNV-1a 64-bit of the text, 16 lower-case hex digits: identifies a plan, not a secret.
std::string PlanHash(std::string_view text);

class Ledger {
 public:
  // Opens or creates the file (and its directory) and the schema. kInvalidInput naming the
  // path when it cannot; kInternal for a newer schema version.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path);
  // $XDG_STATE_HOME/pushforce/ledger.sqlite, else ~/.local/state/pushforce/ledger.sqlite.
  static std::string DefaultPath(const std::function<const char*(const char*)>& getenv);

  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  const std::string& path() const { return path_; }

  // ---- runs
  Result<std::int64_t> BeginRun(const RunRecord& run);  // started_at/night default to now
  Result<RunRecord> GetRun(std::int64_t run_id);
  // The newest run of a plan hash on a night, nullopt when none.
  Result<std::optional<RunRecord>> FindRun(std::string_view plan_hash, std::string_view night);
  // The newest unfinished run of a plan hash; `since` (ISO UTC) limits how old, "" = any.
  Result<std::optional<RunRecord>> LatestUnfinished(std::string_view plan_hash,
                                                    std::string_view since = {});
  Status FinishRun(std::int64_t run_id, std::string_view status, std::string_view message);
  Status AddApiCalls(std::int64_t run_id, std::int64_t calls);
  Result<std::vector<RunRecord>> History(int limit);  // newest first
  Result<RunCounts> Counts(std::int64_t run_id);

  // ---- verdicts, waves, orgs
  // Inserts or refreshes verdicts; an org's wave, job and results are kept.
  Status RecordVerdicts(std::int64_t run_id, std::span<const OrgVerdict> verdicts);
  // Creates the wave row (state 'selected') and assigns its orgs, in one transaction.
  Status AssignWave(std::int64_t run_id, int wave_index, std::string_view name,
                    std::optional<double> max_failure_rate,
                    std::span<const std::string> org_keys);
  Result<std::vector<WaveRecord>> Waves(std::int64_t run_id);
  Result<std::vector<std::string>> WaveOrgKeys(std::int64_t run_id, int wave_index);
  // Keys assigned to any wave of the run.
  Result<std::vector<std::string>> AssignedKeys(std::int64_t run_id);
  Status SetWaveState(std::int64_t run_id, int wave_index, std::string_view state);
  Status SetWaveResult(const WaveRecord& wave);  // counts, rate, gate message and state
  Result<std::vector<OrgRecord>> Orgs(std::int64_t run_id);

  // ---- remote writes (record before send, confirm after return)
  Result<std::int64_t> WillWrite(std::int64_t run_id, int wave_index, std::string_view kind,
                                 std::string_view request_id, std::string_view detail_json,
                                 std::int64_t org_count);
  Status Confirm(std::int64_t write_id, std::string_view request_id,
                 std::string_view result_json);
  Result<std::vector<WriteRecord>> Writes(std::int64_t run_id);
  // Marks that the wave's request create() is about to be sent (will_create_at = now).
  Status MarkWillCreate(std::int64_t run_id, int wave_index, std::string_view at);
  Status SetWaveRequest(std::int64_t run_id, int wave_index, std::string_view request_id);
  Status RecordJobs(std::int64_t run_id, std::span<const JobOutcome> outcomes);

  // ---- observations and results
  Status RecordObservation(std::int64_t run_id, std::string_view request_id,
                           const PushSnapshot& snapshot);
  Status RecordResults(std::int64_t run_id, const PushReport& report);
  // Orgs of earlier runs for this package version whose job failed with only non-transient
  // errors: (org key, reason). Later nights leave them out; transient failures are retried.
  Result<std::vector<std::pair<std::string, std::string>>> PermanentFailures(
      std::string_view version_id, std::int64_t before_run_id);

 private:
  Ledger(void* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(std::string_view sql);
  void* db_;  // sqlite3*; kept opaque so the public header needs no SQLite
  std::string path_;
};

// A PushJournal writing to the ledger: every write is recorded before it is sent and
// confirmed when it returns. A ledger failure before a send refuses the write, so it is never
// sent unrecorded.
//
// Test hook: PUSHFORCE_TEST_CRASH_AT=after-request|mid-jobs|before-pending makes the process
// _exit(137) right after the request is created (before it is recorded), after the first job
// chunk is confirmed, or after the Pending update is recorded (before it is sent).
class LedgerJournal : public PushJournal {
 public:
  LedgerJournal(Ledger& ledger, std::int64_t run_id, int wave_index);
  Status WillCreateRequest(const PackageVersion& target) override;
  void RequestCreated(const std::string& request_id) override;
  Status WillCreateJobs(const std::string& request_id,
                        std::span<const std::string> org_keys) override;
  void JobsCreated(const std::string& request_id, std::span<const std::string> chunk,
                   std::span<const JobOutcome> outcomes) override;
  Status WillSetStatus(const std::string& request_id, PushStatus status) override;
  void StatusSet(const std::string& request_id, PushStatus status) override;

  // The first ledger failure after a send (a confirm that could not be written), if any.
  const Status& status() const { return status_; }

 private:
  Ledger& ledger_;
  std::int64_t run_id_;
  int wave_index_;
  std::int64_t pending_write_ = 0;  // the request or status write awaiting its confirm
  // Job chunks in flight over several connections: first org key -> ledger write id.
  std::map<std::string, std::int64_t> chunk_writes_;
  std::string crash_at_;
  int job_chunks_ = 0;
  Status status_;
};

// Test hook shared with the nightly driver: true when PUSHFORCE_TEST_CRASH_AT names `point`.
bool CrashPointIs(std::string_view point);

// ISO-8601 UTC of now, seconds precision ("2026-12-04T01:00:00Z").
std::string NowUtc();

}  // namespace pushforce
