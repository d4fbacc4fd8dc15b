// What each bridge must hold, as decided inside a tick: flows.desired's set for the bridge,
// validated, with the balance groups (openflow_options.hpp) merged in. A balance group's
// buckets are all its scaling group's running instances that have a port; which of those
// ports the bridge really has is only known when the set is applied, so the buckets keep
// their port beside their actions and effective_set() drops those whose port is missing.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <mirari/ports/flows.hpp>
#include <mirari/ports/instances.hpp>

#include "openflow_options.hpp"

namespace mirari::openflow {

struct BalancedBucket {
  std::string port;     // the instance's port, which the bridge must have
  std::string actions;  // the rule's bucket_actions with {port} replaced
  friend bool operator==(const BalancedBucket&, const BalancedBucket&) = default;
};

struct BalancedGroup {
  std::uint32_t id = 0;
  std::vector<BalancedBucket> buckets;  // by instance name
  friend bool operator==(const BalancedGroup&, const BalancedGroup&) = default;
};

struct BridgeTarget {
  ports::flows::BridgeFlows set;  // flows.desired's entry, as given
  std::vector<BalancedGroup> balanced;
  friend bool operator==(const BridgeTarget&, const BridgeTarget&) = default;
};

using BridgeTargets = std::map<std::string, BridgeTarget>;

// The target of every bridge of desired. Throws InvalidFlows (flow_validator.hpp) naming the
// bridge, the rule and what is wrong when a set is invalid, or declares a group a balance
// rule owns. Bridges absent from desired get no target, balance rules or not.
BridgeTargets plan_targets(const ports::flows::FlowsDesired& desired,
                           const ports::InstancesActual& instances,
                           const std::vector<BalanceRule>& balance);

// The set to apply: target's set with each balance group holding the buckets whose port is
// among ports, groups sorted by id.
ports::flows::BridgeFlows effective_set(const BridgeTarget& target,
                                        const std::set<std::string>& ports);

// The buckets of rule: one per running instance of rule.group with a port, by instance name.
std::vector<BalancedBucket> balanced_buckets(const BalanceRule& rule,
                                             const ports::InstancesActual& instances);

}  // namespace mirari::openflow
