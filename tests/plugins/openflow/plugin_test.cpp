// The openflow plugin against a real Open vSwitch (userspace datapath) of the test's own.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <mirari/ports/flows.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/testing.hpp>

#include "command.hpp"
#include "openflow_plugin.hpp"
#include "ovs_switch.hpp"

using namespace mirari;
using namespace mirari::ports;
using namespace mirari::ports::flows;
using mirari::testing::OvsSwitch;
using mirari::testing::PluginHarness;

namespace {

constexpr auto kWait = std::chrono::seconds(15);

struct Fixture {
  OvsSwitch ovs;
  PluginHarness h;
  Source<FlowsDesired> desired = h.input<FlowsDesired>(kFlowsDesired);
  Source<InstancesActual> instances = h.input<InstancesActual>(kInstancesActual);

  Fixture() { ovs.add_bridge("br0"); }

  void start(std::vector<Config> balance = {}) {
    h.start(std::make_unique<openflow::OpenflowPlugin>(), {{"ovs_rundir", ovs.rundir().string()},
                                                           {"verify_ms", std::int64_t{50}},
                                                           {"balance", std::move(balance)}});
  }

  const FlowsApplied& applied() { return h.value<FlowsApplied>(kFlowsApplied); }

  // Settles until the bridge's flows are exactly these.
  bool flows_become(const std::string& bridge, const std::vector<std::string>& flows) {
    return h.settle_until([&] { return ovs.dump_flows(bridge) == flows; }, kWait);
  }
  bool groups_become(const std::string& bridge, const std::vector<std::string>& groups) {
    return h.settle_until([&] { return ovs.dump_groups(bridge) == groups; }, kWait);
  }
};

const BridgeFlows kFirst{
    {Flow{0, 100, "in_port=p1,ip,nw_dst=192.0.2.10", "output:p2", 0x5}, Flow{0, 10, "", "drop", 0}},
    {}};
const std::vector<std::string> kFirstDump = {
    "cookie=0x5, priority=100,ip,in_port=p1,nw_dst=192.0.2.10 actions=output:p2",
    "priority=10 actions=drop"};

const BridgeFlows kSecond{{Flow{0, 100, "in_port=p1,ip,nw_dst=192.0.2.10", "group:1", 0x6},
                           Flow{0, 20, "arp", "NORMAL", 0}, Flow{1, 5, "", "drop", 0}},
                          {FlowGroup{1, "all", {"output:p2"}}}};
const std::vector<std::string> kSecondDump = {
    "cookie=0x6, priority=100,ip,in_port=p1,nw_dst=192.0.2.10 actions=group:1",
    "priority=20,arp actions=NORMAL", "table=1, priority=5 actions=drop"};

Config balance_rule(const std::string& bridge, std::int64_t id, const std::string& group) {
  return Config({{"bridge", bridge},
                 {"group_id", id},
                 {"group", group},
                 {"bucket_actions", std::string("output:{port}")}});
}

InstanceStatus running(const std::string& port, InstanceState state = InstanceState::running) {
  InstanceStatus s("web", state, 0);
  s.port = port;
  return s;
}

}  // namespace

TEST_CASE("a desired set is what the bridge holds, and flows.applied says so", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  REQUIRE(f.h.settle_until([&] { return f.applied().contains("br0"); }, kWait));
  const AppliedBridge& br0 = f.applied().at("br0");
  CHECK(br0.held == kFirst);
  CHECK(br0.error.empty());
  CHECK(br0.applied_at > 0);
}

TEST_CASE("a replacement leaves exactly the new set, groups included", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  f.desired.set({{"br0", kSecond}});
  REQUIRE(f.flows_become("br0", kSecondDump));
  CHECK(f.ovs.dump_groups("br0") ==
        std::vector<std::string>{"group_id=1,type=all,bucket=actions=output:p2"});
  REQUIRE(f.h.settle_until([&] { return f.applied().at("br0").held == kSecond; }, kWait));
  // Back to the first: the group goes with the flows that used it.
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  CHECK(f.ovs.dump_groups("br0").empty());
}

