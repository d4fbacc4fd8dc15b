// The instance manager as mirarid runs it, through the SDK's plugin harness, with real
// processes (tests/plugins/instance-manager/test_instance.cpp): instances in
// instances.actual, scaling down, replacing one killed by hand, SIGTERM then SIGKILL,
// back-off, adoption across a restart of the plugin, configuration delivered live, extras,
// and bad configuration and input refused.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "instance_manager_plugin.hpp"
#include "instance_processes.hpp"
#include "mirari/testing.hpp"
#include "proc_start_time.hpp"
#include "state_file.hpp"
#include "temp_dir.hpp"

using mirari::ConfigError;
using mirari::ConfigValue;
using mirari::Graph;
using mirari::instances::InstanceManagerPlugin;
using mirari::instances::read_start_time;
using mirari::instances::RecordedInstance;
using mirari::instances::RecordedState;
using mirari::instances::write_state_file;
using mirari::ports::InstanceConfigs;
using mirari::ports::InstanceEvent;
using mirari::ports::InstancesActual;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceSpecs;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::ports::spec_hash;
using mirari::testing::alive;
using mirari::testing::ChildProcess;
using mirari::testing::children;
using mirari::testing::KillInstancesAtEnd;
using mirari::testing::kProgram;
using mirari::testing::PluginHarness;
using mirari::testing::read_file;
using mirari::testing::TempDir;
namespace fs = std::filesystem;
using Values = std::map<std::string, ConfigValue, std::less<>>;

namespace {

constexpr std::chrono::seconds kDeadline{20};

Values config(const fs::path& state_dir) {
  return {{"group", "web"},
          {"command", kProgram},
          {"state_dir", state_dir.string()},
          {"start_grace_ms", std::int64_t{100}},
          {"stop_timeout_ms", std::int64_t{300}},
          {"backoff_initial_ms", std::int64_t{50}},
          {"backoff_max_ms", std::int64_t{400}}};
}

const InstancesActual& actual(PluginHarness& h) {
  return h.value<InstancesActual>("instances.actual");
}

std::vector<std::string> names_in(PluginHarness& h, InstanceState phase) {
  std::vector<std::string> out;
  for (const auto& [name, i] : actual(h)) {
    if (i.state == phase) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t count_in(PluginHarness& h, InstanceState phase) {
  return names_in(h, phase).size();
}

std::set<pid_t> pids_of(PluginHarness& h) {
  std::set<pid_t> pids;
  for (const auto& [name, i] : actual(h)) pids.insert(static_cast<pid_t>(i.backend_id));
  return pids;
}

bool converged(PluginHarness& h, std::size_t running) {
  return count_in(h, InstanceState::running) == running && actual(h).size() == running;
}

// The last event about name whose new side is in phase.
std::optional<InstanceStatus> last_event(const std::vector<InstanceEvent>& events,
                                         const std::string& name, InstanceState phase) {
  std::optional<InstanceStatus> found;
  for (const InstanceEvent& e : events) {
    if (e.name == name && e.new_status && e.new_status->state == phase) found = e.new_status;
  }
  return found;
}

std::vector<std::string> environment_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string entry; std::getline(in, entry, '\0');) out.push_back(entry);
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TEST_CASE("instances the policy asks for run as processes and show in instances.actual") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 0);
  auto events = h.record_each<InstanceEvent>("instances.events");
  Values c = config(dir.path());
  c["env"] = std::vector<std::string>{"MODE=test"};
  h.start(std::make_unique<InstanceManagerPlugin>(), c, "web");
  h.settle();
  CHECK(actual(h).empty());

