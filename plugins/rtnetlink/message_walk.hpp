// Walking the messages of an rtnetlink datagram.
//
// libmnl's mnl_nlmsg_ok compares a message's length with what is left as an int, so a
// length above 2 GiB passes as negative and mnl_nlmsg_next then leaves the datagram. Every
// walk goes through message_fits, which also compares them unsigned.
#pragma once

#include <libmnl/libmnl.h>

namespace mirari::rtnetlink {

// Whether the message at msg lies whole within the left bytes of its datagram.
inline bool message_fits(const nlmsghdr* msg, int left) {
  return mnl_nlmsg_ok(msg, left) && msg->nlmsg_len <= static_cast<unsigned>(left);
}

}  // namespace mirari::rtnetlink
