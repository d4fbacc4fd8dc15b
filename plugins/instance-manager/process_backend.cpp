#include "process_backend.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "atomic_file.hpp"
#include "backend_core.hpp"
#include "instance_name.hpp"
#include "network_attachment.hpp"
#include "proc_start_time.hpp"
#include "process_handle.hpp"
#include "process_search.hpp"
#include "state_file.hpp"

extern char** environ;

namespace mirari::instances {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string describe(const std::optional<int>& status) {
  if (!status) return "an unknown status";
  if (*status > 128) return "signal " + std::to_string(*status - 128);
  return "status " + std::to_string(*status);
}

std::optional<InstanceConfig> read_config(const fs::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  try {
    return nlohmann::json::parse(text.str()).get<InstanceConfig>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Entry {
  InstanceStatus instance;
  InstanceSpec spec;
  std::uint64_t start_time = 0;
  std::unique_ptr<ProcessHandle> process;  // while starting, running or stopping
  // While starting: the end of the start grace; while stopping: the SIGKILL deadline.
  std::unique_ptr<boost::asio::steady_timer> timer;
  std::optional<InstanceConfig> written;  // what its config file holds

  RecordedInstance record() const { return RecordedInstance{instance, spec, start_time, {}}; }
};

// The process backend's records go no further than the kernel: its instances end with the
// machine, so a record that outlived them would name nothing, and a flush to disk before each
// posix_spawn would cost a scale-up more than the spawn does.
constexpr Flush kFlush = Flush::to_kernel;

// The process backend's part (backend_core.hpp has the rest).
struct State final : BackendCore<State, Entry> {
  using Options = ProcessBackend::Options;

  State(boost::asio::any_io_executor executor, Options opts, InstanceBackend::Log l)
      : BackendCore(std::move(executor), opts.group, opts.dir.lexically_normal(), opts.backoff,
                    std::move(l), {"instances", "starts, stops"}, kFlush),
        options(std::move(opts)) {
    // Paths are compared across restarts (process_search.hpp): one spelling for each.
    options.dir = dir;
    if (options.network.enabled()) network.emplace(options.network, options.group);
  }

  Options options;
  InstanceConfigs configs;
  std::optional<NetworkAttacher> network;  // options.network has a bridge

  fs::path directory(const std::string& name) const { return options.dir / name; }
  fs::path config_path(const std::string& name) const { return directory(name) / "config.json"; }

  // --- Adoption ---

  void adopt_recorded(RecordedState& state) {
    for (auto& [name, recorded] : state.instances) {
      Entry entry{recorded.instance, recorded.spec, recorded.start_time, nullptr, nullptr, {}};
      const InstanceState phase = entry.instance.state;
      if (phase == InstanceState::starting && entry.instance.backend_id == 0) {
        find_launched(name, entry);
      } else if (phase == InstanceState::starting || phase == InstanceState::running ||
                 phase == InstanceState::stopping) {
        const auto pid = static_cast<pid_t>(entry.instance.backend_id);
        entry.process = ProcessHandle::adopt(io, pid, entry.start_time);
        if (entry.process) {
          entry.written = read_config(config_path(name));
          log(Level::info, "adopted " + name + " (pid " + std::to_string(pid) + ", " +
                               nlohmann::json(phase).get<std::string>() + ")");
        } else {
          entry.instance.status.reset();
          entry.instance.state = InstanceState::exited;
          entry.instance.since = clock_ms();
          log(Level::warn,
              name + " (pid " + std::to_string(pid) + ") ended while no manager watched it");
        }
      }
      table = table.set(name, entry.instance);
      entries.emplace(name, std::move(entry));
    }
    if (network) keep_adopted_networks();
  }

  // The attachments of adopted instances stay as they are; every other of the group's goes:
  // an instance that ended while no manager watched it, or one whose create was cut short.
  void keep_adopted_networks() {
    const std::vector<std::uint64_t> found = network->namespaces();
    const std::set<std::uint64_t> existing(found.begin(), found.end());
    std::set<std::uint64_t> live;
    std::set<std::uint64_t> stale = existing;
    for (auto& [name, entry] : entries) {
      const auto serial = serial_of(name);
      if (!serial) continue;
      if (!entry.process) {
        stale.insert(*serial);
        continue;
      }
      live.insert(*serial);
      // An instance found by find_launched was recorded before it had a port; one started
      // before the group had a network has none.
      entry.instance.port =
          existing.count(*serial) != 0 ? network->attachment(*serial).port : std::string();
      table = table.set(name, entry.instance);
    }
    for (const std::uint64_t serial : stale) {
      if (live.count(serial) != 0) continue;
      remove_network(serial);
    }
  }

  void remove_network(std::uint64_t serial) {
    for (const std::string& problem : network->detach(serial)) log(Level::warn, problem);
  }

  // An instance recorded as being started when the previous manager stopped: its process, if
  // it got one, is the one started with this instance's MIRARI_CONFIG.
  void find_launched(const std::string& name, Entry& entry) {
    const auto pid = find_process_with_environment("MIRARI_CONFIG=" + config_path(name).string());
    const auto started = pid ? read_start_time(*pid) : std::nullopt;
    if (pid && started) {
      entry.process = ProcessHandle::adopt(io, *pid, *started);
      if (entry.process) {
        entry.instance.backend_id = *pid;
        entry.start_time = *started;
        entry.written = read_config(config_path(name));
        log(Level::info, "adopted " + name + " (pid " + std::to_string(*pid) +
                             "), started as the previous manager stopped");
        return;
      }
    }
    entry.instance.state = InstanceState::failed;
    entry.instance.reason = "not started: the manager stopped while starting it";
    entry.instance.since = clock_ms();
    entry.instance.retry_at = entry.instance.since;
    log(Level::warn, name + " was not started: the manager stopped while starting it");
  }

  // --- Watching ---

  void watch(const std::string& name, Entry& entry) {
    const pid_t pid = entry.process->pid();
    entry.process->on_exit([self = shared_from_this(), name, pid] {
      std::lock_guard lock(self->mutex);
      self->step([&] { self->ended(name, pid); });
    });
  }

  // The entry name while its process is still pid.
  Entry* current(const std::string& name, pid_t pid) {
    auto it = entries.find(name);
    if (it == entries.end() || !it->second.process || it->second.process->pid() != pid) {
      return nullptr;
    }
    return &it->second;
  }

  template <class F>
  void arm(const std::string& name, Entry& entry, milliseconds after, F then) {
    entry.timer = std::make_unique<boost::asio::steady_timer>(io, after);
    entry.timer->async_wait([self = shared_from_this(), name, pid = entry.process->pid(),
                             then](const boost::system::error_code& error) {
      if (error) return;
      std::lock_guard lock(self->mutex);
      self->step([&] {
        if (Entry* entry = self->current(name, pid)) then(*self, name, *entry);
      });
    });
  }

  void ended(const std::string& name, pid_t pid) {
    Entry* entry = current(name, pid);
    if (entry == nullptr) return;
    const std::optional<int> status = entry->process->reap();
    entry->process.reset();
    entry->timer.reset();
    const std::string who = name + " (pid " + std::to_string(pid) + ")";
    if (entry->instance.state == InstanceState::starting) {
      failed(name, *entry, "ended with " + describe(status) + " while starting");
      return;
    }
    const bool asked = entry->instance.state == InstanceState::stopping;
    entry->instance.status = status;
    enter(name, *entry, InstanceState::exited);
    log(asked ? Level::info : Level::warn, who + " exited with " + describe(status));
  }

  void grace_over(const std::string& name, Entry& entry) {
    if (entry.instance.state != InstanceState::starting) return;
    entry.timer.reset();
    entry.instance.failures = 0;
    entry.instance.retry_at = 0;
    enter(name, entry, InstanceState::running);
    log(Level::info, name + " (pid " + std::to_string(entry.instance.backend_id) + ") runs");
    sync_config(name, entry);
  }

  void kill_timeout(const std::string& name, Entry& entry) {
    if (entry.instance.state != InstanceState::stopping) return;
    entry.process->signal(SIGKILL);
    log(Level::warn, name + " (pid " + std::to_string(entry.instance.backend_id) +
                         ") did not stop within " + std::to_string(options.stop_timeout.count()) +
                         " ms: killed");
  }

  // --- Actions ---

  std::vector<std::string> environment(const std::string& name, const InstanceSpec& spec,
                                       const Attachment* attachment) const {
    std::map<std::string, std::string> variables;
    const auto add = [&](const std::string& entry) {
      const std::size_t equals = entry.find('=');
      if (equals != std::string::npos) variables[entry.substr(0, equals)] = entry;
    };
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) add(*e);
    for (const std::string& entry : spec.env) add(entry);
    add("MIRARI_INSTANCE=" + name);
    add("MIRARI_GROUP=" + options.group);
    add("MIRARI_CONFIG=" + config_path(name).string());
    if (attachment != nullptr) {
      add("MIRARI_ADDRESS=" + attachment->address);
      add("MIRARI_NETNS=" + attachment->netns);
    }
    std::vector<std::string> out;
    out.reserve(variables.size());
    for (auto& [variable, entry] : variables) out.push_back(std::move(entry));
    return out;
  }

  InstanceConfig wanted_config(const std::string& name) const {
    const InstanceConfig* config = configs.find(name);
    return config != nullptr ? *config : InstanceConfig{};
  }

  void write_config(const std::string& name, Entry& entry, const InstanceConfig& config) {
    write_file_atomically(config_path(name), nlohmann::json(config).dump(2) + "\n", kFlush);
    entry.written = config;
  }

  // The instance's attachment, made; throws the reason it cannot be.
  Attachment attach(const std::string& name, const InstanceSpec& spec) {
    const auto serial = serial_of(name);
    if (!serial) throw std::runtime_error("no network for '" + name + "': its name has no number");
    const Attachment wanted = network->attachment(*serial);
    for (const auto& [other, entry] : entries) {
      const auto other_serial = serial_of(other);
      if (other == name || !entry.process || !other_serial) continue;
      if (network->attachment(*other_serial).address == wanted.address) {
        throw std::runtime_error("address " + wanted.address + " is still " + other +
                                 "'s: the prefix holds too few addresses");
      }
    }
    // Run through `ip netns exec`, a program that does not exist would only show as ip's
    // exit status: refused here with the reason, as posix_spawn gives it without a network.
    if (::access(spec.command.c_str(), X_OK) != 0) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot start '" + spec.command + "'");
    }
    return network->attach(*serial);
  }

  // posix_spawn cannot enter a namespace, and a fork that calls setns before exec would give
  // up posix_spawn's report of a failed exec. `ip netns exec NETNS` enters the namespace (and
  // mounts its /sys, so the instance sees its own links) and then execs the command itself,
  // so the pid, start time and environment the backend records are the instance's.
  ProcessHandle::Launch launch_of(const std::string& name, const Entry& entry,
                                  const Attachment* attachment) const {
    ProcessHandle::Launch l{entry.spec.command, entry.spec.args,
                            environment(name, entry.spec, attachment), directory(name),
                            directory(name) / "log"};
    if (attachment == nullptr) return l;
    std::vector<std::string> argv = network->exec_prefix(*attachment);
    l.command = argv.front();
    l.args.assign(argv.begin() + 1, argv.end());
    l.args.push_back(entry.spec.command);
    l.args.insert(l.args.end(), entry.spec.args.begin(), entry.spec.args.end());
    return l;
  }

  void launch(const std::string& name, Entry& entry) {
    std::optional<Attachment> attachment;
    entry.instance.port.clear();
    try {
      std::error_code error;
      fs::create_directories(directory(name), error);
      if (error) {
        throw std::system_error(error, "cannot make directory '" + directory(name).string() + "'");
      }
      write_config(name, entry, wanted_config(name));
      if (network) attachment = attach(name, entry.spec);
      entry.process =
          ProcessHandle::spawn(io, launch_of(name, entry, attachment ? &*attachment : nullptr));
    } catch (const std::exception& e) {
      if (attachment) remove_network(*serial_of(name));
      failed(name, entry, e.what());
      return;
    }
    if (attachment) entry.instance.port = attachment->port;
    entry.start_time = entry.process->start_time();
    entry.instance.backend_id = entry.process->pid();
    entry.instance.status.reset();
    entry.instance.reason.clear();
    enter(name, entry, InstanceState::starting);
    log(Level::info,
        "started " + name + " (pid " + std::to_string(entry.instance.backend_id) + ")");
    watch(name, entry);
    arm(name, entry, options.start_grace,
        [](State& s, const std::string& n, Entry& e) { s.grace_over(n, e); });
  }

  void begin_stop(const std::string& name, Entry& entry) {
    entry.process->signal(SIGTERM);
    if (entry.instance.state != InstanceState::stopping)
      enter(name, entry, InstanceState::stopping);
    log(Level::info,
        "stopping " + name + " (pid " + std::to_string(entry.instance.backend_id) + ")");
    arm(name, entry, options.stop_timeout,
        [](State& s, const std::string& n, Entry& e) { s.kill_timeout(n, e); });
  }

  // Stopping at once, so that what balances over the instances takes it out first (the
  // report says so in this step); SIGTERM once the drain is over.
  void drain(const std::string& name, Entry& entry) {
    entry.timer.reset();
    enter(name, entry, InstanceState::stopping);
    log(Level::info, "draining " + name + " (pid " + std::to_string(entry.instance.backend_id) +
                         ") for " + std::to_string(options.network.drain.count()) + " ms");
    arm(name, entry, options.network.drain,
        [](State& s, const std::string& n, Entry& e) { s.begin_stop(n, e); });
  }

  void stop_instance(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end() || !it->second.process) return;
    const InstanceState phase = it->second.instance.state;
    if (phase != InstanceState::starting && phase != InstanceState::running) return;
    if (options.network.drain.count() > 0) {
      drain(name, it->second);
    } else {
      begin_stop(name, it->second);
    }
  }

