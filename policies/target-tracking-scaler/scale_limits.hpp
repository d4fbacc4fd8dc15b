// How far one decision may move the count (horizontal.go: convertDesiredReplicasWithRules
// without a behaviour, convertDesiredReplicasWithBehaviorRate with one), and the history of
// changes the behaviour's rate policies count against (storeScaleEvent,
// getReplicasChangePerPeriod, calculateScaleUpLimitWithScalingRules,
// calculateScaleDownLimitWithBehaviors).
#pragma once

#include <string_view>
#include <vector>

#include "group_observation.hpp"
#include "scaling_behavior.hpp"

namespace mirari::policies {

// What bounded a decision, with the HPA's names for its ScalingLimited condition.
enum class Limit {
  desired_within_range,
  too_few_replicas,
  too_many_replicas,
  scale_up_limit,
  scale_down_limit
};
// "DesiredWithinRange", "TooFewReplicas", "TooManyReplicas", "ScaleUpLimit", "ScaleDownLimit".
std::string_view to_string(Limit limit) noexcept;

struct Limited {
  int replicas = 0;
  Limit limit = Limit::desired_within_range;
  friend bool operator==(const Limited&, const Limited&) = default;
};

// Without a behaviour: desired within [min, max], and at most max(2 x current, 4).
Limited limit_without_behavior(int current, int desired, int min, int max);

// One change of the count: by how many instances (always positive), when, and whether it has
// left the longest period of its direction's policies (its place may then be reused).
struct ScaleEvent {
  int change = 0;
  Millis at = 0;
  bool outdated = false;
  friend bool operator==(const ScaleEvent&, const ScaleEvent&) = default;
};

using ScaleEvents = std::vector<ScaleEvent>;

// The instances the events added (or removed) after now - period.
int changed_within(Millis period, const ScaleEvents& events, Millis now);

// The most instances the rules allow now, from the count at the start of each policy's period
// (current less what was added in it, plus what was removed). current when scaling up is
// disabled.
int scale_up_limit(int current, const ScaleEvents& up, const ScaleEvents& down,
                   const ScalingRules& rules, Millis now);
// The fewest instances the rules allow now. current when scaling down is disabled.
int scale_down_limit(int current, const ScaleEvents& up, const ScaleEvents& down,
                     const ScalingRules& rules, Millis now);

// With a behaviour: desired within [min, max] and within the rate the policies allow, and
// never moving past current against its direction because of earlier changes.
Limited limit_with_behavior(int current, int desired, int min, int max, const ScaleEvents& up,
                            const ScaleEvents& down, const Behavior& behavior, Millis now);

// Records a change of change instances (positive) in events, whose direction's rules are
// rules: marks the events older than the rules' longest period as outdated and puts the new
// one in the place of the last outdated one, or appends it.
void store_scale_event(ScaleEvents& events, const ScalingRules& rules, int change, Millis now);

}  // namespace mirari::policies
