// Declared ports, as a user meets them: describe prints them, `mirarictl ports` shows what
// each port means, and the daemon's log names a port a plugin uses without declaring it.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using mirari::test::TempDir;
using nlohmann::json;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Daemon port_user_daemon() {
  return Daemon({.config = std::string(kWatchNothing) +
                           "[plugins.pulse]\n[plugins.port-user]\ngroup = \"db\"\n",
                 .plugins = {{"pulse.so", "pulse"}, {"port-user.so", "port-user"}}});
}

const std::string kUndeclaredOutput =
    "instance 'port-user' publishes port 'side.output', which its plugin does not declare";
const std::string kUndeclaredInput =
    "instance 'port-user' subscribes port 'side.input', which its plugin does not declare";

}  // namespace

TEST_CASE("mirarid --describe prints the ports a plugin file declares, as a table and as JSON") {
  TempDir dir;
  const std::string file = mirari::test::test_plugin("port-user");
  auto r = mirari::test::run({MIRARID_PATH, "--describe", file}, dir.path());
  CHECK(r.status == 0);
  CHECK(r.out.find("PORT                               DIRECTION   KIND    TYPE   MEANING\n") !=
        std::string::npos);
  CHECK(r.out.find("counter.ticks                      subscribes  event   int64  ticks that "
                   "raise the level\n") != std::string::npos);
  CHECK(r.out.find("level.{group} (default level.web)  publishes   signal  int64  ticks seen so "
                   "far by the group\n") != std::string::npos);

  auto j = mirari::test::run({MIRARID_PATH, "--describe", file, "--json"}, dir.path());
  CHECK(j.status == 0);
  const json described = json::parse(j.out);
  CHECK(described["plugin"] == "port-user");
  CHECK(described["ports"] ==
        json::parse(R"([{"name": "counter.ticks", "kind": "event", "type": "int64",
                         "direction": "subscribes", "meaning": "ticks that raise the level"},
                        {"name": "level.{group}", "default_name": "level.web", "kind": "signal",
                         "type": "int64", "direction": "publishes",
                         "meaning": "ticks seen so far by the group"}])"));

  // A plugin that declares none says so.
  auto none = mirari::test::run({MIRARID_PATH, "--describe", mirari::test::test_plugin("ticker")},
                                dir.path());
  CHECK(none.out.find("\nno declared ports\n") != std::string::npos);
}

TEST_CASE("mirarictl describe prints an instance's declared ports") {
  Daemon daemon = port_user_daemon();
  auto r = daemon.ctl({"describe", "port-user"});
  CHECK(r.status == 0);
  CHECK(r.out.find("instance port-user\n") != std::string::npos);
  CHECK(r.out.find("level.{group} (here level.db)  publishes   signal  int64  ticks seen so far "
                   "by the group\n") != std::string::npos);
  const json described = json::parse(daemon.ctl({"describe", "port-user", "--json"}).out);
  CHECK(described["ports"].size() == 2);
  CHECK(described["config"]["group"] == "\"db\"");
  CHECK(described["ports"][1]["configured_name"] == "level.db");
  CHECK_FALSE(described["ports"][0].contains("configured_name"));
}

TEST_CASE("mirarictl ports shows the meaning its publisher, else a subscriber, declares") {
  Daemon daemon = port_user_daemon();
  const json ports = json::parse(daemon.ctl({"ports", "--json"}).out);
  std::map<std::string, json> by_name;
  for (const json& p : ports) by_name[p["name"].get<std::string>()] = p;
  // Published by port-user under its configured group.
  CHECK(by_name.at("level.db")["meaning"] == "ticks seen so far by the group");
  CHECK(by_name.at("level.db")["publisher"] == "port-user");
  // Published by pulse, which declares nothing; port-user subscribes it and declares it.
  CHECK(by_name.at("counter.ticks")["publisher"] == "pulse");
  CHECK(by_name.at("counter.ticks")["meaning"] == "ticks that raise the level");
  // Used, declared by no one.
  CHECK(by_name.at("side.output")["meaning"] == "");

  auto human = daemon.ctl({"ports"});
  CHECK(human.status == 0);
  CHECK(human.out.find("SUBSCRIBERS  MEANING\n") != std::string::npos);
  CHECK(human.out.find("ticks seen so far by the group\n") != std::string::npos);
  CHECK(human.out.find("ticks that raise the level\n") != std::string::npos);
}

TEST_CASE("a port a plugin uses without declaring it is logged once per instance and port") {
  Daemon daemon = port_user_daemon();
  REQUIRE(daemon.log_shows(kUndeclaredOutput));
  REQUIRE(daemon.log_shows(kUndeclaredInput));
  // Ticks through the ports it uses change nothing: the warnings are not per tick.
  for (int i = 0; i < 5; ++i) {
    CHECK(daemon.ctl({"emit", "counter.ticks", std::to_string(i)}).status == 0);
  }
  REQUIRE(eventually([&] { return daemon.port("level.db") == json(5); }));
  const std::string log = daemon.log();
  CHECK(occurrences(log, kUndeclaredOutput) == 1);
  CHECK(occurrences(log, kUndeclaredInput) == 1);  // it subscribes side.input twice
  // The ports it declares, one through the configured {group}, are not warned about.
  CHECK(log.find("'port-user' subscribes port 'counter.ticks'") == std::string::npos);
  CHECK(log.find("'port-user' publishes port 'level.db'") == std::string::npos);
  // The plugin that declares nothing is warned about too, under its own instance name.
  CHECK(occurrences(log,
                    "instance 'pulse' publishes port 'counter.ticks', which its plugin "
                    "does not declare") == 1);
}
