// The instance manager in a real mirarid, driven and read with the real mirarictl: instances
// follow the desired count; mirarid killed with SIGKILL and started again adopts them (the
// same processes, none started twice, none left behind), and the count still rules.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/prctl.h>

#include <set>
#include <string>
#include <vector>

#include "daemon.hpp"
#include "instance_processes.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::children;
using mirari::testing::KillInstancesAtEnd;
using mirari::testing::kProgram;
using mirari::testing::TempDir;
using nlohmann::json;

namespace {

std::string config(const std::filesystem::path& state_dir) {
  return std::string(mirari::test::kWatchNothing) +
         "\n[plugins.web]\n"
         "file = \"" MIRARI_INSTANCE_MANAGER_SO
         "\"\n"
         "group = \"web\"\n"
         "command = \"" +
         kProgram.string() +
         "\"\n"
         "state_dir = \"" +
         state_dir.string() +
         "\"\n"
         "start_grace_ms = 100\n"
         "stop_timeout_ms = 500\n";
}

// The pids of the instances instances.actual shows running.
std::vector<pid_t> running(const Daemon& daemon) {
  std::vector<pid_t> pids;
  const auto actual = daemon.port("instances.actual");
  if (!actual) return pids;
  for (const auto& [name, instance] : actual->items()) {
    if (instance["state"] == "running") pids.push_back(instance["backend_id"].get<pid_t>());
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace

TEST_CASE("mirarid killed and started again adopts the instances it ran, and starts none twice") {
  // Instances orphaned by the killed mirarid become this test's children: it sees and reaps them.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  KillInstancesAtEnd cleanup;
  TempDir state;
  std::vector<pid_t> pids;
  pid_t web1 = 0;
  pid_t web2 = 0;
  {
    Daemon first({.config = config(state.path())});
    REQUIRE(first.ctl({"set", "scale.web.desired", "2"}).status == 0);
    REQUIRE(eventually([&] { return running(first).size() == 2; }));
    pids = running(first);
    const json actual = first.port("instances.actual").value();
    web1 = actual["web-1"]["backend_id"].get<pid_t>();
    web2 = actual["web-2"]["backend_id"].get<pid_t>();
    first.signal(SIGKILL);
    REQUIRE(first.wait_exit());
  }
  REQUIRE(eventually([&] { return children(true) == pids; }));

  // Nothing publishes scale.web.desired yet in the new mirarid: what ran goes on running.
  Daemon second({.config = config(state.path())});
  REQUIRE(eventually([&] { return running(second) == pids; }));
  CHECK(second.log_shows("adopted web-1"));
  CHECK(children(true) == pids);

  REQUIRE(second.ctl({"set", "scale.web.desired", "3"}).status == 0);
  REQUIRE(eventually([&] { return running(second).size() == 3; }));
  REQUIRE(second.ctl({"set", "scale.web.desired", "1"}).status == 0);
  REQUIRE(eventually([&] {
    const auto actual = second.port("instances.actual");
    return actual && actual->size() == 1;
  }));
  CHECK(running(second) == std::vector<pid_t>{web1});  // the oldest stays
  // Adopted from a mirarid that is gone, web-2 is not the new one's child: its status is
  // unknown to it.
  CHECK(second.log_shows("web-2 (pid " + std::to_string(web2) + ") exited with an unknown status"));
}
