// Seed scenario 1's network path, timed: from a link appearing in the kernel to the Open
// vSwitch bridge holding the new rule set. Three stock plugins run in the SDK's harness as
// mirarid runs them: the net watcher following the switch's network namespace, the
// device-preference policy (one link binding, hold 0, preferring "up2" over "up1") and the
// openflow plugin. The switch is a private Open vSwitch (tests/support/ovs_switch.hpp) with
// bridge br0 holding the app's port and two uplinks, veths whose peers stay up: "up1" up all
// along, "up2" down. Each round sets up2 up over rtnetlink (it then has a carrier: the link
// appears as a candidate), and waits until the bridge holds the set that sends the app's
// traffic to up2; then sets it down and waits for the set back on up1.
//
// How "the bridge holds the set" is detected: by an effect on flows.applied, which the
// openflow plugin publishes once the switch answered the bundle's COMMIT (the switch then
// holds the set), stamped when the tick carrying it commits. No dump of the bridge is taken
// to find out, so the detection adds nothing but that tick to the figure. (The harness runs
// the plugin's executor on its own thread, so the figure also holds the plugin's read-back of
// the bridge after the bundle, one more round trip over the socket, which mirarid runs after
// publishing.)
//
// The baselines, in the same run: one bundle of the same set alone, over the management
// socket as the plugin sends it (connect, HELLO, port description, the bundle), and through
// `ovs-ofctl bundle` (bare_bundle.hpp).
//
// BM_LinkToOvs counters: total_median_us, total_p99_us (change request sent → flows.applied
// holding the new set), mirari_median_us, mirari_p99_us (change request sent → flows.desired
// holding the new set, committed: the kernel's notification, the watcher, the policy's tick;
// stamped by an effect), plugin_median_us (flows.desired committed → flows.applied committed:
// the openflow plugin and the switch), bundle_median_us (the bare bundle over OpenFlow),
// ofctl_bundle_median_us (the bare bundle through ovs-ofctl), total_x_bundle
// (total_median_us / bundle_median_us). Needs root and Open vSwitch.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bare_bundle.hpp"
#include "change_driver.hpp"
#include "command.hpp"
#include "device_preference_plugin.hpp"
#include "mirari/combinators.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/flows.hpp"
#include "mirari/testing.hpp"
#include "net_watcher_plugin.hpp"
#include "openflow_plugin.hpp"
#include "ovs_switch.hpp"
#include "samples.hpp"

