// The clock port: time as an input of the graph.
//
//   clock.ms   signal  std::int64_t (type "int64"): milliseconds of the host's monotonic
//              clock (CLOCK_MONOTONIC: since boot, never set back while the host runs), as
//              of the last time the clock plugin looked; it moves every period_ms of that
//              plugin. Reads 0 until published.
//
// Nodes never read a clock themselves: a node that depended on the time of its computation
// would give a different answer when recomputed, and could not be tested tick by tick.
// Policies that need time (hold times, cooldowns, windows) subscribe clock.ms, and tests
// drive it like any other input. Timestamps that other ports carry (instances.actual's
// since) are on the same clock, so they compare with it.
#pragma once

#include <cstdint>

namespace mirari::ports {

using ClockMs = std::int64_t;

inline constexpr const char* kClock = "clock.ms";

}  // namespace mirari::ports
