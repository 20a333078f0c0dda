// SPDX-License-Identifier: GPL-2.0-or-later
// The gSOAP adapter of the fake org: generated request decoding, raw Salesforce-shaped answers.
#include "service.hpp"

#include <chrono>
#include <thread>

#include <pugixml.hpp>

#include "org.hpp"
#include "soapSoapBindingService.h"

namespace pushforce::fakeorg {
namespace {

std::string LocalName(const char* name) {
  std::string n = name;
  std::size_t colon = n.find(':');
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

class PartnerService : public SoapBindingService {
 public:
  PartnerService(struct soap* soap, Org& org, int latency_ms)
      : SoapBindingService(soap), org_(org), latency_ms_(latency_ms) {}

  int login(_sforce__login* req, _sforce__loginResponse&) override {
    return Send(org_.Login(Context(), req->username, req->password));
  }
  int logout(_sforce__logout*, _sforce__logoutResponse&) override {
    return Send(org_.Logout(Context()));
  }
  int getUserInfo(_sforce__getUserInfo*, _sforce__getUserInfoResponse&) override {
    return Send(org_.GetUserInfo(Context()));
  }
  int getServerTimestamp(_sforce__getServerTimestamp*,
                         _sforce__getServerTimestampResponse&) override {
    return Send(org_.GetServerTimestamp(Context()));
  }
  int query(_sforce__query* req, _sforce__queryResponse&) override {
    return Send(org_.Query(Context(), req->queryString, false));
  }
  int queryAll(_sforce__queryAll* req, _sforce__queryAllResponse&) override {
    return Send(org_.Query(Context(), req->queryString, true));
  }
  int queryMore(_sforce__queryMore* req, _sforce__queryMoreResponse&) override {
    return Send(org_.QueryMore(Context(), req->queryLocator));
  }
  int create(_sforce__create* req, _sforce__createResponse&) override {
    return Send(org_.Create(Context(), Records(req->sObjects)));
  }
  int update(_sforce__update* req, _sforce__updateResponse&) override {
    return Send(org_.Update(Context(), Records(req->sObjects)));
  }
  int upsert(_sforce__upsert* req, _sforce__upsertResponse&) override {
    return Send(org_.Upsert(Context(), req->externalIDFieldName, Records(req->sObjects)));
  }
  int delete_(_sforce__delete* req, _sforce__deleteResponse&) override {
    return Send(org_.Delete(Context(), req->ids));
  }
  int retrieve(_sforce__retrieve* req, _sforce__retrieveResponse&) override {
    return Send(org_.Retrieve(Context(), req->fieldList, req->sObjectType, req->ids));
  }
  int describeSObject(_sforce__describeSObject* req,
                      _sforce__describeSObjectResponse&) override {
    return Send(org_.DescribeSObjects(Context(), {req->sObjectType}, true));
  }
  int describeSObjects(_sforce__describeSObjects* req,
                       _sforce__describeSObjectsResponse&) override {
    return Send(org_.DescribeSObjects(Context(), req->sObjectType, false));
  }

 private:
  CallContext Context() {
    CallContext ctx;
    ctx.path = soap->path;
    std::size_t query = ctx.path.find('?');
    if (query != std::string::npos) ctx.path.resize(query);
    if (soap->header != nullptr) {
      if (soap->header->sforce__SessionHeader != nullptr) {
        ctx.session_id = soap->header->sforce__SessionHeader->sessionId;
      }
      if (soap->header->sforce__QueryOptions != nullptr &&
          soap->header->sforce__QueryOptions->batchSize != nullptr) {
        ctx.batch_size = *soap->header->sforce__QueryOptions->batchSize;
      }
      if (soap->header->sforce__AllOrNoneHeader != nullptr) {
        ctx.all_or_none = soap->header->sforce__AllOrNoneHeader->allOrNone;
      }
    }
    // gSOAP would echo the request headers into the response; never send them back.
    soap->header = nullptr;
    return ctx;
  }

  std::vector<InputRecord> Records(const std::vector<sobj__sObject*>& objects) {
    std::vector<InputRecord> out;
    for (const sobj__sObject* o : objects) {
      InputRecord r;
      if (o == nullptr) {
        out.push_back(r);
        continue;
      }
      r.type = o->type;
      if (o->Id != nullptr) r.id = *o->Id;
      r.fields_to_null = o->fieldsToNull;
      for (const char* fragment : o->__any) {
        if (fragment == nullptr) continue;
        pugi::xml_document doc;
        if (!doc.load_string(fragment, pugi::parse_default | pugi::parse_fragment)) continue;
        for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling()) {
          if (n.type() != pugi::node_element) continue;
          std::string name = LocalName(n.name());
          bool nil = false;
          for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
            if (LocalName(a.name()) == "nil" && std::string(a.value()) == "true") nil = true;
          }
          // A second Id among the fields (the partner quirk, echoed back) is the record's Id.
          if (name == "Id") {
            if (!r.id && !nil) r.id = n.text().get();
            continue;
          }
          if (nil) {
            r.fields.emplace_back(name, std::nullopt);
          } else {
            r.fields.emplace_back(name, std::string(n.text().get()));
          }
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  int Send(const ApiResponse& response) {
    if (latency_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms_));
    soap->header = nullptr;
    soap->http_content = "text/xml; charset=utf-8";
    if (soap_response(soap, SOAP_FILE + response.http_status) ||
        soap_send_raw(soap, response.body.data(), response.body.size()) || soap_end_send(soap)) {
      return soap->error;
    }
    // The answer is on the wire; SOAP_STOP tells the generated loop not to send another.
    return SOAP_STOP;
  }

  Org& org_;
  int latency_ms_;
};

}  // namespace

void ServeConnection(struct soap* soap, Org& org, int latency_ms) {
  PartnerService service(soap, org, latency_ms);
  // The generated serve() loop, plus freeing each request's memory between keep-alive calls.
  soap->keep_alive = soap->max_keep_alive + 1;
  do {
    if (soap->keep_alive > 0 && soap->max_keep_alive > 0) soap->keep_alive--;
    if (soap_begin_serve(soap)) {
      if (soap->error >= SOAP_STOP) continue;
      break;
    }
    if (service.dispatch() && soap->error && soap->error < SOAP_STOP) {
      soap->header = nullptr;
      soap_send_fault(soap);
      break;
    }
    soap_destroy(soap);
    soap_end(soap);
  } while (soap->keep_alive);
  soap_destroy(soap);
  soap_end(soap);
}

}  // namespace pushforce::fakeorg
