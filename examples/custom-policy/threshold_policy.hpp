// A threshold scaling policy: the number of instances wanted for a group's load, moving by
// one instance at a time when the load per instance leaves [low, high].
//
// Ports: subscribes load.by_instance (mirari/ports/load.hpp: each instance's load, 1.0 = one
// busy CPU) and reads the group's share of it, the instances named "<group>-..."; publishes
// scale.<group>.desired (mirari/ports/scaling.hpp: an int), the port every scaling policy
// publishes and the instance manager follows. The stock policies under policies/ also read
// instances.actual and a clock; this template keeps to the essentials.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mirari/mirari.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/load.hpp>
#include <mirari/ports/scaling.hpp>

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

// The group's load: the sum of its instances' loads.
inline double group_load(const mirari::ports::load::LoadByInstance& loads,
                         const std::string& group) {
  double sum = 0;
  for (const auto& [name, load] : loads) {
    if (name.starts_with(group + "-")) sum += load;
  }
  return sum;
}

class ThresholdPolicy final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("group", std::string("app"),
                                "the group: instances named \"<group>-...\"; publishes "
                                "scale.<group>.desired"),
            ConfigKey::optional("low", 0.3, "load per instance below which one is removed"),
            ConfigKey::optional("high", 0.8, "load per instance above which one is added"),
            ConfigKey::optional("min_instances", 1, "never fewer instances than this"),
            ConfigKey::optional("max_instances", 16, "never more instances than this")};
  }

  // The ports it uses, with their types taken from the catalogue: `mirarid --describe` prints
  // them, and mirarid warns about any port the plugin uses without declaring it. {group} in a
  // name stands for the value of the configuration key group.
  static std::vector<mirari::PortDecl> ports() {
    using mirari::PortDecl;
    namespace ports = mirari::ports;
    return {PortDecl::subscribes<ports::load::LoadByInstance>(ports::load::kByInstance,
                                                              "each instance's load"),
            PortDecl::publishes<ports::DesiredCount>(ports::kDesiredCountPattern,
                                                     "how many instances the group should run")};
  }

  void configure(const mirari::Config& c) override {
    group_ = c.get<std::string>("group");
    if (!mirari::ports::is_group_name(group_)) {
      throw mirari::ConfigError("group must be 1 to 63 letters, digits, '-' or '_'", "group");
    }
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
    auto loads =
        ctx.subscribe<mirari::ports::load::LoadByInstance>(mirari::ports::load::kByInstance);
    auto load = mirari::map(loads, [g = group_](const auto& l) { return group_load(l, g); });
    desired_ = mirari::fold(mirari::changes(load), start_count_,
                            [b = bounds_](int count, double l) { return next_count(count, l, b); });
    const std::string port = mirari::ports::desired_count_port(group_);
    ctx.publish(port, desired_.named(port));
  }

  // A reload keeps the current count instead of starting over at min_instances.
  std::optional<std::string> snapshot() const override { return std::to_string(desired_.value()); }
  void restore(const std::string& state) override { start_count_ = std::stoi(state); }

 private:
  std::string group_ = "app";
  Bounds bounds_{0.3, 0.8, 1, 16};
  int start_count_ = 1;
  mirari::Signal<int> desired_;
};

}  // namespace example
