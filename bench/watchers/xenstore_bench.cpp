// The XenStore watcher end to end: from a guest's write under its data/ directory to the
// committed tick in which xen.data_events carries the new value, against the XenStore-protocol
// server of tools/xenstored through the real libxenstore. No root needed.
//
// Layout as in mirarid: one thread runs the io_context on which the watcher waits for watch
// events and the graph's ticks run; the benchmark's own thread writes, as a guest would.
//
// The baseline, measured in the same run on the same server, is the least any XenStore
// client can do for the same news: a bare libxenstore watch on the key, woken through
// xs_fileno() and poll(), then one xs_read() of the value. ratio = Mirari / baseline.
//
// Counters, in microseconds: p50_us, p90_us, p99_us, max_us. Sustained: writes/s offered by one
// writer (each write a round trip), batches (wake-ups that read the store again), and lag_ms
// from the last write to the tick that shows it.
#include <poll.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "latency.hpp"
#include "local_xenstored.hpp"
#include "seen.hpp"
#include "xenstore.hpp"
#include "xenstore_pipeline.hpp"

namespace {

using mirari::bench::Clock;
using mirari::bench::now_ns;
using mirari::bench::report_latency;
using mirari::bench::Seen;
using mirari::xen::XenStore;
namespace xen = mirari::xen;

constexpr const char* kLoadPath = "/local/domain/5/data/load";

// A server for the whole run, with one named guest; XENSTORED_PATH points at it.
void server() {
  static mirari::bench::LocalXenstored instance;
  static const bool ready = [] {
    instance.server().write({{"/local/domain/5/name", "web-1"}, {kLoadPath, "0"}});
    return true;
  }();
  (void)ready;
}

std::uint64_t load_of(const xen::XenDataChange& change) {
  if (!change.new_value) return 0;
  auto it = change.new_value->values.find("load");
  return it == change.new_value->values.end() ? 0 : std::stoull(it->second);
}

// The watcher and a graph on one thread, as mirarid runs them.
class Pipeline {
 public:
  explicit Pipeline(Seen& seen)
      : pipeline_([&seen](const xen::XenDataChange& c) { seen.record(load_of(c)); }) {}
  xen::XenStoreWatcherStats stats() const { return pipeline_.stats(); }

 private:
  mirari::bench::XenstorePipeline pipeline_;
};

// The baseline: a bare libxenstore watch on the key, on a thread of its own.
class BareWatch {
 public:
  explicit BareWatch(Seen& seen) : store_(XenStore::open()) {
    store_.watch(kLoadPath, "bench");
    thread_ = std::thread([this, &seen] {
      pollfd fd{store_.watch_fd(), POLLIN, 0};
      while (!stop_.load()) {
        if (::poll(&fd, 1, 50) <= 0) continue;
        while (store_.next_watch()) {
        }
        if (auto value = store_.read(XenStore::kNoTransaction, kLoadPath)) {
          seen.record(std::stoull(*value));
        }
      }
    });
  }
  ~BareWatch() {
    stop_ = true;
    thread_.join();
  }

 private:
  XenStore store_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::uint64_t next_value() {
  static std::uint64_t value = 0;
  return ++value;
}

template <class Follower>
void write_to_seen(benchmark::State& state) {
  server();
  Seen seen;
  Follower follower(seen);
  XenStore guest = XenStore::open();
  std::vector<double> samples;
  for (auto _ : state) {
    const std::uint64_t value = next_value();
    const std::int64_t start = now_ns();
    guest.write(XenStore::kNoTransaction, kLoadPath, std::to_string(value));
    seen.wait_for(value);
    const double us = static_cast<double>(seen.at_ns() - start) / 1e3;
    state.SetIterationTime(us / 1e6);
    samples.push_back(us);
  }
  report_latency(state, samples);
}

void BM_XenDataWriteToTick(benchmark::State& state) {
  write_to_seen<Pipeline>(state);
}
BENCHMARK(BM_XenDataWriteToTick)->UseManualTime()->Iterations(5000)->Unit(benchmark::kMicrosecond);

void BM_BaselineBareWatchAndRead(benchmark::State& state) {
  write_to_seen<BareWatch>(state);
}
BENCHMARK(BM_BaselineBareWatchAndRead)
    ->UseManualTime()
    ->Iterations(5000)
    ->Unit(benchmark::kMicrosecond);

// One writer as fast as the store answers, for two seconds; the watcher coalesces what
// arrives while it reads, and must end on the last value.
void BM_XenDataSustained(benchmark::State& state) {
  server();
  Seen seen;
  Pipeline pipeline(seen);
  XenStore guest = XenStore::open();
  for (auto _ : state) {
    const std::int64_t start = now_ns();
    const auto until = Clock::now() + std::chrono::seconds(2);
    std::uint64_t sent = 0;
    std::uint64_t value = 0;
    while (Clock::now() < until) {
      value = next_value();
      guest.write(XenStore::kNoTransaction, kLoadPath, std::to_string(value));
      ++sent;
    }
    const std::int64_t sent_ns = now_ns();
    seen.wait_for(value);
    state.SetIterationTime(static_cast<double>(seen.at_ns() - start) / 1e9);
    state.counters["writes_per_s"] =
        static_cast<double>(sent) / (static_cast<double>(sent_ns - start) / 1e9);
    state.counters["lag_ms"] = static_cast<double>(seen.at_ns() - sent_ns) / 1e6;
  }
  state.counters["batches"] = static_cast<double>(pipeline.stats().batches);
  state.counters["watch_events"] = static_cast<double>(pipeline.stats().watch_events);
}
BENCHMARK(BM_XenDataSustained)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
