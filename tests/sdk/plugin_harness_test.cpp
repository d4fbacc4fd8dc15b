// The SDK's test harness runs a policy plugin as mirarid would, object or library.
#include <catch2/catch.hpp>

#include "mirari/plugin_library.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/testing.hpp"
#include "threshold_policy.hpp"

using mirari::ports::load::LoadByInstance;
using mirari::testing::PluginHarness;

namespace {
std::unique_ptr<example::ThresholdPolicy> policy() {
  return std::make_unique<example::ThresholdPolicy>();
}

// The template's group "app" as one instance carrying the whole load, beside another group.
LoadByInstance app(double load) {
  return {{"app-1", load}, {"other-1", 5.0}};
}
}  // namespace

TEST_CASE("a policy is driven tick by tick through its ports") {
  PluginHarness h;
  auto load = h.input<LoadByInstance>("load.by_instance");
  h.start(policy(), {{"high", 0.8}, {"low", 0.3}});
  CHECK(h.value<int>("scale.app.desired") == 1);
  load.set(app(0.9));
  h.settle();
  CHECK(h.value<int>("scale.app.desired") == 2);
  load.set(app(1.0));  // 0.5 per instance: inside the band
  h.settle();
  CHECK(h.value<int>("scale.app.desired") == 2);
  load.set(app(0.2));
  h.settle();
  CHECK(h.value<int>("scale.app.desired") == 1);
}

TEST_CASE("the harness checks configuration against the declared keys") {
  PluginHarness h;
  CHECK_THROWS_WITH(h.start(policy(), {{"hihg", 0.9}}), "plugin 'plugin': unknown key 'hihg'");
  CHECK_THROWS_WITH(h.start(policy(), {{"high", std::string("lots")}}),
                    "plugin 'plugin': key 'high' must be a number, not a string");
  CHECK_THROWS_WITH(h.start(policy(), {{"low", 0.9}, {"high", 0.5}}), "low must be below high");
  CHECK_THROWS_WITH(h.start(policy(), {{"group", std::string("a.b")}}),
                    "group must be 1 to 63 letters, digits, '-' or '_'");
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("an integer is accepted where a number is declared") {
  PluginHarness h;
  h.input<LoadByInstance>("load.by_instance");
  h.start(policy(), {{"high", std::int64_t{1}}});
  SUCCEED();
}

TEST_CASE("a reload carries the snapshot and subscribers keep the port") {
  PluginHarness h;
  auto load = h.input<LoadByInstance>("load.by_instance");
  h.start(policy());
  auto seen = h.record<int>("instances.changes");
  h.graph().change(h.graph().add_owner("watcher"), [&] {
    h.graph().publish("instances.changes",
                      mirari::changes(h.graph().subscribe<int>("scale.app.desired")));
  });
  for (double l : {0.9, 1.8, 2.7}) {
    load.set(app(l));
    h.settle();
  }
  REQUIRE(h.value<int>("scale.app.desired") == 4);
  h.reload(policy());
  CHECK(h.value<int>("scale.app.desired") == 4);
  load.set(app(3.6));
  h.settle();
  CHECK(h.value<int>("scale.app.desired") == 5);
  CHECK(*seen == std::vector<int>{2, 3, 4, 5});
}

TEST_CASE("a plugin library is loaded, checked and run like the object") {
  PluginHarness h;
  auto load = h.input<LoadByInstance>("load.by_instance");
  h.start_library(MIRARI_THRESHOLD_POLICY_SO, {{"max_instances", std::int64_t{2}}});
  for (double l : {0.9, 1.8, 2.7}) {
    load.set(app(l));
    h.settle();
  }
  CHECK(h.value<int>("scale.app.desired") == 2);
  h.stop();
  CHECK(h.value<int>("scale.app.desired") == 2);  // the port keeps its last value
}

TEST_CASE("a file that is not a plugin is refused with the reason") {
  CHECK_THROWS_WITH(mirari::PluginLibrary::open("/nonexistent/x.so", "/tmp/mirari-test"),
                    "/nonexistent/x.so: no such plugin file");
  CHECK_THROWS_WITH(mirari::PluginLibrary::open(MIRARI_SDK_SO, "/tmp/mirari-test"),
                    Catch::Contains("not a Mirari plugin: no 'mirari_plugin' entry point"));
}
