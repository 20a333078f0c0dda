// SPDX-License-Identifier: GPL-2.0-or-later
// PartnerStub over the generated gSOAP proxy: the only code that includes generated headers.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/socket.h>

#include "soapH.h"
#include "soapSoapBindingProxy.h"
#include "SoapBinding.nsmap"  // the one TU of the library that defines namespaces[]

#include "internal/fault_mapping.hpp"
#include "internal/partner_stub.hpp"
#include "internal/record_codec.hpp"
#include "internal/redact.hpp"

namespace pushforce::internal {
namespace {

constexpr size_t kMaxErrorText = 400;

std::string Clip(std::string text) {
  if (text.size() > kMaxErrorText) {
    text.resize(kMaxErrorText);
    text += "…";
  }
  return RedactSecrets(text);
}

// A full Partner WSDL makes some elements required that pushforce's own WSDL leaves optional
// (LoginResult.passwordExpired, GetUserInfoResult.sessionSecondsValid…), so wsdl2h emits a value
// for one and a pointer for the other: read both.
[[maybe_unused]] std::string Str(const std::string* value) { return value == nullptr ? std::string() : *value; }
[[maybe_unused]] std::string Str(const std::string& value) { return value; }
[[maybe_unused]] bool Bool(const bool* value) { return value != nullptr && *value; }
[[maybe_unused]] bool Bool(bool value) { return value; }
[[maybe_unused]] int Int(const int* value) { return value == nullptr ? 0 : *value; }
[[maybe_unused]] int Int(int value) { return value; }

UserInfo ToUserInfo(const sforce__GetUserInfoResult& in) {
  UserInfo out;
  out.user_id = Str(in.userId);
  out.user_name = Str(in.userName);
  out.user_full_name = Str(in.userFullName);
  out.user_email = Str(in.userEmail);
  out.organization_id = Str(in.organizationId);
  out.organization_name = Str(in.organizationName);
  out.session_seconds_valid = Int(in.sessionSecondsValid);
  return out;
}

Result<Record> ToRecord(const sobj__sObject& in) {
  std::vector<const char*> fragments(in.__any.begin(), in.__any.end());
  return DecodeRecord(in.type, in.Id, fragments);
}

Result<QueryReply> ToQueryReply(const sforce__QueryResult* in) {
  if (in == nullptr) return Status(ErrorCode::kInternal, "query response without a result");
  QueryReply out;
  out.done = in->done;
  out.size = in->size;
  out.query_locator = in->done ? std::string() : Str(in->queryLocator);
  out.records.reserve(in->records.size());
  for (const sobj__sObject* record : in->records) {
    if (record == nullptr) continue;
    Result<Record> decoded = ToRecord(*record);
    if (!decoded.ok()) return decoded.status();
    out.records.push_back(std::move(*decoded));
  }
  if (!out.done && out.query_locator.empty()) {
    return Status(ErrorCode::kInternal, "query response not done but without a queryLocator");
  }
  return out;
}

template <typename ResultT>
SaveOutcome ToOutcome(const ResultT& in) {
  SaveOutcome out;
  out.success = in.success;
  out.id = Str(in.id);
  for (const sforce__Error* error : in.errors) {
    if (error == nullptr) continue;
    out.errors.push_back(RecordError{error->statusCode, error->message, error->fields});
  }
  return out;
}

std::string IsoTimestamp(time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void InitProcessOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A peer that drops the connection would otherwise kill the process on the next write;
    // MSG_NOSIGNAL does not cover OpenSSL's writes.
    std::signal(SIGPIPE, SIG_IGN);
    soap_ssl_init();
  });
}

