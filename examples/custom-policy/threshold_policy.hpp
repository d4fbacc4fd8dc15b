// A threshold scaling policy: the number of instances wanted for the total load, moving by
// one instance at a time when the load per instance leaves [low, high].
//
// Ports: subscribes load.total (float64, the fleet's summed load, 1.0 = one busy instance);
// publishes instances.desired (int32).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mirari/mirari.hpp>
#include <mirari/plugin.hpp>

namespace example {

struct Bounds {
  double low;
  double high;
  int min_instances;
  int max_instances;
};

// The next instance count: one more above high load per instance, one fewer below low.
inline int next_count(int count, double load, const Bounds& b) {
  const double per_instance = load / count;
  if (per_instance > b.high) count += 1;
  if (per_instance < b.low) count -= 1;
  return std::clamp(count, b.min_instances, b.max_instances);
}

class ThresholdPolicy final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("low", 0.3, "load per instance below which one is removed"),
            ConfigKey::optional("high", 0.8, "load per instance above which one is added"),
            ConfigKey::optional("min_instances", 1, "never fewer instances than this"),
            ConfigKey::optional("max_instances", 16, "never more instances than this")};
  }

  void configure(const mirari::Config& c) override {
    bounds_ = {c.get<double>("low"), c.get<double>("high"),
               static_cast<int>(c.get<std::int64_t>("min_instances")),
               static_cast<int>(c.get<std::int64_t>("max_instances"))};
    if (bounds_.low >= bounds_.high) throw mirari::ConfigError("low must be below high");
    if (bounds_.min_instances < 1 || bounds_.min_instances > bounds_.max_instances) {
      throw mirari::ConfigError("need 1 <= min_instances <= max_instances");
    }
    start_count_ = bounds_.min_instances;
  }

  void start(mirari::Context& ctx) override {
    auto load = ctx.subscribe<double>("load.total");
    desired_ = mirari::fold(mirari::changes(load), start_count_,
                            [b = bounds_](int count, double l) { return next_count(count, l, b); });
    ctx.publish("instances.desired", desired_.named("desired"));
  }

  // A reload keeps the current count instead of starting over at min_instances.
  std::optional<std::string> snapshot() const override { return std::to_string(desired_.value()); }
  void restore(const std::string& state) override { start_count_ = std::stoi(state); }

 private:
  Bounds bounds_{0.3, 0.8, 1, 16};
  int start_count_ = 1;
  mirari::Signal<int> desired_;
};

}  // namespace example
