#include "xen_backend.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "clock_ms.hpp"
#include "group_ownership.hpp"
#include "recorded_slots.hpp"
#include "state_file.hpp"
#include "state_recorder.hpp"
#include "xen_adoption.hpp"
#include "xen_domain_state.hpp"

namespace mirari::instances {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// A random (version 4) UUID, lower case.
std::string new_uuid() {
  std::random_device device;
  std::array<unsigned char, 16> b{};
  for (unsigned char& byte : b) byte = static_cast<unsigned char>(device());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

std::string describe(const std::optional<int>& status) {
  if (!status) return "went without a shutdown code";
  return "shut down (" + shutdown_name(*status) + ")";
}

bool live(InstanceState state) {
  return state == InstanceState::starting || state == InstanceState::running ||
         state == InstanceState::stopping;
}

struct Entry {
  InstanceStatus instance;
  InstanceSpec spec;
  std::string uuid;
  std::int64_t stop_deadline = kNever;  // stopping: when the domain is destroyed
};

}  // namespace

struct XenBackend::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor executor, Options opts, std::unique_ptr<XenToolstack> xen,
        Log l)
      : io(std::move(executor)),
        options(std::move(opts)),
        toolstack(std::move(xen)),
        log(std::move(l)),
        recorder(options.dir / "state.json"),
        poll_timer(io),
        wake(io) {}

  // Held by every handler and every public call: stop() never runs beside a handler.
  std::recursive_mutex mutex;
  bool stopped = false;

  boost::asio::any_io_executor io;
  Options options;
  std::unique_ptr<XenToolstack> toolstack;
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

  boost::asio::steady_timer poll_timer;
  boost::asio::steady_timer wake;
  bool list_failing = false;                // the last look at the domain list failed
  bool config_ignored = false;              // said once that instances.config is not delivered
  std::optional<GroupOwnership> ownership;  // of options.dir, claimed by adopt()
  bool superseded = false;                  // a newer manager claimed the directory

  fs::path state_path() const { return options.dir / "state.json"; }

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
    return RecordedInstance{entry.instance, entry.spec, 0, entry.uuid};
  }

  RecordedState recorded() const {
    RecordedState state;
    state.next_serial = next_serial;
    for (const auto& [name, entry] : entries) state.instances.emplace(name, record(entry));
    return state;
  }

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
  // only while this backend owns the directory (group_ownership.hpp).
  template <class F>
  void step(F act) {
    if (stopped || superseded) return;
    const GroupOwnership::Held held = ownership->hold();
    if (!ownership->owned()) {
      superseded = true;
      log(Level::warn, "another manager took over " + options.dir.string() +
                           ": this one no longer creates, destroys or records anything");
      return;
    }
    act();
    commit();
  }

  // Records the instances changed since the state file was written (state_recorder.hpp).
  void save() {
    StateChanges changes;
    changes.next_serial = next_serial;
    for (const std::string& name : unsaved) {
      const auto it = entries.find(name);
      changes.instances.emplace(
          name, it != entries.end() ? std::optional(record(it->second)) : std::nullopt);
    }
    unsaved.clear();
    if (changes.instances.empty()) return;
    try {
      recorder.record(changes);
    } catch (const std::exception& e) {
      log(Level::warn, std::string(e.what()) +
                           ": a manager started after a crash may not find the domains "
                           "changed since");
    }
  }

  // A change becomes a new version, recorded, then reported with its changes as one batch.
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
    const std::vector<ListedDomain> domains = toolstack->list_domains();
    ownership->claim();
    try {
      adopt_recorded(state, plan_adoption(state, domains, options.group));
    } catch (...) {
      ownership->give_back();
      throw;
    }
  }

  void adopt_recorded(const RecordedState& state, const AdoptionPlan& plan) {
    next_serial = state.next_serial;
    for (const auto& [name, recorded] : state.instances) {
      Entry entry{recorded.instance, recorded.spec, recorded.domain_uuid, kNever};
      InstanceStatus& i = entry.instance;
      if (const auto found = plan.adopted.find(name); found != plan.adopted.end()) {
        i.backend_id = found->second.domid;
        log(Level::info, "adopted " + name + " (domain " + std::to_string(i.backend_id) + ", " +
                             std::string(to_string(i.state)) + ")");
      } else if (i.state == InstanceState::starting && i.backend_id == 0) {
        i.state = InstanceState::failed;
        i.reason = "not created: the manager stopped while creating it";
        i.since = clock_ms();
        i.retry_at = i.since;
        log(Level::warn, name + " was not created: the manager stopped while creating it");
      } else if (live(i.state)) {
        i.status.reset();
        i.state = InstanceState::exited;
        i.since = clock_ms();
        log(Level::warn, name + " (domain " + std::to_string(i.backend_id) +
                             ") went while no manager watched it");
      }
      table = table.set(name, i);
      entries.emplace(name, std::move(entry));
    }
    for (const ListedDomain& d : plan.strangers) {
      log(Level::warn, "domain " + d.name + " (" + std::to_string(d.domid) +
                           ") is named like this group's instances but is not recorded as "
                           "one of them: left alone");
    }
    version = 1;
    reported = table;
    unsaved.clear();
    recorder.rewrite(recorded());
  }

  // --- Watching ---

  void schedule_poll(milliseconds after) {
    poll_timer.expires_after(after);
    poll_timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error) return;
      std::lock_guard lock(self->mutex);
      self->step([&] { self->look(); });
      if (!self->stopped && !self->superseded) self->schedule_poll(self->options.poll_interval);
    });
  }

  void destroy_domain(const std::string& name, const Entry& entry) {
    if (entry.instance.backend_id == 0) return;
    try {
      toolstack->destroy(static_cast<std::uint32_t>(entry.instance.backend_id));
    } catch (const std::exception& e) {
      log(Level::warn, "cannot destroy " + name + " (domain " +
                           std::to_string(entry.instance.backend_id) + "): " + e.what());
    }
  }

  void look() {
    std::vector<ListedDomain> domains;
    try {
      domains = toolstack->list_domains();
    } catch (const std::exception& e) {
      if (!list_failing) log(Level::warn, std::string(e.what()) + ": the domains are not seen");
      list_failing = true;
      return;
    }
    list_failing = false;
    std::map<std::string, const ListedDomain*> by_uuid;
    for (const ListedDomain& d : domains) by_uuid.emplace(d.uuid, &d);
    const std::int64_t now = clock_ms();
    for (auto& [name, entry] : entries) {
      if (!live(entry.instance.state) || entry.instance.backend_id == 0) continue;
      const auto it = by_uuid.find(entry.uuid);
      std::optional<DomainCondition> seen;
      if (it != by_uuid.end()) {
        seen = decode_domain_flags(it->second->flags);
        // A domain keeps its UUID through a save and restore, not its id.
        if (entry.instance.backend_id != it->second->domid) {
          entry.instance.backend_id = it->second->domid;
          update(name, entry);
        }
      }
      const bool grace_over = now - entry.instance.since >= options.start_grace.count();
      judged(name, entry, judge(entry.instance.state, seen, grace_over), now);
    }
  }

  void judged(const std::string& name, Entry& entry, const DomainVerdict& verdict,
              std::int64_t now) {
    const std::string who = name + " (domain " + std::to_string(entry.instance.backend_id) + ")";
    switch (verdict.kind) {
      case DomainVerdict::Kind::running:
        entry.instance.failures = 0;
        entry.instance.retry_at = 0;
        enter(name, entry, InstanceState::running);
        log(Level::info, who + " runs");
        return;
      case DomainVerdict::Kind::failed:
        if (verdict.destroy) destroy_domain(name, entry);
        failed(name, entry, verdict.reason);
        return;
      case DomainVerdict::Kind::exited: {
        if (verdict.destroy) destroy_domain(name, entry);
        const bool asked = entry.instance.state == InstanceState::stopping;
        entry.instance.status = verdict.status;
        entry.stop_deadline = kNever;
        enter(name, entry, InstanceState::exited);
        log(asked ? Level::info : Level::warn, who + " " + describe(verdict.status));
        return;
      }
      case DomainVerdict::Kind::unchanged:
        if (entry.instance.state == InstanceState::stopping && now >= entry.stop_deadline) {
          entry.stop_deadline = kNever;
          destroy_domain(name, entry);
          log(Level::warn, who + " did not stop within " +
                               std::to_string(options.stop_timeout.count()) + " ms: destroyed");
        }
        return;
    }
  }

  // --- Actions ---

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

  void launch(const std::string& name, Entry& entry) {
    entry.uuid = new_uuid();
    XenDomainConfig config;
    try {
      config = domain_config(name, entry.uuid, entry.spec, options.settings);
    } catch (const std::exception& e) {
      failed(name, entry, e.what());
      return;
    }
    // Recorded before libxl is asked, so that a manager started after a crash in between
    // finds the domain by its UUID (xen_adoption.hpp).
    entry.instance.backend_id = 0;
    entry.instance.status.reset();
    entry.instance.reason.clear();
    enter(name, entry, InstanceState::starting);
    save();
    try {
      entry.instance.backend_id = toolstack->create(config);
    } catch (const std::exception& e) {
      failed(name, entry, e.what());
      return;
    }
    // start_grace counts from the end of the build, which may have taken seconds.
    entry.instance.since = clock_ms();
    update(name, entry);
    log(Level::info,
        "created " + name + " (domain " + std::to_string(entry.instance.backend_id) + ")");
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
    const auto domid = static_cast<std::uint32_t>(entry.instance.backend_id);
    try {
      toolstack->shutdown(domid);
      entry.stop_deadline = clock_ms() + options.stop_timeout.count();
    } catch (const std::exception& e) {
      log(Level::warn, "cannot ask " + name + " (domain " + std::to_string(domid) +
                           ") to power off (" + e.what() + "): destroying it");
      entry.stop_deadline = kNever;
      destroy_domain(name, entry);
    }
    if (entry.instance.state != InstanceState::stopping) {
      enter(name, entry, InstanceState::stopping);
    }
    log(Level::info, "stopping " + name + " (domain " + std::to_string(domid) + ")");
  }

  void stop_instance(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end() || it->second.instance.backend_id == 0) return;
    const InstanceState phase = it->second.instance.state;
    if (phase == InstanceState::starting || phase == InstanceState::running) {
      begin_stop(name, it->second);
    }
  }

  void forget(const std::string& name) {
    auto it = entries.find(name);
    if (it == entries.end()) return;
    const InstanceState phase = it->second.instance.state;
    if (phase != InstanceState::exited && phase != InstanceState::failed) return;
    entries.erase(it);
    table = table.erase(name);
    touch(name);
  }

  void run(const Plan& plan) {
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
      if (clock_ms() < *at) {
        self->wake_at(at);
        return;
      }
      self->outputs.clock.set(clock_ms());
    });
  }

  void take_configs(const InstanceConfigs& configs) {
    if (config_ignored) return;
    for (const auto& [name, entry] : entries) {
      const InstanceConfig* config = configs.find(name);
      if (config == nullptr || config->empty()) continue;
      config_ignored = true;
      log(Level::warn, "instances.config has an entry for " + name +
                           ": the xen backend does not deliver configuration to domains");
      return;
    }
  }

  void stop() {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
    poll_timer.cancel();
    wake.cancel();
  }
};

