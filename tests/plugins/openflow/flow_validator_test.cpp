#include "flow_validator.hpp"

#include <catch2/catch.hpp>

using namespace mirari::openflow;
using mirari::ports::flows::BridgeFlows;

namespace {

BridgeFlows one_flow(std::string match, std::string actions) {
  return {{Flow{0, 100, std::move(match), std::move(actions), 0}}, {}};
}

std::string refusal(const BridgeFlows& set, const std::string& bridge = "br0") {
  try {
    validate(bridge, set);
  } catch (const InvalidFlows& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a set of known fields, protocols, actions and declared groups is accepted") {
  BridgeFlows set;
  set.groups = {FlowGroup{1, "select", {"output:p1", "mod_dl_dst:02:00:5e:00:00:01,output:p2"}}};
  set.flows = {Flow{0, 100, "in_port=p1,ip,nw_dst=192.0.2.10", "group:1", 5},
               Flow{0, 10, "", "drop", 0},
               Flow{1, 50, "reg3=0x1,tcp,tp_dst=80", "set_field:198.51.100.1->nw_dst,p2", 0},
               Flow{0, 20, "arp", "NORMAL", 0},
               Flow{0, 30, "ipv6,ipv6_dst=2001:db8::1", "resubmit(,1),output:p2", 0}};
  CHECK(refusal(set).empty());
}

TEST_CASE("an unknown match field is refused naming the bridge, the rule and the field") {
  const std::string error = refusal(one_flow("in_prot=p1", "output:p2"));
  CHECK(error ==
        "bridge 'br0': flow 'table=0,priority=100,in_prot=p1 actions=output:p2': 'in_prot' is "
        "not a match field");
}

TEST_CASE("an unknown action keyword is refused") {
  CHECK(refusal(one_flow("ip", "outptu:p2")) ==
        "bridge 'br0': flow 'table=0,priority=100,ip actions=outptu:p2': 'outptu' is not an "
        "action");
}

TEST_CASE("empty actions, drop among others and fields without values are refused") {
  CHECK(refusal(one_flow("ip", "")).ends_with("the actions are empty (write drop to drop)"));
  CHECK(refusal(one_flow("ip", "drop,output:p2")).ends_with("drop must be the only action"));
  CHECK(refusal(one_flow("nw_dst", "drop"))
            .ends_with("match field 'nw_dst' has no value (write nw_dst=VALUE)"));
  CHECK(refusal(one_flow("nw_dst=", "drop")).ends_with("match field 'nw_dst' has an empty value"));
  CHECK(refusal(one_flow("tcp=6", "drop")).ends_with("protocol 'tcp' takes no value"));
  CHECK(refusal(one_flow("ip,,tcp", "drop")).ends_with("(two commas in a row?)"));
  CHECK(refusal(one_flow("ip", "resubmit(,1")).ends_with("unbalanced parentheses or brackets"));
}

TEST_CASE("table, priority, cookie and timeouts in a match are refused") {
  CHECK(refusal(one_flow("table=1,ip", "drop")).find("'table' is not a match field") !=
        std::string::npos);
  CHECK(refusal(one_flow("idle_timeout=10", "drop")).find("takes no timeouts") !=
        std::string::npos);
}

TEST_CASE("text that would break the bundle file is refused") {
  CHECK(refusal(one_flow("ip", "drop\nflow delete"))
            .ends_with("the actions holds a control or non-ASCII character"));
  CHECK(refusal(one_flow("ip # comment", "drop")).ends_with("the match holds '#'"));
}

TEST_CASE("table 255 is refused") {
  BridgeFlows set{{Flow{255, 1, "", "drop", 0}}, {}};
  CHECK(refusal(set).ends_with("table 255 is not a table (flows live in 0 to 254)"));
}

TEST_CASE("a flow sending to an undeclared group is refused") {
  CHECK(refusal(one_flow("ip", "group:7")) ==
        "bridge 'br0': flow 'table=0,priority=100,ip actions=group:7': group:7 names a group "
        "the set does not declare");
}

TEST_CASE("groups: bad type, duplicate id, empty bucket, indirect with two buckets") {
  CHECK(refusal({{}, {FlowGroup{1, "round_robin", {"output:p1"}}}}) ==
        "bridge 'br0': group 1: type 'round_robin' is not select, all, indirect or "
        "fast_failover");
  CHECK(refusal({{}, {FlowGroup{1, "all", {"p1"}}, FlowGroup{1, "all", {"p2"}}}}) ==
        "bridge 'br0': group 1: declared twice");
  CHECK(refusal({{}, {FlowGroup{2, "select", {"output:p1", ""}}}}) ==
        "bridge 'br0': group 2: bucket 1 '': the actions are empty (write drop to drop)");
  CHECK(refusal({{}, {FlowGroup{3, "indirect", {"p1", "p2"}}}}) ==
        "bridge 'br0': group 3: an indirect group has exactly one bucket, not 2");
  CHECK(refusal({{}, {FlowGroup{0xffffff01, "all", {"p1"}}}}).ends_with("largest, 4294967040"));
}

TEST_CASE("two flows with the same table, priority and match are refused") {
  BridgeFlows set{{Flow{0, 100, "ip", "drop", 0}, Flow{0, 100, "ip", "output:p2", 0}}, {}};
  CHECK(refusal(set).ends_with("another flow has the same table, priority and match"));
}

TEST_CASE("a bridge name Open vSwitch would not take is refused") {
  CHECK(refusal({}, "../etc") ==
        "'../etc' is not a bridge name (1 to 15 letters, digits, '-', '_' or '.')");
  CHECK(refusal({}, "a-bridge-name-too-long") != "");
}

TEST_CASE("referenced_groups reads the top-level group actions") {
  CHECK(referenced_groups("group:1,output:p2,group:0x10") == std::vector<std::uint32_t>{1, 16});
}
