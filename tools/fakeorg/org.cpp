// SPDX-License-Identifier: GPL-2.0-or-later
// The fake packaging org's calls: login and sessions, limits, the request log, queries.
#include "org.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>

#include "generator.hpp"
#include "ids.hpp"
#include "org_internal.hpp"

namespace pushforce::fakeorg {
namespace {

// Session ids look like Salesforce's: the 15-char org id, '!', then opaque characters.
std::string NewSessionId(const std::string& org_id) {
  static const char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  unsigned char random[96];
  int fd = ::open("/dev/urandom", O_RDONLY);
  if (fd < 0 || ::read(fd, random, sizeof random) != static_cast<ssize_t>(sizeof random)) {
    std::abort();  // no entropy: refuse to hand out guessable sessions
  }
  ::close(fd);
  std::string out = org_id.substr(0, 15) + "!AR";
  for (unsigned char c : random) out.push_back(kChars[c % 64]);
  return out;
}

// The login fault texts Salesforce sends.
constexpr const char* kInvalidLogin = "Invalid username, password, security token; or user locked out.";
constexpr const char* kMustUseToken =
    "Invalid username, password, security token; or user locked out. Are you at a new location? "
    "When accessing Salesforce--either via a desktop client or the API--from outside of your "
    "company\xE2\x80\x99s trusted networks, you must add a security token to your password to log "
    "in. To get your new security token, log in to Salesforce. From your personal settings, "
    "enter Reset My Security Token in the Quick Find box, then select Reset My Security Token.";

}  // namespace

Org::Org(ServerOptions options)
    : options_(std::move(options)), schema_(options_.assume), clock_(options_.time_scale) {
  if (options_.users.empty()) {
    options_.users.push_back({"release.manager@fakeorg.pushforce.test", "pushforce-fake-1",
                              "FAKEORGTOKEN0123456789AB"});
  }
  store_ = std::make_unique<Store>(schema_, options_.state_file);
  std::optional<EpochMs> not_before;
  if (auto saved = store_->GetMeta("sim_now")) not_before = std::stoll(*saved);
  clock_ = SimClock(options_.time_scale, not_before);
  if (store_->IsEmpty()) {
    store_->Exec("BEGIN");
    if (!options_.data_file.empty()) {
      LoadDataFile(*store_, options_, options_.data_file, clock_.Now());
    } else {
      GenerateOrg(*store_, options_, clock_.Now());
    }
    store_->Exec("COMMIT");
  }
  org_id_ = store_->GetMeta("org_id").value_or("");
  engine_ = std::make_unique<PushEngine>(*store_, clock_, options_);
  queries_ = std::make_unique<QueryEngine>(*store_, schema_,
                                           std::chrono::seconds(options_.assume.cursor_ttl_seconds));
  if (!options_.request_log.empty()) {
    request_log_ = std::fopen(options_.request_log.c_str(), "a");
    if (request_log_ == nullptr) throw StoreError("cannot open --request-log " + options_.request_log);
  }
}

Org::~Org() {
  if (request_log_ != nullptr) std::fclose(request_log_);
}

void Org::Shutdown() {
  mutex_.lock();  // never released: the process exits with the lock held, no call half done
  store_->SetMeta("sim_now", std::to_string(clock_.Now()));
  if (request_log_ != nullptr) std::fflush(request_log_);
}

nlohmann::json Org::PackagesJson() {
  std::lock_guard lock(mutex_);
  return engine_->PackagesJson();
}

void Org::WriteTruthFile(const std::string& path) {
  std::lock_guard lock(mutex_);
  engine_->WriteTruthFile(path);
}

void Org::Log(const LogEntry& e) {
  if (request_log_ == nullptr) return;
  // Never a session id or a password: only what a test or benchmark needs to count calls.
  nlohmann::json line = {{"operation", e.operation},
                         {"object", e.object ? nlohmann::json(*e.object) : nlohmann::json()},
                         {"records", e.records ? nlohmann::json(*e.records) : nlohmann::json()},
                         {"fault", e.fault ? nlohmann::json(*e.fault) : nlohmann::json()},
                         {"query", e.query ? nlohmann::json(*e.query) : nlohmann::json()}};
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), request_log_);
  std::fflush(request_log_);
}

double Org::ApiVersion(const CallContext& ctx) {
  static const std::regex kPath(R"(^/services/Soap/u/(\d+)\.(\d+)(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(ctx.path, m, kPath)) {
    throw FaultError(MakeFault("UNSUPPORTED_API_VERSION",
                               "Invalid Api version specified on URL"));
  }
  double version = std::stod(m[1].str() + "." + m[2].str());
  // SOAP API versions 30.0 and earlier are retired (Summer '25).
  if (version < 31.0 || version > options_.assume.max_api_version) {
    throw FaultError(MakeFault("UNSUPPORTED_API_VERSION",
                               "Invalid Api version specified on URL"));
  }
  return version;
}

