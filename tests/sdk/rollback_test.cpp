// Rollback: a step in which something throws leaves every value, edge, port binding and the
// node table as they were, runs no effect, and names the failing node and its owner.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;

// A plugin whose "checker" node refuses the input 13.
struct CheckedPlugin {
  explicit CheckedPlugin(Graph& graph) : owner(graph.add_owner("checker-plugin")) {
    graph.change(owner, [&] {
      input = graph.source<int>(1);
      input.signal().named("input");
      doubled = map(input.signal(), [](int x) { return 2 * x; }).named("doubled");
      checked = map(doubled, [](int x) {
                  if (x == 26) throw std::runtime_error("13 is not allowed");
                  return x;
                }).named("checker");
      total =
          fold(changes(input.signal()), 0, [](int sum, int x) { return sum + x; }).named("total");
      observe(checked, [this](int v) { effects.push_back(v); });
    });
    effects.clear();
  }

  OwnerId owner;
  Source<int> input;
  Signal<int> doubled, checked, total;
  std::vector<int> effects;
};

TEST_CASE("a tick in which a node throws leaves every node at its pre-tick value") {
  Graph graph;
  CheckedPlugin plugin(graph);
  plugin.input.set(2);
  graph.tick();
  const std::uint64_t tick_before = graph.current_tick();
  const std::uint64_t doubled_changed = node_named(graph, "doubled").changed_tick;

  plugin.input.set(13);
  const TickResult result = graph.tick();

  CHECK(result.committed == 0);
  CHECK(result.rolled_back == 1);
  CHECK(plugin.input.value() == 2);
  CHECK(plugin.doubled.value() == 4);
  CHECK(plugin.checked.value() == 4);
  CHECK(plugin.total.value() == 2);
  CHECK(graph.current_tick() == tick_before);
  CHECK(node_named(graph, "doubled").changed_tick == doubled_changed);
}

TEST_CASE("no effect runs in a rolled-back tick") {
  Graph graph;
  CheckedPlugin plugin(graph);

  plugin.input.set(13);
  const TickResult result = graph.tick();

  CHECK(result.rolled_back == 1);
  CHECK(result.effects == 0);
  CHECK(plugin.effects.empty());
}

TEST_CASE("a rolled-back tick reports the failing node by name and by owner") {
  Graph graph;
  CheckedPlugin plugin(graph);

  plugin.input.set(13);
  const TickResult result = graph.tick();

  REQUIRE(result.errors.size() == 1);
  const NodeError& error = result.errors[0];
  CHECK(error.node() == "checker");
  CHECK(error.owner() == "checker-plugin");
  CHECK(error.message() == "13 is not allowed");
  CHECK_THAT(error.what(), Contains("'checker'") && Contains("'checker-plugin'") &&
                               Contains("13 is not allowed"));
}

TEST_CASE("the input after a rejected one is taken normally") {
  Graph graph;
  CheckedPlugin plugin(graph);
  plugin.input.set(13);
  graph.tick();

  plugin.input.set(5);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(result.errors.empty());
  CHECK(plugin.checked.value() == 10);
  CHECK(plugin.total.value() == 5);
  CHECK(plugin.effects == std::vector<int>{10});
}

TEST_CASE("inputs taken together with a failing one still commit, each in its own tick") {
  Graph graph;
  CheckedPlugin plugin(graph);
  auto before = graph.source<int>(0);
  auto after = graph.source<int>(0);
  std::vector<std::string> log;
  observe(before.signal(), [&](int v) { log.push_back("before=" + std::to_string(v)); });
  observe(after.signal(), [&](int v) { log.push_back("after=" + std::to_string(v)); });
  log.clear();
  const std::uint64_t tick_before = graph.current_tick();

  before.set(1);
  plugin.input.set(13);
  after.set(3);
  const TickResult result = graph.tick();

  CHECK(result.inputs == 3);
  CHECK(result.committed == 2);
  CHECK(result.rolled_back == 1);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].node() == "checker");
  CHECK(before.value() == 1);
  CHECK(after.value() == 3);
  CHECK(plugin.input.value() == 1);
  CHECK(log == std::vector<std::string>{"before=1", "after=3"});
  CHECK(graph.current_tick() == tick_before + 2);
  CHECK(graph.idle());
}

TEST_CASE("a throwing change() leaves the node table and the ports as they were") {
  Graph graph;
  const OwnerId plugin = graph.add_owner("half-built");
  const std::size_t nodes_before = graph.nodes().size();
  const std::uint64_t tick_before = graph.current_tick();
  bool effect_ran = false;

  CHECK_THROWS_WITH(graph.change(plugin,
                                 [&] {
                                   auto input = graph.source<int>(1);
                                   auto scaled = map(input.signal(), [](int x) { return x * 3; });
                                   graph.publish("scaled", scaled);
                                   auto other = graph.subscribe<int>("elsewhere");
                                   observe(lift(scaled, other, [](int a, int b) { return a + b; }),
                                           [&](int) { effect_ran = true; });
                                   throw std::runtime_error("bad configuration");
                                 }),
                    "bad configuration");

  CHECK(graph.nodes().size() == nodes_before);
  CHECK(graph.ports().empty());
  CHECK(graph.current_tick() == tick_before);
  CHECK_FALSE(effect_ran);
  // The names are free again, for any type.
  graph.publish("scaled", graph.source<std::string>("x").signal());
  CHECK(graph.subscribe<std::string>("scaled").value() == "x");
}

TEST_CASE("a node failing while a change() propagates undoes the step and throws NodeError") {
  Graph graph;
  const OwnerId consumer = graph.add_owner("consumer");
  Signal<int> limit;
  graph.change(consumer, [&] {
    limit = map(graph.subscribe<int>("limit"), [](int x) {
              if (x < 0) throw std::invalid_argument("negative limit");
              return x;
            }).named("limit-check");
  });
  const OwnerId publisher = graph.add_owner("publisher");
  const std::size_t nodes_before = graph.nodes().size();

  try {
    graph.change(publisher, [&] { graph.publish("limit", graph.source<int>(-1).signal()); });
    FAIL("change() should have thrown");
  } catch (const NodeError& error) {
    CHECK(error.node() == "limit-check");
    CHECK(error.owner() == "consumer");
  }

  CHECK(graph.nodes().size() == nodes_before);
  REQUIRE(graph.ports().size() == 1);
  CHECK(graph.ports()[0].publisher.empty());
  CHECK(graph.subscribe<int>("limit").value() == 0);
  CHECK(limit.value() == 0);
}

}  // namespace
}  // namespace mirari
