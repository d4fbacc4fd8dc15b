// Feeding fuzz input to an rtnetlink message reader as the watchers' listener does
// (rtnetlink/listener.cpp): the input is one datagram, walked message by message as there.
#pragma once

#include <libmnl/libmnl.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "rtnetlink/message_walk.hpp"

namespace mirari::fuzz {

// Calls each(message) for every message that fits in data, from an aligned copy.
template <class Each>
void for_each_message(const std::uint8_t* data, std::size_t size, Each&& each) {
  std::vector<std::uint64_t> aligned((size + 7) / 8);
  if (size != 0) std::memcpy(aligned.data(), data, size);
  int left = static_cast<int>(size);
  for (auto* msg = reinterpret_cast<const nlmsghdr*>(aligned.data());
       rtnetlink::message_fits(msg, left); msg = mnl_nlmsg_next(msg, &left)) {
    if (msg->nlmsg_type >= NLMSG_MIN_TYPE) each(*msg);
  }
}

}  // namespace mirari::fuzz
