// The netlink backend against the kernel of a network namespace of the test's own: it adds,
// replaces and removes only routes of its protocol (203), leaves a route added by hand
// alone, repairs a deleted route, reports a namespace that is gone and programs it again
// once it is back, and refuses a bad set whole.
#include <catch2/catch.hpp>

#include "command.hpp"
#include "netns.hpp"
#include "routes_harness.hpp"

using namespace mirari::routes::test;
using mirari::testing::check_command;
using mirari::testing::NetworkNamespace;
using mirari::testing::run_command;

namespace {

// v0 up with 192.0.2.1/24, so next hops in 192.0.2.0/24 are reachable.
void wire(const NetworkNamespace& ns) {
  ns.add_veth("v0", "v1");
  ns.ip_batch("addr add 192.0.2.1/24 dev v0\nlink set v1 up\nlink set v0 up\n");
}

std::string route(const NetworkNamespace& ns, const std::string& prefix) {
  return ns.ip({"route", "show", "exact", prefix});
}

}  // namespace

TEST_CASE("netlink: adds, replaces and removes its own routes - one added by hand stays") {
  NetworkNamespace ns;
  wire(ns);
  ns.ip({"route", "add", "203.0.113.0/24", "via", "192.0.2.9"});
  RoutesHarness h({{"B", "netlink", ns.name()}});

  const RouterRoutes first{{{"198.51.100.0/24", "192.0.2.2", "", 0}}, {}};
  h.want("B", first);
  INFO(h.shown("B"));
  REQUIRE(h.until([&] { return h.applied("B").held == first && h.applied("B").error.empty(); }));
  CHECK(route(ns, "198.51.100.0/24") == "198.51.100.0/24 via 192.0.2.2 dev v0 proto 203 \n");

  const RouterRoutes second{
      {{"198.51.100.0/24", "192.0.2.3", "", 0}, {"2001:db8:1::/48", "", "v0", 0}}, {}};
  h.want("B", second);
  const RouterRoutes second_held{
      {{"198.51.100.0/24", "192.0.2.3", "", 0}, {"2001:db8:1::/48", "", "v0", 1024}}, {}};
  REQUIRE(h.until([&] { return h.applied("B").held == second_held; }));
  CHECK(route(ns, "198.51.100.0/24") == "198.51.100.0/24 via 192.0.2.3 dev v0 proto 203 \n");
  CHECK(ns.ip({"-6", "route", "show", "exact", "2001:db8:1::/48"}).find("dev v0 proto 203") !=
        std::string::npos);

  h.want("B", {});
  REQUIRE(h.until([&] { return h.applied("B").held == RouterRoutes{}; }));
  CHECK(route(ns, "198.51.100.0/24").empty());
  CHECK(route(ns, "203.0.113.0/24") == "203.0.113.0/24 via 192.0.2.9 dev v0 \n");
}

TEST_CASE("netlink: a route deleted by hand is programmed again at the next verify") {
  NetworkNamespace ns;
  wire(ns);
  RoutesHarness h({{"B", "netlink", ns.name()}});
  const RouterRoutes set{{{"198.51.100.0/24", "192.0.2.2", "", 7}}, {}};
  h.want("B", set);
  REQUIRE(h.until([&] { return !route(ns, "198.51.100.0/24").empty(); }));
  ns.ip({"route", "del", "198.51.100.0/24", "via", "192.0.2.2", "metric", "7"});
  CHECK(h.until([&] { return !route(ns, "198.51.100.0/24").empty(); }));
  CHECK(h.applied("B").held == set);
}

