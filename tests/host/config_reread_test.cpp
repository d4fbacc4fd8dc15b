// SIGHUP: mirarid re-reads its configuration file and applies the difference.
#include <signal.h>

#include <catch2/catch.hpp>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

const json* instance(const json& list, const std::string& name) {
  for (const json& p : list) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

json plugins(const Daemon& daemon) {
  return daemon.request({{"cmd", "plugins"}})["result"];
}

}  // namespace

TEST_CASE("SIGHUP loads new tables, unloads removed ones and reloads changed ones") {
  Daemon daemon({.config = std::string(kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
[plugins.ticker]
port = "ticker.ticks"
)",
                 .plugins = {{"pulse.so", "pulse"},
                             {"counter.so", "counter"},
                             {"ticker.so", "ticker"},
                             {"recorder.so", "recorder"}}});
  for (int i = 0; i < 2; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  REQUIRE(eventually([&] { return daemon.port("counter.count") == json(2); }));

  daemon.write_config(std::string(kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
output = "counter.total"
[plugins.recorder]
input = "counter.total"
)");
  daemon.signal(SIGHUP);
  REQUIRE(eventually([&] { return instance(plugins(daemon), "recorder") != nullptr; }));
  const json list = plugins(daemon);
  CHECK(instance(list, "ticker") == nullptr);
  CHECK((*instance(list, "pulse"))["reloads"] == 0);
  CHECK((*instance(list, "counter"))["reloads"] == 1);
  // The reloaded counter publishes its count, carried over, on the port its new table names.
  CHECK(daemon.port("counter.total") == json(2));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("recorder.last") == json(3); }));
  CHECK(daemon.port("recorder.gaps") == json(0));
  CHECK(daemon.log().find("configuration re-read: unloading ticker; reloading counter; loading "
                          "recorder") != std::string::npos);
}

TEST_CASE("a configuration that became bad is logged on SIGHUP, and the running one kept") {
  Daemon daemon({.config = std::string(kWatchNothing) + "[plugins.counter]\n",
                 .plugins = {{"counter.so", "counter"}}});
  daemon.write_config("[plugins.counter]\ninput = 3\n[daemon\n");
  daemon.signal(SIGHUP);
  CHECK(daemon.log_shows("configuration not re-read, the running one is kept: " +
                         daemon.config_file().string() + ":3:"));
  CHECK(daemon.running());
  CHECK(plugins(daemon).size() == 1);

  // A table the plugin refuses makes the file bad too.
  daemon.write_config(std::string(kWatchNothing) + "[plugins.counter]\ninput = 3\n");
  daemon.signal(SIGHUP);
  CHECK(daemon.log_shows(
      "configuration not re-read, the running one is kept: " + daemon.config_file().string() +
      ":6:1: plugin 'counter': key 'input' must be a string, not an integer"));
  CHECK((*instance(plugins(daemon), "counter"))["reloads"] == 0);
}

TEST_CASE(
    "a SIGHUP with any bad table refuses the whole file: nothing recorded, nothing reloaded") {
  const std::string good = std::string(kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
)";
  Daemon daemon(
      {.config = good,
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"recorder.so", "recorder"}}});
  const std::string bad_tables[] = {
      "[plugins.counter]\nfrobnicate = 1\n",                 // a key the plugin does not declare
      "[plugins.counter]\noutput = 7\n",                     // a key of the wrong type
      "[plugins.counter]\ninput = \"x\"\noutput = \"x\"\n",  // refused by configure()
      "[plugins.counter]\nfile = \"pulse.so\"\n",            // another plugin under its name
  };
  const std::string reasons[] = {
      "unknown key 'frobnicate'", "key 'output' must be a string",
      "'counter' refused its configuration: input and output must be different ports",
      "holds plugin 'pulse', not 'counter'"};
  for (std::size_t i = 0; i < std::size(bad_tables); ++i) {
    // The good part of the file (pulse's changed table, a new recorder) is not applied either.
    daemon.write_config(std::string(kWatchNothing) + "[plugins.pulse]\nlevel = \"pulse.other\"\n" +
                        bad_tables[i] + "[plugins.recorder]\n");
    for (int twice = 0; twice < 2; ++twice) {
      const auto before = daemon.log().size();
      daemon.signal(SIGHUP);
      REQUIRE(eventually([&] {
        return daemon.log().find("configuration not re-read", before) != std::string::npos;
      }));
      const std::string logged = daemon.log().substr(before);
      CHECK(logged.find(reasons[i]) != std::string::npos);
      CHECK(logged.find("configuration re-read") == std::string::npos);
    }
    const json list = plugins(daemon);
    CHECK(list.size() == 2);
    CHECK((*instance(list, "pulse"))["reloads"] == 0);
    CHECK(instance(list, "recorder") == nullptr);
    CHECK(daemon.port("pulse.level") == json(0));
    // The running configuration is what a reload uses.
    REQUIRE(daemon.ctl({"reload", "counter"}).status == 0);
  }

  daemon.write_config(std::string(kWatchNothing) +
                      "[plugins.pulse]\nlevel = \"pulse.other\"\n[plugins.counter]\n"
                      "[plugins.recorder]\n");
  daemon.signal(SIGHUP);
  REQUIRE(
      daemon.log_shows("configuration re-read: unloading none; reloading pulse; loading "
                       "recorder"));
  CHECK(eventually([&] { return instance(plugins(daemon), "recorder") != nullptr; }));
  CHECK(daemon.port("pulse.other") == json(0));
}

