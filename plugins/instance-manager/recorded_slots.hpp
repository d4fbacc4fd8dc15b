// What a group's state file says the policies last asked for, for a manager that starts
// before the policies speak (instance_manager_plugin.hpp): the counted members and the
// extras it recorded. Every backend answers recorded_members() and recorded_extras() with
// these, so the same record means the same thing whichever backend wrote it.
#pragma once

#include <cstdint>

#include "instance_types.hpp"
#include "state_file.hpp"

namespace mirari::instances {

// Counted members (no extra key) recorded as starting, running or failed.
std::int64_t recorded_members(const RecordedState& state);

// Per extra key, the spec of its newest instance (highest serial) that is not stopping.
InstanceSpecs recorded_extras(const RecordedState& state);

}  // namespace mirari::instances
