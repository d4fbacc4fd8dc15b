// The realistic shape: a fleet of kInstances instances, each reporting its load into a source;
// the reports are summed per group of kGroupSize; each group's sum feeds a threshold policy
// (the example policy's decision, examples/custom-policy) whose wanted instance count is
// published on a port and acted on by an effect (the reconfigurer). One report is one tick.
#pragma once

#include <cstdint>
#include <memory>

#include "mirari/mirari.hpp"

namespace mirari::bench {

inline constexpr int kInstances = 10'000;
inline constexpr int kGroupSize = 100;

class Fleet {
 public:
  virtual ~Fleet() = default;
  // Writes instance's new load and runs the tick it lands in.
  virtual void report(int instance, double load) = 0;
  std::int64_t decisions = 0;  // effects run: wanted counts that changed
  Graph graph;
};

std::unique_ptr<Fleet> make_fleet();

}  // namespace mirari::bench
