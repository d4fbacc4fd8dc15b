// The part of a backend that is the same whichever runs the instances (processes of this
// host: process_backend.cpp; Xen domains: xen_backend.cpp): the table of instances and its
// reports, the state file, the directory's ownership, the dispatch of a plan's actions, the
// wake-up at its wake_at, and the InstanceBackend calls that reach them (CoreBackend). A
// backend's State derives from BackendCore<State, Entry> and supplies only what differs:
//
//   Entry::record()            what the state file records of an instance
//   adopt_recorded(state)      at construction, under the directory's lock: adopt what state
//                              records (may throw; the directory is given back then)
//   launch(name, entry)        start an instance (create or retry); entry.spec is set
//   stop_instance(name)        begin stopping an instance the plan stops
//   forgotten(name)            after an exited or failed instance left the table
//   before_run(plan)           before a plan's actions are carried out
//   take_configs(configs)      the latest instances.config
//   followed(), after_follow() at follow(): inside the step that starts watching, and after
//   halted()                   at stop(): close what watches the instances
//
// Invariant: every handler runs under mutex and through step(): it acts only while this
// backend owns the directory (group_ownership.hpp) and has not stopped, and what it changed
// becomes one new version, recorded (the instances it changed alone: state_recorder.hpp) and
// then reported with its events as one batch, so each report lands in a tick of its own and
// no state an instance went through is lost to coalescing.
//
// Threads: CoreBackend's calls may come from any thread (the graph's); handlers run on the
// event loop. The mutex is held by every handler and every call, so stop() never runs beside
// a handler and no handler acts after stop().
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "backoff.hpp"
#include "clock_ms.hpp"
#include "group_ownership.hpp"
#include "instance_backend.hpp"
#include "recorded_slots.hpp"
#include "state_file.hpp"
#include "state_recorder.hpp"

namespace mirari::instances {

// What CoreBackend reaches of a backend's State.
class BackendState {
 public:
  using Level = InstanceBackend::Level;
  virtual ~BackendState() = default;

  // Held by every handler and every call.
  std::recursive_mutex mutex;

  // The calls below are made with mutex held.
  virtual void start() = 0;  // adopts (constructor)
  virtual Observed report() const = 0;
  virtual RecordedState recorded() const = 0;
  virtual void follow(InstanceBackend::Outputs outputs) = 0;
  virtual void post_plan(Plan plan) = 0;
  virtual void post_configs(InstanceConfigs configs) = 0;
  virtual void stop() = 0;
  virtual void leave() = 0;  // gives the directory back if still owned (destructor)
};

// The InstanceBackend calls, the same for every backend.
class CoreBackend : public InstanceBackend {
 public:
  // Stops, and gives the directory back to the manager that owned it before, if this one
  // still owns it (a plugin whose start failed after making it: the instance a refused
  // reload keeps goes on acting).
  ~CoreBackend() override;
  CoreBackend(const CoreBackend&) = delete;
  CoreBackend& operator=(const CoreBackend&) = delete;

  // The current report (after construction: what was adopted).
  Observed observed() const final;
  // The spec each recorded extra key runs (of its newest instance that is not stopping).
  InstanceSpecs recorded_extras() const final;
  // Counted members recorded as starting, running or failed.
  std::int64_t recorded_members() const final;
  // Starts watching the adopted instances and writing reports to outputs. Call once.
  void follow(Outputs outputs) final;
  // Carries out plan on the event loop if it was computed from the latest report (see
  // plan.hpp), and wakes the clock at its wake_at. From effects.
  void apply(Plan plan) final;
  // Takes the latest instances.config, on the event loop. From effects.
  void deliver(InstanceConfigs configs) final;
  // Stops watching. Leaves every instance running. Idempotent.
  void stop() final;

 protected:
  // Adopts (state->start()); when that throws, stops and rethrows.
  explicit CoreBackend(std::shared_ptr<BackendState> state);

 private:
  std::shared_ptr<BackendState> state_;
};

template <class Derived, class Entry>
struct BackendCore : BackendState, std::enable_shared_from_this<Derived> {
  struct Names {
    std::string instances;  // "instances", "domains": what a warning calls them
    std::string acts;       // "starts, stops": what a superseded backend no longer does
  };

  BackendCore(boost::asio::any_io_executor executor, std::string group_name,
              std::filesystem::path group_dir, Backoff retry_backoff, InstanceBackend::Log l,
              Names what, Flush records)
      : io(std::move(executor)),
        group(std::move(group_name)),
        dir(std::move(group_dir)),
        backoff(retry_backoff),
        log(std::move(l)),
        names(std::move(what)),
        recorder(dir / "state.json", records),
        wake(io) {}

  Observed report() const final { return Observed{version, next_serial, table}; }

  RecordedState recorded() const final {
    RecordedState state;
    state.next_serial = next_serial;
    for (const auto& [name, entry] : entries) state.instances.emplace(name, entry.record());
    return state;
  }

  void start() final {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      throw std::system_error(error, "cannot make the instance directory '" + dir.string() + "'");
    }
    ownership.emplace(dir);
    const GroupOwnership::Held held = ownership->hold();
    RecordedState state = read_state_file(state_path());
    // Claimed once the state file is known to be readable: a refused start leaves the
    // running manager (a reload's old instance) in charge. derived().adopt_recorded may
    // read more before it changes anything.
    ownership->claim();
    try {
      next_serial = state.next_serial;
      derived().adopt_recorded(state);
      // Recorded at once, so that what was found gone is not looked for again.
      version = 1;
      reported = table;
      unsaved.clear();
      recorder.rewrite(recorded());
    } catch (...) {
      ownership->give_back();
      throw;
    }
  }

