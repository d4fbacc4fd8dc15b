// The reconciler: from what the policies want and what the backend reports, the actions that
// bring one toward the other. Pure (no clock, no I/O): the same inputs give the same plan.
//
// Instances come in slots. The group's slot holds its counted members, named GROUP-N, running
// the group's spec, and wants clamp(desired, min, max) of them; each entry KEY of
// instances.desired.extra whose spec names this group is a slot of its own that wants one
// instance, named KEY-N, running the entry's spec; a slot whose entry went wants none. N is
// a serial number never used twice by one group, so a name always means one instance.
//
// Per slot:
//  - exited instances are forgotten;
//  - an instance whose spec hash differs from the slot's is outdated: one still starting is
//    stopped, a failed one forgotten, a running one kept until a current one runs in its
//    place (replace: start the new one, wait until it runs, then stop the old one, so that
//    running instances never fall below the count). At most `surge` instances beyond the
//    count are started for this;
//  - current instances (starting, running, or failed and waiting to retry) above the count
//    go: failed ones first, then starting ones (youngest first), then running ones by the
//    victim rule;
//  - a failed instance is retried under its own name once its back-off has passed
//    (InstanceStatus::retry_at), and holds its place until then;
//  - new instances fill the count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <mirari/ports/load.hpp>

#include "instance_types.hpp"
#include "plan.hpp"

namespace mirari::instances {

// Which running instance goes first when there are too many.
enum class VictimRule {
  youngest,      // the one that has been running the shortest time
  oldest,        // the one that has been running the longest
  least_loaded,  // the lowest load in load.by_instance (none counts as 0); youngest on a tie
};
std::string_view to_string(VictimRule rule) noexcept;

using LoadTable = ports::load::LoadByInstance;

struct GroupRules {
  std::string group;
  InstanceSpec spec;  // what the counted members run
  std::int64_t min = 0;
  std::int64_t max = 10;
  std::int64_t surge = 1;  // instances started beyond the count while replacing, at most
  VictimRule victim = VictimRule::youngest;
};

class Reconciler {
 public:
  // rules are taken as checked (see manager_options.hpp).
  explicit Reconciler(GroupRules rules);

  // The plan for observed, given the desired count, every group's extra entries (those of
  // other groups are ignored), the instances' load and the time (clock_ms.hpp).
  // Throws std::invalid_argument naming the entry for an extra entry of this group whose key
  // is not a slot name or whose spec cannot run (spec_rules.hpp).
  Plan plan(std::int64_t desired, const InstanceSpecs& extras, const Observed& observed,
            const LoadTable& load, std::int64_t now) const;

  const GroupRules& rules() const noexcept { return rules_; }

 private:
  GroupRules rules_;
  std::string spec_hash_;
};

}  // namespace mirari::instances
