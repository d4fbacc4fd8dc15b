// The net watcher against a real kernel: links and addresses in a namespace of the test's
// own, changed with `ip`, seen in the links table and as events.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "graph_loop.hpp"
#include "mirari/combinators.hpp"
#include "net_watcher.hpp"
#include "netns.hpp"
#include "rtnetlink/netns.hpp"

using mirari::net::Address;
using mirari::net::Family;
using mirari::net::Link;
using mirari::net::LinkEvent;
using mirari::net::Links;
using mirari::net::NetWatcher;
using mirari::net::OperState;
using mirari::testing::GraphLoop;
using mirari::testing::NetworkNamespace;
using Kind = mirari::net::LinkEvent::Kind;

namespace {

// A watcher of one namespace, its output sources, and what it emitted.
struct Watch {
  Watch(GraphLoop& loop, const std::string& netns, int receive_buffer = 0)
      : watcher(loop.executor(), {netns, receive_buffer, {}}),
        initial(watcher.table()),
        links(loop.graph().source<Links>(watcher.table())),
        events(loop.graph().event_source<std::vector<LinkEvent>>()) {
    mirari::observe(events.event(), [seen = seen](const std::vector<LinkEvent>& batch) {
      seen->insert(seen->end(), batch.begin(), batch.end());
    });
    watcher.follow({loop.graph(), links, events});
  }

  const Link* by_name(const std::string& name) const {
    for (const auto& [index, link] : links.value()) {
      if (link.name == name) return &link;
    }
    return nullptr;
  }
  // The events that concern the link with this index.
  std::vector<LinkEvent> events_of(int index) const {
    std::vector<LinkEvent> of;
    for (const auto& e : *seen) {
      if ((e.old_link ? e.old_link->index : e.new_link->index) == index) of.push_back(e);
    }
    return of;
  }
  // The initial table with every event applied: must be the table itself.
  Links replayed() const {
    Links table = initial;
    for (const auto& e : *seen) {
      if (e.kind == Kind::removed) {
        table = table.erase(e.old_link->index);
      } else {
        table = table.set(e.new_link->index, *e.new_link);
      }
    }
    return table;
  }

  NetWatcher watcher;
  Links initial;
  mirari::Source<Links> links;
  mirari::EventSource<std::vector<LinkEvent>> events;
  std::shared_ptr<std::vector<LinkEvent>> seen = std::make_shared<std::vector<LinkEvent>>();
};

// `ip -j link show dev name`: the kernel's own account, to compare with.
nlohmann::json ip_link(const NetworkNamespace& ns, const std::string& name) {
  return nlohmann::json::parse(ns.ip({"-j", "link", "show", "dev", name})).at(0);
}

}  // namespace

TEST_CASE("a watcher started late begins with the links and addresses that exist") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  ns.ip({"addr", "add", "192.0.2.1/24", "dev", "va"});
  ns.ip({"-6", "addr", "add", "2001:db8::1/64", "dev", "va", "nodad"});
  ns.ip({"link", "set", "va", "mtu", "1400"});
  GraphLoop loop;
  Watch watch(loop, ns.name());

  const Links& table = watch.links.value();
  REQUIRE(table.size() == 3);
  const Link* lo = watch.by_name("lo");
  REQUIRE(lo != nullptr);
  CHECK(lo->kind.empty());
  const Link* va = watch.by_name("va");
  REQUIRE(va != nullptr);
  const nlohmann::json kernel = ip_link(ns, "va");
  CHECK(va->index == kernel.at("ifindex").get<int>());
  CHECK(va->mac == kernel.at("address").get<std::string>());
  CHECK(va->kind == "veth");
  CHECK(va->mtu == 1400);
  CHECK_FALSE(va->up);
  CHECK(va->oper_state == OperState::down);
  CHECK(va->addresses ==
        std::vector<Address>{{Family::ipv4, "192.0.2.1", 24}, {Family::ipv6, "2001:db8::1", 64}});
  CHECK(watch.by_name("vb") != nullptr);
  CHECK(watch.seen->empty());
}

TEST_CASE("a created link is added, with an event") {
  NetworkNamespace ns;
  GraphLoop loop;
  Watch watch(loop, ns.name());
  ns.add_veth("va", "vb");
  REQUIRE(loop.run_until([&] { return watch.by_name("va") && watch.by_name("vb"); }));
  const Link& va = *watch.by_name("va");
  auto events = watch.events_of(va.index);
  REQUIRE_FALSE(events.empty());
  CHECK(events.front().kind == Kind::added);
  CHECK(events.front().new_link->name == "va");
  CHECK(watch.replayed() == watch.links.value());
}

TEST_CASE("a renamed link keeps its index and reports both names") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  const int index = watch.by_name("va")->index;
  ns.ip({"link", "set", "va", "name", "uplink0"});
  REQUIRE(loop.run_until([&] { return watch.by_name("uplink0") != nullptr; }));
  CHECK(watch.by_name("uplink0")->index == index);
  CHECK(watch.by_name("va") == nullptr);
  auto events = watch.events_of(index);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::changed);
  CHECK(events[0].old_link->name == "va");
  CHECK(events[0].new_link->name == "uplink0");
}

