// The event operators: gate, dismiss, once, drop_once, until, merge_with, merge_fold and scan,
// and their rollback. Cases marked "React" or "Sodium" are those libraries' own test cases
// (React's test/test.ml, Sodium's TestStream.java), ported to ticks: each emit is one tick,
// and a node made inside a bind stands for one React makes during an update step.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

// Every occurrence of an event, in order.
template <class T>
struct Occurrences {
  explicit Occurrences(Event<T> e) {
    observe(e, [this](const T& v) { values.push_back(v); });
  }
  std::vector<T> values;
};

// Emits each value in its own tick.
template <class T>
void emit_each(Graph& graph, const EventSource<T>& source, const std::vector<T>& values) {
  for (const T& v : values) {
    source.emit(v);
    graph.run_until_idle();
  }
}

// The nodes made in the tick in which `at` first becomes true, kept from then on.
template <class F>
void make_once_true(Graph& graph, Signal<bool> at, F make) {
  auto latched = fold(changes(at), false, [](bool seen, bool now) { return seen || now; });
  bind(latched, [&graph, make](bool now) {
    if (now) make();
    return constant(graph, 0);
  });
}

// React test_when (events): w = E.when c e with c = even (hold 0 e), so the gate depends on
// the event it gates, in the same tick.
TEST_CASE("React: gate reads its signal's value of the same tick") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto c = map(hold(e.event(), 0), [](int x) { return x % 2 == 0; });
  Occurrences<int> w(gate(e.event(), c));

  emit_each(graph, e, {1, 3, 1, 2, 4, 4, 6, 1, 3, 4});

  CHECK(w.values == std::vector<int>{2, 4, 4, 6, 4});
}

// Sodium testGate.
TEST_CASE("Sodium: a gate passes occurrences only while its signal is true") {
  Graph graph;
  auto ec = graph.event_source<char>();
  auto pred = graph.source<bool>(true);
  Occurrences<char> out(gate(ec.event(), pred.signal()));

  ec.emit('H');
  graph.run_until_idle();
  pred.set(false);
  graph.run_until_idle();
  ec.emit('O');
  graph.run_until_idle();
  pred.set(true);
  graph.run_until_idle();
  ec.emit('I');
  graph.run_until_idle();

  CHECK(out.values == std::vector<char>{'H', 'I'});
}

TEST_CASE("a gate opening alone does not make it occur") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto open = graph.source<bool>(false);
  auto gated = gate(e.event(), open.signal()).named("gated");
  Occurrences<int> seen(gated);

  open.set(true);
  graph.tick();

  CHECK(seen.values.empty());
  CHECK(node_named(graph, "gated").recomputes == 0);
}

// React test_dismiss: z = E.dismiss y x with y the even occurrences of x.
TEST_CASE("React: dismiss drops the occurrences simultaneous with the other event") {
  Graph graph;
  auto x = graph.event_source<int>();
  auto y = filter(x.event(), [](int v) { return v % 2 == 0; });
  Occurrences<int> z(dismiss(x.event(), y));
  std::vector<int> dz;
  make_once_true(graph, map(hold(x.event(), -1), [](int v) { return v == 2; }),
                 [&] { observe(dismiss(x.event(), y), [&](int v) { dz.push_back(v); }); });

  emit_each(graph, x, {0, 1, 2, 3, 4, 5});

  CHECK(z.values == std::vector<int>{1, 3, 5});
  CHECK(dz == std::vector<int>{3, 5});
}

// React test_once_drop_once, with the dynamic part made at the occurrence 1.
TEST_CASE("React: once takes the first occurrence and drop_once all the others") {
  Graph graph;
  auto w = graph.event_source<int>();
  Occurrences<int> x(once(w.event()));
  Occurrences<int> y(drop_once(w.event()));
  std::vector<int> dx, dy;
  make_once_true(graph, map(hold(w.event(), -1), [](int v) { return v == 1; }), [&] {
    observe(once(w.event()), [&](int v) { dx.push_back(v); });
    observe(drop_once(w.event()), [&](int v) { dy.push_back(v); });
  });

  emit_each(graph, w, {0, 1, 2, 3});

  CHECK(x.values == std::vector<int>{0});
  CHECK(y.values == std::vector<int>{1, 2, 3});
  CHECK(dx == std::vector<int>{1});
  CHECK(dy == std::vector<int>{2, 3});
}

