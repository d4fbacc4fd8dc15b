#include "xen_backend.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "backend_core.hpp"
#include "clock_ms.hpp"
#include "xen_adoption.hpp"
#include "xen_data_config.hpp"
#include "xen_domain_state.hpp"

namespace mirari::instances {

namespace {

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

struct Entry {
  InstanceStatus instance;
  InstanceSpec spec;
  std::string uuid;
  std::int64_t stop_deadline = kNever;  // stopping: when the domain is destroyed
  // What its domain's data/config holds, as last written (none yet: not written since it
  // came to run, was adopted or got a new domain id).
  std::optional<InstanceConfig> delivered;

  RecordedInstance record() const { return RecordedInstance{instance, spec, 0, uuid}; }
};

// The xen backend's part (backend_core.hpp has the rest).
struct State final : BackendCore<State, Entry> {
  using Options = XenBackend::Options;

  State(boost::asio::any_io_executor executor, Options opts, std::unique_ptr<XenToolstack> xen,
        InstanceBackend::Log l)
      : BackendCore(std::move(executor), opts.group, opts.dir, opts.backoff, std::move(l),
                    {"domains", "creates, destroys"}, Flush::to_disk),
        options(std::move(opts)),
        toolstack(std::move(xen)),
        poll_timer(io) {}
  // Waits for the creates and destroys already asked for: none is dropped.
  ~State() override { toolstack_thread.join(); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  Options options;
  // Shared with the calls under way on toolstack_thread, which outlive the backend if need be.
  std::shared_ptr<XenToolstack> toolstack;
  // Where libxl's create and destroy run: they block for as long as libxl works (a domain
  // build: seconds at times), and the event loop goes on meanwhile. Their results come back
  // to the loop as handlers. Joined when the backend goes.
  boost::asio::thread_pool toolstack_thread{1};
  boost::asio::steady_timer poll_timer;
  bool list_failing = false;      // the last look at the domain list failed
  InstanceConfigs configs;        // the latest instances.config
  bool configs_known = false;     // given at least once: until then nothing is written
  DomainConfigWriter writer;      // into the domains' data/config
  bool delivery_failing = false;  // the last write to XenStore failed (said once)

  // --- Adoption ---

  void adopt_recorded(const RecordedState& state) {
    const AdoptionPlan plan = plan_adoption(state, toolstack->list_domains(), options.group);
    for (const auto& [name, recorded] : state.instances) {
      Entry entry{recorded.instance, recorded.spec, recorded.domain_uuid, kNever, {}};
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

  // On the toolstack thread; a failure is logged from the loop.
  void destroy_domain(const std::string& name, const Entry& entry) {
    if (entry.instance.backend_id == 0) return;
    const auto domid = static_cast<std::uint32_t>(entry.instance.backend_id);
    boost::asio::post(
        toolstack_thread, [weak = weak_from_this(), xen = toolstack, loop = io, name, domid] {
          try {
            xen->destroy(domid);
          } catch (const std::exception& e) {
            boost::asio::post(loop, [weak, what = "cannot destroy " + name + " (domain " +
                                                  std::to_string(domid) + "): " + e.what()] {
              const std::shared_ptr<State> self = weak.lock();
              if (!self) return;
              std::lock_guard lock(self->mutex);
              if (!self->stopped) self->log(Level::warn, what);
            });
          }
        });
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
          entry.delivered.reset();
          update(name, entry);
        }
      }
      const bool grace_over = now - entry.instance.since >= options.start_grace.count();
      judged(name, entry, judge(entry.instance.state, seen, grace_over), now);
      // A domain that came to run, or was adopted, gets its configuration; one whose write
      // failed gets it again.
      sync_config(name, entry);
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
    // Built on the toolstack thread; until created() the instance is starting without a
    // domain id, which the polling passes over and a stop waits for.
    boost::asio::post(toolstack_thread, [weak = weak_from_this(), xen = toolstack, loop = io, name,
                                         uuid = entry.uuid, config = std::move(config)] {
      std::optional<std::uint32_t> domid;
      std::string error;
      try {
        domid = xen->create(config);
      } catch (const std::exception& e) {
        error = e.what();
      }
      // The loop's handler holds the backend; this thread never does, so the backend never
      // goes (joining this thread) from it.
      boost::asio::post(loop, [weak, name, uuid, domid, error] {
        const std::shared_ptr<State> self = weak.lock();
        if (!self) return;
        std::lock_guard lock(self->mutex);
        self->step([&] { self->created(name, uuid, domid, error); });
      });
    });
  }

  // libxl's answer to launch(): the domain's id, or why it could not be built. A backend that
  // stopped before the answer came leaves the domain to the next manager, which finds it by
  // its recorded UUID.
  void created(const std::string& name, const std::string& uuid, std::optional<std::uint32_t> domid,
               const std::string& error) {
    const auto it = entries.find(name);
    if (it == entries.end() || it->second.uuid != uuid ||
        it->second.instance.state != InstanceState::starting) {
      return;
    }
    Entry& entry = it->second;
    if (!domid) {
      failed(name, entry, error);
      return;
    }
    entry.instance.backend_id = *domid;
    // start_grace counts from the end of the build, which may have taken seconds.
    entry.instance.since = clock_ms();
    update(name, entry);
    log(Level::info, "created " + name + " (domain " + std::to_string(*domid) + ")");
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

  // --- Configuration ---

  // A running domain's data/config is made to hold its entry of instances.config whenever
  // that differs from what was last written there.
  void sync_config(const std::string& name, Entry& entry) {
    if (!configs_known || entry.instance.state != InstanceState::running ||
        entry.instance.backend_id == 0) {
      return;
    }
    const InstanceConfig* found = configs.find(name);
    const InstanceConfig wanted = found != nullptr ? *found : InstanceConfig{};
    if (entry.delivered == wanted) return;
    const auto domid = static_cast<std::uint32_t>(entry.instance.backend_id);
    try {
      writer.write(domid, wanted);
    } catch (const std::exception& e) {
      if (!delivery_failing) {
        log(Level::warn, "configuration of " + name + " not delivered (" + e.what() +
                             "): tried again at each look at the domains");
      }
      delivery_failing = true;
      return;
    }
    delivery_failing = false;
    entry.delivered = wanted;
    log(Level::info,
        "configuration of " + name + " delivered to " + DomainConfigWriter::directory(domid));
  }

  void take_configs(const InstanceConfigs& latest) {
    configs = latest;
    configs_known = true;
    for (auto& [name, entry] : entries) sync_config(name, entry);
  }

  void forgotten(const std::string&) {}
  void before_run(const Plan&) {}

  void followed() {
    // A stop begun by an earlier manager gets the whole stop_timeout again.
    for (auto& [name, entry] : entries) {
      if (entry.instance.state == InstanceState::stopping) {
        entry.stop_deadline = clock_ms() + options.stop_timeout.count();
      }
    }
  }

  void after_follow() { schedule_poll(milliseconds(0)); }

  void halted() { poll_timer.cancel(); }
};

}  // namespace

XenBackend::XenBackend(boost::asio::any_io_executor io, Options options,
                       std::unique_ptr<XenToolstack> toolstack, Log log)
    : CoreBackend(std::make_shared<State>(std::move(io), std::move(options), std::move(toolstack),
                                          std::move(log))) {}

}  // namespace mirari::instances
