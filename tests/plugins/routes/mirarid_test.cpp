// routes.so in a real mirarid, driven and read with the real mirarictl: routes.desired set
// as JSON reaches the kernel table of a namespace of the test's own, routes.applied reads
// back what it holds, and unloading the plugin leaves the routes and stops its passes.
#include <catch2/catch.hpp>

#include <string>

#include "command.hpp"
#include "daemon.hpp"
#include "netns.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::NetworkNamespace;
using nlohmann::json;

namespace {

std::string config(const std::string& netns) {
  return std::string(mirari::test::kWatchNothing) +
         "\n[plugins.routes]\n"
         "file = \"" MIRARI_ROUTES_SO
         "\"\n"
         "verify_ms = 100\n"
         "[[plugins.routes.routers]]\n"
         "name = \"B\"\n"
         "backend = \"netlink\"\n"
         "netns = \"" +
         netns + "\"\n";
}

std::string route(const NetworkNamespace& ns) {
  return ns.ip({"route", "show", "exact", "198.51.100.0/24"});
}

}  // namespace

TEST_CASE(
    "mirarid: routes.desired set with mirarictl reaches the kernel - routes.applied says so") {
  NetworkNamespace ns;
  ns.add_veth("v0", "v1");
  ns.ip_batch("addr add 192.0.2.1/24 dev v0\nlink set v1 up\nlink set v0 up\n");
  Daemon daemon({.config = config(ns.name())});

  const json desired = {
      {"B", {{"routes", {{{"prefix", "198.51.100.0/24"}, {"via", "192.0.2.2"}}}}}}};
  REQUIRE(daemon.ctl({"set", "routes.desired", desired.dump()}).status == 0);
  REQUIRE(eventually([&] { return !route(ns).empty(); }));
  CHECK(route(ns) == "198.51.100.0/24 via 192.0.2.2 dev v0 proto 203 \n");
  REQUIRE(eventually([&] {
    const auto applied = daemon.port("routes.applied");
    return applied && applied->contains("B") && (*applied)["B"]["held"]["routes"].size() == 1;
  }));
  const json b = daemon.port("routes.applied").value()["B"];
  CHECK(b["error"] == "");
  CHECK(b["held"]["routes"][0] ==
        json({{"prefix", "198.51.100.0/24"}, {"via", "192.0.2.2"}, {"device", ""}, {"metric", 0}}));

  REQUIRE(daemon.ctl({"unload", "routes"}).status == 0);
  ns.ip({"route", "del", "198.51.100.0/24"});
  // No pass runs any more: the route deleted by hand stays deleted.
  CHECK_FALSE(eventually([&] { return !route(ns).empty(); }, std::chrono::milliseconds(500)));
}
