// The threshold scaler's configuration, checked as a whole: parse_threshold_options() returns
// all of it or refuses it, naming the key.
//
// Keys: those of every scaler (scaling_group.hpp), and
//   low          number, default 0.3: mean load per instance below which one instance goes
//   high         number, default 0.8: mean load per instance above which one instance comes
//   hold_ms      integer, default 30000: how long the mean must stay beyond a bound
//   cooldown_ms  integer, default 60000: the least time between two changes of the count
#pragma once

#include <vector>

#include <mirari/config.hpp>

#include "group_observation.hpp"
#include "scaling_group.hpp"

namespace mirari::policies {

inline constexpr Millis kMaxThresholdDurationMs = 86'400'000;  // a day

struct ThresholdOptions {
  ScalingGroup group;
  double low = 0.3;
  double high = 0.8;
  Millis hold_ms = 30'000;
  Millis cooldown_ms = 60'000;
  friend bool operator==(const ThresholdOptions&, const ThresholdOptions&) = default;
};

std::vector<ConfigKey> threshold_config_keys();

// Throws ConfigError naming the key for what parse_scaling_group() refuses, and for: a low
// below 0 or infinite, a high not above low or infinite, a hold_ms or cooldown_ms outside
// 0..86400000.
ThresholdOptions parse_threshold_options(const Config& config);

}  // namespace mirari::policies
