// The instance manager as a plugin: each instance of the plugin manages one scaling group
// (configuration: manager_options.hpp), whose instances the backend it names runs: the
// process backend (process_backend.hpp) or the xen backend (xen_backend.hpp), both driven
// through InstanceBackend (instance_backend.hpp). With backend = "xen", configure() opens
// the Xen toolstack and refuses the configuration, naming what is missing, on a host that is
// not a Xen dom0 or in a build without libxen.
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
// With a `network` table naming a bridge (process backend), configure() refuses a host that
// lacks ip (or, for an ovs switch, ovs-vsctl), and each instance's port on the bridge is the
// `port` of its entry in actual_port.
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
#include "network_attachment.hpp"
#include "process_backend.hpp"
#include "reconciler.hpp"
#if MIRARI_HAVE_XEN
#include "xen_backend.hpp"
#endif

namespace mirari::instances {

class InstanceManagerPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return manager_config_keys(); }

  static std::vector<PortDecl> ports() {
    return {
        PortDecl::subscribes<ports::DesiredCount>(
            ports::kDesiredCountPattern,
            "how many instances of the group a policy wants, starting and running ones counted"),
        PortDecl::subscribes<InstanceSpecs>(
            ports::kInstancesDesiredExtra,
            "instances wanted besides a group's counted ones, each with its own spec"),
        PortDecl::subscribes<LoadTable>(
            ports::load::kByInstance,
            "instances' load, to stop the least loaded first (victim = \"least-loaded\")"),
        PortDecl::subscribes<InstanceConfigs>(
            ports::kInstancesConfig, "key/value configuration delivered to each running instance"),
        PortDecl::publishes<InstancesActual>(
            "{actual_port}",
            "every instance the manager started or adopted (group, state, since, ...), by name"),
        PortDecl::publishes_events<std::vector<InstanceEvent>>(
            "{events_port}",
            "the changes one report of the manager made to its instances table, in order")};
  }

  void configure(const Config& config) override {
    ManagerOptions options = parse_options(config);
#if MIRARI_HAVE_XEN
    std::unique_ptr<XenToolstack> toolstack;
    if (options.backend == BackendKind::xen) {
      try {
        toolstack = XenToolstack::open();
      } catch (const XenUnavailable& e) {
        throw ConfigError(e.what(), "backend");
      }
    }
    toolstack_ = std::move(toolstack);
#else
    if (options.backend == BackendKind::xen) {
      throw ConfigError(
          "this instance-manager.so was built without the xen backend (pkg-config found no "
          "xencontrol and xenlight: libxen-dev was not installed)",
          "backend");
    }
#endif
    if (options.network.enabled()) {
      try {
        NetworkAttacher(options.network, options.rules.group);
      } catch (const std::runtime_error& e) {
        throw ConfigError(e.what(), "network.switch");
      }
    }
    options_ = std::move(options);
  }

  void start(Context& ctx) override {
    std::shared_ptr<InstanceBackend> backend = make_backend(ctx);
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
  std::shared_ptr<InstanceBackend> make_backend(Context& ctx) {
    InstanceBackend::Log log = [&sink = ctx.log()](InstanceBackend::Level level,
                                                   const std::string& what) {
      if (level == InstanceBackend::Level::warn) {
        sink.warn("{}", what);
      } else {
        sink.info("{}", what);
      }
    };
#if MIRARI_HAVE_XEN
    if (options_.backend == BackendKind::xen) {
      // Opened at configure; a second start without a configure opens it again.
      std::unique_ptr<XenToolstack> toolstack =
          toolstack_ ? std::move(toolstack_) : XenToolstack::open();
      return std::make_shared<XenBackend>(
          ctx.io(),
          XenBackend::Options{options_.rules.group, options_.group_dir(), options_.xen,
                              options_.start_grace, options_.stop_timeout, options_.poll_interval,
                              options_.backoff},
          std::move(toolstack), std::move(log));
    }
#endif
    return std::make_shared<ProcessBackend>(
        ctx.io(),
        ProcessBackend::Options{options_.rules.group, options_.group_dir(), options_.start_grace,
                                options_.stop_timeout, options_.backoff, options_.network},
        std::move(log));
  }

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
#if MIRARI_HAVE_XEN
  std::unique_ptr<XenToolstack> toolstack_;  // backend xen: opened at configure
#endif
  std::shared_ptr<InstanceBackend> backend_;
};

}  // namespace mirari::instances
