// What the observer of committed ticks last saw, and when it first saw it: the benchmark's
// thread makes a change, then waits here for the tick that shows it.
//
// Invariant: at_ns() is the time of the record() that set value() to what it holds now; a
// record() of the value already held changes nothing, so a later tick that repeats the value
// does not move the time the change arrived.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "latency.hpp"

namespace mirari::bench {

class Seen {
 public:
  // From the observer's thread.
  void record(std::uint64_t value) {
    {
      std::lock_guard lock(mutex_);
      if (value == value_) return;
      value_ = value;
      at_ns_ = now_ns();
    }
    changed_.notify_all();
  }
  // One more occurrence: record(value() + 1).
  void count() {
    std::uint64_t next = 0;
    {
      std::lock_guard lock(mutex_);
      next = value_ + 1;
    }
    record(next);
  }

  // Blocks until done(value()) holds, or deadline passes (when given); returns whether it
  // holds.
  bool wait(const std::function<bool(std::uint64_t)>& done,
            std::optional<Clock::time_point> deadline = std::nullopt) const {
    std::unique_lock lock(mutex_);
    auto holds = [&] { return done(value_); };
    if (!deadline) {
      changed_.wait(lock, holds);
      return true;
    }
    return changed_.wait_until(lock, *deadline, holds);
  }
  // Blocks until value() is value.
  void wait_for(std::uint64_t value) const {
    wait([value](std::uint64_t now) { return now == value; });
  }
  // The same, throwing std::runtime_error when timeout passes first.
  void wait_for(std::uint64_t value, Clock::duration timeout) const {
    if (!wait([value](std::uint64_t now) { return now == value; }, Clock::now() + timeout)) {
      throw std::runtime_error(
          "no committed tick showed the change within " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
          " ms");
    }
  }

  std::uint64_t value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  std::int64_t at_ns() const {
    std::lock_guard lock(mutex_);
    return at_ns_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t value_ = 0;
  std::int64_t at_ns_ = 0;
};

}  // namespace mirari::bench
