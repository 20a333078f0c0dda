// SPDX-License-Identifier: GPL-2.0-or-later
// Starts pushforce-fakeorg on 127.0.0.1 and an ephemeral port for one test, and stops it.
#include "support/fake_org.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "support/test_env.hpp"

namespace pushforce::test {
namespace {

std::atomic<int> g_instance{0};

bool Exited(int pid, int* status) { return ::waitpid(pid, status, WNOHANG) == pid; }

}  // namespace

FakeOrg::FakeOrg(FakeOrgOptions options) {
  std::string binary = Env("PUSHFORCE_FAKEORG");
  BOOST_REQUIRE_MESSAGE(!binary.empty(), "PUSHFORCE_FAKEORG is not set (run through ctest)");
  dir_ = ScratchDir("fakeorg-" + std::to_string(g_instance++));
  std::filesystem::path info_file = dir_ / "info.json";
  std::vector<std::string> args = {binary,
                                   "--listen", "127.0.0.1:0",
                                   "--info-file", info_file.string(),
                                   "--request-log", request_log_path().string(),
                                   "--subscribers", std::to_string(options.subscribers),
                                   "--seed", std::to_string(options.seed)};
  if (options.truth_file) {
    args.push_back("--truth-file");
    args.push_back(truth_file_path().string());
  }
  if (options.tls) {
    args.push_back("--tls-dir");
    args.push_back((dir_ / "tls").string());
  } else {
    args.push_back("--plain-http");
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  std::string out_path = (dir_ / "stdout.txt").string(), err_path = (dir_ / "stderr.txt").string();
  pid_ = ::fork();
  BOOST_REQUIRE_MESSAGE(pid_ >= 0, "fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // The info file is written atomically (rename) once the org listens.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    if (std::filesystem::exists(info_file)) break;
    int status = 0;
    if (Exited(pid_, &status)) {
      pid_ = -1;
      BOOST_FAIL("pushforce-fakeorg exited early: " << ReadFile(err_path));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      BOOST_FAIL("pushforce-fakeorg did not become ready within 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  info_ = nlohmann::json::parse(ReadFile(info_file));
}

FakeOrg::~FakeOrg() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (!Exited(pid_, &status)) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string FakeOrg::login_url() const { return info_.at("login_url").get<std::string>(); }

std::string FakeOrg::ca_file() const {
  const auto& ca = info_.at("ca_file");
  return ca.is_null() ? std::string() : ca.get<std::string>();
}

PasswordCredentials FakeOrg::credentials() const {
  PasswordCredentials c;
  c.login_url = login_url();
  c.username = info_.at("username").get<std::string>();
  c.password = info_.at("password").get<std::string>();
  c.security_token = info_.at("security_token").get<std::string>();
  return c;
}

SessionOptions FakeOrg::session_options() const {
  SessionOptions o;
  o.transport.ca_file = ca_file();
  o.transport.connect_timeout = std::chrono::seconds(5);
  o.transport.receive_timeout = std::chrono::seconds(60);
  // Retries against a local fake need no real waiting.
  o.retry.initial_backoff = std::chrono::milliseconds(1);
  o.retry.max_backoff = std::chrono::milliseconds(10);
  return o;
}

std::vector<nlohmann::json> FakeOrg::RequestLog() const {
  std::vector<nlohmann::json> lines;
  std::ifstream in(request_log_path());
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

}  // namespace pushforce::test
