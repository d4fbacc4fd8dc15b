// Demand: a node nothing needs (no observer, port, node with state or needed node depends on
// it, and it has had a dependent) is not recomputed; it is brought up to date, with this
// tick's values, when it is read or needed again; losing and gaining need is undone with a
// rolled-back step.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/collections.hpp"
#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;

TEST_CASE(
    "a node whose only observer is removed is not recomputed, and is current once re-observed") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto doubled = map(input.signal(), [](int x) { return 2 * x; }).named("doubled");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(doubled, [](int) {}); });
  input.set(2);
  graph.tick();
  REQUIRE(node_named(graph, "doubled").recomputes == 1);

  graph.remove_owner(viewer);
  input.set(3);
  const TickResult unobserved = graph.tick();

  CHECK(unobserved.recomputed == 0);
  CHECK(node_named(graph, "doubled").recomputes == 1);
  CHECK_FALSE(node_named(graph, "doubled").needed);

  std::vector<int> seen;
  graph.change(graph.add_owner("viewer-2"),
               [&] { observe(doubled, [&](int v) { seen.push_back(v); }); });
  input.set(4);
  graph.tick();

  CHECK(seen == std::vector<int>{6, 8});
  CHECK(node_named(graph, "doubled").recomputes == 3);
  CHECK(node_named(graph, "doubled").needed);
}

TEST_CASE("a node nothing has depended on yet is kept up to date: its builder reads it") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto result = map(input.signal(), [](int x) { return x + 1; }).named("result");

  input.set(5);
  graph.tick();

  CHECK(node_named(graph, "result").recomputes == 1);
  CHECK(node_named(graph, "result").needed);
  CHECK(result.value() == 6);
}

TEST_CASE("reading a node nothing needs brings it up to date without making it needed") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto first = map(input.signal(), [](int x) { return x + 1; }).named("first");
  auto second = map(first, [](int x) { return x * 10; }).named("second");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(second, [](int) {}); });
  graph.remove_owner(viewer);

  for (int v : {2, 3, 4}) {
    input.set(v);
    graph.tick();
  }

  CHECK(node_named(graph, "first").recomputes == 0);
  CHECK(second.value() == 50);
  CHECK(node_named(graph, "first").recomputes == 1);
  CHECK(node_named(graph, "second").recomputes == 1);
  CHECK(second.value() == 50);
  CHECK(node_named(graph, "second").recomputes == 1);
  CHECK_FALSE(node_named(graph, "second").needed);
  CHECK_FALSE(node_named(graph, "first").needed);
}

TEST_CASE("what only an idle node read goes idle with it, and what another needs does not") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto shared = map(input.signal(), [](int x) { return x + 1; }).named("shared");
  auto private_view = map(shared, [](int x) { return x * 2; }).named("private");
  auto other_view = map(shared, [](int x) { return x * 3; }).named("other");
  const OwnerId one = graph.add_owner("one");
  const OwnerId two = graph.add_owner("two");
  graph.change(one, [&] { observe(private_view, [](int) {}); });
  graph.change(two, [&] { observe(other_view, [](int) {}); });

  graph.remove_owner(one);
  input.set(2);
  const TickResult result = graph.tick();

  CHECK(result.recomputed == 2);
  CHECK(node_named(graph, "shared").needed);
  CHECK(node_named(graph, "other").needed);
  CHECK_FALSE(node_named(graph, "private").needed);
  CHECK(other_view.value() == 9);
  CHECK(graph.stats().idle == 1);
}

TEST_CASE("a node with state of its own stays needed with no observer: it misses nothing") {
  Graph graph;
  auto pulses = graph.event_source<int>();
  auto count = fold(pulses.event(), 0, [](int n, int) { return n + 1; }).named("count");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(count, [](int) {}); });
  graph.remove_owner(viewer);

  for (int i = 0; i < 3; ++i) pulses.emit(i);
  graph.run_until_idle();

  CHECK(node_named(graph, "count").needed);
  CHECK(node_named(graph, "count").recomputes == 3);
  CHECK(count.value() == 3);
}

TEST_CASE("a published node is needed by its port, which updates with no subscriber") {
  Graph graph;
  auto input = graph.source<int>(1);
  graph.change(graph.add_owner("watcher"), [&] {
    graph.publish("view", map(input.signal(), [](int x) { return x * 100; }).named("view"));
  });

  input.set(2);
  graph.tick();

  CHECK(node_named(graph, "view").needed);
  CHECK(node_named(graph, "view").recomputes == 1);
  CHECK(graph.port_json("view") == "200");
}

