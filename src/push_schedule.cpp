// SPDX-License-Identifier: GPL-2.0-or-later
// Push module: scheduling — the request, one job per org over parallel connections, Pending.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "push_internal.hpp"
#include "pushforce/soql.hpp"

namespace pushforce {

using namespace push_internal;

namespace {

constexpr size_t kCreateChunk = 200;  // create() rejects the whole call above 200 records

// Per-record errors worth another attempt: the row was locked or the server hiccuped.
bool IsTransientStatusCode(std::string_view code) {
  return code == "UNABLE_TO_LOCK_ROW" || code == "UNKNOWN_EXCEPTION" ||
         code == "SERVER_UNAVAILABLE" || code == "REQUEST_RUNNING_TOO_LONG";
}

struct EligibleOrg {
  std::string key;   // 15-character key
  std::string wire;  // OrgKey exactly as PackageSubscriber returned it
};

// What one org's latest attempt produced.
enum class Attempt { kCreated, kRetry, kFinal, kUnknown };

}  // namespace

// Reads the jobs that exist for a request: key15 -> job id. One page per 2000 jobs.
static Status ExistingJobs(Session& session, const std::string& request_id,
                           std::unordered_map<std::string, std::string>& out) {
  std::string soql = "SELECT Id, SubscriberOrganizationKey FROM PackagePushJob WHERE "
                     "PackagePushRequestId = " + soql::Quote(request_id);
  return session.Query(soql, [&](const QueryPage& page) {
    for (const Record& r : page.records) {
      out[OrgKey15(r.GetOr("SubscriberOrganizationKey", ""))] = r.GetOr("Id", "");
    }
    return true;
  });
}

static Status SetRequestStatus(Session& session, const std::string& request_id,
                               PushStatus status) {
  Record record("PackagePushRequest");
  record.set_id(request_id);
  record.Set("Status", PushStatusName(status));
  BatchResult result = session.Update(std::span<const Record>(&record, 1));
  if (!result.status.ok()) return result.status;
  if (result.outcomes.empty()) return Status(ErrorCode::kInternal, "update() returned no result");
  const SaveOutcome& outcome = result.outcomes.front();
  if (!outcome.success) {
    const RecordError* e = outcome.errors.empty() ? nullptr : &outcome.errors.front();
    ErrorDetails details;
    if (e) details.salesforce_code = e->status_code;
    return Status(ErrorCode::kApiFault,
                  "setting push request " + request_id + " to " + PushStatusName(status) +
                      " failed: " + (e ? e->message : std::string("no error given")),
                  details);
  }
  return Status();
}

Result<PushRequestInfo> push_internal::ReadRequest(Session& session, const std::string& request_id) {
  auto rows = session.QueryAllRows(std::string("SELECT ") + kRequestFields +
                                   " FROM PackagePushRequest WHERE Id = " +
                                   soql::Quote(request_id));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status(ErrorCode::kNotFound, "no push request " + request_id + " in this org");
  }
  return RequestFromRecord(rows->front());
}

