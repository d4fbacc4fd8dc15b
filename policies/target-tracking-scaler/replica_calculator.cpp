#include "replica_calculator.hpp"

#include <cmath>
#include <limits>

namespace mirari::policies {

namespace {

double usage_ratio(std::int64_t total_milli, int members, std::int64_t target_milli) {
  const std::int64_t usage = total_milli / members;
  return static_cast<double>(usage) / static_cast<double>(target_milli);
}

int ceil_count(double x) {
  const double up = std::ceil(x);
  if (up >= static_cast<double>(std::numeric_limits<int>::max())) {
    return std::numeric_limits<int>::max();
  }
  return static_cast<int>(up);
}

}  // namespace

bool within_tolerance(double ratio, double tolerance) noexcept {
  return 1.0 - tolerance <= ratio && ratio <= 1.0 + tolerance;
}

std::optional<int> recommend_replicas(int current, const GroupLoad& load, std::int64_t target_milli,
                                      double tolerance) {
  if (load.reporting == 0) return std::nullopt;
  const double ratio = usage_ratio(load.load_milli, load.reporting, target_milli);

  const bool up_with_unready = load.starting > 0 && ratio > 1.0;
  if (!up_with_unready && load.missing() == 0) {
    if (within_tolerance(ratio, tolerance)) return current;
    return ceil_count(ratio * load.reporting);
  }

  std::int64_t total = load.load_milli;
  int counted = load.reporting;
  if (load.missing() > 0 && ratio < 1.0) {
    total += target_milli * load.missing();
    counted += load.missing();
  } else if (load.missing() > 0 && ratio > 1.0) {
    counted += load.missing();
  }
  if (up_with_unready) counted += load.starting;

  const double new_ratio = usage_ratio(total, counted, target_milli);
  if (within_tolerance(new_ratio, tolerance) || (ratio < 1.0 && new_ratio > 1.0) ||
      (ratio > 1.0 && new_ratio < 1.0)) {
    return current;
  }
  const int replicas = ceil_count(new_ratio * counted);
  if ((new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current)) {
    return current;
  }
  return replicas;
}

}  // namespace mirari::policies
