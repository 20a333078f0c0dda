// SPDX-License-Identifier: GPL-2.0-or-later
// Connection settings from WSC-tool files (Data Loader, Ant), sf org JSON, the environment and
// flags, merged with precedence flags > environment > config file.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushforce/options.hpp"
#include "pushforce/session.hpp"
#include "pushforce/status.hpp"

namespace pushforce {

// ---------------------------------------------------------------- Java properties

struct Property {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line where the entry starts
};

struct Properties {
  std::string source;
  std::vector<Property> entries;  // in file order; a later duplicate wins in Find
  const Property* Find(std::string_view key) const;
};

// java.util.Properties syntax: `#`/`!` comments, `=`, `:` or whitespace separators, a
// trailing backslash continues the line, \t \n \r \f \uXXXX and \<any> escapes, a BOM.
// kInvalidInput "source:line: …" for a malformed \u escape.
Result<Properties> ParseProperties(std::string_view text, std::string source);

// ---------------------------------------------------------------- settings layers

// One layer of connection settings; unset fields fall through to the next layer.
struct ConnectionSettings {
  std::optional<std::string> login_url;
  std::optional<std::string> username;
  std::optional<std::string> password;        // never logged
  std::optional<std::string> security_token;  // never logged
  std::optional<std::string> session_id;      // never logged
  std::optional<std::string> instance_url;
  std::optional<ProxyOptions> proxy;
  std::optional<std::chrono::seconds> receive_timeout;
  std::optional<std::chrono::seconds> connect_timeout;
  std::optional<bool> gzip_requests;
  std::optional<std::string> trace_file;
  // Where the layer came from, for messages ("flags", "environment", "config.properties").
  std::string origin;
  // Set when the layer holds a password pushforce cannot use (Data Loader encryption):
  // the message to give if that password would be needed.
  std::optional<std::string> unusable_password;
};

enum class ConfigKind { kDataLoader, kAntMigrationTool };

struct ToolConfig {
  ConfigKind kind = ConfigKind::kDataLoader;
  ConnectionSettings settings;
  std::vector<std::string> warnings;  // "config.properties:7: sfdc.loadBatchSize is ignored"
};

// Reads a Data Loader config.properties (sfdc.* keys) or an Ant Migration Tool
// build.properties (sf.* keys), detected by its keys. Encrypted sfdc.password (with
// process.encryptionKeyFile, or a hex-looking value) is not decrypted: it is reported through
// ConnectionSettings::unusable_password. kInvalidInput "file:line: …" for bad values.
Result<ToolConfig> ParseToolConfig(const Properties& properties);
Result<ToolConfig> LoadToolConfig(const std::string& path);

// `sf org display --json` output: result.accessToken, result.instanceUrl, result.username.
// kInvalidInput naming the missing field or the JSON error.
Result<ConnectionSettings> ParseSfOrgJson(std::string_view text, std::string source);
Result<ConnectionSettings> LoadSfOrgJson(const std::string& path);  // "-" = standard input

// http://[user:password@]host[:port][/] (HTTPS_PROXY style); percent-escapes decoded.
Result<ProxyOptions> ParseProxyUrl(std::string_view url, std::string_view origin);

// SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN, SF_LOGIN_URL, SF_SESSION_ID or SF_ACCESS_TOKEN,
// SF_INSTANCE_URL, HTTPS_PROXY (or https_proxy). `getenv` is injectable for tests.
Result<ConnectionSettings> SettingsFromEnvironment(
    const std::function<const char*(const char*)>& getenv);

// ---------------------------------------------------------------- resolution

// How to connect, after merging.
struct ConnectPlan {
  bool attach = false;  // true: Session::Attach with `session`; false: Session::Login
  PasswordCredentials password;
  SessionCredentials session;
  std::string username_hint;  // sf org json's username, for messages
  SessionOptions options;
  std::optional<std::string> trace_file;
};

// Merges layers, highest precedence first. The credential kind (a session id, or a user name
// and password) comes from the highest layer that names one; its other fields may come from
// lower layers. kInvalidInput naming what is missing ("--password or SF_PASSWORD"), or the
// unusable encrypted password when it would be needed.
Result<ConnectPlan> ResolveConnection(const std::vector<ConnectionSettings>& layers,
                                      SessionOptions base);

}  // namespace pushforce
