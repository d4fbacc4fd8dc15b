// The input queue: writes from any thread reach the graph in the order they were made, none
// is lost, signal writes coalesce within a tick and event occurrences take one tick each.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <latch>
#include <thread>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

std::vector<int> append(const std::vector<int>& so_far, int v) {
  std::vector<int> out = so_far;
  out.push_back(v);
  return out;
}

TEST_CASE("occurrences emitted from four threads all arrive, each thread's in its order") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  constexpr int kSharedEvery = 3;  // each thread also emits every third value on a shared source
  Graph graph;
  std::vector<EventSource<int>> own;
  std::vector<Signal<std::vector<int>>> received;
  for (int t = 0; t < kThreads; ++t) {
    own.push_back(graph.event_source<int>());
    received.push_back(fold(own.back().event(), std::vector<int>{}, append));
  }
  auto shared = graph.event_source<int>();
  auto shared_received = fold(shared.event(), std::vector<int>{}, append);

  std::latch start(kThreads + 1);
  std::atomic<int> finished{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int k = 0; k < kPerThread; ++k) {
        own[t].emit(k);
        if (k % kSharedEvery == 0) shared.emit(t * kPerThread + k);
      }
      finished.fetch_add(1, std::memory_order_release);
    });
  }
  start.arrive_and_wait();
  while (finished.load(std::memory_order_acquire) < kThreads) graph.run_until_idle();
  for (auto& writer : writers) writer.join();
  graph.run_until_idle();

  REQUIRE(graph.idle());
  std::vector<int> in_order(kPerThread);
  for (int k = 0; k < kPerThread; ++k) in_order[k] = k;
  for (int t = 0; t < kThreads; ++t) CHECK(received[t].value() == in_order);

  std::vector<std::vector<int>> shared_by_thread(kThreads);
  for (int v : shared_received.value()) shared_by_thread[v / kPerThread].push_back(v % kPerThread);
  std::vector<int> every_third;
  for (int k = 0; k < kPerThread; k += kSharedEvery) every_third.push_back(k);
  for (int t = 0; t < kThreads; ++t) CHECK(shared_by_thread[t] == every_third);
  CHECK(shared_received.value().size() == kThreads * every_third.size());
}

TEST_CASE("writes to a source before a tick coalesce into one tick with the last value") {
  Graph graph;
  auto input = graph.source<int>(0);
  int calls = 0;
  auto seen = map(input.signal(), [&](int x) {
                ++calls;
                return x;
              }).named("seen");
  calls = 0;

  input.set(1);
  input.set(2);
  input.set(3);
  const TickResult result = graph.tick();

  CHECK(result.committed == 1);
  CHECK(result.inputs == 3);
  CHECK(graph.idle());
  CHECK(input.value() == 3);
  CHECK(seen.value() == 3);
  CHECK(calls == 1);
  CHECK(node_named(graph, "seen").recomputes == 1);
}

TEST_CASE("writes that end on a source's value before the tick change nothing") {
  Graph graph;
  auto input = graph.source<int>(0);
  int calls = 0;
  auto seen = map(input.signal(), [&](int x) {
    ++calls;
    return x;
  });
  int occurrences = 0;
  observe(changes(input.signal()), [&](int) { ++occurrences; });
  calls = 0;

  input.set(1);
  input.set(0);
  const TickResult result = graph.tick();

  CHECK(result.inputs == 2);
  CHECK(seen.value() == 0);
  CHECK(calls == 0);
  CHECK(occurrences == 0);
  CHECK(result.effects == 0);
}

TEST_CASE("three queued occurrences of one event source make three ticks, in order") {
  Graph graph;
  auto event = graph.event_source<int>();
  std::vector<int> seen;
  observe(event.event(), [&](int v) { seen.push_back(v); });
  event.emit(1);
  event.emit(2);
  event.emit(3);

  const TickResult first = graph.tick();
  CHECK(first.inputs == 1);
  CHECK(seen == std::vector<int>{1});

  const TickResult second = graph.tick();
  CHECK(second.tick == first.tick + 1);
  CHECK(seen == std::vector<int>{1, 2});

  const TickResult third = graph.tick();
  CHECK(third.tick == second.tick + 1);
  CHECK(seen == std::vector<int>{1, 2, 3});

  CHECK_FALSE(graph.tick().ran());
}

TEST_CASE("a write made after an event's second occurrence waits for that occurrence's tick") {
  Graph graph;
  auto event = graph.event_source<int>();
  auto level = graph.source<int>(0);
  std::vector<int> occurrences;
  observe(event.event(), [&](int v) { occurrences.push_back(v); });

  event.emit(1);
  event.emit(2);
  level.set(5);

  graph.tick();
  CHECK(occurrences == std::vector<int>{1});
  CHECK(level.value() == 0);

  graph.tick();
  CHECK(occurrences == std::vector<int>{1, 2});
  CHECK(level.value() == 5);
}

TEST_CASE("the wakeup runs when a write lands in an empty queue, once per batch") {
  Graph graph;
  auto input = graph.source<int>(0);
  int wakeups = 0;
  graph.set_wakeup([&] { ++wakeups; });

  input.set(1);
  input.set(2);
  CHECK(wakeups == 1);

  graph.tick();
  input.set(3);
  CHECK(wakeups == 2);
}

}  // namespace
}  // namespace mirari
