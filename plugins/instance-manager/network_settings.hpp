// How the process backend attaches its instances to a network: the `network` table of the
// instance manager's configuration, checked as a whole, and the address each instance gets.
//
//   [plugins.web.network]
//   bridge = "br-web"              # the host bridge the instances' ports join
//   switch = "linux"               # or "ovs" (Open vSwitch, through ovsdb at ovs_db)
//   prefix = "192.0.2.0/24"        # where the instances' addresses come from
//   gateway = "192.0.2.1"          # optional: their default route
//   drain_ms = 500                 # optional: time in stopping before SIGTERM
//
// Invariant: a NetworkSettings that parse_network() returned is usable as it is: the prefix
// has no host bits set and holds at least one address besides the gateway, the gateway (if
// any) is inside it, so instance_address() is defined for every serial.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::instances {

struct IpPrefix {
  int family = 0;                        // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // the network address (IPv4: the first 4 bytes)
  unsigned length = 0;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

enum class SwitchKind { linux_bridge, ovs };

struct NetworkSettings {
  std::string bridge;  // empty: the instances have no network of their own
  SwitchKind kind = SwitchKind::linux_bridge;
  std::string ovs_db = "unix:/var/run/openvswitch/db.sock";  // kind ovs: ovs-vsctl's --db
  IpPrefix prefix;
  std::optional<std::string> gateway;  // an address inside prefix, as given
  std::chrono::milliseconds drain{0};  // in stopping before SIGTERM (with or without bridge)

  bool enabled() const noexcept { return !bridge.empty(); }
};

// The keys of the `network` table, for ConfigKey::table.
std::vector<ConfigKey> network_config_keys();

// Reads and checks the `network` table (defaults filled in). Throws ConfigError naming the
// key by its path (network.prefix, ...) for: a bridge that is not an interface name; a
// switch other than linux or ovs; an ovs_db that is not unix:, tcp: or ssl:; with a bridge,
// a missing or malformed prefix, one with host bits set or too small to hold an instance (an
// IPv4 prefix longer than /30, an IPv6 one longer than /126); a gateway that is not an address
// of the prefix's family inside it (nor its network or broadcast address); prefix, gateway or
// an ovs switch given without a bridge; drain_ms outside 0 to a day.
NetworkSettings parse_network(const Config& table);

// The address of the instance numbered serial (the N of NAME-N), as text without its length:
// the prefix's address offset by serial, skipping the gateway and, for IPv4, the network and
// broadcast addresses; serials beyond what the prefix holds wrap around. settings.enabled().
std::string instance_address(const NetworkSettings& settings, std::uint64_t serial);

// "192.0.2.0/24".
std::string to_string(const IpPrefix& prefix);

}  // namespace mirari::instances
