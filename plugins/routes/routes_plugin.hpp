// The routes reconfigurer as a plugin: configuration in router_options.hpp; ports
// routes.desired (subscribed) and routes.applied (published), types in the SDK's catalogue
// (mirari/ports/routes.hpp).
//
// The graph it adds:
//   routes.desired ──> checked = check_desired(...)        (in the tick: bad sets refused)
//   checked ──> accepted (fold: a refused router keeps its last good set)
//   accepted ──> effect: programmer.want(...)               (after commit, off the graph)
//   programmed (input: each pass's results) ─┬─> routes.applied
//   checked ─────────────────────────────────┘
// So every change to a router is the effect of a committed tick, and what the router holds
// comes back as a new input, in a later tick.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/port_declaration.hpp>
#include <mirari/ports/routes.hpp>

#include "desired_check.hpp"
#include "frr_backend.hpp"
#include "netlink_backend.hpp"
#include "route_programmer.hpp"
#include "router_options.hpp"

namespace mirari::routes {

class RoutesPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return routes_config_keys(); }

  static std::vector<PortDecl> ports() {
    namespace P = ports::routes;
    return {PortDecl::subscribes<RoutesDesired>(
                "{desired}",
                "per router: the routes it must hold beside its own, and the prefixes it must "
                "announce over BGP"),
            PortDecl::publishes<RoutesApplied>(
                P::kRoutesApplied,
                "per router: what it holds of the plugin's, when it was programmed, and why "
                "the latest desired set is not held (empty when it is)")};
  }

  void configure(const Config& config) override { options_ = parse_options(config); }

  void start(Context& ctx) override {
    namespace P = ports::routes;
    Graph& graph = ctx.graph();
    std::map<std::string, BackendKind> kinds;
    Backends backends;
    for (const RouterOptions& r : options_.routers) {
      kinds[r.name] = r.backend;
      if (r.backend == BackendKind::frr) {
        backends[r.name] = std::make_unique<FrrBackend>(r);
      } else {
        backends[r.name] = std::make_unique<NetlinkBackend>(r);
      }
    }

    auto programmed = graph.source<RoutesApplied>({});
    auto programmer = std::make_shared<RouteProgrammer>(
        ctx.executor(), ctx.io(), std::move(backends), options_.verify,
        [programmed](const RoutesApplied& results) { programmed.set(results); });

    auto desired = ctx.subscribe<RoutesDesired>(options_.desired);
    auto checked =
        map(desired, [kinds](const RoutesDesired& d) { return check_desired(d, kinds); });
    auto accepted = fold(changes(checked), accept({}, check_desired(desired.value(), kinds)),
                         [](const RoutesDesired& previous, const CheckedDesired& now) {
                           return accept(previous, now);
                         });
    observe(accepted.named("accepted"),
            [programmer](const RoutesDesired& sets) { programmer->want(sets); });
    auto applied = lift(programmed.signal(), checked, applied_view);
    ctx.publish(P::kRoutesApplied, applied.named(P::kRoutesApplied));

    programmer->start();
    programmer_ = std::move(programmer);
  }

  void stop() override {
    if (programmer_) programmer_->stop();
  }

 private:
  RoutesOptions options_;
  std::shared_ptr<RouteProgrammer> programmer_;
};

}  // namespace mirari::routes
