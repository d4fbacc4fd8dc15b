// What every stock scaler is configured with: the group it scales, how to recognise the
// group's instances while no instance manager publishes instances.actual, and the bounds of
// the count.
//
// Keys (declared by scaling_group_keys(), checked by parse_scaling_group()):
//   group          string, required: the scaling group; the policy publishes
//                  scale.<group>.desired (mirari/ports/scaling.hpp)
//   member_prefix  string, default "": while instances.actual is empty, the group's instances
//                  are those of load.by_instance whose name starts with this prefix; empty
//                  means "<group>-"
//   members        array of strings, default []: instead of a prefix, the names of the
//                  group's instances while instances.actual is empty
//   min_instances  integer, default 1: never fewer (at least 1: with no instance there is no
//                  load to scale on)
//   max_instances  integer, required: never more (at most 10000)
//   instances_port string, default "instances.actual": the port the group's instances are read
//                  from; a group spread over hosts reads cluster.merged.instances.actual
//                  (every host's, from the cluster plugin)
//   load_port      string, default "load.by_instance": the port their load is read from
//                  (spread over hosts: cluster.merged.load.by_instance)
#pragma once

#include <string>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::policies {

inline constexpr int kMaxInstances = 10'000;

// Which instances make the group.
struct Membership {
  std::string group;
  // While instances.actual is empty: the names in members when there are any, else the names
  // of load.by_instance that start with prefix.
  std::string prefix;
  std::vector<std::string> members;  // sorted, without repeats
  std::string instances_port = "instances.actual";
  std::string load_port = "load.by_instance";
  friend bool operator==(const Membership&, const Membership&) = default;
};

struct ScalingGroup {
  Membership membership;
  int min_instances = 1;
  int max_instances = 1;
  int clamp(int count) const noexcept;
  friend bool operator==(const ScalingGroup&, const ScalingGroup&) = default;
};

std::vector<ConfigKey> scaling_group_keys();

// Reads the keys of scaling_group_keys() from a checked configuration. Throws ConfigError
// naming the key for: a group that is not a group name (mirari/ports/scaling.hpp), both
// member_prefix and members given, an empty or repeated members entry, min_instances below 1,
// max_instances below min_instances or above 10000.
ScalingGroup parse_scaling_group(const Config& config);

}  // namespace mirari::policies
