#include "config_file.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <system_error>

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const fs::path& file, const toml::source_region& where,
                         const std::string& what) {
  throw ConfigFileError(place(file, where) + ": " + what);
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

// Reads the keys of one table, each with its expected shape; anything else is refused.
class TableReader {
 public:
  TableReader(const fs::path& file, const toml::table& table, std::string name)
      : file_(file), table_(table), name_(std::move(name)) {}

  template <class T>
  std::optional<T> get(std::string_view key, const char* expected) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (auto v = node->value<T>(); v && node->is<T>()) return *v;
    refuse(file_, node->source(),
           key_path(key) + " must be " + expected + ", not " + type_name(*node));
  }

  std::optional<std::vector<std::string>> strings(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      refuse(file_, node->source(),
             key_path(key) + " must be an array of strings, not " + type_name(*node));
    }
    std::vector<std::string> out;
    for (const toml::node& item : *array) {
      if (!item.is_string()) {
        refuse(file_, item.source(),
               key_path(key) + " must be an array of strings, it holds " + type_name(item));
      }
      out.push_back(*item.value<std::string>());
    }
    return out;
  }

  const toml::table* subtable(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) {
      refuse(file_, node->source(), key_path(key) + " must be a table, not " + type_name(*node));
    }
    return node->as_table();
  }

  // Refuses the first key that no get() asked for.
  void no_others() const {
    for (auto&& [key, node] : table_) {
      if (seen_.count(std::string(key.str())) == 0) {
        refuse(file_, key.source(),
               "unknown key '" + std::string(key.str()) + "' in [" + name_ + "]");
      }
    }
  }

 private:
  const toml::node* find(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }
  std::string key_path(std::string_view key) const { return name_ + "." + std::string(key); }

  const fs::path& file_;
  const toml::table& table_;
  std::string name_;
  std::set<std::string, std::less<>> seen_;
};

fs::path relative_to(const fs::path& base, const fs::path& path) {
  return path.is_absolute() || base.empty() ? path : base / path;
}

spdlog::level::level_enum parse_level(const std::string& text, const std::function<void()>& bad) {
  const auto level = spdlog::level::from_str(text);
  // from_str answers "off" for every name it does not know.
  if (level == spdlog::level::off && text != "off") bad();
  return level;
}

void read_daemon_table(const fs::path& file, const toml::table& table, DaemonConfig& config) {
  const fs::path base = file.parent_path();
  TableReader daemon(file, table, "daemon");
  if (auto dirs = daemon.strings("plugin_dirs")) {
    config.plugin_dirs.clear();
    for (const auto& dir : *dirs) config.plugin_dirs.push_back(relative_to(base, dir));
  }
  if (auto dir = daemon.get<std::string>("runtime_dir", "a string")) {
    config.runtime_dir = relative_to(base, *dir);
  }
  if (auto socket = daemon.get<std::string>("control_socket", "a string")) {
    config.control_socket = relative_to(base, *socket);
  }
  if (auto level = daemon.get<std::string>("log_level", "a string")) {
    config.log_level = parse_level(*level, [&] {
      refuse(
          file, table.get("log_level")->source(),
          "daemon.log_level must be one of trace, debug, info, warn, error, critical, off, not '" +
              *level + "'");
    });
  }
  // An integer key that must lie in [low, high].
  const auto bounded = [&](std::string_view key, std::int64_t low,
                           std::int64_t high) -> std::optional<std::int64_t> {
    auto value = daemon.get<std::int64_t>(key, "an integer");
    if (value && (*value < low || *value > high)) {
      refuse(file, table.get(key)->source(),
             "daemon." + std::string(key) + " must be between " + std::to_string(low) + " and " +
                 std::to_string(high));
    }
    return value;
  };
  if (auto threads = bounded("worker_threads", 1, 256)) {
    config.worker_threads = static_cast<unsigned>(*threads);
  }
  constexpr std::int64_t kTiB = std::int64_t{1} << 40;
  if (auto limit = bounded("output_limit_per_client", 4096, kTiB)) {
    config.output_limit_per_client = static_cast<std::size_t>(*limit);
  }
  if (auto limit = bounded("output_limit_all_clients", 4096, kTiB)) {
    config.output_limit_all_clients = static_cast<std::size_t>(*limit);
  }
  if (auto seconds = bounded("shutdown_timeout", 1, 3600)) {
    config.shutdown_timeout = std::chrono::seconds(*seconds);
  }
  if (auto seconds = bounded("snapshot_interval", 0, 86400)) {
    config.snapshot_interval = std::chrono::seconds(*seconds);
  }
  if (auto ms = bounded("effect_budget_ms", 0, 3600 * 1000)) {
    config.effect_budget = std::chrono::milliseconds(*ms);
  }
  if (auto load = daemon.get<bool>("load_crashed_plugin", "a boolean")) {
    config.load_crashed_plugin = *load;
  }
  if (auto listen = daemon.get<std::string>("metrics_listen", "a string")) {
    try {
      config.metrics_listen = parse_listen_address(*listen);
    } catch (const std::invalid_argument& e) {
      refuse(file, table.get("metrics_listen")->source(),
             std::string("daemon.metrics_listen must be HOST:PORT: ") + e.what());
    }
  }
  if (auto unsafe = daemon.get<bool>("allow_unsafe_permissions", "a boolean")) {
    config.allow_unsafe_permissions = *unsafe;
  }
  if (const toml::table* watch = daemon.subtable("watch")) {
    TableReader switches(file, *watch, "daemon.watch");
    config.watch.load = switches.get<bool>("load", "a boolean").value_or(true);
    config.watch.reload = switches.get<bool>("reload", "a boolean").value_or(true);
    config.watch.unload = switches.get<bool>("unload", "a boolean").value_or(true);
    switches.no_others();
  }
  daemon.no_others();
}

