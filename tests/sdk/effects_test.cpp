// Effects: observers run after commit, in creation order, read only committed values, and
// cannot change the graph; what they write comes back as input in a later tick.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("effects of one tick run in the order their observers were created") {
  Graph graph;
  auto input = graph.source<int>(0);
  auto once = map(input.signal(), [](int x) { return x + 1; });
  auto twice = map(once, [](int x) { return x + 1; });
  auto thrice = map(twice, [](int x) { return x + 1; });
  std::vector<std::string> log;
  observe(thrice, [&](int v) { log.push_back("thrice=" + std::to_string(v)); });
  observe(input.signal(), [&](int v) { log.push_back("input=" + std::to_string(v)); });
  observe(once, [&](int v) { log.push_back("once=" + std::to_string(v)); });
  log.clear();

  input.set(10);
  const TickResult result = graph.tick();

  CHECK(result.effects == 3);
  CHECK(log == std::vector<std::string>{"thrice=13", "input=10", "once=11"});
}

TEST_CASE("effects keep creation order whether they fire in it, in reverse or mixed") {
  Graph graph;
  std::vector<Source<int>> sources;
  for (int i = 0; i < 5; ++i) sources.push_back(graph.source<int>(0));
  std::vector<int> log;
  // Observer k watches source order[k]: which order they fire in depends on the writes.
  const std::vector<int> order{3, 0, 4, 1, 2};
  for (int k = 0; k < 5; ++k) {
    observe(sources[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])].signal(),
            [&log, k](int) { log.push_back(k); });
  }
  const auto write = [&](std::vector<int> which, int value) {
    log.clear();
    graph.batch([&] {
      for (int i : which) sources[static_cast<std::size_t>(i)].set(value);
    });
    graph.tick();
    return log;
  };

  CHECK(write({0, 1, 2, 3, 4}, 1) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(write({4, 3, 2, 1, 0}, 2) == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(write({0, 1}, 3) == std::vector<int>{1, 3});
  CHECK(write({1, 0}, 4) == std::vector<int>{1, 3});
  CHECK(write({2}, 5) == std::vector<int>{4});
  CHECK(write({2, 3}, 6) == std::vector<int>{0, 4});
}

TEST_CASE("an effect sees every signal at its committed value") {
  Graph graph;
  auto x = graph.source<int>(1);
  auto y = map(x.signal(), [](int v) { return 2 * v; });
  // Watches x only, yet reads y: y must already hold the value derived from this x.
  std::vector<std::pair<int, int>> seen;
  observe(x.signal(), [&](int v) { seen.emplace_back(v, y.value()); });

  for (int v : {2, 3}) {
    x.set(v);
    graph.tick();
  }

  const std::vector<std::pair<int, int>> consistent{{1, 2}, {2, 4}, {3, 6}};
  CHECK(seen == consistent);
}

TEST_CASE("an effect that creates a node fails with a GraphError and adds nothing") {
  Graph graph;
  auto input = graph.source<int>(0);
  observe(input.signal(), [&](int v) {
    if (v == 1) map(input.signal(), [](int x) { return x; });
  });
  const std::size_t nodes_before = graph.nodes().size();

  input.set(1);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0].what(), Contains("cannot change the graph's structure"));
  CHECK(graph.nodes().size() == nodes_before);
  CHECK(input.value() == 1);
}

TEST_CASE("an effect that calls change() fails with a GraphError and changes nothing") {
  Graph graph;
  const OwnerId plugin = graph.add_owner("plugin");
  auto input = graph.source<int>(0);
  bool build_ran = false;
  observe(input.signal(), [&](int v) {
    if (v == 1) {
      graph.change(plugin, [&] {
        build_ran = true;
        graph.source<int>(0);
      });
    }
  });
  const std::size_t nodes_before = graph.nodes().size();

  input.set(1);
  const TickResult result = graph.tick();

  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0].what(), Contains("cannot change the graph's structure"));
  CHECK_FALSE(build_ran);
  CHECK(graph.nodes().size() == nodes_before);
}

TEST_CASE("a source written by an effect changes in the next tick, not the current one") {
  Graph graph;
  auto request = graph.source<int>(0);
  auto reply = graph.source<int>(0);
  observe(request.signal(), [&](int v) {
    if (v != 0) reply.set(v * 10);
  });

  request.set(4);
  const TickResult first = graph.tick();

  CHECK(reply.value() == 0);
  CHECK_FALSE(graph.idle());

  const TickResult second = graph.tick();

  CHECK(reply.value() == 40);
  CHECK(second.tick == first.tick + 1);
}

TEST_CASE("a failing effect is reported while its tick stays committed") {
  Graph graph;
  auto input = graph.source<int>(0);
  std::vector<int> later_effects;
  observe(input.signal(), [](int v) {
    if (v == 1) throw std::runtime_error("disk full");
  });
  observe(input.signal(), [&](int v) { later_effects.push_back(v); });

  input.set(1);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(result.rolled_back == 0);
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0].what(), Contains("disk full"));
  CHECK(input.value() == 1);
  CHECK(later_effects == std::vector<int>{0, 1});
  CHECK(graph.stats().effect_errors == 1);
}

TEST_CASE("a tick counts the effects it ran: not an observer removed in it, nor defer's own") {
  Graph graph;
  auto watching = graph.source<bool>(true);
  auto value = graph.source<int>(0);
  auto e = graph.event_source<int>();
  std::vector<int> removed_saw;
  std::vector<int> kept_saw;
  // The observer made by the bind's function goes when watching turns false, in the same tick
  // as value changes: it would fire, but is dropped before effects run.
  auto chosen = bind(watching.signal(), [&](bool on) {
    if (on) observe(value.signal(), [&](int v) { removed_saw.push_back(v); });
    return value.signal();
  });
  observe(chosen, [&](int v) { kept_saw.push_back(v); });
  auto later = defer(e.event());
  observe(later, [](int) {});
  graph.tick();
  REQUIRE(removed_saw == std::vector<int>{0});
  REQUIRE(kept_saw == std::vector<int>{0});

  graph.batch([&] {
    watching.set(false);
    value.set(1);
    e.emit(5);  // defer hands it to the next tick through an effect of its own
  });
  const TickResult result = graph.tick();

  CHECK(removed_saw == std::vector<int>{0});
  CHECK(kept_saw == std::vector<int>{0, 1});
  CHECK(result.effects == 1);
  const std::uint64_t before = graph.stats().effects;
  CHECK(graph.tick().effects == 1);  // the deferred occurrence's observer
  CHECK(graph.stats().effects == before + 1);
}
}  // namespace
}  // namespace mirari
