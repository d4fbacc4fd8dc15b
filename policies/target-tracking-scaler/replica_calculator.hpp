// The Horizontal Pod Autoscaler's replica calculator for a per-instance target (Kubernetes'
// pkg/controller/podautoscaler/replica_calculator.go, calcPlainMetricReplicas: a "Pods"
// metric with an AverageValue target), over a group's load (group_load.hpp).
//
// With usage the mean load of the ready members that report one (in thousandths, the sum
// divided by their number and truncated, as the HPA does) and ratio = usage / target:
//   - no ready member reports a load: no recommendation (the HPA's "did not receive metrics
//     for targeted pods");
//   - when no member is still starting (or ratio <= 1) and every ready member reports:
//     current while ratio is within the tolerance (1 - t <= ratio <= 1 + t), else
//     ceil(ratio x reporting members);
//   - otherwise the ratio is computed again with the ready members that do not report counted
//     at the target when ratio < 1 (scaling down) or at 0 when ratio > 1 (scaling up), and,
//     when ratio > 1, the starting members counted at 0; if the new ratio is within the
//     tolerance or on the other side of 1, current; else ceil(new ratio x members counted),
//     unless that moves against the new ratio's direction, then current.
#pragma once

#include <cstdint>
#include <optional>

#include "group_load.hpp"

namespace mirari::policies {

// Whether ratio is close enough to 1 to leave the count as it is.
bool within_tolerance(double ratio, double tolerance) noexcept;

// The recommended count, or none (see above). current is the count the policy last asked for
// (the HPA's spec.replicas); target_milli is the wanted load per instance in thousandths (at
// least 1).
std::optional<int> recommend_replicas(int current, const GroupLoad& load, std::int64_t target_milli,
                                      double tolerance);

}  // namespace mirari::policies
