// A plugin's settings given with `mirarictl load`: --set KEY=VALUE (TOML values, dotted keys)
// and --config-json become one JSON object, which mirarid turns back into the TOML table a
// file would hold.
#include <catch2/catch.hpp>

#include "config_json.hpp"

namespace mirari::host {
namespace {

using nlohmann::json;

std::string refusal(const std::vector<std::string>& sets, const std::string& json_text = "") {
  try {
    load_settings(sets, json_text);
  } catch (const ConfigJsonError& e) {
    return e.what();
  }
  return "accepted";
}

TEST_CASE("values given with --set are TOML values, dotted keys make nested tables") {
  CHECK(load_settings({"template.memory=64", "name = \"web\"", "weights=[1, 2.5]",
                       "template.kernel='k.img'", "on=true", "groups=[{name = \"a\"}]"},
                      "") == json::parse(R"({"template": {"memory": 64, "kernel": "k.img"},
                         "name": "web", "weights": [1, 2.5], "on": true,
                         "groups": [{"name": "a"}]})"));
}

TEST_CASE("settings given with --set and --config-json together make one table") {
  CHECK(load_settings({"template.memory=64"}, R"({"template": {"kernel": "k"}, "n": 1.0})") ==
        json::parse(R"({"template": {"memory": 64, "kernel": "k"}, "n": 1.0})"));
}

TEST_CASE("a malformed --set is refused, naming it") {
  CHECK(refusal({"memory"}) ==
        "--set 'memory': expected KEY=VALUE, with a TOML value (--set template.memory=64, "
        "--set name='\"web\"')");
  CHECK(refusal({"name=web"}).rfind("--set 'name=web': ", 0) == 0);
  CHECK(refusal({"name=web"})
            .find("(KEY=VALUE, with a TOML value: a string is written in "
                  "quotes)") != std::string::npos);
  CHECK(refusal({"memory="}).rfind("--set 'memory=': ", 0) == 0);
  CHECK(refusal({"a=1", "a=2"}) == "--set 'a=2': key 'a' is given twice");
  CHECK(refusal({"t.m=1"}, R"({"t": {"m": 2}})") == "--set 't.m=1': key 't.m' is given twice");
}

TEST_CASE("settings given with --config-json are a JSON object of values TOML can hold") {
  CHECK(refusal({}, "[1]") == "--config-json: a plugin's settings are a JSON object, not array");
  CHECK(refusal({}, "{").rfind("--config-json is not JSON: ", 0) == 0);
  CHECK(refusal({}, R"({"t": {"a": [1, null]}})") ==
        "--config-json: key 't.a[1]': null is not a configuration value");
  CHECK(refusal({}, R"({"n": 18446744073709551615})") ==
        "--config-json: key 'n': 18446744073709551615 is beyond the largest integer "
        "(9223372036854775807)");
}

TEST_CASE("JSON and TOML tables convert both ways, integers and numbers kept apart") {
  const json settings = json::parse(R"({"a": 1, "b": 1.5, "c": [{"d": "x"}], "e": {"f": true}})");
  const toml::table table = toml_from_json(settings);
  CHECK(table["a"].is_integer());
  CHECK(table["b"].is_floating_point());
  CHECK(table["c"][0]["d"].value<std::string>() == "x");
  CHECK(json_from_toml(table) == settings);
}

}  // namespace
}  // namespace mirari::host
