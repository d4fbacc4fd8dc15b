// The openflow plugin's configuration: how bridges are reached, how often what they hold is
// checked, and the select groups that balance over a scaling group's instances.
//
//   ovs_rundir = "/var/run/openvswitch"   # bridge B is reached at unix:ovs_rundir/B.mgmt
//   ovs_ofctl = "ovs-ofctl"               # the program that talks OpenFlow to the bridges
//   verify_ms = 1000                      # how often each bridge is read back
//   timeout_s = 5                         # longest an ovs-ofctl call may wait for a bridge
//   [[balance]]
//   bridge = "br0"
//   group_id = 1
//   group = "web"                         # the scaling group, as in instances.actual
//   bucket_actions = "output:{port}"      # each running instance's bucket; {port} = its port
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::openflow {

// One select group whose buckets follow a scaling group's running instances.
struct BalanceRule {
  std::string bridge;
  std::uint32_t group_id = 0;
  std::string group;
  std::string bucket_actions = "output:{port}";
  friend bool operator==(const BalanceRule&, const BalanceRule&) = default;
};

struct OpenflowOptions {
  std::filesystem::path ovs_rundir = "/var/run/openvswitch";
  std::string ovs_ofctl = "ovs-ofctl";
  std::chrono::milliseconds verify{1000};
  std::chrono::seconds timeout{5};
  std::vector<BalanceRule> balance;
};

std::vector<ConfigKey> openflow_config_keys();

// The options a checked configuration gives. Throws ConfigError naming the key when a value
// is out of range, a bridge name is not one Open vSwitch accepts, a bucket template does not
// name {port} or is not valid actions, or two balance rules claim one group of one bridge.
OpenflowOptions parse_options(const Config& config);

}  // namespace mirari::openflow
