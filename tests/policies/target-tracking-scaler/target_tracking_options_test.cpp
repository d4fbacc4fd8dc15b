// The target-tracking scaler's keys: defaults, the behaviour in flat keys, and each refusal's
// key and text.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "target_tracking_options.hpp"

namespace mirari::policies {
namespace {

using Values = std::map<std::string, ConfigValue, std::less<>>;
using Strings = std::vector<std::string>;

TargetTrackingOptions parse(Values values) {
  return parse_target_tracking_options(
      check_config(target_tracking_config_keys(), std::move(values), "target-tracking-scaler"));
}

Values base() {
  return {{"group", std::string("web")}, {"max_instances", std::int64_t{10}}, {"target", 0.5}};
}

template <class T>
Values with(const std::string& key, T value, Values v = base()) {
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

TEST_CASE("the target-tracking scaler's defaults are the HPA's") {
  const TargetTrackingOptions o = parse(base());
  CHECK(o.target_milli == 500);
  CHECK(o.tolerance == 0.1);
  CHECK(o.period_ms == 15'000);
  CHECK(o.scale_down_stabilization_ms == 300'000);
  CHECK_FALSE(o.behavior);
}

TEST_CASE("behavior = true applies the HPA's default behaviour, or the one given") {
  const TargetTrackingOptions defaults = parse(with("behavior", true));
  REQUIRE(defaults.behavior);
  CHECK(defaults.behavior->up == default_scale_up_rules());
  CHECK(defaults.behavior->down == default_scale_down_rules(300'000));

  Values v = with("behavior", true);
  v["scale_up_policies"] = Strings{"percent 700 per 60s"};
  v["scale_up_select"] = std::string("min");
  v["scale_up_stabilization_ms"] = std::int64_t{30'000};
  v["scale_down_policies"] = Strings{"pods 1 per 60s", "percent 10 per 60s"};
  v["scale_down_select"] = std::string("disabled");
  v["scale_down_stabilization_ms"] = std::int64_t{600'000};
  const TargetTrackingOptions o = parse(v);
  REQUIRE(o.behavior);
  CHECK(o.behavior->up ==
        ScalingRules{30'000, SelectPolicy::min, {{ScalingPolicy::Type::percent, 700, 60'000}}});
  CHECK(o.behavior->down == ScalingRules{600'000,
                                         SelectPolicy::disabled,
                                         {{ScalingPolicy::Type::pods, 1, 60'000},
                                          {ScalingPolicy::Type::percent, 10, 60'000}}});
}

TEST_CASE("a behaviour key without behavior = true is refused, not ignored") {
  for (const auto& [key, value] : std::vector<std::pair<std::string, ConfigValue>>{
           {"scale_up_policies", Strings{"pods 1 per 15s"}},
           {"scale_up_select", std::string("min")},
           {"scale_up_stabilization_ms", std::int64_t{1}},
           {"scale_down_policies", Strings{"pods 1 per 15s"}},
           {"scale_down_select", std::string("disabled")}}) {
    INFO(key);
    Values v = base();
    v[key] = value;
    CHECK_THROWS_WITH(parse(v), key + " takes effect with behavior = true");
    CHECK(refused_key(v) == key);
  }
}

TEST_CASE("each bad value is refused with its key and why") {
  CHECK_THROWS_WITH(parse(with("target", 0.0)), "target must be a load of at least 0.001, not 0");
  CHECK_THROWS_WITH(parse(with("target", std::numeric_limits<double>::infinity())),
                    "target must be a load of at least 0.001, not inf");
  CHECK(refused_key(with("target", 0.0)) == "target");
  CHECK_THROWS_WITH(parse(with("tolerance", 1.0)),
                    "tolerance must be at least 0 and below 1, not 1");
  CHECK_THROWS_WITH(parse(with("tolerance", std::nan(""))),
                    "tolerance must be at least 0 and below 1, not nan");
  CHECK(refused_key(with("tolerance", -0.1)) == "tolerance");
  CHECK_THROWS_WITH(parse(with("period_ms", std::int64_t{0})),
                    "period_ms must be between 1 and 3600000, not 0");
  CHECK_THROWS_WITH(parse(with("scale_down_stabilization_ms", std::int64_t{3'600'001})),
                    "scale_down_stabilization_ms must be between 0 and 3600000, not 3600001");

  const Values behavior = with("behavior", true);
  CHECK_THROWS_WITH(parse(with("scale_up_policies", Strings{}, behavior)),
                    "scale_up_policies needs at least one policy");
  CHECK_THROWS_WITH(
      parse(with("scale_down_policies", Strings{"pods 1 per 15s", "pods x"}, behavior)),
      "scale_down_policies: 'pods x' is not \"pods N per Ts\" or \"percent N per "
      "Ts\" (N above 0, T from 1 to 1800 seconds)");
  CHECK(refused_key(with("scale_down_policies", Strings{"pods x"}, behavior)) ==
        "scale_down_policies");
  CHECK_THROWS_WITH(parse(with("scale_up_select", std::string("most"), behavior)),
                    "scale_up_select: 'most' is not max, min or disabled");
  CHECK_THROWS_WITH(parse(with("scale_up_stabilization_ms", std::int64_t{-1}, behavior)),
                    "scale_up_stabilization_ms must be between 0 and 3600000, not -1");
}

TEST_CASE("the group's keys are checked as for every scaler") {
  CHECK(refused_key(with("group", std::string("a b"))) == "group");
  CHECK(refused_key(with("min_instances", std::int64_t{0})) == "min_instances");
}

}  // namespace
}  // namespace mirari::policies