class GsoapStub final : public PartnerStub {
 public:
  GsoapStub(TransportOptions options, bool replay)
      : proxy_(SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE,
               SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE |
                   (options.gzip_requests ? SOAP_ENC_ZLIB : 0)),
        options_(std::move(options)),
        replay_(replay) {
    struct soap* soap = proxy_.soap;
    soap->user = this;
    // gSOAP's defaults wait forever and accept 2 GB; Salesforce answers are bounded.
    soap->connect_timeout = static_cast<int>(options_.connect_timeout.count());
    soap->send_timeout = static_cast<int>(options_.send_timeout.count());
    soap->recv_timeout = static_cast<int>(options_.receive_timeout.count());
    soap->recv_maxlength = options_.max_response_bytes > 0
                               ? static_cast<ULONG64>(options_.max_response_bytes)
                               : 0;
    // gSOAP pins SO_SNDBUF/SO_RCVBUF to 64 KB, which disables the kernel's autotuning.
    soap->sndbuf = 0;
    soap->rcvbuf = 0;
    soap->socket_flags = MSG_NOSIGNAL;
    if (!options_.proxy.host.empty()) {
      soap->proxy_host = options_.proxy.host.c_str();
      soap->proxy_port = options_.proxy.port > 0 ? options_.proxy.port : 8080;
      if (!options_.proxy.user.empty()) {
        soap->proxy_userid = options_.proxy.user.c_str();
        soap->proxy_passwd = options_.proxy.password.c_str();
      }
    }
    if (options_.trace) {
      default_fpreparesend_ = soap->fpreparesend;
      default_fpreparerecv_ = soap->fpreparerecv;
      default_fparse_ = soap->fparse;
      soap->fpreparesend = &GsoapStub::OnSend;
      soap->fpreparerecv = &GsoapStub::OnRecv;
      soap->fparse = &GsoapStub::OnParseHttpHeader;
    }
  }

  ~GsoapStub() override { proxy_.destroy(); }

  Status InitTls() {
    InitProcessOnce();
    const char* ca_file = nullptr;
    if (!options_.ca_file.empty()) {
      std::ifstream probe(options_.ca_file);
      if (!probe) {
        return Status(ErrorCode::kInvalidInput, "cannot read CA file " + options_.ca_file);
      }
      ca_file = options_.ca_file.c_str();
    }
    unsigned short flags = SOAP_TLSv1_2 | SOAP_TLSv1_3;
    flags |= options_.verify_peer ? SOAP_SSL_DEFAULT
                                  : (SOAP_SSL_NO_AUTHENTICATION | SOAP_SSL_SKIP_HOST_CHECK);
    // No CA file: OpenSSL's default verify paths, i.e. the system store.
    if (soap_ssl_client_context(proxy_.soap, flags, nullptr, nullptr, ca_file, nullptr,
                                nullptr) != SOAP_OK) {
      return Status(ErrorCode::kInvalidInput,
                    "TLS setup failed: " + Clip(FaultText(proxy_.soap)));
    }
    return Status();
  }

  void SetReplay(std::vector<std::string> responses, std::vector<std::string>* requests) {
    responses_ = std::move(responses);
    requests_ = requests;
  }

  Result<LoginReply> Login(Call& call, std::string_view username,
                           std::string_view password) override {
    _sforce__login request;
    request.username = std::string(username);
    request.password = std::string(password);
    _sforce__loginResponse response;
    return Invoke<LoginReply>(
        call, [&](const char* url) { return proxy_.send_login(url, "", &request); },
        [&] { return proxy_.recv_login(response); },
        [&]() -> Result<LoginReply> {
          const sforce__LoginResult* in = response.result;
          if (in == nullptr) return Status(ErrorCode::kInternal, "login response without a result");
          LoginReply out;
          out.session_id = Str(in->sessionId);
          out.server_url = Str(in->serverUrl);
          out.metadata_server_url = Str(in->metadataServerUrl);
          out.user_id = Str(in->userId);
          out.password_expired = Bool(in->passwordExpired);
          out.sandbox = Bool(in->sandbox);
          if (in->userInfo != nullptr) out.user_info = ToUserInfo(*in->userInfo);
          return out;
        });
  }

  Result<UserInfo> GetUserInfo(Call& call) override {
    _sforce__getUserInfo request;
    _sforce__getUserInfoResponse response;
    return Invoke<UserInfo>(
        call, [&](const char* url) { return proxy_.send_getUserInfo(url, "", &request); },
        [&] { return proxy_.recv_getUserInfo(response); },
        [&]() -> Result<UserInfo> {
          if (response.result == nullptr)
            return Status(ErrorCode::kInternal, "getUserInfo response without a result");
          return ToUserInfo(*response.result);
        });
  }

  Result<QueryReply> Query(Call& call, std::string_view soql, QueryScope scope) override {
    if (scope == QueryScope::kIncludeDeleted) {
      _sforce__queryAll request;
      request.queryString = std::string(soql);
      _sforce__queryAllResponse response;
      return Invoke<QueryReply>(
          call, [&](const char* url) { return proxy_.send_queryAll(url, "", &request); },
          [&] { return proxy_.recv_queryAll(response); },
          [&] { return ToQueryReply(response.result); });
    }
    _sforce__query request;
    request.queryString = std::string(soql);
    _sforce__queryResponse response;
    return Invoke<QueryReply>(
        call, [&](const char* url) { return proxy_.send_query(url, "", &request); },
        [&] { return proxy_.recv_query(response); },
        [&] { return ToQueryReply(response.result); });
  }

