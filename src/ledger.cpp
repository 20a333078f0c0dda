// SPDX-License-Identifier: GPL-2.0-or-later
// The SQLite run ledger and the PushJournal that records every remote write around its send.
#include "pushforce/ledger.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace pushforce {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  plan_name TEXT NOT NULL,
  plan_text TEXT NOT NULL,
  plan_hash TEXT NOT NULL,
  night TEXT NOT NULL,
  package_id TEXT NOT NULL DEFAULT '',
  version_id TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  api_calls INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_plan ON runs (plan_hash, night);
CREATE TABLE IF NOT EXISTS waves (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  wave_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  max_failure_rate REAL,
  state TEXT NOT NULL,
  will_create_at TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  jobs INTEGER NOT NULL DEFAULT 0,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  canceled INTEGER NOT NULL DEFAULT 0,
  failure_rate REAL,
  gate_message TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, wave_index)
);
CREATE TABLE IF NOT EXISTS orgs (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  org_key TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  wave_index INTEGER,
  job_id TEXT NOT NULL DEFAULT '',
  job_status TEXT NOT NULL DEFAULT '',
  error_count INTEGER NOT NULL DEFAULT 0,
  error_type TEXT NOT NULL DEFAULT '',
  error_title TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  transient INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, org_key)
);
CREATE TABLE IF NOT EXISTS writes (
  write_id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  wave_index INTEGER NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  org_count INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  confirmed_at TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS observations (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  request_id TEXT NOT NULL,
  observed_at TEXT NOT NULL,
  status TEXT NOT NULL,
  counts TEXT NOT NULL
);
)sql";

sqlite3* Db(void* db) { return static_cast<sqlite3*>(db); }

// A prepared statement with positional binds, finalized on scope exit.
class Statement {
 public:
  Statement(void* db, std::string_view sql) : db_(Db(db)) {
    rc_ = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(std::string_view text) {
    if (rc_ == SQLITE_OK) {
      // A default string_view has a null data(), which SQLite would bind as NULL.
      rc_ = sqlite3_bind_text(stmt_, ++index_, text.data() != nullptr ? text.data() : "",
                              static_cast<int>(text.size()),
                              SQLITE_TRANSIENT);
    }
    return *this;
  }
  Statement& Bind(const char* text) { return Bind(std::string_view(text)); }
  Statement& Bind(const std::string& text) { return Bind(std::string_view(text)); }
  Statement& Bind(std::int64_t value) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, ++index_, value);
    return *this;
  }
  Statement& Bind(int value) { return Bind(static_cast<std::int64_t>(value)); }
  Statement& Bind(std::optional<double> value) {
    if (rc_ == SQLITE_OK) {
      rc_ = value ? sqlite3_bind_double(stmt_, ++index_, *value) : sqlite3_bind_null(stmt_, ++index_);
    }
    return *this;
  }
  Statement& BindOptionalInt(std::optional<int> value) {
    if (rc_ == SQLITE_OK) {
      rc_ = value ? sqlite3_bind_int(stmt_, ++index_, *value) : sqlite3_bind_null(stmt_, ++index_);
    }
    return *this;
  }

  // Steps once: true when a row is available.
  bool Step() {
    if (rc_ != SQLITE_OK && rc_ != SQLITE_ROW && rc_ != SQLITE_DONE) return false;
    rc_ = sqlite3_step(stmt_);
    return rc_ == SQLITE_ROW;
  }
  Status Run() {
    Step();
    return status();
  }
  Status status() const {
    if (rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE) return Status();
    return Status(ErrorCode::kInternal, std::string("ledger: ") + sqlite3_errmsg(db_));
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<double> Double(int column) const {
    if (IsNull(column)) return std::nullopt;
    return sqlite3_column_double(stmt_, column);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  int index_ = 0;
};

constexpr const char* kRunColumns =
    "run_id, kind, plan_name, plan_text, plan_hash, night, package_id, version_id, version, "
    "status, message, api_calls, started_at, finished_at";

RunRecord ReadRun(const Statement& s) {
  RunRecord r;
  r.run_id = s.Int(0);
  r.kind = s.Text(1);
  r.plan_name = s.Text(2);
  r.plan_text = s.Text(3);
  r.plan_hash = s.Text(4);
  r.night = s.Text(5);
  r.package_id = s.Text(6);
  r.version_id = s.Text(7);
  r.version = s.Text(8);
  r.status = s.Text(9);
  r.message = s.Text(10);
  r.api_calls = s.Int(11);
  r.started_at = s.Text(12);
  r.finished_at = s.Text(13);
  return r;
}

}  // namespace

