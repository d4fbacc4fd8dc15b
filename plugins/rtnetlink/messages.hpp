// Walking the netlink messages of one datagram.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <string_view>

namespace mirari::rtnetlink {

// Takes the next message off the front of rest, or returns nullptr when none is whole there.
// libmnl's mnl_nlmsg_ok compares a length of 2^31 or more as a negative int and accepts it,
// after which mnl_nlmsg_next steps gigabytes past the buffer; lengths here are compared
// unsigned, so a message that claims more than the datagram holds ends the walk.
// rest must start 4-byte aligned, as every receive buffer does.
inline const nlmsghdr* take_message(std::string_view& rest) noexcept {
  if (rest.size() < sizeof(nlmsghdr)) return nullptr;
  const auto* msg = reinterpret_cast<const nlmsghdr*>(rest.data());
  if (msg->nlmsg_len < sizeof(nlmsghdr) || msg->nlmsg_len > rest.size()) return nullptr;
  const std::size_t step = NLMSG_ALIGN(msg->nlmsg_len);
  rest.remove_prefix(step < rest.size() ? step : rest.size());
  return msg;
}

}  // namespace mirari::rtnetlink
