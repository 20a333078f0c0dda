// SPDX-License-Identifier: GPL-2.0-or-later
// Session over real loopback sockets against a scripted HTTP peer: refused connects, answers
// that never come, keep-alive, proxy settings. No TLS here (the fake org tests cover it).
#define BOOST_TEST_MODULE session_socket
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pushforce/session.hpp"
#include "../transport/sf_envelopes.hpp"

namespace pushforce {
namespace {

using namespace pushforce::test;

// One-client-at-a-time HTTP peer on 127.0.0.1 and an ephemeral port. The handler sees each
// request (head + body) and returns the raw answer, or nullopt to close without answering.
class ScriptedPeer {
 public:
  using Handler = std::function<std::optional<std::string>(const std::string& request)>;
  explicit ScriptedPeer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(listener_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_REQUIRE(::listen(listener_, 8) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedPeer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      ++connections_;
      while (true) {
        std::optional<std::string> request = ReadRequest(client);
        if (!request) break;
        {
          std::lock_guard lock(mu_);
          requests_.push_back(*request);
        }
        std::optional<std::string> answer = handler_(*request);
        if (!answer) break;
        ::send(client, answer->data(), answer->size(), MSG_NOSIGNAL);
      }
      ::close(client);
    }
  }

  static std::optional<std::string> ReadRequest(int client) {
    std::string data;
    char buffer[8192];
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return std::nullopt;
      data.append(buffer, static_cast<size_t>(n));
    }
    std::string head = data.substr(0, head_end + 4);
    size_t length = 0;
    for (std::string key : {"Content-Length: ", "content-length: "}) {
      size_t at = head.find(key);
      if (at != std::string::npos) length = std::stoul(head.substr(at + key.size()));
    }
    bool chunked = head.find("chunked") != std::string::npos;
    while (chunked ? data.find("\r\n0\r\n\r\n", head_end) == std::string::npos
                   : data.size() < head.size() + length) {
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) return std::nullopt;
      data.append(buffer, static_cast<size_t>(n));
    }
    return data;
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
};

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string ServerUrl(const ScriptedPeer& peer) {
  return peer.url() + "/services/Soap/u/64.0/00DA0000000YpZ4";
}

struct Fixture {
  std::vector<std::chrono::milliseconds> waits;
  SessionOptions options;
  Fixture() {
    options.sleeper = [this](std::chrono::milliseconds wait) { waits.push_back(wait); };
    options.transport.connect_timeout = std::chrono::seconds(5);
    options.transport.receive_timeout = std::chrono::seconds(30);
  }
  PasswordCredentials Credentials(const std::string& url) const {
    PasswordCredentials credentials;
    credentials.login_url = url;
    credentials.username = "release@acme.example";
    credentials.password = "pa55word";
    credentials.security_token = "T0KEN";
    return credentials;
  }
};

// Answers login, then queries and creates from the request's body element.
std::optional<std::string> Salesforce(const ScriptedPeer* peer, const std::string& request) {
  if (Contains(request, "<sforce:login>")) return LoginOk(ServerUrl(*peer), "00DA!LOOPBACKSESSION");
  if (Contains(request, "<sforce:query>")) return QueryResponse("", 0);
  if (Contains(request, "<sforce:create>")) {
    return Ok("<createResponse><result><id>0DX000000000001AAA</id><success>true</success></result></createResponse>");
  }
  return HttpResponse(500, "no");
}

BOOST_FIXTURE_TEST_CASE(login_and_calls_share_one_kept_alive_connection, Fixture) {
  ScriptedPeer* self = nullptr;
  ScriptedPeer peer([&](const std::string& request) { return Salesforce(self, request); });
  self = &peer;
  auto session = Session::Login(options, Credentials(peer.url()));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  BOOST_TEST((*session)->user().server_url == ServerUrl(peer));
  for (int i = 0; i < 3; ++i) BOOST_TEST((*session)->Query("SELECT Id FROM Organization", nullptr).ok());
  BOOST_TEST(peer.connections() == 1);
  std::vector<std::string> requests = peer.requests();
  BOOST_TEST_REQUIRE(requests.size() == 4u);
  BOOST_TEST(Contains(requests[0], "POST /services/Soap/u/64.0 HTTP/1.1"));
  BOOST_TEST(Contains(requests[1], "POST /services/Soap/u/64.0/00DA0000000YpZ4 HTTP/1.1"));
  BOOST_TEST(Contains(requests[1], "00DA!LOOPBACKSESSION"));
  BOOST_TEST(Contains(requests[1], "Accept-Encoding: gzip"));
}

BOOST_FIXTURE_TEST_CASE(refused_connections_are_retried_and_reported, Fixture) {
  int port;
  { ScriptedPeer gone([](const std::string&) { return std::nullopt; }); port = gone.port(); }
  options.retry.max_attempts = 3;
  auto session = Session::Login(options, Credentials("http://127.0.0.1:" + std::to_string(port)));
  BOOST_TEST_REQUIRE(!session.ok());
  const Status& status = session.status();
  BOOST_TEST(status.code() == ErrorCode::kTransport);
  BOOST_TEST(!status.details().request_may_have_arrived);
  BOOST_TEST(status.details().sys_errno == ECONNREFUSED);
  BOOST_TEST(waits.size() == 2u);  // three attempts
  BOOST_TEST(!Contains(status.ToString(), "pa55word"));
}

BOOST_FIXTURE_TEST_CASE(create_is_sent_once_when_the_answer_never_comes, Fixture) {
  ScriptedPeer* self = nullptr;
  ScriptedPeer peer([&](const std::string& request) -> std::optional<std::string> {
    if (Contains(request, "<sforce:create>")) return std::nullopt;  // hang up after reading it
    return Salesforce(self, request);
  });
  self = &peer;
  auto session = Session::Login(options, Credentials(peer.url()));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  Record job("PackagePushJob");
  job.Set("PackagePushRequestId", "0DV000000000001AAA");
  BatchResult result = (*session)->Create(std::span<const Record>(&job, 1));
  BOOST_TEST(result.outcomes.empty());
  BOOST_TEST(result.status.code() == ErrorCode::kTransport);
  BOOST_TEST(result.status.details().request_may_have_arrived);
  int creates = 0;
  for (const std::string& request : peer.requests()) creates += Contains(request, "<sforce:create>");
  BOOST_TEST(creates == 1);
  BOOST_TEST(waits.empty());
}

BOOST_FIXTURE_TEST_CASE(query_is_sent_again_when_the_answer_never_comes, Fixture) {
  ScriptedPeer* self = nullptr;
  std::atomic<int> queries{0};
  ScriptedPeer peer([&](const std::string& request) -> std::optional<std::string> {
    if (Contains(request, "<sforce:query>") && queries++ == 0) return std::nullopt;
    return Salesforce(self, request);
  });
  self = &peer;
  auto session = Session::Login(options, Credentials(peer.url()));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  Status status = (*session)->Query("SELECT Id FROM Organization", nullptr);
  BOOST_TEST(status.ok(), status.ToString());
  BOOST_TEST(queries.load() == 2);
  BOOST_TEST(waits.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(http_proxy_gets_absolute_uri_and_basic_credentials, Fixture) {
  ScriptedPeer* self = nullptr;
  ScriptedPeer proxy([&](const std::string& request) { return Salesforce(self, request); });
  self = &proxy;
  options.transport.proxy.host = "127.0.0.1";
  options.transport.proxy.port = proxy.port();
  options.transport.proxy.user = "corp";
  options.transport.proxy.password = "proxy-secret";
  std::vector<std::string> traces;
  options.transport.trace = [&](std::string_view, std::string_view xml) { traces.emplace_back(xml); };
  // The target does not exist: everything must go through the proxy.
  auto session = Session::Login(options, Credentials("http://localhost:9"));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  std::vector<std::string> requests = proxy.requests();
  BOOST_TEST_REQUIRE(!requests.empty());
  BOOST_TEST(Contains(requests[0], "POST http://localhost:9/services/Soap/u/64.0 HTTP/1.1"));
  BOOST_TEST(Contains(requests[0], "Proxy-Authorization: Basic Y29ycDpwcm94eS1zZWNyZXQ="));  // corp:proxy-secret
  for (const std::string& trace : traces) {
    BOOST_TEST(!Contains(trace, "Y29ycDpwcm94eS1zZWNyZXQ="));
    BOOST_TEST(!Contains(trace, "proxy-secret"));
  }
}

BOOST_FIXTURE_TEST_CASE(https_through_a_proxy_uses_connect, Fixture) {
  ScriptedPeer proxy([](const std::string&) -> std::optional<std::string> {
    return std::string("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
  });
  options.transport.proxy.host = "127.0.0.1";
  options.transport.proxy.port = proxy.port();
  options.transport.proxy.user = "corp";
  options.transport.proxy.password = "wrong";
  options.retry.max_attempts = 1;
  auto session = Session::Login(options, Credentials("https://login.salesforce.com"));
  BOOST_TEST_REQUIRE(!session.ok());
  std::vector<std::string> requests = proxy.requests();
  BOOST_TEST_REQUIRE(!requests.empty());
  BOOST_TEST(Contains(requests[0], "CONNECT login.salesforce.com:443 HTTP/1.1"));
  BOOST_TEST(Contains(requests[0], "Proxy-Authorization: Basic "));
  BOOST_TEST(!Contains(session.status().ToString(), "wrong"));
  BOOST_TEST_MESSAGE(session.status().ToString());
}

// The body of an HTTP request, inflated when it came gzip-encoded.
std::string Body(const std::string& request) {
  size_t head_end = request.find("\r\n\r\n");
  std::string body = request.substr(head_end + 4);
  if (!Contains(request.substr(0, head_end), "Content-Encoding: gzip")) return body;
  z_stream stream{};
  BOOST_REQUIRE(inflateInit2(&stream, 47) == Z_OK);
  std::string out(body.size() * 20 + 4096, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(body.data());
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  BOOST_REQUIRE(rc == Z_STREAM_END);
  return out;
}

BOOST_FIXTURE_TEST_CASE(gzip_requests_are_compressed_and_traced_in_clear, Fixture) {
  ScriptedPeer* self = nullptr;
  std::vector<bool> compressed;
  ScriptedPeer peer([&](const std::string& request) {
    compressed.push_back(Contains(request, "Content-Encoding: gzip"));
    return Salesforce(self, Body(request));
  });
  self = &peer;
  options.transport.gzip_requests = true;
  std::vector<std::string> traces;
  options.transport.trace = [&](std::string_view direction, std::string_view xml) {
    traces.push_back(std::string(direction) + ": " + std::string(xml));
  };
  auto session = Session::Login(options, Credentials(peer.url()));
  BOOST_TEST_REQUIRE(session.ok(), session.status().ToString());
  std::vector<Record> jobs(3, Record("PackagePushJob"));
  for (Record& job : jobs) job.Set("SubscriberOrganizationKey", "Zoë 日本 €");
  BatchResult result = (*session)->Create(std::span<const Record>(jobs.data(), 1));
  BOOST_TEST(result.status.ok(), result.status.ToString());
  BOOST_TEST_REQUIRE(compressed.size() == 2u);
  BOOST_TEST(compressed[0]);
  BOOST_TEST(compressed[1]);
  BOOST_TEST(Contains(Body(peer.requests()[1]), "Zoë 日本 €"));
  BOOST_TEST_REQUIRE(traces.size() == 4u);
  BOOST_TEST(Contains(traces[2], "request: <?xml"));
  BOOST_TEST(Contains(traces[2], "Zoë 日本 €"));
}

}  // namespace
}  // namespace pushforce
