// SPDX-License-Identifier: GPL-2.0-or-later
// The fake packaging org's API semantics, independent of gSOAP: sessions, limits, the request
// log, queries and DML, each call answered with a Salesforce-shaped envelope.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "push_engine.hpp"
#include "query_engine.hpp"
#include "schema.hpp"
#include "sim_clock.hpp"
#include "store.hpp"
#include "xml.hpp"

namespace pushforce::fakeorg {

struct ApiResponse {
  int http_status = 200;
  std::string body;
};

// What the transport layer extracted from one request.
struct CallContext {
  std::string path;  // HTTP path, e.g. /services/Soap/u/64.0/00D...
  std::optional<std::string> session_id;
  std::optional<int> batch_size;  // QueryOptions
  bool all_or_none = false;       // AllOrNoneHeader
};

struct InputRecord {
  std::string type;
  std::optional<std::string> id;
  // Field name as sent, value (nullopt = xsi:nil), in wire order.
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;
  std::vector<std::string> fields_to_null;
};

// Per-record outcome of a DML call (SaveResult / UpsertResult / DeleteResult).
struct RecordError {
  std::string status_code;
  std::string message;
  std::vector<std::string> fields;
};

// Thread-safe: every call takes one org-wide lock, like a per-call transaction.
class Org {
 public:
  explicit Org(ServerOptions options);
  ~Org();

  void set_base_url(const std::string& url) { base_url_ = url; }
  const std::string& base_url() const { return base_url_; }
  const ServerOptions& options() const { return options_; }
  nlohmann::json PackagesJson();
  void WriteTruthFile(const std::string& path);
  // Waits for the call in flight (if any) and stops serving: used on SIGTERM.
  void Shutdown();

  ApiResponse Login(const CallContext& ctx, const std::string& username,
                    const std::string& password);
  ApiResponse Logout(const CallContext& ctx);
  ApiResponse GetUserInfo(const CallContext& ctx);
  ApiResponse GetServerTimestamp(const CallContext& ctx);
  ApiResponse Query(const CallContext& ctx, const std::string& soql, bool all);
  ApiResponse QueryMore(const CallContext& ctx, const std::string& locator);
  ApiResponse Create(const CallContext& ctx, const std::vector<InputRecord>& records);
  ApiResponse Update(const CallContext& ctx, const std::vector<InputRecord>& records);
  ApiResponse Upsert(const CallContext& ctx, const std::string& external_id_field,
                     const std::vector<InputRecord>& records);
  ApiResponse Delete(const CallContext& ctx, const std::vector<std::string>& ids);
  ApiResponse Retrieve(const CallContext& ctx, const std::string& field_list,
                       const std::string& type, const std::vector<std::string>& ids);
  ApiResponse DescribeSObjects(const CallContext& ctx, const std::vector<std::string>& types,
                               bool single);
  // A fault for requests gSOAP could not dispatch (unknown operation, bad XML).
  ApiResponse TransportFault(const CallContext& ctx, const std::string& operation,
                             const std::string& message);

 private:
  struct Session {
    std::string user_id;
    std::string username;
    std::chrono::steady_clock::time_point last_used;
  };
  struct LogEntry {
    std::string operation;
    std::optional<std::string> object;
    std::optional<int> records;
    std::optional<std::string> fault;
    std::optional<std::string> query;
  };
  class FaultError;

  // Common prologue of every call but login: version, session, API counter, push progress.
  // Returns the session's user id; throws FaultError.
  std::string BeginCall(const CallContext& ctx);
  ApiResponse Ok(const std::string& body);
  ApiResponse FaultResponse(const Fault& fault, bool with_limits);
  void Log(const LogEntry& entry);
  double ApiVersion(const CallContext& ctx);
  std::string UserInfoXml(const std::string& user_id);
  std::string SaveResultsXml(const std::vector<std::optional<RecordError>>& errors,
                             const std::vector<std::string>& ids, const std::string& kind,
                             const std::vector<bool>* created);

  // DML (org_dml.cpp).
  std::optional<RecordError> CreateOne(const InputRecord& record, const std::string& user_id,
                                       std::string& new_id);
  std::optional<RecordError> UpdateOne(const InputRecord& record, const std::string& user_id);
  std::optional<RecordError> ConvertFields(const ObjectDef& object, const InputRecord& record,
                                           bool create, std::map<std::string, Value>& out);
  ApiResponse SaveCall(const CallContext& ctx, const std::string& operation,
                       const std::vector<InputRecord>& records, bool upsert);

  ServerOptions options_;
  Schema schema_;
  SimClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<PushEngine> engine_;
  std::unique_ptr<QueryEngine> queries_;
  std::map<std::string, Session> sessions_;
  std::int64_t api_count_ = 0;
  std::string base_url_;
  std::string org_id_;
  std::FILE* request_log_ = nullptr;
  std::mutex mutex_;
};

}  // namespace pushforce::fakeorg
