// bind and switch_: dependencies that change at run time. The result sits above whatever it
// currently follows, the nodes an earlier selection made are removed, and a branch being
// replaced never computes with the values that replaced it.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;

std::uint32_t height_of_kind(const Graph& graph, const std::string& kind) {
  for (const NodeInfo& info : graph.nodes()) {
    if (info.kind == kind) return info.height;
  }
  FAIL("the graph has no node of kind " << kind);
  return 0;
}

TEST_CASE("a bind toggling between a deep and a direct branch keeps values, heights and size") {
  Graph graph;
  auto use_chain = graph.source<bool>(true);
  auto x = graph.source<int>(0);
  auto direct = graph.source<int>(1000);
  direct.signal().named("direct");
  auto chosen = bind(use_chain.signal(), [&](bool chain) {
                  if (!chain) return direct.signal();
                  Signal<int> s = x.signal();
                  for (int i = 0; i < 5; ++i) s = map(s, [](int v) { return v + 1; });
                  return s.named("chain-end");
                }).named("chosen");
  const std::size_t nodes_with_chain = graph.nodes().size();

  for (int i = 1; i <= 100; ++i) {
    const bool chain = i % 2 == 0;
    use_chain.set(chain);
    x.set(i);
    direct.set(1000 + i);
    REQUIRE(graph.tick().committed == 1);

    CHECK(chosen.value() == (chain ? i + 5 : 1000 + i));
    CHECK(node_named(graph, "chosen").height >
          node_named(graph, chain ? "chain-end" : "direct").height);
    CHECK(graph.nodes().size() == (chain ? nodes_with_chain : nodes_with_chain - 5));
  }
  CHECK(node_named(graph, "chosen").recomputes == 100);
}

TEST_CASE("switch_ follows the signal its signal of signals currently holds") {
  Graph graph;
  auto a = graph.source<int>(1);
  auto b = graph.source<int>(2);
  auto current = graph.source<Signal<int>>(a.signal());
  auto followed = switch_(current.signal()).named("followed");
  CHECK(followed.value() == 1);

  a.set(10);
  graph.tick();
  CHECK(followed.value() == 10);

  current.set(b.signal());
  graph.tick();
  CHECK(followed.value() == 2);

  const std::uint64_t recomputes = node_named(graph, "followed").recomputes;
  a.set(11);
  graph.tick();
  CHECK(followed.value() == 2);
  CHECK(node_named(graph, "followed").recomputes == recomputes);

  b.set(20);
  graph.tick();
  CHECK(followed.value() == 20);
}

TEST_CASE("switch_ over events forwards the occurrences of the event it currently holds") {
  Graph graph;
  auto a = graph.event_source<int>();
  auto b = graph.event_source<int>();
  auto current = graph.source<Event<int>>(a.event());
  std::vector<int> seen;
  observe(switch_(current.signal()), [&](int v) { seen.push_back(v); });

  a.emit(1);
  graph.tick();
  current.set(b.event());
  a.emit(2);
  b.emit(3);
  graph.run_until_idle();

  CHECK(seen == std::vector<int>{1, 3});
}

// The selector and the branch read the same list; the branch is only valid while the list is
// not empty. The tick that empties the list must drop the branch without running it.
TEST_CASE("a branch a bind is leaving never computes with the values that made it obsolete") {
  Graph graph;
  auto items = graph.source<std::vector<int>>({1, 2});
  auto has_items = map(items.signal(), [](const std::vector<int>& v) { return !v.empty(); });
  auto fallback = graph.source<int>(-1);
  auto first = bind(has_items, [&](bool any) {
    if (!any) return fallback.signal();
    return map(items.signal(), [](const std::vector<int>& v) {
      if (v.empty()) throw std::logic_error("front of an empty list");
      return v.front();
    });
  });
  CHECK(first.value() == 1);

  items.set({});
  const TickResult result = graph.tick();

  CHECK(result.rolled_back == 0);
  CHECK(result.errors.empty());
  CHECK(first.value() == -1);
}

TEST_CASE("the nodes a bind creates stay above its selector when the selector gets deeper") {
  Graph graph;
  auto items = graph.source<std::vector<int>>({1, 2});
  const auto not_empty = [](const std::vector<int>& v) { return !v.empty(); };
  const OwnerId shallow = graph.add_owner("probe-v1");
  graph.change(shallow, [&] { graph.publish("has-items", map(items.signal(), not_empty)); });
  auto fallback = graph.source<int>(-1);
  auto first = bind(graph.subscribe<bool>("has-items"), [&](bool any) {
    if (!any) return fallback.signal();
    return map(items.signal(),
               [](const std::vector<int>& v) {
                 if (v.empty()) throw std::logic_error("front of an empty list");
                 return v.front();
               })
        .named("front");
  });
  // The selector is now computed through a longer path.
  graph.remove_owner(shallow);
  graph.change(graph.add_owner("probe-v2"), [&] {
    Signal<std::vector<int>> s = items.signal();
    for (int i = 0; i < 5; ++i) s = map(s, [](const std::vector<int>& v) { return v; });
    graph.publish("has-items", map(s, not_empty));
  });

  CHECK(node_named(graph, "front").height > height_of_kind(graph, "bind-selector"));
  items.set({});
  const TickResult result = graph.tick();
  CHECK(result.rolled_back == 0);
  CHECK(first.value() == -1);
}

TEST_CASE("a bind returning a node made by an earlier run of its function is rolled back") {
  Graph graph;
  auto selector = graph.source<int>(0);
  auto x = graph.source<int>(1);
  Signal<int> kept;
  auto result = bind(selector.signal(), [&](int) {
    if (!kept) kept = map(x.signal(), [](int v) { return v; });
    return kept;
  });

  selector.set(1);
  const TickResult tick = graph.tick();

  CHECK(tick.rolled_back == 1);
  REQUIRE(tick.errors.size() == 1);
  CHECK_THAT(tick.errors[0].what(), Contains("earlier run"));
  CHECK(result.value() == 1);
  CHECK(selector.value() == 0);
}

}  // namespace
}  // namespace mirari
