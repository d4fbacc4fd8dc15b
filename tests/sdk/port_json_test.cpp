// Ports by name, as tools see them: values as JSON, writes into sources, watches.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

struct Opaque {
  int n = 0;
  bool operator==(const Opaque&) const = default;
};

}  // namespace
}  // namespace mirari

MIRARI_TYPE_NAME(mirari::Opaque, "test.opaque")

namespace mirari {
namespace {

TEST_CASE("a signal port's value reads as JSON") {
  Graph graph;
  auto links = graph.source<std::vector<std::string>>({"eth0", "eth1"});
  graph.publish("net.names", links.signal());
  CHECK(graph.port_json("net.names") == R"(["eth0","eth1"])");
}

TEST_CASE("a JSON write to a port goes through its source and lands in a later tick") {
  Graph graph;
  auto load = graph.source<double>(0.0);
  graph.publish("load.total", load.signal());
  graph.write_port_json("load.total", "0.75");
  CHECK(load.value() == 0.0);
  graph.run_until_idle();
  CHECK(load.value() == 0.75);
}

TEST_CASE("writing a port nothing publishes publishes a stand-in that gives way to a node") {
  Graph graph;
  auto seen = graph.subscribe<int>("instances.desired");
  graph.write_port_json("instances.desired", "3");
  graph.run_until_idle();
  CHECK(seen.value() == 3);
  CHECK(graph.ports().front().publisher == "graph");

  const OwnerId policy = graph.add_owner("policy");
  graph.change(policy, [&] { graph.publish("instances.desired", graph.source<int>(5).signal()); });
  CHECK(seen.value() == 5);
  CHECK(graph.ports().front().publisher == "policy");
}

TEST_CASE("a port published by a derived node cannot be written") {
  Graph graph;
  auto load = graph.source<int>(1);
  graph.publish("twice", map(load.signal(), [](int x) { return 2 * x; }));
  CHECK_THROWS_WITH(graph.write_port_json("twice", "4"),
                    "port 'twice' is published by a node of 'graph', not by a source: it "
                    "cannot be written");
}

TEST_CASE("a value that is not of the port's type is refused and nothing is queued") {
  Graph graph;
  graph.publish("load.total", graph.source<double>(0.0).signal());
  CHECK_THROWS_WITH(graph.write_port_json("load.total", "\"high\""),
                    Catch::StartsWith("'\"high\"' is not a value of port 'load.total' (float64)"));
  CHECK_THROWS_AS(graph.write_port_json("load.total", "{not json"), PortError);
  CHECK(graph.idle());
}

TEST_CASE("unknown ports and types without a JSON form are named in the error") {
  Graph graph;
  graph.subscribe<Opaque>("opaque");
  CHECK_THROWS_WITH(graph.port_json("nope"), "no port 'nope'");
  CHECK_THROWS_WITH(graph.port_json("opaque"),
                    "port 'opaque' carries test.opaque, which has no JSON form");
}

TEST_CASE("a watch sees the current value, then each committed change, until its owner goes") {
  Graph graph;
  auto load = graph.source<int>(1);
  graph.publish("load", load.signal());
  std::vector<std::string> seen;
  const OwnerId watcher = graph.add_owner("watch");
  graph.watch_port("load", watcher, [&](const std::string& json) { seen.push_back(json); });
  load.set(2);
  graph.run_until_idle();
  load.set(2);
  graph.run_until_idle();
  graph.remove_owner(watcher);
  load.set(3);
  graph.run_until_idle();
  CHECK(seen == std::vector<std::string>{"1", "2"});
}

TEST_CASE("a watch on an event port sees each occurrence") {
  Graph graph;
  auto links = graph.event_source<std::string>();
  graph.publish("net.link_events", links.event());
  std::vector<std::string> seen;
  graph.watch_port("net.link_events", graph.add_owner("watch"),
                   [&](const std::string& json) { seen.push_back(json); });
  links.emit("eth0");
  links.emit("eth1");
  graph.run_until_idle();
  CHECK(seen == std::vector<std::string>{R"("eth0")", R"("eth1")"});
}

TEST_CASE("a watch of a table port sees the whole table, then only the keys that changed") {
  Graph graph;
  auto links = graph.source<Table<int, std::string>>({{1, "lo"}, {2, "eth0"}});
  graph.publish("net.names", links.signal());
  std::vector<nlohmann::json> seen;
  graph.watch_port("net.names", graph.add_owner("watch"),
                   [&](const std::string& json) { seen.push_back(nlohmann::json::parse(json)); });
  links.set(links.value().set(3, "eth1").erase(1));
  graph.run_until_idle();
  links.set(links.value().set(2, "uplink"));
  graph.run_until_idle();

  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == nlohmann::json{{"1", "lo"}, {"2", "eth0"}});
  CHECK(seen[1] == nlohmann::json{{"changed", {{"3", "eth1"}}}, {"removed", {"1"}}});
  CHECK(seen[2] ==
        nlohmann::json{{"changed", {{"2", "uplink"}}}, {"removed", nlohmann::json::array()}});
}

TEST_CASE("a table port reads and writes as an object keyed by the key's text") {
  Graph graph;
  auto links = graph.source<Table<int, std::string>>({{2, "eth0"}});
  graph.publish("net.names", links.signal());
  CHECK(nlohmann::json::parse(graph.port_json("net.names")) == nlohmann::json{{"2", "eth0"}});
  graph.write_port_json("net.names", R"({"7": "eth7"})");
  graph.run_until_idle();
  CHECK(links.value() == Table<int, std::string>{{7, "eth7"}});
  CHECK_THROWS_AS(graph.write_port_json("net.names", R"({"x": "eth7"})"), PortError);
}

}  // namespace
}  // namespace mirari
