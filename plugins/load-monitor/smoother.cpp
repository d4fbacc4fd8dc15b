#include "smoother.hpp"

#include <numeric>

namespace mirari::load {

double MovingAverage::add(double sample) {
  samples_.push_back(sample);
  while (samples_.size() > window_) samples_.pop_front();
  average_ =
      std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size());
  return average_;
}

double MovingAverage::value() const noexcept {
  return average_;
}

}  // namespace mirari::load
