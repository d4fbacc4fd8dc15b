// The instance manager reconciling a group of real processes, as the plugin drives it: the
// plugin (process backend, reconciler) in the SDK's harness, whose one thread runs its ticks
// and its I/O handlers the way mirarid's graph thread and workers do. Each run takes the
// group's desired count from 0 to n and back to 0; the instances run /bin/sleep, with no
// start grace (an instance counts as running once it is spawned and watched). Everything the
// manager does per instance is in the figure: its plan, posix_spawn, its pidfd, its working
// directory and log file, each change recorded in the state file (appended and flushed, the
// file rewritten whole now and then: state_recorder.hpp), the report and the tick it lands
// in. The state directory is a temporary directory of the machine's /tmp.
//
// The baseline, in the same run: the same n processes spawned (posix_spawn) and stopped
// (SIGTERM, then waitpid) directly, with nothing else done.
//
// BM_Reconcile counters: n; up_per_s (instances per second from the count set to n to n
// running in instances.actual), down_per_s (from the count set to 0 to instances.actual empty,
// every process reaped); bare_up_per_s and bare_down_per_s (the baseline);
// up_x_bare and down_x_bare (baseline rate / manager rate: how many times the manager's
// work per instance costs the process's own).
#include <benchmark/benchmark.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "instance_manager_plugin.hpp"
#include "mirari/testing.hpp"
#include "proc_stat.hpp"
#include "sleep_group.hpp"
#include "temp_dir.hpp"

namespace {

using mirari::instances::InstanceManagerPlugin;
using mirari::ports::InstancesActual;
using mirari::ports::InstanceState;
using mirari::testing::PluginHarness;
using Clock = std::chrono::steady_clock;

using mirari::bench::kSleepCommand;
using mirari::bench::kSleepSeconds;
constexpr std::chrono::minutes kDeadline{5};

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Every child of the benchmark is killed and reaped when a run ends, converged or not:
// instances outlive the manager by design.
struct KillChildrenAtEnd {
  KillChildrenAtEnd() = default;
  KillChildrenAtEnd(const KillChildrenAtEnd&) = delete;
  KillChildrenAtEnd& operator=(const KillChildrenAtEnd&) = delete;
  ~KillChildrenAtEnd() {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
      const std::string name = entry.path().filename();
      pid_t pid = 0;
      if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc()) continue;
      const auto stat = mirari::testing::proc_stat(pid);
      if (!stat || stat->parent != ::getpid()) continue;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// Seconds to spawn n processes directly, and seconds to stop and reap them.
std::pair<double, double> bare(std::int64_t n) {
  std::vector<pid_t> pids;
  pids.reserve(static_cast<std::size_t>(n));
  const auto spawning = Clock::now();
  for (std::int64_t i = 0; i < n; ++i) pids.push_back(mirari::bench::spawn_sleep());
  const auto stopping = Clock::now();
  for (const pid_t pid : pids) ::kill(pid, SIGTERM);
  for (const pid_t pid : pids) ::waitpid(pid, nullptr, 0);
  const auto stopped = Clock::now();
  return {seconds(stopping - spawning), seconds(stopped - stopping)};
}

// Seconds from the count set to n to n running, and from the count set to 0 to none left.
std::pair<double, double> managed(std::int64_t n) {
  mirari::testing::TempDir dir;
  PluginHarness h;
  auto desired = h.input<int>("scale.bench.desired", 0);
  h.start(std::make_unique<InstanceManagerPlugin>(),
          {{"group", "bench"},
           {"command", kSleepCommand},
           {"args", std::vector<std::string>{kSleepSeconds}},
           {"min", std::int64_t{0}},
           {"max", n},
           {"state_dir", dir.path().string()},
           {"start_grace_ms", std::int64_t{0}},
           {"stop_timeout_ms", std::int64_t{60'000}}},
          "bench");
  h.settle();
  const auto up = Clock::now();
  desired.set(static_cast<int>(n));
  const bool all_up = h.settle_until(
      [&] {
        return mirari::bench::count_in(h, InstanceState::running) == static_cast<std::size_t>(n);
      },
      kDeadline);
  const auto down = Clock::now();
  desired.set(0);
  const bool all_down = h.settle_until(
      [&] { return h.value<InstancesActual>("instances.actual").empty(); }, kDeadline);
  const auto done = Clock::now();
  if (!all_up || !all_down) throw std::runtime_error("the group did not converge in 5 minutes");
  return {seconds(down - up), seconds(done - down)};
}

void BM_Reconcile(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  double up = 0, down = 0, bare_up = 0, bare_down = 0;
  for (auto _ : state) {
    try {
      const KillChildrenAtEnd cleanup;
      const auto [u, d] = managed(n);
      const auto [bu, bd] = bare(n);
      up += u, down += d, bare_up += bu, bare_down += bd;
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  const double runs = static_cast<double>(state.iterations());
  const double instances = static_cast<double>(n) * runs;
  state.counters["n"] = static_cast<double>(n);
  state.counters["up_per_s"] = instances / up;
  state.counters["down_per_s"] = instances / down;
  state.counters["bare_up_per_s"] = instances / bare_up;
  state.counters["bare_down_per_s"] = instances / bare_down;
  state.counters["up_x_bare"] = up / bare_up;
  state.counters["down_x_bare"] = down / bare_down;
}

BENCHMARK(BM_Reconcile)->ArgName("n")->Arg(100)->Arg(1000)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