  Result<QueryReply> QueryMore(Call& call, std::string_view query_locator) override {
    _sforce__queryMore request;
    request.queryLocator = std::string(query_locator);
    _sforce__queryMoreResponse response;
    return Invoke<QueryReply>(
        call, [&](const char* url) { return proxy_.send_queryMore(url, "", &request); },
        [&] { return proxy_.recv_queryMore(response); },
        [&] { return ToQueryReply(response.result); });
  }

  Result<std::vector<SaveOutcome>> Create(Call& call, std::span<const Record> records) override {
    _sforce__create request;
    if (Status built = BuildSObjects(records, &request.sObjects); !built.ok()) return built;
    _sforce__createResponse response;
    return Invoke<std::vector<SaveOutcome>>(
        call, [&](const char* url) { return proxy_.send_create(url, "", &request); },
        [&] { return proxy_.recv_create(response); },
        [&] { return Outcomes(response.result, records.size()); });
  }

  Result<std::vector<SaveOutcome>> Update(Call& call, std::span<const Record> records) override {
    _sforce__update request;
    if (Status built = BuildSObjects(records, &request.sObjects); !built.ok()) return built;
    _sforce__updateResponse response;
    return Invoke<std::vector<SaveOutcome>>(
        call, [&](const char* url) { return proxy_.send_update(url, "", &request); },
        [&] { return proxy_.recv_update(response); },
        [&] { return Outcomes(response.result, records.size()); });
  }

  Result<std::vector<SaveOutcome>> Upsert(Call& call, std::string_view external_id_field,
                                          std::span<const Record> records) override {
    _sforce__upsert request;
    request.externalIDFieldName = std::string(external_id_field);
    if (Status built = BuildSObjects(records, &request.sObjects); !built.ok()) return built;
    _sforce__upsertResponse response;
    return Invoke<std::vector<SaveOutcome>>(
        call, [&](const char* url) { return proxy_.send_upsert(url, "", &request); },
        [&] { return proxy_.recv_upsert(response); },
        [&]() -> Result<std::vector<SaveOutcome>> {
          auto outcomes = Outcomes(response.result, records.size());
          if (!outcomes.ok()) return outcomes;
          for (size_t i = 0; i < response.result.size(); ++i) {
            (*outcomes)[i].created = response.result[i] != nullptr && response.result[i]->created;
          }
          return outcomes;
        });
  }

  Result<std::vector<SaveOutcome>> Delete(Call& call, std::span<const std::string> ids) override {
    _sforce__delete request;
    request.ids.assign(ids.begin(), ids.end());
    _sforce__deleteResponse response;
    return Invoke<std::vector<SaveOutcome>>(
        call, [&](const char* url) { return proxy_.send_delete_(url, "", &request); },
        [&] { return proxy_.recv_delete_(response); },
        [&] { return Outcomes(response.result, ids.size()); });
  }

  Result<std::vector<std::optional<Record>>> Retrieve(Call& call, std::string_view field_list,
                                                      std::string_view sobject_type,
                                                      std::span<const std::string> ids) override {
    _sforce__retrieve request;
    request.fieldList = std::string(field_list);
    request.sObjectType = std::string(sobject_type);
    request.ids.assign(ids.begin(), ids.end());
    _sforce__retrieveResponse response;
    return Invoke<std::vector<std::optional<Record>>>(
        call, [&](const char* url) { return proxy_.send_retrieve(url, "", &request); },
        [&] { return proxy_.recv_retrieve(response); },
        [&]() -> Result<std::vector<std::optional<Record>>> {
          std::vector<std::optional<Record>> out;
          for (const sobj__sObject* record : response.result) {
            if (record == nullptr) {
              out.emplace_back(std::nullopt);
              continue;
            }
            Result<Record> decoded = ToRecord(*record);
            if (!decoded.ok()) return decoded.status();
            out.emplace_back(std::move(*decoded));
          }
          if (out.size() != ids.size()) {
            return Status(ErrorCode::kInternal, "retrieve returned " + std::to_string(out.size()) +
                                                    " results for " + std::to_string(ids.size()) +
                                                    " ids");
          }
          return out;
        });
  }

