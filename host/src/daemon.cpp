#include "daemon.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "config_diff.hpp"
#include "control_socket.hpp"
#include "crash_handler.hpp"
#include "crash_marker.hpp"
#include "metrics_server.hpp"
#include "plugin_dir_watcher.hpp"
#include "private_copy.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

fs::path private_dir(const DaemonConfig& config) {
  // Not "plugins": a runtime dir is often next to, or the parent of, a plugin directory,
  // and a watched directory must never see the private copies come and go.
  return config.runtime_dir / "loaded-copies";
}

}  // namespace

fs::path crash_marker_file(const DaemonConfig& config) {
  return config.runtime_dir / "crashed-plugin.json";
}

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

Daemon::Daemon(DaemonConfig config, ConfigOverrides flags)
    : config_(std::move(config)),
      flags_(std::move(flags)),
      logging_(config_.log_level),
      strand_(boost::asio::make_strand(io_)),
      workers_(config_.worker_threads),
      ticks_(graph_, strand_,
             [this](const NodeError& error) {
               const PluginInstance* owner = plugins_.find(error.owner());
               (owner != nullptr ? owner->log() : logging_.daemon()).error("{}", error.what());
             }),
      trimmer_(graph_, strand_, std::chrono::seconds(1)),
      plugins_(graph_, strand_, workers_.pool(), work_, logging_,
               PluginManager::Settings{private_dir(config_), crash_marker_file(config_),
                                       config_.allow_unsafe_permissions},
               [this](const std::string& instance) { return config_.table(instance); }),
      commands_(graph_, plugins_, ticks_, config_, board_, private_dir(config_)),
      notifier_(strand_, logging_.daemon()),
      signals_(control_io_, SIGTERM, SIGINT, SIGHUP),
      deadline_(control_io_.get_executor(), ticks_, work_, logging_.daemon()),
      watchdog_(control_io_.get_executor(), ticks_, ::pthread_self(), logging_.daemon()),
      shutdown_timeout_(config_.shutdown_timeout.count()),
      state_(config_.runtime_dir / "state.json", logging_.daemon()),
      save_timer_(strand_) {
  plugins_.on_change([this] {
    commands_.refresh_status();
    if (started_ && !stopping_) state_.save(plugins_);
  });
  watchdog_.set_budget(config_.effect_budget);
  ticks_.after_each_tick([this](std::chrono::nanoseconds took) {
    board_.publish_tick(graph_.node_count(), graph_.current_tick());
    const auto budget = watchdog_.budget();
    if (budget.count() != 0 && took > budget) {
      logging_.daemon().warn(
          "tick {} took {} ms, over effect_budget_ms = {}", graph_.current_tick(),
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), budget.count());
    }
  });
}

Daemon::~Daemon() = default;

int Daemon::run() {
  std::error_code ec;
  fs::create_directories(private_dir(config_), ec);
  if (!ec) fs::permissions(private_dir(config_), fs::perms::owner_all, ec);
  if (ec) {
    logging_.daemon().critical("cannot create {}: {}", private_dir(config_).string(), ec.message());
    return 1;
  }
  if (const std::size_t stale = remove_stale_copies(private_dir(config_))) {
    logging_.daemon().info("removed {} private plugin copies left by an earlier mirarid", stale);
  }
  read_crash_marker();
  try {
    socket_ = std::make_unique<ControlSocket>(
        control_io_.get_executor(), strand_, config_.control_socket, commands_, logging_.daemon(),
        OutputLimits{config_.output_limit_per_client, config_.output_limit_all_clients});
    if (config_.metrics_listen) {
      metrics_ = std::make_unique<MetricsServer>(
          control_io_.get_executor(), strand_, *config_.metrics_listen,
          [this] { return commands_.metrics(); }, logging_.daemon());
      logging_.daemon().info("serving metrics on http://{}/metrics",
                             to_string(metrics_->local_address()));
    }
    watcher_ = std::make_unique<PluginDirWatcher>(
        strand_,
        [this](const fs::path& file, PluginDirWatcher::Change change) {
          on_plugin_file(file, change == PluginDirWatcher::Change::written);
        },
        logging_.daemon());
  } catch (const std::exception& e) {
    logging_.daemon().critical("{}", e.what());
    return 1;
  }
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (!ec) on_signal(signal);
  });
  boost::asio::post(strand_, [this] {
    notifier_.start_watchdog();
    trimmer_.start();
    startup();
  });
  boost::asio::post(control_io_, [this] { watchdog_.start(); });
  auto control_work = boost::asio::make_work_guard(control_io_);
  std::thread control([this] {
    install_thread_altstack();
    control_io_.run();
  });
  io_.run();
  control_io_.stop();
  control.join();
  return status_;
}

