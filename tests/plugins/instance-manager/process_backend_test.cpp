// The process backend's side of the plan contract (plan.hpp), with real processes: a plan
// computed from a report the backend has moved past is dropped; a backend that a newer one
// took the directory from acts no more; what a plan does comes back as one report with its
// changes, in order; instances left by a stopped backend, or being started as it stopped,
// are found again.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>

#include "child_process.hpp"
#include "graph_loop.hpp"
#include "instance_processes.hpp"
#include "proc_start_time.hpp"
#include "process_backend.hpp"
#include "process_search.hpp"
#include "state_file.hpp"
#include "temp_dir.hpp"

using mirari::instances::Action;
using mirari::instances::environment_holds;
using mirari::instances::find_process_with_environment;
using mirari::instances::Observed;
using mirari::instances::Plan;
using mirari::instances::ProcessBackend;
using mirari::instances::read_start_time;
using mirari::instances::read_state_file;
using mirari::instances::RecordedInstance;
using mirari::instances::RecordedState;
using mirari::instances::write_state_file;
using mirari::ports::InstanceEvent;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::ports::spec_hash;
using mirari::testing::ChildProcess;
using mirari::testing::children;
using mirari::testing::GraphLoop;
using mirari::testing::KillInstancesAtEnd;
using mirari::testing::kProgram;
using mirari::testing::TempDir;

namespace {

ProcessBackend::Options options(const TempDir& dir) {
  ProcessBackend::Options o;
  o.group = "web";
  o.dir = dir.path() / "web";
  o.start_grace = std::chrono::milliseconds(50);
  o.stop_timeout = std::chrono::milliseconds(300);
  return o;
}

void ignore(ProcessBackend::Level, const std::string&) {}

Action create(const std::string& name, std::uint64_t serial) {
  Action a;
  a.kind = Action::Kind::create;
  a.name = name;
  a.serial = serial;
  a.spec = InstanceSpec{"web", kProgram, {}, {}};
  return a;
}

// A backend following into sources of loop's graph, recording every change it reports.
struct Followed {
  Followed(GraphLoop& loop, const TempDir& dir)
      : backend(loop.executor(), options(dir), ignore),
        observed(loop.graph().source<Observed>(backend.observed())),
        events(loop.graph().event_source<std::vector<InstanceEvent>>()),
        clock(loop.graph().source<std::int64_t>(0)) {
    mirari::observe(events.event(),
                    [this](const std::vector<InstanceEvent>& tick) { ticks.push_back(tick); });
    backend.follow({&loop.graph(), observed, events, clock});
  }
  const Observed& now() const { return observed.value(); }

  ProcessBackend backend;
  mirari::Source<Observed> observed;
  mirari::EventSource<std::vector<InstanceEvent>> events;
  mirari::Source<std::int64_t> clock;
  std::vector<std::vector<InstanceEvent>> ticks;
};

}  // namespace

TEST_CASE("a plan computed from a report the backend has moved past is dropped") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  Followed f(loop, dir);
  REQUIRE(f.now().version == 1);
  f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  // Computed from the same report: once the first plan ran, this one is stale.
  f.backend.apply(Plan{1, {create("web-2", 2)}, std::nullopt});
  REQUIRE(loop.run_until([&] {
    const auto* i = f.now().instances.find("web-1");
    return i != nullptr && i->state == InstanceState::running;
  }));
  CHECK_FALSE(f.now().instances.contains("web-2"));
  CHECK(f.now().next_serial == 2);
  CHECK(children(true).size() == 1);
}

TEST_CASE("each report lands in a tick of its own with its changes, in order") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  Followed f(loop, dir);
  f.backend.apply(Plan{1, {create("web-1", 1), create("web-2", 2)}, std::nullopt});
  REQUIRE(loop.run_until([&] {
    return f.now().instances.size() == 2 &&
           f.now().instances.at("web-2").state == InstanceState::running;
  }));
  REQUIRE(f.ticks.size() >= 2);
  // The plan's report: both added as starting, in the plan's order.
  REQUIRE(f.ticks[0].size() == 2);
  CHECK(f.ticks[0][0].kind == InstanceEvent::Kind::added);
  CHECK(f.ticks[0][0].name == "web-1");
  CHECK(f.ticks[0][1].name == "web-2");
  CHECK(f.ticks[0][1].new_status->state == InstanceState::starting);
  // Then each came to run.
  std::vector<std::string> running;
  for (std::size_t t = 1; t < f.ticks.size(); ++t) {
    for (const InstanceEvent& e : f.ticks[t]) {
      CHECK(e.kind == InstanceEvent::Kind::changed);
      CHECK(e.old_status->state == InstanceState::starting);
      if (e.new_status->state == InstanceState::running) running.push_back(e.name);
    }
  }
  std::sort(running.begin(), running.end());
  CHECK(running == std::vector<std::string>{"web-1", "web-2"});
}

