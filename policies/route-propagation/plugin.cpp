// Exports the route-propagation policy as a Mirari plugin.
#include "route_propagation_plugin.hpp"

MIRARI_PLUGIN(mirari::policies::RoutePropagationPlugin, "route-propagation", "1.0.0",
              mirari::Kind::policy,
              "keeps routers reaching host A's prefixes through A's current uplink: A's router "
              "announces them, static routers get routes via A's address (routes.desired)")
