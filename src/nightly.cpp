// SPDX-License-Identifier: GPL-2.0-or-later
// Plan files, wave selection, request reconciliation and the resumable nightly driver.
#include "pushforce/nightly.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <toml++/toml.h>

#include "pushforce/orgfile.hpp"
#include "pushforce/soql.hpp"

namespace pushforce {
namespace {

Status LineError(const std::string& source, int line, const std::string& message) {
  return Status(ErrorCode::kInvalidInput, source + ":" + std::to_string(line) + ": " + message);
}

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Result<std::string> StringValue(const toml::node& node, std::string_view key,
                                const std::string& source) {
  if (const auto* s = node.as_string()) {
    if (s->get().empty()) return LineError(source, LineOf(node), std::string(key) + " is empty");
    return s->get();
  }
  std::string hint = node.is_floating_point() || node.is_integer()
                         ? " (quote it: " + std::string(key) + " = \"…\")"
                         : "";
  return LineError(source, LineOf(node), std::string(key) + " must be a string" + hint);
}

Result<std::vector<std::string>> StringList(const toml::node& node, std::string_view key,
                                            const std::string& source) {
  std::vector<std::string> values;
  if (const auto* array = node.as_array()) {
    for (const toml::node& item : *array) {
      Result<std::string> value = StringValue(item, key, source);
      if (!value.ok()) return value.status();
      values.push_back(*value);
    }
    return values;
  }
  Result<std::string> value = StringValue(node, key, source);
  if (!value.ok()) return value.status();
  values.push_back(*value);
  return values;
}

Result<double> NumberValue(const toml::node& node, std::string_view key, const std::string& source) {
  if (node.is_integer()) return static_cast<double>(node.as_integer()->get());
  if (node.is_floating_point()) return node.as_floating_point()->get();
  return LineError(source, LineOf(node), std::string(key) + " must be a number");
}

bool Matches(const std::vector<std::string>& wanted, const std::string& value) {
  if (wanted.empty()) return true;
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return EqualsIgnoreCase(w, value); });
}

std::string Resolve(const std::string& plan_source, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || path == "-") return path;
  return (std::filesystem::path(plan_source).parent_path() / p).string();
}

// time - seconds, as ISO UTC without fraction (SOQL dateTime literal).
std::string ShiftIso(std::string_view iso, int seconds) {
  std::tm tm{};
  std::string text(iso);
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return text;
  std::time_t t = timegm(&tm) + seconds;
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Percent(double rate) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", rate * 100);
  return buffer;
}

void Emit(const NightlyOptions& options, const std::string& line) {
  if (options.on_event) options.on_event(line);
}

// A copy of the plan where only `keys` stay eligible; the others are left out of this wave.
PushPlan RestrictToWave(const PushPlan& plan, const std::set<std::string>& keys,
                        const std::string& wave_name) {
  PushPlan wave = plan;
  std::int64_t eligible = 0;
  for (OrgVerdict& org : wave.orgs) {
    if (org.verdict != Verdict::kEligible) continue;
    if (keys.count(org.org_key) == 0) {
      org.verdict = Verdict::kFilteredOut;
      org.reason = "not in wave " + wave_name;
    } else {
      ++eligible;
    }
  }
  wave.estimate.job_creates = (eligible + 199) / 200;
  return wave;
}

}  // namespace

// ---------------------------------------------------------------- plan files

