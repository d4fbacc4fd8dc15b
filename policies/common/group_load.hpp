// What a scaler knows of its group at one moment: how many of its instances are ready, how
// many are still starting, and the load the ready ones report.
//
// Membership: while instances.actual holds any instance, the group is the instances it lists
// under the group's name; running ones are ready, starting ones are not yet, and stopping,
// exited and failed ones are no longer the group's. While it is empty (no instance manager
// runs), the group is what the configuration names (scaling_group.hpp), all taken as running.
// Load reported under any other name — an instance that is gone, or another group's — is
// not the group's.
//
// Loads are taken in thousandths, as Kubernetes takes metric quantities: each instance's
// load is rounded to 0.001 after being brought into [0, 10^9] (a negative load counts as 0).
#pragma once

#include <cstdint>
#include <optional>

#include <mirari/graph.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/ports/load.hpp>

#include "scaling_group.hpp"

namespace mirari::policies {

struct GroupLoad {
  int running = 0;              // ready members
  int starting = 0;             // members not ready yet
  int reporting = 0;            // ready members with a load in load.by_instance
  std::int64_t load_milli = 0;  // the sum of those loads, in thousandths

  // Members that count toward the group's size.
  int live() const noexcept { return running + starting; }
  // Ready members without a load.
  int missing() const noexcept { return running - reporting; }
  // The mean load of the reporting members; none when no member reports.
  std::optional<double> mean_load() const noexcept;
  friend bool operator==(const GroupLoad&, const GroupLoad&) = default;
};

// A load in thousandths, as described above.
std::int64_t load_milli(double load) noexcept;

// The group's load, read from the whole of both tables: O(size of the tables). The graph form
// below computes the same incrementally; this one is its specification.
GroupLoad group_load(const Membership& membership, const ports::InstancesActual& actual,
                     const ports::load::LoadByInstance& load);

// The group's load as a node of the graph, kept up to date at the cost of what changed in
// either table (collections.hpp): O(changed entries x log N) per tick. Graph thread, inside
// the plugin's start().
Signal<GroupLoad> group_load(const Membership& membership, Signal<ports::InstancesActual> actual,
                             Signal<ports::load::LoadByInstance> load);

}  // namespace mirari::policies
