#include "openflow_options.hpp"

#include <set>
#include <utility>

#include "flow_validator.hpp"

namespace mirari::openflow {

namespace {

constexpr std::int64_t kMaxVerifyMs = 3'600'000;  // an hour
constexpr std::int64_t kMaxTimeoutS = 600;

BalanceRule parse_rule(const Config& table) {
  BalanceRule rule;
  rule.bridge = table.get<std::string>("bridge");
  if (auto problem = bridge_name_problem(rule.bridge)) {
    throw ConfigError(table.path_of("bridge") + ": " + *problem, table.path_of("bridge"));
  }
  rule.group_id = static_cast<std::uint32_t>(table.integer("group_id", 0, kMaxGroupId));
  rule.group = table.get<std::string>("group");
  if (rule.group.empty()) {
    throw ConfigError(table.path_of("group") + " must name a scaling group",
                      table.path_of("group"));
  }
  rule.bucket_actions = table.get<std::string>("bucket_actions");
  const std::string key = table.path_of("bucket_actions");
  if (rule.bucket_actions.find("{port}") == std::string::npos) {
    throw ConfigError(key + " '" + rule.bucket_actions + "' does not name {port}", key);
  }
  if (auto problem = actions_problem(rule.bucket_actions)) {
    throw ConfigError(key + " '" + rule.bucket_actions + "': " + *problem, key);
  }
  return rule;
}

}  // namespace

std::vector<ConfigKey> openflow_config_keys() {
  return {
      ConfigKey::optional("ovs_rundir", std::string("/var/run/openvswitch"),
                          "Open vSwitch's run directory: bridge B is reached at its management "
                          "socket unix:ovs_rundir/B.mgmt"),
      ConfigKey::optional("ovs_ofctl", std::string("ovs-ofctl"),
                          "the ovs-ofctl program (looked up in PATH unless a path)"),
      ConfigKey::optional("verify_ms", std::int64_t{1000},
                          "how often each bridge is read back; a set it no longer holds (or "
                          "failed to take) is applied again"),
      ConfigKey::optional("timeout_s", std::int64_t{5},
                          "longest an ovs-ofctl call waits for a bridge, in seconds"),
      ConfigKey::tables(
          "balance",
          {
              ConfigKey::required("bridge", ConfigType::string, "the bridge holding the group"),
              ConfigKey::required("group_id", ConfigType::integer,
                                  "the OpenFlow select group's id; flows.desired's flows send "
                                  "to it with group:ID"),
              ConfigKey::required("group", ConfigType::string,
                                  "the scaling group whose running instances get a bucket each"),
              ConfigKey::optional("bucket_actions", std::string("output:{port}"),
                                  "each bucket's actions; {port} is the instance's port"),
          },
          "select groups whose buckets follow a scaling group's running instances"),
  };
}

OpenflowOptions parse_options(const Config& config) {
  OpenflowOptions o;
  o.ovs_rundir = config.get<std::string>("ovs_rundir");
  if (o.ovs_rundir.empty()) throw ConfigError("ovs_rundir must name a directory", "ovs_rundir");
  o.ovs_ofctl = config.get<std::string>("ovs_ofctl");
  if (o.ovs_ofctl.empty()) throw ConfigError("ovs_ofctl must name a program", "ovs_ofctl");
  o.verify = std::chrono::milliseconds(config.integer("verify_ms", 10, kMaxVerifyMs));
  o.timeout = std::chrono::seconds(config.integer("timeout_s", 1, kMaxTimeoutS));
  std::set<std::pair<std::string, std::uint32_t>> claimed;
  for (const Config& table : config.tables("balance")) {
    BalanceRule rule = parse_rule(table);
    if (!claimed.emplace(rule.bridge, rule.group_id).second) {
      throw ConfigError(table.path_of("group_id") + ": group " + std::to_string(rule.group_id) +
                            " of bridge '" + rule.bridge +
                            "' is already balanced by an earlier "
                            "rule",
                        table.path_of("group_id"));
    }
    o.balance.push_back(std::move(rule));
  }
  return o;
}

}  // namespace mirari::openflow
