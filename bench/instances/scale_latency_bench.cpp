// Seed scenario 3's decision path, timed: from an instance's load report crossing a bound to
// the instance manager's change to the group committed in instances.actual. Three stock
// plugins run in the SDK's harness as mirarid runs them, on one thread: the load-monitor
// reading its unix datagram socket, the threshold-scaler (hold and cooldown 0, so the
// crossing report itself decides), and the instance manager with its process backend. The
// group holds one instance of /bin/sleep; each round reports a load above the high bound
// under its name and waits for the second instance to appear (scale-up: the report, its
// tick, the new count, the plan, the instance's config.json and the state file's record
// written before posix_spawn, the pidfd, the report of the new instance and its tick), then
// a load below the low bound and waits for that instance to leave the running state (scale-down:
// the plan and the SIGTERM; a process that ends at once may be gone by the same settle), then for
// it to be gone.
//
// The baseline, in the same run: posix_spawn of the same command alone, the one part of
// scale-up that any manager pays.
//
// BM_ReportToCreate counters: up_median_us, up_p99_us (report sent → the new instance running
// in instances.actual), down_median_us, down_p99_us (report sent → the youngest instance no
// longer running), spawn_median_us (the baseline), up_x_spawn (up_median_us / spawn_median_us),
// and the medians of scale-up's stages, each stamped by an effect after its tick commits:
// load_median_us (the report in load.by_instance), desired_median_us (the policy's new count in
// scale.web.desired: the decision), listed_median_us (the new instance in instances.actual:
// the decision carried out, records and posix_spawn included: the create call is made before
// this stamp).
#include <benchmark/benchmark.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "instance_manager_plugin.hpp"
#include "latency.hpp"
#include "load_monitor_plugin.hpp"
#include "mirari/combinators.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/testing.hpp"
#include "report_socket.hpp"
#include "sleep_group.hpp"
#include "temp_dir.hpp"
#include "threshold_scaler_plugin.hpp"

