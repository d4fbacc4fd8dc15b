// mirarictl's output: tables for people, JSON for scripts, and one clear line on error.
#include <algorithm>
#include <catch2/catch.hpp>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

Daemon counting_daemon() {
  return Daemon({.config = std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
}

}  // namespace

TEST_CASE("status names the daemon and counts what it runs") {
  Daemon daemon = counting_daemon();
  auto r = daemon.ctl({"status"});
  CHECK(r.status == 0);
  CHECK(r.out.find("mirarid 0.1.0 (pid " + std::to_string(daemon.pid()) + "), up ") == 0);
  CHECK(r.out.find("plugins  2\n") != std::string::npos);
  CHECK(r.out.find("socket   " + daemon.socket().string() + "\n") != std::string::npos);

  auto j = daemon.ctl({"--json", "status"});
  CHECK(j.status == 0);
  const json status = json::parse(j.out);
  CHECK(status["plugins"] == 2);
  CHECK(status["pid"] == daemon.pid());

  // Global flags may follow the subcommand.
  auto after = daemon.ctl({"plugins", "--json"});
  CHECK(after.status == 0);
  CHECK(json::parse(after.out).size() == 2);
}

TEST_CASE("ports, nodes and graph show the shared graph") {
  Daemon daemon = counting_daemon();
  auto ports = daemon.ctl({"ports"});
  CHECK(ports.status == 0);
  CHECK(ports.out.find("counter.count       signal  int64   counter    0") != std::string::npos);
  CHECK(ports.out.find("counter.ticks       event   int64   pulse      1") != std::string::npos);

  auto nodes = daemon.ctl({"nodes"});
  CHECK(nodes.out.find("count ") != std::string::npos);
  CHECK(nodes.out.find("NEEDED") != std::string::npos);

  auto dot = daemon.ctl({"graph", "--dot"});
  CHECK(dot.status == 0);
  CHECK(dot.out.find("digraph") == 0);

  const json graph = json::parse(daemon.ctl({"--json", "graph"}).out);
  CHECK(graph["ports"].size() == 4);
  REQUIRE(!graph["nodes"].empty());
  CHECK(graph["nodes"][0]["needed"].is_boolean());
}

TEST_CASE("stats and metrics report ticks and their duration") {
  Daemon daemon = counting_daemon();
  for (int i = 0; i < 5; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  REQUIRE(eventually([&] { return daemon.port("counter.count") == json(5); }));

  const json stats = json::parse(daemon.ctl({"--json", "stats"}).out);
  CHECK(stats["inputs"] == 5);
  CHECK(stats["idle_nodes"] == 0);
  CHECK(stats["tick_duration_ns"]["count"] == 5);
  CHECK(stats["tick_duration_ns"]["p50"].get<std::uint64_t>() > 0);
  CHECK(stats["tick_duration_ns"]["p50"] <= stats["tick_duration_ns"]["p99"]);
  auto text = daemon.ctl({"stats"});
  CHECK(text.out.find("inputs         5\n") != std::string::npos);
  CHECK(text.out.find("tick p99       ") != std::string::npos);

  auto metrics = daemon.ctl({"metrics"});
  CHECK(metrics.status == 0);
  CHECK(metrics.out.find("# TYPE mirari_inputs_total counter\nmirari_inputs_total 5\n") !=
        std::string::npos);
  CHECK(metrics.out.find("mirari_tick_duration_seconds_count 5\n") != std::string::npos);
  CHECK(metrics.out.find("mirari_tick_duration_seconds{quantile=\"0.99\"} ") != std::string::npos);
  CHECK(
      metrics.out.find("mirari_plugin_reloads_total{instance=\"counter\",plugin=\"counter\"} 0") !=
      std::string::npos);
}

TEST_CASE("set and emit check the port's kind and the value's type") {
  Daemon daemon = counting_daemon();
  auto set_event = daemon.ctl({"set", "counter.ticks", "1"});
  CHECK(set_event.status == 1);
  CHECK(set_event.err ==
        "mirarictl: port 'counter.ticks' is an event port: emit an occurrence instead\n");

  auto emit_signal = daemon.ctl({"emit", "pulse.level", "1"});
  CHECK(emit_signal.status == 1);
  CHECK(emit_signal.err ==
        "mirarictl: port 'pulse.level' is a signal port: set its value instead\n");

  auto wrong_type = daemon.ctl({"set", "pulse.level", "\"high\""});
  CHECK(wrong_type.status == 1);
  CHECK(wrong_type.err.find("mirarictl: '\"high\"' is not a value of port 'pulse.level' (int64)") ==
        0);

  auto not_json = daemon.ctl({"set", "pulse.level", "high"});
  CHECK(not_json.status == 1);
  CHECK(not_json.err ==
        "mirarictl: 'high' is not a JSON value (a string is written with quotes: '\"high\"')\n");

  for (const char* huge : {"1e400", "[1, -1e999]"}) {
    auto out_of_range = daemon.ctl({"set", "pulse.level", huge});
    CHECK(out_of_range.status == 1);
    CHECK(out_of_range.err.find("mirarictl: VALUE is not a value mirarid takes: a number out of "
                                "range: ") == 0);
    CHECK(std::count(out_of_range.err.begin(), out_of_range.err.end(), '\n') == 1);
  }
  auto too_deep = daemon.ctl({"emit", "counter.ticks", std::string(100000, '[')});
  CHECK(too_deep.status == 1);
  CHECK(too_deep.err ==
        "mirarictl: VALUE is not a value mirarid takes: arrays and objects "
        "nested deeper than 63 levels\n");

  auto no_port = daemon.ctl({"get", "no.such.port"});
  CHECK(no_port.status == 1);
  CHECK(no_port.err == "mirarictl: no port 'no.such.port'\n");
  CHECK(daemon.running());
}

TEST_CASE("an unknown plugin instance is one clear line") {
  Daemon daemon = counting_daemon();
  for (const char* cmd : {"unload", "reload"}) {
    auto r = daemon.ctl({cmd, "nosuch"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "mirarictl: no plugin instance 'nosuch' is loaded\n");
  }
  auto describe = daemon.ctl({"describe", "nosuch"});
  CHECK(describe.status == 1);
  CHECK(describe.err ==
        "mirarictl: no plugin instance 'nosuch' is loaded, and no plugin file 'nosuch' is in "
        "the plugin directories\n");
}

TEST_CASE("describe also reads a plugin file in the plugin directories") {
  Daemon daemon = counting_daemon();
  daemon.install("ticker");
  auto r = daemon.ctl({"describe", "ticker.so"});
  CHECK(r.status == 0);
  CHECK(r.out.find("ticker 1.0.0 (watcher)") == 0);
  CHECK(r.out.find("(required)") != std::string::npos);
}

TEST_CASE("mirarictl says so in one line when no daemon listens") {
  mirari::test::TempDir dir;
  const auto socket = dir.path() / "mirarid.sock";
  auto r = mirari::test::run({MIRARICTL_PATH, "--socket", socket.string(), "status"}, dir.path());
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "mirarictl: cannot connect to " + socket.string() +
                     ": No such file or directory (is mirarid running? --socket or "
                     "MIRARI_SOCKET name its socket)\n");
}
