// What the routers need to keep reaching A: a pure function of the topology and A's active
// uplink (host_uplink.hpp).
//
// A's prefixes are host.prefixes and, with uplink_networks, the networks of the active
// uplink's addresses. Then, in routes.desired:
// - host.router (when named) announces A's prefixes: the routes plugin's frr backend carries
//   them to its BGP peers, and withdraws those it announced before and are gone from the list;
// - each "static" router holds one route per prefix of A: an uplink network via the router's
//   via (or on its device alone, the network being on that link), a served prefix via the
//   router's via or else A's uplink address of the prefix's family (a served prefix of a
//   family the uplink has no address of is left out), on its device, at its metric;
// - "bgp" routers are not in the table: BGP carries A's prefixes to them.
// While A has no active uplink, host.router announces nothing and every static router holds
// no route toward A, so the old routes are withdrawn rather than left pointing nowhere.
#pragma once

#include <optional>

#include <mirari/ports/routes.hpp>

#include "host_uplink.hpp"
#include "topology_options.hpp"

namespace mirari::policies {

ports::routes::RoutesDesired propagated_routes(const TopologyOptions& options,
                                               const std::optional<HostUplink>& uplink);

}  // namespace mirari::policies
