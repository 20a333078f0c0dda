// SPDX-License-Identifier: GPL-2.0-or-later
// The commands: each reads and checks its inputs, connects, makes one library call, prints.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "pushforce/ledger.hpp"
#include "pushforce/nightly.hpp"
#include "pushforce/orgfile.hpp"
#include "pushforce/report.hpp"

namespace pushforce::cli {
namespace {

Json Parse(const std::string& text) { return Json::parse(text); }

struct PlanArgs {
  std::string package;
  std::string version;
  std::string orgs;
  std::string exclude;
  std::string org_column;
  std::vector<std::string> org_types;
  std::vector<std::string> org_statuses;
  std::vector<std::string> instances;
  std::string min_version;
  std::string max_version;
  std::string format = "table";
  std::string output;
};

struct ScheduleArgs {
  std::string start = "now";
  int connections = 4;
  bool hold = false;
  double api_budget = 0;
};

void AddPackage(CLI::App* sub, std::string& package) {
  sub->add_option("--package,-p", package, "Package: 033 id or namespace prefix")->required();
}

void AddFilters(CLI::App* sub, PlanArgs& a) {
  sub->add_option("--org-type", a.org_types, "Only orgs of this OrgType (Production, Sandbox); repeatable");
  sub->add_option("--org-status", a.org_statuses, "Only orgs with this OrgStatus (Active, Trial…); repeatable");
  sub->add_option("--instance", a.instances, "Only orgs on this instance (NA1…); repeatable");
  sub->add_option("--min-version", a.min_version, "Only orgs on this installed version or newer");
  sub->add_option("--max-version", a.max_version, "Only orgs on this installed version or older");
}

void AddPlanOptions(CLI::App* sub, PlanArgs& a) {
  AddPackage(sub, a.package);
  sub->add_option("--version", a.version, "Target version: 04t id or number (2.4, 1.3.0.2)")->required();
  sub->add_option("--orgs", a.orgs, "Only these orgs: org file (one id per line, or CSV)");
  sub->add_option("--exclude", a.exclude, "Never these orgs: org file");
  sub->add_option("--org-column", a.org_column, "CSV column holding the org id");
  AddFilters(sub, a);
}

void AddFormat(CLI::App* sub, PlanArgs& a, std::vector<std::string> formats) {
  sub->add_option("--format", a.format, "Output format")
      ->check(CLI::IsMember(formats))->capture_default_str();
  sub->add_option("--output,-o", a.output, "Write the output to FILE instead of stdout");
}

Result<PlanFilters> BuildFilters(const PlanArgs& a) {
  PlanFilters filters;
  filters.org_types = a.org_types;
  filters.org_statuses = a.org_statuses;
  filters.instances = a.instances;
  for (auto [text, target, flag] :
       {std::tuple{&a.min_version, &filters.min_installed, "--min-version"},
        std::tuple{&a.max_version, &filters.max_installed, "--max-version"}}) {
    if (text->empty()) continue;
    Result<VersionNumber> v = VersionNumber::Parse(*text);
    if (!v.ok()) return Status(ErrorCode::kInvalidInput, std::string(flag) + ": " + v.status().message());
    *target = *v;
  }
  return filters;
}

Result<OrgIdList> ReadCheckedOrgs(const std::string& path, const std::string& column) {
  Result<OrgIdList> list = ReadOrgFile(path, OrgFileOptions{column});
  if (!list.ok()) return list.status();
  if (Status st = CheckOrgIdList(*list); !st.ok()) return st;
  return list;
}

Result<PlanRequest> BuildPlanRequest(const PlanArgs& a, Output& out) {
  PlanRequest request;
  request.package = a.package;
  request.version = a.version;
  if (a.version.rfind("04t", 0) != 0) {
    if (auto v = VersionNumber::Parse(a.version); !v.ok()) {
      return Status(ErrorCode::kInvalidInput, "--version: " + v.status().message());
    }
  }
  Result<PlanFilters> filters = BuildFilters(a);
  if (!filters.ok()) return filters.status();
  request.filters = *filters;
  if (!a.orgs.empty()) {
    Result<OrgIdList> list = ReadCheckedOrgs(a.orgs, a.org_column);
    if (!list.ok()) return list.status();
    for (const DuplicateOrgId& d : list->duplicates) {
      out.Warn(list->source + ":" + std::to_string(d.line) + ": " + d.key +
               " repeats line " + std::to_string(d.first_line) + "; pushed once");
    }
    request.include = *list;
  }
  if (!a.exclude.empty()) {
    Result<OrgIdList> list = ReadCheckedOrgs(a.exclude, a.org_column);
    if (!list.ok()) return list.status();
    request.exclude = *list;
  }
  return request;
}

Result<ScheduleOptions> BuildScheduleOptions(const ScheduleArgs& a) {
  ScheduleOptions options;
  auto start = ParseStartTime(a.start, std::chrono::system_clock::now());
  if (!start.ok()) return Status(ErrorCode::kInvalidInput, "--start: " + start.status().message());
  options.start = *start;
  options.connections = a.connections;
  options.hold = a.hold;
  options.api_budget_share = a.api_budget;
  return options;
}

// Writes `text` to --output FILE, or stdout.
Status Emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    return Status();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Status(ErrorCode::kInvalidInput, path + ": cannot write");
  return Status();
}

// --format csv|json: the document goes to --output, or to stdout unless --json already prints
// the envelope there. Returns nullopt for other formats (the caller prints a table).
std::optional<Status> EmitDocument(const Output& out, const std::string& format,
                                   const std::string& path, const std::function<std::string()>& csv,
                                   const Json& json) {
  if (format != "csv" && format != "json") return std::nullopt;
  if (out.json() && path.empty()) return Status();
  return Emit(path, format == "csv" ? csv() : json.dump(2) + "\n");
}

std::string Counts(const JobCounts& counts) {
  std::string text;
  for (const auto& [status, n] : counts.by_status) {
    if (n == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + PushStatusName(status);
  }
  return text.empty() ? "no jobs" : text;
}

std::string FormatDuration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  auto s = static_cast<long long>(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", s / 60, s % 60);
  }
  return buffer;
}

}  // namespace

