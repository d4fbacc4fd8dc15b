// The frr backend against real FRR instances (zebra, staticd, bgpd) in namespaces of the
// test's own (tests/support/frr_router.hpp): static routes reach FRR and the namespace's
// kernel table; an announcement is carried over eBGP to the peer's kernel table and withdrawn
// from it; a restarted daemon is programmed again; statements of others stay.
//
// BGP timers dominate how long an announcement takes: the fixture's sessions use keepalive
// 1 s, hold 3 s, connect retry 1 s and no advertisement interval, so a session is up within a
// few seconds and an update reaches the peer within about a second; the tests wait up to 30 s.
#include <catch2/catch.hpp>

#include "command.hpp"
#include "eventually.hpp"
#include "frr_router.hpp"
#include "routes_harness.hpp"

using namespace mirari::routes::test;
using mirari::testing::connect;
using mirari::testing::FrrDaemon;
using mirari::testing::FrrRouter;
using mirari::testing::peer_ebgp;

namespace {

bool running_has(const FrrRouter& r, const std::string& line) {
  return r.vtysh({"show running-config"}).find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("frr: static routes reach FRR and the kernel - others' static routes stay") {
  FrrRouter a("A"), b("B");
  const auto link = connect(a, "192.0.2.1/24", b, "192.0.2.2/24");
  a.vtysh({"configure terminal", "ip route 203.0.113.0/24 192.0.2.2"});
  RoutesHarness h({{"A", "frr", a.netns(), a.pathspace()}});

  const RouterRoutes set{
      {{"198.51.100.0/24", link.b_address, "", 0}, {"2001:db8:7::/48", "", link.a_device, 0}}, {}};
  h.want("A", set);
  REQUIRE(
      h.until([&] { return h.applied("A").error.empty() && !h.applied("A").held.routes.empty(); }));
  CHECK(h.applied("A").held ==
        RouterRoutes{{{"198.51.100.0/24", "192.0.2.2", "", 1}, {"2001:db8:7::/48", "", "to-B", 1}},
                     {}});
  CHECK(running_has(a, "ip route 198.51.100.0/24 192.0.2.2 tag 4242\n"));
  CHECK(running_has(a, "ipv6 route 2001:db8:7::/48 to-B tag 4242\n"));
  CHECK(h.until([&] { return a.kernel_has_route("198.51.100.0/24"); }));
  CHECK(h.until([&] { return a.kernel_has_route("2001:db8:7::/48"); }));

  h.want("A", {{{"198.51.100.0/24", link.b_address, "", 30}}, {}});
  REQUIRE(h.until([&] { return h.applied("A").held.routes.size() == 1; }));
  CHECK(running_has(a, "ip route 198.51.100.0/24 192.0.2.2 tag 4242 30\n"));
  CHECK_FALSE(running_has(a, "2001:db8:7::/48"));

  h.want("A", {});
  REQUIRE(h.until([&] { return h.applied("A").held == RouterRoutes{}; }));
  CHECK(h.until([&] { return !a.kernel_has_route("198.51.100.0/24"); }));
  CHECK(running_has(a, "ip route 203.0.113.0/24 192.0.2.2\n"));
  CHECK(a.kernel_has_route("203.0.113.0/24"));
}

TEST_CASE("frr: an announcement on A is carried over eBGP into B's kernel, and withdrawn") {
  FrrRouter a("A"), b("B");
  const auto link = connect(a, "192.0.2.1/24", b, "192.0.2.2/24");
  // A holds the prefix it announces on a LAN of its own (FRR's network import-check wants a
  // route to it).
  a.ns().add_veth("lan0", "lan1");
  a.ns().ip_batch("addr add 203.0.113.1/24 dev lan0\nlink set lan1 up\nlink set lan0 up\n");
  peer_ebgp(a, 64501, b, 64502, link);
  REQUIRE(
      mirari::testing::eventually([&] { return a.bgp_established(link.b_address); }, kDeadline));
  RoutesHarness h({{"A", "frr", a.netns(), a.pathspace()}});

  h.want("A", {{}, {"203.0.113.0/24"}});
  REQUIRE(h.until([&] { return h.applied("A").held.announce.size() == 1; }));
  CHECK(h.applied("A").error.empty());
  CHECK(running_has(a, "  network 203.0.113.0/24 route-map mirari\n"));
  REQUIRE(h.until([&] { return b.kernel_has_route("203.0.113.0/24"); }));
  CHECK(b.vtysh({"show ip route 203.0.113.0/24"}).find("bgp") != std::string::npos);

  h.want("A", {});
  REQUIRE(h.until([&] { return h.applied("A").held.announce.empty(); }));
  CHECK(h.until([&] { return !b.kernel_has_route("203.0.113.0/24"); }));
}

TEST_CASE("frr: announce without a BGP instance is an error naming the router") {
  FrrRouter a("A");
  RoutesHarness h({{"A", "frr", a.netns(), a.pathspace()}});
  h.want("A", {{}, {"203.0.113.0/24"}});
  REQUIRE(h.until([&] { return !h.applied("A").error.empty(); }));
  CHECK(h.applied("A").error ==
        "router A: announce needs a BGP instance: the running configuration has no `router bgp` "
        "and the router's asn is not configured");
}

TEST_CASE("frr: restarted staticd and zebra are programmed again") {
  FrrRouter a("A"), b("B");
  const auto link = connect(a, "192.0.2.1/24", b, "192.0.2.2/24");
  RoutesHarness h({{"A", "frr", a.netns(), a.pathspace()}});
  const RouterRoutes set{{{"198.51.100.0/24", link.b_address, "", 0}}, {}};
  h.want("A", set);
  REQUIRE(h.until([&] { return a.kernel_has_route("198.51.100.0/24"); }));

  a.restart(FrrDaemon::staticd);  // its configuration is gone with it
  CHECK(h.until([&] {
    return running_has(a, "ip route 198.51.100.0/24 192.0.2.2 tag 4242\n") &&
           a.kernel_has_route("198.51.100.0/24");
  }));

  a.restart(FrrDaemon::zebra);
  CHECK(h.until([&] {
    return running_has(a, "ip route 198.51.100.0/24 192.0.2.2 tag 4242\n") &&
           a.kernel_has_route("198.51.100.0/24");
  }));
  CHECK(h.applied("A").error.empty());
}

TEST_CASE("frr: a namespace deleted underneath is an error, programmed again when it is back") {
  FrrRouter a("A");
  RoutesHarness h({{"A", "frr", a.netns(), a.pathspace()}});
  const RouterRoutes set{{{"198.51.100.0/24", "", "lo", 0}}, {}};
  h.want("A", set);
  REQUIRE(
      h.until([&] { return h.applied("A").error.empty() && !h.applied("A").held.routes.empty(); }));

  mirari::testing::check_command({"ip", "netns", "del", a.netns()});
  REQUIRE(h.until([&] { return !h.applied("A").error.empty(); }));
  CHECK(h.applied("A").error == "router A: network namespace '" + a.netns() + "' (/var/run/netns/" +
                                    a.netns() + "): no such namespace");
  mirari::testing::check_command({"ip", "netns", "add", a.netns()});
  CHECK(h.until([&] { return h.applied("A").error.empty(); }));
}
