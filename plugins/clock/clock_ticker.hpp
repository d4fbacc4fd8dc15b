// Reads the monotonic clock every period and hands the reading on, from the plugin's event
// loop. The clock plugin writes each reading into the clock.ms source (mirari/ports/clock.hpp).
//
// Invariant: between start() and stop() exactly one wait is pending on the timer; after
// stop() none is started again, and the handler of the cancelled one (which keeps the
// ticker's state alive) returns without reading the clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace mirari::clock {

// Milliseconds of CLOCK_MONOTONIC (std::chrono::steady_clock on Linux).
std::int64_t monotonic_ms() noexcept;

class ClockTicker {
 public:
  using Publish = std::function<void(std::int64_t ms)>;

  // Nothing runs until start(). publish runs on io's thread.
  ClockTicker(boost::asio::any_io_executor io, std::chrono::milliseconds period, Publish publish);
  ~ClockTicker();
  ClockTicker(const ClockTicker&) = delete;
  ClockTicker& operator=(const ClockTicker&) = delete;

  // Starts the first wait: the first reading comes one period from now. Any thread; does
  // nothing after stop().
  void start();
  // Cancels the pending wait; no reading is published after it returns. Any thread.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace mirari::clock
