// Reading the rtnetlink messages that describe links and their addresses.
#pragma once

#include <linux/netlink.h>

#include <optional>
#include <variant>

#include "net_ports.hpp"

namespace mirari::net {

// RTM_NEWLINK: a link and its current attributes (no addresses, no speed).
struct LinkSeen {
  Link link;
};
// RTM_DELLINK: the link is gone (deleted, or moved to another namespace).
struct LinkGone {
  int index;
};
// RTM_NEWADDR / RTM_DELADDR.
struct AddressSeen {
  int index;
  Address address;
};
struct AddressGone {
  int index;
  Address address;
};
using LinkUpdate = std::variant<LinkSeen, LinkGone, AddressSeen, AddressGone>;

// What msg says about links, or none when it says nothing this watcher follows: another
// message type, a bridge port's view of a link (family AF_BRIDGE), an address family other
// than IPv4 and IPv6, or a message too short for its header. Attributes it does not know or
// cannot read are skipped; the fields they would fill keep their defaults.
std::optional<LinkUpdate> read_link_message(const nlmsghdr& msg);

}  // namespace mirari::net
