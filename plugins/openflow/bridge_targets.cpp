#include "bridge_targets.hpp"

#include <algorithm>

#include "flow_validator.hpp"

namespace mirari::openflow {

namespace {

std::string with_port(std::string text, const std::string& port) {
  static constexpr std::string_view kPort = "{port}";
  for (std::size_t at = text.find(kPort); at != std::string::npos;
       at = text.find(kPort, at + port.size())) {
    text.replace(at, kPort.size(), port);
  }
  return text;
}

}  // namespace

std::vector<BalancedBucket> balanced_buckets(const BalanceRule& rule,
                                             const ports::InstancesActual& instances) {
  std::map<std::string, BalancedBucket> by_name;
  for (const auto& [name, status] : instances) {
    // Only a running instance serves; a stopping one leaves the group at once. A port name
    // no bridge could have is left out as a port the bridge lacks would be.
    if (status.group != rule.group || status.state != ports::InstanceState::running ||
        bridge_name_problem(status.port)) {
      continue;
    }
    by_name.emplace(name, BalancedBucket{status.port, with_port(rule.bucket_actions, status.port)});
  }
  std::vector<BalancedBucket> out;
  for (auto& [name, bucket] : by_name) out.push_back(std::move(bucket));
  return out;
}

BridgeTargets plan_targets(const ports::flows::FlowsDesired& desired,
                           const ports::InstancesActual& instances,
                           const std::vector<BalanceRule>& balance) {
  BridgeTargets targets;
  for (const auto& [bridge, set] : desired) {
    BridgeTarget target{set, {}};
    ports::flows::BridgeFlows whole = set;
    for (const BalanceRule& rule : balance) {
      if (rule.bridge != bridge) continue;
      const bool declared = std::any_of(set.groups.begin(), set.groups.end(),
                                        [&](const auto& g) { return g.id == rule.group_id; });
      if (declared) {
        throw InvalidFlows("bridge '" + bridge + "': group " + std::to_string(rule.group_id) +
                           " is the balance group of scaling group '" + rule.group +
                           "' (openflow's [[balance]]); flows.desired may not declare it");
      }
      BalancedGroup group{rule.group_id, balanced_buckets(rule, instances)};
      ports::flows::FlowGroup candidates{rule.group_id, "select", {}};
      for (const BalancedBucket& b : group.buckets) candidates.buckets.push_back(b.actions);
      whole.groups.push_back(std::move(candidates));
      target.balanced.push_back(std::move(group));
    }
    validate(bridge, whole);
    targets.emplace(bridge, std::move(target));
  }
  return targets;
}

ports::flows::BridgeFlows effective_set(const BridgeTarget& target,
                                        const std::set<std::string>& ports) {
  ports::flows::BridgeFlows set = target.set;
  for (const BalancedGroup& group : target.balanced) {
    ports::flows::FlowGroup select{group.id, "select", {}};
    for (const BalancedBucket& b : group.buckets) {
      if (ports.count(b.port)) select.buckets.push_back(b.actions);
    }
    set.groups.push_back(std::move(select));
  }
  std::stable_sort(set.groups.begin(), set.groups.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
  return set;
}

}  // namespace mirari::openflow
