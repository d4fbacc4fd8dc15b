// The largest rule set an Open vSwitch bridge has replaced whole, atomically, within 100 ms:
// the openflow plugin in the SDK's harness, against a private Open vSwitch
// (tests/support/ovs_switch.hpp) with bridge br0 and two ports, alternates flows.desired
// between two sets of N flows (TCP to 192.0.2.0/24 by destination port, sent to p1 in one set
// and to p2 in the other), so every round replaces all N flows in one bundle.
//
// "Holding" is seen by an effect on flows.applied, which the plugin publishes once the switch
// answered the bundle's COMMIT; no dump of the bridge is taken to find out.
//
// The baselines, in the same run: the same set alone in one bundle over the management
// socket, as the plugin sends it, and through `ovs-ofctl bundle` (bare_bundle.hpp).
//
// BM_ReplaceFlows/N counters: plugin_median_ms (flows.desired set → flows.applied holding the
// new set, committed: the tick's validation, the bundle, and, the harness running the
// plugin's executor on its own thread, the read-back the plugin keeps for drift, which
// mirarid runs after publishing), bundle_median_ms (the bare bundle over OpenFlow),
// ofctl_bundle_median_ms (through ovs-ofctl), plugin_x_bundle, plugin_within_100ms,
// bundle_within_100ms and ofctl_bundle_within_100ms (1 when the median is under 100 ms).
// Needs root and Open vSwitch.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bare_bundle.hpp"
#include "mirari/combinators.hpp"
#include "mirari/ports/flows.hpp"
#include "mirari/testing.hpp"
#include "openflow_plugin.hpp"
#include "ovs_switch.hpp"
#include "samples.hpp"

namespace {

using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::bench::settle_or_throw;
using mirari::ports::flows::BridgeFlows;
using mirari::ports::flows::Flow;
using mirari::ports::flows::FlowsApplied;
using mirari::ports::flows::FlowsDesired;
using mirari::testing::OvsSwitch;
using mirari::testing::PluginHarness;
using Clock = std::chrono::steady_clock;

const std::string kBridge = "br0";
constexpr std::size_t kRounds = 5;

// n flows, each TCP to one address of 192.0.2.0/24 and one destination port, sent to port.
BridgeFlows rule_set(std::size_t n, const std::string& port) {
  BridgeFlows set;
  set.flows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    set.flows.push_back(Flow{
        0, 100,
        "tcp,nw_dst=192.0.2." + std::to_string(i % 256) + ",tp_dst=" + std::to_string(i / 256 + 1),
        "output:" + port, 0});
  }
  return set;
}

bool holds(const mirari::ports::flows::AppliedBridge* bridge, std::size_t n,
           const std::string& port) {
  return bridge != nullptr && bridge->error.empty() && bridge->held.flows.size() == n &&
         bridge->held.flows.front().actions == "output:" + port;
}

void BM_ReplaceFlows(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  OvsSwitch ovs;
  ovs.add_bridge(kBridge);
  ovs.add_internal_port(kBridge, "p1");
  ovs.add_internal_port(kBridge, "p2");
  const BridgeFlows to_p1 = rule_set(n, "p1");
  const BridgeFlows to_p2 = rule_set(n, "p2");

  std::optional<Clock::time_point> applied_at;
  std::string awaited;
  PluginHarness h;
  auto desired = h.input<FlowsDesired>(mirari::ports::flows::kFlowsDesired);
  h.start(std::make_unique<mirari::openflow::OpenflowPlugin>(),
          {{"ovs_rundir", ovs.rundir().string()},
           {"verify_ms", std::int64_t{3'600'000}},
           {"timeout_s", std::int64_t{60}}},
          "openflow");
  mirari::Graph& graph = h.graph();
  graph.change(graph.add_owner("bench"), [&] {
    mirari::observe(graph.subscribe<FlowsApplied>(mirari::ports::flows::kFlowsApplied),
                    [&](const FlowsApplied& applied) {
                      if (!applied_at && holds(applied.find(kBridge), n, awaited)) {
                        applied_at = Clock::now();
                      }
                    });
  });

  std::vector<double> plugin, bundle, ofctl_bundle;
  for (auto _ : state) {
    for (std::size_t round = 0; round < kRounds; ++round) {
      const bool second = round % 2 == 1;
      const BridgeFlows& set = second ? to_p2 : to_p1;
      awaited = second ? "p2" : "p1";
      applied_at.reset();
      const auto start = Clock::now();
      desired.set({{kBridge, set}});
      settle_or_throw(
          h, [&] { return applied_at.has_value(); }, "br0 did not come to hold the set");
      plugin.push_back(micros(*applied_at - start));

      auto sent = Clock::now();
      mirari::bench::openflow_bundle(ovs.rundir(), kBridge, set);
      bundle.push_back(micros(Clock::now() - sent));
      sent = Clock::now();
      mirari::bench::ofctl_bundle(ovs.rundir(), kBridge, set);
      ofctl_bundle.push_back(micros(Clock::now() - sent));
    }
  }
  const double plugin_ms = quantile(plugin, 0.5) / 1000;
  const double bundle_ms = quantile(bundle, 0.5) / 1000;
  const double ofctl_ms = quantile(ofctl_bundle, 0.5) / 1000;
  state.counters["plugin_median_ms"] = plugin_ms;
  state.counters["bundle_median_ms"] = bundle_ms;
  state.counters["plugin_x_bundle"] = plugin_ms / bundle_ms;
  state.counters["plugin_within_100ms"] = plugin_ms < 100 ? 1 : 0;
  state.counters["bundle_within_100ms"] = bundle_ms < 100 ? 1 : 0;
  state.counters["ofctl_bundle_median_ms"] = ofctl_ms;
  state.counters["ofctl_bundle_within_100ms"] = ofctl_ms < 100 ? 1 : 0;
}

}  // namespace

BENCHMARK(BM_ReplaceFlows)
    ->Arg(1'000)
    ->Arg(2'000)
    ->Arg(5'000)
    ->Arg(10'000)
    ->Arg(30'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