void Daemon::read_crash_marker() {
  std::string problem;
  auto marker = host::read_crash_marker(crash_marker_file(config_), problem);
  if (!problem.empty()) logging_.daemon().warn("{}", problem);
  if (!marker) return;
  logging_.daemon().warn("'{}' ({} {} from {}) crashed mirarid last time (signal {})",
                         marker->instance, marker->plugin, marker->version, marker->file.string(),
                         marker->signal);
  if (config_.load_crashed_plugin) {
    logging_.daemon().warn("load_crashed_plugin = true: '{}' is loaded as usual", marker->instance);
    clear_crash_marker(crash_marker_file(config_));
    return;
  }
  plugins_.hold_out(std::move(*marker));
}

void Daemon::startup() {
  state_.begin(plugins_);
  for (const PluginTable& table : config_.plugins) {
    try {
      plugins_.load(table.file, table.instance, Origin::config);
    } catch (const PluginHeldOut& e) {
      logging_.daemon().warn("{}", e.what());
    } catch (const PluginError& e) {
      logging_.daemon().critical("cannot start: {}", e.what());
      shutdown(1);
      return;
    }
  }
  if (config_.watch.load) scan_plugin_dirs();
  state_.load_runtime_instances(plugins_);
  watcher_->watch(config_.plugin_dirs);
  started_ = true;
  commands_.refresh_status();
  // Clients that connected meanwhile are served now, so `status` answers a ready daemon.
  boost::asio::post(control_io_, [this, status = status_line()] {
    socket_->start();
    if (metrics_) metrics_->start();
    notifier_.ready(status);
  });
  state_.save(plugins_);
  save_state_every_interval();
  logging_.daemon().info("mirarid {} ready: {} plugin instance(s), control socket {}",
                         MIRARI_VERSION, plugins_.list().size(), config_.control_socket.string());
}

void Daemon::save_state_every_interval() {
  if (config_.snapshot_interval.count() == 0 || stopping_) return;
  save_timer_.expires_after(config_.snapshot_interval);
  save_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    state_.save(plugins_);
    save_state_every_interval();
  });
}

void Daemon::scan_plugin_dirs() {
  for (const fs::path& dir : config_.plugin_dirs) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.ends_with(".so") && name.front() != '.') {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      if (!plugins_.instances_of(file).empty()) continue;
      try {
        plugins_.load(file, "", Origin::directory);
      } catch (const PluginHeldOut& e) {
        logging_.daemon().warn("{}", e.what());
      } catch (const PluginError& e) {
        logging_.daemon().error("{}", e.what());
      }
    }
  }
}

void Daemon::on_plugin_file(const fs::path& file, bool written) {
  if (stopping_) return;
  const std::vector<std::string> names = plugins_.instances_of(file);
  if (!written) {
    if (!config_.watch.unload) return;
    for (const std::string& name : names) {
      logging_.daemon().info("{} was removed: unloading '{}'", file.string(), name);
      plugins_.unload(name, [](const std::string&) {});
    }
    return;
  }
  try {
    if (!names.empty()) {
      if (!config_.watch.reload) return;
      for (const std::string& name : names) {
        logging_.daemon().info("{} was replaced: reloading '{}'", file.string(), name);
        try {
          plugins_.reload(name);
        } catch (const PluginError&) {
          // Logged by the plugin manager; the other instances are still reloaded.
        }
      }
    } else if (config_.watch.load) {
      logging_.daemon().info("{} appeared: loading it", file.string());
      plugins_.load(file, "", Origin::directory);
    }
  } catch (const PluginError& e) {
    logging_.daemon().error("{}", e.what());
  }
}

