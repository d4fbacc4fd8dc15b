// Gives memory back to the system after bursts of work.
//
// glibc keeps the memory a burst freed (a storm of links created and deleted, a fleet's
// tables replaced) in its arenas, where it counts as mirarid's resident memory until the
// process ends. The trimmer asks it to return the free pages (malloc_trim) once per interval
// in which ticks ran, so resident memory follows what the graph holds. A quiet daemon is
// not woken for it.
#pragma once

#include <chrono>
#include <cstdint>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "mirari/graph.hpp"

namespace mirari::host {

class MemoryTrimmer {
 public:
  // Checks graph's tick count every interval on strand (the graph's).
  MemoryTrimmer(const Graph& graph, boost::asio::any_io_executor strand,
                std::chrono::milliseconds interval);
  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;

  void start();
  // Cancels the timer; no trim starts after it returns. On the strand.
  void stop();
  // Trims that returned memory so far.
  std::uint64_t trims() const noexcept { return trims_; }

 private:
  void wait();

  const Graph& graph_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::uint64_t ticks_seen_ = 0;
  std::uint64_t trims_ = 0;
  bool stopped_ = false;
};

}  // namespace mirari::host
