// The net watcher as mirarid runs it, through the SDK's plugin harness: ports, bad
// configuration, a late start, library export, reload.
#include <catch2/catch.hpp>

#include <chrono>

#include "mirari/combinators.hpp"
#include "mirari/testing.hpp"
#include "net_watcher_plugin.hpp"
#include "netns.hpp"

using mirari::ConfigValue;
using mirari::net::Link;
using mirari::net::LinkEvent;
using mirari::net::Links;
using mirari::net::NetWatcherPlugin;
using mirari::testing::NetworkNamespace;
using mirari::testing::PluginHarness;

namespace {

constexpr std::chrono::seconds kDeadline{10};

const Link* by_name(const Links& table, const std::string& name) {
  for (const auto& [index, link] : table) {
    if (link.name == name) return &link;
  }
  return nullptr;
}

std::map<std::string, ConfigValue, std::less<>> watching(const NetworkNamespace& ns) {
  return {{"netns", ns.name()}};
}

}  // namespace

TEST_CASE("the net watcher plugin publishes the links of its namespace and their changes") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  PluginHarness h;
  h.start(std::make_unique<NetWatcherPlugin>(), watching(ns));
  auto events = h.record_each<LinkEvent>("net.link_events");
  REQUIRE(by_name(h.value<Links>("net.links"), "va") != nullptr);

  ns.ip({"link", "set", "va", "mtu", "1400"});
  REQUIRE(h.settle_until([&] { return by_name(h.value<Links>("net.links"), "va")->mtu == 1400; },
                         kDeadline));
  REQUIRE(events->size() == 1);
  CHECK(events->front().kind == LinkEvent::Kind::changed);
  CHECK(h.graph().port_json("net.links").find("\"name\":\"va\"") != std::string::npos);
}

TEST_CASE("a namespace that does not exist fails start and leaves nothing behind") {
  PluginHarness h;
  CHECK_THROWS_WITH(
      h.start(std::make_unique<NetWatcherPlugin>(), {{"netns", std::string("mirari-test-none")}}),
      Catch::Contains("network namespace 'mirari-test-none'") &&
          Catch::Contains("no such namespace"));
  CHECK(h.graph().stats().nodes == 0);
  CHECK(h.graph().ports().empty());
}

TEST_CASE("a receive buffer out of range is refused") {
  PluginHarness h;
  CHECK_THROWS_WITH(
      h.start(std::make_unique<NetWatcherPlugin>(), {{"receive_buffer", std::int64_t{-1}}}),
      "receive_buffer must be between 0 and 2147483647 bytes");
}

TEST_CASE("the plugin library exports the net watcher") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  PluginHarness h;
  h.start_library(MIRARI_NET_WATCHER_SO, watching(ns));
  CHECK(h.value<Links>("net.links").size() == 3);
  h.stop();
  CHECK(h.value<Links>("net.links").size() == 3);  // the port keeps its last value
}

TEST_CASE("a reload keeps subscribers and reports what changed while it was swapped") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  PluginHarness h;
  h.start(std::make_unique<NetWatcherPlugin>(), watching(ns));
  // A subscriber of both ports, owned by another plugin.
  auto mtus = std::make_shared<std::vector<std::uint32_t>>();
  auto events = h.record_each<LinkEvent>("net.link_events");
  h.graph().change(h.graph().add_owner("subscriber"), [&] {
    auto links = h.graph().subscribe<Links>("net.links");
    mirari::observe(mirari::map(links, [](const Links& t) { return by_name(t, "va")->mtu; }),
                    [mtus](std::uint32_t mtu) { mtus->push_back(mtu); });
  });

  // The old instance never reads this change: the new one finds it and says so.
  ns.ip({"link", "set", "va", "mtu", "1400"});
  h.reload(std::make_unique<NetWatcherPlugin>());
  REQUIRE(h.settle_until([&] { return !events->empty(); }, kDeadline));
  REQUIRE(events->size() == 1);
  CHECK(events->front().old_link->mtu == 1500);
  CHECK(events->front().new_link->mtu == 1400);

  ns.ip({"link", "set", "va", "mtu", "1300"});
  REQUIRE(h.settle_until([&] { return mtus->back() == 1300; }, kDeadline));
  CHECK(*mtus == std::vector<std::uint32_t>{1500, 1400, 1300});
  CHECK(events->size() == 2);
}
