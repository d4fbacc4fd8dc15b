// The vtysh commands for a change: removals first, the plugin's tag and route-map on every
// statement, BGP network statements per address family.
#include <catch2/catch.hpp>

#include "vtysh_commands.hpp"

using mirari::routes::FrrMarks;
using mirari::routes::RouteChanges;
using mirari::routes::static_route_line;
using mirari::routes::vtysh_commands;

TEST_CASE("no change, no commands") {
  CHECK(vtysh_commands({}, FrrMarks{}, 64500).empty());
}

TEST_CASE("a static route's line is the running configuration's, the default distance left out") {
  const FrrMarks marks{7, "m"};
  CHECK(static_route_line({"198.51.100.0/24", "192.0.2.1", "", 1}, marks) ==
        "ip route 198.51.100.0/24 192.0.2.1 tag 7");
  CHECK(static_route_line({"198.51.100.0/24", "192.0.2.1", "eth0", 20}, marks) ==
        "ip route 198.51.100.0/24 192.0.2.1 eth0 tag 7 20");
  CHECK(static_route_line({"2001:db8:1::/48", "", "eth0", 1}, marks) ==
        "ipv6 route 2001:db8:1::/48 eth0 tag 7");
}

TEST_CASE("static routes: removals before additions, in configure mode") {
  RouteChanges c;
  c.remove = {{"198.51.100.0/24", "192.0.2.1", "", 1}};
  c.add = {{"198.51.100.0/24", "192.0.2.2", "", 1}};
  CHECK(vtysh_commands(c, FrrMarks{}, 0) ==
        std::vector<std::string>{"configure terminal",
                                 "no ip route 198.51.100.0/24 192.0.2.1 tag 4242",
                                 "ip route 198.51.100.0/24 192.0.2.2 tag 4242"});
}

TEST_CASE("announcements: network statements with the route-map, per address family") {
  RouteChanges c;
  c.withdraw = {"203.0.113.0/24"};
  c.announce = {"198.51.100.0/24", "2001:db8:1::/48"};
  CHECK(vtysh_commands(c, FrrMarks{4242, "mirari"}, 64500) ==
        std::vector<std::string>{
            "configure terminal", "route-map mirari permit 1", "exit", "router bgp 64500",
            "address-family ipv4 unicast", "no network 203.0.113.0/24 route-map mirari",
            "network 198.51.100.0/24 route-map mirari", "exit-address-family",
            "address-family ipv6 unicast", "network 2001:db8:1::/48 route-map mirari",
            "exit-address-family", "exit"});
}
