// TickDurations: totals since start, nearest-rank percentiles over the recent window.
#include <catch2/catch.hpp>

#include "tick_durations.hpp"

using mirari::host::TickDurations;

TEST_CASE("no tick measured gives zero everywhere") {
  const auto s = TickDurations().summary();
  CHECK(s.count == 0);
  CHECK(s.window == 0);
  CHECK(s.p99_ns == 0);
}

TEST_CASE("percentiles are nearest ranks of the recorded durations") {
  TickDurations d;
  for (std::uint64_t ns = 100; ns >= 1; --ns) d.record(ns);
  const auto s = d.summary();
  CHECK(s.count == 100);
  CHECK(s.total_ns == 5050);
  CHECK(s.p50_ns == 50);
  CHECK(s.p90_ns == 90);
  CHECK(s.p99_ns == 99);
  CHECK(s.max_ns == 100);
}

TEST_CASE("the window keeps the most recent ticks only, the totals keep all") {
  TickDurations d;
  for (std::size_t i = 0; i < TickDurations::kWindow; ++i) d.record(1'000'000);
  for (std::size_t i = 0; i < TickDurations::kWindow; ++i) d.record(10);
  const auto s = d.summary();
  CHECK(s.count == 2 * TickDurations::kWindow);
  CHECK(s.window == TickDurations::kWindow);
  CHECK(s.max_ns == 10);
  CHECK(s.total_ns == TickDurations::kWindow * 1'000'010);
}
