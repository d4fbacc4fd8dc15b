// The types of the ARP watcher's ports, from the SDK's port catalogue (mirari/ports/arp.hpp),
// named in the watcher's namespace as its code and tests use them.
#pragma once

#include <mirari/ports/arp.hpp>

namespace mirari::arp {

using ports::arp::Family;
using ports::arp::Neighbour;
using ports::arp::NeighbourEvent;
using ports::arp::NeighbourEvents;
using ports::arp::NeighbourKey;
using ports::arp::Neighbours;
using ports::arp::NeighbourState;

}  // namespace mirari::arp
