// A TCP address to listen on, as a configuration file spells it:
//   "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464"   an IP address and a port
//   "localhost:9464", ":9464", "9464"                 the IPv4 loopback and a port
// Port 0 asks the kernel for a free port. Host names other than localhost are refused: the
// address is bound before any resolver could be trusted, and a name may stand for several.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mirari::host {

struct ListenAddress {
  std::string ip;  // a literal IPv4 or IPv6 address, without brackets
  std::uint16_t port = 0;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// Throws std::invalid_argument saying what is wrong with text.
ListenAddress parse_listen_address(std::string_view text);

// "IP:PORT", with brackets around an IPv6 address.
std::string to_string(const ListenAddress& address);

}  // namespace mirari::host
