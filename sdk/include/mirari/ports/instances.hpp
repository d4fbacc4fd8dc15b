// The instances that exist, as the instance manager publishes them.
//
//   instances.actual   signal  Table<std::string, InstanceStatus> (type
//                      "table<string,instances.status>"): every instance the manager
//                      started or adopted and has not yet forgotten, by instance name (the
//                      name it reports its load under). JSON form:
//                      {"web-1": {"group": "web", "state": "running", "since": 81234567}}
//
// Policies read it to know which instances belong to a group and which of them are ready:
// only running instances serve; starting ones are not ready yet; stopping, exited and failed
// ones no longer count, and their load is not the group's.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mirari/table.hpp"
#include "mirari/type_name.hpp"

namespace mirari::ports {

enum class InstanceState {
  starting,  // created, not yet ready to serve
  running,   // ready: serves, and its load counts
  stopping,  // asked to stop, still exists
  exited,    // ended by itself
  failed,    // could not be created, or the manager gave up on it
};

struct InstanceStatus {
  std::string group;  // the scaling group it belongs to
  InstanceState state = InstanceState::starting;
  std::int64_t since = 0;  // when it entered state, on clock.ms's clock
  friend bool operator==(const InstanceStatus&, const InstanceStatus&) = default;
};

using InstancesActual = Table<std::string, InstanceStatus>;

inline constexpr const char* kInstancesActual = "instances.actual";

inline std::string_view to_string(InstanceState state) noexcept {
  switch (state) {
    case InstanceState::starting:
      return "starting";
    case InstanceState::running:
      return "running";
    case InstanceState::stopping:
      return "stopping";
    case InstanceState::exited:
      return "exited";
    case InstanceState::failed:
      return "failed";
  }
  return "unknown";
}

// The state a name gives; throws std::invalid_argument quoting the name otherwise (a JSON
// form that maps unknown text to some state would pass a typo for a real state).
inline InstanceState instance_state(std::string_view name) {
  for (const InstanceState s :
       {InstanceState::starting, InstanceState::running, InstanceState::stopping,
        InstanceState::exited, InstanceState::failed}) {
    if (to_string(s) == name) return s;
  }
  throw std::invalid_argument("'" + std::string(name) +
                              "' is not an instance state (starting, running, stopping, "
                              "exited or failed)");
}

inline void to_json(nlohmann::json& j, InstanceState state) {
  j = std::string(to_string(state));
}
inline void from_json(const nlohmann::json& j, InstanceState& state) {
  state = instance_state(j.get<std::string>());
}

inline void to_json(nlohmann::json& j, const InstanceStatus& s) {
  j = {{"group", s.group}, {"state", s.state}, {"since", s.since}};
}
inline void from_json(const nlohmann::json& j, InstanceStatus& s) {
  j.at("group").get_to(s.group);
  j.at("state").get_to(s.state);
  j.at("since").get_to(s.since);
}

}  // namespace mirari::ports

MIRARI_TYPE_NAME(mirari::ports::InstanceStatus, "instances.status")
