#include "load_monitor_options.hpp"

#include <sys/un.h>

#include <charconv>
#include <set>

#include "report_parser.hpp"

namespace mirari::load {

namespace {

constexpr std::int64_t kMaxIntervalMs = 3'600'000;
constexpr std::int64_t kMaxWindow = 10'000;

}  // namespace

std::vector<ConfigKey> load_monitor_config_keys() {
  return {
      ConfigKey::optional("socket", std::string("/run/mirari/load.sock"),
                          "unix datagram socket instances report to (\"NAME KEY VALUE\" lines); "
                          "created with mode 0600, its directory if needed; removed at stop"),
      ConfigKey::optional("processes", std::vector<std::string>(),
                          "process instances whose CPU share to sample from /proc, as "
                          "\"name:pid\" entries"),
      ConfigKey::optional("sample_interval_ms", std::int64_t{1000},
                          "milliseconds between two CPU samples of the process instances"),
      ConfigKey::optional("window", std::int64_t{5},
                          "samples in the simple moving average of each instance's load "
                          "(1: no smoothing)")};
}

WatchedProcess parse_process(std::string_view entry) {
  auto refuse = [&] {
    return ConfigError("processes entry '" + std::string(entry) +
                           "' is not \"name:pid\" (a name of at most " +
                           std::to_string(kMaxNameLength) +
                           " printable bytes without spaces, and a process id above 0)",
                       "processes");
  };
  const std::size_t colon = entry.rfind(':');
  if (colon == std::string_view::npos) throw refuse();
  const std::string_view name = entry.substr(0, colon);
  const std::string_view pid_text = entry.substr(colon + 1);
  // The same names as reports carry, so that an instance's reports and samples meet.
  if (!is_instance_name(name)) throw refuse();
  pid_t pid = 0;
  const auto [end, error] =
      std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (error != std::errc() || end != pid_text.data() + pid_text.size() || pid <= 0) throw refuse();
  return {std::string(name), pid};
}

std::filesystem::path staging_path(const std::filesystem::path& socket) {
  // Appended piece by piece: GCC 12 at -O3 sees a false overlap (-Wrestrict) in
  // "." + name + ".new".
  std::string name = ".";
  name += socket.filename().native();
  name += ".new";
  return socket.parent_path() / name;
}

LoadMonitorOptions parse_options(const Config& config) {
  LoadMonitorOptions options;

  options.socket = config.get<std::string>("socket");
  if (options.socket.empty() || !options.socket.has_filename()) {
    throw ConfigError("socket must be the path of a file", "socket");
  }
  if (staging_path(options.socket).native().size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw ConfigError("socket path '" + options.socket.string() + "' is too long for a unix socket",
                      "socket");
  }

  std::set<std::string, std::less<>> names;
  for (const auto& entry : config.get<std::vector<std::string>>("processes")) {
    WatchedProcess process = parse_process(entry);
    if (!names.insert(process.instance).second) {
      throw ConfigError("processes names instance '" + process.instance + "' twice", "processes");
    }
    options.processes.push_back(std::move(process));
  }

  const std::int64_t interval = config.get<std::int64_t>("sample_interval_ms");
  if (interval < 1 || interval > kMaxIntervalMs) {
    throw ConfigError("sample_interval_ms must be between 1 and " + std::to_string(kMaxIntervalMs),
                      "sample_interval_ms");
  }
  options.sample_interval = std::chrono::milliseconds(interval);

  const std::int64_t window = config.get<std::int64_t>("window");
  if (window < 1 || window > kMaxWindow) {
    throw ConfigError("window must be between 1 and " + std::to_string(kMaxWindow) + " samples",
                      "window");
  }
  options.window = static_cast<std::size_t>(window);
  return options;
}

}  // namespace mirari::load