  Result<std::string> GetServerTimestamp(Call& call) override {
    _sforce__getServerTimestamp request;
    _sforce__getServerTimestampResponse response;
    return Invoke<std::string>(
        call, [&](const char* url) { return proxy_.send_getServerTimestamp(url, "", &request); },
        [&] { return proxy_.recv_getServerTimestamp(response); },
        [&]() -> Result<std::string> {
          if (response.result == nullptr)
            return Status(ErrorCode::kInternal, "getServerTimestamp response without a result");
          return IsoTimestamp(response.result->timestamp);
        });
  }

  Status Logout(Call& call) override {
    _sforce__logout request;
    _sforce__logoutResponse response;
    return Invoke<bool>(
               call, [&](const char* url) { return proxy_.send_logout(url, "", &request); },
               [&] { return proxy_.recv_logout(response); },
               []() -> Result<bool> { return true; })
        .status();
  }

  Result<std::unique_ptr<PartnerStub>> NewConnection() const override {
    if (replay_) return Status(ErrorCode::kInternal, "a replay stub has no second connection");
    return MakeGsoapStub(options_);
  }

 private:
  // Sets every header of this call on soap->header. gSOAP replaced the previous one with the
  // response's header (or NULL), so nothing of the last call is left to leak into this one.
  void PrepareHeaders(const Call& call) {
    struct soap* soap = proxy_.soap;
    soap->header = soap_new_SOAP_ENV__Header(soap);
    if (!call.session_id.empty()) {
      soap->header->sforce__SessionHeader = soap_new__sforce__SessionHeader(soap);
      soap->header->sforce__SessionHeader->sessionId = call.session_id;
    }
    if (!call.client_name.empty()) {
      soap->header->sforce__CallOptions = soap_new__sforce__CallOptions(soap);
      soap->header->sforce__CallOptions->client = soap_new_std__string(soap);
      *soap->header->sforce__CallOptions->client = call.client_name;
    }
    if (call.batch_size > 0) {
      soap->header->sforce__QueryOptions = soap_new__sforce__QueryOptions(soap);
      soap->header->sforce__QueryOptions->batchSize = soap_new_int(soap);
      *soap->header->sforce__QueryOptions->batchSize = call.batch_size;
    }
    if (call.all_or_none.has_value()) {
      soap->header->sforce__AllOrNoneHeader = soap_new__sforce__AllOrNoneHeader(soap);
      soap->header->sforce__AllOrNoneHeader->allOrNone = *call.all_or_none;
    }
  }

  void ReadResponseHeaders(Call& call) {
    const SOAP_ENV__Header* header = proxy_.soap->header;
    if (header == nullptr || header->sforce__LimitInfoHeader == nullptr) return;
    for (const sforce__LimitInfo* info : header->sforce__LimitInfoHeader->limitInfo) {
      if (info != nullptr && info->type == "API REQUESTS") {
        call.api_usage = ApiUsage{info->current, info->limit};
      }
    }
  }

  Status BuildSObjects(std::span<const Record> records, std::vector<sobj__sObject*>* out) {
    struct soap* soap = proxy_.soap;
    for (const Record& record : records) {
      Result<EncodedRecord> encoded = EncodeRecord(record);
      if (!encoded.ok()) {
        proxy_.destroy();
        return encoded.status();
      }
      sobj__sObject* object = soap_new_sobj__sObject(soap);
      object->type = record.type();
      if (!record.id().empty()) {
        object->Id = soap_new_std__string(soap);
        *object->Id = record.id();
      }
      object->fieldsToNull = encoded->fields_to_null;
      for (const std::string& fragment : encoded->fragments) {
        // _XML is written verbatim and must live until the call is sent: soap-owned copies.
        object->__any.push_back(soap_strdup(soap, fragment.c_str()));
      }
      out->push_back(object);
    }
    return Status();
  }

  template <typename ResultT>
  static Result<std::vector<SaveOutcome>> Outcomes(const std::vector<ResultT*>& results,
                                                   size_t expected) {
    if (results.size() != expected) {
      return Status(ErrorCode::kInternal, "Salesforce returned " + std::to_string(results.size()) +
                                              " results for " + std::to_string(expected) +
                                              " records");
    }
    std::vector<SaveOutcome> out;
    out.reserve(results.size());
    for (const ResultT* result : results) {
      if (result == nullptr) return Status(ErrorCode::kInternal, "nil save result");
      out.push_back(ToOutcome(*result));
    }
    return out;
  }

