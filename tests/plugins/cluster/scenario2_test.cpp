// Seed scenario 2 across hosts: three mirarid hosts, each in a network namespace of its own,
// share the configuration space through a three-member etcd cluster in another
// (tests/support/cluster_network.hpp).
//
//  - Host A runs the net watcher on its own namespace, the route-propagation policy and the
//    cluster plugin, which exports routes.desired. A's uplink a-up0 has 192.0.2.10/24, and A
//    serves 203.0.113.0/24 behind it; routers B and C reach A statically, on their links b-a
//    and c-a (C at metric 20).
//  - Hosts B and C each import A's routes.desired and run the routes plugin on it
//    (desired = "cluster.a.routes.desired"), programming the router of their own name: their
//    own namespace's kernel table (netlink backend).
//
// The test changes nothing but A's uplink address, and reads B's and C's kernel tables. B's
// mirarid is killed, A's address changes while it is down, and B, started again, catches up
// from etcd. Nothing asserts a duration: eventually() only bounds the waits.
#include <catch2/catch.hpp>

#include <csignal>
#include <exception>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "cluster_network.hpp"
#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::ClusterNetwork;
using mirari::testing::NetworkNamespace;
using nlohmann::json;

namespace {

constexpr const char* kServed = "203.0.113.0/24";

std::string cluster_plugin(const std::string& host, const ClusterNetwork& net,
                           const std::string& ports) {
  return std::string(mirari::test::kWatchNothing) + "[plugins.cluster]\nfile = \"" +
         MIRARI_CLUSTER_SO + "\"\nhost = \"" + host +
         "\"\ncluster = \"t\"\nendpoints = " + net.toml_endpoints() +
         "\nttl = 2\ntimeout_ms = 1000\n" + ports;
}

// Host A: its links watched, its routers' routes published and exported.
std::string host_a_config(const ClusterNetwork& net) {
  return cluster_plugin("a", net, "export = [\"routes.desired\"]\n") +
         "[plugins.net-watcher]\nfile = \"" MIRARI_NET_WATCHER_SO
         "\"\n"
         "[plugins.route-propagation]\nfile = \"" MIRARI_ROUTE_PROPAGATION_SO
         "\"\n"
         "[plugins.route-propagation.host]\nuplinks = [\"a-up*\"]\nprefixes = [\"" +
         kServed +
         "\"]\n"
         "[[plugins.route-propagation.routers]]\nname = \"B\"\nreach = \"static\"\n"
         "device = \"b-a\"\n"
         "[[plugins.route-propagation.routers]]\nname = \"C\"\nreach = \"static\"\n"
         "device = \"c-a\"\nmetric = 20\n";
}

// Host b or c: A's routes programmed into router B or C, the kernel table of mirarid's own
// namespace. The cluster plugin is loaded first, so the routes library is the one closed
// first at exit, while the Asio services its I/O made on the worker pool remain: the host
// keeps it mapped until the pool is gone (host/src/code_keeper.hpp), and mirarid exits
// cleanly.
std::string router_host_config(const std::string& host, const std::string& router,
                               const ClusterNetwork& net) {
  return cluster_plugin(host, net, "import = [\"routes.desired\"]\nhosts = [\"a\"]\n") +
         "[plugins.routes]\nfile = \"" MIRARI_ROUTES_SO
         "\"\nverify_ms = 200\ndesired = \"cluster.a.routes.desired\"\n"
         "[[plugins.routes.routers]]\nname = \"" +
         router + "\"\nbackend = \"netlink\"\n";
}

// A veth pair between two hosts, dev_a in a and dev_b in b, both up.
void join(const NetworkNamespace& a, const std::string& dev_a, const NetworkNamespace& b,
          const std::string& dev_b) {
  a.ip({"link", "add", dev_a, "type", "veth", "peer", "name", dev_b, "netns", b.name()});
  a.ip({"link", "set", dev_a, "up"});
  b.ip({"link", "set", dev_b, "up"});
}

// A's uplink gets address/24 in place of the one it had.
void renumber(const NetworkNamespace& a, const std::string& from, const std::string& to) {
  a.ip_batch("address add " + to + "/24 dev a-up0\naddress del " + from + "/24 dev a-up0\n");
}

// What route-propagation gives a static router when A's uplink has address on network.
json static_routes(const std::string& network, const std::string& address,
                   const std::string& device, int metric) {
  return {{"routes",
           {{{"prefix", network}, {"via", ""}, {"device", device}, {"metric", metric}},
            {{"prefix", kServed}, {"via", address}, {"device", device}, {"metric", metric}}}},
          {"announce", json::array()}};
}

// The routes the routes plugin wrote (proto 203) in a namespace's main table, by prefix: the
// rest of each line.
std::map<std::string, std::string> kernel_routes(const NetworkNamespace& ns) {
  std::map<std::string, std::string> out;
  std::istringstream lines(ns.ip({"-4", "route", "show", "proto", "203"}));
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    out[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
  }
  return out;
}

// What `ip route show proto 203` prints for static_routes().
std::map<std::string, std::string> kernel_lines(const std::string& network,
                                                const std::string& address,
                                                const std::string& device, int metric) {
  const std::string at_metric = metric == 0 ? "" : " metric " + std::to_string(metric);
  return {{network, "dev " + device + " scope link" + at_metric + " "},
          {kServed, "via " + address + " dev " + device + at_metric + " "}};
}

// A's routes.desired when its uplink has address on network.
json desired(const std::string& network, const std::string& address) {
  return {{"B", static_routes(network, address, "b-a", 0)},
          {"C", static_routes(network, address, "c-a", 20)}};
}

// The router's kernel table holds exactly the routes A publishes for it, and its host's
// routes.applied says so without error.
bool holds(const Daemon& host, const std::string& router, const NetworkNamespace& ns,
           const std::string& network, const std::string& address) {
  const bool b = router == "B";
  const auto applied = host.port("routes.applied");
  return applied && applied->contains(router) && (*applied)[router]["error"] == "" &&
         (*applied)[router]["held"] == desired(network, address)[router] &&
         kernel_routes(ns) == kernel_lines(network, address, b ? "b-a" : "c-a", b ? 0 : 20);
}

// Prints the hosts' logs when a REQUIRE ends the test.
struct LogsOnFailure {
  const Daemon& a;
  const Daemon& b;
  const Daemon& c;
  ~LogsOnFailure() {
    if (std::uncaught_exceptions() == 0) return;
    std::cerr << "--- host a ---\n"
              << a.log() << "--- host b ---\n"
              << b.log() << "--- host c ---\n"
              << c.log();
  }
};

}  // namespace

