// The threshold scaler's keys: defaults, and each refusal's key and text.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "threshold_options.hpp"

namespace mirari::policies {
namespace {

using Values = std::map<std::string, ConfigValue, std::less<>>;

ThresholdOptions parse(Values values) {
  return parse_threshold_options(
      check_config(threshold_config_keys(), std::move(values), "threshold-scaler"));
}

template <class T>
Values with(const std::string& key, T value) {
  Values v{{"group", std::string("web")}, {"max_instances", std::int64_t{8}}};
  v[key] = ConfigValue(value);
  return v;
}

std::string refused_key(const Values& values) {
  try {
    parse(values);
  } catch (const ConfigError& e) {
    return e.key();
  }
  return "";
}

TEST_CASE("the threshold scaler's defaults") {
  const ThresholdOptions o = parse(with("min_instances", std::int64_t{1}));
  CHECK(o.low == 0.3);
  CHECK(o.high == 0.8);
  CHECK(o.hold_ms == 30'000);
  CHECK(o.cooldown_ms == 60'000);
  CHECK(o.group.max_instances == 8);
}

TEST_CASE("bounds that leave no band, or are not numbers, are refused") {
  Values inverted = with("low", 0.9);
  inverted["high"] = 0.5;
  CHECK_THROWS_WITH(parse(inverted), "high (0.5) must be above low (0.9)");
  CHECK(refused_key(inverted) == "high");
  Values equal = with("low", 0.5);
  equal["high"] = 0.5;
  CHECK_THROWS_WITH(parse(equal), "high (0.5) must be above low (0.5)");
  CHECK_THROWS_WITH(parse(with("low", -0.1)), "low must be a number of at least 0, not -0.1");
  CHECK(refused_key(with("low", -0.1)) == "low");
  CHECK_THROWS_WITH(parse(with("high", std::numeric_limits<double>::infinity())),
                    "high (inf) must be above low (0.3)");
  CHECK_THROWS_WITH(parse(with("low", std::nan(""))), Catch::StartsWith("low must be a number"));
}

TEST_CASE("durations outside a day are refused") {
  CHECK_THROWS_WITH(parse(with("hold_ms", std::int64_t{-1})),
                    "hold_ms must be between 0 and 86400000, not -1");
  CHECK(refused_key(with("hold_ms", std::int64_t{-1})) == "hold_ms");
  CHECK_THROWS_WITH(parse(with("cooldown_ms", std::int64_t{86'400'001})),
                    "cooldown_ms must be between 0 and 86400000, not 86400001");
  CHECK(refused_key(with("cooldown_ms", std::int64_t{86'400'001})) == "cooldown_ms");
}

TEST_CASE("the group's keys are checked as for every scaler") {
  CHECK(refused_key(with("group", std::string(""))) == "group");
  CHECK(refused_key(with("min_instances", std::int64_t{9})) == "max_instances");
}

}  // namespace
}  // namespace mirari::policies