TEST_CASE("SIGHUP that names an instance loaded by hand says it is configured, not replaced") {
  Daemon daemon({.config = std::string(kWatchNothing), .plugins = {{"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);
  daemon.write_config(std::string(kWatchNothing) +
                      "[plugins.counter]\noutput = \"counter.total\"\n");
  daemon.signal(SIGHUP);
  CHECK(daemon.log_shows("configured 'counter' (counter "));
  CHECK(daemon.log().find(" replaces ") == std::string::npos);
  CHECK(eventually([&] { return (*instance(plugins(daemon), "counter"))["origin"] == "config"; }));
}

TEST_CASE("SIGHUP reloads an instance whose nested settings changed, not one merely rewritten") {
  Daemon daemon({.config = std::string(kWatchNothing) + R"(
[plugins.fleet]
template.memory = 128
[[plugins.fleet.groups]]
name = "web"
routers = [{asn = 64512}]
)",
                 .plugins = {{"fleet.so", "fleet"}}});
  REQUIRE(daemon.port("fleet.summary") ==
          "sizes=1 2 weights=1 memory=128 kernel=unikernel.img web:64/64512");

  // The same values, written as inline tables and in another order.
  daemon.write_config(std::string(kWatchNothing) + R"(
[plugins.fleet]
groups = [{routers = [{asn = 64512}], name = "web"}]
template = {memory = 128}
)");
  daemon.signal(SIGHUP);
  REQUIRE(daemon.log_shows("configuration re-read: unloading none; reloading none; loading none"));
  CHECK((*instance(plugins(daemon), "fleet"))["reloads"] == 0);

  // One value deep inside the array of tables changes.
  daemon.write_config(std::string(kWatchNothing) + R"(
[plugins.fleet]
groups = [{routers = [{asn = 64513}], name = "web"}]
template = {memory = 128}
)");
  daemon.signal(SIGHUP);
  REQUIRE(daemon.log_shows("configuration re-read: unloading none; reloading fleet; loading none"));
  CHECK(eventually([&] {
    return daemon.port("fleet.summary") ==
           "sizes=1 2 weights=1 memory=128 kernel=unikernel.img web:64/64513";
  }));
  CHECK((*instance(plugins(daemon), "fleet"))["reloads"] == 1);

  // A wrong type deep inside it is refused whole: the running instance stays as it was.
  daemon.write_config(std::string(kWatchNothing) + R"(
[plugins.fleet]
groups = [{routers = [{asn = "x"}], name = "web"}]
)");
  daemon.signal(SIGHUP);
  CHECK(daemon.log_shows(
      "configuration not re-read, the running one is kept: " + daemon.config_file().string() +
      ":7:24: plugin 'fleet': key 'groups[0].routers[0].asn' must be an "
      "integer, not a string"));
  CHECK(daemon.port("fleet.summary") ==
        "sizes=1 2 weights=1 memory=128 kernel=unikernel.img web:64/64513");
}
