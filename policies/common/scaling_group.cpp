#include "scaling_group.hpp"

#include <algorithm>
#include <cstdint>

#include <mirari/ports/instances.hpp>
#include <mirari/ports/load.hpp>
#include <mirari/ports/scaling.hpp>

namespace mirari::policies {

int ScalingGroup::clamp(int count) const noexcept {
  return std::clamp(count, min_instances, max_instances);
}

std::vector<ConfigKey> scaling_group_keys() {
  return {
      ConfigKey::required("group", ConfigType::string,
                          "the scaling group: the policy publishes scale.<group>.desired"),
      ConfigKey::optional("member_prefix", std::string(),
                          "while instances.actual is empty, the group is the instances of "
                          "load.by_instance whose name starts with this (empty: \"<group>-\")"),
      ConfigKey::optional("members", std::vector<std::string>(),
                          "while instances.actual is empty, the names of the group's instances "
                          "(instead of member_prefix)"),
      ConfigKey::optional("min_instances", std::int64_t{1}, "never fewer instances (at least 1)"),
      ConfigKey::required("max_instances", ConfigType::integer,
                          "never more instances (at most 10000)"),
      ConfigKey::optional("instances_port", std::string(ports::kInstancesActual),
                          "the port of the group's instances (spread over hosts: "
                          "cluster.merged.instances.actual)"),
      ConfigKey::optional("load_port", std::string(ports::load::kByInstance),
                          "the port of their load (spread over hosts: "
                          "cluster.merged.load.by_instance)")};
}

ScalingGroup parse_scaling_group(const Config& config) {
  ScalingGroup g;
  g.membership.group = config.get<std::string>("group");
  if (!ports::is_group_name(g.membership.group)) {
    throw ConfigError("group '" + g.membership.group +
                          "' is not a group name (1 to 63 letters, digits, '-' or '_')",
                      "group");
  }

  g.membership.prefix = config.get<std::string>("member_prefix");
  auto members = config.get<std::vector<std::string>>("members");
  if (!g.membership.prefix.empty() && !members.empty()) {
    throw ConfigError("give member_prefix or members, not both", "members");
  }
  if (g.membership.prefix.empty()) g.membership.prefix = g.membership.group + "-";
  std::sort(members.begin(), members.end());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].empty()) throw ConfigError("members holds an empty name", "members");
    if (i > 0 && members[i] == members[i - 1]) {
      throw ConfigError("members names '" + members[i] + "' twice", "members");
    }
  }
  g.membership.members = std::move(members);
  for (const char* key : {"instances_port", "load_port"}) {
    if (config.get<std::string>(key).empty()) {
      throw ConfigError(std::string(key) + " must name a port", key);
    }
  }
  g.membership.instances_port = config.get<std::string>("instances_port");
  g.membership.load_port = config.get<std::string>("load_port");

  const std::int64_t min = config.get<std::int64_t>("min_instances");
  const std::int64_t max = config.get<std::int64_t>("max_instances");
  if (min < 1) {
    throw ConfigError("min_instances must be at least 1, not " + std::to_string(min) +
                          ": with no instance there is no load to scale on",
                      "min_instances");
  }
  if (max < min || max > kMaxInstances) {
    throw ConfigError("max_instances must be between min_instances (" + std::to_string(min) +
                          ") and 10000, not " + std::to_string(max),
                      "max_instances");
  }
  g.min_instances = static_cast<int>(min);
  g.max_instances = static_cast<int>(max);
  return g;
}

}  // namespace mirari::policies
