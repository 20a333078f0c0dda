// SPDX-License-Identifier: GPL-2.0-or-later
// Plan files (keys, values, plan.toml:LINE messages) and deterministic wave selection.
#define BOOST_TEST_MODULE nightly
#include <boost/test/unit_test.hpp>

#include "pushforce/nightly.hpp"

using namespace pushforce;

BOOST_AUTO_TEST_CASE(full_plan_file) {
  auto plan = ParsePlanFile(R"(
package = "acme"
version = "2.4"
orgs = "orgs.txt"
exclude = "/etc/never.txt"
start = "now"
connections = 3
api_budget = 0.1

[[wave]]
name = "canary"
org_type = "Sandbox"
percent = 10
max_failure_rate = 0.05

[[wave]]
name = "rest"
org_status = ["Active", "Trial"]
instance = "NA1"
)", "/plans/nightly.toml");
  BOOST_REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());
  BOOST_TEST(plan->package == "acme");
  BOOST_TEST(*plan->orgs == "/plans/orgs.txt");
  BOOST_TEST(*plan->exclude == "/etc/never.txt");
  BOOST_TEST(plan->connections == 3);
  BOOST_TEST(*plan->api_budget_share == 0.1);
  BOOST_REQUIRE(plan->waves.size() == 2u);
  BOOST_TEST(plan->waves[0].name == "canary");
  BOOST_TEST(*plan->waves[0].percent == 10.0);
  BOOST_TEST(*plan->waves[0].max_failure_rate == 0.05);
  BOOST_TEST(plan->waves[1].org_statuses.size() == 2u);
  BOOST_TEST(plan->hash == PlanHash(plan->text));
}

BOOST_AUTO_TEST_CASE(minimal_plan_has_one_wave) {
  auto plan = ParsePlanFile("package = \"033000000000001\"\nversion = \"04t000000000001AAA\"\n", "p.toml");
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->waves.size() == 1u);
  BOOST_TEST(!plan->waves[0].percent.has_value());
  BOOST_TEST(!plan->api_budget_share.has_value());
}

BOOST_AUTO_TEST_CASE(bad_plans_name_the_line) {
  struct Case {
    std::string text;
    std::string expected;
  };
  std::vector<Case> cases{
      {"package = \"a\"\nversion = \"1.0\"\ncolour = \"red\"\n", "plan.toml:3: unknown key \"colour\""},
      {"package = \"a\"\nversion = 2.4\n", "plan.toml:2: version must be a string"},
      {"package = \"a\"\nversion = \"1.0\"\nconnections = 50\n", "plan.toml:3: connections"},
      {"package = \"a\"\nversion = \"1.0\"\n[[wave]]\npercent = 150\n", "plan.toml:4: percent"},
      {"package = \"a\"\nversion = \"1.0\"\n[[wave]]\nmax_failure_rate = 5\n", "plan.toml:4: max_failure_rate"},
      {"package = \"a\"\nversion = \"1.0\"\n[[wave]]\nname = \"x\"\nfilter = 1\n", "plan.toml:5: unknown wave key"},
      {"package = \"a\"\nversion = \"1.0\"\nstart = \"tomorrow\"\n", "plan.toml:3: start"},
      {"package = \"a\"\nversion = \"one\"\n", "plan.toml:2: version"},
      {"version = \"1.0\"\n", "plan.toml:1: package is required"},
      {"package = \"a\"\nversion = \"1.0\"\napi_budget = \"lots\"\n", "plan.toml:3: api_budget"},
      {"package = \"a\"\nversion = [\n", "plan.toml:"},
  };
  for (const Case& c : cases) {
    auto plan = ParsePlanFile(c.text, "plan.toml");
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_REQUIRE(!plan.ok());
      BOOST_TEST((plan.status().code() == ErrorCode::kInvalidInput));
      BOOST_TEST(plan.status().message().find(c.expected) == 0u, plan.status().message());
    }
  }
}

namespace {
PushPlan PlanOf(int sandboxes, int productions) {
  PushPlan plan;
  auto add = [&](int i, const char* type) {
    OrgVerdict v;
    char key[16];
    std::snprintf(key, sizeof key, "00D%012d", i);
    v.org_key = key;
    Subscriber s;
    s.org_key = key;
    s.org_type = type;
    s.org_status = "Active";
    s.instance = "NA1";
    v.subscriber = s;
    plan.orgs.push_back(v);
  };
  int i = 1;
  for (int n = 0; n < productions; ++n) add(i++, "Production");
  for (int n = 0; n < sandboxes; ++n) add(i++, "Sandbox");
  OrgVerdict inactive;
  inactive.org_key = "00D999999999999";
  inactive.verdict = Verdict::kInactive;
  plan.orgs.push_back(inactive);
  return plan;
}
}  // namespace

BOOST_AUTO_TEST_CASE(waves_take_their_share_in_a_stable_order) {
  PushPlan plan = PlanOf(15, 5);
  WaveSpec canary;
  canary.org_types = {"sandbox"};
  canary.percent = 10;  // 10% of 15 sandboxes -> 2
  auto first = SelectWave(plan, canary, {});
  BOOST_TEST(first.size() == 2u);
  BOOST_TEST(first == SelectWave(plan, canary, {}));  // deterministic
  BOOST_TEST(std::is_sorted(first.begin(), first.end()));

  WaveSpec rest;  // everything eligible not taken
  std::set<std::string> taken(first.begin(), first.end());
  auto second = SelectWave(plan, rest, taken);
  BOOST_TEST(second.size() == 18u);
  for (const std::string& key : first) {
    BOOST_TEST((std::find(second.begin(), second.end(), key) == second.end()));
  }

  WaveSpec tiny;
  tiny.percent = 1;  // at least one org
  BOOST_TEST(SelectWave(plan, tiny, {}).size() == 1u);
  WaveSpec none;
  none.instances = {"EU9"};
  BOOST_TEST(SelectWave(plan, none, {}).empty());
}
