#include "smoother.hpp"

namespace mirari::load {

double MovingAverage::add(double sample) {
  if (ring_.size() < window_) {
    if (ring_.empty()) ring_.reserve(window_);
    ring_.push_back(sample);
  } else {
    ring_[oldest_] = sample;
    oldest_ = (oldest_ + 1) % window_;
  }
  // Oldest first, as the samples arrived, so that the sum is the same whatever the ring's turn.
  double sum = 0;
  for (std::size_t i = oldest_; i < ring_.size(); ++i) sum += ring_[i];
  for (std::size_t i = 0; i < oldest_; ++i) sum += ring_[i];
  average_ = sum / static_cast<double>(ring_.size());
  return average_;
}

std::vector<double> MovingAverage::samples() const {
  std::vector<double> out(ring_.begin() + static_cast<std::ptrdiff_t>(oldest_), ring_.end());
  out.insert(out.end(), ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(oldest_));
  return out;
}

void MovingAverage::clear() noexcept {
  ring_.clear();
  oldest_ = 0;
  average_ = 0;
}

}  // namespace mirari::load
