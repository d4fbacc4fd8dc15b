// Checking one router's desired set before anything of it is programmed, inside the tick
// that brought it: a set with any bad route is refused whole, so a router never holds half
// of it. A checked set is canonical (addresses as inet_ntop writes them, routes sorted,
// announce sorted without repeats, the backend's default metric filled in), so it compares
// equal to what the router reports holding once programmed.
#pragma once

#include <string>
#include <variant>

#include <mirari/ports/routes.hpp>

#include "router_options.hpp"

namespace mirari::routes {

using ports::routes::Route;
using ports::routes::RouterRoutes;

// The canonical set, or the error naming the router and the first bad route:
//   "router B: route 198.51.100.1/24 via 192.0.2.1: '198.51.100.1/24' has bits set ..."
std::variant<RouterRoutes, std::string> check_router(const std::string& router, BackendKind backend,
                                                     const RouterRoutes& wanted);

// "198.51.100.0/24 via 192.0.2.1 dev eth0 metric 20", for messages.
std::string describe(const Route& route);

}  // namespace mirari::routes
