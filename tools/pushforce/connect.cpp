// SPDX-License-Identifier: GPL-2.0-or-later
// From global options, the environment and config files to a logged-in Session.
#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "pushforce/config.hpp"

namespace pushforce::cli {
namespace {

// Belt and braces over the session layer's redaction: known secrets never reach a trace.
std::string Scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  return text;
}

}  // namespace

Status Connector::Prepare() {
  if (prepared_) return Status();
  std::vector<ConnectionSettings> layers;
  ConnectionSettings flags;
  flags.origin = "flags";
  auto set = [](std::optional<std::string>& field, const std::string& value) {
    if (!value.empty()) field = value;
  };
  set(flags.login_url, options_.login_url);
  set(flags.username, options_.username);
  set(flags.password, options_.password);
  set(flags.security_token, options_.security_token);
  set(flags.session_id, options_.session_id);
  set(flags.instance_url, options_.instance_url);
  if (!options_.trace.empty()) flags.trace_file = options_.trace;
  if (!options_.session_id.empty() && options_.instance_url.empty() && options_.sf_org_json.empty()) {
    // Checked here for a clear message naming the flags.
    if (std::getenv("SF_INSTANCE_URL") == nullptr) {
      return Status(ErrorCode::kInvalidInput, "--session-id needs --instance-url");
    }
  }
  layers.push_back(flags);
  if (!options_.sf_org_json.empty()) {
    Result<ConnectionSettings> sf = LoadSfOrgJson(options_.sf_org_json);
    if (!sf.ok()) return sf.status();
    layers.push_back(*sf);
  }
  Result<ConnectionSettings> env = SettingsFromEnvironment([](const char* name) { return std::getenv(name); });
  if (!env.ok()) return env.status();
  layers.push_back(*env);
  if (!options_.config.empty()) {
    Result<ToolConfig> config = LoadToolConfig(options_.config);
    if (!config.ok()) return config.status();
    for (const std::string& warning : config->warnings) out_.Warn(warning);
    layers.push_back(config->settings);
  }
  SessionOptions base;
  base.api_version = options_.api_version;
  base.client_name = std::string("pushforce/") + PUSHFORCE_VERSION;
  if (!options_.ca_file.empty()) base.transport.ca_file = options_.ca_file;
  Result<ConnectPlan> plan = ResolveConnection(layers, base);
  if (!plan.ok()) return plan.status();
  attach_ = plan->attach;
  password_ = plan->password;
  session_ = plan->session;
  session_options_ = plan->options;
  for (const auto& layer : layers) {
    for (const auto* secret : {&layer.password, &layer.security_token, &layer.session_id}) {
      if (*secret) secrets_.push_back(**secret);
    }
    if (layer.proxy && !layer.proxy->password.empty()) secrets_.push_back(layer.proxy->password);
  }
  if (!password_.password.empty() && !password_.security_token.empty()) {
    secrets_.push_back(password_.password + password_.security_token);
  }
  if (plan->trace_file) {
    if (*plan->trace_file == "-") {
      trace_stderr_ = true;
    } else {
      trace_ = std::make_shared<std::ofstream>(*plan->trace_file, std::ios::app | std::ios::binary);
      if (!*trace_) {
        return Status(ErrorCode::kInvalidInput, *plan->trace_file + ": cannot write the trace file");
      }
    }
    auto sink = trace_;
    bool to_stderr = trace_stderr_;
    std::vector<std::string> secrets = secrets_;
    session_options_.transport.trace = [sink, to_stderr, secrets](std::string_view direction,
                                                                   std::string_view xml) {
      std::string text = "---- " + std::string(direction) + " ----\n" +
                         Scrub(PrettyXml(xml), secrets) + "\n";
      if (to_stderr) {
        std::cerr << text;
      } else {
        *sink << text;
        sink->flush();
      }
    };
  }
  prepared_ = true;
  return Status();
}

Result<std::unique_ptr<Session>> Connector::Connect() {
  if (Status st = Prepare(); !st.ok()) return st;
  if (attach_) {
    out_.Verbose("attaching to " + session_.instance_url);
    return Session::Attach(session_options_, session_);
  }
  out_.Verbose("logging in to " + password_.login_url + " as " + password_.username);
  return Session::Login(session_options_, password_);
}

}  // namespace pushforce::cli
