// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the pushforce CLI: global options, output (tables, JSON envelope), connect.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushforce/push.hpp"
#include "pushforce/session.hpp"
#include "pushforce/status.hpp"

namespace CLI {
class App;
}

namespace pushforce::cli {

using Json = nlohmann::ordered_json;

// Exit codes: 0 all succeeded; 1 some orgs failed; 2 usage or input error; 3 authentication;
// 4 API or transport error; 5 timeout; 6 a wave gate stopped the run.
constexpr int kExitOk = 0;
constexpr int kExitSomeFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitGate = 6;
int ExitCodeFor(ErrorCode code);

struct GlobalOptions {
  std::string login_url;
  std::string api_version = "64.0";
  std::string username;
  std::string password;
  std::string security_token;
  std::string session_id;
  std::string instance_url;
  std::string sf_org_json;
  std::string config;
  std::string ca_file;
  std::string ledger;
  std::string trace;
  int verbose = 0;
  bool quiet = false;
  bool json = false;
};

// Human output on stdout (tables, lines), diagnostics on stderr, or one JSON envelope.
class Output {
 public:
  explicit Output(const GlobalOptions& options);

  bool json() const { return json_; }
  bool color() const { return color_; }
  bool stdout_tty() const { return stdout_tty_; }

  void Warn(const std::string& message);
  // A human line on stdout; nothing in JSON mode or with -q.
  void Line(const std::string& text);
  // A diagnostic on stderr shown with -v.
  void Verbose(const std::string& text);
  // An aligned table on stdout (human mode only).
  void Table(const std::vector<std::string>& headers,
             const std::vector<std::vector<std::string>>& rows);
  std::string Bold(const std::string& text) const;
  std::string Colored(const std::string& text, int ansi) const;

  // Ends the command: the JSON envelope {"status", "result", "warnings"} in JSON mode.
  int Finish(const Json& result, int exit_code = kExitOk);
  // Ends the command with an error: "pushforce: error: …" on stderr, or the JSON envelope
  // {"status", "name", "message", "warnings"}.
  int Fail(const Status& status);
  int Fail(int exit_code, const std::string& name, const std::string& message);

 private:
  bool json_;
  bool quiet_;
  int verbose_;
  bool color_;
  bool stdout_tty_;
  std::vector<std::string> warnings_;
};

// Resolves credentials (flags > environment > config file), reads every input file, then
// logs in or attaches. Nothing is sent before every input is valid.
class Connector {
 public:
  Connector(const GlobalOptions& options, Output& out) : options_(options), out_(out) {}
  // Checks the connection inputs without sending anything.
  Status Prepare();
  Result<std::unique_ptr<Session>> Connect();

 private:
  const GlobalOptions& options_;
  Output& out_;
  bool prepared_ = false;
  bool attach_ = false;
  PasswordCredentials password_;
  SessionCredentials session_;
  SessionOptions session_options_;
  std::vector<std::string> secrets_;
  std::shared_ptr<std::ofstream> trace_;
  bool trace_stderr_ = false;
};

// Registers every command on the app; Run dispatches the parsed one.
class Commands {
 public:
  Commands(CLI::App& app, GlobalOptions& options);
  ~Commands();
  int Run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// XML pretty-printed with two-space indentation (WSC's prettyPrintXml); the input when it is
// not well-formed.
std::string PrettyXml(std::string_view xml);

}  // namespace pushforce::cli
