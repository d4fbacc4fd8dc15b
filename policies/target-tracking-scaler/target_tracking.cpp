#include "target_tracking.hpp"

#include "replica_calculator.hpp"

namespace mirari::policies {

TargetTrackingState TargetTracking::initial(const Observation& o) const {
  TargetTrackingState s;
  s.desired = options_.group.clamp(o.load.live());
  s.now = o.now;
  return s;
}

TargetTrackingState TargetTracking::resume(TargetTrackingState previous) const {
  previous.desired = options_.group.clamp(previous.desired);
  return previous;
}

std::optional<Limited> TargetTracking::decide(TargetTrackingState& s, const GroupLoad& load,
                                              Millis now) const {
  const int current = s.desired;
  const int min = options_.group.min_instances;
  const int max = options_.group.max_instances;
  if (!s.last_decision && s.recommendations.empty()) s.recommendations.push_back({current, now});
  if (current > max) return Limited{max, Limit::too_many_replicas};
  if (current < min) return Limited{min, Limit::too_few_replicas};

  const std::optional<int> recommended =
      recommend_replicas(current, load, options_.target_milli, options_.tolerance);
  if (!recommended) return std::nullopt;
  if (!options_.behavior) {
    const int stabilized =
        stabilize(s.recommendations, *recommended, now, options_.scale_down_stabilization_ms);
    return limit_without_behavior(current, stabilized, min, max);
  }
  const Behavior& b = *options_.behavior;
  const int stabilized = stabilize_with_behavior(s.recommendations, *recommended, current, now,
                                                 b.up.stabilization, b.down.stabilization);
  return limit_with_behavior(current, stabilized, min, max, s.scale_up_events, s.scale_down_events,
                             b, now);
}

TargetTrackingState TargetTracking::step(TargetTrackingState s, const Observation& o) const {
  const Millis now = o.now;
  if (now < s.now) {
    s.recommendations.clear();
    s.scale_up_events.clear();
    s.scale_down_events.clear();
    s.last_decision.reset();
  }
  s.now = now;
  if (s.last_decision && now - *s.last_decision < options_.period_ms) return s;

  const int current = s.desired;
  const std::optional<Limited> decided = decide(s, o.load, now);
  if (!decided) return s;
  s.last_decision = now;
  if (decided->replicas == current) return s;
  if (options_.behavior) {
    if (decided->replicas > current) {
      store_scale_event(s.scale_up_events, options_.behavior->up, decided->replicas - current, now);
    } else {
      store_scale_event(s.scale_down_events, options_.behavior->down, current - decided->replicas,
                        now);
    }
  }
  s.desired = decided->replicas;
  return s;
}

}  // namespace mirari::policies
