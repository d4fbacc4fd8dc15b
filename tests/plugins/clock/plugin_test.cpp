// The clock plugin as mirarid runs it, object and library, through the SDK's harness, with
// its real timer.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "clock_plugin.hpp"
#include "mirari/testing.hpp"

using mirari::clock::ClockPlugin;
using mirari::ports::ClockMs;
using mirari::ports::kClock;
using mirari::testing::PluginHarness;
using namespace std::chrono_literals;

namespace {

std::map<std::string, mirari::ConfigValue, std::less<>> period(std::int64_t ms) {
  return {{"period_ms", ms}};
}

}  // namespace

TEST_CASE("the clock is published as soon as the plugin starts") {
  PluginHarness h;
  const ClockMs before = mirari::clock::monotonic_ms();
  h.start(std::make_unique<ClockPlugin>(), period(3'600'000));
  CHECK(h.value<ClockMs>(kClock) >= before);
}

TEST_CASE("the clock moves forward every period") {
  PluginHarness h;
  h.start(std::make_unique<ClockPlugin>(), period(1));
  const ClockMs first = h.value<ClockMs>(kClock);
  CHECK(h.settle_until([&] { return h.value<ClockMs>(kClock) > first; }, 10s));
  const ClockMs second = h.value<ClockMs>(kClock);
  CHECK(h.settle_until([&] { return h.value<ClockMs>(kClock) > second; }, 10s));
}

TEST_CASE("a stopped clock publishes nothing more") {
  PluginHarness h;
  h.start(std::make_unique<ClockPlugin>(), period(1));
  h.stop();
  const ClockMs last = h.value<ClockMs>(kClock);
  std::this_thread::sleep_for(20ms);
  h.settle();
  CHECK(h.value<ClockMs>(kClock) == last);
}

TEST_CASE("a period outside 1 ms to an hour is refused") {
  PluginHarness h;
  CHECK_THROWS_WITH(h.start(std::make_unique<ClockPlugin>(), period(0)),
                    "period_ms must be between 1 and 3600000, not 0");
  CHECK_THROWS_WITH(h.start(std::make_unique<ClockPlugin>(), period(3'600'001)),
                    "period_ms must be between 1 and 3600000, not 3600001");
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("the built library runs like the object") {
  PluginHarness h;
  h.start_library(MIRARI_CLOCK_SO, period(1));
  const ClockMs first = h.value<ClockMs>(kClock);
  CHECK(first > 0);
  CHECK(h.settle_until([&] { return h.value<ClockMs>(kClock) > first; }, 10s));
  h.stop();
}
