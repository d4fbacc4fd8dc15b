#include "scale_limits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace mirari::policies {

namespace {

constexpr int kScaleUpLimitFactor = 2;
constexpr int kScaleUpLimitMinimum = 4;

int to_count(double x) {
  constexpr double lo = std::numeric_limits<int>::min();
  constexpr double hi = std::numeric_limits<int>::max();
  return static_cast<int>(std::clamp(x, lo, hi));
}

Millis longest_period(const ScalingRules& rules) {
  Millis longest = 0;
  for (const ScalingPolicy& p : rules.policies) longest = std::max(longest, p.period);
  return longest;
}

}  // namespace

std::string_view to_string(Limit limit) noexcept {
  switch (limit) {
    case Limit::desired_within_range:
      return "DesiredWithinRange";
    case Limit::too_few_replicas:
      return "TooFewReplicas";
    case Limit::too_many_replicas:
      return "TooManyReplicas";
    case Limit::scale_up_limit:
      return "ScaleUpLimit";
    case Limit::scale_down_limit:
      return "ScaleDownLimit";
  }
  return "DesiredWithinRange";
}

Limited limit_without_behavior(int current, int desired, int min, int max) {
  const int up_limit = to_count(std::max(static_cast<double>(kScaleUpLimitFactor) * current,
                                         static_cast<double>(kScaleUpLimitMinimum)));
  int maximum = max;
  Limit why = Limit::too_many_replicas;
  if (max > up_limit) {
    maximum = up_limit;
    why = Limit::scale_up_limit;
  }
  if (desired < min) return {min, Limit::too_few_replicas};
  if (desired > maximum) return {maximum, why};
  return {desired, Limit::desired_within_range};
}

int changed_within(Millis period, const ScaleEvents& events, Millis now) {
  const Millis cutoff = now - period;
  int replicas = 0;
  for (const ScaleEvent& e : events) {
    if (e.at > cutoff) replicas += e.change;
  }
  return replicas;
}

int scale_up_limit(int current, const ScaleEvents& up, const ScaleEvents& down,
                   const ScalingRules& rules, Millis now) {
  if (rules.select == SelectPolicy::disabled) return current;
  const bool smallest = rules.select == SelectPolicy::min;
  int result = smallest ? std::numeric_limits<int>::max() : std::numeric_limits<int>::min();
  for (const ScalingPolicy& p : rules.policies) {
    const std::int64_t start = static_cast<std::int64_t>(current) -
                               changed_within(p.period, up, now) +
                               changed_within(p.period, down, now);
    // Rounded up, so that a percentage of a small count still allows one more.
    const int proposed =
        p.type == ScalingPolicy::Type::pods
            ? to_count(static_cast<double>(start) + p.value)
            : to_count(std::ceil(static_cast<double>(start) * (1.0 + p.value / 100.0)));
    result = smallest ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

int scale_down_limit(int current, const ScaleEvents& up, const ScaleEvents& down,
                     const ScalingRules& rules, Millis now) {
  if (rules.select == SelectPolicy::disabled) return current;
  const bool smallest = rules.select == SelectPolicy::min;
  int result = smallest ? std::numeric_limits<int>::min() : std::numeric_limits<int>::max();
  for (const ScalingPolicy& p : rules.policies) {
    const std::int64_t start = static_cast<std::int64_t>(current) -
                               changed_within(p.period, up, now) +
                               changed_within(p.period, down, now);
    // Truncated toward zero, as the HPA converts it.
    const int proposed =
        p.type == ScalingPolicy::Type::pods
            ? to_count(static_cast<double>(start) - p.value)
            : to_count(std::trunc(static_cast<double>(start) * (1.0 - p.value / 100.0)));
    result = smallest ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

Limited limit_with_behavior(int current, int desired, int min, int max, const ScaleEvents& up,
                            const ScaleEvents& down, const Behavior& behavior, Millis now) {
  if (desired > current) {
    const int limit = std::max(scale_up_limit(current, up, down, behavior.up, now), current);
    int maximum = max;
    Limit why = Limit::too_many_replicas;
    if (maximum > limit) {
      maximum = limit;
      why = Limit::scale_up_limit;
    }
    if (desired > maximum) return {maximum, why};
  } else if (desired < current) {
    const int limit = std::min(scale_down_limit(current, up, down, behavior.down, now), current);
    int minimum = min;
    Limit why = Limit::too_few_replicas;
    if (minimum < limit) {
      minimum = limit;
      why = Limit::scale_down_limit;
    }
    if (desired < minimum) return {minimum, why};
  }
  return {desired, Limit::desired_within_range};
}

void store_scale_event(ScaleEvents& events, const ScalingRules& rules, int change, Millis now) {
  const Millis cutoff = now - longest_period(rules);
  std::optional<std::size_t> reusable;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].at < cutoff) events[i].outdated = true;
    if (events[i].outdated) reusable = i;
  }
  const ScaleEvent event{change, now, false};
  if (reusable) {
    events[*reusable] = event;
  } else {
    events.push_back(event);
  }
}

}  // namespace mirari::policies