namespace {

using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::bench::settle_or_throw;
using mirari::ports::flows::BridgeFlows;
using mirari::ports::flows::FlowsApplied;
using mirari::ports::flows::FlowsDesired;
using mirari::testing::OvsSwitch;
using mirari::testing::PluginHarness;
using Clock = std::chrono::steady_clock;

const std::string kBridge = "br0";

// The set sends to link: one of its flows outputs there.
bool sends_to(const BridgeFlows& set, const std::string& link) {
  for (const auto& flow : set.flows) {
    if (flow.actions.find("output:" + link) != std::string::npos) return true;
  }
  return false;
}

// An uplink of br0: a veth in the switch's namespace whose peer is up, on the bridge.
void add_uplink(OvsSwitch& ovs, const std::string& link) {
  mirari::testing::check_command(
      {"ip", "-n", ovs.netns(), "link", "add", link, "type", "veth", "peer", "name", link + "p"});
  mirari::testing::check_command({"ip", "-n", ovs.netns(), "link", "set", link + "p", "up"});
  ovs.add_port(kBridge, link);
}

mirari::Config binding() {
  return mirari::Config({{"name", std::string("app-uplink")},
                         {"kind", std::string("link")},
                         {"prefer", std::vector<std::string>{"up2", "up1"}},
                         {"hold_ms", std::int64_t{0}},
                         {"flows", mirari::Config({{"bridge", kBridge},
                                                   {"app_port", std::string("app0")},
                                                   {"priority", std::int64_t{100}}})}});
}

void BM_LinkToOvs(benchmark::State& state) {
  const auto rounds = static_cast<std::size_t>(state.range(0));
  OvsSwitch ovs;
  ovs.add_bridge(kBridge);
  ovs.add_internal_port(kBridge, "app0");
  add_uplink(ovs, "up1");
  add_uplink(ovs, "up2");
  mirari::bench::ChangeDriver driver(ovs.netns());
  const int up2 = driver.index_of("up2");
  driver.set_up(up2, false);

  // Stamped by effects once the tick that reached them commits; declared before the harness,
  // whose graph holds those effects.
  std::optional<Clock::time_point> desired_at, applied_at;
  std::optional<BridgeFlows> on_up2;  // the set the policy asks for on up2
  PluginHarness h;
  h.input<mirari::ports::ClockMs>(mirari::ports::kClock, 1'000);
  h.start(std::make_unique<mirari::net::NetWatcherPlugin>(), {{"netns", ovs.netns()}},
          "net-watcher");
  h.start(std::make_unique<mirari::policies::DevicePreferencePlugin>(),
          {{"bindings", std::vector<mirari::Config>{binding()}}}, "device-preference");
  h.start(std::make_unique<mirari::openflow::OpenflowPlugin>(),
          {{"ovs_rundir", ovs.rundir().string()}, {"verify_ms", std::int64_t{3'600'000}}},
          "openflow");
  mirari::Graph& graph = h.graph();
  graph.change(graph.add_owner("bench"), [&] {
    mirari::observe(graph.subscribe<FlowsDesired>(mirari::ports::flows::kFlowsDesired),
                    [&](const FlowsDesired& desired) {
                      const BridgeFlows* set = desired.find(kBridge);
                      if (set == nullptr || !sends_to(*set, "up2")) return;
                      if (!desired_at) desired_at = Clock::now();
                      on_up2 = *set;
                    });
    mirari::observe(graph.subscribe<FlowsApplied>(mirari::ports::flows::kFlowsApplied),
                    [&](const FlowsApplied& applied) {
                      const auto* bridge = applied.find(kBridge);
                      if (bridge != nullptr && bridge->error.empty() &&
                          sends_to(bridge->held, "up2") && !applied_at) {
                        applied_at = Clock::now();
                      }
                    });
  });
  const auto holds = [&](const std::string& link) {
    return [&h, link] {
      const auto* bridge = h.value<FlowsApplied>(mirari::ports::flows::kFlowsApplied).find(kBridge);
      return bridge != nullptr && bridge->error.empty() && sends_to(bridge->held, link);
    };
  };
  settle_or_throw(h, holds("up1"), "br0 did not come to hold the set on up1");

  std::vector<double> total, inside, plugin, bundle, ofctl_bundle;
  for (auto _ : state) {
    for (std::size_t round = 0; round < rounds; ++round) {
      desired_at.reset();
      applied_at.reset();
      const auto sent = Clock::now();
      driver.set_up(up2, true);
      settle_or_throw(
          h, [&] { return applied_at.has_value(); }, "br0 did not come to hold the set on up2");
      total.push_back(micros(*applied_at - sent));
      inside.push_back(micros(desired_at.value_or(*applied_at) - sent));
      plugin.push_back(micros(*applied_at - desired_at.value_or(*applied_at)));

      // The same set again, alone: the bridge already holds it, so it changes nothing.
      auto start = Clock::now();
      mirari::bench::openflow_bundle(ovs.rundir(), kBridge, on_up2.value());
      bundle.push_back(micros(Clock::now() - start));
      start = Clock::now();
      mirari::bench::ofctl_bundle(ovs.rundir(), kBridge, on_up2.value());
      ofctl_bundle.push_back(micros(Clock::now() - start));

      driver.set_up(up2, false);
      settle_or_throw(h, holds("up1"), "br0 did not come back to the set on up1");
    }
  }
  if (driver.refusals() != 0) throw std::runtime_error("the kernel refused a link change");
  state.counters["total_median_us"] = quantile(total, 0.5);
  state.counters["total_p99_us"] = quantile(total, 0.99);
  state.counters["mirari_median_us"] = quantile(inside, 0.5);
  state.counters["mirari_p99_us"] = quantile(inside, 0.99);
  state.counters["plugin_median_us"] = quantile(plugin, 0.5);
  state.counters["bundle_median_us"] = quantile(bundle, 0.5);
  state.counters["ofctl_bundle_median_us"] = quantile(ofctl_bundle, 0.5);
  state.counters["total_x_bundle"] = quantile(total, 0.5) / quantile(bundle, 0.5);
}

}  // namespace

BENCHMARK(BM_LinkToOvs)->Arg(100)->Iterations(1)->Unit(benchmark::kMillisecond);
