// veth links in a network namespace of the benchmark's own: n links (n/2 veth pairs, made
// with one `ip -batch`, in one link group), all down. Measured: the net watcher's initial
// sync, the memory it holds per link, and one link set up or down to the committed tick of
// net.link_events that shows it. Needs root and iproute2. The links go with one
// `ip link del group`, and the namespace after them, also when a run fails.
// Counters: see fleet_figures.hpp.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <string>

#include "change_driver.hpp"
#include "fleet_figures.hpp"
#include "latency.hpp"
#include "net_watcher.hpp"
#include "netns.hpp"
#include "process_usage.hpp"
#include "rtnetlink_pipeline.hpp"
#include "seen.hpp"

namespace {

using mirari::bench::FleetFigures;
using mirari::bench::now_ns;
using mirari::testing::NetworkNamespace;

constexpr int kChanges = 1000;
constexpr int kWarmUpChanges = 10;
constexpr std::chrono::seconds kTimeout{10};
constexpr int kGroup = 4242;
// What the probe link's events are recorded as (0 is "nothing seen yet").
constexpr std::uint64_t kUp = 1;
constexpr std::uint64_t kDown = 2;

// pairs veth pairs f<i>a <-> f<i>b in link group kGroup, deleted with the group.
class VethFleet {
 public:
  VethFleet(const NetworkNamespace& ns, int pairs) : ns_(ns) {
    std::string commands;
    const std::string group = " group " + std::to_string(kGroup);
    for (int i = 0; i < pairs; ++i) {
      const std::string name = "f" + std::to_string(i);
      commands +=
          "link add " + name + "a" + group + " type veth peer name " + name + "b" + group + "\n";
    }
    try {
      ns_.ip_batch(commands);
    } catch (...) {
      remove();
      throw;
    }
  }
  ~VethFleet() { remove(); }
  VethFleet(const VethFleet&) = delete;
  VethFleet& operator=(const VethFleet&) = delete;

 private:
  void remove() noexcept {
    try {
      ns_.ip({"link", "del", "group", std::to_string(kGroup)});
    } catch (const std::exception& e) {
      std::cerr << "cannot delete the benchmark's links: " << e.what() << "\n";
    }
  }

  const NetworkNamespace& ns_;
};

FleetFigures measure(int n) {
  NetworkNamespace ns;
  VethFleet links(ns, n / 2);
  mirari::bench::ChangeDriver driver(ns.name());
  const int probe = driver.index_of("f" + std::to_string(n / 4) + "a");

  FleetFigures figures;
  figures.rss_before_kib = mirari::bench::resident_kib();
  figures.heap_before = mirari::bench::heap_bytes();
  mirari::bench::Seen seen;
  const std::int64_t start_cpu = mirari::bench::process_cpu_ns();
  const std::int64_t start = now_ns();
  mirari::bench::RtnetlinkPipeline<mirari::net::NetWatcher> pipeline(
      ns.name(), 4 << 20, [&seen, probe](const mirari::net::LinkEvent& e) {
        if (e.new_link && e.new_link->index == probe) seen.record(e.new_link->up ? kUp : kDown);
      });
  figures.sync_ns = now_ns() - start;
  figures.sync_cpu_ns = mirari::bench::process_cpu_ns() - start_cpu;
  figures.rss_after_kib = mirari::bench::resident_kib();
  figures.heap_after = mirari::bench::heap_bytes();

  bool up = false;
  figures.changes = mirari::bench::time_changes(
      kWarmUpChanges, kChanges,
      [&] {
        up = !up;
        const std::int64_t sent = now_ns();
        driver.set_up(probe, up);
        seen.wait_for(up ? kUp : kDown, kTimeout);
        return static_cast<double>(seen.at_ns() - sent) / 1e3;
      },
      [&pipeline] { return pipeline.cpu_ns(); });
  if (const int refused = driver.refusals(); refused != 0) {
    throw std::runtime_error("the kernel refused " + std::to_string(refused) + " link changes");
  }
  return figures;
}

void BM_LinkFleet(benchmark::State& state) {
  static bool warmed = false;
  mirari::bench::run_fleet(state, warmed, measure);
}
BENCHMARK(BM_LinkFleet)
    ->Apply(mirari::bench::fleet_sizes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
