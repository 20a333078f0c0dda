// SPDX-License-Identifier: GPL-2.0-or-later
// Secret redaction for traces.
#include "internal/redact.hpp"

#include <array>

namespace pushforce::internal {
namespace {

// Local names of elements whose text is a secret. The security token travels inside <password>;
// an OAuth access token travels as <sessionId>.
constexpr std::array<std::string_view, 2> kSecretElements = {"sessionId", "password"};

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == ':';
}

bool IsSecretName(std::string_view qname) {
  size_t colon = qname.rfind(':');
  std::string_view local = colon == std::string_view::npos ? qname : qname.substr(colon + 1);
  for (std::string_view secret : kSecretElements) {
    if (local == secret) return true;
  }
  return false;
}

std::string RedactHeaders(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos + 1);
    size_t colon = line.find(':');
    std::string name(line.substr(0, colon == std::string_view::npos ? 0 : colon));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (name == "authorization" || name == "proxy-authorization") {
      out += std::string(line.substr(0, colon + 1)) + " " + std::string(kRedacted);
      if (line.size() >= 2 && line[line.size() - 2] == '\r') out += "\r";
      if (!line.empty() && line.back() == '\n') out += "\n";
    } else {
      out += line;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string RedactSecrets(std::string_view message) {
  // HTTP header lines, when the message carries them, come before the first '<'.
  size_t first_tag = message.find('<');
  std::string out = RedactHeaders(message.substr(0, first_tag));
  if (first_tag == std::string_view::npos) return out;
  std::string_view xml = message.substr(first_tag);
  size_t pos = 0;
  while (pos < xml.size()) {
    size_t open = xml.find('<', pos);
    if (open == std::string_view::npos) {
      out += xml.substr(pos);
      break;
    }
    size_t name_end = open + 1;
    while (name_end < xml.size() && IsNameChar(xml[name_end])) ++name_end;
    std::string_view name = xml.substr(open + 1, name_end - open - 1);
    size_t tag_end = xml.find('>', name_end);
    if (name.empty() || !IsSecretName(name) || tag_end == std::string_view::npos ||
        xml[tag_end - 1] == '/') {
      size_t next = tag_end == std::string_view::npos ? xml.size() : tag_end + 1;
      out += xml.substr(pos, next - pos);
      pos = next;
      continue;
    }
    out += xml.substr(pos, tag_end + 1 - pos);
    std::string closing = "</" + std::string(name);
    size_t close = xml.find(closing, tag_end + 1);
    out += kRedacted;
    if (close == std::string_view::npos) return out;  // cut: never show a partial secret
    pos = close;
  }
  return out;
}

}  // namespace pushforce::internal
