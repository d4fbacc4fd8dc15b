// Seed scenario 2, reconfiguration, end to end: a real mirarid runs the net watcher on host A's
// namespace, the route-propagation policy and the routes reconfigurer. A's uplink a-up0 has
// 192.0.2.10/24, and A serves 203.0.113.128/25 behind it (a-lan0); routers B and C reach A
// over peering links on 203.0.113.0/30 and 203.0.113.4/30. The test changes nothing but A's
// uplink address (192.0.2.10/24 -> 198.51.100.10/24) and breaks what a router runs, and
// checks what mirarictl reads (routes.desired, routes.applied) against the routers' real
// state: FRR's running configuration, the kernel tables of B and C, and a ping from B to A,
// all inside the namespaces.
//
//  - "scenario-reconfiguration": A, B and C run FRR (eBGP A-B and A-C); the routes plugin
//    programs A's FRR (frr backend), whose BGP announces A's prefixes, so B's and C's kernels
//    learn the new network (proto bgp) and forget the old one. Fault: A's bgpd restarted from
//    its startup configuration, which holds the sessions but not the announcements; the
//    routes plugin announces them again and B learns them again.
//  - "scenario-reconfiguration-netlink": A, B and C are bare namespaces; the routes plugin
//    writes B's and C's kernel tables itself (netlink backend, route-propagation's
//    reach = "static"). Fault: B's namespace deleted underneath: routes.applied says so and
//    keeps what B last held; once B is back, its routes are programmed again.
//
// Nothing asserts a duration: eventually() only bounds the waits (BGP's timers are 1 s and
// 3 s here, so a session comes up and a prefix travels within a few seconds).
//
//   ctest --test-dir build -L scenario --output-on-failure
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "daemon.hpp"
#include "frr_router.hpp"
#include "netns.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::connect;
using mirari::testing::FrrDaemon;
using mirari::testing::FrrRouter;
using mirari::testing::Link;
using mirari::testing::NetworkNamespace;
using mirari::testing::run_command;
using nlohmann::json;

