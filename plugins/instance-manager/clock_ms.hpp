// The time the instance manager stamps instances with (InstanceStatus::since, retry_at) and
// measures back-off on: milliseconds of the monotonic clock, the clock of the clock.ms port
// (mirari/ports/clock.hpp), so that policies compare those stamps with clock.ms.
#pragma once

#include <chrono>
#include <cstdint>

namespace mirari::instances {

inline std::int64_t clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace mirari::instances
