// Instances reporting load: n instances, each sending one datagram "NAME load VALUE" every
// 100 ms (n × 10 reports/s, spread evenly over each 100 ms), for a few seconds, to a load
// monitor's unix datagram socket, from one sender thread; and a probe instance reporting
// every 10 ms from another, whose reports are timed to the committed tick of load.samples
// that carries them. Senders never block: a report the monitor's queue has no room for
// (EAGAIN) is refused, as an instance that must not stall would drop it. Needs root for
// the runs with a queue length of their own.
//
// qlen: the monitor socket's queue (net.unix.max_dgram_qlen, per network namespace): 0 takes
// this host's; another value makes the socket in a network namespace of the benchmark's own
// with that setting (systemd sets 512 on the hosts it boots; the load monitor's README advises
// 4096 for a large fleet).
//
// BM_LoadFleet counters: n, qlen, offered_per_s (reports sent or refused per second),
// accepted_pct (samples load.samples carried / reports offered), refused (EAGAIN), lag_ms
// (from the last report sent to the tick of the last sample), cpu_us_per_report and cores
// (CPU time of the threads the monitor and the graph run on, together: per sample carried, and per
// second of the run), reports_per_tick (samples carried per tick that carried any), wait_pct (the
// share of the run that thread spent waiting for a CPU, taken by the machine's other work),
// sender_late_ms (the longest the fleet's sender sent a report after it was due: it then sends what
// it owes at once), rss_kib_per_item and heap_bytes_per_item (memory per instance once all
// reported, as fleet_figures.hpp says), p50_us, p90_us... (probe report to committed tick),
// probes_lost (probe reports refused or not seen within a second).
//
// BM_LoadMaxRate: one sender as fast as the socket takes reports, for 10,000 instance names
// in turn; on EAGAIN it waits for room (poll) and sends the same report again, so nothing is
// lost. Counters: reports_per_s (samples carried per second), eagain_per_s (what the sender
// saw), cpu_us_per_report, cores, reports_per_tick (the monitor writes what one wake-up read
// in one tick: behind a sender this fast, a wake-up reads until it has caught up).
//
// BM_LoadReportCost: the cost of one report in the monitor's whole path, without the pacing
// of a timed fleet: 10,000 instances report once each (not measured), then `rounds` times
// `batch` reports (the instances in turn) are sent at once and waited for until their tick
// has committed. Counters: cpu_us_per_report, reports_per_tick. Under callgrind
// (--separate-threads=yes) the instructions of the two threads that are not the sender's,
// at rounds 2,000 less those at rounds 1,000, divided by 1,000 x batch, are the instructions
// of one report (the README of plugins/load-monitor gives the command).
#include <benchmark/benchmark.h>

#include <sys/prctl.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "command.hpp"
#include "fleet_figures.hpp"
#include "latency.hpp"
#include "load_pipeline.hpp"
#include "netns.hpp"
#include "process_usage.hpp"
#include "report_socket.hpp"
#include "temp_dir.hpp"

namespace {

using mirari::bench::Clock;
using mirari::bench::LoadPipeline;
using mirari::bench::now_ns;
using mirari::bench::ReportSocket;
using namespace std::chrono_literals;

constexpr auto kPeriod = 100ms;        // each instance reports at 10 Hz
constexpr auto kProbePeriod = 10ms;    // the probe, at 100 Hz
constexpr auto kMinSleep = 100us;      // the fleet sender's shortest pause
constexpr auto kDrainTimeout = 10s;    // for the last reports to reach a tick
constexpr int kRateInstances = 10000;  // the names the max-rate sender reports for in turn
constexpr const char* kProbe = "probe";

// The queue length the host gives datagram sockets.
long host_qlen() {
  std::ifstream file("/proc/sys/net/unix/max_dgram_qlen");
  long qlen = 0;
  file >> qlen;
  return qlen;
}

// Where the monitor's socket is made: the host's namespace (qlen 0) or one of the
// benchmark's own with the given queue length.
class SocketNamespace {
 public:
  explicit SocketNamespace(int qlen) {
    if (qlen == 0) return;
    ns_.emplace();
    mirari::testing::check_command({"ip", "netns", "exec", ns_->name(), "sysctl", "-q", "-w",
                                    "net.unix.max_dgram_qlen=" + std::to_string(qlen)});
  }
  std::string name() const { return ns_ ? ns_->name() : std::string(); }

