// The threshold scaler as mirarid runs it, object and library, through the SDK's harness:
// ports in (load.by_instance, instances.actual, clock.ms), scale.<group>.desired out.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/testing.hpp"
#include "threshold_scaler_plugin.hpp"

namespace mirari::policies {
namespace {

using ports::InstancesActual;
using ports::InstanceState;
using ports::load::LoadByInstance;
using testing::PluginHarness;
using Values = std::map<std::string, ConfigValue, std::less<>>;

Values config() {
  return {{"group", std::string("web")},
          {"max_instances", std::int64_t{4}},
          {"hold_ms", std::int64_t{1'000}},
          {"cooldown_ms", std::int64_t{5'000}}};
}

struct Inputs {
  explicit Inputs(PluginHarness& h)
      : h(h),
        load(h.input<LoadByInstance>(ports::load::kByInstance)),
        actual(h.input<InstancesActual>(ports::kInstancesActual)),
        clock(h.input<ports::ClockMs>(ports::kClock)) {}

  int desired() { return h.value<int>("scale.web.desired"); }
  void at(ports::ClockMs now, const LoadByInstance& l) {
    load.set(l);
    clock.set(now);
    h.settle();
  }

  PluginHarness& h;
  Source<LoadByInstance> load;
  Source<InstancesActual> actual;
  Source<ports::ClockMs> clock;
};

std::unique_ptr<ThresholdScalerPlugin> plugin() {
  return std::make_unique<ThresholdScalerPlugin>();
}

TEST_CASE("the count follows the group's mean load and the clock") {
  PluginHarness h;
  Inputs in(h);
  in.load.set({{"web-1", 0.5}, {"web-2", 0.5}});
  h.settle();
  h.start(plugin(), config());
  CHECK(in.desired() == 2);  // the instances there are, found by the prefix "web-"

  in.at(0, {{"web-1", 0.9}, {"web-2", 1.0}, {"db-1", 0.0}});
  CHECK(in.desired() == 2);
  in.at(999, {{"web-1", 0.9}, {"web-2", 1.0}, {"db-1", 0.0}});
  CHECK(in.desired() == 2);
  in.clock.set(1'000);
  h.settle();
  CHECK(in.desired() == 3);
}

TEST_CASE("once instances.actual lists the group, only its ready members' load counts") {
  PluginHarness h;
  Inputs in(h);
  h.start(plugin(), config());
  in.actual.set({{"web-1", {"web", InstanceState::running, 0}},
                 {"web-2", {"web", InstanceState::starting, 0}}});
  // web-9 no longer exists and web-2 is not ready: their load is not the group's.
  in.at(0, {{"web-1", 0.1}, {"web-2", 2.0}, {"web-9", 2.0}});
  in.clock.set(1'000);
  h.settle();
  CHECK(in.desired() == 1);
  in.at(2'000, {{"web-1", 0.9}, {"web-2", 2.0}, {"web-9", 2.0}});
  in.clock.set(3'000);
  h.settle();
  CHECK(in.desired() == 2);
}

TEST_CASE("a reload carries the count, the hold and the cooldown") {
  PluginHarness h;
  Inputs in(h);
  h.start(plugin(), config());
  in.at(0, {{"web-1", 0.9}});
  in.clock.set(1'000);
  h.settle();
  REQUIRE(in.desired() == 2);  // last change at 1 s: the cooldown runs until 6 s

  h.reload(plugin());
  CHECK(in.desired() == 2);
  in.clock.set(5'999);
  h.settle();
  CHECK(in.desired() == 2);
  in.clock.set(6'000);
  h.settle();
  CHECK(in.desired() == 3);
}

TEST_CASE("a bad configuration is refused and leaves nothing in the graph") {
  PluginHarness h;
  Values inverted = config();
  inverted["low"] = 0.9;
  inverted["high"] = 0.2;
  CHECK_THROWS_WITH(h.start(plugin(), inverted), "high (0.2) must be above low (0.9)");
  CHECK_THROWS_WITH(h.start(plugin(), {{"group", std::string("web")}}),
                    Catch::StartsWith("plugin 'plugin': missing required key 'max_instances'"));
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("the built library runs like the object") {
  PluginHarness h;
  Inputs in(h);
  h.start_library(MIRARI_THRESHOLD_SCALER_SO, config());
  CHECK(in.desired() == 1);
  in.at(0, {{"web-1", 0.9}});
  in.clock.set(1'000);
  h.settle();
  CHECK(in.desired() == 2);
  h.stop();
  CHECK(in.desired() == 2);  // the port keeps its last value
}

}  // namespace
}  // namespace mirari::policies
