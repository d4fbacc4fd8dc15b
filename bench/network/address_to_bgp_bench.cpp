// Seed scenario 2's path through FRR and BGP, timed: from A's uplink address changing to B's
// kernel holding the new network's route (`proto bgp`) and no longer the old one. Three
// routers A, B and C run FRR (zebra, staticd, bgpd) in namespaces of the benchmark's own
// (tests/support/frr_router.hpp), with eBGP A-B and A-C over 203.0.113.0/30 and
// 203.0.113.4/30. Three stock plugins run in the SDK's harness as mirarid runs them: the net
// watcher following A's namespace, route-propagation (A's uplinks "a-up*", A's router "A",
// B and C reached over BGP) and the routes plugin with the frr backend programming A's FRR.
// A's uplink a-up0 is a veth whose peer stays up in A. Each round renumbers it over rtnetlink
// (the new address added, the old one deleted: 192.0.2.10/24 and 198.51.100.10/24 in turn),
// and waits until B's and C's kernels hold the new network learnt over BGP and have dropped
// the old one. 50 rounds: the p99 is the second-largest sample.
//
// How "B's kernel holds the route" is detected: by B's own rtnetlink notifications
// (route_watch.hpp: a thread blocked on a socket in B's namespace subscribed to its IPv4
// route group), each stamped as it arrives; no table is polled, so no poll interval bounds
// the resolution. After each round `ip -n B route show exact` confirms both routes outside
// the timed part.
//
// BGP's timers are the fixture's: keepalive 1 s, hold 3 s, connect retry 1 s (they bear on
// the sessions coming up and on noticing a dead peer, not on an update over an established
// session) and an advertisement interval of 0 on both sides (FRR 8's default for eBGP is 0 as
// well; with 30 s, RFC 4271's suggestion for eBGP, a round would take up to 30 s). So no BGP
// timer waits on the path: what a round takes is the routes plugin's vtysh calls and FRR's
// own work on A and B.
//
// The baseline, in the same run: the vtysh call that announces the new network, alone (the
// same commands the routes plugin sends, through the same `vtysh -N`; A already holds the
// statement, so it changes nothing).
//
// BM_AddressToBgp counters: total_median_us, total_p99_us (the address change sent → B's
// kernel holding the new route and not the old one), learn_median_us and withdraw_median_us
// (→ the new route in B; → the old one gone from B), c_median_us (the same for C),
// mirari_median_us, mirari_p99_us (→ routes.desired holding the new announcement, committed:
// the kernel's notification, the net watcher, route-propagation's tick; stamped by an
// effect), applied_median_us, applied_p99_us (→ routes.applied showing A's FRR holding it,
// committed), pass_median_us (routes.desired → routes.applied: the routes plugin's pass,
// three vtysh calls: read the running configuration, program, read back), vtysh_median_us
// (the baseline), bgp_median_us (routes.applied committed → B's kernel holding the new route
// and not the old one: A's zebra and bgpd, the UPDATE and WITHDRAW, B's bgpd and zebra; FRR
// starts once the program call returns, so its work overlaps the pass's read back),
// total_x_vtysh (total_median_us / vtysh_median_us). Needs root and FRR.
#include <benchmark/benchmark.h>

#include <linux/rtnetlink.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "change_driver.hpp"
#include "eventually.hpp"
#include "frr_router.hpp"
#include "mirari/combinators.hpp"
#include "mirari/ports/routes.hpp"
#include "mirari/testing.hpp"
#include "net_watcher_plugin.hpp"
#include "route_propagation_plugin.hpp"
#include "route_watch.hpp"
#include "routes_plugin.hpp"
#include "samples.hpp"
#include "vtysh_commands.hpp"

