// The clock every benchmark measures with, and the latency counters they report.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mirari::bench {

using Clock = std::chrono::steady_clock;

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Sets the counters p50_us, p90_us, p99_us and max_us (each name after prefix) from samples,
// in microseconds (sorting them); sets none when there are no samples.
inline void report_latency(benchmark::State& state, std::vector<double>& samples,
                           const std::string& prefix = "") {
  if (samples.empty()) return;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))];
  };
  state.counters[prefix + "p50_us"] = at(0.5);
  state.counters[prefix + "p90_us"] = at(0.9);
  state.counters[prefix + "p99_us"] = at(0.99);
  state.counters[prefix + "max_us"] = samples.back();
}

}  // namespace mirari::bench
