// mirarid: the composition of the host. Three kinds of threads:
//   - the graph's thread (the main thread, on the strand of io_): the graph, its ticks and
//     effects, the plugin manager, the commands that need the graph, the directory watcher;
//   - the control thread (control_io_): the control socket's clients (reading, parsing,
//     `status`, writing), the signals and the shutdown deadline, so that mirarid answers and
//     stops even while the graph's thread is busy or stuck;
//   - the worker threads: the plugins' posted work (a strand per plugin) and I/O handlers.
// A tick over effect_budget_ms is reported while it runs (tick_watchdog.hpp) and when it ends.
// Under systemd, the service manager hears of each step below (service_notifier.hpp); with
// metrics_listen, Prometheus scrapes GET /metrics (metrics_server.hpp).
// The Daemon is made and run on the thread that becomes the graph's.
//
//   start:    the configured plugins load in file order (if one fails, mirarid stops what it
//             loaded and exits 1; the one a crash marker names is skipped); then, with
//             watch.load, every other plugin file in the plugin directories; then those the
//             previous daemon had loaded at run time; then the directories are watched. Each
//             new instance gets its saved snapshot. Then the control socket (and the metrics
//             server) accept clients, and systemd is told READY=1.
//   SIGHUP:   the configuration file is re-read; a bad one is logged and ignored whole. A
//             file is bad when it cannot be read, or when one of its new or changed plugin
//             tables is refused by its plugin (each is created and configured first, before
//             anything applies). Otherwise the log level, the watch switches, the plugin
//             directories and the permissions override apply at once; instances whose table
//             is gone are unloaded, those whose table changed are reloaded, new tables are
//             loaded. The runtime directory, the control socket, metrics_listen and the worker
//             threads keep their values until a restart. systemd is told RELOADING=1 before
//             and READY=1 once the instances have been started or refused.
//   SIGTERM, SIGINT: the control socket closes, the state is saved, instances are unloaded
//             in reverse load order, and run() returns 0; if that takes longer than
//             shutdown_timeout, what is still running is logged and the process exits 1
//             (shutdown_deadline.hpp). A second such signal exits at once.
//   state:    restart_state.hpp: runtime_dir/state.json is read at start and written whenever
//             instances change, every snapshot_interval, and at a clean stop.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>

#include "config_diff.hpp"
#include "config_file.hpp"
#include "control_commands.hpp"
#include "logging.hpp"
#include "memory_trimmer.hpp"
#include "mirari/graph.hpp"
#include "plugin_manager.hpp"
#include "restart_state.hpp"
#include "service_notifier.hpp"
#include "shutdown_deadline.hpp"
#include "status_board.hpp"
#include "tick_runner.hpp"
#include "tick_watchdog.hpp"
#include "worker_threads.hpp"

namespace mirari::host {

class ControlSocket;
class MetricsServer;
class PluginDirWatcher;

// Where a crash in a plugin's code leaves its marker (crash_marker.hpp).
std::filesystem::path crash_marker_file(const DaemonConfig& config);

class Daemon {
 public:
  // flags are applied again whenever the configuration file is re-read.
  Daemon(DaemonConfig config, ConfigOverrides flags);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until told to stop. Returns the process's exit status.
  int run();

 private:
  void read_crash_marker();
  void startup();
  void save_state_every_interval();
  void scan_plugin_dirs();
  void on_plugin_file(const std::filesystem::path& file, bool written);
  void on_signal(int signal);  // control thread
  // Calls done once the re-read file is applied or refused.
  void reconfigure(const std::function<void()>& done);
  // Instances created and configured from a re-read file, not yet started.
  using Prepared = std::vector<std::unique_ptr<PluginInstance>>;
  void apply(const std::vector<std::string>& removed_tables, Prepared prepared,
             std::function<void()> done);
  std::string status_line() const;
  void shutdown(int status);

  DaemonConfig config_;
  ConfigOverrides flags_;
  Logging logging_;
  boost::asio::io_context io_;
  boost::asio::any_io_executor strand_;
  boost::asio::io_context control_io_;
  WorkerThreads workers_;
  WorkRegistry work_;
  Graph graph_;
  TickRunner ticks_;
  MemoryTrimmer trimmer_;
  PluginManager plugins_;
  StatusBoard board_;
  ControlCommands commands_;
  std::unique_ptr<ControlSocket> socket_;
  std::unique_ptr<MetricsServer> metrics_;
  ServiceNotifier notifier_;
  std::unique_ptr<PluginDirWatcher> watcher_;
  boost::asio::signal_set signals_;
  ShutdownDeadline deadline_;
  TickWatchdog watchdog_;
  std::atomic<bool> stop_requested_{false};                  // control thread's view
  std::atomic<std::chrono::seconds::rep> shutdown_timeout_;  // follows the configuration
  RestartState state_;
  boost::asio::steady_timer save_timer_;
  bool started_ = false;
  bool stopping_ = false;
  int status_ = 0;
};

}  // namespace mirari::host
