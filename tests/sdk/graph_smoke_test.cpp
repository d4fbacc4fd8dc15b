#include <catch2/catch.hpp>

#include "mirari/mirari.hpp"

TEST_CASE("a map follows its source after a tick") {
  mirari::Graph graph;
  auto source = graph.source<int>(1);
  auto doubled = mirari::map(source.signal(), [](int x) { return 2 * x; });
  source.set(21);
  graph.run_until_idle();
  CHECK(doubled.value() == 42);
}