std::string NowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string PlanHash(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

bool CrashPointIs(std::string_view point) {
  const char* value = std::getenv("PUSHFORCE_TEST_CRASH_AT");
  return value != nullptr && point == value;
}

std::string Ledger::DefaultPath(const std::function<const char*(const char*)>& getenv) {
  const char* state = getenv("XDG_STATE_HOME");
  std::filesystem::path base;
  if (state != nullptr && *state == '/') {
    base = state;
  } else {
    const char* home = getenv("HOME");
    base = std::filesystem::path(home != nullptr ? home : ".") / ".local" / "state";
  }
  return (base / "pushforce" / "ledger.sqlite").string();
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status(ErrorCode::kInvalidInput, path + ": cannot open the ledger: " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  std::unique_ptr<Ledger> ledger(new Ledger(db, path));
  // Durable before every remote write: the default rollback journal with full sync.
  if (Status s = ledger->Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"); !s.ok()) {
    return Status(ErrorCode::kInvalidInput, path + ": " + s.message());
  }
  Statement version(db, "PRAGMA user_version");
  version.Step();
  std::int64_t current = version.Int(0);
  if (current > kSchemaVersion) {
    return Status(ErrorCode::kInternal, path + ": ledger schema version " +
                                            std::to_string(current) + " is newer than this pushforce (" +
                                            std::to_string(kSchemaVersion) + ")");
  }
  if (Status s = ledger->Exec(kSchema); !s.ok()) {
    return Status(ErrorCode::kInvalidInput, path + ": " + s.message());
  }
  if (Status s = ledger->Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion)); !s.ok()) {
    return s;
  }
  return ledger;
}

Ledger::~Ledger() { sqlite3_close(Db(db_)); }

Status Ledger::Exec(std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(Db(db_), text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return Status(ErrorCode::kInternal, "ledger: " + message);
  }
  return Status();
}

Result<std::int64_t> Ledger::BeginRun(const RunRecord& run) {
  std::string started = run.started_at.empty() ? NowUtc() : run.started_at;
  std::string night = run.night.empty() ? started.substr(0, 10) : run.night;
  Statement s(db_,
              "INSERT INTO runs (kind, plan_name, plan_text, plan_hash, night, package_id, "
              "version_id, version, status, message, started_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', '', ?)");
  s.Bind(run.kind).Bind(run.plan_name).Bind(run.plan_text).Bind(run.plan_hash).Bind(night);
  s.Bind(run.package_id).Bind(run.version_id).Bind(run.version).Bind(started);
  if (Status st = s.Run(); !st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(Db(db_)));
}

Result<RunRecord> Ledger::GetRun(std::int64_t run_id) {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?");
  s.Bind(run_id);
  if (!s.Step()) {
    if (!s.status().ok()) return s.status();
    return Status(ErrorCode::kNotFound, "ledger: no run " + std::to_string(run_id));
  }
  return ReadRun(s);
}

