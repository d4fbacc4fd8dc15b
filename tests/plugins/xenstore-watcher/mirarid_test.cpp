// The XenStore watcher and the load monitor in a real mirarid, driven and read with the real
// mirarictl, the store being the XenStore-protocol server of tools/xenstored: the ports and
// their type names, a vif's states as `mirarictl watch` prints them, a guest's data/load as
// its load, a store that drops mirarid's connection, and one that dies and starts again empty.
#include <catch2/catch.hpp>

#include <signal.h>

#include <string>

#include "daemon.hpp"
#include "xenstore_fixture.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::read_file;
using mirari::testing::XenStoreFixture;
using nlohmann::json;

namespace {

// The stock plugins as built, each with its own table; the plugin directory is only where a
// missing file would be looked for.
std::string config() {
  return std::string(mirari::test::kWatchNothing) +
         "\n[plugins.xenstore-watcher]\n"
         "file = \"" MIRARI_XENSTORE_WATCHER_SO
         "\"\n"
         "keepalive_ms = 50\n"
         "\n[plugins.load-monitor]\n"
         "file = \"" MIRARI_LOAD_MONITOR_SO
         "\"\n"
         "socket = \"{dir}/load.sock\"\n"
         "window = 1\n";
}

json port_info(const Daemon& daemon, const std::string& name) {
  const json response = daemon.request({{"cmd", "ports"}});
  for (const json& port : response["result"]) {
    if (port["name"] == name) return port;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("mirarid runs the XenStore watcher: ports, states, reports and a dropped store") {
  XenStoreFixture xs;  // XENSTORED_PATH, which mirarid inherits
  xs.create_domain(0, "Domain-0");
  xs.create_domain(5, "web-1");
  Daemon daemon({.config = config()});

  const json domains = port_info(daemon, "xen.domains");
  REQUIRE(domains.is_object());
  CHECK(domains["type"] == "table<string,xen.domain>");
  CHECK(port_info(daemon, "xen.vif_events")["type"] == "list<xen.device_change>");
  CHECK(daemon.port("xen.domains").value()["5"]["name"] == "web-1");

  std::filesystem::path out;
  auto watch = daemon.ctl_background({"watch", "xen.vifs"}, out);
  REQUIRE(eventually([&] { return read_file(out) == "{}\n"; }));
  xs.create_vif(5, 0, "1");
  CHECK(eventually(
      [&] { return read_file(out).find("\"state\":\"Initialising\"") != std::string::npos; }));
  xs.write(0, "backend/vif/5/0/state", "4");
  CHECK(eventually(
      [&] { return read_file(out).find("\"state\":\"Connected\"") != std::string::npos; }));
  watch->signal(SIGINT);
  CHECK(watch->wait().has_value());

  xs.write(5, "data/load", "0.5");
  CHECK(eventually([&] {
    const auto load = daemon.port("load.by_instance");
    return load && load->contains("web-1") && (*load)["web-1"] == 0.5;
  }));

  xs.server().drop_connections();
  xs.reconnect();
  xs.write(0, "backend/vif/5/0/state", "6");
  CHECK(daemon.log_shows("reconnected to XenStore"));
  CHECK(eventually([&] { return daemon.port("xen.vifs").value()["5/0"]["state"] == "Closed"; }));
  CHECK(daemon.running());
}

TEST_CASE("a XenStore that dies and starts again empty is read anew: gone domains go") {
  XenStoreFixture xs;
  xs.create_domain(0, "Domain-0");
  xs.create_domain(5, "web-1");
  Daemon daemon({.config = config()});
  REQUIRE(eventually([&] { return daemon.port("xen.domains").value().contains("5"); }));

  xs.restart_server();
  xs.create_domain(0, "Domain-0");
  xs.create_domain(7, "web-2");
  CHECK(daemon.log_shows("reconnected to XenStore"));
  CHECK(eventually([&] {
    const json domains = daemon.port("xen.domains").value();
    return domains.contains("7") && !domains.contains("5");
  }));
  CHECK(daemon.running());
}
