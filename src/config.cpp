// SPDX-License-Identifier: GPL-2.0-or-later
// Java properties, Data Loader and Ant configs, sf org JSON, environment and flag precedence.
#include "pushforce/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace pushforce {
namespace {

Status LineError(const std::string& source, int line, const std::string& message) {
  return Status(ErrorCode::kInvalidInput, source + ":" + std::to_string(line) + ": " + message);
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Decodes escapes of a key or value; kInvalidInput for a malformed \uXXXX.
Result<std::string> Unescape(std::string_view raw, const std::string& source, int line) {
  std::string out;
  std::uint32_t pending_high = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out.push_back(c);
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        if (i + 4 >= raw.size()) {
          return LineError(source, line, "malformed \\uXXXX escape");
        }
        std::uint32_t cp = 0;
        auto [end, ec] = std::from_chars(raw.data() + i + 1, raw.data() + i + 5, cp, 16);
        if (ec != std::errc() || end != raw.data() + i + 5) {
          return LineError(source, line, "malformed \\uXXXX escape");
        }
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          pending_high = cp;
          continue;
        }
        if (cp >= 0xDC00 && cp < 0xE000 && pending_high != 0) {
          cp = 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00);
        }
        pending_high = 0;
        AppendUtf8(out, cp);
        break;
      }
      default: out.push_back(e); break;
    }
  }
  return out;
}

Result<std::int64_t> ParseSeconds(const Property& p, const std::string& source) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(p.value.data(), p.value.data() + p.value.size(), value);
  if (ec != std::errc() || end != p.value.data() + p.value.size() || value < 0) {
    return LineError(source, p.line, p.key + ": a non-negative integer expected");
  }
  return value;
}

Result<bool> ParseBool(const Property& p, const std::string& source) {
  std::string v = Lower(p.value);
  if (v == "true") return true;
  if (v == "false" || v.empty()) return false;
  return LineError(source, p.line, p.key + ": true or false expected");
}