struct Commands::State {
  CLI::App& app;
  GlobalOptions& g;
  std::map<CLI::App*, std::function<int(Output&)>> handlers;

  PlanArgs plan;
  ScheduleArgs schedule;
  std::string request_id;
  int interval = 10;
  int timeout = 0;
  std::string success_file;
  std::string error_file;
  std::string status_filter;
  int since_days = 0;
  std::string plan_file;
  bool resume = false;
  bool force_new = false;
  int limit = 20;

  State(CLI::App& a, GlobalOptions& o) : app(a), g(o) {}

  CLI::App* Add(const char* name, const char* description, std::function<int(Output&)> handler) {
    CLI::App* sub = app.add_subcommand(name, description);
    sub->fallthrough();
    handlers[sub] = std::move(handler);
    return sub;
  }

  Result<std::unique_ptr<Ledger>> OpenLedger() {
    std::string path = g.ledger.empty()
                           ? Ledger::DefaultPath([](const char* n) { return std::getenv(n); })
                           : g.ledger;
    return Ledger::Open(path);
  }

  // Connects after `check` validated every input; the usual failure mapping.
  template <typename F>
  int WithSession(Output& out, Connector& connector, F&& body) {
    Result<std::unique_ptr<Session>> session = connector.Connect();
    if (!session.ok()) return out.Fail(session.status());
    out.Verbose("connected as " + (*session)->user().user_name + " to " +
                (*session)->user().instance_url);
    int code = body(**session);
    out.Verbose("API calls: " + std::to_string((*session)->call_counts().total));
    return code;
  }

  // Every input was checked before this; prepares the connection, logs in and hands a
  // PushClient to the command.
  template <typename F>
  int WithPushClient(Output& out, F&& body) {
    Connector connector(g, out);
    if (Status st = connector.Prepare(); !st.ok()) return out.Fail(st);
    return WithSession(out, connector, [&](Session& session) {
      PushClient client(session, PushClientOptions{g.api_version});
      return body(client);
    });
  }

  // ---------------------------------------------------------------- login
  int Login(Output& out) {
    Connector connector(g, out);
    if (Status st = connector.Prepare(); !st.ok()) return out.Fail(st);
    return WithSession(out, connector, [&](Session& session) {
      const UserInfo& u = session.user();
      // login() answers carry no LimitInfoHeader; one cheap call brings the org's usage.
      if (!session.api_usage().known()) {
        if (auto stamp = session.ServerTimestamp(); !stamp.ok()) return out.Fail(stamp.status());
      }
      ApiUsage usage = session.api_usage();
      std::string api = usage.known() ? std::to_string(usage.used) + " of " +
                                            std::to_string(usage.limit) + " today"
                                      : "unknown";
      out.Table({"Field", "Value"}, {{"User", u.user_name},
                                      {"Org id", u.organization_id},
                                      {"Org name", u.organization_name},
                                      {"Instance", u.instance_url},
                                      {"API version", g.api_version},
                                      {"Sandbox", u.sandbox ? "yes" : "no"},
                                      {"API requests", api}});
      return out.Finish(Json{{"username", u.user_name},
                             {"userId", u.user_id},
                             {"orgId", u.organization_id},
                             {"orgName", u.organization_name},
                             {"instanceUrl", u.instance_url},
                             {"apiVersion", g.api_version},
                             {"sandbox", u.sandbox},
                             {"apiUsage", Json{{"used", usage.used}, {"limit", usage.limit}}}});
    });
  }

