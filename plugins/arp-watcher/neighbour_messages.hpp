// Reading the rtnetlink messages that describe neighbour entries, and the link names the
// entries refer to.
#pragma once

#include <linux/netlink.h>

#include <optional>
#include <string>
#include <variant>

#include "arp_ports.hpp"

namespace mirari::arp {

// RTM_NEWNEIGH. The entry's interface name is left empty.
struct NeighbourSeen {
  Neighbour entry;
};
// RTM_DELNEIGH, or an entry that became NOARP or a proxy entry.
struct NeighbourGone {
  NeighbourKey key;
};
// RTM_NEWLINK / RTM_DELLINK: the names entries show.
struct InterfaceSeen {
  int ifindex;
  std::string name;
};
struct InterfaceGone {
  int ifindex;
};
using NeighbourUpdate = std::variant<NeighbourSeen, NeighbourGone, InterfaceSeen, InterfaceGone>;

// What msg says about neighbours, or none when it says nothing this watcher follows: another
// message type, a family other than IPv4 and IPv6 (the bridge's forwarding entries), a
// message without an address, or one too short for its header. Attributes it does not know
// or cannot read are skipped.
std::optional<NeighbourUpdate> read_neighbour_message(const nlmsghdr& msg);

}  // namespace mirari::arp
