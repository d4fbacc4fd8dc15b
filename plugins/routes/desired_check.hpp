// The graph's side of the plugin: pure functions from routes.desired (and the programmer's
// reports) to what is programmed and what routes.applied says, computed inside the tick.
//
// Invariant: a router whose desired set has any bad route is never handed to the programmer
// with it; it keeps the last set it accepted, and routes.applied shows the error beside what
// the router still holds. Other routers are not held back by it.
#pragma once

#include <map>
#include <string>

#include <mirari/ports/routes.hpp>

#include "router_options.hpp"

namespace mirari::routes {

using ports::routes::RoutesApplied;
using ports::routes::RoutesDesired;

struct CheckedDesired {
  RoutesDesired valid;                        // canonical sets of the routers that passed
  std::map<std::string, std::string> errors;  // by router: why its set was refused
  friend bool operator==(const CheckedDesired&, const CheckedDesired&) = default;
};

// Checks every router's set (route_check.hpp); a router that is not configured is an error.
CheckedDesired check_desired(const RoutesDesired& desired,
                             const std::map<std::string, BackendKind>& routers);

// The sets to program: the valid ones, and for a refused router the set it had before.
RoutesDesired accept(const RoutesDesired& previous, const CheckedDesired& checked);

// routes.applied: the programmer's results, with each refused router's error in place of
// (or beside) the programmer's.
RoutesApplied applied_view(const RoutesApplied& programmed, const CheckedDesired& checked);

}  // namespace mirari::routes
