// The load monitor as mirarid runs it: its socket read on an I/O thread of its own (mirarid
// gives each plugin's I/O a strand on its worker threads, not the graph's thread), its outputs
// in a graph on a GraphThread, and an observer of load.samples that counts every sample
// committed and records the values of one probe instance's reports.
//
// With a network namespace named, the monitor's socket is made in it, so that it takes that
// namespace's net.unix.max_dgram_qlen (the queue a datagram socket accepts before senders
// get EAGAIN); senders in any namespace reach it by its path.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>

#include "graph_thread.hpp"
#include "io_thread.hpp"
#include "load_monitor.hpp"
#include "rtnetlink/netns.hpp"
#include "seen.hpp"

namespace mirari::bench {

class LoadPipeline {
 public:
  // The probe's report values are whole numbers, recorded in probe().
  LoadPipeline(const std::filesystem::path& socket, const std::string& netns,
               const std::string& probe_instance) {
    load::LoadMonitorOptions options;
    options.socket = socket;
    rtnetlink::in_netns(netns, [&] {
      monitor_.emplace(reader_.executor(), options, [](const std::string& what) {
        std::cerr << "load-monitor: " << what << "\n";
      });
    });
    Graph& graph = thread_.graph();
    load::LoadMonitor::Current now = monitor_->current();
    load::LoadMonitor::Outputs out{&graph,
                                   graph.source<load::LoadByInstance>(std::move(now.by_instance)),
                                   graph.source<double>(now.total),
                                   graph.source<load::InstanceReports>(std::move(now.reports)),
                                   graph.event_source<std::vector<load::LoadSample>>(),
                                   graph.source<std::uint64_t>(now.rejected)};
    mirari::observe(out.samples.event(),
                    [this, probe_instance](const std::vector<load::LoadSample>& samples) {
                      for (const load::LoadSample& sample : samples) {
                        if (sample.instance == probe_instance) {
                          probe_.record(static_cast<std::uint64_t>(std::llround(sample.value)));
                        }
                      }
                      samples_.fetch_add(samples.size(), std::memory_order_relaxed);
                      ticks_.fetch_add(1, std::memory_order_relaxed);
                    });
    monitor_->follow(std::move(out));
    thread_.start();
    reader_.start();
  }
  ~LoadPipeline() {
    monitor_->stop();
    reader_.stop();
    thread_.stop();
  }
  LoadPipeline(const LoadPipeline&) = delete;
  LoadPipeline& operator=(const LoadPipeline&) = delete;

  // Samples committed so far, all instances together.
  std::uint64_t samples() const { return samples_.load(std::memory_order_relaxed); }
  // Ticks that committed samples so far.
  std::uint64_t ticks() const { return ticks_.load(std::memory_order_relaxed); }
  Seen& probe() noexcept { return probe_; }
  // CPU time of the threads the monitor and the graph run on, together, in nanoseconds.
  std::int64_t cpu_ns() { return thread_.cpu_ns() + reader_.cpu_ns(); }
  // Time those threads waited for a CPU, together, in nanoseconds (IoThread::runqueue_wait_ns()).
  std::int64_t runqueue_wait_ns() const {
    return thread_.runqueue_wait_ns() + reader_.runqueue_wait_ns();
  }

 private:
  GraphThread thread_;
  IoThread reader_;
  std::optional<load::LoadMonitor> monitor_;
  std::atomic<std::uint64_t> samples_{0};
  std::atomic<std::uint64_t> ticks_{0};
  Seen probe_;
};

}  // namespace mirari::bench