  // Sends, receives and converts one call, then frees everything gSOAP allocated for it.
  template <typename T, typename Send, typename Recv, typename Convert>
  Result<T> Invoke(Call& call, Send send, Recv recv, Convert convert) {
    struct soap* soap = proxy_.soap;
    std::istringstream replay_in;
    std::ostringstream replay_out;
    if (replay_) {
      if (next_response_ >= responses_.size()) {
        proxy_.destroy();
        return Status(ErrorCode::kTransport, "replay: no canned response left");
      }
      replay_in.str(responses_[next_response_++]);
      soap->is = &replay_in;
      soap->os = &replay_out;
    }
    trace_buffer_.clear();
    capturing_response_ = false;
    PrepareHeaders(call);
    bool sent = false;
    // Replay: no endpoint, so gSOAP writes the request to soap->os instead of connecting.
    int rc = send(replay_ ? "" : call.endpoint.c_str());
    if (replay_ && requests_ != nullptr) requests_->push_back(replay_out.str());
    Trace("request");
    if (rc == SOAP_OK) {
      sent = true;
      trace_buffer_.clear();
      rc = recv();
      Trace("response");
    }
    Result<T> result = rc == SOAP_OK ? Result<T>(convert()) : Result<T>(Failure(rc, sent));
    if (rc == SOAP_OK) ReadResponseHeaders(call);
    if (replay_) {
      soap->is = nullptr;
      soap->os = nullptr;
    }
    proxy_.destroy();
    return result;
  }

  static std::string FaultText(struct soap* soap) {
    // gSOAP fills in the fault text of transport errors (EOF, connect, TLS) only on demand.
    soap_set_fault(soap);
    std::string text;
    const char** string = soap_faultstring(soap);
    if (string != nullptr && *string != nullptr) text = *string;
    const char** detail = soap_faultdetail(soap);
    if (detail != nullptr && *detail != nullptr && **detail != '\0') {
      if (!text.empty()) text += ": ";
      text += *detail;
    }
    return text;
  }

  // Maps a failed call to a Status. `sent`: the whole request went out.
  Status Failure(int rc, bool sent) {
    struct soap* soap = proxy_.soap;
    ErrorDetails details;
    details.http_status = soap->status >= 100 && soap->status < 600 ? soap->status : 0;
    details.sys_errno = soap->errnum;
    if (soap_soap_error_check(rc) && soap->fault != nullptr) {
      FaultInfo fault;
      fault.http_status = details.http_status;
      if (soap->fault->faultcode != nullptr) fault.faultcode = soap->fault->faultcode;
      if (soap->fault->faultstring != nullptr) fault.faultstring = soap->fault->faultstring;
      if (const SOAP_ENV__Detail* detail = soap->fault->detail; detail != nullptr) {
        const fault__ApiFault* api = nullptr;
        const fault__ApiQueryFault* query = nullptr;
        if (detail->fault__LoginFault_) api = detail->fault__LoginFault_;
        if (detail->fault__UnexpectedErrorFault_) api = detail->fault__UnexpectedErrorFault_;
        if (detail->fault__InvalidIdFault_) api = detail->fault__InvalidIdFault_;
        if (detail->fault__InvalidQueryLocatorFault_) api = detail->fault__InvalidQueryLocatorFault_;
        if (detail->fault__InvalidFieldFault_) api = query = detail->fault__InvalidFieldFault_;
        if (detail->fault__InvalidSObjectFault_) api = query = detail->fault__InvalidSObjectFault_;
        if (detail->fault__MalformedQueryFault_) api = query = detail->fault__MalformedQueryFault_;
        if (api != nullptr) {
          fault.exception_code = api->exceptionCode;
          fault.exception_message = api->exceptionMessage;
        }
        if (query != nullptr) {
          fault.row = query->row;
          fault.column = query->column;
        }
      }
      fault.faultstring = Clip(fault.faultstring);
      fault.exception_message = Clip(fault.exception_message);
      // A fault is a complete answer: Salesforce refused the call as a whole.
      return StatusFromFault(fault);
    }
    std::string text = Clip(FaultText(soap));
    // One line: OpenSSL's reasons come as several.
    for (char& c : text) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    if (soap_http_error_check(rc)) {
      // An HTTP error without a SOAP body (a proxy, a load balancer, a maintenance page).
      // 502/504 come from a gateway that may have passed the request on.
      details.request_may_have_arrived = sent && (rc == 500 || rc == 502 || rc == 504);
      if (details.http_status == 0 && rc >= 100 && rc < 600) details.http_status = rc;
      if (details.http_status == 407) {
        return Status(ErrorCode::kTransport, "the proxy refused the credentials", details);
      }
      return Status(ErrorCode::kTransport,
                    "HTTP " + std::to_string(details.http_status) + " without a SOAP answer",
                    details);
    }
    if (soap_ssl_error_check(rc)) {
      details.tls_reason = text.empty() ? "TLS failure" : text;
      unsigned long ssl_error = ERR_peek_last_error();
      if (ssl_error != 0) {
        const char* reason = ERR_reason_error_string(ssl_error);
        if (reason != nullptr) details.tls_reason = reason;
      }
      ERR_clear_error();
      details.request_may_have_arrived = sent;
      return Status(ErrorCode::kTransport, "TLS: " + text, details);
    }
    if (soap_xml_error_check(rc)) {
      // Something answered, but not with a response we can read.
      details.request_may_have_arrived = sent;
      return Status(ErrorCode::kInternal, "unreadable response: " + text, details);
    }
    bool timed_out = text.find("imeout") != std::string::npos ||
                     text.find("timed out") != std::string::npos || soap->errnum == ETIMEDOUT;
    details.request_may_have_arrived = sent;
    if (text.find("max message length exceeded") != std::string::npos) {
      return Status(ErrorCode::kTransport,
                    "response larger than max_response_bytes (" +
                        std::to_string(options_.max_response_bytes) + ")",
                    details);
    }
    std::string where = sent ? "after the request was sent" : "before the request was sent";
    if (timed_out && !sent) {
      return Status(ErrorCode::kTimeout, "timed out " + where + ": " + text, details);
    }
    return Status(ErrorCode::kTransport,
                  (text.empty() ? std::string("connection failed") : text) + " (" + where + ")",
                  details);
  }

