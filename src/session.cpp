// SPDX-License-Identifier: GPL-2.0-or-later
// Session: login or attach, then every Partner call through one retry loop and one stub.
#include "pushforce/session.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "internal/partner_stub.hpp"
#include "internal/retry.hpp"
#include "internal/url.hpp"

#ifndef PUSHFORCE_VERSION
#define PUSHFORCE_VERSION "0.0.0"
#endif

namespace pushforce {
namespace {

// create(), update(), upsert() and delete() refuse the whole call above 200 records.
constexpr size_t kMaxSaveRecords = 200;
// retrieve() accepts at most 2000 ids (EXCEEDED_ID_LIMIT above).
constexpr size_t kMaxRetrieveIds = 2000;

Status ValidateOptions(const SessionOptions& options) {
  if (!internal::IsApiVersion(options.api_version)) {
    return Status(ErrorCode::kInvalidInput, "invalid API version '" + options.api_version +
                                                "': expected NN.0, e.g. 64.0");
  }
  // QueryOptions.batchSize: the minimum is 200, the default and maximum 2000.
  if (options.query_batch_size < 200 || options.query_batch_size > 2000) {
    return Status(ErrorCode::kInvalidInput,
                  "query batch size " + std::to_string(options.query_batch_size) +
                      " is outside 200..2000");
  }
  if (options.retry.max_attempts < 1) {
    return Status(ErrorCode::kInvalidInput, "retry max_attempts must be at least 1");
  }
  return Status();
}

// Login failures get a hint of what to do; Salesforce's own words stay first.
Status ExplainLoginFailure(Status status) {
  const std::string& code = status.salesforce_code();
  std::string hint;
  ErrorCode error = status.code();
  if (code == "INVALID_LOGIN") {
    hint = "check the username, password and security token";
  } else if (code == "LOGIN_MUST_USE_SECURITY_TOKEN") {
    hint = "this network is not trusted by the org: give the user's security token";
  } else if (code == "INSUFFICIENT_ACCESS") {
    error = ErrorCode::kAuthentication;
    hint = "login() needs the \"Use Any API Auth\" permission and SOAP API login() enabled";
  } else if (code == "PASSWORD_LOCKOUT") {
    hint = "the user is locked out after too many failed logins";
  }
  if (hint.empty() && error == status.code()) return status;
  std::string message = status.message();
  if (!hint.empty()) message += " (" + hint + ")";
  return Status(error, message, status.details());
}

ErrorDetails CodeDetails(std::string code) {
  ErrorDetails details;
  details.salesforce_code = std::move(code);
  return details;
}

std::string DefaultClientName() { return std::string("pushforce/") + PUSHFORCE_VERSION; }

}  // namespace

std::int64_t CallCounts::Of(std::string_view operation) const {
  for (const auto& [name, count] : by_operation) {
    if (name == operation) return count;
  }
  return 0;
}

struct Session::Shared {
  mutable std::mutex mu;
  std::string session_id;  // current; a re-login replaces it for every clone
  std::string server_url;  // SOAP endpoint of the session
  UserInfo user;           // set once before the Session is handed out
  std::optional<PasswordCredentials> credentials;  // none for an attached session
  std::string login_endpoint;
  ApiUsage usage;
  std::map<std::string, std::int64_t, std::less<>> counts;
  std::int64_t total = 0;
  std::uint32_t next_seed = std::random_device{}();
};

Session::Session(const SessionOptions& options, std::unique_ptr<internal::PartnerStub> stub,
                 std::shared_ptr<Shared> shared)
    : stub_(std::move(stub)), options_(options), shared_(std::move(shared)) {
  if (options_.client_name.empty()) options_.client_name = DefaultClientName();
  if (!options_.sleeper) {
    options_.sleeper = [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); };
  }
}

Session::~Session() = default;

template <typename T>
Result<T> Session::Invoke(const char* operation, bool idempotent,
                          const std::function<Result<T>(internal::Call&)>& attempt) {
  std::string used_session_id;
  std::function<Result<T>()> once = [&]() -> Result<T> {
    internal::Call call;
    {
      std::lock_guard lock(shared_->mu);
      call.session_id = shared_->session_id;
      call.endpoint = shared_->server_url;
    }
    used_session_id = call.session_id;
    call.client_name = options_.client_name;
    Result<T> result = attempt(call);
    // Count what reached Salesforce: an answer, or a request that may have arrived.
    Status status = result.status();
    bool reached = status.ok() || status.details().request_may_have_arrived ||
                   status.details().http_status != 0 || !status.salesforce_code().empty();
    std::lock_guard lock(shared_->mu);
    if (reached) {
      ++shared_->counts[operation];
      ++shared_->total;
    }
    if (call.api_usage) shared_->usage = *call.api_usage;
    return result;
  };
  // login() itself never re-logs in (that would recurse).
  std::function<Status()> relogin;
  if (std::string_view(operation) != "login") {
    relogin = [&] { return Relogin(used_session_id); };
  }
  std::uint32_t seed;
  {
    std::lock_guard lock(shared_->mu);
    seed = shared_->next_seed++;
  }
  return internal::RetryLoop<T>(
      options_.retry,
      idempotent ? internal::Idempotency::kIdempotent : internal::Idempotency::kNonIdempotent,
      options_.sleeper, once, relogin, seed);
}

