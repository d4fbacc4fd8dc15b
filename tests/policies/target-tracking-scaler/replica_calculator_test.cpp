// The HPA's replica calculator, with the cases of Kubernetes'
// pkg/controller/podautoscaler/replica_calculator_test.go, by test name and with their numbers.
//
// How a case reads here: a pod is a member of the group; Running pods are running members,
// Pending ones and (for CPU cases) Running pods the HPA holds unready (readiness false, or
// still in their CPU initialization period: "hot CPU") are starting members, Failed ones are
// failed members and pods being deleted are stopping members. A CPU level over a request of
// 1.0 is a load of level / 1000 (the share of the request used) and a utilization target of
// T% is a load target of T / 100; a custom metric's level in milli-units is a load of
// level / 1000 against a target of target / 1000. The cases whose pods request different
// amounts (the HPA weighs their usage by request), whose metric is an object or external one,
// or whose missing pods count, when scaling down, at their whole request rather than at the
// target (resource metrics with a target below 100%) have no counterpart here.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "group_fixture.hpp"
#include "replica_calculator.hpp"

namespace mirari::policies {
namespace {

using ports::InstanceState;
using test::Member;
using test::running;

constexpr InstanceState kRunning = InstanceState::running;
constexpr InstanceState kStarting = InstanceState::starting;

std::optional<int> recommend(int current, const std::vector<Member>& members, double target) {
  return recommend_replicas(current, test::load_of(members), std::llround(target * 1000), 0.1);
}

TEST_CASE("TestReplicaCalcScaleUp: 3 at 30%, 50%, 70% of a 30% target make 5") {
  CHECK(recommend(3, running(3, {0.3, 0.5, 0.7}), 0.3) == 5);
}

TEST_CASE(
    "TestReplicaCalcScaleUpUnreadyLessScale (and ...HotCpuLessScale): an unready pod "
    "counts at 0 when scaling up: 4, not 5") {
  CHECK(recommend(3, {{kStarting, 0.3}, {kRunning, 0.5}, {kRunning, 0.7}}, 0.3) == 4);
}

TEST_CASE(
    "TestReplicaCalcScaleUpUnreadyNoScale (and TestReplicaCalcScaleHotCpuNoScale): "
    "counting the unready at 0 would scale down, so nothing changes") {
  CHECK(recommend(3, {{kRunning, 0.4}, {kStarting, 0.5}, {kStarting, 0.7}}, 0.3) == 3);
}

TEST_CASE("TestReplicaCalcScaleUpIgnoresFailedPods: 2 ready at 50% and 70% of 30%, 2 failed") {
  CHECK(recommend(2,
                  {{kRunning, 0.5},
                   {kRunning, 0.7},
                   {InstanceState::failed, {}},
                   {InstanceState::failed, {}}},
                  0.3) == 4);
}

TEST_CASE("TestReplicaCalcScaleUpIgnoresDeletionPods: 2 ready, 2 being deleted") {
  CHECK(recommend(2,
                  {{kRunning, 0.5},
                   {kRunning, 0.7},
                   {InstanceState::stopping, {}},
                   {InstanceState::stopping, {}}},
                  0.3) == 4);
}

TEST_CASE("TestReplicaCalcScaleUpCM: qps 20, 10, 30 against 15 make 4") {
  CHECK(recommend(3, running(3, {20.0, 10.0, 30.0}), 15.0) == 4);
}

TEST_CASE(
    "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: readiness does not matter to a "
    "pod metric, running pods count: 6") {
  CHECK(recommend(3, running(3, {50.0, 10.0, 30.0}), 15.0) == 6);
}

TEST_CASE(
    "TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: qps 50, 15, 30 against "
    "15 make 7") {
  CHECK(recommend(3, running(3, {50.0, 15.0, 30.0}), 15.0) == 7);
}

TEST_CASE("TestReplicaCalcScaleDown: 5 at 10%..50% of a 50% target make 3") {
  CHECK(recommend(5, running(5, {0.1, 0.3, 0.5, 0.25, 0.25}), 0.5) == 3);
}

TEST_CASE("TestReplicaCalcScaleDownCM: 5 at qps 12 against 20 make 3") {
  CHECK(recommend(5, running(5, {12.0, 12.0, 12.0, 12.0, 12.0}), 20.0) == 3);
}

TEST_CASE(
    "TestReplicaCalcScaleDownIncludeUnreadyPods (and ...IgnoreHotCpuPods): the unready "
    "are left out when scaling down: 2") {
  CHECK(
      recommend(
          5,
          {{kRunning, 0.1}, {kRunning, 0.3}, {kRunning, 0.5}, {kStarting, 0.25}, {kStarting, 0.25}},
          0.5) == 2);
}

TEST_CASE("TestReplicaCalcScaleDownExcludeUnscheduledPods: 1 ready at 10%, 4 pending: 1") {
  CHECK(recommend(
            5,
            {{kRunning, 0.1}, {kStarting, {}}, {kStarting, {}}, {kStarting, {}}, {kStarting, {}}},
            0.5) == 1);
}

TEST_CASE("TestReplicaCalcScaleDownIgnoresFailedPods: 5 ready and 2 failed make 3") {
  std::vector<Member> pods = running(5, {0.1, 0.3, 0.5, 0.25, 0.25});
  pods.push_back({InstanceState::failed, {}});
  pods.push_back({InstanceState::failed, {}});
  CHECK(recommend(5, pods, 0.5) == 3);
}

TEST_CASE("TestReplicaCalcScaleDownIgnoresDeletionPods: 5 ready and 2 being deleted make 3") {
  std::vector<Member> pods = running(5, {0.1, 0.3, 0.5, 0.25, 0.25});
  pods.push_back({InstanceState::stopping, {}});
  pods.push_back({InstanceState::stopping, {}});
  CHECK(recommend(5, pods, 0.5) == 3);
}

TEST_CASE("TestReplicaCalcToleranceCM: qps 20, 21, 21 against 20 is within 10%: 3") {
  CHECK(recommend(3, running(3, {20.0, 21.0, 21.0}), 20.0) == 3);
}

TEST_CASE(
    "TestReplicaCalcSuperfluousMetrics: the load of instances not in the group is left "
    "out: 24") {
  // Loads for web-0 to web-5; instances.actual lists web-0 to web-3.
  const GroupLoad load = group_load(test::web_membership(), test::actual_of(running(4, {})),
                                    test::loads_of(running(6, {4.0, 9.5, 3.0, 7.0, 3.2, 2.0})));
  CHECK(load == test::load_of(running(4, {4.0, 9.5, 3.0, 7.0})));
  CHECK(recommend_replicas(4, load, 1000, 0.1) == 24);
}

TEST_CASE(
    "TestReplicaCalcMissingMetrics: scaling down, the 2 without metrics count at the "
    "target: 3") {
  CHECK(recommend(4, running(4, {0.4, 0.095}), 1.0) == 3);
}

TEST_CASE("TestReplicaCalcEmptyMetrics: no metrics, no recommendation") {
  CHECK_FALSE(recommend(4, running(4, {}), 1.0));
}

TEST_CASE(
    "TestReplicaCalcDisjointResourcesMetrics: metrics only of unknown pods, no "
    "recommendation") {
  const GroupLoad load = group_load(test::web_membership(), test::actual_of(running(1, {})),
                                    {{"an-older-pod-name", 0.1}});
  CHECK_FALSE(recommend_replicas(1, load, 1000, 0.1));
}

TEST_CASE("TestReplicaCalcMissingMetricsNoChangeEq: 1 of 2 at the target, the other silent") {
  CHECK(recommend(2, running(2, {1.0}), 1.0) == 2);
}

TEST_CASE(
    "TestReplicaCalcMissingMetricsNoChangeGt: scaling up, the silent one counts at 0 "
    "and the ratio falls within the tolerance") {
  CHECK(recommend(2, running(2, {1.9}), 1.0) == 2);
}

TEST_CASE(
    "TestReplicaCalcMissingMetricsNoChangeLt: scaling down, the silent one counts at "
    "the target: 2") {
  CHECK(recommend(2, running(2, {0.6}), 1.0) == 2);
}

TEST_CASE(
    "TestReplicaCalcMissingMetricsUnreadyScaleUp (and ...HotCpuScaleUp): unready and "
    "silent both count at 0 when scaling up: 4") {
  CHECK(recommend(3, {{kStarting, 0.1}, {kRunning, 2.0}, {kRunning, {}}}, 0.5) == 4);
}

// Beyond the HPA's own cases: what the rule's statement says.

TEST_CASE("ceil(ready x load / target), and nothing within the tolerance") {
  CHECK(recommend(4, running(4, {1.5, 1.5, 1.5, 1.5}), 1.0) == 6);
  CHECK(recommend(4, running(4, {1.1, 1.1, 1.1, 1.1}), 1.0) == 4);  // ratio 1.1: within
  CHECK(recommend(4, running(4, {0.9, 0.9, 0.9, 0.9}), 1.0) == 4);  // ratio 0.9: within
  CHECK(recommend(4, running(4, {1.101, 1.101, 1.101, 1.101}), 1.0) == 5);
  CHECK(recommend_replicas(4, test::load_of(running(4, {1.2, 1.2, 1.2, 1.2})), 1000, 0.25) == 4);
}

TEST_CASE("the mean is truncated to a thousandth, as the HPA's integer division does") {
  // 95 / 3 = 31.666...: 31666 thousandths, ratio 2.1110666 x 3 = 6.33 -> 7.
  CHECK(recommend(3, running(3, {50.0, 15.0, 30.0}), 15.0) == 7);
  // 0.001 + 0.002 over 2 = 0.0015: truncated to 0.001, exactly the target.
  CHECK(recommend(2, running(2, {0.001, 0.002}), 0.001) == 2);
}

TEST_CASE(
    "a recommendation that changes the number of members counted against its own "
    "direction keeps the count") {
  // Scaling down with 2 of 6 silent: counted at the target, the ratio is 0.733 over 6
  // members: ceil(4.4) = 5, below 6.
  CHECK(recommend(6, running(6, {0.6, 0.6, 0.6, 0.6}), 1.0) == 5);
  // The same with the count asked for already below the members counted: 5 > 4 would grow
  // while the load says shrink, so the count stays 4.
  CHECK(recommend(4, running(6, {0.6, 0.6, 0.6, 0.6}), 1.0) == 4);
}

}  // namespace
}  // namespace mirari::policies
