// The combinators, one behaviour each: lift, lift_all, map and filter on events, merge, fold,
// hold, changes and sample.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

TEST_CASE("lift computes from several signals and follows each of them") {
  Graph graph;
  auto a = graph.source<int>(1);
  auto b = graph.source<int>(2);
  auto c = graph.source<std::string>("x");
  auto joined = lift(a.signal(), b.signal(), c.signal(),
                     [](int x, int y, const std::string& s) { return s + std::to_string(x + y); });
  CHECK(joined.value() == "x3");

  b.set(5);
  graph.tick();
  CHECK(joined.value() == "x6");

  c.set("y");
  graph.tick();
  CHECK(joined.value() == "y6");
}

TEST_CASE("lift_all over no signals is refused") {
  Graph graph;
  CHECK_THROWS_AS(lift_all(std::vector<Signal<int>>{}, [](Values<int> v) { return v.size(); }),
                  GraphError);
}

TEST_CASE("map on an event transforms each occurrence") {
  Graph graph;
  auto event = graph.event_source<int>();
  std::vector<std::string> seen;
  observe(map(event.event(), [](int v) { return "#" + std::to_string(v); }),
          [&](const std::string& s) { seen.push_back(s); });

  event.emit(1);
  event.emit(2);
  graph.run_until_idle();

  CHECK(seen == std::vector<std::string>{"#1", "#2"});
}

TEST_CASE("filter keeps only the occurrences its predicate accepts") {
  Graph graph;
  auto event = graph.event_source<int>();
  std::vector<int> seen;
  observe(filter(event.event(), [](int v) { return v % 2 == 0; }),
          [&](int v) { seen.push_back(v); });

  for (int v = 1; v <= 6; ++v) event.emit(v);
  graph.run_until_idle();

  CHECK(seen == std::vector<int>{2, 4, 6});
}

TEST_CASE("merge of simultaneous occurrences takes the leftmost event") {
  Graph graph;
  auto left = graph.event_source<int>();
  auto right = graph.event_source<int>();
  std::vector<int> seen;
  observe(merge(left.event(), right.event()), [&](int v) { seen.push_back(v); });

  right.emit(2);
  left.emit(1);
  graph.tick();
  right.emit(3);
  graph.tick();

  CHECK(seen == std::vector<int>{1, 3});
}

TEST_CASE("fold accumulates occurrences starting from its initial value") {
  Graph graph;
  auto event = graph.event_source<int>();
  auto sum = fold(event.event(), 100, [](int acc, int v) { return acc + v; });
  CHECK(sum.value() == 100);

  for (int v : {1, 2, 3}) event.emit(v);
  graph.run_until_idle();

  CHECK(sum.value() == 106);
}

TEST_CASE("hold keeps its initial value until the first occurrence") {
  Graph graph;
  auto event = graph.event_source<int>();
  auto other = graph.source<int>(0);
  auto held = hold(event.event(), -1);

  other.set(1);
  graph.tick();
  CHECK(held.value() == -1);

  event.emit(4);
  graph.tick();
  CHECK(held.value() == 4);
}

TEST_CASE("changes occurs only in the ticks in which its signal's value changed") {
  Graph graph;
  auto input = graph.source<int>(0);
  auto parity = map(input.signal(), [](int x) { return x % 2; });
  std::vector<int> seen;
  observe(changes(parity), [&](int v) { seen.push_back(v); });

  for (int v : {1, 3, 5, 6, 8}) {
    input.set(v);
    graph.tick();
  }

  CHECK(seen == std::vector<int>{1, 0});
}

TEST_CASE("a sample does not occur when only its signal changes") {
  Graph graph;
  auto trigger = graph.event_source<int>();
  auto level = graph.source<int>(0);
  std::vector<int> seen;
  observe(sample(trigger.event(), level.signal()), [&](int v) { seen.push_back(v); });

  level.set(1);
  graph.tick();
  level.set(2);
  graph.tick();
  trigger.emit(0);
  graph.tick();

  CHECK(seen == std::vector<int>{2});
}

}  // namespace
}  // namespace mirari
