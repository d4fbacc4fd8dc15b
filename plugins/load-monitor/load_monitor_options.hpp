// The load monitor's configuration, checked as a whole: configure() either gets all of it
// or refuses it, naming the key.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <mirari/config.hpp>

namespace mirari::load {

struct WatchedProcess {
  std::string instance;
  pid_t pid = 0;
  friend bool operator==(const WatchedProcess&, const WatchedProcess&) = default;
};

struct LoadMonitorOptions {
  std::filesystem::path socket = "/run/mirari/load.sock";
  std::vector<WatchedProcess> processes;
  std::chrono::milliseconds sample_interval{1000};
  std::size_t window = 5;
};

// The keys, for the plugin's config_keys().
std::vector<ConfigKey> load_monitor_config_keys();

// Reads and checks a configuration holding every key of load_monitor_config_keys(). Throws
// ConfigError naming the key for: an empty socket path or one too long for a unix socket
// address, a processes entry that is not "name:pid" (name as in report_parser.hpp, pid > 0)
// or repeats a name, a sample_interval_ms outside 1..3600000, a window outside 1..10000.
LoadMonitorOptions parse_options(const Config& config);

// One processes entry, "name:pid". Throws ConfigError quoting the entry.
WatchedProcess parse_process(std::string_view entry);

// The path the socket is bound at before it is renamed into place (see load_monitor.hpp).
std::filesystem::path staging_path(const std::filesystem::path& socket);

}  // namespace mirari::load