  desired.set(2);
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1", "web-2"});
  CHECK(children(true).size() == 2);
  for (const auto& [name, i] : actual(h)) {
    const auto pid = static_cast<pid_t>(i.backend_id);
    CHECK(alive(pid));
    CHECK(i.group == "web");
    CHECK_FALSE(i.extra);
    CHECK(i.spec_hash == spec_hash(InstanceSpec{"web", kProgram, {}, {"MODE=test"}}));
    CHECK(i.failures == 0);
    const fs::path home = dir.path() / "web" / name;
    CHECK(fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd") == home);
    CHECK(read_file(home / "log") == "running as pid " + std::to_string(pid) + "\n");
    CHECK(read_file(home / "config.json") == "{}\n");
    const auto env = environment_of(pid);
    CHECK(contains(env, "MIRARI_INSTANCE=" + name));
    CHECK(contains(env, "MIRARI_GROUP=web"));
    CHECK(contains(env, "MIRARI_CONFIG=" + (home / "config.json").string()));
    CHECK(contains(env, "MODE=test"));
    // Each went through starting to running.
    CHECK(last_event(*events, name, InstanceState::starting));
    CHECK(last_event(*events, name, InstanceState::running));
  }
  // The state file records them.
  const auto recorded = mirari::instances::read_state_file(dir.path() / "web" / "state.json");
  CHECK(recorded.next_serial == 3);
  REQUIRE(recorded.instances.size() == 2);
  CHECK(recorded.instances.at("web-1").instance == actual(h).at("web-1"));
  CHECK(recorded.instances.at("web-1").start_time ==
        read_start_time(static_cast<pid_t>(actual(h).at("web-1").backend_id)));
  CHECK(h.graph().port_json("instances.actual").find("\"web-1\":{\"backend_id\":") !=
        std::string::npos);
}

TEST_CASE("scaling down stops the youngest instances with SIGTERM") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 0);
  auto events = h.record_each<InstanceEvent>("instances.events");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  desired.set(1);
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  desired.set(3);
  REQUIRE(h.settle_until([&] { return converged(h, 3); }, kDeadline));
  const std::set<pid_t> before = pids_of(h);

  desired.set(1);
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  // web-1 ran first, so it is the oldest and stays.
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1"});
  for (const std::string name : {"web-2", "web-3"}) {
    CHECK(last_event(*events, name, InstanceState::stopping));
    const auto exited = last_event(*events, name, InstanceState::exited);
    REQUIRE(exited);
    CHECK(exited->status == 128 + SIGTERM);
    CHECK_FALSE(fs::exists(dir.path() / "web" / name));
  }
  CHECK(children(true).size() == 1);
  for (const pid_t pid : before) {
    if (pid != actual(h).at("web-1").backend_id) CHECK_FALSE(alive(pid));
  }
}

TEST_CASE("an instance killed by hand is replaced by a new one") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 2);
  auto events = h.record_each<InstanceEvent>("instances.events");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  const auto victim = static_cast<pid_t>(actual(h).at("web-1").backend_id);

  REQUIRE(::kill(victim, SIGKILL) == 0);
  REQUIRE(
      h.settle_until([&] { return converged(h, 2) && !actual(h).contains("web-1"); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-2", "web-3"});
  const auto exited = last_event(*events, "web-1", InstanceState::exited);
  REQUIRE(exited);
  CHECK(exited->status == 128 + SIGKILL);
  CHECK_FALSE(pids_of(h).count(victim));
  CHECK(children(true).size() == 2);
}

TEST_CASE("an instance that ignores SIGTERM gets SIGKILL after the stop timeout") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  auto events = h.record_each<InstanceEvent>("instances.events");
  Values c = config(dir.path());
  c["args"] = std::vector<std::string>{"--ignore-term"};
  h.start(std::make_unique<InstanceManagerPlugin>(), c, "web");
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  const auto pid = static_cast<pid_t>(actual(h).at("web-1").backend_id);

  desired.set(0);
  REQUIRE(h.settle_until([&] { return actual(h).empty(); }, kDeadline));
  const auto stopping = last_event(*events, "web-1", InstanceState::stopping);
  const auto exited = last_event(*events, "web-1", InstanceState::exited);
  REQUIRE(stopping);
  REQUIRE(exited);
  CHECK(exited->status == 128 + SIGKILL);
  CHECK_FALSE(alive(pid));
  CHECK(children(true).empty());
}

TEST_CASE("a command that cannot start fails, backs off exponentially and is retried") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  auto events = h.record_each<InstanceEvent>("instances.events");
  Values c = config(dir.path());
  c["command"] = (dir.path() / "no-such-program").string();
  h.start(std::make_unique<InstanceManagerPlugin>(), c, "web");

  REQUIRE(h.settle_until(
      [&] {
        const InstanceStatus* i = actual(h).find("web-1");
        return i != nullptr && i->state == InstanceState::failed && i->failures >= 3;
      },
      kDeadline));
  // Always the same instance, tried again; never a second one.
  CHECK(actual(h).size() == 1);
  const InstanceStatus& i = actual(h).at("web-1");
  CHECK(i.reason == "cannot start '" + (dir.path() / "no-such-program").string() +
                        "': No such file or directory");
  CHECK(i.backend_id == 0);
  // Each failure waits twice as long as the one before: 50, 100, 200 ms, ...
  for (std::uint32_t n = 1; n <= 3; ++n) {
    const auto failure = std::find_if(events->begin(), events->end(), [&](const InstanceEvent& e) {
      return e.new_status && e.new_status->state == InstanceState::failed &&
             e.new_status->failures == n;
    });
    REQUIRE(failure != events->end());
    CHECK(failure->new_status->retry_at - failure->new_status->since == 50 << (n - 1));
  }
}

