// SPDX-License-Identifier: GPL-2.0-or-later
// A raw Partner SOAP client over the generated proxy, for tests of the fake org itself (they
// must not depend on the session layer they are meant to test against).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "soapSoapBindingProxy.h"
#include "support/fake_org.hpp"

namespace pushforce::test {

class RawClient {
 public:
  explicit RawClient(const FakeOrg& org, const std::string& ca_file = "",
                     const std::string& api_version = "64.0")
      : url_(org.login_url() + "/services/Soap/u/" + api_version) {
    soap_set_mode(proxy_.soap, SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE);
    proxy_.soap->connect_timeout = 10;
    proxy_.soap->recv_timeout = 60;
    proxy_.soap->send_timeout = 60;
    std::string ca = ca_file.empty() ? org.ca_file() : ca_file;
    if (!ca.empty()) {
      soap_ssl_client_context(proxy_.soap, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3,
                              nullptr, nullptr, ca.c_str(), nullptr, nullptr);
    }
    proxy_.soap_endpoint = url_.c_str();
  }

  int Login(const std::string& username, const std::string& password) {
    _sforce__login req;
    req.username = username;
    req.password = password;
    proxy_.soap->header = nullptr;
    int rc = proxy_.login(&req, login_);
    if (rc == SOAP_OK && login_.result != nullptr && login_.result->sessionId != nullptr) {
      session_ = *login_.result->sessionId;
      server_url_ = *login_.result->serverUrl;
      proxy_.soap_endpoint = server_url_.c_str();
    }
    return rc;
  }
  int LoginAs(const FakeOrg& org) {
    return Login(org.info()["username"], org.info()["password"].get<std::string>() +
                                             org.info()["security_token"].get<std::string>());
  }

  // SessionHeader (and QueryOptions, AllOrNoneHeader) before every call: gSOAP replaces
  // soap->header with the response's.
  void Headers(std::optional<int> batch_size = std::nullopt, bool all_or_none = false) {
    struct soap* s = proxy_.soap;
    s->header = soap_new_SOAP_ENV__Header(s);
    s->header->sforce__SessionHeader = soap_new__sforce__SessionHeader(s);
    s->header->sforce__SessionHeader->sessionId = session_;
    if (batch_size) {
      s->header->sforce__QueryOptions = soap_new__sforce__QueryOptions(s);
      s->header->sforce__QueryOptions->batchSize = soap_new_int(s);
      *s->header->sforce__QueryOptions->batchSize = *batch_size;
    }
    if (all_or_none) {
      s->header->sforce__AllOrNoneHeader = soap_new__sforce__AllOrNoneHeader(s);
      s->header->sforce__AllOrNoneHeader->allOrNone = true;
    }
  }

  int Query(const std::string& soql, _sforce__queryResponse& out,
            std::optional<int> batch_size = std::nullopt) {
    Headers(batch_size);
    _sforce__query req;
    req.queryString = soql;
    return proxy_.query(&req, out);
  }
  int QueryMore(const std::string& locator, _sforce__queryMoreResponse& out,
                std::optional<int> batch_size = std::nullopt) {
    Headers(batch_size);
    _sforce__queryMore req;
    req.queryLocator = locator;
    return proxy_.queryMore(&req, out);
  }

  // A new sObject of `type` with the given fields (values escaped here).
  sobj__sObject* Record(const std::string& type,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::optional<std::string>& id = std::nullopt) {
    auto* o = soap_new_sobj__sObject(proxy_.soap);
    o->type = type;
    if (id) o->Id = soap_new_std__string(proxy_.soap), *o->Id = *id;
    for (const auto& [name, value] : fields) {
      std::string escaped;
      for (char c : value) {
        if (c == '<') escaped += "&lt;";
        else if (c == '&') escaped += "&amp;";
        else escaped.push_back(c);
      }
      std::string xml = "<" + name + " xmlns=\"urn:sobject.partner.soap.sforce.com\">" + escaped +
                        "</" + name + ">";
      o->__any.push_back(soap_strdup(proxy_.soap, xml.c_str()));
    }
    return o;
  }
  int Create(const std::vector<sobj__sObject*>& records, _sforce__createResponse& out,
             bool all_or_none = false) {
    Headers(std::nullopt, all_or_none);
    _sforce__create req;
    req.sObjects = records;
    return proxy_.create(&req, out);
  }
  int Update(const std::vector<sobj__sObject*>& records, _sforce__updateResponse& out) {
    Headers();
    _sforce__update req;
    req.sObjects = records;
    return proxy_.update(&req, out);
  }

  // The exceptionCode of the last fault, without the prefix gSOAP rewrites.
  std::string FaultCode() {
    const char** code = soap_faultcode(proxy_.soap);
    if (code == nullptr || *code == nullptr) return "";
    std::string c = *code;
    return c.substr(c.rfind(':') + 1);
  }
  std::string FaultString() {
    const char** s = soap_faultstring(proxy_.soap);
    return s != nullptr && *s != nullptr ? *s : "";
  }

  SoapBindingProxy& proxy() { return proxy_; }
  const std::string& session() const { return session_; }
  const std::string& server_url() const { return server_url_; }
  _sforce__loginResponse& login_response() { return login_; }

 private:
  std::string url_;
  std::string server_url_;
  std::string session_;
  SoapBindingProxy proxy_;
  _sforce__loginResponse login_;
};

// Field values of a partner sObject, by local name, from its __any fragments.
inline std::vector<std::string> FieldFragments(const sobj__sObject* o, const std::string& name) {
  std::vector<std::string> out;
  for (const char* fragment : o->__any) {
    pugi::xml_document doc;
    doc.load_string(fragment, pugi::parse_default | pugi::parse_fragment);
    pugi::xml_node n = doc.first_child();
    std::string local = n.name();
    local = local.substr(local.find(':') + 1);
    if (local == name) out.push_back(fragment);
  }
  return out;
}

inline std::optional<std::string> FieldText(const sobj__sObject* o, const std::string& name) {
  for (const auto& fragment : FieldFragments(o, name)) {
    pugi::xml_document doc;
    doc.load_string(fragment.c_str(), pugi::parse_default | pugi::parse_fragment);
    pugi::xml_node n = doc.first_child();
    if (std::string(n.attribute("xsi:nil").value()) == "true") return std::nullopt;
    return std::string(n.text().get());
  }
  return std::nullopt;
}

}  // namespace pushforce::test
