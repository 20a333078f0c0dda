// SPDX-License-Identifier: GPL-2.0-or-later
// The pushforce CLI against the fake org: every command's --json envelope, exit codes, bad
// inputs that send nothing, --sf-org-json, trace redaction, a wave gate, crash and resume.
#define BOOST_TEST_MODULE cli_fakeorg
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "fakeorg_client.hpp"
#include "support/fake_org.hpp"
#include "support/test_env.hpp"

#include "SoapBinding.nsmap"

using namespace pushforce;
using nlohmann::json;

namespace {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  json envelope() const {
    json j = json::parse(out, nullptr, false);
    BOOST_REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << out << "\nstderr: " << err);
    return j;
  }
};

class Cli {
 public:
  Cli(const test::FakeOrg& org, std::filesystem::path dir) : org_(org), dir_(std::move(dir)) {
    env_["SF_USERNAME"] = org.info()["username"];
    env_["SF_PASSWORD"] = org.info()["password"];
    env_["SF_SECURITY_TOKEN"] = org.info()["security_token"];
    env_["SF_LOGIN_URL"] = org.login_url();
    env_["HOME"] = dir_.string();
    env_["XDG_STATE_HOME"] = (dir_ / "state").string();
    env_["PUSHFORCE_TEST_POLL_MS"] = "30";
    env_["NO_COLOR"] = "1";
  }
  std::map<std::string, std::string>& env() { return env_; }
  std::string ledger() const { return (dir_ / "ledger.sqlite").string(); }