TEST_CASE("an instance that ends while starting is a failed create, retried after back-off") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  Values c = config(dir.path());
  c["args"] = std::vector<std::string>{"--exit", "3"};
  c["start_grace_ms"] = std::int64_t{2000};
  h.start(std::make_unique<InstanceManagerPlugin>(), c, "web");
  REQUIRE(h.settle_until(
      [&] {
        const InstanceStatus* i = actual(h).find("web-1");
        return i != nullptr && i->state == InstanceState::failed && i->failures >= 2;
      },
      kDeadline));
  CHECK(actual(h).at("web-1").reason == "ended with status 3 while starting");
  CHECK(actual(h).size() == 1);
}

TEST_CASE("a restarted plugin adopts the running instances: same pids, none duplicated") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 2);
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  const InstancesActual before = actual(h);
  const std::vector<pid_t> processes = children(true);
  REQUIRE(processes.size() == 2);

  h.stop("web");
  for (const pid_t pid : processes) CHECK(alive(pid));

  auto events = h.record_each<InstanceEvent>("instances.events");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  h.settle();
  CHECK(actual(h) == before);
  CHECK(children(true) == processes);

  // Still in charge: one more, then one fewer, with names counted on from the state file.
  desired.set(3);
  REQUIRE(h.settle_until([&] { return converged(h, 3); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1", "web-2", "web-3"});
  for (const auto& e : *events) {
    if (e.kind == InstanceEvent::Kind::added) CHECK(e.name == "web-3");
  }
  desired.set(2);
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  CHECK(children(true) == processes);
}

TEST_CASE("a reload hands the instances over to the new plugin instance") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 2);
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  const InstancesActual before = actual(h);
  const std::vector<pid_t> processes = children(true);

  h.reload(std::make_unique<InstanceManagerPlugin>(), "web");
  h.settle();
  CHECK(actual(h) == before);
  CHECK(children(true) == processes);

  desired.set(3);
  REQUIRE(h.settle_until([&] { return converged(h, 3); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1", "web-2", "web-3"});
}

TEST_CASE("a manager whose policy has not published yet keeps what its state file recorded") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  std::vector<pid_t> processes;
  {
    PluginHarness first;
    auto desired = first.input<int>("scale.web.desired", 2);
    first.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
    REQUIRE(first.settle_until([&] { return converged(first, 2); }, kDeadline));
    processes = children(true);
  }  // as mirarid going away: the plugin stops, its instances stay

  PluginHarness h;  // a new graph, in which nothing publishes scale.web.desired yet
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  h.settle();
  CHECK(converged(h, 2));
  CHECK(children(true) == processes);

  auto desired = h.input<int>("scale.web.desired", 1);  // the policy starts
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
}

TEST_CASE("an instance that ended while no manager ran is reaped and replaced at adoption") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 2);
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  const auto gone = static_cast<pid_t>(actual(h).at("web-2").backend_id);
  h.stop("web");
  REQUIRE(::kill(gone, SIGKILL) == 0);  // no one reaps it: it stays a zombie

  auto events = h.record_each<InstanceEvent>("instances.events");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(
      h.settle_until([&] { return converged(h, 2) && !actual(h).contains("web-2"); }, kDeadline));
  const auto exited = last_event(*events, "web-2", InstanceState::exited);
  REQUIRE(exited);
  CHECK(exited->status == 128 + SIGKILL);
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1", "web-3"});
  CHECK(children(false).size() == 2);  // reaped: no zombie left
}