ApiResponse Org::Ok(const std::string& body) {
  return {200, ResponseEnvelope(LimitInfoHeader(api_count_, options_.api_limit), body)};
}

ApiResponse Org::FaultResponse(const Fault& fault, bool with_limits) {
  return {500, FaultEnvelope(fault, with_limits ? LimitInfoHeader(api_count_, options_.api_limit)
                                                : std::string())};
}

std::string Org::BeginCall(const CallContext& ctx) {
  ApiVersion(ctx);
  auto now = std::chrono::steady_clock::now();
  auto it = ctx.session_id ? sessions_.find(*ctx.session_id) : sessions_.end();
  if (it != sessions_.end() &&
      now - it->second.last_used > std::chrono::seconds(options_.session_ttl_seconds)) {
    sessions_.erase(it);
    it = sessions_.end();
  }
  if (it == sessions_.end()) {
    throw FaultError(MakeFault("INVALID_SESSION_ID",
                               "Invalid Session ID found in SessionHeader: Illegal Session"));
  }
  it->second.last_used = now;  // the inactivity timer restarts with every call
  ++api_count_;
  if (api_count_ > options_.api_limit) {
    throw FaultError(MakeFault("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
  }
  engine_->Advance();
  return it->second.user_id;
}

std::string Org::UserInfoXml(const std::string& user_id) {
  auto rows = store_->Select("SELECT Username, Name, Email FROM User WHERE Id = ?",
                             {Value::Text(user_id)});
  auto org = store_->Select("SELECT Name FROM Organization LIMIT 1");
  std::string username = rows.empty() ? "" : rows[0][0].AsText();
  std::string name = rows.empty() ? "" : rows[0][1].AsText();
  std::string email = rows.empty() ? "" : rows[0][2].AsText();
  std::string profile = MakeId("00e", 1);
  return "<accessibilityMode>false</accessibilityMode><chatterExternal>false</chatterExternal>"
         "<currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>5242880"
         "</orgAttachmentFileSizeLimit><orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode>"
         "<orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale>"
         "<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments>"
         "<orgHasPersonAccounts>false</orgHasPersonAccounts>"
         "<organizationId>" + org_id_ + "</organizationId>"
         "<organizationMultiCurrency>false</organizationMultiCurrency>" +
         Element("organizationName", org.empty() ? "" : org[0][0].AsText()) +
         "<profileId>" + profile + "</profileId><roleId xsi:nil=\"true\"/>"
         "<sessionSecondsValid>" + std::to_string(options_.session_ttl_seconds) +
         "</sessionSecondsValid><userDefaultCurrencyIsoCode xsi:nil=\"true\"/>" +
         Element("userEmail", email) + Element("userFullName", name) + "<userId>" + user_id +
         "</userId><userLanguage>en_US</userLanguage><userLocale>en_US</userLocale>" +
         Element("userName", username) +
         "<userTimeZone>America/Los_Angeles</userTimeZone><userType>Standard</userType>"
         "<userUiSkin>Theme3</userUiSkin>";
}

ApiResponse Org::Login(const CallContext& ctx, const std::string& username,
                       const std::string& password) {
  std::lock_guard lock(mutex_);
  LogEntry entry{"login", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  try {
    double version = ApiVersion(ctx);
    if (version > 64.0) {
      // login() is gone from API 65.0 on; the exact fault is not documented (README).
      throw FaultError(MakeFault(options_.assume.login_retired_code,
                                 "SOAP API login() is not available in API version " +
                                     std::to_string(static_cast<int>(version)) + ".0 and later",
                                 "LoginFault"));
    }
    const UserSpec* user = nullptr;
    for (const auto& u : options_.users) {
      if (EqualsIgnoreCase(u.username, username)) user = &u;  // usernames are case-insensitive
    }
    if (user == nullptr || (password != user->password + user->security_token &&
                            password != user->password)) {
      throw FaultError(MakeFault("INVALID_LOGIN", kInvalidLogin, "LoginFault"));
    }
    if (password == user->password && !user->security_token.empty()) {
      throw FaultError(MakeFault("LOGIN_MUST_USE_SECURITY_TOKEN", kMustUseToken, "LoginFault"));
    }
    if (options_.assume.login_counts_api) ++api_count_;
    auto rows = store_->Select("SELECT Id FROM User WHERE Username = ? COLLATE NOCASE",
                               {Value::Text(user->username)});
    std::string user_id = rows.empty() ? "" : rows[0][0].AsText();
    std::string session = NewSessionId(org_id_);
    sessions_[session] = {user_id, user->username, std::chrono::steady_clock::now()};
    std::string version_text = ctx.path.substr(std::string("/services/Soap/u/").size());
    version_text = version_text.substr(0, version_text.find('/'));
    std::string org15 = org_id_.substr(0, 15);
    std::string body =
        "<loginResponse><result><metadataServerUrl>" + base_url_ + "/services/Soap/m/" +
        version_text + "/" + org15 + "</metadataServerUrl><passwordExpired>false"
        "</passwordExpired><sandbox>false</sandbox><serverUrl>" + base_url_ +
        "/services/Soap/u/" + version_text + "/" + org15 + "</serverUrl><sessionId>" + session +
        "</sessionId><userId>" + user_id + "</userId><userInfo>" + UserInfoXml(user_id) +
        "</userInfo></result></loginResponse>";
    Log(entry);
    // LimitInfoHeader is returned by all calls except login().
    return {200, ResponseEnvelope("", body)};
  } catch (const FaultError& e) {
    entry.fault = e.fault.code;
    Log(entry);
    return FaultResponse(e.fault, false);
  }
}

ApiResponse Org::Logout(const CallContext& ctx) {
  LogEntry e{"logout", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    sessions_.erase(*ctx.session_id);
    Log(entry);
    return Ok("<logoutResponse/>");
  })
}

ApiResponse Org::GetUserInfo(const CallContext& ctx) {
  LogEntry e{"getUserInfo", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    std::string user = BeginCall(ctx);
    Log(entry);
    return Ok("<getUserInfoResponse><result>" + UserInfoXml(user) +
              "</result></getUserInfoResponse>");
  })
}

ApiResponse Org::GetServerTimestamp(const CallContext& ctx) {
  LogEntry e{"getServerTimestamp", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    Log(entry);
    return Ok("<getServerTimestampResponse><result><timestamp>" + FormatDateTime(clock_.Now()) +
              "</timestamp></result></getServerTimestampResponse>");
  })
}

