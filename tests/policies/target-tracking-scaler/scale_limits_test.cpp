// How far a decision may move the count, with the cases of Kubernetes'
// pkg/controller/podautoscaler/horizontal_test.go (TestConvertDesiredReplicasWithRules,
// TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors,
// TestScalingWithRules, TestStoreScaleEvents), by case name and with their numbers.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "scale_limits.hpp"

namespace mirari::policies {
namespace {

constexpr Millis kNow = 10'000'000;
constexpr Millis kSecond = 1'000;

// generateScalingRules: a Max-select rule with a pods policy and a percent policy (each when
// not 0), periods and window in seconds.
ScalingRules rules(int pods, int pods_period, int percent, int percent_period, int stabilization) {
  ScalingRules r;
  r.stabilization = stabilization * kSecond;
  r.select = SelectPolicy::max;
  if (pods != 0) r.policies.push_back({ScalingPolicy::Type::pods, pods, pods_period * kSecond});
  if (percent != 0) {
    r.policies.push_back({ScalingPolicy::Type::percent, percent, percent_period * kSecond});
  }
  return r;
}

// generateEventsUniformDistribution: the changes spread evenly over the last period seconds,
// each in the middle of its share.
ScaleEvents spread(const std::vector<int>& changes, int period) {
  ScaleEvents out;
  const double share = static_cast<double>(period) / static_cast<double>(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const double seconds_ago = period - share * static_cast<double>(i + 1) + share / 2;
    out.push_back({changes[i], kNow - static_cast<Millis>(seconds_ago * kSecond), false});
  }
  return out;
}

TEST_CASE("TestConvertDesiredReplicasWithRules: min, max and max(2 x current, 4)") {
  struct Case {
    const char* name;
    int current, desired, min, max, converted;
    Limit limit;
  };
  const std::vector<Case> cases{
      {"prenormalized desired replicas within range", 5, 7, 3, 8, 7, Limit::desired_within_range},
      {"prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, Limit::too_few_replicas},
      {"prenormalized desired zeroed replicas within range", 1, 0, 0, 10, 0,
       Limit::desired_within_range},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10,
       Limit::too_many_replicas},
      // The Go test computes the expectation with calculateScaleUpLimit(3), under a factor its
      // test file raises to 8; the factor the HPA ships is 2: max(2 x 3, 4) = 6.
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 6,
       Limit::scale_up_limit},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(limit_without_behavior(c.current, c.desired, c.min, c.max) ==
          Limited{c.converted, c.limit});
  }
  CHECK(limit_without_behavior(1, 100, 1, 100) == Limited{4, Limit::scale_up_limit});
  CHECK(to_string(Limit::scale_up_limit) == "ScaleUpLimit");
}

TEST_CASE("TestCalculateScaleUpLimitWithScalingRules: Min select of 2 pods or 50% per minute") {
  ScalingRules r = rules(2, 60, 50, 60, 300);
  r.select = SelectPolicy::min;
  CHECK(scale_up_limit(1, {}, {}, r, kNow) == 2);
}

TEST_CASE("TestCalculateScaleDownLimitWithBehaviors: Min select of 2 pods or 50% per minute") {
  ScalingRules r = rules(2, 60, 50, 60, 300);
  r.select = SelectPolicy::min;
  CHECK(scale_down_limit(5, {}, {}, r, kNow) == 3);
}

TEST_CASE("a disabled direction allows no change at all") {
  ScalingRules r = rules(4, 15, 100, 15, 0);
  r.select = SelectPolicy::disabled;
  const Behavior b{r, r};
  CHECK(limit_with_behavior(3, 10, 1, 20, {}, {}, b, kNow) == Limited{3, Limit::scale_up_limit});
  CHECK(limit_with_behavior(3, 1, 1, 20, {}, {}, b, kNow) == Limited{3, Limit::scale_down_limit});
}

struct RulesCase {
  const char* name;
  ScaleEvents up_events;
  ScaleEvents down_events;
  int min, max;
  std::optional<ScalingRules> up;    // none: the default rules
  std::optional<ScalingRules> down;  // none: the default rules
  int current, desired, expected;
  Limit limit;
};

TEST_CASE("TestScalingWithRules: the behaviour's rate policies and the bounds") {
  const std::vector<RulesCase> cases{
      {"prenormalized desired replicas within range",
       {},
       {},
       3,
       8,
       {},
       {},
       5,
       7,
       7,
       Limit::desired_within_range},
      {"prenormalized desired replicas < minReplicas",
       {},
       {},
       2,
       8,
       {},
       {},
       3,
       1,
       2,
       Limit::too_few_replicas},
      {"prenormalized desired replicas within range when minReplicas is 0",
       {},
       {},
       0,
       10,
       {},
       {},
       1,
       0,
       0,
       Limit::desired_within_range},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit",
       {},
       {},
       1,
       10,
       {},
       {},
       20,
       1000,
       10,
       Limit::too_many_replicas},
      {"desired replica count is more than the maximum replica count",
       {},
       {},
       100,
       150,
       {},
       {},
       100,
       1000,
       150,
       Limit::too_many_replicas},
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies",
       {},
       {},
       1,
       2000,
       rules(0, 0, 1, 60, 0),
       {},
       3,
       1000,
       4,
       Limit::scale_up_limit},
      // Skipped by the Go test (testThis) but its numbers hold: 1000 - 20 pods per minute.
      {"scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined "
       "policies",
       {},
       {},
       3,
       2000,
       {},
       rules(20, 60, 0, 0, 0),
       1000,
       3,
       980,
       Limit::scale_down_limit},
      {"scaleUp with default behavior", {}, {}, 1, 1000, {}, {}, 10, 50, 20, Limit::scale_up_limit},
      {"scaleUp with pods policy larger than percent policy",
       {},
       {},
       1,
       1000,
       rules(100, 60, 100, 60, 0),
       {},
       10,
       500,
       110,
       Limit::scale_up_limit},
      {"scaleUp with percent policy larger than pods policy",
       {},
       {},
       1,
       1000,
       rules(2, 60, 100, 60, 0),
       {},
       10,
       500,
       20,
       Limit::scale_up_limit},
      {"scaleUp with spec MaxReplicas limitation with large pod policy",
       {},
       {},
       1,
       1000,
       rules(100, 60, 0, 0, 0),
       {},
       10,
       50,
       50,
       Limit::desired_within_range},
      {"scaleUp with spec MaxReplicas limitation with large percent policy",
       {},
       {},
       1,
       1000,
       rules(10000, 60, 0, 0, 0),
       {},
       10,
       50,
       50,
       Limit::desired_within_range},
      {"scaleUp with pod policy limitation",
       {},
       {},
       1,
       1000,
       rules(30, 60, 0, 0, 0),
       {},
       10,
       50,
       40,
       Limit::scale_up_limit},
      {"scaleUp with percent policy limitation",
       {},
       {},
       1,
       1000,
       rules(0, 0, 200, 60, 0),
       {},
       10,
       50,
       30,
       Limit::scale_up_limit},
      {"scaleDown with percent policy larger than pod policy",
       {},
       {},
       1,
       1000,
       {},
       rules(20, 60, 1, 60, 300),
       100,
       2,
       80,
       Limit::scale_down_limit},
      {"scaleDown with pod policy larger than percent policy",
       {},
       {},
       1,
       1000,
       {},
       rules(2, 60, 1, 60, 300),
       100,
       2,
       98,
       Limit::scale_down_limit},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy",
       {},
       {},
       1,
       1000,
       {},
       rules(100, 60, 0, 0, 300),
       10,
       0,
       1,
       Limit::too_few_replicas},
      {"scaleDown with spec MinReplicas limitation with large pod policy",
       {},
       {},
       1,
       1000,
       {},
       rules(100, 60, 0, 0, 300),
       10,
       0,
       1,
       Limit::too_few_replicas},
      {"scaleDown with spec MinReplicas limitation with large percent policy",
       {},
       {},
       5,
       1000,
       {},
       rules(0, 0, 100, 60, 300),
       10,
       2,
       5,
       Limit::too_few_replicas},
      {"scaleDown with pod policy limitation",
       {},
       {},
       1,
       1000,
       {},
       rules(5, 60, 0, 0, 300),
       10,
       2,
       5,
       Limit::scale_down_limit},
      {"scaleDown with percent policy limitation",
       {},
       {},
       1,
       1000,
       {},
       rules(0, 0, 50, 60, 300),
       10,
       5,
       5,
       Limit::desired_within_range},
      {"scaleUp with spec MaxReplicas limitation with large pod policy and events",
       spread({1, 5, 9}, 120),
       {},
       1,
       200,
       rules(300, 60, 0, 0, 0),
       {},
       100,
       500,
       200,
       Limit::too_many_replicas},
      {"scaleUp with spec MaxReplicas limitation with large percent policy and events",
       spread({1, 5, 9}, 120),
       {},
       1,
       200,
       rules(0, 0, 10000, 60, 0),
       {},
       100,
       500,
       200,
       Limit::too_many_replicas},
      {"scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent "
       "scale up events",
       spread({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(5, 120, 0, 0, 0),
       {},
       100,
       500,
       100,
       Limit::scale_up_limit},
      {"scaleUp with pod policy and previous scale up events",
       spread({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(150, 120, 0, 0, 0),
       {},
       100,
       500,
       235,
       Limit::scale_up_limit},
      {"scaleUp with percent policy and previous scale up events",
       spread({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(0, 0, 200, 120, 0),
       {},
       100,
       500,
       255,
       Limit::scale_up_limit},
      {"scaleDown with default policy and previous events",
       {},
       spread({1, 5, 9}, 120),
       1,
       1000,
       {},
       {},
       10,
       5,
       5,
       Limit::desired_within_range},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
       {},
       spread({1, 5, 9}, 120),
       1,
       1000,
       {},
       rules(115, 120, 0, 0, 300),
       100,
       0,
       1,
       Limit::too_few_replicas},
      {"scaleDown with spec MinReplicas limitation with large pod policy and previous events",
       {},
       spread({1, 5, 9}, 120),
       5,
       1000,
       {},
       rules(130, 120, 0, 0, 300),
       100,
       0,
       5,
       Limit::too_few_replicas},
      {"scaleDown with spec MinReplicas limitation with large percent policy and previous events",
       {},
       spread({1, 5, 9}, 120),
       5,
       1000,
       {},
       rules(0, 0, 100, 120, 300),
       100,
       2,
       5,
       Limit::too_few_replicas},
      {"scaleDown with pod policy limitation and previous events",
       {},
       spread({1, 5, 9}, 120),
       1,
       1000,
       {},
       rules(5, 120, 0, 0, 300),
       100,
       2,
       100,
       Limit::scale_down_limit},
      {"scaleDown with percent policy limitation and previous events",
       {},
       spread({2, 4, 6}, 120),
       1,
       1000,
       {},
       rules(0, 0, 50, 120, 300),
       100,
       0,
       56,
       Limit::scale_down_limit},
      {"scaleDown with previous events preventing further scale down",
       {},
       spread({10, 10, 10}, 120),
       1,
       1000,
       {},
       rules(0, 0, 10, 120, 300),
       100,
       0,
       100,
       Limit::scale_down_limit},
      {"scaleDown with with previous events still allowing more scale down",
       {},
       spread({10, 10, 10}, 120),
       1,
       1000,
       {},
       rules(0, 0, 1000, 120, 300),
       10,
       5,
       5,
       Limit::desired_within_range},
      {"check 'outdated' flag for events for one behavior for up",
       spread({8, 12, 9, 11}, 120),
       {},
       1,
       1000,
       rules(1000, 60, 0, 0, 0),
       {},
       100,
       200,
       200,
       Limit::desired_within_range},
      {"check that events were not marked 'outdated' for two different policies in the "
       "behavior for up",
       spread({8, 12, 9, 11}, 120),
       {},
       1,
       1000,
       rules(1000, 120, 100, 60, 0),
       {},
       100,
       200,
       200,
       Limit::desired_within_range},
      {"check that events were marked 'outdated' for two different policies in the behavior "
       "for up",
       spread({8, 12, 9, 11}, 120),
       {},
       1,
       1000,
       rules(1000, 30, 100, 60, 0),
       {},
       100,
       200,
       200,
       Limit::desired_within_range},
      {"check 'outdated' flag for events for one behavior for down",
       {},
       spread({8, 12, 9, 11}, 120),
       1,
       1000,
       {},
       rules(1000, 60, 0, 0, 300),
       100,
       5,
       5,
       Limit::desired_within_range},
      {"check that events were not marked 'outdated' for two different policies in the "
       "behavior for down",
       {},
       spread({8, 12, 9, 11}, 120),
       1,
       1000,
       {},
       rules(1000, 120, 100, 60, 300),
       100,
       5,
       5,
       Limit::desired_within_range},
      {"check that events were marked 'outdated' for two different policies in the behavior "
       "for down",
       {},
       spread({8, 12, 9, 11}, 120),
       1,
       1000,
       {},
       rules(1000, 30, 100, 60, 300),
       100,
       5,
       5,
       Limit::desired_within_range},
  };
  for (const RulesCase& c : cases) {
    INFO(c.name);
    const Behavior b{c.up.value_or(default_scale_up_rules()),
                     c.down.value_or(default_scale_down_rules(300 * kSecond))};
    CHECK(limit_with_behavior(c.current, c.desired, c.min, c.max, c.up_events, c.down_events, b,
                              kNow) == Limited{c.expected, c.limit});
  }
}

TEST_CASE("changes within a period count from the start of the period, both directions") {
  // 100 now, after +10 and -4 within the minute: the minute began at 94; 50% more is 141.
  const ScaleEvents up{{10, kNow - 30 * kSecond, false}};
  const ScaleEvents down{{4, kNow - 20 * kSecond, false}};
  CHECK(scale_up_limit(100, up, down, rules(0, 0, 50, 60, 0), kNow) == 141);
  CHECK(scale_down_limit(100, up, down, rules(0, 0, 50, 60, 0), kNow) == 47);
}

struct StoreCase {
  const char* name;
  ScaleEvents before;
  ScaleEvents after;
  ScalingRules rules;
  int changed_in_last_minute;
};

ScaleEvent event(int change, Millis seconds_ago, bool outdated = false) {
  return {change, kNow - seconds_ago * kSecond, outdated};
}

TEST_CASE("TestStoreScaleEvents: an event takes the place of the last outdated one") {
  const std::vector<StoreCase> cases{
      {"empty entries with two-policy-behavior", {}, {event(5, 0)}, rules(10, 60, 100, 60, 0), 0},
      {"one outdated entry to be replaced with behavior",
       {event(7, 61)},
       {event(5, 0)},
       rules(10, 60, 100, 60, 0),
       0},
      {"one actual entry to be not touched with behavior",
       {event(7, 58)},
       {event(7, 58), event(5, 0)},
       rules(10, 60, 100, 60, 0),
       7},
      {"two entries, one of them to be replaced",
       {event(7, 61), event(6, 59)},
       {event(5, 0), event(6, 59)},
       rules(10, 60, 0, 0, 0),
       6},
      {"replace one entry, use policies with different periods",
       {event(8, 29), event(6, 59), event(7, 61), event(9, 61)},
       {event(8, 29), event(6, 59), event(7, 61, true), event(5, 0)},
       rules(10, 60, 100, 30, 0),
       14},
      {"two entries, both actual",
       {event(7, 58), event(6, 59)},
       {event(7, 58), event(6, 59), event(5, 0)},
       rules(10, 120, 100, 30, 0),
       13},
  };
  for (StoreCase c : cases) {
    INFO(c.name);
    CHECK(changed_within(60 * kSecond, c.before, kNow) == c.changed_in_last_minute);
    store_scale_event(c.before, c.rules, 5, kNow);
    CHECK(c.before == c.after);
  }
}

}  // namespace
}  // namespace mirari::policies
