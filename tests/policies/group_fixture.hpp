// Groups as tests describe them: members with a state and, maybe, a load, turned into the
// tables a scaler reads (instances.actual, load.by_instance) and the GroupLoad it sees.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "group_load.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"

namespace mirari::policies::test {

using ports::InstanceState;

struct Member {
  InstanceState state = InstanceState::running;
  std::optional<double> load;
};

inline constexpr const char* kGroup = "web";

inline Membership web_membership() {
  return Membership{kGroup, "web-", {}};
}

// Member i is named "web-<i>"; each has the group "web".
inline ports::InstancesActual actual_of(const std::vector<Member>& members) {
  ports::InstancesActual::Builder b;
  for (std::size_t i = 0; i < members.size(); ++i) {
    b.set("web-" + std::to_string(i), {kGroup, members[i].state, 0});
  }
  return b.build();
}

inline ports::load::LoadByInstance loads_of(const std::vector<Member>& members) {
  ports::load::LoadByInstance::Builder b;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].load) b.set("web-" + std::to_string(i), *members[i].load);
  }
  return b.build();
}

inline GroupLoad load_of(const std::vector<Member>& members) {
  return group_load(web_membership(), actual_of(members), loads_of(members));
}

// n running members, each with the given loads (fewer loads than members: the rest report
// nothing).
inline std::vector<Member> running(std::size_t n, const std::vector<double>& loads) {
  std::vector<Member> out(n);
  for (std::size_t i = 0; i < loads.size() && i < n; ++i) out[i].load = loads[i];
  return out;
}

}  // namespace mirari::policies::test
