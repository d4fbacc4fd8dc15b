// The catalogue's flow types (mirari/ports/flows.hpp) in their JSON forms, as policies written
// by hand (mirarictl set) and tools see them.
#include <catch2/catch.hpp>

#include "mirari/ports/flows.hpp"

using mirari::ports::flows::AppliedBridge;
using mirari::ports::flows::BridgeFlows;
using mirari::ports::flows::Flow;
using mirari::ports::flows::FlowGroup;
using mirari::ports::flows::FlowsDesired;
using mirari::ports::flows::kDefaultPriority;

TEST_CASE("a flow written by hand needs only its match and actions") {
  const auto flow =
      nlohmann::json::parse(R"({"match": "in_port=p1,ip", "actions": "output:p2"})").get<Flow>();
  CHECK(flow == Flow{0, kDefaultPriority, "in_port=p1,ip", "output:p2", 0});
  CHECK_THROWS(nlohmann::json::parse(R"({"match": "ip"})").get<Flow>());
  CHECK_THROWS(
      nlohmann::json::parse(R"({"match": "ip", "actions": "drop", "table": 256})").get<Flow>());
}

TEST_CASE("a bridge's set and what was applied round-trip through JSON") {
  BridgeFlows set;
  set.flows = {Flow{1, 100, "ip,nw_dst=192.0.2.10", "group:1", 0x42}};
  set.groups = {FlowGroup{1, "select", {"output:p3", "output:p4"}}};
  const FlowsDesired desired{{"br0", set}};
  const nlohmann::json j = desired;
  CHECK(j.at("br0").at("groups").at(0).at("buckets").size() == 2);
  CHECK(j.get<FlowsDesired>() == desired);
  const AppliedBridge applied{set, "", 81234567};
  CHECK(nlohmann::json(applied).get<AppliedBridge>() == applied);
  CHECK(nlohmann::json::parse(R"({"flows": []})").get<BridgeFlows>() == BridgeFlows{});
}

TEST_CASE("the flow ports' types have stable names") {
  CHECK(mirari::type_name<FlowsDesired>() == "table<string,flows.bridge>");
  CHECK(mirari::type_name<FlowGroup>() == "flows.group");
}
