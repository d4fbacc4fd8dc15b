// A plugin's configuration is checked against its declared keys at every depth: tables and
// arrays of tables hold exactly their declared keys, defaults apply inside them, and a refusal
// names the key by its full path.
#include <catch2/catch.hpp>

#include "mirari/config.hpp"

using mirari::Config;
using mirari::ConfigError;
using mirari::ConfigKey;
using mirari::ConfigType;
using mirari::ConfigValue;
using Values = Config::Values;

namespace {

std::vector<ConfigKey> fleet_keys() {
  return {
      ConfigKey::optional("sizes", std::vector<std::int64_t>{1, 2}, "allowed sizes"),
      ConfigKey::optional("weights", std::vector<double>{0.5}, "weights"),
      ConfigKey::table("template",
                       {ConfigKey::optional("memory", 64, "MiB"),
                        ConfigKey::table("disk", {ConfigKey::optional("size", 1.5, "GiB")}, "")},
                       "what each instance runs"),
      ConfigKey::tables("groups",
                        {ConfigKey::required("name", ConfigType::string, "the group's name"),
                         ConfigKey::table("template", {ConfigKey::optional("memory", 32, "MiB")},
                                          "the group's template")},
                        "the groups"),
  };
}

Config table(Values values) {
  return Config(std::move(values));
}

// The ConfigError check_config throws for values, as (message, key path).
std::pair<std::string, std::string> refusal(Values values,
                                            std::vector<ConfigKey> keys = fleet_keys()) {
  try {
    mirari::check_config(keys, std::move(values), "fleet");
  } catch (const ConfigError& e) {
    return {e.what(), e.key()};
  }
  return {"accepted", ""};
}

}  // namespace

TEST_CASE("defaults apply inside nested tables, also when the table is absent") {
  const Config c = mirari::check_config(fleet_keys(), {}, "fleet");
  CHECK(c.integers("sizes") == std::vector<std::int64_t>{1, 2});
  CHECK(c.numbers("weights") == std::vector<double>{0.5});
  CHECK(c.table("template").get<std::int64_t>("memory") == 64);
  CHECK(c.table("template").table("disk").get<double>("size") == 1.5);
  CHECK(c.tables("groups").empty());

  const Config given =
      mirari::check_config(fleet_keys(),
                           {{"template", table({{"disk", table({})}})},
                            {"groups", std::vector<Config>{table({{"name", std::string("web")}})}}},
                           "fleet");
  CHECK(given.table("template").get<std::int64_t>("memory") == 64);
  CHECK(given.table("template").table("disk").get<double>("size") == 1.5);
  REQUIRE(given.tables("groups").size() == 1);
  CHECK(given.tables("groups")[0].get<std::string>("name") == "web");
  CHECK(given.tables("groups")[0].table("template").get<std::int64_t>("memory") == 32);
  CHECK(given.tables("groups")[0].table("template").path() == "groups[0].template");
}

TEST_CASE("a wrong type deep inside an array of tables is refused with its full path") {
  const auto [message, key] =
      refusal({{"groups", std::vector<Config>{
                              table({{"name", std::string("web")}}),
                              table({{"name", std::string("db")},
                                     {"template", table({{"memory", std::string("lots")}})}})}}});
  CHECK(message ==
        "plugin 'fleet': key 'groups[1].template.memory' must be an integer, not a "
        "string");
  CHECK(key == "groups[1].template.memory");
}

TEST_CASE("an unknown nested key is refused with its full path") {
  CHECK(refusal({{"template", table({{"disk", table({{"szie", 2.0}})}})}}) ==
        std::pair<std::string, std::string>{"plugin 'fleet': unknown key 'template.disk.szie'",
                                            "template.disk.szie"});
}

TEST_CASE("a missing required key inside an array of tables is refused with its path") {
  CHECK(
      refusal({{"groups", std::vector<Config>{table({{"name", std::string("a")}}), table({})}}}) ==
      std::pair<std::string, std::string>{
          "plugin 'fleet': missing required key 'groups[1].name' (string: the group's name)",
          "groups[1].name"});
}

