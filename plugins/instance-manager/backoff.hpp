// How long a failing create waits before the next try: initial after the first failure,
// doubling with each failure in a row, never more than max.
#pragma once

#include <chrono>
#include <cstdint>

namespace mirari::instances {

struct Backoff {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{60000};

  // The wait after `failures` failures in a row (failures >= 1; 0 is treated as 1).
  std::chrono::milliseconds delay(std::uint32_t failures) const {
    std::chrono::milliseconds wait = initial;
    for (std::uint32_t i = 1; i < failures && wait < max; ++i) wait *= 2;
    return wait < max ? wait : max;
  }
};

}  // namespace mirari::instances
