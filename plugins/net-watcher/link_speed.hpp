// Reading a link's speed from its driver, inside the watched network namespace.
//
// /sys/class/net/<link>/speed shows the namespace sysfs was mounted in, not the one being
// watched, so the speed is asked of the driver the way that file does (the ethtool link
// settings), through a socket created in the watched namespace: a socket's ioctls act on
// the links of its own namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mirari/unique_fd.hpp"

namespace mirari::net {

class LinkSpeeds {
 public:
  // Opens the query socket in the named namespace (empty: the caller's own). Throws
  // rtnetlink::NetnsError or std::system_error.
  static LinkSpeeds open(const std::string& netns);

  // The speed of the link called name in Mb/s, or none when its driver reports none (many
  // virtual links) or it is gone. Safe from one thread at a time.
  std::optional<std::uint32_t> speed_mbps(const std::string& name) const;

 private:
  explicit LinkSpeeds(UniqueFd socket) : socket_(std::move(socket)) {}
  UniqueFd socket_;
};

}  // namespace mirari::net