Result<PlanFile> ParsePlanFile(std::string_view text, std::string source) {
  PlanFile plan;
  plan.source = source;
  plan.text = std::string(text);
  plan.hash = PlanHash(text);
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    return LineError(source, static_cast<int>(error.source().begin.line),
                     std::string(error.description()));
  }
  bool has_package = false;
  bool has_version = false;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    int line = static_cast<int>(key.source().begin.line);
    if (line == 0) line = LineOf(node);
    if (name == "package" || name == "version" || name == "orgs" || name == "exclude" ||
        name == "start") {
      Result<std::string> value = StringValue(node, name, source);
      if (!value.ok()) return value.status();
      if (name == "package") {
        plan.package = *value;
        has_package = true;
      } else if (name == "version") {
        plan.version = *value;
        has_version = true;
      } else if (name == "orgs") {
        plan.orgs = Resolve(source, *value);
      } else if (name == "exclude") {
        plan.exclude = Resolve(source, *value);
      } else {
        auto start = ParseStartTime(*value, std::chrono::system_clock::time_point{});
        if (!start.ok()) return LineError(source, LineOf(node), "start: " + start.status().message());
        plan.start = *value;
      }
    } else if (name == "connections") {
      if (!node.is_integer() || node.as_integer()->get() < 1 || node.as_integer()->get() > 10) {
        return LineError(source, LineOf(node), "connections must be an integer from 1 to 10");
      }
      plan.connections = static_cast<int>(node.as_integer()->get());
    } else if (name == "api_budget") {
      if (node.is_integer()) {
        if (node.as_integer()->get() < 1) {
          return LineError(source, LineOf(node), "api_budget: a call count must be at least 1");
        }
        plan.api_budget_calls = node.as_integer()->get();
      } else if (node.is_floating_point()) {
        double share = node.as_floating_point()->get();
        if (!(share > 0 && share <= 1)) {
          return LineError(source, LineOf(node),
                           "api_budget: a share of the remaining daily calls must be in (0, 1]");
        }
        plan.api_budget_share = share;
      } else {
        return LineError(source, LineOf(node),
                         "api_budget must be a share (0.1) or a number of calls (5000)");
      }
    } else if (name == "wave") {
      const toml::array* waves = node.as_array();
      if (waves == nullptr || !waves->is_array_of_tables()) {
        return LineError(source, LineOf(node), "wave must be an array of tables ([[wave]])");
      }
      for (const toml::node& wave_node : *waves) {
        const toml::table& wave_table = *wave_node.as_table();
        WaveSpec wave;
        wave.line = LineOf(wave_node);
        wave.name = "wave " + std::to_string(plan.waves.size() + 1);
        for (auto&& [wave_key, value] : wave_table) {
          const std::string wname(wave_key.str());
          if (wname == "name") {
            Result<std::string> v = StringValue(value, "name", source);
            if (!v.ok()) return v.status();
            wave.name = *v;
          } else if (wname == "org_type" || wname == "org_status" || wname == "instance") {
            Result<std::vector<std::string>> v = StringList(value, wname, source);
            if (!v.ok()) return v.status();
            (wname == "org_type" ? wave.org_types
                                 : wname == "org_status" ? wave.org_statuses : wave.instances) = *v;
          } else if (wname == "percent") {
            Result<double> v = NumberValue(value, "percent", source);
            if (!v.ok()) return v.status();
            if (!(*v > 0 && *v <= 100)) {
              return LineError(source, LineOf(value), "percent must be in (0, 100]");
            }
            wave.percent = *v;
          } else if (wname == "max_failure_rate") {
            Result<double> v = NumberValue(value, "max_failure_rate", source);
            if (!v.ok()) return v.status();
            if (!(*v >= 0 && *v <= 1)) {
              return LineError(source, LineOf(value),
                               "max_failure_rate is a fraction of the wave's jobs, from 0 to 1");
            }
            wave.max_failure_rate = *v;
          } else {
            int wline = static_cast<int>(wave_key.source().begin.line);
            return LineError(source, wline == 0 ? LineOf(value) : wline,
                             "unknown wave key \"" + wname +
                                 "\" (name, org_type, org_status, instance, percent, "
                                 "max_failure_rate)");
          }
        }
        for (const WaveSpec& earlier : plan.waves) {
          if (earlier.name == wave.name) {
            return LineError(source, wave.line, "a second wave named \"" + wave.name + "\"");
          }
        }
        plan.waves.push_back(std::move(wave));
      }
    } else {
      return LineError(source, line,
                       "unknown key \"" + name +
                           "\" (package, version, orgs, exclude, start, connections, "
                           "api_budget, [[wave]])");
    }
  }
  if (!has_package) return LineError(source, 1, "package is required");
  if (!has_version) return LineError(source, 1, "version is required");
  if (auto v = VersionNumber::Parse(plan.version); !v.ok() && plan.version.rfind("04t", 0) != 0) {
    return LineError(source, LineOf(*table.get("version")), "version: " + v.status().message());
  }
  if (plan.waves.empty()) {
    WaveSpec all;
    all.name = "all";
    plan.waves.push_back(all);
  }
  return plan;
}

Result<PlanFile> LoadPlanFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kInvalidInput, path + ": cannot read the plan file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParsePlanFile(text, path);
}

