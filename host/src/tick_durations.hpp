// How long ticks take: totals since start, and percentiles over the most recent ticks.
//
// Invariant: the window holds the durations of the last min(count, kWindow) ticks.
// Graph thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mirari::host {

class TickDurations {
 public:
  static constexpr std::size_t kWindow = 4096;

  struct Summary {
    std::uint64_t count = 0;     // ticks measured since start
    std::uint64_t total_ns = 0;  // their summed duration
    std::size_t window = 0;      // ticks the percentiles are taken over
    std::uint64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;  // of the window
  };

  void record(std::uint64_t ns) noexcept;
  Summary summary() const;

 private:
  std::array<std::uint64_t, kWindow> recent_{};
  std::uint64_t count_ = 0;
  std::uint64_t total_ns_ = 0;
};

}  // namespace mirari::host
