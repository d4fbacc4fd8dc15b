// The medians and tails the network benchmarks report, and the waits they share.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/testing.hpp"

namespace mirari::bench {

inline double micros(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// The q-quantile of samples (0.5: the median), the nearest rank below.
inline double quantile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))];
}

// Settles the harness until done holds; throws what when it does not within ten seconds.
template <class Done>
void settle_or_throw(testing::PluginHarness& h, Done done, const std::string& what) {
  if (!h.settle_until(done, std::chrono::seconds(10))) throw std::runtime_error(what);
}

}  // namespace mirari::bench
