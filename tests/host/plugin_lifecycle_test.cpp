// A plugin's life in a running mirarid, driven through mirarictl: load, use, unload, stop.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

TEST_CASE("mirarictl loads a plugin file, lists it, describes it and unloads it") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("counter");

  auto loaded = daemon.ctl({"load", file.string()});
  CHECK(loaded.status == 0);
  CHECK(loaded.out == "loaded counter (counter 1.0.0) from " + file.string() + "\n");

  auto listed = daemon.ctl({"plugins"});
  CHECK(listed.status == 0);
  CHECK(listed.out.find("counter  counter  1.0.0    policy  running  0        control  " +
                        file.string()) != std::string::npos);

  auto described = daemon.ctl({"describe", "counter"});
  CHECK(described.status == 0);
  CHECK(described.out.find("counter 1.0.0 (policy): counts the occurrences of an event port") == 0);
  CHECK(described.out.find("input   string  \"counter.ticks\"  \"counter.ticks\"  event port "
                           "(int64) whose occurrences are counted") != std::string::npos);

  auto unloaded = daemon.ctl({"unload", "counter"});
  CHECK(unloaded.status == 0);
  CHECK(unloaded.out == "unloaded counter\n");
  CHECK(daemon.ctl({"plugins"}).out == "no plugin instance is loaded\n");
  CHECK(daemon.running());
}

TEST_CASE("a plugin file is found in the plugin directories by its name") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("counter");
  auto loaded = daemon.ctl({"load", "counter.so"});
  CHECK(loaded.status == 0);
  CHECK(loaded.out == "loaded counter (counter 1.0.0) from " +
                          (daemon.plugin_dir() / "counter.so").string() + "\n");
}

TEST_CASE("ports carry values between plugins, written with emit and set, read with get") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("pulse");
  daemon.install("counter");
  REQUIRE(daemon.ctl({"load", "pulse.so"}).status == 0);
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);

  for (int i = 0; i < 3; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(3); }));
  CHECK(daemon.ctl({"get", "counter.count"}).out == "3\n");

  REQUIRE(daemon.ctl({"set", "pulse.level", "7"}).status == 0);
  CHECK(eventually([&] { return daemon.port("pulse.level") == json(7); }));
}

TEST_CASE("a tick whose node fails is rolled back and logged under the plugin's name") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("pulse");
  daemon.install("counter");
  REQUIRE(daemon.ctl({"load", "pulse.so"}).status == 0);
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);

  REQUIRE(daemon.ctl({"emit", "counter.ticks", "-1"}).status == 0);
  CHECK(daemon.log_shows(
      "[counter] error: node 'count' of 'counter' failed: a tick is never negative"));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(1); }));
  const json stats = daemon.request({{"cmd", "stats"}})["result"];
  CHECK(stats["rolled_back"] == 1);
}

TEST_CASE("watch prints the current value, then each committed change") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("pulse");
  daemon.install("counter");
  REQUIRE(daemon.ctl({"load", "pulse.so"}).status == 0);
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);

  std::filesystem::path out;
  auto watch = daemon.ctl_background({"watch", "counter.count"}, out);
  CHECK(eventually([&] { return mirari::test::read_file(out) == "0\n"; }));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return mirari::test::read_file(out) == "0\n1\n"; }));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return mirari::test::read_file(out) == "0\n1\n2\n"; }));

  watch->signal(SIGINT);
  CHECK(watch->wait().has_value());
  // The watch's observer leaves the graph with its client.
  CHECK(eventually(
      [&] { return daemon.ctl({"nodes"}).out.find("watch counter.count") == std::string::npos; }));
}

TEST_CASE("unload answers once the work the plugin posted has finished") {
  Daemon daemon({.config = std::string(kWatchNothing) + R"(
[plugins.ticker]
port = "counter.ticks"
interval_ms = 2
linger_ms = 300
done_file = "{dir}/ticker.done"

[plugins.counter]
)",
                 .plugins = {{"ticker.so", "ticker"}, {"counter.so", "counter"}}});
  // The ticker's work is running: its ticks are being counted.
  CHECK(eventually([&] {
    auto count = daemon.port("counter.count");
    return count && count->get<int>() > 0;
  }));
  auto unloaded = daemon.ctl({"unload", "ticker"});
  CHECK(unloaded.status == 0);
  CHECK(std::filesystem::exists(daemon.dir() / "ticker.done"));
}

TEST_CASE("SIGTERM unloads the plugins in reverse load order and exits 0") {
  Daemon daemon(
      {.config = std::string(kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
[plugins.recorder]
)",
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"recorder.so", "recorder"}}});
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit() == 0);
  const std::string log = daemon.log();
  const auto recorder = log.find("unloaded 'recorder'");
  const auto counter = log.find("unloaded 'counter'");
  const auto pulse = log.find("unloaded 'pulse'");
  REQUIRE(pulse != std::string::npos);
  CHECK(recorder < counter);
  CHECK(counter < pulse);
  CHECK(!std::filesystem::exists(daemon.socket()));
}