TEST_CASE("a newer backend on the same directory takes over: the older one acts no more") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  Followed older(loop, dir);
  older.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  // The backend of the reloaded plugin reads the state file before the plan above runs.
  ProcessBackend newer(loop.executor(), options(dir), ignore);
  loop.io().poll();
  loop.settle();
  CHECK(children(true).empty());
  CHECK(older.now().instances.empty());
  older.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  loop.io().poll();
  CHECK(children(true).empty());
  CHECK(newer.observed().instances.empty());
  CHECK(read_state_file(dir.path() / "web" / "state.json").instances.empty());
}

TEST_CASE("a backend that goes gives the directory back to the one it took it from") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  Followed older(loop, dir);
  { ProcessBackend refused(loop.executor(), options(dir), ignore); }  // a reload that failed
  older.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  REQUIRE(loop.run_until([&] { return older.now().instances.contains("web-1"); }));
  CHECK(children(true).size() == 1);
}

TEST_CASE("stop leaves the instances running and a new backend adopts them") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  std::vector<pid_t> processes;
  {
    Followed f(loop, dir);
    f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
    REQUIRE(loop.run_until([&] {
      const auto* i = f.now().instances.find("web-1");
      return i != nullptr && i->state == InstanceState::running;
    }));
    processes = children(true);
    f.backend.stop();
  }
  loop.io().poll();
  CHECK(children(true) == processes);
  ProcessBackend next(loop.executor(), options(dir), ignore);
  REQUIRE(next.observed().instances.contains("web-1"));
  CHECK(next.observed().instances.at("web-1").state == InstanceState::running);
  CHECK(next.observed().instances.at("web-1").backend_id == processes.at(0));
  CHECK(next.observed().next_serial == 2);
  CHECK(next.recorded_members() == 1);
}

TEST_CASE("every change a backend made is found by the next one: no instance lost or revived") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  constexpr int kCount = 30;
  std::map<std::string, pid_t> kept;
  {
    Followed f(loop, dir);
    Plan up{f.now().version, {}, std::nullopt};
    for (int i = 1; i <= kCount; ++i) {
      up.actions.push_back(create("web-" + std::to_string(i), static_cast<std::uint64_t>(i)));
    }
    f.backend.apply(up);
    const auto all_in = [&](InstanceState state, std::size_t count) {
      return loop.run_until([&] {
        std::size_t n = 0;
        for (const auto& [name, i] : f.now().instances) n += i.state == state ? 1 : 0;
        return n == count;
      });
    };
    REQUIRE(all_in(InstanceState::running, kCount));
    // A third stopped and forgotten, each change recorded on its own.
    Plan down{f.now().version, {}, std::nullopt};
    for (int i = 1; i <= kCount; i += 3) {
      Action stop;
      stop.kind = Action::Kind::stop;
      stop.name = "web-" + std::to_string(i);
      down.actions.push_back(stop);
    }
    f.backend.apply(down);
    REQUIRE(all_in(InstanceState::exited, kCount / 3));
    Plan forget{f.now().version, {}, std::nullopt};
    for (Action a : down.actions) {
      a.kind = Action::Kind::forget;
      forget.actions.push_back(a);
    }
    f.backend.apply(forget);
    REQUIRE(loop.run_until([&] { return f.now().instances.size() == kCount - kCount / 3; }));
    for (const auto& [name, i] : f.now().instances) {
      kept.emplace(name, static_cast<pid_t>(i.backend_id));
    }
    f.backend.stop();
  }
  ProcessBackend next(loop.executor(), options(dir), ignore);
  std::map<std::string, pid_t> adopted;
  for (const auto& [name, i] : next.observed().instances) {
    CHECK(i.state == InstanceState::running);
    adopted.emplace(name, static_cast<pid_t>(i.backend_id));
  }
  CHECK(adopted == kept);
  CHECK(next.observed().next_serial == kCount + 1);
  CHECK(next.recorded_members() == kCount - kCount / 3);
  CHECK(children(true).size() == kept.size());
}

