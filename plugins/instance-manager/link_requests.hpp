// The rtnetlink requests (libmnl) that make and unmake an instance's network attachment,
// each acknowledged by the kernel before it returns, on a socket of the calling thread's
// network namespace (rtnetlink/netns.hpp's in_netns() runs them inside another one).
//
// Invariant: each function either has had its whole effect when it returns, or throws a
// std::system_error whose text names the link and the kernel's reason and has changed
// nothing (the kernel applies one request whole or not at all).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace mirari::instances {

// Makes the veth pair host_end <-> peer, the peer created inside the network namespace
// netns_fd refers to. Fails with EEXIST when host_end is taken.
void add_veth(const std::string& host_end, const std::string& peer, int netns_fd);

// Sets the link up and, when master is given, makes it a port of the bridge of that index.
void set_link_up(const std::string& name, std::optional<unsigned> master = std::nullopt);

// Deletes the link (with a veth, its peer too). False when there is no such link.
bool delete_link(const std::string& name);

// Adds address/length to the link (IPv6: no duplicate address detection, so it is usable at
// once). family: AF_INET or AF_INET6; address: its first 4 or 16 bytes.
void add_address(const std::string& name, int family, const std::array<std::uint8_t, 16>& address,
                 unsigned length);

// Adds the default route through gateway, out of the link.
void add_default_route(const std::string& name, int family,
                       const std::array<std::uint8_t, 16>& gateway);

// The index of the link called name in the calling thread's namespace, or none.
std::optional<unsigned> link_index(const std::string& name);

}  // namespace mirari::instances
