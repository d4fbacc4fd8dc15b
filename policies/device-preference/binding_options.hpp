// The device-preference policy's configuration, checked as a whole:
// parse_device_preference_options() returns all of it or refuses it, naming the key.
//
//   routes_port = "routes.desired"     the port the bindings' routes are published on
//
//   [[bindings]]                      one application bound to the best current device
//   name = "web-uplink"               unique; the key of the instance a disk binding runs
//   kind = "link"                     "link" (among net.links) or "disk" (among block.devices)
//   prefer = ["eth1", "eth*"]         glob patterns, best first; empty: any device
//   hold_ms = 2000                    how long a better device must stay usable before the
//                                     binding moves to it
//   fastest = true                    link: among links of one pattern, the highest speed_mbps
//   gateway = "192.0.2.1"             link: the next hop; flows rewrite the destination MAC to
//                                     its MAC in arp.table, and the route goes via it
//   flows = {bridge = "br0", app_port = "web0", app_mac = "02:...", priority = 100, cookie = 0}
//                                     link: the app's port and the chosen link joined on an
//                                     Open vSwitch bridge (flows.desired)
//   route = {router = "A", prefix = "198.51.100.0/24", via = "", metric = 0}
//                                     link: a route on a router through the chosen link
//                                     (routes.desired)
//   min_size_bytes = 1073741824       disk: smaller disks are not candidates
//   non_rotational = true             disk: solid-state disks before spinning ones
//   instance = {group = "db", command = "/usr/bin/db", args = [], env = [],
//               disk_env = "MIRARI_DISK"}
//                                     disk: the instance run on the chosen disk
//                                     (instances.desired.extra), told the disk in disk_env
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <mirari/config.hpp>
#include <mirari/ports/clock.hpp>

namespace mirari::policies {

using Millis = ports::ClockMs;

inline constexpr Millis kMaxHoldMs = 86'400'000;  // a day

enum class DeviceKind { link, disk };

// The flows that join an application's port on a bridge to the chosen link.
struct BridgeBinding {
  std::string bridge;    // empty: the binding publishes no flows
  std::string app_port;  // the application's port on the bridge, by name
  std::string app_mac;   // when given, traffic back to the app is matched on it (dl_dst)
  std::uint16_t priority = 100;
  std::uint64_t cookie = 0;
  friend bool operator==(const BridgeBinding&, const BridgeBinding&) = default;
};

// The route that sends a prefix out of the chosen link.
struct RouteBinding {
  std::string router;  // as the routes plugin names it; empty: no route
  std::string prefix;  // canonical
  std::string via;     // next hop; empty: the binding's gateway (or none)
  std::uint32_t metric = 0;
  friend bool operator==(const RouteBinding&, const RouteBinding&) = default;
};

// The instance run on the chosen disk.
struct DiskInstance {
  std::string group;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string disk_env = "MIRARI_DISK";  // set to /dev/<disk>
  friend bool operator==(const DiskInstance&, const DiskInstance&) = default;
};

struct Binding {
  std::string name;
  DeviceKind kind = DeviceKind::link;
  std::vector<std::string> prefer;
  Millis hold_ms = 2'000;
  bool fastest = false;
  std::string gateway;
  BridgeBinding flows;
  RouteBinding route;
  std::uint64_t min_size_bytes = 0;
  bool non_rotational = true;
  DiskInstance instance;
  friend bool operator==(const Binding&, const Binding&) = default;
};

struct DevicePreferenceOptions {
  std::vector<Binding> bindings;
  std::string routes_port = "routes.desired";

  bool publishes_flows() const;
  bool publishes_routes() const;
  bool publishes_instances() const;
  friend bool operator==(const DevicePreferenceOptions&, const DevicePreferenceOptions&) = default;
};

std::vector<ConfigKey> device_preference_config_keys();

// Throws ConfigError naming the key ("bindings[1].flows.app_port") for: no bindings; a binding
// name empty or repeated; a kind other than "link" or "disk"; an empty pattern; hold_ms outside
// 0..86400000; a link binding with neither flows.bridge nor route.router, or with an instance;
// flows.bridge without flows.app_port; a priority outside 0..65535 or a negative cookie; two
// bindings with one app_port on one bridge, or more than one binding without app_mac on one
// bridge (their flows back to the app would match the same packets); a gateway or route.via
// that is no IP address; route.router without a valid route.prefix; one prefix twice on one
// router; a disk binding with flows or a route, without instance.group or with an
// instance.command that is not an absolute path; a negative min_size_bytes; an empty
// instance.disk_env or one holding '='; an empty routes_port.
DevicePreferenceOptions parse_device_preference_options(const Config& config);

}  // namespace mirari::policies