Result<std::optional<RunRecord>> Ledger::FindRun(std::string_view plan_hash,
                                                 std::string_view night) {
  Statement s(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs WHERE plan_hash = ? AND night = ? ORDER BY run_id DESC LIMIT 1");
  s.Bind(plan_hash).Bind(night);
  if (!s.Step()) {
    if (!s.status().ok()) return s.status();
    return std::optional<RunRecord>();
  }
  return std::optional<RunRecord>(ReadRun(s));
}

Result<std::optional<RunRecord>> Ledger::LatestUnfinished(std::string_view plan_hash,
                                                          std::string_view since) {
  Statement s(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs WHERE plan_hash = ? AND status = 'running' AND started_at >= ? "
                       "ORDER BY run_id DESC LIMIT 1");
  s.Bind(plan_hash).Bind(since);
  if (!s.Step()) {
    if (!s.status().ok()) return s.status();
    return std::optional<RunRecord>();
  }
  return std::optional<RunRecord>(ReadRun(s));
}

Status Ledger::FinishRun(std::int64_t run_id, std::string_view status, std::string_view message) {
  Statement s(db_, "UPDATE runs SET status = ?, message = ?, finished_at = ? WHERE run_id = ?");
  return s.Bind(status).Bind(message).Bind(NowUtc()).Bind(run_id).Run();
}

Status Ledger::AddApiCalls(std::int64_t run_id, std::int64_t calls) {
  Statement s(db_, "UPDATE runs SET api_calls = api_calls + ? WHERE run_id = ?");
  return s.Bind(calls).Bind(run_id).Run();
}

Result<std::vector<RunRecord>> Ledger::History(int limit) {
  Statement s(db_, std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY run_id DESC LIMIT ?");
  s.Bind(limit);
  std::vector<RunRecord> runs;
  while (s.Step()) runs.push_back(ReadRun(s));
  if (!s.status().ok()) return s.status();
  return runs;
}

Result<RunCounts> Ledger::Counts(std::int64_t run_id) {
  Statement s(db_,
              "SELECT count(*), "
              "sum(verdict = 'eligible'), sum(job_id != ''), sum(job_status = 'Succeeded'), "
              "sum(job_status = 'Failed'), sum(job_status = 'Canceled') "
              "FROM orgs WHERE run_id = ?");
  s.Bind(run_id);
  RunCounts counts;
  if (s.Step()) {
    counts.orgs = s.Int(0);
    counts.eligible = s.Int(1);
    counts.jobs = s.Int(2);
    counts.succeeded = s.Int(3);
    counts.failed = s.Int(4);
    counts.canceled = s.Int(5);
  }
  if (!s.status().ok()) return s.status();
  return counts;
}

Status Ledger::RecordVerdicts(std::int64_t run_id, std::span<const OrgVerdict> verdicts) {
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  std::string now = NowUtc();
  for (const OrgVerdict& v : verdicts) {
    Statement s(db_,
                "INSERT INTO orgs (run_id, org_key, verdict, reason, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, org_key) DO UPDATE SET verdict = excluded.verdict, "
                "reason = excluded.reason, updated_at = excluded.updated_at "
                "WHERE orgs.wave_index IS NULL");
    s.Bind(run_id).Bind(v.org_key).Bind(VerdictName(v.verdict)).Bind(v.reason).Bind(now);
    if (Status st = s.Run(); !st.ok()) {
      Exec("ROLLBACK");
      return st;
    }
  }
  return Exec("COMMIT");
}

Status Ledger::AssignWave(std::int64_t run_id, int wave_index, std::string_view name,
                          std::optional<double> max_failure_rate,
                          std::span<const std::string> org_keys) {
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  auto fail = [&](Status st) {
    Exec("ROLLBACK");
    return st;
  };
  {
    Statement s(db_,
                "INSERT INTO waves (run_id, wave_index, name, max_failure_rate, state) "
                "VALUES (?, ?, ?, ?, 'selected')");
    if (Status st = s.Bind(run_id).Bind(wave_index).Bind(name).Bind(max_failure_rate).Run(); !st.ok()) {
      return fail(st);
    }
  }
  std::string now = NowUtc();
  for (const std::string& key : org_keys) {
    Statement s(db_,
                "INSERT INTO orgs (run_id, org_key, verdict, wave_index, updated_at) "
                "VALUES (?, ?, 'eligible', ?, ?) ON CONFLICT (run_id, org_key) DO UPDATE SET "
                "wave_index = excluded.wave_index, updated_at = excluded.updated_at");
    if (Status st = s.Bind(run_id).Bind(key).Bind(wave_index).Bind(now).Run(); !st.ok()) {
      return fail(st);
    }
  }
  return Exec("COMMIT");
}

Result<std::vector<WaveRecord>> Ledger::Waves(std::int64_t run_id) {
  Statement s(db_,
              "SELECT wave_index, name, max_failure_rate, state, will_create_at, request_id, jobs, "
              "succeeded, failed, canceled, failure_rate, gate_message FROM waves WHERE run_id = ? "
              "ORDER BY wave_index");
  s.Bind(run_id);
  std::vector<WaveRecord> waves;
  while (s.Step()) {
    WaveRecord w;
    w.run_id = run_id;
    w.wave_index = static_cast<int>(s.Int(0));
    w.name = s.Text(1);
    w.max_failure_rate = s.Double(2);
    w.state = s.Text(3);
    w.will_create_at = s.Text(4);
    w.request_id = s.Text(5);
    w.jobs = s.Int(6);
    w.succeeded = s.Int(7);
    w.failed = s.Int(8);
    w.canceled = s.Int(9);
    w.failure_rate = s.Double(10);
    w.gate_message = s.Text(11);
    waves.push_back(std::move(w));
  }
  if (!s.status().ok()) return s.status();
  return waves;
}

Result<std::vector<std::string>> Ledger::WaveOrgKeys(std::int64_t run_id, int wave_index) {
  Statement s(db_, "SELECT org_key FROM orgs WHERE run_id = ? AND wave_index = ? ORDER BY org_key");
  s.Bind(run_id).Bind(wave_index);
  std::vector<std::string> keys;
  while (s.Step()) keys.push_back(s.Text(0));
  if (!s.status().ok()) return s.status();
  return keys;
}

Result<std::vector<std::string>> Ledger::AssignedKeys(std::int64_t run_id) {
  Statement s(db_,
              "SELECT org_key FROM orgs WHERE run_id = ? AND wave_index IS NOT NULL ORDER BY org_key");
  s.Bind(run_id);
  std::vector<std::string> keys;
  while (s.Step()) keys.push_back(s.Text(0));
  if (!s.status().ok()) return s.status();
  return keys;
}

Status Ledger::SetWaveState(std::int64_t run_id, int wave_index, std::string_view state) {
  Statement s(db_, "UPDATE waves SET state = ? WHERE run_id = ? AND wave_index = ?");
  return s.Bind(state).Bind(run_id).Bind(wave_index).Run();
}

Status Ledger::SetWaveResult(const WaveRecord& w) {
  Statement s(db_,
              "UPDATE waves SET state = ?, jobs = ?, succeeded = ?, failed = ?, canceled = ?, "
              "failure_rate = ?, gate_message = ? WHERE run_id = ? AND wave_index = ?");
  return s.Bind(w.state).Bind(w.jobs).Bind(w.succeeded).Bind(w.failed).Bind(w.canceled)
      .Bind(w.failure_rate).Bind(w.gate_message).Bind(w.run_id).Bind(w.wave_index).Run();
}

Result<std::vector<OrgRecord>> Ledger::Orgs(std::int64_t run_id) {
  Statement s(db_,
              "SELECT org_key, verdict, reason, wave_index, job_id, job_status, error_count, "
              "error_type, error_title, error_message, transient FROM orgs WHERE run_id = ? "
              "ORDER BY org_key");
  s.Bind(run_id);
  std::vector<OrgRecord> orgs;
  while (s.Step()) {
    OrgRecord o;
    o.org_key = s.Text(0);
    o.verdict = s.Text(1);
    o.reason = s.Text(2);
    if (!s.IsNull(3)) o.wave_index = static_cast<int>(s.Int(3));
    o.job_id = s.Text(4);
    o.job_status = s.Text(5);
    o.error_count = s.Int(6);
    o.error_type = s.Text(7);
    o.error_title = s.Text(8);
    o.error_message = s.Text(9);
    o.transient = s.Int(10) != 0;
    orgs.push_back(std::move(o));
  }
  if (!s.status().ok()) return s.status();
  return orgs;
}

Result<std::int64_t> Ledger::WillWrite(std::int64_t run_id, int wave_index, std::string_view kind,
                                       std::string_view request_id, std::string_view detail_json,
                                       std::int64_t org_count) {
  Statement s(db_,
              "INSERT INTO writes (run_id, wave_index, kind, request_id, detail, org_count, state, "
              "sent_at) VALUES (?, ?, ?, ?, ?, ?, 'sent', ?)");
  s.Bind(run_id).Bind(wave_index).Bind(kind).Bind(request_id).Bind(detail_json).Bind(org_count);
  s.Bind(NowUtc());
  if (Status st = s.Run(); !st.ok()) return st;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(Db(db_)));
}

Status Ledger::Confirm(std::int64_t write_id, std::string_view request_id,
                       std::string_view result_json) {
  Statement s(db_,
              "UPDATE writes SET state = 'confirmed', confirmed_at = ?, result = ?, "
              "request_id = CASE WHEN ? = '' THEN request_id ELSE ? END WHERE write_id = ?");
  return s.Bind(NowUtc()).Bind(result_json).Bind(request_id).Bind(request_id).Bind(write_id).Run();
}

Result<std::vector<WriteRecord>> Ledger::Writes(std::int64_t run_id) {
  Statement s(db_,
              "SELECT write_id, wave_index, kind, request_id, detail, org_count, state, sent_at, "
              "confirmed_at FROM writes WHERE run_id = ? ORDER BY write_id");
  s.Bind(run_id);
  std::vector<WriteRecord> writes;
  while (s.Step()) {
    WriteRecord w;
    w.write_id = s.Int(0);
    w.run_id = run_id;
    w.wave_index = static_cast<int>(s.Int(1));
    w.kind = s.Text(2);
    w.request_id = s.Text(3);
    w.detail = s.Text(4);
    w.org_count = s.Int(5);
    w.state = s.Text(6);
    w.sent_at = s.Text(7);
    w.confirmed_at = s.Text(8);
    writes.push_back(std::move(w));
  }
  if (!s.status().ok()) return s.status();
  return writes;
}

Status Ledger::MarkWillCreate(std::int64_t run_id, int wave_index, std::string_view at) {
  Statement s(db_,
              "UPDATE waves SET state = 'creating', will_create_at = ? WHERE run_id = ? AND "
              "wave_index = ?");
  return s.Bind(at).Bind(run_id).Bind(wave_index).Run();
}

Status Ledger::SetWaveRequest(std::int64_t run_id, int wave_index, std::string_view request_id) {
  Statement s(db_,
              "UPDATE waves SET state = 'created', request_id = ? WHERE run_id = ? AND wave_index = ?");
  return s.Bind(request_id).Bind(run_id).Bind(wave_index).Run();
}

Status Ledger::RecordJobs(std::int64_t run_id, std::span<const JobOutcome> outcomes) {
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  std::string now = NowUtc();
  for (const JobOutcome& job : outcomes) {
    std::string error_type;
    std::string error_message;
    if (!job.ok() && !job.errors.empty()) {
      error_type = job.errors.front().status_code;
      error_message = job.errors.front().message;
    }
    Statement s(db_,
                "UPDATE orgs SET job_id = CASE WHEN ? = '' THEN job_id ELSE ? END, "
                "job_status = CASE WHEN ? = '' THEN 'NotCreated' ELSE "
                "CASE WHEN job_status IN ('', 'NotCreated') THEN 'Created' ELSE job_status END END, "
                "error_type = ?, error_message = ?, updated_at = ? WHERE run_id = ? AND org_key = ?");
    s.Bind(job.job_id).Bind(job.job_id).Bind(job.job_id).Bind(error_type).Bind(error_message);
    s.Bind(now).Bind(run_id).Bind(job.org_key);
    if (Status st = s.Run(); !st.ok()) {
      Exec("ROLLBACK");
      return st;
    }
  }
  return Exec("COMMIT");
}

Status Ledger::RecordObservation(std::int64_t run_id, std::string_view request_id,
                                 const PushSnapshot& snapshot) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [status, n] : snapshot.jobs.by_status) counts[PushStatusName(status)] = n;
  Statement s(db_,
              "INSERT INTO observations (run_id, request_id, observed_at, status, counts) "
              "VALUES (?, ?, ?, ?, ?)");
  return s.Bind(run_id).Bind(request_id).Bind(NowUtc())
      .Bind(PushStatusName(snapshot.request.status)).Bind(counts.dump()).Run();
}

