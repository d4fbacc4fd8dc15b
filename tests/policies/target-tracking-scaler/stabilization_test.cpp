// Stabilization of recommendations, with the cases of Kubernetes'
// pkg/controller/podautoscaler/horizontal_test.go (TestNormalizeDesiredReplicas and
// TestNormalizeDesiredReplicasWithBehavior), by case name and with their numbers. Times are
// milliseconds before now.
#include <catch2/catch.hpp>

#include <vector>

#include "stabilization.hpp"

namespace mirari::policies {
namespace {

constexpr Millis kNow = 10'000'000;
constexpr Millis kMinute = 60'000;

TimedRecommendation ago(int replicas, Millis minutes) {
  return {replicas, kNow - minutes * kMinute};
}

std::vector<int> replicas_of(const RecommendationLog& log) {
  std::vector<int> out;
  for (const auto& r : log) out.push_back(r.replicas);
  return out;
}

// TestNormalizeDesiredReplicas: a 5-minute window.
struct Case {
  const char* name;
  RecommendationLog log;
  int desired;
  int stabilized;
  std::size_t log_length;
};

TEST_CASE("TestNormalizeDesiredReplicas: the highest recommendation of the window wins") {
  const std::vector<Case> cases{
      {"empty log", {}, 5, 5, 1},
      {"stabilize", {ago(4, 2), ago(5, 1)}, 3, 5, 3},
      {"no stabilize", {ago(1, 2), ago(2, 1)}, 3, 3, 3},
      {"no stabilize - old recommendations", {ago(10, 10), ago(9, 9)}, 3, 3, 2},
      {"stabilize - old recommendations", {ago(10, 10), ago(4, 1), ago(5, 2), ago(9, 9)}, 3, 5, 4},
  };
  for (Case c : cases) {
    INFO(c.name);
    CHECK(stabilize(c.log, c.desired, kNow, 5 * kMinute) == c.stabilized);
    CHECK(c.log.size() == c.log_length);
    CHECK(c.log.back().at == kNow);
  }
}

TEST_CASE("a recommendation exactly one window old still counts") {
  RecommendationLog log{{7, kNow - 5 * kMinute}};
  CHECK(stabilize(log, 3, kNow, 5 * kMinute) == 7);
}

// TestNormalizeDesiredReplicasWithBehavior: both windows (a window not named is 0).
struct BehaviorCase {
  const char* name;
  RecommendationLog log;
  int current;
  int desired;
  int stabilized;
  std::vector<int> logged;
  Millis up_window;
  Millis down_window;
};

TEST_CASE(
    "TestNormalizeDesiredReplicasWithBehavior: current is held between the windows' "
    "lowest and highest") {
  const std::vector<BehaviorCase> cases{
      {"empty recommendations for scaling down", {}, 100, 5, 5, {5}, 0, 0},
      {"simple scale down stabilization",
       {ago(4, 2), ago(5, 1)},
       100,
       3,
       5,
       {4, 5, 3},
       0,
       3 * kMinute},
      {"simple scale up stabilization", {ago(4, 2), ago(5, 1)}, 1, 7, 4, {4, 5, 7}, 5 * kMinute, 0},
      {"no scale down stabilization", {ago(1, 2), ago(2, 1)}, 100, 3, 3, {1, 2, 3}, 5 * kMinute, 0},
      {"no scale up stabilization", {ago(4, 2), ago(5, 1)}, 1, 3, 3, {4, 5, 3}, 0, 5 * kMinute},
      {"no scale down stabilization, reuse recommendation element",
       {ago(10, 10), ago(9, 9)},
       100,
       3,
       3,
       {10, 3},
       0,
       0},
      {"no scale up stabilization, reuse recommendation element",
       {ago(10, 10), ago(9, 9)},
       1,
       100,
       100,
       {10, 100},
       0,
       0},
      {"scale down stabilization, reuse one of obsolete recommendation element",
       {ago(10, 10), ago(4, 1), ago(5, 2), ago(9, 9)},
       100,
       3,
       5,
       {10, 4, 5, 3},
       0,
       3 * kMinute},
      {"scale up stabilization, reuse one of obsolete recommendation element",
       {ago(10, 100), ago(6, 1), ago(5, 2), ago(9, 3)},
       1,
       100,
       5,
       {100, 6, 5, 9},
       5 * kMinute,
       0},
  };
  for (BehaviorCase c : cases) {
    INFO(c.name);
    CHECK(stabilize_with_behavior(c.log, c.desired, c.current, kNow, c.up_window, c.down_window) ==
          c.stabilized);
    CHECK(replicas_of(c.log) == c.logged);
  }
}

}  // namespace
}  // namespace mirari::policies
