#include "tick_durations.hpp"

#include <algorithm>
#include <vector>

namespace mirari::host {

void TickDurations::record(std::uint64_t ns) noexcept {
  recent_[count_ % kWindow] = ns;
  ++count_;
  total_ns_ += ns;
}

TickDurations::Summary TickDurations::summary() const {
  Summary s;
  s.count = count_;
  s.total_ns = total_ns_;
  s.window = static_cast<std::size_t>(std::min<std::uint64_t>(count_, kWindow));
  if (s.window == 0) return s;
  std::vector<std::uint64_t> sorted(recent_.begin(), recent_.begin() + s.window);
  std::sort(sorted.begin(), sorted.end());
  // Nearest rank: the smallest duration at or above the wanted fraction of the window.
  const auto rank = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size()) + 0.999999);
    return sorted[std::clamp<std::size_t>(i, 1, sorted.size()) - 1];
  };
  s.p50_ns = rank(0.50);
  s.p90_ns = rank(0.90);
  s.p99_ns = rank(0.99);
  s.max_ns = sorted.back();
  return s;
}

}  // namespace mirari::host