TEST_CASE("an instance started just as the previous manager stopped is found and adopted") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  // What the previous manager wrote before starting web-1: no pid yet.
  RecordedState state;
  state.next_serial = 2;
  InstanceStatus launching;
  launching.group = "web";
  launching.spec_hash = spec_hash(InstanceSpec{"web", kProgram, {}, {}});
  launching.state = InstanceState::starting;
  state.instances["web-1"] =
      RecordedInstance{launching, InstanceSpec{"web", kProgram, {}, {}}, 0, {}};
  std::filesystem::create_directories(dir.path() / "web" / "web-1");
  write_state_file(dir.path() / "web" / "state.json", state);
  // The process it started, with the environment it gave it.
  const std::string config = (dir.path() / "web" / "web-1" / "config.json").string();
  ::setenv("MIRARI_CONFIG", config.c_str(), 1);
  const int quiet = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ChildProcess started({kProgram.string()}, {-1, quiet, -1});
  ::close(quiet);
  ::unsetenv("MIRARI_CONFIG");
  REQUIRE(find_process_with_environment("MIRARI_CONFIG=" + config) == started.pid());

  GraphLoop loop;
  ProcessBackend backend(loop.executor(), options(dir), ignore);
  const InstanceStatus adopted = backend.observed().instances.at("web-1");
  CHECK(adopted.state == InstanceState::starting);
  CHECK(adopted.backend_id == started.pid());
  CHECK(read_state_file(dir.path() / "web" / "state.json").instances.at("web-1").start_time ==
        read_start_time(started.pid()));
}

TEST_CASE("an instance recorded as starting without a process is failed and retried at once") {
  TempDir dir;
  RecordedState state;
  InstanceStatus launching;
  launching.group = "web";
  launching.state = InstanceState::starting;
  launching.failures = 2;
  state.instances["web-1"] =
      RecordedInstance{launching, InstanceSpec{"web", kProgram, {}, {}}, 0, {}};
  std::filesystem::create_directories(dir.path() / "web");
  write_state_file(dir.path() / "web" / "state.json", state);

  GraphLoop loop;
  ProcessBackend backend(loop.executor(), options(dir), ignore);
  const InstanceStatus failed = backend.observed().instances.at("web-1");
  CHECK(failed.state == InstanceState::failed);
  CHECK(failed.reason == "not started: the manager stopped while starting it");
  CHECK(failed.retry_at == failed.since);
  CHECK(failed.failures == 2);
}

TEST_CASE("the state file names the instances a plan starts before they start") {
  TempDir dir;
  KillInstancesAtEnd cleanup;
  GraphLoop loop;
  Followed f(loop, dir);
  const std::filesystem::path state = dir.path() / "web" / "state.json";
  // web-2's log is a FIFO: starting it waits (posix_spawn returns once the program runs)
  // until web-1 has copied the state file and opened the FIFO. So the copy shows the state
  // file while the plan is starting its processes.
  const std::filesystem::path fifo = dir.path() / "web" / "web-2" / "log";
  std::filesystem::create_directories(fifo.parent_path());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  Action first = create("web-1", 1);
  first.spec.args = {"--copy", state.string(), "--open", fifo.string()};
  f.backend.apply(Plan{1, {first, create("web-2", 2)}, std::nullopt});
  REQUIRE(loop.run_until([&] { return f.now().instances.contains("web-2"); }));

  const auto seen = read_state_file(dir.path() / "web" / "web-1" / "copied");
  CHECK(seen.next_serial == 3);
  for (const std::string name : {"web-1", "web-2"}) {
    const InstanceStatus& launching = seen.instances.at(name).instance;
    CHECK(launching.state == InstanceState::starting);
    CHECK(launching.backend_id == 0);
  }
  CHECK(seen.instances.at("web-1").spec == first.spec);
  // Once started, with their pids.
  const auto recorded = read_state_file(state);
  CHECK(recorded.instances.at("web-1").instance.backend_id ==
        f.now().instances.at("web-1").backend_id);
  CHECK(recorded.instances.at("web-1").instance.backend_id != 0);
}

TEST_CASE("a process is found by an entry of the environment it started with") {
  CHECK(environment_holds(std::string("A=1\0B=2\0", 8), "B=2"));
  CHECK(environment_holds(std::string("A=1\0B=2", 7), "B=2"));
  CHECK_FALSE(environment_holds(std::string("A=1\0B=22\0", 9), "B=2"));
  CHECK_FALSE(environment_holds(std::string("XB=2\0", 5), "B=2"));
  CHECK_FALSE(environment_holds("", "B=2"));
  CHECK_FALSE(find_process_with_environment("MIRARI_CONFIG=/nowhere/at/all"));
}
