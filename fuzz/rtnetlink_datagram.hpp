// Feeding fuzz input to an rtnetlink message reader as the watchers' listener does
// (rtnetlink/listener.cpp): the input is one datagram, walked message by message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "rtnetlink/messages.hpp"

namespace mirari::fuzz {

// Calls each(message) for every whole message in data, from an aligned copy.
template <class Each>
void for_each_message(const std::uint8_t* data, std::size_t size, Each&& each) {
  std::vector<std::uint64_t> aligned((size + 7) / 8);
  if (size != 0) std::memcpy(aligned.data(), data, size);
  std::string_view rest(reinterpret_cast<const char*>(aligned.data()), size);
  while (const nlmsghdr* msg = rtnetlink::take_message(rest)) {
    if (msg->nlmsg_type >= NLMSG_MIN_TYPE) each(*msg);
  }
}

}  // namespace mirari::fuzz
