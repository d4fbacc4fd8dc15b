// The XenStore watcher end to end: from a guest's write under its data/ directory to the
// committed tick in which xen.data_events carries the new value, against the XenStore-protocol
// server of tests/xenstored through the real libxenstore. No root needed.
//
// Layout as in mirarid: one thread runs the io_context on which the watcher waits for watch
// events and the graph's ticks run; the benchmark's own thread writes, as a guest would.
//
// The baseline, measured in the same run on the same server, is the least any XenStore
// client can do for the same news: a bare libxenstore watch on the key, woken through
// xs_fileno() and poll(), then one xs_read() of the value. ratio = Mirari / baseline.
//
// Counters, in microseconds: p50_us, p99_us, max_us. Sustained: writes/s offered by one
// writer (each write a round trip), batches (wake-ups that read the store again), and lag_ms
// from the last write to the tick that shows it.
#include <poll.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mirari/combinators.hpp>
#include <mirari/graph.hpp>

#include "temp_dir.hpp"
#include "xenstore.hpp"
#include "xenstore_server.hpp"
#include "xenstore_watcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using mirari::xen::XenStore;
namespace xen = mirari::xen;

constexpr const char* kLoadPath = "/local/domain/5/data/load";

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// A server for the whole run, with one named guest; XENSTORED_PATH points at it.
mirari::testing::XenstoreServer& server() {
  static mirari::testing::TempDir dir;
  static mirari::testing::XenstoreServer instance(dir.path() / "xenstored.sock");
  static const bool ready = [] {
    ::setenv("XENSTORED_PATH", instance.socket_path().c_str(), 1);
    XenStore guest = XenStore::open();
    guest.write(XenStore::kNoTransaction, "/local/domain/5/name", "web-1");
    guest.write(XenStore::kNoTransaction, kLoadPath, "0");
    return true;
  }();
  (void)ready;
  return instance;
}

// The value the last tick (or the baseline's read) showed, and when.
struct Seen {
  std::atomic<std::uint64_t> value{0};
  std::atomic<std::int64_t> at_ns{0};
  void record(std::uint64_t v) {
    at_ns.store(now_ns());
    value.store(v);
    value.notify_one();
  }
  void wait_for(std::uint64_t v) {
    for (std::uint64_t c = value.load(); c != v; c = value.load()) value.wait(c);
  }
};

std::uint64_t load_of(const xen::XenDataChange& change) {
  if (!change.new_value) return 0;
  auto it = change.new_value->values.find("load");
  return it == change.new_value->values.end() ? 0 : std::stoull(it->second);
}

// The watcher and a graph on one thread, as mirarid runs them.
class Pipeline {
 public:
  explicit Pipeline(Seen& seen) {
    graph_.set_wakeup([this] { boost::asio::post(io_, [this] { graph_.run_until_idle(); }); });
    watcher_.emplace(io_.get_executor(), xen::XenStoreWatcherOptions{});
    const xen::XenTables& now = watcher_->tables();
    auto out = xen::XenStoreWatcher::Outputs::make(graph_, now);
    mirari::observe(out.data.changes(), [&seen](const std::vector<xen::XenDataChange>& all) {
      for (const xen::XenDataChange& c : all) seen.record(load_of(c));
    });
    watcher_->follow(std::move(out));
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Pipeline() {
    watcher_->stop();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  xen::XenStoreWatcherStats stats() const { return watcher_->stats(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  mirari::Graph graph_;
  std::optional<xen::XenStoreWatcher> watcher_;
  std::thread thread_;
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

void report_latency(benchmark::State& state, std::vector<double>& samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[static_cast<std::size_t>(q * (samples.size() - 1))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = samples.back();
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
    const double us = static_cast<double>(seen.at_ns.load() - start) / 1e3;
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
    state.SetIterationTime(static_cast<double>(seen.at_ns.load() - start) / 1e9);
    state.counters["writes_per_s"] =
        static_cast<double>(sent) / (static_cast<double>(sent_ns - start) / 1e9);
    state.counters["lag_ms"] = static_cast<double>(seen.at_ns.load() - sent_ns) / 1e6;
  }
  state.counters["batches"] = static_cast<double>(pipeline.stats().batches);
  state.counters["watch_events"] = static_cast<double>(pipeline.stats().watch_events);
}
BENCHMARK(BM_XenDataSustained)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
