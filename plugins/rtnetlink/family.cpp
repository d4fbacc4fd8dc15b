#include "rtnetlink/family.hpp"

#include <sys/socket.h>

namespace mirari::rtnetlink {

std::optional<Family> family_of(int address_family) noexcept {
  switch (address_family) {
    case AF_INET:
      return Family::ipv4;
    case AF_INET6:
      return Family::ipv6;
    default:
      return std::nullopt;
  }
}

}  // namespace mirari::rtnetlink
