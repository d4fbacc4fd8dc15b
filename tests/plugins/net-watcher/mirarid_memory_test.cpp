// Memory after a storm: a real mirarid following a namespace in which 5,000 links appear
// and go gives the memory they took back to the system (resident memory returns within 20% of
// where it was before the storm).
#include <catch2/catch.hpp>

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "daemon.hpp"
#include "netns.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::NetworkNamespace;

namespace {

// Resident memory of a process, in KiB (VmRSS in /proc/PID/status).
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    std::getline(status, key);
  }
  return -1;
}

std::size_t link_count(const Daemon& daemon) {
  const auto links = daemon.port("net.links");
  return links ? links->size() : 0;
}

// pairs veth pairs named prefix<i>a / prefix<i>b in link group `group`, made in one
// `ip -batch`; the group goes in one `ip link del group` (one kernel synchronisation for the
// lot rather than one per pair).
void storm(const NetworkNamespace& ns, const std::string& prefix, int pairs, int group) {
  std::string commands;
  const std::string in_group = " group " + std::to_string(group);
  for (int i = 0; i < pairs; ++i) {
    const std::string name = prefix + std::to_string(i);
    commands += "link add " + name + "a" + in_group + " type veth peer name " + name + "b" +
                in_group + "\n";
  }
  ns.ip_batch(commands);
}

void calm(const NetworkNamespace& ns, int group) {
  ns.ip({"link", "del", "group", std::to_string(group)});
}

}  // namespace

TEST_CASE("after 5,000 links come and go, mirarid's resident memory returns to where it was") {
  NetworkNamespace ns;
  Daemon daemon({std::string(mirari::test::kWatchNothing) +
                 "\n[plugins.net-watcher]\nfile = \"" MIRARI_NET_WATCHER_SO "\"\nnetns = \"" +
                 ns.name() + "\"\n"});
  REQUIRE(eventually([&] { return link_count(daemon) == 1; }));  // lo

  // A first, small storm pages in the code a storm runs, so that the measure below sees
  // only the memory that the links themselves take.
  storm(ns, "w", 50, 7);
  REQUIRE(eventually([&] { return link_count(daemon) == 101; }));
  calm(ns, 7);
  REQUIRE(eventually([&] { return link_count(daemon) == 1; }));
  REQUIRE(eventually([&] { return resident_kib(daemon.pid()) > 0; }));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a trim has run since
  const long before = resident_kib(daemon.pid());

  storm(ns, "s", 2500, 8);
  REQUIRE(eventually([&] { return link_count(daemon) == 5001; }));
  const long during = resident_kib(daemon.pid());
  calm(ns, 8);
  REQUIRE(eventually([&] { return link_count(daemon) == 1; }));

  INFO("resident KiB before " << before << ", with 5,000 links " << during);
  CHECK(eventually([&] { return resident_kib(daemon.pid()) <= before * 12 / 10; }));
}
