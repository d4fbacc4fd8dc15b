// The target-tracking rule decision by decision: the whole-controller cases of Kubernetes'
// pkg/controller/podautoscaler/horizontal_test.go (by test name, with their numbers; pods and
// loads read as in replica_calculator_test.cpp), then the rule's timing, history and state.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "group_fixture.hpp"
#include "target_tracking.hpp"

namespace mirari::policies {
namespace {

using ports::InstanceState;
using test::Member;
using test::running;

constexpr Millis kNow = 10'000'000;
constexpr Millis kMinute = 60'000;

TargetTrackingOptions options(int min, int max, double target) {
  TargetTrackingOptions o;
  o.group = ScalingGroup{test::web_membership(), min, max};
  o.target = target;
  o.target_milli = std::llround(target * 1000);
  return o;
}

// One reconcile of the HPA's controller tests: spec replicas, and the recommendations its
// test case sets (none: the controller's first reconcile, which logs spec as a
// recommendation first; a list, even empty: a controller that has decided before).
int reconcile(const TargetTrackingOptions& o, int spec,
              std::optional<RecommendationLog> recommendations, const std::vector<Member>& pods) {
  const TargetTracking scaler(o);
  TargetTrackingState s;
  s.desired = spec;
  s.now = kNow - o.period_ms;
  if (recommendations) {
    s.recommendations = *recommendations;
    s.last_decision = kNow - o.period_ms;
  }
  return scaler.step(s, {test::load_of(pods), kNow}).desired;
}

const RecommendationLog kDecidedBefore{};

TEST_CASE("TestScaleUpCM: qps 20, 10, 30 against 15 with 3: 4") {
  CHECK(reconcile(options(2, 6, 15.0), 3, {}, running(3, {20.0, 10.0, 30.0})) == 4);
}

TEST_CASE("TestScaleUpCMUnreadyAndHotCpuNoLessScale: 6") {
  CHECK(reconcile(options(2, 6, 15.0), 3, {}, running(3, {50.0, 10.0, 30.0})) == 6);
}

TEST_CASE("TestScaleUpCMUnreadyandCpuHot: 7 is held to the maximum 6") {
  CHECK(reconcile(options(2, 6, 15.0), 3, {}, running(3, {50.0, 15.0, 30.0})) == 6);
}

TEST_CASE("TestScaleDown: 5 at 10%..50% of a 50% target: 3") {
  CHECK(reconcile(options(2, 6, 0.5), 5, kDecidedBefore, running(5, {0.1, 0.3, 0.5, 0.25, 0.25})) ==
        3);
}

TEST_CASE("TestScaleDownIgnoresFailedPods and TestScaleDownIgnoresDeletionPods: 3") {
  for (const InstanceState gone : {InstanceState::failed, InstanceState::stopping}) {
    std::vector<Member> pods = running(5, {0.1, 0.3, 0.5, 0.25, 0.25});
    pods.push_back({gone, {}});
    pods.push_back({gone, {}});
    CHECK(reconcile(options(2, 6, 0.5), 5, kDecidedBefore, pods) == 3);
  }
}

TEST_CASE("TestScaleDownIgnoreHotCpuPods: the unready are left out when scaling down: 2") {
  CHECK(reconcile(options(2, 6, 0.5), 5, kDecidedBefore,
                  {{InstanceState::running, 0.1},
                   {InstanceState::running, 0.3},
                   {InstanceState::running, 0.5},
                   {InstanceState::starting, 0.25},
                   {InstanceState::starting, 0.25}}) == 2);
}

TEST_CASE("TestToleranceCM: qps 20, 20.001, 21 against 20 is within the tolerance: 3") {
  CHECK(reconcile(options(1, 5, 20.0), 3, {}, running(3, {20.0, 20.001, 21.0})) == 3);
}

TEST_CASE("TestTooFewReplicas: 2 below the minimum 3 become 3, metrics or not") {
  CHECK(reconcile(options(3, 5, 0.9), 2, {}, {}) == 3);
}

TEST_CASE("TestTooManyReplicas: 10 above the maximum 5 become 5") {
  CHECK(reconcile(options(3, 5, 0.9), 10, {}, {}) == 5);
}

TEST_CASE("TestScaleUpRCImmediately and TestScaleDownRCImmediately: out of bounds, at once") {
  CHECK(reconcile(options(2, 6, 0.5), 1, {}, running(4, {0.0, 0.0, 0.0, 0.0})) == 2);
  CHECK(reconcile(options(2, 5, 0.5), 6, {}, running(3, {8.0, 9.5, 1.0})) == 5);
}

TEST_CASE("TestSuperfluousMetrics: 24 are held to the maximum 6") {
  const GroupLoad load = group_load(test::web_membership(), test::actual_of(running(4, {})),
                                    test::loads_of(running(6, {4.0, 9.5, 3.0, 7.0, 3.2, 2.0})));
  TargetTrackingState s;
  s.desired = 4;
  CHECK(TargetTracking(options(2, 6, 1.0)).step(s, {load, kNow}).desired == 6);
}

TEST_CASE("TestMissingMetrics: 3") {
  CHECK(reconcile(options(2, 6, 1.0), 4, kDecidedBefore, running(4, {0.4, 0.095})) == 3);
}

TEST_CASE("TestEmptyMetrics: no metrics, no change") {
  CHECK(reconcile(options(2, 6, 1.0), 4, {}, running(4, {})) == 4);
}

TEST_CASE("TestMissingReports: one pod at twice the target: 2") {
  CHECK(reconcile(options(1, 5, 0.5), 4, kDecidedBefore, running(1, {1.0})) == 2);
}

TEST_CASE("TestEventCreated and TestEventNotCreated") {
  CHECK(reconcile(options(1, 5, 0.5), 1, {}, running(1, {1.0})) == 2);
  CHECK(reconcile(options(1, 5, 0.5), 2, {}, running(2, {0.5, 0.5})) == 2);
}

TEST_CASE("TestStabilizeDownscale: a recommendation of 4 a minute ago holds 4") {
  const RecommendationLog log{{10, kNow - 10 * kMinute}, {4, kNow - kMinute}};
  CHECK(reconcile(options(1, 5, 1.0), 4, log, running(3, {0.5, 0.5, 0.5})) == 4);
}

TEST_CASE("TestMoreReplicasThanSpecNoScale: 5 instances at the target while 4 are asked for") {
  CHECK(reconcile(options(1, 8, 0.5), 4, {}, running(5, {0.5, 0.5, 0.5, 0.5, 0.5})) == 4);
}

TEST_CASE("TestMinReplicasDesiredZero: no load at all asks for the minimum") {
  CHECK(reconcile(options(2, 5, 0.9), 3, kDecidedBefore, running(3, {0.0, 0.0, 0.0})) == 2);
}

TEST_CASE("TestUpscaleCap and TestUpscaleCapGreaterThanMaxReplicas: 700% per minute") {
  TargetTrackingOptions o = options(1, 100, 0.1);
  Behavior b{default_scale_up_rules(), default_scale_down_rules(300'000)};
  b.up.policies = {{ScalingPolicy::Type::percent, 700, kMinute}};
  o.behavior = b;
  CHECK(reconcile(o, 3, {}, running(3, {1.0, 2.0, 3.0})) == 24);
  o.group.max_instances = 20;
  CHECK(reconcile(o, 3, {}, running(3, {1.0, 2.0, 3.0})) == 20);
}

// The rule's timing and history.

Observation at(Millis now, const std::vector<double>& loads, std::size_t n) {
  return {test::load_of(running(n, loads)), now};
}

TEST_CASE("at most one decision per period") {
  const TargetTracking scaler(options(1, 20, 0.5));
  TargetTrackingState s;
  s.desired = 2;
  s = scaler.step(s, at(0, {1.0, 1.0}, 2));
  CHECK(s.desired == 4);
  CHECK(s.last_decision == 0);
  s = scaler.step(s, at(14'999, {2.0, 2.0}, 2));
  CHECK(s.desired == 4);
  s = scaler.step(s, at(15'000, {2.0, 2.0}, 2));
  CHECK(s.desired == 8);
}

TEST_CASE("without a behaviour a decision at most doubles the count, or brings it to 4") {
  const TargetTracking scaler(options(1, 100, 0.1));
  TargetTrackingState s;
  s.desired = 1;
  std::vector<int> counts;
  for (Millis t = 0; t < 4 * 15'000; t += 15'000) {
    s = scaler.step(s, at(t, {5.0}, 1));
    counts.push_back(s.desired);
  }
  CHECK(counts == std::vector<int>{4, 8, 16, 32});
}

TEST_CASE("the first decision counts the starting count, so nothing shrinks for a window") {
  const TargetTracking scaler(options(1, 10, 1.0));
  TargetTrackingState s = scaler.initial(at(0, {0.2, 0.2, 0.2, 0.2}, 4));
  REQUIRE(s.desired == 4);
  for (Millis t = 0; t <= 300'000; t += 15'000) {
    s = scaler.step(s, at(t, {0.2, 0.2, 0.2, 0.2}, 4));
    CHECK(s.desired == 4);
  }
  s = scaler.step(s, at(315'000, {0.2, 0.2, 0.2, 0.2}, 4));
  CHECK(s.desired == 1);
}

TEST_CASE("a dip of one period does not shrink the group: the window's highest wins") {
  const TargetTracking scaler(options(1, 10, 1.0));
  TargetTrackingState s;
  s.desired = 4;
  s.last_decision = -15'000;
  s = scaler.step(s, at(0, {1.0, 1.0, 1.0, 1.0}, 4));
  s = scaler.step(s, at(15'000, {0.1, 0.1, 0.1, 0.1}, 4));
  CHECK(s.desired == 4);
  s = scaler.step(s, at(30'000, {1.0, 1.0, 1.0, 1.0}, 4));
  CHECK(s.desired == 4);
}

TEST_CASE("with no load reported there is no decision, and the next observation tries again") {
  const TargetTracking scaler(options(1, 10, 1.0));
  TargetTrackingState s;
  s.desired = 2;
  s = scaler.step(s, at(0, {}, 2));
  CHECK_FALSE(s.last_decision);
  CHECK(s.desired == 2);
  s = scaler.step(s, at(1, {3.0, 3.0}, 2));
  CHECK(s.last_decision == 1);
  CHECK(s.desired == 4);
}

TEST_CASE("with a behaviour, changes are logged and limit the next decisions of the period") {
  TargetTrackingOptions o = options(1, 100, 1.0);
  Behavior b{default_scale_up_rules(), default_scale_down_rules(300'000)};
  b.up.policies = {{ScalingPolicy::Type::pods, 2, kMinute}};
  o.behavior = b;
  o.period_ms = 10'000;
  const TargetTracking scaler(o);
  TargetTrackingState s;
  s.desired = 2;
  s = scaler.step(s, at(0, {5.0, 5.0}, 2));
  CHECK(s.desired == 4);
  CHECK(s.scale_up_events == ScaleEvents{{2, 0, false}});
  s = scaler.step(s, at(10'000, {5.0, 5.0}, 2));
  CHECK(s.desired == 4);  // 2 instances per minute, already added
  s = scaler.step(s, at(50'000, {5.0, 5.0}, 2));
  CHECK(s.desired == 4);  // the change at 0 is still within the minute
  s = scaler.step(s, at(60'000, {5.0, 5.0}, 2));
  CHECK(s.desired == 6);  // a minute after it, it no longer counts
  CHECK(s.scale_up_events == ScaleEvents{{2, 0, false}, {2, 60'000, false}});
}

TEST_CASE(
    "TestStoreScaleEvents (empty entries with default behavior, one outdated entry to be "
    "kept untouched without behavior): without a behaviour no event is kept") {
  const TargetTracking scaler(options(1, 10, 1.0));
  TargetTrackingState s;
  s.desired = 2;
  s.scale_up_events = {{7, -61'000, false}};
  s = scaler.step(s, at(0, {3.0, 3.0}, 2));
  CHECK(s.desired == 4);
  CHECK(s.scale_up_events == ScaleEvents{{7, -61'000, false}});
  CHECK(s.scale_down_events.empty());
}

TEST_CASE("a clock that goes back forgets the history and decides afresh") {
  const TargetTracking scaler(options(1, 10, 1.0));
  TargetTrackingState s;
  s.desired = 6;
  s.now = 900'000;
  s.last_decision = 890'000;
  s.recommendations = {{9, 890'000}};
  s = scaler.step(s, at(1'000, {0.5, 0.5}, 2));
  CHECK(s.last_decision == 1'000);
  CHECK(s.now == 1'000);
  // The first decision of the new clock logs the count it starts from, which holds it.
  CHECK(s.recommendations == RecommendationLog{{6, 1'000}, {1, 1'000}});
  CHECK(s.desired == 6);
}

TEST_CASE("a scaler starts from the group's live members, a resumed one within the bounds") {
  const TargetTracking scaler(options(2, 5, 1.0));
  CHECK(scaler.initial({GroupLoad{3, 1, 3, 0}, 7}).desired == 4);
  CHECK(scaler.initial({GroupLoad{}, 7}).desired == 2);
  TargetTrackingState s;
  s.desired = 9;
  CHECK(scaler.resume(s).desired == 5);
}

TEST_CASE("the state survives its snapshot") {
  TargetTrackingState s;
  s.desired = 5;
  s.last_decision = 30'000;
  s.now = 31'000;
  s.recommendations = {{4, 0}, {5, 15'000}};
  s.scale_up_events = {{2, 15'000, false}, {1, 0, true}};
  s.scale_down_events = {{3, 1'000, false}};
  const std::string text = to_snapshot(s, "web");
  CHECK(from_snapshot(text, "web") == s);
  CHECK_FALSE(from_snapshot(text, "db"));
  CHECK_THROWS_WITH(from_snapshot("{\"group\": \"web\", \"desired\": \"x\"}", "web"),
                    Catch::StartsWith("not a target-tracking-scaler snapshot: "));
}

}  // namespace
}  // namespace mirari::policies
