// SPDX-License-Identifier: GPL-2.0-or-later
// The one seam between the session layer and the generated gSOAP bindings, in plain C++ types.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/options.hpp"
#include "pushforce/record.hpp"
#include "pushforce/session.hpp"
#include "pushforce/status.hpp"

namespace pushforce::internal {

// What goes into the SOAP headers of one call, and what came back in the response headers.
// The stub sets every header from here before every call (gSOAP replaces soap->header with the
// response's, so a header set once would be gone, or worse, echo the LimitInfoHeader back).
struct Call {
  // In.
  std::string endpoint;     // the SOAP endpoint URL of this call
  std::string session_id;   // SessionHeader; empty for login()
  std::string client_name;  // CallOptions.client; empty = not sent
  int batch_size = 0;       // QueryOptions.batchSize; 0 = not sent
  std::optional<bool> all_or_none;  // AllOrNoneHeader; nullopt = not sent
  // Out: the LimitInfoHeader's "API REQUESTS", when the response had one.
  std::optional<ApiUsage> api_usage;
};

struct LoginReply {
  std::string session_id;
  std::string server_url;
  std::string metadata_server_url;
  std::string user_id;
  bool password_expired = false;
  bool sandbox = false;
  std::optional<UserInfo> user_info;  // absent in some responses
};

struct QueryReply {
  std::vector<Record> records;
  bool done = true;
  std::string query_locator;  // "" when done
  int size = 0;               // total rows of the query, not of this page
};

// One virtual per Partner call. Failures are Status values: faults carry the ExceptionCode
// (salesforce_code), row/column and http_status; transport failures carry errno, the TLS reason,
// and request_may_have_arrived when the request was sent but no complete answer came back.
// A stub is one connection and is not thread-safe.
class PartnerStub {
 public:
  virtual ~PartnerStub() = default;

  virtual Result<LoginReply> Login(Call& call, std::string_view username,
                                   std::string_view password) = 0;
  virtual Result<UserInfo> GetUserInfo(Call& call) = 0;
  // query() or queryAll().
  virtual Result<QueryReply> Query(Call& call, std::string_view soql, QueryScope scope) = 0;
  virtual Result<QueryReply> QueryMore(Call& call, std::string_view query_locator) = 0;
  // At most 200 records per call; one outcome per record, in order.
  virtual Result<std::vector<SaveOutcome>> Create(Call& call, std::span<const Record> records) = 0;
  virtual Result<std::vector<SaveOutcome>> Update(Call& call, std::span<const Record> records) = 0;
  virtual Result<std::vector<SaveOutcome>> Upsert(Call& call, std::string_view external_id_field,
                                                  std::span<const Record> records) = 0;
  virtual Result<std::vector<SaveOutcome>> Delete(Call& call,
                                                  std::span<const std::string> ids) = 0;
  // One entry per id, nullopt where Salesforce returned xsi:nil (no such record).
  virtual Result<std::vector<std::optional<Record>>> Retrieve(
      Call& call, std::string_view field_list, std::string_view sobject_type,
      std::span<const std::string> ids) = 0;
  // ISO-8601 UTC, e.g. "2024-05-01T12:00:00Z".
  virtual Result<std::string> GetServerTimestamp(Call& call) = 0;
  virtual Status Logout(Call& call) = 0;

  // Another, independent connection with the same transport settings.
  virtual Result<std::unique_ptr<PartnerStub>> NewConnection() const = 0;
};

// The gSOAP implementation over the network (TLS, proxy, timeouts from options).
Result<std::unique_ptr<PartnerStub>> MakeGsoapStub(const TransportOptions& options);

// The gSOAP implementation without sockets, for tests: each call writes its HTTP request to
// *requests (when not null) and reads the next of `responses` (a full HTTP response: status
// line, headers, body). A call past the last response fails with kTransport.
std::unique_ptr<PartnerStub> MakeReplayStub(const TransportOptions& options,
                                            std::vector<std::string> responses,
                                            std::vector<std::string>* requests);

}  // namespace pushforce::internal