Result<PlanInputs> LoadPlanInputs(const PlanFile& plan) {
  PlanInputs inputs;
  for (auto [path, target] : {std::pair{&plan.orgs, &inputs.include},
                              std::pair{&plan.exclude, &inputs.exclude}}) {
    if (!*path) continue;
    Result<OrgIdList> list = ReadOrgFile(**path);
    if (!list.ok()) return list.status();
    if (Status checked = CheckOrgIdList(*list); !checked.ok()) return checked;
    *target = std::move(*list);
  }
  return inputs;
}

std::vector<std::string> SelectWave(const PushPlan& plan, const WaveSpec& wave,
                                    const std::set<std::string>& taken) {
  std::vector<std::string> matching;
  for (const OrgVerdict& org : plan.orgs) {
    if (org.verdict != Verdict::kEligible || taken.count(org.org_key) != 0) continue;
    const Subscriber s = org.subscriber.value_or(Subscriber{});
    if (!Matches(wave.org_types, s.org_type) || !Matches(wave.org_statuses, s.org_status) ||
        !Matches(wave.instances, s.instance)) {
      continue;
    }
    matching.push_back(org.org_key);
  }
  std::sort(matching.begin(), matching.end());
  if (wave.percent && !matching.empty()) {
    auto n = static_cast<std::size_t>(
        std::ceil(*wave.percent / 100.0 * static_cast<double>(matching.size()) - 1e-9));
    matching.resize(std::clamp<std::size_t>(n, 1, matching.size()));
  }
  return matching;
}

// ---------------------------------------------------------------- reconciliation

Result<std::optional<std::string>> ReconcileRequest(Session& session, std::string_view version_id,
                                                    std::string_view since,
                                                    const std::set<std::string>& known) {
  // Five minutes of margin for the clock difference between this machine and the org.
  std::string soql = "SELECT Id, Status, CreatedDate FROM PackagePushRequest WHERE PackageVersionId = " +
                     soql::Quote(version_id) + " AND CreatedDate >= " + ShiftIso(since, -300) +
                     " AND Status = 'Created'";
  Result<std::vector<Record>> rows = session.QueryAllRows(soql);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> candidates;
  for (const Record& row : *rows) {
    if (known.count(row.id()) == 0) candidates.push_back(row.id());
  }
  if (candidates.empty()) return std::optional<std::string>();
  if (candidates.size() > 1) {
    std::string ids;
    for (const std::string& id : candidates) ids += (ids.empty() ? "" : ", ") + id;
    return Status(ErrorCode::kFailedPrecondition,
                  "cannot tell which Created push request this run made (" + ids +
                      "); abort the ones that are not wanted and resume");
  }
  return std::optional<std::string>(candidates.front());
}

// ---------------------------------------------------------------- recorded schedule

Result<ScheduleResult> ScheduleRecorded(PushClient& client, Ledger& ledger, const PushPlan& plan,
                                        ScheduleOptions options, std::string_view kind,
                                        std::string_view description) {
  RunRecord run;
  run.kind = std::string(kind);
  run.plan_name = std::string(kind);
  run.plan_text = std::string(description);
  run.plan_hash = PlanHash(description);
  run.package_id = plan.package.id;
  run.version_id = plan.target.id;
  run.version = plan.target.number.ToString();
  Result<std::int64_t> run_id = ledger.BeginRun(run);
  if (!run_id.ok()) return run_id.status();
  std::vector<std::string> keys = plan.EligibleKeys();
  Status st = ledger.RecordVerdicts(*run_id, plan.orgs);
  if (st.ok()) st = ledger.AssignWave(*run_id, 0, kind, std::nullopt, keys);
  if (!st.ok()) return st;
  LedgerJournal journal(ledger, *run_id, 0);
  options.journal = &journal;
  const std::int64_t before = client.session().call_counts().total;
  Result<ScheduleResult> result = client.Schedule(plan, options);
  ledger.AddApiCalls(*run_id, client.session().call_counts().total - before + plan.calls_spent);
  if (!result.ok()) {
    ledger.FinishRun(*run_id, "error", result.status().ToString());
    return result;
  }
  ledger.FinishRun(*run_id, result->jobs_failed() > 0 ? "partial" : "scheduled",
                   result->request_id.empty() ? "no eligible org: no request"
                                              : "request " + result->request_id);
  if (!journal.status().ok()) return journal.status();
  return result;
}

// ---------------------------------------------------------------- the nightly driver

