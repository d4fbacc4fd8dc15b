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
