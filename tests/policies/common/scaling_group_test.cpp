// Every scaler's group keys: what they accept, and each refusal's key and text.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "scaling_group.hpp"

namespace mirari::policies {
namespace {

using Values = std::map<std::string, ConfigValue, std::less<>>;

ScalingGroup parse(Values values) {
  return parse_scaling_group(check_config(scaling_group_keys(), std::move(values), "scaler"));
}

Values base() {
  return {{"group", std::string("web")}, {"max_instances", std::int64_t{8}}};
}

template <class T>
Values with(const std::string& key, T value) {
  Values v = base();
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

TEST_CASE("a group needs only its name and its largest size") {
  const ScalingGroup g = parse(base());
  CHECK(g.membership == Membership{"web", "web-", {}});
  CHECK(g.min_instances == 1);
  CHECK(g.max_instances == 8);
  CHECK_THROWS_WITH(parse({{"group", std::string("web")}}),
                    Catch::Contains("missing required key 'max_instances'"));
}

TEST_CASE("members are sorted, and a prefix is kept as given") {
  CHECK(parse(with("members", std::vector<std::string>{"b", "a"})).membership.members ==
        std::vector<std::string>{"a", "b"});
  CHECK(parse(with("member_prefix", std::string("front-"))).membership.prefix == "front-");
}

TEST_CASE("each bad value is refused with its key and why") {
  CHECK_THROWS_WITH(parse(with("group", std::string("web.1"))),
                    "group 'web.1' is not a group name (1 to 63 letters, digits, '-' or '_')");
  CHECK(refused_key(with("group", std::string("web.1"))) == "group");

  Values both = with("members", std::vector<std::string>{"a"});
  both["member_prefix"] = std::string("web-");
  CHECK_THROWS_WITH(parse(both), "give member_prefix or members, not both");
  CHECK(refused_key(both) == "members");

  CHECK_THROWS_WITH(parse(with("members", std::vector<std::string>{"a", "b", "a"})),
                    "members names 'a' twice");
  CHECK_THROWS_WITH(parse(with("members", std::vector<std::string>{""})),
                    "members holds an empty name");

  CHECK_THROWS_WITH(parse(with("min_instances", std::int64_t{0})),
                    "min_instances must be at least 1, not 0: with no instance there is no load "
                    "to scale on");
  CHECK(refused_key(with("min_instances", std::int64_t{0})) == "min_instances");

  Values inverted = with("min_instances", std::int64_t{5});
  inverted["max_instances"] = std::int64_t{4};
  CHECK_THROWS_WITH(parse(inverted),
                    "max_instances must be between min_instances (5) and 10000, not 4");
  CHECK(refused_key(inverted) == "max_instances");
  CHECK_THROWS_WITH(parse(with("max_instances", std::int64_t{10'001})),
                    "max_instances must be between min_instances (1) and 10000, not 10001");
}

TEST_CASE("a count is kept within the bounds") {
  Values v = with("min_instances", std::int64_t{2});
  const ScalingGroup g = parse(v);
  CHECK(g.clamp(0) == 2);
  CHECK(g.clamp(5) == 5);
  CHECK(g.clamp(9) == 8);
}

}  // namespace
}  // namespace mirari::policies
