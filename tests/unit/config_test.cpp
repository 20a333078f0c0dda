// SPDX-License-Identifier: GPL-2.0-or-later
// Java properties syntax, Data Loader and Ant configs, sf org JSON, env and flag precedence.
#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include <map>

#include "pushforce/config.hpp"

using namespace pushforce;

BOOST_AUTO_TEST_CASE(java_properties_syntax) {
  std::string text =
      "# comment\n! also a comment\n"
      "a=1\n"
      "b : two words\n"
      "c   spaced\n"
      "long = first \\\n     second\n"
      "esc\\ key = tab\\there \\u00e9\\n\n"
      "empty=\n"
      "a = 3\n";
  auto props = ParseProperties(text, "x.properties");
  BOOST_REQUIRE(props.ok());
  BOOST_TEST(props->Find("a")->value == "3");  // later duplicate wins
  BOOST_TEST(props->Find("b")->value == "two words");
  BOOST_TEST(props->Find("c")->value == "spaced");
  BOOST_TEST(props->Find("long")->value == "first second");
  BOOST_TEST(props->Find("long")->line == 6);
  BOOST_TEST(props->Find("esc key")->value == "tab\there \xC3\xA9\n");
  BOOST_TEST(props->Find("empty")->value == "");
  auto bad = ParseProperties("k=\\u12\n", "bad.properties");
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.status().message().find("bad.properties:1:") == 0u);
}

BOOST_AUTO_TEST_CASE(data_loader_config) {
  std::string text =
      "sfdc.endpoint=https\\://test.salesforce.com\n"
      "sfdc.username=ops@example.com\n"
      "sfdc.password=plain-secret\n"
      "sfdc.proxyHost=proxy.example.com\nsfdc.proxyPort=3128\n"
      "sfdc.proxyUsername=pu\nsfdc.proxyPassword=pp\n"
      "sfdc.timeoutSecs=600\nsfdc.connectionTimeoutSecs=20\nsfdc.noCompression=true\n"
      "sfdc.debugMessages=true\nsfdc.debugMessagesFile=/tmp/trace.log\n"
      "process.operation=insert\n";
  auto props = ParseProperties(text, "config.properties");
  BOOST_REQUIRE(props.ok());
  auto config = ParseToolConfig(*props);
  BOOST_REQUIRE(config.ok());
  BOOST_TEST((config->kind == ConfigKind::kDataLoader));
  const ConnectionSettings& s = config->settings;
  BOOST_TEST(*s.login_url == "https://test.salesforce.com");
  BOOST_TEST(*s.username == "ops@example.com");
  BOOST_TEST(*s.password == "plain-secret");
  BOOST_TEST(s.proxy->host == "proxy.example.com");
  BOOST_TEST(s.proxy->port == 3128);
  BOOST_TEST(s.proxy->user == "pu");
  BOOST_TEST(s.receive_timeout->count() == 600);
  BOOST_TEST(s.connect_timeout->count() == 20);
  BOOST_TEST(*s.gzip_requests == false);
  BOOST_TEST(*s.trace_file == "/tmp/trace.log");
}

BOOST_AUTO_TEST_CASE(data_loader_encrypted_password_is_reported) {
  for (std::string text :
       {std::string("sfdc.username=u\nsfdc.password=4d7f1e2a3b4c5d6e7f8091a2b3c4d5e6\n"),
        std::string("sfdc.username=u\nsfdc.password=whatever\nprocess.encryptionKeyFile=/k\n")}) {
    auto config = ParseToolConfig(*ParseProperties(text, "config.properties"));
    BOOST_REQUIRE(config.ok());
    BOOST_TEST(!config->settings.password.has_value());
    BOOST_REQUIRE(config->settings.unusable_password.has_value());
    auto plan = ResolveConnection({config->settings}, SessionOptions{});
    BOOST_TEST(!plan.ok());
    BOOST_TEST(plan.status().message().find("config.properties:2: sfdc.password is encrypted") == 0u);
    // A password from a higher layer makes it irrelevant.
    ConnectionSettings flags;
    flags.password = "from-flag";
    auto ok = ResolveConnection({flags, config->settings}, SessionOptions{});
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST(ok->password.password == "from-flag");
  }
}

BOOST_AUTO_TEST_CASE(data_loader_bad_values_name_the_line) {
  auto config = ParseToolConfig(*ParseProperties("sfdc.username=u\nsfdc.timeoutSecs=soon\n", "c.properties"));
  BOOST_TEST(!config.ok());
  BOOST_TEST(config.status().message().find("c.properties:2: sfdc.timeoutSecs") == 0u);
}