TEST_CASE("an absent table with a required key is refused as missing that key") {
  const std::vector<ConfigKey> keys = {ConfigKey::table(
      "template", {ConfigKey::required("kernel", ConfigType::string, "the image")}, "")};
  CHECK(refusal({}, keys).first ==
        "plugin 'fleet': missing required key 'template.kernel' (string: the image)");
  CHECK(keys[0].needs_value());
  CHECK_FALSE(fleet_keys()[2].needs_value());
}

TEST_CASE("a table or an array given where the other is declared is refused") {
  CHECK(refusal({{"template", std::int64_t{3}}}).first ==
        "plugin 'fleet': key 'template' must be a table, not an integer");
  CHECK(refusal({{"groups", table({})}}).first ==
        "plugin 'fleet': key 'groups' must be an array of tables, not a table");
  CHECK(refusal({{"sizes", std::vector<double>{1.5}}}).first ==
        "plugin 'fleet': key 'sizes' must be an array of integers, not an array of numbers");
  CHECK(refusal({{"weights", std::vector<std::string>{"x"}}}).first ==
        "plugin 'fleet': key 'weights' must be an array of numbers, not an array of strings");
}

TEST_CASE("integers are numbers, and an empty array is an array of any kind") {
  const Config c = mirari::check_config(fleet_keys(),
                                        {{"weights", std::vector<std::int64_t>{1, 2}},
                                         {"sizes", std::vector<std::string>{}},
                                         {"groups", std::vector<std::string>{}}},
                                        "fleet");
  CHECK(c.numbers("weights") == std::vector<double>{1.0, 2.0});
  CHECK(c.integers("sizes").empty());
  CHECK(c.tables("groups").empty());
}

TEST_CASE("a required array of tables must be given, and may be empty") {
  const std::vector<ConfigKey> keys = {ConfigKey::required_tables(
      "routers", {ConfigKey::required("asn", ConfigType::integer, "")}, "peers")};
  CHECK(refusal({}, keys).first ==
        "plugin 'fleet': missing required key 'routers' (array of tables: peers)");
  CHECK(mirari::check_config(keys, {{"routers", std::vector<Config>{}}}, "fleet")
            .tables("routers")
            .empty());
}

TEST_CASE("reading a nested key of another type names its path") {
  const Config c = mirari::check_config(fleet_keys(), {}, "fleet");
  CHECK_THROWS_WITH(c.table("template").get<std::string>("memory"),
                    "configuration key 'template.memory' is an integer");
  CHECK_THROWS_WITH(c.table("template").table("nothing"),
                    "no configuration key 'template.nothing'");
  CHECK_THROWS_WITH(c.tables("template"), "configuration key 'template' is a table");
}

TEST_CASE("nested values are written as TOML inline tables and arrays") {
  const Config c = mirari::check_config(
      fleet_keys(), {{"groups", std::vector<Config>{table({{"name", std::string("web")}})}}},
      "fleet");
  CHECK(mirari::to_toml(c.values().at("template")) == "{disk = {size = 1.5}, memory = 64}");
  CHECK(mirari::to_toml(c.values().at("groups")) ==
        R"([{name = "web", template = {memory = 32}}])");
  CHECK(mirari::to_toml(ConfigValue(std::vector<std::int64_t>{1, 2})) == "[1, 2]");
  CHECK(mirari::to_toml(ConfigValue(table({{"a b", true}}))) == R"({"a b" = true})");
}

TEST_CASE("two configurations with equal values are equal wherever they sit") {
  CHECK(Config({{"a", std::int64_t{1}}}, "x") == Config({{"a", std::int64_t{1}}}, "y"));
  CHECK_FALSE(table({{"t", table({{"a", 1.0}})}}) == table({{"t", table({{"a", 2.0}})}}));
}

TEST_CASE("an integer outside its range is refused with its path, its range and its value") {
  const Config nested(Values{{"verify_ms", std::int64_t{5}}}, "groups[1]");
  CHECK(nested.integer("verify_ms", 5, 10) == 5);
  CHECK_THROWS_WITH(nested.integer("verify_ms", 10, 3600000, "milliseconds"),
                    "groups[1].verify_ms must be between 10 and 3600000 milliseconds, not 5");
  CHECK_THROWS_WITH(nested.integer("verify_ms", 0, 4),
                    "groups[1].verify_ms must be between 0 "
                    "and 4, not 5");
  CHECK_THROWS_AS(nested.integer("absent", 0, 4), ConfigError);
}
