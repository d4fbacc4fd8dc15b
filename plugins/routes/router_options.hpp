// The routes plugin's configuration: the routers it programs, by name, and how often it
// checks that they still hold what it programmed.
//
//   verify_ms = 1000
//   [[routers]]
//   name = "B"            # how routes.desired names it
//   backend = "frr"       # or "netlink"
//   netns = "rB"          # named network namespace; "" = mirarid's own
//   pathspace = "rB"      # frr: vtysh -N; "" = the default FRR instance
//   asn = 0               # frr: the BGP AS for announce; 0 = read from `router bgp N`
//   tag = 4242            # frr: the tag marking the plugin's static routes
//   route_map = "mirari"  # frr: the route-map marking the plugin's network statements
//   protocol = 203        # netlink: the rtm_protocol marking the plugin's kernel routes
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::routes {

enum class BackendKind { netlink, frr };

struct RouterOptions {
  std::string name;
  BackendKind backend = BackendKind::netlink;
  std::string netns;
  std::string pathspace;
  std::uint32_t asn = 0;
  std::uint32_t tag = 4242;
  std::string route_map = "mirari";
  std::uint8_t protocol = 203;
};

struct RoutesOptions {
  std::string desired = "routes.desired";  // the port of the sets to program
  std::vector<RouterOptions> routers;
  std::chrono::milliseconds verify{1000};
};

std::vector<ConfigKey> routes_config_keys();

// Throws ConfigError naming the key: an unknown backend, a name given twice, a value out of
// range.
RoutesOptions parse_options(const Config& config);

}  // namespace mirari::routes
