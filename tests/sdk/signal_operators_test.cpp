// The signal operators: constant, map with its own cutoff, cutoff, diff, filter with an
// initial value, and when. Cases marked "React" are OCaml React's own test cases
// (test/test.ml), ported to ticks: each write is one tick, and a node created inside a bind
// stands for one React creates during an update step.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

// Every value a signal takes: its first one, then one per tick in which it changed.
template <class T>
struct Recorder {
  explicit Recorder(Signal<T> s) {
    observe(s, [this](const T& v) { values.push_back(v); });
  }
  std::vector<T> values;
};

// Every occurrence of an event, in order.
template <class T>
struct Occurrences {
  explicit Occurrences(Event<T> e) {
    observe(e, [this](const T& v) { values.push_back(v); });
  }
  std::vector<T> values;
};

TEST_CASE("a constant keeps its value and is never recomputed") {
  Graph graph;
  auto input = graph.source<int>(1);
  auto offset = constant(graph, 100).named("offset");
  auto sum = lift(input.signal(), offset, [](int a, int b) { return a + b; });

  input.set(2);
  graph.tick();

  CHECK(offset.value() == 100);
  CHECK(sum.value() == 102);
  CHECK(node_named(graph, "offset").kind == "constant");
  CHECK(node_named(graph, "offset").recomputes == 0);
}

TEST_CASE("map with its own cutoff wakes nothing for a value its equality calls the same") {
  Graph graph;
  auto reading = graph.source<double>(1.0);
  const auto within_a_tenth = [](double a, double b) { return std::fabs(a - b) < 0.1; };
  auto level = map(
                   reading.signal(), [](double x) { return x; }, within_a_tenth)
                   .named("level");
  int downstream = 0;
  auto shown = map(level, [&](double x) {
                 ++downstream;
                 return std::to_string(x).substr(0, 4);
               }).named("shown");
  Recorder<double> seen(level);
  downstream = 0;

  for (double v : {1.05, 1.2, 1.25, 0.5}) {
    reading.set(v);
    graph.tick();
  }

  CHECK(seen.values == std::vector<double>{1.0, 1.2, 0.5});
  CHECK(node_named(graph, "level").recomputes == 4);
  CHECK(node_named(graph, "shown").recomputes == 2);
  CHECK(downstream == 2);
  CHECK(shown.value() == "0.50");
}

TEST_CASE("cutoff compares with the last value it took, so a slow drift shows once it adds up") {
  Graph graph;
  auto reading = graph.source<double>(0.0);
  auto coarse = cutoff(reading.signal(), [](double a, double b) {
                  return std::fabs(a - b) < 1.0;
                }).named("coarse");
  Recorder<double> seen(coarse);

  for (double v : {0.4, 0.8, 1.2, 1.6, 2.0, 2.3}) {
    reading.set(v);
    graph.tick();
  }

  CHECK(seen.values == std::vector<double>{0.0, 1.2, 2.3});
  CHECK(node_named(graph, "coarse").kind == "cutoff");
}

struct Record {
  int key;
  std::string note;
};

TEST_CASE("cutoff gives a type without operator== a cutoff on the field that matters") {
  Graph graph;
  auto input = graph.source<Record>(Record{1, "first"});
  auto by_key =
      cutoff(input.signal(), [](const Record& a, const Record& b) { return a.key == b.key; });
  std::vector<std::string> seen;
  observe(by_key, [&](const Record& r) { seen.push_back(r.note); });

  input.set(Record{1, "same key"});
  graph.tick();
  input.set(Record{2, "new key"});
  graph.tick();

  CHECK(seen == std::vector<std::string>{"first", "new key"});
}

TEST_CASE("diff occurs with the values before and after each change, and not otherwise") {
  Graph graph;
  auto input = graph.source<int>(1);
  Occurrences<Diff<int>> seen(diff(input.signal()));
  Occurrences<int> deltas(
      diff(input.signal(), [](int before, int after) { return after - before; }));

  for (int v : {1, 4, 4, 2}) {
    input.set(v);
    graph.tick();
  }

  CHECK(seen.values == std::vector<Diff<int>>{{1, 4}, {4, 2}});
  CHECK(deltas.values == std::vector<int>{3, -2});
}