  CliResult Run(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) {
    std::string binary = test::Env("PUSHFORCE_CLI");
    BOOST_REQUIRE_MESSAGE(!binary.empty(), "PUSHFORCE_CLI is not set (run through ctest)");
    std::vector<std::string> argv_text{binary, "--ca-file", org_.ca_file(), "--ledger", ledger()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::map<std::string, std::string> env = env_;
    for (auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> env_text;
    for (auto& [k, v] : env) {
      if (!v.empty()) env_text.push_back(k + "=" + v);
    }
    std::string out_path = (dir_ / "cli.out").string();
    std::string err_path = (dir_ / "cli.err").string();
    pid_t pid = ::fork();
    if (pid == 0) {
      int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(err, 2);
      std::vector<char*> argv, envp;
      for (auto& a : argv_text) argv.push_back(a.data());
      argv.push_back(nullptr);
      for (auto& e : env_text) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = test::ReadFile(out_path);
    r.err = test::ReadFile(err_path);
    return r;
  }

 private:
  const test::FakeOrg& org_;
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

std::string PackageNs(const test::FakeOrg& org) { return org.info()["packages"][0]["namespace"]; }
std::string TargetVersion(const test::FakeOrg& org) { return org.info()["packages"][0]["latest_version"]; }

test::FakeOrgOptions Fast(int subscribers, int seed = 1) {
  test::FakeOrgOptions o;
  o.subscribers = subscribers;
  o.seed = seed;
  o.extra_args = {"--time-scale", "200000"};
  return o;
}

std::int64_t Count(const std::vector<json>& log, const std::string& operation,
                   const std::string& object = "") {
  std::int64_t n = 0;
  for (const json& line : log) {
    if (line.value("operation", "") != operation) continue;
    if (!object.empty() && (!line["object"].is_string() || line["object"] != object)) continue;
    ++n;
  }
  return n;
}

std::int64_t Records(const std::vector<json>& log, const std::string& operation,
                     const std::string& object) {
  std::int64_t n = 0;
  for (const json& line : log) {
    if (line.value("operation", "") == operation && line["object"].is_string() &&
        line["object"] == object && line["records"].is_number()) {
      n += line["records"].get<std::int64_t>();
    }
  }
  return n;
}

void Write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(login_prints_the_user_and_bad_credentials_exit_3) {
  test::FakeOrg org(Fast(5));
  Cli cli(org, test::ScratchDir("cli-login"));
  CliResult ok = cli.Run({"login", "--json"});
  BOOST_TEST_REQUIRE(ok.code == 0, ok.err);
  json j = ok.envelope();
  BOOST_TEST(j["status"] == 0);
  BOOST_TEST(j["result"]["username"] == org.info()["username"]);
  BOOST_TEST(j["result"]["orgId"].get<std::string>().substr(0, 3) == "00D");
  BOOST_TEST(j["result"]["apiVersion"] == "64.0");
  BOOST_TEST(j["warnings"].is_array());

  CliResult human = cli.Run({"login"});
  BOOST_TEST(human.code == 0);
  BOOST_TEST(human.out.find(org.info()["username"].get<std::string>()) != std::string::npos);

  CliResult bad = cli.Run({"login", "--json"}, {{"SF_PASSWORD", "wrong-password"}});
  BOOST_TEST(bad.code == 3);
  json e = bad.envelope();
  BOOST_TEST(e["status"] == 3);
  BOOST_TEST(e["name"] == "authentication");
  BOOST_TEST(bad.out.find("wrong-password") == std::string::npos);
  BOOST_TEST(bad.err.find("wrong-password") == std::string::npos);

  CliResult usage = cli.Run({"plan", "--json"});  // --package and --version missing
  BOOST_TEST(usage.code == 2);
  BOOST_TEST(usage.envelope()["status"] == 2);
  CliResult help = cli.Run({"schedule", "--help"});
  BOOST_TEST(help.code == 0);
  BOOST_TEST(help.out.find("--connections") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_inputs_fail_with_file_line_exit_2_and_send_nothing) {
  test::FakeOrg org(Fast(5));
  auto dir = test::ScratchDir("cli-bad-input");
  Cli cli(org, dir);
  Write(dir / "orgs.txt", "# qa\n00D000000000001\n00Dnot-an-id\n");
  CliResult r = cli.Run({"plan", "-p", PackageNs(org), "--version", TargetVersion(org), "--orgs",
                         (dir / "orgs.txt").string()});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find("orgs.txt:3: 00Dnot-an-id") != std::string::npos, r.err);

  CliResult j = cli.Run({"schedule", "-p", PackageNs(org), "--version", TargetVersion(org), "--orgs",
                         (dir / "orgs.txt").string(), "--json"});
  BOOST_TEST(j.code == 2);
  BOOST_TEST(j.envelope()["name"] == "invalid_input");

  Write(dir / "plan.toml", "package = \"x\"\nversion = \"1.0\"\ncolour = \"red\"\n");
  CliResult plan = cli.Run({"run", (dir / "plan.toml").string()});
  BOOST_TEST(plan.code == 2);
  BOOST_TEST(plan.err.find("plan.toml:3: unknown key \"colour\"") != std::string::npos, plan.err);

  CliResult start = cli.Run({"schedule", "-p", PackageNs(org), "--version", TargetVersion(org),
                             "--start", "2001-01-01T00:00:00Z"});
  BOOST_TEST(start.code == 2);
  BOOST_TEST(start.err.find("--start") != std::string::npos);

  Write(dir / "config.properties", "sfdc.username=u\nsfdc.timeoutSecs=soon\n");
  CliResult config = cli.Run({"login", "--config", (dir / "config.properties").string()});
  BOOST_TEST(config.code == 2);
  BOOST_TEST(config.err.find("config.properties:2: sfdc.timeoutSecs") != std::string::npos);

  BOOST_TEST(org.RequestLog().empty(), "the fake org saw a call before the inputs were valid");
}

BOOST_AUTO_TEST_CASE(every_command_with_json) {
  test::FakeOrg org(Fast(40, 3));
  auto dir = test::ScratchDir("cli-commands");
  Cli cli(org, dir);
  const std::string ns = PackageNs(org);

  json versions = cli.Run({"versions", "-p", ns, "--json"}).envelope();
  BOOST_TEST(versions["status"] == 0);
  BOOST_TEST(versions["result"]["versions"].size() > 1u);

  json subscribers = cli.Run({"subscribers", "-p", ns, "--json"}).envelope();
  BOOST_TEST(subscribers["status"] == 0);
  const auto subscriber_count = subscribers["result"]["count"].get<std::int64_t>();
  BOOST_TEST(subscriber_count > 0);

  json plan = cli.Run({"plan", "-p", ns, "--version", TargetVersion(org), "--json"}).envelope();
  BOOST_TEST(plan["status"] == 0);
  const auto eligible = plan["result"]["eligible"].get<std::int64_t>();
  BOOST_TEST(eligible > 0);
  for (const json& org_verdict : plan["result"]["orgs"]) {
    BOOST_TEST(!org_verdict["reason"].get<std::string>().empty());
  }
  BOOST_TEST(plan["result"]["estimate"]["total"].get<std::int64_t>() > 0);
  BOOST_TEST(Count(org.RequestLog(), "create") == 0, "plan wrote something");

  CliResult csv = cli.Run({"plan", "-p", ns, "--version", TargetVersion(org), "--format", "csv",
                           "--output", (dir / "plan.csv").string()});
  BOOST_TEST(csv.code == 0);
  BOOST_TEST(test::ReadFile(dir / "plan.csv").find("OrganizationId,Verdict,Reason") == 0u);

  CliResult scheduled = cli.Run({"schedule", "-p", ns, "--version", TargetVersion(org), "--hold",
                                "--start", "2099-01-01T02:00:00+01:00", "--json"});
  BOOST_TEST_REQUIRE(scheduled.code == 0, scheduled.err);
  json s = scheduled.envelope();
  BOOST_TEST(s["result"]["scheduledStartTime"] == "2099-01-01T01:00:00.000Z");  // shown in UTC
  const std::string request = s["result"]["requestId"];
  BOOST_TEST(request.substr(0, 3) == "0DV");
  BOOST_TEST(s["result"]["status"] == "Created");
  BOOST_TEST(s["result"]["jobsCreated"] == eligible);

  json status = cli.Run({"status", request, "--json"}).envelope();
  BOOST_TEST(status["result"]["request"]["status"] == "Created");
  BOOST_TEST(status["result"]["jobs"]["total"] == eligible);

  json aborted = cli.Run({"abort", request, "--json"}).envelope();
  BOOST_TEST(aborted["status"] == 0);
  BOOST_TEST(aborted["result"]["status"] == "Canceled");
  CliResult again = cli.Run({"abort", request, "--json"});
  BOOST_TEST(again.code == 4);
  BOOST_TEST(again.envelope()["name"] == "failed_precondition");

  json now = cli.Run({"schedule", "-p", ns, "--version", TargetVersion(org), "--json"}).envelope();
  const std::string pushed = now["result"]["requestId"];
  CliResult watched = cli.Run({"watch", pushed, "--interval", "1", "--json"});
  BOOST_TEST((watched.code == 0 || watched.code == 1), watched.err);
  json w = watched.envelope();
  BOOST_TEST(w["result"]["jobs"]["total"] == eligible);
  BOOST_TEST(w["result"]["jobs"]["terminal"] == eligible);

  CliResult reported = cli.Run({"report", pushed, "--json", "--success-file",
                                (dir / "ok.csv").string(), "--error-file",
                                (dir / "err.csv").string()});
  json rep = reported.envelope();
  BOOST_TEST(rep["result"]["orgs"].size() == static_cast<std::size_t>(eligible));
  const auto failed = rep["result"]["jobs"]["byStatus"].value("Failed", 0);
  BOOST_TEST(reported.code == (failed > 0 ? 1 : 0));
  std::string ok_csv = test::ReadFile(dir / "ok.csv");
  std::string err_csv = test::ReadFile(dir / "err.csv");
  BOOST_TEST(ok_csv.find("ID,OrganizationId,") == 0u);
  BOOST_TEST(err_csv.find("OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ERROR") == 0u);
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  BOOST_TEST(lines(ok_csv) + lines(err_csv) - 2 >= eligible);  // messages may span lines

  CliResult report_csv = cli.Run({"report", pushed, "--format", "csv", "--output",
                                  (dir / "report.csv").string()});
  BOOST_TEST(test::ReadFile(dir / "report.csv").find("OrganizationId,OrgName,OrgType") == 0u);
  // The report feeds back as an org file.
  CliResult replan = cli.Run({"plan", "-p", ns, "--version", TargetVersion(org), "--orgs",
                              (dir / "report.csv").string(), "--json"});
  BOOST_TEST(replan.code == 0, replan.err);

  json list = cli.Run({"list", "-p", ns, "--json"}).envelope();
  BOOST_TEST(list["result"]["requests"].size() >= 2u);

  CliResult retry = cli.Run({"retry", pushed, "--json"});
  BOOST_TEST((retry.code == 0 || retry.code == 1), retry.err);
  BOOST_TEST(retry.envelope()["status"] == retry.code);

  json history = cli.Run({"history", "--json"}).envelope();
  BOOST_TEST(history["result"]["runs"].size() >= 2u);
  for (const json& run : history["result"]["runs"]) {
    BOOST_TEST(run["status"] != "running");
  }
}

BOOST_AUTO_TEST_CASE(sf_org_json_attaches_without_login) {
  test::FakeOrg org(Fast(5));
  auto dir = test::ScratchDir("cli-sf-json");
  test::RawClient raw(org);
  BOOST_REQUIRE(raw.LoginAs(org) == SOAP_OK);
  json sf{{"status", 0},
          {"result", {{"accessToken", raw.session()},
                      {"instanceUrl", org.login_url()},
                      {"username", org.info()["username"]}}}};
  Write(dir / "org.json", sf.dump());
  Cli cli(org, dir);
  cli.env().erase("SF_USERNAME");
  cli.env().erase("SF_PASSWORD");
  const auto logins_before = Count(org.RequestLog(), "login");
  CliResult r = cli.Run({"login", "--sf-org-json", (dir / "org.json").string(), "--json"});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  BOOST_TEST(r.envelope()["result"]["username"] == org.info()["username"]);
  BOOST_TEST(Count(org.RequestLog(), "login") == logins_before);
  BOOST_TEST(r.out.find(raw.session()) == std::string::npos);

  Write(dir / "broken.json", R"({"status":0,"result":{"instanceUrl":"https://x"}})");
  CliResult broken = cli.Run({"login", "--sf-org-json", (dir / "broken.json").string()});
  BOOST_TEST(broken.code == 2);
  BOOST_TEST(broken.err.find("result.accessToken is missing") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(traces_hold_no_password_token_or_session_id) {
  test::FakeOrg org(Fast(5));
  auto dir = test::ScratchDir("cli-trace");
  Cli cli(org, dir);
  auto trace = dir / "trace.xml";
  CliResult r = cli.Run({"--trace", trace.string(), "plan", "-p", PackageNs(org), "--version",
                         TargetVersion(org)});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  std::string text = test::ReadFile(trace);
  BOOST_TEST(text.find("<") != std::string::npos);
  BOOST_TEST(text.find("---- ") != std::string::npos);
  BOOST_TEST(text.find(org.info()["password"].get<std::string>()) == std::string::npos);
  BOOST_TEST(text.find(org.info()["security_token"].get<std::string>()) == std::string::npos);
  std::regex session(R"(sessionId>([^<]*)<)");
  int sessions = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), session), end; it != end; ++it) {
    ++sessions;
    BOOST_TEST((*it)[1].str().find('!') == std::string::npos, "session id in trace: " << (*it)[1]);
  }
  BOOST_TEST(sessions > 0);
  test::RawClient raw(org);
  BOOST_REQUIRE(raw.LoginAs(org) == SOAP_OK);
  BOOST_TEST(text.find(raw.session()) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_wave_gate_stops_the_run_with_exit_6) {
  test::FakeOrg org(Fast(60, 4));
  auto dir = test::ScratchDir("cli-gate");
  Cli cli(org, dir);
  Write(dir / "plan.toml", "package = \"" + PackageNs(org) + "\"\nversion = \"" + TargetVersion(org) +
                               "\"\n[[wave]]\nname = \"canary\"\npercent = 50\n"
                               "max_failure_rate = 0.0\n[[wave]]\nname = \"rest\"\n");
  CliResult r = cli.Run({"run", (dir / "plan.toml").string(), "--json"});
  // The fake org fails some jobs of every wave of this size (seeded outcomes).
  BOOST_TEST_REQUIRE(r.code == 6, r.out << r.err);
  json j = r.envelope();
  BOOST_TEST(j["status"] == 6);
  BOOST_TEST(j["result"]["gateStopped"] == true);
  BOOST_TEST(j["result"]["gateMessage"].get<std::string>().find("wave canary") == 0u);
  BOOST_TEST(j["result"]["waves"].size() == 1u);
  BOOST_TEST(Count(org.RequestLog(), "create", "PackagePushRequest") == 1);

  // Re-running the same plan tonight does nothing and repeats the outcome.
  CliResult again = cli.Run({"run", (dir / "plan.toml").string(), "--json"});
  BOOST_TEST(again.code == 6);
  BOOST_TEST(again.envelope()["result"]["alreadyDone"] == true);
  BOOST_TEST(Count(org.RequestLog(), "create", "PackagePushRequest") == 1);
  json history = cli.Run({"history", "--json"}).envelope();
  BOOST_TEST(history["result"]["runs"][0]["status"] == "gate_stopped");
}

BOOST_AUTO_TEST_CASE(a_killed_run_resumes_with_one_request_and_one_job_per_org) {
  for (const std::string point : {"after-request", "mid-jobs", "before-pending", "watching"}) {
    BOOST_TEST_CONTEXT(point) {
      test::FakeOrg org(Fast(500, 6));
      auto dir = test::ScratchDir("cli-crash-" + point);
      Cli cli(org, dir);
      json plan = cli.Run({"plan", "-p", PackageNs(org), "--version", TargetVersion(org), "--json"}).envelope();
      const auto eligible = plan["result"]["eligible"].get<std::int64_t>();
      BOOST_TEST_REQUIRE(eligible > 200);  // more than one create() chunk
      Write(dir / "plan.toml", "package = \"" + PackageNs(org) + "\"\nversion = \"" +
                                   TargetVersion(org) + "\"\nconnections = 1\n");
      CliResult crashed = cli.Run({"run", (dir / "plan.toml").string()},
                                  {{"PUSHFORCE_TEST_CRASH_AT", point}});
      BOOST_TEST_REQUIRE(crashed.code == 137, crashed.out << crashed.err);
      // The same plan the same day resumes by itself.
      CliResult resumed = cli.Run({"run", (dir / "plan.toml").string(), "--json"});
      BOOST_TEST_REQUIRE((resumed.code == 0 || resumed.code == 1), resumed.out << resumed.err);
      json j = resumed.envelope();
      BOOST_TEST(j["result"]["resumed"] == true);
      auto log = org.RequestLog();
      BOOST_TEST(Count(log, "create", "PackagePushRequest") == 1);
      BOOST_TEST(Records(log, "create", "PackagePushJob") == eligible);
      BOOST_TEST(j["result"]["counts"]["jobs"] == eligible);
      BOOST_TEST(j["result"]["counts"]["succeeded"].get<std::int64_t>() +
                     j["result"]["counts"]["failed"].get<std::int64_t>() +
                     j["result"]["counts"]["canceled"].get<std::int64_t>() ==
                 eligible);
      const std::string request = j["result"]["waves"][0]["requestId"];
      json status = cli.Run({"status", request, "--json"}).envelope();
      BOOST_TEST(status["result"]["jobs"]["total"] == eligible);
      // And it never makes a second request for the same plan and night.
      CliResult third = cli.Run({"run", (dir / "plan.toml").string(), "--json"});
      BOOST_TEST(third.envelope()["result"]["alreadyDone"] == true);
      BOOST_TEST(Count(org.RequestLog(), "create", "PackagePushRequest") == 1);
    }
  }
}
