// Runs the graph's ticks on the graph's strand, when inputs arrive.
//
// A write to a source wakes the runner from whichever thread wrote it; the runner posts one
// tick to the strand and, after it, another as long as inputs are pending. Other work on the
// strand (control requests, loads, reloads) runs between ticks, never inside one.
//
// Invariant: while inputs are pending, exactly one tick is posted or running.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <functional>

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

 private:
  void run();

  Graph& graph_;
  boost::asio::any_io_executor strand_;
  ErrorSink errors_;
  TickDurations durations_;
  std::atomic<bool> scheduled_{false};
};

}  // namespace mirari::host
