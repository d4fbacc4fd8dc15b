// The stock scalers as they are deployed: each built plugin loaded by a real mirarid from its
// configuration file, its inputs driven with the real mirarictl (the clock too, so that time
// moves only when the test says), its scale.<group>.desired read back.
#include <catch2/catch.hpp>

#include <string>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

namespace {

const std::string kScalers = std::string(mirari::test::kWatchNothing) + R"(
[plugins.threshold-scaler]
file = ")" MIRARI_THRESHOLD_SCALER_SO R"("
group = "web"
max_instances = 5
hold_ms = 1000
cooldown_ms = 1000

[plugins.target-tracking-scaler]
file = ")" MIRARI_TARGET_TRACKING_SCALER_SO R"("
group = "api"
max_instances = 10
target = 0.5
)";

bool port_is(const Daemon& daemon, const std::string& port, const json& value) {
  return eventually([&] { return daemon.port(port) == value; });
}

void set(const Daemon& daemon, const std::string& port, const std::string& value) {
  const auto r = daemon.ctl({"set", port, value});
  INFO(r.err);
  REQUIRE(r.status == 0);
}

}  // namespace

TEST_CASE("each scaler in mirarid changes its group's count as its inputs are driven") {
  Daemon daemon({kScalers});
  CHECK(port_is(daemon, "scale.web.desired", 1));
  CHECK(port_is(daemon, "scale.api.desired", 1));

  // The threshold scaler: web's mean load above 0.8 for the hold time adds one instance.
  set(daemon, "load.by_instance", R"({"web-1": 0.9, "api-1": 1.0, "api-2": 1.0})");
  // The target-tracking scaler decides at once: 2 x 1.0 / 0.5 = 4.
  CHECK(port_is(daemon, "scale.api.desired", 4));
  CHECK(port_is(daemon, "scale.web.desired", 1));
  set(daemon, "clock.ms", "1000");
  CHECK(port_is(daemon, "scale.web.desired", 2));

  // The instance manager's list takes over from the names: web-2, still starting, and web-1,
  // which it no longer lists, do not count; web-3 is below 0.3.
  set(daemon, "instances.actual",
      R"({"web-2": {"group": "web", "state": "starting", "since": 900},
          "web-3": {"group": "web", "state": "running", "since": 900},
          "api-1": {"group": "api", "state": "running", "since": 0},
          "api-2": {"group": "api", "state": "running", "since": 0}})");
  set(daemon, "load.by_instance",
      R"({"web-1": 0.9, "web-2": 0.9, "web-3": 0.1, "api-1": 1.0, "api-2": 1.0})");
  set(daemon, "clock.ms", "2000");
  set(daemon, "clock.ms", "3000");
  CHECK(port_is(daemon, "scale.web.desired", 1));

  // Past the target-tracking period, with load at the target: 4 stay 4.
  set(daemon, "load.by_instance", R"({"web-3": 0.5, "api-1": 0.5, "api-2": 0.5})");
  set(daemon, "clock.ms", "20000");
  CHECK(port_is(daemon, "scale.api.desired", 4));
}

TEST_CASE("a reload in mirarid keeps the scaler's count, and a bad input changes nothing") {
  Daemon daemon({kScalers});
  set(daemon, "load.by_instance", R"({"api-1": 2.0})");
  REQUIRE(port_is(daemon, "scale.api.desired", 4));  // 1 x 2.0 / 0.5, the most one decision adds

  const auto reloaded = daemon.ctl({"reload", "target-tracking-scaler"});
  INFO(reloaded.err);
  CHECK(reloaded.status == 0);
  CHECK(daemon.port("scale.api.desired") == json(4));

  const auto refused = daemon.ctl(
      {"set", "instances.actual", R"({"api-1": {"group": "api", "state": "up", "since": 0}})"});
  CHECK(refused.status == 1);
  CHECK(refused.err.find("'up' is not an instance state (starting, running, stopping, exited "
                         "or failed)") != std::string::npos);
  CHECK(daemon.port("instances.actual") == json::object());
  CHECK(daemon.port("scale.api.desired") == json(4));
}

TEST_CASE("mirarictl describe lists a scaler's configuration keys") {
  Daemon daemon({kScalers});
  const auto r = daemon.ctl({"describe", "target-tracking-scaler"});
  CHECK(r.status == 0);
  for (const char* key : {"group", "target", "tolerance", "period_ms", "behavior",
                          "scale_up_policies", "scale_down_stabilization_ms"}) {
    CHECK(r.out.find(key) != std::string::npos);
  }
}

TEST_CASE("the clock plugin moves clock.ms in mirarid") {
  Daemon daemon({std::string(mirari::test::kWatchNothing) +
                 "\n[plugins.clock]\nfile = \"" MIRARI_CLOCK_SO "\"\nperiod_ms = 10\n"});
  REQUIRE(eventually([&] {
    const auto ms = daemon.port("clock.ms");
    return ms && ms->get<long long>() > 0;
  }));
  const long long first = daemon.port("clock.ms")->get<long long>();
  CHECK(eventually([&] { return daemon.port("clock.ms")->get<long long>() > first; }));
}
