// An instance's own network: a named network namespace, a veth pair whose host end is a port
// of the configured bridge (a Linux bridge through rtnetlink, an Open vSwitch bridge through
// ovs-vsctl) and whose other end is the namespace's eth0, holding the instance's address.
//
// Every name is derived from the group and the instance's serial (the N of NAME-N), never
// recorded anywhere else, so a manager that starts again finds an instance's namespace and
// port from its name alone:
//   namespace  mirari-GROUP-N                      (under /run/netns, as `ip netns` names them)
//   port       mrHHHHHH-S                          the host end: HHHHHH a hash of the group, S
//                                                  the serial in base 36; at most 15 bytes
//   address    instance_address(settings, N)       on eth0 (network_settings.hpp)
//
// Invariant: attach() either leaves the whole attachment made (namespace, veth, addresses,
// routes, port on the bridge) or nothing of it; detach() removes whatever of it exists, and
// is harmless when nothing does.
//
// Threads: the calls block the calling thread (netlink round trips, `ip netns`, ovs-vsctl,
// bounded by its --timeout) and act in its network namespace. The backend makes and removes
// attachments on its I/O strand, never on the graph's thread; only the leftovers of instances
// that no longer run are removed where the backend is made (the plugin's start), before it
// follows anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "network_settings.hpp"

namespace mirari::instances {

struct Attachment {
  std::string netns;    // mirari-GROUP-N
  std::string port;     // the veth's host end
  std::string address;  // eth0's address, without its length
};

std::string namespace_name(const std::string& group, std::uint64_t serial);
std::string port_name(const std::string& group, std::uint64_t serial);

// How long ovs-vsctl may wait for ovsdb, in seconds.
inline constexpr int kOvsTimeoutSeconds = 10;
// The ovs-vsctl commands that put port on settings.bridge, and take it off.
std::vector<std::string> ovs_add_port_command(const std::string& ovs_vsctl,
                                              const NetworkSettings& settings,
                                              const std::string& port);
std::vector<std::string> ovs_del_port_command(const std::string& ovs_vsctl,
                                              const NetworkSettings& settings,
                                              const std::string& port);

class NetworkAttacher {
 public:
  // Finds `ip` (and, for an ovs switch, `ovs-vsctl`) in the system directories. Throws
  // std::runtime_error naming the one missing.
  NetworkAttacher(NetworkSettings settings, std::string group);

  const NetworkSettings& settings() const noexcept { return settings_; }

  // The attachment of instance serial, by name only (nothing is looked at).
  Attachment attachment(std::uint64_t serial) const;

  // Makes instance serial's attachment, first removing what is left of an earlier one.
  // Throws std::runtime_error with the reason (the bridge is missing, ovs-vsctl failed, ...),
  // having removed what it made.
  Attachment attach(std::uint64_t serial) const;

  // Removes instance serial's attachment: its port from the switch, the veth, the namespace.
  // Returns what could not be removed, one sentence each; empty when all went.
  std::vector<std::string> detach(std::uint64_t serial) const;

  // The serials of this group's namespaces that exist (mirari-GROUP-N under /run/netns).
  std::vector<std::uint64_t> namespaces() const;

  // What runs a command inside the attachment's namespace, keeping its pid: `ip netns exec
  // NETNS`, then the command and its arguments.
  std::vector<std::string> exec_prefix(const Attachment& attachment) const;

 private:
  NetworkSettings settings_;
  std::string group_;
  std::string ip_;
  std::string ovs_vsctl_;  // switch ovs
};

}  // namespace mirari::instances