void read_plugin_tables(const fs::path& file, const toml::table& plugins, DaemonConfig& config) {
  for (auto&& [key, node] : plugins) {
    const std::string instance(key.str());
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      refuse(file, key.source(),
             "plugins." + instance + " must be a table ([plugins." + instance + "]), not " +
                 type_name(node));
    }
    PluginTable plugin;
    plugin.instance = instance;
    plugin.values = *table;
    plugin.config_file = file;
    plugin.where = table->source();
    if (const toml::node* named = table->get("file")) {
      if (!named->is_string()) {
        refuse(file, named->source(),
               "plugins." + instance + ".file must be a string, not " + type_name(*named));
      }
      plugin.file = *named->value<std::string>();
      plugin.values.erase("file");
    } else {
      plugin.file = instance + ".so";
    }
    config.plugins.push_back(std::move(plugin));
  }
  // toml++ keeps a table's keys sorted by name; load order is the order of the file.
  std::stable_sort(config.plugins.begin(), config.plugins.end(),
                   [](const PluginTable& a, const PluginTable& b) {
                     return std::pair(a.where.begin.line, a.where.begin.column) <
                            std::pair(b.where.begin.line, b.where.begin.column);
                   });
}

std::string list(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const auto& dir : dirs) out += (out.empty() ? "" : ", ") + dir.string();
  return out.empty() ? "(no plugin directory is configured)" : out;
}

}  // namespace

const PluginTable* DaemonConfig::table(const std::string& instance) const {
  for (const auto& plugin : plugins) {
    if (plugin.instance == instance) return &plugin;
  }
  return nullptr;
}

std::string place(const fs::path& file, const toml::source_region& where) {
  return file.string() + ":" + std::to_string(where.begin.line) + ":" +
         std::to_string(where.begin.column);
}

fs::path find_plugin_file(const fs::path& name, const std::vector<fs::path>& dirs) {
  std::error_code ec;
  if (name.is_absolute()) return fs::exists(name, ec) ? name : fs::path();
  for (const auto& dir : dirs) {
    const fs::path candidate = dir / name;
    if (fs::exists(candidate, ec)) return candidate;
  }
  return {};
}

DaemonConfig read_config(const std::optional<fs::path>& file, const ConfigOverrides& flags) {
  DaemonConfig config;
  if (file) {
    config.file = fs::absolute(*file);
    toml::table root;
    try {
      root = toml::parse_file(config.file.string());
    } catch (const toml::parse_error& e) {
      throw ConfigFileError(place(config.file, e.source()) + ": " + std::string(e.description()));
    }
    TableReader top(config.file, root, "the top level");
    if (const toml::table* daemon = top.subtable("daemon")) {
      read_daemon_table(config.file, *daemon, config);
    }
    if (const toml::table* plugins = top.subtable("plugins")) {
      read_plugin_tables(config.file, *plugins, config);
    }
    for (auto&& [key, node] : root) {
      if (key.str() != "daemon" && key.str() != "plugins") {
        refuse(config.file, key.source(),
               "unknown table '" + std::string(key.str()) + "' (the file has [daemon] and " +
                   "[plugins.NAME] tables)");
      }
    }
  }

  if (!flags.plugin_dirs.empty()) config.plugin_dirs = flags.plugin_dirs;
  if (config.plugin_dirs.empty() && flags.fallback_plugin_dir) {
    std::error_code ec;
    if (fs::is_directory(*flags.fallback_plugin_dir, ec)) {
      config.plugin_dirs.push_back(*flags.fallback_plugin_dir);
    }
  }
  if (flags.runtime_dir) config.runtime_dir = *flags.runtime_dir;
  if (flags.control_socket) config.control_socket = *flags.control_socket;
  if (flags.log_level) config.log_level = *flags.log_level;
  if (flags.allow_unsafe_permissions)
    config.allow_unsafe_permissions = *flags.allow_unsafe_permissions;
  if (config.control_socket.empty()) config.control_socket = config.runtime_dir / "mirarid.sock";

  for (auto& dir : config.plugin_dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw ConfigFileError(
          (config.file.empty() ? std::string("--plugin-dir") : config.file.string()) +
          ": plugin directory " + dir.string() + " does not exist");
    }
    dir = fs::absolute(dir).lexically_normal();
  }
  for (auto& plugin : config.plugins) {
    const fs::path found = find_plugin_file(plugin.file, config.plugin_dirs);
    if (found.empty()) {
      refuse(config.file, plugin.where,
             "[plugins." + plugin.instance + "]: no plugin file '" + plugin.file.string() +
                 "' in " +
                 (plugin.file.is_absolute() ? std::string("the file system")
                                            : list(config.plugin_dirs)));
    }
    plugin.file = fs::absolute(found).lexically_normal();
  }
  return config;
}

}  // namespace mirari::host