namespace {

using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::bench::RouteWatch;
using mirari::bench::settle_or_throw;
using mirari::ports::routes::RoutesApplied;
using mirari::ports::routes::RoutesDesired;
using mirari::testing::FrrRouter;
using mirari::testing::PluginHarness;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kAsA = 64501;
constexpr std::uint32_t kAsB = 64502;
constexpr std::uint32_t kAsC = 64503;
constexpr std::chrono::seconds kSessionsUp{30};

// A's uplink address in turn: each round moves it from one to the other.
struct Uplink {
  std::array<std::uint8_t, 4> address;
  std::string network;
};
const std::array<Uplink, 2> kUplinks{Uplink{{192, 0, 2, 10}, "192.0.2.0/24"},
                                     Uplink{{198, 51, 100, 10}, "198.51.100.0/24"}};

// A's zebra lists the interface: an address given before may be lost (tests/scenarios).
bool zebra_knows(const FrrRouter& router, const std::string& interface) {
  return router.vtysh({"show interface brief"}).find("\n" + interface + " ") != std::string::npos;
}

bool announces_only(const mirari::ports::routes::RouterRoutes& set, const std::string& network) {
  return set.announce == std::vector<std::string>{network};
}

// The router's kernel holds the new network learnt over BGP, and not the old one.
bool holds(const RouteWatch& watch, const std::string& network, const std::string& old) {
  const auto added = watch.seen(network);
  const auto removed = watch.seen(old);
  return added && added->present && removed && !removed->present;
}

Clock::time_point held_at(const RouteWatch& watch, const std::string& network,
                          const std::string& old) {
  return std::max(watch.seen(network)->at, watch.seen(old)->at);
}

mirari::Config host() {
  return mirari::Config(
      {{"uplinks", std::vector<std::string>{"a-up*"}}, {"router", std::string("A")}});
}

std::vector<mirari::Config> bgp_routers() {
  std::vector<mirari::Config> out;
  for (const char* name : {"B", "C"}) {
    out.emplace_back(
        mirari::Config::Values{{"name", std::string(name)}, {"reach", std::string("bgp")}});
  }
  return out;
}

std::vector<mirari::Config> frr_router(const FrrRouter& a) {
  return {mirari::Config(mirari::Config::Values{{"name", std::string("A")},
                                                {"backend", std::string("frr")},
                                                {"netns", a.netns()},
                                                {"pathspace", a.pathspace()},
                                                {"asn", std::int64_t{kAsA}}})};
}

void run(benchmark::State& state) {
  const auto rounds = static_cast<std::size_t>(state.range(0));
  FrrRouter a("A"), b("B"), c("C");
  const auto ab = mirari::testing::connect(a, "203.0.113.1/30", b, "203.0.113.2/30");
  const auto ac = mirari::testing::connect(a, "203.0.113.5/30", c, "203.0.113.6/30");
  a.ns().ip_batch(
      "link add a-up0 type veth peer name up0-peer\n"
      "link set up0-peer up\n"
      "link set a-up0 up\n");
  if (!mirari::testing::eventually([&] { return zebra_knows(a, "a-up0"); })) {
    throw std::runtime_error("A's zebra did not take in a-up0");
  }
  mirari::bench::ChangeDriver driver(a.netns());
  const int uplink = driver.index_of("a-up0");
  driver.set_address(uplink, kUplinks[0].address, 24, true);
  mirari::testing::peer_ebgp(a, kAsA, b, kAsB, ab);
  mirari::testing::peer_ebgp(a, kAsA, c, kAsC, ac);
  if (!mirari::testing::eventually(
          [&] { return b.bgp_established(ab.a_address) && c.bgp_established(ac.a_address); },
          kSessionsUp)) {
    throw std::runtime_error("A's BGP sessions with B and C did not come up");
  }
  RouteWatch on_b(b.netns(), RTPROT_BGP);
  RouteWatch on_c(c.netns(), RTPROT_BGP);

  // Stamped by effects once the tick that reached them commits; declared before the harness,
  // whose graph holds those effects. network is the round's new network.
  std::string network = kUplinks[0].network;
  std::optional<Clock::time_point> desired_at, applied_at;
  PluginHarness h;
  h.start(std::make_unique<mirari::net::NetWatcherPlugin>(), {{"netns", a.netns()}}, "net-watcher");
  h.start(std::make_unique<mirari::policies::RoutePropagationPlugin>(),
          {{"host", host()}, {"routers", bgp_routers()}}, "route-propagation");
  h.start(std::make_unique<mirari::routes::RoutesPlugin>(),
          {{"verify_ms", std::int64_t{3'600'000}}, {"routers", frr_router(a)}}, "routes");
  mirari::Graph& graph = h.graph();
  graph.change(graph.add_owner("bench"), [&] {
    mirari::observe(graph.subscribe<RoutesDesired>(mirari::ports::routes::kRoutesDesired),
                    [&](const RoutesDesired& desired) {
                      const auto* set = desired.find("A");
                      if (set != nullptr && announces_only(*set, network) && !desired_at) {
                        desired_at = Clock::now();
                      }
                    });
    mirari::observe(graph.subscribe<RoutesApplied>(mirari::ports::routes::kRoutesApplied),
                    [&](const RoutesApplied& applied) {
                      const auto* router = applied.find("A");
                      if (router != nullptr && router->error.empty() &&
                          announces_only(router->held, network) && !applied_at) {
                        applied_at = Clock::now();
                      }
                    });
  });
  if (!h.settle_until(
          [&] { return applied_at && b.kernel_has_route(network) && c.kernel_has_route(network); },
          kSessionsUp)) {
    throw std::runtime_error("B and C did not learn " + network + " from A");
  }

  std::vector<double> total, learn, withdraw, at_c, inside, applied, pass, vtysh;
  for (auto _ : state) {
    for (std::size_t round = 0; round < rounds; ++round) {
      const Uplink& from = kUplinks[round % 2];
      const Uplink& to = kUplinks[(round + 1) % 2];
      network = to.network;
      desired_at.reset();
      applied_at.reset();
      on_b.reset();
      on_c.reset();
      const auto sent = Clock::now();
      driver.set_address(uplink, to.address, 24, true);
      driver.set_address(uplink, from.address, 24, false);
      settle_or_throw(
          h,
          [&] {
            return applied_at && holds(on_b, to.network, from.network) &&
                   holds(on_c, to.network, from.network);
          },
          "B and C did not come to hold " + to.network + " alone");
      const auto b_at = held_at(on_b, to.network, from.network);
      total.push_back(micros(b_at - sent));
      learn.push_back(micros(on_b.seen(to.network)->at - sent));
      withdraw.push_back(micros(on_b.seen(from.network)->at - sent));
      at_c.push_back(micros(held_at(on_c, to.network, from.network) - sent));
      inside.push_back(micros(desired_at.value_or(*applied_at) - sent));
      applied.push_back(micros(*applied_at - sent));
      pass.push_back(micros(*applied_at - desired_at.value_or(*applied_at)));
      if (!b.kernel_has_route(to.network) || b.kernel_has_route(from.network)) {
        throw std::runtime_error("B's notifications and `ip route` disagree on " + to.network);
      }

      // The announcement again, alone: A's FRR already holds it, so it changes nothing.
      mirari::routes::RouteChanges again;
      again.announce = {to.network};
      const auto commands = mirari::routes::vtysh_commands(again, mirari::routes::FrrMarks{}, kAsA);
      const auto start = Clock::now();
      a.vtysh(commands);
      vtysh.push_back(micros(Clock::now() - start));
    }
  }
  if (driver.refusals() != 0) throw std::runtime_error("the kernel refused an address change");
  if (on_b.overflowed() || on_c.overflowed()) {
    throw std::runtime_error("the kernel dropped route notifications");
  }
  state.counters["total_median_us"] = quantile(total, 0.5);
  state.counters["total_p99_us"] = quantile(total, 0.99);
  state.counters["learn_median_us"] = quantile(learn, 0.5);
  state.counters["withdraw_median_us"] = quantile(withdraw, 0.5);
  state.counters["c_median_us"] = quantile(at_c, 0.5);
  state.counters["mirari_median_us"] = quantile(inside, 0.5);
  state.counters["mirari_p99_us"] = quantile(inside, 0.99);
  state.counters["applied_median_us"] = quantile(applied, 0.5);
  state.counters["applied_p99_us"] = quantile(applied, 0.99);
  state.counters["pass_median_us"] = quantile(pass, 0.5);
  state.counters["vtysh_median_us"] = quantile(vtysh, 0.5);
  std::vector<double> bgp;
  for (std::size_t i = 0; i < total.size(); ++i) bgp.push_back(total[i] - applied[i]);
  state.counters["bgp_median_us"] = quantile(bgp, 0.5);
  state.counters["total_x_vtysh"] = quantile(total, 0.5) / quantile(vtysh, 0.5);
}

// A failure is reported as the benchmark's error rather than escaping it, so that the
// routers' destructors run (namespaces, daemons, /etc/frr/NAME and /var/run/frr/NAME removed)
// whatever failed.
void BM_AddressToBgp(benchmark::State& state) {
  mirari::bench::run_or_skip(state, run);
}

}  // namespace

BENCHMARK(BM_AddressToBgp)->Arg(50)->Iterations(1)->Unit(benchmark::kMillisecond);