Status Session::LoginNow() {
  PasswordCredentials credentials;
  std::string endpoint;
  {
    std::lock_guard lock(shared_->mu);
    credentials = *shared_->credentials;
    endpoint = shared_->login_endpoint;
  }
  // The security token is appended to the password, as Salesforce documents.
  std::string secret = credentials.password + credentials.security_token;
  internal::LoginReply reply;
  {
    // login() is safe to repeat. It runs in its own loop: an INVALID_SESSION_ID cannot occur.
    Result<internal::LoginReply> result = Invoke<internal::LoginReply>(
        "login", true, [&](internal::Call& call) {
          call.endpoint = endpoint;
          call.session_id.clear();
          return stub_->Login(call, credentials.username, secret);
        });
    std::fill(secret.begin(), secret.end(), '\0');
    if (!result.ok()) return ExplainLoginFailure(result.status());
    reply = std::move(*result);
  }
  if (reply.password_expired) {
    // The session is valid only for setPassword(); every other call would fail.
    return Status(ErrorCode::kAuthentication,
                  "the password of " + credentials.username +
                      " has expired; set a new one in Salesforce, then log in again",
                  CodeDetails("PASSWORD_EXPIRED"));
  }
  if (reply.session_id.empty() || reply.server_url.empty()) {
    return Status(ErrorCode::kInternal, "login response without sessionId or serverUrl");
  }
  std::lock_guard lock(shared_->mu);
  shared_->session_id = std::move(reply.session_id);
  shared_->server_url = reply.server_url;
  // user() hands out a reference that clones on other threads may read: a re-login (same
  // user, same org) leaves it alone.
  if (!shared_->user.server_url.empty()) return Status();
  if (reply.user_info) {
    shared_->user = *reply.user_info;
  }
  if (shared_->user.user_id.empty()) shared_->user.user_id = reply.user_id;
  shared_->user.sandbox = reply.sandbox;
  shared_->user.password_expired = reply.password_expired;
  shared_->user.server_url = reply.server_url;
  shared_->user.instance_url = internal::InstanceUrl(reply.server_url);
  return Status();
}

Status Session::Relogin(const std::string& failed_session_id) {
  {
    std::lock_guard lock(shared_->mu);
    // Another clone already renewed the session: use the new one.
    if (shared_->session_id != failed_session_id) return Status();
    if (!shared_->credentials) {
      return Status(ErrorCode::kAuthentication,
                    "the session id is invalid or has expired, and an attached session cannot "
                    "log in again; get a new session id (e.g. sf org login) and retry",
                    CodeDetails("INVALID_SESSION_ID"));
    }
  }
  Status status = LoginNow();
  if (!status.ok() && status.code() != ErrorCode::kAuthentication) {
    return Status(ErrorCode::kAuthentication,
                  "the session expired and logging in again failed: " + status.message(),
                  status.details());
  }
  return status;
}

Result<std::unique_ptr<Session>> Session::Login(const SessionOptions& options,
                                                const PasswordCredentials& credentials) {
  // Creating the stub opens no connection; LoginWithStub checks the input before any call.
  Result<std::unique_ptr<internal::PartnerStub>> stub = internal::MakeGsoapStub(options.transport);
  if (!stub.ok()) return stub.status();
  return LoginWithStub(options, credentials, std::move(*stub));
}

Result<std::unique_ptr<Session>> Session::LoginWithStub(
    const SessionOptions& options, const PasswordCredentials& credentials,
    std::unique_ptr<internal::PartnerStub> stub) {
  if (Status valid = ValidateOptions(options); !valid.ok()) return valid;
  if (credentials.username.empty()) return Status(ErrorCode::kInvalidInput, "no username given");
  if (credentials.password.empty()) return Status(ErrorCode::kInvalidInput, "no password given");
  Result<std::string> endpoint =
      internal::LoginEndpoint(credentials.login_url, options.api_version);
  if (!endpoint.ok()) return endpoint.status();
  auto shared = std::make_shared<Shared>();
  shared->credentials = credentials;
  shared->login_endpoint = *endpoint;
  std::unique_ptr<Session> session(new Session(options, std::move(stub), shared));
  if (Status status = session->LoginNow(); !status.ok()) return status;
  // Some login responses carry no userInfo (older versions, some sandboxes): ask for it.
  bool need_user_info;
  {
    std::lock_guard lock(shared->mu);
    need_user_info = shared->user.organization_id.empty();
  }
  if (need_user_info) {
    Result<UserInfo> info = session->Invoke<UserInfo>(
        "getUserInfo", true,
        [&](internal::Call& call) { return session->stub_->GetUserInfo(call); });
    if (!info.ok()) return info.status();
    std::lock_guard lock(shared->mu);
    UserInfo merged = *info;
    merged.sandbox = shared->user.sandbox;
    merged.password_expired = shared->user.password_expired;
    merged.server_url = shared->user.server_url;
    merged.instance_url = shared->user.instance_url;
    shared->user = std::move(merged);
  }
  return session;
}

