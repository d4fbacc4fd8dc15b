// Device names against patterns listed best first.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mirari/config.hpp"
#include "name_patterns.hpp"

namespace mirari::policies {
namespace {

TEST_CASE("a name ranks by the first pattern it matches") {
  const std::vector<std::string> patterns{"eth[12]", "eth*", "enp?s0"};
  CHECK(pattern_rank(patterns, "eth1") == 0u);
  CHECK(pattern_rank(patterns, "eth0") == 1u);
  CHECK(pattern_rank(patterns, "enp3s0") == 2u);
  CHECK(pattern_rank(patterns, "enp10s0") == std::nullopt);  // ? is one character
  CHECK(pattern_rank(patterns, "wlan0") == std::nullopt);
  CHECK(pattern_rank({}, "eth0") == std::nullopt);
}

TEST_CASE("an empty pattern is refused, naming the key") {
  CHECK_NOTHROW(check_patterns({"eth*"}, "prefer"));
  try {
    check_patterns({"eth*", ""}, "bindings[0].prefer");
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "bindings[0].prefer holds an empty pattern");
    CHECK(e.key() == "bindings[0].prefer");
  }
}

}  // namespace
}  // namespace mirari::policies
