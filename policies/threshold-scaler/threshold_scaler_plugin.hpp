// The threshold scaler as a plugin: folds ThresholdScaler::step over the group's observations
// (group_observation.hpp) and publishes the count.
//
// Ports: subscribes load.by_instance, instances.actual and clock.ms; publishes
// scale.<group>.desired (mirari/ports/scaling.hpp). Configuration: threshold_options.hpp.
// A reload carries the count, the holds and the cooldown over to the new instance (unless
// the new configuration names another group, which starts afresh).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/scaling.hpp>

#include "group_observation.hpp"
#include "threshold_options.hpp"
#include "threshold_scaler.hpp"

namespace mirari::policies {

class ThresholdScalerPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return threshold_config_keys(); }
  static std::vector<PortDecl> ports() { return scaler_ports(); }

  void configure(const Config& config) override {
    scaler_.emplace(parse_threshold_options(config));
  }

  void restore(const std::string& snapshot) override {
    previous_ = from_snapshot(snapshot, scaler_->options().group.membership.group);
  }

  void start(Context& ctx) override {
    const ThresholdScaler scaler = *scaler_;
    const std::string& group = scaler.options().group.membership.group;
    auto observed = observe_group(ctx, scaler.options().group.membership);
    const ThresholdState first =
        previous_ ? scaler.resume(*previous_) : scaler.initial(observed.value());
    state_ = fold(changes(observed), first, [scaler](ThresholdState s, const Observation& o) {
      return scaler.step(std::move(s), o);
    });
    auto desired = map(state_, [](const ThresholdState& s) { return s.desired; });
    const std::string port = ports::desired_count_port(group);
    ctx.publish(port, desired.named(port));
  }

  std::optional<std::string> snapshot() const override {
    if (!state_) return std::nullopt;
    return to_snapshot(state_.value(), scaler_->options().group.membership.group);
  }

 private:
  std::optional<ThresholdScaler> scaler_;
  std::optional<ThresholdState> previous_;
  Signal<ThresholdState> state_;
};

}  // namespace mirari::policies
