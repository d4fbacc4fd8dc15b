// The behaviour's policies as they are written in the configuration, and the HPA's defaults.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "scaling_behavior.hpp"

namespace mirari::policies {
namespace {

using Type = ScalingPolicy::Type;

TEST_CASE("a policy reads as its type, its amount and its period in seconds") {
  CHECK(parse_scaling_policy("pods 4 per 15s") == ScalingPolicy{Type::pods, 4, 15'000});
  CHECK(parse_scaling_policy("Percent 100 per 60s") == ScalingPolicy{Type::percent, 100, 60'000});
  CHECK(parse_scaling_policy("  pods   2  per  1800s ") == ScalingPolicy{Type::pods, 2, 1'800'000});
  CHECK(to_string(ScalingPolicy{Type::percent, 100, 15'000}) == "percent 100 per 15s");
}

TEST_CASE("a policy in another form is refused with the form it should have") {
  const std::string form =
      "is not \"pods N per Ts\" or \"percent N per Ts\" (N above 0, T from 1 to 1800 seconds)";
  for (const char* bad : {"pods 4", "pods four per 15s", "pods 0 per 15s", "pods 4 per 0s",
                          "pods 4 per 1801s", "pods 4 per 15", "pods 4 every 15s", "cpus 4 per 15s",
                          "pods -1 per 15s", "pods 4 per 15m", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_scaling_policy(bad), "'" + std::string(bad) + "' " + form);
  }
}

TEST_CASE("a select policy is max, min or disabled") {
  CHECK(parse_select_policy("Max") == SelectPolicy::max);
  CHECK(parse_select_policy("min") == SelectPolicy::min);
  CHECK(parse_select_policy("Disabled") == SelectPolicy::disabled);
  CHECK_THROWS_WITH(parse_select_policy("most"), "'most' is not max, min or disabled");
  CHECK(to_string(SelectPolicy::disabled) == "disabled");
}

TEST_CASE("the HPA's defaults: 4 instances or 100% per 15 s up, 100% per 15 s down") {
  CHECK(
      default_scale_up_rules() ==
      ScalingRules{0, SelectPolicy::max, {{Type::pods, 4, 15'000}, {Type::percent, 100, 15'000}}});
  CHECK(default_scale_down_rules(300'000) ==
        ScalingRules{300'000, SelectPolicy::max, {{Type::percent, 100, 15'000}}});
}

}  // namespace
}  // namespace mirari::policies
