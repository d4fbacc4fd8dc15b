// Batches: the writes made inside one Graph::batch() land together in one tick, from any
// thread; repeated writes to a source combine; a batch is never split, and a failing batch
// is rejected whole.
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari {
namespace {

std::vector<int> concat(std::vector<int> earlier, std::vector<int> later) {
  earlier.insert(earlier.end(), later.begin(), later.end());
  return earlier;
}

TEST_CASE("a batch's writes to several sources land in one tick") {
  Graph graph;
  auto a = graph.source<int>(0);
  auto b = graph.source<int>(0);
  auto e = graph.event_source<int>();
  std::vector<std::vector<int>> committed;
  auto both = lift(a.signal(), b.signal(), hold(e.event(), 0), [](int x, int y, int z) {
    return std::vector<int>{x, y, z};
  });
  observe(both, [&](const std::vector<int>& v) { committed.push_back(v); });
  committed.clear();

  graph.batch([&] {
    a.set(1);
    e.emit(5);
    b.set(2);
  });
  const TickResult result = graph.run_until_idle();

  CHECK(result.committed == 1);
  CHECK(result.inputs == 3);
  CHECK(committed == std::vector<std::vector<int>>{{1, 2, 5}});
}

TEST_CASE("an event source emitted twice in a batch occurs once, with the last value") {
  Graph graph;
  auto s1 = graph.event_source<int>();
  auto s2 = graph.event_source<int>();
  std::vector<std::pair<int, int>> pairs;
  auto latest = lift(hold(s1.event(), 0), hold(s2.event(), 0), [](int x, int y) {
    return std::pair<int, int>{x, y};
  });
  observe(latest, [&](const std::pair<int, int>& p) { pairs.push_back(p); });
  pairs.clear();

  graph.batch([&] {
    s1.emit(7);
    s1.emit(60);
    s2.emit(8);
    s2.emit(90);
  });

  CHECK(graph.run_until_idle().committed == 1);
  CHECK(pairs == std::vector<std::pair<int, int>>{{60, 90}});
}

TEST_CASE("an event source's combiner folds the occurrences of a batch in emit order") {
  Graph graph;
  auto s1 = graph.event_source<std::vector<int>>(concat);
  auto s2 = graph.event_source<std::vector<int>>(concat);
  std::vector<std::vector<int>> seen1, seen2;
  observe(s1.event(), [&](const std::vector<int>& v) { seen1.push_back(v); });
  observe(s2.event(), [&](const std::vector<int>& v) { seen2.push_back(v); });

  graph.batch([&] {
    s1.emit({7});
    s2.emit({8});
    s1.emit({60});
    s2.emit({90});
  });

  CHECK(graph.run_until_idle().committed == 1);
  CHECK(seen1 == std::vector<std::vector<int>>{{7, 60}});
  CHECK(seen2 == std::vector<std::vector<int>>{{8, 90}});
}

TEST_CASE("outside a batch an event source's occurrences still take one tick each, in order") {
  Graph graph;
  auto e = graph.event_source<std::vector<int>>(concat);
  std::vector<std::vector<int>> seen;
  observe(e.event(), [&](const std::vector<int>& v) { seen.push_back(v); });

  e.emit({1});
  graph.batch([&] {
    e.emit({2});
    e.emit({3});
  });
  e.emit({4});

  CHECK(graph.run_until_idle().committed == 3);
  CHECK(seen == std::vector<std::vector<int>>{{1}, {2, 3}, {4}});
}

TEST_CASE("a batch is never split: writes before it that clash wait with the whole batch") {
  Graph graph;
  auto e = graph.event_source<int>();
  auto s = graph.source<int>(0);
  std::vector<std::pair<int, int>> committed;
  auto both = lift(hold(e.event(), 0), s.signal(), [](int x, int y) {
    return std::pair<int, int>{x, y};
  });
  observe(both, [&](const std::pair<int, int>& p) { committed.push_back(p); });
  committed.clear();

  e.emit(1);
  graph.batch([&] {
    s.set(10);
    e.emit(2);  // clashes with the occurrence before the batch: the batch waits whole
  });

  CHECK(graph.run_until_idle().committed == 2);
  CHECK(committed == std::vector<std::pair<int, int>>{{1, 0}, {2, 10}});
}

TEST_CASE("a batch whose body throws queues nothing") {
  Graph graph;
  auto s = graph.source<int>(0);
  auto e = graph.event_source<int>();

  CHECK_THROWS_AS(graph.batch([&] {
    s.set(1);
    e.emit(2);
    throw std::runtime_error("half-way");
  }),
                  std::runtime_error);

  CHECK(graph.idle());
  CHECK_FALSE(graph.tick().ran());
  CHECK(s.value() == 0);
}

TEST_CASE("a nested batch joins the outer one") {
  Graph graph;
  auto a = graph.source<int>(0);
  auto b = graph.source<int>(0);
  int ticks_seen = 0;
  observe(lift(a.signal(), b.signal(), [](int x, int y) { return x + y; }),
          [&](int) { ++ticks_seen; });
  ticks_seen = 0;

  graph.batch([&] {
    a.set(1);
    graph.batch([&] { b.set(2); });
    CHECK(graph.idle());  // nothing queued until the outer batch ends
  });

  CHECK(graph.run_until_idle().committed == 1);
  CHECK(ticks_seen == 1);
}

TEST_CASE("a batch whose write makes a node throw is rejected whole and the next batch lands") {
  Graph graph;
  auto a = graph.source<int>(0);
  auto b = graph.source<int>(0);
  auto checked = lift(a.signal(), b.signal(), [](int x, int y) {
    if (x + y == 13) throw std::runtime_error("13 is not allowed");
    return x + y;
  });

  graph.batch([&] {
    a.set(6);
    b.set(7);
  });
  const TickResult rejected = graph.run_until_idle();

  CHECK(rejected.rolled_back == 1);
  CHECK(a.value() == 0);  // neither write of the batch stays
  CHECK(b.value() == 0);

  graph.batch([&] {
    a.set(1);
    b.set(2);
  });
  CHECK(graph.run_until_idle().committed == 1);
  CHECK(checked.value() == 3);
}

TEST_CASE("a write to a source removed while its batch ran is dropped, the others land") {
  Graph graph;
  const OwnerId owner = graph.add_owner("short-lived");
  Source<int> gone;
  graph.change(owner, [&] { gone = graph.source<int>(0); });
  auto kept = graph.source<int>(0);

  graph.batch([&] {
    kept.set(4);
    gone.set(5);
    graph.remove_owner(owner);
  });

  CHECK(graph.run_until_idle().committed == 1);
  CHECK(kept.value() == 4);
}

TEST_CASE("batches from four threads each land whole: two sources set together never disagree") {
  constexpr int kThreads = 4;
  constexpr int kBatches = 2000;
  Graph graph;
  auto a = graph.source<int>(0);
  auto b = graph.source<int>(0);
  auto counted = graph.event_source<int>();
  std::atomic<int> disagreements{0};
  observe(lift(a.signal(), b.signal(), [](int x, int y) { return x == y; }), [&](bool same) {
    if (!same) disagreements.fetch_add(1);
  });
  auto total = fold(counted.event(), 0, [](int sum, int) { return sum + 1; });

  std::latch start(kThreads + 1);
  std::atomic<int> finished{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int k = 1; k <= kBatches; ++k) {
        graph.batch([&] {
          a.set(t * kBatches + k);
          counted.emit(k);
          b.set(t * kBatches + k);
        });
      }
      finished.fetch_add(1);
    });
  }
  start.arrive_and_wait();
  while (finished.load() < kThreads) graph.run_until_idle();
  for (auto& writer : writers) writer.join();
  graph.run_until_idle();

  CHECK(disagreements.load() == 0);
  CHECK(total.value() == kThreads * kBatches);
  CHECK(a.value() == b.value());
}

}  // namespace
}  // namespace mirari
