// SPDX-License-Identifier: GPL-2.0-or-later
// Nightly runs: TOML plan files with waves and failure-rate gates, driven through the ledger
// so a killed run resumes with exactly one request per wave and one job per org.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/ids.hpp"
#include "pushforce/ledger.hpp"
#include "pushforce/push.hpp"
#include "pushforce/session.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

// One [[wave]] of a plan file.
struct WaveSpec {
  std::string name;                       // default "wave N"
  std::vector<std::string> org_types;     // empty = any
  std::vector<std::string> org_statuses;  // empty = any
  std::vector<std::string> instances;     // empty = any
  std::optional<double> percent;          // (0, 100] of the remaining eligible matching orgs
  std::optional<double> max_failure_rate; // [0, 1]: failed / jobs above this stops the run
  int line = 0;
};

// A plan file:
//   package = "acme"            # 033 id or namespace prefix (required)
//   version = "2.4"             # 04t id or version number (required)
//   orgs = "orgs.txt"           # include list, relative to the plan file
//   exclude = "never.txt"       # exclude list
//   start = "now"               # ParseStartTime syntax
//   connections = 4             # 1..10
//   api_budget = 0.1            # float: share of the remaining daily API calls; integer: calls
//   [[wave]] name = "canary", org_type = "Sandbox", percent = 10, max_failure_rate = 0.05
// Without [[wave]], one wave takes every eligible org.
struct PlanFile {
  std::string source;  // path as given, for messages
  std::string text;
  std::string hash;    // PlanHash(text)
  std::string package;
  std::string version;
  std::optional<std::string> orgs;     // resolved against the plan file's directory
  std::optional<std::string> exclude;  // resolved likewise
  std::optional<std::string> start;
  int connections = 4;
  std::optional<double> api_budget_share;
  std::optional<std::int64_t> api_budget_calls;
  std::vector<WaveSpec> waves;  // never empty after parsing
};

// kInvalidInput "plan.toml:LINE: …" for TOML errors, unknown keys and bad values.
Result<PlanFile> ParsePlanFile(std::string_view text, std::string source);
Result<PlanFile> LoadPlanFile(const std::string& path);

// Inputs a plan names, read and checked before anything is sent.
struct PlanInputs {
  std::optional<OrgIdList> include;
  std::optional<OrgIdList> exclude;
};
// kInvalidInput "orgs.txt:3: …" for an unreadable file or a rejected line.
Result<PlanInputs> LoadPlanInputs(const PlanFile& plan);

// The orgs a wave takes: eligible orgs of `plan` matching the wave's filters and not in
// `taken`, sorted by org key; with a percent, the first ceil(percent% of them) (at least one).
std::vector<std::string> SelectWave(const PushPlan& plan, const WaveSpec& wave,
                                    const std::set<std::string>& taken);

// Reconciles a request create() whose answer was lost: the Created PackagePushRequest of
// `version_id` created at or after `since` (ISO UTC, minus a clock-skew margin) that is not in
// `known`. nullopt when none; kFailedPrecondition when several match.
Result<std::optional<std::string>> ReconcileRequest(Session& session, std::string_view version_id,
                                                    std::string_view since,
                                                    const std::set<std::string>& known);

struct NightlyOptions {
  bool resume = false;     // resume the newest unfinished run of this plan, however old
  bool force_new = false;  // start a new run even if one ran tonight
  WatchOptions watch;      // on_progress is wrapped; sleeper/clock pass through
  // Human progress lines ("wave canary: request 0DV… created, 12 jobs").
  std::function<void(const std::string&)> on_event;
};

struct WaveOutcome {
  WaveRecord wave;
  std::int64_t selected = 0;
};

struct NightlyResult {
  RunRecord run;
  bool resumed = false;
  bool already_done = false;  // a finished run of this plan exists tonight; nothing was done
  bool gate_stopped = false;
  std::string gate_message;
  std::vector<WaveOutcome> waves;
  RunCounts counts;
};

// Runs (or resumes) a plan: per wave, plan, select, record, schedule with the ledger journal,
// watch, report, gate. Returns kTimeout when the watch deadline passes (the run stays
// resumable); other failures leave the run 'running' when resumable, else 'error'.
Result<NightlyResult> RunNightly(PushClient& client, Ledger& ledger, const PlanFile& plan,
                                 const PlanInputs& inputs, const NightlyOptions& options);

// One schedule recorded in the ledger as a run of kind `kind` ('schedule', 'retry'): verdicts,
// a single wave, every write journaled. `description` is the run's plan text.
Result<ScheduleResult> ScheduleRecorded(PushClient& client, Ledger& ledger, const PushPlan& plan,
                                        ScheduleOptions options, std::string_view kind,
                                        std::string_view description);

}  // namespace pushforce