TEST_CASE("cluster: scenario 2 across hosts: A's route-propagation programs routers B and C",
          "[cluster]") {
  ClusterNetwork net;
  const NetworkNamespace& a = net.add_host("a");
  const NetworkNamespace& b = net.add_host("b");
  const NetworkNamespace& c = net.add_host("c");
  a.ip_batch(
      "link add a-up0 type veth peer name up0-peer\n"
      "link set up0-peer up\n"
      "link set a-up0 up\n"
      "address add 192.0.2.10/24 dev a-up0\n");
  join(a, "a-b", b, "b-a");
  join(a, "a-c", c, "c-a");

  Daemon host_b({.config = router_host_config("b", "B", net), .netns = b.name()});
  Daemon host_c({.config = router_host_config("c", "C", net), .netns = c.name()});
  Daemon host_a({.config = host_a_config(net), .netns = a.name()});
  const LogsOnFailure logs{host_a, host_b, host_c};

  // A publishes the routes of its uplink's first address; B and C hold them.
  REQUIRE(eventually([&] { return holds(host_b, "B", b, "192.0.2.0/24", "192.0.2.10"); }));
  REQUIRE(eventually([&] { return holds(host_c, "C", c, "192.0.2.0/24", "192.0.2.10"); }));
  CHECK(host_a.port("routes.desired") == desired("192.0.2.0/24", "192.0.2.10"));
  CHECK(host_b.port("cluster.a.routes.desired") == desired("192.0.2.0/24", "192.0.2.10"));
  // Each router host programs its own router only; A's routes for the other router are
  // reported there as not configured, and nothing of them is written.
  CHECK(host_b.port("routes.applied").value_or(json())["C"]["error"] ==
        "router C is not configured (routers: B)");

  // A's uplink is renumbered: both tables hold the new routes and none of the old.
  renumber(a, "192.0.2.10", "198.51.100.10");
  CHECK(eventually([&] { return holds(host_b, "B", b, "198.51.100.0/24", "198.51.100.10"); }));
  CHECK(eventually([&] { return holds(host_c, "C", c, "198.51.100.0/24", "198.51.100.10"); }));

  // B's mirarid dies; A's uplink is renumbered again while it is down (C follows), and B's
  // table still holds what B last programmed.
  host_b.signal(SIGKILL);
  REQUIRE(host_b.wait_exit());
  renumber(a, "198.51.100.10", "192.0.2.20");
  REQUIRE(eventually([&] { return holds(host_c, "C", c, "192.0.2.0/24", "192.0.2.20"); }));
  CHECK(kernel_routes(b) == kernel_lines("198.51.100.0/24", "198.51.100.10", "b-a", 0));

  // Started again, B reads A's latest routes from etcd and ends with exactly them.
  host_b.restart();
  CHECK(eventually([&] { return holds(host_b, "B", b, "192.0.2.0/24", "192.0.2.20"); }));
  CHECK(holds(host_c, "C", c, "192.0.2.0/24", "192.0.2.20"));

  for (Daemon* host : {&host_b, &host_c, &host_a}) {
    host->signal(SIGTERM);
    CHECK(host->wait_exit() == 0);
  }
}

// The firewall the scenarios cut a host off with: while host A is cut off from etcd, its
// lease expires and B sees it vanish; once it is let through again, A is granted a new lease,
// writes its port again and B sees it come back.
TEST_CASE("cluster: a host cut off from etcd by a firewall vanishes, and returns when let through",
          "[cluster]") {
  ClusterNetwork net;
  const NetworkNamespace& a = net.add_host("a");
  const NetworkNamespace& b = net.add_host("b");
  Daemon host_a(
      {.config = cluster_plugin("a", net, "export = [\"routes.desired\"]\n"), .netns = a.name()});
  Daemon host_b(
      {.config = cluster_plugin("b", net, "import = [\"routes.desired\"]\nhosts = [\"a\"]\n"),
       .netns = b.name()});
  const json routes = desired("192.0.2.0/24", "192.0.2.10");
  REQUIRE(host_a.ctl({"set", "routes.desired", routes.dump()}).status == 0);
  REQUIRE(eventually([&] { return host_b.port("cluster.a.routes.desired") == routes; }));

  net.cut("a");
  CHECK(eventually([&] { return host_b.port("cluster.all.routes.desired") == json::object(); }));
  // Dropped, not refused: A's calls end at their deadline.
  CHECK(host_a.log_shows("The socket was closed due to a timeout; trying [2001:db8:ecd::1]:"));

  net.heal("a");
  CHECK(host_a.log_shows("expired; asking for a new one and writing every port again"));
  CHECK(eventually([&] {
    return host_b.port("cluster.all.routes.desired") == json{{"a", routes}};
  }));
}
