// SPDX-License-Identifier: GPL-2.0-or-later
// pushforce: argv -> a library call -> output and an exit code.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"

int main(int argc, char** argv) {
  using namespace pushforce::cli;
  CLI::App app{"pushforce: package push upgrades over the Salesforce Partner SOAP API", "pushforce"};
  app.set_version_flag("--version", PUSHFORCE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions options;
  app.add_option("--login-url", options.login_url,
                 "Login URL (https://login.salesforce.com, https://test.salesforce.com, a My Domain)")
      ->group("Connection");
  app.add_option("--api-version", options.api_version, "Partner API version")
      ->capture_default_str()->group("Connection");
  app.add_option("--username", options.username, "User name (or SF_USERNAME)")->group("Connection");
  app.add_option("--password", options.password, "Password (or SF_PASSWORD; prefer the environment)")
      ->group("Connection");
  app.add_option("--security-token", options.security_token, "Security token (or SF_SECURITY_TOKEN)")
      ->group("Connection");
  app.add_option("--session-id", options.session_id, "Existing session id or access token (or SF_SESSION_ID)")
      ->group("Connection");
  app.add_option("--instance-url", options.instance_url, "Instance URL of the session (or SF_INSTANCE_URL)")
      ->group("Connection");
  app.add_option("--sf-org-json", options.sf_org_json,
                 "Output of `sf org display --json` (FILE or - for stdin)")->group("Connection");
  app.add_option("--config", options.config,
                 "Data Loader config.properties or Ant build.properties")->group("Connection");
  app.add_option("--ca-file", options.ca_file, "PEM bundle of trusted CAs")->group("Connection");
  app.add_option("--ledger", options.ledger,
                 "Ledger file (default $XDG_STATE_HOME/pushforce/ledger.sqlite)")->group("Output");
  app.add_option("--trace", options.trace, "Append every SOAP envelope (redacted) to FILE")
      ->group("Output");
  app.add_flag("-v,--verbose", options.verbose, "More diagnostics on stderr")->group("Output");
  app.add_flag("-q,--quiet", options.quiet, "Only errors")->group("Output");
  app.add_flag("--json", options.json, "One JSON envelope on stdout")->group("Output");

  Commands commands(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    for (int i = 1; i < argc; ++i) options.json = options.json || std::string(argv[i]) == "--json";
    if (options.json) {
      Output out(options);
      return out.Fail(kExitUsage, "usage", e.what());
    }
    app.exit(e);
    return kExitUsage;
  }
  return commands.Run();
}