BOOST_AUTO_TEST_CASE(ant_build_properties) {
  auto login = ParseToolConfig(*ParseProperties(
      "sf.username = ci@example.com\nsf.password = pwTOKEN\nsf.serverurl = https://login.salesforce.com\nsf.maxPoll = 20\n",
      "build.properties"));
  BOOST_REQUIRE(login.ok());
  BOOST_TEST((login->kind == ConfigKind::kAntMigrationTool));
  BOOST_TEST(*login->settings.login_url == "https://login.salesforce.com");
  auto attach = ParseToolConfig(*ParseProperties(
      "sf.sessionId = 00Dxx!AQ\nsf.serverurl = https://acme.my.salesforce.com\n", "build.properties"));
  BOOST_REQUIRE(attach.ok());
  BOOST_TEST(*attach->settings.session_id == "00Dxx!AQ");
  BOOST_TEST(*attach->settings.instance_url == "https://acme.my.salesforce.com");
  auto plan = ResolveConnection({attach->settings}, SessionOptions{});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->attach);
  BOOST_TEST(!ParseToolConfig(*ParseProperties("foo=bar\n", "x.properties")).ok());
}

BOOST_AUTO_TEST_CASE(sf_org_json) {
  auto s = ParseSfOrgJson(R"({"status":0,"result":{"accessToken":"00D!tok","instanceUrl":"https://x.my.salesforce.com","username":"me@x.com","id":"00D"}})",
                          "org.json");
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(*s->session_id == "00D!tok");
  BOOST_TEST(*s->username == "me@x.com");
  auto missing = ParseSfOrgJson(R"({"status":0,"result":{"instanceUrl":"https://x"}})", "org.json");
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().message() == "org.json: result.accessToken is missing");
  auto failed = ParseSfOrgJson(R"({"status":1,"name":"NoOrgFound","message":"No org"})", "org.json");
  BOOST_TEST(!failed.ok());
  BOOST_TEST(!ParseSfOrgJson("not json", "org.json").ok());
}

BOOST_AUTO_TEST_CASE(proxy_urls) {
  auto p = ParseProxyUrl("http://us%40er:p%3Ass@proxy.corp:3128/", "HTTPS_PROXY");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p->host == "proxy.corp");
  BOOST_TEST(p->port == 3128);
  BOOST_TEST(p->user == "us@er");
  BOOST_TEST(p->password == "p:ss");
  BOOST_TEST(!ParseProxyUrl("socks5://x:1", "HTTPS_PROXY").ok());
  BOOST_TEST(!ParseProxyUrl("http://x:99999", "HTTPS_PROXY").ok());
}

BOOST_AUTO_TEST_CASE(precedence_flags_over_environment_over_config) {
  std::map<std::string, std::string> env{{"SF_USERNAME", "env@x.com"},
                                         {"SF_PASSWORD", "envpw"},
                                         {"SF_LOGIN_URL", "https://test.salesforce.com"}};
  auto environment = SettingsFromEnvironment([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  BOOST_REQUIRE(environment.ok());
  ConnectionSettings config;
  config.username = "cfg@x.com";
  config.password = "cfgpw";
  config.login_url = "https://cfg.example.com";
  config.receive_timeout = std::chrono::seconds(99);
  ConnectionSettings flags;
  flags.username = "flag@x.com";
  auto plan = ResolveConnection({flags, *environment, config}, SessionOptions{});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(!plan->attach);
  BOOST_TEST(plan->password.username == "flag@x.com");
  BOOST_TEST(plan->password.password == "envpw");
  BOOST_TEST(plan->password.login_url == "https://test.salesforce.com");
  BOOST_TEST(plan->options.transport.receive_timeout.count() == 99);

  // A session id in the environment wins over a config's user name.
  env = {{"SF_ACCESS_TOKEN", "tok"}, {"SF_INSTANCE_URL", "https://i.example.com"}};
  environment = SettingsFromEnvironment([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  plan = ResolveConnection({ConnectionSettings{}, *environment, config}, SessionOptions{});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->attach);
  BOOST_TEST(plan->session.session_id == "tok");

  auto none = ResolveConnection({ConnectionSettings{}}, SessionOptions{});
  BOOST_TEST((none.status().code() == ErrorCode::kInvalidInput));
  ConnectionSettings session_only;
  session_only.session_id = "tok";
  auto no_instance = ResolveConnection({session_only}, SessionOptions{});
  BOOST_TEST(!no_instance.ok());
  BOOST_TEST(no_instance.status().message().find("tok") == std::string::npos);  // never the secret
}
