#include "bridge_targets.hpp"

#include <catch2/catch.hpp>

#include "flow_validator.hpp"

using namespace mirari::openflow;
using namespace mirari::ports;
using namespace mirari::ports::flows;

namespace {

InstanceStatus instance(std::string group, InstanceState state, std::string port) {
  InstanceStatus s(std::move(group), state, 0);
  s.port = std::move(port);
  return s;
}

const std::vector<BalanceRule> kBalance = {BalanceRule{"br0", 1, "web", "output:{port}"}};

FlowsDesired desired_with_group_flow() {
  return {{"br0", BridgeFlows{{Flow{0, 100, "ip", "group:1", 0}}, {}}}};
}

}  // namespace

TEST_CASE("a balance group has one bucket per running instance with a port, by name") {
  const InstancesActual instances = {
      {"web-2", instance("web", InstanceState::running, "mi-web-2")},
      {"web-1", instance("web", InstanceState::running, "mi-web-1")},
      {"web-3", instance("web", InstanceState::starting, "mi-web-3")},
      {"web-4", instance("web", InstanceState::stopping, "mi-web-4")},
      {"web-5", instance("web", InstanceState::running, "")},
      {"db-1", instance("db", InstanceState::running, "mi-db-1")}};
  CHECK(balanced_buckets(kBalance[0], instances) ==
        std::vector<BalancedBucket>{{"mi-web-1", "output:mi-web-1"},
                                    {"mi-web-2", "output:mi-web-2"}});
}

TEST_CASE("the bucket template names each instance's port wherever it says {port}") {
  const BalanceRule rule{"br0", 1, "web", "mod_dl_dst:02:00:5e:00:00:01,output:{port}"};
  CHECK(balanced_buckets(rule, {{"web-1", instance("web", InstanceState::running, "p7")}}) ==
        std::vector<BalancedBucket>{{"p7", "mod_dl_dst:02:00:5e:00:00:01,output:p7"}});
}

TEST_CASE("the balance group is merged into its bridge's set, and flows may send to it") {
  const BridgeTargets targets =
      plan_targets(desired_with_group_flow(),
                   {{"web-1", instance("web", InstanceState::running, "p1")}}, kBalance);
  REQUIRE(targets.size() == 1);
  const BridgeTarget& br0 = targets.at("br0");
  CHECK(br0.balanced == std::vector<BalancedGroup>{{1, {{"p1", "output:p1"}}}});
  CHECK(effective_set(br0, {"p1"}).groups == std::vector<FlowGroup>{{1, "select", {"output:p1"}}});
}

TEST_CASE("a bucket whose port is not on the bridge is left out of the set applied") {
  const BridgeTargets targets =
      plan_targets(desired_with_group_flow(),
                   {{"web-1", instance("web", InstanceState::running, "p1")},
                    {"web-2", instance("web", InstanceState::running, "p2")}},
                   kBalance);
  CHECK(effective_set(targets.at("br0"), {"p2", "br0"}).groups ==
        std::vector<FlowGroup>{{1, "select", {"output:p2"}}});
  CHECK(effective_set(targets.at("br0"), {}).groups == std::vector<FlowGroup>{{1, "select", {}}});
}

TEST_CASE("a bridge absent from flows.desired gets no target, balance rule or not") {
  CHECK(plan_targets({}, {{"web-1", instance("web", InstanceState::running, "p1")}}, kBalance)
            .empty());
}

TEST_CASE("flows.desired may not declare a balance group itself") {
  const FlowsDesired desired = {{"br0", BridgeFlows{{}, {FlowGroup{1, "all", {"output:p3"}}}}}};
  CHECK_THROWS_WITH(plan_targets(desired, {}, kBalance),
                    "bridge 'br0': group 1 is the balance group of scaling group 'web' "
                    "(openflow's [[balance]]); flows.desired may not declare it");
}

TEST_CASE("an invalid set is refused with the validator's words") {
  const FlowsDesired desired = {{"br0", BridgeFlows{{Flow{0, 1, "", "group:9", 0}}, {}}}};
  CHECK_THROWS_AS(plan_targets(desired, {}, {}), InvalidFlows);
}
