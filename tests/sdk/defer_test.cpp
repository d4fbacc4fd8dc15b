// defer and fix: an occurrence handed to a later tick through the graph's input queue, after
// its own tick committed, and feedback built on it without an effect of the caller's.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

template <class T>
struct Occurrences {
  explicit Occurrences(Event<T> e) {
    observe(e, [this](const T& v) { values.push_back(v); });
  }
  std::vector<T> values;
};

TEST_CASE("a deferred occurrence lands in the next tick, not in its own") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto later = defer(e.event());
  std::vector<std::pair<std::uint64_t, int>> seen;
  observe(later, [&](int v) { seen.emplace_back(graph.current_tick(), v); });

  e.emit(7);
  const TickResult first = graph.tick();

  CHECK(seen.empty());
  CHECK_FALSE(graph.idle());
  CHECK(first.effects == 0);

  const TickResult second = graph.tick();

  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == std::pair<std::uint64_t, int>{first.tick + 1, 7});
  CHECK(second.inputs == 1);
  CHECK(graph.idle());
}

// Sodium testDefer: the deferred occurrence samples the hold its own occurrence updated.
TEST_CASE("Sodium: a deferred occurrence sees what its tick committed") {
  Graph graph;
  auto e = graph.event_source<char>();
  auto b = hold(e.event(), ' ');
  Occurrences<char> out(sample(defer(e.event()), b));

  for (char c : {'C', 'B', 'A'}) {
    e.emit(c);
    graph.run_until_idle();
  }

  CHECK(out.values == std::vector<char>{'C', 'B', 'A'});
}

TEST_CASE("an occurrence of a rolled-back tick is never deferred") {
  Graph graph;
  auto e = graph.event_source<int>();
  Occurrences<int> later(defer(e.event()));
  observe(map(e.event(),
              [](int v) {
                if (v == 13) throw std::runtime_error("13 is refused");
                return v;
              }),
          [](int) {});

  e.emit(13);
  REQUIRE(graph.tick().rolled_back == 1);
  const TickResult rest = graph.run_until_idle();

  CHECK_FALSE(rest.ran());
  CHECK(later.values.empty());
}

TEST_CASE("fix counts down through its own previous occurrence, one tick per step") {
  Graph graph;
  auto start = graph.event_source<int>();
  std::vector<std::pair<std::uint64_t, int>> seen;
  auto count = fix<int>(graph, [&](Event<int> previous) {
    auto next = filter(map(merge(start.event(), previous), [](int n) { return n - 1; }),
                       [](int n) { return n >= 0; });
    return next;
  });
  observe(count, [&](int v) { seen.emplace_back(graph.current_tick(), v); });
  const std::uint64_t before = graph.current_tick();

  start.emit(3);
  const TickResult result = graph.run_until_idle();

  CHECK(result.committed == 4);
  CHECK(seen == std::vector<std::pair<std::uint64_t, int>>{
                    {before + 1, 2}, {before + 2, 1}, {before + 3, 0}});
  CHECK(graph.idle());
}

// React test_fix: a switch that alternates between two stamps of x through its own previous
// occurrence: c1 stamps C2, c2 stamps C1, and an occurrence Ci switches to ci.
TEST_CASE("React: fix lets a switch follow its own previous choice") {
  Graph graph;
  enum class Side { c1, c2 };
  auto x = graph.event_source<int>();
  auto c1 = [&] { return map(x.event(), [](int) { return Side::c2; }); };
  auto c2 = [&] { return map(x.event(), [](int) { return Side::c1; }); };
  auto l = fix<Side>(graph, [&](Event<Side> result) {
    auto choice = hold(result, Side::c1);
    auto switcher = bind(choice, [&](Side s) { return s == Side::c1 ? c1() : c2(); });
    return switcher;
  });
  Occurrences<Side> out(l);

  for (int v : {1, 2, 3}) {
    x.emit(v);
    graph.run_until_idle();
  }

  CHECK(out.values == std::vector<Side>{Side::c2, Side::c1, Side::c2});
}

TEST_CASE("fix returns what its function returns beside the event it feeds back") {
  Graph graph;
  auto pulses = graph.event_source<int>();
  auto total = fix<int>(graph, [&](Event<int> echo) {
    auto next = filter(merge(pulses.event(), echo), [](int v) { return v > 1; });
    auto halved = map(next, [](int v) { return v / 2; });
    return std::make_pair(
        halved, fold(merge(pulses.event(), echo), 0, [](int sum, int v) { return sum + v; }));
  });

  pulses.emit(8);
  graph.run_until_idle();

  CHECK(total.value() == 8 + 4 + 2 + 1);
}

TEST_CASE("the nodes of a defer leave with their owner, and its queued occurrence is dropped") {
  Graph graph;
  auto e = graph.event_source<int>();
  const OwnerId plugin = graph.add_owner("plugin");
  std::vector<int> seen;
  graph.change(plugin, [&] { observe(defer(e.event()), [&](int v) { seen.push_back(v); }); });
  const std::size_t with_defer = graph.nodes().size();

  e.emit(1);
  graph.tick();
  graph.remove_owner(plugin);
  const TickResult rest = graph.run_until_idle();

  CHECK(graph.nodes().size() == with_defer - 3);
  CHECK_FALSE(rest.ran());
  CHECK(seen.empty());
}

}  // namespace
}  // namespace mirari