bool LooksEncrypted(std::string_view value) {
  return value.size() >= 32 && value.size() % 2 == 0 &&
         std::all_of(value.begin(), value.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string ReadAll(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::string> ReadText(const std::string& path, const char* what) {
  if (path == "-") return ReadAll(std::cin);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kInvalidInput, path + ": cannot read the " + what);
  return ReadAll(in);
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && end == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

const Property* Properties::Find(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

Result<Properties> ParseProperties(std::string_view text, std::string source) {
  Properties result;
  result.source = source;
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  // Natural lines.
  std::vector<std::string> lines;
  {
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '\r' || c == '\n') {
        lines.push_back(current);
        current.clear();
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        current.push_back(c);
      }
    }
    if (!current.empty()) lines.push_back(current);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    int start_line = static_cast<int>(i) + 1;
    std::string_view natural = lines[i];
    std::size_t first = 0;
    while (first < natural.size() && IsBlank(natural[first])) ++first;
    if (first == natural.size()) continue;
    if (natural[first] == '#' || natural[first] == '!') continue;
    // Join continuation lines: an odd number of trailing backslashes.
    std::string logical(natural.substr(first));
    auto continues = [](const std::string& s) {
      std::size_t n = 0;
      while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
      return n % 2 == 1;
    };
    while (continues(logical) && i + 1 < lines.size()) {
      logical.pop_back();
      std::string_view next = lines[++i];
      std::size_t skip = 0;
      while (skip < next.size() && IsBlank(next[skip])) ++skip;
      logical += next.substr(skip);
    }
    if (continues(logical)) logical.pop_back();
    // Key: up to an unescaped '=', ':' or blank.
    std::size_t k = 0;
    while (k < logical.size()) {
      char c = logical[k];
      if (c == '\\') {
        k += 2;
        continue;
      }
      if (c == '=' || c == ':' || IsBlank(c)) break;
      ++k;
    }
    k = std::min(k, logical.size());
    std::string raw_key = logical.substr(0, k);
    std::size_t v = k;
    while (v < logical.size() && IsBlank(logical[v])) ++v;
    if (v < logical.size() && (logical[v] == '=' || logical[v] == ':')) ++v;
    while (v < logical.size() && IsBlank(logical[v])) ++v;
    Result<std::string> key = Unescape(raw_key, source, start_line);
    if (!key.ok()) return key.status();
    Result<std::string> value = Unescape(std::string_view(logical).substr(v), source, start_line);
    if (!value.ok()) return value.status();
    result.entries.push_back({*key, *value, start_line});
  }
  return result;
}

Result<ToolConfig> ParseToolConfig(const Properties& properties) {
  const std::string& source = properties.source;
  bool data_loader = false;
  bool ant = false;
  for (const Property& p : properties.entries) {
    if (StartsWith(p.key, "sfdc.") || StartsWith(p.key, "sfdcInternal.") ||
        StartsWith(p.key, "process.") || StartsWith(p.key, "dataAccess.")) {
      data_loader = true;
    } else if (StartsWith(p.key, "sf.")) {
      ant = true;
    }
  }
  if (data_loader && ant) {
    return Status(ErrorCode::kInvalidInput,
                  source + ": mixes Data Loader (sfdc.*) and Ant Migration Tool (sf.*) keys");
  }
  if (!data_loader && !ant) {
    return Status(ErrorCode::kInvalidInput,
                  source + ": neither Data Loader (sfdc.*) nor Ant Migration Tool (sf.*) keys found");
  }
  ToolConfig config;
  ConnectionSettings& s = config.settings;
  s.origin = source;
  auto value = [&](std::string_view key) -> const Property* {
    const Property* p = properties.Find(key);
    return p != nullptr && !p->value.empty() ? p : nullptr;
  };
  if (ant) {
    config.kind = ConfigKind::kAntMigrationTool;
    if (auto* p = value("sf.username")) s.username = p->value;
    if (auto* p = value("sf.password")) s.password = p->value;
    if (auto* p = value("sf.sessionId")) {
      s.session_id = p->value;
      if (auto* url = value("sf.serverurl")) s.instance_url = url->value;
    } else if (auto* url = value("sf.serverurl")) {
      s.login_url = url->value;
    }
    return config;
  }
  config.kind = ConfigKind::kDataLoader;
  if (auto* p = value("sfdc.endpoint")) {
    s.login_url = p->value;
  } else if (auto* p = value("sfdc.endpoint.Production")) {
    s.login_url = p->value;
  }
  if (auto* p = value("sfdc.username")) s.username = p->value;
  if (auto* p = value("sfdc.password")) {
    const Property* key_file = value("process.encryptionKeyFile");
    if (key_file != nullptr || LooksEncrypted(p->value)) {
      s.unusable_password =
          source + ":" + std::to_string(p->line) +
          ": sfdc.password is encrypted (Data Loader encrypt.sh" +
          (key_file != nullptr ? ", process.encryptionKeyFile" : "") +
          "); pushforce does not decrypt it: give the password with --password or SF_PASSWORD";
    } else {
      s.password = p->value;
    }
  }
  const Property* session_login = value("sfdcInternal.isSessionIdLogin");
  if (session_login != nullptr) {
    Result<bool> on = ParseBool(*session_login, source);
    if (!on.ok()) return on.status();
    if (*on) {
      if (auto* p = value("sfdcInternal.sessionId")) s.session_id = p->value;
      s.instance_url = s.login_url;
      s.login_url.reset();
    }
  }
  if (auto* host = value("sfdc.proxyHost")) {
    ProxyOptions proxy;
    proxy.host = host->value;
    proxy.port = 8080;
    if (auto* port = value("sfdc.proxyPort")) {
      Result<std::int64_t> n = ParseSeconds(*port, source);
      if (!n.ok() || *n < 1 || *n > 65535) {
        return LineError(source, port->line, "sfdc.proxyPort: a port number 1..65535 expected");
      }
      proxy.port = static_cast<int>(*n);
    }
    if (auto* p = value("sfdc.proxyUsername")) proxy.user = p->value;
    if (auto* p = value("sfdc.proxyPassword")) proxy.password = p->value;
    s.proxy = proxy;
  }
  if (auto* p = value("sfdc.proxyNtlmDomain")) {
    config.warnings.push_back(source + ":" + std::to_string(p->line) +
                              ": sfdc.proxyNtlmDomain is ignored: NTLM proxies are not supported");
  }
  if (auto* p = value("sfdc.timeoutSecs")) {
    Result<std::int64_t> n = ParseSeconds(*p, source);
    if (!n.ok()) return n.status();
    s.receive_timeout = std::chrono::seconds(*n);
  }
  if (auto* p = value("sfdc.connectionTimeoutSecs")) {
    Result<std::int64_t> n = ParseSeconds(*p, source);
    if (!n.ok()) return n.status();
    s.connect_timeout = std::chrono::seconds(*n);
  }
  if (auto* p = value("sfdc.noCompression")) {
    Result<bool> off = ParseBool(*p, source);
    if (!off.ok()) return off.status();
    s.gzip_requests = !*off;
  }
  if (auto* p = value("sfdc.debugMessages")) {
    Result<bool> on = ParseBool(*p, source);
    if (!on.ok()) return on.status();
    if (*on) {
      const Property* file = value("sfdc.debugMessagesFile");
      s.trace_file = file != nullptr ? file->value : std::string("-");
    }
  }
  return config;
}

Result<ToolConfig> LoadToolConfig(const std::string& path) {
  Result<std::string> text = ReadText(path, "config file");
  if (!text.ok()) return text.status();
  Result<Properties> properties = ParseProperties(*text, path);
  if (!properties.ok()) return properties.status();
  return ParseToolConfig(*properties);
}

Result<ConnectionSettings> ParseSfOrgJson(std::string_view text, std::string source) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(ErrorCode::kInvalidInput,
                  source + ": not JSON from `sf org display --json`");
  }
  if (doc.contains("status") && doc["status"].is_number() && doc["status"].get<int>() != 0) {
    std::string message = doc.value("message", std::string("sf reported an error"));
    return Status(ErrorCode::kInvalidInput, source + ": sf reported status " +
                                                std::to_string(doc["status"].get<int>()) + ": " +
                                                message);
  }
  const nlohmann::json* result = doc.contains("result") ? &doc["result"] : &doc;
  if (!result->is_object()) {
    return Status(ErrorCode::kInvalidInput, source + ": result is not an object");
  }
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = result->find(name);
    if (it == result->end() || !it->is_string() || it->get<std::string>().empty()) {
      return std::nullopt;
    }
    return it->get<std::string>();
  };
  ConnectionSettings s;
  s.origin = source;
  s.session_id = field("accessToken");
  s.instance_url = field("instanceUrl");
  s.username = field("username");
  if (!s.session_id) {
    return Status(ErrorCode::kInvalidInput, source + ": result.accessToken is missing");
  }
  if (!s.instance_url) {
    return Status(ErrorCode::kInvalidInput, source + ": result.instanceUrl is missing");
  }
  return s;
}

