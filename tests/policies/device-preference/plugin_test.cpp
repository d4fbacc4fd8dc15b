// The device-preference policy as mirarid runs it, object and library, through the SDK's
// harness: net.links, arp.table, block.devices and clock.ms written by hand; flows.desired,
// routes.desired and instances.desired.extra read back whole, one tick after each change.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device_preference_plugin.hpp"
#include "mirari/ports/arp.hpp"
#include "mirari/ports/block.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/flows.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/net.hpp"
#include "mirari/ports/routes.hpp"
#include "mirari/testing.hpp"

namespace mirari::policies {
namespace {

namespace arp = ports::arp;
namespace block = ports::block;
namespace flows = ports::flows;
namespace net = ports::net;
namespace routes = ports::routes;
using testing::PluginHarness;
using Values = std::map<std::string, ConfigValue, std::less<>>;

constexpr const char* kGateway = "192.0.2.1";
constexpr const char* kGatewayMac = "02:00:5e:00:00:01";
constexpr const char* kFailoverMac = "02:00:5e:00:00:02";

net::Link link(int index, const std::string& name, std::uint32_t speed, bool carrier = true) {
  net::Link l;
  l.index = index;
  l.name = name;
  l.up = true;
  l.carrier = carrier;
  l.oper_state = carrier ? net::OperState::up : net::OperState::lower_layer_down;
  if (carrier) l.speed_mbps = speed;
  return l;
}

arp::Neighbours gateway_at(const std::string& mac) {
  arp::Neighbour n;
  n.address = kGateway;
  n.mac = mac;
  n.ifindex = 2;
  n.interface = "eth0";
  n.state = arp::NeighbourState::reachable;
  return {{n.key(), n}};
}

block::BlockDevice disk(const std::string& name, std::uint64_t gib, bool rotational = false) {
  block::BlockDevice d;
  d.name = name;
  d.major = 7;
  d.size_bytes = gib << 30;
  d.rotational = rotational;
  return d;
}

Config table(Config::Values values) {
  return Config(std::move(values));
}

Config uplink_binding(std::int64_t hold_ms) {
  return table({{"name", std::string("web-uplink")},
                {"kind", std::string("link")},
                {"prefer", std::vector<std::string>{"eth*"}},
                {"fastest", true},
                {"hold_ms", hold_ms},
                {"gateway", std::string(kGateway)},
                {"flows", table({{"bridge", std::string("br0")},
                                 {"app_port", std::string("web0")},
                                 {"priority", std::int64_t{200}}})},
                {"route", table({{"router", std::string("A")},
                                 {"prefix", std::string("198.51.100.0/24")},
                                 {"metric", std::int64_t{10}}})}});
}

Config disk_binding() {
  return table({{"name", std::string("db-disk")},
                {"kind", std::string("disk")},
                {"prefer", std::vector<std::string>{"loop*"}},
                {"hold_ms", std::int64_t{0}},
                {"min_size_bytes", std::int64_t{1} << 30},
                {"instance", table({{"group", std::string("db")},
                                    {"command", std::string("/usr/bin/db")},
                                    {"args", std::vector<std::string>{"--data"}},
                                    {"env", std::vector<std::string>{"MODE=primary"}}})}});
}

Values config(std::vector<Config> bindings) {
  return {{"bindings", std::move(bindings)}};
}

// The flows a binding of app port web0 asks on link `out`.
std::vector<flows::Flow> web_flows(const std::string& out, const std::string& mac) {
  const std::string rewrite = mac.empty() ? "" : "mod_dl_dst:" + mac + ",";
  return {{0, 200, "in_port=web0", rewrite + "output:" + out, 0},
          {0, 200, "in_port=" + out, "output:web0", 0}};
}

routes::RouterRoutes route_on(const std::string& device) {
  return {{{"198.51.100.0/24", kGateway, device, 10}}, {}};
}

struct Inputs {
  explicit Inputs(PluginHarness& h)
      : h(h),
        links(h.input<net::Links>(net::kLinks)),
        neighbours(h.input<arp::Neighbours>(arp::kTable)),
        disks(h.input<block::Devices>(block::kDevices)),
        clock(h.input<ports::ClockMs>(ports::kClock)) {}

