// Owners: every node belongs to one; removing an owner removes exactly its nodes, and is
// refused, changing nothing, while another owner depends on one of them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;

std::size_t nodes_of(const Graph& graph, const std::string& owner) {
  const auto nodes = graph.nodes();
  return static_cast<std::size_t>(std::count_if(
      nodes.begin(), nodes.end(), [&](const NodeInfo& info) { return info.owner == owner; }));
}

TEST_CASE("removing an owner takes exactly its nodes out of the graph") {
  Graph graph;
  auto shared = graph.source<int>(1);
  const OwnerId keeper = graph.add_owner("keeper");
  graph.change(keeper, [&] { map(shared.signal(), [](int x) { return x + 1; }); });
  const OwnerId leaver = graph.add_owner("leaver");
  graph.change(leaver, [&] {
    auto own = graph.source<int>(2);
    auto sum = lift(own.signal(), shared.signal(), [](int a, int b) { return a + b; });
    observe(sum, [](int) {});
  });
  const std::size_t before = graph.nodes().size();
  REQUIRE(nodes_of(graph, "leaver") == 3);

  graph.remove_owner(leaver);

  CHECK(graph.nodes().size() == before - 3);
  CHECK(nodes_of(graph, "leaver") == 0);
  CHECK(nodes_of(graph, "keeper") == 1);
}

TEST_CASE("a source of a removed owner refuses writes and drops those still queued") {
  Graph graph;
  const OwnerId plugin = graph.add_owner("plugin");
  Source<int> level;
  EventSource<int> pulses;
  graph.change(plugin, [&] {
    level = graph.source<int>(0);
    pulses = graph.event_source<int>();
  });
  REQUIRE(level.set(1));
  REQUIRE(pulses.emit(1));

  graph.remove_owner(plugin);

  CHECK(graph.idle());
  CHECK_FALSE(level.set(2));
  CHECK_FALSE(pulses.emit(2));
  CHECK(graph.idle());
  CHECK_FALSE(graph.tick().ran());
}

TEST_CASE("an owner another owner depends on directly cannot be removed, and nothing changes") {
  Graph graph;
  const OwnerId provider = graph.add_owner("provider");
  Source<int> value;
  graph.change(provider, [&] {
    value = graph.source<int>(1);
    value.signal().named("provided");
  });
  const OwnerId consumer = graph.add_owner("consumer");
  Signal<int> view;
  graph.change(consumer,
               [&] { view = map(value.signal(), [](int x) { return x + 1; }).named("view"); });
  const std::size_t before = graph.nodes().size();
  const std::uint64_t tick_before = graph.current_tick();

  CHECK_THROWS_AS(graph.remove_owner(provider), GraphError);
  CHECK_THROWS_WITH(graph.remove_owner(provider), Contains("'provider'") && Contains("'view'") &&
                                                      Contains("'consumer'") &&
                                                      Contains("'provided'"));

  CHECK(graph.nodes().size() == before);
  CHECK(graph.current_tick() == tick_before);
  REQUIRE(value.set(5));
  graph.tick();
  CHECK(view.value() == 6);
}

TEST_CASE("the observers of a removed owner run no more effects") {
  Graph graph;
  auto input = graph.source<int>(0);
  const OwnerId plugin = graph.add_owner("plugin");
  std::vector<int> seen;
  graph.change(plugin, [&] { observe(input.signal(), [&](int v) { seen.push_back(v); }); });

  graph.remove_owner(plugin);
  input.set(1);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(result.effects == 0);
  CHECK(seen == std::vector<int>{0});
}

TEST_CASE("the graph's own nodes cannot be removed") {
  Graph graph;
  graph.source<int>(0);
  CHECK_THROWS_AS(graph.remove_owner(kGraphOwner), GraphError);
  CHECK(graph.nodes().size() == 1);
}

TEST_CASE("a released owner's id is given to the next owner, so owners do not pile up") {
  Graph graph;
  auto input = graph.source<int>(0);
  OwnerId first = 0;
  for (int i = 0; i < 1000; ++i) {
    const OwnerId watcher = graph.add_owner("watch " + std::to_string(i));
    if (i == 0) first = watcher;
    CHECK(watcher == first);
    graph.change(watcher, [&] { observe(input.signal(), [](int) {}); });
    graph.remove_owner(watcher);
    graph.release_owner(watcher);
  }
  const OwnerId next = graph.add_owner("last");
  CHECK(next == first);
  CHECK(graph.owner_name(next) == "last");
  CHECK(graph.nodes().size() == 1);
}

TEST_CASE("an owner is released only once none of its nodes is left, between steps") {
  Graph graph;
  auto input = graph.source<int>(0);
  const OwnerId plugin = graph.add_owner("plugin");
  graph.change(plugin, [&] { map(input.signal(), [](int x) { return x; }).named("copy"); });
  CHECK_THROWS_WITH(graph.release_owner(plugin), Contains("'plugin' still owns node 'copy'"));
  CHECK(graph.owner_name(plugin) == "plugin");
  CHECK_THROWS_AS(graph.change(plugin, [&] { graph.release_owner(plugin); }), GraphError);
  CHECK_THROWS_AS(graph.release_owner(kGraphOwner), GraphError);
  graph.remove_owner(plugin);
  graph.release_owner(plugin);
  CHECK(graph.add_owner("next") == plugin);
}

}  // namespace
}  // namespace mirari
