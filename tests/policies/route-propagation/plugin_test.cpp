// The route-propagation policy as mirarid runs it, object and library, through the SDK's
// harness: A's net.links written by hand, routes.desired read back whole, one tick after
// each change. The topology is seed scenario 2's: A's uplink address changes and routers B
// and C must keep reaching A's prefixes, through BGP (A's router announces them) or through
// routes written into their tables.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mirari/ports/net.hpp"
#include "mirari/ports/routes.hpp"
#include "mirari/testing.hpp"
#include "route_propagation_plugin.hpp"

namespace mirari::policies {
namespace {

namespace net = ports::net;
namespace routes = ports::routes;
using routes::Route;
using routes::RouterRoutes;
using testing::PluginHarness;
using Values = std::map<std::string, ConfigValue, std::less<>>;

constexpr const char* kServed = "203.0.113.0/24";

net::Address v4(const std::string& address, int length) {
  return {ports::ip::Family::ipv4, address, length};
}

net::Link uplink(int index, const std::string& name, std::vector<net::Address> addresses,
                 bool carrier = true) {
  net::Link l;
  l.index = index;
  l.name = name;
  l.up = true;
  l.carrier = carrier;
  l.addresses = std::move(addresses);
  return l;
}

Config table(Config::Values values) {
  return Config(std::move(values));
}

Config host() {
  return table({{"uplinks", std::vector<std::string>{"a-up*", "a-backup"}},
                {"prefixes", std::vector<std::string>{kServed}},
                {"router", std::string("A")}});
}

Config router(const std::string& name, const std::string& reach, const std::string& device) {
  return table({{"name", name}, {"reach", reach}, {"device", device}});
}

Values bgp_topology() {
  return {{"host", host()},
          {"routers", std::vector<Config>{router("B", "bgp", ""), router("C", "bgp", "")}}};
}

Values static_topology() {
  Config c = table({{"name", std::string("C")},
                    {"reach", std::string("static")},
                    {"device", std::string("c-a")},
                    {"metric", std::int64_t{20}}});
  return {{"host", host()}, {"routers", std::vector<Config>{router("B", "static", "b-a"), c}}};
}

const net::Links kOldAddress{{2, uplink(2, "a-up0", {v4("192.0.2.10", 24)})}};
const net::Links kNewAddress{{2, uplink(2, "a-up0", {v4("198.51.100.10", 24)})}};

struct Inputs {
  explicit Inputs(PluginHarness& h) : h(h), links(h.input<net::Links>(net::kLinks)) {}

  const routes::RoutesDesired& desired() {
    return h.value<routes::RoutesDesired>(routes::kRoutesDesired);
  }
  RouterRoutes router(const std::string& name) {
    const RouterRoutes* r = desired().find(name);
    REQUIRE(r != nullptr);
    return *r;
  }

  PluginHarness& h;
  Source<net::Links> links;
};

RouterRoutes announcing(std::vector<std::string> prefixes) {
  return {{}, std::move(prefixes)};
}

// What B (metric 0, device b-a) and C (metric 20, device c-a) hold for A at address.
RouterRoutes static_routes(const std::string& network, const std::string& address,
                           const std::string& device, std::uint32_t metric) {
  return {{Route{network, "", device, metric}, Route{kServed, address, device, metric}}, {}};
}

std::unique_ptr<RoutePropagationPlugin> plugin() {
  return std::make_unique<RoutePropagationPlugin>();
}

TEST_CASE("A's new address is announced and the old one withdrawn in one tick (BGP routers)") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kOldAddress);
  h.settle();
  h.start(plugin(), bgp_topology());
  CHECK(in.router("A") == announcing({"192.0.2.0/24", kServed}));
  CHECK(in.desired().size() == 1);  // B and C learn through BGP: not programmed

  in.links.set(kNewAddress);
  h.tick();
  CHECK(in.router("A") == announcing({"198.51.100.0/24", kServed}));
  CHECK(in.desired().size() == 1);
}

TEST_CASE("B and C are given routes through A's new address in one tick (static routers)") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kOldAddress);
  h.settle();
  h.start(plugin(), static_topology());
  CHECK(in.router("B") == static_routes("192.0.2.0/24", "192.0.2.10", "b-a", 0));
  CHECK(in.router("C") == static_routes("192.0.2.0/24", "192.0.2.10", "c-a", 20));
  CHECK(in.router("A") == announcing({"192.0.2.0/24", kServed}));

  in.links.set(kNewAddress);
  h.tick();
  CHECK(in.router("B") == static_routes("198.51.100.0/24", "198.51.100.10", "b-a", 0));
  CHECK(in.router("C") == static_routes("198.51.100.0/24", "198.51.100.10", "c-a", 20));
  CHECK(in.router("A") == announcing({"198.51.100.0/24", kServed}));
}

TEST_CASE("a router's own next hop toward A is kept whatever A's address") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kOldAddress);
  h.settle();
  Values topology = static_topology();
  topology["routers"] = std::vector<Config>{table({{"name", std::string("B")},
                                                   {"reach", std::string("static")},
                                                   {"via", std::string("192.0.2.254")}})};
  h.start(plugin(), topology);
  const RouterRoutes via_b{
      {Route{"192.0.2.0/24", "192.0.2.254", "", 0}, Route{kServed, "192.0.2.254", "", 0}}, {}};
  CHECK(in.router("B") == via_b);
  in.links.set(kNewAddress);
  h.tick();
  CHECK(in.router("B").routes == std::vector<Route>{{"198.51.100.0/24", "192.0.2.254", "", 0},
                                                    {kServed, "192.0.2.254", "", 0}});
}

