// The vtysh commands (one per -c) that make an FRR instance go from the set it holds to the
// one wanted: removals before additions, static routes before BGP network statements.
//
//   configure terminal
//   no ip route 198.51.100.0/24 192.0.2.2 tag 4242
//   ip route 198.51.100.0/24 192.0.2.3 eth0 tag 4242 20
//   route-map mirari permit 1          (only when announcements change)
//   exit
//   router bgp 64500
//   address-family ipv4 unicast
//   network 203.0.113.0/24 route-map mirari
//   exit-address-family
//   exit
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frr_marks.hpp"
#include "route_diff.hpp"

namespace mirari::routes {

// A static route's line as FRR's running configuration writes it ("ip route P [VIA] [DEV]
// tag T [DISTANCE]", distance left out when it is the default, 1).
std::string static_route_line(const ports::routes::Route& route, const FrrMarks& marks);

// Empty when changes is empty. asn is only read when announcements change.
std::vector<std::string> vtysh_commands(const RouteChanges& changes, const FrrMarks& marks,
                                        std::uint32_t asn);

}  // namespace mirari::routes