Result<std::unique_ptr<Session>> Session::Attach(const SessionOptions& options,
                                                 const SessionCredentials& credentials) {
  Result<std::unique_ptr<internal::PartnerStub>> stub = internal::MakeGsoapStub(options.transport);
  if (!stub.ok()) return stub.status();
  return AttachWithStub(options, credentials, std::move(*stub));
}

Result<std::unique_ptr<Session>> Session::AttachWithStub(
    const SessionOptions& options, const SessionCredentials& credentials,
    std::unique_ptr<internal::PartnerStub> stub) {
  if (Status valid = ValidateOptions(options); !valid.ok()) return valid;
  if (credentials.session_id.empty()) return Status(ErrorCode::kInvalidInput, "no session id given");
  Result<std::string> endpoint =
      internal::SessionEndpoint(credentials.instance_url, options.api_version);
  if (!endpoint.ok()) return endpoint.status();
  auto shared = std::make_shared<Shared>();
  shared->session_id = credentials.session_id;
  shared->server_url = *endpoint;
  std::unique_ptr<Session> session(new Session(options, std::move(stub), shared));
  // getUserInfo() checks the session and tells whose it is.
  Result<UserInfo> info = session->Invoke<UserInfo>(
      "getUserInfo", true, [&](internal::Call& call) { return session->stub_->GetUserInfo(call); });
  if (!info.ok()) return info.status();
  UserInfo user = *info;
  user.server_url = *endpoint;
  user.instance_url = internal::InstanceUrl(*endpoint);
  std::lock_guard lock(shared->mu);
  shared->user = std::move(user);
  return session;
}

std::unique_ptr<Session> Session::FromStub(const SessionOptions& options,
                                           std::unique_ptr<internal::PartnerStub> stub,
                                           UserInfo user, std::string session_id) {
  auto shared = std::make_shared<Shared>();
  shared->session_id = std::move(session_id);
  shared->server_url = user.server_url;
  shared->user = std::move(user);
  return std::unique_ptr<Session>(new Session(options, std::move(stub), shared));
}

Result<std::unique_ptr<Session>> Session::Clone() const {
  Result<std::unique_ptr<internal::PartnerStub>> stub = stub_->NewConnection();
  if (!stub.ok()) return stub.status();
  return std::unique_ptr<Session>(new Session(options_, std::move(*stub), shared_));
}

const UserInfo& Session::user() const { return shared_->user; }

ApiUsage Session::api_usage() const {
  std::lock_guard lock(shared_->mu);
  return shared_->usage;
}

CallCounts Session::call_counts() const {
  std::lock_guard lock(shared_->mu);
  CallCounts out;
  out.total = shared_->total;
  for (const auto& [name, count] : shared_->counts) out.by_operation.emplace_back(name, count);
  return out;
}

Status Session::Query(std::string_view soql, const PageCallback& on_page, QueryScope scope) {
  if (Status valid = ValidateOptions(options_); !valid.ok()) return valid;
  if (soql.empty()) return Status(ErrorCode::kInvalidInput, "empty query");
  const int batch_size = options_.query_batch_size;
  // Queries change nothing: always safe to send again.
  Result<internal::QueryReply> reply = Invoke<internal::QueryReply>(
      scope == QueryScope::kActive ? "query" : "queryAll", true, [&](internal::Call& call) {
        call.batch_size = batch_size;
        return stub_->Query(call, soql, scope);
      });
  while (true) {
    if (!reply.ok()) return reply.status();
    QueryPage page;
    page.records = std::move(reply->records);
    page.total_size = reply->size;
    page.done = reply->done;
    std::string locator = std::move(reply->query_locator);
    if (on_page && !on_page(page)) return Status();
    if (page.done) return Status();
    // The page is dropped before the next is fetched: memory stays one page.
    page = QueryPage();
    // A locator names a position in a cursor that lives for days; fetching it again returns
    // the same rows, so queryMore is safe to retry too.
    reply = Invoke<internal::QueryReply>("queryMore", true, [&](internal::Call& call) {
      call.batch_size = batch_size;
      return stub_->QueryMore(call, locator);
    });
  }
}

