// Runs the graph's ticks on the graph's strand, when inputs arrive.
//
// A write to a source wakes the runner from whichever thread wrote it; the runner posts one
// tick to the strand and, after it, another as long as inputs are pending. Other work on the
// strand (control requests, loads, reloads) runs between ticks, never inside one.
//
// Invariants: while inputs are pending, exactly one tick is posted or running; running()
// tells any thread which tick the graph's thread is in, and since when.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "mirari/graph.hpp"
#include "tick_durations.hpp"

namespace mirari::host {

class TickRunner {
 public:
  // Receives every error a tick reports (rolled-back ticks, failed effects).
  using ErrorSink = std::function<void(const NodeError&)>;

  // Installs itself as graph's wakeup.
  TickRunner(Graph& graph, boost::asio::any_io_executor strand, ErrorSink errors);
  // Removes the wakeup. Sources must no longer be written from other threads.
  ~TickRunner();
  TickRunner(const TickRunner&) = delete;
  TickRunner& operator=(const TickRunner&) = delete;

  // Makes sure a tick runs soon. Any thread.
  void schedule();
  const TickDurations& durations() const noexcept { return durations_; }
  // Called on the graph's thread after every tick that ran, with its duration.
  void after_each_tick(std::function<void(std::chrono::nanoseconds)> hook) {
    after_tick_ = std::move(hook);
  }

  struct Running {
    std::uint64_t tick;                           // the tick being computed
    std::chrono::steady_clock::time_point since;  // when it started
  };
  // The tick the graph's thread is in now, or nullopt between ticks. Any thread.
  std::optional<Running> running() const;

 private:
  void run();

  Graph& graph_;
  boost::asio::any_io_executor strand_;
  ErrorSink errors_;
  TickDurations durations_;
  std::function<void(std::chrono::nanoseconds)> after_tick_;
  std::atomic<bool> scheduled_{false};
  std::atomic<std::int64_t> running_since_{0};  // steady_clock ticks; 0 between ticks
  std::atomic<std::uint64_t> running_tick_{0};
};

}  // namespace mirari::host