TEST_CASE("a step that re-observes an idle node and then fails leaves it idle and unchanged") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto doubled = map(input.signal(), [](int x) { return 2 * x; }).named("doubled");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(doubled, [](int) {}); });
  graph.remove_owner(viewer);
  input.set(7);
  graph.tick();
  const std::uint64_t tick_before = graph.current_tick();

  CHECK_THROWS_WITH(graph.change(graph.add_owner("half-built"),
                                 [&] {
                                   observe(doubled, [](int) {});
                                   throw std::runtime_error("bad configuration");
                                 }),
                    "bad configuration");

  CHECK_FALSE(node_named(graph, "doubled").needed);
  CHECK(node_named(graph, "doubled").changed_tick < tick_before);
  CHECK(graph.current_tick() == tick_before);
  input.set(8);
  const TickResult next = graph.tick();
  CHECK(next.recomputed == 0);
  CHECK(doubled.value() == 16);
}

TEST_CASE("a node a bind selects again takes the values of the tick that selects it") {
  Graph graph;
  auto use_a = graph.source<bool>(true);
  auto x = graph.source<int>(1);
  auto a = map(x.signal(), [](int v) { return v + 1000; }).named("a");
  auto b = map(x.signal(), [](int v) { return v + 2000; }).named("b");
  auto chosen = bind(use_a.signal(), [&](bool pick_a) { return pick_a ? a : b; });
  std::vector<int> seen;
  observe(chosen, [&](int v) { seen.push_back(v); });
  // a and b have a dependent (the bind) now, so only the selection keeps one of them needed.
  use_a.set(false);
  graph.tick();
  REQUIRE_FALSE(node_named(graph, "a").needed);

  x.set(2);
  graph.tick();
  use_a.set(true);
  x.set(3);
  graph.tick();

  CHECK(seen == std::vector<int>{1001, 2001, 2002, 1003});
  CHECK(node_named(graph, "a").needed);
  CHECK_FALSE(node_named(graph, "b").needed);
}

TEST_CASE("an idle event a bind selects in the tick it occurs occurs in that tick") {
  Graph graph;
  auto use_a = graph.source<bool>(true);
  auto e = graph.event_source<int>();
  auto a = map(e.event(), [](int v) { return v + 1000; }).named("a");
  auto b = map(e.event(), [](int v) { return v + 2000; }).named("b");
  std::vector<int> seen;
  observe(bind(use_a.signal(), [&](bool pick_a) { return pick_a ? a : b; }),
          [&](int v) { seen.push_back(v); });
  use_a.set(false);
  graph.tick();
  REQUIRE_FALSE(node_named(graph, "a").needed);

  use_a.set(true);
  e.emit(5);
  graph.tick();

  CHECK(seen == std::vector<int>{1005});
}

TEST_CASE("reading an idle node whose computation fails throws its NodeError and changes nothing") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto checked = map(input.signal(), [](int x) {
                   if (x == 13) throw std::runtime_error("13 is not allowed");
                   return x;
                 }).named("checked");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(checked, [](int) {}); });
  graph.remove_owner(viewer);

  input.set(13);
  const TickResult result = graph.tick();
  REQUIRE(result.committed == 1);

  CHECK_THROWS_AS(checked.value(), NodeError);
  CHECK_THROWS_WITH(checked.value(), Contains("'checked'") && Contains("13 is not allowed"));
  input.set(4);
  graph.tick();
  CHECK(checked.value() == 4);
}

TEST_CASE("changes of a node needed again does not replay the ticks in which it was idle") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto doubled = map(input.signal(), [](int x) { return 2 * x; });
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(doubled, [](int) {}); });
  graph.remove_owner(viewer);
  for (int v : {2, 3}) {
    input.set(v);
    graph.tick();
  }

  std::vector<int> seen;
  observe(changes(doubled), [&](int v) { seen.push_back(v); });
  CHECK(seen.empty());
  input.set(4);
  graph.tick();

  CHECK(seen == std::vector<int>{8});
}

TEST_CASE("a table operator made on an idle table starts from the table's current value") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto table = map(input.signal(), [](int n) {
                 Table<int, int>::Builder b;
                 for (int i = 0; i < n; ++i) b.set(i, i * 10);
                 return b.build();
               }).named("table");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(table, [](const Table<int, int>&) {}); });
  graph.remove_owner(viewer);
  input.set(3);
  graph.tick();
  REQUIRE_FALSE(node_named(graph, "table").needed);

  auto doubled = map_values(table, [](int v) { return v * 2; });

  CHECK(doubled.value().size() == 3);
  CHECK(*doubled.value().find(2) == 40);
  CHECK(node_named(graph, "table").needed);
  input.set(4);
  graph.tick();
  CHECK(doubled.value().size() == 4);
}

}  // namespace
}  // namespace mirari
