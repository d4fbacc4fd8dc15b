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
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

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

// "scale.<group>.desired". Any thread. Throws std::invalid_argument quoting group when it is
// not a group name.
inline std::string desired_count_port(std::string_view group) {
  if (!is_group_name(group)) {
    throw std::invalid_argument("'" + std::string(group) +
                                "' is not a scaling group name (1 to 63 letters, digits, '-' "
                                "or '_')");
  }
  return "scale." + std::string(group) + ".desired";
}

}  // namespace mirari::ports
