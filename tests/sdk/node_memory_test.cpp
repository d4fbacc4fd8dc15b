// Node memory: every node lives in its graph's arena, which names the graph and lists the
// live nodes, whatever their size, also while one of them is still being built.
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Big = std::array<char, 40000>;  // a node holding it is larger than a small block

TEST_CASE("a node larger than a small block is listed, computed and freed with its owner") {
  Graph graph;
  auto input = graph.source<int>(1);
  const OwnerId plugin = graph.add_owner("plugin");
  Signal<Big> big;
  graph.change(plugin, [&] {
    big = map(input.signal(), [](int x) {
            Big b{};
            b[0] = static_cast<char>(x);
            return b;
          }).named("big");
  });
  input.set(7);
  graph.tick();

  CHECK(big.value()[0] == 7);
  CHECK(node_named(graph, "big").recomputes == 1);
  CHECK(graph.stats().node_bytes >= sizeof(Big));
  const std::size_t bytes = graph.stats().node_bytes;

  graph.remove_owner(plugin);

  CHECK(graph.nodes().size() == 1);
  CHECK(graph.stats().node_bytes < bytes);
}

TEST_CASE("nodes of two graphs each find their own graph") {
  Graph first;
  Graph second;
  auto a = first.source<int>(1);
  auto b = second.source<int>(2);
  auto in_first = map(a.signal(), [](int x) { return x + 10; });
  auto in_second = map(b.signal(), [](int x) { return x + 20; });

  CHECK(&in_first.node()->graph() == &first);
  CHECK(&in_second.node()->graph() == &second);
  CHECK(first.nodes().size() == 2);
  CHECK(second.nodes().size() == 2);
}

TEST_CASE("nodes() called while a node computes its first value lists the nodes made before it") {
  Graph graph;
  auto input = graph.source<int>(1).signal().named("input");
  std::vector<std::string> seen;
  map(input, [&](int x) {
    for (const NodeInfo& info : graph.nodes()) seen.push_back(info.name);
    return x;
  });

  CHECK(seen == std::vector<std::string>{"input"});
  CHECK(graph.nodes().size() == 2);
}

TEST_CASE("the memory of removed nodes is reused by the nodes made after them") {
  Graph graph;
  auto input = graph.source<int>(0);
  const auto build = [&] {
    const OwnerId plugin = graph.add_owner("plugin");
    graph.change(plugin, [&] {
      Signal<int> s = input.signal();
      for (int i = 0; i < 1000; ++i) s = map(s, [](int x) { return x + 1; });
      observe(s, [](int) {});
    });
    return plugin;
  };
  graph.remove_owner(build());
  const std::size_t bytes = graph.stats().node_bytes;

  graph.remove_owner(build());

  CHECK(graph.stats().node_bytes == bytes);
  CHECK(graph.nodes().size() == 1);
}

}  // namespace
}  // namespace mirari
