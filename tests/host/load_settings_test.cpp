// `mirarictl load PATH --set KEY=VALUE ... | --config-json JSON` gives a plugin loaded at run
// time its table, checked exactly as a file's; `mirarictl describe PATH` reads a file relative
// to where mirarictl runs.
#include <csignal>

#include <catch2/catch.hpp>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

Daemon fleet_daemon(std::string config = kWatchNothing) {
  return Daemon({.config = std::move(config), .plugins = {{"fleet.so", "fleet"}}});
}

// Nothing was loaded: the daemon runs no instance.
bool nothing_loaded(const Daemon& daemon) {
  return daemon.request({{"cmd", "plugins"}})["result"].empty();
}

}  // namespace

TEST_CASE("settings given with --set reach a loaded plugin, dotted keys into nested tables") {
  Daemon daemon = fleet_daemon();
  auto r = daemon.ctl({"load", "fleet.so", "--set", "template.memory=512", "--set", "sizes=[3, 5]",
                       "--set", "groups=[{name = \"web\", routers = [{asn = 7}]}]", "--set",
                       "template.kernel=\"k.img\""});
  CHECK(r.err.empty());
  CHECK(r.status == 0);
  CHECK(daemon.port("fleet.summary") == "sizes=3 5 weights=1 memory=512 kernel=k.img web:64/7");
  auto described = daemon.ctl({"describe", "fleet"});
  CHECK(
      described.out.find("\ntemplate.memory           integer            64               512 ") !=
      std::string::npos);

  // A reload keeps the settings the load gave.
  CHECK(daemon.ctl({"reload", "fleet"}).status == 0);
  CHECK(daemon.port("fleet.summary") == "sizes=3 5 weights=1 memory=512 kernel=k.img web:64/7");
}

TEST_CASE("an instance loaded with settings has them again after a restart") {
  Daemon daemon = fleet_daemon();
  REQUIRE(daemon.ctl({"load", "fleet.so", "--set", "template.memory=96"}).status == 0);
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit() == 0);
  daemon.restart();
  CHECK(daemon.port("fleet.summary") == "sizes=1 2 weights=1 memory=96 kernel=unikernel.img");
}

TEST_CASE("settings given with --config-json make the same table from JSON") {
  Daemon daemon = fleet_daemon();
  auto r = daemon.ctl({"load", "fleet.so", "--name", "f2", "--config-json",
                       R"({"name": "f2", "weights": [1, 2.5],
                           "groups": [{"name": "db", "template": {"memory": 32}}]})"});
  CHECK(r.err.empty());
  CHECK(daemon.port("f2.summary") == "sizes=1 2 weights=2 memory=64 kernel=unikernel.img db:32");
}

TEST_CASE("a malformed --set is refused by mirarictl, and nothing is loaded") {
  Daemon daemon = fleet_daemon();
  auto r = daemon.ctl({"load", "fleet.so", "--set", "template.memory"});
  CHECK(r.status == 1);
  CHECK(r.err ==
        "mirarictl: --set 'template.memory': expected KEY=VALUE, with a TOML value (--set "
        "template.memory=64, --set name='\"web\"')\n");
  auto word = daemon.ctl({"load", "fleet.so", "--set", "name=web"});
  CHECK(word.status == 1);
  CHECK(word.err.rfind("mirarictl: --set 'name=web': ", 0) == 0);
  CHECK(nothing_loaded(daemon));
}

TEST_CASE("an unknown nested key given with --set is refused with its path, nothing loaded") {
  Daemon daemon = fleet_daemon();
  auto r = daemon.ctl({"load", "fleet.so", "--set", "template.memroy=64"});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: plugin 'fleet': unknown key 'template.memroy'\n");
  CHECK(nothing_loaded(daemon));
}

TEST_CASE("a wrong type deep inside an array of tables in JSON is refused, nothing loaded") {
  Daemon daemon = fleet_daemon();
  auto r = daemon.ctl({"load", "fleet.so", "--config-json",
                       R"({"groups": [{"name": "a"}, {"name": "b", "routers": [{"asn": "x"}]}]})"});
  CHECK(r.status == 1);
  CHECK(r.err ==
        "mirarictl: plugin 'fleet': key 'groups[1].routers[0].asn' must be an integer, not a "
        "string\n");
  auto null =
      daemon.ctl({"load", "fleet.so", "--config-json", R"({"template": {"memory": null}})"});
  CHECK(null.err ==
        "mirarictl: --config-json: key 'template.memory': null is not a "
        "configuration value\n");
  // The daemon checks a request's settings itself, whoever sends them.
  auto raw =
      daemon.request({{"cmd", "load"}, {"path", "fleet.so"}, {"config", {{"sizes", {1, "two"}}}}});
  CHECK(raw["error"] ==
        "plugin 'fleet': key 'sizes' holds an array mixing kinds of items (an array holds "
        "strings, integers, numbers or tables, one kind)");
  CHECK(nothing_loaded(daemon));
}

TEST_CASE("settings given with a load do not override a configuration file's table") {
  Daemon daemon = fleet_daemon(std::string(kWatchNothing) +
                               "[plugins.other]\nfile = \"fleet.so\"\n"
                               "name = \"other\"\n");
  REQUIRE(daemon.ctl({"unload", "other"}).status == 0);
  auto r = daemon.ctl({"load", "fleet.so", "--name", "other", "--set", "sizes=[1]"});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: 'other' has a [plugins.other] table in " +
                     daemon.config_file().string() +
                     ": settings given with the load apply to an instance without one (load it "
                     "under another --name)\n");
  CHECK(nothing_loaded(daemon));
}

TEST_CASE("describe reads a plugin file relative to where mirarictl runs") {
  Daemon daemon = fleet_daemon();
  mirari::test::TempDir here;
  fs::create_directories(here.path() / "build");
  fs::copy_file(mirari::test::test_plugin("fleet"), here.path() / "build" / "mine.so");
  const auto ctl = [&](const std::string& args) {
    return mirari::test::run(
        {"/bin/sh", "-c",
         "cd '" + here.path().string() + "' && exec " MIRARICTL_PATH " --socket '" +
             daemon.socket().string() + "' " + args},
        here.path());
  };
  auto r = ctl("describe build/mine.so");
  CHECK(r.err.empty());
  CHECK(r.out.find("fleet 1.0.0 (policy)") == 0);
  CHECK(r.out.find("\ngroups[].name ") != std::string::npos);
  auto j = ctl("describe build/mine.so --json");
  CHECK(json::parse(j.out)["keys"][4]["keys"][0]["name"] == "name");

  auto missing = ctl("describe build/none.so");
  CHECK(missing.status == 1);
  CHECK(missing.err ==
        "mirarictl: no plugin instance 'build/none.so' is loaded, and no plugin file "
        "'build/none.so' is in the plugin directories\n");
}
