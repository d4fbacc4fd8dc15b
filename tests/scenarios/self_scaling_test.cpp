// Seed scenario 3, self-scaling, end to end: a real mirarid runs the clock, the load monitor,
// the instance manager (process backend) and a stock scaler for the group "app", whose
// instances are real processes (mirari-load-generator, load_generator.cpp) reporting the
// load the test writes to a file to the monitor's socket. The test drives nothing but that
// file, mirarid itself and the instances' processes, and checks what mirarictl reads
// (instances.actual, scale.app.desired, load.by_instance) against what /proc shows:
//
//  1. load in the band: one instance runs and reports;
//  2. load above the bound: a second process starts and shows running in instances.actual;
//  3. mirarid killed with SIGKILL and started again on the same directories: it adopts both
//     processes (same names, same pids), starts none twice and leaves none behind;
//  4. one instance killed by hand (SIGKILL): the manager replaces it with a new process;
//  5. load below the bound: once the policy's hold and cooldown (or stabilization window)
//     have passed, one instance is stopped and its process ends.
//
// The same scenario runs with the threshold scaler (CTest "scenario-self-scaling") and with
// the target-tracking scaler ("scenario-self-scaling-target-tracking"). Times are short in
// the configuration and only bound how long eventually() waits; nothing asserts a duration.
// Every generator is killed when a test ends, whatever it did (generator_processes.hpp).
//
//   ctest --test-dir build -L scenario --output-on-failure
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/prctl.h>

#include <cmath>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "config_text.hpp"
#include "daemon.hpp"
#include "generator_processes.hpp"

namespace fs = std::filesystem;
using mirari::scenario::generators_under;
using mirari::scenario::kGenerator;
using mirari::scenario::replace_all;
using mirari::scenario::StopGeneratorsAtEnd;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::alive;
using mirari::testing::TempDir;
using nlohmann::json;

namespace {

// mirarid saves its plugins' snapshots every second; the test waits for the scaler's count to
// be saved before it kills mirarid (saved_desired), as a restarted mirarid resumes from it.
const std::string kHost =
    "[daemon]\nsnapshot_interval = 1\n" + std::string(mirari::test::kWatchNothing);

// The plugins every run loads before its scaler, in this order: at a restart, the manager
// adopts what runs before the scaler speaks again. Times are short so that the start grace,
// the holds and the cooldowns pass many times over within eventually()'s deadline on a busy
// machine. Besides mirarid's {dir}: {generator}, {load_file}, {state_dir}.
const std::string kCommonPlugins = R"(
[plugins.clock]
file = ")" MIRARI_CLOCK_SO R"("
period_ms = 50

[plugins.load-monitor]
file = ")" MIRARI_LOAD_MONITOR_SO R"("
socket = "{dir}/load.sock"
window = 2

[plugins.instance-manager]
file = ")" MIRARI_INSTANCE_MANAGER_SO R"("
group = "app"
command = "{generator}"
args = ["--socket", "{dir}/load.sock", "--load-file", "{load_file}", "--period-ms", "50"]
min = 1
max = 2
state_dir = "{state_dir}"
start_grace_ms = 200
stop_timeout_ms = 2000
)";

std::string common_plugins(const fs::path& scratch) {
  std::string text = replace_all(kCommonPlugins, "{generator}", kGenerator.string());
  text = replace_all(std::move(text), "{load_file}", (scratch / "load").string());
  return replace_all(std::move(text), "{state_dir}", (scratch / "instances").string());
}

const std::string kThresholdScaler = R"(
[plugins.scaler]
file = ")" MIRARI_THRESHOLD_SCALER_SO R"("
group = "app"
min_instances = 1
max_instances = 2
low = 0.3
high = 0.8
hold_ms = 300
cooldown_ms = 1000
)";

// 0.9 per instance against a target of 0.5 asks for ceil(1 x 0.9 / 0.5) = 2; 0.1 for
// ceil(2 x 0.1 / 0.5) = 1 once the scale-down stabilization window has passed.
const std::string kTargetTrackingScaler = R"(
[plugins.scaler]
file = ")" MIRARI_TARGET_TRACKING_SCALER_SO R"("
group = "app"
min_instances = 1
max_instances = 2
target = 0.5
period_ms = 100
scale_down_stabilization_ms = 1000
)";

constexpr double kInBand = 0.5;
constexpr double kHigh = 0.9;
constexpr double kLow = 0.1;

// Replaces the load file whole (a rename), so a generator never reads half of it.
void write_load(const fs::path& scratch, double load) {
  mirari::test::write_file(scratch / "load.new", std::to_string(load) + "\n");
  fs::rename(scratch / "load.new", scratch / "load");
}

using Pids = std::map<std::string, pid_t>;  // instance name -> pid

// The instances instances.actual shows, when they all run: none while any is starting,
// stopping, exited or failed, so that a result means the group has settled.
Pids settled(const Daemon& daemon) {
  Pids pids;
  const auto actual = daemon.port("instances.actual");
  if (!actual) return {};
  for (const auto& [name, instance] : actual->items()) {
    if (instance["state"] != "running" || instance["group"] != "app") return {};
    pids[name] = instance["backend_id"].get<pid_t>();
  }
  return pids;
}

std::set<pid_t> pid_set(const Pids& pids) {
  std::set<pid_t> out;
  for (const auto& [name, pid] : pids) out.insert(pid);
  return out;
}