  // ---------------------------------------------------------------- versions
  int Versions(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto package = client.FindPackage(plan.package);
      if (!package.ok()) return out.Fail(package.status());
      auto versions = client.ListVersions(*package);
      if (!versions.ok()) return out.Fail(versions.status());
      std::vector<std::vector<std::string>> rows;
      Json list = Json::array();
      for (const PackageVersion& v : *versions) {
        rows.push_back({v.number.ToString(), v.id, v.name, v.release_state, v.deprecated ? "yes" : ""});
        list.push_back(Parse(VersionJson(v)));
      }
      out.Line(out.Bold(package->name) + " (" + package->id +
               (package->namespace_prefix.empty() ? "" : ", " + package->namespace_prefix) + ")");
      out.Table({"Version", "Id", "Name", "State", "Deprecated"}, rows);
      return out.Finish(Json{{"package", Json{{"id", package->id},
                                              {"name", package->name},
                                              {"namespacePrefix", package->namespace_prefix}}},
                             {"versions", list}});
    });
  }

  // ---------------------------------------------------------------- subscribers
  int Subscribers(Output& out) {
    Result<PlanFilters> filters = BuildFilters(plan);
    if (!filters.ok()) return out.Fail(filters.status());
    return WithPushClient(out, [&](PushClient& client) {
      auto package = client.FindPackage(plan.package);
      if (!package.ok()) return out.Fail(package.status());
      std::vector<Subscriber> subscribers;
      Status st = client.ForEachSubscriber(*package, *filters, [&](const Subscriber& s) {
        subscribers.push_back(s);
        return true;
      });
      if (!st.ok()) return out.Fail(st);
      Json list = Json::array();
      for (const Subscriber& s : subscribers) list.push_back(Parse(SubscriberJson(s)));
      if (plan.format == "csv" || !plan.output.empty()) {
        std::string text;
        if (plan.format == "json") {
          text = list.dump(2) + "\n";
        } else {
          text = CsvLine({{"OrganizationId"}, {"OrgName"}, {"OrgType"}, {"OrgStatus"},
                          {"InstanceName"}, {"InstalledVersion"}, {"InstalledStatus"}});
          for (const Subscriber& s : subscribers) {
            text += CsvLine({{s.org_key}, {s.org_name}, {s.org_type}, {s.org_status},
                             {s.instance}, {s.installed_version}, {s.installed_status}});
          }
        }
        if (!out.json() || !plan.output.empty()) {
          if (Status w = Emit(plan.output, text); !w.ok()) return out.Fail(w);
        }
      } else if (plan.format == "table") {
        std::vector<std::vector<std::string>> rows;
        for (const Subscriber& s : subscribers) {
          rows.push_back({s.org_key, s.org_name, s.org_type, s.org_status, s.instance,
                          s.installed_version, s.blocked ? "blocked" : ""});
        }
        out.Table({"Org key", "Name", "Type", "Status", "Instance", "Installed", ""}, rows);
      } else if (!out.json()) {
        std::cout << list.dump(2) << "\n";
      }
      out.Line(std::to_string(subscribers.size()) + " subscribers");
      return out.Finish(Json{{"count", subscribers.size()}, {"subscribers", list}});
    });
  }

  // ---------------------------------------------------------------- plan
  void PrintPlan(Output& out, const PushPlan& p) {
    std::vector<std::vector<std::string>> rows;
    for (const OrgVerdict& v : p.orgs) {
      Subscriber s = v.subscriber.value_or(Subscriber{});
      std::string verdict = VerdictName(v.verdict);
      if (v.verdict == Verdict::kEligible) verdict = out.Colored(verdict, 32);
      rows.push_back({v.org_key, verdict, s.org_name, s.org_type, s.installed_version, v.reason});
    }
    out.Table({"Org key", "Verdict", "Name", "Type", "Installed", "Reason"}, rows);
    std::string counts;
    for (const auto& [verdict, n] : p.CountByVerdict()) {
      counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + VerdictName(verdict);
    }
    out.Line("");
    out.Line(p.package.name + " " + p.target.number.ToString() + " (" + p.target.id + "): " +
             std::to_string(p.EligibleKeys().size()) + " eligible of " +
             std::to_string(p.orgs.size()) + " orgs" + (counts.empty() ? "" : " — " + counts));
    out.Line("Estimated API calls to schedule: " + std::to_string(p.estimate.total()) +
             " (planning spent " + std::to_string(p.calls_spent) + ")");
  }

  int Plan(Output& out) {
    Result<PlanRequest> request = BuildPlanRequest(plan, out);
    if (!request.ok()) return out.Fail(request.status());
    return WithPushClient(out, [&](PushClient& client) {
      auto p = client.Plan(*request);
      if (!p.ok()) return out.Fail(p.status());
      Json json = Parse(PlanJson(*p));
      auto csv = [&] {
        std::ostringstream text;
        WritePlanCsv(text, *p);
        return text.str();
      };
      // A table plan written to --output is written as CSV.
      const std::string format =
          plan.format == "table" && !plan.output.empty() ? std::string("csv") : plan.format;
      if (auto written = EmitDocument(out, format, plan.output, csv, json)) {
        if (!written->ok()) return out.Fail(*written);
      } else {
        PrintPlan(out, *p);
      }
      return out.Finish(json);
    });
  }

  // ---------------------------------------------------------------- schedule
  int Schedule(Output& out) {
    Result<PlanRequest> request = BuildPlanRequest(plan, out);
    if (!request.ok()) return out.Fail(request.status());
    Result<ScheduleOptions> options = BuildScheduleOptions(schedule);
    if (!options.ok()) return out.Fail(options.status());
    auto ledger = OpenLedger();
    if (!ledger.ok()) return out.Fail(ledger.status());
    return WithPushClient(out, [&](PushClient& client) {
      auto p = client.Plan(*request, *options);
      if (!p.ok()) return out.Fail(p.status());
      std::string description = "schedule --package " + plan.package + " --version " + plan.version +
                                (plan.orgs.empty() ? "" : " --orgs " + plan.orgs) +
                                (plan.exclude.empty() ? "" : " --exclude " + plan.exclude) +
                                " --start " + schedule.start;
      auto result = ScheduleRecorded(client, **ledger, *p, *options, "schedule", description);
      if (!result.ok()) return out.Fail(result.status());
      return PrintSchedule(out, *p, *options, *result);
    });
  }

  int PrintSchedule(Output& out, const PushPlan& p, const ScheduleOptions& options,
                    const ScheduleResult& r) {
    // The start is always shown in UTC, whatever zone it was given in.
    const std::string start = options.start ? FormatUtc(*options.start) : "";
    if (r.request_id.empty()) {
      out.Line("No eligible org: no push request was created.");
    } else {
      out.Line("Push request " + out.Bold(r.request_id) + ": " + PushStatusName(r.request_status) +
               ", " + std::to_string(r.jobs_created()) + " jobs" +
               (r.jobs_failed() > 0 ? ", " + std::to_string(r.jobs_failed()) + " orgs not scheduled" : ""));
      out.Line(start.empty() ? "Starts as soon as Salesforce has resources (start: now)."
                             : "Scheduled start: " + start + " (UTC)");
      for (const JobOutcome& job : r.jobs) {
        if (job.ok() || job.errors.empty()) continue;
        out.Line("  " + job.org_key + ": " + job.errors.front().status_code + ": " +
                 job.errors.front().message);
      }
    }
    Json json = Parse(ScheduleResultJson(r));
    json["eligible"] = p.EligibleKeys().size();
    json["scheduledStartTime"] = start.empty() ? Json(nullptr) : Json(start);
    return out.Finish(json, r.jobs_failed() > 0 ? kExitSomeFailed : kExitOk);
  }

  // ---------------------------------------------------------------- status / abort
  int StatusCommand(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto snapshot = client.Snapshot(request_id);
      if (!snapshot.ok()) return out.Fail(snapshot.status());
      const PushRequestInfo& r = snapshot->request;
      out.Table({"Field", "Value"}, {{"Request", r.id},
                                      {"Status", PushStatusName(r.status)},
                                      {"Package version", r.package_version_id},
                                      {"Scheduled start", r.scheduled_start_time},
                                      {"Start", r.start_time},
                                      {"End", r.end_time},
                                      {"Jobs", Counts(snapshot->jobs)}});
      return out.Finish(Json{{"request", Parse(RequestInfoJson(r))},
                             {"jobs", Parse(JobCountsJson(snapshot->jobs))}});
    });
  }

  int Abort(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto status = client.Abort(request_id);
      if (!status.ok()) return out.Fail(status.status());
      out.Line("Push request " + request_id + " was canceled.");
      return out.Finish(Json{{"requestId", request_id}, {"status", PushStatusName(*status)}});
    });
  }

  // ---------------------------------------------------------------- watch
  WatchOptions MakeWatch(Output& out) {
    WatchOptions watch;
    watch.initial_interval = std::chrono::seconds(interval);
    if (const char* ms = std::getenv("PUSHFORCE_TEST_POLL_MS")) {
      // Tests against the fake org's simulated time poll in milliseconds.
      watch.initial_interval = std::chrono::milliseconds(std::atoi(ms));
      watch.max_interval = watch.initial_interval * 4;
    }
    watch.max_interval = std::max<std::chrono::milliseconds>(watch.max_interval, watch.initial_interval);
    watch.timeout = std::chrono::seconds(timeout);
    bool live = out.stdout_tty() && !out.json();
    watch.on_progress = [&out, live](const WatchProgress& p) {
      if (out.json()) return;
      std::int64_t total = p.jobs.total();
      std::int64_t done = p.jobs.terminal();
      double elapsed = static_cast<double>(p.elapsed.count()) / 1000.0;
      double rate = elapsed > 0 ? static_cast<double>(done) * 60.0 / elapsed : 0;
      double eta = rate > 0 ? static_cast<double>(total - done) * 60.0 / rate : -1;
      char rate_text[32];
      std::snprintf(rate_text, sizeof rate_text, "%.1f/min", rate);
      std::string line = std::string(PushStatusName(p.request_status)) + ": " + Counts(p.jobs) +
                         " — " + std::to_string(done) + "/" + std::to_string(total) + " done, " +
                         rate_text + ", ETA " + (done == total ? "0m00s" : FormatDuration(eta));
      if (live) {
        std::cout << "\r\x1b[2K" << line << std::flush;
      } else if (p.changed || p.polls == 1) {
        std::cout << line << "\n" << std::flush;
      }
      for (const std::string& job : p.stuck_jobs) {
        out.Warn("job " + job + " has made no progress for a long time");
      }
    };
    return watch;
  }

  int Watch(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto result = client.Watch(request_id, MakeWatch(out));
      if (out.stdout_tty() && !out.json()) std::cout << "\n";
      if (!result.ok()) return out.Fail(result.status());
      Json json{{"request", Parse(RequestInfoJson(result->final.request))},
                {"jobs", Parse(JobCountsJson(result->final.jobs))},
                {"polls", result->polls},
                {"timedOut", result->timed_out}};
      if (result->timed_out) {
        if (out.json()) {
          return out.Fail(5, "timeout", "push request " + request_id + " still running after " +
                                            std::to_string(timeout) + " s");
        }
        return out.Fail(Status(ErrorCode::kTimeout, "push request " + request_id +
                                                        " still running after " +
                                                        std::to_string(timeout) + " s"));
      }
      const JobCounts& jobs = result->final.jobs;
      out.Line("Push request " + request_id + " " + PushStatusName(result->final.request.status) +
               ": " + Counts(jobs));
      bool failed = jobs.Of(PushStatus::kFailed) > 0 ||
                    result->final.request.status == PushStatus::kFailed;
      return out.Finish(json, failed ? kExitSomeFailed : kExitOk);
    });
  }

  // ---------------------------------------------------------------- report
  int Report(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto report = client.Report(request_id);
      if (!report.ok()) return out.Fail(report.status());
      for (auto [path, writer] :
           {std::pair{&success_file, &WriteSuccessCsv}, std::pair{&error_file, &WriteErrorCsv}}) {
        if (path->empty()) continue;
        std::ostringstream text;
        writer(text, *report);
        if (Status w = Emit(*path, text.str()); !w.ok()) return out.Fail(w);
      }
      Json json = Parse(ReportJson(*report));
      auto csv = [&] {
        std::ostringstream text;
        WriteReportCsv(text, *report);
        return text.str();
      };
      if (auto written = EmitDocument(out, plan.format, plan.output, csv, json)) {
        if (!written->ok()) return out.Fail(*written);
      } else {
        std::vector<std::vector<std::string>> rows;
        for (const OrgResult& o : report->orgs) {
          const PushErrorRow* e = o.errors.empty() ? nullptr : &o.errors.front();
          std::string status = PushStatusName(o.status);
          if (o.status == PushStatus::kFailed) status = out.Colored(status, 31);
          rows.push_back({o.org_key, o.org_name, status,
                          o.duration_seconds ? std::to_string(*o.duration_seconds) : "",
                          e ? e->type : "", e ? e->title : ""});
        }
        out.Table({"Org key", "Name", "Status", "Seconds", "Error type", "Error title"}, rows);
        out.Line("");
        out.Line("Push request " + report->request.id + " " +
                 PushStatusName(report->request.status) + ": " + Counts(report->jobs));
        for (const FailureGroup& f : report->failures) {
          out.Line("  " + std::to_string(f.count) + " × " + f.type + ": " + f.title);
        }
      }
      return out.Finish(json, report->jobs.Of(PushStatus::kFailed) > 0 ? kExitSomeFailed : kExitOk);
    });
  }

  // ---------------------------------------------------------------- list
  int List(Output& out) {
    return WithPushClient(out, [&](PushClient& client) {
      auto package = client.FindPackage(plan.package);
      if (!package.ok()) return out.Fail(package.status());
      auto requests = client.ListRequests(*package, status_filter, since_days);
      if (!requests.ok()) return out.Fail(requests.status());
      std::vector<std::vector<std::string>> rows;
      Json list = Json::array();
      for (const PushRequestSummary& s : *requests) {
        rows.push_back({s.request.id, PushStatusName(s.request.status), s.request.package_version_id,
                        s.request.scheduled_start_time, s.request.start_time, s.request.end_time,
                        std::to_string(s.jobs.total()),
                        std::to_string(s.jobs.Of(PushStatus::kSucceeded)),
                        std::to_string(s.jobs.Of(PushStatus::kFailed))});
        list.push_back(Json{{"request", Parse(RequestInfoJson(s.request))},
                            {"jobs", Parse(JobCountsJson(s.jobs))}});
      }
      out.Table({"Request", "Status", "Version", "Scheduled", "Start", "End", "Jobs", "Succeeded",
                 "Failed"},
                rows);
      return out.Finish(Json{{"requests", list}});
    });
  }

  // ---------------------------------------------------------------- retry
  int Retry(Output& out) {
    Result<ScheduleOptions> options = BuildScheduleOptions(schedule);
    if (!options.ok()) return out.Fail(options.status());
    auto ledger = OpenLedger();
    if (!ledger.ok()) return out.Fail(ledger.status());
    return WithPushClient(out, [&](PushClient& client) {
      auto p = client.PlanRetry(request_id);
      if (!p.ok()) return out.Fail(p.status());
      if (p->EligibleKeys().empty()) {
        out.Line("No org of " + request_id + " failed with only transient errors; nothing to retry.");
        return out.Finish(Json{{"requestId", nullptr}, {"retried", 0}});
      }
      auto result = ScheduleRecorded(client, **ledger, *p, *options, "retry",
                                     "retry " + request_id + " --start " + schedule.start);
      if (!result.ok()) return out.Fail(result.status());
      return PrintSchedule(out, *p, *options, *result);
    });
  }

  // ---------------------------------------------------------------- run / history
  int Run(Output& out) {
    auto file = LoadPlanFile(plan_file);
    if (!file.ok()) return out.Fail(file.status());
    auto inputs = LoadPlanInputs(*file);
    if (!inputs.ok()) return out.Fail(inputs.status());
    if (resume && force_new) {
      return out.Fail(Status(ErrorCode::kInvalidInput, "--resume and --new exclude each other"));
    }
    auto ledger = OpenLedger();
    if (!ledger.ok()) return out.Fail(ledger.status());
    return WithPushClient(out, [&](PushClient& client) {
      NightlyOptions options;
      options.resume = resume;
      options.force_new = force_new;
      options.watch = MakeWatch(out);
      options.on_event = [&out](const std::string& line) { out.Line(line); };
      auto result = RunNightly(client, **ledger, *file, *inputs, options);
      if (out.stdout_tty() && !out.json()) std::cout << "\n";
      if (!result.ok()) return out.Fail(result.status());
      Json waves = Json::array();
      for (const WaveOutcome& w : result->waves) {
        waves.push_back(Json{{"name", w.wave.name},
                             {"requestId", w.wave.request_id},
                             {"state", w.wave.state},
                             {"selected", w.selected},
                             {"jobs", w.wave.jobs},
                             {"succeeded", w.wave.succeeded},
                             {"failed", w.wave.failed},
                             {"canceled", w.wave.canceled},
                             {"failureRate", w.wave.failure_rate ? Json(*w.wave.failure_rate) : Json(nullptr)},
                             {"gate", w.wave.gate_message}});
      }
      const RunCounts& c = result->counts;
      Json json{{"runId", result->run.run_id},
                {"status", result->run.status},
                {"resumed", result->resumed},
                {"alreadyDone", result->already_done},
                {"gateStopped", result->gate_stopped},
                {"gateMessage", result->gate_message},
                {"apiCalls", result->run.api_calls},
                {"counts", Json{{"orgs", c.orgs}, {"eligible", c.eligible}, {"jobs", c.jobs},
                                {"succeeded", c.succeeded}, {"failed", c.failed},
                                {"canceled", c.canceled}}},
                {"waves", waves}};
      if (result->already_done) {
        out.Line("Run " + std::to_string(result->run.run_id) + " of this plan already ran tonight (" +
                 result->run.status + "); nothing done. Use --new to push again.");
        // The exit code of that run, so a cron job re-run still reports its outcome.
        const std::string& st = result->run.status;
        return out.Finish(json, st == "gate_stopped" ? kExitGate
                                : st == "partial"    ? kExitSomeFailed
                                : st == "error"      ? 4
                                                     : kExitOk);
      }
      if (result->gate_stopped) {
        if (out.json()) {
          Json envelope_result = json;
          return out.Finish(envelope_result, kExitGate);
        }
        std::cerr << "pushforce: gate: " << result->gate_message << "\n";
        return out.Finish(json, kExitGate);
      }
      out.Line("Run " + std::to_string(result->run.run_id) + " " + result->run.status + ": " +
               std::to_string(c.succeeded) + " succeeded, " + std::to_string(c.failed) +
               " failed, " + std::to_string(result->run.api_calls) + " API calls");
      return out.Finish(json, c.failed > 0 ? kExitSomeFailed : kExitOk);
    });
  }

  int History(Output& out) {
    auto ledger = OpenLedger();
    if (!ledger.ok()) return out.Fail(ledger.status());
    auto runs = (*ledger)->History(limit);
    if (!runs.ok()) return out.Fail(runs.status());
    std::vector<std::vector<std::string>> rows;
    Json list = Json::array();
    for (const RunRecord& r : *runs) {
      auto c = (*ledger)->Counts(r.run_id);
      RunCounts counts = c.ok() ? *c : RunCounts{};
      auto waves = (*ledger)->Waves(r.run_id);
      Json requests = Json::array();
      if (waves.ok()) {
        for (const WaveRecord& w : *waves) {
          if (!w.request_id.empty()) requests.push_back(w.request_id);
        }
      }
      rows.push_back({std::to_string(r.run_id), r.started_at, r.kind, r.plan_name, r.version,
                      r.status, std::to_string(counts.jobs), std::to_string(counts.succeeded),
                      std::to_string(counts.failed), std::to_string(r.api_calls)});
      list.push_back(Json{{"runId", r.run_id}, {"kind", r.kind}, {"plan", r.plan_name},
                          {"planHash", r.plan_hash}, {"night", r.night},
                          {"startedAt", r.started_at}, {"finishedAt", r.finished_at},
                          {"versionId", r.version_id}, {"version", r.version},
                          {"status", r.status}, {"message", r.message},
                          {"apiCalls", r.api_calls}, {"requests", requests},
                          {"counts", Json{{"orgs", counts.orgs}, {"eligible", counts.eligible},
                                          {"jobs", counts.jobs}, {"succeeded", counts.succeeded},
                                          {"failed", counts.failed},
                                          {"canceled", counts.canceled}}}});
    }
    out.Table({"Run", "Started", "Kind", "Plan", "Version", "Status", "Jobs", "Succeeded",
               "Failed", "API calls"},
              rows);
    return out.Finish(Json{{"ledger", (*ledger)->path()}, {"runs", list}});
  }
};

