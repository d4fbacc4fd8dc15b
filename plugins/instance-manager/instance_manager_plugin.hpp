// The instance manager as a plugin: each instance of the plugin manages one scaling group
// (configuration: manager_options.hpp), whose instances the process backend runs
// (process_backend.hpp).
//
// Ports (types and JSON forms in the SDK's catalogue: mirari/ports/scaling.hpp,
// instances.hpp, load.hpp): subscribes scale.GROUP.desired, instances.desired.extra,
// instances.config and, with victim = "least-loaded", load.by_instance; publishes actual_port
// (default instances.actual) and events_port (default instances.events).
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
// While scale.GROUP.desired reads 0 — no policy has spoken yet (mirari/ports/scaling.hpp) —
// the manager keeps the number of counted members its state file recorded (at least min),
// and while nothing publishes instances.desired.extra, the extras it recorded: a restarted
// mirarid in which the policy starts after the manager neither stops nor duplicates
// anything. From the port's first change on, the port rules (a change to 0, made by hand,
// scales the group down to min).
//
// Stopping the plugin leaves its instances running; the next instance of the plugin on the
// same state directory adopts them. A reload does the same, the new instance taking the
// directory over from the old one (group_ownership.hpp); nothing needs a snapshot.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/load.hpp>
#include <mirari/ports/scaling.hpp>

#include "clock_ms.hpp"
#include "instance_types.hpp"
#include "manager_options.hpp"
#include "process_backend.hpp"
#include "reconciler.hpp"

namespace mirari::instances {

class InstanceManagerPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return manager_config_keys(); }

  void configure(const Config& config) override { options_ = parse_options(config); }

  void start(Context& ctx) override {
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
    auto clock = graph.source<std::int64_t>(clock_ms());
    // The count and the extras the policies ask for, or what was recorded while they have
    // not spoken (see above); then each change of their ports.
    auto desired_port = ctx.subscribe<ports::DesiredCount>(options_.desired_port());
    const ports::DesiredCount recorded_count =
        static_cast<ports::DesiredCount>(std::max(options_.rules.min, backend->recorded_members()));
    auto desired =
        latest(desired_port, desired_port.value() != 0 ? desired_port.value() : recorded_count);
    auto extras_port = ctx.subscribe<InstanceSpecs>(ports::kInstancesDesiredExtra);
    auto extras = latest(extras_port, published(graph, ports::kInstancesDesiredExtra)
                                          ? extras_port.value()
                                          : backend->recorded_extras());
    Signal<LoadTable> load = options_.rules.victim == VictimRule::least_loaded
                                 ? ctx.subscribe<LoadTable>(ports::load::kByInstance)
                                 : graph.source<LoadTable>({}).signal();

    // Configuration first: its effect reaches the backend before the first plan's creates.
    observe(ctx.subscribe<InstanceConfigs>(ports::kInstancesConfig),
            [backend](const InstanceConfigs& configs) { backend->deliver(configs); });
    auto plan = lift(desired, extras, observed.signal(), load, clock.signal(),
                     [reconciler = Reconciler(options_.rules)](
                         ports::DesiredCount count, const InstanceSpecs& wanted,
                         const Observed& now, const LoadTable& loads, std::int64_t time) {
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

 private:
  // initial, then each new value of port.
  template <class T>
  static Signal<T> latest(Signal<T> port, T initial) {
    return fold(changes(port), std::move(initial), [](const T&, const T& next) { return next; });
  }

  static bool published(const Graph& graph, const std::string& port) {
    const std::vector<PortInfo> ports = graph.ports();
    return std::any_of(ports.begin(), ports.end(),
                       [&](const PortInfo& p) { return p.name == port && !p.publisher.empty(); });
  }

  ManagerOptions options_;
  std::shared_ptr<ProcessBackend> backend_;
};

}  // namespace mirari::instances
