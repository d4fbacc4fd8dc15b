// Introspection: what nodes(), ports(), stats() and dot() tell about the graph.
#include <catch2/catch.hpp>

#include <regex>
#include <stdexcept>
#include <string>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

// The DOT identifier of the node labelled with name.
std::string dot_id(const std::string& dot, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(dot, match, std::regex("(n[0-9]+) \\[label=\"" + name + "\\\\n"))) {
    FAIL("no node labelled '" << name << "' in\n" << dot);
  }
  return match[1];
}

TEST_CASE("nodes() tells each node's name, owner, kind, type, height, recomputes and last change") {
  Graph graph;
  const OwnerId plugin = graph.add_owner("describer");
  Source<int> input;
  graph.change(plugin, [&] {
    input = graph.source<int>(1);
    input.signal().named("input");
    auto scaled = map(input.signal(), [](int x) { return x * 2; }).named("scaled");
    changes(scaled).named("scaled-changes");
    map(scaled, [](int x) { return std::to_string(x); });
  });
  input.set(2);
  const TickResult result = graph.tick();

  const NodeInfo source = node_named(graph, "input");
  CHECK(source.owner == "describer");
  CHECK(source.kind == "source");
  CHECK(source.type == "int32");
  CHECK_FALSE(source.event);
  CHECK(source.height == 0);
  CHECK(source.recomputes == 0);
  CHECK(source.changed_tick == result.tick);

  const NodeInfo scaled = node_named(graph, "scaled");
  CHECK(scaled.kind == "map");
  CHECK(scaled.height == 1);
  CHECK(scaled.recomputes == 1);
  CHECK(scaled.changed_tick == result.tick);

  const NodeInfo occurrences = node_named(graph, "scaled-changes");
  CHECK(occurrences.kind == "changes");
  CHECK(occurrences.type == "int32");
  CHECK(occurrences.event);
  CHECK(occurrences.height == 2);

  const NodeInfo unnamed = graph.nodes().back();
  CHECK_THAT(unnamed.name, StartsWith("map#"));
  CHECK(unnamed.type == "string");
}

TEST_CASE("nodes() shows 0 as the last change of a node that never changed") {
  Graph graph;
  auto input = graph.source<int>(0);
  map(input.signal(), [](int x) { return x > 100; }).named("over");

  input.set(1);
  graph.tick();

  CHECK(node_named(graph, "over").changed_tick == 0);
}

TEST_CASE("ports() tells each port's type, kind, publisher and number of subscribers") {
  Graph graph;
  const OwnerId net = graph.add_owner("net-watcher");
  graph.change(net, [&] {
    graph.publish("net.mtu", graph.source<int>(1500).signal());
    graph.publish("net.up", graph.event_source<std::string>().event());
  });
  auto mtu = graph.subscribe<int>("net.mtu");
  map(mtu, [](int x) { return x; });
  map(mtu, [](int x) { return x; });
  graph.subscribe<double>("load");

  const auto ports = graph.ports();

  REQUIRE(ports.size() == 3);
  CHECK(ports[0].name == "load");
  CHECK(ports[0].type == "float64");
  CHECK(ports[0].publisher.empty());
  CHECK(ports[0].subscribers == 0);
  CHECK(ports[1].name == "net.mtu");
  CHECK(ports[1].type == "int32");
  CHECK_FALSE(ports[1].event);
  CHECK(ports[1].publisher == "net-watcher");
  CHECK(ports[1].subscribers == 2);
  CHECK(ports[2].name == "net.up");
  CHECK(ports[2].type == "string");
  CHECK(ports[2].event);
}

TEST_CASE("stats() counts ticks, rollbacks, inputs, recomputes, effects and nodes") {
  Graph graph;
  auto input = graph.source<int>(0);
  auto checked = map(input.signal(), [](int x) {
    if (x < 0) throw std::domain_error("negative");
    return x;
  });
  observe(checked, [](int) {});
  const GraphStats before = graph.stats();

  input.set(1);
  graph.tick();
  input.set(-1);
  graph.tick();
  const GraphStats after = graph.stats();

  CHECK(after.ticks == before.ticks + 1);
  CHECK(after.rolled_back == before.rolled_back + 1);
  CHECK(after.inputs == before.inputs + 2);
  CHECK(after.recomputes == before.recomputes + 2);
  CHECK(after.effects == before.effects + 1);
  CHECK(after.effect_errors == 0);
  CHECK(after.nodes == 3);
  CHECK(after.max_height == 2);
}

TEST_CASE("dot() draws named nodes in their owner's cluster, with edges, quiet ones dashed") {
  Graph graph;
  const OwnerId plugin = graph.add_owner("sampler");
  graph.change(plugin, [&] {
    auto level = graph.source<int>(0).signal().named("level");
    auto clock = graph.event_source<int>().event().named("clock");
    map(level, [](int x) { return x + 1; }).named("next-level");
    sample(clock, level).named("reading");
  });

  const std::string dot = graph.dot();

  CHECK_THAT(dot, StartsWith("digraph"));
  CHECK_THAT(dot, Contains("label=\"sampler\""));
  const std::string level = dot_id(dot, "level");
  const std::string clock = dot_id(dot, "clock");
  CHECK_THAT(dot, Contains(level + " -> " + dot_id(dot, "next-level") + ";"));
  const std::string reading = dot_id(dot, "reading");
  CHECK_THAT(dot, Contains(clock + " -> " + reading + ";"));
  CHECK_THAT(dot, Contains(level + " -> " + reading + " [style=dashed];"));
}

}  // namespace
}  // namespace mirari
