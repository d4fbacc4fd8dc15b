#include "target_tracking_options.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mirari::policies {

namespace {

std::vector<std::string> texts(const ScalingRules& rules) {
  std::vector<std::string> out;
  for (const ScalingPolicy& p : rules.policies) out.push_back(to_string(p));
  return out;
}

// The HPA's defaults, as the keys' defaults.
const std::vector<std::string> kDefaultUpPolicies = texts(default_scale_up_rules());
const std::vector<std::string> kDefaultDownPolicies = texts(default_scale_down_rules(0));

std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

Millis milliseconds(const Config& config, const char* key, Millis lowest, Millis highest) {
  const std::int64_t ms = config.get<std::int64_t>(key);
  if (ms < lowest || ms > highest) {
    throw ConfigError(std::string(key) + " must be between " + std::to_string(lowest) + " and " +
                          std::to_string(highest) + ", not " + std::to_string(ms),
                      key);
  }
  return ms;
}

std::vector<ScalingPolicy> policies(const Config& config, const char* key) {
  const auto& texts = config.get<std::vector<std::string>>(key);
  if (texts.empty()) throw ConfigError(std::string(key) + " needs at least one policy", key);
  std::vector<ScalingPolicy> out;
  for (const std::string& text : texts) {
    try {
      out.push_back(parse_scaling_policy(text));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string(key) + ": " + e.what(), key);
    }
  }
  return out;
}

SelectPolicy select(const Config& config, const char* key) {
  try {
    return parse_select_policy(config.get<std::string>(key));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string(key) + ": " + e.what(), key);
  }
}

}  // namespace

std::vector<ConfigKey> target_tracking_config_keys() {
  std::vector<ConfigKey> keys = scaling_group_keys();
  keys.push_back(ConfigKey::required("target", ConfigType::number,
                                     "the load per ready instance to keep (1.0 = one busy CPU)"));
  keys.push_back(ConfigKey::optional("tolerance", 0.1,
                                     "no change while the load per instance is within this "
                                     "fraction of the target"));
  keys.push_back(ConfigKey::optional("period_ms", std::int64_t{15'000},
                                     "at most one decision per this many milliseconds"));
  keys.push_back(ConfigKey::optional("scale_down_stabilization_ms", std::int64_t{300'000},
                                     "the highest recommendation of this many milliseconds "
                                     "wins"));
  keys.push_back(ConfigKey::optional("behavior", false,
                                     "apply the rate policies below instead of at most "
                                     "max(2 x current, 4) instances per decision"));
  keys.push_back(ConfigKey::optional("scale_up_policies", kDefaultUpPolicies,
                                     "with behavior: how fast the count may grow, as "
                                     "\"pods N per Ts\" or \"percent N per Ts\""));
  keys.push_back(ConfigKey::optional("scale_up_select", std::string("max"),
                                     "with behavior: which scale-up policy applies: max, min or "
                                     "disabled"));
  keys.push_back(ConfigKey::optional("scale_up_stabilization_ms", std::int64_t{0},
                                     "with behavior: the lowest recommendation of this many "
                                     "milliseconds wins when scaling up"));
  keys.push_back(ConfigKey::optional("scale_down_policies", kDefaultDownPolicies,
                                     "with behavior: how fast the count may shrink, as "
                                     "\"pods N per Ts\" or \"percent N per Ts\""));
  keys.push_back(ConfigKey::optional("scale_down_select", std::string("max"),
                                     "with behavior: which scale-down policy applies: max, min "
                                     "or disabled"));
  return keys;
}

TargetTrackingOptions parse_target_tracking_options(const Config& config) {
  TargetTrackingOptions o;
  o.group = parse_scaling_group(config);

  o.target = config.get<double>("target");
  if (!(o.target >= 0.001) || !std::isfinite(o.target)) {
    throw ConfigError("target must be a load of at least 0.001, not " + number(o.target), "target");
  }
  o.target_milli = std::llround(o.target * 1000.0);
  o.tolerance = config.get<double>("tolerance");
  if (!(o.tolerance >= 0 && o.tolerance < 1)) {
    throw ConfigError("tolerance must be at least 0 and below 1, not " + number(o.tolerance),
                      "tolerance");
  }
  o.period_ms = milliseconds(config, "period_ms", 1, kMaxWindowMs);
  o.scale_down_stabilization_ms =
      milliseconds(config, "scale_down_stabilization_ms", 0, kMaxWindowMs);

  if (!config.get<bool>("behavior")) {
    const auto refuse_if_set = [&](const char* key, const auto& default_value) {
      using T = std::decay_t<decltype(default_value)>;
      if (!(config.get<T>(key) == default_value)) {
        throw ConfigError(std::string(key) + " takes effect with behavior = true", key);
      }
    };
    refuse_if_set("scale_up_policies", kDefaultUpPolicies);
    refuse_if_set("scale_up_select", std::string("max"));
    refuse_if_set("scale_up_stabilization_ms", std::int64_t{0});
    refuse_if_set("scale_down_policies", kDefaultDownPolicies);
    refuse_if_set("scale_down_select", std::string("max"));
    return o;
  }
  Behavior b;
  b.up.policies = policies(config, "scale_up_policies");
  b.up.select = select(config, "scale_up_select");
  b.up.stabilization = milliseconds(config, "scale_up_stabilization_ms", 0, kMaxWindowMs);
  b.down.policies = policies(config, "scale_down_policies");
  b.down.select = select(config, "scale_down_select");
  b.down.stabilization = o.scale_down_stabilization_ms;
  o.behavior = std::move(b);
  return o;
}

}  // namespace mirari::policies
