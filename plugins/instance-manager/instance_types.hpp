// The port catalogue's instance types (mirari/ports/instances.hpp: instances.actual,
// instances.events, instances.desired.extra, instances.config), named in this plugin's
// namespace.
#pragma once

#include <mirari/ports/instances.hpp>

namespace mirari::instances {

using ports::InstanceConfig;
using ports::InstanceConfigs;
using ports::InstanceEvent;
using ports::InstancesActual;
using ports::InstanceSpec;
using ports::InstanceSpecs;
using ports::InstanceState;
using ports::InstanceStatus;
using ports::spec_hash;

// Whether an instance in this state has a domain or process the backend must account for.
inline bool live(InstanceState state) {
  return state == InstanceState::starting || state == InstanceState::running ||
         state == InstanceState::stopping;
}

}  // namespace mirari::instances