TEST_CASE("an invalid rule rolls its tick back and the switch keeps the last good set",
          "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  REQUIRE(f.h.settle_until([&] { return f.applied().contains("br0"); }, kWait));
  const AppliedBridge before = f.applied().at("br0");

  BridgeFlows bad = kSecond;
  bad.flows.push_back(Flow{0, 30, "ip,nw_dts=192.0.2.1", "output:p2", 0});
  f.desired.set({{"br0", bad}});
  const TickResult tick = f.h.tick();
  CHECK(tick.rolled_back == 1);
  REQUIRE(tick.errors.size() == 1);
  CHECK_THAT(tick.errors[0].message(),
             Catch::Contains("bridge 'br0': flow 'table=0,priority=30,ip,nw_dts=192.0.2.1 "
                             "actions=output:p2': 'nw_dts' is not a match field"));
  CHECK(f.h.value<FlowsDesired>(kFlowsDesired).at("br0") == kFirst);

  f.h.settle_until([] { return false; }, std::chrono::milliseconds(300));
  CHECK(f.ovs.dump_flows("br0") == kFirstDump);
  CHECK(f.applied().at("br0") == before);
}

TEST_CASE(
    "a set the switch refuses leaves it as it was, with the switch's words in "
    "flows.applied",
    "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  // Valid syntax, but br0 has no port p9.
  f.desired.set({{"br0", BridgeFlows{{Flow{0, 1, "in_port=p9", "output:p2", 0}}, {}}}});
  REQUIRE(f.h.settle_until([&] { return !f.applied().at("br0").error.empty(); }, kWait));
  const AppliedBridge& br0 = f.applied().at("br0");
  CHECK(br0.error == "bridge 'br0' at " + f.ovs.target("br0") +
                         ": ovs-ofctl: p9: invalid or unknown port for in_port (in 'flow add "
                         "table=0,priority=1,cookie=0x0,in_port=p9,actions=output:p2')");
  CHECK(br0.held == kFirst);
  CHECK(f.ovs.dump_flows("br0") == kFirstDump);
}

TEST_CASE("a set the switch refuses in the middle of the bundle is not half applied",
          "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  // The first flow is fine; the switch has no meter 5 and refuses the second, after the
  // deletes and the first add were sent.
  f.desired.set(
      {{"br0", BridgeFlows{{Flow{0, 5, "", "drop", 0}, Flow{0, 6, "", "meter:5", 0}}, {}}}});
  REQUIRE(f.h.settle_until([&] { return !f.applied().at("br0").error.empty(); }, kWait));
  CHECK_THAT(f.applied().at("br0").error, Catch::Contains("OFPMMFC_INVALID_METER"));
  CHECK(f.applied().at("br0").held == kFirst);
  CHECK(f.ovs.dump_flows("br0") == kFirstDump);
}

TEST_CASE(
    "a set sent over OpenFlow that the switch refuses leaves it as it was, naming the rule and "
    "the switch's reason",
    "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kSecond}});
  REQUIRE(f.flows_become("br0", kSecondDump));
  // Every rule is within the plugin's encoder; the switch refuses the third message.
  f.desired.set(
      {{"br0", BridgeFlows{{Flow{0, 5, "", "drop", 0}, Flow{1, 2, "ip", "goto_table:1", 0}}, {}}}});
  REQUIRE(f.h.settle_until([&] { return !f.applied().at("br0").error.empty(); }, kWait));
  CHECK(f.applied().at("br0").error ==
        "bridge 'br0' at " + f.ovs.target("br0") +
            ": Error OFPBIC_BAD_TABLE_ID (OFPET_BAD_INSTRUCTION) (in 'flow add "
            "table=1,priority=2,cookie=0x0,ip,actions=goto_table:1')");
  CHECK(f.applied().at("br0").held == kSecond);
  CHECK(f.ovs.dump_flows("br0") == kSecondDump);
  CHECK(f.ovs.dump_groups("br0") ==
        std::vector<std::string>{"group_id=1,type=all,bucket=actions=output:p2"});
}

TEST_CASE("a flow deleted by hand comes back", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kFirst}});
  REQUIRE(f.flows_become("br0", kFirstDump));
  f.ovs.ofctl("del-flows", "br0", {"--strict", "priority=10"});
  REQUIRE(f.ovs.dump_flows("br0").size() == 1);
  CHECK(f.flows_become("br0", kFirstDump));
}

TEST_CASE("a restarted ovs-vswitchd gets the set again", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start();
  f.desired.set({{"br0", kSecond}});
  REQUIRE(f.flows_become("br0", kSecondDump));
  f.ovs.restart_switch();
  CHECK(f.flows_become("br0", kSecondDump));
  CHECK(f.ovs.dump_groups("br0") ==
        std::vector<std::string>{"group_id=1,type=all,bucket=actions=output:p2"});
}

