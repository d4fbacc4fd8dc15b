// Reading values from JSON anyone may have written: integers are checked, never cast blindly.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

using nlohmann::json;

TEST_CASE("an integer in range reads as itself, a whole float as the integer it is") {
  CHECK(read_json<std::uint32_t>(json(4294967295U)) == 4294967295U);
  CHECK(read_json<std::int8_t>(json(-128)) == -128);
  CHECK(read_json<std::uint64_t>(json(18446744073709551615ULL)) == 18446744073709551615ULL);
  CHECK(read_json<int>(json::parse("3.0")) == 3);
  CHECK(read_json<std::uint64_t>(json::parse("1e19")) == 10000000000000000000ULL);
}

TEST_CASE("an integer out of the type's range is refused, not narrowed") {
  CHECK_THROWS_AS(read_json<std::uint8_t>(json(300)), std::invalid_argument);
  CHECK_THROWS_AS(read_json<std::uint32_t>(json(-1)), std::invalid_argument);
  CHECK_THROWS_AS(read_json<std::int64_t>(json(18446744073709551615ULL)), std::invalid_argument);
}

TEST_CASE("a float that is not a whole number in range is refused") {
  // Each of these is undefined behaviour through nlohmann's get<T>().
  CHECK_THROWS_AS(read_json<std::uint64_t>(json::parse("2.2e19")), std::invalid_argument);
  CHECK_THROWS_AS(read_json<std::uint32_t>(json::parse("-2.5")), std::invalid_argument);
  CHECK_THROWS_AS(read_json<std::int64_t>(json::parse("1e300")), std::invalid_argument);
  CHECK_THROWS_AS(read_json<int>(json::parse("0.5")), std::invalid_argument);
  CHECK_THROWS_WITH(read_json<std::uint32_t>(json::parse("-2.5")),
                    Catch::Contains("-2.5") && Catch::Contains("uint32"));
}

TEST_CASE("integers inside vectors, text-keyed maps and optionals are checked too") {
  CHECK(read_json<std::vector<int>>(json::parse("[1, 2.0]")) == std::vector<int>{1, 2});
  CHECK_THROWS_AS(read_json<std::vector<std::uint16_t>>(json::parse("[1, 1e9]")),
                  std::invalid_argument);
  CHECK_THROWS_AS((read_json<std::map<std::string, std::vector<std::int64_t>>>(
                      json::parse(R"({"a": [1e30]})"))),
                  std::invalid_argument);
  CHECK(read_json<std::optional<unsigned>>(json(nullptr)) == std::nullopt);
  CHECK_THROWS_AS(read_json<std::optional<unsigned>>(json(-3)), std::invalid_argument);
}

TEST_CASE("a table's integer values are checked") {
  using Counts = Table<std::string, std::uint32_t>;
  CHECK(read_json<Counts>(json::parse(R"({"a": 1})")).at("a") == 1U);
  CHECK_THROWS_AS(read_json<Counts>(json::parse(R"({"a": 5e9})")), std::invalid_argument);
}

TEST_CASE("a port refuses a float its integer type cannot hold, and keeps its value") {
  Graph graph;
  auto rejected = graph.source<std::uint64_t>(7);
  graph.publish("load.rejected", rejected.signal());
  CHECK_THROWS_AS(graph.write_port_json("load.rejected", "2.2e19"), PortError);
  CHECK_THROWS_WITH(graph.write_port_json("load.rejected", "-1.5"),
                    Catch::Contains("is not a value of port 'load.rejected'"));
  graph.run_until_idle();
  CHECK(graph.port_json("load.rejected") == "7");
}

}  // namespace
}  // namespace mirari