  void forgotten(const std::string& name) {
    std::error_code ignored;
    fs::remove_all(directory(name), ignored);
    if (!network) return;
    if (const auto serial = serial_of(name)) remove_network(*serial);
  }

  // Before processes start, the state file names the instances about to, so that a manager
  // starting after a crash in between finds their processes (find_launched).
  void before_run(const Plan& plan) {
    StateChanges changes = unsaved_changes();
    for (const Action& a : plan.actions) {
      const auto it = entries.find(a.name);
      const bool creates = a.kind == Action::Kind::create && it == entries.end();
      const bool retries = a.kind == Action::Kind::retry && it != entries.end() &&
                           it->second.instance.state == InstanceState::failed;
      if (!creates && !retries) continue;
      auto& change = changes.instances[a.name];
      change = retries ? it->second.record() : RecordedInstance{};
      RecordedInstance& r = *change;
      r.instance.group = options.group;
      if (creates) r.instance.extra = a.extra;
      r.instance.spec_hash = spec_hash(a.spec);
      r.instance.backend_id = 0;
      r.instance.state = InstanceState::starting;
      r.instance.status.reset();
      r.instance.reason.clear();
      r.instance.since = clock_ms();
      r.instance.retry_at = 0;
      r.spec = a.spec;
      r.start_time = 0;
      changes.next_serial = std::max(changes.next_serial, a.serial + 1);
    }
    if (changes.instances.empty()) return;
    try {
      recorder.record(changes);
    } catch (const std::exception& e) {
      log(Level::warn, std::string(e.what()) + ": starting anyway");
    }
  }