TEST_CASE("a bridge that does not exist is reported, and gets its set once it appears",
          "[openflow]") {
  Fixture f;
  f.start();
  const BridgeFlows set{{Flow{0, 10, "", "drop", 0}}, {}};
  f.desired.set({{"br1", set}});
  REQUIRE(f.h.settle_until(
      [&] { return f.applied().contains("br1") && !f.applied().at("br1").error.empty(); }, kWait));
  CHECK_THAT(f.applied().at("br1").error,
             Catch::StartsWith("bridge 'br1' at " + f.ovs.target("br1") + ": "));
  CHECK(f.applied().at("br1").held == BridgeFlows{});
  // br0 is not in flows.desired: left alone.
  CHECK(f.ovs.dump_flows("br0") == std::vector<std::string>{"priority=0 actions=NORMAL"});

  f.ovs.add_bridge("br1");
  CHECK(f.flows_become("br1", {"priority=10 actions=drop"}));
  REQUIRE(f.h.settle_until([&] { return f.applied().at("br1").error.empty(); }, kWait));
  CHECK(f.applied().at("br1").held == set);
}

TEST_CASE("balance buckets follow running instances whose port is on the bridge", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.start({balance_rule("br0", 1, "web")});
  f.desired.set({{"br0", BridgeFlows{{Flow{0, 100, "ip", "group:1", 0}}, {}}}});
  f.instances.set({{"web-1", running("p1")}, {"web-2", running("p2")}, {"web-3", running("p3")}});
  // p3 is not on the bridge: no bucket for it.
  CHECK(f.groups_become(
      "br0", {"group_id=1,type=select,bucket=actions=output:p1,bucket=actions=output:p2"}));
  CHECK(f.ovs.dump_flows("br0") == std::vector<std::string>{"priority=100,ip actions=group:1"});

  // A stopping instance leaves at once.
  f.instances.set({{"web-1", running("p1", InstanceState::stopping)},
                   {"web-2", running("p2")},
                   {"web-3", running("p3")}});
  CHECK(f.groups_become("br0", {"group_id=1,type=select,bucket=actions=output:p2"}));

  // p3 appears on the bridge: its bucket follows.
  f.ovs.add_internal_port("br0", "p3");
  CHECK(f.groups_become(
      "br0", {"group_id=1,type=select,bucket=actions=output:p2,bucket=actions=output:p3"}));

  // p2's port is deleted underneath: its bucket goes.
  f.ovs.delete_port("br0", "p2");
  CHECK(f.groups_become("br0", {"group_id=1,type=select,bucket=actions=output:p3"}));
}

TEST_CASE(
    "a switch in the test's namespace takes a veth end as a port, and leaves no device "
    "behind",
    "[openflow]") {
  const std::string tag = std::to_string(::getpid() % 100000);
  const std::string bridge = "ofb" + tag, veth = "ofv" + tag, peer = "ofp" + tag;
  mirari::testing::check_command({"ip", "link", "add", veth, "type", "veth", "peer", peer});
  struct VethGone {
    std::string name;
    ~VethGone() { mirari::testing::run_command({"ip", "link", "del", name}); }
  } veth_gone{veth};
  {
    OvsSwitch ovs(OvsSwitch::Where::host_namespace);
    CHECK(ovs.netns().empty());
    ovs.add_bridge(bridge);
    ovs.add_port(bridge, veth);
    ovs.add_internal_port(bridge, "ofi" + tag);
    PluginHarness h;
    auto desired = h.input<FlowsDesired>(kFlowsDesired);
    h.start(std::make_unique<openflow::OpenflowPlugin>(),
            {{"ovs_rundir", ovs.rundir().string()}, {"verify_ms", std::int64_t{50}}});
    desired.set(
        {{bridge, BridgeFlows{{Flow{0, 10, "in_port=" + veth, "output:ofi" + tag, 0}}, {}}}});
    CHECK(h.settle_until(
        [&] {
          return ovs.dump_flows(bridge) == std::vector<std::string>{"priority=10,in_port=" + veth +
                                                                    " actions=output:ofi" + tag};
        },
        kWait));
  }
  for (const std::string& device : {bridge, "ofi" + tag, std::string("ovs-netdev")}) {
    INFO(device);
    CHECK(mirari::testing::run_command({"ip", "link", "show", "dev", device}).exit_code != 0);
  }
}

TEST_CASE("openflow.so, loaded as mirarid loads it, applies a set", "[openflow]") {
  Fixture f;
  f.ovs.add_internal_port("br0", "p1");
  f.ovs.add_internal_port("br0", "p2");
  f.h.start_library(MIRARI_OPENFLOW_SO, {{"ovs_rundir", f.ovs.rundir().string()}});
  f.desired.set({{"br0", kFirst}});
  CHECK(f.flows_become("br0", kFirstDump));
  REQUIRE(f.h.settle_until([&] { return f.applied().contains("br0"); }, kWait));
  CHECK(f.applied().at("br0").held == kFirst);
}
