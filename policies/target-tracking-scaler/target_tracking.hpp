// The target-tracking rule: Kubernetes' Horizontal Pod Autoscaler (pkg/controller/
// podautoscaler/horizontal.go, reconcileAutoscaler) for one group and one per-instance load
// target.
//
// At most once per period_ms (the HPA's sync period), the scaler decides:
//   1. the count it last asked for (the HPA's spec.replicas) is brought within
//      [min_instances, max_instances] if it is outside, and that is the decision;
//   2. otherwise replica_calculator.hpp recommends a count (none: no decision, and the next
//      observation tries again);
//   3. without a behaviour: the highest recommendation of the scale-down stabilization window
//      wins (stabilization.hpp), then the count is kept within [min, max] and at most
//      max(2 x current, 4); with one: both stabilization windows, then the behaviour's rate
//      policies (scale_limits.hpp).
// The very first decision also counts the count it starts from as a recommendation of its
// time, so a scaler that starts next to running instances does not shrink them before a
// whole window has passed.
//
// Time is what clock.ms says. A clock reading earlier than the previous one (a snapshot taken
// before a reboot) forgets the recommendations and changes, which were timed on the old clock,
// and decides afresh.
//
// TargetTracking is a pure function of its options; the plugin folds step() over the
// observations.
#pragma once

#include <optional>
#include <string>

#include "group_observation.hpp"
#include "scale_limits.hpp"
#include "stabilization.hpp"
#include "target_tracking_options.hpp"

namespace mirari::policies {

struct TargetTrackingState {
  int desired = 1;                      // the count asked for
  std::optional<Millis> last_decision;  // when the last decision was taken
  Millis now = 0;                       // the latest clock reading
  RecommendationLog recommendations;
  ScaleEvents scale_up_events;  // kept with a behaviour only, as the HPA keeps them
  ScaleEvents scale_down_events;
  friend bool operator==(const TargetTrackingState&, const TargetTrackingState&) = default;
};

class TargetTracking {
 public:
  explicit TargetTracking(TargetTrackingOptions options) : options_(std::move(options)) {}

  const TargetTrackingOptions& options() const noexcept { return options_; }

  // The state of a scaler that starts with no history: the count of the group's live members
  // within the bounds.
  TargetTrackingState initial(const Observation& o) const;
  // A previous instance's state (a reload): the count brought within the bounds.
  TargetTrackingState resume(TargetTrackingState previous) const;
  // The state after observing o: a decision when the period has passed.
  TargetTrackingState step(TargetTrackingState s, const Observation& o) const;

 private:
  // One decision from s.desired, as the HPA's reconcile takes it, with what bounded it:
  // updates the recommendation log, not the scale events. None when no count can be
  // recommended.
  std::optional<Limited> decide(TargetTrackingState& s, const GroupLoad& load, Millis now) const;

  TargetTrackingOptions options_;
};

// The state as the plugin's snapshot: a JSON object that names the group.
std::string to_snapshot(const TargetTrackingState& s, const std::string& group);
// The state a snapshot holds, or none when it is another group's. Throws
// std::invalid_argument saying what is wrong when the text is not such a snapshot.
std::optional<TargetTrackingState> from_snapshot(const std::string& text, const std::string& group);

}  // namespace mirari::policies