 private:
  std::optional<mirari::testing::NetworkNamespace> ns_;
};

// Waits until the pipeline has carried `sent` samples; throws when kDrainTimeout passes
// first (a datagram the kernel took is never lost, so that is a failure).
std::int64_t drained_at_ns(LoadPipeline& pipeline, std::uint64_t sent) {
  const auto deadline = Clock::now() + kDrainTimeout;
  while (pipeline.samples() < sent) {
    if (Clock::now() > deadline) {
      throw std::runtime_error("the monitor carried " + std::to_string(pipeline.samples()) +
                               " of " + std::to_string(sent) + " reports sent");
    }
    std::this_thread::sleep_for(200us);
  }
  return now_ns();
}

// Instance's report in the round-th pass over the fleet, in line: its value changes from one
// round to the next, as a live instance's load does (a value equal to the last one would
// change no table).
std::string_view report_line(char (&line)[64], int instance, std::uint64_t round) {
  const int length =
      std::snprintf(line, sizeof line, "vm-%d load 0.%02d", instance,
                    static_cast<int>((static_cast<std::uint64_t>(instance) + round) % 100));
  return std::string_view(line, static_cast<std::size_t>(length));
}

struct Sent {
  std::uint64_t sent = 0;
  std::uint64_t refused = 0;
  Clock::duration late_max{};  // the longest a report was sent after it was due
};

// Sends n instances' reports, each instance's at 10 Hz, spread evenly, from start until
// `until`; a sender late after a pause sends what it owes at once.
Sent send_fleet(ReportSocket& socket, int n, Clock::time_point start, Clock::time_point until) {
  ::prctl(PR_SET_TIMERSLACK, 1000UL);  // 1 µs: sleeps end when asked, not 50 µs later
  const auto step = std::chrono::duration_cast<Clock::duration>(kPeriod) / n;
  Sent counts;
  char line[64];
  std::int64_t k = 0;
  for (Clock::time_point now = Clock::now(); now < until; now = Clock::now()) {
    if (const auto due = start + step * k; due <= now) {
      counts.late_max = std::max(counts.late_max, now - due);
    }
    for (Clock::time_point due = start + step * k; due <= now; due = start + step * ++k) {
      const auto instance = static_cast<int>(k % n);
      const auto round = static_cast<int>(k / n);
      if (socket.send(report_line(line, instance, static_cast<std::uint64_t>(round)))) {
        ++counts.sent;
      } else {
        ++counts.refused;
      }
    }
    std::this_thread::sleep_until(std::max(start + step * k, now + kMinSleep));
  }
  return counts;
}

struct LoadFigures {
  int qlen = 0;
  double seconds = 0;  // from the first report sent to the tick of the last
  double offered_per_s = 0;
  std::uint64_t offered = 0;
  std::uint64_t refused = 0;
  std::uint64_t carried = 0;
  std::uint64_t ticks = 0;  // that carried samples
  double lag_ms = 0;
  std::int64_t cpu_ns = 0;
  std::int64_t wait_ns = 0;
  double sender_late_ms = 0;
  long rss_before_kib = 0;
  long rss_after_kib = 0;
  std::size_t heap_before = 0;
  std::size_t heap_after = 0;
  std::vector<double> probe_us;
  std::uint64_t probes_lost = 0;
};

LoadFigures measure_fleet(int n, int qlen, std::chrono::milliseconds duration) {
  const SocketNamespace where(qlen);
  const mirari::testing::TempDir dir;
  const auto path = dir.path() / "load.sock";
  LoadPipeline pipeline(path, where.name(), kProbe);
  LoadFigures figures;
  figures.qlen = qlen == 0 ? static_cast<int>(host_qlen()) : qlen;
  figures.rss_before_kib = mirari::bench::resident_kib();
  figures.heap_before = mirari::bench::heap_bytes();
  ReportSocket fleet_socket(path);
  // The whole fleet's reports go through this one socket: room for as many as the monitor's
  // queue takes, as n sockets of their own would have.
  fleet_socket.widen_send_buffer(64 << 20);
  ReportSocket probe_socket(path);

  const std::int64_t cpu_before = pipeline.cpu_ns();
  const std::int64_t wait_before = pipeline.runqueue_wait_ns();
  const std::int64_t start_ns = now_ns();
  const Clock::time_point start = Clock::now();
  const Clock::time_point until = start + duration;
  Sent fleet;
  std::exception_ptr failure;
  // Joined when the probe's loop below ends, also by an exception.
  std::jthread sender([&] {
    try {
      fleet = send_fleet(fleet_socket, n, start, until);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  Sent probe;
  std::uint64_t value = 0;
  for (Clock::time_point next = start; next < until; next += kProbePeriod) {
    std::this_thread::sleep_until(next);
    const std::string line = std::string(kProbe) + " load " + std::to_string(++value);
    const std::int64_t sent_ns = now_ns();
    if (!probe_socket.send(line)) {
      ++probe.refused;
      ++figures.probes_lost;
      continue;
    }
    ++probe.sent;
    const bool seen =
        pipeline.probe().wait([value](std::uint64_t v) { return v >= value; }, Clock::now() + 1s);
    if (seen && pipeline.probe().value() == value) {
      figures.probe_us.push_back(static_cast<double>(pipeline.probe().at_ns() - sent_ns) / 1e3);
    } else {
      ++figures.probes_lost;
    }
  }
  sender.join();
  if (failure) std::rethrow_exception(failure);
  const std::int64_t sent_ns = now_ns();
  const std::int64_t end_ns = drained_at_ns(pipeline, fleet.sent + probe.sent);
  figures.carried = pipeline.samples();
  figures.ticks = pipeline.ticks();
  figures.cpu_ns = pipeline.cpu_ns() - cpu_before;
  figures.wait_ns = pipeline.runqueue_wait_ns() - wait_before;
  figures.sender_late_ms =
      static_cast<double>(
          std::chrono::duration_cast<std::chrono::microseconds>(fleet.late_max).count()) /
      1e3;
  figures.rss_after_kib = mirari::bench::resident_kib();
  figures.heap_after = mirari::bench::heap_bytes();

  figures.offered = fleet.sent + fleet.refused + probe.sent + probe.refused;
  figures.refused = fleet.refused + probe.refused;
  figures.seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  figures.offered_per_s =
      static_cast<double>(figures.offered) / (static_cast<double>(sent_ns - start_ns) / 1e9);
  figures.lag_ms = static_cast<double>(end_ns - sent_ns) / 1e6;
  return figures;
}

void BM_LoadFleet(benchmark::State& state) {
  static bool warmed = false;
  const int n = static_cast<int>(state.range(0));
  const int qlen = static_cast<int>(state.range(1));
  LoadFigures figures;
  for (auto _ : state) {
    try {
      if (!warmed) {
        measure_fleet(mirari::bench::kFleetSizes[0], qlen, 1s);
        warmed = true;
      }
      figures = measure_fleet(n, qlen, 3s);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
    state.SetIterationTime(figures.seconds);
  }
  state.counters["n"] = n;
  state.counters["qlen"] = figures.qlen;
  state.counters["offered_per_s"] = figures.offered_per_s;
  state.counters["accepted_pct"] =
      100.0 * static_cast<double>(figures.carried) / static_cast<double>(figures.offered);
  state.counters["refused"] = static_cast<double>(figures.refused);
  state.counters["lag_ms"] = figures.lag_ms;
  state.counters["cpu_us_per_report"] =
      static_cast<double>(figures.cpu_ns) / 1e3 / static_cast<double>(figures.carried);
  state.counters["cores"] = static_cast<double>(figures.cpu_ns) / 1e9 / figures.seconds;
  state.counters["reports_per_tick"] =
      static_cast<double>(figures.carried) / static_cast<double>(figures.ticks);
  state.counters["rss_kib_per_item"] =
      static_cast<double>(figures.rss_after_kib - figures.rss_before_kib) / n;
  state.counters["heap_bytes_per_item"] =
      (static_cast<double>(figures.heap_after) - static_cast<double>(figures.heap_before)) / n;
  state.counters["probes_lost"] = static_cast<double>(figures.probes_lost);
  state.counters["wait_pct"] = 100.0 * static_cast<double>(figures.wait_ns) / 1e9 / figures.seconds;
  state.counters["sender_late_ms"] = figures.sender_late_ms;
  mirari::bench::report_latency(state, figures.probe_us);
}
BENCHMARK(BM_LoadFleet)
    ->ArgNames({"n", "qlen"})
    ->ArgsProduct({{10, 100, 1000, 10000}, {0, 512, 4096}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_LoadMaxRate(benchmark::State& state) {
  const int qlen = static_cast<int>(state.range(0));
  for (auto _ : state) {
    try {
      const SocketNamespace where(qlen);
      const mirari::testing::TempDir dir;
      const auto path = dir.path() / "load.sock";
      LoadPipeline pipeline(path, where.name(), kProbe);
      ReportSocket socket(path);
      const std::int64_t cpu_before = pipeline.cpu_ns();
      const std::int64_t start_ns = now_ns();
      const Clock::time_point until = Clock::now() + 2s;
      std::uint64_t sent = 0;
      std::uint64_t eagain = 0;
      char line[64];
      while (Clock::now() < until) {
        for (int burst = 0; burst < 64; ++burst) {
          const auto instance = static_cast<int>(sent % kRateInstances);
          while (!socket.send(report_line(line, instance, sent / kRateInstances))) {
            ++eagain;
            socket.wait_for_room(100ms);
          }
          ++sent;
        }
      }
      const std::int64_t sent_ns = now_ns();
      const std::int64_t end_ns = drained_at_ns(pipeline, sent);
      const std::int64_t cpu_ns = pipeline.cpu_ns() - cpu_before;
      const double seconds = static_cast<double>(end_ns - start_ns) / 1e9;
      state.SetIterationTime(seconds);
      state.counters["qlen"] = qlen == 0 ? static_cast<double>(host_qlen()) : qlen;
      state.counters["reports_per_s"] = static_cast<double>(sent) / seconds;
      state.counters["eagain_per_s"] =
          static_cast<double>(eagain) / (static_cast<double>(sent_ns - start_ns) / 1e9);
      state.counters["cpu_us_per_report"] =
          static_cast<double>(cpu_ns) / 1e3 / static_cast<double>(sent);
      state.counters["cores"] = static_cast<double>(cpu_ns) / 1e9 / seconds;
      state.counters["reports_per_tick"] =
          static_cast<double>(sent) / static_cast<double>(pipeline.ticks());
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
}

BENCHMARK(BM_LoadMaxRate)
    ->ArgName("qlen")
    ->Arg(0)
    ->Arg(512)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_LoadReportCost(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const int rounds = static_cast<int>(state.range(1));
  for (auto _ : state) {
    try {
      const mirari::testing::TempDir dir;
      const auto path = dir.path() / "load.sock";
      LoadPipeline pipeline(path, "", kProbe);
      ReportSocket socket(path);
      char line[64];
      std::uint64_t sent = 0;
      const auto send = [&](int count) {
        for (int i = 0; i < count; ++i, ++sent) {
          const auto instance = static_cast<int>(sent % kRateInstances);
          while (!socket.send(report_line(line, instance, sent / kRateInstances))) {
            socket.wait_for_room(100ms);
          }
        }
        drained_at_ns(pipeline, sent);
      };
      send(kRateInstances);
      const std::uint64_t ticks_before = pipeline.ticks();
      const std::int64_t cpu_before = pipeline.cpu_ns();
      const std::int64_t start_ns = now_ns();
      for (int round = 0; round < rounds; ++round) send(batch);
      const std::int64_t cpu_ns = pipeline.cpu_ns() - cpu_before;
      const double reports = static_cast<double>(batch) * rounds;
      state.SetIterationTime(static_cast<double>(now_ns() - start_ns) / 1e9);
      state.counters["cpu_us_per_report"] = static_cast<double>(cpu_ns) / 1e3 / reports;
      state.counters["reports_per_tick"] =
          reports / static_cast<double>(pipeline.ticks() - ticks_before);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
}
BENCHMARK(BM_LoadReportCost)
    ->ArgNames({"batch", "rounds"})
    ->ArgsProduct({{1, 16, 64}, {1000, 2000}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
