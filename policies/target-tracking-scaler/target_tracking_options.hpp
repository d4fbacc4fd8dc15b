// The target-tracking scaler's configuration, checked as a whole: parse_target_tracking_options()
// returns all of it or refuses it, naming the key.
//
// Keys: those of every scaler (scaling_group.hpp), and
//   target                       number, required: the load per ready instance to keep
//   tolerance                    number, default 0.1: no change while the load per instance
//                                is within this fraction of the target
//   period_ms                    integer, default 15000: at most one decision per period (the
//                                HPA's sync period)
//   scale_down_stabilization_ms  integer, default 300000: the highest recommendation of this
//                                window wins (the HPA's downscale stabilization)
//   behavior                     boolean, default false: apply the HPA's behaviour rules
//                                below, instead of at most max(2 x current, 4) per decision
//   scale_up_policies            array of strings, default ["pods 4 per 15s",
//                                "percent 100 per 15s"]
//   scale_up_select              string, default "max": max, min or disabled
//   scale_up_stabilization_ms    integer, default 0
//   scale_down_policies          array of strings, default ["percent 100 per 15s"]
//   scale_down_select            string, default "max"
// The behaviour is the HPA's spec.behavior in flat keys (the configuration holds no nested
// tables); its keys are refused unless behavior = true.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <mirari/config.hpp>

#include "group_observation.hpp"
#include "scaling_behavior.hpp"
#include "scaling_group.hpp"

namespace mirari::policies {

inline constexpr Millis kMaxWindowMs = 3'600'000;  // the HPA's largest stabilization window

struct TargetTrackingOptions {
  ScalingGroup group;
  double target = 1.0;
  std::int64_t target_milli = 1000;  // target in thousandths, as loads are taken
  double tolerance = 0.1;
  Millis period_ms = 15'000;
  Millis scale_down_stabilization_ms = 300'000;
  std::optional<Behavior> behavior;
  friend bool operator==(const TargetTrackingOptions&, const TargetTrackingOptions&) = default;
};

std::vector<ConfigKey> target_tracking_config_keys();

// Throws ConfigError naming the key for what parse_scaling_group() refuses, and for: a target
// below 0.001 or infinite, a tolerance outside [0, 1), a period_ms outside 1..3600000, a
// stabilization window outside 0..3600000, a policy list that is empty or holds an entry
// parse_scaling_policy() refuses, a select that is not max, min or disabled, and a behaviour
// key given a value other than its default while behavior is false.
TargetTrackingOptions parse_target_tracking_options(const Config& config);

}  // namespace mirari::policies
