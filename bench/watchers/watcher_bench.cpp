// The rtnetlink watchers end to end: from a change made in the kernel to the committed tick
// in which the watcher's event occurs, and the rate of neighbour changes a watcher follows
// without losing any. Needs root and iproute2; runs in a network namespace of its own.
//
// Layout as in mirarid: one thread runs the io_context on which the watcher reads its socket
// and the graph's ticks run (a write wakes the graph by posting a tick there); the benchmark's
// own thread makes the changes over rtnetlink.
//
// Latency counters, in microseconds: p50_us, p99_us, max_us, measured from just before the
// change request is sent (so they include the kernel handling it) to the moment the
// observer of the committed tick runs. Sustained counters: offered (changes/s sent),
// followed (changes/s from the first change sent to the tick of the last one), lag_ms (from
// the last change sent to its tick), lost (changes without their own event), overruns,
// resyncs, refused (changes the kernel refused).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mirari/combinators.hpp>

#include "arp_watcher.hpp"
#include "change_driver.hpp"
#include "neighbour_segment.hpp"
#include "net_watcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using mirari::bench::ChangeDriver;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// One namespace for the whole run, with a veth pair, both ends up; deleted at exit.
const mirari::testing::NetworkNamespace& segment() {
  static const mirari::testing::NeighbourSegment segment;
  return segment.ns;
}

// A watcher and a graph on one thread, as mirarid runs them.
template <class Watcher>
class Pipeline {
 public:
  using Table = typename Watcher::Table;
  using Event = typename Watcher::Event;

  Pipeline(int receive_buffer, std::function<void(const Event&)> on_event) {
    graph_.set_wakeup([this] { boost::asio::post(io_, [this] { graph_.run_until_idle(); }); });
    watcher_.emplace(io_.get_executor(),
                     mirari::rtnetlink::MirrorOptions{segment().name(), receive_buffer, {}});
    auto out = mirari::common::TablePublisher<Table, Event>::make(graph_, watcher_->table());
    mirari::observe(out.changes(), [on_event = std::move(on_event)](const std::vector<Event>& all) {
      for (const Event& e : all) on_event(e);
    });
    watcher_->follow(out);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Pipeline() {
    watcher_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  mirari::rtnetlink::MirrorStats stats() const { return watcher_->stats(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  mirari::Graph graph_;
  std::optional<Watcher> watcher_;
  std::thread thread_;
};

// Occurrences seen by an observer, and when the last one was.
struct Seen {
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::int64_t> last_ns{0};
  void record() {
    last_ns.store(now_ns());
    count.fetch_add(1);
    count.notify_one();
  }
  void wait_for(std::uint64_t n) {
    for (std::uint64_t c = count.load(); c < n; c = count.load()) count.wait(c);
  }
};

void report_latency(benchmark::State& state, std::vector<double>& samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[static_cast<std::size_t>(q * (samples.size() - 1))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = samples.back();
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
  Pipeline<mirari::net::NetWatcher> pipeline(4 << 20, [&](const mirari::net::LinkEvent& e) {
    if (e.new_link && e.new_link->index == va) seen.record();
  });
  std::vector<double> samples;
  std::uint64_t sent = 0;
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    driver.set_mtu(va, sent % 2 == 0 ? 1400 : 1500);
    seen.wait_for(++sent);
    const double us = static_cast<double>(seen.last_ns.load() - start) / 1e3;
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
  Pipeline<mirari::arp::ArpWatcher> pipeline(4 << 20, [&](const mirari::arp::NeighbourEvent& e) {
    if (e.new_entry && e.new_entry->address == "192.0.2.1") seen.record();
  });
  std::vector<double> samples;
  std::uint32_t sent = 0;
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    driver.set_neighbour(va, {192, 0, 2, 1}, mac_of(0x100000 + sent));
    seen.wait_for(++sent);
    const double us = static_cast<double>(seen.last_ns.load() - start) / 1e3;
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
  Pipeline<mirari::arp::ArpWatcher> pipeline(receive_buffer,
                                             [&](const mirari::arp::NeighbourEvent& e) {
                                               if (e.new_entry) seen.record();
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
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (seen.count.load() < sent && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const std::int64_t end = seen.last_ns.load();
    state.SetIterationTime(static_cast<double>(end - start) / 1e9);
    state.counters["offered"] =
        static_cast<double>(sent) / (static_cast<double>(sent_ns - start) / 1e9);
    state.counters["followed"] =
        static_cast<double>(seen.count.load()) / (static_cast<double>(end - start) / 1e9);
    state.counters["lost"] =
        static_cast<double>(sent - std::min<std::uint64_t>(sent, seen.count.load()));
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
