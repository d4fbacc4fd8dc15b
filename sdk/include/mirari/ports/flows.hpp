// Port catalogue: the OpenFlow rules each Open vSwitch bridge should hold, and what the
// openflow reconfigurer made it hold.
//
//   port           constant       kind    C++ type       stable type name
//   flows.desired  kFlowsDesired  signal  FlowsDesired   table<string,flows.bridge>
//   flows.applied  kFlowsApplied  signal  FlowsApplied   table<string,flows.applied_bridge>
//
// flows.desired is published by policies (device-preference, a policy of the user's): per
// bridge name, the whole set of flows and groups the bridge must hold. The openflow plugin
// makes each named bridge hold exactly that set, replacing the one before in one OpenFlow
// bundle, so no packet meets half of each; a bridge absent from the table is left alone. A
// set the switch refuses (a bad match or action) is reported in flows.applied and the bridge
// keeps the last set it accepted.
//
// Match and actions are written as ovs-ofctl(8) writes them ("in_port=p1,ip,nw_dst=192.0.2.10",
// "mod_dl_dst:02:00:5e:00:00:01,output:p2"), ports by name.
//
// JSON forms, for tools (mirarictl get, watch, set):
//   Flow          {"table": 0, "priority": 100, "match": "in_port=p1,ip",
//                  "actions": "output:p2", "cookie": 0}     (all but match and actions may be
//                                                            left out)
//   FlowGroup     {"id": 1, "type": "select", "buckets": ["output:p3", "output:p4"]}
//   BridgeFlows   {"flows": [Flow, ...], "groups": [FlowGroup, ...]}   (groups may be left out)
//   FlowsDesired  {"br0": BridgeFlows, ...}
//   AppliedBridge {"held": BridgeFlows, "error": "", "applied_at": 81234567}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/json_read.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::flows {

inline constexpr const char* kFlowsDesired = "flows.desired";
inline constexpr const char* kFlowsApplied = "flows.applied";

// OpenFlow's default priority, as ovs-ofctl gives a flow that names none.
inline constexpr std::uint16_t kDefaultPriority = 32768;

struct Flow {
  std::uint8_t table = 0;
  std::uint16_t priority = kDefaultPriority;
  std::string match;    // ovs-ofctl's match fields; empty matches every packet
  std::string actions;  // ovs-ofctl's actions; "drop" drops
  std::uint64_t cookie = 0;
  friend bool operator==(const Flow&, const Flow&) = default;
};

// An OpenFlow group: "select" spreads flows over its buckets (load-balancing across a scaling
// group), "all" copies to every bucket, "indirect" has one, "fast_failover" takes the first
// live one.
struct FlowGroup {
  std::uint32_t id = 0;
  std::string type = "select";
  std::vector<std::string> buckets;  // each bucket's actions, as ovs-ofctl writes them
  friend bool operator==(const FlowGroup&, const FlowGroup&) = default;
};

// A bridge's whole set.
struct BridgeFlows {
  std::vector<Flow> flows;
  std::vector<FlowGroup> groups;
  friend bool operator==(const BridgeFlows&, const BridgeFlows&) = default;
};

// What the openflow plugin made one bridge hold.
struct AppliedBridge {
  BridgeFlows held;             // the set the bridge holds, as last applied (and read back)
  std::string error;            // why the latest desired set is not held; empty when it is
  std::int64_t applied_at = 0;  // when held was applied, on clock.ms's clock
  friend bool operator==(const AppliedBridge&, const AppliedBridge&) = default;
};

using FlowsDesired = Table<std::string, BridgeFlows>;
using FlowsApplied = Table<std::string, AppliedBridge>;

inline void to_json(nlohmann::json& j, const Flow& f) {
  j = {{"table", f.table},
       {"priority", f.priority},
       {"match", f.match},
       {"actions", f.actions},
       {"cookie", f.cookie}};
}
inline void from_json(const nlohmann::json& j, Flow& f) {
  f = Flow{};
  if (j.contains("table")) read_json(j.at("table"), f.table);
  if (j.contains("priority")) read_json(j.at("priority"), f.priority);
  read_json(j.at("match"), f.match);
  read_json(j.at("actions"), f.actions);
  if (j.contains("cookie")) read_json(j.at("cookie"), f.cookie);
}

inline void to_json(nlohmann::json& j, const FlowGroup& g) {
  j = {{"id", g.id}, {"type", g.type}, {"buckets", g.buckets}};
}
inline void from_json(const nlohmann::json& j, FlowGroup& g) {
  read_json(j.at("id"), g.id);
  read_json(j.at("type"), g.type);
  read_json(j.at("buckets"), g.buckets);
}

inline void to_json(nlohmann::json& j, const BridgeFlows& b) {
  j = {{"flows", b.flows}, {"groups", b.groups}};
}
inline void from_json(const nlohmann::json& j, BridgeFlows& b) {
  b = BridgeFlows{};
  read_json(j.at("flows"), b.flows);
  if (j.contains("groups")) read_json(j.at("groups"), b.groups);
}

inline void to_json(nlohmann::json& j, const AppliedBridge& a) {
  j = {{"held", a.held}, {"error", a.error}, {"applied_at", a.applied_at}};
}
inline void from_json(const nlohmann::json& j, AppliedBridge& a) {
  read_json(j.at("held"), a.held);
  read_json(j.at("error"), a.error);
  read_json(j.at("applied_at"), a.applied_at);
}

}  // namespace mirari::ports::flows

MIRARI_TYPE(mirari::ports::flows::Flow, "flows.flow", table, priority, match, actions, cookie)
MIRARI_TYPE(mirari::ports::flows::FlowGroup, "flows.group", id, type, buckets)
MIRARI_TYPE(mirari::ports::flows::BridgeFlows, "flows.bridge", flows, groups)
MIRARI_TYPE(mirari::ports::flows::AppliedBridge, "flows.applied_bridge", held, error, applied_at)
