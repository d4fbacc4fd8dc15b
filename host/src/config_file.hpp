// The daemon's configuration: one TOML file, overridden by command-line flags.
//
//   [daemon]
//   plugin_dirs = ["/usr/lib/mirari/plugins"]  # searched in order for plugin files, and watched
//   runtime_dir = "/run/mirari"                # private plugin copies; the default socket's home
//   control_socket = "/run/mirari/mirarid.sock"
//   log_level = "info"                         # trace, debug, info, warn, error, critical, off
//   worker_threads = 2                         # threads running the plugins' posted work
//   allow_unsafe_permissions = false           # load plugins anyone may have written (development)
//   output_limit_per_client = 67108864         # bytes of unsent responses one client may hold
//   output_limit_all_clients = 268435456       # ... and all clients together
//   shutdown_timeout = 10                      # seconds SIGTERM waits for plugins, then exit 1
//   snapshot_interval = 60                     # seconds between state saves; 0: at stop only
//   effect_budget_ms = 100                     # an effect running longer is logged; 0: never
//   load_crashed_plugin = false                # load a plugin that crashed mirarid last time
//   metrics_listen = "127.0.0.1:9464"          # serve GET /metrics over HTTP there; default: off
//
//   [daemon.watch]                             # what a change in a plugin directory does
//   load = true                                # a new .so is loaded
//   reload = true                              # a replaced .so is reloaded
//   unload = true                              # a deleted .so is unloaded
//
//   [plugins.my-scaler]                        # one table per plugin instance, named by it
//   file = "cpu-scaler.so"                     # default "<instance>.so"; relative: in plugin_dirs
//   high = 0.9                                 # every other key is the plugin's own
//
// Relative paths in [daemon] are relative to the file's directory. When neither the file nor
// --plugin-dir names a plugin directory, the installed one is used if it exists
// (ConfigOverrides::fallback_plugin_dir). metrics_listen is an address as listen_address.hpp
// spells it ("9464" alone is the loopback's port 9464).
//
// Invariant: a DaemonConfig returned by read_config is complete and checked: every [daemon]
// key had its type, nothing unknown was given, every plugin directory exists, and every plugin
// table names a plugin file that exists. Only the plugin's own keys remain unchecked: that needs
// the plugin's declared keys (config_check.hpp).
#pragma once

#include <spdlog/common.h>

#include <toml++/toml.h>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "listen_address.hpp"

namespace mirari::host {

// A configuration that cannot be used; what() starts with "FILE:LINE:COLUMN: " when the
// problem has a place in the file.
class ConfigFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WatchSwitches {
  bool load = true;
  bool reload = true;
  bool unload = true;
  friend bool operator==(const WatchSwitches&, const WatchSwitches&) = default;
};

// One [plugins.NAME] table, or the empty one a plugin without a table gets.
struct PluginTable {
  std::string instance;               // NAME
  std::filesystem::path file;         // resolved plugin file
  toml::table values;                 // the plugin's own keys: the table without `file`
  std::filesystem::path config_file;  // where the table is; empty when there is none
  toml::source_region where;          // the table's header
  bool given = false;                 // values came with a load request, not from a file
};

struct DaemonConfig {
  std::filesystem::path file;  // the configuration file; empty when flags alone configure
  std::vector<std::filesystem::path> plugin_dirs;
  std::filesystem::path runtime_dir = "/run/mirari";
  std::filesystem::path control_socket;  // default: runtime_dir / "mirarid.sock"
  spdlog::level::level_enum log_level = spdlog::level::info;
  unsigned worker_threads = 2;
  bool allow_unsafe_permissions = false;
  std::size_t output_limit_per_client = std::size_t{64} << 20;
  std::size_t output_limit_all_clients = std::size_t{256} << 20;
  std::chrono::seconds shutdown_timeout{10};
  std::chrono::seconds snapshot_interval{60};
  std::chrono::milliseconds effect_budget{100};
  bool load_crashed_plugin = false;
  std::optional<ListenAddress> metrics_listen;  // none: no HTTP server
  WatchSwitches watch;
  std::vector<PluginTable> plugins;  // in file order, which is load order

  const PluginTable* table(const std::string& instance) const;
};

// Command-line flags; each one given replaces the file's setting.
struct ConfigOverrides {
  std::vector<std::filesystem::path> plugin_dirs;
  std::optional<std::filesystem::path> runtime_dir;
  std::optional<std::filesystem::path> control_socket;
  std::optional<spdlog::level::level_enum> log_level;
  std::optional<bool> allow_unsafe_permissions;
  // Not a flag: the plugin directory used when neither the file nor plugin_dirs names one, and
  // only if it exists (mirarid: the installed plugin directory, install_paths.hpp).
  std::optional<std::filesystem::path> fallback_plugin_dir;
};

// Reads file (when given) and applies flags. Throws ConfigFileError.
DaemonConfig read_config(const std::optional<std::filesystem::path>& file,
                         const ConfigOverrides& flags);

// Finds name (absolute, or relative to one of dirs, first match wins). Empty when absent.
std::filesystem::path find_plugin_file(const std::filesystem::path& name,
                                       const std::vector<std::filesystem::path>& dirs);

// "FILE:LINE:COLUMN" for a place in a configuration file.
std::string place(const std::filesystem::path& file, const toml::source_region& where);

}  // namespace mirari::host
