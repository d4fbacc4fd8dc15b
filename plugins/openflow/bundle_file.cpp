#include "bundle_file.hpp"

#include <cstdio>

#include "flow_validator.hpp"

namespace mirari::openflow {

namespace {

std::string hex(std::uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

std::string bundle_file(const ports::flows::BridgeFlows& set) {
  // Groups go after the flows are gone and before the flows that use them come.
  std::string text = "flow delete\ngroup delete group_id=all\n";
  for (const ports::flows::FlowGroup& group : set.groups) {
    text += "group add group_id=" + std::to_string(group.id) + ",type=" + group.type;
    for (const std::string& bucket : group.buckets) {
      // ovs-ofctl reads a bucket's watch_port only before its actions.
      const BucketParts parts = bucket_parts(bucket);
      text += ",bucket=";
      if (parts.watch_port) text += "watch_port:" + *parts.watch_port + ",";
      text += "actions=" + parts.actions;
    }
    text += '\n';
  }
  for (const ports::flows::Flow& flow : set.flows) {
    text += "flow add table=" + std::to_string(flow.table) +
            ",priority=" + std::to_string(flow.priority) + ",cookie=" + hex(flow.cookie);
    if (!flow.match.empty()) text += "," + flow.match;
    text += ",actions=" + flow.actions + '\n';
  }
  return text;
}

}  // namespace mirari::openflow