Result<ConnectionSettings> LoadSfOrgJson(const std::string& path) {
  Result<std::string> text = ReadText(path, "sf org JSON");
  if (!text.ok()) return text.status();
  return ParseSfOrgJson(*text, path == "-" ? "<stdin>" : path);
}

Result<ProxyOptions> ParseProxyUrl(std::string_view url, std::string_view origin) {
  auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidInput,
                  std::string(origin) + ": proxy URL: " + why + " (http://[user:password@]host:port)");
  };
  std::string_view rest = url;
  int default_port = 80;
  if (StartsWith(rest, "http://")) {
    rest.remove_prefix(7);
  } else if (StartsWith(rest, "https://")) {
    rest.remove_prefix(8);
    default_port = 443;
  } else if (rest.find("://") != std::string_view::npos) {
    return bad("only http:// and https:// proxies are supported");
  }
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    rest = rest.substr(0, slash);
  }
  ProxyOptions proxy;
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    std::size_t colon = userinfo.find(':');
    proxy.user = PercentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) proxy.password = PercentDecode(userinfo.substr(colon + 1));
  }
  std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return bad("bad port");
    }
    proxy.port = value;
    rest = rest.substr(0, colon);
  } else {
    proxy.port = default_port;
  }
  if (rest.empty()) return bad("no host");
  proxy.host = std::string(rest);
  return proxy;
}