Result<std::vector<Record>> Session::QueryAllRows(std::string_view soql, QueryScope scope) {
  std::vector<Record> rows;
  Status status = Query(
      soql,
      [&](const QueryPage& page) {
        if (rows.empty()) rows.reserve(static_cast<size_t>(std::max(0, page.total_size)));
        // The callback sees a const page; copying is the price of the convenience.
        rows.insert(rows.end(), page.records.begin(), page.records.end());
        return true;
      },
      scope);
  if (!status.ok()) return status;
  return rows;
}

BatchResult Session::SaveInChunks(
    const char* operation, bool idempotent, size_t total,
    const std::function<Result<std::vector<SaveOutcome>>(internal::Call&, size_t, size_t)>& save) {
  BatchResult out;
  out.outcomes.reserve(total);
  for (size_t begin = 0; begin < total; begin += kMaxSaveRecords) {
    size_t end = std::min(total, begin + kMaxSaveRecords);
    Result<std::vector<SaveOutcome>> chunk =
        Invoke<std::vector<SaveOutcome>>(operation, idempotent, [&](internal::Call& call) {
          call.all_or_none = options_.all_or_none;
          return save(call, begin, end);
        });
    if (!chunk.ok()) {
      // Earlier chunks stay in outcomes: that work is done and must not be hidden.
      out.status = chunk.status();
      return out;
    }
    for (SaveOutcome& outcome : *chunk) out.outcomes.push_back(std::move(outcome));
  }
  return out;
}

BatchResult Session::Create(std::span<const Record> records) {
  // create() is not idempotent: a re-sent request makes a second copy of every record. After
  // an ambiguous failure the call fails with request_may_have_arrived for the caller to
  // reconcile by querying.
  return SaveInChunks("create", false, records.size(),
                      [&](internal::Call& call, size_t begin, size_t end) {
                        return stub_->Create(call, records.subspan(begin, end - begin));
                      });
}

BatchResult Session::Update(std::span<const Record> records) {
  // Writing the same values twice leaves the same record: update is safe to re-send.
  return SaveInChunks("update", true, records.size(),
                      [&](internal::Call& call, size_t begin, size_t end) {
                        return stub_->Update(call, records.subspan(begin, end - begin));
                      });
}

BatchResult Session::Upsert(std::string_view external_id_field, std::span<const Record> records) {
  if (external_id_field.empty()) {
    return BatchResult{{}, Status(ErrorCode::kInvalidInput, "upsert needs an external id field")};
  }
  // A re-sent upsert matches the records the first one created (by external id) and updates
  // them with the same values; only `created` may then read false.
  return SaveInChunks("upsert", true, records.size(),
                      [&](internal::Call& call, size_t begin, size_t end) {
                        return stub_->Upsert(call, external_id_field,
                                             records.subspan(begin, end - begin));
                      });
}

BatchResult Session::Delete(std::span<const std::string> ids) {
  // A second delete() of the same ids would report ENTITY_IS_DELETED for records the first
  // one deleted, hiding its success: treated like create.
  return SaveInChunks("delete", false, ids.size(),
                      [&](internal::Call& call, size_t begin, size_t end) {
                        return stub_->Delete(call, ids.subspan(begin, end - begin));
                      });
}

Result<std::vector<std::optional<Record>>> Session::Retrieve(std::string_view field_list,
                                                             std::string_view sobject_type,
                                                             std::span<const std::string> ids) {
  if (field_list.empty() || sobject_type.empty()) {
    return Status(ErrorCode::kInvalidInput, "retrieve needs a field list and an sObject type");
  }
  std::vector<std::optional<Record>> out;
  out.reserve(ids.size());
  for (size_t begin = 0; begin < ids.size(); begin += kMaxRetrieveIds) {
    size_t end = std::min(ids.size(), begin + kMaxRetrieveIds);
    auto chunk = Invoke<std::vector<std::optional<Record>>>(
        "retrieve", true, [&](internal::Call& call) {
          return stub_->Retrieve(call, field_list, sobject_type, ids.subspan(begin, end - begin));
        });
    if (!chunk.ok()) return chunk.status();
    for (auto& record : *chunk) out.push_back(std::move(record));
  }
  return out;
}

Result<std::string> Session::ServerTimestamp() {
  return Invoke<std::string>("getServerTimestamp", true, [&](internal::Call& call) {
    return stub_->GetServerTimestamp(call);
  });
}

Status Session::Logout() {
  return Invoke<bool>("logout", true,
                      [&](internal::Call& call) -> Result<bool> {
                        Status status = stub_->Logout(call);
                        if (!status.ok()) return status;
                        return true;
                      })
      .status();
}

}  // namespace pushforce