namespace {

constexpr const char* kOldAddress = "192.0.2.10";
constexpr const char* kNewAddress = "198.51.100.10";
constexpr const char* kOldNetwork = "192.0.2.0/24";
constexpr const char* kNewNetwork = "198.51.100.0/24";
constexpr const char* kServed = "203.0.113.128/25";
constexpr const char* kServedAddress = "203.0.113.129";

// A's side of the scenario in A's namespace: the uplink, and the network A serves behind it,
// each a veth pair with its peer in A (up, so it has a carrier). The addresses come in a
// second step (address_host): a router's zebra may lose an address that arrives while it has
// not yet taken in the new link, so the FRR case waits for zebra to list the links first.
void add_host_links(const NetworkNamespace& a) {
  a.ip_batch(
      "link add a-up0 type veth peer name up0-peer\n"
      "link set up0-peer up\n"
      "link set a-up0 up\n"
      "link add a-lan0 type veth peer name lan0-peer\n"
      "link set lan0-peer up\n"
      "link set a-lan0 up\n");
}

// The uplink's first address, and the served network's.
void address_host(const NetworkNamespace& a) {
  a.ip_batch(
      "addr add 192.0.2.10/24 dev a-up0\n"
      "addr add 203.0.113.129/25 dev a-lan0\n");
}

// The event of the scenario: A's uplink is renumbered.
void renumber_uplink(const NetworkNamespace& a) {
  a.ip_batch(
      "addr add 198.51.100.10/24 dev a-up0\n"
      "addr del 192.0.2.10/24 dev a-up0\n");
}

bool pings(const std::string& netns, const std::string& address) {
  return run_command({"ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "1", address})
             .exit_code == 0;
}

// The routes of one protocol in a namespace's main table, by prefix: the rest of each line.
std::map<std::string, std::string> routes_of(const NetworkNamespace& ns,
                                             const std::string& protocol) {
  std::map<std::string, std::string> out;
  std::istringstream lines(ns.ip({"-4", "route", "show", "proto", protocol}));
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    out[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
  }
  return out;
}

std::string plugin_config(const std::string& plugins) {
  return std::string(mirari::test::kWatchNothing) + plugins;
}

std::string net_watcher(const std::string& netns) {
  return "\n[plugins.net-watcher]\nfile = \"" MIRARI_NET_WATCHER_SO "\"\nnetns = \"" + netns +
         "\"\n";
}

// route-propagation's host: A's uplinks and the network it serves; the routers follow.
std::string route_propagation(const std::string& router) {
  return "\n[plugins.route-propagation]\nfile = \"" MIRARI_ROUTE_PROPAGATION_SO
         "\"\n"
         "[plugins.route-propagation.host]\n"
         "uplinks = [\"a-up*\"]\n"
         "prefixes = [\"203.0.113.128/25\"]\n"
         "router = \"" +
         router + "\"\n";
}

std::string routes_plugin() {
  return "\n[plugins.routes]\nfile = \"" MIRARI_ROUTES_SO "\"\nverify_ms = 200\n";
}

std::optional<json> applied(const Daemon& daemon, const std::string& router) {
  const auto table = daemon.port("routes.applied");
  if (!table || !table->contains(router)) return std::nullopt;
  return (*table)[router];
}

// Prints mirarid's log when a REQUIRE ends the test.
struct LogOnFailure {
  const Daemon& daemon;
  ~LogOnFailure() {
    if (std::uncaught_exceptions() > 0) std::cerr << "mirarid's log:\n" << daemon.log();
  }
};

// --- Through FRR and BGP ------------------------------------------------------------------

constexpr std::uint32_t kAsA = 64501;
constexpr std::uint32_t kAsB = 64502;
constexpr std::uint32_t kAsC = 64503;

// A's zebra lists these interfaces.
bool zebra_knows(const FrrRouter& router, const std::vector<std::string>& interfaces) {
  const std::string listed = router.vtysh({"show interface brief"});
  return std::all_of(interfaces.begin(), interfaces.end(), [&](const std::string& name) {
    return listed.find("\n" + name + " ") != std::string::npos;
  });
}

// A's zebra holds these networks as connected routes: BGP announces only what its RIB holds.
bool zebra_connects(const FrrRouter& router, const std::vector<std::string>& networks) {
  const std::string rib = router.vtysh({"show ip route connected"});
  return std::all_of(networks.begin(), networks.end(), [&](const std::string& network) {
    return rib.find(network + " is directly connected") != std::string::npos;
  });
}

// A's startup configuration as its operator would keep it: the BGP sessions, not what the
// routes plugin announces. A daemon restarted by hand reads it again (FrrRouter::restart).
void write_startup_config(const FrrRouter& a,
                          const std::vector<std::pair<Link, std::uint32_t>>& peers) {
  std::string text = "frr defaults traditional\nhostname A\n!\nrouter bgp " + std::to_string(kAsA) +
                     "\n bgp router-id " + peers.front().first.a_address +
                     "\n no bgp ebgp-requires-policy\n timers bgp 1 3\n";
  for (const auto& [link, as] : peers) {
    text += " neighbor " + link.b_address + " remote-as " + std::to_string(as) + "\n neighbor " +
            link.b_address + " timers connect 1\n neighbor " + link.b_address +
            " advertisement-interval 0\n";
  }
  mirari::test::write_file("/etc/frr/" + a.pathspace() + "/frr.conf", text + "!\n");
}

// B's or C's kernel holds exactly A's prefixes (announce), learnt over BGP from A at
// next_hop.
bool learnt(const FrrRouter& router, const std::vector<std::string>& prefixes,
            const std::string& next_hop) {
  const auto routes = routes_of(router.ns(), "bgp");
  if (routes.size() != prefixes.size()) return false;
  for (const std::string& p : prefixes) {
    if (!routes.contains(p) || routes.at(p).find("via " + next_hop + " ") == std::string::npos) {
      return false;
    }
  }
  return true;
}

// Waits until router has learnt prefixes from A at next_hop; when it does not, says what A
// and router hold in BGP and in the kernel.
bool learns(const FrrRouter& router, const std::vector<std::string>& prefixes,
            const std::string& next_hop, const FrrRouter& a) {
  if (eventually([&] { return learnt(router, prefixes, next_hop); })) return true;
  for (const FrrRouter* r : {&a, &router}) {
    UNSCOPED_INFO(
        r->hostname() << " holds:\n"
                      << r->vtysh({"show bgp summary", "show bgp ipv4 unicast", "show ip route",
                                   "show interface brief", "show bgp import-check-table detail"})
                      << r->kernel_routes());
  }
  return false;
}

// routes.applied shows A announcing exactly prefixes, without error.
bool announced(const Daemon& daemon, const std::vector<std::string>& prefixes) {
  const auto a = applied(daemon, "A");
  return a && (*a)["error"] == "" && (*a)["held"]["announce"] == json(prefixes) &&
         (*a)["held"]["routes"].empty();
}

// A's FRR carries exactly prefixes in the plugin's network statements.
bool frr_announces(const FrrRouter& a, const std::vector<std::string>& prefixes) {
  const std::string config = a.vtysh({"show running-config"});
  std::size_t statements = 0;
  for (auto at = config.find(" route-map mirari"); at != std::string::npos;
       at = config.find(" route-map mirari", at + 1)) {
    ++statements;
  }
  for (const std::string& p : prefixes) {
    if (config.find("network " + p + " route-map mirari") == std::string::npos) return false;
  }
  return statements == prefixes.size();
}

TEST_CASE("scenario-reconfiguration") {
  FrrRouter a("A"), b("B"), c("C");
  const Link ab = connect(a, "203.0.113.1/30", b, "203.0.113.2/30");
  const Link ac = connect(a, "203.0.113.5/30", c, "203.0.113.6/30");
  add_host_links(a.ns());
  REQUIRE(eventually([&] { return zebra_knows(a, {"a-up0", "a-lan0"}); }));
  address_host(a.ns());
  REQUIRE(eventually([&] { return zebra_connects(a, {kOldNetwork, kServed}); }));
  write_startup_config(a, {{ab, kAsB}, {ac, kAsC}});
  peer_ebgp(a, kAsA, b, kAsB, ab);
  peer_ebgp(a, kAsA, c, kAsC, ac);
  REQUIRE(eventually([&] { return b.bgp_established(ab.a_address); }));
  REQUIRE(eventually([&] { return c.bgp_established(ac.a_address); }));

  Daemon daemon(
      {.config = plugin_config(
           net_watcher(a.netns()) + route_propagation("A") +
           "[[plugins.route-propagation.routers]]\nname = \"B\"\nreach = \"bgp\"\n"
           "[[plugins.route-propagation.routers]]\nname = \"C\"\nreach = \"bgp\"\n" +
           routes_plugin() +
           "[[plugins.routes.routers]]\nname = \"A\"\nbackend = \"frr\"\nnetns = \"" + a.netns() +
           "\"\npathspace = \"" + a.pathspace() + "\"\nasn = " + std::to_string(kAsA) + "\n")});
  const LogOnFailure log_on_failure{daemon};

  // Before: A announces its uplink's network and what it serves; B and C learn both.
  const std::vector<std::string> before{kOldNetwork, kServed};
  REQUIRE(eventually([&] { return announced(daemon, before); }));
  CHECK(daemon.port("routes.desired") ==
        json({{"A", {{"routes", json::array()}, {"announce", before}}}}));
  CHECK(frr_announces(a, before));
  REQUIRE(learns(b, before, ab.a_address, a));
  REQUIRE(learns(c, before, ac.a_address, a));
  CHECK(eventually([&] { return pings(b.netns(), kOldAddress); }));

  // A's uplink is renumbered: the new network is announced, the old one withdrawn, and B and
  // C follow; B reaches A at its new address and still reaches what A serves.
  renumber_uplink(a.ns());
  const std::vector<std::string> after{kNewNetwork, kServed};
  REQUIRE(eventually([&] { return announced(daemon, after); }));
  CHECK(daemon.port("routes.desired") ==
        json({{"A", {{"routes", json::array()}, {"announce", after}}}}));
  CHECK(frr_announces(a, after));
  REQUIRE(learns(b, after, ab.a_address, a));
  REQUIRE(learns(c, after, ac.a_address, a));
  CHECK_FALSE(b.kernel_has_route(kOldNetwork));
  CHECK_FALSE(c.kernel_has_route(kOldNetwork));
  CHECK(eventually([&] { return pings(b.netns(), kNewAddress); }));
  CHECK(eventually([&] { return pings(c.netns(), kNewAddress); }));
  CHECK(eventually([&] { return pings(b.netns(), kServedAddress); }));

  // Fault: A's bgpd restarts from its startup configuration, without the announcements. The
  // routes plugin finds them missing and programs them again; B learns them again.
  const std::int64_t programmed_at = applied(daemon, "A").value()["applied_at"];
  a.restart(FrrDaemon::bgpd);
  REQUIRE(eventually([&] {
    const auto now = applied(daemon, "A");
    return now && (*now)["applied_at"].get<std::int64_t>() > programmed_at;
  }));
  CHECK(eventually([&] { return frr_announces(a, after); }));
  CHECK(eventually([&] { return announced(daemon, after); }));
  REQUIRE(eventually([&] { return a.bgp_established(ab.b_address); }));
  CHECK(learns(b, after, ab.a_address, a));
  CHECK(learns(c, after, ac.a_address, a));
  CHECK(eventually([&] { return pings(b.netns(), kNewAddress); }));
}

// --- Written into B's and C's kernel tables -------------------------------------------------

// Joins a and b with a veth pair: dev_a in a, dev_b in b, both up with their addresses.
void join(const NetworkNamespace& a, const std::string& dev_a, const std::string& cidr_a,
          const NetworkNamespace& b, const std::string& dev_b, const std::string& cidr_b) {
  a.ip({"link", "add", dev_a, "type", "veth", "peer", "name", dev_b, "netns", b.name()});
  a.ip_batch("addr add " + cidr_a + " dev " + dev_a + "\nlink set " + dev_a + " up\n");
  b.ip_batch("addr add " + cidr_b + " dev " + dev_b + "\nlink set " + dev_b + " up\n");
}

// The routes route-propagation gives a static router that reaches A on device at metric.
json static_routes(const std::string& network, const std::string& uplink_address,
                   const std::string& device, int metric) {
  return {
      {"routes",
       {{{"prefix", network}, {"via", ""}, {"device", device}, {"metric", metric}},
        {{"prefix", kServed}, {"via", uplink_address}, {"device", device}, {"metric", metric}}}},
      {"announce", json::array()}};
}

// What `ip route show proto 203` prints for those routes.
std::map<std::string, std::string> kernel_lines(const std::string& uplink_address,
                                                const std::string& network,
                                                const std::string& device, int metric) {
  const std::string at_metric = metric == 0 ? "" : " metric " + std::to_string(metric);
  return {{network, "dev " + device + " scope link" + at_metric + " "},
          {kServed, "via " + uplink_address + " dev " + device + at_metric + " "}};
}

// The router holds those routes, in routes.applied without error and in its kernel table.
bool holds(const Daemon& daemon, const std::string& router, const NetworkNamespace& ns,
           const json& routes, const std::map<std::string, std::string>& kernel) {
  const auto a = applied(daemon, router);
  return a && (*a)["error"] == "" && (*a)["held"] == routes && routes_of(ns, "203") == kernel;
}

TEST_CASE("scenario-reconfiguration-netlink") {
  NetworkNamespace a, b, c;
  add_host_links(a);
  address_host(a);
  join(a, "a-b", "203.0.113.1/30", b, "b-a", "203.0.113.2/30");
  join(a, "a-c", "203.0.113.5/30", c, "c-a", "203.0.113.6/30");

  Daemon daemon({.config = plugin_config(
                     net_watcher(a.name()) + route_propagation("") +
                     "[[plugins.route-propagation.routers]]\nname = \"B\"\nreach = \"static\"\n"
                     "device = \"b-a\"\n"
                     "[[plugins.route-propagation.routers]]\nname = \"C\"\nreach = \"static\"\n"
                     "device = \"c-a\"\nmetric = 20\n" +
                     routes_plugin() +
                     "[[plugins.routes.routers]]\nname = \"B\"\nbackend = \"netlink\"\n"
                     "netns = \"" +
                     b.name() +
                     "\"\n[[plugins.routes.routers]]\nname = \"C\"\nbackend = \"netlink\"\n"
                     "netns = \"" +
                     c.name() + "\"\n")});
  const LogOnFailure log_on_failure{daemon};

  // Before: B and C reach A's uplink network on their link to A, and what A serves via A's
  // uplink address.
  const json b_before = static_routes(kOldNetwork, kOldAddress, "b-a", 0);
  const json c_before = static_routes(kOldNetwork, kOldAddress, "c-a", 20);
  REQUIRE(eventually([&] {
    return holds(daemon, "B", b, b_before, kernel_lines(kOldAddress, kOldNetwork, "b-a", 0));
  }));
  REQUIRE(eventually([&] {
    return holds(daemon, "C", c, c_before, kernel_lines(kOldAddress, kOldNetwork, "c-a", 20));
  }));
  CHECK(daemon.port("routes.desired") == json({{"B", b_before}, {"C", c_before}}));
  CHECK(eventually([&] { return pings(b.name(), kOldAddress); }));
  CHECK(eventually([&] { return pings(b.name(), kServedAddress); }));

  // A's uplink is renumbered: B's and C's tables hold the new routes, and none of the old.
  renumber_uplink(a);
  const json b_after = static_routes(kNewNetwork, kNewAddress, "b-a", 0);
  const json c_after = static_routes(kNewNetwork, kNewAddress, "c-a", 20);
  const auto b_kernel = kernel_lines(kNewAddress, kNewNetwork, "b-a", 0);
  REQUIRE(eventually([&] { return holds(daemon, "B", b, b_after, b_kernel); }));
  REQUIRE(eventually([&] {
    return holds(daemon, "C", c, c_after, kernel_lines(kNewAddress, kNewNetwork, "c-a", 20));
  }));
  CHECK(daemon.port("routes.desired") == json({{"B", b_after}, {"C", c_after}}));
  CHECK(eventually([&] { return pings(b.name(), kNewAddress); }));
  CHECK(eventually([&] { return pings(c.name(), kNewAddress); }));
  CHECK(eventually([&] { return pings(b.name(), kServedAddress); }));

  // Fault: B's namespace is deleted underneath. routes.applied names the error and keeps what
  // B last held; C goes on as before.
  REQUIRE(run_command({"ip", "netns", "del", b.name()}).exit_code == 0);
  const std::string gone = "router B: ";
  const std::string no_namespace =
      "network namespace '" + b.name() + "' (/var/run/netns/" + b.name() + "): no such namespace";
  REQUIRE(eventually([&] {
    const auto now = applied(daemon, "B");
    const std::string error = now ? (*now)["error"].get<std::string>() : "";
    return error.starts_with(gone) && error.find(no_namespace) != std::string::npos;
  }));
  CHECK(applied(daemon, "B").value()["held"] == b_after);
  CHECK(applied(daemon, "C").value()["error"] == "");

  // B comes back (a namespace of the same name, its link to A made again): its routes are
  // programmed again and the error clears.
  REQUIRE(eventually([&] { return a.ip({"link", "show"}).find(" a-b@") == std::string::npos; }));
  REQUIRE(run_command({"ip", "netns", "add", b.name()}).exit_code == 0);
  join(a, "a-b", "203.0.113.1/30", b, "b-a", "203.0.113.2/30");
  REQUIRE(eventually([&] { return holds(daemon, "B", b, b_after, b_kernel); }));
  CHECK(eventually([&] { return pings(b.name(), kNewAddress); }));
}

}  // namespace