Result<NightlyResult> RunNightly(PushClient& client, Ledger& ledger, const PlanFile& plan,
                                 const PlanInputs& inputs, const NightlyOptions& options) {
  NightlyResult result;
  const std::string now = NowUtc();
  const std::string night = now.substr(0, 10);

  // Which run: resume an unfinished one, report tonight's finished one, or start a new one.
  std::optional<RunRecord> existing;
  if (!options.force_new) {
    auto unfinished = ledger.LatestUnfinished(plan.hash, options.resume ? "" : ShiftIso(now, -86400));
    if (!unfinished.ok()) return unfinished.status();
    existing = *unfinished;
    if (!existing) {
      if (options.resume) {
        return Status(ErrorCode::kNotFound,
                      plan.source + ": no unfinished run of this plan to resume");
      }
      auto tonight = ledger.FindRun(plan.hash, night);
      if (!tonight.ok()) return tonight.status();
      if (*tonight) {
        result.run = **tonight;
        result.already_done = true;
        auto counts = ledger.Counts(result.run.run_id);
        if (counts.ok()) result.counts = *counts;
        return result;
      }
    }
  }

  const std::int64_t calls_before = client.session().call_counts().total;
  Result<PackageInfo> package = client.FindPackage(plan.package);
  if (!package.ok()) return package.status();
  Result<PackageVersion> target = client.FindTargetVersion(*package, plan.version);
  if (!target.ok()) return target.status();

  if (existing) {
    result.run = *existing;
    result.resumed = true;
    Emit(options, "resuming run " + std::to_string(existing->run_id) + " of " + plan.source);
  } else {
    RunRecord run;
    run.kind = "run";
    run.plan_name = plan.source;
    run.plan_text = plan.text;
    run.plan_hash = plan.hash;
    run.package_id = package->id;
    run.version_id = target->id;
    run.version = target->number.ToString();
    Result<std::int64_t> id = ledger.BeginRun(run);
    if (!id.ok()) return id.status();
    Result<RunRecord> stored = ledger.GetRun(*id);
    if (!stored.ok()) return stored.status();
    result.run = *stored;
    Emit(options, "run " + std::to_string(*id) + " of " + plan.source + ": " + package->name +
                      " " + target->number.ToString());
  }
  const std::int64_t run_id = result.run.run_id;
  auto spend = [&]() { return client.session().call_counts().total; };
  std::int64_t recorded_calls = calls_before;
  auto flush_calls = [&]() {
    std::int64_t total = spend();
    ledger.AddApiCalls(run_id, total - recorded_calls);
    recorded_calls = total;
  };
  auto fail = [&](Status status, bool resumable) -> Result<NightlyResult> {
    flush_calls();
    if (!resumable) ledger.FinishRun(run_id, "error", status.ToString());
    return status;
  };

  auto permanent = ledger.PermanentFailures(target->id, run_id);
  if (!permanent.ok()) return fail(permanent.status(), true);
  std::map<std::string, std::string> permanent_reason(permanent->begin(), permanent->end());

  auto waves_done = ledger.Waves(run_id);
  if (!waves_done.ok()) return fail(waves_done.status(), true);
  std::map<int, WaveRecord> stored_waves;
  for (const WaveRecord& w : *waves_done) stored_waves[w.wave_index] = w;
  std::set<std::string> known_requests;
  for (const WaveRecord& w : *waves_done) {
    if (!w.request_id.empty()) known_requests.insert(w.request_id);
  }

  std::optional<std::chrono::system_clock::time_point> start;
  if (plan.start) {
    auto parsed = ParseStartTime(*plan.start, std::chrono::system_clock::now());
    // A resumed run whose start has passed starts now.
    if (parsed.ok()) start = *parsed;
  }

  for (std::size_t index = 0; index < plan.waves.size(); ++index) {
    const WaveSpec& spec = plan.waves[index];
    const int wave_index = static_cast<int>(index);
    WaveOutcome outcome;
    auto stored = stored_waves.find(wave_index);
    if (stored != stored_waves.end() && (stored->second.state == "done" ||
                                         stored->second.state == "gate_stopped")) {
      outcome.wave = stored->second;
      outcome.selected = stored->second.jobs;
      result.waves.push_back(outcome);
      if (stored->second.state == "gate_stopped") {
        result.gate_stopped = true;
        result.gate_message = stored->second.gate_message;
        break;
      }
      continue;
    }

    // Plan: every org of the plan's inputs, minus orgs this run already took.
    auto assigned = ledger.AssignedKeys(run_id);
    if (!assigned.ok()) return fail(assigned.status(), true);
    std::set<std::string> taken(assigned->begin(), assigned->end());
    std::vector<std::string> selected;
    const bool fresh = stored == stored_waves.end();
    if (!fresh) {
      auto keys = ledger.WaveOrgKeys(run_id, wave_index);
      if (!keys.ok()) return fail(keys.status(), true);
      selected = *keys;
      for (const std::string& key : selected) taken.erase(key);
    }
    PlanRequest request;
    request.package = package->id;
    request.version = target->id;
    request.include = inputs.include;
    request.exclude = inputs.exclude;
    request.skip_keys.assign(taken.begin(), taken.end());
    request.skip_reason = "pushed by an earlier wave of this run";
    ScheduleOptions schedule;
    schedule.start = start;
    schedule.connections = plan.connections;
    schedule.api_budget_share = plan.api_budget_share.value_or(0);
    Result<PushPlan> pushed_plan = client.Plan(request, schedule);
    if (!pushed_plan.ok()) return fail(pushed_plan.status(), true);
    for (OrgVerdict& org : pushed_plan->orgs) {
      auto it = permanent_reason.find(org.org_key);
      if (org.verdict == Verdict::kEligible && it != permanent_reason.end()) {
        org.verdict = Verdict::kExcluded;
        org.reason = it->second;
      }
    }
    if (Status st = ledger.RecordVerdicts(run_id, pushed_plan->orgs); !st.ok()) {
      return fail(st, true);
    }
    if (fresh) {
      selected = SelectWave(*pushed_plan, spec, taken);
      if (Status st = ledger.AssignWave(run_id, wave_index, spec.name, spec.max_failure_rate,
                                        selected);
          !st.ok()) {
        return fail(st, true);
      }
      Emit(options, "wave " + spec.name + ": " + std::to_string(selected.size()) + " orgs selected");
    }
    outcome.selected = static_cast<std::int64_t>(selected.size());
    PushPlan wave_plan =
        RestrictToWave(*pushed_plan, std::set<std::string>(selected.begin(), selected.end()),
                       spec.name);

    if (plan.api_budget_calls) {
      auto run_now = ledger.GetRun(run_id);
      std::int64_t spent = (run_now.ok() ? run_now->api_calls : 0) + (spend() - recorded_calls);
      if (spent + wave_plan.estimate.total() > *plan.api_budget_calls) {
        Status over(ErrorCode::kBudgetExceeded,
                    "wave " + spec.name + " is estimated at " +
                        std::to_string(wave_plan.estimate.total()) + " API calls; with " +
                        std::to_string(spent) + " spent that exceeds api_budget " +
                        std::to_string(*plan.api_budget_calls));
        return fail(over, false);
      }
    }

    // The wave's request: known, reconciled after a lost answer, or new.
    auto current = ledger.Waves(run_id);
    if (!current.ok()) return fail(current.status(), true);
    WaveRecord wave = current->at(index);
    if (wave.request_id.empty() && wave.state == "creating") {
      auto found = ReconcileRequest(client.session(), target->id, wave.will_create_at,
                                    known_requests);
      if (!found.ok()) return fail(found.status(), true);
      if (*found) {
        Emit(options, "wave " + spec.name + ": found request " + **found +
                          " whose creation was not recorded");
        if (Status st = ledger.SetWaveRequest(run_id, wave_index, **found); !st.ok()) {
          return fail(st, true);
        }
        wave.request_id = **found;
        wave.state = "created";
      }
    }
    if (wave.state != "scheduled") {
      if (wave.request_id.empty() && wave_plan.EligibleKeys().empty()) {
        wave.state = "done";
        if (Status st = ledger.SetWaveResult(wave); !st.ok()) return fail(st, true);
        Emit(options, "wave " + spec.name + ": no eligible org, no request");
        outcome.wave = wave;
        result.waves.push_back(outcome);
        continue;
      }
      schedule.resume_request_id = wave.request_id;
      LedgerJournal journal(ledger, run_id, wave_index);
      schedule.journal = &journal;
      Result<ScheduleResult> scheduled = client.Schedule(wave_plan, schedule);
      if (!scheduled.ok()) {
        // A budget refusal or bad start is final; anything else may be resumed.
        bool resumable = scheduled.status().code() != ErrorCode::kBudgetExceeded &&
                         scheduled.status().code() != ErrorCode::kInvalidInput;
        return fail(scheduled.status(), resumable);
      }
      if (!journal.status().ok()) return fail(journal.status(), true);
      wave.request_id = scheduled->request_id;
      known_requests.insert(wave.request_id);
      Emit(options, "wave " + spec.name + ": request " + wave.request_id + ", " +
                        std::to_string(scheduled->jobs_created()) + " jobs, " +
                        std::to_string(scheduled->jobs_failed()) + " not created");
      if (scheduled->request_status == PushStatus::kCanceled) {
        wave.state = "done";
        if (Status st = ledger.SetWaveResult(wave); !st.ok()) return fail(st, true);
        outcome.wave = wave;
        result.waves.push_back(outcome);
        continue;
      }
    }
    flush_calls();

    // Watch, report, gate.
    WatchOptions watch = options.watch;
    bool crash_when_watching = CrashPointIs("watching");
    watch.on_progress = [&, user = options.watch.on_progress](const WatchProgress& progress) {
      if (progress.changed || progress.polls == 1) {
        PushSnapshot snapshot;
        snapshot.request.id = wave.request_id;
        snapshot.request.status = progress.request_status;
        snapshot.jobs = progress.jobs;
        ledger.RecordObservation(run_id, wave.request_id, snapshot);
      }
      if (user) user(progress);
      if (crash_when_watching) ::_exit(137);
    };
    Result<WatchResult> watched = client.Watch(wave.request_id, watch);
    if (!watched.ok()) return fail(watched.status(), true);
    if (watched->timed_out) {
      return fail(Status(ErrorCode::kTimeout, "wave " + spec.name + ": request " +
                                                  wave.request_id +
                                                  " still running at the deadline; resume with "
                                                  "`pushforce run " + plan.source + " --resume`"),
                  true);
    }
    std::vector<Subscriber> subscribers;
    for (const OrgVerdict& org : wave_plan.orgs) {
      if (org.subscriber) subscribers.push_back(*org.subscriber);
    }
    ReportOptions report_options{&subscribers, &watched->final.request};
    Result<PushReport> report = client.Report(wave.request_id, report_options);
    if (!report.ok()) return fail(report.status(), true);
    if (Status st = ledger.RecordResults(run_id, *report); !st.ok()) return fail(st, true);
    wave.jobs = report->jobs.total();
    wave.succeeded = report->jobs.Of(PushStatus::kSucceeded);
    wave.failed = report->jobs.Of(PushStatus::kFailed);
    wave.canceled = report->jobs.Of(PushStatus::kCanceled);
    wave.failure_rate =
        wave.jobs > 0 ? static_cast<double>(wave.failed) / static_cast<double>(wave.jobs) : 0.0;
    wave.state = "done";
    if (spec.max_failure_rate && *wave.failure_rate > *spec.max_failure_rate) {
      wave.state = "gate_stopped";
      wave.gate_message = "wave " + spec.name + ": " + std::to_string(wave.failed) + " of " +
                          std::to_string(wave.jobs) + " jobs failed (" +
                          Percent(*wave.failure_rate) + "), over max_failure_rate " +
                          Percent(*spec.max_failure_rate) +
                          (index + 1 < plan.waves.size() ? "; later waves were not pushed" : "");
    }
    if (Status st = ledger.SetWaveResult(wave); !st.ok()) return fail(st, true);
    Emit(options, "wave " + spec.name + ": " + std::to_string(wave.succeeded) + " succeeded, " +
                      std::to_string(wave.failed) + " failed, " + std::to_string(wave.canceled) +
                      " canceled");
    outcome.wave = wave;
    result.waves.push_back(outcome);
    if (wave.state == "gate_stopped") {
      result.gate_stopped = true;
      result.gate_message = wave.gate_message;
      break;
    }
  }
  flush_calls();
  auto counts = ledger.Counts(run_id);
  if (counts.ok()) result.counts = *counts;
  std::string status = result.gate_stopped ? "gate_stopped"
                       : result.counts.failed > 0 ? "partial"
                                                   : "succeeded";
  std::string message = result.gate_stopped
                            ? result.gate_message
                            : std::to_string(result.counts.succeeded) + " succeeded, " +
                                  std::to_string(result.counts.failed) + " failed";
  ledger.FinishRun(run_id, status, message);
  auto final_run = ledger.GetRun(run_id);
  if (final_run.ok()) result.run = *final_run;
  return result;
}

}  // namespace pushforce
