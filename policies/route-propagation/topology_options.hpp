// The route-propagation policy's configuration: a small declared topology around the local
// host A, checked as a whole. parse_topology_options() returns all of it or refuses it, naming
// the key.
//
//   routes_port = "routes.desired"   the port the routes are published on
//
//   [host]                           A, the host this mirarid watches (net.links)
//   uplinks = ["a-up*", "a-backup"]  glob patterns of A's uplink interfaces, best first
//   prefixes = ["203.0.113.0/24"]    prefixes A serves behind its uplink
//   uplink_networks = true           the networks of A's uplink addresses count among A's
//                                    prefixes too
//   router = "A"                     A's own BGP speaker, as the routes plugin names it:
//                                    it announces A's prefixes (needed by reach = "bgp")
//
//   [[routers]]                      a router that must keep reaching A's prefixes
//   name = "B"                       as the routes plugin names it
//   reach = "static"                 "bgp": it learns A's prefixes from A's router;
//                                    "static": it is given a route to each of them
//   via = ""                         static: its next hop toward A; empty: A's uplink address
//   device = "b-a"                   static: its interface toward A
//   metric = 0                       static: the routes' metric
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::policies {

struct HostTopology {
  std::vector<std::string> uplinks;   // glob patterns, best first
  std::vector<std::string> prefixes;  // canonical, sorted
  bool uplink_networks = true;
  std::string router;  // empty: A announces nothing
  friend bool operator==(const HostTopology&, const HostTopology&) = default;
};

enum class Reach { bgp, static_routes };

struct RouterReach {
  std::string name;
  Reach reach = Reach::static_routes;
  std::string via;
  std::string device;
  std::uint32_t metric = 0;
  friend bool operator==(const RouterReach&, const RouterReach&) = default;
};

struct TopologyOptions {
  HostTopology host;
  std::vector<RouterReach> routers;
  std::string routes_port = "routes.desired";
  friend bool operator==(const TopologyOptions&, const TopologyOptions&) = default;
};

std::vector<ConfigKey> topology_config_keys();

// Throws ConfigError naming the key ("routers[1].via") for: no uplink pattern, or an empty
// one; a prefix that is not one (or has host bits set); no routers; a router name empty,
// repeated, or the host's router; a reach other than "bgp" or "static"; a "bgp" router while
// host.router is empty; a via that is no IP address; a "static" router with neither via nor
// device while uplink_networks is true (a route to A's uplink network needs one of them); a
// metric outside 0..4294967295; an empty routes_port.
TopologyOptions parse_topology_options(const Config& config);

}  // namespace mirari::policies