TEST_CASE("netlink: a namespace deleted underneath is an error, retried until it is back") {
  NetworkNamespace ns;
  wire(ns);
  RoutesHarness h({{"B", "netlink", ns.name()}});
  const RouterRoutes set{{{"198.51.100.0/24", "192.0.2.2", "", 0}}, {}};
  h.want("B", set);
  REQUIRE(h.until([&] { return h.applied("B").held == set; }));

  check_command({"ip", "netns", "del", ns.name()});
  REQUIRE(h.until([&] { return !h.applied("B").error.empty(); }));
  CHECK(h.applied("B").error == "router B: reading its routes: network namespace '" + ns.name() +
                                    "' (/var/run/netns/" + ns.name() + "): no such namespace");

  check_command({"ip", "netns", "add", ns.name()});
  wire(ns);
  REQUIRE(h.until([&] { return h.applied("B").error.empty(); }));
  CHECK(h.applied("B").held == set);
  CHECK(route(ns, "198.51.100.0/24") == "198.51.100.0/24 via 192.0.2.2 dev v0 proto 203 \n");
}

TEST_CASE("netlink: a set with a bad route is refused whole - the router keeps its last good set") {
  NetworkNamespace ns;
  wire(ns);
  RoutesHarness h({{"B", "netlink", ns.name()}});
  const RouterRoutes good{{{"198.51.100.0/24", "192.0.2.2", "", 0}}, {}};
  h.want("B", good);
  REQUIRE(h.until([&] { return h.applied("B").held == good; }));

  h.want("B",
         {{{"203.0.113.0/24", "192.0.2.2", "", 0}, {"198.51.100.0/24", "192.0.2.300", "", 0}}, {}});
  REQUIRE(h.until([&] { return !h.applied("B").error.empty(); }));
  CHECK(h.applied("B").error ==
        "router B: route 198.51.100.0/24 via 192.0.2.300: '192.0.2.300' is not an IPv4 address");
  CHECK(h.applied("B").held == good);
  // Several verify periods later, neither route of the refused set is there.
  h.run_for(std::chrono::milliseconds(500));
  CHECK(route(ns, "203.0.113.0/24").empty());
  CHECK(route(ns, "198.51.100.0/24") == "198.51.100.0/24 via 192.0.2.2 dev v0 proto 203 \n");
}

TEST_CASE("netlink: announce is refused with the reason") {
  NetworkNamespace ns;
  RoutesHarness h({{"B", "netlink", ns.name()}});
  h.want("B", {{}, {"203.0.113.0/24"}});
  REQUIRE(h.until([&] { return !h.applied("B").error.empty(); }));
  CHECK(h.applied("B").error ==
        "router B: announce 203.0.113.0/24: the netlink backend programs the kernel table only; "
        "announcing to BGP peers needs the frr backend");
}

TEST_CASE("a router that is not configured is reported, the others programmed") {
  NetworkNamespace ns;
  wire(ns);
  RoutesHarness h({{"B", "netlink", ns.name()}});
  const RouterRoutes set{{{"198.51.100.0/24", "192.0.2.2", "", 0}}, {}};
  h.want("Z", set);
  h.want("B", set);
  REQUIRE(h.until([&] { return h.applied("B").held == set; }));
  CHECK(h.applied("Z").error == "router Z is not configured (routers: B)");
}

TEST_CASE("a refused set is a value, not a rolled-back tick: the other routers are programmed") {
  NetworkNamespace b_ns, c_ns;
  wire(b_ns);
  wire(c_ns);
  RoutesHarness h({{"B", "netlink", b_ns.name()}, {"C", "netlink", c_ns.name()}});
  const RouterRoutes good{{{"198.51.100.0/24", "192.0.2.2", "", 0}}, {}};
  const mirari::TickResult ticks = h.want(
      "C", {{{"198.51.100.0/24", "192.0.2.2", "", 0}, {"198.51.100.0/24", "", "v0", 0}}, {}});
  CHECK(ticks.rolled_back == 0);
  h.want("B", good);
  REQUIRE(h.until([&] { return h.applied("B").held == good; }));
  CHECK(route(b_ns, "198.51.100.0/24") == "198.51.100.0/24 via 192.0.2.2 dev v0 proto 203 \n");
  CHECK(h.applied("C").error ==
        "router C: route 198.51.100.0/24 dev v0: another route has the same prefix and metric");
  CHECK(route(c_ns, "198.51.100.0/24").empty());
}
