// The openflow reconfigurer as a plugin: makes each Open vSwitch bridge named in
// flows.desired hold exactly its set, and publishes what each holds in flows.applied (types
// and JSON forms in mirari/ports/flows.hpp). Configuration: openflow_options.hpp.
//
// The graph it adds:
//   flows.desired ────┐
//   instances.actual ─┴─> targets = plan_targets(...)  (validates; throws → the tick rolls
//                              │                        back, the bridges keep their sets)
//                              └──> effect: keeper.want(targets)
//   applied (input: what each pass of the keeper left) ──> flows.applied
// So a set reaches a switch only from a committed tick, through the keeper, which runs
// ovs-ofctl on the plugin's executor and never on the graph's thread (flow_keeper.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/flows.hpp>
#include <mirari/ports/instances.hpp>

#include "bridge_targets.hpp"
#include "flow_keeper.hpp"
#include "openflow_options.hpp"

namespace mirari::openflow {

class OpenflowPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return openflow_config_keys(); }

  static std::vector<PortDecl> ports() {
    namespace F = ports::flows;
    return {PortDecl::subscribes<F::FlowsDesired>(
                F::kFlowsDesired,
                "per bridge, the whole set of flows and groups it must hold; an invalid set is "
                "refused and its tick rolls back"),
            PortDecl::subscribes<ports::InstancesActual>(
                ports::kInstancesActual,
                "instances: the running ones with a port are the buckets of the balance groups"),
            PortDecl::publishes<F::FlowsApplied>(
                F::kFlowsApplied,
                "per bridge of flows.desired, the set it holds, why the desired one is not held, "
                "and when it was applied")};
  }

  void configure(const Config& config) override { options_ = parse_options(config); }

  void start(Context& ctx) override {
    Graph& graph = ctx.graph();
    auto applied = graph.source<ports::flows::FlowsApplied>({});
    ctx.publish(ports::flows::kFlowsApplied, applied.signal().named(ports::flows::kFlowsApplied));
    auto keeper = std::make_shared<FlowKeeper>(
        ctx.executor(), ctx.io(), Ofctl(options_.ovs_ofctl, options_.ovs_rundir, options_.timeout),
        options_.verify, applied, ctx.log());

    auto targets = lift(ctx.subscribe<ports::flows::FlowsDesired>(ports::flows::kFlowsDesired),
                        ctx.subscribe<ports::InstancesActual>(ports::kInstancesActual),
                        [balance = options_.balance](const ports::flows::FlowsDesired& desired,
                                                     const ports::InstancesActual& instances) {
                          return plan_targets(desired, instances, balance);
                        });
    observe(targets.named("targets"),
            [keeper](const BridgeTargets& wanted) { keeper->want(wanted); });
    keeper->start();
    keeper_ = std::move(keeper);
  }

  void stop() override {
    if (keeper_) keeper_->stop();
  }

 private:
  OpenflowOptions options_;
  std::shared_ptr<FlowKeeper> keeper_;
};

}  // namespace mirari::openflow
