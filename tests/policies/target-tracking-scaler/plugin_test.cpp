// The target-tracking scaler as mirarid runs it, object and library, through the SDK's
// harness: ports in (load.by_instance, instances.actual, clock.ms), scale.<group>.desired out.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/testing.hpp"
#include "target_tracking_plugin.hpp"

namespace mirari::policies {
namespace {

using ports::InstancesActual;
using ports::InstanceState;
using ports::load::LoadByInstance;
using testing::PluginHarness;
using Values = std::map<std::string, ConfigValue, std::less<>>;

Values config() {
  return {{"group", std::string("web")}, {"max_instances", std::int64_t{10}}, {"target", 0.5}};
}

struct Inputs {
  explicit Inputs(PluginHarness& h)
      : h(h),
        load(h.input<LoadByInstance>(ports::load::kByInstance)),
        actual(h.input<InstancesActual>(ports::kInstancesActual)),
        clock(h.input<ports::ClockMs>(ports::kClock)) {}

  int desired() { return h.value<int>("scale.web.desired"); }
  void at(ports::ClockMs now) {
    clock.set(now);
    h.settle();
  }

  PluginHarness& h;
  Source<LoadByInstance> load;
  Source<InstancesActual> actual;
  Source<ports::ClockMs> clock;
};

std::unique_ptr<TargetTrackingPlugin> plugin() {
  return std::make_unique<TargetTrackingPlugin>();
}

TEST_CASE("the count tracks the target, one decision per period") {
  PluginHarness h;
  Inputs in(h);
  in.load.set({{"web-1", 0.5}, {"web-2", 0.5}});
  h.settle();
  h.start(plugin(), config());
  CHECK(in.desired() == 2);

  in.load.set({{"web-1", 1.0}, {"web-2", 1.0}, {"db-1", 0.1}});
  in.at(1'000);
  CHECK(in.desired() == 4);  // ceil(2 x 1.0 / 0.5)
  in.load.set({{"web-1", 1.5}, {"web-2", 1.5}});
  in.at(15'999);
  CHECK(in.desired() == 4);  // within the period of the last decision
  in.at(16'000);
  CHECK(in.desired() == 6);
}

TEST_CASE("instances.actual decides who is ready, and the load of the gone is ignored") {
  PluginHarness h;
  Inputs in(h);
  in.actual.set({{"web-1", {"web", InstanceState::running, 0}},
                 {"web-2", {"web", InstanceState::starting, 0}}});
  h.settle();
  h.start(plugin(), config());
  CHECK(in.desired() == 2);  // the live instances, starting ones included
  // web-1, the only ready one, is at the target: web-2 (starting) and web-3 (gone) count not.
  in.load.set({{"web-1", 0.5}, {"web-2", 5.0}, {"web-3", 5.0}});
  in.at(1'000);
  CHECK(in.desired() == 2);
  in.load.set({{"web-1", 1.5}, {"web-2", 5.0}, {"web-3", 5.0}});
  in.at(16'000);
  CHECK(in.desired() == 3);  // scaling up, web-2 counts at 0: ceil(2 x 0.75 / 0.5)
}

TEST_CASE("scaling down waits for the stabilization window, across a reload too") {
  PluginHarness h;
  Inputs in(h);
  in.load.set({{"web-1", 0.5}, {"web-2", 0.5}, {"web-3", 0.5}, {"web-4", 0.5}});
  h.settle();
  Values c = config();
  c["scale_down_stabilization_ms"] = std::int64_t{60'000};
  h.start(plugin(), c);
  REQUIRE(in.desired() == 4);
  in.at(1);
  in.load.set({{"web-1", 0.1}, {"web-2", 0.1}, {"web-3", 0.1}, {"web-4", 0.1}});
  in.at(15'001);
  CHECK(in.desired() == 4);

  h.reload(plugin(), "plugin");
  in.at(30'001);
  in.at(45'001);
  in.at(60'001);
  CHECK(in.desired() == 4);  // 4 was recommended at 1 ms, which is still within the window
  in.at(75'001);
  CHECK(in.desired() == 1);
}

TEST_CASE("a bad configuration is refused and leaves nothing in the graph") {
  PluginHarness h;
  Values c = config();
  c["scale_up_select"] = std::string("min");
  CHECK_THROWS_WITH(h.start(plugin(), c), "scale_up_select takes effect with behavior = true");
  CHECK_THROWS_WITH(
      h.start(plugin(), {{"group", std::string("web")}, {"max_instances", std::int64_t{3}}}),
      Catch::StartsWith("plugin 'plugin': missing required key 'target'"));
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("the built library runs like the object") {
  PluginHarness h;
  Inputs in(h);
  Values c = config();
  c["behavior"] = true;
  c["scale_up_policies"] = std::vector<std::string>{"pods 1 per 60s"};
  h.start_library(MIRARI_TARGET_TRACKING_SCALER_SO, c);
  CHECK(in.desired() == 1);
  in.load.set({{"web-1", 5.0}});
  in.at(1'000);
  CHECK(in.desired() == 2);  // one instance per minute
  h.stop();
  CHECK(in.desired() == 2);
}

}  // namespace
}  // namespace mirari::policies
