// SPDX-License-Identifier: GPL-2.0-or-later
// A Partner API session: login or attach, then query, create, update, retrieve and delete.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/options.hpp"
#include "pushforce/record.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

namespace internal {
class PartnerStub;
struct Call;
}

// Username + password (+ security token) for login().
struct PasswordCredentials {
  // https://login.salesforce.com, https://test.salesforce.com, a My Domain, any https://host:port;
  // a URL that already has a path (…/services/Soap/u/NN.0) is used as given.
  std::string login_url = "https://login.salesforce.com";
  std::string username;
  std::string password;        // never logged
  std::string security_token;  // appended to the password; never logged
};

// An existing session: a session id or OAuth access token with its instance URL
// (from `sf org display --json`, or a WSC ConnectorConfig's sessionId + serviceEndpoint).
struct SessionCredentials {
  std::string session_id;    // never logged
  std::string instance_url;  // https://host[:port], or a full …/services/Soap/u/NN.0/… endpoint
};

struct UserInfo {
  std::string user_id;
  std::string user_name;
  std::string user_full_name;
  std::string user_email;
  std::string organization_id;  // 18 characters
  std::string organization_name;
  int session_seconds_valid = 0;
  bool sandbox = false;
  bool password_expired = false;
  std::string server_url;    // SOAP endpoint the session talks to
  std::string instance_url;  // server_url up to /services/
};

// The org's daily API usage from the last LimitInfoHeader ("API REQUESTS").
struct ApiUsage {
  std::int64_t used = -1;
  std::int64_t limit = -1;
  bool known() const { return limit >= 0; }
  std::int64_t remaining() const { return known() ? limit - used : -1; }
};

struct RecordError {
  std::string status_code;  // Salesforce StatusCode, e.g. DUPLICATE_VALUE
  std::string message;
  std::vector<std::string> fields;
};

// One outcome per input record, in input order.
struct SaveOutcome {
  bool success = false;
  std::string id;  // the record id on success
  bool created = false;  // upsert only
  std::vector<RecordError> errors;
};

// What a batch call did: one outcome for each input processed, in input order, plus the
// call-level status that stopped it, if any. outcomes.size() < input size only when
// status is not ok; work already done is never lost.
struct BatchResult {
  std::vector<SaveOutcome> outcomes;
  Status status;
};

// One page of a query, as Salesforce returned it.
struct QueryPage {
  std::vector<Record> records;
  int total_size = 0;  // QueryResult.size: the total row count, not this page's
  bool done = true;
};

enum class QueryScope { kActive, kIncludeDeleted };  // query() or queryAll()

// Called once per page; return false to stop paging early.
using PageCallback = std::function<bool(const QueryPage&)>;

// Counts of the calls a Session (and its clones) sent, by operation name ("query", "create").
struct CallCounts {
  std::int64_t total = 0;
  std::vector<std::pair<std::string, std::int64_t>> by_operation;
  std::int64_t Of(std::string_view operation) const;
};

// A logged-in connection to one org. Not thread-safe: use Clone() for another thread.
class Session {
 public:
  // Logs in with login() and switches to the returned serverUrl. Fails with kAuthentication
  // for INVALID_LOGIN, LOGIN_MUST_USE_SECURITY_TOKEN, PASSWORD_LOCKOUT, INSUFFICIENT_ACCESS,
  // an expired password; kApiFault for UNSUPPORTED_API_VERSION; kTransport for the network.
  static Result<std::unique_ptr<Session>> Login(const SessionOptions& options,
                                                const PasswordCredentials& credentials);
  // Attaches to an existing session without login(); calls getUserInfo() to check it.
  static Result<std::unique_ptr<Session>> Attach(const SessionOptions& options,
                                                 const SessionCredentials& credentials);
  // For tests: Login() and Attach() over any stub (canned envelopes, a fake) instead of a
  // network connection; Clone() asks the stub for another connection.
  static Result<std::unique_ptr<Session>> LoginWithStub(
      const SessionOptions& options, const PasswordCredentials& credentials,
      std::unique_ptr<internal::PartnerStub> stub);
  static Result<std::unique_ptr<Session>> AttachWithStub(
      const SessionOptions& options, const SessionCredentials& credentials,
      std::unique_ptr<internal::PartnerStub> stub);
  // For tests: a session over any stub (canned envelopes, a fake).
  static std::unique_ptr<Session> FromStub(const SessionOptions& options,
                                           std::unique_ptr<internal::PartnerStub> stub,
                                           UserInfo user, std::string session_id);

  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // A new connection sharing this session's id, credentials and call counters.
  Result<std::unique_ptr<Session>> Clone() const;

  const UserInfo& user() const;
  ApiUsage api_usage() const;     // shared between clones: the newest seen
  CallCounts call_counts() const;  // shared between clones

  // query()/queryAll() then queryMore() until done; on_page sees each page once, in order,
  // so memory stays constant per page.
  Status Query(std::string_view soql, const PageCallback& on_page,
               QueryScope scope = QueryScope::kActive);
  // Convenience: every row in one vector (for small results).
  Result<std::vector<Record>> QueryAllRows(std::string_view soql,
                                           QueryScope scope = QueryScope::kActive);

  // create()/update() in chunks of at most 200 records (the per-call limit).
  BatchResult Create(std::span<const Record> records);
  BatchResult Update(std::span<const Record> records);
  BatchResult Upsert(std::string_view external_id_field, std::span<const Record> records);
  BatchResult Delete(std::span<const std::string> ids);
  // retrieve() in chunks of 2000 ids; nullopt for an id that matched no record.
  Result<std::vector<std::optional<Record>>> Retrieve(std::string_view field_list,
                                                      std::string_view sobject_type,
                                                      std::span<const std::string> ids);
  // ISO-8601 UTC timestamp of the server.
  Result<std::string> ServerTimestamp();
  Status Logout();

 private:
  struct Shared;
  Session(const SessionOptions& options, std::unique_ptr<internal::PartnerStub> stub,
          std::shared_ptr<Shared> shared);
  // One call through the retry loop: headers from the shared state before, counters and
  // API usage after, one re-login on INVALID_SESSION_ID.
  template <typename T>
  Result<T> Invoke(const char* operation, bool idempotent,
                   const std::function<Result<T>(internal::Call&)>& attempt);
  Status LoginNow();
  Status Relogin(const std::string& failed_session_id);
  BatchResult SaveInChunks(const char* operation, bool idempotent, size_t total,
                           const std::function<Result<std::vector<SaveOutcome>>(
                               internal::Call&, size_t begin, size_t end)>& save);
  std::unique_ptr<internal::PartnerStub> stub_;
  SessionOptions options_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace pushforce
