// One tick: propagation in height order, at most one computation per node, cutoff, and the
// synchrony hypothesis (every node reads this tick's values).
#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

TEST_CASE("a diamond's join computes once per tick and never sees old and new values mixed") {
  Graph graph;
  auto a = graph.source<int>(1);
  auto b = map(a.signal(), [](int x) { return x + 1; });
  auto c = map(a.signal(), [](int x) { return x * 10; });
  std::vector<std::pair<int, int>> seen;
  auto d = lift(b, c, [&](int from_b, int from_c) {
             seen.emplace_back(from_b, from_c);
             return from_b + from_c;
           }).named("d");

  for (int v : {2, 3, 4}) {
    a.set(v);
    REQUIRE(graph.tick().committed == 1);
  }

  const std::vector<std::pair<int, int>> consistent{{2, 10}, {3, 20}, {4, 30}, {5, 40}};
  CHECK(seen == consistent);
  CHECK(node_named(graph, "d").recomputes == 3);
  CHECK(d.value() == 45);
}

TEST_CASE("a node whose hundred dependencies all change recomputes once in the tick") {
  Graph graph;
  auto source = graph.source<int>(0);
  std::vector<Signal<int>> spokes;
  for (int i = 0; i < 100; ++i) {
    spokes.push_back(map(source.signal(), [i](int x) { return x + i; }));
  }
  int sink_calls = 0;
  auto sum = lift_all(spokes, [&](Values<int> values) {
               ++sink_calls;
               int total = 0;
               for (int v : values) total += v;
               return total;
             }).named("sum");
  sink_calls = 0;

  source.set(1);
  const TickResult result = graph.tick();

  CHECK(sink_calls == 1);
  CHECK(node_named(graph, "sum").recomputes == 1);
  CHECK(result.recomputed == 101);
  CHECK(sum.value() == 100 + 4950);
}

TEST_CASE("a node whose value does not change does not wake its dependents") {
  Graph graph;
  auto input = graph.source<int>(20);
  auto clamped = map(input.signal(), [](int x) { return std::clamp(x, 0, 10); }).named("clamped");
  int downstream_calls = 0;
  auto doubled = map(clamped, [&](int x) {
                   ++downstream_calls;
                   return 2 * x;
                 }).named("doubled");
  downstream_calls = 0;

  input.set(30);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(result.recomputed == 1);
  CHECK(node_named(graph, "clamped").recomputes == 1);
  CHECK(node_named(graph, "doubled").recomputes == 0);
  CHECK(downstream_calls == 0);
  CHECK(doubled.value() == 20);
}

TEST_CASE("a hold takes the occurrence's value in the tick of the occurrence") {
  Graph graph;
  auto event = graph.event_source<int>();
  auto held = hold(event.event(), 0).named("held");
  // Each occurrence carries what `held` is at that very instant.
  std::vector<int> held_at_occurrence;
  observe(sample(event.event(), held), [&](int v) { held_at_occurrence.push_back(v); });

  event.emit(7);
  const TickResult result = graph.tick();

  CHECK(held.value() == 7);
  CHECK(node_named(graph, "held").changed_tick == result.tick);
  CHECK(held_at_occurrence == std::vector<int>{7});
}

TEST_CASE("a sample sees the value its signal takes in the same tick") {
  Graph graph;
  auto trigger = graph.event_source<int>();
  auto level = graph.source<int>(1);
  std::vector<int> samples;
  observe(sample(trigger.event(), level.signal(), [](int occ, int v) { return occ * 100 + v; }),
          [&](int v) { samples.push_back(v); });

  trigger.emit(1);
  level.set(2);
  REQUIRE(graph.tick().committed == 1);

  CHECK(samples == std::vector<int>{102});
}

TEST_CASE("a bind uses the inner node it selects in the tick of the selection") {
  Graph graph;
  auto use_right = graph.source<bool>(false);
  auto left = graph.source<int>(1);
  auto right = graph.source<int>(2);
  auto chosen =
      bind(use_right.signal(), [&](bool r) { return r ? right.signal() : left.signal(); });
  std::vector<int> seen;
  observe(chosen, [&](int v) { seen.push_back(v); });

  use_right.set(true);
  right.set(20);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(chosen.value() == 20);
  CHECK(seen == std::vector<int>{1, 20});
}

TEST_CASE("an event's occurrence is gone once its tick has ended") {
  Graph graph;
  auto event = graph.event_source<int>();
  auto mapped = map(event.event(), [](int v) { return v + 1; });
  std::vector<int> seen;
  observe(mapped, [&](int v) { seen.push_back(v); });

  event.emit(5);
  REQUIRE(graph.tick().committed == 1);

  CHECK(seen == std::vector<int>{6});
  CHECK_FALSE(event.event().occurring());
  CHECK_FALSE(mapped.occurring());
}

}  // namespace
}  // namespace mirari
