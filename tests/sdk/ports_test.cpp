// Ports: named, typed junctions between plugins. A port outlives its publisher: subscribers
// keep the last value and follow the next publisher in the step that binds it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

// Two declarations of one stable name, as two separately built plugins might hold them.
namespace catalogue {
struct Link {
  int index = 0;
  std::uint32_t mtu = 0;
  std::optional<std::uint32_t> speed_mbps;
  bool operator==(const Link&) const = default;
};
}  // namespace catalogue
namespace guessed {
struct Link {
  int index = 0;
  std::uint32_t mtu = 0;
  std::uint64_t speed_mbps = 0;
  bool operator==(const Link&) const = default;
};
}  // namespace guessed
MIRARI_TYPE(catalogue::Link, "test.link", index, mtu, speed_mbps)
MIRARI_TYPE(guessed::Link, "test.link", index, mtu, speed_mbps)

namespace mirari {
namespace {

using Catch::Matchers::Contains;

PortInfo port_named(const Graph& graph, const std::string& name) {
  for (PortInfo& port : graph.ports()) {
    if (port.name == name) return port;
  }
  FAIL("the graph has no port named '" << name << "'");
  return {};
}

TEST_CASE("a subscriber keeps a port's last value without a publisher and follows the next one") {
  Graph graph;
  const OwnerId first = graph.add_owner("links-v1");
  Source<int> first_links;
  graph.change(first, [&] {
    first_links = graph.source<int>(3);
    graph.publish("net.links", first_links.signal());
  });
  const OwnerId consumer = graph.add_owner("consumer");
  Signal<int> seen;
  graph.change(consumer, [&] {
    seen = map(graph.subscribe<int>("net.links"), [](int n) { return 10 * n; });
  });
  first_links.set(4);
  graph.tick();
  REQUIRE(seen.value() == 40);

  graph.remove_owner(first);

  CHECK(seen.value() == 40);
  CHECK(port_named(graph, "net.links").publisher.empty());

  const OwnerId second = graph.add_owner("links-v2");
  const std::uint64_t tick_before = graph.current_tick();
  graph.change(second, [&] { graph.publish("net.links", graph.source<int>(7).signal()); });

  CHECK(seen.value() == 70);
  CHECK(graph.current_tick() == tick_before + 1);
  CHECK(port_named(graph, "net.links").publisher == "links-v2");
}

TEST_CASE("subscribing with another type fails with a PortError naming the port and both types") {
  Graph graph;
  graph.publish("net.mtu", graph.source<int>(1500).signal());

  CHECK_THROWS_AS(graph.subscribe<std::string>("net.mtu"), PortError);
  CHECK_THROWS_WITH(graph.subscribe<std::string>("net.mtu"),
                    Contains("'net.mtu'") && Contains("int32") && Contains("string"));
}

TEST_CASE("a type of the same name with another layout is refused, naming both owners") {
  Graph graph;
  const OwnerId watcher = graph.add_owner("watcher");
  graph.change(watcher, [&] {
    graph.publish("net.links",
                  graph.source<std::vector<catalogue::Link>>({{2, 1500, 100}}).signal());
  });
  const OwnerId policy = graph.add_owner("policy");
  const std::size_t nodes_before = graph.nodes().size();

  CHECK_THROWS_WITH(graph.change(policy,
                                 [&] {
                                   observe(graph.subscribe<std::vector<guessed::Link>>("net.links"),
                                           [](const std::vector<guessed::Link>&) {});
                                 }),
                    "port 'net.links': 'policy' and 'watcher' declare list<test.link> differently "
                    "(test.link: field 'speed_mbps' of type uint64 vs option<uint32>)");

  CHECK(graph.nodes().size() == nodes_before);
  CHECK(port_named(graph, "net.links").subscribers == 0);
  // The same declaration is welcome.
  graph.change(policy, [&] { graph.subscribe<std::vector<catalogue::Link>>("net.links"); });
  CHECK(graph.subscribe<std::vector<catalogue::Link>>("net.links").value().at(0).speed_mbps ==
        100u);
}

TEST_CASE("a publisher whose type has another layout is refused like a subscriber") {
  Graph graph;
  const OwnerId policy = graph.add_owner("policy");
  graph.change(policy, [&] { graph.subscribe<catalogue::Link>("net.link"); });
  const OwnerId watcher = graph.add_owner("watcher");

  CHECK_THROWS_WITH(
      graph.change(watcher,
                   [&] { graph.publish("net.link", graph.source<guessed::Link>({}).signal()); }),
      "port 'net.link': 'watcher' and 'policy' declare test.link differently (test.link: field "
      "'speed_mbps' of type uint64 vs option<uint32>)");
  CHECK(port_named(graph, "net.link").publisher.empty());
}

TEST_CASE("a subscriber that comes before any publisher holds T{}, then follows the publisher") {
  Graph graph;
  const OwnerId policy = graph.add_owner("policy");
  Signal<std::string> fastest;
  graph.change(policy, [&] {
    fastest = map(graph.subscribe<std::vector<catalogue::Link>>("net.links"),
                  [](const std::vector<catalogue::Link>& links) {
                    return links.empty() ? std::string("none") : std::to_string(links[0].index);
                  });
  });
  std::vector<int> arrivals;
  graph.change(policy, [&] {
    observe(graph.subscribe_events<int>("net.arrivals"), [&](int n) { arrivals.push_back(n); });
  });
  CHECK(fastest.value() == "none");
  CHECK(port_named(graph, "net.links").publisher.empty());

  const OwnerId watcher = graph.add_owner("watcher");
  EventSource<int> feed;
  graph.change(watcher, [&] {
    feed = graph.event_source<int>();
    graph.publish("net.links",
                  graph.source<std::vector<catalogue::Link>>({{7, 1500, {}}}).signal());
    graph.publish("net.arrivals", feed.event());
  });
  feed.emit(7);
  graph.run_until_idle();

  CHECK(fastest.value() == "7");
  CHECK(arrivals == std::vector<int>{7});
}

TEST_CASE("a JSON watch and write of a port nothing publishes yet follow its first publisher") {
  Graph graph;
  const OwnerId policy = graph.add_owner("policy");
  Signal<int> doubled;
  graph.change(policy, [&] {
    doubled = map(graph.subscribe<int>("instances.desired"), [](int n) { return 2 * n; });
  });
  std::vector<std::string> watched;
  graph.watch_port("instances.desired", graph.add_owner("tool"),
                   [&](const std::string& json) { watched.push_back(json); });
  graph.write_port_json("instances.desired", "3");
  graph.run_until_idle();
  CHECK(doubled.value() == 6);

  const OwnerId scaler = graph.add_owner("scaler");
  Source<int> desired;
  graph.change(scaler, [&] {
    desired = graph.source<int>(4);
    graph.publish("instances.desired", desired.signal());
  });
  desired.set(5);
  graph.run_until_idle();

  CHECK(doubled.value() == 10);
  CHECK(watched == std::vector<std::string>{"0", "3", "4", "5"});
  CHECK(port_named(graph, "instances.desired").publisher == "scaler");
}

TEST_CASE("subscribing to a signal port as an event fails with a PortError") {
  Graph graph;
  graph.publish("net.mtu", graph.source<int>(1500).signal());

  CHECK_THROWS_WITH(graph.subscribe_events<int>("net.mtu"),
                    Contains("'net.mtu'") && Contains("signal<int32>") && Contains("event<int32>"));
}

TEST_CASE("publishing a port that already has a live publisher fails with a PortError") {
  Graph graph;
  auto incumbent = graph.source<int>(1);
  graph.publish("load", incumbent.signal());
  const OwnerId rival = graph.add_owner("rival");

  CHECK_THROWS_AS(
      graph.change(rival, [&] { graph.publish("load", graph.source<int>(2).signal()); }),
      PortError);

  incumbent.set(5);
  graph.tick();
  CHECK(graph.subscribe<int>("load").value() == 5);
  CHECK(port_named(graph, "load").publisher == "graph");
}

TEST_CASE("a dependency cycle through ports is refused when built and changes nothing") {
  Graph graph;
  graph.publish("X", map(graph.subscribe<int>("Y"), [](int y) { return y + 1; }));
  auto y = map(graph.subscribe<int>("X"), [](int x) { return x + 1; });
  const std::size_t nodes_before = graph.nodes().size();
  const std::uint64_t tick_before = graph.current_tick();

  CHECK_THROWS_AS(graph.publish("Y", y), CycleError);

  CHECK(graph.nodes().size() == nodes_before);
  CHECK(graph.current_tick() == tick_before);
  CHECK(port_named(graph, "Y").publisher.empty());
  CHECK(port_named(graph, "X").publisher == "graph");
  CHECK(graph.subscribe<int>("X").value() == 1);
  CHECK(y.value() == 2);
}

TEST_CASE("removing the owner of a node published on two ports unbinds both") {
  Graph graph;
  const OwnerId dual = graph.add_owner("dual");
  graph.change(dual, [&] {
    auto value = graph.source<int>(5);
    graph.publish("p", value.signal());
    graph.publish("q", value.signal());
  });
  auto p = graph.subscribe<int>("p");
  auto q = graph.subscribe<int>("q");

  graph.remove_owner(dual);

  CHECK(port_named(graph, "p").publisher.empty());
  CHECK(port_named(graph, "q").publisher.empty());
  CHECK(p.value() == 5);
  CHECK(q.value() == 5);

  graph.change(graph.add_owner("dual-v2"), [&] {
    auto value = graph.source<int>(6);
    graph.publish("p", value.signal());
    graph.publish("q", value.signal());
  });
  CHECK(p.value() == 6);
  CHECK(q.value() == 6);
}

TEST_CASE("a port first subscribed inside a bind outlives the bind's selection") {
  Graph graph;
  auto feed = graph.source<std::string>("a");
  auto followed =
      bind(feed.signal(), [&](const std::string& name) { return graph.subscribe<int>(name); });

  feed.set("b");
  REQUIRE(graph.tick().committed == 1);

  REQUIRE(graph.ports().size() == 2);
  graph.publish("a", graph.source<int>(1).signal());
  graph.publish("b", graph.source<int>(2).signal());
  CHECK(followed.value() == 2);

  feed.set("a");
  REQUIRE(graph.tick().committed == 1);
  CHECK(followed.value() == 1);
  CHECK(graph.ports().size() == 2);
}

TEST_CASE("an event port forwards its publisher's occurrences") {
  Graph graph;
  auto arrivals = graph.event_source<std::string>();
  graph.publish("net.arrivals", arrivals.event());
  std::vector<std::string> seen;
  observe(graph.subscribe_events<std::string>("net.arrivals"),
          [&](const std::string& s) { seen.push_back(s); });

  arrivals.emit("eth0");
  arrivals.emit("eth1");
  graph.run_until_idle();

  CHECK(seen == std::vector<std::string>{"eth0", "eth1"});
}

}  // namespace
}  // namespace mirari
