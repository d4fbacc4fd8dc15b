// Where A can be reached right now: its active uplink, read from net.links.
//
// An uplink is a link whose name matches one of host.uplinks and that is up with a carrier.
// The active one is the uplink that has a routable address (ip_prefix.hpp: not link-local,
// not loopback), by the first pattern it matches, then by ifindex; failing that, none. So an
// uplink that goes down, loses its last address or is removed hands over to the next one of
// the same role in the tick net.links says so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mirari/ports/net.hpp>

#include "topology_options.hpp"

namespace mirari::policies {

struct HostUplink {
  std::string link;                   // the active uplink's name
  std::string ipv4;                   // its first routable IPv4 address; empty when none
  std::string ipv6;                   // its first routable IPv6 address; empty when none
  std::vector<std::string> networks;  // the networks of its routable addresses, sorted
  friend bool operator==(const HostUplink&, const HostUplink&) = default;
};

// A's active uplink; none while no uplink is usable.
std::optional<HostUplink> host_uplink(const HostTopology& host, const ports::net::Links& links);

}  // namespace mirari::policies