  flows::BridgeFlows bridge(const std::string& name) {
    const auto* b = h.value<flows::FlowsDesired>(flows::kFlowsDesired).find(name);
    REQUIRE(b != nullptr);
    return *b;
  }
  routes::RouterRoutes router(const std::string& name) {
    const auto* r = h.value<routes::RoutesDesired>(routes::kRoutesDesired).find(name);
    REQUIRE(r != nullptr);
    return *r;
  }
  const ports::InstanceSpecs& extra() {
    return h.value<ports::InstanceSpecs>(ports::kInstancesDesiredExtra);
  }
  // Sets the clock and runs exactly one tick.
  void at(ports::ClockMs now) {
    clock.set(now);
    h.tick();
  }

  PluginHarness& h;
  Source<net::Links> links;
  Source<arp::Neighbours> neighbours;
  Source<block::Devices> disks;
  Source<ports::ClockMs> clock;
};

const net::Links kSlowOnly{{2, link(2, "eth0", 1'000)}};
const net::Links kSlowAndFast{{2, link(2, "eth0", 1'000)}, {3, link(3, "eth1", 10'000)}};

std::unique_ptr<DevicePreferencePlugin> plugin() {
  return std::make_unique<DevicePreferencePlugin>();
}

TEST_CASE(
    "a faster link moves the flows and the route in one tick, and its going moves them back") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowOnly);
  in.neighbours.set(gateway_at(kGatewayMac));
  h.settle();
  h.start(plugin(), config({uplink_binding(0)}));
  CHECK(in.bridge("br0").flows == web_flows("eth0", kGatewayMac));
  CHECK(in.router("A") == route_on("eth0"));

  in.links.set(kSlowAndFast);
  h.tick();
  CHECK(in.bridge("br0").flows == web_flows("eth1", kGatewayMac));
  CHECK(in.router("A") == route_on("eth1"));

  in.links.set(kSlowOnly);
  h.tick();
  CHECK(in.bridge("br0").flows == web_flows("eth0", kGatewayMac));
  CHECK(in.router("A") == route_on("eth0"));
}

TEST_CASE("a better link must stay for hold_ms, and a flap restarts its hold") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowOnly);
  in.neighbours.set(gateway_at(kGatewayMac));
  in.clock.set(10'000);
  h.settle();
  h.start(plugin(), config({uplink_binding(1'000)}));

  in.links.set(kSlowAndFast);
  in.at(10'000);
  CHECK(in.router("A") == route_on("eth0"));
  in.at(10'500);
  const net::Links flapped{{2, link(2, "eth0", 1'000)}, {3, link(3, "eth1", 10'000, false)}};
  in.links.set(flapped);
  in.at(10'600);
  in.links.set(kSlowAndFast);  // back at 10.7 s: held from there
  in.at(10'700);
  in.at(11'600);
  CHECK(in.router("A") == route_on("eth0"));
  CHECK(in.bridge("br0").flows == web_flows("eth0", kGatewayMac));
  in.at(11'700);
  CHECK(in.router("A") == route_on("eth1"));
  CHECK(in.bridge("br0").flows == web_flows("eth1", kGatewayMac));

  // Leaving a link that lost its carrier takes no hold.
  in.links.set(flapped);
  h.tick();
  CHECK(in.router("A") == route_on("eth0"));
}

TEST_CASE("a reload keeps the binding's link and the hold of a better one") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowOnly);
  in.neighbours.set(gateway_at(kGatewayMac));
  h.settle();
  h.start(plugin(), config({uplink_binding(1'000)}));
  in.links.set(kSlowAndFast);
  in.at(500);

  h.reload(plugin());  // afresh, eth1 would count as held and be taken
  CHECK(in.router("A") == route_on("eth0"));
  in.at(1'499);
  CHECK(in.router("A") == route_on("eth0"));
  in.at(1'500);
  CHECK(in.router("A") == route_on("eth1"));
}

TEST_CASE("the gateway's move to another MAC rewrites the flows in the same tick") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowOnly);
  h.settle();
  h.start(plugin(), config({uplink_binding(0)}));
  CHECK(in.bridge("br0").flows == web_flows("eth0", ""));  // no MAC known yet: no rewrite

  in.neighbours.set(gateway_at(kGatewayMac));
  h.tick();
  CHECK(in.bridge("br0").flows == web_flows("eth0", kGatewayMac));
  in.neighbours.set(gateway_at(kFailoverMac));
  h.tick();
  CHECK(in.bridge("br0").flows == web_flows("eth0", kFailoverMac));
  CHECK(in.router("A") == route_on("eth0"));
}

TEST_CASE("with no usable link the bridge holds no flows and the router no route") {
  PluginHarness h;
  Inputs in(h);
  h.start(plugin(), config({uplink_binding(5'000)}));
  CHECK(in.bridge("br0") == flows::BridgeFlows{});
  CHECK(in.router("A") == routes::RouterRoutes{});

  // The first link to come is taken at once: there is nothing to stay on.
  in.links.set(kSlowOnly);
  h.tick();
  CHECK(in.router("A") == route_on("eth0"));
  in.links.set({});
  h.tick();
  CHECK(in.bridge("br0") == flows::BridgeFlows{});
  CHECK(in.router("A") == routes::RouterRoutes{});
}

TEST_CASE("bindings that share a bridge and a router publish one whole set for each") {
  Config second = table({{"name", std::string("api-uplink")},
                         {"kind", std::string("link")},
                         {"prefer", std::vector<std::string>{"eth0"}},
                         {"hold_ms", std::int64_t{0}},
                         {"gateway", std::string(kGateway)},
                         {"flows", table({{"bridge", std::string("br0")},
                                          {"app_port", std::string("api0")},
                                          {"app_mac", std::string("02:00:5e:00:00:aa")}})},
                         {"route", table({{"router", std::string("A")},
                                          {"prefix", std::string("203.0.113.0/24")},
                                          {"via", std::string("192.0.2.254")}})}});
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowAndFast);
  in.neighbours.set(gateway_at(kGatewayMac));
  h.settle();
  h.start(plugin(), config({uplink_binding(0), second}));

  std::vector<flows::Flow> expected = web_flows("eth1", kGatewayMac);
  expected.push_back({0, 100, "in_port=api0", "mod_dl_dst:02:00:5e:00:00:01,output:eth0", 0});
  expected.push_back({0, 100, "in_port=eth0,dl_dst=02:00:5e:00:00:aa", "output:api0", 0});
  CHECK(in.bridge("br0").flows == expected);
  CHECK(in.router("A").routes ==
        std::vector<routes::Route>{{"198.51.100.0/24", kGateway, "eth1", 10},
                                   {"203.0.113.0/24", "192.0.2.254", "eth0", 0}});
  CHECK(h.value<flows::FlowsDesired>(flows::kFlowsDesired).size() == 1);
}

TEST_CASE("a bigger disk replaces the instance's spec, and its going brings the old one back") {
  PluginHarness h;
  Inputs in(h);
  in.disks.set({{"loop0", disk("loop0", 2)}, {"loop9", disk("loop9", 0)}});
  h.settle();
  h.start(plugin(), config({disk_binding()}));
  const ports::InstanceSpec on_loop0{
      "db", "/usr/bin/db", {"--data"}, {"MODE=primary", "MIRARI_DISK=/dev/loop0"}};
  const ports::InstanceSpec on_loop1{
      "db", "/usr/bin/db", {"--data"}, {"MODE=primary", "MIRARI_DISK=/dev/loop1"}};
  CHECK(in.extra() == ports::InstanceSpecs{{"db-disk", on_loop0}});

  in.disks.set({{"loop0", disk("loop0", 2)}, {"loop1", disk("loop1", 8)}});
  h.tick();
  CHECK(in.extra() == ports::InstanceSpecs{{"db-disk", on_loop1}});

  // A spinning disk, however large, comes after the solid-state ones; a small one is no
  // candidate at all.
  in.disks.set({{"loop0", disk("loop0", 2)},
                {"loop2", disk("loop2", 64, true)},
                {"loop3", disk("loop3", 0)}});
  h.tick();
  CHECK(in.extra() == ports::InstanceSpecs{{"db-disk", on_loop0}});

  in.disks.set({{"loop3", disk("loop3", 0)}});
  h.tick();
  CHECK(in.extra().empty());  // no disk fits: no instance
}

TEST_CASE("a bad configuration is refused, naming the key, and leaves nothing in the graph") {
  PluginHarness h;
  Config no_port = table({{"name", std::string("x")},
                          {"kind", std::string("link")},
                          {"flows", table({{"bridge", std::string("br0")}})}});
  CHECK_THROWS_WITH(h.start(plugin(), config({no_port})),
                    "bindings[0].flows.app_port: is required with bridge");
  Config nothing = table({{"name", std::string("x")}, {"kind", std::string("link")}});
  CHECK_THROWS_WITH(h.start(plugin(), config({nothing})),
                    Catch::StartsWith("bindings[0].flows: a link binding publishes flows"));
  Config tape = table({{"name", std::string("x")}, {"kind", std::string("tape")}});
  CHECK_THROWS_WITH(h.start(plugin(), config({tape})),
                    "bindings[0].kind: must be \"link\" or \"disk\", not \"tape\"");
  Config bad_prefix =
      table({{"name", std::string("x")},
             {"kind", std::string("link")},
             {"route",
              table({{"router", std::string("A")}, {"prefix", std::string("198.51.100.7/24")}})}});
  CHECK_THROWS_WITH(h.start(plugin(), config({bad_prefix})),
                    "bindings[0].route.prefix: '198.51.100.7/24' has host bits set: the prefix "
                    "is 198.51.100.0/24");
  Config relative =
      table({{"name", std::string("d")},
             {"kind", std::string("disk")},
             {"instance", table({{"group", std::string("db")}, {"command", std::string("db")}})}});
  CHECK_THROWS_WITH(h.start(plugin(), config({relative})),
                    "bindings[0].instance.command: must be an absolute path, not 'db'");
  CHECK_THROWS_WITH(h.start(plugin(), config({uplink_binding(0), uplink_binding(0)})),
                    "bindings[1].name: 'web-uplink' names another binding already");
  CHECK_THROWS_WITH(h.start(plugin(), config({})),
                    "bindings: binds nothing: give at least one binding");
  CHECK(h.graph().stats().nodes == 0);
}

TEST_CASE("two bindings on one bridge without app_mac are refused") {
  PluginHarness h;
  Config other = table(
      {{"name", std::string("api")},
       {"kind", std::string("link")},
       {"flows", table({{"bridge", std::string("br0")}, {"app_port", std::string("api0")}})}});
  CHECK_THROWS_WITH(h.start(plugin(), config({uplink_binding(0), other})),
                    Catch::StartsWith("bindings[1].flows.app_mac: is required: 'web-uplink' "
                                      "shares bridge 'br0' without app_mac"));
}

TEST_CASE("the built device-preference library runs like the object") {
  PluginHarness h;
  Inputs in(h);
  in.links.set(kSlowOnly);
  in.neighbours.set(gateway_at(kGatewayMac));
  h.settle();
  h.start_library(MIRARI_DEVICE_PREFERENCE_SO, config({uplink_binding(0), disk_binding()}));
  CHECK(in.bridge("br0").flows == web_flows("eth0", kGatewayMac));
  in.links.set(kSlowAndFast);
  in.disks.set({{"loop1", disk("loop1", 8)}});
  h.tick();
  CHECK(in.router("A") == route_on("eth1"));
  CHECK(in.extra().contains("db-disk"));
}

}  // namespace
}  // namespace mirari::policies