void Daemon::on_signal(int signal) {
  if (signal == SIGHUP) {
    if (!stop_requested_) {
      boost::asio::post(strand_, [this] {
        if (stopping_) return;
        notifier_.reloading();
        reconfigure([this] { notifier_.ready(status_line()); });
      });
    }
  } else if (stop_requested_.exchange(true)) {
    logging_.daemon().critical("second {}: exiting at once",
                               signal == SIGINT ? "SIGINT" : "SIGTERM");
    std::_Exit(1);
  } else {
    logging_.daemon().info("{}: stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
    notifier_.stopping();
    socket_->close();
    if (metrics_) metrics_->close();
    deadline_.start(std::chrono::seconds(shutdown_timeout_.load()));
    boost::asio::post(strand_, [this] { shutdown(0); });
  }
  signals_.async_wait([this](const boost::system::error_code& ec, int next) {
    if (!ec) on_signal(next);
  });
}

void Daemon::reconfigure(const std::function<void()>& done) {
  if (config_.file.empty()) {
    logging_.daemon().info("SIGHUP: mirarid runs without a configuration file; nothing to re-read");
    done();
    return;
  }
  const auto refuse = [this, &done](const std::string& why) {
    logging_.daemon().error("configuration not re-read, the running one is kept: {}", why);
    done();
  };
  DaemonConfig next;
  try {
    next = read_config(config_.file, flags_);
  } catch (const ConfigFileError& e) {
    refuse(e.what());
    return;
  }
  if (next.runtime_dir != config_.runtime_dir || next.control_socket != config_.control_socket ||
      next.worker_threads != config_.worker_threads ||
      next.output_limit_per_client != config_.output_limit_per_client ||
      next.output_limit_all_clients != config_.output_limit_all_clients ||
      next.metrics_listen != config_.metrics_listen) {
    logging_.daemon().warn(
        "runtime_dir, control_socket, worker_threads, the output limits and metrics_listen take "
        "their new values at restart");
    next.runtime_dir = config_.runtime_dir;
    next.control_socket = config_.control_socket;
    next.worker_threads = config_.worker_threads;
    next.output_limit_per_client = config_.output_limit_per_client;
    next.output_limit_all_clients = config_.output_limit_all_clients;
    next.metrics_listen = config_.metrics_listen;
  }
  const PluginChanges changes = diff_plugins(config_, next);
  // Every new or changed table is checked by the plugin itself (created and configured)
  // before anything applies: one bad table refuses the whole file.
  Prepared prepared;
  try {
    for (const auto* names : {&changes.changed, &changes.added}) {
      for (const std::string& name : *names) {
        if (plugins_.held_out() && plugins_.held_out()->instance == name) {
          logging_.daemon().warn("'{}' crashed mirarid last time: its table is not applied", name);
          continue;
        }
        prepared.emplace_back(plugins_.prepare(*next.table(name), Origin::config));
      }
    }
  } catch (const PluginError& e) {
    for (auto& instance : prepared) plugins_.discard(std::move(instance));
    refuse(e.what());
    return;
  }
  const bool dirs_changed = next.plugin_dirs != config_.plugin_dirs;
  config_ = std::move(next);
  logging_.set_level(config_.log_level);
  plugins_.set_allow_unsafe_permissions(config_.allow_unsafe_permissions);
  if (dirs_changed) watcher_->watch(config_.plugin_dirs);
  save_timer_.cancel();
  save_state_every_interval();
  shutdown_timeout_ = config_.shutdown_timeout.count();
  watchdog_.set_budget(config_.effect_budget);
  logging_.daemon().info("configuration re-read: unloading {}; reloading {}; loading {}",
                         joined(changes.removed), joined(changes.changed), joined(changes.added));
  apply(changes.removed, std::move(prepared), done);
}

void Daemon::apply(const std::vector<std::string>& removed_tables, Prepared prepared,
                   std::function<void()> done) {
  auto then = std::make_shared<Prepared>(std::move(prepared));
  const auto start = [this, then, done = std::move(done)] {
    for (auto& instance : *then) {
      if (stopping_) {
        plugins_.discard(std::move(instance));
        continue;
      }
      try {
        plugins_.commit(std::move(instance));
      } catch (const PluginError& e) {
        logging_.daemon().error("{}", e.what());
      }
    }
    done();
  };
  // Removed instances go first: a new one may publish the ports they published.
  std::vector<std::string> removed;
  for (const std::string& name : removed_tables) {
    const PluginInstance* instance = plugins_.find(name);
    if (instance != nullptr && instance->origin() == Origin::config) removed.push_back(name);
  }
  if (removed.empty()) {
    start();
    return;
  }
  auto remaining = std::make_shared<std::size_t>(removed.size());
  for (const std::string& name : removed) {
    const auto one_gone = [this, remaining, start](const std::string& error) {
      if (!error.empty()) logging_.daemon().error("{}", error);
      if (--*remaining == 0) start();
    };
    try {
      plugins_.unload(name, one_gone);
    } catch (const PluginError& e) {
      one_gone(e.what());
    }
  }
}

std::string Daemon::status_line() const {
  return std::to_string(plugins_.list().size()) + " plugin instance(s) running";
}

void Daemon::shutdown(int status) {
  if (stopping_) return;
  notifier_.stopping();
  if (started_) state_.save(plugins_);
  stopping_ = true;
  status_ = status;
  save_timer_.cancel();
  boost::asio::post(control_io_, [this] {
    socket_->close();
    if (metrics_) metrics_->close();
  });
  watcher_->close();
  trimmer_.stop();
  plugins_.unload_all([this] {
    logging_.daemon().info("stopped");
    io_.stop();
  });
}

}  // namespace mirari::host
