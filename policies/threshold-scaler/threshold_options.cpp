#include "threshold_options.hpp"

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

namespace mirari::policies {

namespace {

std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

Millis duration(const Config& config, const char* key) {
  const std::int64_t ms = config.get<std::int64_t>(key);
  if (ms < 0 || ms > kMaxThresholdDurationMs) {
    throw ConfigError(
        std::string(key) + " must be between 0 and 86400000, not " + std::to_string(ms), key);
  }
  return ms;
}

}  // namespace

std::vector<ConfigKey> threshold_config_keys() {
  std::vector<ConfigKey> keys = scaling_group_keys();
  keys.push_back(
      ConfigKey::optional("low", 0.3, "mean load per instance below which one instance goes"));
  keys.push_back(
      ConfigKey::optional("high", 0.8, "mean load per instance above which one instance comes"));
  keys.push_back(ConfigKey::optional("hold_ms", std::int64_t{30'000},
                                     "milliseconds the mean load must stay beyond a bound "
                                     "before the count changes"));
  keys.push_back(ConfigKey::optional("cooldown_ms", std::int64_t{60'000},
                                     "the least milliseconds between two changes of the count"));
  return keys;
}

ThresholdOptions parse_threshold_options(const Config& config) {
  ThresholdOptions o;
  o.group = parse_scaling_group(config);
  o.low = config.get<double>("low");
  o.high = config.get<double>("high");
  if (!(o.low >= 0) || !std::isfinite(o.low)) {
    throw ConfigError("low must be a number of at least 0, not " + number(o.low), "low");
  }
  if (!(o.high > o.low) || !std::isfinite(o.high)) {
    throw ConfigError("high (" + number(o.high) + ") must be above low (" + number(o.low) + ")",
                      "high");
  }
  o.hold_ms = duration(config, "hold_ms");
  o.cooldown_ms = duration(config, "cooldown_ms");
  return o;
}

}  // namespace mirari::policies
