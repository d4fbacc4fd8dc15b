// mirarid: the Mirari daemon. See src/daemon.hpp for what it does, src/config_file.hpp for its
// configuration and src/control_commands.hpp for its control protocol.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>

#include "config_file.hpp"
#include "crash_handler.hpp"
#include "daemon.hpp"
#include "human_output.hpp"
#include "install_paths.hpp"
#include "plugin_file_check.hpp"
#include "port_table.hpp"
#include "stack_sampler.hpp"

namespace fs = std::filesystem;
using namespace mirari::host;

namespace {

// Each file is checked as the daemon checks a file (but for its permissions), in a scratch
// directory, and its description given to print. Returns the exit status.
int with_descriptions(const std::vector<std::string>& files,
                      const std::function<void(const std::vector<nlohmann::json>&)>& print) {
  const fs::path scratch =
      fs::temp_directory_path() / ("mirarid-describe." + std::to_string(::getpid()));
  int status = 0;
  try {
    std::vector<nlohmann::json> descriptions;
    for (const std::string& file : files) {
      descriptions.push_back(check_plugin_file(fs::absolute(file), scratch, false).description);
    }
    print(descriptions);
  } catch (const std::exception& e) {
    std::cerr << "mirarid: " << e.what() << '\n';
    status = 1;
  }
  std::error_code ignored;
  fs::remove_all(scratch, ignored);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mirarid: runs Mirari plugins in one shared reactive graph"};
  std::string config_file, describe_file, log_level;
  std::string runtime_dir, control_socket;
  std::vector<std::string> plugin_dirs;
  bool unsafe = false;
  const InstallPaths installed = install_paths();
  app.add_option("--config", config_file,
                 "TOML configuration file (default: " + installed.config_file.string() +
                     ", when it exists)")
      ->check(CLI::ExistingFile);
  app.add_option("--plugin-dir", plugin_dirs,
                 "directory of plugin files, searched and watched (repeatable; replaces "
                 "daemon.plugin_dirs)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--control-socket", control_socket, "path of the control socket");
  app.add_option("--runtime-dir", runtime_dir, "directory for private plugin copies");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("--allow-unsafe-permissions", unsafe,
               "load plugin files that others could have written (development only)");
  app.add_option("--describe", describe_file,
                 "print the configuration keys and ports a plugin file declares, and exit")
      ->check(CLI::ExistingFile);
  bool json_output = false;
  app.add_flag("--json", json_output, "with --describe: print the description as JSON");
  std::vector<std::string> table_files;
  app.add_option("--port-table", table_files,
                 "print a Markdown table of every port the plugin files declare, and exit")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);

  if (!describe_file.empty()) {
    return with_descriptions({describe_file}, [&](const std::vector<nlohmann::json>& d) {
      std::cout << (json_output ? d.front().dump(2) + "\n" : human::describe_text(d.front()));
    });
  }
  if (!table_files.empty()) {
    return with_descriptions(table_files, [](const std::vector<nlohmann::json>& d) {
      std::cout << port_table_markdown(d);
    });
  }

  ConfigOverrides flags;
  flags.fallback_plugin_dir = installed.plugin_dir;
  std::error_code ec;
  if (config_file.empty() && fs::is_regular_file(installed.config_file, ec)) {
    config_file = installed.config_file;
  }
  for (const auto& dir : plugin_dirs) flags.plugin_dirs.emplace_back(dir);
  if (!runtime_dir.empty()) flags.runtime_dir = runtime_dir;
  if (!control_socket.empty()) flags.control_socket = control_socket;
  if (!log_level.empty()) flags.log_level = spdlog::level::from_str(log_level);
  if (unsafe) flags.allow_unsafe_permissions = true;

  DaemonConfig config;
  try {
    config = read_config(config_file.empty() ? std::nullopt : std::optional<fs::path>(config_file),
                         flags);
  } catch (const ConfigFileError& e) {
    std::cerr << "mirarid: " << e.what() << '\n';
    return 2;
  }
  // A client that disconnects mid-answer must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  install_crash_handler(crash_marker_file(config));
  install_stack_sampler();
  Daemon daemon(std::move(config), std::move(flags));
  return daemon.run();
}