Commands::Commands(CLI::App& app, GlobalOptions& options)
    : state_(std::make_unique<State>(app, options)) {
  State& s = *state_;
  s.Add("login", "Log in (or attach) and show the user, org, instance and API usage",
        [&s](Output& o) { return s.Login(o); });

  CLI::App* versions = s.Add("versions", "List the versions of a package",
                             [&s](Output& o) { return s.Versions(o); });
  AddPackage(versions, s.plan.package);

  CLI::App* subscribers = s.Add("subscribers", "List the subscribers of a package",
                                [&s](Output& o) { return s.Subscribers(o); });
  AddPackage(subscribers, s.plan.package);
  AddFilters(subscribers, s.plan);
  AddFormat(subscribers, s.plan, {"table", "csv", "json"});

  CLI::App* plan = s.Add("plan", "Dry run: the verdict and reason for every org, and the call estimate",
                         [&s](Output& o) { return s.Plan(o); });
  AddPlanOptions(plan, s.plan);
  AddFormat(plan, s.plan, {"table", "csv", "json"});

  CLI::App* schedule = s.Add("schedule", "Create a push request with one job per eligible org",
                             [&s](Output& o) { return s.Schedule(o); });
  AddPlanOptions(schedule, s.plan);
  schedule->add_option("--start", s.schedule.start,
                       "Start time: now, ISO-8601 with offset, or with an IANA zone")
      ->capture_default_str();
  schedule->add_option("--connections", s.schedule.connections, "Parallel connections for job creation")
      ->check(CLI::Range(1, 10))->capture_default_str();
  schedule->add_flag("--hold", s.schedule.hold, "Leave the request in Created for review (start it later)");
  schedule->add_option("--api-budget", s.schedule.api_budget,
                       "Refuse when the estimate exceeds this share of today's remaining API calls")
      ->check(CLI::Range(0.0, 1.0));

  CLI::App* status = s.Add("status", "Show a push request and its job counts",
                           [&s](Output& o) { return s.StatusCommand(o); });
  status->add_option("REQUEST", s.request_id, "Push request id (0DV…)")->required();

  CLI::App* watch = s.Add("watch", "Wait for a push request to finish, showing progress",
                          [&s](Output& o) { return s.Watch(o); });
  watch->add_option("REQUEST", s.request_id, "Push request id (0DV…)")->required();
  watch->add_option("--interval", s.interval, "Seconds between polls (grows while nothing changes)")
      ->check(CLI::Range(1, 3600))->capture_default_str();
  watch->add_option("--timeout", s.timeout, "Give up after this many seconds (exit 5); 0 = never")
      ->check(CLI::NonNegativeNumber);

  CLI::App* report = s.Add("report", "Results of every org of a push request, with errors",
                           [&s](Output& o) { return s.Report(o); });
  report->add_option("REQUEST", s.request_id, "Push request id (0DV…)")->required();
  AddFormat(report, s.plan, {"table", "csv", "json"});
  report->add_option("--success-file", s.success_file, "Data Loader style success CSV");
  report->add_option("--error-file", s.error_file, "Data Loader style error CSV");

  CLI::App* abort = s.Add("abort", "Cancel a Created or Pending push request",
                          [&s](Output& o) { return s.Abort(o); });
  abort->add_option("REQUEST", s.request_id, "Push request id (0DV…)")->required();

  CLI::App* list = s.Add("list", "Push requests of a package, newest first, with job counts",
                         [&s](Output& o) { return s.List(o); });
  AddPackage(list, s.plan.package);
  list->add_option("--status", s.status_filter, "Only requests with this status");
  list->add_option("--since-days", s.since_days, "Only requests scheduled in the last N days")
      ->check(CLI::NonNegativeNumber);

  CLI::App* retry = s.Add("retry", "Push again to the orgs of a request that failed transiently",
                          [&s](Output& o) { return s.Retry(o); });
  retry->add_option("REQUEST", s.request_id, "Push request id (0DV…)")->required();
  retry->add_option("--start", s.schedule.start, "Start time")->capture_default_str();

  CLI::App* run = s.Add("run", "Run (or resume) a nightly plan file with waves and gates",
                        [&s](Output& o) { return s.Run(o); });
  run->add_option("PLAN_FILE", s.plan_file, "TOML plan file")->required();
  run->add_flag("--resume", s.resume, "Resume the newest unfinished run of this plan, however old");
  run->add_flag("--new", s.force_new, "Start a new run even if this plan ran tonight");
  run->add_option("--interval", s.interval, "Seconds between polls")->capture_default_str();
  run->add_option("--timeout", s.timeout, "Give up watching after this many seconds (exit 5)");

  CLI::App* history = s.Add("history", "Runs recorded in the ledger, newest first",
                            [&s](Output& o) { return s.History(o); });
  history->add_option("--limit", s.limit, "How many runs")->capture_default_str();
}

Commands::~Commands() = default;

int Commands::Run() {
  Output out(state_->g);
  for (auto& [sub, handler] : state_->handlers) {
    if (sub->parsed()) return handler(out);
  }
  return out.Fail(kExitUsage, "usage", "no command given; see pushforce --help");
}

}  // namespace pushforce::cli