// Sodium testOnce.
TEST_CASE("Sodium: once occurs with the first value only") {
  Graph graph;
  auto e = graph.event_source<char>();
  Occurrences<char> out(once(e.event()));

  emit_each(graph, e, {'A', 'B', 'C'});

  CHECK(out.values == std::vector<char>{'A'});
}

// React test_until: stop is x = 3; de made at 3 stops at once, de' stops at 5.
TEST_CASE("React: until passes occurrences before the stop, not the one at the stop") {
  Graph graph;
  auto x = graph.event_source<int>();
  auto stop = filter(x.event(), [](int v) { return v == 3; });
  Occurrences<int> e(until(x.event(), stop));
  std::vector<int> de, de2;
  make_once_true(graph, map(hold(x.event(), -1), [](int v) { return v == 3; }), [&] {
    observe(until(x.event(), stop), [&](int v) { de.push_back(v); });
    observe(until(x.event(), filter(x.event(), [](int v) { return v == 5; })),
            [&](int v) { de2.push_back(v); });
  });

  emit_each(graph, x, {1, 2, 3, 4, 5});

  CHECK(e.values == std::vector<int>{1, 2});
  CHECK(de.empty());
  CHECK(de2 == std::vector<int>{3, 4});
}

TEST_CASE("until stops for good when its stop event occurs on its own") {
  Graph graph;
  auto x = graph.event_source<int>();
  auto stop = graph.event_source<std::string>();
  Occurrences<int> seen(until(x.event(), stop.event()));

  x.emit(1);
  graph.run_until_idle();
  stop.emit("halt");
  graph.run_until_idle();
  x.emit(2);
  graph.run_until_idle();

  CHECK(seen.values == std::vector<int>{1});
}

// Sodium testMergeSimultaneous, the part that does not need writes combined at the source:
// occurrences of one tick meet in one combined occurrence.
TEST_CASE("merge_with combines the occurrences of one tick left to right") {
  Graph graph;
  auto a = graph.event_source<std::string>();
  auto b = graph.event_source<std::string>();
  auto c = graph.event_source<std::string>();
  Occurrences<std::string> out(
      merge_with([](const std::string& l, const std::string& r) { return l + "+" + r; }, a.event(),
                 b.event(), c.event()));

  c.emit("c1");
  a.emit("a1");
  graph.tick();
  b.emit("b2");
  graph.tick();
  a.emit("a3");
  b.emit("b3");
  c.emit("c3");
  graph.tick();

  CHECK(out.values == std::vector<std::string>{"a1+c1", "b2", "a3+b3+c3"});
}

TEST_CASE("merge_with of an event and a map of it occurs once per tick with both combined") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto tenfold = map(e.event(), [](int v) { return v * 10; });
  Occurrences<int> sums(merge_with([](int l, int r) { return l + r; }, e.event(), tenfold));

  emit_each(graph, e, {1, 2});

  CHECK(sums.values == std::vector<int>{11, 22});
}

// React test_merge: z = E.merge (fun acc v -> v :: acc) [] [w; x; y] with y = succ w; dz made
// at the occurrence 4 of x, over [y; x; w].
TEST_CASE("React: merge_fold folds the occurrences of one tick in list order") {
  Graph graph;
  auto w = graph.event_source<int>();
  auto x = graph.event_source<int>();
  auto y = map(w.event(), [](int v) { return v + 1; });
  const auto cons = [](std::vector<int> acc, int v) {
    acc.insert(acc.begin(), v);
    return acc;
  };
  Occurrences<std::vector<int>> z(
      merge_fold(std::vector<Event<int>>{w.event(), x.event(), y}, std::vector<int>{}, cons));
  std::vector<std::vector<int>> dz;
  make_once_true(graph, map(hold(x.event(), 0), [](int v) { return v == 4; }), [&] {
    observe(merge_fold(std::vector<Event<int>>{y, x.event(), w.event()}, std::vector<int>{}, cons),
            [&](const std::vector<int>& v) { dz.push_back(v); });
  });

  w.emit(1);
  graph.run_until_idle();
  x.emit(4);
  graph.run_until_idle();
  w.emit(2);
  graph.run_until_idle();

  CHECK(z.values == std::vector<std::vector<int>>{{2, 1}, {4}, {3, 2}});
  CHECK(dz == std::vector<std::vector<int>>{{4}, {2, 3}});
}

