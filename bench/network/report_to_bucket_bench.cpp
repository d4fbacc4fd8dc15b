// Seed scenario 3 with networking, timed: from an instance's load report crossing a bound to
// the new instance running in a network namespace of its own and holding a bucket in the
// Open vSwitch select group that balances the group. Four stock plugins run in the SDK's
// harness as mirarid runs them: the load monitor, the threshold scaler (hold and cooldown 0,
// so the crossing report itself decides), the instance manager (process backend, `network`
// table: namespace, veth, port added to the bridge with ovs-vsctl, drain 0) and the openflow
// plugin with a [[balance]] rule. The switch is a private Open vSwitch
// (tests/support/ovs_switch.hpp) in the benchmark's own namespace, as the manager adds the
// instances' host veth ends to it. The group holds one instance of /bin/sleep; each round
// reports a load above the high bound and waits until flows.applied shows the select group
// with two buckets (the switch holds the new instance's bucket) while instances.actual shows
// two running; then a load below the low bound, and waits until the stopped instance, its
// port and its bucket are gone.
//
// The baseline, in the same run: posix_spawn of the same command alone.
//
// BM_ReportToBucket counters: up_median_us, up_p99_us (report sent → the new instance running
// and its bucket held by the switch), running_median_us (report sent → the new instance
// running in instances.actual: namespace, veth and switch port made, process started),
// spawn_median_us (the baseline), up_x_spawn. Needs root and Open vSwitch.
#include <benchmark/benchmark.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "instance_manager_plugin.hpp"
#include "load_monitor_plugin.hpp"
#include "mirari/combinators.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/flows.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/testing.hpp"
#include "openflow_plugin.hpp"
#include "ovs_switch.hpp"
#include "report_socket.hpp"
#include "samples.hpp"
#include "sleep_group.hpp"
#include "temp_dir.hpp"
#include "threshold_scaler_plugin.hpp"

namespace {

using mirari::bench::count_in;
using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::bench::settle_or_throw;
using mirari::ports::InstancesActual;
using mirari::ports::InstanceState;
using mirari::ports::flows::FlowsApplied;
using mirari::ports::flows::FlowsDesired;
using mirari::testing::OvsSwitch;
using mirari::testing::PluginHarness;
using Clock = std::chrono::steady_clock;

// The bridge lives in the host's namespace: its name must not be one of the host's. The
// group's name makes the instances' namespaces, mirari-GROUP-N.
const std::string kBridge = "mrbench-br0";
const std::string kGroup = "bnet";

// Deletes the group's instance namespaces (their veths go with them) when the benchmark
// starts and ends: instances outlive their manager by design.
class GroupNamespaces {
 public:
  GroupNamespaces() { remove(); }
  ~GroupNamespaces() { remove(); }
  GroupNamespaces(const GroupNamespaces&) = delete;
  GroupNamespaces& operator=(const GroupNamespaces&) = delete;

