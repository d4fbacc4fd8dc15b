// mirarictl's output for a person: what each command's result reads as without --json.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "human_output.hpp"

namespace mirari::host {
namespace {

using nlohmann::json;

TEST_CASE("get indents a value for a person; a scalar stays one line") {
  const json table = json::parse(R"({"eth0": {"mtu": 1500, "up": true}})");
  CHECK(human_text("get", table) ==
        "{\n  \"eth0\": {\n    \"mtu\": 1500,\n    \"up\": true\n  }\n}\n");
  CHECK(human_text("get", json(3)) == "3\n");
}

TEST_CASE("watch keeps each value on one line, as values come") {
  CHECK(human_text("watch", json::parse(R"({"a": [1, 2]})")) == "{\"a\":[1,2]}\n");
}

}  // namespace
}  // namespace mirari::host

namespace mirari::host {
namespace {

TEST_CASE("describe names a nested key by its path, under the table it sits in") {
  const json description = json::parse(R"({
    "plugin": "fleet", "version": "1.0.0", "kind": "policy", "summary": "s",
    "keys": [
      {"name": "template", "type": "table", "required": false, "description": "t",
       "keys": [{"name": "memory", "type": "integer", "required": false, "default": "64",
                 "description": "MiB"}]},
      {"name": "groups", "type": "array of tables", "required": false, "default": "[]",
       "description": "g",
       "keys": [{"name": "name", "type": "string", "required": true, "description": "n"}]}
    ]})");
  CHECK(human::describe_text(description) ==
        "fleet 1.0.0 (policy): s\n"
        "\n"
        "KEY              TYPE             DEFAULT     DESCRIPTION\n"
        "template         table                        t\n"
        "template.memory  integer          64          MiB\n"
        "groups           array of tables  []          g\n"
        "groups[].name    string           (required)  n\n"
        "\n"
        "no declared ports\n");

  json instance = description;
  instance["instance"] = "fleet";
  instance["config"] = {{"template.memory", "128"}, {"groups", R"([{name = "web"}])"}};
  CHECK(human::describe_text(instance) ==
        "fleet 1.0.0 (policy): s\n"
        "instance fleet\n"
        "\n"
        "KEY              TYPE             DEFAULT     VALUE             DESCRIPTION\n"
        "template         table                                          t\n"
        "template.memory  integer          64          128               MiB\n"
        "groups           array of tables  []          [{name = \"web\"}]  g\n"
        "groups[].name    string           (required)                    n\n"
        "\n"
        "no declared ports\n");
}

}  // namespace
}  // namespace mirari::host
