// The placement policy: the spread of a count over hosts, and the plugin through the SDK's
// harness (the cluster plugin's ports written by hand): the placement it proposes follows
// the count and the members, and this host's share follows only the placement the leader
// wrote.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "mirari/testing.hpp"
#include "placement_plugin.hpp"

namespace mirari::policies {
namespace {

using ports::Placement;
using testing::PluginHarness;

Placement placement(std::initializer_list<std::pair<const std::string, int>> shares) {
  Placement p;
  for (const auto& [host, n] : shares) p = p.set(host, n);
  return p;
}

TEST_CASE("spread: a count spreads evenly, the remainder to the hosts first by name") {
  CHECK(spread(3, {"c", "a", "b"}) == placement({{"a", 1}, {"b", 1}, {"c", 1}}));
  CHECK(spread(5, {"c", "a", "b"}) == placement({{"a", 2}, {"b", 2}, {"c", 1}}));
  CHECK(spread(1, {"b", "a"}) == placement({{"a", 1}, {"b", 0}}));
  CHECK(spread(4, {"b", "b", "a"}) == placement({{"a", 2}, {"b", 2}}));
  CHECK(spread(-2, {"a"}) == placement({{"a", 0}}));
  CHECK(spread(7, {}).size() == 0);
}

TEST_CASE("placement: proposes the spread of the count, and runs only the leader's share") {
  PluginHarness h;
  auto count = h.input<ports::DesiredCount>("scale.web.desired", 0);
  auto members = h.input<ports::cluster::Members>("cluster.members.placement", {});
  auto led = h.input<Placement>("cluster.led.scale.web.placement", {});
  h.start(std::make_unique<PlacementPlugin>(),
          {{"group", std::string("web")}, {"host", std::string("b")}});
  CHECK(h.value<int>("scale.web.share") == 0);

  count.set(5);
  members.set({"a", "b", "c"});
  h.settle();
  CHECK(h.value<Placement>("scale.web.placement") == placement({{"a", 2}, {"b", 2}, {"c", 1}}));
  // Its own proposal is not what this host runs: only what the leader wrote is.
  CHECK(h.value<int>("scale.web.share") == 0);

  led.set(placement({{"a", 1}, {"b", 3}}));
  h.settle();
  CHECK(h.value<int>("scale.web.share") == 3);
  led.set(placement({{"a", 4}}));
  h.settle();
  CHECK(h.value<int>("scale.web.share") == 0);
}

TEST_CASE("placement: a group, host or role that is not a name is refused, naming the key") {
  PluginHarness h;
  auto start = [&](std::string group, std::string host, std::string role) {
    h.start(std::make_unique<PlacementPlugin>(),
            {{"group", group}, {"host", host}, {"role", role}});
  };
  CHECK_THROWS_WITH(start("web.x", "a", "placement"), Catch::Contains("group 'web.x'"));
  CHECK_THROWS_WITH(start("web", "a/b", "placement"), Catch::Contains("host 'a/b'"));
  CHECK_THROWS_WITH(start("web", "a", ""), Catch::Contains("role ''"));
}

}  // namespace
}  // namespace mirari::policies
