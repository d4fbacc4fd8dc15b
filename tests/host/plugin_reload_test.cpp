// Reloading a running plugin: its state carries over, its subscribers see no gap, new code
// runs, and a new copy that fails leaves the old one running.
#include <catch2/catch.hpp>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

// pulse feeds counter.ticks, counter counts them, recorder follows the count.
Daemon counting_daemon() {
  return Daemon(
      {.config = std::string(kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
[plugins.recorder]
)",
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"recorder.so", "recorder"}}});
}

void emit(const Daemon& daemon, int times) {
  for (int i = 0; i < times; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
}

bool count_is(const Daemon& daemon, int n) {
  return eventually([&] { return daemon.port("counter.count") == json(n); });
}

}  // namespace

TEST_CASE("a reload keeps the state, and a subscriber in another plugin sees no gap") {
  Daemon daemon = counting_daemon();
  emit(daemon, 5);
  REQUIRE(count_is(daemon, 5));

  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 0);
  CHECK(reloaded.out == "reloaded counter (counter 1.0.0)\n");
  CHECK(daemon.port("counter.count") == json(5));

  emit(daemon, 3);
  CHECK(count_is(daemon, 8));
  CHECK(daemon.port("recorder.last") == json(8));
  CHECK(daemon.port("recorder.gaps") == json(0));
  CHECK(daemon.request({{"cmd", "plugins"}})["result"][1]["reloads"] == 1);
}

TEST_CASE("a plugin rebuilt in place reloads the new code") {
  Daemon daemon = counting_daemon();
  emit(daemon, 2);
  REQUIRE(count_is(daemon, 2));
  REQUIRE(daemon.port("counter.count.code") == json("v1"));

  daemon.install("counter-v2", "counter.so");
  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 0);
  CHECK(reloaded.out == "reloaded counter (counter 2.0.0)\n");
  CHECK(daemon.port("counter.count.code") == json("v2"));
  CHECK(daemon.port("counter.count") == json(2));
  emit(daemon, 1);
  CHECK(count_is(daemon, 3));
  CHECK(daemon.port("recorder.gaps") == json(0));
}

TEST_CASE("a new copy that fails to start leaves the old one running") {
  Daemon daemon = counting_daemon();
  emit(daemon, 2);
  REQUIRE(count_is(daemon, 2));

  daemon.install("counter-broken", "counter.so");
  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 1);
  CHECK(reloaded.err ==
        "mirarictl: reload of 'counter' failed, the running instance is kept: this counter build "
        "refuses to start\n");
  // The daemon's log says it too, not only the client that asked.
  CHECK(daemon.log_shows(
      "reload of 'counter' failed, the running instance is kept: this counter build refuses"));

  emit(daemon, 1);
  CHECK(count_is(daemon, 3));
  CHECK(daemon.port("counter.count.code") == json("v1"));
  CHECK(daemon.port("recorder.gaps") == json(0));
}

TEST_CASE("a new copy built for another ABI leaves the old one running") {
  Daemon daemon = counting_daemon();
  const auto file = daemon.install("bad-abi", "counter.so");
  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 1);
  CHECK(reloaded.err == "mirarictl: reload of 'counter' failed, the running instance is kept: " +
                            file.string() + abi_refusal() + "\n");
  CHECK(daemon.log_shows("reload of 'counter' failed, the running instance is kept: " +
                         file.string()));
  emit(daemon, 1);
  CHECK(count_is(daemon, 1));
}

TEST_CASE("a new copy with no entry point leaves the old one running") {
  Daemon daemon = counting_daemon();
  const auto file = daemon.install("no-entry", "counter.so");
  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 1);
  CHECK(reloaded.err ==
        "mirarictl: reload of 'counter' failed, the running instance is kept: " + file.string() +
            ": not a Mirari plugin: no 'mirari_plugin' entry point (export one "
            "with MIRARI_PLUGIN)\n");
  emit(daemon, 1);
  CHECK(count_is(daemon, 1));
}

TEST_CASE("a file that now holds another plugin is not reloaded into the instance") {
  Daemon daemon = counting_daemon();
  const auto file = daemon.install("pulse", "counter.so");
  auto reloaded = daemon.ctl({"reload", "counter"});
  CHECK(reloaded.status == 1);
  CHECK(reloaded.err == "mirarictl: reload of 'counter' failed, the running instance is kept: " +
                            file.string() + " holds plugin 'pulse', not 'counter'\n");
  emit(daemon, 1);
  CHECK(count_is(daemon, 1));
}
