// The HPA's scaling behaviour (autoscaling/v2 HorizontalPodAutoscalerBehavior): per
// direction, a stabilization window, rate policies ("at most N instances, or N percent, per
// period") and how to choose among them.
//
// Defaults, as Kubernetes' pkg/apis/autoscaling/v2/defaults.go sets them when a behaviour is
// given: scaling up, no stabilization and the larger of 4 instances or 100% per 15 s;
// scaling down, the scaler's scale-down stabilization window (300 s unless configured) and
// 100% per 15 s.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "group_observation.hpp"

namespace mirari::policies {

struct ScalingPolicy {
  enum class Type { pods, percent };
  Type type = Type::pods;
  int value = 1;      // instances, or percent of the count at the period's start
  Millis period = 0;  // the window the policy limits the change over
  friend bool operator==(const ScalingPolicy&, const ScalingPolicy&) = default;
};

// Which policy applies when there are several: the one that allows the largest change, the
// smallest, or none (no change in this direction at all).
enum class SelectPolicy { max, min, disabled };

struct ScalingRules {
  Millis stabilization = 0;
  SelectPolicy select = SelectPolicy::max;
  std::vector<ScalingPolicy> policies;  // never empty
  friend bool operator==(const ScalingRules&, const ScalingRules&) = default;
};

struct Behavior {
  ScalingRules up;
  ScalingRules down;
  friend bool operator==(const Behavior&, const Behavior&) = default;
};

inline constexpr int kMaxPolicyPeriodSeconds = 1800;  // as the HPA's validation

ScalingRules default_scale_up_rules();
ScalingRules default_scale_down_rules(Millis stabilization);

// "pods N per Ts" or "percent N per Ts" (N above 0, T from 1 to 1800 seconds; the type in
// any case). Throws std::invalid_argument saying what the form is.
ScalingPolicy parse_scaling_policy(std::string_view text);
// "max", "min" or "disabled", in any case. Throws std::invalid_argument otherwise.
SelectPolicy parse_select_policy(std::string_view text);
// The forms parse_scaling_policy() reads.
std::string to_string(const ScalingPolicy& policy);
std::string_view to_string(SelectPolicy select) noexcept;

}  // namespace mirari::policies
