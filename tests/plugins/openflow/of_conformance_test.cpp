// The plugin's OpenFlow encoder against ovs-ofctl, the oracle: each set of a corpus goes to
// bridge bra through the encoder (of_bundle.hpp over of_channel.hpp) and to bridge brb
// through `ovs-ofctl bundle`, and the two bridges must then hold the same flows and groups
// (dump-flows and dump-groups by port number, normalized). Both bridges are on one private
// Open vSwitch (tests/support/ovs_switch.hpp) and have ports numbered alike: a1, a2, a3 and
// b1, b2, b3 are ports 1, 2, 3. Also: what the switch refuses changes nothing, and comes back
// naming the rule and the switch's reason. Needs root.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "bundle_file.hpp"
#include "flow_validator.hpp"
#include "of_bundle.hpp"
#include "of_channel.hpp"
#include "ofctl.hpp"
#include "ovs_switch.hpp"
#include "switch_dump.hpp"

using namespace mirari::openflow;
using namespace mirari::ports::flows;
using mirari::testing::OvsSwitch;

namespace {

// {1}, {2}, {3} stand for the bridge's ports 1, 2, 3.
std::string on(std::string text, const std::string& prefix) {
  for (std::size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at)) {
    text.replace(at, 3, prefix + text.substr(at + 1, 1));
  }
  return text;
}

BridgeFlows on(const BridgeFlows& set, const std::string& prefix) {
  BridgeFlows out = set;
  for (Flow& flow : out.flows) {
    flow.match = on(flow.match, prefix);
    flow.actions = on(flow.actions, prefix);
  }
  for (FlowGroup& group : out.groups) {
    for (std::string& bucket : group.buckets) bucket = on(bucket, prefix);
  }
  return out;
}

struct Pair {
  OvsSwitch ovs;
  Ofctl ofctl{"ovs-ofctl", ovs.rundir(), std::chrono::seconds(5)};

  Pair() {
    for (const std::string bridge : {"bra", "brb"}) {
      ovs.add_bridge(bridge);
      for (const char* n : {"1", "2", "3"}) ovs.add_internal_port(bridge, bridge.substr(2) + n);
    }
  }

  // What bridge holds, ports by number.
  std::string held(const std::string& bridge) {
    return normalized_dump(ovs.ofctl("dump-flows", bridge, {"--no-stats", "--no-names"})) +
           normalized_dump(ovs.ofctl("dump-groups", bridge, {"--no-names"}));
  }

  // Sends set to bra through the encoder; throws OfctlError when the switch refuses it.
  void encoded(const BridgeFlows& set) {
    const BridgeFlows mine = on(set, "a");
    validate("bra", mine);
    OfChannel channel(ovs.rundir() / "bra.mgmt", std::chrono::seconds(5));
    const PortNumbers ports = channel.ports();
    const auto messages = encode_bundle(mine, ports);
    REQUIRE(messages);
    std::vector<std::string> lines;
    const std::string file = bundle_file(mine);
    for (std::size_t start = 0, end; (end = file.find('\n', start)) != std::string::npos;
         start = end + 1) {
      lines.push_back(file.substr(start, end - start));
    }
    channel.bundle(*messages, lines);
  }

  void through_ofctl(const BridgeFlows& set) { ofctl.apply("brb", bundle_file(on(set, "b"))); }
};