// React test_diff_changes (signals): s = hold 1 e; d = diff (-) s; c = changes s; dd and dc
// are made in the update in which s becomes 3. React starts them after that update (dd = [1],
// dc = [4]); in Mirari a node made in a tick sees that tick's changes, as changes() always did.
TEST_CASE("React: diff and changes of a hold, also when made in the tick of a change") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto s = hold(e.event(), 1);
  Occurrences<int> d(diff(s, [](int before, int after) { return after - before; }));
  Occurrences<int> c(changes(s));
  std::vector<int> dd, dc;
  auto reached_3 = fold(changes(s), false, [](bool seen, int v) { return seen || v == 3; });
  bind(reached_3, [&](bool make) {
    if (make) {
      observe(diff(s, [](int before, int after) { return after - before; }),
              [&](int v) { dd.push_back(v); });
      observe(changes(s), [&](int v) { dc.push_back(v); });
    }
    return constant(graph, 0);
  });

  for (int v : {1, 1, 3, 3, 4, 4}) {
    e.emit(v);
    graph.run_until_idle();
  }

  CHECK(d.values == std::vector<int>{2, 1});
  CHECK(c.values == std::vector<int>{3, 4});
  CHECK(dd == std::vector<int>{2, 1});
  CHECK(dc == std::vector<int>{3, 4});
}

// React test_map_filter_fmap: S.filter even 56 x and S.filter odd 56 x.
TEST_CASE("React: a filtered signal starts at its initial value when the first one is refused") {
  Graph graph;
  auto x = graph.source<int>(1);
  const auto even = [](int v) { return v % 2 == 0; };
  const auto odd = [](int v) { return v % 2 != 0; };
  Recorder<int> fe(filter(x.signal(), even, 56));
  Recorder<int> fo(filter(x.signal(), odd, 56));

  for (int v : {1, 2, 3, 4, 4, 5, 5}) {
    x.set(v);
    graph.tick();
  }

  CHECK(fe.values == std::vector<int>{56, 2, 4});
  CHECK(fo.values == std::vector<int>{1, 3, 5});
}

TEST_CASE(
    "a filtered signal keeps its last kept value and does not wake its dependents meanwhile") {
  Graph graph;
  auto x = graph.source<int>(2);
  auto evens = filter(
                   x.signal(), [](int v) { return v % 2 == 0; }, -1)
                   .named("evens");
  auto doubled = map(evens, [](int v) { return v * 2; }).named("doubled");

  for (int v : {3, 5, 7}) {
    x.set(v);
    graph.tick();
  }

  CHECK(evens.value() == 2);
  CHECK(doubled.value() == 4);
  CHECK(node_named(graph, "evens").recomputes == 3);
  CHECK(node_named(graph, "doubled").recomputes == 0);
}

// React test_when (signals): S.when_ ce 42 s and S.when_ co 56 s, ce and co derived from s.
TEST_CASE("React: when follows its signal while the gate is open, in the same tick") {
  Graph graph;
  auto s = graph.source<int>(0);
  auto ce = map(s.signal(), [](int x) { return x % 2 == 0; });
  auto co = map(s.signal(), [](int x) { return x % 2 != 0; });
  Recorder<int> se(when(ce, s.signal(), 42));
  Recorder<int> so(when(co, s.signal(), 56));

  for (int v : {1, 3, 1, 2, 4, 4, 6, 1, 3, 4}) {
    s.set(v);
    graph.tick();
  }

  CHECK(se.values == std::vector<int>{0, 2, 4, 6, 4});
  CHECK(so.values == std::vector<int>{56, 1, 3, 1, 3});
}

TEST_CASE("when takes its signal's current value in the tick the gate opens") {
  Graph graph;
  auto open = graph.source<bool>(false);
  auto level = graph.source<int>(1);
  Recorder<int> seen(when(open.signal(), level.signal()));

  level.set(2);
  graph.tick();
  level.set(3);
  graph.tick();
  open.set(true);
  graph.tick();
  level.set(4);
  graph.tick();

  CHECK(seen.values == std::vector<int>{1, 3, 4});
}

}  // namespace
}  // namespace mirari