TEST_CASE("setting a link up and down shows in its state, carrier and speed") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  ns.ip({"link", "set", "vb", "up"});
  ns.ip({"link", "set", "va", "up"});
  REQUIRE(loop.run_until([&] {
    const Link* va = watch.by_name("va");
    return va->up && va->carrier && va->oper_state == OperState::up;
  }));
  // What the driver reports for a running link with a carrier; a veth says 10 Gb/s.
  CHECK(watch.by_name("va")->speed_mbps == 10000u);

  ns.ip({"link", "set", "va", "down"});
  REQUIRE(loop.run_until([&] { return !watch.by_name("va")->up; }));
  const Link& va = *watch.by_name("va");
  CHECK(va.oper_state == OperState::down);
  CHECK_FALSE(va.speed_mbps);
  // The peer loses its carrier when va goes down.
  REQUIRE(loop.run_until([&] { return !watch.by_name("vb")->carrier; }));
  CHECK(watch.by_name("vb")->oper_state == OperState::lower_layer_down);
  CHECK(watch.replayed() == watch.links.value());
}

TEST_CASE("an MTU change is one changed event with the old and new MTU") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  const int index = watch.by_name("va")->index;
  ns.ip({"link", "set", "va", "mtu", "9000"});
  REQUIRE(loop.run_until([&] { return watch.by_name("va")->mtu == 9000; }));
  auto events = watch.events_of(index);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::changed);
  CHECK(events[0].old_link->mtu == 1500);
  CHECK(events[0].new_link->mtu == 9000);
}

TEST_CASE("adding and removing addresses changes the link's address list") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  const int index = watch.by_name("va")->index;
  const Address v4{Family::ipv4, "198.51.100.7", 24};
  const Address v6{Family::ipv6, "2001:db8:1::7", 64};

  ns.ip({"addr", "add", "198.51.100.7/24", "dev", "va"});
  ns.ip({"-6", "addr", "add", "2001:db8:1::7/64", "dev", "va", "nodad"});
  REQUIRE(loop.run_until([&] { return watch.by_name("va")->addresses.size() == 2; }));
  CHECK(watch.by_name("va")->addresses == std::vector<Address>{v4, v6});

  ns.ip({"addr", "del", "198.51.100.7/24", "dev", "va"});
  REQUIRE(loop.run_until([&] { return watch.by_name("va")->addresses.size() == 1; }));
  CHECK(watch.by_name("va")->addresses == std::vector<Address>{v6});

  auto events = watch.events_of(index);
  REQUIRE(events.size() == 3);
  CHECK(events[0].new_link->addresses == std::vector<Address>{v4});
  CHECK(events[2].old_link->addresses == std::vector<Address>{v4, v6});
  CHECK(events[2].new_link->addresses == std::vector<Address>{v6});
}

TEST_CASE("deleting a veth removes both ends") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  const int a = watch.by_name("va")->index;
  const int b = watch.by_name("vb")->index;
  ns.ip({"link", "del", "va"});
  REQUIRE(loop.run_until([&] { return watch.links.value().size() == 1; }));
  for (int index : {a, b}) {
    auto events = watch.events_of(index);
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().kind == Kind::removed);
    CHECK_FALSE(events.back().new_link);
  }
}

TEST_CASE("a link moved to another namespace leaves the table") {
  NetworkNamespace ns;
  NetworkNamespace elsewhere;
  ns.add_veth("va", "vb");
  GraphLoop loop;
  Watch watch(loop, ns.name());
  const int index = watch.by_name("vb")->index;
  ns.ip({"link", "set", "vb", "netns", elsewhere.name()});
  REQUIRE(loop.run_until([&] { return watch.by_name("vb") == nullptr; }));
  auto events = watch.events_of(index);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::removed);
  CHECK(events[0].old_link->name == "vb");
}

TEST_CASE("after notifications are lost the watcher reads everything again and ends exact") {
  NetworkNamespace ns;
  ns.add_veth("va", "vb");
  ns.add_veth("vc", "vd");
  GraphLoop loop;
  // A buffer a few notifications fill, so the burst below overruns it while nothing reads.
  Watch watch(loop, ns.name(), 4096);
  std::string burst;
  const std::vector<std::string> links{"va", "vb", "vc", "vd"};
  for (int i = 0; i < 5000; ++i) {
    burst += "link set dev " + links[i % 4] + " mtu " + std::to_string(1280 + i % 1000) + "\n";
  }
  burst += "link set dev vd name last0\n";
  ns.ip_batch(burst);

  REQUIRE(loop.run_until([&] { return watch.by_name("last0") != nullptr; }));
  CHECK(watch.watcher.stats().overruns >= 1);
  CHECK(watch.watcher.stats().resyncs >= 1);
  CHECK(watch.by_name("va")->mtu == 1280 + 4996 % 1000);
  CHECK(watch.by_name("vb")->mtu == 1280 + 4997 % 1000);
  CHECK(watch.by_name("vc")->mtu == 1280 + 4998 % 1000);
  CHECK(watch.by_name("last0")->mtu == 1280 + 4999 % 1000);
  // Exactly what a new watcher reads, and what the events add up to.
  NetWatcher fresh(loop.executor(), {ns.name(), 0, {}});
  CHECK(watch.links.value() == fresh.table());
  CHECK(watch.replayed() == watch.links.value());
}

TEST_CASE("a namespace that does not exist is refused with its name") {
  GraphLoop loop;
  CHECK_THROWS_MATCHES(
      NetWatcher(loop.executor(), {"mirari-test-no-such-namespace", 0, {}}),
      mirari::rtnetlink::NetnsError,
      Catch::Message("network namespace 'mirari-test-no-such-namespace' "
                     "(/var/run/netns/mirari-test-no-such-namespace): no such namespace"));
  CHECK_THROWS_AS(NetWatcher(loop.executor(), {"../etc", 0, {}}), mirari::rtnetlink::NetnsError);
}

TEST_CASE("an empty namespace name watches the process's own namespace") {
  GraphLoop loop;
  NetWatcher watcher(loop.executor(), {});
  bool has_loopback = false;
  for (const auto& [index, link] : watcher.table()) has_loopback |= link.name == "lo";
  CHECK(has_loopback);
}
