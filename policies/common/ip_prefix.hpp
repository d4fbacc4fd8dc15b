// IP addresses and prefixes in the text forms the network ports carry ("192.0.2.7",
// "2001:db8::/32"), checked and derived with Boost.Asio's address and network types.
#pragma once

#include <optional>
#include <string>

#include <mirari/ports/net.hpp>

namespace mirari::policies {

// Whether text is an IPv4 or IPv6 address.
bool is_ip_address(const std::string& text);

// The prefix text names, written canonically ("2001:db8::/32"). Throws std::invalid_argument
// saying why when text is no prefix, or has bits set beyond its length ("192.0.2.1/24").
std::string canonical_prefix(const std::string& text);

// The family of a canonical prefix.
ports::ip::Family prefix_family(const std::string& prefix);

// The network an address of a link sits in ("192.0.2.0/24" for 192.0.2.7/24); none for an
// address that cannot carry traffic beyond its link: IPv4 169.254.0.0/16, IPv6 fe80::/10, and
// the loopback ranges.
std::optional<std::string> routable_network(const ports::net::Address& address);

}  // namespace mirari::policies
