// A router's desired set is refused whole, naming the router and the route, or taken in
// canonical form.
#include <catch2/catch.hpp>
#include <variant>

#include "route_check.hpp"

using mirari::routes::BackendKind;
using mirari::routes::check_router;
using mirari::routes::Route;
using mirari::routes::RouterRoutes;

namespace {
std::string error_of(BackendKind backend, const RouterRoutes& set) {
  auto checked = check_router("B", backend, set);
  REQUIRE(std::holds_alternative<std::string>(checked));
  return std::get<std::string>(checked);
}
RouterRoutes canonical(BackendKind backend, const RouterRoutes& set) {
  auto checked = check_router("B", backend, set);
  if (auto* e = std::get_if<std::string>(&checked)) FAIL(*e);
  return std::get<RouterRoutes>(checked);
}
}  // namespace

TEST_CASE("a valid set comes back canonical: addresses as inet_ntop writes them, sorted") {
  const RouterRoutes set = canonical(
      BackendKind::netlink,
      {{{"2001:db8:0:0::/64", "2001:db8::0:1", "", 0}, {"198.51.100.0/24", "192.0.2.1", "", 5}},
       {}});
  CHECK(set.routes == std::vector<Route>{{"198.51.100.0/24", "192.0.2.1", "", 5},
                                         {"2001:db8::/64", "2001:db8::1", "", 1024}});
}

TEST_CASE("the frr backend takes metric as the distance: 0 is FRR's default 1, over 255 refused") {
  CHECK(canonical(BackendKind::frr, {{{"198.51.100.0/24", "", "eth0", 0}}, {}}).routes[0].metric ==
        1);
  CHECK(error_of(BackendKind::frr, {{{"198.51.100.0/24", "", "eth0", 256}}, {}}) ==
        "router B: route 198.51.100.0/24 dev eth0 metric 256: metric 256 is over 255 (the frr "
        "backend takes it as the distance)");
}

TEST_CASE("a bad prefix, next hop or device is refused naming router and route") {
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.0/33", "192.0.2.1", "", 0}}, {}}) ==
        "router B: route 198.51.100.0/33 via 192.0.2.1: '198.51.100.0/33' is not a prefix: the "
        "length must be 0 to 32");
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.1/24", "192.0.2.1", "", 0}}, {}}) ==
        "router B: route 198.51.100.1/24 via 192.0.2.1: '198.51.100.1/24' has bits set beyond "
        "its length (the network is 198.51.100.0/24)");
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.0/24", "2001:db8::1", "", 0}}, {}}) ==
        "router B: route 198.51.100.0/24 via 2001:db8::1: '2001:db8::1' is not an IPv4 address");
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.0/24", "", "", 0}}, {}}) ==
        "router B: route 198.51.100.0/24: it names neither via nor device");
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.0/24", "", "a/b", 0}}, {}}) ==
        "router B: route 198.51.100.0/24 dev a/b: 'a/b' is not an interface name");
  CHECK(error_of(BackendKind::netlink, {{{"nowhere", "192.0.2.1", "", 0}}, {}}) ==
        "router B: route nowhere via 192.0.2.1: 'nowhere' is not a prefix (ADDRESS/LENGTH)");
}

TEST_CASE("two routes in one slot (prefix and metric) are refused") {
  CHECK(error_of(BackendKind::netlink, {{{"198.51.100.0/24", "192.0.2.1", "", 0},
                                         {"198.51.100.0/24", "192.0.2.2", "", 0}},
                                        {}}) ==
        "router B: route 198.51.100.0/24 via 192.0.2.2: another route has the same prefix and "
        "metric");
}

TEST_CASE("announce is refused for the netlink backend, checked and made unique for frr") {
  CHECK(error_of(BackendKind::netlink, {{}, {"203.0.113.0/24"}}) ==
        "router B: announce 203.0.113.0/24: the netlink backend programs the kernel table only; "
        "announcing to BGP peers needs the frr backend");
  CHECK(canonical(BackendKind::frr, {{}, {"203.0.113.0/24", "2001:db8:5::/48", "203.0.113.0/24"}})
            .announce == std::vector<std::string>{"2001:db8:5::/48", "203.0.113.0/24"});
  CHECK(error_of(BackendKind::frr, {{}, {"203.0.113.7/24"}}) ==
        "router B: announce 203.0.113.7/24: '203.0.113.7/24' has bits set beyond its length (the "
        "network is 203.0.113.0/24)");
}