TEST_CASE("a recorded pid that now names another process is neither adopted nor killed") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  ChildProcess stranger({"sleep", "1000"});
  RecordedState state;
  state.next_serial = 5;
  InstanceStatus i;
  i.group = "web";
  i.spec_hash = spec_hash(InstanceSpec{"web", kProgram, {}, {}});
  i.backend_id = stranger.pid();
  i.state = InstanceState::running;
  i.since = 1;
  const auto started = read_start_time(stranger.pid());
  REQUIRE(started);
  state.instances["web-4"] =
      RecordedInstance{i, InstanceSpec{"web", kProgram, {}, {}}, *started + 1, {}};
  fs::create_directories(dir.path() / "web");
  write_state_file(dir.path() / "web" / "state.json", state);

  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  auto events = h.record_each<InstanceEvent>("instances.events");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  // Found gone at once: recorded as exited with no known status.
  CHECK(actual(h).at("web-4").state == InstanceState::exited);
  CHECK_FALSE(actual(h).at("web-4").status);
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-5"});
  CHECK(stranger.running());
}

TEST_CASE("a changed spec replaces instances one by one, never running fewer than the count") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 2);
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  const std::set<pid_t> old = pids_of(h);
  h.stop("web");

  // Every committed value of instances.actual from here on.
  std::size_t fewest_running = 99;
  std::size_t most_live = 0;
  Graph& g = h.graph();
  g.change(g.add_owner("watch"), [&] {
    observe(g.subscribe<InstancesActual>("instances.actual"), [&](const InstancesActual& table) {
      std::size_t running = 0;
      std::size_t live = 0;
      for (const auto& [name, i] : table) {
        running += i.state == InstanceState::running ? 1 : 0;
        live += i.state == InstanceState::running || i.state == InstanceState::starting ? 1 : 0;
      }
      fewest_running = std::min(fewest_running, running);
      most_live = std::max(most_live, live);
    });
  });
  Values v2 = config(dir.path());
  v2["env"] = std::vector<std::string>{"VERSION=2"};
  const std::string v2_hash = spec_hash(InstanceSpec{"web", kProgram, {}, {"VERSION=2"}});
  h.start(std::make_unique<InstanceManagerPlugin>(), v2, "web");
  REQUIRE(h.settle_until(
      [&] {
        return converged(h, 2) && std::all_of(actual(h).begin(), actual(h).end(), [&](auto& e) {
                 return e.second.spec_hash == v2_hash;
               });
      },
      kDeadline));
  CHECK(fewest_running == 2);
  CHECK(most_live == 3);  // surge 1
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-3", "web-4"});
  for (const pid_t pid : old) CHECK_FALSE(alive(pid));
  CHECK(children(true).size() == 2);
}

TEST_CASE("configuration published for an instance reaches it live, with SIGHUP") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 0);
  auto configs =
      h.input<InstanceConfigs>("instances.config", InstanceConfigs{{"web-1", {{"level", "info"}}}});
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  desired.set(1);
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  const fs::path home = dir.path() / "web" / "web-1";
  // Written before it started: nothing to signal.
  CHECK(read_file(home / "config.json") == "{\n  \"level\": \"info\"\n}\n");
  CHECK_FALSE(fs::exists(home / "config.seen"));
  const auto pid = actual(h).at("web-1").backend_id;

  configs.set(InstanceConfigs{{"web-1", {{"level", "debug"}, {"mode", "fast"}}},
                              {"db-1", {{"level", "debug"}}}});
  REQUIRE(h.settle_until([&] { return fs::exists(home / "config.seen"); }, kDeadline));
  const std::string delivered = "{\n  \"level\": \"debug\",\n  \"mode\": \"fast\"\n}\n";
  CHECK(read_file(home / "config.seen") == delivered);
  CHECK(read_file(home / "config.json") == delivered);
  CHECK(actual(h).at("web-1").backend_id == pid);  // the same process took it
  CHECK_FALSE(fs::exists(dir.path() / "web" / "db-1"));

  configs.set(InstanceConfigs{});
  REQUIRE(h.settle_until([&] { return read_file(home / "config.seen") == "{}\n"; }, kDeadline));
}

