// The daemon's metrics in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/introspection.hpp"
#include "tick_durations.hpp"

namespace mirari::host {

struct InstanceMetrics {
  std::string instance;
  std::string plugin;
  std::uint64_t reloads = 0;
  std::size_t work_in_flight = 0;
};

struct Metrics {
  GraphStats graph;
  std::size_t ports = 0;
  TickDurations::Summary ticks;
  std::vector<InstanceMetrics> instances;
};

std::string prometheus_text(const Metrics& metrics);

}  // namespace mirari::host
