#include "memory_trimmer.hpp"

#include <malloc.h>

namespace mirari::host {

MemoryTrimmer::MemoryTrimmer(const Graph& graph, boost::asio::any_io_executor strand,
                             std::chrono::milliseconds interval)
    : graph_(graph), timer_(std::move(strand)), interval_(interval) {}

void MemoryTrimmer::start() {
  ticks_seen_ = graph_.current_tick();
  wait();
}

void MemoryTrimmer::stop() {
  stopped_ = true;
  timer_.cancel();
}

void MemoryTrimmer::wait() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    const std::uint64_t now = graph_.current_tick();
    if (now != ticks_seen_) {
      ticks_seen_ = now;
      if (::malloc_trim(0) != 0) ++trims_;
    }
    wait();
  });
}

}  // namespace mirari::host