Status Ledger::RecordResults(std::int64_t run_id, const PushReport& report) {
  std::vector<std::string> transient = TransientFailures(report);
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  std::string now = NowUtc();
  for (const OrgResult& org : report.orgs) {
    const PushErrorRow* first = org.errors.empty() ? nullptr : &org.errors.front();
    bool is_transient =
        std::find(transient.begin(), transient.end(), org.org_key) != transient.end();
    Statement s(db_,
                "UPDATE orgs SET job_id = ?, job_status = ?, error_count = ?, error_type = ?, "
                "error_title = ?, error_message = ?, transient = ?, updated_at = ? "
                "WHERE run_id = ? AND org_key = ?");
    s.Bind(org.job_id).Bind(PushStatusName(org.status))
        .Bind(static_cast<std::int64_t>(org.errors.size()))
        .Bind(first ? first->type : "").Bind(first ? first->title : "")
        .Bind(first ? first->message : "").Bind(is_transient ? 1 : 0).Bind(now).Bind(run_id)
        .Bind(org.org_key);
    if (Status st = s.Run(); !st.ok()) {
      Exec("ROLLBACK");
      return st;
    }
  }
  return Exec("COMMIT");
}

Result<std::vector<std::pair<std::string, std::string>>> Ledger::PermanentFailures(
    std::string_view version_id, std::int64_t before_run_id) {
  Statement s(db_,
              "SELECT o.org_key, r.night, o.error_type, o.error_title FROM orgs o JOIN runs r "
              "ON r.run_id = o.run_id WHERE r.version_id = ? AND r.run_id < ? AND "
              "o.job_status = 'Failed' AND o.transient = 0 ORDER BY o.org_key, r.run_id");
  s.Bind(version_id).Bind(before_run_id);
  std::vector<std::pair<std::string, std::string>> failures;
  while (s.Step()) {
    std::string key = s.Text(0);
    if (!failures.empty() && failures.back().first == key) continue;
    std::string what = s.Text(2);
    if (!s.Text(3).empty()) what += (what.empty() ? "" : ": ") + s.Text(3);
    failures.emplace_back(key, "failed on " + s.Text(1) + " (" +
                                   (what.empty() ? std::string("no error detail") : what) +
                                   "), not a transient error; excluded from later nights");
  }
  if (!s.status().ok()) return s.status();
  return failures;
}

