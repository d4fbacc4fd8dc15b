// What `status` reports about the graph and the plugins, published by the graph's thread so
// that the control thread answers `status` at once, also while the graph's thread is busy
// (a long effect, a slow plugin start).
//
// Invariant: what read() returns was true on the graph's thread at its last publication: after
// the last tick, and after the last change of instances or ports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace mirari::host {

class StatusBoard {
 public:
  struct Counts {
    std::size_t plugins = 0;
    std::size_t nodes = 0;
    std::size_t ports = 0;
    std::uint64_t tick = 0;
  };

  // Graph thread: after a tick (constant time), and after any change of instances or ports.
  void publish_tick(std::size_t nodes, std::uint64_t tick) {
    std::lock_guard lock(mutex_);
    counts_.nodes = nodes;
    counts_.tick = tick;
  }
  void publish(const Counts& counts) {
    std::lock_guard lock(mutex_);
    counts_ = counts;
  }
  // Any thread.
  Counts read() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  mutable std::mutex mutex_;
  Counts counts_;
};

}  // namespace mirari::host
