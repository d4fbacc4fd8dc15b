#include "process_backend.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "atomic_file.hpp"
#include "clock_ms.hpp"
#include "group_ownership.hpp"
#include "proc_start_time.hpp"
#include "process_handle.hpp"
#include "process_search.hpp"
#include "recorded_slots.hpp"
#include "state_file.hpp"
#include "state_recorder.hpp"

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
};

}  // namespace

struct ProcessBackend::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor executor, Options opts, Log l)
      : io(std::move(executor)),
        options(std::move(opts)),
        log(std::move(l)),
        recorder(options.dir.lexically_normal() / "state.json"),
        wake(io) {
    // Paths are compared across restarts (process_search.hpp): one spelling for each.
    options.dir = options.dir.lexically_normal();
  }

  // Held by every handler and every public call: stop() never runs beside a handler.
  std::recursive_mutex mutex;
  bool stopped = false;

  boost::asio::any_io_executor io;
  Options options;
  Log log;
  StateRecorder recorder;  // of state_path()
  Outputs outputs;
  bool following = false;

  std::map<std::string, Entry> entries;
  InstancesActual table;              // entries' instances
  InstancesActual reported;           // the table last written to outputs
  std::vector<std::string> touched;   // names changed since, in the order they changed
  std::set<std::string> touched_set;  // the same names, to find them
  std::set<std::string> unsaved;      // names changed since the state file was written
  std::uint64_t version = 0;
  std::uint64_t next_serial = 1;
  bool changed = false;  // since the last report

  InstanceConfigs configs;
  boost::asio::steady_timer wake;
  std::optional<GroupOwnership> ownership;  // of options.dir, claimed by adopt()
  bool superseded = false;                  // a newer manager claimed the directory

  fs::path state_path() const { return options.dir / "state.json"; }
  fs::path directory(const std::string& name) const { return options.dir / name; }
  fs::path config_path(const std::string& name) const { return directory(name) / "config.json"; }

  // --- Reports ---

  void touch(const std::string& name) {
    if (touched_set.insert(name).second) touched.push_back(name);
    unsaved.insert(name);
    changed = true;
  }

  void update(const std::string& name, const Entry& entry) {
    table = table.set(name, entry.instance);
    touch(name);
  }

  void enter(const std::string& name, Entry& entry, InstanceState phase) {
    entry.instance.state = phase;
    entry.instance.since = clock_ms();
    update(name, entry);
  }

  Observed report() const { return Observed{version, next_serial, table}; }

  static RecordedInstance record(const Entry& entry) {
    return RecordedInstance{entry.instance, entry.spec, entry.start_time, {}};
  }

  RecordedState recorded() const {
    RecordedState state;
    state.next_serial = next_serial;
    for (const auto& [name, entry] : entries) state.instances.emplace(name, record(entry));
    return state;
  }

  // The instances changed since the state file was written, as they are now.
  StateChanges unsaved_changes() {
    StateChanges changes;
    changes.next_serial = next_serial;
    for (const std::string& name : unsaved) {
      const auto it = entries.find(name);
      changes.instances.emplace(
          name, it != entries.end() ? std::optional(record(it->second)) : std::nullopt);
    }
    unsaved.clear();
    return changes;
  }

  // The changes since the last report, in the order they happened.
  std::vector<InstanceEvent> events() {
    std::vector<InstanceEvent> out;
    for (const std::string& name : touched) {
      const InstanceStatus* before = reported.find(name);
      const InstanceStatus* after = table.find(name);
      if (before == nullptr && after == nullptr) continue;
      if (before != nullptr && after != nullptr && *before == *after) continue;
      const auto kind = before == nullptr  ? InstanceEvent::Kind::added
                        : after == nullptr ? InstanceEvent::Kind::removed
                                           : InstanceEvent::Kind::changed;
      out.push_back({kind, name,
                     before != nullptr ? std::optional<InstanceStatus>(*before) : std::nullopt,
                     after != nullptr ? std::optional<InstanceStatus>(*after) : std::nullopt});
    }
    touched.clear();
    touched_set.clear();
    return out;
  }

  // Every handler's work: act, then commit what it changed, holding the directory's lock and
  // only while this backend owns the directory (group_ownership.hpp). Once a newer manager
  // has claimed it, this one acts no more.
  template <class F>
  void step(F act) {
    if (stopped || superseded) return;
    const GroupOwnership::Held held = ownership->hold();
    if (!ownership->owned()) {
      superseded = true;
      log(Level::warn, "another manager took over " + options.dir.string() +
                           ": this one no longer starts, stops or records anything");
      return;
    }
    act();
    commit();
  }

  // After each handler: a change becomes a new version, recorded (the instances it changed
  // alone, state_recorder.hpp), then reported. The report
  // and its changes are one batch, so each lands in a tick of its own (an event source
  // occurs once per tick): no state an instance went through is lost to coalescing.
  void commit() {
    if (!changed) return;
    changed = false;
    ++version;
    try {
      recorder.record(unsaved_changes());
    } catch (const std::exception& e) {
      log(Level::warn, std::string(e.what()) +
                           ": a manager started after a crash may not find the instances "
                           "changed since");
    }
    if (!following) return;
    std::vector<InstanceEvent> changes = events();
    reported = table;
    outputs.graph->batch([&] {
      outputs.observed.set(report());
      if (!changes.empty()) outputs.events.emit(std::move(changes));
    });
  }

  // --- Adoption ---

  void adopt() {
    std::error_code error;
    fs::create_directories(options.dir, error);
    if (error) {
      throw std::system_error(error,
                              "cannot make the instance directory '" + options.dir.string() + "'");
    }
    ownership.emplace(options.dir);
    const GroupOwnership::Held held = ownership->hold();
    RecordedState state = read_state_file(state_path());
    // Claimed once the state file is known to be readable: a refused start leaves the running
    // manager (a reload's old instance) in charge.
    ownership->claim();
    try {
      adopt_recorded(state);
    } catch (...) {
      ownership->give_back();
      throw;
    }
  }

  void adopt_recorded(RecordedState& state) {
    next_serial = state.next_serial;
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
    // Recorded at once, so that what was found gone is not looked for again.
    version = 1;
    reported = table;
    unsaved.clear();
    recorder.rewrite(recorded());
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

  std::vector<std::string> environment(const std::string& name, const InstanceSpec& spec) const {
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
    write_file_atomically(config_path(name), nlohmann::json(config).dump(2) + "\n");
    entry.written = config;
  }

  void launch(const std::string& name, Entry& entry) {
    try {
      std::error_code error;
      fs::create_directories(directory(name), error);
      if (error) {
        throw std::system_error(error, "cannot make directory '" + directory(name).string() + "'");
      }
      write_config(name, entry, wanted_config(name));
      entry.process = ProcessHandle::spawn(
          io, {entry.spec.command, entry.spec.args, environment(name, entry.spec), directory(name),
               directory(name) / "log"});
    } catch (const std::exception& e) {
      failed(name, entry, e.what());
      return;
    }
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

  void failed(const std::string& name, Entry& entry, const std::string& reason) {
    entry.instance.failures += 1;
    const milliseconds wait = options.backoff.delay(entry.instance.failures);
    entry.instance.reason = reason;
    entry.instance.status.reset();
    entry.instance.backend_id = 0;
    enter(name, entry, InstanceState::failed);
    entry.instance.retry_at = entry.instance.since + wait.count();
    update(name, entry);
    log(Level::warn,
        name + " failed (" + reason + "); next try in " + std::to_string(wait.count()) + " ms");
  }

  void create(const Action& action) {
    if (entries.count(action.name) != 0) return;
    next_serial = std::max(next_serial, action.serial + 1);
    Entry entry;
    entry.instance.group = options.group;
    entry.instance.extra = action.extra;
    entry.instance.spec_hash = spec_hash(action.spec);
    entry.spec = action.spec;
    launch(action.name, entries.emplace(action.name, std::move(entry)).first->second);
  }

  void retry(const Action& action) {
    auto it = entries.find(action.name);
    if (it == entries.end() || it->second.instance.state != InstanceState::failed) return;
    it->second.spec = action.spec;
    it->second.instance.spec_hash = spec_hash(action.spec);
    launch(action.name, it->second);
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

  void stop_instance(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end() || !it->second.process) return;
    const InstanceState phase = it->second.instance.state;
    if (phase == InstanceState::starting || phase == InstanceState::running)
      begin_stop(name, it->second);
  }

  void forget(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end()) return;
    const InstanceState phase = it->second.instance.state;
    if (phase != InstanceState::exited && phase != InstanceState::failed) return;
    entries.erase(it);
    table = table.erase(name);
    touch(name);
    std::error_code ignored;
    fs::remove_all(directory(name), ignored);
  }

  // Before processes start, the state file names the instances about to, so that a manager
  // starting after a crash in between finds their processes (find_launched).
  void record_launches(const Plan& plan) {
    StateChanges changes = unsaved_changes();
    for (const Action& a : plan.actions) {
      const auto it = entries.find(a.name);
      const bool creates = a.kind == Action::Kind::create && it == entries.end();
      const bool retries = a.kind == Action::Kind::retry && it != entries.end() &&
                           it->second.instance.state == InstanceState::failed;
      if (!creates && !retries) continue;
      auto& change = changes.instances[a.name];
      change = retries ? record(it->second) : RecordedInstance{};
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

  void run(const Plan& plan) {
    record_launches(plan);
    for (const Action& action : plan.actions) {
      switch (action.kind) {
        case Action::Kind::create:
          create(action);
          break;
        case Action::Kind::retry:
          retry(action);
          break;
        case Action::Kind::stop:
          stop_instance(action.name);
          break;
        case Action::Kind::forget:
          forget(action.name);
          break;
      }
    }
    wake_at(plan.wake_at);
  }

  void wake_at(std::optional<std::int64_t> at) {
    if (!at) {
      wake.cancel();
      return;
    }
    wake.expires_after(milliseconds(std::max<std::int64_t>(0, *at - clock_ms())));
    wake.async_wait([self = shared_from_this(), at](const boost::system::error_code& error) {
      if (error) return;
      std::lock_guard lock(self->mutex);
      if (self->stopped) return;
      // The timer may fire a little early on the millisecond scale.
      if (clock_ms() < *at) {
        self->wake_at(at);
        return;
      }
      self->outputs.clock.set(clock_ms());
    });
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

  void stop() {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
    wake.cancel();
    for (auto& [name, entry] : entries) {
      entry.timer.reset();
      entry.process.reset();
    }
  }
};

ProcessBackend::ProcessBackend(boost::asio::any_io_executor io, Options options, Log log)
    : state_(std::make_shared<State>(std::move(io), std::move(options), std::move(log))) {
  std::lock_guard lock(state_->mutex);
  try {
    state_->adopt();
  } catch (...) {
    state_->stop();
    throw;
  }
}

ProcessBackend::~ProcessBackend() {
  std::lock_guard lock(state_->mutex);
  state_->stop();
  // A backend that goes while it still owns the directory gives it back: if its plugin's
  // start failed (a reload refused after this backend was made), the instance that keeps
  // running owns it again; otherwise no manager of the directory runs any more.
  if (!state_->ownership) return;
  if (auto error = state_->ownership->leave()) state_->log(Level::warn, *error);
}

Observed ProcessBackend::observed() const {
  std::lock_guard lock(state_->mutex);
  return state_->report();
}

InstanceSpecs ProcessBackend::recorded_extras() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_extras(state_->recorded());
}

std::int64_t ProcessBackend::recorded_members() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_members(state_->recorded());
}

void ProcessBackend::follow(Outputs outputs) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  s.outputs = std::move(outputs);
  s.following = true;
  s.step([&s] {
    for (auto& [name, entry] : s.entries) {
      if (!entry.process) continue;
      s.watch(name, entry);
      if (entry.instance.state == InstanceState::starting) {
        s.arm(name, entry, s.options.start_grace,
              [](State& st, const std::string& n, Entry& e) { st.grace_over(n, e); });
      } else if (entry.instance.state == InstanceState::stopping) {
        s.begin_stop(name, entry);
      }
    }
  });
}

void ProcessBackend::apply(Plan plan) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  boost::asio::post(state_->io, [self = state_, plan = std::move(plan)] {
    std::lock_guard lock(self->mutex);
    self->step([&] {
      if (plan.version == self->version) self->run(plan);
    });
  });
}

void ProcessBackend::deliver(InstanceConfigs configs) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  boost::asio::post(state_->io, [self = state_, configs = std::move(configs)] {
    std::lock_guard lock(self->mutex);
    self->step([&] {
      self->configs = configs;
      for (auto& [name, entry] : self->entries) self->sync_config(name, entry);
    });
  });
}

void ProcessBackend::stop() {
  state_->stop();
}

}  // namespace mirari::instances