// ---------------------------------------------------------------- the journal

LedgerJournal::LedgerJournal(Ledger& ledger, std::int64_t run_id, int wave_index)
    : ledger_(ledger), run_id_(run_id), wave_index_(wave_index) {
  if (const char* crash = std::getenv("PUSHFORCE_TEST_CRASH_AT")) crash_at_ = crash;
}

Status LedgerJournal::WillCreateRequest(const PackageVersion& target) {
  Status marked = ledger_.MarkWillCreate(run_id_, wave_index_, NowUtc());
  if (!marked.ok()) return marked;
  nlohmann::json detail{{"packageVersionId", target.id}};
  Result<std::int64_t> id = ledger_.WillWrite(run_id_, wave_index_, "create_request", "",
                                              detail.dump(), 0);
  if (!id.ok()) return id.status();
  pending_write_ = *id;
  return Status();
}

void LedgerJournal::RequestCreated(const std::string& request_id) {
  if (crash_at_ == "after-request") ::_exit(137);
  Status st = ledger_.SetWaveRequest(run_id_, wave_index_, request_id);
  if (st.ok()) st = ledger_.Confirm(pending_write_, request_id, "{}");
  if (!st.ok() && status_.ok()) status_ = st;
}

Status LedgerJournal::WillCreateJobs(const std::string& request_id,
                                     std::span<const std::string> org_keys) {
  nlohmann::json detail = nlohmann::json::array();
  for (const std::string& key : org_keys) detail.push_back(key);
  Result<std::int64_t> id = ledger_.WillWrite(run_id_, wave_index_, "create_jobs", request_id,
                                              detail.dump(),
                                              static_cast<std::int64_t>(org_keys.size()));
  if (!id.ok()) return id.status();
  if (!org_keys.empty()) chunk_writes_[org_keys.front()] = *id;
  return Status();
}

