// SPDX-License-Identifier: GPL-2.0-or-later
// Command-line options of pushforce-fakeorg, including one switch per behavioural assumption.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pushforce::fakeorg {

struct UserSpec {
  std::string username;
  std::string password;
  std::string security_token;
};

// Every place where Salesforce's real behaviour is unknown is one field here and one switch;
// README.md "Assumptions" explains each default.
struct Assumptions {
  std::string in_progress_spelling = "InProgress";  // --status-spelling
  // --request-status-rule: how a request whose jobs partly failed ends.
  //   any-failed: Failed when any job failed, else Succeeded.
  //   all-failed: Failed only when every job failed, else Succeeded.
  std::string request_status_rule = "any-failed";
  // --beta-orgs / --blocked-orgs: what a job for an org on a beta, or one that blocks push
  // upgrades, does: "create-error" (per-record error at create) or "run-failure" (the job is
  // created and fails with an IneligibleUpgrade push error).
  std::string beta_orgs = "run-failure";
  std::string blocked_orgs = "run-failure";
  // StatusCodes of per-record errors whose code Salesforce does not document.
  std::string ineligible_status_code = "INVALID_OPERATION";  // --ineligible-status-code
  std::string status_change_status_code = "INVALID_OPERATION";  // --status-change-status-code
  std::string version_status_code = "INVALID_OPERATION";     // --version-status-code
  bool login_counts_api = false;  // --login-counts-api
  bool empty_request_succeeds = true;  // --empty-request-fails sets false
  int cursor_ttl_seconds = 172800;     // --cursor-ttl (current docs: 2 days)
  double max_api_version = 66.0;       // --max-api-version: newest version the org serves
  std::string login_retired_code = "UNSUPPORTED_API_VERSION";  // --login-retired-code (> 64.0)
};

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;
  std::string info_file;
  std::string tls_dir;
  bool plain_http = false;
  std::string data_file;
  int subscribers = 50;
  std::uint64_t seed = 1;
  std::vector<UserSpec> users;
  int session_ttl_seconds = 7200;
  std::int64_t api_limit = 100000;
  std::string request_log;
  int latency_ms = 0;
  std::string state_file;
  double time_scale = 1.0;
  std::string truth_file;
  int threads_max = 256;
  Assumptions assume;
};

}  // namespace pushforce::fakeorg
