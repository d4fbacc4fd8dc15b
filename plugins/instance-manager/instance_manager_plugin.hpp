// The instance manager as a plugin: each instance of the plugin manages one scaling group
// (configuration: manager_options.hpp), whose instances the process backend runs
// (process_backend.hpp).
//
// Ports (types and JSON forms: instances.hpp): subscribes scale.GROUP.desired,
// instances.desired.extra, instances.config and, with victim = "least-loaded",
// load.by_instance; publishes actual_port (default instances.actual) and events_port
// (default instances.events).
//
// The graph it adds:
//   observed ─┐  (input: the backend's report; each report lands in a tick of its own)
//   clock ────┤  (input: written when a back-off ends)
//   desired ──┼─> plan = Reconciler::plan(...) ──> effect: backend.apply(plan)
//   extras ───┤
//   load ─────┘
//   observed ──> actual_port (its instances)
//   events ─────> events_port (input: the changes of each report, in the order they happened)
//   instances.config ──> effect: backend.deliver(...)
// So every create, stop and replace is an effect of a committed tick, and what it did comes
// back as a new report, in a later tick.
//
// Until a policy publishes scale.GROUP.desired, the manager keeps the number of counted
// members its state file recorded (at least min), and until one publishes
// instances.desired.extra, the extras it recorded: a restarted mirarid in which the policy
// starts after the manager neither stops nor duplicates anything. From the port's first
// change on, the port rules. (A port that is published holding 0 or nothing does not change,
// so a policy that wants 0 from its start is followed from its next change.)
//
// Stopping the plugin leaves its instances running; the next instance of the plugin on the
// same state directory adopts them. A reload hands over in the same way.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>

#include "instances.hpp"
#include "manager_options.hpp"
#include "process_backend.hpp"
#include "reconciler.hpp"

namespace mirari::instances {

struct InstancePorts {
  static constexpr const char* kExtra = "instances.desired.extra";
  static constexpr const char* kConfig = "instances.config";
  static constexpr const char* kLoad = "load.by_instance";
};

class InstanceManagerPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return manager_config_keys(); }

  void configure(const Config& config) override { options_ = parse_options(config); }

  void start(Context& ctx) override {
    using P = InstancePorts;
    auto backend = std::make_shared<ProcessBackend>(
        ctx.io(),
        ProcessBackend::Options{options_.rules.group, options_.group_dir(), options_.start_grace,
                                options_.stop_timeout, options_.backoff},
        [&log = ctx.log()](ProcessBackend::Level level, const std::string& what) {
          if (level == ProcessBackend::Level::warn) {
            log.warn("{}", what);
          } else {
            log.info("{}", what);
          }
        });
    Graph& graph = ctx.graph();

    auto observed = graph.source<Observed>(backend->observed());
    auto events = graph.event_source<std::vector<InstanceEvent>>();
    auto clock = graph.source<std::int64_t>(now_ms());
    auto desired = port_or_recorded(graph, options_.desired_port(),
                                    std::max(options_.rules.min, backend->recorded_members()));
    auto extras = port_or_recorded(graph, std::string(P::kExtra), backend->recorded_extras());
    Signal<LoadTable> load = options_.rules.victim == VictimRule::least_loaded
                                 ? ctx.subscribe<LoadTable>(P::kLoad)
                                 : graph.source<LoadTable>({}).signal();

    // Configuration first: its effect reaches the backend before the first plan's creates.
    observe(ctx.subscribe<InstanceConfigs>(P::kConfig),
            [backend](const InstanceConfigs& configs) { backend->deliver(configs); });
    auto plan = lift(desired, extras, observed.signal(), load, clock.signal(),
                     [reconciler = Reconciler(options_.rules)](
                         std::int64_t count, const InstanceSpecs& wanted, const Observed& now,
                         const LoadTable& loads, std::int64_t time) {
                       return reconciler.plan(count, wanted, now, loads, time);
                     });
    observe(plan.named("plan"), [backend](const Plan& p) { backend->apply(p); });

    auto actual = map(observed.signal(), [](const Observed& o) { return o.instances; });
    ctx.publish(options_.actual_port, actual.named(options_.actual_port));
    ctx.publish(options_.events_port, events.event().named(options_.events_port));

    backend->follow({&graph, observed, events, clock});
    backend_ = std::move(backend);
  }

  void stop() override {
    if (backend_) backend_->stop();
  }

  // Nothing to carry: the state file holds the instances. Taking a snapshot means a reload
  // has begun, so this instance leaves starting and stopping to the next one.
  std::optional<std::string> snapshot() const override {
    if (backend_) backend_->hand_over();
    return std::nullopt;
  }

 private:
  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // The port's value when something publishes it, else recorded; then each of its changes.
  template <class T>
  static Signal<T> port_or_recorded(Graph& graph, const std::string& port, T recorded) {
    Signal<T> value = graph.subscribe<T>(port);
    const std::vector<PortInfo> ports = graph.ports();
    const bool published = std::any_of(ports.begin(), ports.end(), [&](const PortInfo& p) {
      return p.name == port && !p.publisher.empty();
    });
    return fold(changes(value), published ? value.value() : std::move(recorded),
                [](const T&, const T& next) { return next; });
  }

  ManagerOptions options_;
  std::shared_ptr<ProcessBackend> backend_;
};

}  // namespace mirari::instances