XenBackend::XenBackend(boost::asio::any_io_executor io, Options options,
                       std::unique_ptr<XenToolstack> toolstack, Log log)
    : state_(std::make_shared<State>(std::move(io), std::move(options), std::move(toolstack),
                                     std::move(log))) {
  std::lock_guard lock(state_->mutex);
  try {
    state_->adopt();
  } catch (...) {
    state_->stop();
    throw;
  }
}

XenBackend::~XenBackend() {
  std::lock_guard lock(state_->mutex);
  state_->stop();
  if (!state_->ownership) return;
  if (auto error = state_->ownership->leave()) state_->log(Level::warn, *error);
}

Observed XenBackend::observed() const {
  std::lock_guard lock(state_->mutex);
  return state_->report();
}

InstanceSpecs XenBackend::recorded_extras() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_extras(state_->recorded());
}

std::int64_t XenBackend::recorded_members() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_members(state_->recorded());
}

void XenBackend::follow(Outputs outputs) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  s.outputs = std::move(outputs);
  s.following = true;
  s.step([&s] {
    // A stop begun by an earlier manager gets the whole stop_timeout again.
    for (auto& [name, entry] : s.entries) {
      if (entry.instance.state == InstanceState::stopping) {
        entry.stop_deadline = clock_ms() + s.options.stop_timeout.count();
      }
    }
  });
  s.schedule_poll(milliseconds(0));
}

void XenBackend::apply(Plan plan) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  boost::asio::post(state_->io, [self = state_, plan = std::move(plan)] {
    std::lock_guard lock(self->mutex);
    self->step([&] {
      if (plan.version == self->version) self->run(plan);
    });
  });
}

void XenBackend::deliver(InstanceConfigs configs) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  boost::asio::post(state_->io, [self = state_, configs = std::move(configs)] {
    std::lock_guard lock(self->mutex);
    self->step([&] { self->take_configs(configs); });
  });
}

void XenBackend::stop() {
  state_->stop();
}

}  // namespace mirari::instances