namespace {

Fault QueryFault(const SoqlError& e) {
  Fault f = MakeFault(e.code, e.message);
  if (e.code == "INVALID_FIELD") {
    f.detail_type = "InvalidFieldFault";
  } else if (e.code == "INVALID_TYPE") {
    f.detail_type = "InvalidSObjectFault";
  } else if (e.code == "INVALID_QUERY_LOCATOR") {
    f.detail_type = "InvalidQueryLocatorFault";
  } else {
    f.detail_type = "MalformedQueryFault";
  }
  if (e.has_pos && e.code != "INVALID_QUERY_LOCATOR") {
    f.row = e.pos.row;
    f.column = e.pos.column;
  }
  return f;
}

int ClampBatch(const std::optional<int>& requested) {
  // QueryOptions.batchSize: default and maximum 2000, minimum 200.
  if (!requested) return 2000;
  return std::max(200, std::min(2000, *requested));
}

}  // namespace

ApiResponse Org::Query(const CallContext& ctx, const std::string& soql, bool all) {
  LogEntry e{all ? "queryAll" : "query", std::nullopt, std::nullopt, std::nullopt, soql};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    try {
      // No object of the fake org can be deleted, so queryAll sees what query sees.
      QueryPage page = queries_->Query(soql, ClampBatch(ctx.batch_size));
      entry.object = page.object;
      entry.records = page.records;
      Log(entry);
      std::string tag = all ? "queryAllResponse" : "queryResponse";
      return Ok("<" + tag + ">" + page.xml + "</" + tag + ">");
    } catch (const SoqlError& q) {
      throw FaultError(QueryFault(q));
    }
  })
}

ApiResponse Org::QueryMore(const CallContext& ctx, const std::string& locator) {
  LogEntry e{"queryMore", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  PUSHFORCE_CALL(e, {
    BeginCall(ctx);
    try {
      QueryPage page = queries_->QueryMore(locator, ClampBatch(ctx.batch_size));
      entry.object = page.object;
      entry.records = page.records;
      entry.query = page.soql;
      Log(entry);
      return Ok("<queryMoreResponse>" + page.xml + "</queryMoreResponse>");
    } catch (const SoqlError& q) {
      throw FaultError(QueryFault(q));
    }
  })
}

ApiResponse Org::TransportFault(const CallContext& ctx, const std::string& operation,
                                const std::string& message) {
  (void)ctx;
  std::lock_guard lock(mutex_);
  LogEntry entry{operation, std::nullopt, std::nullopt, "INVALID_OPERATION", std::nullopt};
  Log(entry);
  return FaultResponse(MakeFault("INVALID_OPERATION", message), false);
}

}  // namespace pushforce::fakeorg
