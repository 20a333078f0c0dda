// SPDX-License-Identifier: GPL-2.0-or-later
// Peer test: zeep, with Salesforce's own partner WSDL, logs in to the fake org, queries and
// creates, so the fake org's wire format is checked by a client we did not write.
#define BOOST_TEST_MODULE fakeorg_zeep
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "support/fake_org.hpp"
#include "support/test_env.hpp"

namespace pushforce::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, which has python3-zeep

std::filesystem::path Wsdl() {
  auto ref = ReferenceDir();
  return ref ? *ref / "wsdl" / "partner-v58.wsdl" : std::filesystem::path();
}

// Skips (saying why) unless zeep and the reference WSDL are both there.
struct NeedsZeep {
  int unused = 0;  // an empty functor trips -Wuninitialized inside boost::function
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    std::string why;
    if (!std::filesystem::exists(kPython) ||
        std::system((std::string(kPython) + " -c 'import zeep' >/dev/null 2>&1").c_str()) != 0) {
      why = "skipped: python3-zeep is not installed for /usr/bin/python3";
    } else if (Wsdl().empty() || !std::filesystem::exists(Wsdl())) {
      why = "skipped: ../shared/reference/wsdl/partner-v58.wsdl is absent";
    }
    if (why.empty()) return true;
    std::cout << why << std::endl;
    boost::test_tools::assertion_result result(false);
    result.message() << why;
    return result;
  }
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

BOOST_AUTO_TEST_CASE(zeep_logs_in_queries_and_creates, *boost::unit_test::precondition(NeedsZeep())) {
  FakeOrg org;
  const auto& info = org.info();
  std::string script = (SourceDir() / "tests" / "integration" / "peers" / "zeep_peer.py").string();
  // This machine sets REQUESTS_CA_BUNDLE, which overrides requests' verify: point it at ours.
  std::string command = "REQUESTS_CA_BUNDLE=" + Quote(org.ca_file()) + " " + kPython + " " +
                        Quote(script) + " --wsdl " + Quote(Wsdl().string()) + " --login-url " +
                        Quote(org.login_url()) + " --username " +
                        Quote(info["username"].get<std::string>()) + " --password " +
                        Quote(info["password"].get<std::string>() +
                              info["security_token"].get<std::string>()) +
                        " --version-id " +
                        Quote(info["packages"][0]["latest_version_id"].get<std::string>()) +
                        " 2>" + Quote((org.dir() / "zeep.err").string());
  std::FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int rc = ::pclose(pipe);
  BOOST_REQUIRE_MESSAGE(rc == 0, "zeep peer failed: " << ReadFile(org.dir() / "zeep.err"));
  auto result = nlohmann::json::parse(out);
  BOOST_TEST(result["organizationId"].get<std::string>().size() == 18u);
  BOOST_TEST(result["size"] == 2);
  BOOST_REQUIRE_EQUAL(result["records"].size(), 2u);
  BOOST_TEST(result["records"][0]["type"] == "MetadataPackage");
  BOOST_TEST(result["records"][0]["fields"]["Name"] == "Acme Billing");
  BOOST_TEST(result["records"][1]["fields"]["NamespacePrefix"].is_null());
  BOOST_TEST(result["create_success"] == true);
  BOOST_TEST(result["create_id"].get<std::string>().substr(0, 3) == "0DV");
  BOOST_TEST(result["fault_code"].get<std::string>().find("INVALID_FIELD") != std::string::npos);
  BOOST_TEST(result["limit_info"] == true);
}

}  // namespace pushforce::test
