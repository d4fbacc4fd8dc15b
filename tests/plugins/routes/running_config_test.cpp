// What an FRR instance holds of the plugin's, read from its running configuration: only
// statements carrying the plugin's tag or route-map, in canonical form.
#include <catch2/catch.hpp>

#include "running_config.hpp"

using mirari::ports::routes::Route;
using mirari::routes::FrrMarks;
using mirari::routes::parse_running_config;

namespace {
// As FRR 8.4 writes it, with statements of the plugin's and of others.
constexpr const char* kRunning = R"(Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname A
!
ip route 198.51.100.0/24 192.0.2.2 tag 4242 5
ip route 203.0.113.0/24 to-B tag 4242
ip route 203.0.113.128/25 192.0.2.9
ip route 192.0.2.128/25 192.0.2.9 tag 17
ipv6 route 2001:db8:5::/48 2001:db8::2 to-B tag 4242
!
router bgp 64500
 bgp router-id 192.0.2.1
 neighbor 192.0.2.2 remote-as 64501
 !
 address-family ipv4 unicast
  network 203.0.113.0/24 route-map mirari
  network 198.51.100.0/24
 exit-address-family
 !
 address-family ipv6 unicast
  network 2001:db8:5::/48 route-map mirari
 exit-address-family
exit
!
router bgp 64999 vrf red
 address-family ipv4 unicast
  network 192.0.2.0/24 route-map mirari
 exit-address-family
exit
!
route-map mirari permit 1
exit
!
end)";
}  // namespace

TEST_CASE("static routes with the plugin's tag and network statements with its route-map") {
  const auto config = parse_running_config(kRunning, FrrMarks{4242, "mirari"});
  CHECK(config.held.routes == std::vector<Route>{{"198.51.100.0/24", "192.0.2.2", "", 5},
                                                 {"2001:db8:5::/48", "2001:db8::2", "to-B", 1},
                                                 {"203.0.113.0/24", "", "to-B", 1}});
  CHECK(config.held.announce == std::vector<std::string>{"2001:db8:5::/48", "203.0.113.0/24"});
  CHECK(config.asn == 64500u);
}

TEST_CASE("another tag or route-map is someone else's") {
  const auto config = parse_running_config(kRunning, FrrMarks{17, "other"});
  CHECK(config.held.routes == std::vector<Route>{{"192.0.2.128/25", "192.0.2.9", "", 1}});
  CHECK(config.held.announce.empty());
}

TEST_CASE("no router bgp, no ASN - garbage is no one's") {
  const auto config = parse_running_config(
      "ip route\nip route 1.2.3.4/40 x tag 4242\nip route 198.51.100.0/24 tag 4242\n"
      "router bgp x\n network 203.0.113.0/24 route-map mirari\n",
      FrrMarks{});
  CHECK(config.held.routes.empty());
  CHECK(config.held.announce.empty());
  CHECK_FALSE(config.asn.has_value());
}
