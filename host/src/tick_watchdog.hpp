// The time budget of a tick's nodes and effects. A tick that runs longer than
// effect_budget_ms is reported while it runs, naming the plugin whose code the graph's thread
// is in (stack_sampler.hpp), once per tick; the daemon logs its whole duration when it ends.
//
// It watches from the control thread, so a tick that never ends is reported too. Effects are
// timed as part of their tick: the graph runs them inside tick(), after commit, and the
// plugin whose effect is slow is the one the sample finds.
//
// Invariant: each tick is reported at most once while it runs, and only once it has run
// longer than the budget.
#pragma once

#include <pthread.h>

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

namespace spdlog {
class logger;
}

namespace mirari::host {

class TickRunner;

class TickWatchdog {
 public:
  TickWatchdog(boost::asio::any_io_executor control, const TickRunner& ticks,
               pthread_t graph_thread, spdlog::logger& log);

  // 0 turns the watch off. Any thread.
  void set_budget(std::chrono::milliseconds budget) { budget_ms_ = budget.count(); }
  std::chrono::milliseconds budget() const { return std::chrono::milliseconds(budget_ms_.load()); }
  // Starts watching. Control thread.
  void start();

 private:
  void check();

  boost::asio::steady_timer timer_;
  const TickRunner& ticks_;
  pthread_t graph_thread_;
  spdlog::logger& log_;
  std::atomic<std::chrono::milliseconds::rep> budget_ms_{0};
  std::uint64_t reported_ = 0;  // the last tick reported
};

}  // namespace mirari::host