  // --- Configuration ---

  void sync_config(const std::string& name, Entry& entry) {
    if (entry.instance.state != InstanceState::running || !entry.process) return;
    InstanceConfig wanted = wanted_config(name);
    if (entry.written == wanted) return;
    try {
      write_config(name, entry, wanted);
    } catch (const std::exception& e) {
      log(Level::warn, "configuration of " + name + " not delivered: " + e.what());
      return;
    }
    entry.process->signal(SIGHUP);
    log(Level::info, "configuration of " + name + " delivered (SIGHUP)");
  }

  void take_configs(const InstanceConfigs& latest) {
    configs = latest;
    for (auto& [name, entry] : entries) sync_config(name, entry);
  }

  void followed() {
    for (auto& [name, entry] : entries) {
      if (!entry.process) continue;
      watch(name, entry);
      if (entry.instance.state == InstanceState::starting) {
        arm(name, entry, options.start_grace,
            [](State& s, const std::string& n, Entry& e) { s.grace_over(n, e); });
      } else if (entry.instance.state == InstanceState::stopping) {
        begin_stop(name, entry);
      }
    }
  }

  void after_follow() {}

  void halted() {
    for (auto& [name, entry] : entries) {
      entry.timer.reset();
      entry.process.reset();
    }
  }
};

}  // namespace

ProcessBackend::ProcessBackend(boost::asio::any_io_executor io, Options options, Log log)
    : CoreBackend(std::make_shared<State>(std::move(io), std::move(options), std::move(log))) {}

}  // namespace mirari::instances