 private:
  static void remove() {
    std::istringstream in(mirari::testing::run_command({"ip", "netns", "list"}).output);
    for (std::string line; std::getline(in, line);) {
      const std::string name = line.substr(0, line.find(' '));
      if (name.starts_with("mirari-" + kGroup + "-")) {
        mirari::testing::run_command({"ip", "netns", "del", name});
      }
    }
  }
};

// The buckets of the select group as the switch held them when flows.applied was last
// written; -1 without the group.
long buckets(const FlowsApplied& applied) {
  const auto* bridge = applied.find(kBridge);
  if (bridge == nullptr || !bridge->error.empty()) return -1;
  for (const auto& group : bridge->held.groups) {
    if (group.id == 1) return static_cast<long>(group.buckets.size());
  }
  return -1;
}

double spawn_micros() {
  const auto start = Clock::now();
  const pid_t pid = mirari::bench::spawn_sleep();
  const double took = micros(Clock::now() - start);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return took;
}

// Kills the group's processes when the benchmark ends, whatever happened.
struct KillInstances {
  PluginHarness& h;
  ~KillInstances() {
    try {
      for (const auto& [name, instance] : h.value<InstancesActual>("instances.actual")) {
        if (instance.backend_id > 0) {
          ::kill(static_cast<pid_t>(instance.backend_id), SIGKILL);
          ::waitpid(static_cast<pid_t>(instance.backend_id), nullptr, 0);
        }
      }
    } catch (...) {
    }
  }
};

void BM_ReportToBucket(benchmark::State& state) {
  const auto rounds = static_cast<std::size_t>(state.range(0));
  OvsSwitch ovs(OvsSwitch::Where::host_namespace);
  ovs.add_bridge(kBridge);
  const GroupNamespaces namespaces;
  mirari::testing::TempDir dir;
  const auto socket = dir.path() / "load.sock";

  std::optional<Clock::time_point> running_at, bucket_at;
  PluginHarness h;
  h.input<mirari::ports::ClockMs>(mirari::ports::kClock, 1'000);
  // Traffic to the service address goes to the select group.
  mirari::ports::flows::BridgeFlows service;
  service.flows.push_back({0, 100, "ip,nw_dst=192.0.2.100", "group:1", 0});
  h.input<FlowsDesired>(mirari::ports::flows::kFlowsDesired, {{kBridge, service}});
  h.start(std::make_unique<mirari::load::LoadMonitorPlugin>(),
          {{"socket", socket.string()}, {"window", std::int64_t{1}}}, "load-monitor");
  h.start(std::make_unique<mirari::instances::InstanceManagerPlugin>(),
          {{"group", kGroup},
           {"command", std::string(mirari::bench::kSleepCommand)},
           {"args", std::vector<std::string>{mirari::bench::kSleepSeconds}},
           {"min", std::int64_t{1}},
           {"max", std::int64_t{2}},
           {"state_dir", (dir.path() / "state").string()},
           {"start_grace_ms", std::int64_t{0}},
           {"stop_timeout_ms", std::int64_t{5'000}},
           {"network", mirari::Config({{"bridge", kBridge},
                                       {"switch", std::string("ovs")},
                                       {"ovs_db", ovs.db_socket()},
                                       {"prefix", std::string("192.0.2.0/24")},
                                       {"gateway", std::string("192.0.2.1")},
                                       {"drain_ms", std::int64_t{0}}})}},
          "instance-manager");
  const KillInstances kill_instances{h};
  h.start(
      std::make_unique<mirari::openflow::OpenflowPlugin>(),
      {{"ovs_rundir", ovs.rundir().string()},
       {"verify_ms", std::int64_t{3'600'000}},
       {"balance", std::vector<mirari::Config>{mirari::Config(
                       {{"bridge", kBridge}, {"group_id", std::int64_t{1}}, {"group", kGroup}})}}},
      "openflow");
  h.start(std::make_unique<mirari::policies::ThresholdScalerPlugin>(),
          {{"group", kGroup},
           {"min_instances", std::int64_t{1}},
           {"max_instances", std::int64_t{2}},
           {"low", 0.3},
           {"high", 0.8},
           {"hold_ms", std::int64_t{0}},
           {"cooldown_ms", std::int64_t{0}}},
          "scaler");
  settle_or_throw(
      h,
      [&] {
        return count_in(h, InstanceState::running) == 1 &&
               buckets(h.value<FlowsApplied>(mirari::ports::flows::kFlowsApplied)) == 1;
      },
      "the group's first instance did not start with its bucket");
  const std::string first = h.value<InstancesActual>("instances.actual").begin()->first;
  mirari::bench::ReportSocket reports(socket);

  mirari::Graph& graph = h.graph();
  graph.change(graph.add_owner("bench"), [&] {
    mirari::observe(graph.subscribe<InstancesActual>("instances.actual"),
                    [&](const InstancesActual& actual) {
                      std::size_t running = 0;
                      for (const auto& [name, instance] : actual) {
                        if (instance.state == InstanceState::running) ++running;
                      }
                      if (running == 2 && !running_at) running_at = Clock::now();
                    });
    mirari::observe(graph.subscribe<FlowsApplied>(mirari::ports::flows::kFlowsApplied),
                    [&](const FlowsApplied& applied) {
                      if (buckets(applied) == 2 && !bucket_at) bucket_at = Clock::now();
                    });
  });

  std::vector<double> up, to_running, spawn;
  for (auto _ : state) {
    for (std::size_t round = 0; round < rounds; ++round) {
      running_at.reset();
      bucket_at.reset();
      const auto sent = Clock::now();
      reports.send(first + " load 0.95\n");
      settle_or_throw(
          h, [&] { return running_at && bucket_at; },
          "no instance came with its bucket for a load above the bound");
      up.push_back(micros(std::max(*running_at, *bucket_at) - sent));
      to_running.push_back(micros(*running_at - sent));

      reports.send(first + " load 0.05\n");
      settle_or_throw(
          h,
          [&] {
            return h.value<InstancesActual>("instances.actual").size() == 1 &&
                   buckets(h.value<FlowsApplied>(mirari::ports::flows::kFlowsApplied)) == 1;
          },
          "the stopped instance did not go with its bucket");
      // Back inside the band, so that the next report above it is a crossing.
      reports.send(first + " load 0.5\n");
      h.settle_until([] { return false; }, std::chrono::milliseconds(2));
      spawn.push_back(spawn_micros());
    }
  }
  state.counters["up_median_us"] = quantile(up, 0.5);
  state.counters["up_p99_us"] = quantile(up, 0.99);
  state.counters["running_median_us"] = quantile(to_running, 0.5);
  state.counters["spawn_median_us"] = quantile(spawn, 0.5);
  state.counters["up_x_spawn"] = quantile(up, 0.5) / quantile(spawn, 0.5);
}

}  // namespace

BENCHMARK(BM_ReportToBucket)->Arg(50)->Iterations(1)->Unit(benchmark::kMillisecond);
