// SPDX-License-Identifier: GPL-2.0-or-later
// Starts pushforce-fakeorg on 127.0.0.1 and an ephemeral port for one test, and stops it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushforce/options.hpp"
#include "pushforce/session.hpp"

namespace pushforce::test {

struct FakeOrgOptions {
  bool tls = true;       // false: --plain-http
  int subscribers = 50;  // --subscribers N
  int seed = 1;          // --seed S
  bool truth_file = false;  // --truth-file DIR/truth.jsonl (see truth_file_path())
  // Any further flags, e.g. {"--session-ttl", "2"} or {"--time-scale", "10000"}.
  std::vector<std::string> extra_args;
};

// The fake org as a child process. The constructor returns once the info file is written
// (it fails the test if the process exits or takes over 30 s); the destructor stops it.
// Every instance gets its own directory (TLS material, info file, request log).
class FakeOrg {
 public:
  explicit FakeOrg(FakeOrgOptions options = {});
  ~FakeOrg();
  FakeOrg(const FakeOrg&) = delete;
  FakeOrg& operator=(const FakeOrg&) = delete;

  const nlohmann::json& info() const { return info_; }  // the --info-file contents
  std::string login_url() const;                          // info["login_url"]
  std::string ca_file() const;                            // info["ca_file"], "" for plain HTTP
  PasswordCredentials credentials() const;                // login_url, username, password, token
  SessionOptions session_options() const;                 // ca_file set, fast retry backoff
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path request_log_path() const { return dir_ / "requests.jsonl"; }
  // Expected outcome per subscriber (written when FakeOrgOptions::truth_file is set).
  std::filesystem::path truth_file_path() const { return dir_ / "truth.jsonl"; }
  // Every line of --request-log so far, parsed.
  std::vector<nlohmann::json> RequestLog() const;
  int pid() const { return pid_; }

 private:
  std::filesystem::path dir_;
  nlohmann::json info_;
  int pid_ = -1;
};

}  // namespace pushforce::test
