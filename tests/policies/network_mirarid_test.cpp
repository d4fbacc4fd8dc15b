// The network policies as they are deployed: device-preference and route-propagation loaded by
// a real mirarid from TOML (nested and inline tables, arrays of tables), side by side on two
// routes ports; their inputs written with the real mirarictl, their desired state read back.
#include <catch2/catch.hpp>

#include <string>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

namespace {

const std::string kPolicies = std::string(mirari::test::kWatchNothing) + R"(
[plugins.device-preference]
file = ")" MIRARI_DEVICE_PREFERENCE_SO R"("

[[plugins.device-preference.bindings]]
name = "web-uplink"
kind = "link"
prefer = ["eth*"]
fastest = true
hold_ms = 0
gateway = "192.0.2.1"
flows = { bridge = "br0", app_port = "web0" }
route = { router = "A", prefix = "198.51.100.0/24" }

[plugins.route-propagation]
file = ")" MIRARI_ROUTE_PROPAGATION_SO R"("
routes_port = "routes.propagated"

[plugins.route-propagation.host]
uplinks = ["eth*"]
prefixes = ["203.0.113.0/24"]
router = "A"

[[plugins.route-propagation.routers]]
name = "B"
reach = "static"
device = "b-a"
)";

json link(int index, const std::string& name, int speed, const std::string& address) {
  return {{"index", index},
          {"name", name},
          {"kind", "veth"},
          {"mac", "02:00:5e:10:00:0" + std::to_string(index)},
          {"mtu", 1500},
          {"up", true},
          {"carrier", true},
          {"oper_state", "up"},
          {"speed_mbps", speed},
          {"addresses",
           json::array({{{"family", "ipv4"}, {"address", address}, {"prefix_length", 24}}})}};
}

bool port_is(const Daemon& daemon, const std::string& port, const json& value) {
  return eventually([&] { return daemon.port(port) == value; });
}

void set(const Daemon& daemon, const std::string& port, const json& value) {
  const auto r = daemon.ctl({"set", port, value.dump()});
  INFO(r.err);
  REQUIRE(r.status == 0);
}

}  // namespace

TEST_CASE("device-preference and route-propagation in mirarid follow net.links") {
  Daemon daemon({kPolicies});
  set(daemon, "net.links", {{"2", link(2, "eth0", 1000, "192.0.2.10")}});
  const json via_eth0 = {{"A",
                          {{"routes", json::array({{{"prefix", "198.51.100.0/24"},
                                                    {"via", "192.0.2.1"},
                                                    {"device", "eth0"},
                                                    {"metric", 0}}})},
                           {"announce", json::array()}}}};
  CHECK(port_is(daemon, "routes.desired", via_eth0));
  CHECK(port_is(daemon, "flows.desired",
                {{"br0",
                  {{"flows", json::array({{{"table", 0},
                                           {"priority", 100},
                                           {"match", "in_port=web0"},
                                           {"actions", "output:eth0"},
                                           {"cookie", 0}},
                                          {{"table", 0},
                                           {"priority", 100},
                                           {"match", "in_port=eth0"},
                                           {"actions", "output:web0"},
                                           {"cookie", 0}}})},
                   {"groups", json::array()}}}}));
  CHECK(port_is(
      daemon, "routes.propagated",
      {{"A",
        {{"routes", json::array()}, {"announce", json::array({"192.0.2.0/24", "203.0.113.0/24"})}}},
       {"B",
        {{"routes",
          json::array({{{"prefix", "192.0.2.0/24"}, {"via", ""}, {"device", "b-a"}, {"metric", 0}},
                       {{"prefix", "203.0.113.0/24"},
                        {"via", "192.0.2.10"},
                        {"device", "b-a"},
                        {"metric", 0}}})},
         {"announce", json::array()}}}}));

  // A faster link that is also the preferred uplink (the lower ifindex ranks first among
  // uplinks; device-preference ranks by speed).
  set(daemon, "net.links",
      {{"2", link(2, "eth0", 1000, "192.0.2.10")}, {"3", link(3, "eth1", 10000, "198.51.100.5")}});
  CHECK(eventually([&] {
    return daemon.port("routes.desired").value_or(json())["A"]["routes"][0]["device"] == "eth1";
  }));
  CHECK(daemon.port("flows.desired").value_or(json())["br0"]["flows"][0]["actions"] ==
        "output:eth1");
}

TEST_CASE("mirarictl describe lists the network policies' configuration keys") {
  Daemon daemon({kPolicies});
  const auto dp = daemon.ctl({"describe", "device-preference"});
  CHECK(dp.status == 0);
  for (const char* key : {"bindings", "prefer", "hold_ms", "gateway", "app_port", "disk_env"}) {
    CHECK(dp.out.find(key) != std::string::npos);
  }
  const auto rp = daemon.ctl({"describe", "route-propagation"});
  CHECK(rp.status == 0);
  for (const char* key : {"uplinks", "prefixes", "routers", "reach", "routes_port"}) {
    CHECK(rp.out.find(key) != std::string::npos);
  }
}