  void Trace(std::string_view direction) {
    if (!options_.trace || trace_buffer_.empty()) return;
    options_.trace(direction, RedactSecrets(trace_buffer_));
    trace_buffer_.clear();
  }

  static int OnSend(struct soap* soap, const char* data, size_t length) {
    auto* self = static_cast<GsoapStub*>(soap->user);
    self->trace_buffer_.append(data, length);
    return self->default_fpreparesend_ ? self->default_fpreparesend_(soap, data, length) : SOAP_OK;
  }

  // fpreparerecv also sees the raw HTTP header block; the body (inflated, de-chunked) is
  // handed over again once fparse has read the header, so capture starts there.
  static int OnParseHttpHeader(struct soap* soap) {
    auto* self = static_cast<GsoapStub*>(soap->user);
    int rc = self->default_fparse_ ? self->default_fparse_(soap) : SOAP_OK;
    self->trace_buffer_.clear();
    self->capturing_response_ = true;
    return rc;
  }

  static int OnRecv(struct soap* soap, const char* data, size_t length) {
    auto* self = static_cast<GsoapStub*>(soap->user);
    if (self->capturing_response_) self->trace_buffer_.append(data, length);
    return self->default_fpreparerecv_ ? self->default_fpreparerecv_(soap, data, length) : SOAP_OK;
  }

  SoapBindingProxy proxy_;
  TransportOptions options_;
  bool replay_ = false;
  std::vector<std::string> responses_;
  size_t next_response_ = 0;
  std::vector<std::string>* requests_ = nullptr;
  std::string trace_buffer_;
  int (*default_fpreparesend_)(struct soap*, const char*, size_t) = nullptr;
  int (*default_fpreparerecv_)(struct soap*, const char*, size_t) = nullptr;
  int (*default_fparse_)(struct soap*) = nullptr;
  bool capturing_response_ = false;
};

}  // namespace

Result<std::unique_ptr<PartnerStub>> MakeGsoapStub(const TransportOptions& options) {
  auto stub = std::make_unique<GsoapStub>(options, false);
  if (Status tls = stub->InitTls(); !tls.ok()) return tls;
  return std::unique_ptr<PartnerStub>(std::move(stub));
}

std::unique_ptr<PartnerStub> MakeReplayStub(const TransportOptions& options,
                                            std::vector<std::string> responses,
                                            std::vector<std::string>* requests) {
  auto stub = std::make_unique<GsoapStub>(options, true);
  stub->SetReplay(std::move(responses), requests);
  return stub;
}

}  // namespace pushforce::internal
