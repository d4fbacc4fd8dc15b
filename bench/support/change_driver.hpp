// Makes link, address and neighbour changes in a network namespace through rtnetlink directly, as
// fast as the kernel takes them: the benchmarks' source of kernel notifications (`ip` would
// measure process start-up instead).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "rtnetlink/socket.hpp"

namespace mirari::bench {

class ChangeDriver {
 public:
  // Opens a socket in the named namespace. Throws what rtnetlink::in_netns throws.
  explicit ChangeDriver(const std::string& netns);

  // The ifindex of a link in the namespace; throws when there is none.
  int index_of(const std::string& link) const;
  // Sets a link's MTU.
  void set_mtu(int ifindex, std::uint32_t mtu);
  // Sets a link administratively up or down.
  void set_up(int ifindex, bool up);
  // Adds (present) or deletes an IPv4 address of length prefix_length on a link.
  void set_address(int ifindex, const std::array<std::uint8_t, 4>& address,
                   std::uint8_t prefix_length, bool present);
  // Adds or replaces a permanent IPv4 neighbour entry.
  void set_neighbour(int ifindex, const std::array<std::uint8_t, 4>& address,
                     const std::array<std::uint8_t, 6>& mac);
  // Requests the kernel refused (it answers only on error). Reads without blocking.
  int refusals();

 private:
  void send(const void* request, std::size_t size);

  std::string netns_;
  rtnetlink::Socket socket_;
};

}  // namespace mirari::bench