const std::vector<BridgeFlows>& corpus() {
  static const std::vector<BridgeFlows> sets = {
      {{Flow{0, 100, "in_port={1},ip,nw_dst=192.0.2.10", "output:{2}", 5}}, {}},
      {{Flow{0, 100, "tcp,nw_src=192.0.2.0/24,tp_dst=80,dl_src=02:00:00:00:00:01/ff:ff:ff:00:00:00",
             "mod_dl_dst:02:00:5e:00:00:01,set_field:192.0.2.9->ip_dst,output:2,goto_table:3", 0}},
       {}},
      {{Flow{0, 7, "udp6,ipv6_src=2001:db8::/32,udp_src=53,metadata=0x5/0xff,reg3=7",
             "resubmit(,4),NORMAL,controller,in_port,group:1", 0}},
       {FlowGroup{1, "all", {"output:{1}", "output:{2}"}}}},
      {{Flow{0, 8, "arp,arp_op=1,arp_spa=192.0.2.1,arp_tpa=192.0.2.0/255.255.255.0,dl_vlan=10",
             "pop_vlan,output:{1}", 0}},
       {}},
      {{Flow{0, 0, "", "local,flood,all,{1}", 0}}, {}},
      {{Flow{0, 65535, "icmp,nw_dst=198.51.100.7/255.255.255.0", "drop", 0}}, {}},
      {{Flow{2, 9, "icmp6,ipv6_dst=2001:db8::1", "drop", 0}}, {}},
      {{Flow{0, 10, "vlan_vid=100,dl_dst=02:00:5e:00:00:01", "output:{3}", 0}}, {}},
      {{Flow{0, 11, "ip,nw_proto=17,udp_dst=53", "drop", 0}}, {}},
      {{Flow{0, 12, "tcp6,tcp_src=22,ipv6_dst=2001:db8::/64",
             "set_field:2001:db8::9->ipv6_dst,set_field:2222->tcp_dst,output:{1}", 0}},
       {}},
      {{Flow{0, 13, "reg0=0x10/0xf0,reg7=1", "goto_table:1", 0}}, {}},
      {{Flow{3, 14, "dl_type=0x88cc", "controller", 0x123456789abcdef0}}, {}},
      {{Flow{0, 15, "in_port=LOCAL", "output:{1}", 0}}, {}},
      {{Flow{0, 16, "eth_src=02:00:00:00:00:02,eth_type=0x0806,arp_tpa=192.0.2.1", "{2}", 0}}, {}},
      {{Flow{0, 17, "udp,tp_src=67,tp_dst=68,nw_src=0.0.0.0/0", "output:{3}", 0}}, {}},
      {{Flow{0, 18, "ip", "group:2", 0}},
       {FlowGroup{
           2, "select", {"output:{1}", "mod_dl_dst:02:00:5e:00:00:01,output:{2}", "output:{3}"}}}},
      {{Flow{0, 19, "ip", "group:3", 0}}, {FlowGroup{3, "indirect", {"output:{3}"}}}},
      {{Flow{0, 20, "ip", "group:4", 0}},
       {FlowGroup{4, "fast_failover", {"output:{1},watch_port:{1}", "watch_port:{2},output:{2}"}}}},
      {{}, {FlowGroup{5, "select", {}}}},
  };
  return sets;
}

}  // namespace

TEST_CASE("each set of the corpus is held alike through the encoder and through ovs-ofctl",
          "[openflow]") {
  Pair pair;
  for (const BridgeFlows& set : corpus()) {
    INFO("set: " << bundle_file(on(set, "a")));
    pair.encoded(set);
    pair.through_ofctl(set);
    const std::string held = pair.held("bra");
    CHECK(held == pair.held("brb"));
    CHECK_FALSE(held.empty());
  }
}

TEST_CASE("the whole corpus as one set is held alike, and replaces what was there", "[openflow]") {
  Pair pair;
  BridgeFlows all;
  for (const BridgeFlows& set : corpus()) {
    for (const Flow& flow : set.flows) {
      if (std::none_of(all.flows.begin(), all.flows.end(), [&](const Flow& f) {
            return f.table == flow.table && f.priority == flow.priority;
          })) {
        all.flows.push_back(flow);
      }
    }
    all.groups.insert(all.groups.end(), set.groups.begin(), set.groups.end());
  }
  pair.encoded(corpus()[0]);
  pair.through_ofctl(corpus()[0]);
  pair.encoded(all);
  pair.through_ofctl(all);
  CHECK(pair.held("bra") == pair.held("brb"));
  CHECK(pair.held("bra").find("group_id=5") != std::string::npos);
}

TEST_CASE("a set the switch refuses leaves the bridge as it was, naming the rule and why",
          "[openflow]") {
  Pair pair;
  const BridgeFlows good{{Flow{0, 18, "ip", "group:2", 0}},
                         {FlowGroup{2, "select", {"output:{1}", "output:{2}"}}}};
  pair.encoded(good);
  const std::string before = pair.held("bra");
  REQUIRE(before.find("group_id=2") != std::string::npos);

  SECTION("a goto_table back to its own table") {
    const BridgeFlows bad{{Flow{0, 1, "", "drop", 0}, Flow{1, 2, "ip", "goto_table:1", 0}}, {}};
    CHECK_THROWS_WITH(pair.encoded(bad),
                      "Error OFPBIC_BAD_TABLE_ID (OFPET_BAD_INSTRUCTION) (in 'flow add "
                      "table=1,priority=2,cookie=0x0,ip,actions=goto_table:1')");
  }
  SECTION("a field set without the match it needs") {
    const BridgeFlows bad{{Flow{0, 1, "", "set_field:192.0.2.9->ip_dst,output:{1}", 0}}, {}};
    CHECK_THROWS_WITH(pair.encoded(bad),
                      "Error OFPBAC_MATCH_INCONSISTENT (OFPET_BAD_ACTION) (in 'flow add "
                      "table=0,priority=1,cookie=0x0,actions=set_field:192.0.2.9->ip_dst,"
                      "output:a1')");
  }
  CHECK(pair.held("bra") == before);
}

TEST_CASE("a bridge that is not there cannot be reached", "[openflow]") {
  OvsSwitch ovs;
  CHECK_THROWS_WITH(
      OfChannel(ovs.rundir() / "nope.mgmt", std::chrono::seconds(1)),
      "cannot connect to " + (ovs.rundir() / "nope.mgmt").string() + ": No such file or directory");
}
