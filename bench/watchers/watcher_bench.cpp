// The rtnetlink watchers end to end: from a change made in the kernel to the committed tick
// in which the watcher's event occurs, and the rate of neighbour changes a watcher follows
// without losing any. Needs root and iproute2; runs in a network namespace of its own.
//
// Layout as in mirarid: one thread runs the io_context on which the watcher reads its socket
// and the graph's ticks run (a write wakes the graph by posting a tick there); the benchmark's
// own thread makes the changes over rtnetlink.
//
// Latency counters, in microseconds: p50_us, p90_us, p99_us, max_us, measured from just before the
// change request is sent (so they include the kernel handling it) to the moment the
// observer of the committed tick runs. Sustained counters: offered (changes/s sent),
// followed (changes/s from the first change sent to the tick of the last one), lag_ms (from
// the last change sent to its tick), lost (changes without their own event), overruns,
// resyncs, refused (changes the kernel refused).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "arp_watcher.hpp"
#include "change_driver.hpp"
#include "latency.hpp"
#include "neighbour_segment.hpp"
#include "net_watcher.hpp"
#include "rtnetlink_pipeline.hpp"
#include "seen.hpp"

namespace {

using mirari::bench::ChangeDriver;
using mirari::bench::Clock;
using mirari::bench::now_ns;
using mirari::bench::report_latency;
using mirari::bench::Seen;
template <class Watcher>
using Pipeline = mirari::bench::RtnetlinkPipeline<Watcher>;

// One namespace for the whole run, with a veth pair, both ends up; deleted at exit.
const mirari::testing::NetworkNamespace& segment() {
  static const mirari::testing::NeighbourSegment segment;
  return segment.ns;
}

std::array<std::uint8_t, 6> mac_of(std::uint32_t n) {
  return {0x02,
          0x00,
          static_cast<std::uint8_t>(n >> 24),
          static_cast<std::uint8_t>(n >> 16),
          static_cast<std::uint8_t>(n >> 8),
          static_cast<std::uint8_t>(n)};
}

void BM_LinkChangeToTick(benchmark::State& state) {
  ChangeDriver driver(segment().name());
  const int va = driver.index_of("va");
  Seen seen;
  Pipeline<mirari::net::NetWatcher> pipeline(segment().name(), 4 << 20,
                                             [&](const mirari::net::LinkEvent& e) {
                                               if (e.new_link && e.new_link->index == va) {
                                                 seen.count();
                                               }
                                             });
  std::vector<double> samples;
  std::uint64_t sent = 0;
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    driver.set_mtu(va, sent % 2 == 0 ? 1400 : 1500);
    seen.wait_for(++sent);
    const double us = static_cast<double>(seen.at_ns() - start) / 1e3;
    state.SetIterationTime(us / 1e6);
    samples.push_back(us);
  }
  driver.set_mtu(va, 1500);
  report_latency(state, samples);
  state.counters["overruns"] = static_cast<double>(pipeline.stats().overruns);
}
BENCHMARK(BM_LinkChangeToTick)->UseManualTime()->Iterations(10000)->Unit(benchmark::kMicrosecond);

void BM_NeighbourChangeToTick(benchmark::State& state) {
  ChangeDriver driver(segment().name());
  const int va = driver.index_of("va");
  Seen seen;
  Pipeline<mirari::arp::ArpWatcher> pipeline(
      segment().name(), 4 << 20, [&](const mirari::arp::NeighbourEvent& e) {
        if (e.new_entry && e.new_entry->address == "192.0.2.1") seen.count();
      });
  std::vector<double> samples;
  std::uint32_t sent = 0;
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    driver.set_neighbour(va, {192, 0, 2, 1}, mac_of(0x100000 + sent));
    seen.wait_for(++sent);
    const double us = static_cast<double>(seen.at_ns() - start) / 1e3;
    state.SetIterationTime(us / 1e6);
    samples.push_back(us);
  }
  report_latency(state, samples);
  state.counters["overruns"] = static_cast<double>(pipeline.stats().overruns);
}
BENCHMARK(BM_NeighbourChangeToTick)
    ->UseManualTime()
    ->Iterations(10000)
    ->Unit(benchmark::kMicrosecond);

// Changes to 256 entries (each a new MAC for its address: one `moved` event per change),
// offered at range(0) changes/s (0: as fast as the kernel takes them) for two seconds, with a
// receive buffer of range(1) bytes (0: the system default).
void BM_NeighbourSustained(benchmark::State& state) {
  const auto rate = static_cast<std::uint64_t>(state.range(0));
  const int receive_buffer = static_cast<int>(state.range(1));
  constexpr auto kDuration = std::chrono::seconds(2);
  constexpr std::uint64_t kEntries = 256;
  ChangeDriver driver(segment().name());
  const int va = driver.index_of("va");
  static std::uint32_t generation = 0;  // fresh MACs in every run, so every change is one
  Seen seen;
  Pipeline<mirari::arp::ArpWatcher> pipeline(segment().name(), receive_buffer,
                                             [&](const mirari::arp::NeighbourEvent& e) {
                                               if (e.new_entry) seen.count();
                                             });
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    const auto until = Clock::now() + kDuration;
    std::uint64_t sent = 0;
    std::int64_t sent_ns = start;
    auto slot = Clock::now();
    while (Clock::now() < until) {
      const std::uint64_t burst = rate == 0 ? 64 : std::max<std::uint64_t>(1, rate / 1000);
      for (std::uint64_t i = 0; i < burst; ++i, ++sent) {
        const auto n = static_cast<std::uint8_t>(sent % kEntries);
        driver.set_neighbour(va, {198, 51, static_cast<std::uint8_t>(100 + n / 128), n},
                             mac_of((++generation) & 0xffffff));
      }
      sent_ns = now_ns();
      if (rate != 0) {
        slot += std::chrono::milliseconds(1);
        std::this_thread::sleep_until(slot);
      }
    }
    // Every change brings its own event unless some were lost; then the resync brings one
    // per entry that differs, and the wait ends on the deadline below.
    seen.wait([sent](std::uint64_t count) { return count >= sent; },
              Clock::now() + std::chrono::seconds(5));
    const std::int64_t end = seen.at_ns();
    state.SetIterationTime(static_cast<double>(end - start) / 1e9);
    state.counters["offered"] =
        static_cast<double>(sent) / (static_cast<double>(sent_ns - start) / 1e9);
    state.counters["followed"] =
        static_cast<double>(seen.value()) / (static_cast<double>(end - start) / 1e9);
    state.counters["lost"] =
        static_cast<double>(sent - std::min<std::uint64_t>(sent, seen.value()));
    state.counters["lag_ms"] = static_cast<double>(end - sent_ns) / 1e6;
  }
  state.counters["overruns"] = static_cast<double>(pipeline.stats().overruns);
  state.counters["resyncs"] = static_cast<double>(pipeline.stats().resyncs);
  state.counters["refused"] = driver.refusals();
}
BENCHMARK(BM_NeighbourSustained)
    ->ArgNames({"rate", "rcvbuf"})
    ->Args({50000, 4 << 20})
    ->Args({100000, 4 << 20})
    ->Args({0, 4 << 20})
    ->Args({50000, 0})
    ->Args({0, 0})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