void LedgerJournal::JobsCreated(const std::string& request_id, std::span<const std::string> chunk,
                                std::span<const JobOutcome> outcomes) {
  std::int64_t created = 0;
  for (const JobOutcome& job : outcomes) created += job.ok() ? 1 : 0;
  Status st = ledger_.RecordJobs(run_id_, outcomes);
  nlohmann::json result{{"created", created},
                        {"failed", static_cast<std::int64_t>(outcomes.size()) - created}};
  // Confirm the chunk's own write; outcomes found by reconciling have none.
  auto write = chunk.empty() ? chunk_writes_.end() : chunk_writes_.find(chunk.front());
  if (st.ok() && write != chunk_writes_.end()) {
    st = ledger_.Confirm(write->second, request_id, result.dump());
    chunk_writes_.erase(write);
  }
  if (!st.ok() && status_.ok()) status_ = st;
  if (crash_at_ == "mid-jobs" && ++job_chunks_ == 1) ::_exit(137);
}

Status LedgerJournal::WillSetStatus(const std::string& request_id, PushStatus status) {
  nlohmann::json detail{{"status", PushStatusName(status)}};
  Result<std::int64_t> id =
      ledger_.WillWrite(run_id_, wave_index_, "set_status", request_id, detail.dump(), 0);
  if (!id.ok()) return id.status();
  pending_write_ = *id;
  if (crash_at_ == "before-pending" && status == PushStatus::kPending) ::_exit(137);
  return Status();
}

void LedgerJournal::StatusSet(const std::string& request_id, PushStatus status) {
  Status st = ledger_.Confirm(pending_write_, request_id, "{}");
  if (st.ok()) {
    st = ledger_.SetWaveState(run_id_, wave_index_,
                              status == PushStatus::kCanceled ? "done" : "scheduled");
  }
  if (!st.ok() && status_.ok()) status_ = st;
}

}  // namespace pushforce