Result<ConnectionSettings> SettingsFromEnvironment(
    const std::function<const char*(const char*)>& getenv) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    const char* value = getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  ConnectionSettings s;
  s.origin = "environment";
  s.username = get("SF_USERNAME");
  s.password = get("SF_PASSWORD");
  s.security_token = get("SF_SECURITY_TOKEN");
  s.login_url = get("SF_LOGIN_URL");
  s.session_id = get("SF_SESSION_ID");
  if (!s.session_id) s.session_id = get("SF_ACCESS_TOKEN");
  s.instance_url = get("SF_INSTANCE_URL");
  std::optional<std::string> proxy = get("HTTPS_PROXY");
  if (!proxy) proxy = get("https_proxy");
  if (proxy) {
    Result<ProxyOptions> parsed = ParseProxyUrl(*proxy, "HTTPS_PROXY");
    if (!parsed.ok()) return parsed.status();
    s.proxy = *parsed;
  }
  return s;
}

Result<ConnectPlan> ResolveConnection(const std::vector<ConnectionSettings>& layers,
                                      SessionOptions base) {
  ConnectPlan plan;
  // Kind from the highest layer naming a credential.
  const ConnectionSettings* deciding = nullptr;
  for (const ConnectionSettings& layer : layers) {
    if (layer.session_id || layer.username) {
      deciding = &layer;
      break;
    }
  }
  if (deciding == nullptr) {
    return Status(ErrorCode::kInvalidInput,
                  "no credentials: give --username and --password (or SF_USERNAME and "
                  "SF_PASSWORD), --session-id and --instance-url, --sf-org-json FILE, or "
                  "--config FILE");
  }
  auto first = [&](auto member) -> std::optional<std::string> {
    for (const ConnectionSettings& layer : layers) {
      if (layer.*member) return *(layer.*member);
    }
    return std::nullopt;
  };
  plan.attach = deciding->session_id.has_value();
  if (plan.attach) {
    plan.session.session_id = *deciding->session_id;
    std::optional<std::string> instance =
        deciding->instance_url ? deciding->instance_url : first(&ConnectionSettings::instance_url);
    if (!instance) {
      return Status(ErrorCode::kInvalidInput,
                    "a session id (" + deciding->origin +
                        ") needs an instance URL: give --instance-url or SF_INSTANCE_URL");
    }
    plan.session.instance_url = *instance;
    plan.username_hint = deciding->username.value_or("");
  } else {
    plan.password.username = *deciding->username;
    std::optional<std::string> password;
    for (const ConnectionSettings& layer : layers) {
      if (layer.password) {
        password = layer.password;
        break;
      }
      if (layer.unusable_password) return Status(ErrorCode::kInvalidInput, *layer.unusable_password);
    }
    if (!password) {
      return Status(ErrorCode::kInvalidInput,
                    "no password for " + plan.password.username +
                        ": give --password, SF_PASSWORD, or a config file's password");
    }
    plan.password.password = *password;
    plan.password.security_token = first(&ConnectionSettings::security_token).value_or("");
    if (auto url = first(&ConnectionSettings::login_url)) plan.password.login_url = *url;
  }
  plan.options = std::move(base);
  for (const ConnectionSettings& layer : layers) {
    if (layer.proxy) {
      plan.options.transport.proxy = *layer.proxy;
      break;
    }
  }
  for (const ConnectionSettings& layer : layers) {
    if (layer.receive_timeout) {
      plan.options.transport.receive_timeout = *layer.receive_timeout;
      break;
    }
  }
  for (const ConnectionSettings& layer : layers) {
    if (layer.connect_timeout) {
      plan.options.transport.connect_timeout = *layer.connect_timeout;
      break;
    }
  }
  for (const ConnectionSettings& layer : layers) {
    if (layer.gzip_requests) {
      plan.options.transport.gzip_requests = *layer.gzip_requests;
      break;
    }
  }
  plan.trace_file = first(&ConnectionSettings::trace_file);
  return plan;
}

}  // namespace pushforce