namespace {

using mirari::bench::Clock;
using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::ports::InstancesActual;
using mirari::ports::InstanceState;
using mirari::testing::PluginHarness;

using mirari::bench::count_in;
using mirari::bench::kSleepCommand;
using mirari::bench::kSleepSeconds;
constexpr std::chrono::seconds kDeadline{10};

std::string only_instance(PluginHarness& h) {
  const auto& actual = h.value<InstancesActual>("instances.actual");
  if (actual.size() != 1) throw std::runtime_error("the group does not hold one instance");
  return actual.begin()->first;
}

double spawn_micros() {
  const auto start = Clock::now();
  const pid_t pid = mirari::bench::spawn_sleep();
  const double took = micros(Clock::now() - start);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return took;
}

void BM_ReportToCreate(benchmark::State& state) {
  const auto rounds = static_cast<std::size_t>(state.range(0));
  // Each stage of scale-up is stamped by an effect, once the tick that reached it commits.
  // Declared before the harness, whose graph holds those effects.
  std::optional<Clock::time_point> loaded, decided, listed;
  mirari::testing::TempDir dir;
  const auto socket = dir.path() / "load.sock";
  PluginHarness h;
  // A fixed clock: with hold and cooldown at 0 the scaler needs no time to pass.
  auto clock = h.input<mirari::ports::ClockMs>(mirari::ports::kClock, 1'000);
  h.start(std::make_unique<mirari::load::LoadMonitorPlugin>(),
          {{"socket", socket.string()}, {"window", std::int64_t{1}}}, "load-monitor");
  h.start(std::make_unique<mirari::instances::InstanceManagerPlugin>(),
          {{"group", "web"},
           {"command", kSleepCommand},
           {"args", std::vector<std::string>{kSleepSeconds}},
           {"min", std::int64_t{1}},
           {"max", std::int64_t{2}},
           {"state_dir", (dir.path() / "state").string()},
           {"start_grace_ms", std::int64_t{0}},
           {"stop_timeout_ms", std::int64_t{5'000}}},
          "instance-manager");
  h.start(std::make_unique<mirari::policies::ThresholdScalerPlugin>(),
          {{"group", "web"},
           {"min_instances", std::int64_t{1}},
           {"max_instances", std::int64_t{2}},
           {"low", 0.3},
           {"high", 0.8},
           {"hold_ms", std::int64_t{0}},
           {"cooldown_ms", std::int64_t{0}}},
          "scaler");
  if (!h.settle_until([&] { return count_in(h, InstanceState::running) == 1; }, kDeadline)) {
    throw std::runtime_error("the group's first instance did not start");
  }
  const std::string first = only_instance(h);
  mirari::bench::ReportSocket reports(socket);
  const auto stamp = [](std::optional<Clock::time_point>& at) {
    if (!at) at = Clock::now();
  };
  mirari::Graph& graph = h.graph();
  graph.change(graph.add_owner("bench"), [&] {
    using mirari::ports::load::LoadByInstance;
    mirari::observe(graph.subscribe<LoadByInstance>(mirari::ports::load::kByInstance),
                    [&loaded, stamp, first](const LoadByInstance& load) {
                      const double* mine = load.find(first);
                      if (mine != nullptr && *mine > 0.8) stamp(loaded);
                    });
    mirari::observe(graph.subscribe<int>("scale.web.desired"), [&decided, stamp](int n) {
      if (n == 2) stamp(decided);
    });
    mirari::observe(graph.subscribe<InstancesActual>("instances.actual"),
                    [&listed, stamp](const InstancesActual& actual) {
                      if (actual.size() == 2) stamp(listed);
                    });
  });

  std::vector<double> up, down, spawn, to_load, to_desired, to_listed;
  for (auto _ : state) {
    up.clear();
    down.clear();
    spawn.clear();
    for (std::size_t round = 0; round < rounds; ++round) {
      Clock::time_point seen;
      const auto when = [&](auto done) {
        return [&, done] {
          if (!done()) return false;
          seen = Clock::now();
          return true;
        };
      };
      auto sent = Clock::now();
      reports.send(first + " load 0.95\n");
      loaded.reset();
      decided.reset();
      listed.reset();
      if (!h.settle_until(when([&] { return count_in(h, InstanceState::running) == 2; }),
                          kDeadline)) {
        throw std::runtime_error("no instance came for a load above the bound");
      }
      up.push_back(micros(seen - sent));
      to_load.push_back(micros(loaded.value_or(seen) - sent));
      to_desired.push_back(micros(decided.value_or(seen) - sent));
      to_listed.push_back(micros(listed.value_or(seen) - sent));

      sent = Clock::now();
      reports.send(first + " load 0.05\n");
      if (!h.settle_until(when([&] { return count_in(h, InstanceState::running) == 1; }),
                          kDeadline)) {
        throw std::runtime_error("no instance went for a load below the bound");
      }
      down.push_back(micros(seen - sent));
      if (!h.settle_until([&] { return h.value<InstancesActual>("instances.actual").size() == 1; },
                          kDeadline)) {
        throw std::runtime_error("the stopped instance was not reaped");
      }
      // Back inside the band, so that the next report above it is a crossing.
      reports.send(first + " load 0.5\n");
      h.settle_until([] { return false; }, std::chrono::milliseconds(2));
      spawn.push_back(spawn_micros());
    }
  }
  state.counters["load_median_us"] = quantile(to_load, 0.5);
  state.counters["desired_median_us"] = quantile(to_desired, 0.5);
  state.counters["listed_median_us"] = quantile(to_listed, 0.5);
  state.counters["up_median_us"] = quantile(up, 0.5);
  state.counters["up_p99_us"] = quantile(up, 0.99);
  state.counters["down_median_us"] = quantile(down, 0.5);
  state.counters["down_p99_us"] = quantile(down, 0.99);
  state.counters["spawn_median_us"] = quantile(spawn, 0.5);
  state.counters["up_x_spawn"] = quantile(up, 0.5) / quantile(spawn, 0.5);
}

}  // namespace

BENCHMARK(BM_ReportToCreate)->Arg(200)->Iterations(1)->Unit(benchmark::kMillisecond);
