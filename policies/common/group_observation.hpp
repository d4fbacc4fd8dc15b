// What a scaler decides from: its group's load and the time, as one signal that changes when
// either does.
//
// Ports subscribed: load.by_instance (mirari/ports/load.hpp), instances.actual
// (mirari/ports/instances.hpp), or the ports the group's instances_port and load_port name
// instead, and clock.ms (mirari/ports/clock.hpp). Each reads empty (or 0)
// until something publishes it, so a scaler starts in any order with the plugins that feed it.
#pragma once

#include <vector>

#include <mirari/plugin.hpp>
#include <mirari/ports/clock.hpp>

#include "group_load.hpp"
#include "scaling_group.hpp"

namespace mirari::policies {

using Millis = ports::ClockMs;

struct Observation {
  GroupLoad load;
  Millis now = 0;  // clock.ms
  friend bool operator==(const Observation&, const Observation&) = default;
};

// Graph thread, inside the plugin's start().
Signal<Observation> observe_group(Context& ctx, const Membership& membership);

// The ports observe_group subscribes, and the desired count every scaler publishes, for the
// scalers' ports(). Any thread.
std::vector<PortDecl> scaler_ports();

}  // namespace mirari::policies
