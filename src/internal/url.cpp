// SPDX-License-Identifier: GPL-2.0-or-later
// Endpoint URL handling for login() and attached sessions.
#include "internal/url.hpp"

namespace pushforce::internal {
namespace {

constexpr std::string_view kSoapPath = "/services/Soap/u/";

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

// Splits scheme://authority/path and checks what a SOAP endpoint needs. On success
// `base` is scheme://authority (scheme lower-cased) and `path` the rest without a trailing '/'.
Status SplitUrl(std::string_view url, std::string* base, std::string* path) {
  auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidInput, "invalid URL '" + std::string(url) + "': " + why);
  };
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return bad("contains white space");
  std::string scheme;
  if (StartsWithIgnoreCase(url, "https://")) {
    scheme = "https://";
  } else if (StartsWithIgnoreCase(url, "http://")) {
    scheme = "http://";
  } else {
    return bad("expected https://host[:port]");
  }
  std::string_view rest = url.substr(scheme.size());
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return bad("no host");
  if (authority.find('@') != std::string_view::npos) return bad("user info is not allowed in the URL");
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    host = host.substr(0, close + 1);
  } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)
      return bad("invalid port");
    host = host.substr(0, colon);
  }
  if (host.empty()) return bad("no host");
  if (scheme == "http://" && !IsLoopbackHost(host)) {
    // Passwords and session ids must not cross a network in clear text.
    return bad("plain http is allowed only for localhost; use https://");
  }
  std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (!tail.empty() && (tail.front() == '?' || tail.front() == '#')) return bad("query strings are not allowed");
  if (tail.find_first_of("?#") != std::string_view::npos) return bad("query strings are not allowed");
  while (!tail.empty() && tail.back() == '/') tail.remove_suffix(1);
  *base = scheme + std::string(authority);
  *path = std::string(tail);
  return Status();
}

Result<std::string> Endpoint(std::string_view url, std::string_view api_version) {
  if (!IsApiVersion(api_version)) {
    return Status(ErrorCode::kInvalidInput,
                  "invalid API version '" + std::string(api_version) + "': expected NN.0, e.g. 64.0");
  }
  std::string base, path;
  Status split = SplitUrl(url, &base, &path);
  if (!split.ok()) return split;
  if (path.empty()) return base + std::string(kSoapPath) + std::string(api_version);
  if (path.rfind(kSoapPath, 0) == 0) {
    std::string_view version = std::string_view(path).substr(kSoapPath.size());
    version = version.substr(0, version.find('/'));
    if (!IsApiVersion(version)) {
      return Status(ErrorCode::kInvalidInput,
                    "invalid URL '" + std::string(url) + "': no API version after /services/Soap/u/");
    }
    return base + path;
  }
  if (path.rfind("/services/Soap/", 0) == 0) {
    return Status(ErrorCode::kInvalidInput,
                  "invalid URL '" + std::string(url) +
                      "': pushforce speaks the partner API (/services/Soap/u/NN.0), not this endpoint");
  }
  return Status(ErrorCode::kInvalidInput,
                "invalid URL '" + std::string(url) +
                    "': give https://host[:port] or a full …/services/Soap/u/NN.0 endpoint");
}

}  // namespace

bool IsApiVersion(std::string_view version) {
  size_t dot = version.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == version.size()) return false;
  for (size_t i = 0; i < version.size(); ++i) {
    if (i == dot) continue;
    if (version[i] < '0' || version[i] > '9') return false;
  }
  return dot <= 3 && version.size() - dot - 1 <= 2;
}

Result<std::string> LoginEndpoint(std::string_view login_url, std::string_view api_version) {
  return Endpoint(login_url, api_version);
}

Result<std::string> SessionEndpoint(std::string_view instance_url, std::string_view api_version) {
  return Endpoint(instance_url, api_version);
}

std::string InstanceUrl(std::string_view server_url) {
  size_t services = server_url.find("/services/");
  std::string_view base = services == std::string_view::npos ? server_url : server_url.substr(0, services);
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

}  // namespace pushforce::internal
