// The clock every benchmark measures with, and the latency counters they report.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace mirari::bench {

using Clock = std::chrono::steady_clock;

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

inline double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// The q-quantile of sorted samples (0.5: the median), the nearest rank below; 0 when empty.
inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

// The same of samples in any order.
inline double quantile(std::vector<double> samples, double q) {
  std::sort(samples.begin(), samples.end());
  return sorted_quantile(samples, q);
}

// Sets the counters p50_us, p90_us, p99_us and max_us (each name after prefix) from samples,
// in microseconds (sorting them); sets none when there are no samples.
inline void report_latency(benchmark::State& state, std::vector<double>& samples,
                           const std::string& prefix = "") {
  if (samples.empty()) return;
  std::sort(samples.begin(), samples.end());
  state.counters[prefix + "p50_us"] = sorted_quantile(samples, 0.5);
  state.counters[prefix + "p90_us"] = sorted_quantile(samples, 0.9);
  state.counters[prefix + "p99_us"] = sorted_quantile(samples, 0.99);
  state.counters[prefix + "max_us"] = samples.back();
}

// Runs run(state), reporting what it throws as the benchmark's error rather than letting it
// escape: the fixtures it made (daemons, namespaces, etcd members, their directories) are
// then destroyed whatever failed.
template <class Run>
void run_or_skip(benchmark::State& state, Run run) {
  try {
    run(state);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace mirari::bench