  void follow(InstanceBackend::Outputs o) final {
    outputs = std::move(o);
    following = true;
    step([&] { derived().followed(); });
    derived().after_follow();
  }

  void post_plan(Plan plan) final {
    if (stopped) return;
    boost::asio::post(io, [self = this->shared_from_this(), plan = std::move(plan)] {
      std::lock_guard lock(self->mutex);
      self->step([&] {
        if (plan.version == self->version) self->run(plan);
      });
    });
  }

  void post_configs(InstanceConfigs configs) final {
    if (stopped) return;
    boost::asio::post(io, [self = this->shared_from_this(), configs = std::move(configs)] {
      std::lock_guard lock(self->mutex);
      self->step([&] { self->take_configs(configs); });
    });
  }

  void stop() final {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
    wake.cancel();
    derived().halted();
  }

  void leave() final {
    // A backend that goes while it still owns the directory gives it back: if its plugin's
    // start failed (a reload refused after this backend was made), the instance that keeps
    // running owns it again; otherwise no manager of the directory runs any more.
    if (!ownership) return;
    if (auto error = ownership->leave()) log(Level::warn, *error);
  }

  Derived& derived() { return static_cast<Derived&>(*this); }

  std::filesystem::path state_path() const { return dir / "state.json"; }

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

  // The instances changed since the state file was written, as they are now.
  StateChanges unsaved_changes() {
    StateChanges changes;
    changes.next_serial = next_serial;
    for (const std::string& name : unsaved) {
      const auto it = entries.find(name);
      changes.instances.emplace(
          name, it != entries.end() ? std::optional(it->second.record()) : std::nullopt);
    }
    unsaved.clear();
    return changes;
  }

  // Records what changed since the state file was written.
  void save() {
    StateChanges changes = unsaved_changes();
    if (changes.instances.empty()) return;
    try {
      recorder.record(changes);
    } catch (const std::exception& e) {
      log(Level::warn, std::string(e.what()) +
                           ": a manager started after a crash may not find the " + names.instances +
                           " changed since");
    }
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
  // only while this backend owns the directory. Once a newer manager has claimed it, this
  // one acts no more.
  template <class F>
  void step(F act) {
    if (stopped || superseded) return;
    const GroupOwnership::Held held = ownership->hold();
    if (!ownership->owned()) {
      superseded = true;
      log(Level::warn, "another manager took over " + dir.string() + ": this one no longer " +
                           names.acts + " or records anything");
      return;
    }
    act();
    commit();
  }

  // After each handler: a change becomes a new version, recorded, then reported. The report
  // and its changes are one batch, so each lands in a tick of its own (an event source
  // occurs once per tick).
  void commit() {
    if (!changed) return;
    changed = false;
    ++version;
    save();
    if (!following) return;
    std::vector<InstanceEvent> changes = events();
    reported = table;
    outputs.graph->batch([&] {
      outputs.observed.set(report());
      if (!changes.empty()) outputs.events.emit(std::move(changes));
    });
  }

  // --- Actions ---

  void failed(const std::string& name, Entry& entry, const std::string& reason) {
    entry.instance.failures += 1;
    const std::chrono::milliseconds wait = backoff.delay(entry.instance.failures);
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
    entry.instance.group = group;
    entry.instance.extra = action.extra;
    entry.instance.spec_hash = spec_hash(action.spec);
    entry.spec = action.spec;
    derived().launch(action.name, entries.emplace(action.name, std::move(entry)).first->second);
  }

  void retry(const Action& action) {
    auto it = entries.find(action.name);
    if (it == entries.end() || it->second.instance.state != InstanceState::failed) return;
    it->second.spec = action.spec;
    it->second.instance.spec_hash = spec_hash(action.spec);
    derived().launch(action.name, it->second);
  }

  void forget(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end()) return;
    const InstanceState phase = it->second.instance.state;
    if (phase != InstanceState::exited && phase != InstanceState::failed) return;
    entries.erase(it);
    table = table.erase(name);
    touch(name);
    derived().forgotten(name);
  }

  void run(const Plan& plan) {
    derived().before_run(plan);
    for (const Action& action : plan.actions) {
      switch (action.kind) {
        case Action::Kind::create:
          create(action);
          break;
        case Action::Kind::retry:
          retry(action);
          break;
        case Action::Kind::stop:
          derived().stop_instance(action.name);
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
    wake.expires_after(std::chrono::milliseconds(std::max<std::int64_t>(0, *at - clock_ms())));
    wake.async_wait([self = this->shared_from_this(), at](const boost::system::error_code& error) {
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

  bool stopped = false;
  boost::asio::any_io_executor io;
  std::string group;
  std::filesystem::path dir;  // state_dir/GROUP
  Backoff backoff;
  InstanceBackend::Log log;
  Names names;
  StateRecorder recorder;  // of state_path()
  InstanceBackend::Outputs outputs;
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

  boost::asio::steady_timer wake;
  std::optional<GroupOwnership> ownership;  // of dir, claimed by start()
  bool superseded = false;                  // a newer manager claimed the directory
};

}  // namespace mirari::instances
