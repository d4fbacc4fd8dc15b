// A plugin that crashes mirarid is named, and kept out when a supervisor restarts mirarid,
// while everything else loads again: no crash loop.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

std::vector<std::string> loaded(const Daemon& daemon) {
  const json response = daemon.request({{"cmd", "plugins"}});
  std::vector<std::string> names;
  for (const json& p : response["result"]) names.push_back(p["name"]);
  return names;
}

Daemon crashing_daemon(const std::string& how, const std::string& where,
                       const std::string& daemon_table = "") {
  return Daemon(
      {.config = daemon_table + kWatchNothing + R"(
[plugins.pulse]
[plugins.counter]
[plugins.crasher]
how = ")" + how + "\"\nwhere = \"" +
                 where + "\"\n",
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"crasher.so", "crasher"}}});
}

// Its answer may be lost: the crash can come before mirarid has written it.
void trigger(const Daemon& daemon) {
  daemon.ctl({"emit", "crasher.trigger", "1"});
}

fs::path marker(const Daemon& daemon) {
  return daemon.dir() / "run" / "crashed-plugin.json";
}

}  // namespace

TEST_CASE("a plugin that segfaults in a node is named, and kept out at the next start") {
  Daemon daemon = crashing_daemon("segv", "node", "[daemon]\nsnapshot_interval = 1\n");
  for (int i = 0; i < 4; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  REQUIRE(eventually([&] {
    try {
      const json state = json::parse(mirari::test::read_file(daemon.runtime_dir() / "state.json"));
      const json wanted = {{"instance", "counter"}, {"plugin", "counter"}, {"text", "4"}};
      const json& snapshots = state.at("snapshots");
      return std::find(snapshots.begin(), snapshots.end(), wanted) != snapshots.end();
    } catch (const std::exception&) {
      return false;
    }
  }));
  trigger(daemon);
  REQUIRE(daemon.wait_exit() == 128 + SIGSEGV);
  const std::string file = (daemon.plugin_dir() / "crasher.so").string();
  CHECK(daemon.log().find("mirarid: fatal signal SIGSEGV (11) at instruction 0x") !=
        std::string::npos);
  CHECK(daemon.log().find(", address 0x0, in the code of plugin instance 'crasher' (crasher "
                          "1.0.0 from " +
                          file + "); crash marker " + marker(daemon).string()) !=
        std::string::npos);
  CHECK(json::parse(mirari::test::read_file(marker(daemon))) == json({{"instance", "crasher"},
                                                                      {"plugin", "crasher"},
                                                                      {"version", "1.0.0"},
                                                                      {"file", file},
                                                                      {"signal", 11}}));

  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter"});
  CHECK(daemon.port("counter.count") == json(4));  // the others continue from their state
  CHECK(daemon.log_shows("'crasher' (" + file +
                         ") crashed mirarid last time (signal 11): it stays unloaded until "
                         "`mirarictl load` loads it (or load_crashed_plugin = true)"));
  // A supervisor restarting it again changes nothing: the marker stays until asked.
  daemon.signal(SIGKILL);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter"});

  // An operator asks for it: it loads with its table, and the marker is gone.
  const auto load = daemon.ctl({"load", "crasher.so"});
  CHECK(load.status == 0);
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter", "crasher"});
  CHECK_FALSE(fs::exists(marker(daemon)));
  CHECK(daemon.log_shows("'crasher' was loaded by request: it is no longer held out"));
}

TEST_CASE("a plugin whose posted work calls abort() is named from the crashing thread's stack") {
  Daemon daemon = crashing_daemon("abort", "work");
  trigger(daemon);
  REQUIRE(daemon.wait_exit() == 128 + SIGABRT);
  CHECK(daemon.log().find("mirarid: fatal signal SIGABRT (6) at instruction 0x") !=
        std::string::npos);
  CHECK(daemon.log().find("in the code of plugin instance 'crasher'") != std::string::npos);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter"});
}

TEST_CASE("a plugin that overflows its thread's stack is named too (the handler has its own)") {
  Daemon daemon = crashing_daemon("overflow", "node");
  trigger(daemon);
  REQUIRE(daemon.wait_exit() == 128 + SIGSEGV);
  CHECK(daemon.log().find("in the code of plugin instance 'crasher'") != std::string::npos);
  CHECK(fs::exists(marker(daemon)));
}

TEST_CASE("load_crashed_plugin = true loads the plugin that crashed, as configured") {
  Daemon daemon = crashing_daemon("segv", "node", "[daemon]\nload_crashed_plugin = true\n");
  trigger(daemon);
  REQUIRE(daemon.wait_exit() == 128 + SIGSEGV);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter", "crasher"});
  CHECK(daemon.log_shows("load_crashed_plugin = true: 'crasher' is loaded as usual"));
  CHECK_FALSE(fs::exists(marker(daemon)));
}

TEST_CASE("a crash marker that cannot be read is set aside, and everything loads") {
  Daemon daemon = crashing_daemon("segv", "node");
  daemon.signal(SIGKILL);
  mirari::test::write_file(marker(daemon), "{\"instance\": ");
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter", "crasher"});
  CHECK(daemon.log_shows("crash marker " + marker(daemon).string() + " cannot be read ("));
  CHECK(fs::exists(marker(daemon).string() + ".unreadable"));
}

TEST_CASE("a crash outside any plugin's code says so and leaves no marker") {
  Daemon daemon({.config = kWatchNothing});
  daemon.signal(SIGSEGV);
  REQUIRE(daemon.wait_exit() == 128 + SIGSEGV);
  CHECK(daemon.log().find("fatal signal SIGSEGV (11) at instruction ") != std::string::npos);
  CHECK(daemon.log().find(", not in a plugin's code\n") != std::string::npos);
  CHECK_FALSE(fs::exists(marker(daemon)));
}
