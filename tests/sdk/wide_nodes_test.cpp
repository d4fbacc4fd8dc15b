// Wide nodes: a node with many dependents has its list walked in place as the tick goes.
// Every needed dependent is computed once, whatever its kind; a list that grows under the
// walk, or a tick that fails half-way through one, loses and repeats nothing.
#include <catch2/catch.hpp>

#include <functional>
#include <stdexcept>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

TEST_CASE("every needed dependent of a wide node computes once, whatever its kind") {
  Graph graph;
  auto s = graph.source<int>(0);
  auto t = graph.source<int>(100);
  std::vector<int> order;  // the observers' indices, in the order their effects ran
  std::vector<int> seen;
  const auto watch = [&](Signal<int> signal) {
    const int index = static_cast<int>(seen.size());
    seen.push_back(0);
    observe(signal, [&, index](int v) {
      order.push_back(index);
      seen[static_cast<std::size_t>(index)] = v;
    });
  };
  std::vector<int> expected;  // seen's values as a function of s and t, filled below
  std::vector<std::function<int(int, int)>> formula;
  const auto add = [&](Signal<int> signal, std::function<int(int, int)> f) {
    watch(signal);
    formula.push_back(std::move(f));
  };
  for (int i = 0; i < 30; ++i) {
    add(map(s.signal(), [i](int x) { return x + i; }), [i](int x, int) { return x + i; });
  }
  add(s.signal(), [](int x, int) { return x; });  // an observer of the wide node itself
  for (int i = 0; i < 5; ++i) {
    add(lift(s.signal(), t.signal(), [i](int x, int y) { return x * y + i; }),
        [i](int x, int y) { return x * y + i; });
  }
  // A wide dependent of the wide node, and a count of its changes (a fold over changes).
  auto tens = map(s.signal(), [](int x) { return x * 10; });
  for (int i = 0; i < 10; ++i) {
    add(map(tens, [i](int x) { return x - i; }), [i](int x, int) { return x * 10 - i; });
  }
  add(fold(changes(s.signal()), 0, [](int n, int) { return n + 1; }),
      [](int x, int) { return x; });  // ticks s changed in = the value written, below
  // Reads s without being woken by it (sample): must not count as its dependent.
  auto t_changes = changes(t.signal());
  add(hold(sample(t_changes, s.signal()), -1), [](int x, int) { return x; });

  for (int tick = 1; tick <= 20; ++tick) {
    order.clear();
    s.set(tick);
    if (tick % 4 == 0) t.set(100 + tick);
    const TickResult result = graph.tick();
    REQUIRE(result.committed == 1);
    const int t_now = 100 + tick / 4 * 4;
    for (std::size_t k = 0; k < seen.size(); ++k) {
      INFO("observer " << k << " in tick " << tick);
      const bool sampled = k + 1 == seen.size();
      if (sampled) {
        // The sample occurs only in the ticks t changes in, holding s's value then.
        CHECK(seen[k] == (tick >= 4 ? tick / 4 * 4 : -1));
      } else {
        CHECK(seen[k] == formula[k](tick, t_now));
      }
    }
    // Effects run in creation order, each once; the sample's only when t changed.
    std::vector<int> all(seen.size() - (tick % 4 == 0 ? 0 : 1));
    for (std::size_t k = 0; k < all.size(); ++k) all[k] = static_cast<int>(k);
    CHECK(order == all);
  }
}

TEST_CASE("a wide node's list may grow while the tick walks it") {
  Graph graph;
  auto s = graph.source<int>(0);
  std::vector<int> seen(40, 0);
  std::vector<Signal<int>> grown;  // the maps the fifth dependent adds to s, one a tick
  for (int i = 0; i < 40; ++i) {
    auto m = map(s.signal(), [&grown, s_signal = s.signal(), i](int x) {
      // Adding a dependent to s in the middle of s's walk: its list moves to a bigger block
      // every so often (the blocks hold 4, 8, ... entries).
      if (i == 5 && x > 0) grown.push_back(map(s_signal, [](int y) { return -y; }));
      return x + i;
    });
    observe(m, [&seen, i](int v) { seen[static_cast<std::size_t>(i)] = v; });
  }

  for (int tick = 1; tick <= 100; ++tick) {
    s.set(tick);
    const TickResult result = graph.tick();
    REQUIRE(result.committed == 1);
    REQUIRE(grown.size() == static_cast<std::size_t>(tick));
    for (int i = 0; i < 40; ++i) CHECK(seen[static_cast<std::size_t>(i)] == tick + i);
    // Made in this tick, the last one computed with this tick's value; the earlier ones,
    // built upon by nothing, are needed and follow s.
    for (const Signal<int>& g : grown) CHECK(g.value() == -tick);
  }
}

TEST_CASE("a tick that fails half-way through a wide node's list leaves nothing of the walk") {
  Graph graph;
  auto s = graph.source<int>(0);
  std::vector<int> seen(50, 0);
  for (int i = 0; i < 50; ++i) {
    auto m = map(s.signal(), [i](int x) {
      if (i == 20 && x < 0) throw std::runtime_error("negative");
      return x + i;
    });
    observe(m, [&seen, i](int v) { seen[static_cast<std::size_t>(i)] = v; });
  }
  s.set(1);
  REQUIRE(graph.tick().committed == 1);

  s.set(-1);
  const TickResult failed = graph.tick();
  CHECK(failed.rolled_back == 1);
  CHECK(failed.effects == 0);
  for (int i = 0; i < 50; ++i) CHECK(seen[static_cast<std::size_t>(i)] == 1 + i);

  // The next tick walks the list from the start, once: nothing left over from the failure.
  s.set(2);
  const TickResult next = graph.tick();
  REQUIRE(next.committed == 1);
  CHECK(next.recomputed == 50);
  CHECK(next.effects == 50);
  for (int i = 0; i < 50; ++i) CHECK(seen[static_cast<std::size_t>(i)] == 2 + i);
}

}  // namespace
}  // namespace mirari
