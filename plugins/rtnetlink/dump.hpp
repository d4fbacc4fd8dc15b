// Reading the kernel's whole table of one kind (links, addresses, neighbours) at once.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>

#include "rtnetlink/socket.hpp"

namespace mirari::rtnetlink {

// One table to dump: RTM_GETLINK, RTM_GETADDR or RTM_GETNEIGH, for an address family
// (AF_UNSPEC: all of them).
struct DumpRequest {
  std::uint16_t type;
  std::uint8_t family;
};

// Sends request on socket (which must not be subscribed to any group) and passes every
// object the kernel returns to each_object, in the kernel's order. Blocks until the kernel
// has sent them all. Returns false when the kernel flags the dump as inconsistent (the table
// changed while it was read, so an object may be missing): repeat it. Throws
// std::system_error when the request fails.
bool dump(Socket& socket, DumpRequest request,
          const std::function<void(const nlmsghdr&)>& each_object);

}  // namespace mirari::rtnetlink