TEST_CASE("merge_fold over no events is refused") {
  Graph graph;
  CHECK_THROWS_AS(merge_fold(std::vector<Event<int>>{}, 0, [](int a, int b) { return a + b; }),
                  GraphError);
  CHECK(graph.nodes().empty());
}

// React test_fold (events): c = E.fold (+) 0 x; dc made at the occurrence 2.
TEST_CASE("React: scan occurs with each new state, from the tick that makes it") {
  Graph graph;
  auto x = graph.event_source<int>();
  const auto plus = [](int acc, int v) { return acc + v; };
  Occurrences<int> c(scan(x.event(), 0, plus));
  std::vector<int> dc;
  make_once_true(graph, map(hold(x.event(), 0), [](int v) { return v == 2; }),
                 [&] { observe(scan(x.event(), 0, plus), [&](int v) { dc.push_back(v); }); });

  emit_each(graph, x, {1, 2, 3, 4});

  CHECK(c.values == std::vector<int>{1, 3, 6, 10});
  CHECK(dc == std::vector<int>{2, 5, 9});
}

// React test_accum (events): E.accum over an event of functions is scan applying them.
TEST_CASE("React: scan over functions applies each to the state") {
  Graph graph;
  auto f = graph.event_source<int>();  // 0: add 2, 1: subtract from 1, 2: double
  Occurrences<int> a(scan(f.event(), 0, [](int acc, int op) {
    return op == 0 ? acc + 2 : op == 1 ? 1 - acc : acc * 2;
  }));

  emit_each(graph, f, {0, 1, 2});

  CHECK(a.values == std::vector<int>{2, -1, -2});
}

TEST_CASE("scan occurs even when its state does not change") {
  Graph graph;
  auto e = graph.event_source<int>();
  Occurrences<int> seen(scan(e.event(), 5, [](int acc, int v) { return v == 0 ? acc : acc + v; }));

  emit_each(graph, e, {0, 0, 1});

  CHECK(seen.values == std::vector<int>{5, 5, 6});
}

// A checker that refuses the occurrence 13 rolls back the tick of each operator's state.
TEST_CASE("a rolled-back tick leaves once, drop_once, until and scan in their pre-tick state") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto stop = filter(e.event(), [](int v) { return v >= 10; });
  Occurrences<int> first(once(e.event()));
  Occurrences<int> rest(drop_once(e.event()));
  Occurrences<int> before_stop(until(e.event(), stop));
  Occurrences<int> sums(scan(e.event(), 0, [](int acc, int v) { return acc + v; }));
  observe(map(e.event(),
              [](int v) {
                if (v == 13) throw std::runtime_error("13 is refused");
                return v;
              }),
          [](int) {});

  e.emit(13);
  const TickResult failed = graph.tick();
  REQUIRE(failed.rolled_back == 1);
  emit_each(graph, e, {1, 2, 10, 3});

  CHECK(first.values == std::vector<int>{1});
  CHECK(rest.values == std::vector<int>{2, 10, 3});
  CHECK(before_stop.values == std::vector<int>{1, 2});
  CHECK(sums.values == std::vector<int>{1, 3, 13, 16});
}

TEST_CASE("a rolled-back tick in which until stopped leaves it running") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto stop = graph.event_source<int>();
  Occurrences<int> seen(until(e.event(), stop.event()));
  observe(map(stop.event(),
              [](int v) {
                if (v == 13) throw std::runtime_error("13 is refused");
                return v;
              }),
          [](int) {});

  stop.emit(13);
  REQUIRE(graph.tick().rolled_back == 1);
  e.emit(1);
  graph.run_until_idle();

  CHECK(seen.values == std::vector<int>{1});
}

}  // namespace
}  // namespace mirari
