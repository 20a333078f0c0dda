// SPDX-License-Identifier: GPL-2.0-or-later
// pushforce-fakeorg: a fake Salesforce packaging org (Partner SOAP API) on 127.0.0.1 for tests,
// demos and benchmarks.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "org.hpp"
#include "service.hpp"
#include "soapH.h"
#include "tls.hpp"

// The generated namespace table (exactly one TU per binary).
#include "SoapBinding.nsmap"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

void WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pushforce::fakeorg;
  ServerOptions o;
  Assumptions& a = o.assume;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> users;
  CLI::App app{"pushforce-fakeorg: a fake Salesforce packaging org (Partner SOAP API)"};
  app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 = ephemeral");
  app.add_option("--info-file", o.info_file, "JSON written atomically once ready");
  app.add_option("--tls-dir", o.tls_dir, "directory for the test CA (ca.pem) and server cert");
  app.add_flag("--plain-http", o.plain_http, "serve HTTP instead of HTTPS");
  app.add_option("--data", o.data_file, "JSON seed data instead of the generator");
  app.add_option("--subscribers", o.subscribers, "number of generated subscriber orgs");
  app.add_option("--seed", o.seed, "generator and outcome seed");
  app.add_option("--user", users, "USER:PASSWORD:TOKEN (repeatable)");
  app.add_option("--session-ttl", o.session_ttl_seconds, "session inactivity timeout, seconds");
  app.add_option("--api-limit", o.api_limit, "daily API request limit");
  app.add_option("--request-log", o.request_log, "one JSON line per call");
  app.add_option("--latency", o.latency_ms, "milliseconds added to each response");
  app.add_option("--state", o.state_file, "SQLite file that keeps the org across restarts");
  app.add_option("--time-scale", o.time_scale, "simulated time runs X times faster");
  app.add_option("--truth-file", o.truth_file, "expected push outcome per subscriber (JSON lines)");
  app.add_option("--status-spelling", a.in_progress_spelling, "InProgress or \"In Progress\"")
      ->check(CLI::IsMember({"InProgress", "In Progress"}));
  app.add_option("--request-status-rule", a.request_status_rule,
                 "status of a request whose jobs partly failed")
      ->check(CLI::IsMember({"any-failed", "all-failed"}));
  app.add_option("--beta-orgs", a.beta_orgs, "jobs for orgs on a beta version")
      ->check(CLI::IsMember({"create-error", "run-failure"}));
  app.add_option("--blocked-orgs", a.blocked_orgs, "jobs for orgs that block push upgrades")
      ->check(CLI::IsMember({"create-error", "run-failure"}));
  app.add_option("--ineligible-status-code", a.ineligible_status_code,
                 "StatusCode of the not-eligible job error");
  app.add_option("--status-change-status-code", a.status_change_status_code,
                 "StatusCode of refused Status changes (abort too late, ...)");
  app.add_option("--version-status-code", a.version_status_code,
                 "StatusCode when PackageVersionId is Beta or deprecated");
  app.add_flag("--login-counts-api", a.login_counts_api, "login() counts toward --api-limit");
  bool empty_fails = false;
  app.add_flag("--empty-request-fails", empty_fails, "a request with no jobs ends Failed");
  app.add_option("--cursor-ttl", a.cursor_ttl_seconds, "queryLocator lifetime, seconds");
  app.add_option("--max-api-version", a.max_api_version, "newest API version served");
  app.add_option("--login-retired-code", a.login_retired_code,
                 "exceptionCode of login() above API 64.0");
  CLI11_PARSE(app, argc, argv);
  a.empty_request_succeeds = !empty_fails;
  for (const auto& u : users) {
    std::size_t c1 = u.find(':'), c2 = u.find(':', c1 == std::string::npos ? 0 : c1 + 1);
    if (c1 == std::string::npos) {
      std::cerr << "--user wants USER:PASSWORD[:TOKEN]\n";
      return 2;
    }
    o.users.push_back({u.substr(0, c1), u.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1),
                       c2 == std::string::npos ? "" : u.substr(c2 + 1)});
  }
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "--listen wants HOST:PORT\n";
    return 2;
  }
  o.listen_host = listen.substr(0, colon);
  o.listen_port = std::stoi(listen.substr(colon + 1));
  if (!o.plain_http && o.tls_dir.empty()) {
    std::cerr << "either --tls-dir DIR or --plain-http is required\n";
    return 2;
  }

  // A client that drops a TLS connection must not kill the server (gSOAP pitfall).
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  try {
    Org org(o);
  // Not SOAP_XML_STRICT: Salesforce accepts sObjects without an Id element (WSDL minOccurs 1),
  // as hand-written clients send them.
  struct soap* master = soap_new1(SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE);
    master->bind_flags = SO_REUSEADDR;
    master->accept_timeout = 1;  // wake up every second to notice SIGTERM
    master->send_timeout = 60;
    master->recv_timeout = 120;  // an idle keep-alive connection is closed after this
    master->recv_maxlength = 64 << 20;
    master->max_keep_alive = 100000;
    std::string ca_file;
    if (!o.plain_http) {
      TlsFiles files = EnsureTestPki(o.tls_dir);
      ca_file = std::filesystem::absolute(files.ca_file).string();
      soap_ssl_init();
      if (soap_ssl_server_context(master, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3,
                                  files.server_pem.c_str(), nullptr, nullptr, nullptr, nullptr,
                                  nullptr, nullptr)) {
        soap_print_fault(master, stderr);
        return 1;
      }
    }
    if (!soap_valid_socket(soap_bind(master, o.listen_host.c_str(), o.listen_port, 128))) {
      soap_print_fault(master, stderr);
      return 1;
    }
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getsockname(master->master, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    std::string host = o.listen_host == "0.0.0.0" ? "127.0.0.1" : o.listen_host;
    std::string base = (o.plain_http ? "http://" : "https://") + host + ":" + std::to_string(port);
    org.set_base_url(base);
    if (!o.truth_file.empty()) org.WriteTruthFile(o.truth_file);
    const UserSpec& user = org.options().users.front();
    nlohmann::json info = {{"login_url", base},
                           {"port", port},
                           {"pid", static_cast<int>(getpid())},
                           {"ca_file", ca_file.empty() ? nlohmann::json() : nlohmann::json(ca_file)},
                           {"username", user.username},
                           {"password", user.password},
                           {"security_token", user.security_token},
                           {"api_version", "64.0"},
                           {"packages", org.PackagesJson()}};
    if (!o.info_file.empty()) WriteAtomically(o.info_file, info.dump(2) + "\n");
    std::cout << "pushforce-fakeorg ready on " << base << std::endl;

    while (!g_stop) {
      SOAP_SOCKET s = soap_accept(master);
      if (!soap_valid_socket(s)) {
        if (master->errnum == 0 || g_stop) continue;  // accept timeout or signal
        continue;
      }
      struct soap* copy = soap_copy(master);
      if (copy == nullptr) {
        soap_force_closesock(master);
        continue;
      }
      bool tls = !o.plain_http;
      int latency = o.latency_ms;
      std::thread([copy, &org, tls, latency] {
        if (!tls || soap_ssl_accept(copy) == SOAP_OK) ServeConnection(copy, org, latency);
        soap_destroy(copy);
        soap_end(copy);
        soap_free(copy);
      }).detach();
    }
    org.Shutdown();
    std::fflush(stdout);
    // Connection threads may still be blocked on sockets; the org is consistent (lock held),
    // so leave without running destructors under them.
    std::_Exit(0);
  } catch (const std::exception& e) {
    std::cerr << "pushforce-fakeorg: " << e.what() << "\n";
    return 1;
  }
}