TEST_CASE("an uplink going down hands over to the next one, and with none the routes go") {
  PluginHarness h;
  Inputs in(h);
  const net::Link backup = uplink(5, "a-backup", {v4("198.51.100.20", 24)});
  in.links.set({{2, kOldAddress.at(2)}, {5, backup}});
  h.settle();
  h.start(plugin(), static_topology());
  CHECK(in.router("B") == static_routes("192.0.2.0/24", "192.0.2.10", "b-a", 0));

  in.links.set({{2, uplink(2, "a-up0", {v4("192.0.2.10", 24)}, false)}, {5, backup}});
  h.tick();
  CHECK(in.router("B") == static_routes("198.51.100.0/24", "198.51.100.20", "b-a", 0));
  CHECK(in.router("A") == announcing({"198.51.100.0/24", kServed}));

  in.links.set({{5, uplink(5, "a-backup", {v4("198.51.100.20", 24)}, false)}});
  h.tick();
  CHECK(in.router("A") == RouterRoutes{});
  CHECK(in.router("B") == RouterRoutes{});
  CHECK(in.router("C") == RouterRoutes{});
}

TEST_CASE("an uplink replaced by another of the same role, and addresses added and removed") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kOldAddress);
  h.settle();
  h.start(plugin(), static_topology());

  // a-up0 goes and a-up1 comes with an address, in one kernel batch.
  in.links.set({{7, uplink(7, "a-up1", {v4("198.51.100.10", 24)})}});
  h.tick();
  CHECK(in.router("B") == static_routes("198.51.100.0/24", "198.51.100.10", "b-a", 0));

  // An IPv6 address and a link-local one: the first is A's, the second never leaves the link.
  in.links.set({{7, uplink(7, "a-up1",
                           {v4("198.51.100.10", 24),
                            {ports::ip::Family::ipv6, "2001:db8:a::10", 64},
                            {ports::ip::Family::ipv6, "fe80::10", 64}})}});
  h.tick();
  CHECK(in.router("A") == announcing({"198.51.100.0/24", "2001:db8:a::/64", kServed}));
  CHECK(in.router("B").routes == std::vector<Route>{{"198.51.100.0/24", "", "b-a", 0},
                                                    {"2001:db8:a::/64", "", "b-a", 0},
                                                    {kServed, "198.51.100.10", "b-a", 0}});

  // With its IPv4 address removed, A's IPv4 prefix has no next hop on B.
  in.links.set({{7, uplink(7, "a-up1", {{ports::ip::Family::ipv6, "2001:db8:a::10", 64}})}});
  h.tick();
  CHECK(in.router("B").routes == std::vector<Route>{{"2001:db8:a::/64", "", "b-a", 0}});
  CHECK(in.router("A") == announcing({"2001:db8:a::/64", kServed}));
}

TEST_CASE("a bad topology is refused, naming the key, and leaves nothing in the graph") {
  PluginHarness h;
  CHECK_THROWS_WITH(h.start(plugin(), {{"routers", std::vector<Config>{router("B", "bgp", "")}}}),
                    "host.uplinks: names no uplink: give A's uplink interfaces");
  Values bad_prefix = bgp_topology();
  bad_prefix["host"] = table({{"uplinks", std::vector<std::string>{"a-up*"}},
                              {"prefixes", std::vector<std::string>{"203.0.113.0/33"}}});
  CHECK_THROWS_WITH(h.start(plugin(), bad_prefix),
                    "host.prefixes: '203.0.113.0/33' is not a prefix (address/length)");
  Values no_speaker = bgp_topology();
  no_speaker["host"] = table({{"uplinks", std::vector<std::string>{"a-up*"}}});
  CHECK_THROWS_WITH(h.start(plugin(), no_speaker),
                    "routers[0].reach: \"bgp\" needs host.router: the router that announces "
                    "A's prefixes");
  Values nowhere = static_topology();
  nowhere["routers"] = std::vector<Config>{router("B", "static", "")};
  CHECK_THROWS_WITH(h.start(plugin(), nowhere),
                    Catch::StartsWith("routers[0].device: is required (or via)"));
  Values ospf = static_topology();
  ospf["routers"] = std::vector<Config>{router("B", "ospf", "b-a")};
  CHECK_THROWS_WITH(h.start(plugin(), ospf),
                    "routers[0].reach: must be \"bgp\" or \"static\", not \"ospf\"");
  Values twice = static_topology();
  twice["routers"] = std::vector<Config>{router("B", "static", "b-a"), router("B", "bgp", "")};
  CHECK_THROWS_WITH(h.start(plugin(), twice), "routers[1].name: 'B' names another router already");
  CHECK_THROWS_WITH(h.start(plugin(), {{"host", host()}}),
                    Catch::StartsWith("plugin 'plugin': missing required key 'routers'"));
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("the built route-propagation library runs like the object") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kOldAddress);
  h.settle();
  h.start_library(MIRARI_ROUTE_PROPAGATION_SO, static_topology());
  CHECK(in.router("B") == static_routes("192.0.2.0/24", "192.0.2.10", "b-a", 0));
  in.links.set(kNewAddress);
  h.tick();
  CHECK(in.router("B") == static_routes("198.51.100.0/24", "198.51.100.10", "b-a", 0));
  h.stop();
  CHECK(in.router("B") == static_routes("198.51.100.0/24", "198.51.100.10", "b-a", 0));
}

}  // namespace
}  // namespace mirari::policies