Result<ScheduleResult> PushClient::Schedule(const PushPlan& plan, const ScheduleOptions& options) {
  if (options.connections < 1 || options.connections > 10) {
    return Status(ErrorCode::kInvalidInput,
                  "connections: " + std::to_string(options.connections) + " is not in 1..10");
  }
  if (options.max_record_attempts < 1) {
    return Status(ErrorCode::kInvalidInput, "max_record_attempts must be at least 1");
  }
  if (options.start && *options.start < std::chrono::system_clock::now()) {
    return Status(ErrorCode::kInvalidInput,
                  "start time " + FormatUtc(*options.start) + " is in the past");
  }
  if (options.api_budget_share < 0 || options.api_budget_share > 1) {
    return Status(ErrorCode::kInvalidInput, "api_budget must be a share between 0 and 1");
  }
  std::vector<EligibleOrg> eligible;
  for (const OrgVerdict& org : plan.orgs) {
    if (org.verdict != Verdict::kEligible) continue;
    eligible.push_back({org.org_key, org.subscriber ? org.subscriber->org_key : org.org_key});
  }
  if (options.api_budget_share > 0) {
    ApiUsage usage = session_.api_usage();
    if (usage.known()) {
      std::int64_t allowed =
          static_cast<std::int64_t>(options.api_budget_share * static_cast<double>(usage.remaining()));
      if (plan.estimate.total() > allowed) {
        return Status(ErrorCode::kBudgetExceeded,
                      "the push is estimated at " + std::to_string(plan.estimate.total()) +
                          " API calls, over the budget of " + std::to_string(allowed) + " (" +
                          std::to_string(options.api_budget_share) + " of the " +
                          std::to_string(usage.remaining()) + " calls left today)");
      }
    }
  }

  const std::int64_t calls_before = session_.call_counts().total;
  ScheduleResult result;
  if (eligible.empty() && options.resume_request_id.empty()) {
    // Nothing to push: no request is created, so none can be left in Created.
    return result;
  }

  std::mutex mutex;  // guards the journal, progress and outcome maps
  std::unordered_map<std::string, std::string> job_ids;  // key15 -> job id
  bool can_add_jobs = true;
  if (!options.resume_request_id.empty()) {
    auto request = ReadRequest(session_, options.resume_request_id);
    if (!request.ok()) return request.status();
    result.request_id = request->id;
    result.request_status = request->status;
    can_add_jobs = request->status == PushStatus::kCreated;
    Status existing = ExistingJobs(session_, result.request_id, job_ids);
    if (!existing.ok()) return existing;
  } else {
    Record request("PackagePushRequest");
    request.Set("PackageVersionId", plan.target.id);
    if (options.start) request.Set("ScheduledStartTime", FormatUtc(*options.start));
    if (options.journal) {
      Status recorded = options.journal->WillCreateRequest(plan.target);
      if (!recorded.ok()) return recorded;
    }
    BatchResult created = session_.Create(std::span<const Record>(&request, 1));
    if (!created.status.ok()) return created.status;
    if (created.outcomes.empty() || !created.outcomes.front().success) {
      std::string why = created.outcomes.empty() || created.outcomes.front().errors.empty()
                            ? "no error given"
                            : created.outcomes.front().errors.front().message;
      ErrorDetails details;
      if (!created.outcomes.empty() && !created.outcomes.front().errors.empty()) {
        details.salesforce_code = created.outcomes.front().errors.front().status_code;
      }
      return Status(ErrorCode::kApiFault, "creating the push request failed: " + why, details);
    }
    result.request_id = created.outcomes.front().id;
    result.request_status = PushStatus::kCreated;
    if (options.journal) options.journal->RequestCreated(result.request_id);
  }

  std::unordered_map<std::string, JobOutcome> outcomes;
  for (const EligibleOrg& org : eligible) {
    JobOutcome& o = outcomes[org.key];
    o.org_key = org.key;
    if (auto it = job_ids.find(org.key); it != job_ids.end()) {
      o.job_id = it->second;
      o.reconciled = true;
    }
  }
  std::vector<const EligibleOrg*> pending;
  for (const EligibleOrg& org : eligible) {
    if (outcomes[org.key].job_id.empty()) pending.push_back(&org);
  }
  if (!can_add_jobs) {
    for (const EligibleOrg* org : pending) {
      outcomes[org->key].errors.push_back(
          {"INVALID_STATUS",
           std::string("the request is ") + PushStatusName(result.request_status) +
               "; jobs can only be added while it is Created",
           {}});
    }
    pending.clear();
  }

  // Connections: this session plus clones, one per worker thread.
  std::vector<std::unique_ptr<Session>> clones;
  const size_t chunks_max = (pending.size() + kCreateChunk - 1) / kCreateChunk;
  const int workers = static_cast<int>(
      std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(options.connections), chunks_max)));
  for (int i = 1; i < workers; ++i) {
    auto clone = session_.Clone();
    if (!clone.ok()) break;  // fewer connections still do the job
    clones.push_back(std::move(*clone));
  }
  std::vector<Session*> sessions = {&session_};
  for (auto& c : clones) sessions.push_back(c.get());

  const std::int64_t total = static_cast<std::int64_t>(eligible.size());
  std::int64_t done = total - static_cast<std::int64_t>(pending.size());
  for (int attempt = 1; attempt <= options.max_record_attempts && !pending.empty(); ++attempt) {
    std::vector<std::vector<const EligibleOrg*>> chunks;
    for (size_t i = 0; i < pending.size(); i += kCreateChunk) {
      chunks.emplace_back(pending.begin() + static_cast<std::ptrdiff_t>(i),
                          pending.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(pending.size(), i + kCreateChunk)));
    }
    std::unordered_map<std::string, Attempt> state;
    bool reconcile = false;
    Status journal_failure;  // the first Will* hook that refused; stops every worker
    std::atomic<size_t> next{0};
    auto work = [&](Session* session) {
      while (true) {
        size_t index = next.fetch_add(1);
        if (index >= chunks.size()) return;
        const auto& chunk = chunks[index];
        std::vector<Record> records;
        std::vector<std::string> keys;
        records.reserve(chunk.size());
        for (const EligibleOrg* org : chunk) {
          Record job("PackagePushJob");
          job.Set("PackagePushRequestId", result.request_id);
          job.Set("SubscriberOrganizationKey", org->wire);
          records.push_back(std::move(job));
          keys.push_back(org->key);
        }
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (!journal_failure.ok()) return;
          if (options.journal) {
            Status recorded = options.journal->WillCreateJobs(result.request_id, keys);
            if (!recorded.ok()) {
              journal_failure = recorded;
              return;
            }
          }
        }
        BatchResult batch = session->Create(records);
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<JobOutcome> confirmed;
        for (size_t i = 0; i < chunk.size(); ++i) {
          JobOutcome& o = outcomes[chunk[i]->key];
          o.attempts = attempt;
          if (i >= batch.outcomes.size()) {
            // The call failed before this record got an answer.
            if (batch.status.details().request_may_have_arrived) {
              state[o.org_key] = Attempt::kUnknown;
              reconcile = true;
            } else {
              state[o.org_key] = Attempt::kRetry;
            }
            o.errors = {{batch.status.salesforce_code().empty() ? ErrorCodeName(batch.status.code())
                                                                : batch.status.salesforce_code(),
                         batch.status.message(),
                         {}}};
            continue;
          }
          const SaveOutcome& saved = batch.outcomes[i];
          if (saved.success) {
            o.job_id = saved.id;
            o.errors.clear();
            state[o.org_key] = Attempt::kCreated;
            confirmed.push_back(o);
            ++done;
            continue;
          }
          o.errors = saved.errors;
          const std::string code = saved.errors.empty() ? "" : saved.errors.front().status_code;
          if (code == "DUPLICATE_VALUE") {
            // A job for this org exists already (an earlier answer was lost): find it.
            state[o.org_key] = Attempt::kUnknown;
            reconcile = true;
          } else if (IsTransientStatusCode(code)) {
            state[o.org_key] = Attempt::kRetry;
          } else {
            state[o.org_key] = Attempt::kFinal;
            confirmed.push_back(o);
            ++done;
          }
        }
        if (options.journal) options.journal->JobsCreated(result.request_id, keys, confirmed);
        if (options.on_progress) options.on_progress(done, total);
      }
    };
    std::vector<std::thread> threads;
    for (size_t i = 1; i < sessions.size(); ++i) threads.emplace_back(work, sessions[i]);
    work(sessions[0]);
    for (auto& t : threads) t.join();
    if (!journal_failure.ok()) return journal_failure;

    if (reconcile) {
      std::unordered_map<std::string, std::string> existing;
      Status found = ExistingJobs(session_, result.request_id, existing);
      if (!found.ok()) return found;
      std::vector<JobOutcome> confirmed;
      for (auto& [key, s] : state) {
        if (s != Attempt::kUnknown) continue;
        auto it = existing.find(key);
        if (it == existing.end()) {
          s = Attempt::kRetry;  // it never arrived: create it again
          continue;
        }
        JobOutcome& o = outcomes[key];
        o.job_id = it->second;
        o.reconciled = true;
        o.errors.clear();
        s = Attempt::kCreated;
        confirmed.push_back(o);
        ++done;
      }
      if (options.journal && !confirmed.empty()) {
        options.journal->JobsCreated(result.request_id, {}, confirmed);
      }
    }
    std::vector<const EligibleOrg*> again;
    for (const EligibleOrg* org : pending) {
      if (state[org->key] == Attempt::kRetry) again.push_back(org);
    }
    pending.swap(again);
  }
  if (!pending.empty() && options.journal) {
    std::vector<JobOutcome> failed;
    for (const EligibleOrg* org : pending) failed.push_back(outcomes[org->key]);
    options.journal->JobsCreated(result.request_id, {}, failed);
  }

  result.jobs.reserve(eligible.size());
  for (const EligibleOrg& org : eligible) result.jobs.push_back(outcomes[org.key]);

  if (result.request_status == PushStatus::kCreated) {
    // Jobs already on the request (a resumed run) count as well as the ones just made.
    std::int64_t jobs_on_request = result.jobs_created();
    for (const auto& [key, id] : job_ids) {
      if (!outcomes.count(key)) ++jobs_on_request;
    }
    PushStatus next_status = jobs_on_request == 0 ? PushStatus::kCanceled : PushStatus::kPending;
    if (next_status == PushStatus::kCanceled || !options.hold) {
      if (options.journal) {
        Status recorded = options.journal->WillSetStatus(result.request_id, next_status);
        if (!recorded.ok()) return recorded;
      }
      Status set = SetRequestStatus(session_, result.request_id, next_status);
      if (!set.ok()) return set;
      if (options.journal) options.journal->StatusSet(result.request_id, next_status);
      result.request_status = next_status;
      result.canceled_empty = next_status == PushStatus::kCanceled;
    }
  }
  result.calls_spent = session_.call_counts().total - calls_before;
  return result;
}

Status PushClient::Start(const std::string& request_id) {
  auto request = ReadRequest(session_, request_id);
  if (!request.ok()) return request.status();
  if (request->status != PushStatus::kCreated) {
    return Status(ErrorCode::kFailedPrecondition,
                  "push request " + request_id + " is " + PushStatusName(request->status) +
                      "; only a Created request can be started");
  }
  return SetRequestStatus(session_, request_id, PushStatus::kPending);
}

Result<PushStatus> PushClient::Abort(const std::string& request_id) {
  auto request = ReadRequest(session_, request_id);
  if (!request.ok()) return request.status();
  if (request->status != PushStatus::kCreated && request->status != PushStatus::kPending) {
    return Status(ErrorCode::kFailedPrecondition,
                  "can't abort push request " + request_id + " with status '" +
                      request->status_wire + "': only Created or Pending requests can be canceled");
  }
  Status set = SetRequestStatus(session_, request_id, PushStatus::kCanceled);
  if (!set.ok()) return set;
  return PushStatus::kCanceled;
}

}  // namespace pushforce