// The group has settled at n instances, each of them a live process of the generator that
// /proc shows, and no other generator of this test runs.
bool runs(const Daemon& daemon, const fs::path& scratch, std::size_t n, Pids& pids) {
  pids = settled(daemon);
  return pids.size() == n && generators_under(scratch) == pid_set(pids);
}

// Every instance of pids has a load in load.by_instance: its reports reach the monitor.
bool reporting(const Daemon& daemon, const Pids& pids, double load) {
  const auto loads = daemon.port("load.by_instance");
  if (!loads) return false;
  for (const auto& [name, pid] : pids) {
    if (!loads->contains(name) || std::abs((*loads)[name].get<double>() - load) > 1e-9) {
      return false;
    }
  }
  return true;
}

bool desired_is(const Daemon& daemon, int count) {
  return eventually([&] { return daemon.port("scale.app.desired") == json(count); });
}

// The scaler's count as mirarid last saved it (runtime_dir/state.json): what a mirarid
// started after a SIGKILL resumes the scaler from.
std::optional<int> saved_desired(const Daemon& daemon) {
  try {
    const json state = json::parse(mirari::test::read_file(daemon.runtime_dir() / "state.json"));
    for (const json& snapshot : state.at("snapshots")) {
      if (snapshot.at("instance") == "scaler") {
        return json::parse(snapshot.at("text").get<std::string>()).at("desired").get<int>();
      }
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Prints mirarid's log when a REQUIRE ends the test.
struct LogOnFailure {
  const Daemon& daemon;
  ~LogOnFailure() {
    if (std::uncaught_exceptions() > 0) std::cerr << "mirarid's log:\n" << daemon.log();
  }
};

void run_scenario(const std::string& scaler) {
  // Instances orphaned by the killed mirarid become this test's children: it sees and reaps
  // them.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  TempDir scratch;
  StopGeneratorsAtEnd cleanup(scratch.path());
  write_load(scratch.path(), kInBand);
  Daemon daemon({.config = kHost + common_plugins(scratch.path()) + scaler});
  const LogOnFailure log_on_failure{daemon};

  // 1. In the band: the one instance min asks for, reporting.
  Pids first;
  REQUIRE(eventually([&] { return runs(daemon, scratch.path(), 1, first); }));
  REQUIRE(first.begin()->first == "app-1");
  CHECK(fs::read_symlink("/proc/" + std::to_string(first.at("app-1")) + "/cwd") ==
        scratch.path() / "instances" / "app" / "app-1");
  CHECK(eventually([&] { return reporting(daemon, first, kInBand); }));
  CHECK(desired_is(daemon, 1));

  // 2. Above the bound: a second process starts and runs.
  write_load(scratch.path(), kHigh);
  Pids scaled_up;
  REQUIRE(eventually([&] { return runs(daemon, scratch.path(), 2, scaled_up); }));
  CHECK(scaled_up.at("app-1") == first.at("app-1"));
  REQUIRE(scaled_up.contains("app-2"));
  CHECK(alive(scaled_up.at("app-2")));
  CHECK(fs::read_symlink("/proc/" + std::to_string(scaled_up.at("app-2")) + "/exe") == kGenerator);
  CHECK(desired_is(daemon, 2));
  CHECK(eventually([&] { return reporting(daemon, scaled_up, kHigh); }));

  // 3. mirarid killed once it has saved the scaler's count: the instances run on, and the
  //    mirarid started again on the same directories adopts them.
  REQUIRE(eventually([&] { return saved_desired(daemon) == 2; }));
  daemon.signal(SIGKILL);
  REQUIRE(daemon.wait_exit());
  CHECK(generators_under(scratch.path()) == pid_set(scaled_up));
  daemon.restart();
  Pids adopted;
  REQUIRE(eventually([&] { return runs(daemon, scratch.path(), 2, adopted); }));
  CHECK(adopted == scaled_up);
  for (const auto& [name, pid] : scaled_up) {
    CHECK(daemon.log_shows("adopted " + name + " (pid " + std::to_string(pid) + ", running)"));
  }
  CHECK(eventually([&] { return reporting(daemon, adopted, kHigh); }));
  CHECK(desired_is(daemon, 2));
  CHECK(settled(daemon) == scaled_up);
  CHECK(generators_under(scratch.path()) == pid_set(scaled_up));

  // 4. An instance killed by hand is replaced by a new process.
  const pid_t victim = adopted.at("app-1");
  REQUIRE(::kill(victim, SIGKILL) == 0);
  Pids replaced;
  REQUIRE(eventually(
      [&] { return runs(daemon, scratch.path(), 2, replaced) && !replaced.contains("app-1"); }));
  CHECK_FALSE(alive(victim));
  CHECK(replaced.at("app-2") == adopted.at("app-2"));
  CHECK(replaced.contains("app-3"));
  CHECK(eventually([&] { return reporting(daemon, replaced, kHigh); }));

  // 5. Below the bound: one instance is stopped, and its process ends.
  write_load(scratch.path(), kLow);
  Pids scaled_down;
  REQUIRE(eventually([&] { return runs(daemon, scratch.path(), 1, scaled_down); }));
  CHECK(desired_is(daemon, 1));
  for (const auto& [name, pid] : replaced) {
    if (!scaled_down.contains(name)) CHECK_FALSE(alive(pid));
  }
  CHECK(replaced.contains(scaled_down.begin()->first));
}

}  // namespace

TEST_CASE("scenario-self-scaling") {
  run_scenario(kThresholdScaler);
}

TEST_CASE("scenario-self-scaling-target-tracking") {
  run_scenario(kTargetTrackingScaler);
}
