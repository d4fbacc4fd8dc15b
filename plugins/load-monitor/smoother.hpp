// Smoothing of one instance's load: a simple moving average, the mean of the last `window`
// samples (fewer until that many have arrived). Chosen over an exponential average because
// its meaning is plain to whoever sets `window` — a spike counts for exactly window samples,
// then is gone — and a window of 1 passes samples through unchanged.
//
// The samples sit in a ring allocated once, at the first sample: adding one allocates nothing.
#pragma once

#include <cstddef>
#include <vector>

namespace mirari::load {

class MovingAverage {
 public:
  // window >= 1 (the plugin's configuration refuses 0).
  explicit MovingAverage(std::size_t window) : window_(window) {}

  // Adds a sample and returns the new average.
  double add(double sample);
  // The average of the samples held; 0 before the first.
  double value() const noexcept { return average_; }
  std::size_t size() const noexcept { return ring_.size(); }
  // The samples held, oldest first.
  std::vector<double> samples() const;
  // Drops every sample, as if none had been added.
  void clear() noexcept;

 private:
  std::size_t window_;
  std::vector<double> ring_;
  std::size_t oldest_ = 0;  // where the oldest sample sits once the ring is full
  // Recomputed from the samples on each add rather than kept as a running sum, so that
  // floating-point error cannot accumulate over a long-lived instance.
  double average_ = 0;
};

}  // namespace mirari::load
