// The instance manager's configuration, checked as a whole: configure() either gets all of
// it or refuses it with a ConfigError naming the key.
//
// One plugin instance manages one scaling group. The host's configuration keys are flat
// (no nested tables), so several groups are several instances of the plugin, each with its
// own table:
//
//   [plugins.web]
//   file = "instance-manager.so"
//   group = "web"
//   command = "/usr/bin/web-server"
//   args = ["--port", "0"]
//   min = 1
//   max = 8
//
// With backend = "process", the `network` table (network_settings.hpp) gives each instance a
// network namespace of its own with a port on a host bridge.
//
// backend = "xen" runs the instances as Xen domains instead (xen_backend.hpp): command is then
// the kernel image, args its command line, and the xen_* keys size the domain.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <mirari/config.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/ports/scaling.hpp>

#include "backoff.hpp"
#include "network_settings.hpp"
#include "reconciler.hpp"
#include "xen_domain_config.hpp"

namespace mirari::instances {

enum class BackendKind { process, xen };

struct ManagerOptions {
  GroupRules rules;
  std::filesystem::path state_dir = "/var/lib/mirari/instances";
  std::chrono::milliseconds start_grace{1000};
  std::chrono::milliseconds stop_timeout{10000};
  Backoff backoff;
  BackendKind backend = BackendKind::process;
  XenSettings xen;                                // backend xen
  std::chrono::milliseconds poll_interval{1000};  // backend xen: how often domains are looked at
  NetworkSettings network;                        // backend process: the `network` table
  std::string actual_port = ports::kInstancesActual;
  std::string events_port = ports::kInstancesEvents;

  std::string desired;  // the desired_port key: empty for the default

  // The port the group's desired count comes from: desired_port, else scale.GROUP.desired.
  std::string desired_port() const {
    return desired.empty() ? ports::desired_count_port(rules.group) : desired;
  }
  // Where this group's state file and instance directories live: state_dir/GROUP.
  std::filesystem::path group_dir() const { return state_dir / rules.group; }
};

// The keys, for the plugin's config_keys().
std::vector<ConfigKey> manager_config_keys();

// Reads and checks a configuration holding every key of manager_config_keys(). Throws
// ConfigError naming the key for: a group that is not a slot name (spec_rules.hpp); a
// command, args or env that cannot run (spec_rules.hpp); min below 0, max below 1 or above
// 10000, or min above max; surge below 1; an unknown victim rule; a relative state_dir; a
// time outside its range; backoff_initial_ms above backoff_max_ms; an empty port name or
// the same name for both ports; an unknown backend; xen_* settings that cannot make a domain
// (xen_domain_config.hpp: settings_problem, checked whichever the backend), and with backend
// xen a spec that cannot become one (domain_config_problem: a relative kernel, env entries);
// a `network` table that parse_network() refuses, or one with a bridge or a drain_ms given
// with backend xen (whose domains join xen_bridge).
ManagerOptions parse_options(const Config& config);

}  // namespace mirari::instances
