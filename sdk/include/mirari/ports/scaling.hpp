// The port every scaling policy publishes, and the names of scaling groups.
//
//   scale.<group>.desired   signal  int (type "int32"): how many instances of the group the
//                           policy wants, counting those starting and running. One policy
//                           publishes it per group; the instance manager subscribes it for each
//                           group it runs and creates or destroys instances to match. The
//                           stock policies never publish less than 1 (their min_instances is
//                           at least 1), so the 0 the port reads while no policy publishes it
//                           means that none has spoken yet.
//
// Every scaler names the port through desired_count_port(), so a policy and the instance
// manager agree on it by construction.
//
// A group spread over several hosts (policies/placement/, with the cluster plugin) adds:
//
//   scale.<group>.placement signal  Placement (type "table<string,int32>"): how many of the
//                           group's instances each host runs, by host name, spreading the
//                           desired count over the hosts that stand for the placement role.
//                           Every placement policy computes it; the cluster plugin writes the
//                           leader's to etcd, fenced by the leader's term, and every host reads
//                           that one back as cluster.led.scale.<group>.placement. JSON form:
//                           {"a": 2, "b": 1, "c": 1}
//   scale.<group>.share     signal  int (type "int32"): this host's count in the placement
//                           the leader wrote (0 while none names it); the host's instance
//                           manager reads it instead of scale.<group>.desired
//                           (desired_port = "scale.<group>.share").
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mirari/table.hpp"

namespace mirari::ports {

using DesiredCount = int;

inline constexpr std::size_t kMaxGroupNameLength = 63;

// Whether group can name a scaling group: 1 to 63 ASCII letters, digits, '-' and '_' (no
// dot, so that the group is one component of the port's name).
inline bool is_group_name(std::string_view group) noexcept {
  if (group.empty() || group.size() > kMaxGroupNameLength) return false;
  for (const char c : group) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The port's name as a plugin declares it (port_declaration.hpp): {group} is the value of
// the plugin's configuration key "group".
inline constexpr const char* kDesiredCountPattern = "scale.{group}.desired";

// "scale.<group>.<what>". Any thread. Throws std::invalid_argument quoting group when it is
// not a group name.
inline std::string group_port(std::string_view group, std::string_view what) {
  if (!is_group_name(group)) {
    throw std::invalid_argument("'" + std::string(group) +
                                "' is not a scaling group name (1 to 63 letters, digits, '-' "
                                "or '_')");
  }
  return "scale." + std::string(group) + "." + std::string(what);
}

// "scale.<group>.desired". Any thread. Throws as group_port() does.
inline std::string desired_count_port(std::string_view group) {
  return group_port(group, "desired");
}

using Placement = Table<std::string, DesiredCount>;

inline constexpr const char* kPlacementPattern = "scale.{group}.placement";
inline constexpr const char* kSharePattern = "scale.{group}.share";

// "scale.<group>.placement" and "scale.<group>.share". Any thread. Throw as group_port()
// does.
inline std::string placement_port(std::string_view group) {
  return group_port(group, "placement");
}
inline std::string share_port(std::string_view group) {
  return group_port(group, "share");
}

// The group a port named "scale.<group>.placement" is for, or empty for any other name.
inline std::string_view placement_group(std::string_view port) {
  constexpr std::string_view head = "scale.", tail = ".placement";
  if (port.size() <= head.size() + tail.size() || port.substr(0, head.size()) != head ||
      port.substr(port.size() - tail.size()) != tail) {
    return {};
  }
  const std::string_view group = port.substr(head.size(), port.size() - head.size() - tail.size());
  return is_group_name(group) ? group : std::string_view();
}

}  // namespace mirari::ports
