// The threshold rule, observation by observation, with the clock as an input.
#include <catch2/catch.hpp>

#include <vector>

#include "threshold_scaler.hpp"

namespace mirari::policies {
namespace {

ThresholdOptions options() {
  ThresholdOptions o;
  o.group = ScalingGroup{Membership{"web", "web-", {}}, 1, 4};
  o.low = 0.3;
  o.high = 0.8;
  o.hold_ms = 10'000;
  o.cooldown_ms = 30'000;
  return o;
}

// n ready members, all reporting, with the given mean load.
Observation at(Millis now, double mean, int n = 2) {
  return {GroupLoad{n, 0, n, static_cast<std::int64_t>(mean * 1000) * n}, now};
}

Observation silent(Millis now) {
  return {GroupLoad{2, 0, 0, 0}, now};
}

// Steps through the observations and returns the count after each.
std::vector<int> counts(const ThresholdScaler& scaler, ThresholdState s,
                        const std::vector<Observation>& observations) {
  std::vector<int> out;
  for (const Observation& o : observations) {
    s = scaler.step(s, o);
    out.push_back(s.desired);
  }
  return out;
}

ThresholdState starting_at(int desired) {
  ThresholdState s;
  s.desired = desired;
  return s;
}

TEST_CASE("a scaler starts from the group's live members, within the bounds") {
  const ThresholdScaler scaler(options());
  CHECK(scaler.initial({GroupLoad{2, 1, 2, 1000}, 5}).desired == 3);
  CHECK(scaler.initial({GroupLoad{}, 5}).desired == 1);
  CHECK(scaler.initial({GroupLoad{9, 0, 9, 0}, 5}).desired == 4);
  CHECK(scaler.initial({GroupLoad{2, 1, 2, 1000}, 5}).now == 5);
}

TEST_CASE("one instance more once the mean stays above high for the hold time") {
  const ThresholdScaler scaler(options());
  CHECK(counts(scaler, starting_at(2),
               {at(0, 0.9), at(5'000, 0.95), at(9'999, 0.9), at(10'000, 0.9)}) ==
        std::vector<int>{2, 2, 2, 3});
}

TEST_CASE("one instance fewer once the mean stays below low for the hold time") {
  const ThresholdScaler scaler(options());
  CHECK(counts(scaler, starting_at(3), {at(0, 0.1), at(10'000, 0.2)}) == std::vector<int>{3, 2});
}

TEST_CASE("a mean back inside the band restarts the hold") {
  const ThresholdScaler scaler(options());
  CHECK(counts(scaler, starting_at(2),
               {at(0, 0.9), at(6'000, 0.5), at(8'000, 0.9), at(14'000, 0.9), at(18'000, 0.9)}) ==
        std::vector<int>{2, 2, 2, 2, 3});
}

TEST_CASE("a load between the bounds never moves the count (hysteresis)") {
  const ThresholdScaler scaler(options());
  CHECK(counts(scaler, starting_at(2), {at(0, 0.3), at(50'000, 0.8), at(100'000, 0.55)}) ==
        std::vector<int>{2, 2, 2});
}

TEST_CASE("no two changes within the cooldown, and the hold restarts at each change") {
  const ThresholdScaler scaler(options());
  // Above high all along: +1 at 10 s; the next needs the cooldown (until 40 s) and a new hold
  // (from 10 s, until 20 s): +1 at 40 s.
  CHECK(counts(scaler, starting_at(1),
               {at(0, 0.9), at(10'000, 0.9), at(20'000, 0.9), at(39'999, 0.9), at(40'000, 0.9)}) ==
        std::vector<int>{1, 2, 2, 2, 3});
  // The cooldown holds the other direction back too.
  CHECK(counts(scaler, starting_at(1),
               {at(0, 0.9), at(10'000, 0.9), at(11'000, 0.1), at(21'000, 0.1), at(40'000, 0.1)}) ==
        std::vector<int>{1, 2, 2, 2, 1});
}

TEST_CASE("the count stays within min and max however long the load stays out") {
  const ThresholdScaler scaler(options());
  std::vector<Observation> high;
  std::vector<Observation> low;
  for (Millis t = 0; t <= 400'000; t += 10'000) {
    high.push_back(at(t, 5.0));
    low.push_back(at(t, 0.0));
  }
  CHECK(counts(scaler, starting_at(3), high).back() == 4);
  CHECK(counts(scaler, starting_at(3), low).back() == 1);
}

TEST_CASE("with no ready member reporting, nothing is held and nothing changes") {
  const ThresholdScaler scaler(options());
  CHECK(counts(scaler, starting_at(2),
               {at(0, 0.9), silent(5'000), at(10'000, 0.9), at(15'000, 0.9), at(20'000, 0.9)}) ==
        std::vector<int>{2, 2, 2, 2, 3});
  CHECK_FALSE(scaler.step(starting_at(2), silent(0)).above_since);
}

TEST_CASE("a clock that goes back restarts the hold and the cooldown") {
  const ThresholdScaler scaler(options());
  ThresholdState s = starting_at(2);
  s.now = 900'000;
  s.above_since = 880'000;
  s = scaler.step(s, at(1'000, 0.9));
  CHECK(s.desired == 2);
  CHECK(s.above_since == 1'000);
  CHECK(s.last_change == 1'000);
  CHECK(counts(scaler, s, {at(11'000, 0.9), at(31'000, 0.9)}) == std::vector<int>{2, 3});
}

TEST_CASE("a resumed state is brought within the new bounds") {
  const ThresholdScaler scaler(options());
  CHECK(scaler.resume(starting_at(7)).desired == 4);
  CHECK(scaler.resume(starting_at(0)).desired == 1);
}

TEST_CASE("the state survives its snapshot") {
  ThresholdState s = starting_at(3);
  s.above_since = 100;
  s.last_change = 50;
  s.now = 120;
  const std::string text = to_snapshot(s, "web");
  CHECK(from_snapshot(text, "web") == s);
  CHECK_FALSE(from_snapshot(text, "db"));
  CHECK_THROWS_WITH(from_snapshot("{\"group\": \"web\"}", "web"),
                    Catch::StartsWith("not a threshold-scaler snapshot: "));
  CHECK_THROWS_WITH(from_snapshot("3", "web"),
                    Catch::StartsWith("not a threshold-scaler snapshot: "));
}

}  // namespace
}  // namespace mirari::policies
