// How a scaling group's count is spread over the hosts that can run it.
#pragma once

#include <vector>

#include <mirari/ports/cluster.hpp>
#include <mirari/ports/scaling.hpp>

namespace mirari::policies {

// count instances over hosts, evenly: each host gets count / n, and the count % n hosts first
// by name one more, so every host computing it from the same inputs gets the same placement.
// Every host named is in the placement, at 0 if need be; a host named twice counts once; no
// host at all gives an empty placement. A count below 0 counts as 0.
ports::Placement spread(int count, const ports::cluster::Members& hosts);

}  // namespace mirari::policies