TEST_CASE("extra instances run beside the counted ones, each under its key") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  auto extras = h.input<InstanceSpecs>("instances.desired.extra");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));

  extras.set(InstanceSpecs{{"probe", InstanceSpec{"web", kProgram, {}, {"ROLE=probe"}}},
                           {"other", InstanceSpec{"db", kProgram, {}, {}}}});
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"probe-2", "web-1"});
  CHECK(actual(h).at("probe-2").extra == "probe");
  CHECK(contains(environment_of(static_cast<pid_t>(actual(h).at("probe-2").backend_id)),
                 "ROLE=probe"));

  extras.set(InstanceSpecs{});
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  CHECK(names_in(h, InstanceState::running) == std::vector<std::string>{"web-1"});
}

TEST_CASE("an extra entry that cannot run is refused: its tick rolls back, nothing changes") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  auto extras = h.input<InstanceSpecs>("instances.desired.extra");
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  const InstancesActual before = actual(h);

  extras.set(InstanceSpecs{{"probe", InstanceSpec{"web", "probe", {}, {}}}});
  const mirari::TickResult result = h.settle();
  REQUIRE(result.rolled_back >= 1);
  REQUIRE_FALSE(result.errors.empty());
  CHECK(result.errors.front().owner() == "web");
  CHECK(result.errors.front().message() ==
        "instances.desired.extra: entry 'probe': the command 'probe' is not an absolute path");
  CHECK(h.value<InstanceSpecs>("instances.desired.extra").empty());
  CHECK(actual(h) == before);
}

TEST_CASE("bad configuration is refused with a clear error, and nothing starts") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);

  Values c = config(dir.path());
  c["min"] = std::int64_t{4};
  c["max"] = std::int64_t{2};
  CHECK_THROWS_WITH(h.start(std::make_unique<InstanceManagerPlugin>(), c, "web"),
                    "min (4) is above max (2)");
  c = config(dir.path());
  c.erase("command");
  CHECK_THROWS_WITH(h.start(std::make_unique<InstanceManagerPlugin>(), c, "web"),
                    Catch::StartsWith("plugin 'web': missing required key 'command'"));

  // A state directory that cannot be made.
  std::ofstream(dir.path() / "file") << "not a directory";
  c = config(dir.path() / "file");
  CHECK_THROWS_WITH(h.start(std::make_unique<InstanceManagerPlugin>(), c, "web"),
                    Catch::StartsWith("cannot make the instance directory '" +
                                      (dir.path() / "file" / "web").string() + "'"));

  // A state file that is not one: refused rather than risk starting duplicates.
  fs::create_directories(dir.path() / "web");
  std::ofstream(dir.path() / "web" / "state.json") << "{\"format\": 1";
  CHECK_THROWS_WITH(
      h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web"),
      Catch::StartsWith("state file '" + (dir.path() / "web" / "state.json").string() +
                        "' is not a state of the instance manager"));
  CHECK(read_file(dir.path() / "web" / "state.json") == "{\"format\": 1");

  h.settle();
  CHECK(children(true).empty());
  for (const auto& port : h.graph().ports()) {
    if (port.name == "instances.actual") CHECK(port.publisher.empty());
  }
}

TEST_CASE("the plugin library loads as mirarid loads it and runs instances") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  auto desired = h.input<int>("scale.web.desired", 1);
  h.start_library(MIRARI_INSTANCE_MANAGER_SO, config(dir.path()), "web");
  REQUIRE(h.settle_until([&] { return converged(h, 1); }, kDeadline));
  CHECK(children(true).size() == 1);
}

TEST_CASE("a stock scaler drives the manager through the catalogue's ports") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  PluginHarness h;
  h.start(std::make_unique<InstanceManagerPlugin>(), config(dir.path()), "web");
  h.settle();
  CHECK(actual(h).empty());  // no policy has spoken
  h.start_library(
      MIRARI_THRESHOLD_SCALER_SO,
      {{"group", "web"}, {"min_instances", std::int64_t{2}}, {"max_instances", std::int64_t{4}}},
      "scaler");
  REQUIRE(h.settle_until([&] { return converged(h, 2); }, kDeadline));
  CHECK(h.value<int>("scale.web.desired") == 2);
  CHECK(children(true).size() == 2);
}
