// What every fleet benchmark measures and how it reports it, so that bench/scale_report.py
// reads each series the same way.
//
// A fleet benchmark runs at n = 10, 100, 1,000 and 10,000 items (domains, links, instances),
// one iteration per fleet: it builds the fleet, measures the initial sync and the memory it
// took, then a series of single changes, each from the change to the committed tick that
// shows it. The first run of a series in the process is done twice and the first discarded,
// so that the code and the allocator's first growth are paid before anything is measured.
//
// Counters:
//   n                           items in the fleet
//   sync_ms, sync_us_per_item   from the watcher's construction to its first publish
//   sync_cpu_us_per_item        CPU time of the whole process over the sync, per item: the
//                               work, where the time above also holds the waits between
//                               threads that the machine's other work lengthens
//   sync_requests_per_item      for XenStore, the requests the sync made of the store
//   rss_kib_per_item            resident memory (process_usage.hpp) the synced fleet added,
//                               divided by n; it moves by pages, so at small n it is noise
//   heap_bytes_per_item         malloc's bytes in use (process_usage.hpp) the synced fleet
//                               added, divided by n: the same, to the byte
//   p50_us, p90_us, ...         one change to the committed tick (latency.hpp); a series that
//                               times another kind of change too reports it under a prefix
//   cpu_us_per_change           CPU time of the thread the watcher and the graph run on
//                               (mirarid's share), per change
//   process_cpu_us_per_change   CPU time of the whole benchmark process, per change: the
//                               writer of the changes (and the kernel's work for it, or the
//                               XenStore server's) included
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "latency.hpp"
#include "process_usage.hpp"

namespace mirari::bench {

inline constexpr int kFleetSizes[] = {10, 100, 1000, 10000};

inline void fleet_sizes(benchmark::internal::Benchmark* b) {
  b->ArgName("n");
  for (const int n : kFleetSizes) b->Arg(n);
}

// One kind of change, made one at a time, each timed to the committed tick that shows it.
struct ChangeFigures {
  std::vector<double> latencies_us;
  std::int64_t thread_cpu_ns = 0;   // the graph thread's, over the timed changes
  std::int64_t process_cpu_ns = 0;  // the process's, over the timed changes
};

// Runs change() warm_up times, then count times timed; each call makes one change, waits
// for its tick and returns its latency in microseconds. thread_cpu() gives the graph
// thread's CPU time in nanoseconds.
template <class Change, class ThreadCpu>
ChangeFigures time_changes(int warm_up, int count, Change change, ThreadCpu thread_cpu) {
  for (int i = 0; i < warm_up; ++i) change();
  ChangeFigures figures;
  const std::int64_t thread_before = thread_cpu();
  const std::int64_t process_before = process_cpu_ns();
  for (int i = 0; i < count; ++i) figures.latencies_us.push_back(change());
  figures.thread_cpu_ns = thread_cpu() - thread_before;
  figures.process_cpu_ns = process_cpu_ns() - process_before;
  return figures;
}

struct FleetFigures {
  std::int64_t sync_ns = 0;
  std::int64_t sync_cpu_ns = 0;
  std::optional<std::uint64_t> sync_requests;
  long rss_before_kib = 0;  // before the watcher existed
  long rss_after_kib = 0;   // once it had synced
  std::size_t heap_before = 0;
  std::size_t heap_after = 0;
  ChangeFigures changes;
  // Further kinds of change a series times, by the prefix of their counters.
  std::map<std::string, ChangeFigures> more_changes;
};

inline void report_changes(benchmark::State& state, ChangeFigures& figures,
                           const std::string& prefix = "") {
  const auto count = static_cast<double>(figures.latencies_us.size());
  state.counters[prefix + "cpu_us_per_change"] =
      static_cast<double>(figures.thread_cpu_ns) / 1e3 / count;
  state.counters[prefix + "process_cpu_us_per_change"] =
      static_cast<double>(figures.process_cpu_ns) / 1e3 / count;
  report_latency(state, figures.latencies_us, prefix);
}

// Runs measure(n) and reports its figures (an exception skips the run with its message); the
// first call of each series (warmed starts false) runs it once more before, at the smallest
// size, and discards that run.
template <class Measure>
void run_fleet(benchmark::State& state, bool& warmed, Measure measure) {
  const int n = static_cast<int>(state.range(0));
  FleetFigures figures;
  for (auto _ : state) {
    try {
      if (!warmed) {
        measure(kFleetSizes[0]);
        warmed = true;
      }
      figures = measure(n);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
    state.SetIterationTime(static_cast<double>(figures.sync_ns) / 1e9);
  }
  state.counters["n"] = n;
  state.counters["sync_ms"] = static_cast<double>(figures.sync_ns) / 1e6;
  state.counters["sync_us_per_item"] = static_cast<double>(figures.sync_ns) / 1e3 / n;
  state.counters["sync_cpu_us_per_item"] = static_cast<double>(figures.sync_cpu_ns) / 1e3 / n;
  if (figures.sync_requests) {
    state.counters["sync_requests_per_item"] = static_cast<double>(*figures.sync_requests) / n;
  }
  state.counters["rss_kib_per_item"] =
      static_cast<double>(figures.rss_after_kib - figures.rss_before_kib) / n;
  state.counters["heap_bytes_per_item"] =
      (static_cast<double>(figures.heap_after) - static_cast<double>(figures.heap_before)) / n;
  report_changes(state, figures.changes);
  for (auto& [prefix, changes] : figures.more_changes) report_changes(state, changes, prefix);
}

}  // namespace mirari::bench
